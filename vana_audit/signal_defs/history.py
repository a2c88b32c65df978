"""`history.*` signals: habits read from the Git history."""
from __future__ import annotations

from ..history import MAINTAINER_DAYS, HistoryFacts
from ..history.habits import MIN_HABIT_SAMPLE, sample_size_text, sample_text
from ..signal_core import Signal, Signals, ev, signal


@signal("history.available", "git history is available")
def history_available(s: Signals) -> Signal:
    h = s.facts.history
    return Signal(bool(h and getattr(h, "commit_count", 0) >= 10))


def _habit(s: Signals, share: str, counts: str, noun: str, verb: str) -> Signal:
    """A habit's share (0-100) with the sample behind it in the evidence ('12 of 40 ...')."""
    h = s.facts.history
    value = getattr(h, share, None) if h else None
    sample = getattr(h, counts, (0, 0)) if h else (0, 0)
    if value is None:
        return Signal(0)
    text = sample_text(sample, noun, verb, _days(h, counts), h.window_end)
    return Signal(round(value * 100, 1), (ev(".git", None, text),))


def _habit_sample(s: Signals, counts: str, noun: str) -> Signal:
    """How many commits a habit is measured on, with the minimum a rule needs to judge it."""
    h = s.facts.history
    if h is None:
        return Signal(0)
    sample = getattr(h, counts, (0, 0))
    return Signal(sample[1], (ev(".git", None, sample_size_text(sample, noun, _days(h, counts), h.window_end)),))


def _days(h: HistoryFacts, counts: str) -> int:
    """The days a habit was read over: `pr_merge_counts` -> `pr_merge_days`."""
    return int(getattr(h, counts.removesuffix("_counts") + "_days"))


PR_NOUN = "changes landed on the default branch"
CONVENTIONAL_NOUN = "human commits (merges aside)"
SIGNED_NOUN = "human commits"


@signal("history.pr_merge_share", "share of changes merged through pull requests (0-100)")
def pr_share(s: Signals) -> Signal:
    return _habit(s, "pr_merge_share", "pr_merge_counts", PR_NOUN,
                  "came through pull requests or were committed by someone other than their author")


@signal("history.merges_untraceable", "GitLab CI and a linear history: how changes landed cannot be read")
def merges_untraceable(s: Signals) -> Signal:
    """GitLab can merge by fast-forward or rebase, leaving no merge commit and no `!N` reference, so a
    linear default branch with no merge request named in it looks the same whether changes came through
    merge requests or were pushed. GitHub's squash and rebase merges name the pull request `(#N)`."""
    h = s.facts.history
    on_gitlab = any(p.provider == "gitlab-ci" for p in s.facts.pipelines)
    # a GitHub mirror may keep a workflow that closes pull requests there (lockdown): only one that checks
    # pushes or pull requests makes GitHub the forge changes land through
    on_github = any(p.provider == "github-actions" and p.triggers & {"push", "pull_request"} for p in s.facts.pipelines)
    if h is None or not on_gitlab or on_github:
        return Signal(False)
    landed = h.pr_merge_counts[1]
    # GitLab's rebase merges make the merging user the committer, but fast-forward merges of one's own merge
    # request look like pushes: commits applied by others leave how the rest landed unreadable
    linear = landed > 0 and h.named_requests == 0 and h.landed_merges == 0
    return Signal(linear, (ev(".git", None, f"none of {landed} {PR_NOUN} is a merge or names a merge request"),)
                  if linear else ())


@signal("history.pr_sample", "changes that landed on the default branch in the history window")
def pr_sample(s: Signals) -> Signal:
    return _habit_sample(s, "pr_merge_counts", PR_NOUN)


@signal("history.conventional_share", "share of commits following Conventional Commits (0-100)")
def conv_share(s: Signals) -> Signal:
    return _habit(s, "conventional_share", "conventional_counts", CONVENTIONAL_NOUN, "follow Conventional Commits")


@signal("history.conventional_sample", "human non-merge commits in the history window")
def conv_sample(s: Signals) -> Signal:
    return _habit_sample(s, "conventional_counts", CONVENTIONAL_NOUN)


@signal("history.signed_share", "share of commits with a signature (0-100)")
def signed_share(s: Signals) -> Signal:
    return _habit(s, "signed_share", "signed_counts", SIGNED_NOUN, "are signed")


@signal("history.signed_sample", "human commits in the history window")
def signed_sample(s: Signals) -> Signal:
    return _habit_sample(s, "signed_counts", SIGNED_NOUN)


ONE_MAINTAINER_SHARE = 0.8  # of the human commits of the last year, by one person


@signal("history.one_maintainer", "one person made most of the human commits of the last year (at least 80% of at "
        "least 20): there is no one else to assign reviews to")
def one_maintainer(s: Signals) -> Signal:
    h = s.facts.history
    top, measured = getattr(h, "top_author_counts", (0, 0)) if h else (0, 0)
    if measured < MIN_HABIT_SAMPLE or top < ONE_MAINTAINER_SHARE * measured:
        return Signal(False)
    text = sample_text((top, measured), "human commits", "are by one person", MAINTAINER_DAYS, h.window_end)
    return Signal(True, (ev(".git", None, text),))
