"""`batch --shard I/N` on several machines, then `vana-audit merge` (issue 6, item 4)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.fixtures.gitrepo import make_repo
from vana_audit.cli import main
from vana_audit.leaderboard import validate

VARIANTS = [
    {"README.md": "# A\n\nService A.\n"},
    {"README.md": "# B\n\nService B.\n", "tests/test_b.py": "def test_b():\n    pass\n"},
    {"README.md": "# C\n\nService C.\n", "SECURITY.md": "# Security\n\nMail us.\n", "CHANGELOG.md": "# Changes\n"},
    {"README.md": "# D\n\nService D.\n", ".github/dependabot.yml": "version: 2\nupdates: []\n"},
    {"README.md": "# E\n\nService E.\n", "Makefile": "test:\n\tpytest\n"},
]


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("shards")
    for i, files in enumerate(VARIANTS):
        make_repo(root / f"svc-{i}", files)
    (root / "repos.txt").write_text("\n".join(f"svc-{i}" for i in range(len(VARIANTS))) + "\nsvc-missing\n")
    runner = CliRunner()
    for shard in range(3):
        result = runner.invoke(main, ["batch", str(root / "repos.txt"), "--shard", f"{shard}/3", "-o",
                                      str(root / f"shard-{shard}"), "--jobs", "2", "--no-history", "-q"])
        assert result.exit_code == 0, result.output
    full = runner.invoke(main, ["batch", str(root / "repos.txt"), "-o", str(root / "full"), "--jobs", "2",
                                "--no-history", "-q"])
    assert full.exit_code == 0
    return root, root / "full"


def _ranking(board: dict) -> list[tuple]:
    return [(r["rank"], r["entry"], r["overall"], r["error"], tuple(sorted(r["categories"].items())))
            for r in board["repositories"]]


def test_shards_merge_into_the_same_leaderboard_as_one_run(sharded):
    root, full = sharded
    shard_boards = [json.loads((root / f"shard-{i}/leaderboard.json").read_text()) for i in range(3)]
    assert [b["summary"]["repositories"] for b in shard_boards] == [2, 2, 2]
    result = CliRunner().invoke(main, ["merge", *(str(root / f"shard-{i}") for i in range(3)), "-o", str(root / "merged")])
    assert result.exit_code == 0, result.output
    assert "partial run" not in result.stderr, "a finished batch's results.jsonl agrees with its leaderboard"
    merged = json.loads((root / "merged/leaderboard.json").read_text())
    whole = json.loads((full / "leaderboard.json").read_text())
    assert _ranking(merged) == _ranking(whole)
    assert merged["categories"] == whole["categories"]
    assert merged["missing_shards"] == [] and len(merged["shards"]) == 3
    for repo in merged["repositories"]:
        for path in repo["reports"].values():
            assert (root / "merged" / path).is_file(), "every shard's reports are copied"
    ranking_rows = re.findall(r"^\| \d+ \| svc-\d ", (root / "merged/leaderboard.md").read_text(), re.MULTILINE)
    assert len(ranking_rows) == 5
    assert "svc-missing" in (root / "merged/leaderboard.html").read_text()


def test_a_missing_shard_is_named(sharded):
    root, _ = sharded
    result = CliRunner().invoke(main, ["merge", str(root / "shard-0"), str(root / "shard-2"), "-o", str(root / "partial")])
    assert result.exit_code == 0
    assert "no output for shard(s) 1/3" in result.stderr
    assert "MISSING: 1/3" in (root / "partial/leaderboard.md").read_text()


def test_merging_twice_keeps_one_copy_of_each_repository(sharded):
    root, _ = sharded
    result = CliRunner().invoke(main, ["merge", str(root / "shard-0"), str(root / "shard-0"), "-o", str(root / "twice"),
                                       "--no-reports"])
    assert result.exit_code == 0
    board = json.loads((root / "twice/leaderboard.json").read_text())
    assert board["summary"]["repositories"] == 2
    assert not (root / "twice/reports").exists()


def test_a_directory_without_a_leaderboard_is_a_usage_error(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["merge", str(tmp_path / "empty"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "holds no leaderboard.json" in result.output
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad/leaderboard.json").write_text("{not json")
    result = CliRunner().invoke(main, ["merge", str(tmp_path / "bad"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "is not a vana-audit leaderboard" in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_a_fifo_as_the_leaderboard_is_a_one_line_error(tmp_path: Path):
    (tmp_path / "shard").mkdir()
    os.mkfifo(tmp_path / "shard/leaderboard.json")  # nobody writes: reading it would block forever
    proc = subprocess.run([sys.executable, "-m", "vana_audit", "merge", str(tmp_path / "shard"), "-o",
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "not a regular file" in proc.stderr


def test_every_leaderboard_batch_and_merge_write_matches_the_schema(sharded):
    root, full = sharded
    for board in [full / "leaderboard.json", *(root / f"shard-{i}/leaderboard.json" for i in range(3))]:
        validate(json.loads(board.read_text()))


@pytest.mark.parametrize("change, path", [
    (lambda b: b["shards"].append({"index": 0, "count": 10 ** 26, "entries": 1}), "$.shards[1].count: fails maximum 10000"),
    (lambda b: b["repositories"][0].update(index="SECRET-CONTENT"), "$.repositories[0].index: should be integer"),
    (lambda b: b["repositories"][1]["reports"].update(md="../../SECRET-CONTENT"), "$.repositories[1].reports.md"),
    (lambda b: b["repositories"][0]["categories"].update({"SECRET CONTENT\n": "x"}), "$.repositories[0].categories[*]"),
    (lambda b: b.pop("repositories"), "$: missing repositories"),
])
def test_a_leaderboard_off_the_schema_is_a_one_line_error_naming_the_path(sharded, tmp_path: Path, change, path):
    root, _ = sharded
    board = json.loads((root / "shard-1/leaderboard.json").read_text())
    change(board)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad/leaderboard.json").write_text(json.dumps(board))
    result = CliRunner().invoke(main, ["merge", str(tmp_path / "bad"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and str(tmp_path / "bad/leaderboard.json") in result.stderr
    assert path in result.stderr and "SECRET" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_partial_run_is_read_from_results_jsonl_and_checked_like_a_leaderboard(sharded, tmp_path: Path):
    root, _ = sharded
    lines = (root / "shard-0/results.jsonl").read_text().splitlines()
    assert len(lines) == 3, "a header and one line a repository"
    (tmp_path / "killed").mkdir()
    (tmp_path / "killed/results.jsonl").write_text(lines[0] + "\n" + lines[1] + "\n" + lines[2][:40])
    result = CliRunner().invoke(main, ["merge", str(tmp_path / "killed"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0 and "partial run (killed?): 1 of 2 repositories" in result.stderr
    assert json.loads((tmp_path / "out/leaderboard.json").read_text())["summary"]["repositories"] == 1
    row = json.loads(lines[1]) | {"seconds": "SECRET-CONTENT"}
    (tmp_path / "killed/results.jsonl").write_text(lines[0] + "\n" + json.dumps(row) + "\n")
    result = CliRunner().invoke(main, ["merge", str(tmp_path / "killed"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "SECRET" not in result.stderr
    assert "results.jsonl is not a vana-audit batch results file: line 2: $.seconds: should be number" in result.stderr
