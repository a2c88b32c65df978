"""Build the report from one ScanResult: the seed review's sections, each computed from evidence."""

from __future__ import annotations

from collections.abc import Iterable

from .. import __version__
from ..model import Category, CategoryScore, Outcome, Priority, ScanResult
from .components import build_work_items
from .dora import build_dora_section
from .findings import applicable, blocker_order, finding_item, finding_order
from .metrics import build_metrics
from .model import (
    ActionItem,
    CategoryRow,
    ExecutiveSummary,
    FindingGroup,
    FindingItem,
    Report,
    ReportSettings,
    Roadmap,
    TrendPoint,
    Verdict,
)
from .pipeline import build_pipeline_section
from .risks import build_risks
from .roadmap import schedule


def build_report(
    result: ScanResult, settings: ReportSettings | None = None, trend: Iterable[tuple[str, float]] | None = None
) -> Report:
    """`trend`: earlier (date, overall score) points, e.g. from recorded scans; this scan is added."""
    settings = settings or settings_from_result(result)
    categories = tuple(_category_row(result, c, settings) for c in result.categories)
    dora = build_dora_section(result.dora)
    stack = result.stack  # chooses each rule's fix and example
    missing = build_work_items(result.findings, stack)
    roadmap = schedule(missing, settings.capacity_days_per_week)
    blockers = tuple(
        finding_item(f, stack)
        for f in sorted((f for f in result.findings if f.failing and f.priority is Priority.P0), key=blocker_order)
    )
    by_id = {c.id: c for c in categories}
    groups = tuple(
        FindingGroup(
            by_id[c.value],
            tuple(
                finding_item(f, stack)
                for f in sorted((f for f in result.findings_for(c) if applicable(f)), key=finding_order)
            ),
        )
        for c in Category
        if c.value in by_id
    )
    verdict = _verdict(blockers, result, settings, roadmap)
    failing = {p.value: sum(1 for f in result.findings if f.failing and f.priority is p) for p in Priority}
    summary = ExecutiveSummary(
        overall=result.score.overall,
        percent=result.score.percent,
        level=result.score.level,
        status=result.score.status,
        status_mark=result.score.status_mark,
        target_overall=settings.target_overall,
        verdict=verdict,
        critical_finding=blockers[0] if blockers else None,
        key_points=_key_points(result, categories, dora.score, dora.max, failing, roadmap, settings),
        failing_by_priority=failing,
    )
    return Report(
        result=result,
        settings=settings,
        title="CI/CD & DevOps Maturity Review",
        repository=result.target.display_name,
        repository_path=result.target.path,
        ref=result.target.ref,
        head_sha=result.target.head_sha,
        generated_at=result.generated_at,
        tool_version=__version__,
        profile=result.profile.name,
        profile_reasons=result.profile.reasons,
        summary=summary,
        categories=categories,
        dora=dora,
        pipeline=build_pipeline_section(result),
        findings=groups,
        missing=missing,
        roadmap=roadmap,
        risks=build_risks(missing, roadmap),
        actions=_actions(roadmap),
        metrics=build_metrics(result, categories, dora, settings, len(blockers)),
        trend=_trend(trend, result),
        suppressed=tuple(finding_item(f, stack) for f in result.findings if f.suppressed_by),
        errors=tuple(finding_item(f, stack) for f in result.findings if f.outcome is Outcome.ERROR),
        problems=result.problems,
        method=_method(settings, roadmap),
    )


def settings_from_result(result: ScanResult) -> ReportSettings:
    """The configuration's targets when the scan carries them (`ScanResult.report_targets`), else the defaults."""
    targets = result.report_targets
    return ReportSettings(
        target_overall=float(targets.overall),
        target_categories=dict(targets.categories),
        capacity_days_per_week=float(targets.capacity_days_per_week),
    )


def _category_row(result: ScanResult, c: CategoryScore, settings: ReportSettings) -> CategoryRow:
    failing = sum(1 for f in result.findings_for(c.category) if f.failing)
    return CategoryRow(
        c.category.value,
        c.category.title,
        c.score,
        c.weight,
        c.level_name,
        c.status_mark,
        c.status_text,
        c.rules_passed,
        c.rules_applicable,
        failing,
        settings.target_for(c.category.value),
        tuple(c.next_steps),
        c.status_full,
    )


