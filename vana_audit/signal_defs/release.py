"""`release.*` signals: how releases are made: a defined process, automation, signatures."""
from __future__ import annotations

from collections.abc import Callable

from ..collectors.project import SIGNING
from ..facts import CiJob, Facts
from ..signal_core import (
    PR_TRIGGERS,
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
from ._shared import _config, _paths


@signal("release.automation", "releases are automated (release tool or release workflow)")
def release_automation(s: Signals) -> Signal:
    hits = _config(s.facts, "release-please", "semantic-release", "goreleaser", "changesets")
    # a workflow run by tags or releases, not the CI that also runs on them (GitLab pipelines run for tags too)
    hits += [ev(p.path, p.line, "runs on tags/releases") for p in s.facts.pipelines
             if p.triggers & {"release", "tag"} and not p.triggers & PR_TRIGGERS]
    # A release tool anywhere; a publish from a job that ships: `docker push` of the CI's own builder
    # image releases nothing.
    hits += tool_uses(s.facts, ("release",))
    hits += tool_uses(s.facts, ("publish",), keep_job=_ships(s.facts))
    hits += ci_matching(s.facts, PUBLISH_CMD, pipelines=unmodelled_pipelines(s.facts))
    return found(hits)


# A Makefile target or package script that cuts a release: `make release`, `npm run release`.
_RELEASE_SCRIPT = ("release", "publish", "release:prepare", "prerelease", "prepublishOnly")


@signal("release.process_defined", "releases follow a defined process: automated, versioned by release tags, "
        "written down (RELEASING.md) or scripted (a release target or script)")
def release_process_defined(s: Signals) -> Signal:
    f = s.facts
    hits = list(s["release.automation"].evidence)
    counts = getattr(f.history, "tag_counts", None)
    if counts is not None and counts.semver + counts.deploy:
        hits.append(ev(".git", None, f"{counts.semver + counts.deploy} release tags (v1.2.3 and the like)"))
    hits += _paths(f.docs.get("release-process", []), 2)
    hits += [ev(t.path, t.line, f"make {t.name}") for t in f.make_targets if t.name in _RELEASE_SCRIPT][:2]
    hits += [ev(m.path, None, f"script {name}") for m in f.manifests for name in m.scripts
             if name in _RELEASE_SCRIPT][:2]
    return found(hits)


@signal("release.signed", "released artefacts are signed or attested (cosign, GPG, build provenance), or published "
        "through trusted publishing (OIDC), which attests them")
def release_signed(s: Signals) -> Signal:
    f = s.facts
    hits = tool_uses(f, ("sign", "provenance"), keep_job=_ships(f))
    publishing = {(u.job.path, u.job.job_id) for u in f.tool_uses if u.capability == "publish"}
    for p in f.pipelines:
        for j in p.jobs:
            if (p.path, j.id) in publishing and _grants_id_token(j.permissions if j.permissions is not None
                                                                 else p.permissions):
                hits.append(ev(p.path, j.line, f"job {j.id} publishes with an OIDC token (trusted publishing "
                                                 "or keyless signing)"))
    hits += [ev(m.path, m.data[SIGNING][0], f"the build signs what it publishes ({m.data[SIGNING][1]})")
             for m in f.manifests if SIGNING in m.data][:2]
    return found(hits)


def _ships(facts: Facts) -> Callable[[CiJob], bool]:
    """A job that ships: a deploy or release job, or one run by tags or releases and not also by pull
    requests (a GitLab job runs for tags unless told otherwise; that makes no release job)."""
    shipping = {(p.path, j.id) for p, j in deploy_jobs(facts)}
    return lambda job: (job.path, job.job_id) in shipping or (
        bool(job.triggers & {"tag", "release"}) and not job.triggers & PR_TRIGGERS)


def _grants_id_token(permissions: object) -> bool:
    return isinstance(permissions, dict) and str(permissions.get("id-token", "")).lower() == "write"


# Registries that host a built artefact (a tarball, wheel, crate, gem, jar) a release could sign or attest;
# Composer, Go modules, Terraform and Ansible Galaxy serve the repository's own git tags.
_ARTEFACT_ECOSYSTEMS = frozenset({"npm", "pip", "cargo", "maven", "gradle"})


@signal("release.registry_package", "a library or CLI published to a registry that hosts built artefacts (npm, "
        "PyPI, crates.io, RubyGems, Maven Central), even when released by hand")
def registry_package(s: Signals) -> Signal:
    f = s.facts
    if f.profile not in ("library", "cli"):
        return found([])
    hits = [ev(m.path, None, f"{m.ecosystem} package") for m in f.manifests
            if "/" not in m.path and m.ecosystem in _ARTEFACT_ECOSYSTEMS and not m.data.get("private")]
    hits += [ev(p, None, "gem specification") for p in f.files if "/" not in p and p.endswith(".gemspec")]
    return found(hits[:2])


@signal("release.served_from_git", "a Terraform module or an Ansible role: its registry serves the repository's git "
        "tags as they are, with no built artefact (Helm charts, packaged and pushed, are artefacts)")
def served_from_git(s: Signals) -> Signal:
    module = s["iac.reusable_module"]
    return found(e for e in module.evidence if not e.path.endswith("Chart.yaml"))
