"""The report model: every section of the seed review computed from a scan (issue 5, item 1)."""
from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from vana_audit.model import Outcome, Priority
from vana_audit.report import ReportSettings, build_report
from vana_audit.report.dora import build_dora_section
from vana_audit.report.model import WorkItem
from vana_audit.report.roadmap import schedule
from vana_audit.results import DoraResult


@pytest.fixture(scope="module")
def seed_report(seed_result):
    return build_report(seed_result)


@pytest.fixture(scope="module")
def mature_report(mature_result):
    return build_report(mature_result)


def test_the_seed_is_not_ready_and_its_blockers_are_the_failing_p0_findings(seed_result, seed_report):
    failing_p0 = {f.rule.id for f in seed_result.findings if f.failing and f.rule.priority is Priority.P0}
    verdict = seed_report.summary.verdict
    assert failing_p0, "the seed replica has production blockers"
    assert not verdict.ready and verdict.label == "NOT READY FOR PRODUCTION"
    assert {b.rule_id for b in verdict.blockers} == failing_p0
    assert f"{len(failing_p0)} P0 finding" in verdict.recommendation


def test_the_critical_finding_is_the_claim_the_repository_contradicts(seed_report):
    critical = seed_report.summary.critical_finding
    assert critical is not None and critical.rule_id == "DOC-001"
    assert any(e.location == "README.md:23" for e in critical.evidence)


def test_a_mature_repository_is_ready(mature_report):
    assert mature_report.summary.verdict.ready
    assert not mature_report.summary.verdict.blockers
    assert mature_report.summary.verdict.label == "READY FOR PRODUCTION"  # overall >= the 4.0 default target


def test_categories_carry_scores_targets_and_next_steps(seed_result, seed_report):
    assert [c.id for c in seed_report.categories] == [c.category.value for c in seed_result.categories]
    for row, score in zip(seed_report.categories, seed_result.categories, strict=True):
        assert row.score == score.score and row.level_name == score.level_name
        assert row.next_steps == score.next_steps
        assert row.target == 4.0
        assert row.failing == sum(1 for f in seed_result.findings_for(score.category) if f.failing)


def test_configured_targets_change_targets_metrics_and_verdict(mature_result):
    strict = build_report(mature_result, ReportSettings(target_overall=5.0, target_categories={"docs": 4.5}))
    assert strict.summary.verdict.label == "READY, BELOW TARGET"
    assert {c.id: c.target for c in strict.categories}["docs"] == 4.5
    assert {c.id: c.target for c in strict.categories}["build"] == 5.0
    overall = strict.metrics[0]
    assert overall.name == "Overall maturity score" and overall.target.startswith("5.0/5") and not overall.met
    with pytest.raises(ValueError):
        ReportSettings(capacity_days_per_week=0)


def test_every_failing_finding_is_in_exactly_one_missing_component(seed_result, seed_report):
    failing = sorted(f.rule.id for f in seed_result.findings if f.failing)
    covered = sorted(rule_id for item in seed_report.missing for rule_id in item.rule_ids)
    assert covered == failing
    assert [w.number for w in seed_report.missing] == list(range(1, len(seed_report.missing) + 1))
    priorities = [w.priority for w in seed_report.missing]
    assert priorities == sorted(priorities), "P0 first, then P1, then P2"


def test_findings_that_create_the_same_file_are_one_component(seed_result, seed_report):
    by_file: dict[str, set[str]] = {}
    for f in seed_result.findings:
        if f.failing:
            for path in f.rule.files_to_create:
                by_file.setdefault(path, set()).add(f.rule.id)
    shared = {path: ids for path, ids in by_file.items() if len(ids) > 1}
    assert shared, "the seed has fixes that create the same file (a CI workflow)"
    for path, ids in shared.items():
        items = [w for w in seed_report.missing if ids & set(w.rule_ids)]
        assert len(items) == 1, f"{path}: {ids} split over {[w.rule_ids for w in items]}"
        item = items[0]
        members = [f for f in seed_result.findings if f.rule.id in item.rule_ids]
        assert item.effort_days == (max(f.rule.effort_days[0] for f in members),
                                    max(f.rule.effort_days[1] for f in members))
        assert item.priority == min(f.rule.priority.value for f in members)


def _item(number: int, priority: str, low: float, high: float, plan: float, category: str = "build") -> WorkItem:
    return WorkItem(number=number, title=f"item {number}", action=f"do {number}.", problem="gap", priority=priority,
                    severity="high", category=category, category_title=category.title(), impact="",
                    effort_days=(low, high),
                    plan_days=plan, files_to_create=(), rule_ids=(f"R-{number}",), outcome="fail")


