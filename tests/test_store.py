"""The SQLite history behind `scan --record` and `trend` (issue 6, item 3)."""
from __future__ import annotations

import multiprocessing
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from tests.fixtures.gitrepo import git, make_repo
from vana_audit import store
from vana_audit.model import Category
from vana_audit.scan import scan

WRITES_PER_PROCESS = 40


@pytest.fixture(scope="module")
def small_result(tmp_path_factory: pytest.TempPathFactory):
    root = make_repo(tmp_path_factory.mktemp("store") / "svc", {"README.md": "# Svc\n\nA service.\n",
                                                                "tests/test_a.py": "def test_a():\n    pass\n"})
    return scan(root, now="2025-10-20T12:00:00Z", with_history=False)


def _writer(db: str, result, worker: int, barrier) -> None:  # type: ignore[no-untyped-def]
    barrier.wait()  # both processes start writing at the same moment
    for i in range(WRITES_PER_PROCESS):
        stamp = f"2025-{worker + 1:02d}-01T00:{i // 60:02d}:{i % 60:02d}Z"
        store.record(Path(db), replace(result, generated_at=stamp), "repo")


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path, small_result):
    db = tmp_path / "history.sqlite3"
    # forkserver, not fork: a pytest-xdist worker runs threads, and a forked copy of it can deadlock
    ctx = multiprocessing.get_context("forkserver")
    barrier = ctx.Barrier(2)
    workers = [ctx.Process(target=_writer, args=(str(db), small_result, w, barrier)) for w in range(2)]
    for proc in workers:
        proc.start()
    for proc in workers:
        proc.join(timeout=120)
        assert proc.exitcode == 0
    points = store.history(db, "repo")
    assert len(points) == 2 * WRITES_PER_PROCESS
    assert all(len(p.categories) == 8 for p in points), "every scan row has its category rows"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT COUNT(*) FROM category_scores").fetchone()[0] == 16 * WRITES_PER_PROCESS


def test_record_and_read_back(tmp_path: Path, small_result):
    db = tmp_path / "deep" / "dir" / "h.sqlite3"
    scan_id = store.record(db, small_result, "acme/svc")
    assert scan_id is not None
    assert store.record(db, small_result, "acme/svc") is None, "the same commit at the same time is stored once"
    (point,) = store.history(db, "acme/svc")
    assert point.overall == small_result.score.overall
    assert point.categories["test"] == small_result.category(Category.TEST).score
    assert point.head_sha == small_result.target.head_sha and point.origin == "scan"
    assert store.trend_points(db, "acme/svc") == [("2025-10-20T12:00:00Z", small_result.score.overall)]
    assert store.trend_points(db, "someone/else") == []
    assert store.repo_keys(db) == [("acme/svc", 1, "2025-10-20T12:00:00Z")]


def test_reading_a_missing_database_creates_nothing(tmp_path: Path):
    assert store.trend_points(tmp_path / "none.sqlite3", "x") == []
    assert not (tmp_path / "none.sqlite3").exists()


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path, small_result):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("this is not sqlite " * 100)
    with pytest.raises(store.StoreError, match="notes.txt"):
        store.record(bogus, small_result, "x")


def test_a_newer_schema_is_refused(tmp_path: Path, small_result):
    db = tmp_path / "h.sqlite3"
    store.record(db, small_result, "x")
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(store.StoreError, match="newer vana-audit"):
        store.history(db, "x")


@pytest.mark.parametrize("url, key", [
    ("https://x-access-token:ghs_SECRET@github.com/Acme/API.git", "https://github.com/Acme/API"),
    ("git@github.com:acme/api.git", "ssh://github.com/acme/api"),
    ("ssh://git@gitlab.example.com:2222/group/sub/repo.git/", "ssh://gitlab.example.com:2222/group/sub/repo"),
    ("file:///srv/git/repo.git", "file:///srv/git/repo"),
])
def test_repository_keys_drop_credentials(url: str, key: str):
    assert store.normalise_url(url) == key


def test_repository_key_is_the_origin_remote_else_the_path(tmp_path: Path):
    root = make_repo(tmp_path / "r", {"README.md": "# r\n"})
    assert store.repo_key_for(root) == str(root.resolve())
    git(root, "remote", "add", "origin", "https://user:token@github.com/acme/r.git")
    assert store.repo_key_for(root) == "https://github.com/acme/r"
    assert store.repo_key_for(root, url="git@github.com:acme/other.git") == "ssh://github.com/acme/other"


def test_default_database_lives_in_the_user_data_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert store.default_db_path() == tmp_path / "data" / "vana-audit" / "history.sqlite3"
