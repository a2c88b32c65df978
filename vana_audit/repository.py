"""Which git repository, if any, a target directory is, decided without trusting the directory.

Only a repository whose top level is the target itself is used: git never looks above the target
(`GIT_CEILING_DIRECTORIES`), a `.git` file is followed only where it points inside the target,
and a work tree that git places elsewhere (`core.worktree`) is not used. When the target is not
used as a repository although it looks like one, `Located.problem` says why, and the target is
scanned as a plain directory.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .gitcmd import GitError, GitOwnershipError, git_env, run_git
from .userfiles import UnreadableFile, read_regular_bytes

MAX_GITFILE_BYTES = 4096


@dataclass(frozen=True)
class Located:
    git_dir: Path | None = None
    work_tree: Path | None = None  # None for a bare repository
    problem: str | None = None  # why a directory that looks like a repository is scanned as plain


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _looks_like_repository(root: Path) -> bool:
    """A `.git` entry, or the layout of a bare repository (HEAD, objects, refs)."""
    return os.path.lexists(root / ".git") or all(os.path.lexists(root / name) for name in ("HEAD", "objects", "refs"))


def _gitfile_target(root: Path) -> Path | None:
    """Where a `.git` file or symlink points, resolved; None when `.git` is a plain folder or absent."""
    dotgit = root / ".git"
    try:
        st = os.lstat(dotgit)
    except OSError:
        return None
    if stat.S_ISLNK(st.st_mode):
        return dotgit.resolve()
    if stat.S_ISDIR(st.st_mode):
        return None
    try:
        text = read_regular_bytes(dotgit, MAX_GITFILE_BYTES).decode("utf-8", "replace").strip()
    except UnreadableFile:
        return Path("/")  # nothing git should follow: treated as pointing outside
    if not text.startswith("gitdir:"):
        return Path("/")
    return (root / text.removeprefix("gitdir:").strip()).resolve()


def _alternates_problem(git_dir: Path) -> str | None:
    """An alternates file git would block on (a FIFO, a device), or naming something not a folder."""
    alternates = git_dir / "objects" / "info" / "alternates"
    if not os.path.lexists(alternates):
        return None
    try:
        text = read_regular_bytes(alternates, MAX_GITFILE_BYTES).decode("utf-8", "replace")
    except UnreadableFile:
        return "objects/info/alternates is not a small regular file"
    for line in text.splitlines():
        line = line.strip()
        folder = git_dir / "objects" / line
        if line and not line.startswith("#") and os.path.lexists(folder) and not folder.is_dir():
            return "objects/info/alternates names something that is not a folder"
    return None


def _refused(root: Path) -> GitOwnershipError:
    return GitOwnershipError(
        f"git refuses the repository at {root} because another user owns it. "
        f"If you trust it, allow it with: git config --global --add safe.directory {root}"
    )


def locate(path: Path) -> Located:
    """The repository at `path`; raise GitOwnershipError when git refuses it for its owner."""
    root = path.resolve()
    pointed = _gitfile_target(root)
    if pointed is not None and not _inside(pointed, root):
        return Located(problem=".git points outside the target (a linked worktree or a submodule's "
                               "checkout); scanned as a plain directory without git history: scan the "
                               "repository it belongs to, or use --ref there")
    env = git_env(ceiling=root.parent)
    try:
        out = run_git(None, "rev-parse", "--absolute-git-dir", "--is-bare-repository", cwd=root, timeout=10, env=env)
        lines = out.decode("utf-8", "replace").splitlines()
        if len(lines) == 2 and lines[1] == "false":
            lines += run_git(None, "rev-parse", "--show-toplevel", cwd=root, timeout=10, env=env).decode(
                "utf-8", "replace").splitlines()
    except GitError as exc:
        message = str(exc)
        if "dubious ownership" in exc.stderr:
            raise _refused(root) from exc
        if _looks_like_repository(root):
            return Located(problem=f"git cannot read this repository ({message}); scanned as a plain directory")
        return Located()
    if len(lines) < 2:
        return Located()
    git_dir = Path(lines[0]).resolve()
    bare = lines[1] == "true"
    top = None if bare else Path(lines[2]).resolve() if len(lines) > 2 else None
    if (bare and git_dir != root) or (not bare and top != root) or not _inside(git_dir, root):
        return Located(problem="git places this repository's work tree or folder outside the target "
                               "(core.worktree); scanned as a plain directory without git history")
    problem = _alternates_problem(git_dir)
    if problem is not None:
        return Located(problem=f"{problem}; scanned as a plain directory without git history")
    return Located(git_dir, top)


def enclosing_repository(root: Path) -> Path | None:
    """The nearest folder above `root` with a `.git` entry (looked at, never read)."""
    for parent in root.resolve().parents:
        if os.path.lexists(parent / ".git"):
            return parent
    return None


def find_git_dir(path: Path) -> tuple[Path | None, Path | None]:
    """(git_dir, work_tree) of the repository at `path` (see `locate`); work_tree None when bare."""
    located = locate(path)
    return located.git_dir, located.work_tree
