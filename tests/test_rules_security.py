"""Security Scanning rules (SEC-*), each on small repositories where it passes, fails and does not apply,
including the CI/workflow security rules and the Dockerfile/compose secret and privilege rules."""
from __future__ import annotations

import pytest

from tests.rulekit import case, evaluate, job, run_case, workflow

CI = ".github/workflows/ci.yml"
README = {"README.md": "# Notes\n"}
PYPROJECT = {"pyproject.toml": '[project]\nname = "app"\nversion = "1.0"\n'}
APP_PYPROJECT = {"pyproject.toml": '[project]\nname = "app"\nversion = "1.0"\ndependencies = ["httpx>=0.27"]\n'}
SHA = "11bd71901bbe5b1630ceea73d27597364c9af683"
GITLAB = {".gitlab-ci.yml": "test:\n  script:\n    - pytest\n"}
PRE_COMMIT_GITLEAKS = {".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/gitleaks/gitleaks\n"
                                                  "    rev: v8.24.2\n    hooks:\n      - id: gitleaks\n"}
FAKE_AWS_KEY = "AKIA" + "Q3EGTRJZ4WXNVB7K"  # built at run time so this file holds no key-shaped literal
TEST_KEY = "-----BEGIN " + "PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END " + "PRIVATE KEY-----\n"
# A service account in a Helm chart's CI test values: the marker, with no key (a real chart's dummy account)
DUMMY_SERVICE_ACCOUNT = ('serviceAccountJson: |\n  {"type": "service_account", "project_id": "test",\n'
                         '   "private_key_id": "", "private_key": "", "client_email": "x@test.iam.gserviceaccount.com"}\n')
SERVICE_ACCOUNT = ('{"type": "service_account", "project_id": "prod",\n "private_key_id": "4f1c",\n'
                   ' "private_key": "' + TEST_KEY.replace("\n", "\\n") + '"}\n')


def ci(steps: str, **kw: str) -> dict[str, str]:
    extra = kw.pop("extra", "")
    name = kw.pop("job_name", "test")
    return {CI: workflow(job(steps, name=name, extra=extra), **kw)}


APP_DEPS = {"requirements.txt": "flask==3.0.0\n"}
PYTEST_CI = ci(f"- uses: actions/checkout@{SHA}\n  with:\n    persist-credentials: false\n- run: pytest")
DOCKERFILE = {"Dockerfile": "FROM python:3.12-slim\nCMD [\"app\"]\n"}
COMPOSE = "compose.yaml"
PR_TARGET = "pull_request_target:"
DEPENDABOT = ".github/dependabot.yml"


def compose(service: str) -> dict[str, str]:
    return {COMPOSE: "services:\n  api:\n    build: .\n" + service}


def dependabot(*ecosystems: str) -> dict[str, str]:
    updates = "".join(f"  - package-ecosystem: {e}\n    directory: /\n    schedule: {{interval: weekly}}\n"
                      for e in ecosystems)
    return {DEPENDABOT: f"version: 2\nupdates:\n{updates}"}


APP_CODE = {"app/main.py": "def main():\n    return 1\n"}

CARGO = '[package]\nname = "x"\nversion = "0.1.0"\n'

