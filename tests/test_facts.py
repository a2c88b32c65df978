"""Facts are complete and frozen when collection ends (`Facts.completed`)."""
from __future__ import annotations

from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from tests.rulekit import facts_for
from vana_audit.facts import per_scan


def test_completed_facts_refuse_changes_and_keep_their_declared_cache(tmp_path: Path) -> None:
    collected = facts_for(tmp_path / "repo", {"README.md": "# x\n", "tests/test_x.py": "def test_x():\n    pass\n"})
    done = collected.completed(suppressions=(), scan_date="2026-12-04", history=None)
    assert done.scan_date == "2026-12-04" and done.files == collected.files
    with pytest.raises(FrozenInstanceError, match="'history' cannot change"):
        done.history = object()
    with pytest.raises(FrozenInstanceError):
        done.profile = "service"
    # derived values still go in the cache declared for them, built once
    built: list[int] = []
    assert per_scan(done, "answer", lambda: built.append(1) or 42) == 42
    assert per_scan(done, "answer", lambda: built.append(1) or 0) == 42 and built == [1]
    # the collectors' own object is not frozen: tests and collectors may still fill it in
    collected.scan_date = "2026-01-01"
    assert done.scan_date == "2026-12-04"
