"""Git history: one streaming pass over `git log`, history habits and DORA estimates.

`analyse_history` reads the refs once and the log once, keeps a compact commit graph of the
window and a lookback before it, and returns `HistoryFacts`: the habits rules read and the
year-independent DORA estimates that `readiness.build_dora` classifies.
"""

from __future__ import annotations

import subprocess
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from typing import Any

from ..gitcmd import GitError, run_git
from ..model import Problem
from ..source import GitInfo
from .deployments import Basis, Deployment, TagCounts, count_tags, push_deployments, tag_deployments
from .dora import DAY, Window, estimate, insufficient, iso, widening
from .gitlog import Refs, TagRef, read_refs, stream_log
from .graph import BOT, CommitGraph
from .habits import MIN_HABIT_SAMPLE, Habits, commit_flags, read_habits

LOOKBACK_DAYS = 365  # commits older than the window by more than this are counted, not kept
HABIT_WINDOWS = (180, 365)  # a habit with too small a sample in the window is read over these, in turn
HABITS = ("pr_merge", "conventional", "signed")  # Habits fields <habit>_share and <habit>_counts
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
    tag_counts: TagCounts = field(default_factory=TagCounts)
    pr_merge_counts: tuple[int, int] = (0, 0)  # (through pull requests, human changes landed) in the window
    conventional_counts: tuple[int, int] = (0, 0)  # (conventional, human non-merge commits) in the window
    signed_counts: tuple[int, int] = (0, 0)  # (signed, human commits) in the window
    landed_merges: int = 0  # merge commits among the changes landed on the default branch
    named_requests: int = 0  # landed changes that name their pull or merge request
    # the days each habit above was read over: the window's, or a wider one when it held too few commits
    pr_merge_days: int = 90
    conventional_days: int = 90
    signed_days: int = 90
    # (commits of the most active person, human commits) over the last year to the window's end
    top_author_counts: tuple[int, int] = (0, 0)
    push_basis: Any = field(default=None, compare=False, repr=False)  # PushBasis, to re-estimate path-filtered pushes


@dataclass(frozen=True)
class PushBasis:
    """What the first-parent estimate was made from, kept so that a path-filtered deploy can be re-estimated."""

    graph: CommitGraph
    mainline: list[int]
    window: Window
    description: str


@dataclass(frozen=True)
class LogRead:
    """What the one pass over `git log` leaves behind."""

    graph: CommitGraph
    count: int
    newest: int
    oldest: int
    last_active: dict[str, int]  # human author email -> newest commit time
    author_times: dict[str, list[int]] = field(default_factory=dict)  # human author email -> commit times


def analyse_history(
    git: GitInfo, window_days: int = 90, problems: list[Problem] | None = None, *, as_of_head: bool = False
) -> HistoryFacts | None:
    """Read the history reachable from HEAD and the tags; unreadable parts become problems, never exceptions.

    With `as_of_head` (a scan of an older ref, a trend point) the history is taken as it stood at the
    scanned commit: only what it reaches, and only tags made by the time it was itself tagged.
    """
    problems = problems if problems is not None else []
    try:
        return _analyse(git, window_days, problems, as_of_head)
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        problems.append(Problem(".git", f"git history could not be analysed ({exc})"))
        return None


def _analyse(git: GitInfo, window_days: int, problems: list[Problem], as_of_head: bool) -> HistoryFacts:
    refs = read_refs(git, problems)
    tip = git.head_sha or _branch_tip(refs)
    tags = refs.tags
    tips = list(dict.fromkeys(([tip] if tip else []) + ([] if as_of_head else [tag.commit for tag in tags])))
    default_branch = _default_branch(git, refs)
    log = _read_log(git, tips, window_days, problems) if tips else None
    anchor = _anchor(log, tip if as_of_head else None) if log is not None else 0
    if as_of_head and log is not None:
        tags = _tags_as_of(tags, tip, log, anchor)
    counts = count_tags(tags)
    base = HistoryFacts(
        is_shallow=git.is_shallow, window_days=window_days, tag_counts=counts, default_branch=default_branch
    )
    if log is None or not log.count:
        return replace(
            base, estimates=insufficient("the repository has no commits" if not tips else "no commits could be read")
        )
    graph = log.graph
    by_basis = tag_deployments(tags, graph)
    end = max([anchor] + [d.time for items in by_basis.values() for d in items])
    window = Window(window_days, end - window_days * DAY, end, log.oldest)
    mainline = graph.first_parent_chain(graph.index[tip]) if tip in graph.index else []
    habits = read_habits(graph, mainline, window.start, window.end, log.last_active)
    habits, habit_days = _widen_habits(habits, graph, mainline, window, log.last_active)
    estimates, push_estimates = _estimates(git, graph, by_basis, mainline, window, default_branch, counts)
    span = window.to_dict()
    return replace(
        base,
        commit_count=log.count,
        estimates=estimates,
        push_estimates=push_estimates,
        push_basis=PushBasis(graph, mainline, window, _push_description(default_branch)) if push_estimates else None,
        window_start=span["start"],
        window_end=span["end"],
        pr_merge_days=habit_days["pr_merge_days"],
        conventional_days=habit_days["conventional_days"],
        signed_days=habit_days["signed_days"],
        top_author_counts=_top_author(log, window.end - MAINTAINER_DAYS * DAY, window.end),
        **asdict(habits),
    )


