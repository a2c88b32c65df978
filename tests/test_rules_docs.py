"""Documentation rules, each on small repositories where it passes, fails and (where it can) does not apply.

One `case(...)` row per repository (tests/rulekit.py); every rule's pass / fail / n/a coverage is
checked by tests/test_rules_catalog.py.
"""
from __future__ import annotations

import pytest

from tests.rulekit import case, check, evaluate, run_case

LONG_README = "# Acme\n\n" + "".join(f"Line {i} about the project.\n" for i in range(12))
SETUP_README = "# Acme\n\n## Getting started\n\nuv sync\n\n## Running the tests\n\nuv run pytest\n"
CLAIM_README = "# Acme\n\nEvery change is tested by GitHub Actions.\n"
WORKFLOW = "name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"
DOCS_WORKFLOW = ("name: Docs\non: [pull_request]\njobs:\n  docs:\n    runs-on: ubuntu-latest\n    steps:\n"
                 "      - uses: lycheeverse/lychee-action@v2\n      - run: npx markdownlint-cli2 '**/*.md'\n")
BADGE_README = ("# Acme\n\n[![CI](https://github.com/acme/api/actions/workflows/ci.yml/badge.svg)]"
                "(https://github.com/acme/api/actions/workflows/ci.yml)\n")
TRAVIS_README = "# Acme\n\n[![Build](https://travis-ci.com/acme/api.svg?branch=main)](https://travis-ci.com/acme/api)\n"
LINK_README = "# Acme\n\nSee [deployment](docs/deployment.md#rollback) and [the runbooks](docs/runbooks/).\n"
BROKEN_LINK_README = "# Acme\n\nSee [deployment](docs/deploy.md).\n"
FENCED_LINK_README = "# Acme\n\n```markdown\n[not a link](missing.md)\n```\n\nSee [docs](docs/index.md).\n"
READS_ENV = {"app/main.py": "import os\n\nDATABASE_URL = os.environ[\"DATABASE_URL\"]\n"}
LIBRARY = {"pyproject.toml": "[project]\nname = \"acme-client\"\nversion = \"1.0.0\"\n"}
MODULE = {"main.tf": 'resource "null_resource" "x" {}\n', "variables.tf": 'variable "a" {\n  type = string\n}\n',
          "outputs.tf": 'output "b" {\n  value = 1\n}\n'}

