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
The renderers (`ScanDiff -> str`) are in `render/diff.py`; the CLI writes the files.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Category, CategoryScore, Finding, Priority, RuleMeta, ScanResult
from .scoring import score_all

# A hidden line in the PR comment so a re-run edits the same comment instead of adding one.
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
