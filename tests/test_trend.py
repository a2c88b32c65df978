"""`vana-audit scan --record` then `vana-audit trend`: history for scheduled audits (issue 6, item 3)."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.fixtures.gitrepo import commit, git, make_repo
from tests.fixtures.repos import MATURE_CI
from vana_audit import store
from vana_audit.cli import main

DEPENDABOT = "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n    schedule: {interval: weekly}\n"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def released_repo(tmp_path: Path) -> Path:
    """Three releases: v1.0.0 bare, v1.1.0 adds CI and Dependabot, v1.2.0 drops Dependabot again."""
    root = make_repo(tmp_path / "lib", {"README.md": "# Lib\n\nA library.\n", "pyproject.toml": "[project]\nname='lib'\n",
                                         "tests/test_lib.py": "def test_lib():\n    pass\n"},
                     date="2025-03-01T10:00:00+00:00")
    git(root, "tag", "v1.0.0")
    commit(root, {".github/workflows/ci.yml": MATURE_CI, ".github/dependabot.yml": DEPENDABOT},
           "ci: add pipeline", "2025-04-01T10:00:00+00:00")
    git(root, "tag", "-a", "v1.1.0", "-m", "release 1.1.0", env={"GIT_COMMITTER_DATE": "2025-04-02T08:30:00+02:00"})
    (root / ".github/dependabot.yml").unlink()
    commit(root, {}, "chore: drop dependabot", "2025-05-01T10:00:00+00:00")
    git(root, "tag", "v1.2.0")
    git(root, "tag", "v1.3.0-rc1")  # a pre-release: not backfilled
    return root


def test_record_twice_then_trend_flags_the_drop(tmp_path: Path):
    db = tmp_path / "h.sqlite3"
    root = make_repo(tmp_path / "svc", {"README.md": "# Svc\n\nThe service.\n", "tests/test_svc.py": "def test():\n    pass\n",
                                        ".github/workflows/ci.yml": MATURE_CI})
    first = run("scan", str(root), "--record", "--db", str(db), "--format", "json", "-q")
    assert first.exit_code == 0, first.output
    (root / ".github/workflows/ci.yml").unlink()
    commit(root, {}, "ci: remove", "2025-10-02T12:00:00+00:00")
    assert run("scan", str(root), "--record", "--db", str(db), "-q").exit_code == 0
    key = str(root.resolve())
    points = store.history(db, key)
    assert len(points) == 2 and points[1].overall < points[0].overall
    result = run("trend", str(root), "--db", str(db), "-q")
    assert result.exit_code == 0, result.output
    assert "Security" in result.output and "Overall" in result.output
    assert f"{points[1].overall:.2f}▼" in result.output
    assert "Regressions (" in result.output and "Overall" in result.output
    gated = CliRunner().invoke(main, ["trend", str(root), "--db", str(db), "--fail-on-regression", "-q"])
    assert gated.exit_code == 1


def test_database_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    db = tmp_path / "env.sqlite3"
    monkeypatch.setenv("VANA_AUDIT_DB", str(db))
    root = make_repo(tmp_path / "r", {"README.md": "# R\n"})
    assert run("scan", str(root), "--record", "--repo-key", "team/r", "-q").exit_code == 0
    assert store.trend_points(db, "team/r")


def test_backfill_tags_scans_releases_from_git_objects(released_repo: Path, tmp_path: Path):
    db = tmp_path / "h.sqlite3"
    status = git(released_repo, "status", "--porcelain")
    result = run("trend", str(released_repo), "--db", str(db), "--backfill-tags", "--format", "json",
                 "--image", str(tmp_path / "trend.svg"), "-q")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [p["ref"] for p in data["points"]] == ["v1.0.0", "v1.1.0", "v1.2.0"]
    # `now` is the tag's date: the tagger date of an annotated tag, in UTC.
    assert [p["generated_at"] for p in data["points"]] == ["2025-03-01T10:00:00Z", "2025-04-02T06:30:00Z",
                                                           "2025-05-01T10:00:00Z"]
    assert all(p["origin"] == "backfill" for p in data["points"])
    overall = [p["overall"] for p in data["points"]]
    assert overall[1] > overall[0] and overall[2] < overall[1]
    assert {r["series"] for r in data["regressions"]} >= {"overall", "security"}
    assert git(released_repo, "status", "--porcelain") == status, "backfill checks nothing out"
    svg = (tmp_path / "trend.svg").read_text()
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    lines = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert {"Overall", "Security", "Build", "Test"} <= set(lines), "one line per scored category plus the overall line"
    assert "regression" in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    again = run("trend", str(released_repo), "--db", str(db), "--backfill-tags", "--format", "json", "-q")
    assert len(json.loads(again.stdout)["points"]) == 3, "backfilling twice adds nothing"


def test_tag_pattern_and_max_tags(released_repo: Path, tmp_path: Path):
    db = tmp_path / "h.sqlite3"
    result = run("trend", str(released_repo), "--db", str(db), "--backfill-tags", "--tag-pattern", "v1.*",
                 "--max-tags", "3", "--no-history", "--format", "json", "-q")
    # The newest three matching tags; v1.3.0-rc1 names the same commit at the same time as v1.2.0: stored once.
    assert [p["ref"] for p in json.loads(result.stdout)["points"]] == ["v1.1.0", "v1.2.0"]


def test_markdown_table_and_last(released_repo: Path, tmp_path: Path):
    db = tmp_path / "h.sqlite3"
    run("trend", str(released_repo), "--db", str(db), "--backfill-tags", "--no-history", "-q")
    result = run("trend", str(released_repo), "--db", str(db), "--format", "md", "--last", "2")
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("| 2025")]
    assert len(lines) == 2 and "v1.1.0" in lines[0] and "v1.2.0" in lines[1]
    assert "| Date " in result.stdout and "| Security " in result.stdout


def test_no_history_yet_explains_what_to_do(tmp_path: Path):
    root = make_repo(tmp_path / "fresh", {"README.md": "# Fresh\n"})
    result = run("trend", str(root), "--db", str(tmp_path / "h.sqlite3"))
    assert result.exit_code == 0
    assert "--backfill-tags" in result.output and "scan --record" in result.output


def test_broken_database_exits_2(tmp_path: Path):
    bogus = tmp_path / "h.sqlite3"
    bogus.write_bytes(b"\x00garbage" * 200)
    root = make_repo(tmp_path / "r", {"README.md": "# R\n"})
    result = CliRunner().invoke(main, ["scan", str(root), "--record", "--db", str(bogus), "-q"])
    assert result.exit_code == 2 and "Error:" in result.output
    result = CliRunner().invoke(main, ["trend", str(root), "--db", str(bogus)])
    assert result.exit_code == 2 and "Error:" in result.output


def test_svg_escapes_repository_names():
    from vana_audit.render.trend import render_trend_svg
    from vana_audit.store import TrendPoint

    point = TrendPoint(1, "2025-01-01T00:00:00Z", "<script>alert(1)</script>", None, 3.0, {"build": 2.0}, 1, 0, "scan")
    svg = render_trend_svg([point], title="<b>x</b>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg
    ET.fromstring(svg)
    ET.fromstring(render_trend_svg([]))


def test_reports_chart_the_recorded_trend(released_repo: Path, tmp_path: Path):
    db = tmp_path / "h.sqlite3"
    run("trend", str(released_repo), "--db", str(db), "--backfill-tags", "--no-history", "-q")
    plain = run("scan", str(released_repo), "-o", str(tmp_path / "plain.html"), "-q")
    with_history = run("scan", str(released_repo), "--db", str(db), "-o", str(tmp_path / "trend.html"),
                       "-o", str(tmp_path / "trend.md"), "-q")
    assert plain.exit_code == 0 and with_history.exit_code == 0, with_history.output
    assert "chart-trend" not in (tmp_path / "plain.html").read_text()
    assert "chart-trend" in (tmp_path / "trend.html").read_text()
    assert "2025-04-02" in (tmp_path / "trend.md").read_text(), "the backfilled v1.1.0 point is in the report"


def _read_only_argv(folder: Path, argv: list[str]) -> list[str] | None:
    """argv running `argv` with `folder` read-only: a read-only bind mount as root (chmod does not stop
    root), the folder and its files chmod'ed otherwise; None when neither can be arranged."""
    if os.geteuid() != 0:
        for path in [*folder.iterdir(), folder]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        return argv
    if not shutil.which("unshare"):
        return None
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && touch "$0/probe" 2>/dev/null && exit 99; exec "$@"'
    probe = subprocess.run(["unshare", "-m", "sh", "-c", script, str(folder), "true"], capture_output=True)
    return ["unshare", "-m", "sh", "-c", script, str(folder), *argv] if probe.returncode == 0 else None


