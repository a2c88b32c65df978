"""The four keys (and rework rate) estimated from deployments and the commit graph.

The result is a plain, year-independent dict: numbers, their basis and confidence, or
"insufficient data" with the reason. Classifying against a year's clusters is `readiness.py`'s job.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .deployments import Basis, Deployment
from .graph import BOT, HOTFIX, MERGE, UNDEPLOYED, CommitGraph

DAY = 86_400
HOUR = 3_600
MIN_DEPLOYMENTS = 3
FEW_DEPLOYMENTS = 10  # below this, a confidence is lowered one step
MAX_LISTED_FAILURES = 20
INSUFFICIENT = "insufficient data"
ESTIMATED = "estimated"
BASIS_CONFIDENCE = {Basis.DEPLOY_TAGS: "medium", Basis.SEMVER_TAGS: "medium", Basis.FIRST_PARENT: "low"}
METRICS = ("deployment_frequency", "lead_time", "change_failure_rate", "recovery_time", "rework_rate")
WIDER_WINDOWS = (180, 365)  # days: a window with too few deployments is widened to these in turn
MAX_WINDOW_DAYS = WIDER_WINDOWS[-1]  # never more than a year: older practice says little of today's


@dataclass(frozen=True)
class Window:
    days: int
    start: int  # exclusive, unix seconds
    end: int  # inclusive
    first_commit: int  # the window is shorter than `days` when history begins inside it
    requested_days: int | None = None  # the window asked for, when this one is wider (see `widening`)
    widened_because: str | None = None  # what the requested window held: "1 deployment in 90 days"

    def contains(self, when: int) -> bool:
        return self.start < when <= self.end

    @property
    def effective_days(self) -> float:
        return max(1.0, (self.end - max(self.start, self.first_commit)) / DAY)

    @property
    def widened(self) -> bool:
        return self.requested_days is not None and self.requested_days != self.days

    def to_dict(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "start": iso(self.start),
            "end": iso(self.end),
            "effective_days": round(self.effective_days, 2),
            "requested_days": self.requested_days or self.days,
            "widened": self.widened,
            "widened_because": self.widened_because if self.widened else None,
        }

    def wider(self) -> list[Window]:
        """Wider windows ending where this one ends, up to a year; none the history does not reach into."""
        out: list[Window] = []
        reach = self
        for days in WIDER_WINDOWS:
            if days <= reach.days:
                continue
            if reach.start < reach.first_commit:  # history begins inside: a wider window holds nothing more
                break
            reach = Window(days, self.end - days * DAY, self.end, self.first_commit, self.requested_days or self.days)
            out.append(reach)
        return out


@dataclass(frozen=True)
class Failure:
    deployment: int  # position in the deployment list
    causes: frozenset[str]  # revert, rollback, hotfix
    remedy: int | None  # position of the deployment that remedied it, None while unremedied


def iso(when: int) -> str:
    return dt.datetime.fromtimestamp(when, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def insufficient(reason: str, window: Window | None = None) -> dict[str, Any]:
    return {
        "status": INSUFFICIENT,
        "reason": reason,
        "basis": None,
        "basis_label": None,
        "basis_description": None,
        "window": window.to_dict() if window else None,
        "deployments": 0,
        "components": {},
        "metrics": {},
    }


def widening(make: Callable[[Window], dict[str, Any]], window: Window) -> dict[str, Any]:
    """`make(window)`, or, when it has a basis but too few deployments in the window, `make` over the
    next wider window (180, then 365 days), until one holds enough; the result's window says which was
    used and why. When none does, the widest window's result (its reason names the windows tried)."""
    result = make(window)
    tried: list[str] = []
    for wider in window.wider():
        if result["status"] == ESTIMATED or result.get("basis") is None:
            break
        count = result.get("deployments", 0)
        tried.append(f"{count} deployment{'' if count == 1 else 's'} in {result['window']['days']} days")
        result = make(replace(wider, widened_because=", ".join(tried)))
    return result


