"""The `inventory.pipeline` object of the JSON contract: the CI pipeline as found.

For each stage a change passes through (local hooks, pull request, default branch, tag, schedule,
manual run), which capabilities run there and by which tools; and the jobs behind them. A projection
of the CI model (what each job effectively runs) and the tool catalog, like the rest of the inventory:
the report draws its pipeline picture from it.
"""

from __future__ import annotations

from collections import defaultdict

from .facts import Facts
from .results import Pipeline, PipelineJob, PipelineStage
from .tools import catalog

# Stage id -> title, in the order a change meets them. A job joins each stage one of its triggers names
# (a published GitHub release, trigger `release`, is the tag stage).
STAGES: tuple[tuple[str, str], ...] = (
    ("local", "Pre-commit (local)"),
    ("pull_request", "Pull request"),
    ("push", "Push"),
    ("tag", "Tag / release"),
    ("schedule", "Schedule"),
    ("manual", "Manual"),
)
# The capabilities the picture shows, in pipeline order (catalog capability id -> label).
CAPABILITIES: tuple[tuple[str, str], ...] = (
    ("lint", "Lint"),
    ("format-check", "Format check"),
    ("type-check", "Type check"),
    ("test-runner", "Tests"),
    ("e2e", "End-to-end tests"),
    ("perf", "Performance tests"),
    ("coverage-gate", "Coverage gate"),
    ("build", "Build"),
    ("container-build", "Container build"),
    ("sast", "SAST"),
    ("secret-scan", "Secret scan"),
    ("dependency-scan", "Dependency scan"),
    ("container-scan", "Container scan"),
    ("iac-scan", "IaC scan"),
    ("workflow-scan", "Workflow scan"),
    ("sbom", "SBOM"),
    ("sign", "Sign"),
    ("package", "Package"),
    ("publish", "Publish"),
    ("release", "Release"),
    ("deploy", "Deploy"),
)
_SHOWN = frozenset(cap for cap, _ in CAPABILITIES)
MAX_JOBS = 200  # a monorepo's hundreds of jobs add nothing the stage summary does not say


def _hook_capabilities(facts: Facts) -> dict[str, set[str]]:
    tools = catalog()
    found: dict[str, set[str]] = defaultdict(set)
    for hook in facts.pre_commit_hooks.get("pre-commit", []):
        for use in tools.from_hook(hook):
            if use.capability in _SHOWN:
                found[use.capability].add(use.tool_id)
    return found


def build_pipeline(facts: Facts) -> Pipeline:
    """The stages (id, title, jobs, capabilities: {capability: tool ids}) and the jobs; a stage is
    listed when a job runs on it, the local stage when hooks are configured."""
    job_caps: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for use in facts.tool_uses:
        if use.capability in _SHOWN:
            job_caps[(use.job.path, use.job.job_id)][use.capability].add(use.tool_id)
    stages: list[PipelineStage] = []
    local = _hook_capabilities(facts)
    if local:
        stages.append(PipelineStage("local", STAGES[0][1], 0, _sorted_caps(local)))
    for stage, title in STAGES[1:]:
        names = {stage, "release"} if stage == "tag" else {stage}
        jobs = [job for job in facts.ci_model.jobs if job.triggers & names]
        if not jobs:
            continue
        caps: dict[str, set[str]] = defaultdict(set)
        for job in jobs:
            for capability, tool_ids in job_caps.get((job.path, job.job_id), {}).items():
                caps[capability] |= tool_ids
        stages.append(PipelineStage(stage, title, len(jobs), _sorted_caps(caps)))
    jobs_out = tuple(
        PipelineJob(
            provider=job.provider,
            path=job.path,
            line=job.line,
            job=job.job_id,
            triggers=tuple(sorted(job.triggers)),
            matrix=job.matrix_size,
            capabilities=_sorted_caps(job_caps.get((job.path, job.job_id), {})),
        )
        for job in facts.ci_model.jobs[:MAX_JOBS]
    )
    return Pipeline(tuple(stages), jobs_out, len(facts.ci_model.jobs))


def _sorted_caps(caps: dict[str, set[str]]) -> dict[str, tuple[str, ...]]:
    return {cap: tuple(sorted(caps[cap])) for cap, _ in CAPABILITIES if caps.get(cap)}
