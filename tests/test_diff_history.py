"""The PR gate is deterministic: history rules read the window ending at each scanned commit, never today,
and the scorecard says which rules the change moved and which the history window moved (issue 14, item 5).

History of `repo` (all UTC, empty commits unless said):

  2025-06-01            the mature fixture, "feat: initial service"
  2025-06-02..06-21     20 commits "feat: change N"            (Conventional Commits)
  2025-08-01..08-20     20 commits "Update thing N"            (not conventional)  <- tag `base`
  branch typo:  2025-08-21  "docs: fix typo in README"         (README.md only)
  branch late:  2025-09-25  "Fix typo in README"               (README.md only)

At `base` the 90-day window (from 2025-05-22) holds 21 conventional of 41 commits: 51%, GIT-011 partial.
At `typo` it holds 22 of 42: still partial. At `late` it starts 2025-06-27 and holds 0 of 21: fail,
although the commit only fixes a typo: the history moved, not the change.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.fixtures.gitrepo import commit, git
from tests.fixtures.repos import build_mature_repo
from vana_audit import scan as scan_module
from vana_audit.cli import main
from vana_audit.compare import compare
from vana_audit.model import Outcome
from vana_audit.render.diff import render_diff_markdown
from vana_audit.scan import scan

CLOCKS = ("2025-08-22T08:00:00Z", "2031-02-03T04:05:06Z")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = build_mature_repo(tmp_path_factory.mktemp("gate") / "acme")
    for n in range(1, 21):
        commit(root, {}, f"feat: change {n}", f"2025-06-{n + 1:02d}T09:00:00+00:00")
    for n in range(1, 21):
        commit(root, {}, f"Update thing {n}", f"2025-08-{n:02d}T09:00:00+00:00")
    git(root, "tag", "base")
    readme = (root / "README.md").read_text("utf-8")
    for branch, message, date in (("typo", "docs: fix typo in README", "2025-08-21T09:00:00+00:00"),
                                  ("late", "Fix typo in README", "2025-09-25T09:00:00+00:00")):
        git(root, "checkout", "-q", "-b", branch, "base")
        commit(root, {"README.md": readme.replace("The Acme orders API.", "The Acme orders API (fixed a tpyo).")},
               message, date)
    git(root, "checkout", "-q", "main")
    return root


def run_diff(root: Path, base: str, head: str, clock: str, monkeypatch: pytest.MonkeyPatch, *extra: str):
    """The CLI, as a PR gate runs it, with the scan's clock set to `clock`."""
    monkeypatch.setattr(scan_module, "_now", lambda: clock)
    return CliRunner().invoke(main, ["diff", "--base", base, "--head", head, str(root), "-q", *extra],
                              catch_exceptions=False)


def outcomes(result) -> dict[str, tuple[str, str]]:
    return {f.rule.id: (f.outcome.value, f.message) for f in result.findings}


def test_a_commit_scores_the_same_whatever_the_clock(repo: Path):
    early, later = (scan(repo, ref="typo", now=clock) for clock in CLOCKS)
    assert outcomes(early) == outcomes(later)
    assert early.score == later.score and early.categories == later.categories
    assert early.dora == later.dora
    # The history window ends at the commit's own date, not at either clock.
    assert early.dora.history_window.to_json() == {"days": 90, "start": "2025-05-23T09:00:00Z", "end": "2025-08-21T09:00:00Z"}
    assert outcomes(early)["GIT-011"][0] == "partial"
    assert "sample: 42 human commits" in outcomes(early)["GIT-011"][1]


@pytest.mark.parametrize("clock", CLOCKS)
def test_a_commit_against_itself_reports_no_change(repo: Path, clock: str, monkeypatch: pytest.MonkeyPatch):
    result = run_diff(repo, "typo", "typo", clock, monkeypatch, "--format", "json", "--fail-on-regression")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rule_changes"] == [] and data["regressions"] == [] and not data["regressed"]
    assert data["overall"]["delta"] == 0 and all(c["delta"] in (0, None) for c in data["categories"])
    assert data["new_findings"] == data["fixed_findings"] == data["changed_findings"] == []


