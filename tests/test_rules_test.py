"""Test Automation rules (TST-*), each on small repositories where it passes, fails and does not apply."""
from __future__ import annotations

import pytest

from tests.rulekit import case, job, run_case, workflow

CI = ".github/workflows/ci.yml"
README = {"README.md": "# Notes\n"}
UNIT = {"tests/test_app.py": "def test_app():\n    assert True\n"}
INTEGRATION = {**UNIT, "tests/integration/test_db.py": "def test_db():\n    assert True\n"}
# coverage rules ask for product code to cover
CODE = {**UNIT, "app/main.py": "def main():\n    return 1\n"}
PYTEST_CFG = '[project]\nname = "app"\nversion = "1.0"\n\n[tool.pytest.ini_options]\naddopts = "{opts}"\n'


def ci(steps: str, **kw: str) -> dict[str, str]:
    extra = kw.pop("extra", "")
    return {CI: workflow(job(steps, extra=extra), **kw)}


def pytest_opts(opts: str) -> dict[str, str]:
    return {"pyproject.toml": PYTEST_CFG.format(opts=opts)}


PYTEST_CI = ci("- run: pytest")
JEST = {"jest.config.js": "module.exports = { testEnvironment: 'node' };\n",
        "src/app.test.js": "test('x', () => {});\n"}
PLAYWRIGHT = {"playwright.config.ts": "export default {};\n", "e2e/home.spec.ts": "test('home', async () => {});\n"}
REACT = '{"name": "web", "private": true, "dependencies": {"react": "19.0.0"}%s}'