def _widen_habits(habits: Habits, graph: CommitGraph, mainline: list[int], window: Window,
                  last_active: dict[str, int]) -> tuple[Habits, dict[str, int]]:
    """A quiet project lands a handful of commits in 90 days, too few to judge a habit on: then that
    habit (pull requests, Conventional Commits, signing) is read over 180, then 365 days to the same end
    (the lookback keeps that much), and says so. A habit with enough commits, and the window's own
    counts, stay as they are."""
    days = {f"{habit}_days": window.days for habit in HABITS}
    for wider in HABIT_WINDOWS:
        short = [habit for habit in HABITS if getattr(habits, f"{habit}_counts")[1] < MIN_HABIT_SAMPLE
                 and days[f"{habit}_days"] < wider]
        if not short:
            break
        read = read_habits(graph, mainline, window.end - wider * DAY, window.end, last_active)
        changes: dict[str, Any] = {}
        for habit in short:
            changes |= {f"{habit}_share": getattr(read, f"{habit}_share"),
                        f"{habit}_counts": getattr(read, f"{habit}_counts")}
            days[f"{habit}_days"] = wider
        if "pr_merge" in short:
            changes["landed_merges"] = read.landed_merges
            changes["named_requests"] = read.named_requests
        habits = replace(habits, **changes)
    return habits, days


MAINTAINER_DAYS = 365


def _top_author(log: LogRead, start: int, end: int) -> tuple[int, int]:
    """(commits of the person who made most, all human commits) with commit times in (start, end]."""
    counts = [sum(1 for t in times if start < t <= end) for times in log.author_times.values()]
    return (max(counts, default=0), sum(counts))


def _anchor(log: LogRead, tip: str | None) -> int:
    """Where the windows end: the scanned commit's committer date for a scan of a ref (so a commit scores
    the same whenever it is scanned, and a pull request's base and head each by their own history), else
    the newest commit read. Never the date of the scan."""
    node = log.graph.index.get(tip) if tip else None
    return log.graph.commit_time[node] if node is not None and log.graph.known(node) else log.newest


def _tags_as_of(tags: tuple[TagRef, ...], tip: str | None, log: LogRead, anchor: int) -> tuple[TagRef, ...]:
    """Tags on commits the tip reaches, made no later than the tip's own newest tag (or the tip itself)."""
    cutoff = max([anchor] + [tag.created for tag in tags if tag.commit == tip])
    return tuple(tag for tag in tags if tag.created <= cutoff and tag.commit in log.graph.index)


def _read_log(git: GitInfo, tips: list[str], window_days: int, problems: list[Problem]) -> LogRead:
    """Stream the log once; commits older than the window plus the lookback are counted, not kept.

    git prints newest first, so the first commit fixes the horizon.
    """
    graph = CommitGraph()
    last_active: dict[str, int] = {}
    author_times: dict[str, list[int]] = {}
    count, newest, oldest, horizon = 0, 0, 0, 0
    for raw in stream_log(git, tips, problems):
        if not count:
            newest = oldest = raw.commit_time
            horizon = raw.commit_time - (window_days + LOOKBACK_DAYS) * DAY
        count += 1
        newest, oldest = max(newest, raw.commit_time), min(oldest, raw.commit_time)
        if raw.commit_time < horizon:
            continue
        commit = raw.parse()
        flags = commit_flags(commit)
        graph.add(commit.sha, commit.parents, commit.author_time, commit.commit_time, flags, commit.reverts)
        if not flags & BOT:
            last_active[commit.author_email] = max(last_active.get(commit.author_email, 0), commit.commit_time)
            author_times.setdefault(commit.author_email.lower(), []).append(commit.commit_time)
    return LogRead(graph, count, newest, oldest, last_active, author_times)


