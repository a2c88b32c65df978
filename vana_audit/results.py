"""The typed, frozen parts of a `ScanResult`: the inventory, the profile, the DORA section, the targets.

Each part has one `to_json()`, which writes its object of the JSON contract
(schemas/result.schema.json; render/json_out.py assembles the whole document from them), and a
`from_json()` that reads such an object back, tolerating results recorded by older versions (a key
they lack takes its default). Nothing here imports the rest of the package.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else ()


def _dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _json(value: Any) -> JSON:
    """A JSON object read back, or an empty one for anything else."""
    return value if isinstance(value, dict) else {}


# --- inventory ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PipelineStage:
    """A stage a change passes through (pipeline.STAGES) and the capabilities that run there, by tool id."""

    id: str
    title: str
    jobs: int
    capabilities: dict[str, tuple[str, ...]]

    def to_json(self) -> JSON:
        return {"id": self.id, "title": self.title, "jobs": self.jobs,
                "capabilities": {cap: list(tools) for cap, tools in self.capabilities.items()}}

    @classmethod
    def from_json(cls, data: Any) -> PipelineStage:
        data = _json(data)
        return cls(str(data.get("id", "")), str(data.get("title", "")), int(data.get("jobs") or 0),
                   {str(k): _strs(v) for k, v in _dict(data.get("capabilities")).items()})


@dataclass(frozen=True, slots=True)
class PipelineJob:
    provider: str
    path: str
    line: int | None
    job: str
    triggers: tuple[str, ...]
    matrix: int | None
    capabilities: dict[str, tuple[str, ...]]

    def to_json(self) -> JSON:
        return {"provider": self.provider, "path": self.path, "line": self.line, "job": self.job,
                "triggers": list(self.triggers), "matrix": self.matrix,
                "capabilities": {cap: list(tools) for cap, tools in self.capabilities.items()}}

    @classmethod
    def from_json(cls, data: Any) -> PipelineJob:
        data = _json(data)
        return cls(str(data.get("provider", "")), str(data.get("path", "")), data.get("line"),
                   str(data.get("job", "")), _strs(data.get("triggers")), data.get("matrix"),
                   {str(k): _strs(v) for k, v in _dict(data.get("capabilities")).items()})


@dataclass(frozen=True, slots=True)
class Pipeline:
    """`inventory.pipeline`: the stages in the order a change meets them, and (at most pipeline.MAX_JOBS) jobs."""

    stages: tuple[PipelineStage, ...] = ()
    jobs: tuple[PipelineJob, ...] = ()
    jobs_total: int = 0

    def to_json(self) -> JSON:
        return {"stages": [s.to_json() for s in self.stages], "jobs": [j.to_json() for j in self.jobs],
                "jobs_total": self.jobs_total}

    @classmethod
    def from_json(cls, data: Any) -> Pipeline:
        data = _json(data)
        jobs = tuple(PipelineJob.from_json(j) for j in data.get("jobs") or ())
        return cls(tuple(PipelineStage.from_json(s) for s in data.get("stages") or ()), jobs,
                   int(data.get("jobs_total") or len(jobs)))


@dataclass(frozen=True, slots=True)
class Inventory:
    """What the repository has (inventory.py builds it): tool-catalog ids and paths, sorted."""

    ci_providers: tuple[str, ...] = ()
    workflows: tuple[str, ...] = ()
    test_frameworks: tuple[str, ...] = ()
    coverage_thresholds: dict[str, float] = field(default_factory=dict)
    dockerfiles: tuple[str, ...] = ()
    compose_files: tuple[str, ...] = ()
    iac_tools: tuple[str, ...] = ()
    dependency_update_tools: tuple[str, ...] = ()
    security_scanners: tuple[str, ...] = ()
    pre_commit_tools: tuple[str, ...] = ()
    deploy_targets: tuple[str, ...] = ()
    monitoring: tuple[str, ...] = ()
    release_tools: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    package_ecosystems: tuple[str, ...] = ()
    make_targets: tuple[str, ...] = ()
    test_files: dict[str, int] = field(default_factory=dict)  # level of the test pyramid -> files
    file_count: int = 0
    pipeline: Pipeline = field(default_factory=Pipeline)

    def to_json(self) -> JSON:
        return {
            "ci_providers": list(self.ci_providers),
            "workflows": list(self.workflows),
            "test_frameworks": list(self.test_frameworks),
            "coverage_thresholds": dict(self.coverage_thresholds),
            "dockerfiles": list(self.dockerfiles),
            "compose_files": list(self.compose_files),
            "iac_tools": list(self.iac_tools),
            "dependency_update_tools": list(self.dependency_update_tools),
            "security_scanners": list(self.security_scanners),
            "pre_commit_tools": list(self.pre_commit_tools),
            "deploy_targets": list(self.deploy_targets),
            "monitoring": list(self.monitoring),
            "release_tools": list(self.release_tools),
            "docs": list(self.docs),
            "package_ecosystems": list(self.package_ecosystems),
            "make_targets": list(self.make_targets),
            "test_files": dict(self.test_files),
            "file_count": self.file_count,
            "pipeline": self.pipeline.to_json(),
        }

    @classmethod
    def from_json(cls, data: Any) -> Inventory:
        data = _json(data)
        lists = {name: _strs(data.get(name)) for name in (
            "ci_providers", "workflows", "test_frameworks", "dockerfiles", "compose_files", "iac_tools",
            "dependency_update_tools", "security_scanners", "pre_commit_tools", "deploy_targets", "monitoring",
            "release_tools", "docs", "package_ecosystems", "make_targets")}
        return cls(**lists, coverage_thresholds=_dict(data.get("coverage_thresholds")),
                   test_files=_dict(data.get("test_files")), file_count=int(data.get("file_count") or 0),
                   pipeline=Pipeline.from_json(data.get("pipeline")))


# --- profile --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProfileMember:
    """A member of a workspace or monorepo (a directory with its own manifest), with its own profile."""

    path: str
    profile: str
    reasons: tuple[str, ...] = ()

    def to_json(self) -> JSON:
        return {"path": self.path, "profile": self.profile, "reasons": list(self.reasons)}

    @classmethod
    def from_json(cls, data: Any) -> ProfileMember:
        data = _json(data)
        return cls(str(data.get("path", "")), str(data.get("profile", "unknown")), _strs(data.get("reasons")))


@dataclass(frozen=True, slots=True)
class ExcludedDirectory:
    """A directory left out of the scan, the files in it, the pattern that excluded it and why."""

    path: str
    files: int
    pattern: str = ""
    reason: str = ""

    def to_json(self) -> JSON:
        return {"path": self.path, "files": self.files, "pattern": self.pattern, "reason": self.reason}

    @classmethod
    def from_json(cls, data: Any) -> ExcludedDirectory:
        data = _json(data)
        return cls(str(data.get("path", "")), int(data.get("files") or 0), str(data.get("pattern", "")),
                   str(data.get("reason", "")))


@dataclass(frozen=True, slots=True)
class Profile:
    """What kind of repository it is (collectors/profile.py), its main stack and what the scan left out."""

    name: str = ""
    stack: str | None = None  # chooses each rule's fix and example; None in results recorded before it
    reasons: tuple[str, ...] = ()
    members: tuple[ProfileMember, ...] = ()
    excluded_patterns: tuple[str, ...] = ()
    excluded_files: int = 0
    excluded: tuple[ExcludedDirectory, ...] = ()

    def to_json(self) -> JSON:
        out: JSON = {"name": self.name}
        if self.stack is not None:
            out["stack"] = self.stack
        return out | {
            "reasons": list(self.reasons),
            "members": [m.to_json() for m in self.members],
            "excluded_patterns": list(self.excluded_patterns),
            "excluded_files": self.excluded_files,
            "excluded": [e.to_json() for e in self.excluded],
        }

    @classmethod
    def from_json(cls, data: Any, inventory: Any = None) -> Profile:
        """`inventory`: the result's inventory object, where early results kept the stack (a list of them)."""
        data = _json(data)
        stack = data.get("stack") or _json(inventory).get("stack")
        if isinstance(stack, (list, tuple)):
            stack = stack[0] if stack else None
        return cls(
            name=str(data.get("name", "")),
            stack=str(stack) if stack else None,
            reasons=_strs(data.get("reasons")),
            members=tuple(ProfileMember.from_json(m) for m in data.get("members") or ()),
            excluded_patterns=_strs(data.get("excluded_patterns")),
            excluded_files=int(data.get("excluded_files") or 0),
            excluded=tuple(ExcludedDirectory.from_json(e) for e in data.get("excluded") or ()),
        )