CASES = [
    # TST-001 tests exist
    case("TST-001", "pass", UNIT, "tests/test_app.py"),
    case("TST-001", "fail", README),
    # tests kept in the modules they test, handed to pytest by name in CI (tldr's scripts/*.py)
    case("TST-001", "pass", {"scripts/common.py": "def add(a, b):\n    return a + b\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
                             **ci("- run: pytest scripts/*.py")}, CI, "pytest scripts"),
    case("TST-001", "fail", {"scripts/common.py": "def add(a, b):\n    return a + b\n", **ci("- run: pytest tests/*.py")}),
    # TST-002 tests run in CI
    case("TST-002", "pass", {**UNIT, **PYTEST_CI}, CI, "- run: pytest"),
    case("TST-002", "fail", {**UNIT, "Makefile": "test:\n\tpytest\n"}, "Makefile", 1),
    # "Scripts to Rule Them All": CI runs bin/test, a Ruby script that loads the Rails test runner (kamal)
    case("TST-002", "pass", {"test/app_test.rb": "class AppTest < Minitest::Test\nend\n",
                             "bin/test": "#!/usr/bin/env ruby\nrequire \"rails/plugin/test\"\n", **ci("- run: bin/test")},
         CI, "bin/test"),
    case("TST-002", "na", README),
    # TST-003 coverage threshold configured
    case("TST-003", "pass", {**CODE, "pyproject.toml": "[tool.coverage.report]\nfail_under = 85\n"}, "pyproject.toml", 2),
    case("TST-003", "fail", CODE),
    case("TST-003", "na", README),
    case("TST-003", "na", UNIT),  # tests without product code (a chart's unit tests, a config's e2e): nothing to cover
    # ... or given to the CI command that fails under it (a threshold only CI knows is still configured)
    case("TST-003", "pass", {**CODE, **ci("- run: coverage report --fail-under=100")}, CI, "--fail-under"),
    # TST-004 coverage gate enforced in CI
    case("TST-004", "pass", {**CODE, **ci("- run: pytest --cov=app --cov-fail-under=85")}, CI, "--cov-fail-under"),
    case("TST-004", "pass", {**CODE, **pytest_opts("--cov=app --cov-fail-under=85"), **PYTEST_CI}, CI, "- run: pytest"),
    case("TST-004", "fail", {**CODE, **pytest_opts("--cov=app --cov-fail-under=85")}, "pyproject.toml", 5),
    # Codecov's project status fails the pull request on a drop (paperless-ngx); an informational one never fails
    case("TST-004", "pass", {**CODE, ".codecov.yml": "coverage:\n  status:\n    project:\n      backend:\n        threshold: 1%\n",
                             **ci("- run: pytest --cov=app --cov-report=xml\n- uses: codecov/codecov-action@v5")},
         CI, "codecov/codecov-action"),
    case("TST-004", "fail", {**CODE, ".codecov.yml": "coverage:\n  status:\n    project:\n      default:\n"
                                                    "        target: 80%\n        informational: true\n",
                             **ci("- run: pytest --cov=app --cov-report=xml\n- uses: codecov/codecov-action@v5")}),
    # coverlet's MSBuild threshold fails `dotnet test` itself (Polly's test projects)
    case("TST-004", "pass", {"src/Lib/Lib.csproj": '<Project Sdk="Microsoft.NET.Sdk" />\n', "src/Lib/Lib.cs": "public class Lib {}\n",
                             "test/Lib.Tests/Lib.Tests.csproj": '<Project Sdk="Microsoft.NET.Sdk">\n  <PropertyGroup>\n'
                                                                '    <CollectCoverage>true</CollectCoverage>\n'
                                                                '    <Threshold>100</Threshold>\n  </PropertyGroup>\n</Project>\n',
                             "test/Lib.Tests/LibTests.cs": "public class LibTests {}\n", **ci("- run: dotnet test")},
         CI, "dotnet test"),
    case("TST-004", "na", README),
    # Terraform, chart and GitOps tests apply or render configuration: they cover no lines of code
    case("TST-004", "na", {**CODE, **pytest_opts("--cov=app --cov-fail-under=85")}, profile="infrastructure"),
    case("TST-003", "na", CODE, profile="gitops"),
    # codecov's fail_ci_if_error fails CI when the upload fails, not when coverage drops
    case("TST-004", "fail", {**CODE, **ci("- run: pytest --cov=app\n- uses: codecov/codecov-action@v5\n"
                                          "  with:\n    fail_ci_if_error: true")}),
    # TST-005 tests on pull requests
    case("TST-005", "pass", {**UNIT, **PYTEST_CI}, CI, "- run: pytest"),
    case("TST-005", "fail", {**UNIT, **ci("- run: pytest", on="push:\n    branches: [main]")}),
    case("TST-005", "na", README),
    # TST-006 reports published
    case("TST-006", "pass", {**UNIT, **ci("- run: pytest --junitxml=report.xml")}, CI, "--junitxml"),
    case("TST-006", "fail", {**UNIT, **PYTEST_CI}),
    case("TST-006", "na", README),
    # TST-007 e2e in CI
    case("TST-007", "pass", {**PLAYWRIGHT, **ci("- run: npx playwright test")}, CI, "playwright test"),
    case("TST-007", "fail", {**PLAYWRIGHT, **ci("- run: npm test")}),
    case("TST-007", "na", UNIT),
    # TST-008 frontend coverage threshold
    case("TST-008", "pass", {**UNIT, "jest.config.js": "module.exports = {\n  coverageThreshold: { global: { lines: 80 } },\n};\n"},
         "jest.config.js", 1),
    case("TST-008", "fail", {**JEST, **UNIT}),
    case("TST-008", "na", UNIT),
    # a JavaScript-only repository: TST-003/TST-004 judge its coverage, not a second "frontend" rule
    case("TST-008", "na", JEST),
    # TST-009 pyramid
    case("TST-009", "pass", {**UNIT, "tests/e2e/test_flow.py": "def test_flow():\n    pass\n"}, "tests/test_app.py"),
    case("TST-009", "fail", {"tests/e2e/test_flow.py": "def test_flow():\n    pass\n"}),
    case("TST-009", "na", README),
    # manifests, Terraform and roles have no unit/integration/e2e layers (flux examples, an Ansible role)
    case("TST-009", "na", {"tests/e2e/test_flow.py": "def test_flow():\n    pass\n"}, profile="infrastructure"),
    # TST-010 version matrix
    case("TST-010", "pass", {**UNIT, **ci("- run: pytest", extra="    strategy:\n      matrix:\n        py: ['3.12']\n")},
         CI, "runs-on"),
    case("TST-010", "fail", {**UNIT, **PYTEST_CI}, profile="library"),
    case("TST-010", "na", {**UNIT, **PYTEST_CI}, profile="service"),
    case("TST-010", "na", UNIT),
    # TST-011 performance tests in CI
    case("TST-011", "pass", ci("- run: k6 run tests/load.js"), CI, "k6 run", profile="service"),
    case("TST-011", "fail", {**UNIT, "locustfile.py": "from locust import HttpUser\n"}, "locustfile.py",
         profile="service"),
    case("TST-011", "na", {**UNIT, "locustfile.py": "from locust import HttpUser\n"}, profile="infrastructure"),
    # TST-012 flaky tests retried
    case("TST-012", "pass", {**INTEGRATION, **pytest_opts("--reruns 2")}, "pyproject.toml", 5),
    case("TST-012", "pass", {**PLAYWRIGHT, "playwright.config.ts": "export default {\n  retries: 2,\n};\n"},
         "playwright.config.ts", 2),
    case("TST-012", "fail", INTEGRATION),
    case("TST-012", "fail", PLAYWRIGHT),
    # unit tests only: an intermittent unit test has a bug, retrying it would hide it (structlog, packaging)
    case("TST-012", "na", UNIT),
    case("TST-012", "na", README),
    # TST-013 timeouts
    case("TST-013", "pass", {**UNIT, **pytest_opts("--timeout=60")}, "pyproject.toml", 5),
    case("TST-013", "pass", {**UNIT, **ci("- run: pytest", extra="    timeout-minutes: 10\n")}, CI, "runs-on"),
    case("TST-013", "fail", UNIT),
    # `go test` stops a test binary after 10 minutes unless told otherwise
    case("TST-013", "pass", {"go.mod": "module example.com/x\n\ngo 1.22\n", "x_test.go": "package x\n",
                             **ci("- run: go test ./...")}, CI),
    # mocha (2 s), jest and vitest (5 s) cut every test off by default (express's `npm test` runs mocha)
    case("TST-013", "pass", {"package.json": '{"name": "x", "scripts": {"test": "mocha test/"}}\n',
                             "test/app.js": "it('works', () => {});\n", **ci("- run: npm test")}, CI, "npm test"),
    case("TST-013", "na", README),
    # TST-014 mutation testing
    case("TST-014", "pass", {**UNIT, "pyproject.toml": '[tool.mutmut]\npaths_to_mutate = ["app/"]\n'}, "pyproject.toml"),
    case("TST-014", "pass", {**JEST, "stryker.config.json": "{}\n"}, "stryker.config.json"),
    case("TST-014", "fail", UNIT),
    case("TST-014", "na", README),
    case("TST-014", "na", UNIT, profile="gitops"),  # no mutation tester mutates YAML
    # TST-015 contract tests
    case("TST-015", "pass", {**UNIT, "tests/test_contract.py": "import schemathesis\n"}, "tests/test_contract.py",
         profile="service"),
    case("TST-015", "fail", UNIT, profile="service"),
    case("TST-015", "na", UNIT, profile="library"),
    # TST-016 parallel tests
    case("TST-016", "pass", {**UNIT, **pytest_opts("-n auto")}),
    case("TST-016", "pass", JEST),
    case("TST-016", "fail", UNIT, "tests/test_app.py"),
    case("TST-016", "fail", {**JEST, **ci("- run: npx jest --runInBand")}, CI, "--runInBand"),
    case("TST-016", "na", README),
    # TST-017 accessibility tests
    case("TST-017", "pass", {"package.json": REACT % ', "devDependencies": {"@axe-core/playwright": "4.10.0"}'},
         "package.json"),
    case("TST-017", "fail", {"package.json": REACT % ""}),
    case("TST-017", "na", UNIT),
    # TST-018 tests on push
    case("TST-018", "pass", {**UNIT, **PYTEST_CI}, CI, "- run: pytest"),
    case("TST-018", "fail", {**UNIT, **ci("- run: pytest", on="pull_request:")}),
    case("TST-018", "na", README),
    # TST-019 frontend tests in CI
    case("TST-019", "pass", {**JEST, **UNIT, **ci("- run: npm ci\n- run: npx jest --ci")}, CI, "npx jest"),
    case("TST-019", "na", {**JEST, **ci("- run: npm ci")}),  # JavaScript only: TST-002 judges it
    case("TST-019", "fail", {**JEST, **UNIT, **PYTEST_CI}, "jest.config.js"),
    case("TST-019", "na", {**UNIT, **PYTEST_CI}),
    # TST-020 test failures fail the pipeline
    case("TST-020", "pass", {**UNIT, **PYTEST_CI}),
    case("TST-020", "fail", {**UNIT, **ci("- run: pytest || true")}, CI, "pytest || true"),
    case("TST-020", "fail", {**UNIT, **ci("- run: pytest\n  continue-on-error: true")}, CI, "- run: pytest"),
    case("TST-020", "fail", {**UNIT, ".gitlab-ci.yml": "test:\n  allow_failure: true\n  script:\n    - pytest\n"},
         ".gitlab-ci.yml", 2),
    case("TST-020", "na", UNIT),
    # TST-021 changed-code coverage
    case("TST-021", "pass", {**UNIT, **ci("- run: pytest --cov --cov-report=xml\n- uses: codecov/codecov-action@v5")},
         CI, "codecov"),
    case("TST-021", "fail", {**UNIT, **PYTEST_CI}),
    # a 100% floor enforced in CI covers every changed line by construction (structlog)
    case("TST-021", "pass", {**UNIT, **ci("- run: pytest --cov=app --cov-fail-under=100")}, CI, "cov-fail-under"),
    case("TST-021", "fail", {**UNIT, **ci("- run: pytest --cov=app --cov-fail-under=90")}),
    case("TST-021", "na", UNIT),
    case("TST-021", "na", {**UNIT, **PYTEST_CI}, profile="infrastructure"),  # chart and Terraform tests cover no lines
]


@pytest.mark.parametrize("rule_id,outcome,files,path,line,options", CASES)
def test_test_rule(tmp_path, rule_id, outcome, files, path, line, options):
    run_case(tmp_path, rule_id, outcome, files, path, line, options)
