"""Deployment Automation rules (DEP-*), each on small repositories where it passes, fails and does not apply.

Deploy rules apply to services and monorepos; the tables set the profile explicitly so a repository of
two files is judged as the service it stands for."""
from __future__ import annotations

import pytest

from tests.rulekit import case, job, run_case, workflow

DEPLOY = ".github/workflows/deploy.yml"
CI = ".github/workflows/ci.yml"
SERVICE = {"profile": "service"}
LIBRARY = {"profile": "library"}
README = {"README.md": "# Notes\n"}
DOCKERFILE = {"Dockerfile": "FROM python:3.12-slim\nCMD [\"python\", \"-m\", \"app\"]\n"}
MAIN = "push:\n    branches: [main]"
IMAGE = "gcr.io/acme/app"
DEPLOY_STEP = f"gcloud run deploy app --image {IMAGE}:${{{{ github.sha }}}} --region europe-west1"


def deploy_wf(jobs: str, on: str = MAIN, top: str = "permissions:\n  contents: read\n") -> dict[str, str]:
    return {DEPLOY: workflow(jobs, on=on, top=top, name="Deploy")}


def deploy_job(name: str = "deploy", env: str | None = "production", steps: str = f"- run: {DEPLOY_STEP}",
               extra: str = "") -> str:
    environment = f"    environment: {env}\n" if env else ""
    body = "".join(f"      {line}\n" for line in steps.strip("\n").split("\n"))
    return f"  {name}:\n    runs-on: ubuntu-latest\n{environment}{extra}    steps:\n{body}"


TEST_JOB = "  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"
PROD = deploy_wf(deploy_job())
MANUAL_DOCS = {"README.md": f"# App\n\n## Deploy\n\nRun `{DEPLOY_STEP}` by hand.\n"}
DEPLOY_JOB_LINE = "runs-on: ubuntu-latest\n    environment"  # a job's line is its first key
CANARY = f"- run: gcloud run deploy app --image {IMAGE}:${{{{ github.sha }}}} --no-traffic --tag canary"