def _estimates(
    git: GitInfo,
    graph: CommitGraph,
    by_basis: dict[Basis, list[Deployment]],
    mainline: list[int],
    window: Window,
    default_branch: str | None,
    counts: TagCounts,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    if git.is_shallow:
        return insufficient(SHALLOW_REASON, window), None
    if _choose_basis(by_basis, window) is not None:
        return widening(partial(_tag_estimate, graph, by_basis, counts), window), None
    reason = _no_tag_reason(counts, by_basis)
    pushes = push_deployments(graph, mainline)
    description = _push_description(default_branch)
    return insufficient(reason, window), widening(
        partial(estimate, graph, pushes, Basis.FIRST_PARENT, description), window)


def _tag_estimate(graph: CommitGraph, by_basis: dict[Basis, list[Deployment]], counts: TagCounts,
                  window: Window) -> dict[str, Any]:
    """The estimate from the tags of the basis `_choose_basis` picks for `window`."""
    basis = _choose_basis(by_basis, window)
    assert basis is not None  # some tag is a deployment: there is a basis whatever the window
    return estimate(graph, by_basis[basis], basis, _describe(basis, by_basis[basis], counts), window)


def _push_description(default_branch: str | None) -> str:
    return f"first-parent commits of {default_branch or 'the checked-out branch'}, one deployment per push"


def _no_tag_reason(counts: TagCounts, by_basis: dict[Basis, list[Deployment]]) -> str:
    """Why tags give no estimate, in the words readiness counts them with (one release-tag definition)."""
    counted = counts.deploy + counts.semver
    if not counted:
        return ("no deploy or release tags (release-*, deploy-*, prod*, or semantic versions such as v1.2.3, "
                "name-v1.2, pkg@1.2.3)")
    newest = f", the newest made {iso(counts.newest)[:10]}" if counts.newest else ""
    return (f"{_tag_kinds(counts)}{newest}: none on a commit within the window and the {LOOKBACK_DAYS}-day "
            "lookback before it, so no deployment can be dated against the history read")


def _tag_kinds(counts: TagCounts) -> str:
    kinds = ((counts.deploy, "deploy-style"), (counts.semver, "release"))
    return " and ".join(f"{n} {kind} tags" for n, kind in kinds if n)


def push_estimates_touching(git: GitInfo, history: HistoryFacts, pathspecs: list[list[str]], shown: str,
                            problems: list[Problem] | None = None) -> dict[str, Any]:
    """First-parent estimates counting only the commits a path-filtered deploy workflow runs for.

    `pathspecs` holds one list of git pathspecs per workflow; a commit counts when it changes a path one
    of them selects (git decides, commit by commit against its first parent).
    """
    basis: PushBasis = history.push_basis
    graph = basis.graph
    tip = graph.shas[basis.mainline[0]] if basis.mainline else None
    if tip is None:
        return insufficient("no commits on the default branch", basis.window)
    touched: set[str] = set()
    for specs in pathspecs:
        try:
            out = run_git(git.git_dir, "log", "--first-parent", "--format=%H", tip, "--", *specs, timeout=60)
        except (GitError, OSError, subprocess.SubprocessError) as exc:
            if problems is not None:
                problems.append(Problem(".git", f"the commits changing {shown} could not be read ({exc})"))
            return insufficient(f"the commits changing {shown} could not be read", basis.window)
        touched.update(out.decode("ascii", "replace").split())
    mainline = [node for node in basis.mainline if graph.shas[node] in touched]
    branch = basis.description.removesuffix(", one deployment per push")
    description = f"{branch} that change {shown}, one deployment per push"
    deployments = push_deployments(graph, mainline)
    return widening(partial(estimate, graph, deployments, Basis.FIRST_PARENT, description), basis.window)


def _choose_basis(by_basis: dict[Basis, list[Deployment]], window: Window) -> Basis | None:
    """The first basis with a deployment in the window, else the first with any deployment at all."""
    for basis in (Basis.DEPLOY_TAGS, Basis.SEMVER_TAGS):
        if any(window.contains(d.time) for d in by_basis[basis]):
            return basis
    return next((basis for basis in (Basis.DEPLOY_TAGS, Basis.SEMVER_TAGS) if by_basis[basis]), None)


def _describe(basis: Basis, deployments: list[Deployment], counts: TagCounts) -> str:
    if basis is Basis.DEPLOY_TAGS:
        return f"{counts.deploy} deploy-style tags (release-*, deploy-*, prod*, hotfix-*)"
    components = sorted({d.component for d in deployments if d.component})
    text = f"{counts.semver} semantic-version release tags"
    if counts.prerelease:
        text += f" ({counts.prerelease} pre-releases left out)"
    if components:
        text += (
            f", grouped into {len(components)} components ({', '.join(components[:5])}"
            + (", ..." if len(components) > 5 else "")
            + ")"
        )
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
