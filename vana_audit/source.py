"""The one way anything reads the scanned repository.

A `Source` lists repository-relative paths and reads them with caps. Two kinds:
`WorkingTreeSource` (a directory, git's file list when it is a work tree, a walk otherwise) and
`GitRefSource` (blobs at any ref, read from the object database by one `git cat-file`, no checkout).
Nothing here raises on a bad file: read problems are recorded in `problems`.
"""
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .gitcmd import BlobReader, GitError, GitOwnershipError, run_git
from .model import Problem
from .repository import Located, enclosing_repository, locate

DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_LISTED_FILES = 500_000
BINARY_SNIFF_BYTES = 8192
MAX_CACHED_CHARS = 64 * 1024 * 1024  # texts kept for later readers; past this, files are read again


class TargetError(Exception):
    """The target itself cannot be scanned (missing path, not a directory, bad ref): exit 2."""


@dataclass(frozen=True)
class GitInfo:
    git_dir: Path
    work_tree: Path | None
    head_sha: str | None
    ref: str | None
    is_shallow: bool
    is_bare: bool


class Source:
    """Base class: listing and capped, cached, problem-recording reads."""

    label: str
    git: GitInfo | None

    def __init__(self, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> None:
        self.max_file_bytes = max_file_bytes
        self.problems: list[Problem] = []
        self._text_cache: dict[str, str | None] = {}
        self._cached_chars = 0
        self._files: list[str] | None = None
        self.on_read: Callable[[], None] | None = None  # told of each file read (progress counts)

    # -- listing -------------------------------------------------------------------------
    @property
    def files(self) -> list[str]:
        if self._files is None:
            self._files = sorted(self._list_files())
        return self._files

    def _list_files(self) -> list[str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def exists(self, path: str) -> bool:
        return path in self._file_set

    @property
    def _file_set(self) -> set[str]:
        cached = getattr(self, "_file_set_cache", None)
        if cached is None:
            cached = set(self.files)
            self._file_set_cache = cached
        return cached

    # -- reading -------------------------------------------------------------------------
    def read_bytes(self, path: str) -> bytes | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def read_text(self, path: str, cache: bool = True) -> str | None:
        """Text of a file, or None (and a problem recorded) when it cannot be used as text.

        Texts are kept for the next reader up to MAX_CACHED_CHARS in all; a pass over every file
        (secret scanning) asks for `cache=False`, so memory does not grow with the repository."""
        if path in self._text_cache:
            return self._text_cache[path]
        text: str | None = None
        if self.on_read is not None:
            self.on_read()
        data = self.read_bytes(path)
        if data is not None:
            if b"\x00" in data[:BINARY_SNIFF_BYTES]:
                self.problem(path, "binary file; not read as text")
            else:
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    text = data.decode("utf-8", "replace")
                    self.problem(path, "not valid UTF-8; decoded with replacement characters")
                if text.startswith("\ufeff"):
                    text = text[1:]
        if cache and self._cached_chars + len(text or "") <= MAX_CACHED_CHARS:
            self._text_cache[path] = text
            self._cached_chars += len(text or "")
        elif text is None:
            self._text_cache[path] = None  # the problem is recorded once
        return text

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def _too_big(self, path: str, size: int) -> bool:
        if size > self.max_file_bytes:
            self.problem(path, f"file is {size} bytes, over the {self.max_file_bytes}-byte cap; skipped")
            return True
        return False


def _safe_relative(path: str) -> bool:
    """A relative path that stays inside the root (no `..` part); strings, not PurePath: it runs per file."""
    if not path or path.startswith("/"):
        return False
    parts = path.split("/")
    return ".." not in parts and any(part not in ("", ".") for part in parts)


class WorkingTreeSource(Source):
    def __init__(self, root: Path, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
                 located: Located | None = None) -> None:
        super().__init__(max_file_bytes)
        if not root.exists():
            raise TargetError(f"path does not exist: {root}")
        if not root.is_dir():
            raise TargetError(f"not a directory: {root}")
        self.root = root.resolve()
        self._root_str = str(self.root)
        self._root_prefix = self._root_str.rstrip(os.sep) + os.sep
        self._folders: dict[str, str | None] = {}
        self.label = str(root)
        located = located or _locate(self.root)
        self.git = _git_info_for(located)
        if located.problem is not None:
            self.problem(".git", located.problem)
        elif self.git is None and (outer := enclosing_repository(self.root)) is not None:
            self.problem(".", f"inside the git repository at {outer}, which is not scanned: this folder is "
                              "scanned as a plain directory without git history")
        if self.git is not None and self.git.head_sha is None:
            self.problem(".", "git repository with no commits yet: no history to read; the working tree is scanned")

    def _list_files(self) -> list[str]:
        if self.git and self.git.work_tree is not None and self.git.work_tree == self.root:
            try:
                out = run_git(self.git.git_dir, "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard", work_tree=self.root, cwd=self.root)
                paths = {p for p in out.decode("utf-8", "surrogateescape").split("\0") if p}
                return [p for p in paths if _safe_relative(p)][:MAX_LISTED_FILES]
            except GitError as exc:
                self.problem(".", f"git ls-files failed ({exc}); walking the directory instead")
        return self._walk()

    def _walk(self) -> list[str]:
        found: list[str] = []
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if d != ".git")
            rel_dir = os.path.relpath(dirpath, self.root)
            for name in filenames:
                rel = name if rel_dir == "." else f"{rel_dir}/{name}"
                found.append(rel.replace(os.sep, "/"))
                if len(found) >= MAX_LISTED_FILES:
                    self.problem(".", f"more than {MAX_LISTED_FILES} files; listing truncated")
                    return found
        return found

    def _inside(self, real: str) -> bool:
        return real == self._root_str or real.startswith(self._root_prefix)

    def _real_folder(self, folder: str) -> str | None:
        """The resolved folder, or None when it resolves outside the root; cached per folder."""
        if folder not in self._folders:
            real = os.path.realpath(os.path.join(self._root_str, folder)) if folder else self._root_str
            self._folders[folder] = real if self._inside(real) else None
        return self._folders[folder]

    def read_bytes(self, path: str) -> bytes | None:
        if not _safe_relative(path):
            self.problem(path, "path escapes the repository; not read")
            return None
        folder, _, name = path.rpartition("/")
        # Every folder on the way is resolved (once per folder): a tracked `a/b.yml` whose folder
        # `a` was replaced by a symlink must not be read from wherever `a` points.
        real_folder = self._real_folder(folder)
        if real_folder is None:
            self.problem(path, "path goes through a symlinked folder that points outside the repository; not followed")
            return None
        full = f"{real_folder}/{name}" if real_folder != "/" else f"/{name}"
        try:
            st = os.lstat(full)
        except OSError:
            return None  # tracked but deleted in the working tree
        if stat.S_ISLNK(st.st_mode):
            real = os.path.realpath(full)
            if not self._inside(real):
                self.problem(path, "symlink points outside the repository; not followed")
                return None
            try:
                st = os.stat(real)
            except OSError as exc:
                self.problem(path, _unfollowable_symlink(exc))
                return None
            full = real
        if not stat.S_ISREG(st.st_mode):
            self.problem(path, _not_a_file(st.st_mode))
            return None
        if self._too_big(path, st.st_size):
            return None
        try:
            fd = os.open(full, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            self.problem(path, f"cannot open: {exc.strerror}")
            return None
        wanted = min(st.st_size, self.max_file_bytes) + 1  # +1 sees a file that grew
        try:
            data = os.read(fd, wanted)  # one read for almost every file
            if len(data) >= 65536 and len(data) < wanted:  # a long file may come in pieces
                chunks = [data]
                while (got := sum(map(len, chunks))) < wanted:
                    chunk = os.read(fd, wanted - got)
                    if not chunk:
                        break
                    chunks.append(chunk)
                data = b"".join(chunks)
        except OSError as exc:
            self.problem(path, f"cannot read: {exc.strerror}")
            return None
        finally:
            os.close(fd)
        if len(data) > self.max_file_bytes and self._too_big(path, len(data)):
            return None
        return data


def _unfollowable_symlink(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop; not followed"
    if exc.errno == errno.ENOENT:
        return "dangling symlink (its target does not exist)"
    return f"symlink cannot be followed ({exc.strerror})"


def _not_a_file(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder where a file is listed (a submodule, or a symlink to a folder); not read"
    kind = "FIFO" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
    return f"not a regular file (a {kind}); not read"


class GitRefSource(Source):
    """Files of one commit, read from the object database; the working tree is never touched."""

    def __init__(self, repo_path: Path, ref: str, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> None:
        super().__init__(max_file_bytes)
        located = _locate(repo_path)
        git_dir, work_tree = located.git_dir, located.work_tree
        if git_dir is None:
            why = f" ({located.problem})" if located.problem else ""
            raise TargetError(f"not a git repository: {repo_path}{why}")
        try:
            sha = run_git(git_dir, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
        except GitError as exc:
            raise TargetError(f"unknown git ref {ref!r} in {repo_path}") from exc
        self.root = repo_path.resolve()
        self.label = f"{repo_path}@{ref}"
        self.ref = ref
        self.sha = sha
        self.git = GitInfo(git_dir, work_tree, sha, ref, _is_shallow(git_dir), work_tree is None)
        self._blobs: dict[str, tuple[str, int]] = {}
        self._reader: BlobReader | None = None

    def _list_files(self) -> list[str]:
        assert self.git is not None
        try:
            entries = self._tree(with_sizes=True)
        except GitError:  # a partial clone lacks blobs, and `-l` needs their sizes
            entries = self._tree_of_partial_clone()
        paths = []
        for mode, kind, sha, size, path in entries:
            if kind != "blob" or not _safe_relative(path):
                continue
            if mode == "120000":
                self.problem(path, "symlink in git tree; not followed")
                continue
            if size < 0:
                self.problem(path, "blob missing from the object database (a partial or damaged clone; "
                                   "git is not allowed to fetch it); not read")
                continue
            self._blobs[path] = (sha, size)
            paths.append(path)
            if len(paths) >= MAX_LISTED_FILES:
                self.problem(".", f"more than {MAX_LISTED_FILES} files; listing truncated")
                break
        return paths

    def _tree(self, with_sizes: bool) -> list[tuple[str, str, str, int, str]]:
        """(mode, kind, sha, size, path) of every entry of the commit's tree: size -1 for a blob the
        object database lacks, 0 when sizes are not asked for."""
        assert self.git is not None
        out = run_git(self.git.git_dir, "ls-tree", "-r", "-z", *(["-l"] if with_sizes else []), "--full-tree", self.sha)
        entries = []
        for entry in out.decode("utf-8", "surrogateescape").split("\0"):
            if not entry:
                continue
            meta, _, path = entry.partition("\t")
            mode, kind, sha, *size = meta.split()
            known = int(size[0]) if size and size[0].isdigit() else -1  # git prints BAD for a missing blob
            entries.append((mode, kind, sha, known if with_sizes else 0, path))
        return entries

    def _tree_of_partial_clone(self) -> list[tuple[str, str, str, int, str]]:
        """The tree without `-l`; blobs the clone lacks get size -1, the others their size from
        `cat-file --batch-check` (which, like everything here, never fetches)."""
        assert self.git is not None
        entries = self._tree(with_sizes=False)
        listed = run_git(self.git.git_dir, "rev-list", "--objects", "--missing=print", self.sha)
        missing = {line[1:] for line in listed.decode("ascii", "replace").splitlines() if line.startswith("?")}
        present = sorted({sha for _, kind, sha, _, _ in entries if kind == "blob" and sha not in missing})
        sizes: dict[str, int] = {}
        if present:
            out = run_git(self.git.git_dir, "cat-file", "--batch-check=%(objectname) %(objectsize)",
                          input="".join(f"{sha}\n" for sha in present).encode())
            for line in out.decode("ascii", "replace").splitlines():
                sha, _, size = line.partition(" ")
                if size.isdigit():
                    sizes[sha] = int(size)
        return [(mode, kind, sha, sizes.get(sha, -1), path) for mode, kind, sha, _, path in entries]

    def read_bytes(self, path: str) -> bytes | None:
        self.files  # noqa: B018 - make sure the tree is listed
        entry = self._blobs.get(path)
        if entry is None:
            return None
        sha, size = entry
        if self._too_big(path, size):
            return None
        if self._reader is None:
            assert self.git is not None
            self._reader = BlobReader(self.git.git_dir)
        try:
            data = self._reader.read(sha)
        except (GitError, OSError) as exc:
            self.problem(path, f"cannot read blob {sha[:12]}: {exc}")
            return None
        if data is None:
            self.problem(path, f"blob {sha[:12]} is missing from the repository; not read")
        return data

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None


def _is_shallow(git_dir: Path) -> bool:
    return (git_dir / "shallow").exists()


def _locate(path: Path) -> Located:
    try:
        return locate(path)
    except GitOwnershipError as exc:
        raise TargetError(str(exc)) from exc


def _git_info_for(located: Located) -> GitInfo | None:
    git_dir, work_tree = located.git_dir, located.work_tree
    if git_dir is None:
        return None
    try:
        head = run_git(git_dir, "rev-parse", "--verify", "--quiet", "HEAD", check=False).decode().strip() or None
        ref = run_git(git_dir, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).decode().strip() or None
    except GitError:
        head = ref = None
    return GitInfo(git_dir, work_tree.resolve() if work_tree else None, head, ref,
                   _is_shallow(git_dir), work_tree is None)


def open_source(path: Path, ref: str | None = None, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Source:
    """The Source for a CLI target: a ref when given, a bare repository at HEAD, else the tree."""
    if not path.exists():
        raise TargetError(f"path does not exist: {path}")
    if not path.is_dir():
        raise TargetError(f"not a directory: {path}")
    if ref is not None:
        return GitRefSource(path, ref, max_file_bytes)
    located = _locate(path)
    git_dir, work_tree = located.git_dir, located.work_tree
    if git_dir is not None and work_tree is None:
        if not run_git(git_dir, "rev-parse", "--verify", "--quiet", "HEAD", check=False).strip():
            raise TargetError(f"bare repository without commits: {path}")
        return GitRefSource(path, "HEAD", max_file_bytes)
    return WorkingTreeSource(path, max_file_bytes, located)