CASES = [
    # DEP-001 deployment is scripted
    case("DEP-001", "pass", {"Makefile": f"deploy:\n\t{DEPLOY_STEP}\n"}, "Makefile", 1, **SERVICE),
    case("DEP-001", "fail", MANUAL_DOCS, "README.md", 5, **SERVICE),
    case("DEP-001", "na", MANUAL_DOCS, **LIBRARY),
    # DEP-002 a CI pipeline deploys
    case("DEP-002", "pass", PROD, DEPLOY, "runs-on", **SERVICE),
    case("DEP-002", "fail", MANUAL_DOCS, "README.md", 5, **SERVICE),
    case("DEP-002", "na", MANUAL_DOCS, **LIBRARY),
    # DEP-003 deploy jobs target environments
    case("DEP-003", "pass", PROD, DEPLOY, "runs-on", **SERVICE),
    case("DEP-003", "fail", deploy_wf(deploy_job(env=None)), DEPLOY, "runs-on", **SERVICE),  # cites the job
    case("DEP-003", "na", PROD, **LIBRARY),
    # DEP-004 production deploys gated
    case("DEP-004", "pass", PROD, DEPLOY, "runs-on", **SERVICE),
    case("DEP-004", "fail", deploy_wf(deploy_job(env="staging")), **SERVICE),
    case("DEP-004", "na", PROD, **LIBRARY),
    # DEP-020 a defined release process (a library is released, not deployed)
    case("DEP-020", "pass", {"RELEASING.md": "# Releasing\n\n1. Tag the version.\n"}, "RELEASING.md", **LIBRARY),
    case("DEP-020", "pass", {"Makefile": "release:\n\tgit tag v$(VERSION)\n"}, "Makefile", 1, **LIBRARY),
    case("DEP-020", "fail", README, **LIBRARY),
    case("DEP-020", "na", README, **SERVICE),  # a service is deployed: DEP-001/002 judge it
    # DEP-021 signed or attested releases
    case("DEP-021", "pass", {".github/workflows/release.yml": workflow(
        job("- run: python -m build\n- uses: pypa/gh-action-pypi-publish@release/v1", name="publish",
            extra="    permissions:\n      id-token: write\n"), on="push:\n    tags: ['v*']")},
         ".github/workflows/release.yml", "runs-on", **LIBRARY),  # trusted publishing
    case("DEP-021", "pass", {".github/workflows/release.yml": workflow(
        job("- run: make dist\n- uses: actions/attest-build-provenance@v2\n- run: gh release upload $TAG dist/*",
            name="release"), on="push:\n    tags: ['v*']")}, ".github/workflows/release.yml", **LIBRARY),
    case("DEP-021", "fail", {".github/workflows/release.yml": workflow(
        job("- run: npm ci\n- run: npm publish", name="publish"), on="push:\n    tags: ['v*']")}, **LIBRARY),
    case("DEP-021", "na", README, **LIBRARY),  # nothing automated to sign in
    # the signing key handed to Gradle as a project property: the signing plugin signs what `publish` uploads (retrofit)
    case("DEP-021", "pass", {".github/workflows/release.yml": workflow(
        job("- run: ./gradlew publish\n  env:\n    ORG_GRADLE_PROJECT_signingInMemoryKey: ${{ secrets.SIGNING_KEY }}",
            name="publish"), on="push:\n    tags: ['v*']")}, ".github/workflows/release.yml", "signingInMemoryKey", **LIBRARY),
    case("DEP-021", "fail", {".github/workflows/release.yml": workflow(
        job("- run: ./gradlew publish\n  env:\n    ORG_GRADLE_PROJECT_signingInMemoryKey: ''",
            name="publish"), on="push:\n    tags: ['v*']")}, **LIBRARY),
    # DEP-005 release automation
    case("DEP-005", "pass", {".releaserc.json": "{}\n"}, ".releaserc.json"),
    case("DEP-005", "fail", README),
    # CI that also runs for tags releases nothing by itself (pygobject's .gitlab-ci.yml runs for MRs and tags)
    case("DEP-005", "fail", {CI: workflow(job("- run: pytest"), on="push:\n    tags: ['*']\n  pull_request:")}),
    # nor does pushing its own builder image from a job that runs for pull requests too (pygobject's buildah push)
    case("DEP-005", "fail", {CI: workflow(job("- run: docker build -t ghcr.io/acme/ci-image .\n"
                                              "- run: docker push ghcr.io/acme/ci-image", name="image"),
                                          on="push:\n    tags: ['*']\n  pull_request:")}),
    case("DEP-005", "na", README, profile="gitops"),  # a configuration repository releases nothing
    # DEP-006 OIDC instead of static keys
    case("DEP-006", "pass", deploy_wf(deploy_job(), top="permissions:\n  contents: read\n  id-token: write\n"), DEPLOY,
         **SERVICE),
    case("DEP-006", "fail", deploy_wf(deploy_job(extra="    env:\n      GOOGLE_CREDENTIALS: ${{ secrets.GCP_SA_KEY }}\n")),
         DEPLOY, "secrets.GCP_SA_KEY", **SERVICE),
    case("DEP-006", "na", deploy_wf(deploy_job(steps="- run: npx vercel deploy --prod")), **SERVICE),
    # DEP-007 smoke tests
    case("DEP-007", "pass", deploy_wf(deploy_job(steps=f"- run: {DEPLOY_STEP}\n- run: curl --fail https://app/health")),
         DEPLOY, "curl --fail", **SERVICE),
    case("DEP-007", "fail", PROD, **SERVICE),
    case("DEP-007", "na", PROD, **LIBRARY),
    # DEP-008 automated rollback
    case("DEP-008", "pass", deploy_wf(deploy_job(steps="- run: helm upgrade app ./chart --atomic")), DEPLOY, "helm upgrade",
         **SERVICE),
    case("DEP-008", "fail", PROD, **SERVICE),
    case("DEP-008", "na", PROD, **LIBRARY),
    # DEP-009 progressive delivery
    case("DEP-009", "pass", deploy_wf(deploy_job(steps=CANARY)), DEPLOY, "--no-traffic", **SERVICE),
    case("DEP-009", "fail", PROD, **SERVICE),
    # a demo that deploys itself is still a demo: canaries and feature flags are asked of a service of one's own
    case("DEP-009", "na", {**PROD, "README.md": "# Online Boutique\n\nA sample cloud-first microservices demo application.\n"},
         **SERVICE),
    case("DEP-009", "na", PROD, **LIBRARY),
    # DEP-010 staging before production
    case("DEP-010", "pass", deploy_wf(deploy_job("staging", "staging") + deploy_job(extra="    needs: staging\n")),
         DEPLOY, 9, **SERVICE),
    case("DEP-010", "partial", deploy_wf(deploy_job("staging", "staging") + deploy_job("production")), DEPLOY,
         14, **SERVICE),
    case("DEP-010", "fail", PROD, DEPLOY, "runs-on", **SERVICE),
    case("DEP-010", "na", README, **SERVICE),
    case("DEP-010", "na", deploy_wf(deploy_job("publish", "pypi", steps="- uses: pypa/gh-action-pypi-publish@v1"),
                                    on="release:\n    types: [published]"), **SERVICE),
    # DEP-011 deploys only from the default branch or tags
    case("DEP-011", "pass", PROD, DEPLOY, "runs-on", **SERVICE),
    case("DEP-011", "pass", deploy_wf(deploy_job(), on="push:\n    tags: ['v*']"), DEPLOY, "runs-on", **SERVICE),
    case("DEP-011", "fail", deploy_wf(deploy_job(), on="pull_request:"), DEPLOY, "runs-on", **SERVICE),
    case("DEP-011", "fail", deploy_wf(deploy_job(), on="push:"), DEPLOY, "runs-on", **SERVICE),
    case("DEP-011", "pass", deploy_wf(deploy_job(extra="    if: github.ref == 'refs/heads/main'\n"), on="push:"), DEPLOY,
         "runs-on", **SERVICE),
    case("DEP-011", "pass", deploy_wf(deploy_job(env="staging"), on="push:\n    branches: [develop]"), DEPLOY, "runs-on",
         **SERVICE),
    case("DEP-011", "fail", deploy_wf(deploy_job(), on="push:\n    branches: [develop]"), DEPLOY, "runs-on", **SERVICE),
    case("DEP-011", "fail", {".gitlab-ci.yml": f"deploy:\n  environment: production\n  script:\n    - {DEPLOY_STEP}\n"},
         ".gitlab-ci.yml", 2, **SERVICE),
    case("DEP-011", "na", README, **SERVICE),
    # on pull requests the image job only builds: its pushes are kept from them by `if:` and `push:`, and the base
    # image goes to the job's own registry service on localhost (lldap)
    case("DEP-011", "pass", {**DOCKERFILE, CI: workflow(job(
        "- id: base\n  uses: docker/metadata-action@v5\n  with:\n    images: localhost:5000/acme/app\n"
        "- uses: docker/build-push-action@v6\n  with:\n    push: true\n    tags: ${{ steps.base.outputs.tags }}\n"
        "- if: github.event_name != 'pull_request'\n  uses: docker/login-action@v3\n"
        "- uses: docker/build-push-action@v6\n  with:\n    push: ${{ github.event_name != 'pull_request' }}\n"
        "    tags: ghcr.io/acme/app:latest", name="publish"), on="push:\n    branches: [main]\n  pull_request:")}, CI, "runs-on",
         **SERVICE),
    case("DEP-011", "fail", {**DOCKERFILE, CI: workflow(job(
        "- uses: docker/build-push-action@v6\n  with:\n    push: true\n    tags: ghcr.io/acme/app:pr",
        name="publish"), on="push:\n    branches: [main]\n  pull_request:")}, CI, "runs-on", **SERVICE),
    # DEP-012 deploys wait for the tests
    case("DEP-012", "pass", deploy_wf(TEST_JOB + deploy_job(extra="    needs: test\n")), DEPLOY, DEPLOY_JOB_LINE, **SERVICE),
    case("DEP-012", "pass", deploy_wf(deploy_job(), on="workflow_run:\n    workflows: [CI]\n    types: [completed]\n"
                                                     "    branches: [main]"), DEPLOY, DEPLOY_JOB_LINE, **SERVICE),
    case("DEP-012", "fail", deploy_wf(TEST_JOB + deploy_job()), DEPLOY, DEPLOY_JOB_LINE, **SERVICE),
    case("DEP-012", "na", README, **SERVICE),
    # DEP-013 deploys serialised
    case("DEP-013", "pass", deploy_wf(deploy_job(extra="    concurrency: deploy-production\n")), **SERVICE),
    case("DEP-013", "fail", PROD, DEPLOY, "runs-on", **SERVICE),
    case("DEP-013", "pass", {".gitlab-ci.yml": f"deploy:\n  environment: production\n  resource_group: production\n"
                                               f"  script:\n    - {DEPLOY_STEP}\n"}, **SERVICE),
    case("DEP-013", "na", README, **SERVICE),
    # DEP-014 immutable image references
    case("DEP-014", "pass", PROD, **SERVICE),
    case("DEP-014", "fail", deploy_wf(deploy_job(steps=f"- run: gcloud run deploy app --image {IMAGE}:latest")), DEPLOY,
         "gcloud run deploy", **SERVICE),
    case("DEP-014", "fail", {"Makefile": f"deploy:\n\tkubectl set image deployment/app app={IMAGE}:latest\n"}, "Makefile", 1,
         **SERVICE),
    case("DEP-014", "na", README, **SERVICE),
    # DEP-015 migrations run with the deploy
    case("DEP-015", "pass", {"alembic.ini": "[alembic]\n", **deploy_wf(deploy_job(steps=f"- run: alembic upgrade head\n"
                                                                                        f"- run: {DEPLOY_STEP}"))},
         DEPLOY, "alembic upgrade", **SERVICE),
    case("DEP-015", "fail", {"alembic.ini": "[alembic]\n", **PROD}, "alembic.ini", **SERVICE),
    case("DEP-015", "na", PROD, **SERVICE),
    # DEP-016 preview environments
    case("DEP-016", "pass", {"vercel.json": "{}\n"}, "vercel.json", **SERVICE),
    case("DEP-016", "pass", deploy_wf(deploy_job("preview", "preview"), on="pull_request:"), DEPLOY, "runs-on", **SERVICE),
    case("DEP-016", "fail", PROD, **SERVICE),
    case("DEP-016", "na", PROD, **LIBRARY),
    # DEP-017 automated canary analysis
    case("DEP-017", "pass", deploy_wf(deploy_job(steps=f"{CANARY}\n- run: ./scripts/check-error-rate.sh canary")), DEPLOY,
         "check-error-rate", **SERVICE),
    case("DEP-017", "fail", deploy_wf(deploy_job(steps=CANARY)), DEPLOY, "--no-traffic", **SERVICE),
    case("DEP-017", "na", PROD, **SERVICE),
    # DEP-018 feature flags
    case("DEP-018", "pass", {"package.json": '{"name": "a", "dependencies": {"@openfeature/server-sdk": "1.17.0"}}'},
         "package.json", **SERVICE),
    case("DEP-018", "fail", {"package.json": '{"name": "a", "dependencies": {"express": "5.0.0"}}'}, **SERVICE),
    case("DEP-018", "na", README, **LIBRARY),
    # DEP-019 deploys verify signed images
    case("DEP-019", "pass", {"Dockerfile": "FROM python:3.12\n", **deploy_wf(deploy_job(
        steps=f"- run: cosign verify {IMAGE}@$DIGEST --certificate-identity-regexp acme\n- run: {DEPLOY_STEP}"))},
         DEPLOY, "cosign verify", **SERVICE),
    case("DEP-019", "fail", {"Dockerfile": "FROM python:3.12\n", **PROD}, **SERVICE),
    case("DEP-019", "na", PROD, **SERVICE),
]


@pytest.mark.parametrize("rule_id,outcome,files,path,line,options", CASES)
def test_deploy_rule(tmp_path, rule_id, outcome, files, path, line, options):
    run_case(tmp_path, rule_id, outcome, files, path, line, options)
