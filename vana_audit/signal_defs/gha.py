"""`gha.*` signals: GitHub Actions workflow hygiene (pinning, permissions, triggers)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..facts import Facts, Job, Pipeline
from ..signal_core import Signal, Signals, ev, found, listing, signal


@signal("gha.present", "GitHub Actions workflows exist")
def gha_present(s: Signals) -> Signal:
    return found(ev(p.path) for p in s.facts.pipelines if p.provider == "github-actions")


FULL_SHA = re.compile(r"@[0-9a-f]{40}$")


@signal("gha.unpinned_actions", "third-party actions not pinned to a full commit SHA")
def unpinned(s: Signals) -> Signal:
    hits = []
    for p in s.facts.pipelines:
        if p.provider != "github-actions":
            continue
        for job in p.jobs:
            refs = [(st.uses, st.line) for st in job.steps if st.uses] + ([(job.uses, job.line)] if job.uses else [])
            for uses, line in refs:
                if uses.startswith(("./", "docker://")) or FULL_SHA.search(uses):
                    continue
                hits.append(ev(p.path, line, f"uses: {uses}"))
    return listing(hits)


@signal("gha.missing_permissions", "workflows without a least-privilege top-level permissions block")
def missing_permissions(s: Signals) -> Signal:
    hits = []
    for p in s.facts.pipelines:
        if p.provider != "github-actions" or not p.jobs:
            continue
        if p.permissions is None:
            if not all(j.permissions is not None for j in p.jobs) and not _callers_limit_token(s, p):
                hits.append(ev(p.path, p.line, "no top-level permissions: the token gets the repository default"))
        elif p.permissions == "write-all" or (
            isinstance(p.permissions, dict)
            and all(v == "write" for v in p.permissions.values())
            and len(p.permissions) > 3
        ):
            hits.append(ev(p.path, getattr(p.permissions, "line", p.line), f"permissions: {p.permissions}"))
    return listing(hits)


def _callers_limit_token(s: Signals, called: Pipeline) -> bool:
    """A reusable workflow run only through `workflow_call` gets its caller's token and cannot raise it: when
    every job of this repository that calls it sets permissions (itself or through its workflow), so does it."""
    if called.triggers - {"workflow_call"}:
        return False
    callers = [(q, j) for q in s.facts.pipelines if q.provider == "github-actions" for j in q.jobs
               if (j.uses or "").removeprefix("./").split("@", 1)[0] == called.path]
    return bool(callers) and all((j.permissions if j.permissions is not None else q.permissions) is not None
                                 for q, j in callers)


INJECTABLE = re.compile(
    r"\$\{\{\s*(github\.event\.(issue\.title|issue\.body|pull_request\.title|pull_request\.body|"
    r"comment\.body|review\.body|review_comment\.body|pages\.[^}]{0,200}page_name|commits[^}]{0,200}message|"
    r"head_commit\.message|head_commit\.author\.(email|name)|commits[^}]{0,200}author\.(email|name)|"
    r"pull_request\.head\.ref|pull_request\.head\.label|pull_request\.head\.repo\.default_branch|"
    r"workflow_run\.head_branch|workflow_run\.head_commit\.message|discussion\.(title|body))|"
    r"github\.head_ref)\s*\}\}"
)


@signal("gha.template_injection", "untrusted event fields expanded straight into run: scripts")
def template_injection(s: Signals) -> Signal:
    hits = []
    for p, _job, st in [
        (pipe, job, step)
        for pipe in s.facts.pipelines if pipe.provider == "github-actions"
        for job in pipe.jobs for step in job.steps
    ]:
        texts = [st.run or ""]
        if st.uses and st.uses.startswith("actions/github-script"):
            texts.append(str(st.with_.get("script", "")))
        for text in texts:
            match = INJECTABLE.search(text)
            if match:
                hits.append(ev(p.path, st.line, match.group(0)))
    return listing(hits)


@signal("gha.jobs_without_timeout", "GitHub Actions jobs without timeout-minutes (the default is six hours)")
def jobs_without_timeout(s: Signals) -> Signal:
    hits = []
    for p in s.facts.pipelines:
        if p.provider != "github-actions":
            continue
        for job in p.jobs:
            raw = job.raw if isinstance(job.raw, dict) else {}
            if job.uses or "timeout-minutes" in raw:
                continue
            hits.append(ev(p.path, job.line, f"job {job.id}: no timeout-minutes"))
    return listing(hits)

PR_TRIGGERS = {"pull_request", "pull_request_target", "merge_request"}
PRIVILEGED_TRIGGERS = {"pull_request_target", "workflow_run"}

# Refs that name the pull request's (attacker-controlled) head rather than the base repository.
UNTRUSTED_REF = re.compile(
    r"(github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref|"
    r"github\.event\.workflow_run\.head_(sha|branch)|github\.event\.pull_request\.merge_commit_sha|"
    r"refs/pull/|github\.event\.number|github\.event\.pull_request\.number)"
)
GIT_CHECKOUT = re.compile(r"\b(git (checkout|fetch|switch|pull)|gh pr checkout)\b")
SECRET_REF = re.compile(r"\$\{\{\s*[^}]{0,200}\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)")
ALLOWED_SECRETS = {"GITHUB_TOKEN"}


def gha(facts: Facts) -> list[Pipeline]:
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


@signal("gha.privileged_trigger_reviewed", "every workflow flagged for a privileged checkout carries zizmor's "
        "`ignore[dangerous-triggers]` (or Poutine's equivalent): the maintainers reviewed this use of the trigger")
def privileged_trigger_reviewed(s: Signals) -> Signal:
    flagged = {e.path for e in s["gha.untrusted_checkout"].evidence}
    reviewed = [p for p in gha(s.facts) if p.path in flagged and _REVIEWED_TRIGGER.search(p.text)]
    if not flagged or len(reviewed) < len(flagged):
        return found([])
    return found(ev(p.path, _line_in(p.text, _REVIEWED_TRIGGER), "zizmor: ignore[dangerous-triggers]")
                 for p in reviewed)


_REVIEWED_TRIGGER = re.compile(
    r"#\s*zizmor:\s*ignore\[[^\]]*dangerous-triggers|poutine:ignore\s+untrusted_checkout_exec")


def _line_in(text: str, pattern: re.Pattern[str]) -> int | None:
    found_at = pattern.search(text)
    return text.count("\n", 0, found_at.start()) + 1 if found_at else None


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
