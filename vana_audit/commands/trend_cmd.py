"""`vana-audit trend`: score over time from the history database, regressions flagged."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..progress import progress_for
from .common import EXIT_GATE, EXIT_USAGE, handle_errors


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option(
    "--db",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="VANA_AUDIT_DB",
    help="History database (default: history.sqlite3 in the user data directory; env VANA_AUDIT_DB).",
)
@click.option("--repo-key", help="The repository's name in the database (default: its origin URL, else its path).")
@click.option(
    "--backfill-tags",
    is_flag=True,
    help="First scan past release tags from git objects (no checkout) and record them, dated by the tag.",
)
@click.option(
    "--tag-pattern",
    metavar="GLOB",
    help="Which tags --backfill-tags scans (default: release versions, e.g. v1.2.3, pkg@1.2.3; pre-releases skipped).",
)
@click.option(
    "--max-tags",
    type=click.IntRange(0),
    default=25,
    show_default=True,
    help="Backfill at most this many of the newest matching tags (0: all).",
)
@click.option("--no-history", is_flag=True, help="Backfill without reading git history (faster; no DORA estimates).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "md", "json"]),
    default="table",
    show_default=True,
    help="Format written to standard output.",
)
@click.option(
    "--image", type=click.Path(path_type=Path, dir_okay=False), help="Write the trend as an SVG chart to this file."
)
@click.option("--last", type=click.IntRange(1), help="Show only the newest N scans.")
@click.option(
    "--fail-on-regression",
    is_flag=True,
    help="Exit 1 when the newest scan scores lower than the one before (overall or any category).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress messages on standard error.")
@handle_errors
def trend(
    path: Path,
    db: Path | None,
    repo_key: str | None,
    backfill_tags: bool,
    tag_pattern: str | None,
    max_tags: int,
    no_history: bool,
    fmt: str,
    image: Path | None,
    last: int | None,
    fail_on_regression: bool,
    quiet: bool,
) -> None:
    """Show the maturity score of the repository at PATH over time, per category.

    Reads scans recorded with `vana-audit scan --record`; with --backfill-tags it first scans past
    release tags so a new user sees a trend on the first day. A score lower than the scan before
    is marked ▼ and listed under Regressions.
    """
    from .. import store
    from ..render.trend import render_trend_empty, render_trend_json, render_trend_svg, render_trend_table
    from ..secrets import redact_text
    from ..trend import backfill, trend_view

    database = db or store.default_db_path()
    key = redact_text(repo_key) if repo_key else store.repo_key_for(path)
    progress = progress_for(quiet)  # one line rewritten in place on a terminal; nothing on a pipe

    def say(message: str) -> None:
        if progress is not None:
            progress(message)

    try:
        if backfill_tags:
            added, skipped, errors = backfill(
                path, database, key, pattern=tag_pattern, max_tags=max_tags, with_history=not no_history, say=say
            )
            if progress is not None:
                progress.finish()
            for error in errors:
                click.echo(f"warning: {error}", err=True)
            if not quiet:
                click.echo(
                    f"backfilled {added} tag(s) into {database}" + (f", {skipped} already recorded" if skipped else ""),
                    err=True,
                )
        points = store.history(database, key)
    except store.StoreError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    view = trend_view(points, last)
    if image is not None:
        image.parent.mkdir(parents=True, exist_ok=True)
        image.write_text(render_trend_svg(view.points, title=f"vana-audit score trend — {key}"), encoding="utf-8")
        if not quiet:
            click.echo(f"wrote {image}", err=True)
    if fmt == "json":
        text = render_trend_json(key, database, view.points, view.regressions)
    elif not view.points:
        text = render_trend_empty(key, database, [k for k, _n, _t in store.repo_keys(database)])
    else:
        text = render_trend_table(key, view.points, view.regressions, markdown=fmt == "md")
    click.echo(text, nl=False)
    if fail_on_regression and view.latest_regressed:
        click.echo("The newest scan scores lower than the one before it.", err=True)
        sys.exit(EXIT_GATE)
