"""Markdown: the roadmap, the risk register, the success metrics and the conclusion."""

from __future__ import annotations

from ..report import Report
from .text import md_code, md_inline, md_prose


def _rules(rule_ids: tuple[str, ...]) -> str:
    return ", ".join(md_code(r) for r in rule_ids)


def roadmap_section(report: Report) -> list[str]:
    roadmap = report.roadmap
    lines = ["## Implementation Roadmap", ""]
    if not roadmap.phases:
        return lines + ["_No open work items._", "", "---", ""]
    lines += [
        f"{roadmap.total_weeks} weeks in {len(roadmap.phases)} phases. Scheduling: {md_inline(roadmap.basis)}",
        "",
    ]
    for phase in roadmap.phases:
        low, high = phase.effort_days
        lines += [
            f"### Phase {phase.number}: {md_inline(phase.title)} ({phase.week_span})",
            "",
            (
                f"{len(phase.items)} items, {phase.priority}; estimated {low:g}-{high:g} days, "
                f"{phase.plan_days:g} days planned."
            ),
            "",
        ]
        for week in phase.weeks:
            lines += [f"**Week {week.number}: {md_inline(week.theme)}**"]
            for entry in week.entries:
                note = " *(continued)*" if entry.continued else (" *(continues)*" if entry.continues else "")
                lines.append(f"- {entry.days}: {md_prose(entry.item.title)} ({_rules(entry.item.rule_ids)}){note}")
            lines.append("")
    return lines + ["---", ""]


def risks_section(report: Report) -> list[str]:
    lines = ["## Risk Assessment & Mitigation", ""]
    if not report.risks:
        return lines + ["_No open P0 or P1 finding, so no risk is registered._", "", "---", ""]
    lines += [
        "One risk per root cause: the gaps of a category that one piece of work closes.",
        "",
        "| ID | Risk | Severity | Probability | Owner | Deadline |",
        "|----|------|----------|-------------|-------|----------|",
    ]
    lines += [
        f"| [{r.id}](#{r.id.lower()}) | {md_inline(r.title)}"
        + (f" (+{len(r.related)} related)" if r.related else "")
        + f" | {r.severity} | {r.probability} | {md_inline(r.owner) or '—'} | {md_inline(r.deadline) or '—'} |"
        for r in report.risks
    ]
    lines += ["", "### Risk Register", ""]
    for r in report.risks:
        lines += [
            f"#### {r.id}",
            "",
            f"**{md_inline(r.title)}** ({md_inline(r.category_title)}; {_rules(r.rule_ids)})",
            f"- **Severity:** {r.severity}",
            f"- **Probability:** {r.probability}",
            f"- **Owner:** {md_inline(r.owner) or '—'}",
            f"- **Impact:** {md_prose(r.impact)}",
            f"- **Mitigation:** {md_prose(r.mitigation)} ({md_inline(r.effort_text)})",
        ]
        if r.related:
            lines.append("- **Related gaps:** " + "; ".join(md_inline(gap) for gap in r.related))
        if r.deadline:
            lines.append(f"- **Deadline:** end of {md_inline(r.deadline).lower()} of the roadmap")
        lines.append("")
    return lines + ["---", ""]


def metrics_section(report: Report) -> list[str]:
    lines = ["## Success Metrics & KPIs", ""]
    titles = {"maturity": "CI/CD Maturity Targets", "delivery": "Delivery", "dora": "DORA Metrics Targets"}
    for group, title in titles.items():
        rows = [m for m in report.metrics if m.group == group]
        if not rows:
            continue
        lines += [f"### {title}", "", "| Metric | Current | Target | Delta |", "|--------|---------|--------|-------|"]
        lines += [
            f"| **{md_inline(m.name)}** | {md_inline(m.current)} | {md_inline(m.target)} | "
            f"{'✅ met' if m.met else md_inline(m.delta)} |"
            for m in rows
        ]
        lines.append("")
        measured = [m for m in rows if m.method]
        if measured:
            lines += ["**How these are measured:**", ""]
            lines += [f"- **{md_inline(m.name)}:** {md_inline(m.method)}" for m in measured] + [""]
    return lines + ["---", ""]


def conclusion_section(report: Report) -> list[str]:
    s, verdict = report.summary, report.summary.verdict
    lines = ["## Conclusion", "", "### Key Findings Summary", ""]
    lines += [f"{n}. {md_inline(point)}" for n, point in enumerate(s.key_points, 1)] + [""]
    lines += ["### Immediate Action Items (Next 7 Days)", ""]
    if report.actions:
        for n, action in enumerate(report.actions, 1):
            files = f" — create {', '.join(md_code(p) for p in action.files)}" if action.files else ""
            lines.append(f"{n}. **{action.days}:** {md_prose(action.action)}{files} ({_rules(action.rule_ids)})")
    else:
        lines.append("_Nothing is open: keep the gates green and re-run the audit after significant changes._")
    lines += [
        "",
        "### Production Readiness Assessment",
        "",
        f"**Current Status:** {verdict.mark} **{md_inline(verdict.label)}**",
        "",
    ]
    if verdict.blockers:
        lines += ["**Blockers:**"]
        lines += [f"- {md_inline(b.message)} ({md_code(b.rule_id)})" for b in verdict.blockers] + [""]
    lines += [f"**Recommendation:** {md_inline(verdict.recommendation)}", "", "---", ""]
    return lines
