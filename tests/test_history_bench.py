"""The benchmark's generated history, small: it still builds, and reads as generated."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from vana_audit.history import analyse_history

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_history.py"


def test_generated_history_reads_as_generated(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_history", BENCH)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    # 600 commits 90 minutes apart (37.5 days, all inside the 90-day window), a tag every 50 commits
    git = bench.build_repository(tmp_path / "repo", 600, 12)
    problems: list = []
    history = analyse_history(git, problems=problems)
    assert problems == []
    assert history.commit_count == 600
    assert history.tag_counts.semver == 12
    assert history.estimates["deployments"] == 12
    # every merged branch is two commits made 3 h and 1.5 h before its merge
    assert history.short_lived_branch_share == 1.0