def test_roadmap_schedules_p0_first_in_weeks_of_the_given_capacity():
    # Worked by hand at 5 days a week: P0 items of 2.5, 3.5 and 0.5 days run over days 0-2.5, 2.5-6 and
    # 6-6.5 (weeks 1-2); the P1 phase starts on a new week, day 10, and its 4.5-day item ends on day 14.5.
    items = (_item(1, "P0", 2, 3, 2.5), _item(2, "P0", 3, 4, 3.5), _item(3, "P0", 0.5, 0.5, 0.5),
             _item(4, "P1", 4, 5, 4.5, "iac"))
    roadmap = schedule(items, 5.0)
    assert [p.priority for p in roadmap.phases] == ["P0", "P1"]
    p0, p1 = roadmap.phases
    assert [(s.start, s.end) for s in p0.items] == [(0, 2.5), (2.5, 6), (6, 6.5)]
    assert [w.number for w in p0.weeks] == [1, 2]
    week1 = [(e.days, e.item.number, e.continues) for e in p0.weeks[0].entries]
    assert week1 == [("Day 1-3", 1, False), ("Day 3-5", 2, True)]
    week2 = [(e.days, e.item.number, e.continued) for e in p0.weeks[1].entries]
    assert week2 == [("Day 1", 2, True), ("Day 2", 3, False)]
    assert [(s.start, s.end) for s in p1.items] == [(10, 14.5)]
    assert [w.number for w in p1.weeks] == [3] and roadmap.total_weeks == 3
    assert roadmap.week_of("R-2") == 2 and roadmap.weeks_until_done("P0") == 2


def test_half_the_capacity_takes_twice_the_weeks():
    # 6.5 days of P0 work at 2.5 days a week: days 0-6.5 end in week 3 (6.5 / 2.5 = 2.6).
    items = (_item(1, "P0", 2, 3, 2.5), _item(2, "P0", 3, 4, 3.5), _item(3, "P0", 0.5, 0.5, 0.5))
    roadmap = schedule(items, 2.5)
    assert roadmap.total_weeks == 3
    # In week 1 the first item fills all 2.5 effort days: calendar days 1-5.
    assert [(e.days, e.item.number) for e in roadmap.phases[0].weeks[0].entries] == [("Day 1-5", 1)]


def test_the_seed_roadmap_is_consistent_with_its_capacity(seed_report):
    roadmap = seed_report.roadmap
    assert roadmap.phases[0].priority == "P0"
    cap = roadmap.capacity_days_per_week
    scheduled = [s for phase in roadmap.phases for s in phase.items]
    for earlier, later in itertools.pairwise(scheduled):
        assert later.start >= earlier.end - 1e-9, "one item at a time"
    for phase in roadmap.phases:
        assert phase.items[0].start % cap == 0, "each phase starts on a new week"
    last_p0 = max(s.end for s in roadmap.phases[0].items)
    assert all(s.start >= last_p0 for phase in roadmap.phases[1:] for s in phase.items)


def test_risks_come_from_p0_and_p1_components_one_per_root_cause(seed_report):
    risks = seed_report.risks
    expected = [w for w in seed_report.missing if w.priority in ("P0", "P1")]
    # One risk per root cause (the category): every P0/P1 work item is in exactly one risk.
    assert len(risks) == len({w.category for w in expected}) < len(expected)
    assert sorted(r for risk in risks for r in risk.rule_ids) == sorted(r for w in expected for r in w.rule_ids)
    assert [r.id for r in risks] == [f"RISK-{n:03d}" for n in range(1, len(risks) + 1)]
    by_rule = {w.rule_ids[0]: w for w in expected}
    # The documented rule: HIGH when a P0 control is missing outright, MEDIUM for a partial P0 or a missing P1.
    probability = {("P0", "fail"): "HIGH", ("P0", "partial"): "MEDIUM",
                   ("P1", "fail"): "MEDIUM", ("P1", "partial"): "LOW"}
    rank = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}
    for risk in risks:
        items = [by_rule[r] for r in risk.rule_ids if r in by_rule]
        lead = items[0]
        assert risk.title == lead.problem and risk.severity == lead.severity.upper()
        assert risk.probability == min((probability[(w.priority, w.outcome)] for w in items), key=rank.get)
        assert risk.related == tuple(w.problem for w in items[1:])
        assert risk.severity in ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO")
        assert risk.impact and risk.mitigation and risk.deadline.startswith("Week ") and risk.owner
        assert len({w.category for w in items}) == 1
    assert risks[0].severity == "CRITICAL" and risks[0].probability == "HIGH"


def test_action_items_are_the_first_week_of_the_roadmap(seed_report):
    first_week = seed_report.roadmap.phases[0].weeks[0]
    assert [a.rule_ids for a in seed_report.actions] == [e.item.rule_ids for e in first_week.entries]
    assert seed_report.actions[0].days.startswith("Day 1")


