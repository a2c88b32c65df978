"""Verdicts that depend on what CI really runs: each repository the independent audit got wrong,
reduced to the files that matter, with the verdict a senior auditor gives it.

The CI model follows the indirection (task runners, hooks, build lifecycles, composite actions) and
the tool catalog says what each command is; a loose word in CI text is no longer a tool.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rulekit import check, evaluate

CI = ".github/workflows/ci.yml"
GO_TESTS = {"go.mod": "module example.com/cli\n\ngo 1.22\n", "main_test.go": "package main\n\nfunc TestX(t *testing.T) {}\n"}
PY_TESTS = {"tests/test_app.py": "def test_app():\n    assert True\n"}


def workflow(*steps: str, env: str = "") -> str:
    body = "".join(f"      - {step}\n" for step in steps)
    return ("name: CI\non: [push, pull_request]\n" + env +
            "jobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n" + body)


CIRCLECI_TASKFILE = {
    **GO_TESTS,
    ".circleci/config.yml": (
        "version: 2.1\njobs:\n  test:\n    docker: [{image: cimg/go:1.22}]\n    steps:\n      - checkout\n"
        "      - run: task ci:test\n  check:\n    docker: [{image: cimg/go:1.22}]\n    steps:\n      - checkout\n"
        "      - run: task ci:check\nworkflows:\n  main:\n    jobs: [test, check]\n"),
    "Taskfile.yml": ("version: '3'\ntasks:\n  ci:test:\n    cmds:\n      - go test -race ./...\n"
                     "  ci:check:\n    deps: [lint]\n  lint:\n    cmds:\n      - golangci-lint run ./...\n"),
}
# a release job whose steps come from a steps-typed parameter, and a test job whose matrix is declared
# where the workflow calls it (circleci-cli)
CIRCLECI_STEPS_PARAMETER = {
    **GO_TESTS,
    ".circleci/config.yml": (
        "version: 2.1\nexecutors:\n  linux: {docker: [{image: cimg/go:1.22}]}\n  macos: {macos: {xcode: 15.0.0}}\n"
        "jobs:\n  test:\n    parameters:\n      executor: {type: executor}\n    executor: << parameters.executor >>\n"
        "    steps: [checkout, {run: go test ./...}]\n  deploy:\n    executor: linux\n    parameters:\n"
        "      publish_steps:\n        type: steps\n        default:\n          - run: goreleaser release --clean\n"
        "    steps:\n      - checkout\n      - steps: << parameters.publish_steps >>\n"
        "workflows:\n  ci:\n    jobs:\n      - test:\n          matrix:\n            parameters:\n"
        "              executor: [linux, macos]\n      - deploy:\n          requires: [test]\n"),
}
# tests through a task runner reached on pushes to the default branch, and tests on pull requests only
TASKFILE_ON_PUSH = {**CIRCLECI_TASKFILE}
TESTS_ON_PR_ONLY = {**PY_TESTS, CI: workflow("run: python manage.py test").replace("[push, pull_request]", "[pull_request]")}
# JUnit reports written by a command a Taskfile runs, and CircleCI's store_test_results step
TASKFILE_JUNIT = {**CIRCLECI_TASKFILE, "Taskfile.yml": (
    "version: '3'\ntasks:\n  ci:test:\n    cmds:\n      - gotestsum --junitfile=reports/junit.xml -- -race ./...\n"
    "  ci:check:\n    cmds:\n      - golangci-lint run ./...\n")}
CIRCLECI_STORE_TEST_RESULTS = {**CIRCLECI_TASKFILE, ".circleci/config.yml": CIRCLECI_TASKFILE[".circleci/config.yml"].replace(
    "      - run: task ci:test\n", "      - run: task ci:test\n      - store_test_results:\n          path: reports\n")}
# express: mocha reads every script in test/ (no *.test.js names), run through `nyc ... npm test`; a package
# that lists the `files` it ships is a library npm publishes (index.js is npm's default entry point)
EXPRESS_STYLE = {
    "package.json": ('{"name": "web", "version": "5.0.0", "files": ["index.js", "lib/"],\n'
                     ' "devDependencies": {"mocha": "10.0.0", "nyc": "17.0.0"},\n'
                     ' "scripts": {"test": "mocha --require test/support/env --check-leaks test/ test/acceptance/",\n'
                     '             "test-ci": "nyc --exclude test --reporter=lcovonly --reporter=text npm test"}}\n'),
    "index.js": "module.exports = require('./lib/app');\n",
    "lib/app.js": "module.exports = function app() {};\n",
    "test/app.router.js": "describe('app.router', () => { it('routes', () => {}); });\n",
    "test/acceptance/auth.js": "describe('auth', () => { it('logs in', () => {}); });\n",
    "test/support/env.js": "process.env.NODE_ENV = 'test';\n",
    CI: workflow("run: npm install", "run: npm run test-ci"),
}
# sidekiq: `bundle exec rake test`, the task a Rake::TestTask defines (Minitest through rake's test loader)
RAKE_TEST_TASK = {
    "x.gemspec": "Gem::Specification.new { |s| s.name = 'x' }\n",
    "lib/x.rb": "module X; end\n",
    "test/client_test.rb": "require 'minitest/autorun'\nclass ClientTest < Minitest::Test\nend\n",
    "Rakefile": ('require "rake/testtask"\n\nRake::TestTask.new(:test) do |test|\n  test.pattern = "test/**/*.rb"\n'
                 'end\n\ntask default: [:test]\n'),
    CI: workflow("run: bundle exec rake test"),
}
# gson: Error Prone runs inside maven-compiler-plugin, configured once in the parent's pluginManagement
MAVEN_ERROR_PRONE = {
    "pom.xml": ("<project><modelVersion>4.0.0</modelVersion><groupId>org.example</groupId><artifactId>parent</artifactId>"
                "<version>1</version><packaging>pom</packaging><modules><module>lib</module></modules><build>"
                "<pluginManagement><plugins><plugin><groupId>org.apache.maven.plugins</groupId>"
                "<artifactId>maven-compiler-plugin</artifactId><configuration><compilerArgs>"
                "<arg>-Xplugin:ErrorProne</arg></compilerArgs><annotationProcessorPaths><path>"
                "<groupId>com.google.errorprone</groupId><artifactId>error_prone_core</artifactId></path>"
                "</annotationProcessorPaths></configuration></plugin></plugins></pluginManagement></build></project>\n"),
    "lib/pom.xml": ("<project><modelVersion>4.0.0</modelVersion><parent><groupId>org.example</groupId>"
                    "<artifactId>parent</artifactId><version>1</version></parent><artifactId>lib</artifactId><build>"
                    "<plugins><plugin><groupId>org.apache.maven.plugins</groupId>"
                    "<artifactId>maven-compiler-plugin</artifactId></plugin></plugins></build></project>\n"),
    "lib/src/main/java/org/example/Lib.java": "class Lib {}\n",
    "lib/src/test/java/org/example/LibTest.java": "class LibTest { @Test void works() {} }\n",
    CI: workflow("run: mvn -B verify"),
}
PREK_HOOKS = {
    **PY_TESTS,
    CI: workflow("run: uv run prek run --all-files", "run: uv run pytest"),
    ".pre-commit-config.yaml": (
        "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.8.0\n    hooks:\n"
        "      - id: ruff\n  - repo: https://github.com/pre-commit/mirrors-mypy\n    rev: v1.13.0\n    hooks:\n"
        "      - id: mypy\n  - repo: https://github.com/woodruffw/zizmor-pre-commit\n    rev: v1.0.0\n    hooks:\n"
        "      - id: zizmor\n"),
}
TOX_LINT = {
    **PY_TESTS,
    CI: workflow("run: pipx run tox run -f lint", "run: pipx run tox run -f py312"),
    "tox.ini": ("[tox]\nenvlist = py312, lint\n\n[testenv]\ncommands = pytest {posargs}\n\n"
                "[testenv:lint]\ncommands =\n    ruff check .\n    mypy src\n"),
}
MAVEN_VERIFY = {
    "src/test/java/org/example/AppTest.java": "class AppTest { @Test void works() {} }\n",
    CI: workflow("run: ./mvnw -B verify"),
    "pom.xml": ("<project><modelVersion>4.0.0</modelVersion><groupId>org.example</groupId><artifactId>app</artifactId>"
                "<version>1</version><build><plugins><plugin><groupId>org.apache.maven.plugins</groupId>"
                "<artifactId>maven-checkstyle-plugin</artifactId><executions><execution><phase>validate</phase>"
                "<goals><goal>check</goal></goals></execution></executions></plugin></plugins></build></project>\n"),
}
CARGO_ENV = {
    "Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\n',
    "tests/integration.rs": "#[test]\nfn works() {}\n",
    CI: workflow("run: ${{ env.CARGO }} test --workspace", env="env:\n  CARGO: cargo\n"),
}
COMPOSITE_ACTION = {
    **PY_TESTS,
    CI: workflow("uses: ./.github/actions/check"),
    ".github/actions/check/action.yml": ("name: check\nruns:\n  using: composite\n  steps:\n"
                                         "    - run: uv run pytest -q\n      shell: bash\n"),
}
NPM_PLACEHOLDER = {
    "src/app.test.js": "test('x', () => {});\n",
    "package.json": '{"name": "app", "scripts": {"test": "echo \\"Error: no test specified\\" && exit 1"}}\n',
    CI: workflow("run: npm ci", "run: npm test"),
}
BEARER_HEADER = {
    **PY_TESTS,
    "app/client.py": "import httpx\n",
    CI: workflow('run: curl -fsS -H "Authorization: Bearer $TOKEN" https://api.example.com/ping', "run: pytest"),
}
SUPER_LINTER_GITLEAKS = {
    CI: workflow("uses: super-linter/super-linter@v7\n        env:\n          VALIDATE_GITLEAKS: true"),
}


PSAKE_BUILD = {
    "test/App.Tests/AppTests.cs": "public class AppTests { [Fact] public void Works() {} }\n",
    CI: workflow("run: ./Build.ps1\n        shell: pwsh"),
    "Build.ps1": ("<#\n.SYNOPSIS\nRuns a scriptblock and checks $lastexitcode\n#>\nfunction Exec {\n"
                  "    param([scriptblock]$cmd)\n    & $cmd\n    if ($lastexitcode -ne 0) { throw }\n}\n"
                  "exec { & dotnet build -c Release }\nexec { & dotnet test -c Release --no-build }\n"),
}
CHART_TESTING = {
    "charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
    "charts/app/tests/deployment_test.yaml": "suite: deployment\ntests: []\n",
    ".github/linters/ct.yaml": "additional-commands:\n  - helm unittest --strict {{ .Path }}\n",
    CI: workflow("uses: helm/chart-testing-action@v2", "run: ct lint --config .github/linters/ct.yaml"),
}
SCRIPT_IN_COMPOSE = {
    "backend/tests/test_api.py": "def test_api():\n    assert True\n",
    "backend/scripts/test.sh": "#!/usr/bin/env bash\nset -e\ncoverage run -m pytest tests/\ncoverage report\n",
    "frontend/tests/login.spec.ts": "test('login', async () => {});\n",
    "frontend/playwright.config.ts": "export default {};\n",
    CI: workflow("run: bash scripts/test.sh\n        working-directory: backend",
                 "run: docker compose run --rm playwright bunx playwright test"),
}


LINT_BUT_MYPY_ONLY_LOCAL = {
    CI: workflow("run: uv run ruff check ."),
    "pyproject.toml": '[project]\nname = "app"\nversion = "1"\n\n[tool.mypy]\nstrict = true\n',
}


COMPOSER_ARTISAN = {
    "tests/Feature/SongTest.php": "<?php class SongTest extends TestCase {}\n",
    "composer.json": '{"name": "a/b", "scripts": {"test": "@php artisan test --parallel"}}\n',
    CI: workflow("run: composer test"),
}
RAKE_SPECS = {
    "spec/user_spec.rb": "describe User do\nend\n",
    "Rakefile": ('require "rspec/core/rake_task"\nrequire "standard/rake"\ntask default: %w[all_specs standard]\n'
                 'task all_specs: %w[spec:unit]\nnamespace :spec do\n  RSpec::Core::RakeTask.new("unit") do |t|\n'
                 '  end\nend\n'),
    CI: workflow("run: bundle exec rake all_specs", "run: bundle exec rake standard"),
}
DJANGO_MANAGE = {
    "app/tests.py": "from django.test import TestCase\n",
    "tests/test_views.py": "def test_home():\n    assert True\n",
    CI: workflow("run: uv run ./manage.py test"),
}


PYTHON_PACKAGE_BUILD = {
    **PY_TESTS,
    "pyproject.toml": '[project]\nname = "lib"\nversion = "1"\n\n[build-system]\nrequires = ["hatchling"]\n',
    CI: workflow("run: python -m build", "run: pytest"),
}


GOLANGCI_GOSEC = {
    **GO_TESTS,
    "cmd/app/main.go": "package main\n\nfunc main() {}\n",
    ".golangci.yml": 'version: "2"\nlinters:\n  exclusions:\n    rules:\n      - linters:\n          - gosec\n'
                     '        path: _test\\.go\n  enable:\n    - misspell\n    - gosec\n',
    CI: workflow("run: go tool -modfile tools/go.mod golangci-lint run ./..."),
}
DEVSKIM = {
    "app/main.py": "x = 1\n",
    CI: workflow("uses: microsoft/DevSkim-Action@v1"),
}


TURBO_WORKSPACES = {
    "package.json": '{"name": "root", "private": true, "scripts": {"lint": "turbo run lint --continue",'
                    ' "typecheck": "turbo run typecheck"}}\n',
    "pnpm-workspace.yaml": "packages:\n  - packages/*\n",
    "packages/api/package.json": '{"name": "@acme/api", "scripts": {"lint": "eslint .",'
                                 ' "typecheck": "tsc --noEmit"}, "devDependencies": {"typescript": "5.6.0"}}\n',
    "packages/api/src/index.ts": "export const x = 1;\n",
    "packages/api/tsconfig.json": "{}\n",
    CI: workflow("run: pnpm lint", "run: pnpm typecheck"),
}


FLUX_SCHEMA = {
    "clusters/staging/apps.yaml": ("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
                                   "metadata:\n  name: apps\nspec:\n  path: ./apps/staging\n"),
    "apps/base/deployment.yaml": ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
                                  "  template:\n    spec:\n      containers:\n        - name: web\n"
                                  "          image: nginx:1.27\n"),
    CI: workflow("uses: fluxcd/flux-schema/actions/validate@main"),
}


GOLANGCI_FORMATTERS = {
    **GO_TESTS,
    CI: workflow("uses: golangci/golangci-lint-action@v8"),
    ".golangci.yml": "version: '2'\nformatters:\n  enable:\n    - gofumpt\n    - goimports\n",
}
LOCAL_FORMAT_HOOK = {
    **PY_TESTS,
    CI: workflow("run: uv run prek run --all-files"),
    ".pre-commit-config.yaml": ("repos:\n  - repo: local\n    hooks:\n      - id: local-ruff-format\n"
                                "        name: ruff format\n        entry: uv run ruff format --force-exclude\n"
                                "        language: unsupported\n        types: [python]\n"),
}
FORMAT_WITHOUT_CHECK = {**PY_TESTS, CI: workflow("run: uv run ruff format .")}
TERRAFORM_PRE_COMMIT_ACTION = {
    "main.tf": 'resource "aws_vpc" "this" {\n  cidr_block = "10.0.0.0/16"\n}\n',
    CI: workflow("uses: clowdhaus/terraform-composite-actions/pre-commit@v1.14.0"),
    ".pre-commit-config.yaml": ("repos:\n  - repo: https://github.com/antonbabenko/pre-commit-terraform\n"
                                "    rev: v1.99.0\n    hooks:\n      - id: terraform_fmt\n"
                                "      - id: terraform_tflint\n"),
}
K8S_DEPLOYMENT = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
                  "      containers:\n        - name: web\n          image: example/web:1.0\n")
KIND_APPLY = {
    "k8s/deployment.yaml": K8S_DEPLOYMENT,
    CI: workflow("uses: helm/kind-action@v1", "run: kubectl apply -f k8s/",
                 "run: kubectl wait --for=condition=ready pod -l app=web --timeout=180s"),
}
GO_ACCEPTANCE = {
    **GO_TESTS,
    "acceptance/api_test.go": "package acceptance\n\nfunc TestAPI(t *testing.T) {}\n",
    CI: workflow("run: go test -race ./..."),
}
RSPEC_ACCEPTANCE = {
    "Gemfile": "gem 'rspec'\n",
    "spec/models/user_spec.rb": "describe User do\nend\n",
    "spec/acceptance/build_spec.rb": "describe 'build' do\nend\n",
    CI: workflow("run: bundle exec rspec"),
}
PYTEST_SKIPS_E2E = {
    **PY_TESTS,
    "tests/e2e/test_flow.py": "def test_flow():\n    assert True\n",
    CI: workflow("run: pytest --ignore=tests/e2e"),
}
VITE_PLUS = {
    "package.json": ('{"name": "app", "private": true, "scripts": {"test": "vp test"},'
                     ' "devDependencies": {"vite-plus": "^0.1.24", "vitest": "^3"}}'),
    "src/app.test.ts": "import { test } from 'vitest'\ntest('x', () => {})\n",
    ".vite-hooks/pre-commit": "vp staged\n",
    CI: workflow("run: pnpm exec vp test --run"),
}
GO_WITH_DOCS_SITE = {
    **GO_TESTS,
    CI: workflow("uses: golangci/golangci-lint-action@v8", "run: go test ./..."),
    "website/package.json": ('{"name": "website", "private": true, "scripts": {"lint": "prettier --write ."},'
                             ' "devDependencies": {"vitepress": "^1", "typescript": "^5"}}'),
    "website/tsconfig.json": '{"compilerOptions": {"strict": true}}',
    "website/.vitepress/config.ts": "export default {}\n",
    "website/docs/index.md": "# Task\n",
}
GORELEASER_DOCKERS = {
    **GO_TESTS,
    "main.go": "package main\n\nfunc main() {}\n",
    "Dockerfile": "FROM scratch\nCOPY app /app\nUSER 65534\nENTRYPOINT [\"/app\"]\n",
    ".goreleaser.yaml": ("version: 2\nbuilds:\n  - main: .\ndockers_v2:\n  - images: [ghcr.io/acme/app]\n"
                        "    tags: ['{{ .Version }}']\nsigns:\n  - artifacts: checksum\n"),
    CI: ("name: release\non:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    runs-on: ubuntu-latest\n"
         "    steps:\n      - uses: actions/checkout@v4\n      - uses: goreleaser/goreleaser-action@v6\n"
         "        with:\n          args: release --clean\n"),
}
NOX_COVERAGE = {
    **PY_TESTS,
    "src/pkg/__init__.py": "VERSION = 1\n",
    "pyproject.toml": "[project]\nname = 'pkg'\n\n[tool.coverage.report]\nfail_under = 100\n",
    CI: workflow("run: pipx run nox -s tests"),
    "noxfile.py": ("import nox\n\n\n@nox.session\ndef tests(session):\n"
                   "    coverage = ['python', '-m', 'coverage']\n"
                   "    session.run(*coverage, 'run', '-m', 'pytest')\n    session.run(*coverage, 'report')\n"),
}
COVERAGE_RUN_ONLY = {**NOX_COVERAGE, "noxfile.py": NOX_COVERAGE["noxfile.py"].replace("    session.run(*coverage, 'report')\n", "")}
CLOUD_BUILD_BY_HAND = {
    **GO_TESTS,
    "cloudbuild.yaml": ("# Example invocation:\n# gcloud builds submit --config=cloudbuild.yaml .\nsteps:\n"
                        "- id: deploy\n  name: gcr.io/k8s-skaffold/skaffold:v2.16.1\n  entrypoint: bash\n"
                        "  args:\n  - '-c'\n  - >\n    gcloud container clusters get-credentials $_CLUSTER;\n"
                        "    skaffold run -f=skaffold.yaml --default-repo=gcr.io/$PROJECT_ID;\n"),
}
NOX_DOCS = {
    **PY_TESTS,
    CI: workflow("run: pipx run nox -s docs"),
    "noxfile.py": ("import nox\n\n\n@nox.session\ndef docs(session):\n    session.install('sphinx')\n"
                   "    session.run('sphinx-build', '-W', '-b', 'html', 'docs', 'docs/_build')\n"),
    "docs/index.rst": "Title\n=====\n",
}
READTHEDOCS = {**PY_TESTS, CI: workflow("run: pytest"), ".readthedocs.yaml": "version: 2\nsphinx:\n  configuration: docs/conf.py\n"}
SPHINX_MAKE = {
    **PY_TESTS,
    CI: workflow("run: make html"),
    "Makefile": "SPHINXBUILD ?= sphinx-build\n\n%: Makefile\n\t@$(SPHINXBUILD) -M $@ . _build\n",
}
NO_DOCS_CHECK = {**PY_TESTS, CI: workflow("run: pytest"), "docs/index.md": "# Docs\n"}


JENKINS_BUILD_PLUGIN = {  # jenkinsci/git-plugin: ci.jenkins.io runs the Jenkinsfile's buildPlugin() on branches and PRs
    "Jenkinsfile": "buildPlugin(\n  useContainerAgent: true,\n  configurations: [[platform: 'linux', jdk: 21]],\n)\n",
    "pom.xml": ("<project><modelVersion>4.0.0</modelVersion><parent><groupId>org.jenkins-ci.plugins</groupId>"
                "<artifactId>plugin</artifactId><version>5.9</version><relativePath/></parent>"
                "<artifactId>x</artifactId><packaging>hpi</packaging></project>\n"),
    "src/main/java/org/example/XPlugin.java": "class XPlugin {}\n",
    "src/test/java/org/example/XPluginTest.java": "class XPluginTest { @Test void works() {} }\n",
}
# buildPlugin builds and tests on each listed platform/JDK combination: two make a matrix
JENKINS_TWO_CONFIGURATIONS = {**JENKINS_BUILD_PLUGIN, "Jenkinsfile": (
    "/*\n See the pipeline library docs\n*/\nbuildPlugin(\n  forkCount: '1C',\n  configurations: [\n"
    "    [platform: 'linux', jdk: 25],\n    [platform: 'windows', jdk: 21],\n])\n")}
JENKINS_SECURITY_SCAN = {
    **JENKINS_BUILD_PLUGIN,
    ".github/workflows/jenkins-security-scan.yml": (
        "name: Jenkins Security Scan\non:\n  push:\n    branches: [master]\n  pull_request:\n"
        "permissions:\n  security-events: write\n  contents: read\njobs:\n  security-scan:\n"
        "    uses: jenkins-infra/jenkins-security-scan/.github/workflows/jenkins-security-scan.yaml@v2\n"
        "    with:\n      java-cache: maven\n"),
}


GITLAB_INCLUDED_RULES = {  # libvirt/libvirt-python: lcitool-generated includes hold workflow and job rules
    **PY_TESTS,
    ".gitlab-ci.yml": (
        "stages: [builds, sanity_checks]\n\n.native_build_job:\n  extends: .gitlab_native_build_job\n"
        "  script:\n    - python -m build\n    - python -m pytest tests\n\ninclude: '/ci/gitlab.yml'\n\n"
        "api_coverage_job:\n  extends: .gitlab_native_build_job\n  stage: sanity_checks\n  script:\n"
        "    - API_COVERAGE=1 python -m pytest tests\n  allow_failure: true\n"),
    "ci/gitlab.yml": (
        "workflow:\n  rules:\n    - if: '$CI_PIPELINE_SOURCE == \"push\" && $CI_OPEN_MERGE_REQUESTS'\n      when: never\n"
        "    - if: '$CI_PIPELINE_SOURCE =~ /^(push|merge_request_event|api|web|schedule)$/'\n      when: always\n"
        "    - when: never\n\ninclude:\n  - local: '/ci/gitlab/build-templates.yml'\n"
        "  - local: '/ci/gitlab/builds.yml'\n"),
    "ci/gitlab/build-templates.yml": (
        ".gitlab_native_build_job:\n  image: $IMAGE\n  stage: builds\n  rules:\n"
        "    - if: '$CI_PIPELINE_SOURCE == \"push\" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH'\n      when: on_success\n"
        "    - if: '$CI_PIPELINE_SOURCE == \"merge_request_event\" && $CI_MERGE_REQUEST_TARGET_BRANCH_NAME == "
        "$CI_DEFAULT_BRANCH'\n      when: on_success\n    - when: never\n"),
    "ci/gitlab/builds.yml": ("x86_64-fedora-41:\n  extends: .native_build_job\n  allow_failure: false\n"
                             "  variables:\n    IMAGE: registry.example.com/ci-fedora-41:latest\n"),
}
# an optional minimal-build variant may fail while the main test job gates (pygobject): a partial, not "always green"
OPTIONAL_VARIANT_NEXT_TO_GATING_TESTS = {**PY_TESTS, ".gitlab-ci.yml": (
    "linux:\n  image: python:3.12\n  script:\n    - python -m pytest\n"
    "minimal-meson:\n  allow_failure: true\n  image: fedora:40\n  script:\n    - meson setup _build\n"
    "    - PYTEST_ADDOPTS=\"-sv\" meson test -C _build --suite app\n")}
# a suite whose failures are ignored is no re-run of one that fails the pipeline
IGNORED_INTEGRATION_SUITE = {**PY_TESTS, CI: workflow("run: pytest tests/unit", "run: pytest tests/integration || true")}
OPTIONAL_COVERAGE_RERUN = {**PY_TESTS, CI: workflow("run: pytest tests", "run: pytest --cov tests || true")}


@pytest.mark.parametrize(("files", "rule_id", "outcome", "cited"), [
    pytest.param(CIRCLECI_TASKFILE, "TST-002", "pass", ".circleci/config.yml", id="taskfile-tests"),
    # Go and Java are type-checked by their compilers: lint is what BLD-005 asks of them
    pytest.param(CIRCLECI_TASKFILE, "BLD-005", "pass", ".circleci/config.yml", id="taskfile-lint"),
    pytest.param(PREK_HOOKS, "BLD-005", "pass", CI, id="prek-hooks-lint-and-types"),
    pytest.param(MAVEN_ERROR_PRONE, "BLD-005", "pass", CI, id="maven-error-prone-processor"),
    pytest.param(RAKE_TEST_TASK, "TST-002", "pass", CI, id="rake-test-task"),
    pytest.param(EXPRESS_STYLE, "TST-001", "pass", "test/app.router.js", id="mocha-test-folder"),
    pytest.param(EXPRESS_STYLE, "TST-002", "pass", CI, id="tests-under-nyc"),
    pytest.param(JENKINS_TWO_CONFIGURATIONS, "TST-010", "pass", "Jenkinsfile", id="jenkins-configurations-matrix"),
    pytest.param(JENKINS_BUILD_PLUGIN, "TST-010", "fail", None, id="jenkins-one-configuration"),
    pytest.param(TASKFILE_JUNIT, "TST-006", "pass", ".circleci/config.yml", id="junit-through-a-taskfile"),
    pytest.param(CIRCLECI_STORE_TEST_RESULTS, "TST-006", "pass", ".circleci/config.yml", id="circleci-store-test-results"),
    pytest.param(CIRCLECI_TASKFILE, "TST-006", "fail", None, id="no-test-reports"),
    pytest.param(TASKFILE_ON_PUSH, "TST-018", "pass", ".circleci/config.yml", id="taskfile-tests-after-merge"),
    pytest.param(CARGO_ENV, "TST-018", "pass", CI, id="cargo-through-env-after-merge"),
    pytest.param(TESTS_ON_PR_ONLY, "TST-018", "fail", None, id="tests-on-pull-requests-only"),
    pytest.param(CIRCLECI_STEPS_PARAMETER, "BLD-009", "pass", ".circleci/config.yml", id="circleci-steps-parameter"),
    pytest.param(CIRCLECI_STEPS_PARAMETER, "BLD-010", "pass", ".circleci/config.yml", id="circleci-workflow-matrix"),
    pytest.param(LINT_BUT_MYPY_ONLY_LOCAL, "BLD-005", "partial", CI, id="configured-type-checker-not-in-ci"),
    pytest.param(TOX_LINT, "BLD-005", "pass", CI, id="tox-factor-lint"),
    pytest.param(TOX_LINT, "TST-002", "pass", CI, id="tox-factor-tests"),
    pytest.param(MAVEN_VERIFY, "TST-002", "pass", CI, id="mvnw-verify-tests"),
    pytest.param(MAVEN_VERIFY, "BLD-005", "pass", CI, id="mvnw-verify-checkstyle"),
    pytest.param(CARGO_ENV, "TST-002", "pass", CI, id="cargo-through-env"),
    pytest.param(COMPOSITE_ACTION, "TST-002", "pass", CI, id="composite-action"),
    pytest.param(NPM_PLACEHOLDER, "TST-002", "fail", None, id="npm-placeholder-test-script"),  # nor cited as a local gate
    pytest.param(BEARER_HEADER, "SEC-005", "fail", None, id="authorization-bearer-is-no-sast"),
    pytest.param(SUPER_LINTER_GITLEAKS, "SEC-002", "pass", CI, id="super-linter-gitleaks"),
    pytest.param(PSAKE_BUILD, "TST-002", "pass", CI, id="powershell-psake-dotnet-test"),
    pytest.param(CHART_TESTING, "TST-002", "pass", CI, id="ct-lint-runs-helm-unittest"),
    pytest.param(SCRIPT_IN_COMPOSE, "TST-002", "pass", CI, id="coverage-run-pytest-in-a-script"),
    pytest.param(SCRIPT_IN_COMPOSE, "TST-007", "pass", CI, id="playwright-in-docker-compose-run"),
    pytest.param(COMPOSER_ARTISAN, "TST-002", "pass", CI, id="composer-script-artisan-test"),
    pytest.param(RAKE_SPECS, "TST-002", "pass", CI, id="rake-task-rspec"),
    pytest.param(RAKE_SPECS, "BLD-005", "pass", CI, id="rake-standard-lint"),
    pytest.param(DJANGO_MANAGE, "TST-002", "pass", CI, id="django-manage-test"),
    # compiling is building: cargo test builds the crate (anyhow's CI)
    pytest.param(CARGO_ENV, "BLD-013", "pass", CI, id="cargo-test-builds-the-crate"),
    pytest.param(PYTHON_PACKAGE_BUILD, "BLD-013", "pass", CI, id="python-m-build"),
    pytest.param(GOLANGCI_GOSEC, "SEC-005", "pass", CI, id="gosec-enabled-in-golangci-lint"),
    pytest.param(DEVSKIM, "SEC-005", "pass", CI, id="devskim-action"),
    pytest.param(TURBO_WORKSPACES, "BLD-005", "pass", CI, id="turbo-runs-each-workspace-lint-and-typecheck"),
    pytest.param(FLUX_SCHEMA, "IAC-009", "pass", CI, id="flux-schema-validates-manifests"),
    pytest.param(CHART_TESTING, "IAC-009", "pass", CI, id="ct-lint-validates-charts"),
    # applying the manifests to a kind cluster the job creates validates them (spring-petclinic's CI)
    pytest.param(KIND_APPLY, "IAC-009", "pass", CI, id="manifests-applied-to-kind"),
    # ... which is a test of the configuration too (flux2-kustomize-helm-example's e2e workflow)
    pytest.param(KIND_APPLY, "TST-001", "pass", CI, id="config-applied-to-kind-is-a-test"),
    pytest.param(KIND_APPLY, "TST-002", "pass", CI, id="config-applied-to-kind-runs-in-ci"),
    pytest.param({"k8s/deployment.yaml": K8S_DEPLOYMENT, CI: workflow("run: kubectl apply -f k8s/")}, "TST-001",
                 "fail", None, id="config-applied-to-a-real-cluster-is-no-test"),
    pytest.param({"clusters/staging/apps.yaml": K8S_DEPLOYMENT,
                  CI: workflow("uses: helm/kind-action@v1", "run: flux install",
                               "run: flux create kustomization apps --source=flux-system --path=./clusters/staging")},
                 "TST-001", "pass", CI, id="flux-kustomization-on-kind"),
    pytest.param({"k8s/deployment.yaml": K8S_DEPLOYMENT, CI: workflow("run: echo build")}, "IAC-009", "fail", None,
                 id="manifests-never-validated"),
    # docs built in CI through a nox session or a Sphinx Makefile's catch-all rule, or by Read the Docs
    pytest.param(NOX_DOCS, "DOC-014", "pass", CI, id="nox-session-builds-docs"),
    # coverage.py's fail_under is checked by `coverage report`, reached through a nox session's list (packaging)
    pytest.param(NOX_COVERAGE, "TST-004", "pass", CI, id="nox-coverage-report-enforces-fail-under"),
    pytest.param(COVERAGE_RUN_ONLY, "TST-004", "fail", "pyproject.toml", id="coverage-run-alone-enforces-nothing"),
    # goreleaser builds the images its dockers_v2 section names (goreleaser/goreleaser)
    pytest.param(GORELEASER_DOCKERS, "BLD-006", "pass", CI, id="goreleaser-dockers-v2-builds-the-image"),
    # ... stamps the commit with its default ldflags, and writes the changelog into the release notes
    pytest.param(GORELEASER_DOCKERS, "BLD-008", "pass", CI, id="goreleaser-stamps-the-commit"),
    pytest.param(GORELEASER_DOCKERS, "DOC-009", "pass", CI, id="goreleaser-writes-release-notes"),
    pytest.param({**PY_TESTS, ".github/release-drafter.yml": "template: $CHANGES\n"}, "DOC-009", "pass",
                 ".github/release-drafter.yml", id="release-drafter-configured"),
    # a VitePress docs site's tsconfig asks for no type checking of the Go product (go-task/task)
    pytest.param(GO_WITH_DOCS_SITE, "BLD-005", "pass", CI, id="docs-site-member-needs-no-type-check"),
    # Vite+ (koel): `vp test` runs Vitest, .vite-hooks/ holds the git hooks `vp config` installs
    pytest.param(VITE_PLUS, "TST-002", "pass", CI, id="vite-plus-vp-test"),  # JavaScript only: TST-002 judges it
    pytest.param(VITE_PLUS, "GIT-005", "pass", ".vite-hooks/pre-commit", id="vite-plus-hooks"),
    # end-to-end tests written as ordinary tests run with the rest (circleci-cli, factory_bot)
    pytest.param(GO_ACCEPTANCE, "TST-007", "pass", CI, id="go-acceptance-package-collected"),
    pytest.param(RSPEC_ACCEPTANCE, "TST-007", "pass", CI, id="rspec-acceptance-specs-collected"),
    pytest.param(PYTEST_SKIPS_E2E, "TST-007", "fail", None, id="pytest-ignores-the-e2e-folder"),
    pytest.param(SPHINX_MAKE, "DOC-014", "pass", CI, id="sphinx-makefile-pattern-rule"),
    pytest.param(READTHEDOCS, "DOC-014", "pass", ".readthedocs.yaml", id="read-the-docs-builds-docs"),
    pytest.param(NO_DOCS_CHECK, "DOC-014", "fail", None, id="docs-never-built"),
    pytest.param({**NO_DOCS_CHECK, "vendor-docs/.readthedocs.yaml": "version: 2\n"}, "DOC-014", "fail", None,
                 id="read-the-docs-reads-its-config-at-the-root-only"),
    # formatting: golangci-lint v2 formatters, a formatter in a hook (a hook that changes files
    # fails the run), a Terraform composite action running pre-commit; a bare formatter is no check
    pytest.param(GOLANGCI_FORMATTERS, "BLD-015", "pass", CI, id="golangci-formatters-section"),
    pytest.param(LOCAL_FORMAT_HOOK, "BLD-015", "pass", CI, id="formatter-in-local-pre-commit-hook"),
    pytest.param(FORMAT_WITHOUT_CHECK, "BLD-015", "fail", None, id="formatter-without-check-in-ci"),
    pytest.param(TERRAFORM_PRE_COMMIT_ACTION, "BLD-015", "pass", CI, id="terraform-pre-commit-action-fmt"),
    pytest.param(TERRAFORM_PRE_COMMIT_ACTION, "BLD-005", "pass", CI, id="terraform-pre-commit-action-tflint"),
    # a Jenkins shared-library step is the build it runs (buildPlugin: mvn install, SpotBugs from the parent
    # POM); SpotBugs is a bug-pattern linter, not SAST: the Jenkins Security Scan workflow (CodeQL) is
    pytest.param(JENKINS_BUILD_PLUGIN, "TST-002", "pass", "Jenkinsfile", id="jenkins-buildplugin-tests"),
    pytest.param(JENKINS_BUILD_PLUGIN, "TST-005", "pass", "Jenkinsfile", id="jenkins-multibranch-builds-prs"),
    pytest.param(JENKINS_BUILD_PLUGIN, "BLD-005", "pass", "Jenkinsfile", id="jenkins-plugin-pom-spotbugs"),
    pytest.param(JENKINS_BUILD_PLUGIN, "BLD-013", "pass", "Jenkinsfile", id="jenkins-buildplugin-builds"),
    pytest.param(JENKINS_BUILD_PLUGIN, "SEC-005", "fail", None, id="spotbugs-is-no-sast"),
    pytest.param(JENKINS_SECURITY_SCAN, "SEC-005", "pass", ".github/workflows/jenkins-security-scan.yml",
                 id="jenkins-security-scan-reusable-workflow"),
    # GitLab: merge request and default-branch pipelines named by included rules and workflow:rules; only
    # an optional re-run of the gating pytest suite may fail
    pytest.param(GITLAB_INCLUDED_RULES, "BLD-004", "pass", ".gitlab-ci.yml", id="gitlab-included-rules-push-and-mr"),
    pytest.param(GITLAB_INCLUDED_RULES, "TST-005", "pass", ".gitlab-ci.yml", id="gitlab-included-rules-tests-on-mr"),
    pytest.param(GITLAB_INCLUDED_RULES, "TST-020", "pass", None, id="gitlab-optional-coverage-job-may-fail"),
    pytest.param(OPTIONAL_COVERAGE_RERUN, "TST-020", "pass", None, id="optional-rerun-of-a-gating-suite"),
    pytest.param(IGNORED_INTEGRATION_SUITE, "TST-020", "fail", CI, id="ignored-suite-that-gates-nowhere"),
    pytest.param(OPTIONAL_VARIANT_NEXT_TO_GATING_TESTS, "TST-020", "partial", ".gitlab-ci.yml",
                 id="optional-variant-next-to-gating-tests"),
])
def test_ci_verdict(tmp_path: Path, files: dict[str, str], rule_id: str, outcome: str, cited: str | None) -> None:
    finding = evaluate(tmp_path, files, rule_id)
    check(finding, outcome, cited)


def test_gosec_is_cited_where_golangci_lint_enables_it_not_where_it_is_excluded(tmp_path: Path) -> None:
    finding = evaluate(tmp_path, GOLANGCI_GOSEC, "SEC-005")
    assert any(".golangci.yml:10 gosec" in e.snippet for e in finding.evidence), finding.evidence


def test_the_evidence_shows_the_chain_from_ci_to_the_command(tmp_path: Path) -> None:
    finding = evaluate(tmp_path, CIRCLECI_TASKFILE, "TST-002")
    snippets = [e.snippet for e in finding.evidence]
    assert any("task ci:test" in s and "Taskfile.yml:" in s and "go test -race" in s for s in snippets), snippets


def test_the_report_shows_the_example_for_the_detected_stack(tmp_path: Path) -> None:
    """A Go repository without CI is shown the Go pipeline, not the Python one (profile.stack)."""
    from tests.fixtures.gitrepo import make_repo
    from vana_audit.render import OutputFormat, renderer_for
    from vana_audit.scan import scan

    repo = make_repo(tmp_path / "cli", {**GO_TESTS, "main.go": "package main\n\nfunc main() {}\n"})
    result = scan(repo, with_history=False, now="2025-10-20T12:00:00Z")
    assert result.profile.stack == "go"
    markdown = str(renderer_for(OutputFormat.MARKDOWN)(result))
    start = markdown.index("BLD-003: ")  # the finding, not the summary that names it
    section = markdown[start:markdown.index("\n#### ", start)]
    assert "go test -race" in section and "actions/setup-go" in section and "uv run" not in section


# -- deploy, publish, release, cache and progressive delivery: from the CI model, not from CI text ------------

DEPLOY_WF = ".github/workflows/deploy.yml"


def deploy_workflow(*steps: str, job_id: str = "deploy", on: str = "push:\n    branches: [main]",
                    extra: str = "") -> str:
    body = "".join(f"      - {step}\n" for step in steps)
    return (f"name: Deploy\non:\n  {on}\npermissions:\n  contents: read\njobs:\n  {job_id}:\n"
            f"    runs-on: ubuntu-latest\n{extra}    steps:\n      - uses: actions/checkout@v4\n" + body)


SERVICE_APP = {"app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n", "Dockerfile": "FROM python:3.12\n"}
SETUP_HELM_ONLY = {
    **SERVICE_APP,
    CI: workflow("uses: azure/setup-helm@v4", "run: helm lint charts/app", "run: helm template app charts/app"),
}
GHCR_PULL_ONLY = {
    **SERVICE_APP,
    CI: ("name: CI\non: [push, pull_request]\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
         "    container: ghcr.io/acme/build-image:1.4\n    steps:\n      - uses: actions/checkout@v4\n"
         "      - run: docker pull ghcr.io/acme/builder:2\n      - run: docker login ghcr.io -u x --password-stdin\n"
         "      - run: make check\n"),
}
SKAFFOLD_RUN = {
    **SERVICE_APP,
    "skaffold.yaml": "apiVersion: skaffold/v4beta11\nkind: Config\n",
    DEPLOY_WF: deploy_workflow("uses: google-github-actions/get-gke-credentials@v2",
                               "run: skaffold run -p production --default-repo=gcr.io/acme --tag=${{ github.sha }}",
                               extra="    environment: production\n"),
}
PR_NUMBER_UPLOAD = {
    **PY_TESTS,
    CI: workflow("run: pytest", "run: mkdir -p .pr && echo ${{ github.event.number }} > .pr/pr_number.txt",
                 "uses: actions/upload-artifact@v4\n        with:\n          name: pr_number\n"
                 "          path: .pr/pr_number.txt"),
}
GORELEASER_RELEASE = {
    **GO_TESTS,
    ".goreleaser.yaml": "version: 2\nbuilds:\n  - main: .\n",
    ".github/workflows/release.yml": (
        "name: release\non:\n  push:\n    tags: ['v*']\njobs:\n  goreleaser:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v4\n      - uses: goreleaser/goreleaser-action@v6\n"
        "        with:\n          args: release --clean\n"),
}
GORELEASER_CHECK_ONLY = {
    **GO_TESTS,
    CI: workflow("uses: goreleaser/goreleaser-action@v6\n        with:\n          args: check"),
}
NPM_PUBLISH = {
    "package.json": '{"name": "@acme/lib", "version": "1.0.0"}\n',
    "src/index.js": "export const x = 1;\n",
    ".github/workflows/publish.yml": deploy_workflow("run: npm ci", "run: npm publish --provenance --access public",
                                                     job_id="publish", on="release:\n    types: [published]"),
}
HELM_TO_GKE = {
    **SERVICE_APP,
    DEPLOY_WF: deploy_workflow("uses: google-github-actions/auth@v2\n        with:\n"
                               "          workload_identity_provider: ${{ vars.WIF }}",
                               "uses: google-github-actions/get-gke-credentials@v2",
                               "run: helm upgrade --install app charts/app -n prod --atomic --wait",
                               extra="    environment: production\n"),
}
HELM_ON_KIND = {
    **SERVICE_APP,
    DEPLOY_WF: deploy_workflow("uses: helm/kind-action@v1", "run: make e2e"),
    "Makefile": "e2e:\n\thelm upgrade --install app charts/app --wait\n",
}
ARGO_ROLLOUTS = {
    **SERVICE_APP,
    DEPLOY_WF: deploy_workflow("run: kubectl apply -f k8s/", "run: kubectl argo rollouts promote app -n prod",
                               extra="    environment: production\n"),
}
FLAGGER_CANARY = {
    **SERVICE_APP,
    DEPLOY_WF: deploy_workflow("run: kubectl apply -k k8s/", extra="    environment: production\n"),
    "k8s/canary.yaml": ("apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata:\n  name: app\nspec:\n"
                        "  targetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: app\n"),
}
ACTIONS_CACHE = {**PY_TESTS, CI: workflow("uses: actions/cache@v4\n        with:\n          path: ~/.cache/pip\n"
                                          "          key: pip-${{ hashFiles('requirements.txt') }}", "run: pytest")}
SETUP_NODE_CACHE = {
    "package.json": '{"name": "app", "scripts": {"test": "vitest run"}}\n',
    CI: workflow("uses: actions/setup-node@v4\n        with:\n          node-version: 22\n          cache: npm",
                 "run: npm ci", "run: npm test"),
}
SETUP_PYTHON_NO_CACHE = {
    **PY_TESTS,
    CI: workflow("uses: actions/setup-python@v5\n        with:\n          python-version: '3.12'", "run: pytest"),
}
FASTAPI_CLOUD_AND_COMPOSE = {
    **SERVICE_APP,
    DEPLOY_WF: deploy_workflow("run: uv run fastapi deploy"),
    ".github/workflows/deploy-compose.yml": deploy_workflow(
        "run: docker compose -f compose.yml -f compose.deploy.yml up -d", on="workflow_dispatch:"),
}
COMPOSE_UP_IN_TESTS = {
    **SERVICE_APP,
    CI: workflow("run: docker compose up -d", "run: docker compose exec -T backend pytest"),
}
CLEANUP_WITH_ENVIRONMENT = {
    **SERVICE_APP,
    ".github/workflows/cleanup.yml": (
        "name: cleanup\non:\n  pull_request_target:\n    types: [closed]\njobs:\n  cleanup-namespace:\n"
        "    runs-on: ubuntu-latest\n    environment: staging\n    steps:\n"
        "      - run: kubectl delete namespace pr${{ github.event.number }} --ignore-not-found\n"),
}


@pytest.mark.parametrize(("files", "rule_id", "outcome", "cited", "profile"), [
    # the false verdicts of the text search
    pytest.param(SETUP_HELM_ONLY, "DEP-006", "na", None, "service", id="setup-helm-is-no-azure-deploy"),
    pytest.param(SETUP_HELM_ONLY, "DEP-002", "fail", None, "service", id="setup-helm-deploys-nothing"),
    pytest.param(GHCR_PULL_ONLY, "BLD-009", "fail", None, "service", id="pulling-from-ghcr-publishes-nothing"),
    pytest.param(GHCR_PULL_ONLY, "DEP-005", "fail", None, "library", id="pulling-from-ghcr-releases-nothing"),
    pytest.param(SKAFFOLD_RUN, "DEP-002", "pass", DEPLOY_WF, "service", id="skaffold-run-deploys"),
    pytest.param(SKAFFOLD_RUN, "DEP-009", "fail", None, "service", id="skaffold-run-is-not-progressive"),
    pytest.param(PR_NUMBER_UPLOAD, "BLD-009", "fail", None, "service", id="pr-number-upload-is-no-artefact"),
    pytest.param(GORELEASER_CHECK_ONLY, "DEP-005", "fail", None, "cli", id="goreleaser-check-releases-nothing"),
    pytest.param(HELM_ON_KIND, "DEP-002", "fail", None, "service", id="helm-into-a-kind-cluster-is-a-test"),
    pytest.param(COMPOSE_UP_IN_TESTS, "DEP-002", "fail", None, "service", id="compose-up-in-a-test-job"),
    pytest.param(CLEANUP_WITH_ENVIRONMENT, "DEP-002", "fail", None, "service", id="teardown-job-is-no-deploy"),
    # what does deploy, publish, release, cache and shift traffic
    pytest.param(GORELEASER_RELEASE, "DEP-005", "pass", ".github/workflows/release.yml", "cli",
                 id="goreleaser-release"),
    pytest.param(GORELEASER_RELEASE, "BLD-009", "pass", ".github/workflows/release.yml", "cli",
                 id="goreleaser-publishes"),
    pytest.param(NPM_PUBLISH, "BLD-009", "pass", ".github/workflows/publish.yml", "library", id="npm-publish"),
    pytest.param(NPM_PUBLISH, "DEP-005", "pass", ".github/workflows/publish.yml", "library",
                 id="npm-publish-on-release"),
    pytest.param(HELM_TO_GKE, "DEP-002", "pass", DEPLOY_WF, "service", id="helm-upgrade-to-gke"),
    pytest.param(HELM_TO_GKE, "DEP-006", "pass", DEPLOY_WF, "service", id="gke-through-workload-identity"),
    pytest.param(ARGO_ROLLOUTS, "DEP-009", "pass", DEPLOY_WF, "service", id="argo-rollouts-promote"),
    pytest.param(FLAGGER_CANARY, "DEP-009", "pass", "k8s/canary.yaml", "service", id="flagger-canary"),
    pytest.param(ACTIONS_CACHE, "BLD-007", "pass", CI, "service", id="actions-cache"),
    pytest.param(SETUP_NODE_CACHE, "BLD-007", "pass", CI, "service", id="setup-node-cache-input"),
    pytest.param(SETUP_PYTHON_NO_CACHE, "BLD-007", "fail", None, "service", id="setup-python-without-cache"),
    pytest.param(FASTAPI_CLOUD_AND_COMPOSE, "DEP-001", "pass", DEPLOY_WF, "service", id="ci-deploy-is-scripted"),
    pytest.param(FASTAPI_CLOUD_AND_COMPOSE, "DEP-002", "pass", DEPLOY_WF, "service", id="fastapi-cloud-deploy"),
])
def test_delivery_verdict(tmp_path: Path, files: dict[str, str], rule_id: str, outcome: str, cited: str | None,
                          profile: str) -> None:
    finding = evaluate(tmp_path, files, rule_id, profile=profile)
    check(finding, outcome, cited)


def test_compose_up_deploys_in_a_job_that_says_it_deploys(tmp_path: Path) -> None:
    finding = evaluate(tmp_path, FASTAPI_CLOUD_AND_COMPOSE, "DEP-002", profile="service")
    assert {e.path for e in finding.evidence} == {DEPLOY_WF, ".github/workflows/deploy-compose.yml"}


def test_the_skaffold_deploy_is_no_traffic_split(tmp_path: Path) -> None:
    from tests.rulekit import facts_for
    from vana_audit.signals import Signals

    signals = Signals(facts_for(tmp_path / "repo", SKAFFOLD_RUN))
    assert signals["ci.deploy"].truthy and not signals["deploy.progressive"].truthy
    assert not signals["ci.artifacts"].truthy or all("skaffold" not in e.snippet for e in signals["ci.artifacts"].evidence)


# -- confidence: parsed structure is high, a text match is low, and low never makes a P0 ------------------------

BROKEN_WORKFLOW = {
    **PY_TESTS,
    CI: "name: CI\non: [push\njobs:\n  test:\n    steps:\n      - run: echo hello\n",
}


def test_a_verdict_from_text_is_low_confidence_and_never_a_p0(tmp_path: Path) -> None:
    """The workflow does not parse: only its text is searched for tests. The failing P0 rule says so and
    is reported as a P1."""
    from vana_audit.model import Confidence, Priority

    finding = evaluate(tmp_path, BROKEN_WORKFLOW, "TST-002", profile="service")
    assert finding.outcome.value == "fail"
    assert finding.rule.priority is Priority.P0
    assert finding.confidence is Confidence.LOW
    assert finding.priority is Priority.P1


def test_a_verdict_from_the_ci_model_is_high_confidence(tmp_path: Path) -> None:
    from vana_audit.model import Confidence, Priority

    finding = evaluate(tmp_path, {**PY_TESTS, CI: workflow("run: echo hello")}, "TST-002", profile="service")
    assert finding.outcome.value == "fail" and finding.confidence is Confidence.HIGH
    assert finding.priority is Priority.P0
    passing = evaluate(tmp_path / "ok", {**PY_TESTS, CI: workflow("run: pytest")}, "TST-002", profile="service")
    assert passing.confidence is Confidence.HIGH and all(e.confidence is Confidence.HIGH for e in passing.evidence)


def test_free_text_smoke_checks_are_low_confidence(tmp_path: Path) -> None:
    from vana_audit.model import Confidence

    files = {**SERVICE_APP, DEPLOY_WF: deploy_workflow(
        "run: gcloud run deploy app --image gcr.io/acme/app:${{ github.sha }}",
        "name: Smoke test\n        run: curl --fail https://app.example.com/health",
        extra="    environment: production\n")}
    finding = evaluate(tmp_path, files, "DEP-007", profile="service")
    assert finding.outcome.value == "pass" and finding.confidence is Confidence.LOW
    assert all(e.confidence is Confidence.LOW for e in finding.evidence)


def test_reports_show_the_confidence(tmp_path: Path) -> None:
    """JSON (validated against the schema) carries it per finding and per piece of evidence; Markdown and
    HTML mark a low-confidence finding; SARIF puts it in the result's properties."""
    import json
    from importlib import resources

    import jsonschema

    from tests.fixtures.gitrepo import make_repo
    from vana_audit.render import OutputFormat, renderer_for
    from vana_audit.scan import scan

    repo = make_repo(tmp_path / "app", {**BROKEN_WORKFLOW, **SERVICE_APP, ".vana-audit.yml": "profile: service\n",
                                        "README.md": "# App\n"})
    result = scan(repo, with_history=False, now="2025-10-20T12:00:00Z")
    data = json.loads(str(renderer_for(OutputFormat.JSON)(result)))
    schema = json.loads(resources.files("vana_audit").joinpath("schemas/result.schema.json").read_text("utf-8"))
    jsonschema.validate(data, schema)
    tst = next(f for f in data["findings"] if f["rule_id"] == "TST-002")
    assert (tst["confidence"], tst["priority"], tst["rule_priority"]) == ("low", "P1", "P0")
    assert all(f["confidence"] in ("high", "low") for f in data["findings"])
    markdown = str(renderer_for(OutputFormat.MARKDOWN)(result))
    start = markdown.index("TST-002: ")
    assert "low confidence" in markdown[start:markdown.index("\n#### ", start)]
    html = str(renderer_for(OutputFormat.HTML)(result))
    assert "chip-low" in html[html.index('id="rule-TST-002"'):][:3000]
    from vana_audit.render.sarif import render_sarif

    sarif = json.loads(render_sarif(result, repo_level=True))  # TST-002 is about the repository as a whole
    props = next(r["properties"] for r in sarif["runs"][0]["results"] if r["ruleId"] == "TST-002")
    assert props["confidence"] == "low" and props["priority"] == "P1"


