"""Running git itself, safely, on a repository nobody has vetted.

Repository-local configuration can name programs for git to run (core.fsmonitor, a promisor
remote's upload-pack, core.sshCommand, ...). Every git process here runs with configuration and
environment that forbid all of them: no hooks, no fsmonitor, no transport of any protocol (so a
partial clone never fetches missing objects lazily), no pager, no credential helper. Git's
ownership check stays on: a repository owned by another user is refused unless the person running
the tool has allowed it in their own configuration (`safe.directory`).

Every call also runs within one time budget per scan (`time_budget`), so no repository, however
built, keeps a scan waiting for git.
"""
from __future__ import annotations

import os
import select
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SAFE_CONFIG = (
    "-c", "core.fsmonitor=false",
    "-c", "core.untrackedCache=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.pager=cat",
    "-c", "core.askPass=",
    "-c", "credential.helper=",
    "-c", "protocol.allow=never",
    "-c", "diff.external=",
    "-c", "log.showSignature=false",
)
# A clone of a URL the user named needs its transport; the clone's configuration is git's own.
NETWORK_CONFIG = (
    "-c", "protocol.https.allow=always",
    "-c", "protocol.http.allow=always",
    "-c", "protocol.ssh.allow=always",
    "-c", "protocol.git.allow=always",
    "-c", "protocol.file.allow=always",
)
DEFAULT_BUDGET_SECONDS = 600.0


class GitError(Exception):
    def __init__(self, message: str, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr  # all git printed, for callers that look for a known cause


class GitOwnershipError(GitError):
    """Git refuses a repository owned by another user; the message says how to allow it."""


_deadline: float | None = None


@contextmanager
def time_budget(seconds: float = DEFAULT_BUDGET_SECONDS) -> Iterator[None]:
    """Every git call inside the block shares one deadline (a forked child inherits it)."""
    global _deadline
    outer = _deadline
    mine = time.monotonic() + seconds
    _deadline = mine if outer is None else min(outer, mine)
    try:
        yield
    finally:
        _deadline = outer


def remaining(timeout: float) -> float:
    """The timeout a git call may use now: its own, cut to what is left of the scan's budget."""
    if _deadline is None:
        return timeout
    left = _deadline - time.monotonic()
    if left <= 0:
        raise GitError("the scan's time budget for git is spent")
    return min(timeout, left)


def git_env(ceiling: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_OPTIONAL_LOCKS="0",
        GIT_NO_LAZY_FETCH="1",
        GIT_PROTOCOL_FROM_USER="0",
        GIT_NO_REPLACE_OBJECTS="1",
        LC_ALL="C",
        GIT_ASKPASS="/bin/true",
        SSH_ASKPASS="/bin/true",
    )
    if ceiling is not None:
        env["GIT_CEILING_DIRECTORIES"] = str(ceiling)
    return env


def git_argv(git_dir: Path | None, *args: str, work_tree: Path | None = None, network: bool = False) -> list[str]:
    argv = ["git", "--no-pager", *SAFE_CONFIG, *(NETWORK_CONFIG if network else ())]
    if git_dir is not None:
        argv += ["--git-dir", str(git_dir)]
    if work_tree is not None:
        argv += ["--work-tree", str(work_tree)]
    return argv + list(args)


def run_git(
    git_dir: Path | None,
    *args: str,
    work_tree: Path | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
    check: bool = True,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
) -> bytes:
    """Run one git command and return its stdout; raise GitError with git's message."""
    limit = remaining(timeout)
    try:
        proc = subprocess.run(
            git_argv(git_dir, *args, work_tree=work_tree),
            cwd=cwd,
            env=env or git_env(),
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            timeout=limit,
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"git {args[0]} timed out after {limit:g}s") from exc
    if check and proc.returncode != 0:
        raise GitError(last_line(proc.stderr) or f"git {args[0]} failed", proc.stderr.decode("utf-8", "replace"))
    return proc.stdout


def last_line(stderr: bytes) -> str:
    lines = [ln for ln in stderr.decode("utf-8", "replace").strip().splitlines() if not ln.startswith("warning:")]
    return lines[-1].removeprefix("fatal: ") if lines else ""


class BlobReader:
    """Blobs by object id through one `git cat-file --batch` process, under the same safe
    configuration and time budget as every other git call.

    `read` returns None for an object the repository lacks; git ends the process on an object
    a partial clone lacks, so the process is started again for the next read."""

    def __init__(self, git_dir: Path, timeout: float = 60) -> None:
        self._git_dir = git_dir
        self._timeout = timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._buffer = b""

    def read(self, sha: str) -> bytes | None:
        proc = self._process()
        assert proc.stdin is not None
        try:
            proc.stdin.write(f"{sha}\n".encode())
            proc.stdin.flush()
            header = self._read_until_newline().decode("ascii", "replace").split()
            if len(header) != 3:
                return None  # "<sha> missing" (or ambiguous)
            data = self._read_exactly(int(header[2]) + 1)
            return data[:-1]
        except (BrokenPipeError, EOFError):
            self.close()
            return None

    def _process(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            self.close()
            self._buffer = b""
            self._proc = subprocess.Popen(
                git_argv(self._git_dir, "cat-file", "--batch"),
                env=git_env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        return self._proc

    def _fill(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], remaining(self._timeout))
        if not ready:
            self.close()
            raise GitError("git cat-file did not answer in time")
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            raise EOFError
        self._buffer += chunk

    def _read_until_newline(self) -> bytes:
        while (end := self._buffer.find(b"\n")) < 0:
            self._fill()
        line, self._buffer = self._buffer[:end], self._buffer[end + 1 :]
        return line

    def _read_exactly(self, size: int) -> bytes:
        parts, have = [self._buffer], len(self._buffer)
        self._buffer = b""
        while have < size:
            self._fill()
            parts.append(self._buffer)
            have += len(self._buffer)
            self._buffer = b""
        data = b"".join(parts)
        self._buffer = data[size:]
        return data[:size]

    def close(self) -> None:
        if self._proc is not None:
            for stream in (self._proc.stdin, self._proc.stdout):
                if stream is not None:
                    stream.close()
            self._proc.kill()
            self._proc.wait()
            self._proc = None
