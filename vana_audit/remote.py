"""Scanning a repository given by URL: clone it into a temporary directory, safely.

Clone shape (a decision, see docs/integrations.md): **full history, tags included, file contents
only for the checked-out commit** (`--filter=blob:none`). DORA estimates need every commit and
every release tag, and `git log` needs no blobs, so a depth-limited clone would lose the history
and a full clone would download every old file version for nothing. Servers without partial
clone support fall back to a full clone. Only the default branch is fetched unless a ref is asked
for. Nothing from the clone is executed: hooks are off, LFS smudging and submodules are skipped,
and git runs with the same hardened configuration as every other git call (vana_audit.gitcmd).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .gitcmd import GitError, git_argv, git_env
from .model import ScanResult

CLONE_TIMEOUT_SECONDS = 300
# A server that accepts and then stalls: git gives up when under 1 KB/s for 30 s (HTTP(S) only).
LOW_SPEED = ("-c", "http.lowSpeedLimit=1000", "-c", "http.lowSpeedTime=30")
_URL = re.compile(r"^(https?|ssh|git|file)://", re.IGNORECASE)
_SCP = re.compile(r"^[\w.-]+@[\w.-]+:(?!//)")


def looks_like_url(target: str) -> bool:
    """https://, http://, ssh://, git://, file:// or scp-style user@host:path."""
    return bool(_URL.match(target) or _SCP.match(target))


def display_url(url: str) -> str:
    """The URL without any user name or token (and a token in its path redacted), fit for reports and logs."""
    from .secrets import redact_text

    if _SCP.match(url):
        return redact_text(url.split("@", 1)[1] if "://" not in url else url)
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        url = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return redact_text(url)


def clone(url: str, dest: Path, *, all_branches: bool = False, timeout: float = CLONE_TIMEOUT_SECONDS) -> Path:
    """Clone `url` into `dest` (which must not exist); raise GitError naming the URL without secrets."""
    args = [
        *LOW_SPEED,
        "-c",
        "filter.lfs.smudge=",
        "-c",
        "filter.lfs.process=",
        "-c",
        "filter.lfs.required=false",
        "-c",
        "submodule.recurse=false",
        "-c",
        "core.symlinks=true",
        "clone",
        "--quiet",
        "--no-recurse-submodules",
    ]
    # Scans never let git fetch lazily, so only a clone that checks out all it will read may
    # leave blobs behind: a scan of other refs needs every blob now.
    args.append("--no-single-branch" if all_branches else "--single-branch")
    if not all_branches:
        args.append("--filter=blob:none")
    args += ["--", url, str(dest)]
    env = git_env()
    env["GIT_LFS_SKIP_SMUDGE"] = "1"
    try:
        returncode, stderr = _run_group(git_argv(None, *args, network=True), env, timeout)
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"cloning {display_url(url)} timed out after {timeout:g}s") from exc
    if returncode != 0:
        lines = [
            ln
            for ln in stderr.decode("utf-8", "replace").splitlines()
            if ln.strip() and not ln.startswith("warning:")
        ]
        message = lines[-1] if lines else f"git clone exited with {returncode}"
        raise GitError(f"cannot clone {display_url(url)}: {message.replace(url, display_url(url))}")
    return dest


def _run_group(argv: list[str], env: dict[str, str], timeout: float) -> tuple[int, bytes]:
    """Run git in a process group of its own and kill the whole group on a timeout or an exception:
    killing only git would leave git-remote-https holding the pipes, and reading them to the end
    would wait for it."""
    with subprocess.Popen(
        argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    ) as proc:
        try:
            _out, err = proc.communicate(timeout=timeout)
        except BaseException:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            raise
        return proc.returncode, err


@contextmanager
def sigterm_exits() -> Iterator[None]:
    """While inside, SIGTERM (a cancelled CI job, `timeout`, `kill`) raises SystemExit as Ctrl-C raises
    KeyboardInterrupt, so `finally` blocks run: the temporary clone is removed."""
    if threading.current_thread() is not threading.main_thread():
        yield  # handlers belong to the main thread
        return
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _exit_on_sigterm(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def cloned(url: str, *, all_branches: bool = False, timeout: float = CLONE_TIMEOUT_SECONDS) -> Iterator[Path]:
    """A temporary clone of `url`, removed afterwards whatever happens (SIGTERM included)."""
    with sigterm_exits():
        parent = Path(tempfile.mkdtemp(prefix="vana-audit-clone-"))
        try:
            name = re.sub(r"[^\w.-]", "_", display_url(url).rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1])
            name = (name.removesuffix(".git")) or "repo"
            yield clone(url, parent / name, all_branches=all_branches, timeout=timeout)
        finally:
            shutil.rmtree(parent, ignore_errors=True)


def scan_target(
    target: str,
    rules_provider: Callable[[Path], list[Any]] | None = None,
    clone_timeout: float = CLONE_TIMEOUT_SECONDS,
    **scan_options: Any,
) -> tuple[ScanResult, str | None]:
    """Scan a local path or a git URL; returns the result and the URL (None for a local path).

    A URL is cloned into a temporary directory that is removed after the scan; the report names
    the URL (without credentials), not the temporary directory. `rules_provider(root)`, when
    given, supplies the rules (batch workers load each rule set once, not once per repository).
    """
    from .scan import scan

    if looks_like_url(target) and not Path(target).exists():
        with cloned(target, all_branches=scan_options.get("ref") is not None, timeout=clone_timeout) as root:
            if rules_provider is not None:
                scan_options["rules"] = rules_provider(root)
            result = scan(root, **scan_options)
        from .identity import name_from_url

        named = name_from_url(target) or result.target.name
        return replace(result, target=replace(result.target, path=display_url(target), name=named)), target
    if rules_provider is not None:
        scan_options["rules"] = rules_provider(Path(target))
    return scan(Path(target), **scan_options), None
