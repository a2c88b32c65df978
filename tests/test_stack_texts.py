"""Neutral texts (issue 13, item 4): every fix and example a report shows is chosen for the repository's
stack or is stack-neutral. A Go repository is never told to run pytest, a Rust one never to create
`.python-version`.

For every rule and every stack the texts chosen for that stack (`remediation_for`, `example_for`) and
the texts every stack sees with a fix or a failure (`docs.how`, the fail and partial messages, the files
to create) must name no tool or file of another ecosystem. Descriptions of what a rule recognises
(`docs.what`, pass and not-applicable messages) may list every ecosystem's files and are not checked.
A rule about one ecosystem (`ecosystem: node` on a rule that applies only where JavaScript tests exist)
may name that ecosystem's tools for every repository.
"""
from __future__ import annotations

import json
import re

import pytest

from tests.fixtures.gitrepo import make_repo
from vana_audit.engine import DeclarativeRule, RuleLoadError, _rule_schema, load_rules, meta_from_spec, rules_from_bytes
from vana_audit.model import STACK_FAMILIES, RuleDocs, RuleMeta, stack_family
from vana_audit.render.json_out import render_json
from vana_audit.render.markdown import render_markdown
from vana_audit.report import build_report
from vana_audit.report.findings import first_sentence
from vana_audit.scan import scan
from vana_audit.signal_defs.stack import GENERIC, STACKS

