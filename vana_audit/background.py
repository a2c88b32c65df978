"""Run one pure function in a forked child while the parent goes on, on a machine's second core.

A scan's git history analysis and secret scan need nothing the other collectors produce, and all
of them are CPU-bound Python (the GIL rules out threads), so the scan forks once: the child streams
and analyses the log and scans every file for secrets while the parent reads and parses the files
the rules use. The child sends its result back pickled through a pipe and leaves with `os._exit`
(no atexit handlers, no flushing of the parent's buffers).

Where fork is unavailable or unsafe (Windows; macOS, whose system libraries do not support it in a
process that has used them; a process running other threads, whose locks the child would inherit
held), or when the child fails in any way, the function simply runs in the parent when its result
is asked for: the answer is the same, only later.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

_CAN_FORK = hasattr(os, "fork") and sys.platform.startswith("linux")


def _single_threaded() -> bool:
    """No other thread runs in this process, Python's or a library's (counted by the kernel)."""
    if threading.active_count() != 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def forks() -> bool:
    """Whether a Background started now would run in a child."""
    return _CAN_FORK and _single_threaded()


class Background(Generic[T]):
    """`Background(fn).result()` is `fn()`; on Linux `fn` runs in a forked child from construction on."""

    def __init__(self, fn: Callable[[], T], *, fork: bool = True) -> None:
        self._fn = fn
        self._pid: int | None = None
        self._read_fd = -1
        if fork and _CAN_FORK and _single_threaded():
            self._start()

    def _start(self) -> None:
        read_fd, write_fd = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            return
        if pid == 0:  # the child: compute, send, leave without running anything of the parent's
            os.close(read_fd)
            status = 0
            try:
                payload = pickle.dumps(self._fn(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_fd, "wb") as out:
                    out.write(payload)
            except BaseException:  # noqa: BLE001 - any failure: the parent recomputes
                status = 1
            os._exit(status)
        os.close(write_fd)
        self._pid, self._read_fd = pid, read_fd

    def result(self) -> T:
        if self._pid is None:
            return self._fn()
        pid, self._pid = self._pid, None
        with os.fdopen(self._read_fd, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status == 0 and payload:
            try:
                value: T = pickle.loads(payload)  # noqa: S301 - our own child's bytes: self._fn()'s result
                return value
            except Exception:  # noqa: BLE001 - a truncated payload: recompute
                pass
        return self._fn()

    def cancel(self) -> None:
        """Stop a child whose result is no longer wanted (the scan failed) and reap it."""
        if self._pid is None:
            return
        pid, self._pid = self._pid, None
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        os.close(self._read_fd)
        os.waitpid(pid, 0)
