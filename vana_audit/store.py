"""Scan history in SQLite: one row per recorded scan, one per category score.

Several jobs may record into one file at once (a nightly job overlapping a manual run, a batch):
the database runs in WAL mode with a busy timeout, and each record is one `BEGIN IMMEDIATE`
transaction, so writers queue instead of failing and nothing is lost. Reading (`trend`) opens the
file read-only, so a database on a read-only mount can be read.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from .model import ScanResult
from .secrets import redact_text

SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 60_000
DB_ENV = "VANA_AUDIT_DB"
T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repo_key TEXT NOT NULL,
    generated_at TEXT NOT NULL,          -- the scan's time, or a backfilled tag's date
    recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    ref TEXT,
    head_sha TEXT,
    overall REAL NOT NULL,
    percent REAL NOT NULL,
    level TEXT NOT NULL,
    dora_readiness INTEGER,
    dora_max INTEGER,
    failing_p0 INTEGER NOT NULL,
    origin TEXT NOT NULL,                -- 'scan' or 'backfill'
    tool_version TEXT NOT NULL,
    result_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS scans_by_repo ON scans (repo_key, generated_at);
CREATE UNIQUE INDEX IF NOT EXISTS scans_once_per_commit_time ON scans (repo_key, head_sha, generated_at)
    WHERE head_sha IS NOT NULL;
CREATE TABLE IF NOT EXISTS category_scores (
    scan_id INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    score REAL,
    PRIMARY KEY (scan_id, category)
);
"""


class StoreError(Exception):
    """The history database cannot be used (not SQLite, newer schema): exit 2."""


@dataclass(frozen=True)
class TrendPoint:
    scan_id: int
    generated_at: str
    ref: str | None
    head_sha: str | None
    overall: float
    categories: dict[str, float | None]
    dora_readiness: int | None
    failing_p0: int
    origin: str


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("vana-audit", appauthor=False)) / "history.sqlite3"


