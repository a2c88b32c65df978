"""A failing verdict whose gap something else mostly covers is one priority lower, and says why
(`demote_if`). GIT-005: no pre-commit hooks, but CI lints every change (labelled debatable on twelve
corpus repositories as a P1)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.rulekit import check, evaluate
from vana_audit.engine import load_rules
from vana_audit.model import Priority

LINTED = {"src/app.py": "print(1)\n", ".github/workflows/ci.yml": (
    "on: pull_request\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ruff check .\n")}


def test_a_hook_gap_that_ci_covers_is_a_p2_and_says_why(tmp_path: Path) -> None:
    finding = evaluate(tmp_path, LINTED, "GIT-005", profile="library")
    check(finding, "fail", ".github/workflows/ci.yml")
    assert finding.rule.priority is Priority.P1 and finding.priority is Priority.P2
    assert finding.message.endswith("CI runs the linters on every change, so problems are caught after the push "
                                    "rather than before the commit")


def test_without_linting_in_ci_the_gap_keeps_its_priority(tmp_path: Path) -> None:
    finding = evaluate(tmp_path, {"src/app.py": "print(1)\n"}, "GIT-005", profile="library")
    check(finding, "fail", None)
    assert finding.priority is Priority.P1 and not finding.demoted


def test_a_passing_rule_is_never_demoted(tmp_path: Path) -> None:
    hooks = {**LINTED, ".pre-commit-config.yaml": "repos:\n  - repo: local\n    hooks:\n      - id: ruff\n"
                                                  "        name: ruff\n        entry: ruff check\n        language: system\n"}
    finding = evaluate(tmp_path, hooks, "GIT-005", profile="library")
    assert finding.outcome.value == "pass" and not finding.demoted


def test_a_rule_file_naming_demote_if_needs_its_note(tmp_path: Path) -> None:
    rule = ("rules:\n  - id: ABC-001\n    title: Something is there\n    category: build\n    level: 2\n"
            "    weight: 1.0\n    severity: low\n    priority: P2\n    effort_days: [1, 1]\n"
            "    remediation: Add the thing to CI.\n    pass_if: {signal: ci.lint}\n    demote_if: {signal: ci.lint}\n"
            "    pass_message: ok\n    fail_message: missing\n"
            "    docs: {what: Looks for the thing in CI., why: The thing catches mistakes early., "
            "how: Add the thing to the workflow., example: run the thing, references: ['https://example.com/thing']}\n")
    (tmp_path / "r.yaml").write_text(rule)
    with pytest.raises(Exception) as raised:
        load_rules([tmp_path])
    assert "demote_note" in str(raised.value)


def test_rules_show_says_when_a_rule_is_demoted() -> None:
    from click.testing import CliRunner

    from vana_audit.cli import main

    shown = CliRunner().invoke(main, ["rules", "show", "GIT-005"])
    assert shown.exit_code == 0
    assert "one priority lower when CI runs the linters on every change" in shown.output


PWN = ("on:\n  pull_request_target:{note}\njobs:\n  preview:\n    runs-on: ubuntu-latest\n    steps:\n"
       "      - uses: actions/checkout@v4\n        with:\n          ref: ${{{{ github.event.pull_request.head.sha }}}}\n"
       "          sparse-checkout: docs\n")


def test_a_privileged_checkout_its_maintainers_marked_reviewed_for_zizmor_is_a_p1(tmp_path: Path) -> None:
    """poetry's docs preview checks out only docs/ of the pull request as data, under
    `# zizmor: ignore[dangerous-triggers]`: the reviewed use is still shown, one priority lower."""
    reviewed = evaluate(tmp_path, {".github/workflows/docs.yaml": PWN.format(
        note="  # zizmor: ignore[dangerous-triggers]")}, "SEC-013")
    check(reviewed, "fail", ".github/workflows/docs.yaml")
    assert reviewed.priority is Priority.P1 and "reviewed for zizmor" in reviewed.message
    plain = evaluate(tmp_path / "plain", {".github/workflows/docs.yaml": PWN.format(note="")}, "SEC-013")
    assert plain.priority is Priority.P0 and not plain.demoted
