"""Run one rule against a small repository written from a dict of files.

    from tests.rulekit import check, evaluate

    finding = evaluate(tmp_path, {"Dockerfile": "FROM python:3.12\\n"}, "IAC-004")
    check(finding, "pass")                       # outcome only, no evidence expected
    check(finding, "fail", "Dockerfile", 1)      # outcome, an evidence path and its line

Table-driven tests keep one row per repository with `case(...)`; an evidence line may be given as
a number or as a piece of text, which is looked up in the cited file:

    CASES = [
        case("SEC-009", "fail", {".github/workflows/ci.yml": workflow(STEPS)}, ".github/workflows/ci.yml",
             "uses: actions/checkout@v4"),
        case("SEC-009", "na", {"README.md": "# x\n"}),
    ]

    @pytest.mark.parametrize("rule_id,outcome,files,path,line,options", CASES)
    def test_rule(tmp_path, rule_id, outcome, files, path, line, options):
        run_case(tmp_path, rule_id, outcome, files, path, line, options)

The repository is a plain directory (no git), so a rule sees exactly the files given; pass
`git=True` when a rule reads history or git's tracked-file list, `profile="library"` to set the
repository profile, `history=HistoryFacts(...)` (or `suppressions=`, `scan_date=`) to give
the facts `scan` adds after collecting directly.

Every rule needs a passing, a failing and (where it can be) a not-applicable row:
tests/test_rules_catalog.py checks that over all the tables.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.gitrepo import make_repo, write_files
from vana_audit.collectors import collect_facts
from vana_audit.engine import Rule, load_rules, run_rule
from vana_audit.facts import Facts
from vana_audit.model import Finding, Outcome
from vana_audit.signals import Signals
from vana_audit.source import open_source

OUTCOMES = {"pass": Outcome.PASS, "fail": Outcome.FAIL, "partial": Outcome.PARTIAL,
            "na": Outcome.NOT_APPLICABLE, "not-applicable": Outcome.NOT_APPLICABLE, "error": Outcome.ERROR}


@lru_cache(maxsize=1)
def rules_by_id() -> dict[str, Rule]:
    return {rule.meta.id: rule for rule in load_rules(plugins=False)}


def rule(rule_id: str) -> Rule:
    return rules_by_id()[rule_id]


def build(root: Path, files: Mapping[str, str | bytes], *, git: bool = False) -> Path:
    """Write `files` under `root` (a fresh directory), as a one-commit git repository when asked."""
    if git:
        return make_repo(root, files)
    root.mkdir(parents=True, exist_ok=True)
    write_files(root, files)
    return root


def facts_for(root: Path, files: Mapping[str, str | bytes], *, git: bool = False,
              profile: str | None = None) -> Facts:
    return collect_facts(open_source(build(root, files, git=git)), profile_override=profile)


LATE_FACTS = ("history", "suppressions", "scan_date")  # what `scan` adds beside the collectors


def evaluate(tmp_path: Path, files: Mapping[str, str | bytes], rule_id: str, *, git: bool = False,
             profile: str | None = None, **late: Any) -> Finding:
    """The finding of one rule on a repository holding exactly `files`. `late` sets the facts `scan`
    adds after collecting: `history` (a HistoryFacts, or None for no history), the located
    `suppressions` of a configuration and the `scan_date`."""
    assert set(late) <= set(LATE_FACTS), f"unknown facts {sorted(set(late) - set(LATE_FACTS))}"
    facts = facts_for(tmp_path / "repo", files, git=git, profile=profile)
    for name, value in late.items():
        setattr(facts, name, value)
    return run_rule(rule(rule_id), facts, Signals(facts))


def check(finding: Finding, outcome: str, path: str | None = None, line: int | None = None) -> None:
    """Assert the outcome and the evidence: `path` (and `line`) must be cited; `path=None` means
    the finding cites nothing (a clean pass of a "no bad thing" rule, or not-applicable)."""
    expected = OUTCOMES[outcome]
    cited = [(e.path, e.line) for e in finding.evidence]
    assert finding.outcome is expected, (
        f"{finding.rule_id}: expected {expected.value}, got {finding.outcome.value}: {finding.message} {cited}")
    if path is None:
        assert not finding.evidence, f"{finding.rule_id}: expected no evidence, got {cited}"
        return
    paths = [p for p, _ in cited]
    assert path in paths, f"{finding.rule_id}: expected evidence in {path}, got {cited}"
    if line is not None:
        assert (path, line) in cited, f"{finding.rule_id}: expected evidence at {path}:{line}, got {cited}"


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first occurrence of `needle` in `text`."""
    index = text.index(needle)
    return text.count("\n", 0, index) + 1


_case_numbers: Counter[str] = Counter()


def case(rule_id: str, outcome: str, files: Mapping[str, str | bytes], path: str | None = None,
         line: int | str | None = None, **options: Any) -> Any:
    """One row of a rule table: the repository, the expected outcome and the evidence it must cite."""
    key = f"{rule_id}-{outcome}"
    _case_numbers[key] += 1
    suffix = f"-{_case_numbers[key]}" if _case_numbers[key] > 1 else ""
    return pytest.param(rule_id, outcome, dict(files), path, line, options, id=key + suffix)


def run_case(tmp_path: Path, rule_id: str, outcome: str, files: Mapping[str, str | bytes], path: str | None,
             line: int | str | None, options: Mapping[str, Any]) -> Finding:
    if isinstance(line, str):
        assert path is not None and isinstance(files.get(path), str), f"{rule_id}: a text line needs the cited file"
        line = line_of(files[path], line)  # type: ignore[arg-type]
    finding = evaluate(tmp_path, files, rule_id, **options)
    check(finding, outcome, path, line)
    return finding


def workflow(jobs: str, on: str = "push:\n    branches: [main]\n  pull_request:",
             top: str = "permissions:\n  contents: read\n", name: str = "CI") -> str:
    """A GitHub Actions workflow around `jobs` (already indented by two spaces)."""
    return f"name: {name}\non:\n  {on}\n{top}jobs:\n{jobs}"


def job(steps: str, name: str = "test", extra: str = "") -> str:
    """One job: `steps` is a list of `- run: ...` / `- uses: ...` lines without indentation."""
    body = "".join(f"      {line}\n" for line in steps.strip("\n").split("\n"))
    return f"  {name}:\n    runs-on: ubuntu-latest\n{extra}    steps:\n{body}"
