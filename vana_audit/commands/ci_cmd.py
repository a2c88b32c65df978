"""`vana-audit ci explain`: what each CI job effectively runs, with the chain that leads there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .common import handle_errors


@click.group()
def ci() -> None:
    """Inspect the repository's CI as vana-audit models it."""


@ci.command("explain")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--ref", help="Read this git ref from the object database instead of the working tree.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="text: one job per block, one invocation per line; json: the whole model.",
)
@click.option("--job", "job_filter", help="Only jobs whose id contains this text.")
@click.option("--no-chain", is_flag=True, help="Leave out the chain of files that leads to each invocation.")
@handle_errors
def explain(path: Path, ref: str | None, fmt: str, job_filter: str | None, no_chain: bool) -> None:
    """Show every CI job with the commands, actions, hooks, images and plugins it effectively runs.

    Task runners are followed through the repository's files (make, just, task, npm/pnpm/yarn/bun
    scripts, tox, nox, hatch, pdm, poe, pre-commit/prek, Maven, Gradle, shell scripts), as are
    GitHub composite actions and reusable workflows, GitLab include/extends/!reference, CircleCI
    commands and orbs, Azure templates, and Jenkins shared-library steps the catalog knows (buildPlugin).
    Nothing is executed. Each invocation is printed with
    its chain, from the CI file's line down to the line that defines it:

    \b
      command  go test -race ./...
               .circleci/config.yml:88 task ci:test -> build/ci/Taskfile.yml:7 go test -race ./...

    Marks: `(may fail)` is not printed; `[cannot fail the job]` is (continue-on-error,
    allow_failure, `|| true`, `set +e`). Triggers: push (to the default branch or any branch),
    push-branches (only other branches), pull_request, tag, schedule, manual, and other event
    names as written. Matrix 0 means a matrix that is not literal.
    """
    from ..collectors import DEFAULT_EXCLUDES, apply_excludes
    from ..collectors import ci as ci_collector
    from ..collectors.ci_model import build_ci_model
    from ..source import open_source

    source = open_source(path, ref)
    try:
        files = apply_excludes(source.files, DEFAULT_EXCLUDES)
        pipelines, _ = ci_collector.collect_pipelines(source, files)
        model = build_ci_model(source, pipelines)
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()
    jobs = [j for j in model.jobs if not job_filter or job_filter in j.job_id]
    if fmt == "json":
        from ..redaction import redact_value

        model_json = {"jobs": [_job_json(j) for j in jobs], "notes": list(model.notes)}
        click.echo(json.dumps(redact_value(model_json), indent=2, default=str))
        return
    from ..render.text import plain

    if not jobs:
        click.echo("No CI jobs found.")
    for job in jobs:
        triggers = ", ".join(sorted(job.triggers)) or "none found"
        matrix = "" if job.matrix_size == 1 else f"  matrix: {job.matrix_size or 'not literal'}"
        click.echo(plain(f"{job.provider} {job.path}:{job.line} {job.job_id}"
                         + (f" ({job.name})" if job.name != job.job_id else "")))
        click.echo(plain(f"  triggers: {triggers}{matrix}"))
        if not job.invocations:
            click.echo("  (runs nothing vana-audit can see)")
        for invocation in job.invocations:
            mark = "" if invocation.can_fail else "  [cannot fail the job]"
            detail = _detail(invocation.extra)
            click.echo(plain(f"  {invocation.kind:<13} {invocation.value}{detail}{mark}"))
            if not no_chain and invocation.chain:
                hops = " -> ".join(f"{link.path}:{link.line or '?'} {link.text}" for link in invocation.chain)
                click.echo(plain(f"  {'':<13} {hops}"))
        click.echo("")
    for note in model.notes:
        click.echo(plain(f"note: {note}"))


def _detail(extra: dict[str, Any]) -> str:
    parts = []
    if "reaches" in extra:
        parts.append(f"phase {extra.get('phase') or '?'}, {'runs' if extra['reaches'] else 'not reached'}"
                     if extra["reaches"] is not None else f"phase {extra.get('phase') or '?'}")
    if extra.get("repo"):
        parts.append(str(extra["repo"]))
    if extra.get("implicit"):
        parts.append("default lifecycle")
    if extra.get("ref"):
        parts.append(f"@{extra['ref']}")
    return f"  ({'; '.join(parts)})" if parts else ""


def _job_json(job: Any) -> dict[str, Any]:
    return {
        "provider": job.provider, "path": job.path, "job_id": job.job_id, "name": job.name, "line": job.line,
        "triggers": sorted(job.triggers), "matrix_size": job.matrix_size,
        "invocations": [{"kind": i.kind, "value": i.value, "argv": list(i.argv), "can_fail": i.can_fail,
                         "extra": i.extra, "chain": [{"path": k.path, "line": k.line, "text": k.text}
                                                     for k in i.chain]} for i in job.invocations],
    }
