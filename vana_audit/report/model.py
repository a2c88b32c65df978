"""The report: every section of the seed review, computed from one ScanResult.

Renderers read only these frozen objects; nothing here is formatted for one output.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import Problem, ScanResult
from ..pipeline import CAPABILITIES as CAPABILITY_LABELS


@dataclass(frozen=True)
class ReportSettings:
    """What the reader aims for: targets on the 1-5 scale and the team's capacity for the roadmap."""

    target_overall: float = 4.0
    target_categories: Mapping[str, float] = field(default_factory=dict)  # category id -> target
    capacity_days_per_week: float = 5.0

    def __post_init__(self) -> None:
        if not 1.0 <= self.target_overall <= 5.0:
            raise ValueError(f"target_overall must be within 1-5, not {self.target_overall}")
        if self.capacity_days_per_week <= 0:
            raise ValueError(f"capacity_days_per_week must be positive, not {self.capacity_days_per_week}")

    def target_for(self, category_id: str) -> float:
        return float(self.target_categories.get(category_id, self.target_overall))


@dataclass(frozen=True)
class EvidenceItem:
    path: str
    line: int | None
    snippet: str  # redacted and shortened
    full_snippet: str = ""  # the snippet before it was shortened (capped), "" when nothing was cut

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class FindingItem:
    rule_id: str
    title: str
    category: str  # category id
    category_title: str
    level: int
    severity: str
    priority: str
    outcome: str  # pass, fail, partial, not-applicable, error
    message: str
    evidence: tuple[EvidenceItem, ...]
    remediation: str
    effort_text: str
    example: str  # the rule's docs example: the content of the file to create
    example_file: str  # where the example goes ("" when the rule names no file)
    files_to_create: tuple[str, ...]
    references: tuple[str, ...]
    fingerprint: str
    suppressed_by: str | None = None
    confidence: str = "high"  # low: a text pattern decided the verdict (a failing P0 becomes P1)

    @property
    def failing(self) -> bool:
        return self.outcome in ("fail", "partial") and self.suppressed_by is None

    @property
    def low_confidence(self) -> bool:
        return self.confidence == "low"


@dataclass(frozen=True)
class CategoryRow:
    id: str
    title: str
    score: float | None
    weight: float
    level_name: str
    status_mark: str
    status_text: str
    rules_passed: int
    rules_applicable: int
    failing: int
    target: float
    next_steps: tuple[str, ...]
    status_full: str = ""  # the finding's whole message, for a tooltip where the status is cut

    @property
    def score_text(self) -> str:
        return f"{self.score:.1f}/5" if self.score is not None else "n/a"

    @property
    def gap(self) -> float | None:
        return None if self.score is None else round(max(0.0, self.target - self.score), 2)


@dataclass(frozen=True)
class FindingGroup:
    category: CategoryRow
    findings: tuple[FindingItem, ...]  # applicable findings, failing first


@dataclass(frozen=True)
class Verdict:
    ready: bool
    label: str  # "NOT READY FOR PRODUCTION", ...
    mark: str
    recommendation: str
    blockers: tuple[FindingItem, ...]  # failing P0 findings
    tone: str  # "blocked", "caution" or "ready": how a renderer colours it


@dataclass(frozen=True)
class ExecutiveSummary:
    overall: float
    percent: float
    level: str
    status: str
    status_mark: str
    target_overall: float
    verdict: Verdict
    critical_finding: FindingItem | None
    key_points: tuple[str, ...]
    failing_by_priority: Mapping[str, int]


@dataclass(frozen=True)
class DoraReadinessRow:
    metric: str
    name: str
    trackable: bool
    evidence: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class DoraEstimateRow:
    metric: str
    name: str
    value: float | None  # in the unit of the metric's bands, when numeric
    value_text: str
    unit: str
    cluster: str
    basis: str
    confidence: str
    note: str
    band_withheld: bool = False  # measured, but the metric is not trackable: no band, not on the band chart


@dataclass(frozen=True)
class DoraBand:
    cluster: str
    low: float | None
    high: float | None
    published: str


@dataclass(frozen=True)
class DoraMetricBands:
    metric: str
    name: str
    unit: str
    higher_is_better: bool
    bands: tuple[DoraBand, ...]  # best first


@dataclass(frozen=True)
class DoraSection:
    present: bool  # the scan produced a DORA object at all
    score: int
    max: int
    readiness: tuple[DoraReadinessRow, ...]
    estimates: tuple[DoraEstimateRow, ...]
    estimates_note: str  # why there are no estimates, or the basis they rest on
    bands: tuple[DoraMetricBands, ...]
    bands_source: str
    year: Any
    facts: tuple[tuple[str, str], ...]  # other scalar facts the DORA object carries


@dataclass(frozen=True)
class WorkItem:
    """A missing component: failing findings fixed by the same change (they share a file to create)."""

    number: int
    title: str
    action: str  # what to do, one sentence
    problem: str  # the gap in words: "No CI pipeline is defined"
    priority: str
    severity: str
    category: str
    category_title: str
    impact: str
    effort_days: tuple[float, float]
    plan_days: float  # the effort the roadmap schedules
    files_to_create: tuple[str, ...]
    rule_ids: tuple[str, ...]
    outcome: str  # fail, or partial when every finding in it is partial

    @property
    def effort_text(self) -> str:
        low, high = self.effort_days
        unit = "day" if high == 1 else "days"
        return f"{low:g} {unit}" if low == high else f"{low:g}-{high:g} days"


