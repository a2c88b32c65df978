"""`vana-audit batch`: an organisation's repositories audited in parallel (issue 6, item 4)."""
from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.fixtures.repos import build_mature_repo, build_readme_only, build_seed_replica
from tests.fixtures.silent_server import silent_server
from vana_audit.batch import BatchOptions, audit_one, parse_shard, read_list, run_batch, select_shard
from vana_audit.cli import main

SECRET = "s3cr3t-t0ken"


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An organisation: three repositories, a missing one, a clonable URL and an unreachable one."""
    root = tmp_path_factory.mktemp("org")
    build_mature_repo(root / "repos" / "acme-api")
    build_seed_replica(root / "repos" / "vana")
    build_readme_only(root / "repos" / "<b>notes</b>")
    (root / "repos.txt").write_text(
        "# the organisation's repositories\n"
        "repos/acme-api\n"
        "repos/vana\n"
        "\n"
        "repos/<b>notes</b>\n"
        "repos/gone\n"
        f"file://{root}/repos/acme-api\n"
        f"https://ci-bot:{SECRET}@127.0.0.1:9/acme/private.git\n")
    return root


@pytest.fixture(scope="module")
def org_batch(org: Path) -> tuple[Path, Any]:
    out = org / "out"
    result = CliRunner().invoke(main, ["batch", str(org / "repos.txt"), "--jobs", "2", "-o", str(out)])
    return out, result


def test_batch_audits_everything_and_survives_failures(org_batch):
    out, result = org_batch
    assert result.exit_code == 0, result.output + result.stderr
    board = json.loads((out / "leaderboard.json").read_text())
    assert board["summary"] == {**board["summary"], "repositories": 6, "audited": 4, "failed": 2}
    ranked = [r for r in board["repositories"] if r["rank"]]
    assert [r["rank"] for r in ranked] == [1, 2, 3, 4]
    assert [r["overall"] for r in ranked] == sorted((r["overall"] for r in ranked), reverse=True)
    assert ranked[-1]["entry"] == "repos/<b>notes</b>", "a README-only repository ranks last"
    assert ranked[-1]["name"] == "b>", "named by its folder (the list's line is the entry)"
    failed = {r["entry"]: r["error"] for r in board["repositories"] if r["rank"] is None}
    assert failed["repos/gone"] == "path does not exist: repos/gone"
    assert "cannot clone https://127.0.0.1:9/acme/private.git" in failed["https://127.0.0.1:9/acme/private.git"]


def test_a_git_url_is_cloned_and_scanned_like_the_path(org_batch):
    out, _ = org_batch
    board = json.loads((out / "leaderboard.json").read_text())
    by_entry = {r["entry"]: r for r in board["repositories"]}
    cloned = next(r for entry, r in by_entry.items() if entry.startswith("file://") and entry.endswith("repos/acme-api"))
    assert cloned["overall"] == by_entry["repos/acme-api"]["overall"]
    assert cloned["head_sha"] == by_entry["repos/acme-api"]["head_sha"]
    assert cloned["name"] == by_entry["repos/acme-api"]["name"] == "acme-api", "both named by the repository"


def test_each_repository_gets_its_reports(org_batch):
    out, _ = org_batch
    board = json.loads((out / "leaderboard.json").read_text())
    for repo in board["repositories"]:
        if repo["rank"] is None:
            assert repo["reports"] == {}
            continue
        report = json.loads((out / repo["reports"]["json"]).read_text())
        assert report["score"]["overall"] == repo["overall"]
        assert (out / repo["reports"]["md"]).read_text().startswith("# ")


def test_leaderboard_names_the_weakest_categories(org_batch):
    out, _ = org_batch
    board = json.loads((out / "leaderboard.json").read_text())
    means = [c["mean"] for c in board["categories"] if c["mean"] is not None]
    assert means == sorted(means), "weakest category first"
    weakest = board["categories"][0]
    md = (out / "leaderboard.md").read_text()
    assert "## Weakest categories across the organisation" in md
    assert md.index(weakest["name"].replace("&", "&amp;")) < md.index("## Ranking")
    assert "## Repositories that could not be audited" in md and "`repos/gone`" in md
    assert board["common_failures"][0]["repos"] >= board["common_failures"][-1]["repos"]


def test_html_leaderboard_is_escaped_and_self_contained(org_batch):
    out, _ = org_batch
    page = (out / "leaderboard.html").read_text()
    assert "<b>notes</b>" not in page and "&lt;b&gt;notes&lt;/b&gt;" in page
    assert "<script" not in page and "src=" not in page and "http://" not in page and "https://127" in page
    assert '<a href="reports/' in page


def test_credentials_in_urls_never_reach_the_output(org, org_batch):
    out, result = org_batch
    assert SECRET not in result.stderr + result.stdout
    for path in out.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(errors="replace"), path


def test_progress_lines_in_a_log(org_batch):
    _, result = org_batch
    assert "[6/6]" in result.stderr and "FAILED: path does not exist" in result.stderr


def test_fail_on_error(org: Path, tmp_path: Path):
    listing = tmp_path / "list.txt"
    listing.write_text(f"{org}/repos/vana\n{org}/repos/nowhere\n")
    result = CliRunner().invoke(main, ["batch", str(listing), "-o", str(tmp_path / "o"), "--fail-on-error", "-q",
                                       "--no-history"])
    assert result.exit_code == 1


def test_progress_bar_on_a_terminal(org: Path, tmp_path: Path):
    listing = tmp_path / "list.txt"
    listing.write_text(f"{org}/repos/vana\n{org}/repos/acme-api\n")
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "vana_audit", "batch", str(listing), "-o", str(tmp_path / "o"),
                             "--no-history"], stdout=subprocess.DEVNULL, stderr=slave, cwd=tmp_path)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert proc.wait(timeout=60) == 0
    text = seen.decode("utf-8", "replace")
    assert "auditing 2 repositories" in text and "0/2" in text and "2/2" in text and "[####" in text


def test_list_file_rules():
    assert read_list("# c\n\n  a  \nhttps://x/y.git\n#b\n") == ["a", "https://x/y.git"]


def test_shards_are_balanced_disjoint_and_complete():
    entries = [f"repo{i}" for i in range(11)]
    shards = [select_shard(entries, (i, 4)) for i in range(4)]
    assert sorted(i for shard in shards for i, _ in shard) == list(range(11))
    assert {len(s) for s in shards} <= {2, 3}
    assert select_shard(entries, (1, 4)) == [(1, "repo1"), (5, "repo5"), (9, "repo9")]
    assert parse_shard("2/4") == (2, 4)
    for bad in ("4/4", "x", "1/0", "-1/3"):
        with pytest.raises(ValueError):
            parse_shard(bad)


def test_bad_shard_is_a_usage_error(org: Path, tmp_path: Path):
    result = CliRunner().invoke(main, ["batch", str(org / "repos.txt"), "-o", str(tmp_path), "--shard", "4/4"])
    assert result.exit_code == 2 and "--shard" in result.output


def test_shard_counts_are_bounded(org: Path, tmp_path: Path):
    """`--shard 0/10^26` once grew to 15 GB listing the missing shards."""
    assert parse_shard("9999/10000") == (9999, 10000)
    for bad in ("0/" + "1" + "0" * 26, "0/10001", "10000/10000", "0/" + "9" * 5000):
        with pytest.raises(ValueError):
            parse_shard(bad)
    result = CliRunner().invoke(main, ["batch", str(org / "repos.txt"), "-o", str(tmp_path), "--shard", "0/" + "1" + "0" * 26])
    assert result.exit_code == 2 and "--shard" in result.stderr and "10000" in result.stderr
    assert "Traceback" not in result.output and "0" * 26 not in result.output


def test_empty_list_is_a_usage_error(tmp_path: Path):
    (tmp_path / "empty.txt").write_text("# nothing yet\n")
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "empty.txt"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "lists no repository" in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_a_fifo_as_the_list_is_a_one_line_error(tmp_path: Path):
    os.mkfifo(tmp_path / "repos.txt")  # nobody writes: reading it would block forever
    proc = subprocess.run([sys.executable, "-m", "vana_audit", "batch", str(tmp_path / "repos.txt"), "-o",
                           str(tmp_path / "o")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "not a regular file" in proc.stderr


def crashing_worker(index: int, entry: str, out_dir: str, options: BatchOptions, location: str | None = None):
    """A worker that dies like an out-of-memory kill on one entry."""
    if entry.endswith("crash"):
        os._exit(137)
    return audit_one(index, entry, out_dir, options, location)


def test_a_dying_worker_costs_only_its_repository(org: Path, tmp_path: Path):
    items = [(0, str(org / "repos/vana")), (1, "will/crash"), (2, str(org / "repos/acme-api"))]
    outcomes = run_batch(items, tmp_path, 2, BatchOptions(with_history=False), worker=crashing_worker)
    assert [o.index for o in outcomes] == [0, 1, 2]
    assert outcomes[0].ok and outcomes[2].ok
    assert outcomes[1].error and "worker process died" in outcomes[1].error


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def hanging_worker(index: int, entry: str, out_dir: str, options: BatchOptions, location: str | None = None):
    """A worker that hangs on one entry and deaf to SIGTERM, with a child process of its own (a git clone's place)."""
    if entry.endswith("hang"):
        import signal
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        child = subprocess.Popen(["sleep", "600"])
        Path(out_dir, "pids").write_text(f"{os.getpid()} {child.pid}")
        while True:
            pass
    return audit_one(index, entry, out_dir, options, location)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_hung_repository_times_out_and_is_killed_with_its_children(org: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr("vana_audit.batch.KILL_GRACE_SECONDS", 1.0)
    items = [(0, str(org / "repos/vana")), (1, "will/hang"), (2, str(org / "repos/acme-api"))]
    seen = []
    outcomes = run_batch(items, tmp_path, 2, BatchOptions(with_history=False, repo_timeout=3), on_done=seen.append,
                         worker=hanging_worker)
    assert [o.index for o in outcomes] == [0, 1, 2] and outcomes[0].ok and outcomes[2].ok
    assert outcomes[1].error == "timed out after 3s (--repo-timeout); the audit was stopped"
    assert seen[-1].index == 1, "the others finished while it hung"
    worker_pid, child_pid = map(int, (tmp_path / "pids").read_text().split())
    assert not _alive(worker_pid) and not _alive(child_pid), "the worker and what it started are killed"


def test_a_silent_git_server_is_a_timeout_row_and_the_batch_goes_on(org: Path, tmp_path: Path):
    with silent_server() as url:
        (tmp_path / "list.txt").write_text(f"{url}\n{org}/repos/vana\n")
        result = CliRunner().invoke(main, ["batch", str(tmp_path / "list.txt"), "-o", str(tmp_path / "o"),
                                           "--repo-timeout", "2", "--no-history", "-q"])
    assert result.exit_code == 0, result.output
    board = json.loads((tmp_path / "o/leaderboard.json").read_text())
    rows = {r["entry"]: r for r in board["repositories"]}
    assert "timed out after 2s" in rows[url]["error"] and rows[f"{org}/repos/vana"]["rank"] == 1


def test_results_are_appended_as_each_repository_finishes(org: Path, tmp_path: Path):
    """A batch killed before its end leaves the finished repositories in results.jsonl; merge reads them."""
    with silent_server() as url:
        (tmp_path / "list.txt").write_text(f"{org}/repos/vana\n{url}\n{org}/repos/acme-api\n")
        proc = subprocess.Popen([sys.executable, "-m", "vana_audit", "batch", str(tmp_path / "list.txt"), "-o",
                                 str(tmp_path / "o"), "--no-history", "-q"], stderr=subprocess.DEVNULL)
        results = tmp_path / "o/results.jsonl"
        for _ in range(600):
            if results.exists() and results.read_text().count("\n") >= 2:
                break
            proc.poll()
            assert proc.returncode is None
            import time
            time.sleep(0.1)
        proc.kill()
        proc.wait()
    assert not (tmp_path / "o/leaderboard.json").exists()
    header, row = (json.loads(line) for line in results.read_text().splitlines()[:2])
    assert header["vana_audit_batch"]["entries"] == 3
    assert row["entry"] == f"{org}/repos/vana" and row["overall"] > 0
    result = CliRunner().invoke(main, ["merge", str(tmp_path / "o"), "-o", str(tmp_path / "merged")])
    assert result.exit_code == 0, result.output
    assert "partial run" in result.stderr and "1 of 3" in result.stderr
    board = json.loads((tmp_path / "merged/leaderboard.json").read_text())
    assert [r["entry"] for r in board["repositories"]] == [f"{org}/repos/vana"]
    assert board["list_size"] == 3
