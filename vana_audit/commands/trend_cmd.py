"""`vana-audit trend`: score over time from the history database, regressions flagged."""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import re
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import click

from .common import EXIT_GATE, EXIT_USAGE, handle_errors

# Release tags: v1.2.3, 1.2, pkg@1.2.3, release-2024.10.1; pre-releases (-rc1, -beta) are not releases.
RELEASE_TAG = re.compile(r"^(?:.*[@/_-])?v?\d+(?:\.\d+){1,3}$")


def _iso_utc(text: str) -> str:
    stamp = dt.datetime.fromisoformat(text)
    return stamp.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def release_tags(repo: Path, pattern: str | None) -> list[tuple[str, str, str]]:
    """(tag, creation date in UTC, commit) for release tags, oldest first.

    The date of an annotated tag is its tagger date, of a lightweight tag its commit's date.
    """
    from ..gitcmd import run_git
    from ..repository import find_git_dir
    from ..source import TargetError

    git_dir, _ = find_git_dir(repo)
    if git_dir is None:
        raise TargetError(f"not a git repository: {repo}")
    fmt = "--format=%(refname:strip=2)%00%(creatordate:iso-strict)%00%(objectname)%00%(*objectname)"
    out = run_git(git_dir, "for-each-ref", fmt, "refs/tags")
    tags = []
    for line in out.decode("utf-8", "replace").splitlines():
        fields = line.split("\0")
        if len(fields) != 4 or not fields[1]:
            continue
        name, created, target, peeled = fields
        if fnmatch.fnmatchcase(name, pattern) if pattern else RELEASE_TAG.match(name):
            tags.append((name, _iso_utc(created), peeled or target))
    return sorted(tags, key=lambda t: (t[1], t[0]))


def backfill(
    repo: Path,
    db: Path,
    key: str,
    *,
    pattern: str | None,
    max_tags: int,
    with_history: bool,
    say: Callable[[str], None],
) -> tuple[int, int, list[str]]:
    """Scan the newest `max_tags` release tags from git objects and record them; returns (added, skipped, errors)."""
    from .. import store
    from ..gitcmd import GitError
    from ..scan import scan as run_scan
    from ..secrets import redact_text
    from ..source import TargetError

    tags = release_tags(repo, pattern)[-max_tags:] if max_tags else release_tags(repo, pattern)
    done = {(p.head_sha, p.generated_at) for p in store.history(db, key)}
    added = skipped = 0
    errors = []
    for index, (tag, created, commit) in enumerate(tags, 1):
        if (commit, created) in done:
            skipped += 1
            continue
        shown = redact_text(tag)
        say(f"[{index}/{len(tags)}] scanning tag {shown} ({created[:10]})")
        try:
            result = run_scan(repo, ref=f"refs/tags/{tag}", now=created, with_history=with_history)
        except (TargetError, GitError) as exc:
            errors.append(redact_text(f"{tag}: {exc}"))
            continue
        result = replace(result, target=replace(result.target, ref=shown))
        if store.record(db, result, key, origin="backfill") is None:
            skipped += 1
        else:
            added += 1
            done.add((commit, created))
    return added, skipped, errors


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
    from tabulate import tabulate

    from .. import store
    from ..secrets import redact_text
    from ..trend import find_regressions, render_trend_svg, trend_rows

    database = db or store.default_db_path()
    key = redact_text(repo_key) if repo_key else store.repo_key_for(path)
    say = (lambda message: None) if quiet else (lambda message: click.echo(f"… {message}", err=True))
    try:
        if backfill_tags:
            added, skipped, errors = backfill(
                path, database, key, pattern=tag_pattern, max_tags=max_tags, with_history=not no_history, say=say
            )
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
    all_regressions = find_regressions(points)
    latest_regressed = bool(points) and any(r.point is points[-1] for r in all_regressions)
    if last:
        points = points[-last:]
    regressions = [r for r in all_regressions if r.point in points]
    if image is not None:
        image.parent.mkdir(parents=True, exist_ok=True)
        image.write_text(render_trend_svg(points, title=f"vana-audit score trend — {key}"), encoding="utf-8")
        if not quiet:
            click.echo(f"wrote {image}", err=True)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "repo_key": key,
                    "db": str(database),
                    "points": [
                        {
                            "generated_at": p.generated_at,
                            "ref": p.ref,
                            "head_sha": p.head_sha,
                            "overall": p.overall,
                            "categories": p.categories,
                            "dora_readiness": p.dora_readiness,
                            "failing_p0": p.failing_p0,
                            "origin": p.origin,
                        }
                        for p in points
                    ],
                    "regressions": [
                        {
                            "generated_at": r.point.generated_at,
                            "ref": r.point.ref,
                            "series": r.series,
                            "before": r.before,
                            "after": r.after,
                        }
                        for r in regressions
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    elif not points:
        known = [k for k, _n, _t in store.repo_keys(database)]
        click.echo(
            f"No recorded scans of {key} in {database}.\nRecord one with `vana-audit scan --record`, "
            "or fill the history from release tags with `vana-audit trend --backfill-tags`."
        )
        if known:
            click.echo("Repositories in this database (use --repo-key): " + ", ".join(known))
    else:
        from ..render.text import plain

        header, rows = trend_rows(points)
        rows = [[plain(cell) for cell in row] for row in rows]
        title = f"Score trend of {plain(key)} ({len(points)} scan{'s' if len(points) != 1 else ''})"
        if fmt == "md":
            from ..render.text import md_inline

            click.echo(f"## {md_inline(title)}\n")
            click.echo(tabulate(rows, headers=header, tablefmt="github", disable_numparse=True))
        else:
            click.echo(title)
            click.echo(tabulate(rows, headers=header, tablefmt="simple", disable_numparse=True))
        click.echo("")
        if regressions:
            click.echo(f"Regressions ({len(regressions)}):")
            for regression in regressions:
                click.echo(f"  ▼ {plain(regression.describe())}")
        else:
            click.echo("No regressions.")
    if fail_on_regression and latest_regressed:
        click.echo("The newest scan scores lower than the one before it.", err=True)
        sys.exit(EXIT_GATE)