def estimate(
    graph: CommitGraph, deployments: list[Deployment], basis: Basis, description: str, window: Window
) -> dict[str, Any]:
    """Estimates over `window` from `deployments` (oldest first, including those before the window)."""
    current = [k for k, d in enumerate(deployments) if window.contains(d.time)]
    result = insufficient("", window) | {
        "basis": basis.value,
        "basis_label": basis.label,
        "basis_description": description,
        "deployments": len(current),
        "components": _components(deployments, current),
    }
    if len(current) < MIN_DEPLOYMENTS:
        result["reason"] = _too_few(deployments, current, window)
        return result
    confidence = BASIS_CONFIDENCE[basis]
    if len(current) < FEW_DEPLOYMENTS:
        confidence = "low"
    first = graph.first_deployments([d.node for d in deployments])
    failures = find_failures(graph, deployments, first)
    in_window = set(current)
    result.update(
        status=ESTIMATED,
        reason=None,
        metrics={
            "deployment_frequency": _frequency(deployments, current, window, confidence),
            "lead_time": _lead_time(graph, deployments, first, in_window, confidence),
            "change_failure_rate": _failure_rate(deployments, failures, current),
            "recovery_time": _recovery(deployments, failures, in_window),
            "rework_rate": _rework(failures, current),
        },
    )
    return result


def _too_few(deployments: list[Deployment], current: list[int], window: Window) -> str:
    widened = f" (widened from {window.requested_days} days)" if window.widened else ""
    reason = (f"too few deployments: {len(current)} in the {window.days}-day window{widened}, "
              f"at least {MIN_DEPLOYMENTS} needed")
    earlier = [d for d in deployments if d.time <= window.start]
    if earlier:
        reason += f" (the last one before it was on {iso(earlier[-1].time)[:10]})"
    return reason


def _components(deployments: list[Deployment], current: list[int]) -> dict[str, int]:
    counts = Counter(deployments[k].component for k in current)
    return dict(sorted(counts.items())) if len(counts) > 1 or "" not in counts else {}


def _metric(value: float | None, unit: str, confidence: str, **details: Any) -> dict[str, Any]:
    return {"status": ESTIMATED, "value": value, "unit": unit, "confidence": confidence, "reason": None, **details}


def _missing(reason: str, unit: str) -> dict[str, Any]:
    return {"status": INSUFFICIENT, "value": None, "unit": unit, "confidence": None, "reason": reason}


def _frequency(deployments: list[Deployment], current: list[int], window: Window, confidence: str) -> dict[str, Any]:
    days = {iso(deployments[k].time)[:10] for k in current}
    per_week = len(days) / (window.effective_days / 7)
    per_month = len(days) / (window.effective_days / 30)
    return _metric(
        round(per_week, 2),
        "deploy days per week",
        confidence,
        per_month=round(per_month, 2),
        deploy_days=len(days),
        deployments=len(current),
    )


def _lead_time(
    graph: CommitGraph, deployments: list[Deployment], first: Sequence[int], in_window: set[int], confidence: str
) -> dict[str, Any]:
    """Author time of each human, non-merge commit to the first deployment that contains it."""
    hours: list[float] = []
    dropped = 0
    for node, position in enumerate(first):
        if position == UNDEPLOYED or position not in in_window or graph.flags[node] & (BOT | MERGE):
            continue
        seconds = deployments[position].time - graph.author_time[node]
        if seconds <= 0:
            dropped += 1
        else:
            hours.append(seconds / HOUR)
    if not hours:
        return _missing("no commit could be traced to a deployment in the window", "hours")
    hours.sort()
    median = statistics.median(hours)
    p90 = hours[math.ceil(0.9 * len(hours)) - 1]  # nearest rank
    return _metric(
        round(median, 2),
        "hours",
        confidence,
        median_hours=round(median, 2),
        p90_hours=round(p90, 2),
        commits=len(hours),
        dropped_non_positive=dropped,
    )