@dataclass(frozen=True)
class ScheduledItem:
    item: WorkItem
    start: float  # work days from the start of the roadmap
    end: float


@dataclass(frozen=True)
class WeekEntry:
    days: str  # "Day 1-2"
    item: WorkItem
    continues: bool  # the item goes on into the next week
    continued: bool  # the item started in an earlier week


@dataclass(frozen=True)
class RoadmapWeek:
    number: int
    theme: str
    entries: tuple[WeekEntry, ...]


@dataclass(frozen=True)
class RoadmapPhase:
    number: int
    title: str
    priority: str
    items: tuple[ScheduledItem, ...]
    weeks: tuple[RoadmapWeek, ...]
    effort_days: tuple[float, float]
    plan_days: float

    @property
    def week_span(self) -> str:
        if not self.weeks:
            return ""
        first, last = self.weeks[0].number, self.weeks[-1].number
        return f"Week {first}" if first == last else f"Weeks {first}-{last}"


@dataclass(frozen=True)
class Roadmap:
    capacity_days_per_week: float
    phases: tuple[RoadmapPhase, ...]
    total_weeks: int
    basis: str

    def week_of(self, rule_id: str) -> int | None:
        """The week in which the work item that fixes this rule is finished."""
        for phase in self.phases:
            for scheduled in phase.items:
                if rule_id in scheduled.item.rule_ids:
                    return week_index(scheduled.end, self.capacity_days_per_week, end=True)
        return None

    def weeks_until_done(self, priority: str) -> int:
        ends = [s.end for p in self.phases for s in p.items if p.priority == priority]
        return week_index(max(ends), self.capacity_days_per_week, end=True) if ends else 0


def week_index(day: float, capacity: float, end: bool = False) -> int:
    """1-based week holding a work-day position; an end position on a week boundary belongs to that week."""
    import math

    if end:
        return max(1, math.ceil(round(day / capacity, 6)))
    return math.floor(round(day / capacity, 6)) + 1


@dataclass(frozen=True)
class Risk:
    id: str
    title: str
    severity: str  # CRITICAL, HIGH, MEDIUM, LOW
    probability: str  # HIGH, MEDIUM, LOW
    impact: str
    mitigation: str
    effort_text: str
    rule_ids: tuple[str, ...]
    category_title: str
    deadline: str
    owner: str = ""  # the role that owns the mitigation ("Platform / DevOps engineer")
    related: tuple[str, ...] = ()  # the other gaps with the same root cause, folded into this risk


@dataclass(frozen=True)
class ActionItem:
    days: str
    action: str
    files: tuple[str, ...]
    rule_ids: tuple[str, ...]


@dataclass(frozen=True)
class SuccessMetric:
    name: str
    current: str
    target: str
    delta: str
    met: bool
    group: str  # "maturity", "delivery", "dora"
    method: str = ""  # how the number is measured (DORA: what counts as a deployment, from which event to which)


@dataclass(frozen=True)
class PipelineStage:
    id: str
    title: str
    jobs: int  # CI jobs that run on it (0 for the local hooks)
    tools: tuple[tuple[str, tuple[str, ...]], ...]  # (capability label, tool ids), in pipeline order


@dataclass(frozen=True)
class PipelineSection:
    """The CI pipeline as found: the stages a change passes through and what runs at each."""

    stages: tuple[PipelineStage, ...]
    jobs_total: int
    providers: tuple[str, ...]

    @property
    def present(self) -> bool:
        return bool(self.stages)

    def row(self, label: str) -> tuple[tuple[str, ...] | None, ...]:
        """Per stage, the tools running `label` there (None where it does not run)."""
        return tuple(dict(stage.tools).get(label) for stage in self.stages)

    @property
    def labels(self) -> tuple[str, ...]:
        """The capability labels found at any stage, in pipeline order."""
        seen = {label for stage in self.stages for label, _ in stage.tools}
        return tuple(label for _, label in CAPABILITY_LABELS if label in seen)


@dataclass(frozen=True)
class TrendPoint:
    date: str
    overall: float


@dataclass(frozen=True)
class Report:
    result: ScanResult
    settings: ReportSettings
    title: str
    repository: str  # the display name (owner/name, else the folder's name): vana_audit.identity
    repository_path: str  # where it was scanned: detail only
    ref: str | None
    head_sha: str | None
    generated_at: str
    tool_version: str
    profile: str
    profile_reasons: tuple[str, ...]
    summary: ExecutiveSummary
    categories: tuple[CategoryRow, ...]
    dora: DoraSection
    pipeline: PipelineSection
    findings: tuple[FindingGroup, ...]
    missing: tuple[WorkItem, ...]
    roadmap: Roadmap
    risks: tuple[Risk, ...]
    actions: tuple[ActionItem, ...]
    metrics: tuple[SuccessMetric, ...]
    trend: tuple[TrendPoint, ...]
    suppressed: tuple[FindingItem, ...]
    errors: tuple[FindingItem, ...]
    problems: tuple[Problem, ...]
    method: tuple[str, ...]  # how the numbers were computed, one sentence each

    def missing_by_priority(self, priority: str) -> tuple[WorkItem, ...]:
        return tuple(w for w in self.missing if w.priority == priority)