def test_an_absence_behind_a_step_the_model_cannot_see_into_is_low_confidence(tmp_path: Path) -> None:
    """A Jenkinsfile of an organisation's own shared-library step the catalog does not know (what it
    runs is out of sight): no test found is no proof of none, so the P0 is reported as a P1."""
    from vana_audit.model import Confidence, Priority

    files = {"src/test/java/AppTest.java": "class AppTest { @Test void works() {} }\n",
             "Jenkinsfile": "@Library('acme-pipelines') _\nacmeStandardBuild(\n  jdk: 21,\n)\n"}
    finding = evaluate(tmp_path, files, "TST-002", profile="library")
    assert finding.outcome.value == "fail" and finding.confidence is Confidence.LOW
    assert finding.priority is Priority.P1


def test_a_cloud_build_file_states_no_trigger_so_its_deploy_is_not_judged_as_automatic(tmp_path: Path) -> None:
    """microservices-demo: cloudbuild.yaml is run with `gcloud builds submit`; its triggers, if any, live
    in the Google Cloud project. DEP-012 judges deploys an automatic trigger starts."""
    check(evaluate(tmp_path, CLOUD_BUILD_BY_HAND, "DEP-012", profile="service"), "pass", "cloudbuild.yaml")
    pushed = {**GO_TESTS, CI: "name: deploy\non: [push]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
                              "    environment: production\n    steps:\n      - run: skaffold run\n"}
    check(evaluate(tmp_path / "pushed", pushed, "DEP-012", profile="service"), "fail", CI)


