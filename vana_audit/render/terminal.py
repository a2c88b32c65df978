"""The terminal summary: the category table, the P0 findings, DORA in one line per metric."""

from __future__ import annotations

from ..history.dora import ESTIMATED
from ..model import Priority, ScanResult
from ..report.dora import window_text  # the one wording of a window, for every format
from ..report.model import Report
from ..results import DoraResult
from .table import github_table
from .text import plain


def render_terminal(source: ScanResult | Report) -> str:
    result = source.result if isinstance(source, Report) else source
    lines = [
        _heading(result),
        (
            f"Overall CI/CD maturity: {result.score.overall:.2f} / 5.0 ({result.score.percent:.1f}%) — "
            f"{result.score.level} {result.score.status_mark} {result.score.status}"
        ),
        f"Profile: {result.profile.name or '?'} ({'; '.join(map(plain, result.profile.reasons))})",
        "",
    ]
    rows = [
        [
            c.category.title,
            f"{c.score:.1f}/5" if c.score is not None else "n/a",
            c.level_name,
            f"{c.status_mark} {plain(c.status_text)}",
        ]
        for c in result.categories
    ]
    lines.append(github_table(["Category", "Score", "Level", "Status"], rows))
    blockers = [f for f in result.findings if f.failing and f.priority is Priority.P0]
    lines += ["", f"P0 findings ({len(blockers)}):" if blockers else "No P0 findings."]
    for finding in blockers:
        lines.append(f"  ❌ {finding.rule.id} {plain(finding.rule.title)}")
        for item in finding.evidence[:3]:
            lines.append(f"       {plain(item.location())}" + (f"  {plain(item.snippet)}" if item.snippet else ""))
        if len(finding.evidence) > 3:
            lines.append(f"       … {len(finding.evidence) - 3} more (see the report)")
    dora_lines = _dora_lines(result)
    if dora_lines:
        lines += ["", "DORA:"] + [f"  {plain(line)}" for line in dora_lines]
    suppressed = sum(1 for f in result.findings if f.suppressed_by)
    errors = [f for f in result.findings if f.outcome.value == "error"]
    tail = []
    if suppressed:
        tail.append(f"{suppressed} suppressed finding(s)")
    if errors:
        tail.append(f"{len(errors)} rule error(s): " + ", ".join(f.rule.id for f in errors[:5]))
    if result.problems:
        tail.append(f"{len(result.problems)} file problem(s) (see --format json)")
    if tail:
        lines += ["", "; ".join(tail)]
    return "\n".join(lines) + "\n"


def dora_summary_lines(dora: DoraResult) -> list[str]:
    """One plain-text line per key for the terminal summary, and the window the estimates read."""
    estimates = dora.estimates
    lines = []
    for item in dora.readiness.metrics:
        estimate = estimates.metric(item.metric) if estimates else None
        parts = [f"{item.name}: " + ("✅ trackable" if item.trackable else "❌ not trackable")]
        if estimates and estimate and estimate.status == ESTIMATED:
            cluster = f" ({estimate.cluster}, {dora.year} bands)" if estimate.cluster else ""
            if estimate.cluster_withheld:  # a band would vouch for what cannot be tracked
                cluster = " (no band: not trackable)"
            parts += [f"{estimate.display}{cluster}", f"basis: {estimates.basis_label}"]
        else:
            parts.append(f"insufficient data ({(estimate.reason if estimate else None) or dora.estimates_reason})")
        lines.append(" · ".join(parts))
    window = window_text(dora.window)
    if window:
        lines.append(("Estimated over " if estimates else "Window read: ") + window)
    return lines


def _heading(result: ScanResult) -> str:
    target = result.target
    line = f"vana-audit — {plain(target.display_name)}" + (f" @ {plain(target.ref)}" if target.ref else "")
    return line + (f"  ({plain(target.path)})" if target.path != target.display_name else "")


def _dora_lines(result: ScanResult) -> list[str]:
    return dora_summary_lines(result.dora)
