"""What changed between two scans: score deltas, findings new and fixed, DORA readiness, the gate.

Findings are matched by fingerprint (rule id + evidence paths). A rule that fails in both scans
with different evidence paths is *changed*, not new and fixed; evidence paths it gained count
as new for the regression gate when the rule is P0 (a second committed secret is a new P0).

Every rule whose outcome differs is named with both outcomes and messages, and put on one of two
sides: *changed by this change* (rules that read files and configuration: the diff moved them) or
*changed by history* (rules judged from git history, `RuleMeta.reads_history`: each scan reads the
window ending at its own commit's date, so the window moves between base and head whatever the
diff holds). The regression gate compares the base with the head's scores as they would be with the
history rules at the base's outcomes: a pull request is never failed for the calendar.
Renderers here are pure (`ScanDiff -> str`); the CLI writes the files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from . import __version__
from .model import Category, CategoryScore, Finding, Priority, RuleMeta, ScanResult
from .results import DoraWindow
from .scoring import score_all

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
class RuleChange:
    """A rule whose outcome differs between the scans: both findings (None where the rule did not run)."""

    rule: RuleMeta
    base: Finding | None
    head: Finding | None

    @property
    def by_history(self) -> bool:
        return self.rule.reads_history

    @property
    def cause(self) -> str:
        return "history" if self.by_history else "change"

    @property
    def transition(self) -> str:
        """'pass → partial'."""
        return f"{outcome_label(self.base)} → {outcome_label(self.head)}"


def outcome_label(finding: Finding | None) -> str:
    if finding is None:
        return "not run"
    return "suppressed" if finding.suppressed_by else finding.outcome.value


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
    rule_changes: tuple[RuleChange, ...] = ()
    # The head scored with every history rule at its base outcome: what the change alone did to the scores.
    change_overall: ScoreDelta | None = None
    change_categories: tuple[tuple[Category, ScoreDelta], ...] = ()

    @property
    def by_change(self) -> tuple[RuleChange, ...]:
        return tuple(c for c in self.rule_changes if not c.by_history)

    @property
    def by_history(self) -> tuple[RuleChange, ...]:
        return tuple(c for c in self.rule_changes if c.by_history)

    @property
    def gate_overall(self) -> ScoreDelta:
        return self.change_overall or self.overall

    @property
    def gate_categories(self) -> tuple[tuple[Category, ScoreDelta], ...]:
        return self.change_categories or self.categories

    @property
    def regressions(self) -> tuple[str, ...]:
        """Why `--fail-on-regression` fails, one reason a line; empty when nothing regressed.

        Only what the change did counts: scores as they are with history rules held at the base's
        outcomes, and P0 findings of rules that read files."""
        reasons = []
        overall = self.gate_overall
        if overall.dropped:
            reasons.append(f"overall score dropped {overall.base:.2f} → {overall.head:.2f}")
        for category, delta in self.gate_categories:
            if delta.dropped:
                reasons.append(f"{category.title} dropped {delta.base:.2f} → {delta.head:.2f}")
        for finding in self.new:
            if finding.priority is Priority.P0 and not finding.rule.reads_history:
                reasons.append(f"new P0 finding {finding.rule.id}: {finding.rule.title}")
        for change in self.changed:
            if change.head.priority is Priority.P0 and change.added_paths and not change.head.rule.reads_history:
                reasons.append(
                    f"P0 finding {change.head.rule.id} has new evidence: {', '.join(change.added_paths[:3])}"
                )
        return tuple(reasons)

    @property
    def history_moves(self) -> tuple[str, ...]:
        """Score moves the history rules alone made, which the gate does not count."""
        moves = []
        pairs = [(self.overall, self.gate_overall)] + [
            (total, gate) for (_, total), (_, gate) in zip(self.categories, self.gate_categories, strict=True)]
        for total, gate in pairs:
            if total.delta is not None and gate.delta is not None and abs(total.delta - gate.delta) > EPSILON:
                moves.append(f"{total.name} {total.base:.2f} → {total.head:.2f} "
                              f"({gate.base:.2f} → {gate.head:.2f} by the change alone)")
        return tuple(moves)


def _paths(finding: Finding) -> set[str]:
    return {e.path for e in finding.evidence}


def _readiness(result: ScanResult) -> float | None:
    return float(result.dora.readiness.score)


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
    categories = _category_deltas(base, head.categories)
    rule_changes = _rule_changes(base, head)
    change_overall: ScoreDelta | None = None
    change_categories: tuple[tuple[Category, ScoreDelta], ...] = ()
    if any(c.by_history for c in rule_changes):
        held = _with_base_history(base, head)
        weights = {c.category: c.weight for c in head.categories}
        scores, overall = score_all(held, weights)
        change_overall = ScoreDelta("Overall", base.score.overall, overall.overall)
        change_categories = _category_deltas(base, tuple(scores))
    return ScanDiff(
        base=base,
        head=head,
        overall=ScoreDelta("Overall", base.score.overall, head.score.overall),
        categories=categories,
        new=tuple(_ordered(new)),
        fixed=tuple(_ordered(fixed)),
        changed=tuple(changed),
        dora_readiness=ScoreDelta("DORA readiness", _readiness(base), _readiness(head)),
        rule_changes=rule_changes,
        change_overall=change_overall,
        change_categories=change_categories,
    )


def _category_deltas(
    base: ScanResult, head_scores: tuple[CategoryScore, ...]
) -> tuple[tuple[Category, ScoreDelta], ...]:
    deltas = []
    for category in Category:
        b = next((c.score for c in base.categories if c.category is category), None)
        h = next((c.score for c in head_scores if c.category is category), None)
        deltas.append((category, ScoreDelta(category.title, b, h)))
    return tuple(deltas)


def _by_rule(result: ScanResult) -> dict[str, Finding]:
    found: dict[str, Finding] = {}
    for finding in result.findings:
        found.setdefault(finding.rule.id, finding)
    return found


def _rule_changes(base: ScanResult, head: ScanResult) -> tuple[RuleChange, ...]:
    """Rules whose outcome (or suppression) differs, in category and rule order."""
    before, after = _by_rule(base), _by_rule(head)
    changes = []
    for rule_id in dict.fromkeys([*after, *before]):
        b, h = before.get(rule_id), after.get(rule_id)
        if outcome_label(b) != outcome_label(h):
            changes.append(RuleChange((h or b).rule, b, h))  # type: ignore[union-attr]
    order = list(Category)
    return tuple(sorted(changes, key=lambda c: (order.index(c.rule.category), c.rule.id)))


def _with_base_history(base: ScanResult, head: ScanResult) -> list[Finding]:
    """The head's findings with each history rule's finding taken from the base (where the base ran it)."""
    before = _by_rule(base)
    return [before.get(f.rule.id, f) if f.rule.reads_history else f for f in head.findings]


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
    from .render.text import md_inline

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