# Words that name one ecosystem's tools, files or runtime, matched as whole words, case-insensitively.
# Stack-neutral tools (docker, gitleaks, trivy, semgrep, CodeQL, pre-commit, k6, pipx on a CI runner…)
# are in no list.
ECOSYSTEM_WORDS: dict[str, tuple[str, ...]] = {
    "python": ("python", "pytest", "mypy", "pyright", "ruff", "uv", "uvx", "uv.lock", "setup-uv", "pip",
               "pip-audit", "pip-licenses", "poetry", "poetry.lock", "pdm", "pipenv", "Pipfile", "tox", "nox",
               "pyproject.toml", "requirements.txt", "setup.py", "virtualenv", ".venv", "__pycache__",
               "mutmut", "Bandit", "flake8", "pylint", "FastAPI", "Django", "Flask", "structlog", "sentry_sdk",
               "prometheus_fastapi_instrumentator", "Sphinx", "conftest.py", "PyPI", "sdist", "alembic", "uvicorn",
               "gunicorn", "requires-python"),
    "node": ("npm", "npx", "pnpm", "yarn", "bun", "jest", "vitest", "eslint", "prettier", "tsc", "package.json",
             "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "node_modules", ".nvmrc", "node-version",
             "setup-node", "Node.js", "nodejs", "JavaScript", "TypeScript", "Stryker", "pino", "license-checker",
             "Docusaurus", "VitePress", "Next.js", "changesets", "prisma"),
    "go": ("go test", "go build", "go vet", "go mod", "go run", "go install", "go.mod", "go.sum", "golangci-lint",
           "gofmt", "gotestsum", "setup-go", "go-version", "golang", "gremlins", "go-licenses", "goreleaser"),
    "rust": ("cargo", "clippy", "Cargo.toml", "Cargo.lock", "rustfmt", "rustup", "rust-toolchain"),
    "java-maven": ("mvn", "mvnw", "pom.xml", "Maven"),
    "java-gradle": ("gradle", "gradlew", "build.gradle"),
    "dotnet": ("dotnet", ".csproj", "NuGet"),  # no stack yet: no repository is told to use them
    "ruby": ("ruby", "bundle exec", "bundle install", "Gemfile", "rspec", "rubocop", "Rakefile"),
    "php": ("php", "composer", "composer.json", "phpunit", "phpstan"),
}
# Within a family, the package manager's own words: a Poetry project is not told to run `uv sync`.
# Checked for fixes (remediations); examples fall back within the family (python-uv's for Poetry).
MANAGER_WORDS: dict[str, tuple[str, ...]] = {
    "python-uv": ("uv", "uvx", "uv.lock", "setup-uv"),
    "python-poetry": ("poetry", "poetry.lock"),
    "python-pdm": ("pdm", "pdm.lock"),
    "python-pipenv": ("pipenv", "Pipfile", "Pipfile.lock"),
    "node-npm": ("npm", "npx", "package-lock.json"),
    "node-yarn": ("yarn", "yarn.lock"),
    "node-pnpm": ("pnpm", "pnpm-lock.yaml"),
    "node-bun": ("bun", "bunx", "bun.lockb", "bun.lock"),
}


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted((re.escape(w) for w in words), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


ECOSYSTEM_PATTERNS = {name: _pattern(words) for name, words in ECOSYSTEM_WORDS.items()}
MANAGER_PATTERNS = {stack: _pattern(words) for stack, words in MANAGER_WORDS.items()}
RULES = load_rules(plugins=False)
ALL_STACKS = (*STACKS, GENERIC)


def ecosystem(stack: str) -> str | None:
    return None if stack == GENERIC else stack_family(stack)


def foreign_words(text: str, stack: str, allowed: str = "") -> list[str]:
    """The words of `text` that name an ecosystem other than the stack's (and `allowed`)."""
    own = {ecosystem(stack), allowed or None}
    return sorted({f"{name}: {m.group(0)}" for name, pattern in ECOSYSTEM_PATTERNS.items() if name not in own
                   for m in pattern.finditer(text)})


def foreign_managers(text: str, stack: str) -> list[str]:
    """Package-manager words of the stack's family that belong to another package manager."""
    return sorted({f"{other}: {m.group(0)}" for other, pattern in MANAGER_PATTERNS.items()
                   if other != stack and stack_family(other) == ecosystem(stack)
                   for m in pattern.finditer(text)})


def shown_texts(meta: RuleMeta, spec: dict, stack: str) -> dict[str, str]:
    """What a report for a repository of `stack` shows of the rule besides descriptions."""
    return {
        "title": meta.title,
        "remediation": meta.remediation_for(stack),
        "example": meta.docs.example_for(stack),
        "docs.how": meta.docs.how,
        "impact": meta.impact or first_sentence(meta.docs.why),  # a work item's impact (report/components.py)
        "fail_message": spec.get("fail_message", ""),
        "partial_message": spec.get("partial_message", ""),
        "files_to_create": " ".join(meta.files_to_create),
    }


def _spec(rule) -> dict:
    return rule.spec if isinstance(rule, DeclarativeRule) else {}


# -- the matcher itself ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,stack,expected", [
    ("run `uv run pytest --cov`", "go", ["python: pytest", "python: uv"]),
    ("add pytest-xdist", "rust", ["python: pytest"]),
    ("commit go.mod and go.sum", "python-uv", ["go: go.mod", "go: go.sum"]),
    ("run `go test ./...`", "go", []),
    ("use `mvn verify`", "java-gradle", ["java-maven: mvn"]),
    ("use `./gradlew check`", "java-maven", ["java-gradle: gradlew"]),
    ("scan with gitleaks, trivy and semgrep; build with docker", "go", []),
    ("a pipeline runs the tests", "go", []),  # "pip" inside a word is no hit
    ("bundle-size budgets", "go", []),
    ("docs.astral.sh/uv/", "go", ["python: uv"]),
])
def test_the_matcher(text, stack, expected):
    assert foreign_words(text, stack) == expected


def test_the_word_lists_cover_every_stack():
    assert {ecosystem(s) for s in STACKS} <= set(ECOSYSTEM_WORDS)
    assert set(MANAGER_WORDS) <= set(STACKS)


def test_the_schema_knows_every_stack_and_family():
    assert set(_rule_schema()["$defs"]["stack"]["enum"]) == set(STACKS) | set(STACK_FAMILIES)


TEAM_RULE = """rules:
  - id: TEAM-001
    title: Team has a Makefile
    category: build
    level: 2
    weight: 1
    severity: low
    priority: P2
    effort_days: [0.5, 0.5]
    pass_if: {signal: build.scripted}
    pass_message: ok
    fail_message: missing
    remediation: Add a Makefile with targets.
    remediations: {%s: Add a Makefile whose test target runs `go test ./...`.}
    docs: {what: Checks for a Makefile., why: Because reasons., how: Write one please., example: "all:",
           example_stack: go, references: [x]}
"""


