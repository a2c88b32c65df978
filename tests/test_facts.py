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


def test_c_and_cpp_tests_are_found_by_folder_and_by_googletest_names() -> None:
    """nlohmann/json keeps 64 doctest suites as tests/src/unit-*.cpp; GoogleTest names files *_test.cc."""
    from vana_audit.collectors import classify_test_files

    files = ["tests/src/unit-algorithms.cpp", "tests/thirdparty/doctest/doctest.h", "src/parser_test.cc",
             "src/parser.cc", "tests/thirdparty/fifo_map/fifo_map.cpp", "include/json.hpp"]
    assert classify_test_files(files)["unit"] == ["tests/src/unit-algorithms.cpp", "src/parser_test.cc"]


def test_kotlin_multiplatform_test_source_sets_hold_tests() -> None:
    """okio keeps its tests in src/commonTest/, src/jvmTest/ ... (Kotlin Multiplatform source sets)."""
    from vana_audit.collectors import classify_test_files

    files = ["okio/src/commonTest/kotlin/okio/ByteStringTest.kt", "okio/src/jvmTest/kotlin/okio/FileSystemTest.kt",
             "okio/src/commonMain/kotlin/okio/ByteString.kt", "app/src/test/java/acme/AppTest.java"]
    assert classify_test_files(files)["unit"] == ["okio/src/commonTest/kotlin/okio/ByteStringTest.kt",
                                                 "okio/src/jvmTest/kotlin/okio/FileSystemTest.kt",
                                                 "app/src/test/java/acme/AppTest.java"]
