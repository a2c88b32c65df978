"""The risk register: the open P0/P1 work items, deduplicated by root cause, with an owner role.

Work items of one category share a root cause (the practice the category measures is missing or
partial: tests not run by CI, no security tooling in the pipeline), so they become one risk: the
most severe item leads (its problem is the title, its action the first mitigation) and the others
are listed as related gaps. Probability is HIGH when a P0 control is missing outright, MEDIUM for a
partial P0 or a missing P1, LOW for a partial P1; a risk takes the highest of its items, and its
severity is the most severe rule among them. The deadline is the week the leading item is done, and
the week the last one is, when later.
"""

from __future__ import annotations

from .model import Risk, Roadmap, WorkItem

PROBABILITY_RANK = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}
SEVERITY_RANK = {"CRITICAL": 0, "HIGH": 1, "MEDIUM": 2, "LOW": 3, "INFO": 4}
OWNERS = {
    "build": "Platform / DevOps engineer",
    "test": "Tech lead with QA",
    "deploy": "Platform / DevOps engineer",
    "security": "Security engineer",
    "monitoring": "SRE / on-call lead",
    "iac": "Platform / infrastructure engineer",
    "gitops": "Engineering manager",
    "docs": "Tech lead",
}
DEFAULT_OWNER = "Engineering manager"


def probability(item: WorkItem) -> str:
    if item.priority == "P0":
        return "HIGH" if item.outcome == "fail" else "MEDIUM"
    return "MEDIUM" if item.outcome == "fail" else "LOW"


def _rank(item: WorkItem) -> tuple[int, int, int]:
    return SEVERITY_RANK.get(item.severity.upper(), 9), PROBABILITY_RANK[probability(item)], item.number


def _deadline(weeks: list[int]) -> str:
    """The week the leading gap is closed, and the week the last related one is, when later."""
    if not weeks:
        return ""
    first, last = weeks[0], max(weeks)
    return f"Week {first}" + (f"; all by week {last}" if last > first else "")


def build_risks(items: tuple[WorkItem, ...], roadmap: Roadmap) -> tuple[Risk, ...]:
    by_cause: dict[str, list[WorkItem]] = {}
    for item in sorted((w for w in items if w.priority in ("P0", "P1")), key=_rank):
        by_cause.setdefault(item.category, []).append(item)
    groups = sorted(by_cause.values(), key=lambda group: _rank(group[0]))
    risks = []
    for n, group in enumerate(groups, 1):
        lead = group[0]
        rule_ids = tuple(r for item in group for r in item.rule_ids)
        weeks = [w for w in (roadmap.week_of(item.rule_ids[0]) for item in group) if w]
        low = sum(item.effort_days[0] for item in group)
        high = sum(item.effort_days[1] for item in group)
        effort = lead.effort_text if len(group) == 1 else f"{low:g}-{high:g} days for all {len(group)} gaps"
        risks.append(
            Risk(
                id=f"RISK-{n:03d}",
                title=lead.problem,
                severity=lead.severity.upper(),
                probability=min((probability(item) for item in group), key=PROBABILITY_RANK.__getitem__),
                impact=lead.impact,
                mitigation=lead.action,
                effort_text=effort,
                rule_ids=rule_ids,
                category_title=lead.category_title,
                deadline=_deadline(weeks),
                owner=OWNERS.get(lead.category, DEFAULT_OWNER),
                related=tuple(item.problem for item in group[1:]),
            )
        )
    return tuple(risks)
