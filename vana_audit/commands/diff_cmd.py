"""`vana-audit diff`: a pull-request scorecard comparing two git refs, read from git objects."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .common import EXIT_GATE, handle_errors, progress_printer


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--base", "base_ref", required=True, help="The ref the change starts from, e.g. origin/main.")
@click.option("--head", "head_ref", default="HEAD", show_default=True, help="The ref of the change.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json"]),
    default="md",
    show_default=True,
    help="Format written to standard output.",
)
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Also write to a file: .json gets JSON, anything else the Markdown comment. Repeatable.",
)
@click.option(
    "--fail-on-regression",
    is_flag=True,
    help="Exit 1 when the overall or a category score drops, or a new P0 finding appears. History rules "
    "(read over the window ending at each commit's date) are reported, and held at the base's outcome here.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Configuration file (default: .vana-audit.yml as committed at each ref).",
)
@click.option("--no-history", is_flag=True, help="Skip git history (no DORA estimates).")
@click.option(
    "--dora-year", type=click.Choice(["2021", "2023", "2024"]), help="DORA cluster bands to classify against."
)
@click.option("-q", "--quiet", is_flag=True, help="No progress messages on standard error.")
@handle_errors
def diff(
    path: Path,
    base_ref: str,
    head_ref: str,
    fmt: str,
    outputs: tuple[Path, ...],
    fail_on_regression: bool,
    config_path: Path | None,
    no_history: bool,
    dora_year: str | None,
    quiet: bool,
) -> None:
    """Compare the scores of two refs of the repository at PATH and write a PR comment.

    Both refs are scanned straight from the object database: nothing is checked out and the
    working tree is never touched. History-based rules and DORA read the window ending at each
    ref's commit date, not today. When GITHUB_STEP_SUMMARY is set, the Markdown comment is
    also appended to that file. Exit codes: 0 ok, 1 regression (with --fail-on-regression),
    2 bad ref or path.
    """
    from ..compare import compare
    from ..render.diff import render_diff_json, render_diff_markdown
    from ..scan import scan as run_scan

    progress = progress_printer(quiet)
    results = []
    for ref in (base_ref, head_ref):
        if progress:
            progress(f"scanning {ref}")
        results.append(
            run_scan(
                path,
                ref=ref,
                config_path=config_path,
                with_history=not no_history,
                progress=progress,
                dora_year=int(dora_year) if dora_year else None,
            )
        )
    result = compare(results[0], results[1])
    markdown = render_diff_markdown(result)
    rendered = {
        "md": markdown,
        "json": render_diff_json(result) if fmt == "json" or any(o.suffix.lower() == ".json" for o in outputs) else "",
    }
    for output in outputs:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(rendered["json" if output.suffix.lower() == ".json" else "md"], encoding="utf-8")
        if not quiet:
            click.echo(f"wrote {output}", err=True)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(markdown + "\n")
    click.echo(rendered[fmt], nl=False)
    if fail_on_regression and result.regressions:
        for reason in result.regressions:
            click.echo(f"Regression: {reason}", err=True)
        sys.exit(EXIT_GATE)
