"""Reading history out of git: one `for-each-ref` for refs, one streamed `git log` for commits.

`git log --pretty=raw` is used because it carries the `gpgsig` header: telling a signed commit
from an unsigned one then needs no signature check (which would run gpg, a program repository
configuration may name).
"""
from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Iterator

from ..gitcmd import GitError, git_argv, git_env, run_git
from ..model import Problem
from ..source import GitInfo

LOG_OPTIONS = ("-c", "i18n.logOutputEncoding=UTF-8", "log", "--pretty=raw", "--no-color", "--no-decorate",
               "--no-abbrev-commit", "--stdin")
REVERT_RE = re.compile(r"This reverts commit ([0-9a-f]{40})")


@dataclass(frozen=True)
class TagRef:
    name: str  # without refs/tags/
    commit: str
    created: int  # tagger date of an annotated tag, else the commit's committer date (unix seconds)


@dataclass(frozen=True)
class Refs:
    tags: tuple[TagRef, ...]
    branches: dict[str, str]  # local branch name -> commit
    remote_default: str | None  # branch that refs/remotes/<remote>/HEAD names, e.g. "main"


@dataclass(frozen=True, slots=True)
class LogCommit:
    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    author_time: int  # unix seconds, so already UTC
    commit_time: int
    signed: bool
    subject: str
    reverts: str | None  # sha named by "This reverts commit <sha>"
    merge_request: bool  # GitLab's "See merge request" line


def read_refs(git: GitInfo, problems: list[Problem]) -> Refs:
    fmt = "%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)%00%(creatordate:unix)%00%(symref)"
    try:
        out = run_git(git.git_dir, "for-each-ref", f"--format={fmt}", "refs/tags", "refs/heads", "refs/remotes/*/HEAD")
    except GitError as exc:
        problems.append(Problem(".git", f"could not list tags and branches ({exc}); history read from HEAD only"))
        return Refs((), {}, None)
    tags: list[TagRef] = []
    branches: dict[str, str] = {}
    remote_default = None
    for line in out.decode("utf-8", "replace").splitlines():
        fields = line.split("\0")
        if len(fields) != 7:
            continue
        ref, kind, sha, peeled_kind, peeled_sha, created, symref = fields
        if symref.startswith("refs/remotes/"):
            remote_default = symref.split("/", 3)[-1]
            continue
        if peeled_kind:
            kind, sha = peeled_kind, peeled_sha
        if kind != "commit":
            continue  # tags of trees, blobs or objects the clone lacks
        if ref.startswith("refs/tags/"):
            tags.append(TagRef(ref[len("refs/tags/"):], sha, int(created) if created.isdigit() else 0))
        elif ref.startswith("refs/heads/"):
            branches[ref[len("refs/heads/"):]] = sha
    return Refs(tuple(tags), branches, remote_default)


def stream_log(git: GitInfo, tips: list[str], problems: list[Problem]) -> Iterator[LogCommit]:
    """Every commit reachable from `tips`, newest first, parsed as git prints it; never raises."""
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(git_argv(git.git_dir, *LOG_OPTIONS), env=git_env(), stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=errors, encoding="utf-8", errors="replace")
        except OSError as exc:
            problems.append(Problem(".git", f"could not run git log ({exc})"))
            return
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write("".join(f"{tip}\n" for tip in tips))  # git reads all revisions before it prints
            proc.stdin.close()
            yield from _parse_raw(proc.stdout)
        finally:
            proc.stdout.close()
            code = proc.wait()
        if code != 0:
            errors.seek(0)
            lines = errors.read().decode("utf-8", "replace").strip().splitlines()
            message = lines[-1] if lines else f"exit status {code}"
            problems.append(Problem(".git", f"git log stopped early ({message}); history estimates use what was read"))


def _parse_raw(lines: Iterator[str]) -> Iterator[LogCommit]:
    sha = None
    parents: list[str] = []
    author = committer = ""
    signed = False
    in_header = False
    subject: str | None = None
    reverts = None
    merge_request = False
    for line in lines:
        if line.startswith("commit "):
            if sha is not None:
                yield _commit(sha, parents, author, committer, signed, subject, reverts, merge_request)
            sha = line[7:47]
            parents = []
            author = committer = ""
            signed = merge_request = False
            subject = reverts = None
            in_header = True
        elif in_header:
            if line == "\n":
                in_header = False
            elif line.startswith("parent "):
                parents.append(line[7:47])
            elif line.startswith("author "):
                author = line[7:]
            elif line.startswith("committer "):
                committer = line[10:]
            elif line.startswith("gpgsig"):
                signed = True
        elif subject is None:
            text = line.strip()
            if text:
                subject = text
        elif "This reverts commit" in line:
            match = REVERT_RE.search(line)
            reverts = match.group(1) if match else reverts
        elif "See merge request" in line:
            merge_request = True
    if sha is not None:
        yield _commit(sha, parents, author, committer, signed, subject, reverts, merge_request)


def _commit(sha: str, parents: list[str], author: str, committer: str, signed: bool, subject: str | None,
            reverts: str | None, merge_request: bool) -> LogCommit:
    name, email, author_time = _identity(author)
    return LogCommit(sha, tuple(parents), name, email, author_time, _identity(committer)[2], signed,
                     subject or "", reverts, merge_request)


def _identity(field: str) -> tuple[str, str, int]:
    """`Name <email> 1700000000 +0200` -> (name, email, unix time); the offset is dropped, times are UTC."""
    who, _, rest = field.rpartition(">")
    name, _, email = who.partition(" <")
    stamp = rest.split()
    try:
        when = int(stamp[0]) if stamp else -1
    except ValueError:
        when = -1
    return name.strip(), email.strip().lower(), when
