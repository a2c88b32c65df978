"""`release.*` signals: release automation."""
from __future__ import annotations

from ..signal_core import (
    PUBLISH_CMD,
    Signal,
    Signals,
    ci_matching,
    deploy_jobs,
    ev,
    found,
    signal,
    tool_uses,
    unmodelled_pipelines,
)
from ._shared import _config


@signal("release.automation", "releases are automated (release tool or release workflow)")
def release_automation(s: Signals) -> Signal:
    hits = _config(s.facts, "release-please", "semantic-release", "goreleaser", "changesets")
    hits += [ev(p.path, p.line, "runs on tags/releases") for p in s.facts.pipelines if p.triggers & {"release", "tag"}]
    # A release tool anywhere; a publish from a job that ships (a deploy or release job, or one run on
    # tags): `docker push` of the CI's own builder image releases nothing.
    shipping = {(p.path, j.id) for p, j in deploy_jobs(s.facts)}
    hits += tool_uses(s.facts, ("release",))
    hits += tool_uses(s.facts, ("publish",), keep_job=lambda job: (job.path, job.job_id) in shipping
                      or bool(job.triggers & {"tag", "release"}))
    hits += ci_matching(s.facts, PUBLISH_CMD, pipelines=unmodelled_pipelines(s.facts))
    return found(hits)
