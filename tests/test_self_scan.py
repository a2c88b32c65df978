"""The project practises what it audits (issue 6, item 5): vana-audit scans its own repository."""
from __future__ import annotations

from pathlib import Path

import pytest

from vana_audit.model import Outcome, Priority
from vana_audit.scan import scan

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def own_result():
    if not (PROJECT / "pyproject.toml").exists() or not (PROJECT / "vana_audit").is_dir():
        pytest.skip("not running from a checkout of the project")
    return scan(PROJECT)


def _explain(result) -> str:
    lines = [f"overall {result.score.overall:.2f}"]
    lines += [f"  {c.category.value}: {c.score}" for c in result.categories]
    lines += [f"  {f.rule.priority.value} {f.rule.id} {f.outcome.value}: {f.message} "
              f"{[e.location() for e in f.evidence[:3]]}" for f in result.findings if f.failing]
    return "\n".join(lines)


def test_the_project_scores_four_or_more(own_result):
    assert own_result.score.overall >= 4.0, _explain(own_result)


def test_the_project_has_no_failing_p0_finding(own_result):
    blockers = [f for f in own_result.findings if f.failing and f.rule.priority is Priority.P0]
    assert not blockers, _explain(own_result)


def test_the_projects_own_practice_is_seen(own_result):
    inventory = own_result.inventory.to_json()
    assert "github-actions" in inventory["ci_providers"]
    assert "dependabot" in inventory["dependency_update_tools"]
    assert "pre-commit" in inventory["pre_commit_tools"]
    for rule_id in ("BLD-003", "TST-002", "SEC-001", "SEC-002"):
        finding = own_result.finding(rule_id)
        assert finding is not None and finding.outcome is Outcome.PASS, _explain(own_result)
    assert not [f for f in own_result.findings if f.outcome is Outcome.ERROR], _explain(own_result)
