"""`vana-audit merge`: combine the outputs of `batch --shard` runs into one leaderboard."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .common import EXIT_USAGE, handle_errors

T = TypeVar("T")
LEADERBOARD_MAX_BYTES = 512 * 1024 * 1024  # some 10 KB a repository: room for an organisation of 50,000


@click.command()
@click.argument(
    "dirs", metavar="DIR...", nargs=-1, required=True, type=click.Path(path_type=Path, file_okay=False, exists=True)
)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Directory for the merged leaderboard and the reports of every shard.",
)
@click.option("--no-reports", is_flag=True, help="Do not copy the per-repository reports into the output.")
@click.option("-q", "--quiet", is_flag=True, help="No summary on standard error.")
@handle_errors
def merge(dirs: tuple[Path, ...], out_dir: Path, no_reports: bool, quiet: bool) -> None:
    """Merge the output directories of `vana-audit batch` (usually one per --shard) into OUT.

    Each DIR must hold the leaderboard.json that batch writes, or the results.jsonl of a batch
    that was killed before the end (its finished repositories are merged). A repository present in two
    directories is kept once (the later directory wins); shards of the split that no DIR
    covers are named in the leaderboard and on standard error.
    """
    from ..batch import RepoOutcome, utc_now
    from ..leaderboard import build_leaderboard, outcomes_of
    from .leaderboard_out import write_leaderboard

    by_index: dict[tuple[int, str], RepoOutcome] = {}
    shards: list[dict[str, int]] = []
    list_sizes = set()
    for directory in dirs:
        board = _read_output(directory)
        outcomes = outcomes_of(board)
        for outcome in outcomes:
            by_index[(outcome.index, outcome.entry)] = outcome
        shards += [s for s in board.get("shards", []) if s not in shards]
        if board.get("list_size") is not None:
            list_sizes.add(board["list_size"])
        if not no_reports and (directory / "reports").is_dir() and directory.resolve() != out_dir.resolve():
            target = out_dir / "reports"
            target.mkdir(parents=True, exist_ok=True)
            for report in (directory / "reports").iterdir():
                if report.is_file() and not report.is_symlink():
                    shutil.copy2(report, target / report.name)
    if len(list_sizes) > 1:
        click.echo(f"warning: the shards were cut from lists of different lengths ({sorted(list_sizes)})", err=True)
    outcomes = sorted(by_index.values(), key=lambda o: o.index)
    board = build_leaderboard(
        outcomes, generated_at=utc_now(), list_size=max(list_sizes) if list_sizes else None, shards=shards
    )
    written = write_leaderboard(out_dir, board)
    if board["missing_shards"]:
        click.echo("warning: no output for shard(s) " + ", ".join(board["missing_shards"]), err=True)
    if not quiet:
        s = board["summary"]
        click.echo(
            f"merged {len(dirs)} director{'y' if len(dirs) == 1 else 'ies'}: {s['audited']} audited, "
            f"{s['failed']} failed; wrote " + ", ".join(str(p) for p in written),
            err=True,
        )


def _read_output(directory: Path) -> dict[str, Any]:
    """What a batch output directory holds: its leaderboard.json or, when the batch was killed before
    writing one (or the one there is left from an earlier run), the rows of its results.jsonl."""
    from ..batch import RESULTS_FILE

    board_file, results_file = directory / "leaderboard.json", directory / RESULTS_FILE
    board = _parsed(board_file, _board, "leaderboard") if _present(board_file) else None
    if _present(results_file):
        header, rows = _parsed(results_file, _results, "batch results file")
        if board is None or board.get("generated_at") != header["started"]:
            click.echo(
                f"warning: {directory} holds a partial run (killed?): {len(rows)} of {header['entries']} repositories",
                err=True,
            )
            return {"repositories": rows, "shards": [], "list_size": header["list_size"]}
    if board is None:
        click.echo(
            f"Error: {directory} holds no leaderboard.json; is it the -o directory of `vana-audit batch`?", err=True
        )
        sys.exit(EXIT_USAGE)
    return board


def _present(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _parsed(source: Path, parse: Callable[[str], T], kind: str) -> T:
    """`parse` of a file's text; a file that cannot be read or parsed is a one-line error and exit 2."""
    from ..userfiles import UnreadableFile, read_regular_text

    try:
        return parse(read_regular_text(source, LEADERBOARD_MAX_BYTES))
    except UnreadableFile as exc:
        click.echo(f"Error: {exc}", err=True)
    except ValueError as exc:  # JSONDecodeError (a position only) or BoardError (a JSON path only)
        click.echo(f"Error: {source} is not a vana-audit {kind}: {exc}", err=True)
    except RecursionError:
        click.echo(f"Error: {source} is not a vana-audit {kind}: nested too deeply", err=True)
    sys.exit(EXIT_USAGE)


def _board(text: str) -> dict[str, Any]:
    from ..leaderboard import validate

    board = json.loads(text)
    validate(board)
    return board  # type: ignore[no-any-return]


def _results(text: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(header, rows) of results.jsonl; the last line is left out when it lacks its newline (cut short by a kill)."""
    from ..leaderboard import validate

    lines = text.split("\n")[:-1]
    if not lines:
        raise ValueError("no header line")
    parsed = []
    for number, line in enumerate(lines, 1):
        try:
            data = json.loads(line)
            validate(data, "results_header" if number == 1 else "repository")
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from exc
        parsed.append(data)
    return parsed[0]["vana_audit_batch"], parsed[1:]
