"""Markdown: findings per category (evidence, fix, example file) and the prioritised missing components."""

from __future__ import annotations

import html

from ..report import Report
from ..report.model import FindingItem, WorkItem
from .text import fence_language, md_block, md_code, md_inline, md_prose

MARK = {"pass": "✅", "fail": "❌", "partial": "⚠️", "not-applicable": "➖", "error": "💥"}
PRIORITY_TITLES = {
    "P0": "P0 - Critical (Production Blockers)",
    "P1": "P1 - Important (Quality & Reliability)",
    "P2": "P2 - Nice to Have (Optimization)",
}
MAX_EVIDENCE = 6


def mark(f: FindingItem) -> str:
    return "🔕" if f.suppressed_by else MARK.get(f.outcome, "•")


def _evidence(f: FindingItem) -> list[str]:
    lines = [
        f"- {md_code(e.location)}" + (f" — {md_code(e.snippet)}" if e.snippet else "")
        for e in f.evidence[:MAX_EVIDENCE]
    ]
    if len(f.evidence) > MAX_EVIDENCE:
        lines.append(f"- … and {len(f.evidence) - MAX_EVIDENCE} more")
    return lines


def _failing_block(f: FindingItem) -> list[str]:
    lines = [
        f"#### {mark(f)} {md_inline(f.rule_id)}: {md_prose(f.title)}",
        "",
        f"**{f.priority}** · {f.severity} · level {f.level} · effort {f.effort_text}"
        + (" · partial" if f.outcome == "partial" else "")
        + (" · _(low confidence: a text pattern decided it)_" if f.low_confidence else ""),
        "",
        md_inline(f.message),
        "",
    ]
    if f.evidence:
        lines += ["**Evidence:**", ""] + _evidence(f) + [""]
    lines += [f"**Remediation:** {md_prose(f.remediation)}", ""]
    if f.example:
        where = f": <code>{html.escape(f.example_file)}</code>" if f.example_file else ""
        lines += [
            f"<details><summary>Example{where}</summary>",
            "",
            md_block(f.example, fence_language(f.example_file)),
            "",
            "</details>",
            "",
        ]
    return lines


def findings_section(report: Report) -> list[str]:
    lines = ["## Findings by Category", ""]
    for group in report.findings:
        c = group.category
        lines += [
            f"### {md_inline(c.title)} — {c.score_text} {c.status_mark}",
            "",
            f"{c.rules_passed} of {c.rules_applicable} applicable rules pass; level {md_inline(c.level_name)}.",
            "",
        ]
        if c.next_steps:
            lines += ["**To reach the next level:** " + "; ".join(md_prose(step) for step in c.next_steps), ""]
        if not group.findings:
            lines += ["_No applicable rule._", ""]
            continue
        for f in group.findings:
            if f.failing:
                lines += _failing_block(f)
        others = [f for f in group.findings if not f.failing]
        if others:
            lines += [f"<details><summary>Passing and suppressed ({len(others)})</summary>", ""]
            for f in others:
                where = ", ".join(md_code(e.location) for e in f.evidence[:3])
                suffix = f" — suppressed: {md_inline(f.suppressed_by)}" if f.suppressed_by else ""
                located = f" ({where})" if where else ""
                lines.append(f"- {mark(f)} **{md_inline(f.rule_id)}** {md_prose(f.title)}{located}{suffix}")
            lines += ["", "</details>", ""]
    return lines + ["---", ""]


def _files(item: WorkItem) -> str:
    return ", ".join(md_code(p) for p in item.files_to_create) or "—"


def missing_section(report: Report) -> list[str]:
    lines = ["## Missing CI/CD Components (Prioritized)", ""]
    if not report.missing:
        return lines + ["_Nothing is missing: every applicable rule passes._", "", "---", ""]
    for priority in ("P0", "P1", "P2"):
        items = report.missing_by_priority(priority)
        if not items:
            continue
        lines += [f"### {PRIORITY_TITLES[priority]}", ""]
        if priority == "P0":
            for w in items:
                lines += [
                    f"**{w.number}. {md_prose(w.title)}** ({', '.join(md_code(r) for r in w.rule_ids)})",
                    f"- **Gap:** {md_inline(w.problem)}",
                    f"- **Impact:** {md_prose(w.impact)}",
                    f"- **Effort:** {w.effort_text}",
                    f"- **Files to Create:** {_files(w)}",
                    "",
                ]
            continue
        lines += [
            "| # | Component | Impact | Effort | Files to create | Rules |",
            "|---|-----------|--------|--------|-----------------|-------|",
        ]
        for w in items:
            lines.append(
                f"| {w.number} | {md_prose(w.title)} | {md_prose(w.impact)} | {w.effort_text} | {_files(w)} | "
                f"{', '.join(md_code(r) for r in w.rule_ids)} |"
            )
        lines.append("")
    return lines + ["---", ""]
