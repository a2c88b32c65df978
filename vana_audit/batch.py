"""Auditing many repositories at once: in parallel processes, optionally one shard of the list.

Each repository is scanned in a worker process (a local path, or a git URL cloned into a
temporary directory); the worker writes that repository's reports and returns a small summary.
A repository that fails becomes a summary with its error; it never stops the batch, and a
worker process that dies (out of memory, killed) costs only the repositories it was running.

Output directory layout, the same for a whole batch, one shard, or a merge of shards:

    DIR/reports/<name>-<hash>.json, .md   one report per repository
    DIR/leaderboard.json                  every summary (what `merge` reads back)
    DIR/leaderboard.md, leaderboard.html  the ranking and the organisation's weakest categories
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import re
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .model import Category


@dataclass(frozen=True)
class BatchOptions:
    with_history: bool = True
    dora_year: int | None = None
    now: str | None = None
    clone_timeout: float = 900.0


@dataclass(frozen=True)
class RepoOutcome:
    """What the leaderboard needs of one repository; the full result is in its report files."""

    index: int  # position in the list, counted from 0 over the whole list (not the shard)
    entry: str  # the line of the list, credentials removed
    name: str
    slug: str
    overall: float | None = None
    percent: float | None = None
    level: str | None = None
    status: str | None = None
    categories: dict[str, float | None] = field(default_factory=dict)
    dora_readiness: int | None = None
    failing: tuple[dict[str, str], ...] = ()  # {rule_id, title, priority, category}
    reports: dict[str, str] = field(default_factory=dict)  # format -> path relative to the output directory
    head_sha: str | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def p0_count(self) -> int:
        return sum(1 for f in self.failing if f.get("priority") == "P0")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["failing"] = list(self.failing)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RepoOutcome:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        known["failing"] = tuple(known.get("failing") or ())
        return cls(**known)


class ListError(ValueError):
    """The repository list or the shard specification cannot be used: exit 2."""


def read_list(text: str) -> list[str]:
    """One local path or git URL a line; blank lines and `#` comments are skipped."""
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            entries.append(line)
    return entries


def parse_shard(spec: str) -> tuple[int, int]:
    """`I/N` with 0 <= I < N (I counts from 0, as Kubernetes' JOB_COMPLETION_INDEX does)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", spec)
    if not match:
        raise ListError(f"--shard wants I/N (for example 0/4), not {spec!r}")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or index >= count:
        raise ListError(f"--shard {spec}: the index counts from 0 and must be below the shard count")
    return index, count


def select_shard(entries: list[str], shard: tuple[int, int] | None) -> list[tuple[int, str]]:
    """(list index, entry) of one shard: round-robin by position, so shards differ by one at most
    and every shard of the same list agrees on the assignment."""
    indexed = list(enumerate(entries))
    if shard is None:
        return indexed
    index, count = shard
    return [(i, e) for i, e in indexed if i % count == index]


def entry_name(entry: str) -> str:
    from .remote import display_url, looks_like_url

    if looks_like_url(entry):
        shown = display_url(entry)
        shown = re.sub(r"^[a-z]+://", "", shown)
        shown = shown.removesuffix(".git")
        return shown.rstrip("/") or entry
    return entry.rstrip("/") or entry


def entry_slug(entry: str) -> str:
    base = re.split(r"[/:]", entry_name(entry).rstrip("/"))[-1] or "repo"
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip(".-")[:60] or "repo"
    return f"{base}-{hashlib.sha256(entry.encode('utf-8')).hexdigest()[:8]}"


_RULE_SETS: dict[tuple[str, ...], list[Any]] = {}


def rules_for(root: Path) -> list[Any]:
    """The rules `scan` would load for this repository, loaded once per worker process per rule set.

    Loading and validating the rule catalog costs more than scanning a small repository; a
    worker keeps each set it has loaded (the built-in catalog plus the repository's `rules_dirs`).
    """
    from .config import find_config, rule_dirs
    from .engine import load_rules
    from .source import open_source

    source = open_source(root)
    try:
        config = find_config(None, lambda name: source.read_text(name) if source.exists(name) else None)
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()
    dirs = tuple(str(d) for d in rule_dirs(config, root))
    if dirs not in _RULE_SETS:
        _RULE_SETS[dirs] = load_rules([Path(d) for d in dirs], inside=root)
    return _RULE_SETS[dirs]


def _builtin_rules() -> list[Any] | None:
    """The built-in rule set, loaded once here and handed to every worker (None: workers load their own)."""
    from .engine import RuleLoadError, load_rules

    try:
        return load_rules([])
    except RuleLoadError:
        return None  # each repository's audit reports the error


def _seed_rules(rules: list[Any] | None) -> None:
    if rules is not None:
        _RULE_SETS[()] = rules


def audit_one(
    index: int, entry: str, out_dir: str, options: BatchOptions, location: str | None = None
) -> dict[str, Any]:
    """Scan one repository and write its reports. Runs in a worker process; never raises.

    `entry` is the line of the list (it names the repository); `location` is where to find it
    when that differs (a relative path resolved against the list's folder).
    """
    from .remote import display_url, looks_like_url

    started = time.monotonic()
    shown = display_url(entry) if looks_like_url(entry) else entry
    base = RepoOutcome(index=index, entry=shown, name=entry_name(entry), slug=entry_slug(entry))
    try:
        from .remote import scan_target
        from .render import OutputFormat, renderer_for

        target = location or entry
        if not looks_like_url(target) and not Path(target).exists():
            raise FileNotFoundError(f"path does not exist: {entry}")
        result, _url = scan_target(
            target,
            rules_provider=rules_for,
            with_history=options.with_history,
            dora_year=options.dora_year,
            now=options.now,
        )
        reports = {}
        report_dir = Path(out_dir) / "reports"
        report_dir.mkdir(parents=True, exist_ok=True)
        for fmt, suffix in ((OutputFormat.JSON, "json"), (OutputFormat.MARKDOWN, "md")):
            content = renderer_for(fmt)(result)
            report = report_dir / f"{base.slug}.{suffix}"
            if isinstance(content, bytes):
                report.write_bytes(content)
            else:
                report.write_text(content, encoding="utf-8")
            reports[suffix] = f"reports/{report.name}"
        readiness = (result.dora or {}).get("readiness") or {}
        outcome = RepoOutcome(
            index=index,
            entry=shown,
            name=base.name,
            slug=base.slug,
            overall=result.score.overall,
            percent=result.score.percent,
            level=result.score.level,
            status=result.score.status,
            categories={c.category.value: c.score for c in result.categories},
            dora_readiness=readiness.get("score") if isinstance(readiness.get("score"), int) else None,
            failing=tuple(
                {
                    "rule_id": f.rule.id,
                    "title": f.rule.title,
                    "priority": f.rule.priority.value,
                    "category": f.rule.category.value,
                }
                for f in result.findings
                if f.failing
            ),
            reports=reports,
            head_sha=result.target.head_sha,
            seconds=round(time.monotonic() - started, 3),
        )
    except Exception as exc:  # noqa: BLE001 - one repository's failure is recorded, never raised
        from .secrets import redact_text

        message = str(exc) or type(exc).__name__
        if looks_like_url(entry):
            message = message.replace(entry, shown)
        message = redact_text(message)
        outcome = RepoOutcome(
            index=index,
            entry=shown,
            name=base.name,
            slug=base.slug,
            error=message,
            seconds=round(time.monotonic() - started, 3),
        )
    return outcome.to_dict()


Progress = Callable[[RepoOutcome], None]


def run_batch(
    items: list[tuple[int, str]],
    out_dir: Path,
    jobs: int,
    options: BatchOptions,
    on_done: Progress | None = None,
    locations: dict[int, str] | None = None,
    worker: Callable[..., dict[str, Any]] = audit_one,
) -> list[RepoOutcome]:
    """Audit every (index, entry) in `jobs` worker processes; results in list order.

    `locations` maps an index to where the repository is when that is not the entry itself;
    `worker` (a module-level function, as `audit_one`) is what each process runs.
    """
    locations = locations or {}
    out_dir.mkdir(parents=True, exist_ok=True)
    seed = _builtin_rules()
    done: dict[int, RepoOutcome] = {}
    pending = list(items)
    isolate = False  # after a worker died, the rest run one per pool so a crash costs one repository
    while pending:
        crashed: list[tuple[int, str]] = []
        groups = [[item] for item in pending] if isolate else [pending]
        for group in groups:
            context = multiprocessing.get_context("spawn")
            pool = ProcessPoolExecutor(
                max_workers=max(1, min(jobs, len(group))), mp_context=context, initializer=_seed_rules, initargs=(seed,)
            )
            try:
                _run_group(pool, group, worker, out_dir, options, locations, isolate, done, crashed, on_done)
            finally:
                _close_pool(pool)
        pending = sorted(crashed)
        isolate = True
    return [done[index] for index, _entry in items]


def _run_group(pool: ProcessPoolExecutor, group: list[tuple[int, str]], worker: Callable[..., dict[str, Any]],
               out_dir: Path, options: BatchOptions, locations: dict[int, str], isolate: bool,
               done: dict[int, RepoOutcome], crashed: list[tuple[int, str]], on_done: Progress | None) -> None:
    futures: dict[Future[dict[str, Any]], tuple[int, str]] = {}
    for position, (index, entry) in enumerate(group):
        try:
            future = pool.submit(worker, index, entry, str(out_dir), options, locations.get(index))
        except BrokenProcessPool:  # a worker died while the rest were being queued
            if isolate:  # cannot happen with one task a pool; never loop on it
                for late_index, late_entry in group[position:]:
                    done[late_index] = _failed(late_index, late_entry, "the worker process died")
            else:
                crashed.extend(group[position:])
            break
        futures[future] = (index, entry)
    for future in as_completed(futures):
        index, entry = futures[future]
        try:
            outcome = RepoOutcome.from_dict(future.result())
        except BrokenProcessPool:
            if isolate:
                outcome = _failed(index, entry, "the worker process died (out of memory or killed?)")
            else:
                crashed.append((index, entry))
                continue
        done[index] = outcome
        if on_done is not None:
            on_done(outcome)


def _close_pool(pool: ProcessPoolExecutor) -> None:
    """Shut a pool down without hanging: after a worker died, `shutdown(wait=True)` can wait
    forever on the survivors, so they are terminated instead."""
    broken = getattr(pool, "_broken", False)
    if not broken:
        pool.shutdown(wait=True)
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
        process.join(timeout=5)


def _failed(index: int, entry: str, error: str) -> RepoOutcome:
    from .remote import display_url, looks_like_url

    return RepoOutcome(
        index=index,
        entry=display_url(entry) if looks_like_url(entry) else entry,
        name=entry_name(entry),
        slug=entry_slug(entry),
        error=error,
    )


def category_ids() -> list[str]:
    return [c.value for c in Category]


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def write_leaderboard(out_dir: Path, board: dict[str, Any]) -> list[Path]:
    """leaderboard.json (read back by `merge`), leaderboard.md and leaderboard.html in out_dir."""
    from .leaderboard import render_leaderboard_html, render_leaderboard_markdown

    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "leaderboard.json": json.dumps(board, indent=2, ensure_ascii=False) + "\n",
        "leaderboard.md": render_leaderboard_markdown(board),
        "leaderboard.html": render_leaderboard_html(board),
    }
    written = []
    for name, content in files.items():
        (out_dir / name).write_text(content, encoding="utf-8")
        written.append(out_dir / name)
    return written
