"""CI/workflow security signals: what zizmor, Scorecard and the GitHub Security Lab look for."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..facts import Job, Pipeline
from ..signals import SAST, SECRET_SCAN, Signal, Signals, ci_matching, ev, found, listing, rx, signal

PR_TRIGGERS = {"pull_request", "pull_request_target", "merge_request"}
PRIVILEGED_TRIGGERS = {"pull_request_target", "workflow_run"}

# Refs that name the pull request's (attacker-controlled) head rather than the base repository.
UNTRUSTED_REF = re.compile(
    r"(github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|"
    r"github\.event\.workflow_run\.head_(sha|branch)|github\.event\.pull_request\.merge_commit_sha|"
    r"refs/pull/|github\.event\.number|github\.event\.pull_request\.number)"
)
GIT_CHECKOUT = re.compile(r"\b(git (checkout|fetch|switch|pull)|gh pr checkout)\b")
PIPE_TO_SHELL = rx(
    r"\b(curl|wget)\b[^\n|;]{0,300}\|\s*(sudo\s+(-\S+\s+){0,10})?(ba|z|da|k)?sh\b|"
    r"\b(curl|wget)\b[^\n|;]{0,300}\|\s*(sudo\s+)?python[0-9.]*\b|"
    r"\b(ba|z)?sh\s+(-c\s+)?[\"']?\$\((curl|wget)\b|"
    r"\b(ba|z)?sh\s+<\(\s*(curl|wget)\b"
)
WORKFLOW_SCAN = rx(
    r"(zizmor|ossf/scorecard-action|scorecard\b|boostsecurityio/poutine|poutine\b|octoscan|"
    r"synacktiv/action-octoscan)"
)
ACTIONLINT = rx(r"(actionlint|raven-actions/actionlint|reviewdog/action-actionlint)")
LICENSE_CHECK = rx(
    r"(license-checker|license_finder|licensefinder|licensee|pip-licenses|liccheck|go-licenses|"
    r"fossa|cargo[- ]deny|scancode|reuse lint|fsfe/reuse-action|github/licensed|licensed (cache|status)|"
    r"allow-licenses|deny-licenses|--scanners[^\n]{0,200}license|license-compliance|oss-review-toolkit|"
    r"\bort (analyze|evaluate)|licenseplist|lichen|golicense|pip-license-checker|npm-license-checker)"
)
SECRET_REF = re.compile(r"\$\{\{\s*[^}]{0,200}\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)")
ALLOWED_SECRETS = {"GITHUB_TOKEN"}


def gha(facts) -> list[Pipeline]:
    return [p for p in facts.pipelines if p.provider == "github-actions"]


def _strings(node: Any) -> Iterable[str]:
    """Every string in a parsed YAML node (keys excluded)."""
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif node is not None and not isinstance(node, bool):
        yield str(node)


def _false(value: Any) -> bool:
    return value is False or str(value).strip().lower() == "false"


@signal("gha.untrusted_checkout", "pull_request_target/workflow_run workflows that check out the pull request's code")
def untrusted_checkout(s: Signals) -> Signal:
    hits = []
    for p in gha(s.facts):
        if not p.triggers & PRIVILEGED_TRIGGERS:
            continue
        for job in p.jobs:
            for st in job.steps:
                if st.uses and st.uses.split("@")[0] == "actions/checkout":
                    ref = str(st.with_.get("ref", "")) + " " + str(st.with_.get("repository", ""))
                    if UNTRUSTED_REF.search(ref):
                        hits.append(
                            ev(
                                p.path,
                                st.line,
                                f"{'/'.join(sorted(p.triggers & PRIVILEGED_TRIGGERS))}: "
                                f"checkout ref: {st.with_.get('ref')}",
                            )
                        )
                elif st.run and GIT_CHECKOUT.search(st.run) and UNTRUSTED_REF.search(st.run):
                    hits.append(
                        ev(
                            p.path,
                            st.line,
                            next(doc_line for doc_line in st.run.splitlines() if GIT_CHECKOUT.search(doc_line))
                            if any(GIT_CHECKOUT.search(doc_line) for doc_line in st.run.splitlines())
                            else st.run,
                        )
                    )
    return listing(hits)


@signal(
    "gha.persisted_credentials",
    "actions/checkout steps that leave the token in .git/config (persist-credentials not false)",
)
def persisted_credentials(s: Signals) -> Signal:
    hits = []
    for p in gha(s.facts):
        for job in p.jobs:
            for st in job.steps:
                if (
                    st.uses
                    and st.uses.split("@")[0] == "actions/checkout"
                    and not _false(st.with_.get("persist-credentials"))
                ):
                    hits.append(ev(p.path, st.line, f"uses: {st.uses} (persist-credentials not false)"))
    return listing(hits)


def _job_secrets(job: Job) -> list[str]:
    raw = job.raw if isinstance(job.raw, dict) else {}
    names: list[str] = []
    for key, value in raw.items():
        if key in ("environment",):
            continue
        if key == "secrets" and str(value).strip() == "inherit":
            names.append("inherit")
            continue
        for text in _strings(value):
            names += [m.group(1) for m in SECRET_REF.finditer(text)]
    return sorted({n for n in names if n not in ALLOWED_SECRETS})


@signal("gha.secrets_outside_environment", "jobs that read repository secrets without a deployment environment")
def secrets_outside_environment(s: Signals) -> Signal:
    hits = []
    for p in gha(s.facts):
        for job in p.jobs:
            if job.environment or job.uses:
                continue  # a reusable-workflow call cannot take an environment; its called jobs can
            names = _job_secrets(job)
            if names:
                shown = "secrets: inherit" if names == ["inherit"] else "secrets." + ", secrets.".join(names[:4])
                hits.append(ev(p.path, job.line, f"job {job.id}: {shown} without an environment"))
    return listing(hits)


@signal("ci.pipe_to_shell", "CI steps that pipe a download straight into a shell (curl | sh)")
def ci_pipe_to_shell(s: Signals) -> Signal:
    return listing(ci_matching(s.facts, PIPE_TO_SHELL, include_uses=False))


@signal("gha.self_hosted_on_pr", "self-hosted runners that run pull-request workflows")
def self_hosted_on_pr(s: Signals) -> Signal:
    hits = []
    for p in gha(s.facts):
        if not p.triggers & PR_TRIGGERS:
            continue
        for job in p.jobs:
            if "self-hosted" in job.runs_on:
                hits.append(
                    ev(
                        p.path,
                        job.line,
                        f"job {job.id}: runs-on: {job.runs_on.replace(chr(10), ', ')} "
                        f"on {', '.join(sorted(p.triggers & PR_TRIGGERS))}",
                    )
                )
    return listing(hits)


@signal("gha.self_hosted", "GitHub Actions jobs run on self-hosted runners")
def self_hosted(s: Signals) -> Signal:
    return found(
        ev(p.path, j.line, f"job {j.id}: runs-on: {j.runs_on.replace(chr(10), ', ')}")
        for p in gha(s.facts)
        for j in p.jobs
        if "self-hosted" in j.runs_on
    )


@signal("ci.workflow_security_scan", "CI workflows are audited by zizmor, OpenSSF Scorecard or poutine")
def workflow_security_scan(s: Signals) -> Signal:
    from .delivery import ci_or_scripts

    hits = ci_or_scripts(s.facts, WORKFLOW_SCAN)
    hits += [
        ev(".pre-commit-config.yaml", None, h)
        for h in s.facts.pre_commit_hooks.get("pre-commit", [])
        if WORKFLOW_SCAN.search(h)
    ]
    return found(hits)


@signal("ci.actionlint", "workflow files are linted (actionlint) in CI or pre-commit")
def actionlint(s: Signals) -> Signal:
    from .delivery import ci_or_scripts

    hits = ci_or_scripts(s.facts, ACTIONLINT)
    hits += [
        ev(".pre-commit-config.yaml", None, h)
        for h in s.facts.pre_commit_hooks.get("pre-commit", [])
        if ACTIONLINT.search(h)
    ]
    return found(hits)


@signal("ci.sast_scheduled", "SAST also runs on a schedule, so new rules find old code")
def sast_scheduled(s: Signals) -> Signal:
    scheduled = [p for p in s.facts.pipelines if "schedule" in p.triggers]
    return found(ci_matching(s.facts, SAST, pipelines=scheduled))


@signal("ci.license_check", "dependency licences are checked against a policy")
def license_check(s: Signals) -> Signal:
    from .delivery import ci_or_scripts

    hits = ci_or_scripts(s.facts, LICENSE_CHECK)
    hits += [
        ev(p)
        for p in s.facts.files
        if p.rsplit("/", 1)[-1]
        in (
            ".licensed.yml",
            ".licensed.yaml",
            ".fossa.yml",
            "deny.toml",
            ".license-checker.json",
            "liccheck.ini",
            ".licenserc.yaml",
            "REUSE.toml",
        )
    ][:3]
    return found(hits)


@signal("secrets.scanning_ci", "secret scanning runs in CI")
def secret_scanning_ci(s: Signals) -> Signal:
    return found(ci_matching(s.facts, SECRET_SCAN))


@signal("secrets.scanning_precommit", "secret scanning runs in a pre-commit hook")
def secret_scanning_precommit(s: Signals) -> Signal:
    path = next(iter(s.facts.config_files.get("pre-commit", [])), ".pre-commit-config.yaml")
    return found(ev(path, None, h) for h in s.facts.pre_commit_hooks.get("pre-commit", []) if SECRET_SCAN.search(h))