# --- DORA -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DoraWindow:
    """A span of history ending at the scanned commit. The estimates' windows (history/dora.Window) say
    how much of it the history covers and whether it was widened; the habits' window only its bounds."""

    days: int
    start: str
    end: str
    effective_days: float | None = None
    requested_days: int | None = None  # None: a bounds-only window (the habits' one)
    widened: bool = False
    widened_because: str | None = None

    def to_json(self) -> JSON:
        out: JSON = {"days": self.days, "start": self.start, "end": self.end}
        if self.requested_days is not None:
            out |= {"effective_days": self.effective_days, "requested_days": self.requested_days,
                    "widened": self.widened, "widened_because": self.widened_because}
        return out

    @classmethod
    def from_json(cls, data: Any) -> DoraWindow | None:
        if not isinstance(data, dict):
            return None
        return cls(data.get("days") or 0, str(data.get("start") or ""), str(data.get("end") or ""),
                   data.get("effective_days"), data.get("requested_days"), bool(data.get("widened")),
                   data.get("widened_because"))


@dataclass(frozen=True, slots=True)
class ReadinessMetric:
    """Whether one DORA key can be tracked from what the repository holds, and why (history/readiness.py)."""

    metric: str
    name: str
    trackable: bool
    evidence: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    def to_json(self) -> JSON:
        return {"metric": self.metric, "name": self.name, "trackable": self.trackable,
                "evidence": list(self.evidence), "missing": list(self.missing)}

    @classmethod
    def from_json(cls, data: Any) -> ReadinessMetric:
        data = _json(data)
        return cls(str(data.get("metric", "")), str(data.get("name", "")), bool(data.get("trackable")),
                   _strs(data.get("evidence")), _strs(data.get("missing")))


