"""The renderers of `compare.ScanDiff`: the PR comment (Markdown) and the JSON diff. Pure
(`ScanDiff -> str`); the CLI writes the files."""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..compare import EPSILON, RuleChange, ScanDiff, ScoreDelta, outcome_label
from ..model import Finding, ScanResult
from ..results import DoraWindow
from .text import md_code, md_inline

COMMENT_MARKER = "<!-- vana-audit:scorecard -->"
DIFF_SCHEMA_VERSION = "1.0"


def _num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _arrow(delta: float | None, digits: int = 2) -> str:
    if delta is None:
        return "—"
    if delta > EPSILON:
        return f"▲ +{delta:.{digits}f}"
    if delta < -EPSILON:
        return f"▼ {delta:.{digits}f}"
    return "＝"


def _ref_label(result: ScanResult) -> str:
    ref = result.target.ref or "working tree"
    sha = (result.target.head_sha or "")[:10]
    return f"{ref} ({sha})" if sha and sha != ref[:10] else ref


def render_diff_markdown(diff: ScanDiff, max_findings: int = 25) -> str:
    """The PR comment: marker, headline, category table with deltas, new/fixed/changed findings."""
    head, base = diff.head, diff.base
    regressions = diff.regressions
    verdict = "❌ regression" if regressions else "✅ no regression"
    lines = [
        COMMENT_MARKER,
        f"## vana-audit scorecard for {md_inline(head.target.display_name)}: **{head.score.overall:.2f} / 5.0** "
        f"({_arrow(diff.overall.delta)}) · {verdict}",
        "",
        (
            f"Base {md_code(_ref_label(base))} → head {md_code(_ref_label(head))} · "
            f"{head.score.percent:.1f}% maturity, {md_inline(head.score.level)} {head.score.status_mark}"
        ),
        "",
        "| Category | Base | Head | Δ |",
        "|----------|-----:|-----:|:--|",
    ]
    for _category, delta in diff.categories:
        lines.append(
            f"| {md_inline(delta.name)} | {_num(delta.base, 1)} | {_num(delta.head, 1)} | {_arrow(delta.delta)} |"
        )
    lines.append(
        f"| **Overall** | **{_num(diff.overall.base)}** | **{_num(diff.overall.head)}** | "
        f"**{_arrow(diff.overall.delta)}** |"
    )
    readiness = diff.dora_readiness
    if readiness.base is not None or readiness.head is not None:
        top = head.dora.readiness.max or base.dora.readiness.max or 4
        lines += [
            "",
            (
                f"**DORA readiness:** {_num(readiness.base, 0)}/{top} → {_num(readiness.head, 0)}/{top} "
                f"({_arrow(readiness.delta, 0)})"
            ),
        ]
    if regressions:
        lines += ["", "**Regressions**", ""] + [f"- {md_inline(reason)}" for reason in regressions]
    lines += _rule_change_sections(diff, max_findings)
    new = tuple(f for f in diff.new if not f.rule.reads_history)  # history rules are listed above, by cause
    fixed = tuple(f for f in diff.fixed if not f.rule.reads_history)
    changed = tuple(c for c in diff.changed if not c.head.rule.reads_history)
    lines += _finding_section(f"❌ New findings in head ({len(new)})", new, max_findings, fix=True,
                              stack=head.stack)
    lines += _finding_section(f"✅ Fixed findings ({len(fixed)})", fixed, max_findings, fix=False)
    if changed:
        lines += ["", f"### ⚠️ Findings with changed evidence ({len(changed)})", ""]
        for change in changed[:max_findings]:
            f = change.head
            parts = []
            if change.added_paths:
                parts.append("now also " + ", ".join(md_code(p) for p in change.added_paths[:5]))
            if change.removed_paths:
                parts.append("no longer " + ", ".join(md_code(p) for p in change.removed_paths[:5]))
            lines.append(
                f"- **{f.priority.value}** **{md_inline(f.rule.id)}** {md_inline(f.rule.title)} — "
                + "; ".join(parts)
            )
    if not (diff.new or diff.fixed or diff.changed or diff.rule_changes):
        lines += ["", "No finding changed."]
    lines += ["", f"<sub>vana-audit {md_inline(__version__)} · re-runs update this comment</sub>", ""]
    return "\n".join(lines)


def _rule_change_sections(diff: ScanDiff, limit: int) -> list[str]:
    """Each rule whose outcome changed, old → new with the new message: first those the change moved,
    then those the history window moved (with the windows, and the score moves the gate leaves out)."""
    def rows(changes: tuple[RuleChange, ...]) -> list[str]:
        out = ["| Rule | Base → head | Why |", "|------|-------------|-----|"]
        for c in changes[:limit]:
            was = f"was: {md_inline(c.base.message)}" if c.base else ""
            now = f"now: {md_inline(c.head.message)}" if c.head else "the rule no longer runs"
            out.append(f"| **{md_inline(c.rule.id)}** {md_inline(c.rule.title)} | {md_inline(c.transition)} | "
                       + "<br>".join(part for part in (was, now) if part) + " |")
        if len(changes) > limit:
            out.append(f"| … | | {len(changes) - limit} more (see the JSON output) |")
        return out

    lines: list[str] = []
    if diff.by_change:
        lines += ["", f"### Changed by this PR ({len(diff.by_change)})", ""] + rows(diff.by_change)
    if diff.by_history:
        lines += ["", f"### Changed by history ({len(diff.by_history)})", "",
                  md_inline(_history_note(diff)), ""] + rows(diff.by_history)
        if diff.history_moves:
            lines += ["", "Score moves from history alone: " + md_inline("; ".join(diff.history_moves)) + "."]
    return lines