CASES = [
    # SEC-001 dependency update bot
    case("SEC-001", "pass", dependabot("pip"), DEPENDABOT),
    case("SEC-001", "fail", README),
    # a CI check that fails when a dependency falls behind is automated; a report-only run is not
    case("SEC-001", "pass", {"Cargo.toml": CARGO, **ci("- run: cargo outdated --workspace --exit-code 1")}, CI),
    case("SEC-001", "fail", {"Cargo.toml": CARGO, **ci("- run: cargo outdated --workspace")}),
    # SEC-002 secret scanning in CI or pre-commit
    case("SEC-002", "pass", PRE_COMMIT_GITLEAKS, ".pre-commit-config.yaml"),
    case("SEC-002", "fail", README),
    # SEC-003 no committed secrets (always redacted: see test_committed_secret_is_redacted)
    case("SEC-003", "pass", {"app/settings.py": "KEY = os.environ['AWS_ACCESS_KEY_ID']\n"}),
    case("SEC-003", "fail", {"app/settings.py": f"import os\nKEY = '{FAKE_AWS_KEY}'\n"}, "app/settings.py", 2),
    case("SEC-003", "fail", {"deploy/server.key": TEST_KEY}, "deploy/server.key", 1),  # a key outside tests
    case("SEC-003", "fail", {"tests/conftest.py": f"KEY = '{FAKE_AWS_KEY}'\n"}, "tests/conftest.py", 1),  # tokens count anywhere
    case("SEC-003", "pass", {"tests/certs/server.key": TEST_KEY, "src/testdata/fake_ca.pem": TEST_KEY}),
    # external-dns: a Go test loads its client key from internal/testresources/ (a P0 "rotate it" was false)
    case("SEC-003", "pass", {"internal/testresources/client-cert-key.pem": TEST_KEY,
                             "src/test/resources/keystore.pem": TEST_KEY}),
    # vendored libraries are upstream's code: a key there is not the team's to rotate
    case("SEC-003", "pass", {"vendor/github.com/x/y/client.go": f"const k = \"{FAKE_AWS_KEY}\"\n",
                             "web/node_modules/lib/index.js": f"var k = '{FAKE_AWS_KEY}';\n"}),
    case("SEC-003", "fail", {"build/config.js": f"var k = '{FAKE_AWS_KEY}';\n"}, "build/config.js", 1),
    # a marker or a shape is no secret: a service account without a key, a BEGIN line without a body,
    # a token whose random part is a placeholder
    case("SEC-003", "pass", {"charts/app/ci/gcs-values.yaml": DUMMY_SERVICE_ACCOUNT,
                             "deploy/values.yaml": DUMMY_SERVICE_ACCOUNT}),
    case("SEC-003", "pass", {"src/detect.py": 'if "-----BEGIN ' + 'RSA PRIVATE KEY-----" in text:\n    return True\n',
                             "README.md": "export GITHUB_TOKEN=ghp_" + "x" * 36 + "\n"}),
    case("SEC-003", "fail", {"deploy/sa.json": SERVICE_ACCOUNT}, "deploy/sa.json", 3),
    case("SEC-003", "pass", {"charts/app/ci/gcs-values.yaml": SERVICE_ACCOUNT}),  # a chart's CI test values
    case("SEC-026", "fail", {"charts/app/ci/gcs-values.yaml": SERVICE_ACCOUNT}, "charts/app/ci/gcs-values.yaml", 3),
    # SEC-026 private keys in test folders are reported apart, as test material to confirm and allowlist
    case("SEC-026", "pass", {"deploy/server.key": TEST_KEY}),
    case("SEC-026", "fail", {"tests/certs/server.key": TEST_KEY}, "tests/certs/server.key", 1),
    case("SEC-026", "fail", {"docs/example-client.pem": TEST_KEY}, "docs/example-client.pem", 1),
    # a framework's development configuration holds development keys (hexpm's config/dev.exs)
    case("SEC-026", "fail", {"config/dev.exs": f'config :app,\n  jwt_signing_key: """\n{TEST_KEY}"""\n'}, "config/dev.exs", 3),
    case("SEC-026", "pass", {"config/prod.exs": f'config :app,\n  jwt_signing_key: """\n{TEST_KEY}"""\n'}),
    # Mix names its environments by file: config/hex.exs configures hexpm's integration-test environment
    case("SEC-026", "fail", {"config/hex.exs": f'config :app,\n  jwt_signing_key: """\n{TEST_KEY}"""\n'}, "config/hex.exs", 3),
    case("SEC-026", "pass", {"config/runtime.exs": f'config :app,\n  jwt_signing_key: """\n{TEST_KEY}"""\n'}),
    # SEC-004 no .env committed
    case("SEC-004", "pass", {".env.example": "API_KEY=\n"}),
    case("SEC-004", "fail", {".env": "API_KEY=x\n"}, ".env"),
    # a .env beside a compose file that only names the compose project holds no secret (paperless-ngx)
    case("SEC-004", "pass", {".env": "COMPOSE_PROJECT_NAME=paperless\n"}),
    case("SEC-004", "fail", {".env": "COMPOSE_PROJECT_NAME=paperless\nPAPERLESS_SECRET_KEY=\n"}, ".env"),
    # a test fixture for dotenv loading is not a leaked environment, unless it holds secret material
    case("SEC-004", "pass", {"tests/test_apps/.env": "FOO=env\nSPAM=1\n"}),
    case("SEC-004", "fail", {"tests/.env": f"AWS_ACCESS_KEY_ID={FAKE_AWS_KEY}\n"}, "tests/.env"),
    # SEC-005 SAST in CI
    # the analysis is the step that scans (init only prepares the database)
    case("SEC-005", "pass", {**APP_CODE, **ci("- uses: github/codeql-action/init@v3\n"
                                             "- uses: github/codeql-action/analyze@v3")}, CI, "codeql-action/analyze"),
    case("SEC-005", "fail", {**APP_CODE, **PYTEST_CI}),
    # nothing to analyse: manifests, docs and a helper script only (a GitOps or docs repository)
    case("SEC-005", "na", {**PYTEST_CI, "apps/guestbook.yaml": "kind: Application\n", "docs/conf.py": "x = 1\n",
                           "scripts/validate.sh": "kubeconform .\n"}),
    # SEC-006 dependency scanning in CI
    case("SEC-006", "pass", {**ci("- run: uvx pip-audit"), **APP_DEPS}, CI, "pip-audit"),
    case("SEC-006", "fail", {**PYTEST_CI, **APP_DEPS}),
    # No runtime dependency to scan: a package with none, or only tooling requirements (issue 13:
    # structlog, packaging, a docs site's Sphinx requirements were labelled debatable).
    case("SEC-006", "na", {**PYTEST_CI, "pyproject.toml": "[project]\nname = 'lib'\ndependencies = []\n"
                           "[project.optional-dependencies]\ntest = ['pytest']\n"}),
    case("SEC-006", "na", {**PYTEST_CI, "docs/requirements.txt": "sphinx\nfuro\n",
                           "requirements-dev.txt": "pytest\n"}),
    case("SEC-006", "fail", {**PYTEST_CI, "package.json": '{"name": "app", "dependencies": {"express": "4"}}'}),
    case("SEC-006", "na", {**PYTEST_CI, "Cargo.toml": "[package]\nname = 'x'\n[dev-dependencies]\nproptest = '1'\n"}),
    # SEC-007 SECURITY.md
    case("SEC-007", "pass", {"SECURITY.md": "# Security\n"}, "SECURITY.md"),
    case("SEC-007", "fail", README),
    # the policy in another form: a README section (ripgrep), Kubernetes' SECURITY_CONTACTS (external-dns), the
    # issue chooser sending security reports to private advisories (flask)
    case("SEC-007", "pass", {"README.md": "# rg\n\n### Vulnerability reporting\n\nMail jamslam@gmail.com.\n"},
         "README.md", 3),
    case("SEC-007", "pass", {"SECURITY_CONTACTS": "# Defined below are the security contacts\nalice\n"},
         "SECURITY_CONTACTS"),
    case("SEC-007", "pass", {".github/ISSUE_TEMPLATE/config.yml": "contact_links:\n  - name: Security issue\n"
                             "    url: https://github.com/pallets/flask/security/advisories/new\n"},
         ".github/ISSUE_TEMPLATE/config.yml", 2),
    # product documentation about security features is no disclosure policy (flask's docs/web-security.rst)
    case("SEC-007", "fail", {"README.md": "# Flask\n", "docs/web-security.rst": "Security Considerations\n"
                             "=======================\n\nContent Security Policy (CSP)\n-----------------------------\n"}),
    # SEC-008 container scanning
    case("SEC-008", "pass", {**DOCKERFILE, **ci("- run: trivy image app:1")}, CI, "trivy image"),
    case("SEC-008", "fail", {**DOCKERFILE, **PYTEST_CI}),
    case("SEC-008", "na", PYTEST_CI),
    # SEC-009 actions pinned to SHAs
    case("SEC-009", "pass", PYTEST_CI),
    case("SEC-009", "fail", ci("- uses: actions/checkout@v4"), CI, "actions/checkout@v4"),
    case("SEC-009", "na", GITLAB),
    # SEC-010 least-privilege permissions
    case("SEC-010", "pass", PYTEST_CI),
    case("SEC-010", "fail", ci("- run: pytest", top=""), CI, 1),
    case("SEC-010", "fail", ci("- run: pytest", top="permissions: write-all\n"), CI, 1),
    # a reusable workflow inherits the token of the callers, which set `permissions: {}` (poetry's .tests-matrix.yaml)
    case("SEC-010", "pass", {".github/workflows/tests.yaml": "on: [push]\npermissions: {}\njobs:\n  tests:\n"
                                                            "    uses: ./.github/workflows/matrix.yaml\n",
                             ".github/workflows/matrix.yaml": "on:\n  workflow_call:\njobs:\n  run:\n"
                                                             "    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"}),
    case("SEC-010", "fail", {".github/workflows/tests.yaml": "on: [push]\njobs:\n  tests:\n"
                                                            "    uses: ./.github/workflows/matrix.yaml\n",
                             ".github/workflows/matrix.yaml": "on:\n  workflow_call:\njobs:\n  run:\n"
                                                             "    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"},
         ".github/workflows/matrix.yaml", 1),
    case("SEC-010", "na", GITLAB),
    # SEC-011 template injection
    case("SEC-011", "pass", ci("- env:\n    TITLE: ${{ github.event.issue.title }}\n  run: echo \"$TITLE\"")),
    case("SEC-011", "fail", ci("- run: echo \"${{ github.event.issue.title }}\""), CI, "- run: echo"),
    case("SEC-011", "na", GITLAB),
    # SEC-012 SBOM, signing, provenance
    case("SEC-012", "pass", ci("- run: syft app:1 -o cyclonedx-json > sbom.json\n- run: twine upload dist/*",
                               on='push:\n    tags: ["v*"]'), CI, "syft"),
    case("SEC-012", "fail", ci("- run: python -m build\n- run: twine upload dist/*", on='push:\n    tags: ["v*"]')),
    # publishing to PyPI with an OIDC token (trusted publishing) attests the package: DEP-021 says so too (flask)
    case("SEC-012", "pass", ci(f"- uses: pypa/gh-action-pypi-publish@{SHA}", on='push:\n    tags: ["v*"]',
                               extra="    permissions:\n      id-token: write\n"), CI, "    runs-on"),
    # CI only tests: nothing is released or deployed, so nothing to sign (a Composer library released by tags)
    case("SEC-012", "na", PYTEST_CI),
    # ... but a package published by hand to a registry of built artefacts still ships one (express, sidekiq)
    case("SEC-012", "fail", {**PYTEST_CI, "package.json": '{"name": "acme", "version": "1.0.0", "main": "index.js"}\n',
                             "index.js": "module.exports = 1;\n"}, profile="library"),
    # a Maven build that signs in its release profile signs what it deploys to Central, wherever it is run (gson)
    case("SEC-012", "pass", {"pom.xml": "<project>\n  <artifactId>acme</artifactId>\n  <profiles>\n    <profile>\n"
                                        "      <id>release</id>\n      <build><plugins><plugin>\n"
                                        "        <artifactId>maven-gpg-plugin</artifactId>\n"
                                        "      </plugin></plugins></build>\n    </profile>\n  </profiles>\n</project>\n",
                             "src/main/java/acme/Client.java": "class Client {}\n"}, "pom.xml", 7, profile="library"),
    case("SEC-012", "fail", {"pom.xml": "<project>\n  <artifactId>acme</artifactId>\n</project>\n",
                             "src/main/java/acme/Client.java": "class Client {}\n"}, profile="library"),
    # docker/build-push-action (v4 and later) attests the provenance of a pushed image unless told not to (healthchecks)
    case("SEC-012", "pass", {**DOCKERFILE, **ci(f"- uses: docker/build-push-action@{SHA} # v6\n  with:\n    push: true",
                                             on='push:\n    tags: ["v*"]')}, CI, "docker/build-push-action"),
    case("SEC-012", "fail", {**DOCKERFILE, **ci("- uses: docker/build-push-action@v6\n  with:\n    push: true\n"
                                             "    provenance: false", on='push:\n    tags: ["v*"]')}),
    # a demo application that publishes signed images is judged on them (podinfo)
    case("SEC-012", "pass", {**DOCKERFILE, "README.md": "# podinfo\n\nA demo application for Kubernetes.\n",
                             **ci("- run: cosign sign ghcr.io/acme/podinfo:1.0", on='push:\n    tags: ["v*"]')}, CI, "cosign"),
    # a Terraform module released by semantic-release is used from its git tags: nothing built to sign
    case("SEC-012", "na", {"main.tf": 'variable "name" {}\n', "versions.tf": "terraform {}\n",
                           ".releaserc.json": '{"branches": ["main"]}\n'}, profile="infrastructure"),
    # Helm charts are packaged and pushed: a chart repository is judged on signing them (helm-charts)
    case("SEC-012", "fail", {"charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\n",
                             "charts/app/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\n",
                             **ci(f"- uses: helm/chart-releaser-action@{SHA}", on="push:\n    branches: [main]")},
         profile="infrastructure"),
    # while a Composer library is served from its git tags: nothing to sign (guzzle)
    case("SEC-012", "na", {**PYTEST_CI, "composer.json": '{"name": "acme/http", "type": "library"}\n'},
         profile="library"),
    case("SEC-012", "na", PYTEST_CI, profile="research"),
    # SEC-013 privileged workflows do not run PR code
    case("SEC-013", "pass", ci("- uses: actions/labeler@v5", on=PR_TARGET)),
    case("SEC-013", "fail", ci(f"- uses: actions/checkout@{SHA}\n  with:\n    ref: ${{{{ github.event.pull_request.head.sha }}}}"
                               "\n- run: npm ci && npm test", on=PR_TARGET), CI, "actions/checkout"),
    case("SEC-013", "fail", ci("- run: gh pr checkout ${{ github.event.workflow_run.head_branch }}",
                               on="workflow_run:\n    workflows: [CI]"), CI, "gh pr checkout"),
    case("SEC-013", "na", GITLAB),
    # SEC-014 checkout does not persist credentials
    case("SEC-014", "pass", PYTEST_CI),
    case("SEC-014", "fail", ci(f"- uses: actions/checkout@{SHA}\n- run: pytest"), CI, "actions/checkout"),
    case("SEC-014", "na", GITLAB),
    # SEC-015 secrets scoped to environments
    case("SEC-015", "pass", ci("- run: npm publish\n  env:\n    NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}",
                               extra="    environment: npm\n")),
    case("SEC-015", "pass", ci("- run: gh release list\n  env:\n    GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}")),
    case("SEC-015", "fail", ci("- run: npm publish\n  env:\n    NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}"), CI,
         "runs-on"),
    case("SEC-015", "pass", {CI: workflow("  release:\n    uses: acme/meta/.github/workflows/release.yml@v1\n"
                                          "    secrets:\n      token: ${{ secrets.RELEASE_TOKEN }}\n")}),  # callee decides
    case("SEC-015", "na", GITLAB),
    # SEC-016 no curl | sh in CI
    case("SEC-016", "pass", PYTEST_CI),
    case("SEC-016", "fail", ci("- run: curl -sSfL https://example.com/install.sh | sh"), CI, "curl"),
    case("SEC-016", "fail", {".gitlab-ci.yml": "test:\n  script:\n    - wget -qO- https://x.example/i | sudo bash\n"},
         ".gitlab-ci.yml", 3),
    case("SEC-016", "na", README),
    # SEC-017 self-hosted runners and pull requests
    case("SEC-017", "pass", {CI: workflow("  test:\n    runs-on: [self-hosted, linux]\n    steps:\n      - run: pytest\n",
                                          on="push:\n    branches: [main]")}, CI, "runs-on"),
    case("SEC-017", "fail", {CI: workflow("  test:\n    runs-on: [self-hosted, linux]\n    steps:\n      - run: pytest\n")},
         CI, "runs-on"),
    case("SEC-017", "na", PYTEST_CI),
    # SEC-018 zizmor / Scorecard
    case("SEC-018", "pass", ci("- run: uvx zizmor --format=sarif . > zizmor.sarif"), CI, "zizmor"),
    case("SEC-018", "pass", ci("- uses: ossf/scorecard-action@05b42c624433fc40578a4040d5cf5e36ddca8cde"), CI, "scorecard"),
    case("SEC-018", "fail", PYTEST_CI),
    case("SEC-018", "na", GITLAB),
    # SEC-019 update bot covers every ecosystem
    case("SEC-019", "pass", {**PYPROJECT, **PYTEST_CI, **dependabot("pip", "github-actions")}, DEPENDABOT),
    case("SEC-019", "fail", {**PYPROJECT, **PYTEST_CI, **DOCKERFILE, **dependabot("pip")}, DEPENDABOT),
    case("SEC-019", "na", {**PYPROJECT, **PYTEST_CI}),
    # Dependabot's bun ecosystem updates the npm manifests of a bun workspace (full-stack-fastapi-template)
    case("SEC-019", "pass", {"package.json": '{"name": "app", "workspaces": ["packages/*"]}',
                             "packages/mail/package.json": '{"name": "mail", "dependencies": {"react": "^19"}}',
                             **PYTEST_CI, **dependabot("bun", "github-actions")}, DEPENDABOT),
    # SEC-020 secret scanning before commit and in CI
    case("SEC-020", "pass", {**PRE_COMMIT_GITLEAKS, **ci("- uses: gitleaks/gitleaks-action@v2")}, CI, "gitleaks-action"),
    case("SEC-020", "partial", PRE_COMMIT_GITLEAKS, ".pre-commit-config.yaml"),
    case("SEC-020", "fail", README),
    # SEC-021 SAST on a schedule
    case("SEC-021", "pass", ci("- uses: github/codeql-action/analyze@v3",
                               on="push:\n    branches: [main]\n  schedule:\n    - cron: '0 5 * * 1'"), CI, "codeql"),
    case("SEC-021", "fail", ci("- uses: github/codeql-action/analyze@v3"), CI, "codeql"),
    case("SEC-021", "na", PYTEST_CI),
    # SEC-022 licence compliance
    case("SEC-022", "pass", {**APP_PYPROJECT, **ci("- run: uvx pip-licenses --fail-on GPL-3.0-only")}, CI, "pip-licenses"),
    case("SEC-022", "pass", {**APP_PYPROJECT, **ci("- uses: actions/dependency-review-action@v4\n  with:\n"
                                               "    deny-licenses: AGPL-3.0-only")}, CI, "dependency-review-action"),
    case("SEC-022", "fail", {**APP_PYPROJECT, **PYTEST_CI}),
    # no runtime dependency: no third-party licence ships with the code (packaging's `dependencies = []`)
    case("SEC-022", "na", {**PYPROJECT, **PYTEST_CI}),
    case("SEC-022", "na", README),
    # SEC-023 no secrets in images or compose
    case("SEC-023", "pass", {"Dockerfile": "FROM python:3.12\nENV API_KEY=\"\"\nENV DB_PASSWORD_FILE=/run/secrets/db\n"},
         "Dockerfile", 2),
    case("SEC-023", "fail", {"Dockerfile": "FROM python:3.12\nENV API_KEY=abc123def\n"}, "Dockerfile", 2),
    case("SEC-023", "fail", {"Dockerfile": "FROM node:22\nARG NPM_TOKEN\nRUN npm ci\n"}, "Dockerfile", 2),
    case("SEC-023", "fail", compose("    environment:\n      POSTGRES_PASSWORD: hunter2hunter2\n"), COMPOSE, 5),
    # a local database's well-known default is a weak password, not a leaked secret (hexpm's docker-compose.yaml)
    case("SEC-023", "pass", compose("    environment:\n      POSTGRES_USER: postgres\n      POSTGRES_PASSWORD: postgres\n"),
         COMPOSE, 3),
    case("SEC-023", "na", {"Dockerfile": "FROM python:3.12\nARG COMMIT_SHA\nENV COMMIT_SHA=$COMMIT_SHA\n"}),
    # SEC-024 no host-level privileges
    case("SEC-024", "pass", compose("    read_only: true\n")),
    case("SEC-024", "fail", compose("    privileged: true\n"), COMPOSE, 3),
    # Docker-in-Docker deploy targets of an integration test run on a throwaway runner (kamal)
    case("SEC-024", "pass", {"test/integration/docker-compose.yml": "services:\n  vm1:\n    image: docker:dind\n"
                                                                   "    privileged: true\n"}),
    case("SEC-024", "fail", compose("    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n"), COMPOSE, 3),
    case("SEC-024", "na", DOCKERFILE),
    # SEC-025 secret files not bind-mounted
    case("SEC-025", "pass", compose("    volumes:\n      - ./app:/app/app\n      - ./.env.example:/app/.env.example\n")),
    case("SEC-025", "fail", compose("    volumes:\n      - ./app:/app/app\n      - ./.env.local:/app/.env.local\n"), COMPOSE,
         "- ./.env.local"),
    case("SEC-025", "fail", compose("    volumes:\n      - type: bind\n        source: ./gcp-service-account.json\n"
                                    "        target: /secrets/key.json\n"), COMPOSE, "- type: bind"),
    case("SEC-025", "na", DOCKERFILE),
]


