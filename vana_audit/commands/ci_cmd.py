"""`vana-audit ci explain`: what each CI job effectively runs, with the chain that leads there."""

from __future__ import annotations

from pathlib import Path

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
    from ..render.ci_model_text import render_ci_model_json, render_ci_model_text
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
        click.echo(render_ci_model_json(jobs, model.notes), nl=False)
    else:
        click.echo(render_ci_model_text(jobs, model.notes, chains=not no_chain), nl=False)