def connect(db: Path) -> sqlite3.Connection:
    """Open (creating when needed) a history database in WAL mode with a busy timeout."""
    db.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(str(db), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _use_wal(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            conn.close()
            raise StoreError(
                f"{db} was written by a newer vana-audit (schema {version}, this one knows {SCHEMA_VERSION})"
            )
        if version < SCHEMA_VERSION:
            with _transaction(conn):
                if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                    for statement in _SCHEMA.split(";\n"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot use {db} as a history database: {exc}") from exc
    return conn


def connect_readonly(db: Path) -> sqlite3.Connection:
    """Open an existing history database for reading only, so `trend` works on a read-only mount
    (where `connect` fails creating the folder, switching to WAL or writing the -shm file)."""
    uri = db.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        _check_version(conn, db)
    except sqlite3.OperationalError:
        # A WAL database whose -shm file cannot be created: read it as immutable (no locks, no WAL:
        # on a read-only mount nobody is writing it).
        conn.close()
        conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)
        _check_version(conn, db)
    return conn


def _check_version(conn: sqlite3.Connection, db: Path) -> int:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        conn.close()
        raise StoreError(f"{db} was written by a newer vana-audit (schema {version}, this one knows {SCHEMA_VERSION})")
    return version


def _reading(db: Path, query: Callable[[sqlite3.Connection], T], empty: T) -> T:
    """`query` on a read-only connection; `empty` when the database or its tables do not exist yet."""
    if not db.exists():
        return empty
    with closing(connect_readonly(db)) as conn:
        if _check_version(conn, db) < SCHEMA_VERSION:
            return empty
        return query(conn)


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, retrying while another process holds the lock: SQLite may answer "database is
    locked" at once, without waiting for the busy timeout, when two processes open a new database
    together (one creating the schema, the other changing the journal mode)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class _transaction:
    """BEGIN IMMEDIATE … COMMIT: takes the write lock up front, so a busy writer waits instead of deadlocking."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


def _store_errors(fn: Callable[..., T]) -> Callable[..., T]:
    """sqlite3's errors (a locked, read-only or foreign file) become StoreError naming the cause."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(f"history database: {exc}") from exc

    return wrapper


@_store_errors
def record(db: Path, result: ScanResult, repo_key: str, origin: str = "scan") -> int | None:
    """Store one scan; returns its id, or None when this commit at this time is already stored.

    The result is redacted again (cheap, and a no-op for a result from `scan`): a caller may have
    changed it since, as the tag backfill does when it names the ref after the tag."""
    from .redaction import redact_result
    from .render.json_out import result_to_dict

    result, repo_key = redact_result(result), redact_text(repo_key)
    readiness = result.dora.readiness
    p0 = sum(1 for f in result.findings if f.failing and f.priority.value == "P0")
    payload = json.dumps(result_to_dict(result), ensure_ascii=False, default=str, separators=(",", ":"))
    from . import __version__

    with closing(connect(db)) as conn, _transaction(conn):
        cursor = conn.execute(
            "INSERT OR IGNORE INTO scans (repo_key, generated_at, ref, head_sha, overall, percent, level, "
            "dora_readiness, dora_max, failing_p0, origin, tool_version, result_json) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                repo_key,
                result.generated_at,
                result.target.ref,
                result.target.head_sha,
                result.score.overall,
                result.score.percent,
                result.score.level,
                readiness.score,
                readiness.max,
                p0,
                origin,
                __version__,
                payload,
            ),
        )
        if cursor.rowcount == 0:
            return None
        scan_id = int(cursor.lastrowid or 0)
        conn.executemany(
            "INSERT INTO category_scores (scan_id, category, score) VALUES (?, ?, ?)",
            [(scan_id, c.category.value, c.score) for c in result.categories],
        )
        return scan_id


@_store_errors
def history(db: Path, repo_key: str) -> list[TrendPoint]:
    """Every stored scan of a repository, oldest first (a ref stored by an older version is redacted here)."""
    repo_key = redact_text(repo_key)  # as `record` stores it

    def query(conn: sqlite3.Connection) -> list[TrendPoint]:
        rows = conn.execute(
            "SELECT id, generated_at, ref, head_sha, overall, dora_readiness, failing_p0, origin FROM scans "
            "WHERE repo_key = ? ORDER BY generated_at, id",
            (repo_key,),
        ).fetchall()
        scores: dict[int, dict[str, float | None]] = {}
        for scan_id, category, score in conn.execute(
            "SELECT c.scan_id, c.category, c.score FROM category_scores c JOIN scans s ON s.id = c.scan_id "
            "WHERE s.repo_key = ?",
            (repo_key,),
        ):
            scores.setdefault(scan_id, {})[category] = score
        return [
            TrendPoint(r[0], r[1], r[2] and redact_text(r[2]), r[3], r[4], scores.get(r[0], {}), r[5], r[6], r[7])
            for r in rows
        ]

    return _reading(db, query, [])


def trend_points(db: Path, repo_key: str) -> list[tuple[str, float]]:
    """(generated_at, overall score) oldest first: what the HTML report charts."""
    return [(p.generated_at, p.overall) for p in history(db, repo_key)]


@_store_errors
def repo_keys(db: Path) -> list[tuple[str, int, str]]:
    """(repo_key, number of scans, newest generated_at) for every repository in the database."""
    return _reading(
        db,
        lambda conn: [
            (r[0], r[1], r[2])
            for r in conn.execute(
                "SELECT repo_key, COUNT(*), MAX(generated_at) FROM scans GROUP BY repo_key ORDER BY repo_key"
            )
        ],
        [],
    )


def recorded_commits(db: Path, repo_key: str) -> set[str]:
    return {p.head_sha for p in history(db, repo_key) if p.head_sha}


# -- which repository a scan belongs to ------------------------------------------------------


def normalise_url(url: str) -> str:
    """A git URL without credentials, `.git` suffix or trailing slash; scp-style becomes ssh://."""
    url = url.strip()
    scp = re.match(r"^(?:[\w.-]+@)?([\w.-]+):(?!//)(.+)$", url)
    if scp and "://" not in url:
        url = f"ssh://{scp.group(1)}/{scp.group(2).lstrip('/')}"
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.port:
        host += f":{parts.port}"
    path = re.sub(r"/+$", "", parts.path)
    path = path.removesuffix(".git")
    return urlunsplit((parts.scheme.lower(), host, path, "", ""))


def repo_key_for(path: Path, url: str | None = None) -> str:
    """A stable name for a repository across runs and checkouts.

    The URL it was cloned from when known, else its `origin` remote (read from the repository's
    configuration file as data, as the reports' name is: vana_audit.identity), else its absolute
    path. Credentials in URLs are dropped so no token reaches the database.
    """
    if url:
        return redact_text(normalise_url(url))
    from .identity import origin_url
    from .repository import find_git_dir

    git_dir, _ = find_git_dir(path)
    origin = origin_url(git_dir)
    if origin:
        return redact_text(normalise_url(origin))  # userinfo is dropped; a token in the path is redacted
    return redact_text(str(path.resolve()))


def iter_category_ids(points: list[TrendPoint]) -> Iterator[str]:
    seen: dict[str, None] = {}
    for point in points:
        for category in point.categories:
            seen.setdefault(category)
    yield from seen
