"""`vana-audit fix`: every generator's file closes the findings it claims (a re-scan shows the rules
passing), every generated file is valid against its consumer's schema (tests/schemas/, vendored), GitHub
workflows have the keys GitHub requires, and the generated CI runs exactly the commands each fixture
repository declares."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests import fix_repos
from tests.ci_schemas import schema_name, validate_generated
from tests.conftest import FIXED_NOW
from vana_audit.fix import GENERATORS, FixPlan, outcome, plan_fixes, rescan
from vana_audit.model import Priority

ALL = (Priority.P0, Priority.P1, Priority.P2)
STACKS = ("python", "node", "go", "go-bare", "gitlab")


@pytest.fixture(scope="module")
def repos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("fix-repos")
    return {
        "python": fix_repos.python_repo(base / "inventory"),
        "node": fix_repos.node_repo(base / "storefront"),
        "go": fix_repos.go_repo(base / "api"),
        "go-bare": fix_repos.go_repo(base / "api-bare", makefile=False),
        "gitlab": fix_repos.gitlab_python_repo(base / "inventory-gl"),
    }


@pytest.fixture(scope="module")
def full_plans(repos: dict[str, Path]) -> dict[str, FixPlan]:
    return {stack: plan_fixes(path, priorities=ALL, now=FIXED_NOW) for stack, path in repos.items()}


@pytest.mark.parametrize("generator", [g.name for g in GENERATORS])
@pytest.mark.parametrize("stack", STACKS)
def test_generated_file_closes_its_findings(repos: dict[str, Path], stack: str, generator: str) -> None:
    gen = next(g for g in GENERATORS if g.name == generator)
    plan = plan_fixes(repos[stack], rule_ids=gen.rules, priorities=ALL, now=FIXED_NOW)
    if not plan.in_scope:
        pytest.skip(f"no rule of {generator} fails on the {stack} fixture")
    if not plan.changes:
        assert plan.messages, f"{generator} wrote nothing for {stack} and did not say why"
        return
    for change in plan.changes:
        validate_generated(change.path, change.new)
    result = outcome(plan, rescan(plan, in_place=False))
    assert not result.not_closed, f"{generator} on {stack}: files do not close {result.not_closed}"
    assert any(result.closed.values()), f"{generator} on {stack} closed nothing"


@pytest.mark.parametrize("stack", STACKS)
def test_every_generated_file_is_valid_for_its_consumer(full_plans: dict[str, FixPlan], stack: str) -> None:
    """Workflows, dependabot.yml, issue forms, .gitlab-ci.yml and .pre-commit-config.yaml against the
    GitHub, GitLab and pre-commit schemas; renovate.json at least parses."""
    plan = full_plans[stack]
    checked: set[str] = set()
    for change in plan.changes:
        validate_generated(change.path, change.new)
        if schema_name(change.path):
            checked.add(schema_name(change.path))
        if change.path.endswith(".json"):
            assert isinstance(json.loads(change.new), dict), change.path
    expected = ({"gitlab-ci.json", "pre-commit-config.json"} if stack == "gitlab" else
                {"github-workflow.json", "dependabot-2.0.json", "github-issue-forms.json", "pre-commit-config.json"})
    assert checked == expected


_VALID_WORKFLOW = ("name: CI\non:\n  pull_request:\npermissions:\n  contents: read\njobs:\n  test:\n"
                   "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n")


@pytest.mark.parametrize(("path", "text"), [
    (".github/workflows/ci.yml", _VALID_WORKFLOW.replace("    runs-on: ubuntu-latest\n", "")),
    (".github/workflows/ci.yml", _VALID_WORKFLOW.replace("- run: make test", "- run: make test\n        uses: a/b@v1")),
    (".github/workflows/ci.yml", _VALID_WORKFLOW.replace("contents: read", "contents: admin")),
    (".github/dependabot.yml", "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n"
                               "    schedule:\n      interval: hourly\n"),
    (".gitlab-ci.yml", "stages: [test]\ntest:\n  stage: test\n  script: [make test]\n  when: sometimes\n"),
    (".pre-commit-config.yaml", "repos:\n  - repo: https://github.com/gitleaks/gitleaks\n    rev: v8.21.2\n"
                                "    hooks:\n      - id: gitleaks\n        stages: pre-commit\n"),  # $ref to pre-commit-hooks.json
])
def test_the_schemas_reject_what_the_consumer_rejects(path: str, text: str) -> None:
    with pytest.raises(jsonschema.ValidationError):
        validate_generated(path, text)


def test_the_schemas_accept_a_workflow_whose_on_key_is_a_string() -> None:
    validate_generated(".github/workflows/ci.yml", _VALID_WORKFLOW)  # `on` read as YAML 1.2, not as True


def _yaml_files(plan: FixPlan) -> list[tuple[str, Any]]:
    return [(c.path, yaml.safe_load(c.new)) for c in plan.changes if c.path.endswith((".yml", ".yaml"))]


@pytest.mark.parametrize("stack", STACKS)
def test_generated_yaml_parses_and_workflows_have_required_keys(full_plans: dict[str, FixPlan], stack: str) -> None:
    plan = full_plans[stack]
    files = _yaml_files(plan)
    assert files
    for path, document in files:
        assert isinstance(document, dict), path
        if path.startswith(".github/workflows/"):
            assert "on" in document or True in document, path  # PyYAML reads a bare `on` key as True
            assert document["jobs"], path
            for job_id, job in document["jobs"].items():
                assert job["runs-on"], f"{path} {job_id}"
                assert job["steps"], f"{path} {job_id}"
                for step in job["steps"]:
                    assert ("uses" in step) != ("run" in step), f"{path} {job_id} {step}"
                    assert "${{" not in step.get("run", ""), f"{path}: an expression in a shell line"
            assert document.get("permissions") == {"contents": "read"}, path
        if path == ".gitlab-ci.yml":
            for job_id, job in document.items():
                if isinstance(job, dict) and "script" in job:
                    assert job["stage"] in document["stages"], job_id


def _ci_runs(plan: FixPlan, job_id: str) -> list[str]:
    change = next(c for c in plan.changes if c.path in (".github/workflows/ci.yml", ".gitlab-ci.yml"))
    document = yaml.safe_load(change.new)
    if change.path == ".gitlab-ci.yml":
        return [line for line in document[job_id]["script"] if not line.startswith("pip install")]
    return [step["run"] for step in document["jobs"][job_id]["steps"] if "run" in step]


@pytest.mark.parametrize(("stack", "job_id", "expected"), [
    ("python", "python", fix_repos.PYTHON_COMMANDS),
    ("node", "node", fix_repos.NODE_COMMANDS),
    ("go", "go", fix_repos.GO_COMMANDS),
    ("go-bare", "go", fix_repos.GO_BARE_COMMANDS),
    ("gitlab", "python", fix_repos.PYTHON_COMMANDS),
])
def test_generated_ci_runs_the_repositorys_own_commands(full_plans: dict[str, FixPlan], stack: str, job_id: str,
                                                        expected: list[str]) -> None:
    assert _ci_runs(full_plans[stack], job_id) == expected


def test_the_makefile_targets_the_ci_names_are_the_fixtures_own(full_plans: dict[str, FixPlan]) -> None:
    for stack, makefile in (("python", fix_repos.PYTHON_MAKEFILE), ("go", fix_repos.GO_MAKEFILE)):
        targets = {line.split(":", 1)[0] for line in makefile.splitlines() if line and not line[0].isspace()}
        for run in _ci_runs(full_plans[stack], "python" if stack == "python" else "go"):
            if run.startswith("make "):
                assert run.split()[1] in targets


def test_container_job_builds_and_scans_the_image_of_the_dockerfile(full_plans: dict[str, FixPlan]) -> None:
    runs = _ci_runs(full_plans["python"], "container")
    assert runs == ["docker build -t inventory:ci ."]
    ci = next(c for c in full_plans["python"].changes if c.path == ".github/workflows/ci.yml")
    steps = yaml.safe_load(ci.new)["jobs"]["container"]["steps"]
    assert steps[-1]["with"]["image"] == "inventory:ci"


def test_coverage_gate_uses_the_declared_threshold(full_plans: dict[str, FixPlan]) -> None:
    ci = next(c for c in full_plans["python"].changes if c.path == ".github/workflows/ci.yml")
    assert "threshold 80% declared in pyproject.toml" in ci.new
    assert "TST-004" in ci.rules


def test_dependabot_covers_each_ecosystem_and_the_actions(full_plans: dict[str, FixPlan]) -> None:
    expected = {"python": {("pip", "/"), ("docker", "/"), ("github-actions", "/")},
                "node": {("npm", "/"), ("github-actions", "/")},
                "go": {("gomod", "/"), ("github-actions", "/")}}
    for stack, entries in expected.items():
        change = next(c for c in full_plans[stack].changes if c.path == ".github/dependabot.yml")
        updates = yaml.safe_load(change.new)["updates"]
        assert {(u["package-ecosystem"], u["directory"]) for u in updates} == entries


def test_gitlab_gets_renovate_and_jobs_in_its_own_file(full_plans: dict[str, FixPlan]) -> None:
    paths = {c.path for c in full_plans["gitlab"].changes}
    assert "renovate.json" in paths and ".github/dependabot.yml" not in paths
    assert not any(p.startswith(".github/workflows/") for p in paths)


def test_actions_use_the_repositorys_own_sha_pins(tmp_path: Path) -> None:
    sha = "11bd71901bbe5b1630ceea73d27597364c9af683"
    release = ("name: Release\non:\n  push:\n    tags: ['v*']\npermissions:\n  contents: read\njobs:\n  release:\n"
               f"    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@{sha}  # v4.2.2\n"
               "      - run: echo release\n")
    repo = fix_repos.python_repo(tmp_path / "pinned", {".github/workflows/release.yml": release})
    plan = plan_fixes(repo, rule_ids=["TST-002"], now=FIXED_NOW)
    ci = next(c for c in plan.changes if c.path == ".github/workflows/ci.yml")
    assert f"actions/checkout@{sha}  # v4.2.2" in ci.new
    assert "actions/setup-python@v5" in ci.new  # not pinned by the repository: its tag, never an invented SHA