GITLAB_SPEC_HEADER = {
    **PY_TESTS,
    ".gitlab-ci.yml": ("spec:\n  inputs:\n    python:\n      default: '3.12'\n---\n"
                       "stages: [test]\ntest:\n  stage: test\n  image: python:3.12\n  script:\n    - pytest\n"),
}


@pytest.mark.parametrize("rule_id", ["BLD-003", "TST-002"])
def test_a_gitlab_file_with_a_spec_header_is_read_after_it(tmp_path: Path, rule_id: str) -> None:
    """pygobject: a CI/CD component `spec:` header document, `---`, then the pipeline."""
    check(evaluate(tmp_path, GITLAB_SPEC_HEADER, rule_id), "pass", ".gitlab-ci.yml")


TRIVY_REPO = {"Cargo.toml": '[package]\nname = "x"\nversion = "0.1.0"\n[dependencies]\nrocket = "0.5"\n', "Cargo.lock": "version = 3\n",
              "Dockerfile": "FROM rust:1.80 AS build\nFROM debian:12-slim\nUSER 1000\nCMD [\"/start.sh\"]\n",
              CI: workflow("uses: aquasecurity/trivy-action@0.28.0\n        with:\n          scan-type: repo")}


def test_trivy_action_scans_what_its_inputs_say(tmp_path: Path) -> None:
    """vaultwarden: `scan-type: repo` scans Cargo.lock (dependencies), no image."""
    check(evaluate(tmp_path / "a", TRIVY_REPO, "SEC-006", profile="service"), "pass", CI)
    check(evaluate(tmp_path / "b", TRIVY_REPO, "SEC-008", profile="service"), "fail", None)


