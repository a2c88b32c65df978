"""Reading history out of git: one `for-each-ref` for refs, one streamed `git log` for commits.

`git log --pretty=raw` is used because it carries the `gpgsig` header: telling a signed commit
from an unsigned one then needs no signature check (which would run gpg, a program repository
configuration may name).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from ..gitcmd import GitError, git_argv, git_env, remaining, run_git
from ..model import Problem
from ..source import GitInfo

LOG_OPTIONS = (
    "-c",
    "i18n.logOutputEncoding=UTF-8",
    "log",
    "--pretty=raw",
    "--no-color",
    "--no-decorate",
    "--no-abbrev-commit",
    "--stdin",
)
REF_PATTERNS = ("refs/tags", "refs/heads", "refs/remotes/*/HEAD")
REF_FORMAT = (
    "%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)%00%(creatordate:unix)%00%(symref)"
)
CHUNK = 1 << 16
LOG_TIMEOUT_SECONDS = 300
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
    applied_by_other: bool = False  # committed by someone other than its author (see `_applied_by_other`)


@dataclass(frozen=True, slots=True)
class RawCommit:
    """One record of the log with only its committer time read: most of a long history lies
    before the analysis window and is counted, never parsed."""

    record: str
    commit_time: int

    def parse(self) -> LogCommit:
        return _commit(self.record, self.commit_time)


def read_refs(git: GitInfo, problems: list[Problem]) -> Refs:
    """Tags (peeled to commits) and branches; a tag whose object is missing costs only that tag."""
    try:
        out = run_git(git.git_dir, "for-each-ref", f"--format={REF_FORMAT}", *REF_PATTERNS)
        return _parse_refs(line.split("\0") for line in out.decode("utf-8", "replace").splitlines())
    except GitError as exc:
        problems.append(Problem(".git", f"some tags could not be read ({exc}); tags are dated by their commits"))
    try:
        return _parse_refs(_refs_without_tag_objects(git))
    except (GitError, OSError, subprocess.SubprocessError) as exc:
        problems.append(Problem(".git", f"could not list tags and branches ({exc}); history read from HEAD only"))
        return Refs((), {}, None)


def _refs_without_tag_objects(git: GitInfo) -> list[list[str]]:
    """REF_FORMAT rows built without reading tag objects: each ref resolved to a commit, or dropped."""
    out = run_git(git.git_dir, "for-each-ref", "--format=%(refname)%00%(symref)", *REF_PATTERNS)
    names = [line.split("\0") for line in out.decode("utf-8", "replace").splitlines()]
    plain = [name for name, symref in names if not symref]
    proc = subprocess.run(
        git_argv(git.git_dir, "cat-file", "--batch-check=%(objectname) %(objecttype)"),
        input="".join(f"{name}^{{commit}}\n" for name in plain).encode(),
        env=git_env(),
        capture_output=True,
        timeout=remaining(60),
        check=True,
    )
    resolved = proc.stdout.decode("utf-8", "replace").splitlines()
    rows = [[name, "", "", "", "", "", symref] for name, symref in names if symref]
    for name, answer in zip(plain, resolved, strict=False):
        sha, _, kind = answer.partition(" ")
        rows.append([name, kind, sha, "", "", "", ""])
    return rows


def _parse_refs(rows: Iterable[list[str]]) -> Refs:
    tags: list[TagRef] = []
    branches: dict[str, str] = {}
    remote_default = None
    for fields in rows:
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
            tags.append(TagRef(ref[len("refs/tags/") :], sha, int(created) if created.isdigit() else 0))
        elif ref.startswith("refs/heads/"):
            branches[ref[len("refs/heads/") :]] = sha
    return Refs(tuple(tags), branches, remote_default)


def stream_log(git: GitInfo, tips: list[str], problems: list[Problem]) -> Iterator[RawCommit]:
    """Every commit reachable from `tips`, newest first, parsed as git prints it; never raises."""
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                git_argv(git.git_dir, *LOG_OPTIONS),
                env=git_env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                encoding="utf-8",
                errors="replace",
            )
        except OSError as exc:
            problems.append(Problem(".git", f"could not run git log ({exc})"))
            return
        assert proc.stdin is not None and proc.stdout is not None
        watchdog = _Watchdog(proc)
        try:
            try:
                proc.stdin.write("".join(f"{tip}\n" for tip in tips))  # git reads all revisions before it prints
                proc.stdin.close()
            except BrokenPipeError:
                pass  # git stopped at a bad revision; its exit status says why
            yield from _parse_raw(proc.stdout)
        finally:
            proc.stdout.close()
            code = proc.wait()
            watchdog.cancel()
        if watchdog.fired:
            problems.append(Problem(".git", "git log ran out of the scan's time budget; "
                                            "history estimates use what was read"))
        elif code != 0:
            errors.seek(0)
            lines = errors.read().decode("utf-8", "replace").strip().splitlines()
            message = lines[-1] if lines else f"exit status {code}"
            problems.append(Problem(".git", f"git log stopped early ({message}); history estimates use what was read"))


class _Watchdog:
    """Kills a streaming git process when the scan's time budget for git runs out."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.fired = False
        try:
            seconds = remaining(LOG_TIMEOUT_SECONDS)
        except GitError:
            seconds = 0.0
        self._timer = threading.Timer(seconds, self._fire, (proc,))
        self._timer.daemon = True
        self._timer.start()

    def _fire(self, proc: subprocess.Popen[str]) -> None:
        self.fired = True
        proc.kill()

    def cancel(self) -> None:
        self._timer.cancel()
        self._timer.join()  # no thread outlives the log: a later fork needs a single-threaded process


