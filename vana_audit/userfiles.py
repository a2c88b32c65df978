"""Reading a file the person running the tool named (a `--config`, a rule file, a batch list, a
leaderboard): a regular file only, size-capped, opened without blocking.

A FIFO or a device where a file is expected would otherwise hang the scan or fill memory.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

DEFAULT_MAX_BYTES = 8 * 1024 * 1024


class UnreadableFile(OSError):
    """The file cannot be used; the message is one line and never quotes the file's content."""


def read_regular_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most `max_bytes`; raise UnreadableFile otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot open: {exc.strerror}") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableFile(f"{path}: not a regular file (FIFO, socket, device or directory)")
        if st.st_size > max_bytes:
            raise UnreadableFile(f"{path}: file is {st.st_size} bytes, over the {max_bytes}-byte cap")
        chunks: list[bytes] = []
        got = 0
        while got <= max_bytes:
            chunk = os.read(fd, max_bytes + 1 - got)
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > max_bytes:
            raise UnreadableFile(f"{path}: file grew past the {max_bytes}-byte cap while read")
        return b"".join(chunks)
    except UnreadableFile:
        raise
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot read: {exc.strerror}") from exc
    finally:
        os.close(fd)


def read_regular_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The UTF-8 text of a regular file (see read_regular_bytes); raise UnreadableFile otherwise."""
    data = read_regular_bytes(path, max_bytes)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"{path}: not UTF-8 text") from exc
    return text[1:] if text.startswith("\ufeff") else text
