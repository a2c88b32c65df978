"""The implementation roadmap: work items scheduled into phases and weeks from their effort.

P0 first, then P1, then P2; each phase starts on a new week; one stream of work at the
configured capacity (effort days per calendar week). Day labels are working days 1-5 of a week.
"""

from __future__ import annotations

import math
from collections import defaultdict

from .model import Roadmap, RoadmapPhase, RoadmapWeek, ScheduledItem, WeekEntry, WorkItem

PHASES = (("P0", "Critical foundation: production blockers"), ("P1", "Quality & reliability"), ("P2", "Optimisation"))
WORKING_DAYS = 5
EPS = 1e-6


def schedule(items: tuple[WorkItem, ...], capacity: float) -> Roadmap:
    phases: list[RoadmapPhase] = []
    cursor = 0.0
    for priority, title in PHASES:
        mine = [w for w in items if w.priority == priority]
        if not mine:
            continue
        cursor = math.ceil(cursor / capacity - EPS) * capacity  # a phase starts on a new week
        scheduled = []
        for item in mine:
            scheduled.append(ScheduledItem(item, round(cursor, 6), round(cursor + item.plan_days, 6)))
            cursor += item.plan_days
        effort = (sum(w.effort_days[0] for w in mine), sum(w.effort_days[1] for w in mine))
        phases.append(
            RoadmapPhase(
                len(phases) + 1,
                title,
                priority,
                tuple(scheduled),
                _weeks(scheduled, capacity),
                effort,
                sum(w.plan_days for w in mine),
            )
        )
    total_weeks = phases[-1].weeks[-1].number if phases else 0
    basis = (
        f"{capacity:g} effort days per week, one item at a time; each item is planned at the midpoint of its "
        "estimate rounded up to half a day; a phase starts on a new week."
    )
    return Roadmap(capacity, tuple(phases), total_weeks, basis)


def _weeks(scheduled: list[ScheduledItem], capacity: float) -> tuple[RoadmapWeek, ...]:
    first = math.floor(scheduled[0].start / capacity + EPS) + 1
    last = max(1, math.ceil(scheduled[-1].end / capacity - EPS))
    weeks = []
    for number in range(first, last + 1):
        week_start, week_end = (number - 1) * capacity, number * capacity
        entries: list[WeekEntry] = []
        days_by_category: defaultdict[str, float] = defaultdict(float)
        for s in scheduled:
            if s.start >= week_end - EPS or s.end <= week_start + EPS:
                continue
            a, b = max(s.start, week_start) - week_start, min(s.end, week_end) - week_start
            entries.append(
                WeekEntry(_day_label(a, b, capacity), s.item, s.end > week_end + EPS, s.start < week_start - EPS)
            )
            days_by_category[s.item.category_title] += b - a
        themes = sorted(days_by_category, key=lambda c: -days_by_category[c])[:2]
        weeks.append(RoadmapWeek(number, " · ".join(themes), tuple(entries)))
    return tuple(weeks)


def _day_label(a: float, b: float, capacity: float) -> str:
    scale = WORKING_DAYS / capacity
    first = math.floor(a * scale + EPS) + 1
    last = max(first, math.ceil(b * scale - EPS))
    return f"Day {first}" if first == last else f"Day {first}-{last}"