@dataclass(frozen=True, slots=True)
class Readiness:
    score: int = 0
    max: int = 4
    metrics: tuple[ReadinessMetric, ...] = ()

    def to_json(self) -> JSON:
        return {"score": self.score, "max": self.max, "metrics": [m.to_json() for m in self.metrics]}

    @classmethod
    def from_json(cls, data: Any) -> Readiness:
        data = _json(data)
        metrics = tuple(ReadinessMetric.from_json(m) for m in data.get("metrics") or () if isinstance(m, dict))
        score, top = data.get("score"), data.get("max")
        return cls(score if isinstance(score, int) else sum(m.trackable for m in metrics),
                   top if isinstance(top, int) else 4, metrics)


@dataclass(frozen=True, slots=True)
class MetricEstimate:
    """One key estimated from the history (history/dora.py), classified against the year's bands."""

    metric: str
    name: str
    status: str | None  # "estimated" or "insufficient data"
    value: float | None
    unit: str | None
    display: str | None  # "1.4 deploy days/week, 6.0/month"; None when not estimated
    cluster: str | None  # the band; None when not estimated or withheld
    cluster_withheld: str | None  # why a measured value gets no band (its metric is not trackable)
    confidence: str | None
    reason: str | None  # why there is no estimate
    # The metric's own counts, as history/dora.py writes them (per_month, p90_hours, failures, ...).
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> JSON:
        return {"metric": self.metric, "name": self.name, "status": self.status, "value": self.value,
                "unit": self.unit, "display": self.display, "cluster": self.cluster,
                "cluster_withheld": self.cluster_withheld, "confidence": self.confidence, "reason": self.reason,
                "details": self.details}

    @classmethod
    def from_json(cls, data: Any) -> MetricEstimate:
        data = _json(data)

        def text(key: str) -> str | None:
            value = data.get(key)
            return None if value is None else str(value)

        value = data.get("value")
        return cls(str(data.get("metric", "")), str(data.get("name", "")), text("status"),
                   value if isinstance(value, (int, float)) and not isinstance(value, bool) else None,
                   text("unit"), text("display"), text("cluster"), text("cluster_withheld"), text("confidence"),
                   text("reason"), _dict(data.get("details")))