def _history_note(diff: ScanDiff) -> str:
    """'These rules read the 90 days of history before each commit (base: to 2025-06-02, head: to 2025-06-03);
    the change did not move them and --fail-on-regression does not count them.'"""
    windows = [r.dora.history_window for r in (diff.base, diff.head)]
    days = next((w.days for w in windows if w and w.days), None)
    span = f"the {days} days of history" if days else "the history"
    ends = [w.end[:10] if w else "" for w in windows]
    when = f" (base: to {ends[0]}, head: to {ends[1]})" if all(ends) else ""
    return (f"These rules read {span} before each scanned commit{when}, not the files: the window moves "
            "from base to head whatever the change holds, so --fail-on-regression does not count them.")


def _finding_section(title: str, findings: tuple[Finding, ...], limit: int, fix: bool,
                     stack: str | None = None) -> list[str]:
    """`stack`: the head's main stack, which chooses each fix (`RuleMeta.remediation_for`)."""
    if not findings:
        return []
    lines = ["", f"### {title}", ""]
    for f in findings[:limit]:
        lines.append(
            f"- **{f.priority.value}** **{md_inline(f.rule.id)}** {md_inline(f.rule.title)} — "
            f"{md_inline(f.message)}"
        )
        for e in f.evidence[:3]:
            lines.append(f"  - {md_code(e.location())}")
        remediation = f.rule.remediation_for(stack) if fix else ""
        if remediation:
            lines.append(f"  - **Fix:** {md_inline(remediation)}")
    if len(findings) > limit:
        lines.append(f"- … and {len(findings) - limit} more (see the JSON output)")
    return lines


def _finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule_id": f.rule.id,
        "title": f.rule.title,
        "category": f.rule.category.value,
        "priority": f.priority.value,
        "severity": f.rule.severity.value,
        "outcome": f.outcome.value,
        "message": f.message,
        "fingerprint": f.fingerprint,
        "evidence": [{"path": e.path, "line": e.line, "snippet": e.snippet} for e in f.evidence],
        "cause": "history" if f.rule.reads_history else "change",
    }


def _side(finding: Finding | None) -> dict[str, Any] | None:
    if finding is None:
        return None
    return {"outcome": outcome_label(finding), "message": finding.message}


def _rule_change_dict(change: RuleChange) -> dict[str, Any]:
    return {
        "rule_id": change.rule.id,
        "title": change.rule.title,
        "category": change.rule.category.value,
        "cause": change.cause,
        "base": _side(change.base),
        "head": _side(change.head),
    }


def _delta_dict(delta: ScoreDelta) -> dict[str, Any]:
    return {"base": delta.base, "head": delta.head, "delta": delta.delta}


def diff_to_dict(diff: ScanDiff) -> dict[str, Any]:
    def target(result: ScanResult) -> dict[str, Any]:
        return {"name": result.target.display_name, "path": result.target.path, "ref": result.target.ref,
                "head_sha": result.target.head_sha}

    return {
        "schema_version": DIFF_SCHEMA_VERSION,
        "tool": {"name": "vana-audit", "version": __version__},
        "base": target(diff.base),
        "head": target(diff.head),
        "overall": _delta_dict(diff.overall),
        "categories": [{"id": c.value, "name": c.title, **_delta_dict(d)} for c, d in diff.categories],
        "dora_readiness": _delta_dict(diff.dora_readiness),
        "new_findings": [_finding_dict(f) for f in diff.new],
        "fixed_findings": [_finding_dict(f) for f in diff.fixed],
        "changed_findings": [
            {**_finding_dict(c.head), "added_paths": list(c.added_paths), "removed_paths": list(c.removed_paths)}
            for c in diff.changed
        ],
        "rule_changes": [_rule_change_dict(c) for c in diff.rule_changes],
        "gate": {
            "overall": _delta_dict(diff.gate_overall),
            "categories": [{"id": c.value, "name": c.title, **_delta_dict(d)} for c, d in diff.gate_categories],
            "history_moves": list(diff.history_moves),
        },
        "history_windows": {"base": _window_json(diff.base.dora.history_window),
                            "head": _window_json(diff.head.dora.history_window)},
        "regressions": list(diff.regressions),
        "regressed": bool(diff.regressions),
    }


def render_diff_json(diff: ScanDiff) -> str:
    return json.dumps(diff_to_dict(diff), indent=2, ensure_ascii=False) + "\n"


def _window_json(window: DoraWindow | None) -> dict[str, Any] | None:
    return window.to_json() if window else None