def test_a_team_rule_can_carry_per_stack_fixes():
    (rule,) = rules_from_bytes((TEAM_RULE % "go").encode(), "team.yaml")
    assert rule.meta.remediation_for("go") == "Add a Makefile whose test target runs `go test ./...`."
    assert rule.meta.remediation_for("rust") == "Add a Makefile with targets."
    assert rule.meta.docs.example_for("rust") == ""


def test_a_team_rule_with_an_unknown_stack_is_refused():
    with pytest.raises(RuleLoadError, match="remediations"):
        rules_from_bytes((TEAM_RULE % "golang").encode(), "team.yaml")


# -- choosing a text for a stack ---------------------------------------------------------------------------

def _meta(**changes) -> RuleMeta:
    spec = {
        "id": "TST-999", "title": "Tests", "category": "test", "level": 2, "weight": 1, "severity": "low",
        "priority": "P2", "effort_days": [1, 1], "remediation": "Run the test suite in CI.",
        "docs": {"what": "w", "why": "y", "how": "h", "example": "neutral example", "references": ["r"]},
    }
    docs = changes.pop("docs", {})
    spec.update(changes)
    spec["docs"].update(docs)
    return meta_from_spec(spec, "test.yaml")


def test_remediation_for_picks_the_stack_then_the_family_then_a_sibling_then_the_neutral_text():
    meta = _meta(remediations={"python": "Run `pytest --cov`.", "node-npm": "Run `npm test -- --coverage`.",
                               "node-pnpm": "Run `pnpm test -- --coverage`.", "go": "Run `go test -cover ./...`."})
    assert meta.remediation_for("go") == "Run `go test -cover ./...`."
    assert meta.remediation_for("python-poetry") == "Run `pytest --cov`."  # the family's text
    assert meta.remediation_for("node-pnpm") == "Run `pnpm test -- --coverage`."
    assert meta.remediation_for("node-yarn") == "Run `npm test -- --coverage`."  # a sibling of the family
    assert meta.remediation_for("rust") == "Run the test suite in CI."
    assert meta.remediation_for(GENERIC) == "Run the test suite in CI."
    assert meta.remediation_for(None) == "Run the test suite in CI."


def test_java_builds_do_not_borrow_each_others_texts():
    meta = _meta(remediations={"java-maven": "Run `mvn verify`."},
                 docs={"examples": {"java-maven": "<project/>"}})
    assert meta.remediation_for("java-gradle") == "Run the test suite in CI."
    assert meta.docs.example_for("java-gradle") == "neutral example"


def test_a_default_example_written_for_one_stack_is_shown_to_that_stack_only():
    meta = _meta(docs={"example": "[tool.pytest.ini_options]", "example_stack": "python",
                       "examples": {"node-npm": "// jest.config.js"}})
    assert meta.docs.example_for("python-pip") == "[tool.pytest.ini_options]"
    assert meta.docs.example_for("node-yarn") == "// jest.config.js"
    assert meta.docs.example_for("go") == ""  # nothing fits: no example rather than Python's
    assert meta.docs.example_for(GENERIC) == ""
    assert meta.docs.example_for(None) == "[tool.pytest.ini_options]"  # the catalog, no repository


def test_a_neutral_default_example_is_shown_to_every_stack():
    docs = RuleDocs("w", "y", "h", "on: [push, pull_request]", ("r",), (("go", "go file"),))
    assert docs.example_for("rust") == "on: [push, pull_request]"
    assert docs.example_for("go") == "go file"


# -- the catalog -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.meta.id)
def test_no_text_shown_to_a_stack_names_another_ecosystem(rule):
    meta = rule.meta
    problems = []
    for stack in ALL_STACKS:
        for field, text in shown_texts(meta, _spec(rule), stack).items():
            words = foreign_words(text, stack, allowed=meta.ecosystem)
            if words:
                problems.append(f"{stack} {field}: {', '.join(words)}")
    assert not problems, f"{meta.id}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.meta.id)
