"""GitHub-flavoured Markdown: the seed review's structure, every section computed by the report model.

Repository text (paths, snippets, messages) goes through md_inline/md_code; rule texts through md_prose.
"""

from __future__ import annotations

import re

from ..model import ScanResult
from ..report import Report, as_report
from .markdown_findings import findings_section, missing_section
from .markdown_plan import conclusion_section, metrics_section, risks_section, roadmap_section
from .text import md_code, md_inline, md_prose

SECTIONS = (
    "Executive Summary",
    "CI Pipeline as Found",
    "DORA Metrics",
    "Findings by Category",
    "Missing CI/CD Components (Prioritized)",
    "Implementation Roadmap",
    "Risk Assessment & Mitigation",
    "Success Metrics & KPIs",
    "Conclusion",
)


def slug(heading: str) -> str:
    """GitHub's heading anchor for our own (ASCII) headings."""
    return re.sub(r"[^a-z0-9 _-]", "", heading.lower()).replace(" ", "-")


def render_markdown(source: ScanResult | Report) -> str:
    report = as_report(source)
    blocks = [
        _header(report),
        _summary(report),
        _pipeline(report),
        _dora(report),
        findings_section(report),
        missing_section(report),
        roadmap_section(report),
        risks_section(report),
        metrics_section(report),
        conclusion_section(report),
        _appendix(report),
    ]
    return "\n".join(line for block in blocks for line in block).rstrip("\n") + "\n"


def _header(report: Report) -> list[str]:
    s, verdict = report.summary, report.summary.verdict
    where = f"**{md_inline(report.repository)}**" + (f" @ {md_code(report.ref)}" if report.ref else "")
    if report.head_sha:
        where += f" ({md_code(report.head_sha[:12])})"
    if report.repository_path and report.repository_path != report.repository:
        where += f" · scanned at {md_code(report.repository_path)}"
    lines = [
        f"# {report.title} — {md_inline(report.repository)}",
        f"**Repository:** {where}",
        "",
        f"**Date:** {report.generated_at[:10]}  ",
        f"**Generated:** {md_inline(report.generated_at)} by vana-audit {md_inline(report.tool_version)}  ",
        f"**Profile:** {md_inline(report.profile)} — {md_inline('; '.join(report.profile_reasons))}  ",
        f"**Status:** {s.status_mark} {md_inline(s.status)} — {md_inline(verdict.label)}  ",
    ]
    if verdict.blockers:
        lines.append(
            f"**Priority:** P0 — {len(verdict.blockers)} production blocker{'s' if len(verdict.blockers) != 1 else ''}"
        )
    shown = [name for name in SECTIONS if name != "CI Pipeline as Found" or report.pipeline.present]
    lines += ["", "**Contents:** " + " · ".join(f"[{name}](#{slug(name)})" for name in shown), "", "---", ""]
    return lines


def _summary(report: Report) -> list[str]:
    s, verdict = report.summary, report.summary.verdict
    lines = [
        "## Executive Summary",
        "",
        f"### Overall CI/CD Maturity: **Level {s.overall:.1f} / 5.0** {s.status_mark}",
        "",
    ]
    if s.critical_finding:
        f = s.critical_finding
        lines += [f"**Critical Finding:** {md_inline(f.message)} ({md_code(f.rule_id)} {md_prose(f.title)})", ""]
    lines += [f"**Production Readiness:** {verdict.mark} **{md_inline(verdict.label)}**"]
    lines += [f"- {md_inline(b.message)} ({md_code(b.rule_id)})" for b in verdict.blockers]
    lines += ["", "### Key Findings", ""] + [f"- {md_inline(point)}" for point in s.key_points] + [""]
    lines += [
        "### CI/CD Maturity by Category",
        "",
        "| Category | Score | Level | Status |",
        "|----------|-------|-------|--------|",
    ]
    for c in report.categories:
        lines.append(
            f"| **{md_inline(c.title)}** | {c.score_text} | {md_inline(c.level_name)} | "
            f"{c.status_mark} {md_inline(c.status_text)} |"
        )
    lines += ["", f"**Weighted Average:** **{s.overall:.2f} / 5.0** ({s.percent:.1f}% maturity)", ""]
    lines += [
        "### What Lifts Each Category to the Next Level",
        "",
        "| Category | Rules passed | Target | Gap | To reach the next level |",
        "|----------|--------------|--------|-----|-------------------------|",
    ]
    for c in report.categories:
        gap = "n/a" if c.gap is None else ("met" if c.gap == 0 else f"{c.gap:.1f}")
        steps = "; ".join(md_prose(step) for step in c.next_steps) or "—"
        lines.append(
            f"| {md_inline(c.title)} | {c.rules_passed}/{c.rules_applicable} | {c.target:.1f} | {gap} | {steps} |"
        )
    lines.append("")
    if len(report.trend) >= 2:
        lines += ["### Score Trend", "", "| Date | Overall |", "|------|---------|"]
        lines += [f"| {md_inline(p.date)} | {p.overall:.2f} |" for p in report.trend] + [""]
    dora = report.dora
    if dora.present:
        lines += ["### DevOps Best Practices Compliance", "", "**DORA Metrics Capability:**"]
        for row in dora.readiness:
            detail = (
                row.evidence[0]
                if row.trackable and row.evidence
                else ("missing: " + "; ".join(row.missing[:2]) + ("; …" if len(row.missing) > 2 else "")
                      if row.missing else "")
            )
            lines.append(f"- **{md_inline(row.name)}:** {'✅' if row.trackable else '❌'} {md_inline(detail)}")
        lines += ["", f"**Compliance Score:** **{dora.score} / {dora.max}** DORA metrics trackable", ""]
    return lines + ["---", ""]