CASES = [
    # DOC-001 CI/CD claimed but not implemented
    case("DOC-001", "pass", {"README.md": CLAIM_README, ".github/workflows/ci.yml": WORKFLOW}, "README.md", 3),
    case("DOC-001", "fail", {"README.md": CLAIM_README, ".github/workflows/.gitkeep": ""}, ".github/workflows/.gitkeep"),
    case("DOC-001", "na", {"README.md": "# Acme\n"}),
    # DOC-002 README with substance
    case("DOC-002", "pass", {"README.md": LONG_README}, "README.md"),
    case("DOC-002", "fail", {"README.md": "# Acme\n"}),
    # DOC-003 README setup and tests
    case("DOC-003", "pass", {"README.md": SETUP_README}, "README.md", 3),
    case("DOC-003", "fail", {"README.md": "# Acme\n\nA tool.\n"}),
    # an Android app's README: a development-environment section and the Gradle tasks that run the tests
    case("DOC-003", "pass", {"README.md": "# Acme\n\n# Development Environment\n\nOpen it in Android Studio.\n\n"
                                          "# Testing\n\nRun `./gradlew testDemoDebug`.\n"}, "README.md", 3),
    # ... how to run the tests may live in the contributing or developer guide, or behind a README link
    case("DOC-003", "pass", {"README.md": "# Acme\n\n## Installation\n\npip install acme\n",
                             "docs/development/getting-started.rst": "Running tests\n=============\n\n    nox -s tests\n"},
         "docs/development/getting-started.rst", 1),
    case("DOC-003", "pass", {"README.md": "# Acme\n\n## Install\n\nSee our [contributing docs](https://acme.dev/contributing/).\n"},
         "README.md", 5),
    case("DOC-003", "fail", {"README.md": "# Acme\n\n## Install\n\npip install acme\n", "tests/test_acme.py": "",
                             "docs/testing.rst": "Testing your app\n================\n"}),
    # a feature list that names the test tool says nothing about how to run the tests (full-stack-fastapi-template)
    case("DOC-003", "fail", {"README.md": "# Acme\n\n## Install\n\npip install acme\n\n- Tests with [Pytest](https://pytest.org).\n"
                                          "[![Test](https://github.com/a/b/actions/workflows/test.yml/badge.svg)](x)\n",
                             "tests/test_acme.py": ""}),
    # ... but the developer document the README links to does (full-stack-fastapi-template's development.md)
    case("DOC-003", "pass", {"README.md": "# Acme\n\n## How to Use It\n\nFork it.\n\nSee [development.md](./development.md).\n",
                             "development.md": "# Development\n\n## Backend Tests\n\n$ uv run bash scripts/test.sh\n",
                             "tests/test_acme.py": ""}, "development.md", 3),
    # no tests at all: nothing to explain about running them (argocd-example-apps); TST-001 reports the gap
    case("DOC-003", "pass", {"README.md": "# Acme\n\n## Install\n\npip install acme\n"}, ".", None),
    # an extensionless README, as GNU-style projects keep it (libvirt-python)
    case("DOC-003", "pass", {"README": "Acme\n====\n\nBuilding and installing\n-----------------------\n\n"
                                       "  $ python3 -m pip install .\n\nTo test, run\n\n  $ tox\n", "tests/test_acme.py": ""},
         "README", 4),
    # DOC-004 CONTRIBUTING
    case("DOC-004", "pass", {"CONTRIBUTING.md": "# Contributing\n"}, "CONTRIBUTING.md"),
    case("DOC-004", "fail", {"README.md": "# Acme\n"}),
    # a contributing section of the README (spring-petclinic) or of the developer guide (pygobject's RST)
    case("DOC-004", "pass", {"README.md": "# Acme\n\n## Contributing\n\nOpen an issue first.\n\n### Developing\n\n"
                             "1. Fork the repository\n2. `make build`\n3. `make test`\n4. Sign off your commits.\n"},
         "README.md", 3),
    case("DOC-004", "pass", {"README.md": "# Acme\n", "docs/guide/dev.rst": "Contributing Changes\n"
                             "====================\n\nFork the repository.\n\nMake a branch.\n\nRun the tests:\n\n"
                             "    pytest\n\nOpen a merge request.\n"}, "docs/guide/dev.rst", 1),
    # ... but a welcome and a list of links is no guide (memos)
    case("DOC-004", "fail", {"README.md": "# Acme\n\n## Contributing\n\nContributions of all kinds are welcome.\n\n"
                             "- [Report bugs](https://example.com/issues)\n- [Submit pull requests](https://example.com/pulls)\n"
                             "- [Improve documentation](https://example.com/docs)\n- [Translate](https://example.com/l10n)\n"
                             "- [Sponsor](https://example.com/sponsor)\n\n## License\n\nMIT\n"}),
    # a code of conduct titled "Contributor Covenant" is no contribution guide (koel)
    case("DOC-004", "fail", {"README.md": "# Acme\n", "CODE_OF_CONDUCT.md": "# Contributor Covenant Code of Conduct\n"}),
    # DOC-005 deployment documented
    case("DOC-005", "pass", {"docs/deployment.md": "# Deployment\n"}, "docs/deployment.md", profile="service"),
    case("DOC-005", "fail", {"README.md": "# Acme\n"}, profile="service"),
    # the command that deploys, shown under any heading (eShop: "### Use Azure Developer CLI" ... `azd up`)
    case("DOC-005", "pass", {"README.md": "# Shop\n\n### Use Azure Developer CLI\n\n```sh\nazd auth login\nazd up\n```\n"},
         "README.md", 7, profile="service"),
    case("DOC-005", "fail", {"README.md": "# Shop\n\nHeroku is not supported. Run `dotnet run` locally.\n"}, profile="service"),
    # an image shipped for others: the README's examples show how to run it (traefik/whoami)
    case("DOC-005", "pass", {"README.md": "# whoami\n\n## Usage\n\n### Paths\n\n`/api` prints JSON.\n\n## Examples\n\n"
                                          "```console\n$ docker run -d -p 8080:80 traefik/whoami\n```\n"},
         "README.md", 9, profile="service"),
    case("DOC-005", "fail", {"README.md": "# Acme\n\n## Examples\n\n```python\nacme.greet()\n```\n"}, profile="service"),
    case("DOC-005", "na", {"README.md": "# Acme\n"}, profile="library"),
    # an install, bootstrap or self-hosting section that names where it runs documents deployment ...
    case("DOC-005", "pass", {"README.md": "# Fleet\n\n## Bootstrap with Flux CLI\n\n    flux bootstrap github --owner=me\n"},
         "README.md", 3, profile="gitops"),
    case("DOC-005", "pass", {"docs/guide/getting-started.md": "# Getting Started\n\n## Installation\n\n"
                             "### Using Docker\n\nRun the official image.\n"}, "docs/guide/getting-started.md", 3, profile="service"),
    # ... a developer's local installation does not
    case("DOC-005", "fail", {"README.md": "# Acme\n\n## Installation\n\n    pip install -r requirements.txt\n"
                             "    uvicorn app:app --reload\n\n## Contributing\n\nWe test with docker.\n"}, profile="service"),
    case("DOC-005", "na", MODULE),
    # DOC-006 environment variables documented
    case("DOC-006", "pass", {".env.example": "DATABASE_URL=\n"}, ".env.example", profile="service"),
    case("DOC-006", "fail", {"README.md": "# Acme\n", **READS_ENV}, profile="service"),
    # an app that reads no environment variables has none to document (nowinandroid, spring-petclinic)
    case("DOC-006", "na", {"README.md": "# Acme\n", "app/main.py": "def main():\n    return 1\n"}, profile="service"),
    # the variables documented another way: env.sample in a folder (umami's podman/), a committed .env of
    # placeholders (full-stack-fastapi-template), a flags table naming them (whoami)
    case("DOC-006", "pass", {**READS_ENV, "podman/env.sample": "DATABASE_URL=\n"}, "podman/env.sample", profile="service"),
    case("DOC-006", "pass", {**READS_ENV, ".env": "DATABASE_URL=postgresql://app:changethis@db/app\n"}, ".env",
         profile="service"),
    case("DOC-006", "pass", {**READS_ENV, "README.md": "# whoami\n\n### Flags\n\n| Flag | Env var |\n|---|---|\n"
                             "| `port` | `WHOAMI_PORT_NUMBER` |\n| `name` | `WHOAMI_NAME` |\n"}, "README.md", 3,
         profile="service"),
    case("DOC-006", "na", {"README.md": "# Acme\n"}, profile="library"),
    # DOC-007 architecture
    case("DOC-007", "pass", {"docs/adr/0001-use-postgres.md": "# 1. Use Postgres\n"}, "docs/adr/0001-use-postgres.md", profile="service"),
    case("DOC-007", "fail", {"README.md": "# Acme\n"}, profile="service"),
    # an architecture section of the README with substance (microservices-demo's diagram and service table)
    case("DOC-007", "pass", {"README.md": "# Shop\n\n## Architecture\n\n![diagram](docs/arch.png)\n\n| Service | Language |\n"
                             "|---|---|\n| cart | C# |\n"}, "README.md", 3, profile="service"),
    # an architecture document is expected of a system of components, not of a library or a CLI
    case("DOC-007", "na", {"README.md": "# Acme\n"}, profile="library"),
    case("DOC-007", "na", {"README.md": "# Acme\n"}, profile="cli"),
    # DOC-008 runbooks
    case("DOC-008", "pass", {"docs/runbooks/high-error-rate.md": "# Runbook\n"}, "docs/runbooks/high-error-rate.md", profile="service"),
    case("DOC-008", "fail", {"README.md": "# Acme\n"}, profile="service"),
    case("DOC-008", "na", {"README.md": "# Acme\n"}, profile="library"),
    # DOC-009 CHANGELOG
    case("DOC-009", "pass", {"CHANGELOG.md": "# Changelog\n"}, "CHANGELOG.md"),
    case("DOC-009", "fail", {"README.md": "# Acme\n"}),
    # a GitOps repository (cluster manifests) has no releases to record
    case("DOC-009", "na", {"README.md": "# Fleet\n"}, profile="gitops"),
    # DOC-011 API spec
    case("DOC-011", "pass", {"openapi.yaml": "openapi: 3.1.0\n"}, "openapi.yaml", profile="service"),
    case("DOC-011", "fail", {"README.md": "# Acme\n"}, profile="service"),
    case("DOC-011", "na", {"README.md": "# Acme\n"}, profile="library"),
    # DOC-012 LICENSE (libraries and reusable modules)
    case("DOC-012", "pass", {**LIBRARY, "LICENSE": "MIT License\n"}, "LICENSE"),
    case("DOC-012", "pass", {**MODULE, "LICENSE.md": "Apache License\n"}, "LICENSE.md"),
    case("DOC-012", "pass", {**LIBRARY, "MIT-LICENSE.txt": "MIT License\n"}, "MIT-LICENSE.txt"),
    case("DOC-012", "fail", {**LIBRARY, "check-license.sh": "reuse lint\n"}),
    # dual licensing, as Rust crates do (anyhow, structlog): one file per licence
    case("DOC-012", "pass", {**LIBRARY, "LICENSE-MIT": "MIT License\n", "LICENSE-APACHE": "Apache License\n"},
         "LICENSE-APACHE"),
    case("DOC-012", "fail", LIBRARY),
    case("DOC-012", "na", {"README.md": "# Acme\n"}, profile="service"),
    # DOC-013 code of conduct (libraries)
    case("DOC-013", "pass", {**LIBRARY, "CODE_OF_CONDUCT.md": "# Code of Conduct\n"}, "CODE_OF_CONDUCT.md"),
    case("DOC-013", "fail", LIBRARY),
    # a named code adopted in the README (packaging follows the PSF's)
    case("DOC-013", "pass", {**LIBRARY, "README.md": "# Acme\n\nEveryone is expected to follow the [PSF Code of Conduct]"
                             "(https://github.com/pypa/.github/blob/main/CODE_OF_CONDUCT.md).\n"}, "README.md", 3),
    case("DOC-013", "na", {"README.md": "# Acme\n"}, profile="service"),
    # DOC-014 docs checked in CI
    case("DOC-014", "pass", {".github/workflows/docs.yml": DOCS_WORKFLOW}, ".github/workflows/docs.yml", 7),
    case("DOC-014", "fail", {".github/workflows/ci.yml": WORKFLOW}),
    # a Hugo site built and its links checked through a Taskfile (circleci-cli)
    case("DOC-014", "pass", {".github/workflows/ci.yml": WORKFLOW.replace("pytest", "task docs:test"),
                             "Taskfile.yml": "version: '3'\ntasks:\n  docs:test:\n    cmds:\n"
                                             "      - htmltest -c docs/website/.htmltest.yml\n"},
         ".github/workflows/ci.yml"),
    case("DOC-014", "na", {"README.md": "# Acme\n"}),
    # DOC-015 troubleshooting guide
    case("DOC-015", "pass", {"docs/troubleshooting.md": "# Troubleshooting\n"}, "docs/troubleshooting.md"),
    case("DOC-015", "pass", {"README.md": "# Acme\n\n## Troubleshooting\n\nRestart it.\n"}, "README.md", 3),
    case("DOC-015", "fail", {"README.md": "# Acme\n"}),
    # the README sends readers to the FAQ and troubleshooting pages of the wiki (sidekiq)
    case("DOC-015", "pass", {"README.md": "# Acme\n\nIf you have a problem, please review the [FAQ](https://github.com/a/b/wiki/FAQ)"
                             " and [Troubleshooting](https://github.com/a/b/wiki/Problems-and-Troubleshooting).\n"}, "README.md", 3),
    # DOC-016 docs site (libraries, monorepos)
    case("DOC-016", "pass", {**LIBRARY, "mkdocs.yml": "site_name: acme\n"}, "mkdocs.yml"),
    case("DOC-016", "pass", {**LIBRARY, "docs/website/hugo.toml": "title = 'acme'\n"}, "docs/website/hugo.toml"),
    case("DOC-016", "fail", LIBRARY),
    # the package's reference hosted by its registry: docs.rs builds every published crate (anyhow)
    case("DOC-016", "pass", {**LIBRARY, "README.md": "# anyhow\n\n[![docs.rs](https://img.shields.io/badge/docs.rs-anyhow)]"
                             "(https://docs.rs/anyhow)\n"}, "README.md", 3),
    # a link to someone else's docs is not the package's site
    case("DOC-016", "fail", {**LIBRARY, "README.md": "# Acme\n\nBuilt with [pytest](https://docs.pytest.org/).\n"}),
    case("DOC-016", "na", {"mkdocs.yml": "site_name: acme\n"}, profile="service"),
    # DOC-017 badges are backed
    case("DOC-017", "pass", {"README.md": BADGE_README, ".github/workflows/ci.yml": WORKFLOW}),
    case("DOC-017", "fail", {"README.md": BADGE_README}, "README.md", 3),
    case("DOC-017", "fail", {"README.md": TRAVIS_README, ".github/workflows/ci.yml": WORKFLOW}, "README.md", 3),
    case("DOC-017", "na", {"README.md": "# Acme\n"}),
    # DOC-018 links between documents
    case("DOC-018", "pass", {"README.md": LINK_README, "docs/deployment.md": "# D\n", "docs/runbooks/db.md": "# R\n"}),
    case("DOC-018", "pass", {"README.md": FENCED_LINK_README, "docs/index.md": "# Docs\n"}),
    case("DOC-018", "fail", {"README.md": BROKEN_LINK_README}, "README.md", 3),
    # a footnote definition (`[^1]: Entries ...`) is no link to a file named "Entries" (goreleaser's USERS.md)
    case("DOC-018", "pass", {"README.md": "# Acme\n\nUsed by many[^1].\n\n[^1]: Entries were added by users.\n"
                                          "\nSee [the guide](docs/guide.md).\n", "docs/guide.md": "# G\n"}),
    case("DOC-018", "fail", {"README.md": "# Acme\n", "docs/guide.md": "# Guide\n\nSee [setup](../SETUP.md).\n"}, "docs/guide.md", 3),
    case("DOC-018", "na", {"README.md": "# Acme\n\nSee https://example.com.\n"}),
    # DOC-019 disaster recovery documented
    case("DOC-019", "pass", {"docs/operations/disaster-recovery.md": "# DR\n"}, "docs/operations/disaster-recovery.md", profile="service"),
    case("DOC-019", "fail", {"README.md": "# Acme\n"}, profile="service"),
    case("DOC-019", "na", {"README.md": "# Acme\n"}, profile="library"),
    case("DOC-019", "na", MODULE),
    # DOC-020 release process documented (libraries, monorepos)
    case("DOC-020", "pass", {**LIBRARY, "RELEASING.md": "# Releasing\n"}, "RELEASING.md"),
    case("DOC-020", "pass", {**LIBRARY, "CONTRIBUTING.md": "# Contributing\n\n## Releasing a new version\n\nTag it.\n"},
         "CONTRIBUTING.md", 3),
    case("DOC-020", "fail", LIBRARY),
    # a changelog heading is a release, not the process (express's History.md), and a Markdown code fence under
    # a build command is no reStructuredText underline (ripgrep's README)
    case("DOC-020", "fail", {**LIBRARY, "History.md": "# Unreleased Changes\n\n* fix\n",
                             "README.md": "# Acme\n\n```\n$ cargo build --release\n```\n"}),
    case("DOC-020", "na", {"README.md": "# Acme\n"}, profile="service"),
]