@pytest.mark.parametrize("clock", CLOCKS)
def test_a_readme_typo_reports_no_change(repo: Path, clock: str, monkeypatch: pytest.MonkeyPatch):
    result = run_diff(repo, "base", "typo", clock, monkeypatch, "--fail-on-regression")
    assert result.exit_code == 0, result.output
    assert "No finding changed." in result.stdout and "▼" not in result.stdout and "▲" not in result.stdout
    assert "Changed by" not in result.stdout
    as_json = run_diff(repo, "base", "typo", clock, monkeypatch, "--format", "json")
    data = json.loads(as_json.stdout)
    assert data["rule_changes"] == [] and data["overall"]["delta"] == 0
    assert data["history_windows"]["head"]["end"] == "2025-08-21T09:00:00Z"


def test_the_scorecard_is_the_same_under_two_clocks(repo: Path, monkeypatch: pytest.MonkeyPatch):
    first, second = (run_diff(repo, "base", "late", clock, monkeypatch, "--format", "json").stdout
                     for clock in CLOCKS)
    assert first == second


def test_a_history_move_is_named_and_not_gated(repo: Path, monkeypatch: pytest.MonkeyPatch):
    result = run_diff(repo, "base", "late", CLOCKS[1], monkeypatch, "--fail-on-regression")
    assert result.exit_code == 0, result.output + result.stderr
    comment = result.stdout
    assert "### Changed by history (1)" in comment and "Changed by this PR" not in comment
    assert "**GIT-011** Commits follow Conventional Commits | partial → fail |" in comment
    assert "sample: 21 human commits" in comment  # the head's message: the sample it judged
    assert "base: to 2025-08-20, head: to 2025-09-25" in comment
    assert "Score moves from history alone: Overall" in comment and "GitOps Practices 4.10 → 4.00 (4.10 → 4.10 by the change alone)" in comment
    assert "New findings in head (0)" not in comment and "GIT-011** Commits follow" not in comment.split(
        "### Changed by history")[0]

    data = json.loads(run_diff(repo, "base", "late", CLOCKS[1], monkeypatch, "--format", "json").stdout)
    (change,) = data["rule_changes"]
    assert (change["rule_id"], change["cause"]) == ("GIT-011", "history")
    assert (change["base"]["outcome"], change["head"]["outcome"]) == ("partial", "fail")
    assert "sample: 41" in change["base"]["message"] and "sample: 21" in change["head"]["message"]
    gitops = next(c for c in data["categories"] if c["id"] == "gitops")
    gated = next(c for c in data["gate"]["categories"] if c["id"] == "gitops")
    assert gitops["delta"] < 0 and gated["delta"] == 0 and data["gate"]["overall"]["delta"] == 0
    assert data["regressions"] == [] and data["gate"]["history_moves"]


def test_a_change_that_moves_a_rule_is_named_with_both_outcomes(repo: Path):
    base = scan(repo, ref="base", now=CLOCKS[0])
    head = scan(repo, ref="late", now=CLOCKS[0])
    readme = next(f for f in head.findings if f.rule.id == "DOC-002")
    assert readme.outcome is Outcome.PASS
    broken = replace(head, findings=tuple(replace(f, outcome=Outcome.FAIL, message="no README") if f is readme else f
                                          for f in head.findings))
    diff = compare(base, broken)
    assert [(c.rule.id, c.cause, c.transition) for c in diff.by_change] == [("DOC-002", "change", "pass → fail")]
    assert [c.rule.id for c in diff.by_history] == ["GIT-011"]
    comment = render_diff_markdown(diff)
    assert "### Changed by this PR (1)" in comment
    assert "| pass → fail | was: the README explains the project<br>now: no README |" in comment
