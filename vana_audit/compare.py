"""What changed between two scans: score deltas, findings new and fixed, DORA readiness, the gate.

Findings are matched by fingerprint (rule id + evidence paths). A rule that fails in both scans
with different evidence paths is *changed*, not new and fixed; evidence paths it gained count
as new for the regression gate when the rule is P0 (a second committed secret is a new P0).
Renderers here are pure (`ScanDiff -> str`); the CLI writes the files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from . import __version__
from .model import Category, Finding, Priority, ScanResult

# A hidden line in the PR comment so a re-run edits the same comment instead of adding one.
COMMENT_MARKER = "<!-- vana-audit:scorecard -->"
DIFF_SCHEMA_VERSION = "1.0"
EPSILON = 0.005  # scores are rounded to two decimals; smaller moves are noise


@dataclass(frozen=True)
class ScoreDelta:
    name: str
    base: float | None
    head: float | None

    @property
    def delta(self) -> float | None:
        if self.base is None or self.head is None:
            return None
        return round(self.head - self.base, 2)

    @property
    def dropped(self) -> bool:
        return self.delta is not None and self.delta < -EPSILON


@dataclass(frozen=True)
class FindingChange:
    """A rule failing in both scans whose evidence paths moved."""

    base: Finding
    head: Finding

    @property
    def added_paths(self) -> tuple[str, ...]:
        return tuple(sorted(_paths(self.head) - _paths(self.base)))

    @property
    def removed_paths(self) -> tuple[str, ...]:
        return tuple(sorted(_paths(self.base) - _paths(self.head)))


@dataclass(frozen=True)
class ScanDiff:
    base: ScanResult
    head: ScanResult
    overall: ScoreDelta
    categories: tuple[tuple[Category, ScoreDelta], ...]
    new: tuple[Finding, ...]
    fixed: tuple[Finding, ...]
    changed: tuple[FindingChange, ...]
    dora_readiness: ScoreDelta

    @property
    def regressions(self) -> tuple[str, ...]:
        """Why `--fail-on-regression` fails, one reason a line; empty when nothing regressed."""
        reasons = []
        if self.overall.dropped:
            reasons.append(f"overall score dropped {self.overall.base:.2f} → {self.overall.head:.2f}")
        for category, delta in self.categories:
            if delta.dropped:
                reasons.append(f"{category.title} dropped {delta.base:.2f} → {delta.head:.2f}")
        for finding in self.new:
            if finding.priority is Priority.P0:
                reasons.append(f"new P0 finding {finding.rule.id}: {finding.rule.title}")
        for change in self.changed:
            if change.head.priority is Priority.P0 and change.added_paths:
                reasons.append(
                    f"P0 finding {change.head.rule.id} has new evidence: {', '.join(change.added_paths[:3])}"
                )
        return tuple(reasons)


def _paths(finding: Finding) -> set[str]:
    return {e.path for e in finding.evidence}


def _readiness(result: ScanResult) -> float | None:
    readiness = (result.dora or {}).get("readiness") or {}
    score = readiness.get("score")
    return float(score) if isinstance(score, (int, float)) else None


def compare(base: ScanResult, head: ScanResult) -> ScanDiff:
    base_failing = [f for f in base.findings if f.failing]
    head_failing = [f for f in head.findings if f.failing]
    base_prints = {f.fingerprint for f in base_failing}
    head_prints = {f.fingerprint for f in head_failing}
    unmatched_base: dict[str, list[Finding]] = {}
    for finding in base_failing:
        if finding.fingerprint not in head_prints:
            unmatched_base.setdefault(finding.rule.id, []).append(finding)
    new, changed = [], []
    for finding in head_failing:
        if finding.fingerprint in base_prints:
            continue
        candidates = unmatched_base.get(finding.rule.id)
        if candidates:
            changed.append(FindingChange(candidates.pop(0), finding))
        else:
            new.append(finding)
    fixed = [f for remaining in unmatched_base.values() for f in remaining]
    categories = []
    for category in Category:
        b = next((c.score for c in base.categories if c.category is category), None)
        h = next((c.score for c in head.categories if c.category is category), None)
        categories.append((category, ScoreDelta(category.title, b, h)))
    return ScanDiff(
        base=base,
        head=head,
        overall=ScoreDelta("Overall", base.score.overall, head.score.overall),
        categories=tuple(categories),
        new=tuple(_ordered(new)),
        fixed=tuple(_ordered(fixed)),
        changed=tuple(changed),
        dora_readiness=ScoreDelta("DORA readiness", _readiness(base), _readiness(head)),
    )


def _ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.priority.value, f.rule.severity.rank, f.rule.id))


# -- rendering -------------------------------------------------------------------------------


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
    from .render.text import md_code, md_inline

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
        top = (
            (head.dora or {}).get("readiness", {}).get("max") or (base.dora or {}).get("readiness", {}).get("max") or 4
        )
        lines += [
            "",
            (
                f"**DORA readiness:** {_num(readiness.base, 0)}/{top} → {_num(readiness.head, 0)}/{top} "
                f"({_arrow(readiness.delta, 0)})"
            ),
        ]
    if regressions:
        lines += ["", "**Regressions**", ""] + [f"- {md_inline(reason)}" for reason in regressions]
    lines += _finding_section(f"❌ New findings in head ({len(diff.new)})", diff.new, max_findings, fix=True,
                              stack=head.stack)
    lines += _finding_section(f"✅ Fixed findings ({len(diff.fixed)})", diff.fixed, max_findings, fix=False)
    if diff.changed:
        lines += ["", f"### ⚠️ Findings with changed evidence ({len(diff.changed)})", ""]
        for change in diff.changed[:max_findings]:
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
    if not (diff.new or diff.fixed or diff.changed):
        lines += ["", "No finding changed."]
    lines += ["", f"<sub>vana-audit {md_inline(__version__)} · re-runs update this comment</sub>", ""]
    return "\n".join(lines)


def _finding_section(title: str, findings: tuple[Finding, ...], limit: int, fix: bool,
                     stack: str | None = None) -> list[str]:
    """`stack`: the head's main stack, which chooses each fix (`RuleMeta.remediation_for`)."""
    from .render.text import md_code, md_inline

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
        "regressions": list(diff.regressions),
        "regressed": bool(diff.regressions),
    }


def render_diff_json(diff: ScanDiff) -> str:
    return json.dumps(diff_to_dict(diff), indent=2, ensure_ascii=False) + "\n"
