"""GitHub-flavoured Markdown: summary, category table, DORA, findings by category with evidence."""
from __future__ import annotations

from ..model import Category, Finding, Outcome, ScanResult
from .text import md_code, md_inline

MARK = {Outcome.PASS: "✅", Outcome.FAIL: "❌", Outcome.PARTIAL: "⚠️", Outcome.NOT_APPLICABLE: "➖", Outcome.ERROR: "💥"}


def _finding_block(f: Finding) -> list[str]:
    mark = "🔕" if f.suppressed_by else MARK[f.outcome]
    out = [f"- {mark} **{f.rule.id}** {md_inline(f.rule.title)} — {md_inline(f.message)}"
           + (f" *(L{f.rule.level}, {f.rule.priority.value}, {f.rule.effort_text})*" if f.failing else "")]
    if f.suppressed_by:
        out.append(f"  - suppressed: {md_inline(f.suppressed_by)}")
    for e in f.evidence[:5]:
        out.append(f"  - {md_code(e.location())}" + (f" {md_code(e.snippet)}" if e.snippet else ""))
    if f.failing:
        out.append(f"  - **Fix:** {md_inline(f.rule.remediation)}")
    return out


def render_markdown(result: ScanResult) -> str:
    s = result.score
    lines = [
        "# CI/CD & DevOps Maturity Review",
        "",
        f"**Repository:** {md_code(result.target.path)}" + (f" @ {md_code(result.target.ref)}" if result.target.ref else ""),
        f"**Generated:** {result.generated_at} by vana-audit",
        f"**Profile:** {md_inline(result.profile.get('name', ''))} — {md_inline('; '.join(result.profile.get('reasons', [])))}",
        "",
        "## Executive Summary",
        "",
        f"### Overall CI/CD Maturity: **Level {s.overall:.1f} / 5.0** {s.status_mark}",
        "",
        f"**Status:** {s.status_mark} {md_inline(s.status)}",
        "",
        "### CI/CD Maturity by Category",
        "",
        "| Category | Score | Level | Status |",
        "|----------|-------|-------|--------|",
    ]
    for c in result.categories:
        score = f"{c.score:.1f}/5" if c.score is not None else "n/a"
        lines.append(f"| **{md_inline(c.category.title)}** | {score} | {md_inline(c.level_name)} | "
                     f"{c.status_mark} {md_inline(c.status_text)} |")
    lines += ["", f"**Weighted Average:** **{s.overall:.2f} / 5.0** ({s.percent:.1f}% maturity)", ""]
    readiness = (result.dora or {}).get("readiness")
    if readiness:
        lines += ["### DORA Metrics Capability", ""]
        for metric in readiness.get("metrics", []):
            mark = "✅" if metric.get("trackable") else "❌"
            detail = "; ".join(metric.get("evidence", [])[:2]) if metric.get("trackable") else \
                "missing: " + "; ".join(metric.get("missing", [])[:2])
            lines.append(f"- **{md_inline(metric.get('name', metric.get('metric', '')))}:** {mark} {md_inline(detail)}")
        lines += ["", f"**Compliance Score:** **{readiness.get('score', 0)} / {readiness.get('max', 4)}** "
                      "DORA metrics trackable", ""]
    lines += ["## Findings by Category", ""]
    for category in Category:
        findings = [f for f in result.findings_for(category) if f.outcome is not Outcome.NOT_APPLICABLE]
        c = result.category(category)
        score = f"{c.score:.1f}/5" if c.score is not None else "n/a"
        lines += [f"### {md_inline(category.title)} — {score} {c.status_mark}", ""]
        if c.next_steps:
            lines += ["**To reach the next level:** " + "; ".join(md_inline(step) for step in c.next_steps), ""]
        if not findings:
            lines += ["_No applicable rule._", ""]
            continue
        for f in sorted(findings, key=lambda f: (not f.failing, f.rule.priority.value, f.rule.level, f.rule.id)):
            lines += _finding_block(f)
        lines.append("")
    if result.problems:
        lines += ["## Files that could not be read", "", "| Path | Problem |", "|------|---------|"]
        lines += [f"| {md_code(p.path)} | {md_inline(p.message)} |" for p in result.problems[:100]]
        if len(result.problems) > 100:
            lines.append(f"| … | {len(result.problems) - 100} more |")
        lines.append("")
    return "\n".join(lines)