def test_no_fix_shown_to_a_stack_names_another_package_manager(rule):
    problems = [f"{stack}: {', '.join(words)}" for stack in STACKS
                if (words := foreign_managers(rule.meta.remediation_for(stack), stack))]
    assert not problems, f"{rule.meta.id}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.meta.id)
def test_the_neutral_fix_names_no_ecosystem(rule):
    """The fallback fix is what a repository of any other stack reads."""
    meta = rule.meta
    assert not foreign_words(meta.remediation, GENERIC, allowed=meta.ecosystem), meta.id


@pytest.mark.parametrize("rule", [r for r in RULES if r.meta.docs.example_stack], ids=lambda r: r.meta.id)
def test_a_marked_default_example_names_only_its_own_ecosystem(rule):
    docs = rule.meta.docs
    assert not foreign_words(docs.example, docs.example_stack), rule.meta.id


@pytest.mark.parametrize("rule", [r for r in RULES if r.meta.ecosystem], ids=lambda r: r.meta.id)
def test_a_rule_about_one_ecosystem_applies_only_where_it_is(rule):
    """`ecosystem: node` is only honest when the rule cannot apply to a repository without JavaScript."""
    assert isinstance(rule, DeclarativeRule) and "applies_if" in rule.spec, rule.meta.id
    condition = rule.spec["applies_if"]
    # the JavaScript signal alone, or required beside other conditions (`all`)
    required = [condition] if "signal" in condition else condition.get("all", [])
    assert any(isinstance(c, dict) and c.get("signal") in NODE_SIGNALS for c in required), rule.meta.id


NODE_SIGNALS = {"js.tests_present", "js.tests_beside_other_tests", "frontend.present", "app.frontend"}


# -- end to end: a scan's reports --------------------------------------------------------------------------

GO_FILES = {
    "go.mod": "module example.com/hello\n\ngo 1.24\n",
    "main.go": 'package main\n\nimport "fmt"\n\nfunc Greeting() string { return "hello" }\n\n'
               "func main() { fmt.Println(Greeting()) }\n",
    "main_test.go": 'package main\n\nimport "testing"\n\nfunc TestGreeting(t *testing.T) {\n'
                    '\tif Greeting() != "hello" {\n\t\tt.Fatal("wrong greeting")\n\t}\n}\n',
    "README.md": "# hello\n\nPrints a greeting.\n",
}
UV_FILES = {
    "pyproject.toml": '[project]\nname = "hello"\nversion = "0.1.0"\nrequires-python = ">=3.12"\n\n'
                      '[dependency-groups]\ndev = ["pytest>=8"]\n',
    "uv.lock": 'version = 1\nrequires-python = ">=3.12"\n',
    "hello/__init__.py": 'def greeting() -> str:\n    return "hello"\n',
    "tests/test_hello.py": 'from hello import greeting\n\n\ndef test_greeting():\n    assert greeting() == "hello"\n',
    "README.md": "# hello\n\nPrints a greeting.\n",
}


@pytest.fixture(scope="module")
def go_result(tmp_path_factory):
    return scan(make_repo(tmp_path_factory.mktemp("go") / "hello", GO_FILES), now="2025-10-20T12:00:00Z")


@pytest.fixture(scope="module")
def uv_result(tmp_path_factory):
    return scan(make_repo(tmp_path_factory.mktemp("uv") / "hello", UV_FILES), now="2025-10-20T12:00:00Z")


def test_the_fixtures_are_the_stacks_they_claim(go_result, uv_result):
    assert go_result.stack == "go"
    assert uv_result.stack == "python-uv"
    assert go_result.finding("BLD-003").failing  # no CI: the fix for a CI workflow is shown
    assert uv_result.finding("BLD-003").failing


def _without_path(text: str, result) -> str:
    """The report without the fixture's temporary path (pytest's own folder is named `pytest-of-…`)."""
    return text.replace(result.target.path, "<repo>")


