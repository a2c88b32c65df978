"""Missing components: failing findings grouped into work items, prioritised P0/P1/P2.

Findings whose fixes create the same file are one piece of work (a CI workflow fixes "no CI",
"tests never run in CI" and the README's unbacked claim at once), so they become one item whose
effort is the largest estimate among them, not their sum.
"""

from __future__ import annotations

import math
from dataclasses import replace

from ..model import Category, Finding, Outcome
from .findings import first_sentence, headline, remediation_text
from .model import WorkItem


def plan_days(effort: tuple[float, float]) -> float:
    """The midpoint of an estimate, rounded up to half a day (never less than half a day)."""
    low, high = effort
    return max(0.5, math.ceil((low + high) / 2 * 2 - 1e-9) / 2)


def _order(finding: Finding) -> tuple[str, int, int, int, str]:
    rule = finding.rule
    return (finding.priority.value, rule.level, rule.severity.rank, list(Category).index(rule.category), rule.id)


def group_by_shared_files(findings: list[Finding]) -> list[list[Finding]]:
    """Union of findings that name a common file to create; each group keeps the order it was given."""
    groups: list[list[Finding]] = []
    owner: dict[str, int] = {}
    for finding in findings:
        hits = sorted({owner[path] for path in finding.rule.files_to_create if path in owner})
        if not hits:
            target = len(groups)
            groups.append([])
        else:
            target = hits[0]
            for other in hits[1:]:
                groups[target].extend(groups[other])
                groups[other] = []
        groups[target].append(finding)
        for member in groups[target]:
            for path in member.rule.files_to_create:
                owner[path] = target
    return [sorted(group, key=_order) for group in groups if group]


def build_work_items(findings: tuple[Finding, ...], stack: str | None = None) -> tuple[WorkItem, ...]:
    """`stack`: the repository's main stack, which chooses each item's action (`RuleMeta.remediation_for`)."""
    failing = sorted((f for f in findings if f.failing), key=_order)
    items = []
    for group in sorted(group_by_shared_files(failing), key=lambda g: _order(g[0])):
        lead = group[0]
        effort = (max(f.rule.effort_days[0] for f in group), max(f.rule.effort_days[1] for f in group))
        files = tuple(dict.fromkeys(path for f in group for path in f.rule.files_to_create))
        impact = next((f.rule.impact for f in group if f.rule.impact), "") or first_sentence(lead.rule.docs.why)
        items.append(
            WorkItem(
                number=0,
                title=lead.rule.title,
                action=first_sentence(remediation_text(lead.rule, stack)),
                problem=headline(lead.message),
                priority=min(f.priority.value for f in group),
                severity=min((f.rule.severity for f in group), key=lambda s: s.rank).value,
                category=lead.rule.category.value,
                category_title=lead.rule.category.title,
                impact=impact,
                effort_days=effort,
                plan_days=plan_days(effort),
                files_to_create=files,
                rule_ids=tuple(f.rule.id for f in group),
                outcome="partial" if all(f.outcome is Outcome.PARTIAL for f in group) else "fail",
            )
        )
    return tuple(replace(item, number=n) for n, item in enumerate(items, 1))  # P0 first: groups sort by priority