def _verdict(
    blockers: tuple[FindingItem, ...], result: ScanResult, settings: ReportSettings, roadmap: Roadmap
) -> Verdict:
    if blockers:
        weeks = roadmap.weeks_until_done("P0")
        return Verdict(
            False,
            "NOT READY FOR PRODUCTION",
            "❌",
            f"Do not deploy to production until the {len(blockers)} P0 finding"
            f"{'s are' if len(blockers) != 1 else ' is'} fixed (estimated {weeks} "
            f"week{'s' if weeks != 1 else ''} at {settings.capacity_days_per_week:g} days a week).",
            blockers,
            "blocked",
        )
    if result.score.overall < settings.target_overall:
        return Verdict(
            True,
            "READY, BELOW TARGET",
            "⚠️",
            f"No production blockers; the P1 items lift the score from {result.score.overall:.2f} "
            f"towards the {settings.target_overall:.1f} target.",
            (),
            "caution",
        )
    return Verdict(
        True,
        "READY FOR PRODUCTION",
        "✅",
        f"No production blockers and the score meets the {settings.target_overall:.1f} target; keep the gates green.",
        (),
        "ready",
    )


def _key_points(
    result: ScanResult,
    categories: tuple[CategoryRow, ...],
    dora_score: int,
    dora_max: int,
    failing: dict[str, int],
    roadmap: Roadmap,
    settings: ReportSettings,
) -> tuple[str, ...]:
    s = result.score
    points = [
        (
            f"CI/CD maturity {s.overall:.2f}/5 ({s.percent:.1f}%), level {s.level}; "
            f"target {settings.target_overall:.1f}/5."
        )
    ]
    blockers = [f for f in sorted(result.findings, key=blocker_order) if f.failing and f.priority is Priority.P0]
    if blockers:
        where = list(dict.fromkeys(f.rule.category.title for f in blockers))
        points.append(
            f"{len(blockers)} production blocker{'s' if len(blockers) != 1 else ''} (failing P0 findings) "
            f"in {_join(where)}."
        )
    scored = sorted((c for c in categories if c.score is not None), key=lambda c: (c.score, c.title))
    if scored:
        weakest, strongest = scored[0], scored[-1]
        points.append(f"Weakest: {weakest.title} {weakest.score:.1f}/5 ({weakest.status_text}).")
        if strongest is not weakest:
            points.append(f"Strongest: {strongest.title} {strongest.score:.1f}/5.")
    if dora_max:
        points.append(f"DORA: {dora_score}/{dora_max} key metrics can be tracked from the repository.")
    total = sum(failing.values())
    if total:
        points.append(
            f"{total} failing findings (P0 {failing['P0']}, P1 {failing['P1']}, P2 {failing['P2']}); "
            f"the roadmap takes {roadmap.total_weeks} week{'s' if roadmap.total_weeks != 1 else ''} "
            f"at {roadmap.capacity_days_per_week:g} days a week."
        )
    return tuple(points)


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _actions(roadmap: Roadmap) -> tuple[ActionItem, ...]:
    """The next seven days: what the roadmap schedules in its first week."""
    if not roadmap.phases:
        return ()
    week = roadmap.phases[0].weeks[0]
    return tuple(
        ActionItem(
            e.days,
            e.item.action + (" (continues next week)" if e.continues else ""),
            e.item.files_to_create,
            e.item.rule_ids,
        )
        for e in week.entries
    )


def _trend(points: Iterable[tuple[str, float]] | None, result: ScanResult) -> tuple[TrendPoint, ...]:
    series = {str(date)[:10]: float(score) for date, score in (points or ())}
    series.setdefault(result.generated_at[:10], result.score.overall)
    return tuple(TrendPoint(d, series[d]) for d in sorted(series)) if points is not None else ()


def _method(settings: ReportSettings, roadmap: Roadmap) -> tuple[str, ...]:
    return (
        (
            "Category score: 1.0, plus for each maturity level 2-5 the weighted share of that level's applicable rules "
            "that pass (a partial pass counts half); the overall score is the weighted mean of the categories."
        ),
        "Production readiness: not ready while any P0 finding fails (suppressed findings excepted).",
        (
            "Missing components: failing findings whose fixes create the same file are one work item; its effort is "
            "the largest estimate among them."
        ),
        "Roadmap: P0 first, then P1, then P2; " + roadmap.basis,
        (
            "Risks: one per P0/P1 work item; probability HIGH when a P0 control is missing outright, MEDIUM for a "
            "partial P0 or a missing P1, LOW for a partial P1; severity is the most severe rule in the item."
        ),
        (
            f"Targets: overall {settings.target_overall:.1f}/5; each category's target is the overall target unless "
            "configured."
        ),
    )