@pytest.mark.parametrize("rule_id,outcome,files,path,line,options", CASES)
def test_docs_rule(tmp_path, rule_id, outcome, files, path, line, options):
    run_case(tmp_path, rule_id, outcome, files, path, line, options)


def test_a_badge_for_a_missing_workflow_names_the_missing_file(tmp_path):
    finding = evaluate(tmp_path, {"README.md": BADGE_README}, "DOC-017")
    assert ".github/workflows/ci.yml does not exist" in finding.evidence[0].snippet


def test_the_readme_is_the_one_github_shows():
    """GitHub shows .github/README, else the root README, else docs/README (pipx keeps it in docs/:
    "no README" was false)."""
    from vana_audit.collectors.meta import classify_doc, primary_readme

    assert "readme" in classify_doc("docs/README.md") and "readme" in classify_doc(".github/README.md")
    assert "readme" not in classify_doc("docs/guide/README.md") and "readme" not in classify_doc("src/README.md")
    assert primary_readme(["docs/README.md"]) == "docs/README.md"
    assert primary_readme(["docs/README.md", "README.rst"]) == "README.rst"
    assert primary_readme(["README.md", ".github/README.md"]) == ".github/README.md"
    assert primary_readme([]) is None


def test_a_readme_in_docs_explains_the_project(tmp_path):
    readme = "# pipx\n\nInstall and run Python applications in isolated environments.\n" + "".join(
        f"\nLine {n} of the introduction." for n in range(12))
    check(evaluate(tmp_path, {"docs/README.md": readme, "src/pipx/main.py": "print(1)\n"}, "DOC-002"),
          "pass", "docs/README.md")


def test_a_rule_for_other_kinds_says_so_with_the_right_article(tmp_path):
    finding = evaluate(tmp_path, {"main.tf": 'resource "null_resource" "x" {}\n'}, "DOC-016", profile="infrastructure")
    assert finding.message == "does not apply to an infrastructure repository", finding.message
