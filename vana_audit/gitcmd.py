"""Running git itself, safely, on a repository nobody has vetted.

Repository-local configuration can name programs for git to run (core.fsmonitor, for one);
every invocation overrides those so that scanning a repository never executes its content.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

SAFE_CONFIG = (
    "-c", "core.fsmonitor=false",
    "-c", "core.untrackedCache=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "safe.directory=*",
    "-c", "protocol.ext.allow=never",
    "-c", "diff.external=",
    "-c", "log.showSignature=false",
)


class GitError(Exception):
    pass


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_OPTIONAL_LOCKS="0",
        LC_ALL="C",
        GIT_ASKPASS="/bin/true",
    )
    return env


def git_argv(git_dir: Path | None, *args: str, work_tree: Path | None = None) -> list[str]:
    argv = ["git", *SAFE_CONFIG]
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
) -> bytes:
    """Run one git command and return its stdout; raise GitError with git's message."""
    try:
        proc = subprocess.run(
            git_argv(git_dir, *args, work_tree=work_tree),
            cwd=cwd,
            env=git_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"git {args[0]} timed out after {timeout:g}s") from exc
    if check and proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return proc.stdout


def find_git_dir(path: Path) -> tuple[Path | None, Path | None]:
    """Return (git_dir, work_tree) for a path: work_tree is None for a bare repository."""
    try:
        out = run_git(None, "rev-parse", "--absolute-git-dir", "--is-bare-repository",
                      "--show-toplevel", cwd=path, check=False, timeout=10)
    except GitError:
        return None, None
    lines = out.decode("utf-8", "replace").splitlines()
    if len(lines) < 2:
        return None, None
    git_dir = Path(lines[0])
    if lines[1] == "true":
        return git_dir, None
    top = Path(lines[2]) if len(lines) > 2 else None
    return git_dir, top
