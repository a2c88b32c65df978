"""Reading a file the user named: a regular file only, size-capped, never blocking."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vana_audit.userfiles import UnreadableFile, read_regular_bytes, read_regular_text


def test_a_regular_file_is_read_whole_and_its_bom_dropped(tmp_path: Path) -> None:
    path = tmp_path / "a.yml"
    path.write_bytes(b"\xef\xbb\xbfname: x\n")
    assert read_regular_bytes(path) == b"\xef\xbb\xbfname: x\n"
    assert read_regular_text(path) == "name: x\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "fifo.yml"
    os.mkfifo(path)
    with pytest.raises(UnreadableFile, match="not a regular file"):
        read_regular_text(path)  # no writer: a blocking open or read would never return


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "not a regular file"),
        (lambda p: p.write_bytes(b"x" * 101), "over the 100-byte cap"),
        (lambda p: None, "cannot open"),
        (lambda p: p.write_bytes(b"\xff\xfe"), "not UTF-8"),
    ],
    ids=["directory", "over-cap", "missing", "not-utf8"],
)
def test_what_cannot_be_used_is_one_line_naming_the_file(tmp_path: Path, make, message: str) -> None:
    path = tmp_path / "f.yml"
    make(path)
    with pytest.raises(UnreadableFile, match=message) as err:
        read_regular_text(path, max_bytes=100)
    assert str(path) in str(err.value) and "\n" not in str(err.value)