def test_trend_reads_a_history_database_on_a_read_only_mount(tmp_path: Path):
    root = make_repo(tmp_path / "svc", {"README.md": "# Svc\n\nThe service.\n"})
    db = tmp_path / "ro" / "h.sqlite3"
    assert run("scan", str(root), "--record", "--db", str(db), "--no-history", "-q").exit_code == 0
    assert sorted(p.name for p in db.parent.iterdir()) == ["h.sqlite3"], "no -wal/-shm left to read through"
    argv = _read_only_argv(db.parent, [sys.executable, "-m", "vana_audit", "trend", str(root), "--db", str(db),
                                       "--format", "json"])
    if argv is None:
        pytest.skip("cannot make a read-only folder here")
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=Path(__file__).parent.parent)
    finally:
        db.parent.chmod(0o755)
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["points"]) == 1


def test_reading_the_history_opens_the_database_read_only(tmp_path: Path):
    root = make_repo(tmp_path / "svc", {"README.md": "# Svc\n\nThe service.\n"})
    db = tmp_path / "h.sqlite3"
    assert run("scan", str(root), "--record", "--db", str(db), "--no-history", "-q").exit_code == 0
    with closing(store.connect_readonly(db)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM scans").fetchone() == (1,)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("DELETE FROM scans")


def test_backfill_progress_is_for_a_terminal_only(released_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """On a pipe (CliRunner's stderr is one) the per-tag progress prints nothing, the summary stays; on a
    terminal each tag is one line rewritten in place and erased at the end."""
    piped = run("trend", str(released_repo), "--db", str(tmp_path / "a.sqlite3"), "--backfill-tags")
    assert piped.exit_code == 0, piped.output
    assert "scanning tag" not in piped.stderr and "backfilled 3 tag(s)" in piped.stderr

    import io

    from vana_audit import progress as progress_module

    screen = io.StringIO()
    monkeypatch.setattr("vana_audit.commands.trend_cmd.progress_for",
                        lambda quiet: None if quiet else progress_module.TerminalProgress(screen))
    shown = run("trend", str(released_repo), "--db", str(tmp_path / "b.sqlite3"), "--backfill-tags")
    assert shown.exit_code == 0
    text = screen.getvalue()
    assert "\r\x1b[K… [1/3] scanning tag v1.0.0" in text and text.endswith("\r\x1b[K")
