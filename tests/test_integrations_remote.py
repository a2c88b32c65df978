"""`vana-audit scan URL`: a git URL is cloned into a temporary directory and scanned (issue 6, item 4)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.fixtures.gitrepo import commit, git
from tests.fixtures.repos import build_mature_repo
from tests.fixtures.silent_server import silent_server
from vana_audit import store
from vana_audit.cli import main
from vana_audit.gitcmd import run_git
from vana_audit.remote import cloned, display_url, looks_like_url


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = build_mature_repo(tmp_path_factory.mktemp("remote") / "acme-api")
    git(root, "tag", "v1.0.0")
    commit(root, {"CHANGELOG.md": "# Changelog\n\n## 1.1.0\n- more\n"}, "docs: 1.1.0", "2025-06-10T09:00:00+00:00")
    git(root, "tag", "-a", "v1.1.0", "-m", "1.1.0")
    return root


def _clone_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("vana-audit-clone-*")}


def test_scan_a_file_url_like_the_path(origin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # a temporary folder of this test's own: other tests and processes clone into the shared one meanwhile
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = _clone_dirs()
    url = f"file://{origin}"
    by_url = CliRunner().invoke(main, ["scan", url, "--format", "json", "-q"])
    assert by_url.exit_code == 0, by_url.output
    by_path = CliRunner().invoke(main, ["scan", str(origin), "--format", "json", "-q"])
    data, local = json.loads(by_url.stdout), json.loads(by_path.stdout)
    assert data["target"]["path"] == url, "the report names the URL, not the temporary clone"
    assert data["target"]["head_sha"] == local["target"]["head_sha"]
    assert data["target"]["is_shallow"] is False, "full history: DORA estimates need it"
    assert data["score"] == local["score"]
    assert _clone_dirs() == before, "the temporary clone is removed"


def test_the_clone_has_all_history_and_tags(origin: Path):
    with cloned(f"file://{origin}") as root:
        count = run_git(root / ".git", "rev-list", "--count", "HEAD").decode().strip()
        tags = run_git(root / ".git", "tag", "--list").decode().split()
        assert count == git(origin, "rev-list", "--count", "HEAD").strip()
        assert tags == ["v1.0.0", "v1.1.0"]
        kept = root
    assert not kept.exists()


def test_record_by_url_keys_history_by_the_url(origin: Path, tmp_path: Path):
    db = tmp_path / "h.sqlite3"
    result = CliRunner().invoke(main, ["scan", f"file://{origin}/", "--record", "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    assert store.trend_points(db, f"file://{origin}")


def test_scan_a_ref_of_a_url(origin: Path):
    result = CliRunner().invoke(main, ["scan", f"file://{origin}", "--ref", "v1.0.0", "--format", "json", "-q"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["target"]["ref"] == "v1.0.0"


def test_an_unreachable_url_is_a_clear_error_without_credentials():
    result = CliRunner().invoke(main, ["scan", "https://ci-bot:hunter2-token@127.0.0.1:9/acme/api.git"])
    assert result.exit_code == 2
    assert "cannot clone https://127.0.0.1:9/acme/api.git" in result.output
    assert "hunter2" not in result.output and "ci-bot" not in result.output


@pytest.mark.parametrize("target, is_url", [
    ("https://github.com/acme/api.git", True), ("ssh://git@host:2222/a/b", True), ("git@github.com:acme/api.git", True),
    ("file:///srv/repo", True), ("git://host/repo", True), (".", False), ("repos/api", False), ("/abs/path", False),
    ("C:/not/a/url", False),
])
def test_what_counts_as_a_url(target: str, is_url: bool):
    assert looks_like_url(target) is is_url


def test_display_url_drops_credentials():
    assert display_url("https://user:pw@example.com:8443/a.git") == "https://example.com:8443/a.git"
    assert display_url("git@github.com:acme/api.git") == "github.com:acme/api.git"
    assert display_url("https://example.com/a.git") == "https://example.com/a.git"


def test_a_server_that_never_answers_fails_within_the_clone_timeout():
    with silent_server() as url:  # the server never closes: only the clone timeout ends the scan
        result = CliRunner().invoke(main, ["scan", url, "--clone-timeout", "2", "-q"])
    assert result.exit_code == 2
    assert result.output == f"Error: cloning {url} timed out after 2s\n"


def test_sigterm_removes_the_temporary_clone(tmp_path: Path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    with silent_server() as url:
        proc = subprocess.Popen([sys.executable, "-m", "vana_audit", "scan", url, "-q"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while not list(tmp_path.glob("vana-audit-clone-*/*")) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert list(tmp_path.glob("vana-audit-clone-*")), "the clone has started"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM and b"Traceback" not in err
    assert list(tmp_path.glob("vana-audit-clone-*")) == [], "the temporary clone is removed"
