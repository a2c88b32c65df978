"""Git history facts: habits read from commits, and robustness on every history shape.

Every repository is built in a temp dir with fixed dates; expected values are worked out in the
comments from those dates and messages.
"""
from __future__ import annotations

import itertools
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.fixtures.gitrepo import git
from vana_audit.facts import Facts
from vana_audit.history import HistoryFacts, analyse_history
from vana_audit.model import Problem
from vana_audit.scan import dora_section
from vana_audit.signals import Signals
from vana_audit.source import GitInfo, WorkingTreeSource

ALICE = "Alice <alice@example.com>"
BOB = "Bob <bob@example.com>"
CAROL = "Carol <carol@example.com>"
DEPENDABOT = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"


class Repo:
    """A repository under construction: commits, merges and tags at given times."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        git(path, "init", "-q", "-b", "main")
        self._files = itertools.count(1)

    def run(self, *args: str, when: str | None = None, authored: str | None = None, who: str = ALICE) -> str:
        name, email = who[:-1].split(" <")
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
               "GIT_COMMITTER_EMAIL": email}
        if when:
            env |= {"GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": authored or when}
        return git(self.path, *args, env=env).strip()

    def commit(self, message: str, when: str, *, authored: str | None = None, who: str = ALICE) -> str:
        (self.path / f"file{next(self._files)}.txt").write_text(message)
        self.run("add", "-A")
        self.run("commit", "-q", "-m", message, when=when, authored=authored, who=who)
        return self.run("rev-parse", "HEAD")

    def merge(self, branch: str, message: str, when: str, who: str = ALICE) -> str:
        self.run("merge", "-q", "--no-ff", "-m", message, branch, when=when, who=who)
        return self.run("rev-parse", "HEAD")

    def tag(self, name: str, when: str, target: str = "HEAD", annotated: bool = True) -> None:
        if annotated:
            self.run("tag", "-a", name, "-m", f"release {name}", target, when=when)
        else:
            self.run("tag", name, target)

    def info(self) -> GitInfo:
        info = WorkingTreeSource(self.path).git
        assert info is not None
        return info


def analyse(info: GitInfo, window_days: int = 90) -> tuple[HistoryFacts, list[Problem]]:
    problems: list[Problem] = []
    facts = analyse_history(info, window_days=window_days, problems=problems)
    assert facts is not None
    return facts, problems


@pytest.fixture
def team_repo(tmp_path: Path) -> Repo:
    """A week of team work on main, no tags (all times UTC).

    Carol's root commit is from 2022, long before the 90-day window that ends at the newest commit (and before
    the year the habits widen to, as the window holds fewer than 20 changes).
    Mainline (first-parent) changes in the window, newest last:
      M1  Mon 2024-05-06 15:00  "Merge pull request #4 from dev/f1"   brings F1 (Alice, authored Mon 09:00)
      P1  Tue 2024-05-07 10:00  "direct push fix"                     Bob, authored Tue 08:00, pushed straight
      S1  Wed 2024-05-08 09:00  "feat: squashed (#5)"                 Bob, authored Wed 07:00, a squash merge
      M2  Thu 2024-05-09 12:00  "Merge pull request #6 from dev/f2"   brings F2 (Wed 11:00), dependabot's bump
                                                                      (Wed 20:00) and F3 (Thu 08:00)
    """
    repo = Repo(tmp_path / "team")
    repo.commit("chore: initial", "2022-06-01T09:00:00+00:00", who=CAROL)
    repo.run("checkout", "-q", "-b", "f1")
    repo.commit("feat: f1", "2024-05-06T09:00:00+00:00")
    repo.run("checkout", "-q", "main")
    repo.merge("f1", "Merge pull request #4 from dev/f1", "2024-05-06T15:00:00+00:00")
    repo.commit("direct push fix", "2024-05-07T10:00:00+00:00", authored="2024-05-07T08:00:00+00:00", who=BOB)
    repo.commit("feat: squashed (#5)", "2024-05-08T09:00:00+00:00", authored="2024-05-08T07:00:00+00:00", who=BOB)
    repo.run("checkout", "-q", "-b", "f2")
    repo.commit("wip", "2024-05-08T11:00:00+00:00")
    repo.commit("chore(deps): bump left-pad", "2024-05-08T20:00:00+00:00", who=DEPENDABOT)
    repo.commit("fix: f3", "2024-05-09T08:00:00+00:00")
    repo.run("checkout", "-q", "main")
    repo.merge("f2", "Merge pull request #6 from dev/f2", "2024-05-09T12:00:00+00:00")
    return repo


def test_habits_of_a_team_are_read_from_the_window(team_repo: Repo) -> None:
    facts, problems = analyse(team_repo.info())
    assert problems == []
    # 1 root + F1 + M1 + P1 + S1 + F2 + bump + F3 + M2 = 9 commits
    assert facts.commit_count == 9
    # mainline human changes in the window: M1, P1, S1, M2; through PRs: M1, S1 (#5), M2 -> 3/4
    assert facts.pr_merge_share == pytest.approx(0.75)
    # human non-merge commits in the window: F1, P1, S1, F2 ("wip"), F3; conventional: F1, S1, F3 -> 3/5
    assert facts.conventional_share == pytest.approx(0.6)
    assert facts.signed_share == 0.0
    # M1's branch lived 6 h (Mon 09:00 -> 15:00); M2's 25 h (Wed 11:00 -> Thu 12:00): one of two under a day
    assert facts.merges_measured == 2
    assert facts.short_lived_branch_share == pytest.approx(0.5)
    # Alice and Bob; Carol committed only in 2022, dependabot is a bot
    assert facts.contributors_in_window == 2
    assert facts.default_branch == "main"
    assert facts.window_end == "2024-05-09T12:00:00Z"
    assert facts.window_start == "2024-02-09T12:00:00Z"  # 90 days earlier


def test_rules_read_the_shares_as_percentages(team_repo: Repo) -> None:
    facts = Facts()
    facts.history, _ = analyse(team_repo.info())
    signals = Signals(facts)
    assert signals["history.pr_merge_share"].value == 75.0
    assert signals["history.conventional_share"].value == 60.0


def test_signed_commits_are_told_by_their_signature_header_without_checking_it(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "signed")
    repo.commit("feat: one", "2024-05-01T09:00:00+00:00")
    repo.commit("feat: two", "2024-05-02T09:00:00+00:00")
    head = repo.run("cat-file", "commit", "HEAD")
    header, _, message = head.partition("\n\n")
    signature = "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----"
    signed = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=repo.path, check=True,
                            input=f"{header}\n{signature}\n\n{message}\n", capture_output=True, text=True).stdout.strip()
    repo.run("update-ref", "refs/heads/main", signed)
    facts, problems = analyse(repo.info())
    # one of the two commits carries a gpgsig header; nothing verified it (no gpg runs)
    assert facts.signed_share == pytest.approx(0.5)
    assert problems == []


def test_gitlab_merge_requests_and_squashes_count_as_pull_requests(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "gitlab")
    repo.commit("init", "2024-05-01T09:00:00+00:00")
    repo.run("checkout", "-q", "-b", "topic")
    repo.commit("docs: y", "2024-05-02T09:00:00+00:00")
    repo.run("checkout", "-q", "main")
    repo.merge("topic", "Merge branch 'topic' into 'main'\n\nSee merge request group/project!3",
               "2024-05-02T10:00:00+00:00")
    repo.commit("Add cache\n\nSee merge request group/project!4", "2024-05-03T09:00:00+00:00")
    repo.commit("hand-made change", "2024-05-04T09:00:00+00:00")
    facts, _ = analyse(repo.info())
    # mainline in the window: init, the !3 merge, the !4 squash, the hand-made change -> 2/4
    assert facts.pr_merge_share == pytest.approx(0.5)


def test_empty_repository_has_no_history_to_estimate(tmp_path: Path) -> None:
    path = tmp_path / "empty"
    path.mkdir()
    git(path, "init", "-q")
    facts, problems = analyse(WorkingTreeSource(path).git)
    assert facts.commit_count == 0
    assert facts.estimates["status"] == "insufficient data"
    assert "no commits" in facts.estimates["reason"]
    assert problems == []


def test_shallow_clone_is_detected_and_estimates_refused(team_repo: Repo, tmp_path: Path) -> None:
    team_repo.tag("v1.0.0", "2024-05-09T13:00:00+00:00")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{team_repo.path}", str(clone))
    info = WorkingTreeSource(clone).git
    assert info.is_shallow
    facts, problems = analyse(info)
    assert problems == []
    assert facts.is_shallow
    # depth 2: M2 and its two parents, S1 and F3
    assert facts.commit_count == 3
    assert facts.estimates["status"] == "insufficient data"
    assert "shallow clone" in facts.estimates["reason"]
    assert facts.push_estimates is None
    dora = dora_section(_facts(facts))
    assert dora.estimates is None
    assert "shallow clone" in (dora.estimates_reason or "")


def test_bare_repository_reads_like_its_work_tree(team_repo: Repo, tmp_path: Path) -> None:
    bare = tmp_path / "team.git"
    git(tmp_path, "clone", "-q", "--bare", str(team_repo.path), str(bare))
    info = WorkingTreeSource(bare).git
    assert info.is_bare
    facts, problems = analyse(info)
    work_tree_facts, _ = analyse(team_repo.info())
    assert (facts.commit_count, facts.pr_merge_share, facts.conventional_share) == \
        (work_tree_facts.commit_count, work_tree_facts.pr_merge_share, work_tree_facts.conventional_share)
    assert problems == []


def test_bare_repository_whose_head_names_a_missing_branch(team_repo: Repo, tmp_path: Path) -> None:
    bare = tmp_path / "odd.git"
    git(tmp_path, "clone", "-q", "--bare", str(team_repo.path), str(bare))
    git(bare, "symbolic-ref", "HEAD", "refs/heads/master")  # HEAD unborn, main still there
    info = WorkingTreeSource(bare).git
    assert info.head_sha is None
    facts, _ = analyse(info)
    assert facts.commit_count == 9  # read from main instead


def test_detached_head_reads_the_same_history(team_repo: Repo) -> None:
    attached, _ = analyse(team_repo.info())
    team_repo.run("checkout", "-q", "--detach", "HEAD")
    info = team_repo.info()
    assert info.ref is None
    detached, problems = analyse(info)
    assert detached.default_branch is None  # no remote names one
    assert (detached.commit_count, detached.pr_merge_share, detached.short_lived_branch_share) == \
        (attached.commit_count, attached.pr_merge_share, attached.short_lived_branch_share)
    assert problems == []


def test_missing_objects_become_problems_not_exceptions(team_repo: Repo) -> None:
    team_repo.tag("v1.0.0", "2024-05-09T13:00:00+00:00")
    root = team_repo.run("rev-list", "--max-parents=0", "HEAD")
    tag_object = team_repo.run("rev-parse", "v1.0.0")
    for sha in (root, tag_object):
        (team_repo.path / ".git" / "objects" / sha[:2] / sha[2:]).unlink()
    facts, problems = analyse(team_repo.info())
    messages = " ".join(p.message for p in problems)
    assert "some tags could not be read" in messages  # the tag object is gone
    assert "git log stopped early" in messages  # the root commit is gone
    assert facts.commit_count < 9
    assert facts.tag_counts.semver == 0


def test_thousands_of_tags_on_few_commits_count_once_per_commit(tmp_path: Path) -> None:
    # 20 daily commits (2024-03-01 .. 03-20, 09:00 UTC), each carrying 100 lightweight release tags
    repo = Repo(tmp_path / "tags")
    lines = []
    for day in range(1, 21):
        sha = repo.commit(f"feat: day {day}", f"2024-03-{day:02d}T09:00:00+00:00")
        lines += [f"create refs/tags/v{day}.{n}.0 {sha}" for n in range(100)]
    subprocess.run(["git", "update-ref", "--stdin"], cwd=repo.path, check=True, input="\n".join(lines) + "\n",
                   text=True)
    facts, problems = analyse(repo.info())
    assert facts.tag_counts.semver == 2000
    # a tag on the commit its predecessor named is the same release: 20 deployments on 20 days,
    # the first commit's history begins the window, so it spans 03-01 09:00 .. 03-20 09:00 = 19 days
    assert facts.estimates["deployments"] == 20
    frequency = facts.estimates["metrics"]["deployment_frequency"]
    assert frequency["deploy_days"] == 20
    assert frequency["value"] == pytest.approx(round(20 / (19 / 7), 2))
    assert problems == []


def test_tags_of_trees_and_blobs_are_ignored(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "odd-tags")
    repo.commit("feat: one", "2024-05-01T09:00:00+00:00")
    repo.run("tag", "v9.9.9", "HEAD^{tree}")
    facts, problems = analyse(repo.info())
    assert facts.tag_counts.semver == 0
    assert problems == []


def _facts(history: HistoryFacts) -> Facts:
    facts = Facts()
    facts.history = history
    return facts


def test_a_quiet_project_has_its_habits_read_over_a_wider_window(tmp_path: Path) -> None:
    """Five commits in the last 90 days are too few to judge a habit (20 are needed), so the shares are read
    over 180 days and then a year: 25 commits from 2023-06 to 2024-05, one a fortnight."""
    repo = Repo(tmp_path / "quiet")
    for n in range(25):
        day = 14 * n  # 2023-06-01 + 0, 14, ..., 336 days: the newest is 2024-05-02
        subject = f"fix: change {n}" if n % 5 else f"change {n}"  # every fifth is not conventional: 20 of 25 are
        repo.commit(subject, _plus_days("2023-06-01T09:00:00+00:00", day), who=ALICE if n % 2 else BOB)
    facts, _ = analyse(repo.info())
    # in the 90 days to 2024-05-02: days 336, 322, 308, 294, 280, 266, 252 -> 7 commits, under 20;
    # 180 days: 13 commits, still under; 365 days: all 25
    assert facts.conventional_days == facts.signed_days == facts.pr_merge_days == 365
    assert facts.conventional_counts == (20, 25)
    assert facts.commits_in_window == 7  # the window's own counts stay the 90 days'
    signals = Signals(_facts(facts))
    assert "25 human commits (merges aside) in the 365 days to 2024-05-02" in \
        signals["history.conventional_sample"].evidence[0].snippet


def test_a_busy_project_keeps_the_90_day_window_for_habits(team_repo: Repo) -> None:
    for n in range(20):
        team_repo.commit(f"feat: more {n}", f"2024-05-10T{n:02d}:00:00+00:00")
    facts, _ = analyse(team_repo.info())
    assert facts.pr_merge_days == facts.conventional_days == facts.signed_days == 90


def _plus_days(start: str, days: int) -> str:
    return (datetime.fromisoformat(start) + timedelta(days=days)).isoformat()


@pytest.mark.parametrize("authors, one", [((ALICE,) * 18 + (BOB, CAROL), True), ((ALICE, BOB) * 10, False),
                                          ((ALICE,) * 15, False)])
def test_one_maintainer_needs_most_of_a_sample_of_twenty(tmp_path: Path, authors: tuple[str, ...], one: bool) -> None:
    """CODEOWNERS (GIT-003) is not asked of a project one person carries (structlog, healthchecks, anyhow): at
    least 80% of at least 20 human commits of the last year are theirs; bots do not count."""
    repo = Repo(tmp_path / "r")
    start = datetime(2025, 1, 6, 12, 0)
    for n, who in enumerate(authors):
        repo.commit(f"change {n}", (start + timedelta(days=3 * n)).isoformat(), who=who)
    repo.commit("chore(deps): bump", (start + timedelta(days=70)).isoformat(), who=DEPENDABOT)
    facts, _ = analyse(repo.info())
    assert facts.top_author_counts == (max(authors.count(a) for a in set(authors)), len(authors))
    signal = Signals(Facts(history=facts))["history.one_maintainer"]
    assert bool(signal.value) is one
    if one:
        assert "18 of 20 human commits" in signal.evidence[0].snippet


def test_changes_committed_by_a_reviewer_count_as_reviewed_landings(tmp_path: Path) -> None:
    """lldap rebases contributors' pull requests onto main: the author stays, the maintainer commits. A
    commit whose committer is GitHub itself (web-flow) may be a web-editor push, so it does not count."""
    repo = Repo(tmp_path / "r")
    repo.commit("root", "2024-05-01T09:00:00+00:00")

    def landed(message: str, when: str, author: str, committer: str) -> None:
        (repo.path / f"{message}.txt").write_text(message)
        repo.run("add", "-A")
        a_name, a_email = author[:-1].split(" <")
        c_name, c_email = committer[:-1].split(" <")
        git(repo.path, "commit", "-q", "-m", message, env={
            "GIT_AUTHOR_NAME": a_name, "GIT_AUTHOR_EMAIL": a_email, "GIT_COMMITTER_NAME": c_name,
            "GIT_COMMITTER_EMAIL": c_email, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when})

    landed("bob-1", "2024-05-02T09:00:00+00:00", BOB, ALICE)  # rebased by Alice: counts
    landed("bob-2", "2024-05-03T09:00:00+00:00", BOB, ALICE)  # counts
    landed("alice", "2024-05-04T09:00:00+00:00", ALICE, ALICE)  # her own push
    landed("carol", "2024-05-05T09:00:00+00:00", CAROL, "GitHub <noreply@github.com>")  # web-flow: not counted
    facts, _ = analyse(repo.info())
    # mainline human changes in the window: root, bob-1, bob-2, alice, carol = 5; reviewed: bob-1, bob-2
    assert facts.pr_merge_counts == (2, 5)