def test_success_metrics_state_current_target_and_delta(seed_result, seed_report):
    overall = seed_report.metrics[0]
    s = seed_result.score
    assert overall.current == f"{s.overall:.1f}/5 ({s.percent:.0f}%)"
    assert overall.delta == f"+{4.0 - s.overall:.1f} (+{(4.0 - s.overall) / s.overall * 100:.0f}%)"
    blockers = next(m for m in seed_report.metrics if m.name.startswith("Production blockers"))
    assert blockers.current == str(len(seed_report.summary.verdict.blockers)) and blockers.target == "0"


def test_trend_points_are_sorted_and_end_with_this_scan(seed_result):
    report = build_report(seed_result, trend=[("2025-10-13", 1.5), ("2025-09-01", 1.2)])
    assert [p.date for p in report.trend] == ["2025-09-01", "2025-10-13", "2025-10-20"]
    assert report.trend[-1].overall == seed_result.score.overall
    assert build_report(seed_result).trend == ()


def test_suppressed_findings_leave_blockers_and_components(seed_result):
    doc = seed_result.finding("DOC-001")
    findings = tuple(replace(f, suppressed_by="config: accepted") if f is doc else f for f in seed_result.findings)
    report = build_report(replace(seed_result, findings=findings))
    assert "DOC-001" not in {b.rule_id for b in report.summary.verdict.blockers}
    assert "DOC-001" not in {r for w in report.missing for r in w.rule_ids}
    assert [f.rule_id for f in report.suppressed] == ["DOC-001"]


@pytest.mark.parametrize("dora", [
    None, {}, "text", {"readiness": "odd"}, {"readiness": {"metrics": ["x", None, {"metric": "lead_time"}]}},
    {"estimates": "insufficient data: no tags"}, {"estimates": [1, 2]}, {"estimates": {"metrics": [{"x": 1}]}},
    {"bands": {"metrics": {"lead_time": {"bands": ["x", {"cluster": "Elite", "max": "1"}]}}}},
])
def test_a_recorded_dora_object_of_any_shape_loads(dora):
    """`DoraResult.from_json` reads what an older version recorded; the report reads the one typed shape."""
    section = build_dora_section(DoraResult.from_json(dora))
    assert section.max >= 0 and isinstance(section.estimates, tuple)


def test_dora_estimates_in_the_shape_the_history_package_writes():
    # The JSON shape of `dora` (results.DoraResult.to_json), read back.
    section = build_dora_section(DoraResult.from_json({
        "year": 2024, "readiness": {"score": 2, "max": 4, "metrics": []},
        "estimates": {"basis": "semver-tags", "basis_label": "semver tags",
                      "basis_description": "342 semantic-version release tags (187 pre-releases left out)",
                      "window": {"days": 90, "start": "2026-05-23T14:53:52Z", "end": "2026-08-21T14:53:52Z"},
                      "deployments": 7, "components": {}, "metrics": [
                          {"metric": "lead_time", "name": "Lead time for changes", "status": "estimated",
                           "value": 1017.17, "unit": "hours", "display": "median 42.4 d, p90 67.7 d",
                           "cluster": "Low", "confidence": "low", "reason": None, "details": {"commits": 561}},
                          {"metric": "recovery_time", "name": "Failed deployment recovery time",
                           "status": "insufficient data", "value": None, "unit": "hours", "display": None,
                           "cluster": None, "confidence": None, "reason": "no failed deployment in the window"}]},
        "estimates_reason": None}))
    lead, recovery = section.estimates
    assert (lead.value, lead.value_text, lead.cluster, lead.confidence, lead.note) == \
        (1017.17, "median 42.4 d, p90 67.7 d", "Low", "low", "")
    assert (recovery.value, recovery.cluster, recovery.confidence) == (None, "", "")
    assert recovery.note == "no failed deployment in the window"
    assert dict(section.facts) == {"basis": "342 semantic-version release tags (187 pre-releases left out)",
                                   "window": "90 days (2026-05-23 to 2026-08-21)", "deployments": "7"}
    no_history = build_dora_section(DoraResult.from_json({"estimates": None, "estimates_reason": "shallow clone"}))
    assert no_history.estimates == () and no_history.estimates_note == "No estimates: shallow clone."


def test_every_outcome_in_the_findings_has_a_group(seed_result, seed_report):
    applicable = {f.rule.id for f in seed_result.findings if f.outcome is not Outcome.NOT_APPLICABLE}
    assert {f.rule_id for g in seed_report.findings for f in g.findings} == applicable
    for group in seed_report.findings:
        failing_flags = [f.failing for f in group.findings]
        assert failing_flags == sorted(failing_flags, reverse=True), "failing findings first"