def _parse_raw(stream: IO[str]) -> Iterator[RawCommit]:
    """Split the output into one record per commit ("commit " starts a line only there)."""
    pending = ""
    while chunk := stream.read(CHUNK):
        records = (pending + chunk).split("\ncommit ")
        pending = records.pop()
        for record in records:
            if record:
                yield RawCommit(record, _commit_time(record))
    if pending.strip():
        yield RawCommit(pending, _commit_time(pending))


def _commit_time(record: str) -> int:
    """The committer time, read without parsing the identity when the line has its usual shape
    (`Name <email> 1700000000 +0200`); `_identity` decides every other case."""
    field = _header(record, "\ncommitter ")
    who, _, rest = field.rpartition(" ")
    who, _, stamp = who.rpartition(" ")
    if who.endswith(">") and stamp.isdigit() and ">" not in rest and stamp.isascii():
        return int(stamp)
    return _identity(field)[2]


def _commit(record: str, commit_time: int) -> LogCommit:
    """One `--pretty=raw` record, its leading "commit " possibly already cut off by the split."""
    head, _, message = record.partition("\n\n")
    sha = head[7:47] if head.startswith("commit ") else head[:40]
    parents = []
    at = head.find("\nparent ")
    while at >= 0:
        parents.append(head[at + 8 : at + 48])
        at = head.find("\nparent ", at + 48)
    name, email, author_time = _identity(_header(head, "\nauthor "))
    subject = message.lstrip().split("\n", 1)[0].strip()
    reverts = REVERT_RE.search(message) if "This reverts commit" in message else None
    return LogCommit(
        sha,
        tuple(parents),
        name,
        email,
        author_time,
        commit_time,
        "\ngpgsig" in head,
        subject,
        reverts.group(1) if reverts else None,
        "See merge request" in message,
        _applied_by_other(name, email, _header(head, "\ncommitter ")),
    )


def _applied_by_other(author_name: str, author_email: str, committer: str) -> bool:
    """A commit whose committer is another person: a pull request rebased onto the default branch by its
    reviewer, or a mailed patch applied by a maintainer. GitHub's own identity (web-flow) is left out: it
    commits squash and rebase merges, but also edits made in the web editor, which are direct pushes."""
    name, email, _ = _identity(committer)
    if not email or email.lower() == "noreply@github.com":
        return False
    return email.lower() != author_email.lower() and name.strip().lower() != author_name.strip().lower()


def _header(head: str, key: str) -> str:
    at = head.find(key)
    if at < 0:
        return ""
    end = head.find("\n", at + 1)
    return head[at + len(key) : end if end >= 0 else None]


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
