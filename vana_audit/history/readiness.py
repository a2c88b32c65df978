"""The `dora` object of a scan: readiness n/4 from facts, estimates from history classified by year.

Readiness asks whether each key could be measured at all; the estimates say what the history
shows. A library reports release frequency, and never falls back to pushes as deployments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from typing import Any

from ..collectors.deploys import all_deploy_jobs as deploy_jobs
from ..evidence import ev
from ..facts import Facts, Job, Pipeline
from ..model import Evidence
from ..results import BandTable, DoraEstimates, DoraResult, DoraWindow, MetricEstimate, ReadinessMetric
from ..results import Readiness as ReadinessScore
from .clusters import bands_dict, bands_for
from .deployments import TagCounts
from .dora import ESTIMATED, METRICS, iso

KEYS = METRICS[:4]
NAMES = {
    "deployment_frequency": "Deployment frequency",
    "lead_time": "Lead time for changes",
    "change_failure_rate": "Change failure rate",
    "recovery_time": "Failed deployment recovery time",
    "rework_rate": "Rework rate",
}
LIBRARY_NAMES = NAMES | {"deployment_frequency": "Release frequency", "lead_time": "Lead time to release"}
MAX_EVIDENCE = 3
DEFAULT_BRANCHES = ("main", "master")
# The signals readiness reads. The caller computes them and passes their evidence (`build_dora`'s
# `found`): the history layer does not import the signals layer.
READINESS_SIGNALS = ("ci.deploy", "release.automation", "build.commit_sha", "deploy.rollback", "deploy.progressive",
                     "mon.alerts", "mon.error_tracking", "docs.runbooks")
Found = Mapping[str, Sequence[Evidence]]


@dataclass(frozen=True)
class Criterion:
    label: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Readiness:
    metric: str
    groups: tuple[tuple[Criterion, ...], ...]  # each group needs one criterion present
    needs_deployments: bool = True

    @property
    def met(self) -> bool:
        return all(_met(g) for g in self.groups)

    def trackable(self, deployments_recorded: bool) -> bool:
        return self.met and (deployments_recorded or not self.needs_deployments)

    def result(self, name: str, deployments_recorded: bool) -> ReadinessMetric:
        evidence = [f"{c.label}: {text}" for g in self.groups for c in g for text in c.evidence]
        missing = ["one of: " + ", ".join(c.label for c in g) for g in self.groups if not _met(g)]
        if self.needs_deployments and not deployments_recorded:
            missing.insert(0, "deployments recorded (see deployment frequency)")
        return ReadinessMetric(self.metric, name, self.trackable(deployments_recorded), tuple(evidence),
                               tuple(missing))


def _met(group: tuple[Criterion, ...]) -> bool:
    return any(c.evidence for c in group)


def build_dora(facts: Facts, found: Found, year: int = 2024, git: Any = None) -> DoraResult:
    """Readiness n/4, estimates classified against `year`'s clusters, and the bands used; `found` is the
    evidence of each of `READINESS_SIGNALS`; `git` (the scanned repository's GitInfo) lets a
    path-filtered deploy count only the commits it runs for."""
    bands = bands_for(year)
    history = facts.history
    library = facts.profile == "library"
    names = LIBRARY_NAMES if library else NAMES
    pushes = push_deploy_evidence(facts, getattr(history, "default_branch", None))
    checks = readiness_checks(facts, found, pushes)
    recorded = checks[0].met
    metrics = tuple(check.result(names[check.metric], recorded) for check in checks)
    raw, reason, window = _chosen_estimates(facts, pushes, library, git)
    untrackable = {m.metric: m for m in metrics if not m.trackable}
    return DoraResult(
        year=year,
        readiness=ReadinessScore(sum(m.trackable for m in metrics), len(KEYS), metrics),
        estimates=_classified(raw, bands, names, library, untrackable) if raw else None,
        estimates_reason=reason,
        window=DoraWindow.from_json(window),
        history_window=_history_window(history),
        bands=BandTable.from_json(bands_dict(year)),
    )


def _history_window(history: Any) -> DoraWindow | None:
    """The window habits (and readiness's revert and hotfix counts) are read over: the configured days
    up to the scanned commit's time."""
    start, end = getattr(history, "window_start", None), getattr(history, "window_end", None)
    return DoraWindow(history.window_days, start, end) if start and end else None


def readiness_checks(facts: Facts, found: Found, pushes: list[Evidence]) -> list[Readiness]:
    h = facts.history
    tags = getattr(h, "tag_counts", None)
    tag_text = _tag_text(tags)
    tag_deploys = [
        ev(p.path, j.line, f"job {j.id} deploys on tags or releases")
        for p, j in deploy_jobs(facts)
        if p.triggers & {"tag", "release"}
    ]
    environments = [e for e in found["ci.deploy"] if "environment:" in e.snippet]
    reverts = getattr(h, "reverts_in_window", 0)
    hotfixes = (tags.hotfix if tags else 0) + getattr(h, "hotfix_commits_in_window", 0)
    incident_docs = facts.docs.get("incident-response", []) + [
        p
        for p in facts.docs.get("issue-template", [])
        if any(w in p.lower() for w in ("incident", "outage", "postmortem"))
    ]
    recorded = (
        Criterion("a deploy pipeline", _texts(found["ci.deploy"])),
        Criterion("deploy or release tags", tag_text),
        Criterion("deployment environments", _texts(environments)),
        Criterion("release automation", _texts(found["release.automation"])),
    )
    traced = (
        Criterion("deploys from the default branch or tags", _texts(pushes + tag_deploys)),
        Criterion("release tags on the deployed commits", tag_text),
        Criterion("the commit SHA stamped into builds", _texts(found["build.commit_sha"])),
    )
    failures = (
        Criterion("a rollback job", _texts(found["deploy.rollback"])),
        Criterion("revert commits", (f"{reverts} in the window",) if reverts else ()),
        Criterion("hotfix releases or branches", (f"{hotfixes} hotfix tags or commits",) if hotfixes else ()),
        Criterion("incident templates or postmortems", tuple(dict.fromkeys(incident_docs))[:MAX_EVIDENCE]),
    )
    detection = (
        Criterion("alert rules", _texts(found["mon.alerts"])),
        Criterion("error tracking", _texts(found["mon.error_tracking"])),
    )
    restoration = (
        Criterion("automated rollback", _texts(found["deploy.rollback"])),
        Criterion("progressive delivery", _texts(found["deploy.progressive"])),
        Criterion("runbooks", _texts(found["docs.runbooks"])),
    )
    return [
        Readiness("deployment_frequency", (recorded,), needs_deployments=False),
        Readiness("lead_time", (traced,)),
        Readiness("change_failure_rate", (failures,)),
        Readiness("recovery_time", (detection, restoration)),
    ]


def _tag_text(tags: TagCounts | None) -> tuple[str, ...]:
    kinds = (
        [f"{n} {kind} tags" for n, kind in ((tags.deploy, "deploy-style"), (tags.semver, "release")) if n]
        if tags
        else []
    )
    newest = f", the newest made {iso(tags.newest)[:10]}" if tags and tags.newest else ""
    return (" and ".join(kinds) + newest,) if kinds else ()


def _texts(evidence: Sequence[Evidence]) -> tuple[str, ...]:
    return tuple(e.location() + (f" — {e.snippet}" if e.snippet else "") for e in evidence[:MAX_EVIDENCE])


def push_deploy_jobs(facts: Facts, default_branch: str | None) -> list[tuple[Pipeline, Job]]:
    """Deploy jobs that run, ungated, on pushes to the default branch."""
    branches = (default_branch,) if default_branch else DEFAULT_BRANCHES
    hits = []
    for pipeline, job in deploy_jobs(facts):
        if "push" not in pipeline.triggers or job.manual:
            continue
        if pipeline.provider == "github-actions" and "tag" in pipeline.triggers and not pipeline.branches:
            continue  # pushes of tags only
        if pipeline.branches and not any(fnmatch(b, pattern) for b in branches for pattern in pipeline.branches):
            continue
        hits.append((pipeline, job))
    return hits


def push_deploy_evidence(facts: Facts, default_branch: str | None) -> list[Evidence]:
    """Deploy jobs that run, ungated, on pushes to the default branch (with the paths they are limited to)."""
    hits = []
    for pipeline, job in push_deploy_jobs(facts, default_branch):
        paths = push_path_filters(pipeline)
        only = f" changing {', '.join(paths)}" if paths else ""
        hits.append(ev(pipeline.path, job.line, f"job {job.id} deploys on push{only}"))
    return hits


def push_path_filters(pipeline: Pipeline) -> tuple[str, ...]:
    """A GitHub workflow's `on: push: paths` / `paths-ignore` filters, as written ('!' marks an ignored path)."""
    raw = pipeline.raw if isinstance(pipeline.raw, dict) else {}
    on = raw.get("on", raw.get(True))  # YAML 1.1 reads a bare `on` key as true
    push = on.get("push") if isinstance(on, dict) else None
    if pipeline.provider != "github-actions" or not isinstance(push, dict):
        return ()
    paths, ignored = push.get("paths"), push.get("paths-ignore")
    return tuple(str(p) for p in (paths if isinstance(paths, list) else [])) + tuple(
        f"!{p}" for p in (ignored if isinstance(ignored, list) else [])
    )


def git_pathspecs(filters: tuple[str, ...]) -> list[str]:
    """GitHub path filters as git pathspecs ('!x' excluded; `**.py` anywhere, as GitHub reads it)."""
    specs = []
    for item in filters:
        exclude = item.startswith("!")
        pattern = item[1:] if exclude else item
        if pattern.startswith("**") and not pattern.startswith("**/"):
            pattern = "**/*" + pattern[2:]
        specs.append(f":({'exclude,' if exclude else ''}glob){pattern}")
    if specs and all(spec.startswith(":(exclude") for spec in specs):
        specs.insert(0, ":(glob)**")
    return specs


def _path_filtered_estimates(facts: Facts, jobs: list[tuple[Pipeline, Job]], git: Any) -> dict[str, Any] | None:
    """Push estimates counting only the commits the deploy workflows run for, when every one is path-filtered.

    None when a deploy runs on every push (every first-parent commit counts)."""
    filters = [push_path_filters(p) for p, _ in jobs]
    if not jobs or not all(filters):
        return None
    shown = "; ".join(dict.fromkeys(", ".join(f) for f in filters))
    history = facts.history
    if git is None or getattr(history, "push_basis", None) is None:
        return {"status": "insufficient data", "basis": None,
                "reason": f"the deploy workflow runs only for commits changing {shown}, and which commits those are "
                          "was not read"}
    from . import push_estimates_touching

    return push_estimates_touching(git, history, [git_pathspecs(f) for f in filters], shown)


def _chosen_estimates(
    facts: Facts, pushes: list[Evidence], library: bool, git: Any = None
) -> tuple[dict[str, Any] | None, str | None, dict[str, Any] | None]:
    """(the estimates, or None and why there are none, and the window they were made over or tried in)."""
    history = facts.history
    if history is None:
        return None, "no git history was read", None
    raw = history.estimates
    if raw.get("basis") is None and history.push_estimates and pushes and not library:
        jobs = push_deploy_jobs(facts, getattr(history, "default_branch", None))
        filtered = _path_filtered_estimates(facts, jobs, git)
        raw = (filtered if filtered is not None else history.push_estimates) | {"basis_evidence": list(_texts(pushes))}
    elif raw.get("basis") is None and history.push_estimates:
        why = "a library is released by tags" if library else "no pipeline deploys on pushes to the default branch"
        return None, f"{raw.get('reason')}; {why}", raw.get("window")
    if raw.get("status") != ESTIMATED:
        basis = f"{raw['basis_label']}: " if raw.get("basis_label") else ""
        return None, basis + (raw.get("reason") or "no estimate"), raw.get("window")
    return raw, None, raw.get("window")


# Rework is counted from the failures the change failure rate finds: it is as trackable as that rate.
READINESS_OF = {"rework_rate": "change_failure_rate"}


def _band_withheld(metric: str, untrackable: dict[str, ReadinessMetric]) -> str | None:
    """Why a measured value gets no band: the metric is not trackable, so a 0% failure rate may only mean
    that failures leave no trace (readiness says what is missing)."""
    readiness = untrackable.get(READINESS_OF.get(metric, metric))
    if readiness is None:
        return None
    missing = "; ".join(readiness.missing[:2])
    return f"no band: {readiness.name.lower()} is not trackable" + (f" (missing {missing})" if missing else "")


def _classified(raw: dict[str, Any], bands: dict[str, Any], names: dict[str, str], library: bool,
                untrackable: dict[str, ReadinessMetric] | None = None) -> DoraEstimates:
    """The estimates `history/dora.py` made (a plain dict), each key classified against the year's bands."""
    metrics = []
    for metric in METRICS:
        item = dict(raw["metrics"].get(metric) or {})
        status, value = item.pop("status", None), item.pop("value", None)
        unit, confidence, reason = item.pop("unit", None), item.pop("confidence", None), item.pop("reason", None)
        if library and unit == "deploy days per week":
            unit = "release days per week"
        estimated = status == ESTIMATED and value is not None
        withheld = _band_withheld(metric, untrackable or {}) if estimated else None
        metrics.append(
            MetricEstimate(
                metric=metric,
                name=names[metric],
                status=status,
                value=value,
                unit=unit,
                display=_display(metric, value, item, unit) if estimated else None,
                cluster=bands[metric].classify(value) if estimated and metric in bands and not withheld else None,
                cluster_withheld=withheld,
                confidence=confidence,
                reason=reason,
                details=item,
            )
        )
    evidence = raw.get("basis_evidence")
    return DoraEstimates(
        basis=raw.get("basis"),
        basis_label=raw.get("basis_label"),
        basis_description=raw.get("basis_description"),
        window=DoraWindow.from_json(raw.get("window")),
        deployments=int(raw.get("deployments") or 0),
        components=dict(raw.get("components") or {}),
        metrics=tuple(metrics),
        basis_evidence=tuple(evidence) if evidence is not None else None,
    )


def _display(metric: str, value: float, details: dict[str, Any], unit: str | None) -> str:
    if metric == "deployment_frequency":
        noun = "release" if unit and unit.startswith("release") else "deploy"
        return f"{value:.1f} {noun} days/week, {details['per_month']:.1f}/month"
    if metric == "lead_time":
        return f"median {duration(value)}, p90 {duration(details['p90_hours'])}"
    if metric == "recovery_time":
        return f"median {duration(value)}"
    count = details.get("failed", details.get("remedial_deployments", 0))
    return f"{value:.0%} ({count} of {details['deployments']})"


def duration(hours: float) -> str:
    if hours < 1:
        return f"{hours * 60:.0f} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} d"
