"""DORA estimates on synthetic histories, with every expected number worked out in the comments from
the dates used; and readiness n/4, the cluster bands and the terminal lines.

All times are UTC unless an offset is written. The window is 90 days back from the newest commit or
deployment; a repository whose first commit lies before that window is measured over all 90 days.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.test_history import BOB, DEPENDABOT, Repo, analyse, team_repo  # noqa: F401  (team_repo: fixture)
from vana_audit.facts import Facts, Job, Pipeline, Step, TextLine
from vana_audit.history import HistoryFacts, analyse_history
from vana_audit.history.clusters import bands_for
from vana_audit.render.terminal import dora_summary_lines
from vana_audit.results import DoraResult
from vana_audit.scan import dora_section as typed_dora_section
from vana_audit.source import GitRefSource

ROOT = "2023-06-01T09:00:00+00:00"


def stamp(day: dt.date, hour: int, offset: str = "+00:00") -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00{offset}"


def facts_of(history: HistoryFacts, *, profile: str = "service", pipelines: list[Pipeline] | None = None,
             tracked: bool = False) -> Facts:
    """Facts holding only the history; `tracked` adds alert rules and an incident-response guide, so that
    failures and recovery are trackable (readiness) and their estimates get a band."""
    facts = Facts(profile=profile, pipelines=pipelines or [])
    facts.history = history
    if tracked:
        facts.docs = {"incident-response": ["docs/incident-response.md"]}
        facts.config_files = {"alertmanager": ["monitoring/alertmanager.yml"]}
    return facts


def dora_section(facts: Facts, *args: object, **kwargs: object) -> dict:
    """The `dora` object of the JSON contract (results.DoraResult.to_json), which these tests check."""
    typed = typed_dora_section(facts, *args, **kwargs)  # type: ignore[arg-type]
    assert DoraResult.from_json(typed.to_json()) == typed, "what is recorded reads back unchanged"
    return typed.to_json()


def metric(dora: dict, name: str) -> dict:
    return next(m for m in dora["estimates"]["metrics"] if m["metric"] == name)


# -- weekly releases ---------------------------------------------------------------------------------

@pytest.fixture
def weekly(tmp_path: Path) -> Repo:
    """Eight weeks, Monday 2024-01-01 to Friday 2024-02-23.

    The root commit (2023-06-01) is released as v0.1.0 long before the window. In week w (0..7) a
    commit lands on Monday 09:00 UTC (written as 11:00+02:00) and one on Wednesday 09:00, and
    v1.w.0 is tagged (annotated) on Friday 09:00. In week 3 dependabot also commits on Tuesday.
    """
    repo = Repo(tmp_path / "weekly")
    repo.commit("chore: start", ROOT)
    repo.tag("v0.1.0", ROOT)
    for week in range(8):
        monday = dt.date(2024, 1, 1) + dt.timedelta(weeks=week)
        repo.commit(f"feat: monday {week}", stamp(monday, 11, "+02:00"))
        if week == 3:
            repo.commit("chore(deps): bump", stamp(monday + dt.timedelta(days=1), 9), who=DEPENDABOT)
        repo.commit(f"fix: wednesday {week}", stamp(monday + dt.timedelta(days=2), 9))
        repo.tag(f"v1.{week}.0", stamp(monday + dt.timedelta(days=4), 9))
    return repo


def test_weekly_releases(weekly: Repo) -> None:
    history, problems = analyse(weekly.info())
    assert problems == []
    dora = dora_section(facts_of(history))
    estimates = dora["estimates"]
    # The newest event is the last tag, Friday 2024-02-23 09:00; 90 days back is 2023-11-25 09:00,
    # so v0.1.0 (2023-06-01) is outside and v1.0.0..v1.7.0 are the 8 deployments inside.
    assert estimates["basis"] == "semver-tags"
    assert estimates["window"] == {"days": 90, "start": "2023-11-25T09:00:00Z", "end": "2024-02-23T09:00:00Z",
                                   "effective_days": 90.0, "requested_days": 90, "widened": False,
                                   "widened_because": None}
    assert estimates["deployments"] == 8

    # 8 deploy days in 90 days: 8 / (90 / 7) = 0.62 per week, 8 / (90 / 30) = 2.67 per month;
    # at least monthly (7/30 = 0.23 a week) but under weekly: Medium in the 2024 bands.
    frequency = metric(dora, "deployment_frequency")
    assert frequency["value"] == 0.62
    assert frequency["details"]["per_month"] == 2.67
    assert frequency["details"]["deploy_days"] == 8
    assert frequency["cluster"] == "Medium"

    # Each Monday commit waits 4 days for Friday's tag (96 h), each Wednesday commit 2 days (48 h);
    # Monday's +02:00 offset is the same instant as 09:00 UTC. Dependabot's commit is left out.
    # 16 values, eight 48s and eight 96s: median (48 + 96) / 2 = 72 h; p90 is the 15th (ceil(0.9 * 16))
    # smallest, 96 h. A median of 3 days is within a week: High.
    lead = metric(dora, "lead_time")
    assert lead["details"]["commits"] == 16
    assert lead["value"] == 72.0
    assert lead["details"]["p90_hours"] == 96.0
    assert lead["details"]["dropped_non_positive"] == 0
    assert lead["cluster"] == "High"

    # No revert, rollback or hotfix: 0 of 8 failed. Nothing here could record a failure (no rollback job,
    # incident template, revert or hotfix), so the rate is not trackable and 0% earns no band...
    failure = metric(dora, "change_failure_rate")
    assert (failure["value"], failure["details"]["failed"], failure["cluster"]) == (0.0, 0, None)
    assert failure["cluster_withheld"].startswith("no band: change failure rate is not trackable (missing ")
    assert metric(dora, "rework_rate")["cluster_withheld"] == failure["cluster_withheld"]
    # ... while with an incident-response guide it is trackable: Elite.
    tracked = metric(dora_section(facts_of(history, tracked=True)), "change_failure_rate")
    assert (tracked["cluster"], tracked["cluster_withheld"]) == ("Elite", None)
    recovery = metric(dora, "recovery_time")
    assert recovery["status"] == "insufficient data"
    assert recovery["reason"] == "no failed deployment in the window"
    assert metric(dora, "rework_rate")["value"] == 0.0


def test_the_same_history_in_other_years_bands(weekly: Repo) -> None:
    history, _ = analyse(weekly.info())
    # 2023 merges Medium and Low (both published as "between once per week and once per month"), and
    # 0.62 deploy days a week falls there; a 72 h median lead time is High in 2023 (1 day .. 1 week).
    dora_2023 = dora_section(facts_of(history), year=2023)
    assert metric(dora_2023, "deployment_frequency")["cluster"] == "Medium/Low"
    assert metric(dora_2023, "lead_time")["cluster"] == "High"
    # 2021's High runs from monthly (0.23 a week) up to on demand, so 0.62 is High there.
    dora_2021 = dora_section(facts_of(history), year=2021)
    assert metric(dora_2021, "deployment_frequency")["cluster"] == "High"
    assert dora_2021["year"] == 2021 and dora_2021["bands"]["year"] == 2021


def test_a_trend_point_sees_the_history_as_it_stood_at_its_tag(weekly: Repo) -> None:
    # Scanned at v1.3.0 (Friday 2024-01-26 09:00): v1.4.0..v1.7.0 and the commits after it did not exist.
    info = GitRefSource(weekly.path, "refs/tags/v1.3.0").git
    problems: list = []
    history = analyse_history(info, problems=problems, as_of_head=True)
    assert problems == []
    assert history.window_end == "2024-01-26T09:00:00Z"
    assert history.tag_counts.semver == 5  # v0.1.0 and v1.0.0..v1.3.0
    estimates = history.estimates
    # v1.0.0..v1.3.0 in the window: 4 deploy days / (90 / 7) = 0.31 a week
    assert estimates["deployments"] == 4
    assert estimates["metrics"]["deployment_frequency"]["value"] == 0.31
    # weeks 0..3: four 96 h and four 48 h lead times: median 72 h, p90 the 8th (ceil(7.2)) of 8, 96 h
    lead = estimates["metrics"]["lead_time"]
    assert (lead["commits"], lead["value"], lead["p90_hours"]) == (8, 72.0, 96.0)


def test_a_library_reports_release_frequency(weekly: Repo) -> None:
    history, _ = analyse(weekly.info())
    dora = dora_section(facts_of(history, profile="library"))
    frequency = metric(dora, "deployment_frequency")
    assert frequency["name"] == "Release frequency"
    assert frequency["unit"] == "release days per week"
    assert frequency["display"] == "0.6 release days/week, 2.7/month"
    assert dora_summary_lines(typed_dora_section(facts_of(history, profile="library")))[0] == ("Release frequency: ✅ trackable · 0.6 release days/week, 2.7/month "
        "(Medium, 2024 bands) · basis: semver tags")


def test_a_window_longer_than_the_history_is_shortened_to_it(tmp_path: Path) -> None:
    # Commits and lightweight tags on 2024-03-01, 03-08 and 03-15 at 09:00: the history is 14 days old,
    # so 3 deploy days over 14 days = 3 / (14 / 7) = 1.5 per week, 3 / (14 / 30) = 6.43 per month.
    repo = Repo(tmp_path / "young")
    for day in (1, 8, 15):
        repo.commit(f"feat: {day}", f"2024-03-{day:02d}T09:00:00+00:00")
        repo.tag(f"v1.{day}.0", "", annotated=False)
    history, _ = analyse(repo.info())
    frequency = history.estimates["metrics"]["deployment_frequency"]
    assert history.estimates["window"]["effective_days"] == 14.0
    assert (frequency["value"], frequency["per_month"]) == (1.5, 6.43)
    # A lightweight tag is dated by its commit: every lead time is 0 and dropped, none remains.
    assert history.estimates["metrics"]["lead_time"]["status"] == "insufficient data"


# -- a revert two days after a release, and its fix release ---------------------------------------------

@pytest.fixture
def reverted(tmp_path: Path) -> Repo:
    """v0.1.0 on the 2023 root; then (annotated tags, all 09:00 UTC):

      A  Mon 03-04 commit          v1.0.0  Tue 03-05
      B  Mon 03-11 commit          v1.1.0  Tue 03-12
      R  Thu 03-14 `git revert B`  v1.1.1  Fri 03-15   (two days after v1.1.0, and its fix release)
      C2 Sun 03-17, C Mon 03-18    v1.2.0  Tue 03-19
    """
    repo = Repo(tmp_path / "reverted")
    repo.commit("chore: start", ROOT)
    repo.tag("v0.1.0", ROOT)
    repo.commit("feat: a", "2024-03-04T09:00:00+00:00")
    repo.tag("v1.0.0", "2024-03-05T09:00:00+00:00")
    bad = repo.commit("feat: b", "2024-03-11T09:00:00+00:00")
    repo.tag("v1.1.0", "2024-03-12T09:00:00+00:00")
    repo.run("revert", "--no-edit", bad, when="2024-03-14T09:00:00+00:00")
    repo.tag("v1.1.1", "2024-03-15T09:00:00+00:00")
    repo.commit("feat: c2", "2024-03-17T09:00:00+00:00", who=BOB)
    repo.commit("feat: c", "2024-03-18T09:00:00+00:00")
    repo.tag("v1.2.0", "2024-03-19T09:00:00+00:00")
    return repo


def test_revert_after_a_release_and_its_fix_release(reverted: Repo) -> None:
    history, problems = analyse(reverted.info())
    assert problems == []
    assert history.reverts_in_window == 1
    dora = dora_section(facts_of(history, tracked=True))
    # Window ends Tue 03-19 09:00: deployments v1.0.0, v1.1.0, v1.1.1, v1.2.0 (v0.1.0 is from 2023).
    assert dora["estimates"]["deployments"] == 4
    # 4 deploy days / (90 / 7) = 0.31 a week
    assert metric(dora, "deployment_frequency")["value"] == 0.31

    # R reverts B, first shipped in v1.1.0, and ships in v1.1.1: v1.1.0 failed, 1 of 4 = 25%.
    failure = metric(dora, "change_failure_rate")
    assert failure["value"] == 0.25
    assert failure["details"]["by_cause"] == {"revert": 1}
    assert failure["details"]["failures"] == [{"deployment": "v1.1.0", "at": "2024-03-12T09:00:00Z",
                                               "causes": ["revert"], "remedied_by": "v1.1.1",
                                               "recovery_hours": 72.0}]
    # 25% is above 2024's High/Medium bound of 20%: Low.
    assert failure["cluster"] == "Low"

    # v1.1.0 Tue 03-12 09:00 -> v1.1.1 Fri 03-15 09:00 = 3 days = 72 h; over a day: Low in 2024,
    # within a week: Medium in 2023.
    recovery = metric(dora, "recovery_time")
    assert (recovery["value"], recovery["cluster"]) == (72.0, "Low")
    assert metric(dora_section(facts_of(history, tracked=True), year=2023), "recovery_time")["cluster"] == "Medium"

    # v1.1.1 was the unplanned deployment: rework 1 of 4.
    assert metric(dora, "rework_rate")["value"] == 0.25

    # Lead times: A 24 h, B 24 h, R 24 h, C2 48 h (Sun -> Tue), C 24 h -> sorted 24, 24, 24, 24, 48:
    # median 24 h; p90 is the 5th of 5 (ceil(4.5)), 48 h. A median of one day is still Elite ("less than
    # one day" read with its bound included).
    lead = metric(dora, "lead_time")
    assert (lead["value"], lead["details"]["p90_hours"], lead["details"]["commits"]) == (24.0, 48.0, 5)
    assert lead["cluster"] == "Elite"


def test_an_unshipped_revert_leaves_the_failure_unremedied(reverted: Repo) -> None:
    reverted.run("tag", "-d", "v1.1.1")
    reverted.run("tag", "-d", "v1.2.0")
    history, _ = analyse(reverted.info())
    # Window now ends with the newest commit, C on Mon 03-18. v1.0.0 and v1.1.0 are too few for the
    # 90-day window (2, 3 needed), and 180 days reach no further back; a year reaches the 2023 v0.1.0.
    estimates = history.estimates
    assert estimates["status"] == "estimated" and estimates["deployments"] == 3
    assert estimates["window"] | {"start": None} == {
        "days": 365, "start": None, "end": "2024-03-18T09:00:00Z", "effective_days": 291.0,
        "requested_days": 90, "widened": True,
        "widened_because": "2 deployments in 90 days, 2 deployments in 180 days"}
    dora = dora_section(facts_of(history))
    failure = metric(dora, "change_failure_rate")
    assert failure["details"]["failures"] == [{"deployment": "v1.1.0", "at": "2024-03-12T09:00:00Z",
                                               "causes": ["revert"], "remedied_by": None,
                                               "recovery_hours": None}]
    assert metric(dora, "recovery_time")["reason"] == "1 failed deployment(s) in the window, none remedied yet"


def test_too_few_deployments_even_in_a_year(reverted: Repo) -> None:
    for tag in ("v1.1.1", "v1.2.0", "v1.0.0"):
        reverted.run("tag", "-d", tag)
    history, _ = analyse(reverted.info())
    assert history.estimates["status"] == "insufficient data"
    assert history.estimates["reason"] == (
        "too few deployments: 2 in the 365-day window (widened from 90 days), at least 3 needed")
    assert history.estimates["window"]["widened_because"] == "1 deployment in 90 days, 1 deployment in 180 days"
    dora = dora_section(facts_of(history))
    assert dora["estimates"] is None
    assert dora["estimates_reason"].startswith("semver tags: too few deployments: 2 in the 365-day window")


# -- hotfix tags and a rollback ---------------------------------------------------------------------------

@pytest.fixture
def hotfixed(tmp_path: Path) -> Repo:
    """Deploy-style tags (annotated), v2023 root tagged release-2023-06-01:

      A  Mon 04-01 09:00   release-2024-04-01 at 12:00
      H  Tue 04-02 09:00   hotfix-2024-04-02  at 10:30
      B  Mon 04-08 09:00   release-2024-04-08 at 12:00, deploy-2024-04-08 at 12:30 on the same commit,
                           deploy-staging-2024-04-09 (not production)
      C  Wed 04-10 09:00   release-2024-04-10 at 12:00
      -  Thu 04-11 09:00   release-2024-04-11 on B again: a rollback
    """
    repo = Repo(tmp_path / "hotfixed")
    repo.commit("chore: start", ROOT)
    repo.tag("release-2023-06-01", ROOT)
    repo.commit("feat: a", "2024-04-01T09:00:00+00:00")
    repo.tag("release-2024-04-01", "2024-04-01T12:00:00+00:00")
    repo.commit("fix: null check", "2024-04-02T09:00:00+00:00")
    repo.tag("hotfix-2024-04-02", "2024-04-02T10:30:00+00:00")
    good = repo.commit("feat: b", "2024-04-08T09:00:00+00:00")
    repo.tag("release-2024-04-08", "2024-04-08T12:00:00+00:00")
    repo.tag("deploy-2024-04-08", "2024-04-08T12:30:00+00:00")
    repo.tag("deploy-staging-2024-04-09", "2024-04-09T09:00:00+00:00")
    repo.commit("feat: c", "2024-04-10T09:00:00+00:00")
    repo.tag("release-2024-04-10", "2024-04-10T12:00:00+00:00")
    repo.tag("release-2024-04-11", "2024-04-11T09:00:00+00:00", target=good)
    return repo


def test_hotfix_tags_and_a_rollback(hotfixed: Repo) -> None:
    history, _ = analyse(hotfixed.info())
    # release-2023-06-01, release-2024-04-01, hotfix-2024-04-02, release-2024-04-08, deploy-2024-04-08,
    # release-2024-04-10, release-2024-04-11 (the staging tag is not production)
    assert (history.tag_counts.deploy, history.tag_counts.hotfix) == (7, 1)
    dora = dora_section(facts_of(history, tracked=True))
    estimates = dora["estimates"]
    assert estimates["basis"] == "deploy-tags"
    # deploy-2024-04-08 names the commit release-2024-04-08 just shipped: one deployment, so the window
    # (ending Thu 04-11 09:00) holds 5: 04-01, 04-02 (hotfix), 04-08, 04-10, 04-11 (rollback), on 5 days.
    assert estimates["deployments"] == 5
    frequency = metric(dora, "deployment_frequency")
    assert (frequency["details"]["deploy_days"], frequency["value"]) == (5, 0.39)  # 5 / (90 / 7)

    # Failed: release-2024-04-01 (the hotfix followed it) and release-2024-04-10 (rolled back to B's
    # release): 2 of 5 = 40%, Low in 2024.
    failure = metric(dora, "change_failure_rate")
    assert failure["value"] == 0.4
    assert failure["details"]["by_cause"] == {"hotfix": 1, "rollback": 1}
    assert failure["cluster"] == "Low"
    # Recovery: 04-01 12:00 -> 04-02 10:30 = 22.5 h; 04-10 12:00 -> 04-11 09:00 = 21 h;
    # median (21 + 22.5) / 2 = 21.75 h, under a day: High/Medium in 2024.
    recovery = metric(dora, "recovery_time")
    assert (recovery["value"], recovery["details"]["recovered"], recovery["cluster"]) == (21.75, 2, "High/Medium")
    # The hotfix and the rollback were unplanned: 2 of 5.
    assert metric(dora, "rework_rate")["value"] == 0.4
    # Lead times: A 3 h, H 1.5 h, B 3 h, C 3 h (the rollback ships nothing new): median 3 h, p90 3 h.
    lead = metric(dora, "lead_time")
    assert (lead["value"], lead["details"]["p90_hours"], lead["cluster"]) == (3.0, 3.0, "Elite")


# -- rebased history -------------------------------------------------------------------------------------

def test_rebased_history_uses_author_time_and_drops_impossible_ages(tmp_path: Path) -> None:
    """A branch released as v0.9.0, then rebased onto main and released again.

      X0 authored and committed 01-10 09:00 on branch old, tagged v0.9.0 on 01-11 09:00
      X  the rebased copy: authored 01-10 09:00, committed 03-01 09:00
      Y  authored 03-05 09:00 (a clock ahead), committed 03-01 10:00
      Z  03-01 11:00                                      v1.0.0 on 03-02 09:00
      W  03-03 09:00                                      v1.1.0 on 03-04 09:00
      V  03-05 09:00                                      v1.2.0 on 03-06 09:00
    """
    repo = Repo(tmp_path / "rebased")
    repo.commit("chore: start", ROOT)
    repo.tag("v0.1.0", ROOT)
    repo.run("checkout", "-q", "-b", "old")
    repo.commit("feat: x", "2024-01-10T09:00:00+00:00")
    repo.tag("v0.9.0", "2024-01-11T09:00:00+00:00")
    repo.run("checkout", "-q", "main")
    repo.run("cherry-pick", "old", when="2024-03-01T09:00:00+00:00")  # keeps the author date, 01-10
    repo.commit("feat: y", "2024-03-01T10:00:00+00:00", authored="2024-03-05T09:00:00+00:00")
    repo.commit("feat: z", "2024-03-01T11:00:00+00:00")
    repo.tag("v1.0.0", "2024-03-02T09:00:00+00:00")
    repo.commit("feat: w", "2024-03-03T09:00:00+00:00")
    repo.tag("v1.1.0", "2024-03-04T09:00:00+00:00")
    repo.commit("feat: v", "2024-03-05T09:00:00+00:00")
    repo.tag("v1.2.0", "2024-03-06T09:00:00+00:00")
    history, problems = analyse(repo.info())
    assert problems == []
    lead = history.estimates["metrics"]["lead_time"]
    # In the window (ending 03-06 09:00): v0.9.0, v1.0.0, v1.1.0, v1.2.0.
    # X0 -> v0.9.0: 24 h. X -> v1.0.0: 01-10 09:00 to 03-02 09:00 = 52 days = 1248 h.
    # Y -> v1.0.0: authored after the release, dropped. Z -> v1.0.0: 22 h. W: 24 h. V: 24 h.
    # Sorted 22, 24, 24, 24, 1248: median 24 h; p90 the 5th, 1248 h.
    assert (lead["value"], lead["p90_hours"], lead["commits"], lead["dropped_non_positive"]) == (24.0, 1248.0, 5, 1)
    # v1.0.0 does not redeploy anything v0.9.0 shipped, so nothing failed.
    assert history.estimates["metrics"]["change_failure_rate"]["failed"] == 0


# -- monorepo components ---------------------------------------------------------------------------------

def test_monorepo_component_tags_are_grouped(tmp_path: Path) -> None:
    # c1 04-01: api@1.0.0 and web@1.0.0; c2 04-02: api@1.1.0 and web@1.1.0-rc.1 (a pre-release, left out);
    # c3 04-03: web@1.1.0; c4 04-04: api@1.2.0. api deploys 3 times, web twice, on 4 days.
    repo = Repo(tmp_path / "mono")
    repo.commit("chore: start", ROOT)
    for day, tags in ((1, ["api@1.0.0", "web@1.0.0"]), (2, ["api@1.1.0", "web@1.1.0-rc.1"]), (3, ["web@1.1.0"]),
                      (4, ["api@1.2.0"])):
        repo.commit(f"feat: {day}", f"2024-04-0{day}T09:00:00+00:00")
        for name in tags:
            repo.tag(name, "", annotated=False)
    history, _ = analyse(repo.info())
    assert history.tag_counts.prerelease == 1
    assert history.estimates["components"] == {"api": 3, "web": 2}
    assert history.estimates["deployments"] == 5
    assert history.estimates["metrics"]["deployment_frequency"]["deploy_days"] == 4
    assert "grouped into 2 components (api, web)" in history.estimates["basis_description"]


# -- deployments from pushes --------------------------------------------------------------------------------

PUSH_DEPLOY = Pipeline("github-actions", ".github/workflows/deploy.yml", frozenset({"push"}), branches=("main",),
                       jobs=(Job("deploy", 8, environment="production", steps=(
                           Step("Deploy", 12, run="gcloud run deploy api --image $IMAGE"),
                           Step("Roll back", 15, run="gcloud run services update-traffic api --to-revisions=PREV=100"),
                       )),))


def test_pushes_to_main_are_deployments_when_a_pipeline_deploys_on_push(team_repo: Repo) -> None:  # noqa: F811
    history, _ = analyse(team_repo.info())
    assert history.estimates["status"] == "insufficient data"  # no tags
    dora = dora_section(facts_of(history, pipelines=[PUSH_DEPLOY]))
    estimates = dora["estimates"]
    assert estimates["basis"] == "first-parent-merges"
    assert estimates["basis_evidence"] == [".github/workflows/deploy.yml:8 — job deploy deploys on push"]
    # team_repo's mainline in the window: M1 Mon 05-06, P1 Tue, S1 Wed, M2 Thu 05-09: 4 deploy days,
    # 4 / (90 / 7) = 0.31 a week.
    assert estimates["deployments"] == 4
    assert metric(dora, "deployment_frequency")["value"] == 0.31
    # F1 authored Mon 09:00, merged by M1 at 15:00: 6 h. P1 08:00 -> 10:00: 2 h. S1 07:00 -> 09:00: 2 h.
    # F2 Wed 11:00 -> M2 Thu 12:00: 25 h. F3 08:00 -> 12:00: 4 h. The bot's bump is left out.
    # Sorted 2, 2, 4, 6, 25: median 4 h, p90 (5th) 25 h: Elite.
    lead = metric(dora, "lead_time")
    assert (lead["value"], lead["details"]["p90_hours"], lead["cluster"]) == (4.0, 25.0, "Elite")


def test_pushes_are_no_deployments_without_such_a_pipeline_or_for_a_library(team_repo: Repo) -> None:  # noqa: F811
    history, _ = analyse(team_repo.info())
    dora = dora_section(facts_of(history))
    assert dora["estimates"] is None
    assert dora["estimates_reason"].endswith("no pipeline deploys on pushes to the default branch")
    library = dora_section(facts_of(history, profile="library", pipelines=[PUSH_DEPLOY]))
    assert library["estimates"] is None
    assert library["estimates_reason"].endswith("a library is released by tags")


# -- readiness n/4 -----------------------------------------------------------------------------------------------

def test_nothing_in_place_scores_zero_of_four() -> None:
    dora = dora_section(Facts())
    readiness = dora["readiness"]
    assert (readiness["score"], readiness["max"]) == (0, 4)
    assert [m["metric"] for m in readiness["metrics"]] == ["deployment_frequency", "lead_time",
                                                           "change_failure_rate", "recovery_time"]
    assert not any(m["trackable"] for m in readiness["metrics"])
    frequency, lead = readiness["metrics"][:2]
    assert frequency["missing"] == [("one of: a deploy pipeline, deploy or release tags, deployment environments, "
                                     "release automation")]
    assert lead["missing"][0] == "deployments recorded (see deployment frequency)"
    assert dora["estimates"] is None and dora["estimates_reason"] == "no git history was read"


def test_deploy_pipeline_monitoring_and_runbooks_make_four_of_four() -> None:
    facts = Facts(pipelines=[PUSH_DEPLOY], docs={"runbook": ["docs/runbook.md"]},
                  source_signals={"sentry": [TextLine("app/main.py", 3, "sentry_sdk.init(dsn=DSN)")]})
    readiness = dora_section(facts)["readiness"]
    assert readiness["score"] == 4
    by_metric = {m["metric"]: m for m in readiness["metrics"]}
    assert "a deploy pipeline: .github/workflows/deploy.yml:8 — job deploy (environment: production)" in \
        by_metric["deployment_frequency"]["evidence"]
    assert "deploys from the default branch or tags: .github/workflows/deploy.yml:8 — job deploy deploys on push" \
        in by_metric["lead_time"]["evidence"]
    assert any(e.startswith("a rollback job: .github/workflows/deploy.yml:15") for e in
               by_metric["change_failure_rate"]["evidence"])
    assert "error tracking: app/main.py:3 — sentry_sdk.init(dsn=DSN)" in by_metric["recovery_time"]["evidence"]
    assert all(m["missing"] == [] for m in readiness["metrics"])


def test_release_tags_and_a_revert_habit_count_as_readiness(reverted: Repo) -> None:
    history, _ = analyse(reverted.info())
    readiness = dora_section(facts_of(history))["readiness"]
    by_metric = {m["metric"]: m for m in readiness["metrics"]}
    # 5 semver tags record deployments and tie them to commits; the revert shows failures are visible;
    # nothing detects or restores an incident.
    assert by_metric["deployment_frequency"]["evidence"] == ["deploy or release tags: 5 release tags, the newest made 2024-03-19"]
    assert by_metric["change_failure_rate"]["evidence"] == ["revert commits: 1 in the window"]
    assert [m["trackable"] for m in readiness["metrics"]] == [True, True, True, False]
    assert readiness["score"] == 3


# -- bands and the terminal lines --------------------------------------------------------------------------------

@pytest.mark.parametrize("year, metric_name, value, cluster", [
    (2024, "deployment_frequency", 5.0, "Elite"),
    (2024, "deployment_frequency", 4.99, "High"),
    (2024, "deployment_frequency", 1.0, "High"),
    (2024, "deployment_frequency", 0.99, "Medium"),
    (2024, "deployment_frequency", 0.2, "Low"),
    (2023, "deployment_frequency", 0.5, "Medium/Low"),
    (2021, "lead_time", 1.0, "Elite"),
    (2021, "lead_time", 2.0, "High"),
    (2021, "lead_time", 169.0, "Medium"),
    (2021, "lead_time", 4381.0, "Low"),
    (2024, "lead_time", 24.0, "Elite"),
    (2024, "lead_time", 24.5, "High"),
    (2024, "change_failure_rate", 0.05, "Elite"),
    (2024, "change_failure_rate", 0.15, "High/Medium"),
    (2024, "change_failure_rate", 0.21, "Low"),
    (2023, "change_failure_rate", 0.12, "Medium"),
    (2021, "change_failure_rate", 0.15, "Elite"),
    (2021, "change_failure_rate", 0.16, "High/Medium/Low"),
    (2024, "recovery_time", 1.0, "Elite"),
    (2024, "recovery_time", 24.0, "High/Medium"),
    (2024, "recovery_time", 25.0, "Low"),
    (2023, "recovery_time", 100.0, "Medium"),
])
def test_bands_do_not_overlap(year: int, metric_name: str, value: float, cluster: str) -> None:
    assert bands_for(year)[metric_name].classify(value) == cluster


def test_bands_are_in_the_result_and_unknown_years_are_refused() -> None:
    bands = dora_section(Facts(), year=2023)["bands"]
    assert bands["metrics"]["lead_time"]["bands"] == [
        {"cluster": "Elite", "min": 0.0, "max": 24.0, "published": "Less than one day"},
        {"cluster": "High", "min": 24.0, "max": 168.0, "published": "Between one day and one week"},
        {"cluster": "Medium/Low", "min": 168.0, "max": None,
         "published": "Between one week and one month (Medium and Low)"},
    ]
    assert bands["metrics"]["deployment_frequency"]["better"] == "higher"
    with pytest.raises(ValueError, match="2022"):
        dora_section(Facts(), year=2022)


def test_summary_has_one_line_per_key(reverted: Repo) -> None:
    history, _ = analyse(reverted.info())
    lines = dora_summary_lines(typed_dora_section(facts_of(history)))
    assert lines == [
        "Deployment frequency: ✅ trackable · 0.3 deploy days/week, 1.3/month (Medium, 2024 bands) · basis: semver tags",
        "Lead time for changes: ✅ trackable · median 24.0 h, p90 2.0 d (Elite, 2024 bands) · basis: semver tags",
        "Change failure rate: ✅ trackable · 25% (1 of 4) (Low, 2024 bands) · basis: semver tags",
        "Failed deployment recovery time: ❌ not trackable · median 3.0 d (no band: not trackable) · basis: semver tags",
        "Estimated over 90 days (2023-12-20 to 2024-03-19)",
    ]


def test_summary_says_why_there_is_no_estimate() -> None:
    lines = dora_summary_lines(typed_dora_section(Facts()))
    assert lines[0] == "Deployment frequency: ❌ not trackable · insufficient data (no git history was read)"
    assert len(lines) == 4


# -- what counts as a deployment: throwaway clusters, path filters, one tag definition ------------------------

KIND_TEST = Pipeline("github-actions", ".github/workflows/cluster.yml", frozenset({"push"}), branches=("main",),
                     jobs=(Job("deploy-and-test-cluster", 14, steps=(
                         Step("Create k8s Kind Cluster", 20, uses="helm/kind-action@v1"),
                         Step("Deploy application", 23, run="kubectl apply -f k8s/"),
                     )),))


def test_applying_to_a_throwaway_cluster_is_a_test_not_a_deployment(team_repo: Repo) -> None:  # noqa: F811
    history, _ = analyse(team_repo.info())
    minikube = Pipeline("github-actions", ".github/workflows/e2e.yml", frozenset({"push"}), branches=("main",),
                        jobs=(Job("deploy", 5, steps=(Step("start", 7, run="minikube start"),
                                                      Step("apply", 9, run="helm upgrade --install app ./chart"))),))
    for pipeline in (KIND_TEST, minikube):
        dora = dora_section(facts_of(history, pipelines=[pipeline]))
        assert dora["estimates"] is None, pipeline.path
        assert dora["estimates_reason"].endswith("no pipeline deploys on pushes to the default branch")
        assert dora["readiness"]["metrics"][0]["evidence"] == []


def path_filtered_repo(tmp_path: Path) -> Repo:
    """Six commits on main in May 2024, three of them change k8s/ (05-02, 05-04, 05-06)."""
    repo = Repo(tmp_path / "paths")
    repo.commit("chore: start", ROOT)
    for day in range(1, 7):
        if day % 2 == 0:
            (repo.path / "k8s").mkdir(exist_ok=True)
            (repo.path / "k8s" / "app.yaml").write_text(f"replicas: {day}\n")
        repo.commit(f"change {day}", f"2024-05-0{day}T09:00:00+00:00")
    return repo


def deploy_on_push(paths: dict) -> Pipeline:
    return Pipeline("github-actions", ".github/workflows/deploy.yml", frozenset({"push"}), branches=("main",),
                    jobs=(Job("deploy", 8, environment="production",
                              steps=(Step("Deploy", 12, run="kubectl apply -f k8s/"),)),),
                    raw={"on": {"push": {"branches": ["main"], **paths}}})


def test_a_path_filtered_deploy_counts_only_the_commits_it_runs_for(tmp_path: Path) -> None:
    repo = path_filtered_repo(tmp_path)
    history, _ = analyse(repo.info())
    every_push = dora_section(facts_of(history, pipelines=[deploy_on_push({})]), git=repo.info())
    assert every_push["estimates"]["deployments"] == 6
    dora = dora_section(facts_of(history, pipelines=[deploy_on_push({"paths": ["k8s/**"]})]), git=repo.info())
    assert dora["estimates"]["deployments"] == 3
    assert "that change k8s/**" in dora["estimates"]["basis_description"]
    assert dora["estimates"]["basis_evidence"] == [".github/workflows/deploy.yml:8 — job deploy deploys on push "
                                                   "changing k8s/**"]
    # every commit writes a fileN.txt; ignoring those leaves the commits that change something else (k8s/)
    ignoring = dora_section(facts_of(history, pipelines=[deploy_on_push({"paths-ignore": ["**.txt"]})]),
                          git=repo.info())
    assert ignoring["estimates"]["deployments"] == 3
    # without the repository to ask, the filtered commits are unknown: no estimate rather than every push
    unknown = dora_section(facts_of(history, pipelines=[deploy_on_push({"paths": ["k8s/**"]})]))
    assert unknown["estimates"] is None
    assert "runs only for commits changing k8s/**" in unknown["estimates_reason"]


def test_component_tags_are_releases_in_readiness_and_estimates_alike(tmp_path: Path) -> None:
    # guestbook-v0.1 style tags (argocd-example-apps): the same tags are counted by readiness and estimated from
    repo = Repo(tmp_path / "components")
    repo.commit("chore: start", ROOT)
    for day in range(1, 5):
        repo.commit(f"change {day}", f"2024-05-0{day}T09:00:00+00:00")
        repo.tag(f"guestbook-v0.{day}", f"2024-05-0{day}T10:00:00+00:00")
    history, _ = analyse(repo.info())
    dora = dora_section(facts_of(history))
    assert dora["readiness"]["metrics"][0]["evidence"] == [
        "deploy or release tags: 4 release tags, the newest made 2024-05-04"]
    assert dora["estimates"]["basis"] == "semver-tags"
    assert dora["estimates"]["components"] == {"guestbook": 4}


def test_release_tags_too_old_to_date_are_named_not_denied(tmp_path: Path) -> None:
    """Tags years before the window: the estimate says which tags there are and why none counts,
    never 'no release tags' while readiness counts them."""
    repo = Repo(tmp_path / "old-tags")
    repo.commit("chore: start", "2018-06-21T09:00:00+00:00")
    repo.tag("guestbook-v0.1", "2018-06-21T10:00:00+00:00")
    repo.commit("change", "2018-07-03T09:00:00+00:00")
    repo.tag("bg-deploy-v0.2", "2018-07-03T10:00:00+00:00")
    for day in range(1, 5):
        repo.commit(f"recent {day}", f"2025-09-0{day}T09:00:00+00:00")
    history, _ = analyse(repo.info())
    dora = dora_section(facts_of(history))
    assert dora["readiness"]["metrics"][0]["evidence"] == [
        "deploy or release tags: 2 release tags, the newest made 2018-07-03"]
    assert dora["estimates"] is None
    assert dora["estimates_reason"].startswith("2 release tags, the newest made 2018-07-03: none on a commit within")
    assert "no deploy or release tags" not in dora["estimates_reason"]


def test_a_deploy_job_guarded_for_act_or_on_k3d_is_no_deployment() -> None:
    from vana_audit.signals import ephemeral_target, job_is_deploy

    act = Job("deploy", 3, environment="production", condition="${{ env.ACT }}",
              steps=(Step("apply", 5, run="kubectl apply -f k8s/"),))
    k3d = Job("deploy", 3, steps=(Step("cluster", 4, uses="AbsaOSS/k3d-action@v2"),
                                  Step("apply", 5, run="helm upgrade --install app ./chart")))
    real = Job("deploy", 3, steps=(Step("apply", 5, run="helm upgrade --install app ./chart"),))
    assert ephemeral_target(act) and ephemeral_target(k3d) and not ephemeral_target(real)
    assert [job_is_deploy(KIND_TEST, job) for job in (act, k3d, real)] == [False, False, True]


def test_an_rsync_to_a_local_path_in_a_container_is_a_copy_not_a_deployment(tmp_path: Path) -> None:
    """fdroidserver's PUBLISH job tests the signing flow and copies the signed repo to /tmp inside a
    debian image; a copy into a container's disk outlives nothing. A shell runner that is the web server
    (no image) and a copy to another host do deploy."""
    from tests.rulekit import facts_for
    from vana_audit.collectors.deploys import all_deploy_jobs

    gitlab = ("stages: [test, deploy]\n"
              "PUBLISH:\n  image: debian:bookworm\n  script:\n    - fdroid publish\n    - rsync --progress repo/* $serverwebroot/\n"
              "deploy site:\n  tags: [web01]\n  script:\n    - rsync -a public/ /var/www/site/\n"
              "deploy mirror:\n  image: alpine:3.20\n  script:\n    - rsync -az public/ deploy@mirror.example.org:/srv/www/\n")
    facts = facts_for(tmp_path / "repo", {".gitlab-ci.yml": gitlab})
    assert sorted(j.id for _, j in all_deploy_jobs(facts)) == ["deploy mirror", "deploy site"]
