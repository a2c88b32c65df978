"""Build Automation rules (BLD-*), each on small repositories where it passes, fails and does not apply."""
from __future__ import annotations

import pytest

from tests.rulekit import case, job, run_case, workflow

CI = ".github/workflows/ci.yml"
PRE_COMMIT_CI = ("ci:\n  autoupdate_schedule: monthly\n\nrepos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
                 "    rev: v0.15.0\n    hooks:\n      - id: ruff-check\n      - id: ruff-format\n")
SPRING_JAVAFORMAT_POM = """<project>
  <artifactId>app</artifactId>
  <build>
    <plugins>
      <plugin>
        <groupId>io.spring.javaformat</groupId>
        <artifactId>spring-javaformat-maven-plugin</artifactId>
        <executions>
          <execution>
            <phase>validate</phase>
            <goals><goal>validate</goal></goals>
          </execution>
        </executions>
      </plugin>
    </plugins>
  </build>
</project>
"""
README = {"README.md": "# Notes\n"}
APP_IMAGE = 'FROM python:3.12\nCMD ["python", "-m", "app"]\n'
PYPROJECT = '[project]\nname = "app"\nversion = "1.0"\n'
CHECKOUT = "- uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"


def ci(steps: str, **kw: str) -> dict[str, str]:
    extra = kw.pop("extra", "")
    return {CI: workflow(job(steps, extra=extra), **kw)}


PYTEST_ONLY = ci("- run: pytest")
NODE_APP = {"package.json": '{"name": "web", "scripts": {"build": "vite build"}}', "Makefile": "dist:\n\tnpm run build\n"}
GITLAB = {".gitlab-ci.yml": "test:\n  script:\n    - pytest\n"}

JAVA_TEST = {"src/test/java/org/example/AppTest.java": "class AppTest {}\n"}
POM = ("<project><dependencies><dependency><groupId>org.x</groupId><artifactId>y</artifactId>"
       "<version>{version}</version></dependency></dependencies></project>\n")

