"""From findings to scores: a per-category ladder on 1.0-5.0 and a weighted overall score.

Per category, 1.0 means nothing is in place; each level 2..5 adds up to one point: the weighted
share of that level's applicable rules that pass (a partial pass counts half). Not-applicable
rules leave the denominator, errors are reported and not scored, a level with no applicable rule
adds nothing, and a category with no applicable rule at all is left out of the overall score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .model import Category, CategoryScore, Finding, Outcome, OverallScore
from .textcut import clip

DEFAULT_WEIGHTS: dict[Category, float] = {
    Category.BUILD: 1.0,
    Category.TEST: 1.0,
    Category.DEPLOY: 1.0,
    Category.SECURITY: 1.0,
    Category.MONITORING: 0.75,
    Category.IAC: 0.75,
    Category.GITOPS: 1.0,
    Category.DOCS: 0.75,
}
LEVELS = (2, 3, 4, 5)
STATUS_CHARS = 60  # the status column: the first clause of the first gap's message, cut at a word
CREDIT = {Outcome.PASS: 1.0, Outcome.PARTIAL: 0.5, Outcome.FAIL: 0.0}

# (lower bound, name): the seed's vocabulary.
LEVEL_NAMES = ((4.5, "Optimizing"), (3.5, "Good"), (2.5, "Defined"), (2.0, "Basic"), (1.25, "Minimal"), (0.0, "None"))


def level_name(score: float) -> str:
    return next(name for bound, name in LEVEL_NAMES if score >= bound)


def status_mark(score: float) -> str:
    if score >= 3.5:
        return "✅"
    if score >= 2.0:
        return "⚠️"
    return "❌"


def score_category(category: Category, findings: Iterable[Finding], weight: float) -> CategoryScore:
    mine = [f for f in findings if f.rule.category is category and f.suppressed_by is None]
    scored = [f for f in mine if f.outcome in CREDIT]
    fractions: dict[int, float | None] = {}
    for level in LEVELS:
        at_level = [f for f in scored if f.rule.level == level]
        total = sum(f.rule.weight for f in at_level)
        fractions[level] = (sum(f.rule.weight * CREDIT[f.outcome] for f in at_level) / total) if total else None
    passed = sum(1 for f in scored if f.outcome is Outcome.PASS)
    if not scored:
        return CategoryScore(category, None, weight, "Not applicable", "➖", "no rule applies", 0, 0, fractions)
    score = round(1.0 + sum(credited_fractions(fractions).values()), 2)
    failing = sorted(
        (f for f in scored if f.outcome is not Outcome.PASS),
        key=lambda f: (f.rule.level, f.rule.priority.value, -f.rule.weight, f.rule.id),
    )
    status_text = _short(failing[0].message) if failing else "all applicable rules pass"
    status_full = failing[0].message if failing else ""
    if failing and score >= 3.5:  # a good score with a gap left: say it is the next step, not the status
        status_text = "Next: " + _lower_first(status_text)
    next_level = next((lv for lv in LEVELS if (fractions[lv] or 0) < 1.0 and fractions[lv] is not None), None)
    next_steps = tuple(f.rule.title for f in failing if f.rule.level == next_level)[:4] if next_level else ()
    return CategoryScore(
        category,
        score,
        weight,
        level_name(score),
        status_mark(score),
        status_text,
        passed,
        len(scored),
        fractions,
        next_steps,
        status_full,
    )


def credited_fractions(fractions: dict[int, float | None]) -> dict[int, float]:
    """What each level adds. A level with no applicable rule cannot be judged: it is credited in
    full only when the nearest judged level below it (or, for the lowest levels, above it) passed
    completely; otherwise it adds nothing. So a library whose only applicable deploy rule is
    release automation reaches 5.0 by passing it, and a half-met level earns nothing above it."""
    judged = [level for level in LEVELS if fractions[level] is not None]
    credited: dict[int, float] = {}
    for level in LEVELS:
        value = fractions[level]
        if value is not None:
            credited[level] = value
            continue
        below = [lv for lv in judged if lv < level]
        neighbour = below[-1] if below else next((lv for lv in judged if lv > level), None)
        credited[level] = 1.0 if neighbour is not None and fractions[neighbour] == 1.0 else 0.0
    return credited


def _lower_first(text: str) -> str:
    """"No lockfile" -> "no lockfile", but "CI deploys ..." and "README ..." keep their acronym."""
    word = text.split(" ", 1)[0]
    if len(word) > 1 and word[1:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def _short(message: str) -> str:
    """The first clause of a finding's message, for the status column."""
    for separator in (";", " (", ", so", ": "):
        message = message.split(separator, 1)[0]
    return clip(message[:1].upper() + message[1:], STATUS_CHARS)


def overall_score(categories: Iterable[CategoryScore], blockers: int) -> OverallScore:
    scored = [c for c in categories if c.score is not None and c.weight > 0]
    total_weight = sum(c.weight for c in scored)
    weighted = sum((c.score or 0.0) * c.weight for c in scored)
    overall = weighted / total_weight if total_weight else 1.0
    overall = round(overall, 2)
    if blockers:
        status = "CRITICAL GAPS IDENTIFIED"
    elif overall >= 4.0:
        status = "MATURE"
    elif overall >= 3.0:
        status = "SOLID, WITH GAPS"
    else:
        status = "GAPS IDENTIFIED"
    return OverallScore(
        overall, round(overall / 5 * 100, 1), level_name(overall), status, "❌" if blockers else status_mark(overall)
    )


def score_all(
    findings: list[Finding], weights: Mapping[Category, float] | None = None
) -> tuple[list[CategoryScore], OverallScore]:
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    categories = [score_category(c, findings, weights[c]) for c in Category]
    blockers = sum(1 for f in findings if f.failing and f.priority.value == "P0")
    return categories, overall_score(categories, blockers)


def weighted_average(scores: Mapping[Category, float], weights: Mapping[Category, float] | None = None) -> float:
    """The overall score for given category scores; used to check the seed's own arithmetic."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    total = sum(weights[c] for c in scores)
    return round(sum(scores[c] * weights[c] for c in scores) / total, 2)
