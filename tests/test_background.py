"""Background: the history analysis runs in a forked child; any failure there is recomputed, never lost."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fixtures.gitrepo import commit, git, make_repo
from vana_audit import background
from vana_audit.background import Background
from vana_audit.engine import RuleLoadError
from vana_audit.scan import scan

# Forking needs Linux and a process with no other thread: plain `pytest` qualifies, a pytest-xdist
# worker (execnet runs threads) does not, and there the work runs inline: the last test of this file
# then runs these in a child pytest that forks.
forking = pytest.mark.skipif(not background.forks(),
                             reason="this process does not fork (threaded: run in a child pytest below, or not Linux)")


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@forking
def test_the_function_runs_in_another_process_and_its_value_comes_back() -> None:
    job = Background(lambda: (os.getpid(), {"deployments": [1, 2, 3]}))
    pid, value = job.result()
    assert pid != os.getpid()
    assert value == {"deployments": [1, 2, 3]}
    assert _no_children_left()


def test_without_fork_the_function_runs_here_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background, "_CAN_FORK", False)
    calls = []
    job = Background(lambda: calls.append(os.getpid()) or "done")
    assert calls == []  # nothing ran before the result was asked for
    assert job.result() == "done"
    assert calls == [os.getpid()]


@forking
def test_a_failure_in_the_child_is_recomputed_in_the_parent() -> None:
    parent = os.getpid()

    def flaky() -> str:
        if os.getpid() != parent:
            raise MemoryError("only in the child")
        return "from the parent"

    assert Background(flaky).result() == "from the parent"
    assert _no_children_left()


@forking
def test_a_child_that_dies_without_an_answer_is_recomputed() -> None:
    parent = os.getpid()

    def dies() -> str:
        if os.getpid() != parent:
            os._exit(0)  # killed, out of memory, ... : no payload at all
        return "recomputed"

    assert Background(dies).result() == "recomputed"


@forking
def test_cancel_stops_and_reaps_the_child() -> None:
    import time

    job = Background(lambda: time.sleep(30))
    job.cancel()
    assert _no_children_left()


@forking
def test_a_scan_that_fails_after_forking_leaves_no_child(tmp_path: Path, seed_repo: Path) -> None:
    broken = tmp_path / "rules"
    broken.mkdir()
    (broken / "bad.yaml").write_text("rules: [{id: X-1}]\n")
    config = tmp_path / "config.yml"
    config.write_text(f"rules_dirs: [{broken}]\n")
    with pytest.raises(RuleLoadError):
        scan(seed_repo, config_path=config)
    assert _no_children_left()


def test_history_problems_from_the_child_reach_the_result(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"README.md": "# app\n"})
    for day in range(2, 6):
        commit(repo, {"app.py": f"V = {day}\n"}, f"change {day}", f"2025-10-0{day}T12:00:00+00:00")
    sha = git(repo, "rev-parse", "HEAD~2").strip()
    (repo / ".git" / "objects" / sha[:2] / sha[2:]).unlink()  # git log stops there
    result = scan(repo, now="2025-11-01T00:00:00Z")
    assert [p.message for p in result.problems if p.path == ".git" and "git log stopped early" in p.message]


@forking
def test_forked_and_inline_scans_give_the_same_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vana_audit.render.json_out import result_to_dict

    outside = tmp_path / "outside.txt"
    outside.write_text("not part of the repository\n")
    repo = make_repo(tmp_path / "repo", {
        "README.md": "# app\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n",
        "deploy/key.pem": "-----BEGIN " + "PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END " + "PRIVATE KEY-----\n",
    })
    (repo / "notes.txt").symlink_to(outside)  # read by the secret scan: a problem, in either process
    for day in range(2, 5):
        commit(repo, {"app.py": f"V = {day}\n"}, f"feat: change {day}", f"2025-10-0{day}T12:00:00+00:00")
    git(repo, "tag", "v1.0.0")
    forked = result_to_dict(scan(repo, now="2025-11-01T00:00:00Z"))
    monkeypatch.setattr(background, "_CAN_FORK", False)
    inline = result_to_dict(scan(repo, now="2025-11-01T00:00:00Z"))
    assert forked == inline
    assert any(p["path"] == "notes.txt" for p in forked["problems"])
    assert forked["dora"]["readiness"] is not None
    assert [f for f in forked["findings"] if f["rule_id"] == "SEC-003" and f["outcome"] == "fail"]


def test_a_process_running_other_threads_does_not_fork() -> None:
    import threading

    release = threading.Event()
    other = threading.Thread(target=release.wait, daemon=True)
    other.start()
    try:
        assert Background(os.getpid).result() == os.getpid()  # ran here: no child inherits held locks
    finally:
        release.set()
        other.join()


@pytest.mark.skipif(background.forks(), reason="this process forks: the forking tests above ran in it")
def test_the_forking_tests_pass_in_a_process_that_forks() -> None:
    """A pytest-xdist worker runs threads, so it does not fork and skips the tests marked `forking`;
    they run here instead, in a plain single-threaded pytest (`-n 0`), and none may be skipped there."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
                          str(Path(__file__).resolve())],
                         cwd=root, capture_output=True, text=True, timeout=600, check=False)
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "1 skipped" in summary and "failed" not in summary, summary  # only this test is skipped there
