"""Git history: one streaming pass over `git log`, history habits and DORA estimates.

`analyse_history` reads the refs once and the log once, keeps a compact commit graph of the
window and a lookback before it, and returns `HistoryFacts`: the habits rules read and the
year-independent DORA estimates that `readiness.build_dora` classifies.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Problem
from ..source import GitInfo
from .deployments import Basis, Deployment, TagCounts, count_tags, push_deployments, tag_deployments
from .dora import DAY, Window, estimate, insufficient
from .gitlog import Refs, read_refs, stream_log
from .graph import BOT, CommitGraph
from .habits import commit_flags, read_habits

LOOKBACK_DAYS = 365  # commits older than the window by more than this are counted, not kept
SHALLOW_REASON = "shallow clone: the history is cut off, so earlier deployments and commit ages are unknown"


@dataclass(frozen=True)
class HistoryFacts:
    commit_count: int = 0
    is_shallow: bool = False
    pr_merge_share: float | None = None  # 0..1 of human changes landing on the default branch
    conventional_share: float | None = None  # 0..1 of human non-merge commits
    signed_share: float | None = None  # 0..1 of human commits
    estimates: dict[str, Any] = field(default_factory=dict)  # dora.estimate() from tags, or why there are none
    push_estimates: dict[str, Any] | None = None  # first-parent basis, for when a pipeline deploys on push
    short_lived_branch_share: float | None = None  # 0..1 of measured merges whose branch lived a day or less
    merges_measured: int = 0
    contributors_in_window: int = 0
    commits_in_window: int = 0
    reverts_in_window: int = 0
    hotfix_commits_in_window: int = 0
    default_branch: str | None = None
    window_days: int = 90
    window_start: str | None = None
    window_end: str | None = None
    tag_counts: TagCounts = TagCounts()


def analyse_history(git: GitInfo, window_days: int = 90, problems: list[Problem] | None = None) -> HistoryFacts | None:
    """Read the history reachable from HEAD and the tags; unreadable parts become problems, never exceptions."""
    problems = problems if problems is not None else []
    refs = read_refs(git, problems)
    tip = git.head_sha or _branch_tip(refs)
    tips = list(dict.fromkeys(([tip] if tip else []) + [tag.commit for tag in refs.tags]))
    base = dict(is_shallow=git.is_shallow, window_days=window_days, tag_counts=count_tags(refs.tags),
                default_branch=_default_branch(git, refs))
    if not tips:
        return HistoryFacts(**base, estimates=insufficient("the repository has no commits"))

    graph = CommitGraph()
    last_active: dict[str, int] = {}
    count, newest, oldest = 0, 0, 0
    horizon = None
    for commit in stream_log(git, tips, problems):
        count += 1
        if horizon is None:
            newest = oldest = commit.commit_time
            horizon = commit.commit_time - (window_days + LOOKBACK_DAYS) * DAY
        newest, oldest = max(newest, commit.commit_time), min(oldest, commit.commit_time)
        if commit.commit_time < horizon:
            continue
        flags = commit_flags(commit)
        graph.add(commit.sha, commit.parents, commit.author_time, commit.commit_time, flags, commit.reverts)
        if not flags & BOT:
            last_active[commit.author_email] = max(last_active.get(commit.author_email, 0), commit.commit_time)
    if not count:
        return HistoryFacts(**base, estimates=insufficient("no commits could be read"))

    by_basis = tag_deployments(refs.tags, graph)
    end = max([newest] + [d.time for items in by_basis.values() for d in items])
    window = Window(window_days, end - window_days * DAY, end, oldest)
    mainline = graph.first_parent_chain(graph.index[tip]) if tip in graph.index else []
    habits = read_habits(graph, mainline, window.start, window.end, last_active)
    estimates, push_estimates = _estimates(git, graph, by_basis, mainline, window, base["default_branch"])
    span = window.to_dict()
    return HistoryFacts(
        **base, commit_count=count, estimates=estimates, push_estimates=push_estimates,
        pr_merge_share=habits.pr_merge_share, conventional_share=habits.conventional_share,
        signed_share=habits.signed_share, short_lived_branch_share=habits.short_lived_branch_share,
        merges_measured=habits.merges_measured, contributors_in_window=habits.contributors_in_window,
        commits_in_window=habits.commits_in_window, reverts_in_window=habits.reverts_in_window,
        hotfix_commits_in_window=habits.hotfix_commits_in_window,
        window_start=span["start"], window_end=span["end"],
    )


def _estimates(git: GitInfo, graph: CommitGraph, by_basis: dict[Basis, list[Deployment]], mainline: list[int],
               window: Window, default_branch: str | None) -> tuple[dict[str, Any], dict[str, Any] | None]:
    if git.is_shallow:
        return insufficient(SHALLOW_REASON, window), None
    basis = _choose_basis(by_basis, window)
    if basis is not None:
        return estimate(graph, by_basis[basis], basis, _describe(basis, by_basis[basis]), window), None
    reason = "no deploy or release tags (release-*, deploy-*, prod*, or semantic versions such as v1.2.3)"
    description = f"first-parent commits of {default_branch or 'the checked-out branch'}, one deployment per push"
    pushes = push_deployments(graph, mainline)
    return insufficient(reason, window), estimate(graph, pushes, Basis.FIRST_PARENT, description, window)


def _choose_basis(by_basis: dict[Basis, list[Deployment]], window: Window) -> Basis | None:
    """The first basis with a deployment in the window, else the first with any deployment at all."""
    for basis in (Basis.DEPLOY_TAGS, Basis.SEMVER_TAGS):
        if any(window.contains(d.time) for d in by_basis[basis]):
            return basis
    return next((basis for basis in (Basis.DEPLOY_TAGS, Basis.SEMVER_TAGS) if by_basis[basis]), None)


def _describe(basis: Basis, deployments: list[Deployment]) -> str:
    if basis is Basis.DEPLOY_TAGS:
        return f"{len(deployments)} deploy-style tags (release-*, deploy-*, prod*, hotfix-*)"
    components = sorted({d.component for d in deployments if d.component})
    text = f"{len(deployments)} semantic-version release tags, pre-releases excluded"
    if components:
        text += f", grouped into {len(components)} components ({', '.join(components[:5])}" + \
                (", ..." if len(components) > 5 else "") + ")"
    return text


def _branch_tip(refs: Refs) -> str | None:
    """A tip to read from when HEAD is unborn (a bare repository whose HEAD names a missing branch)."""
    for name in (refs.remote_default, "main", "master", "trunk"):
        if name and name in refs.branches:
            return refs.branches[name]
    return next(iter(sorted(refs.branches.items())), (None, None))[1]


def _default_branch(git: GitInfo, refs: Refs) -> str | None:
    if git.ref and git.ref in refs.branches:
        return git.ref
    return refs.remote_default