CASES = [
    # BLD-001 build and test steps are scripted
    case("BLD-001", "pass", {"Makefile": "test:\n\tpytest\n"}, "Makefile", 1),
    case("BLD-001", "fail", README),
    # a standard build lifecycle or a task runner's file is a scripted build; a hook runner is not
    case("BLD-001", "pass", {"pom.xml": "<project><artifactId>app</artifactId></project>\n"}, "pom.xml"),
    case("BLD-001", "pass", {"Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\n'}, "Cargo.toml"),
    case("BLD-001", "pass", {"Taskfile.yml": "version: '3'\ntasks:\n  default:\n    cmds: [echo hi]\n"},
         "Taskfile.yml"),
    case("BLD-001", "fail", {**README, ".pre-commit-config.yaml": "repos: []\n"}),
    # scripted by the convention of the project's kind: tox 4's tox.toml (pipx), Django's manage.py (healthchecks),
    # a Molecule scenario (an Ansible role), chart-testing's ct.yaml (Helm charts), a build script (MediatR)
    case("BLD-001", "pass", {**README, "tox.toml": "[env.test]\ncommands = [[\"pytest\"]]\n"}, "tox.toml"),
    case("BLD-001", "pass", {**README, "manage.py": "import django\n"}, "manage.py"),
    case("BLD-001", "pass", {**README, "molecule/default/molecule.yml": "driver:\n  name: docker\n"},
         "molecule/default/molecule.yml"),
    case("BLD-001", "pass", {**README, ".github/linters/ct.yaml": "chart-dirs: [charts]\n"}, ".github/linters/ct.yaml"),
    case("BLD-001", "pass", {**README, "Build.ps1": "dotnet build\ndotnet test\n"}, "Build.ps1"),
    # BLD-002 lockfile
    case("BLD-002", "pass", {"package.json": '{"name": "a", "scripts": {"build": "tsc"}}', "package-lock.json": "{}"},
         "package-lock.json"),
    case("BLD-002", "fail", {"package.json": '{"name": "a", "scripts": {"build": "tsc"}}'}),
    case("BLD-002", "na", README),
    # Maven and Gradle resolve exact versions the same way every time: no lockfile convention there
    case("BLD-002", "pass", {**JAVA_TEST, "pom.xml": POM.format(version="3.2.1")}, "pom.xml"),
    case("BLD-002", "fail", {**JAVA_TEST, "pom.xml": POM.format(version="[3.0,4.0)")}),
    # requirements pinned with == on every line lock like a lockfile (requests' docs/requirements.txt); a range does not
    case("BLD-002", "pass", {"docs/requirements.txt": "# used by Read the Docs\nSphinx==7.2.6\nfuro==2024.1.29  # theme\n",
                             "docs/conf.py": "project = 'x'\n", "tests/test_x.py": "def test_x():\n    pass\n"},
         "docs/requirements.txt"),
    case("BLD-002", "fail", {"requirements.txt": "Sphinx==7.2.6\nfuro>=2024\n", "tests/test_x.py": "def test_x():\n    pass\n"}),
    case("BLD-002", "pass", {**JAVA_TEST, "build.gradle": 'dependencies { implementation "org.x:y:1.2.3" }\n'},
         "build.gradle"),
    case("BLD-002", "fail", {**JAVA_TEST, "build.gradle": 'dependencies { implementation "org.x:y:1.+" }\n'}),
    # a library's lockfile would reach no user: its ranges are its contract
    case("BLD-002", "na", {"pyproject.toml": '[project]\nname = "lib"\nversion = "1"\n',
                           "tests/test_lib.py": "def test():\n    pass\n"}, profile="library"),
    # BLD-003 a CI pipeline exists
    case("BLD-003", "pass", PYTEST_ONLY, CI, 1),
    case("BLD-003", "fail", {".github/workflows/.gitkeep": ""}, ".github/workflows/.gitkeep"),
    # BLD-004 push and PR
    case("BLD-004", "pass", PYTEST_ONLY, CI, 1),
    case("BLD-004", "fail", ci("- run: pytest", on="push:\n    branches: [main]")),
    # BLD-005 lint and type checks in CI
    case("BLD-005", "pass", ci("- run: ruff check .\n- run: mypy app"), CI, "- run: mypy app"),
    case("BLD-005", "partial", {**ci("- run: ruff check ."), "Makefile": "typecheck:\n\tmypy app\n"}, CI, "- run: ruff"),
    case("BLD-005", "fail", {**PYTEST_ONLY, "Makefile": "lint:\n\truff check .\n"}, "Makefile", 1),
    # BLD-006 container image built in CI
    case("BLD-006", "pass", {"Dockerfile": APP_IMAGE, **ci("- run: docker build -t app .")}, CI, "docker build"),
    case("BLD-006", "fail", {"Dockerfile": APP_IMAGE, **PYTEST_ONLY}),
    # a toolbox image that starts nothing of its own (guzzle's playground: FROM php + COPY) is not shipped
    case("BLD-006", "na", {"Dockerfile": "FROM composer:2 AS setup\nRUN composer require acme/x\n\nFROM php:8.3\n"
                                         "COPY --from=setup /app /app\n", **PYTEST_ONLY}),
    case("BLD-006", "na", PYTEST_ONLY),
    case("BLD-006", "na", {".devcontainer/Dockerfile": "FROM mcr.microsoft.com/devcontainers/java:17\n", **PYTEST_ONLY}),
    # BLD-007 caching
    case("BLD-007", "pass", ci("- uses: astral-sh/setup-uv@v6\n  with:\n    enable-cache: true"), CI, "setup-uv"),
    case("BLD-007", "fail", PYTEST_ONLY),
    case("BLD-007", "pass", ci("- uses: hynek/setup-cached-uv@v2\n- run: uv run pytest"), CI, "setup-cached-uv"),
    case("BLD-007", "na", README),
    # BLD-008 commit SHA stamped
    case("BLD-008", "pass", {"Dockerfile": "FROM python:3.12\nARG COMMIT_SHA=unknown\n"}, "Dockerfile", 2),
    # a Rust build script embedding the revision (ripgrep), Skaffold tagging images with the commit (microservices-demo)
    case("BLD-008", "pass", {"Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\n', "src/main.rs": "fn main() {}\n",
                             "build.rs": "fn main() {\n    let args = &[\"rev-parse\", \"HEAD\"];\n}\n"}, "build.rs", 2),
    case("BLD-008", "pass", {"skaffold.yaml": "apiVersion: skaffold/v4beta1\nkind: Config\nbuild:\n  tagPolicy:\n"
                             "    gitCommit: {}\n", "Dockerfile": "FROM python:3.12\nCMD [\"app\"]\n"}, "skaffold.yaml", 5,
         profile="service"),
    case("BLD-008", "fail", {"Dockerfile": "FROM python:3.12\nCMD [\"app\"]\n"}),
    case("BLD-008", "na", {"Dockerfile": "FROM python:3.12\nCMD [\"app\"]\n"}, profile="research"),  # nothing released
    case("BLD-008", "na", {"pyproject.toml": "[project]\nname = 'lib'\n"}, profile="library"),  # traced by its version
    # BLD-009 artefacts published
    case("BLD-009", "pass", ci("- uses: actions/upload-artifact@v4\n  with:\n    path: dist/"), CI, "upload-artifact"),
    case("BLD-009", "fail", PYTEST_ONLY),
    case("BLD-009", "na", PYTEST_ONLY, profile="docs"),
    # BLD-010 matrix
    case("BLD-010", "pass", ci("- run: pytest", extra="    strategy:\n      matrix:\n        py: ['3.12']\n"), CI,
         "runs-on"),
    case("BLD-010", "fail", PYTEST_ONLY, profile="library"),
    # a deployed application runs on the runtime it ships with: no matrix is asked of it (podinfo, umami) ...
    case("BLD-010", "na", PYTEST_ONLY, profile="service"),
    # ... but one it has (koel tests on three databases) counts
    case("BLD-010", "pass", ci("- run: pytest", extra="    strategy:\n      matrix:\n        db: [sqlite, postgres]\n"), CI,
         "runs-on", profile="service"),
    case("BLD-010", "na", README),
    # BLD-011 toolchain pinned
    case("BLD-011", "pass", {"pyproject.toml": PYPROJECT, ".python-version": "3.12\n"}, ".python-version"),
    case("BLD-011", "pass", {"package.json": '{"name": "a", "engines": {"node": "22.x"}}'}, "package.json"),
    case("BLD-011", "fail", {"pyproject.toml": PYPROJECT}),
    # a library supports a range of versions: requires-python, rust-version or a Java release is its pin
    case("BLD-011", "pass", {"pyproject.toml": PYPROJECT + 'requires-python = ">=3.10"\n'}, "pyproject.toml",
         profile="library"),
    case("BLD-011", "pass", {"Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\nrust-version = "1.75"\n'},
         "Cargo.toml", profile="cli"),
    case("BLD-011", "fail", {"pyproject.toml": PYPROJECT + 'requires-python = ">=3.10"\n'}, profile="service"),
    case("BLD-011", "na", README),
    # BLD-012 no committed outputs
    case("BLD-012", "pass", {"pyproject.toml": PYPROJECT, "app/main.py": "x = 1\n"}),
    case("BLD-012", "fail", {"pyproject.toml": PYPROJECT, "app/__pycache__/main.cpython-312.pyc": "x"}, "app/__pycache__"),
    case("BLD-012", "fail", {"package.json": '{"name": "a"}', "node_modules/left-pad/index.js": "x"}, "node_modules"),
    # an egg-info a test inspects is a fixture, not a build output (poetry)
    case("BLD-012", "pass", {"pyproject.toml": PYPROJECT, "tests/fixtures/demo/demo.egg-info/PKG-INFO": "Name: demo\n"}),
    case("BLD-012", "na", README),
    # BLD-013 CI builds the application
    case("BLD-013", "pass", {**NODE_APP, **ci("- run: npm ci\n- run: npm run build")}, CI, "npm run build"),
    case("BLD-013", "pass", {**NODE_APP, **ci("- run: make dist")}, CI, "make dist"),  # through the Makefile
    case("BLD-013", "pass", {"go.mod": "module example.com/a\n", **ci("- run: go build ./...")}, CI, "go build"),
    case("BLD-013", "fail", {"go.mod": "module example.com/a\n", **PYTEST_ONLY}),
    # a PHP library whose only Dockerfile is a playground that starts nothing has no build to run (guzzle)
    case("BLD-013", "na", {"composer.json": '{"name": "acme/http"}\n', "src/Client.php": "<?php\n",
                           "Dockerfile": "FROM php:8.3\nCOPY . /app\n", **PYTEST_ONLY}),
    case("BLD-013", "na", README),
    case("BLD-013", "na", {"package.json": '{"name": "lib", "scripts": {"test": "mocha"}}', **ci("- run: npm test")}),
    # BLD-014 installs from the lockfile
    case("BLD-014", "pass", {"uv.lock": "version = 1\n", **ci("- run: uv sync --locked\n- run: uv run pytest")}, CI,
         "uv sync"),
    case("BLD-014", "fail", {"uv.lock": "version = 1\n", **ci("- run: uv sync\n- run: uv run pytest")}, CI, "uv sync"),
    case("BLD-014", "fail", {"package-lock.json": "{}", **ci("- run: npm install\n- run: npm test")}, CI, "npm install"),
    # a scheduled job that regenerates the lockfile for a pull request is maintenance, not a build (uptime-kuma);
    # the evidence cites the line that re-resolves, not the first line of the step
    case("BLD-014", "pass", {"package-lock.json": "{}", **ci("- run: npm ci\n- run: npm test"),
                             ".github/workflows/npm-update.yml": "on:\n  schedule:\n    - cron: '0 0 * * 1'\njobs:\n"
                             "  lock:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          npm install npm -g\n"
                             "          npm install --package-lock-only\n"}, CI, "npm ci"),
    case("BLD-014", "fail", {"package-lock.json": "{}", **ci("- run: |\n    npm -v\n    npm install\n- run: npm test")},
         CI, "- run: |"),
    # named tools at exact versions are no project install (terraform-example-foundation's commitlint step)
    case("BLD-014", "pass", {"package-lock.json": "{}", **ci("- run: npm ci\n"
                                                          "- run: npm install -D @commitlint/cli@20.2.0 commitlint@20.2.0")},
         CI),
    case("BLD-014", "fail", {"package-lock.json": "{}", **ci("- run: npm ci\n- run: npm install -D @commitlint/cli")},
         CI, "npm install"),
    case("BLD-014", "pass", {"uv.lock": "version = 1\n", **ci("- run: uv sync\n- run: uv run pytest",
                                                             top="permissions: {}\nenv:\n  UV_LOCKED: '1'\n")}, CI,
         "uv sync"),
    case("BLD-014", "na", ci("- run: npm install")),
    # BLD-015 formatting checked
    case("BLD-015", "pass", ci("- run: uv run ruff format --check ."), CI, "ruff format"),
    case("BLD-015", "fail", PYTEST_ONLY),
    # formatting enforced by other means: Standard Ruby (factory_bot), pre-commit.ci running the formatter hook
    # (structlog), the Spring Java Format plugin's validate goal in the Maven build (spring-petclinic)
    case("BLD-015", "pass", {"Gemfile": "gem 'standard'\n", "spec/a_spec.rb": "", **ci("- run: bundle exec rake standard")},
         CI, "rake standard"),
    case("BLD-015", "pass", {**PYTEST_ONLY, ".pre-commit-config.yaml": PRE_COMMIT_CI}, ".pre-commit-config.yaml"),
    case("BLD-015", "fail", {**PYTEST_ONLY, ".pre-commit-config.yaml": PRE_COMMIT_CI.replace("ci:\n  autoupdate_schedule: monthly\n", "")}),
    case("BLD-015", "pass", {"pom.xml": SPRING_JAVAFORMAT_POM, "src/main/java/A.java": "class A {}\n",
                             **ci("- run: ./mvnw -B verify")}, CI, "mvnw"),
    case("BLD-015", "na", README),
    # BLD-016 job timeouts
    case("BLD-016", "pass", ci("- run: pytest", extra="    timeout-minutes: 10\n")),
    case("BLD-016", "fail", PYTEST_ONLY, CI, "runs-on"),
    case("BLD-016", "na", GITLAB),
    # BLD-017 superseded runs cancelled
    case("BLD-017", "pass", ci("- run: pytest", top="concurrency:\n  group: ci-${{ github.ref }}\n  cancel-in-progress: true\n"),
         CI, "group: ci-"),
    case("BLD-017", "pass", {".gitlab-ci.yml": "default:\n  interruptible: true\ntest:\n  script:\n    - pytest\n"},
         ".gitlab-ci.yml", 2),
    case("BLD-017", "fail", PYTEST_ONLY),
    case("BLD-017", "na", {"Jenkinsfile": "pipeline { stages { stage('Test') { steps { sh 'pytest' } } } }\n"}),
    # BLD-018 workflow files linted
    case("BLD-018", "pass", ci("- run: docker run --rm -v \"$PWD:/repo\" --workdir /repo rhysd/actionlint:1.7.7"), CI,
         "actionlint"),
    case("BLD-018", "fail", PYTEST_ONLY),
    case("BLD-018", "na", GITLAB),
    # BLD-019 scheduled build
    case("BLD-019", "pass", ci("- run: pytest", on="schedule:\n    - cron: '0 4 * * 1'"), CI, "- run: pytest"),
    case("BLD-019", "fail", PYTEST_ONLY),
    case("BLD-019", "na", README),
]


@pytest.mark.parametrize("rule_id,outcome,files,path,line,options", CASES)
def test_build_rule(tmp_path, rule_id, outcome, files, path, line, options):
    run_case(tmp_path, rule_id, outcome, files, path, line, options)


def test_an_unfrozen_install_cites_the_line_that_re_resolves(tmp_path):
    """A multi-line step is cited by its offending line, not by its first one (uptime-kuma's `npm install npm -g`
    stood for a later `npm install`)."""
    from tests.rulekit import evaluate

    finding = evaluate(tmp_path, {"package-lock.json": "{}", **ci("- run: |\n    npm -v\n    npm install\n- run: npm test")},
                       "BLD-014")
    assert finding.outcome.value == "fail"
    assert any(e.snippet.startswith("npm install (npm install can rewrite") for e in finding.evidence), finding.evidence