@pytest.mark.parametrize("rule_id,outcome,files,path,line,options", CASES)
def test_security_rule(tmp_path, rule_id, outcome, files, path, line, options):
    run_case(tmp_path, rule_id, outcome, files, path, line, options)


def test_committed_secret_is_redacted(tmp_path):
    finding = evaluate(tmp_path, {"app/settings.py": f"KEY = '{FAKE_AWS_KEY}'\n"}, "SEC-003")
    assert finding.evidence and all(FAKE_AWS_KEY not in e.snippet for e in finding.evidence)
    assert "REDACTED" in finding.evidence[0].snippet


def test_secret_values_in_images_are_masked(tmp_path):
    finding = evaluate(tmp_path, {"Dockerfile": "FROM python:3.12\nENV API_KEY=abc123def\n",
                                  COMPOSE: "services:\n  db:\n    image: postgres:16\n    environment:\n"
                                           "      POSTGRES_PASSWORD: hunter2hunter2\n"}, "SEC-023")
    snippets = " ".join(e.snippet for e in finding.evidence)
    assert "abc123def" not in snippets and "hunter2hunter2" not in snippets
    assert "API_KEY=****" in snippets and "POSTGRES_PASSWORD=****" in snippets


def test_service_account_key_is_one_secret(tmp_path):
    """The key inside a service-account file is reported once, as the service account, never as the marker."""
    finding = evaluate(tmp_path, {"deploy/sa.json": SERVICE_ACCOUNT}, "SEC-003")
    assert [e.snippet.split(":")[0] for e in finding.evidence] == ["gcp-service-account"]
