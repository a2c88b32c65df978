"""Progress on a terminal: one line on standard error, rewritten in place, with counts.

`progress_for(quiet)` gives None on a pipe, in a log or with `-q` (nothing is printed there), else a
TerminalProgress. A scan calls it with a message as each stage starts ("listing files"), `count` as
work is done ("reading files… 1,234", "rules 87/160"), and `finish` at the end, which leaves one
summary line. Counts are redrawn at most every `interval` seconds, so a fast scan costs nothing.
"""
from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from typing import TextIO

CLEAR = "\r\x1b[K"  # back to the start of the line, erase it


class TerminalProgress:
    def __init__(self, stream: TextIO | None = None, interval: float = 0.1,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream or sys.stderr
        self.interval = interval
        self.clock = clock
        self._last = float("-inf")
        self._shown = False

    def __call__(self, message: str) -> None:
        """A new stage: shown at once."""
        self._show(f"… {message}")

    def count(self, label: str, done: int, total: int | None = None) -> None:
        """Work done in the current stage: "label… 1,234" or "label 87/160", at most every `interval`
        seconds (the last of a known total always)."""
        now = self.clock()
        if now - self._last < self.interval and (total is None or done < total):
            return
        self._last = now
        self._show(f"… {label} {done:,}/{total:,}" if total is not None else f"… {label}… {done:,}")

    def finish(self, message: str | None = None) -> None:
        """Erase the progress line; leave `message` on a line of its own."""
        if self._shown:
            self.stream.write(CLEAR)
            self._shown = False
        if message:
            self.stream.write(f"{message}\n")
        self.stream.flush()

    def _show(self, text: str) -> None:
        columns = shutil.get_terminal_size((80, 24)).columns
        if len(text) >= columns:
            text = text[: max(columns - 2, 1)] + "…"
        self.stream.write(CLEAR + text)
        self.stream.flush()
        self._shown = True


def progress_for(quiet: bool, stream: TextIO | None = None) -> TerminalProgress | None:
    """Progress for a command: none with `quiet` or when standard error is not a terminal."""
    stream = stream or sys.stderr
    if quiet or not stream.isatty():
        return None
    return TerminalProgress(stream)