def _pipeline(report: Report) -> list[str]:
    """Which capability runs at which stage, and by which tool: the CI model as a table."""
    pipeline = report.pipeline
    if not pipeline.present:
        return []
    lines = ["## CI Pipeline as Found", ""]
    providers = f" ({', '.join(md_inline(p) for p in pipeline.providers)})" if pipeline.providers else ""
    jobs = f"{pipeline.jobs_total} CI job{'s' if pipeline.jobs_total != 1 else ''}{providers}"
    lines += [f"{jobs}, followed through task runners, hooks and templates. A job joins every stage its triggers "
              "name.", ""]
    stages = [f"{md_inline(s.title)}{'' if s.id == 'local' else f' ({s.jobs})'}" for s in pipeline.stages]
    lines += ["| Capability | " + " | ".join(stages) + " |", "|---" * (len(stages) + 1) + "|"]
    for label in pipeline.labels:
        cells = [", ".join(md_code(t) for t in tools) if tools else "—" for tools in pipeline.row(label)]
        lines.append(f"| {md_inline(label)} | " + " | ".join(cells) + " |")
    if not pipeline.labels:
        lines.append("| _no tool the catalog knows_ | " + " | ".join("—" for _ in stages) + " |")
    return lines + ["", "---", ""]


def _dora(report: Report) -> list[str]:
    dora = report.dora
    lines = ["## DORA Metrics", ""]
    if not dora.present:
        return lines + ["_The scan produced no DORA data._", "", "---", ""]
    if dora.readiness:
        lines += [
            "### Readiness",
            "",
            "| Metric | Trackable | Evidence | Missing |",
            "|--------|-----------|----------|---------|",
        ]
        for row in dora.readiness:
            evidence = "<br>".join(md_inline(e) for e in row.evidence[:4]) or "—"
            if len(row.evidence) > 4:
                evidence += f"<br>… {len(row.evidence) - 4} more"
            missing = "<br>".join(md_inline(m) for m in row.missing) or "—"
            trackable = "✅ yes" if row.trackable else "❌ no"
            lines.append(f"| {md_inline(row.name)} | {trackable} | {evidence} | {missing} |")
        lines.append("")
    lines += ["### Estimates from Git History", ""]
    if dora.estimates:
        with_basis = any(e.basis for e in dora.estimates)
        lines += [
            "| Metric | Estimate | Cluster |" + (" Basis |" if with_basis else "") + " Confidence | Note |",
            "|--------|----------|---------|" + ("-------|" if with_basis else "") + "------------|------|",
        ]
        for e in dora.estimates:
            basis = f" {md_inline(e.basis) or '—'} |" if with_basis else ""
            lines.append(
                f"| {md_inline(e.name)} | {md_inline(e.value_text)} | {md_inline(e.cluster) or '—'} |{basis} "
                f"{md_inline(e.confidence) or '—'} | {md_inline(e.note) or '—'} |"
            )
        lines.append("")
    if dora.estimates_note:
        lines += [f"_{md_inline(dora.estimates_note)}_", ""]
    if dora.facts:
        lines += [f"- {md_inline(k)}: {md_inline(v)}" for k, v in dora.facts] + [""]
    if dora.bands:
        title = f"### DORA Performance Clusters ({md_inline(str(dora.year))})" if dora.year else "### DORA Clusters"
        lines += [title, "", "| Metric | Clusters, best first |", "|--------|----------------------|"]
        for m in dora.bands:
            bands = "<br>".join(f"**{md_inline(b.cluster)}:** {md_inline(b.published)}" for b in m.bands)
            lines.append(f"| {md_inline(m.name)} | {bands} |")
        lines.append("")
        if dora.bands_source:
            lines += [f"_Source: {md_inline(dora.bands_source)}._", ""]
    return lines + ["---", ""]


def _appendix(report: Report) -> list[str]:
    lines = ["## Appendix", ""]
    if report.suppressed:
        lines += ["### Suppressed Findings", "", "| Rule | Title | Reason |", "|------|-------|--------|"]
        lines += [
            f"| {md_code(f.rule_id)} | {md_prose(f.title)} | {md_inline(f.suppressed_by or '')} |"
            for f in report.suppressed
        ] + [""]
    if report.errors:
        lines += ["### Rule Errors", "", "| Rule | Error |", "|------|-------|"]
        lines += [f"| {md_code(f.rule_id)} | {md_inline(f.message)} |" for f in report.errors] + [""]
    if report.problems:
        lines += ["### Files that could not be read", "", "| Path | Problem |", "|------|---------|"]
        lines += [f"| {md_code(p.path)} | {md_inline(p.message)} |" for p in report.problems[:100]]
        if len(report.problems) > 100:
            lines.append(f"| … | {len(report.problems) - 100} more |")
        lines.append("")
    lines += ["### How This Report Was Computed", ""] + [f"- {md_prose(m)}" for m in report.method] + [""]
    return lines