@pytest.mark.parametrize("render", [lambda r: render_markdown(build_report(r)), render_json],
                         ids=["markdown", "json"])
def test_a_go_repository_is_not_told_about_python_tools(go_result, render):
    text = _without_path(render(go_result), go_result)
    for word in ("pytest", "uv run", "uv sync", "mypy", "ruff", "pyproject.toml", ".python-version", "npm ci"):
        assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text), word  # "ruff" is not trufflehog
    assert "Run `go test ./...` in CI on every push and pull request." in text  # the Go fix instead


def test_the_go_repository_gets_go_fixes_and_examples(go_result):
    report = build_report(go_result)
    items = {f.rule_id: f for group in report.findings for f in group.findings}
    assert items["BLD-003"].remediation == (
        "Add a CI workflow that runs `go vet` and `go test ./...` on every push and pull request.")
    assert "- run: go test -race -coverprofile=coverage.out ./..." in items["BLD-003"].example
    assert "actions/setup-go@" in items["TST-002"].example
    ci_item = next(w for w in report.missing if "BLD-003" in w.rule_ids)  # one item: the CI workflow
    assert ci_item.action == "Run `go test ./...` in CI on every push and pull request."
    for item in items.values():
        assert not foreign_words(f"{item.remediation}\n{item.example}", "go"), item.rule_id


def test_a_python_uv_repository_gets_its_python_fix(uv_result):
    report = build_report(uv_result)
    items = {f.rule_id: f for group in report.findings for f in group.findings}
    assert items["BLD-003"].remediation == (
        "Add a CI workflow that installs the locked dependencies (`uv sync --locked`), lints (`uv run ruff check`), "
        "type-checks (`uv run mypy`) and runs the tests (`uv run pytest`) on every push and pull request.")
    assert "- run: uv run pytest --cov --cov-report=xml --cov-fail-under=85 --junit-xml=report.xml" in (
        items["BLD-003"].example)
    ci_item = next(w for w in report.missing if "BLD-003" in w.rule_ids)
    assert ci_item.action == "Run `uv run pytest` in CI on every push and pull request."
    data = json.loads(render_json(uv_result))
    fixes = {f["rule_id"]: f["remediation"] for f in data["findings"]}
    assert fixes["TST-002"] == "Run `uv run pytest` in CI on every push and pull request."
    for item in items.values():
        assert not foreign_words(f"{item.remediation}\n{item.example}", "python-uv"), item.rule_id


def test_sarif_help_and_results_use_the_scanned_stack(go_result):
    from vana_audit.render.sarif import render_sarif

    run = json.loads(render_sarif(go_result, repo_level=True))["runs"][0]
    helps = {rule["id"]: rule["help"]["text"] for rule in run["tool"]["driver"]["rules"]}
    assert "Remediation: Add a CI workflow that runs `go vet` and `go test ./...`" in helps["BLD-003"]
    assert "uv run" not in helps["BLD-003"] and "pytest" not in helps["BLD-003"]
    messages = {r["ruleId"]: r["message"]["text"] for r in run["results"]}
    assert messages["TST-002"].endswith("Fix: Run `go test ./...` in CI on every push and pull request.")
    ecosystems = {rule.meta.id: rule.meta.ecosystem for rule in RULES}
    for rule_id, help_text in helps.items():  # every rule is described, applicable or not
        fix_and_example = help_text.split("\nRemediation: ", 1)[1].split("\nReferences: ", 1)[0]
        assert not foreign_words(fix_and_example, "go", allowed=ecosystems[rule_id]), rule_id


def test_reports_of_results_without_a_stack_keep_the_neutral_fix(go_result):
    """Results recorded before the scan wrote `profile.stack` show the neutral fix and the default example."""
    from dataclasses import replace

    old = replace(go_result, profile=replace(go_result.profile, stack=None))
    assert old.stack is None
    item = next(f for g in build_report(old).findings for f in g.findings if f.rule_id == "BLD-003")
    assert item.remediation == next(r.meta.remediation for r in RULES if r.meta.id == "BLD-003")
