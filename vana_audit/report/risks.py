"""The risk register: one risk per P0/P1 work item, with severity, probability, impact and mitigation.

Probability is HIGH when a P0 control is missing outright, MEDIUM for a partial P0 or a missing P1,
LOW for a partial P1; severity is the most severe rule in the item.
"""

from __future__ import annotations

from .model import Risk, Roadmap, WorkItem

PROBABILITY_RANK = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}
SEVERITY_RANK = {"CRITICAL": 0, "HIGH": 1, "MEDIUM": 2, "LOW": 3, "INFO": 4}


def probability(item: WorkItem) -> str:
    if item.priority == "P0":
        return "HIGH" if item.outcome == "fail" else "MEDIUM"
    return "MEDIUM" if item.outcome == "fail" else "LOW"


def build_risks(items: tuple[WorkItem, ...], roadmap: Roadmap) -> tuple[Risk, ...]:
    candidates = [w for w in items if w.priority in ("P0", "P1")]
    candidates.sort(
        key=lambda w: (SEVERITY_RANK.get(w.severity.upper(), 9), PROBABILITY_RANK[probability(w)], w.number)
    )
    risks = []
    for n, item in enumerate(candidates, 1):
        week = roadmap.week_of(item.rule_ids[0])
        risks.append(
            Risk(
                id=f"RISK-{n:03d}",
                title=item.problem,
                severity=item.severity.upper(),
                probability=probability(item),
                impact=item.impact,
                mitigation=item.action,
                effort_text=item.effort_text,
                rule_ids=item.rule_ids,
                category_title=item.category_title,
                deadline=f"Week {week}" if week else "",
            )
        )
    return tuple(risks)
