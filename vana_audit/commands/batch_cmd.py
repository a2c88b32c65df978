"""`vana-audit batch`: audit a list of repositories in parallel and write a leaderboard."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import EXIT_GATE, EXIT_USAGE, handle_errors

if TYPE_CHECKING:
    from ..batch import Progress, RepoOutcome


@click.command()
@click.argument("repo_list", metavar="LIST", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Directory for the reports and the leaderboard.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Repositories audited at once, each in its own process.",
)
@click.option(
    "--shard",
    metavar="I/N",
    help="Audit only shard I of N (I from 0): entries whose position in LIST "
    "modulo N is I. Combine the shards' outputs with `vana-audit merge`.",
)
@click.option(
    "--repo-timeout",
    metavar="SECONDS",
    type=click.FloatRange(0, min_open=True),
    default=300.0,  # batch.DEFAULT_REPO_TIMEOUT (not imported here: every command would pay for it)
    show_default=True,
    help="Stop the audit of one repository (clone included) after this long; it is listed as failed.",
)
@click.option("--no-history", is_flag=True, help="Skip git history (no DORA estimates; faster).")
@click.option(
    "--dora-year", type=click.Choice(["2021", "2023", "2024"]), help="DORA cluster bands to classify against."
)
@click.option("--fail-on-error", is_flag=True, help="Exit 1 when any repository could not be audited.")
@click.option("-q", "--quiet", is_flag=True, help="No progress on standard error.")
@handle_errors
def batch(
    repo_list: str,
    out_dir: Path,
    jobs: int,
    shard: str | None,
    repo_timeout: float,
    no_history: bool,
    dora_year: str | None,
    fail_on_error: bool,
    quiet: bool,
) -> None:
    """Audit every repository in LIST and write each report and an organisation leaderboard.

    LIST is a file (or - for standard input) with one local path or git URL a line; blank lines
    and lines starting with # are skipped; relative paths are relative to the file's folder.
    URLs are cloned into temporary directories. A repository that cannot be audited (or takes
    longer than --repo-timeout) is listed with its error and does not stop the batch. Each
    repository's summary is appended to OUT/results.jsonl as it finishes: `merge` reads a killed
    batch's results from there.
    """
    from ..batch import (
        BatchOptions,
        ListError,
        parse_shard,
        read_list,
        results_log,
        run_batch,
        select_shard,
        utc_now,
    )
    from ..leaderboard import build_leaderboard
    from ..remote import looks_like_url, sigterm_exits
    from ..userfiles import read_regular_text
    from .leaderboard_out import write_leaderboard

    try:
        shard_spec = parse_shard(shard) if shard else None
    except ListError as exc:
        raise click.BadParameter(str(exc), param_hint="--shard") from exc
    if repo_list == "-":
        text, base = sys.stdin.read(), Path.cwd()
    else:
        text, base = read_regular_text(Path(repo_list)), Path(repo_list).resolve().parent
    entries = read_list(text)
    if not entries:
        click.echo(f"Error: {repo_list} lists no repository", err=True)
        sys.exit(EXIT_USAGE)
    items = select_shard(entries, shard_spec)
    locations = {i: str(base / e) for i, e in items if not looks_like_url(e) and not Path(e).is_absolute()}
    options = BatchOptions(
        with_history=not no_history, dora_year=int(dora_year) if dora_year else None, repo_timeout=repo_timeout
    )
    started = utc_now()
    label = f"shard {shard}: " if shard else ""
    shards = [{"index": shard_spec[0], "count": shard_spec[1], "entries": len(items)}] if shard_spec else []
    header = {
        "started": started, "list_size": len(entries), "entries": len(items), "shard": shards[0] if shards else None
    }
    # SIGTERM (a cancelled job) ends the batch like Ctrl-C: the workers are stopped, their clones removed
    with sigterm_exits(), results_log(out_dir, header) as append, _progress(quiet, label, len(items)) as show:

        def done(outcome: RepoOutcome) -> None:
            append(outcome)
            show(outcome)

        outcomes = run_batch(items, out_dir, jobs, options, on_done=done, locations=locations)

    board = build_leaderboard(outcomes, generated_at=started, list_size=len(entries), shards=shards)
    written = write_leaderboard(out_dir, board)
    failed = [o for o in outcomes if not o.ok]
    if not quiet:
        summary = board["summary"]
        click.echo(
            f"{label}{summary['audited']} audited, {summary['failed']} failed; wrote "
            + ", ".join(str(p) for p in written),
            err=True,
        )
        for outcome in failed:
            click.echo(f"  failed: {outcome.entry}: {outcome.error}", err=True)
    if fail_on_error and failed:
        sys.exit(EXIT_GATE)


@contextmanager
def _progress(quiet: bool, label: str, total: int) -> Iterator[Progress]:
    """What to call as each repository finishes: a progress bar on a terminal, a line a repository in a log."""
    if quiet or not total:
        yield lambda _outcome: None
    elif sys.stderr.isatty():
        with click.progressbar(
            length=total, label=f"{label}auditing {total} repositories", file=sys.stderr, show_pos=True, show_eta=True
        ) as bar:
            yield lambda _outcome: bar.update(1)
    else:  # a CI log
        count = [0]

        def line(outcome: RepoOutcome) -> None:
            count[0] += 1
            status = f"{outcome.overall:.2f}" if outcome.ok else f"FAILED: {outcome.error}"
            click.echo(f"[{count[0]}/{total}] {outcome.name}: {status}", err=True)

        yield line