def test_base_images_built_from_args_or_stages_are_not_floating(tmp_path: Path) -> None:
    """vaultwarden: `FROM build_${TARGETARCH}` names an earlier stage; a Dockerfile.j2 is a template."""
    files = {"docker/Dockerfile": ("FROM rust:1.80 AS build_amd64\nARG TARGETARCH\n"
                                   "FROM --platform=$BUILDPLATFORM build_${TARGETARCH}\nUSER 1000\n"),
             "docker/Dockerfile.j2": "FROM {{ base_image }}\n", "app.py": "print(1)\n"}
    check(evaluate(tmp_path, files, "IAC-004", profile="service"), "pass", None)


def test_gitlab_branch_pipelines_test_merge_requests_unless_workflow_rules_say_otherwise(tmp_path: Path) -> None:
    """pygobject: no `workflow:` rules, so each merge request shows its source branch's pipeline."""
    check(evaluate(tmp_path / "a", GITLAB_SPEC_HEADER, "TST-005"), "pass", ".gitlab-ci.yml")
    branches_only = {**PY_TESTS, ".gitlab-ci.yml": (
        "workflow:\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n"
        "test:\n  image: python:3.12\n  script:\n    - pytest\n")}
    check(evaluate(tmp_path / "b", branches_only, "TST-005"), "fail", None)


def test_a_repository_whose_ci_calls_reusable_workflows_of_another_repository_gets_no_p0_for_what_ci_lacks(
        tmp_path: Path) -> None:
    """Cloud Posse's modules run fmt, tflint and terratest in reusable workflows of cloudposse/.github that a
    checkout does not hold: "tests never run in CI" is then a guess, never a P0."""
    from tests.rulekit import evaluate
    from vana_audit.model import Confidence

    caller = ("on: [pull_request]\njobs:\n  ci-terraform:\n"
              "    uses: cloudposse/.github/.github/workflows/shared-terraform-module.yml@main\n    secrets: inherit\n")
    files = {"main.tf": 'variable "name" {}\n', "test/src/examples_complete_test.go": "package test\n",
             ".github/workflows/branch.yml": caller}
    finding = evaluate(tmp_path, files, "TST-002", profile="infrastructure")
    assert finding.outcome.value == "fail" and finding.confidence is Confidence.LOW
    assert finding.priority.value != "P0"
