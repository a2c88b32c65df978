"""Auditing many repositories at once: in parallel processes, optionally one shard of the list.

Each repository is scanned in a worker process (a local path, or a git URL cloned into a
temporary directory); the worker writes that repository's reports and returns a small summary.
A repository that fails becomes a summary with its error; it never stops the batch. A worker
runs one repository at a time, so one that dies (out of memory, killed) or is stopped past the
per-repository timeout costs only that repository.

Output directory layout, the same for a whole batch, one shard, or a merge of shards (results.jsonl
only for a batch):

    DIR/reports/<name>-<hash>.json, .md   one report per repository
    DIR/results.jsonl                     every summary, a line each as it finishes (a killed run keeps them)
    DIR/leaderboard.json                  every summary (what `merge` reads back)
    DIR/leaderboard.md, leaderboard.html  the ranking and the organisation's weakest categories
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .model import Category

DEFAULT_REPO_TIMEOUT = 300.0


@dataclass(frozen=True)
class BatchOptions:
    with_history: bool = True
    dora_year: int | None = None
    now: str | None = None
    repo_timeout: float = DEFAULT_REPO_TIMEOUT  # the whole audit of one repository, clone included


@dataclass(frozen=True)
class RepoOutcome:
    """What the leaderboard needs of one repository; the full result is in its report files."""

    index: int  # position in the list, counted from 0 over the whole list (not the shard)
    entry: str  # the line of the list, credentials removed
    name: str  # the repository's display name (vana_audit.identity); the entry's own name when it failed
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


MAX_SHARDS = 10_000  # a leaderboard lists every missing shard: an unbounded count fills memory


def parse_shard(spec: str) -> tuple[int, int]:
    """`I/N` with 0 <= I < N <= MAX_SHARDS (I counts from 0, as Kubernetes' JOB_COMPLETION_INDEX does)."""
    match = re.fullmatch(r"\s*(\d{1,6})\s*/\s*(\d{1,6})\s*", spec[:40])
    if not match:
        raise ListError(f"--shard wants I/N (for example 0/4) with N at most {MAX_SHARDS}")
    index, count = int(match.group(1)), int(match.group(2))
    if not 1 <= count <= MAX_SHARDS:
        raise ListError(f"--shard: the shard count must be between 1 and {MAX_SHARDS}")
    if index >= count:
        raise ListError("--shard: the index counts from 0 and must be below the shard count")
    return index, count


def select_shard(entries: list[str], shard: tuple[int, int] | None) -> list[tuple[int, str]]:
    """(list index, entry) of one shard: round-robin by position, so shards differ by one at most
    and every shard of the same list agrees on the assignment."""
    indexed = list(enumerate(entries))
    if shard is None:
        return indexed
    index, count = shard
    return [(i, e) for i, e in indexed if i % count == index]


def shown_entry(entry: str) -> str:
    """The line of the list as reports show it: a URL without credentials, a token redacted."""
    from .remote import display_url, looks_like_url
    from .secrets import redact_text

    return display_url(entry) if looks_like_url(entry) else redact_text(entry)


def entry_name(entry: str) -> str:
    from .remote import looks_like_url

    shown = shown_entry(entry)
    if looks_like_url(entry):
        shown = re.sub(r"^[a-z]+://", "", shown)
        shown = shown.removesuffix(".git")
    return shown.rstrip("/") or shown


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
    from .remote import looks_like_url

    started = time.monotonic()
    shown = shown_entry(entry)
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
            clone_timeout=options.repo_timeout,  # the clone may use the repository's whole budget
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
        outcome = RepoOutcome(
            index=index,
            entry=shown,
            name=result.target.display_name,  # owner/name from the origin remote, else the folder's name
            slug=base.slug,
            overall=result.score.overall,
            percent=result.score.percent,
            level=result.score.level,
            status=result.score.status,
            categories={c.category.value: c.score for c in result.categories},
            dora_readiness=result.dora.readiness.score,
            failing=tuple(
                {
                    "rule_id": f.rule.id,
                    "title": f.rule.title,
                    "priority": f.priority.value,
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

        message = redact_text((str(exc) or type(exc).__name__).replace(entry, shown))
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
RESULTS_FILE = "results.jsonl"


@contextmanager
def results_log(out_dir: Path, header: dict[str, Any]) -> Iterator[Progress]:
    """DIR/results.jsonl: a header line, then one line a repository, flushed as each finishes, so a
    batch that is killed leaves its finished work for `merge`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / RESULTS_FILE, "w", encoding="utf-8") as log:

        def write(data: dict[str, Any]) -> None:
            log.write(json.dumps(data, ensure_ascii=False) + "\n")
            log.flush()

        write({"vana_audit_batch": header})
        yield lambda outcome: write(outcome.to_dict())
KILL_GRACE_SECONDS = 5.0  # after SIGTERM, time for a worker to remove its temporary clone


def run_batch(
    items: list[tuple[int, str]],
    out_dir: Path,
    jobs: int,
    options: BatchOptions,
    on_done: Progress | None = None,
    locations: dict[int, str] | None = None,
    worker: Callable[..., dict[str, Any]] = audit_one,
) -> list[RepoOutcome]:
    """Audit every (index, entry) in up to `jobs` worker processes; results in list order.

    A worker runs one repository at a time. One that outlives `options.repo_timeout` is killed with
    every process it started (a git clone) and its repository becomes an error row; one that dies
    costs only its repository. `locations` maps an index to where the repository is when that is
    not the entry itself; `worker` (a module-level function, as `audit_one`) is what a process runs.
    """
    locations = locations or {}
    out_dir.mkdir(parents=True, exist_ok=True)
    seed = _builtin_rules()
    pending = list(reversed(items))
    idle: list[_Worker] = []
    busy: list[_Worker] = []
    done: dict[int, RepoOutcome] = {}
    try:
        while pending or busy:
            while pending and len(busy) < jobs:
                index, entry = pending.pop()
                runner = idle.pop() if idle else _Worker(worker, seed)
                runner.start(index, entry, (str(out_dir), options, locations.get(index)), options.repo_timeout)
                busy.append(runner)
            _wait(busy)
            for runner in list(busy):
                outcome = runner.outcome()
                if outcome is None:
                    continue
                busy.remove(runner)
                if runner.usable:
                    idle.append(runner)
                else:
                    runner.stop()
                done[outcome.index] = outcome
                if on_done is not None:
                    on_done(outcome)
    finally:  # normally only idle workers are left; after an interruption, busy ones too
        for runner in idle + busy:
            runner.stop()
    return [done[index] for index, _entry in items]


def _serve(conn: Any, worker: Callable[..., dict[str, Any]], seed: list[Any] | None) -> None:
    """A worker process: audit each task the pipe brings until the pipe closes."""
    if hasattr(os, "setpgrp"):
        os.setpgrp()  # a group of its own: a timeout kills the git processes it started with it
    _seed_rules(seed)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        conn.send(worker(*task))


class _Worker:
    """One worker process fed one repository at a time through a pipe, so its deadline is known."""

    def __init__(self, worker: Callable[..., dict[str, Any]], seed: list[Any] | None) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, worker, seed), daemon=True)
        self.process.start()
        child.close()
        self.task: tuple[int, str] | None = None
        self.timeout = self.deadline = 0.0
        self.usable = True

    def start(self, index: int, entry: str, args: tuple[Any, ...], timeout: float) -> None:
        self.task, self.timeout, self.deadline = (index, entry), timeout, time.monotonic() + timeout
        try:
            self.conn.send((index, entry, *args))
        except OSError:  # it died while idle: outcome() reports the repository as lost with it
            self.usable = False

    def waitables(self) -> list[Any]:
        return [self.conn, self.process.sentinel]

    def outcome(self) -> RepoOutcome | None:
        """The repository's outcome once it is done, lost with the process or out of time; None meanwhile."""
        assert self.task is not None
        index, entry = self.task
        if self.usable and self.conn.poll():
            try:
                result = RepoOutcome.from_dict(self.conn.recv())
            except (EOFError, OSError):
                self.usable = False
            else:
                self.task = None
                return result
        if not self.process.is_alive() or not self.usable:
            self.usable = False
            return _failed(index, entry, "the worker process died (out of memory or killed?)")
        if time.monotonic() >= self.deadline:
            self.usable = False
            return _failed(index, entry, f"timed out after {self.timeout:g}s (--repo-timeout); the audit was stopped")
        return None

    def stop(self) -> None:
        """End the process: an idle one leaves when its pipe closes; a busy one gets SIGTERM (its
        temporary clone is removed), then its whole process group gets SIGKILL."""
        self.conn.close()
        if self.task is None:
            self.process.join(KILL_GRACE_SECONDS)  # idle: it leaves when its pipe closes
        if self.task is not None or self.process.is_alive():
            if self.process.is_alive():
                self._signal(signal.SIGTERM)  # remote.cloned turns it into SystemExit: the clone is removed
                self.process.join(KILL_GRACE_SECONDS)
            self._signal(signal.SIGKILL)  # the whole group: a git clone outliving the worker too
        self.process.join()

    def _signal(self, signum: int) -> None:
        try:
            if hasattr(os, "killpg"):
                assert self.process.pid is not None  # started in __init__
                os.killpg(self.process.pid, signum)
            else:
                self.process.terminate() if signum == signal.SIGTERM else self.process.kill()
        except (ProcessLookupError, PermissionError):
            pass  # already gone


def _wait(busy: list[_Worker]) -> None:
    """Until a busy worker answers, dies or reaches its deadline."""
    timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
    multiprocessing.connection.wait([x for w in busy for x in w.waitables()], timeout=timeout)


def _failed(index: int, entry: str, error: str) -> RepoOutcome:
    return RepoOutcome(
        index=index,
        entry=shown_entry(entry),
        name=entry_name(entry),
        slug=entry_slug(entry),
        error=error,
    )


def category_ids() -> list[str]:
    return [c.value for c in Category]


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