def find_failures(graph: CommitGraph, deployments: list[Deployment], first: Sequence[int]) -> dict[int, Failure]:
    """Deployments followed by a revert of their changes, a rollback to an earlier version, or a hotfix release."""
    found: dict[int, Failure] = {}

    def record(position: int, cause: str, remedy: int | None) -> None:
        old = found.get(position)
        remedies = [r for r in (remedy, old.remedy if old else None) if r is not None]
        found[position] = Failure(
            position, (old.causes if old else frozenset()) | {cause}, min(remedies) if remedies else None
        )

    for revert, target_sha in graph.reverts.items():
        target = graph.index.get(target_sha)
        if target is None or first[target] == UNDEPLOYED:
            continue
        shipped, fixed = first[target], first[revert]
        if fixed == UNDEPLOYED:
            record(shipped, "revert", None)
        elif fixed > shipped:
            record(shipped, "revert", fixed)

    carries_hotfix = {first[node] for node in range(len(first)) if graph.flags[node] & HOTFIX}
    single_component = len({d.component for d in deployments}) <= 1
    previous: dict[str, int] = {}
    shipped_nodes: dict[str, set[int]] = {}
    for position, deployment in enumerate(deployments):
        component = deployment.component
        before = previous.get(component)
        seen = shipped_nodes.setdefault(component, set())
        if before is not None:
            redeployed = deployment.node in seen or (single_component and first[deployment.node] < position)
            if redeployed and deployment.node != deployments[before].node:
                record(before, "rollback", position)
            elif deployment.hotfix or position in carries_hotfix:
                record(before, "hotfix", position)
        previous[component] = position
        seen.add(deployment.node)
    return found


def _failure_rate(deployments: list[Deployment], failures: dict[int, Failure], current: list[int]) -> dict[str, Any]:
    failed = [failures[k] for k in current if k in failures]
    causes = Counter(cause for failure in failed for cause in failure.causes)
    listed = [
        {
            "deployment": deployments[f.deployment].name,
            "at": iso(deployments[f.deployment].time),
            "causes": sorted(f.causes),
            "remedied_by": deployments[f.remedy].name if f.remedy is not None else None,
            "recovery_hours": _recovery_hours(deployments, f),
        }
        for f in failed[:MAX_LISTED_FAILURES]
    ]
    return _metric(
        round(len(failed) / len(current), 4),
        "share of deployments",
        "low",
        failed=len(failed),
        deployments=len(current),
        by_cause=dict(sorted(causes.items())),
        failures=listed,
    )


def _recovery_hours(deployments: list[Deployment], failure: Failure) -> float | None:
    if failure.remedy is None:
        return None
    return round((deployments[failure.remedy].time - deployments[failure.deployment].time) / HOUR, 2)


def _recovery(deployments: list[Deployment], failures: dict[int, Failure], in_window: set[int]) -> dict[str, Any]:
    """Failed deployment to the deployment that remedied it."""
    failed = [f for k, f in failures.items() if k in in_window]
    hours = [h for h in (_recovery_hours(deployments, f) for f in failed) if h is not None]
    if not hours:
        reason = (
            "no failed deployment in the window"
            if not failed
            else f"{len(failed)} failed deployment(s) in the window, none remedied yet"
        )
        return _missing(reason, "hours")
    median = statistics.median(hours)
    return _metric(
        round(median, 2),
        "hours",
        "low",
        median_hours=round(median, 2),
        recovered=len(hours),
        unrecovered=len(failed) - len(hours),
    )


def _rework(failures: dict[int, Failure], current: list[int]) -> dict[str, Any]:
    """Unplanned deployments: the ones that remedied a failed deployment (DORA 2024's rework rate)."""
    remedial = {f.remedy for f in failures.values() if f.remedy is not None} & set(current)
    return _metric(
        round(len(remedial) / len(current), 4),
        "share of deployments",
        "low",
        remedial_deployments=len(remedial),
        deployments=len(current),
    )