@dataclass(frozen=True, slots=True)
class DoraEstimates:
    """The estimates from the deployments the history shows, on one basis (tags, or pushes)."""

    basis: str | None
    basis_label: str | None
    basis_description: str | None
    window: DoraWindow | None
    deployments: int
    components: dict[str, int]
    metrics: tuple[MetricEstimate, ...]
    basis_evidence: tuple[str, ...] | None = None  # the deploy-on-push jobs, for the push basis only

    def to_json(self) -> JSON:
        out: JSON = {"basis": self.basis, "basis_label": self.basis_label, "basis_description": self.basis_description}
        if self.basis_evidence is not None:
            out["basis_evidence"] = list(self.basis_evidence)
        return out | {"window": self.window.to_json() if self.window else None, "deployments": self.deployments,
                      "components": dict(self.components), "metrics": [m.to_json() for m in self.metrics]}

    @classmethod
    def from_json(cls, data: Any) -> DoraEstimates | None:
        if not isinstance(data, dict):
            return None
        evidence = data.get("basis_evidence")
        return cls(data.get("basis"), data.get("basis_label"), data.get("basis_description"),
                   DoraWindow.from_json(data.get("window")), int(data.get("deployments") or 0),
                   _dict(data.get("components")),
                   tuple(MetricEstimate.from_json(m) for m in data.get("metrics") or () if isinstance(m, dict)),
                   _strs(evidence) if evidence is not None else None)

    def metric(self, metric: str) -> MetricEstimate | None:
        return next((m for m in self.metrics if m.metric == metric), None)


@dataclass(frozen=True, slots=True)
class BandRow:
    cluster: str
    min: float | None
    max: float | None
    published: str

    def to_json(self) -> JSON:
        return {"cluster": self.cluster, "min": self.min, "max": self.max, "published": self.published}


@dataclass(frozen=True, slots=True)
class MetricBandTable:
    """One metric's bands as published (history/clusters.py), best first."""

    metric: str
    unit: str
    better: str  # "higher" or "lower"
    bands: tuple[BandRow, ...]

    def to_json(self) -> JSON:
        return {"unit": self.unit, "better": self.better, "bands": [b.to_json() for b in self.bands]}


@dataclass(frozen=True, slots=True)
class BandTable:
    """The year's DORA clusters read as bands (history/clusters.bands_dict)."""

    year: int | None = None
    source: str = ""
    rule: str = ""
    metrics: tuple[MetricBandTable, ...] = ()

    def to_json(self) -> JSON:
        return {"year": self.year, "source": self.source, "rule": self.rule,
                "metrics": {m.metric: m.to_json() for m in self.metrics}}

    @classmethod
    def from_json(cls, data: Any) -> BandTable:
        data = _json(data)
        metrics = []
        for metric, spec in _dict(data.get("metrics")).items():
            spec = _json(spec)
            rows = tuple(BandRow(str(b.get("cluster", "")), _number(b.get("min")), _number(b.get("max")),
                                 str(b.get("published", "")))
                         for b in spec.get("bands") or () if isinstance(b, dict))
            metrics.append(MetricBandTable(str(metric), str(spec.get("unit", "")), str(spec.get("better", "lower")),
                                           rows))
        year = data.get("year")
        return cls(year if isinstance(year, int) else None, str(data.get("source", "")), str(data.get("rule", "")),
                   tuple(metrics))


def _number(value: Any) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


@dataclass(frozen=True, slots=True)
class DoraResult:
    """The `dora` object: readiness n/4, the estimates from history (or why there are none), the windows
    read and the bands the estimates are classified against."""

    year: int
    readiness: Readiness
    estimates: DoraEstimates | None
    estimates_reason: str | None
    window: DoraWindow | None  # the estimates' window or, with none, the widest one tried
    history_window: DoraWindow | None  # the window history habits are read over
    bands: BandTable

    def to_json(self) -> JSON:
        return {
            "year": self.year,
            "readiness": self.readiness.to_json(),
            "estimates": self.estimates.to_json() if self.estimates else None,
            "estimates_reason": self.estimates_reason,
            "window": self.window.to_json() if self.window else None,
            "history_window": self.history_window.to_json() if self.history_window else None,
            "bands": self.bands.to_json(),
        }

    @classmethod
    def from_json(cls, data: Any) -> DoraResult:
        data = _json(data)
        year = data.get("year")
        reason = data.get("estimates_reason")
        return cls(
            year=year if isinstance(year, int) else 2024,
            readiness=Readiness.from_json(data.get("readiness")),
            estimates=DoraEstimates.from_json(data.get("estimates")),
            estimates_reason=None if reason is None else str(reason),
            window=DoraWindow.from_json(data.get("window")),
            history_window=DoraWindow.from_json(data.get("history_window")),
            bands=BandTable.from_json(data.get("bands")),
        )


# --- report targets -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportTargets:
    """The success-metric targets from configuration, which the report measures the scan against."""

    overall: float = 4.0
    categories: dict[str, float] = field(default_factory=dict)
    capacity_days_per_week: float = 5.0
