"""Working habits read from commits: commit convention, pull requests, signing, branch lifetime, contributors."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gitlog import LogCommit
from .graph import APPLIED, BOT, CONVENTIONAL, HOTFIX, MERGE, PULL_REQUEST, SIGNED, CommitGraph

CONVENTIONAL_SUBJECT = re.compile(
    r"^(?:feat|fix|docs|style|refactor|perf|test|tests|build|ci|chore|revert|deps|"
    r"security|release|ops|hotfix)(?:\([^)]*\))?!?: \S"
)
PULL_REQUEST_SUBJECT = re.compile(
    r"^Merge pull request #\d+ |\(#\d+\)$|^Merged in .+\(pull request #\d+\)|"
    r"^Merged PR \d+"
)
HOTFIX_SUBJECT = re.compile(
    r"^(?:hotfix\b|Merge (?:pull request #\d+ from [^/\s]+/|branch '|remote-tracking branch "
    r"'[^/']+/)hotfix[/-])",
    re.IGNORECASE,
)
SHORT_LIVED = 86_400  # seconds from a branch's first commit to its merge


MIN_HABIT_SAMPLE = 20  # below this many commits in the window, a habit is not judged (rules say so)


def _window(days: int, end: str | None) -> str:
    """'the 90 days to 2026-07-11': the window ends at the scanned commit (or its newest release), not
    at the day of the scan, so the text names its end; 'the last 90 days' when the end is unknown."""
    return f"the {days} days to {end[:10]}" if end else f"the last {days} days"


def sample_text(counts: tuple[int, int], noun: str, verb: str, days: int, end: str | None = None) -> str:
    """'12 of 40 changes on the default branch in the 90 days to 2026-07-11 came through pull requests (30%)'."""
    matching, measured = counts
    share = f" ({matching / measured:.0%})" if measured else ""
    return f"{matching} of {measured} {_counted(measured, noun)} in {_window(days, end)} {verb}{share}"


def _counted(count: int, noun: str) -> str:
    """'1 change landed ...', '2 changes landed ...' (nouns are given in the plural)."""
    return noun.replace("changes", "change", 1).replace("commits", "commit", 1) if count == 1 else noun


def sample_size_text(counts: tuple[int, int], noun: str, days: int, end: str | None = None) -> str:
    measured = counts[1]
    text = f"sample: {measured} {_counted(measured, noun)} in {_window(days, end)}"
    return text if measured >= MIN_HABIT_SAMPLE else f"{text}; at least {MIN_HABIT_SAMPLE} are needed to judge a habit"


@dataclass(frozen=True)
class Habits:
    commits_in_window: int
    pr_merge_share: float | None
    conventional_share: float | None
    signed_share: float | None
    short_lived_branch_share: float | None
    merges_measured: int
    contributors_in_window: int
    reverts_in_window: int
    hotfix_commits_in_window: int
    # the samples behind the shares: (matching, measured) in the window
    pr_merge_counts: tuple[int, int] = (0, 0)
    conventional_counts: tuple[int, int] = (0, 0)
    signed_counts: tuple[int, int] = (0, 0)
    landed_merges: int = 0  # merge commits among the changes landed on the default branch
    named_requests: int = 0  # landed changes that name their pull or merge request (a merge, `(#N)`, `!N`)


# Automation that commits under a plain account rather than a GitHub App's `name[bot]`: "CFT Bot",
# "semantic-release-bot", "Mend Renovate", "k8s-ci-robot". A name that merely ends in "bot" (Talbot) is a person.
_BOT_NAME = re.compile(r"\[bot\]|(^|[-_ .])(ro)?bot$|^bot[-_ .]|\brenovate\b|\bdependabot\b|semantic-release|"
                       r"^github-actions\b", re.I)
_BOT_EMAIL = re.compile(r"\[bot\]|^[^@]*[-_.+](ro)?bot@|^bot@|renovate|dependabot|semantic-release", re.I)


def is_bot(name: str, email: str) -> bool:
    return bool(_BOT_NAME.search(name.strip()) or _BOT_EMAIL.search(email.strip()))


def commit_flags(commit: LogCommit) -> int:
    flags = 0
    if is_bot(commit.author_name, commit.author_email):
        flags |= BOT
    if len(commit.parents) > 1:
        flags |= MERGE
    if commit.merge_request or PULL_REQUEST_SUBJECT.search(commit.subject):
        flags |= PULL_REQUEST
    if commit.applied_by_other:
        flags |= APPLIED
    if CONVENTIONAL_SUBJECT.match(commit.subject):
        flags |= CONVENTIONAL
    if commit.signed:
        flags |= SIGNED
    if HOTFIX_SUBJECT.match(commit.subject):
        flags |= HOTFIX
    return flags


def read_habits(graph: CommitGraph, mainline: list[int], start: int, end: int, last_active: dict[str, int]) -> Habits:
    """Habits of the human commits whose commit time falls in (start, end]; `mainline` is newest first."""
    times, flags = graph.commit_time, graph.flags
    window = [n for n in range(len(times)) if start < times[n] <= end and not flags[n] & BOT]
    changes = [n for n in window if not flags[n] & MERGE]
    landed = [n for n in mainline if start < times[n] <= end and not flags[n] & BOT]
    lifetimes = _branch_lifetimes(graph, mainline, start)
    return Habits(
        commits_in_window=len(window),
        pr_merge_share=_share(landed, PULL_REQUEST | APPLIED, flags),
        conventional_share=_share(changes, CONVENTIONAL, flags),
        signed_share=_share(window, SIGNED, flags),
        short_lived_branch_share=sum(t <= SHORT_LIVED for t in lifetimes) / len(lifetimes) if lifetimes else None,
        merges_measured=len(lifetimes),
        contributors_in_window=sum(start < when <= end for when in last_active.values()),
        reverts_in_window=sum(start < times[n] <= end for n in graph.reverts),
        hotfix_commits_in_window=sum(bool(flags[n] & HOTFIX) for n in window),
        pr_merge_counts=_counts(landed, PULL_REQUEST | APPLIED, flags),
        named_requests=_counts(landed, PULL_REQUEST, flags)[0],
        conventional_counts=_counts(changes, CONVENTIONAL, flags),
        signed_counts=_counts(window, SIGNED, flags),
        landed_merges=sum(bool(flags[n] & MERGE) for n in landed),
    )


def _counts(nodes: list[int], flag: int, flags: bytearray) -> tuple[int, int]:
    return sum(bool(flags[n] & flag) for n in nodes), len(nodes)


def _share(nodes: list[int], flag: int, flags: bytearray) -> float | None:
    return sum(bool(flags[n] & flag) for n in nodes) / len(nodes) if nodes else None


def _branch_lifetimes(graph: CommitGraph, mainline: list[int], start: int) -> list[int]:
    """Seconds from each merged branch's first commit to its merge, for mainline merges in the window.

    Merges are walked oldest first over the whole kept history so that each branch is measured
    only from where the previous merges left off.
    """
    stop = set(mainline)
    lifetimes = []
    for merge in reversed(mainline):
        began = graph.branch_start(merge, stop)
        if began is not None and graph.commit_time[merge] > start:
            lifetimes.append(max(0, graph.commit_time[merge] - began))
    return lifetimes
