"""DORA that answers (issue 14, item 4): a window with too few deployments is widened (90 → 180 → 365
days, never more), and every format says which window was used; no band is shown next to a metric that
is not trackable; success metrics say how each number is measured.

`releases` is a service released by three annotated tags, v1.0.0 2024-11-04, v1.1.0 2025-01-15 and
v1.2.0 2025-07-01; its newest commit is 2025-09-01. The 90-day window (from 2025-06-03) holds one
release, so does the 180-day one (from 2025-03-05); the year from 2024-09-01 holds all three.
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from tests.fixtures.gitrepo import commit, git, make_repo
from vana_audit.render import OutputFormat, renderer_for
from vana_audit.report import build_report
from vana_audit.scan import scan

NOW = "2025-09-02T00:00:00Z"
WINDOW = "365 days (2024-09-01 to 2025-09-01), widened from 90 days: 1 deployment in 90 days, 1 deployment in 180 days"
FILES = {
    "README.md": "# Shop\n\nThe shop service.\n",
    "Dockerfile": "FROM python:3.12-slim\nCOPY app.py /app.py\nCMD [\"python\", \"/app.py\"]\n",
    "app.py": "print('shop')\n",
    "pyproject.toml": "[project]\nname = \"shop\"\nversion = \"1.2.0\"\n",
}


def tag(root: Path, name: str, date: str) -> None:
    git(root, "tag", "-a", name, "-m", name, date=date)


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_repo(tmp_path_factory.mktemp("window") / "shop", FILES, date="2024-06-03T09:00:00+00:00",
                     message="feat: start")
    for date, version in (("2024-11-04", "v1.0.0"), ("2025-01-15", "v1.1.0"), ("2025-07-01", "v1.2.0")):
        commit(root, {"app.py": f"print('shop {version}')\n"}, f"feat: {version}", f"{date}T09:00:00+00:00")
        tag(root, version, f"{date}T10:00:00+00:00")
    commit(root, {"app.py": "print('shop next')\n"}, "feat: next", "2025-09-01T09:00:00+00:00")
    return root


@pytest.fixture(scope="module")
def result(releases: Path):
    return scan(releases, now=NOW)


def test_too_few_deployments_in_90_days_but_enough_in_a_year_gives_an_estimate(result):
    estimates = result.dora.to_json()["estimates"]
    assert estimates["basis"] == "semver-tags" and estimates["deployments"] == 3
    assert estimates["window"] | {"effective_days": None} == {
        "days": 365, "start": "2024-09-01T09:00:00Z", "end": "2025-09-01T09:00:00Z", "effective_days": None,
        "requested_days": 90, "widened": True,
        "widened_because": "1 deployment in 90 days, 1 deployment in 180 days"}
    assert result.dora.to_json()["window"] == estimates["window"]
    # History habits keep the configured window.
    assert result.dora.to_json()["history_window"]["days"] == 90


def test_the_window_is_stated_in_every_format(result):
    report = build_report(result)
    terminal = renderer_for(OutputFormat.TERMINAL)(report)
    assert f"Estimated over {WINDOW}" in terminal
    markdown = renderer_for(OutputFormat.MARKDOWN)(report)
    assert f"- window: {WINDOW}" in markdown
    html = renderer_for(OutputFormat.HTML)(report)
    assert f"<dt>Window</dt><dd>{WINDOW}</dd>" in html
    data = json.loads(renderer_for(OutputFormat.JSON)(report))
    assert data["dora"]["estimates"]["window"]["widened"] is True
    schema = json.loads(resources.files("vana_audit").joinpath("schemas/result.schema.json").read_text("utf-8"))
    jsonschema.validate(data, schema)


def test_no_band_next_to_a_metric_that_is_not_trackable(result):
    readiness = {m["metric"]: m["trackable"] for m in result.dora.to_json()["readiness"]["metrics"]}
    assert readiness["change_failure_rate"] is False  # nothing here records a failure
    by_metric = {m["metric"]: m for m in result.dora.to_json()["estimates"]["metrics"]}
    failure = by_metric["change_failure_rate"]
    assert (failure["value"], failure["cluster"]) == (0.0, None)
    assert failure["cluster_withheld"].startswith("no band: change failure rate is not trackable")
    report = build_report(result)
    terminal = renderer_for(OutputFormat.TERMINAL)(report)
    line = next(x for x in terminal.splitlines() if "Change failure rate" in x)
    assert "❌ not trackable" in line and "(no band: not trackable)" in line
    assert not any(band in line for band in ("Elite", "High", "Medium", "Low"))
    markdown = renderer_for(OutputFormat.MARKDOWN)(report)
    row = next(x for x in markdown.splitlines() if x.startswith("| Change failure rate | 0%"))
    assert "| 0% (0 of 3) | — |" in row and "no band" in row


def test_success_metrics_say_how_each_number_is_measured(result):
    report = build_report(result)
    dora_rows = {m.name: m for m in report.metrics if m.group == "dora" and m.method}
    failure = dora_rows["Change Failure Rate"]
    assert failure.current == "0% (0 of 3) (no band: not trackable)" and "reach" not in failure.delta
    assert failure.method.startswith("Share of deployments followed by a revert")
    frequency = dora_rows["Deployment Frequency"]
    assert "deployments counted: 3 semantic-version release tags" in frequency.method
    assert WINDOW in frequency.method
    assert dora_rows["Lead Time for Changes"].method.startswith("Median time from the author date of each human")
    markdown = renderer_for(OutputFormat.MARKDOWN)(report)
    assert "**How these are measured:**" in markdown and "not measured → reach" not in markdown


def test_an_unmeasured_metric_gets_the_method_not_a_band_to_reach(tmp_path: Path):
    root = make_repo(tmp_path / "quiet", FILES, date="2025-08-01T09:00:00+00:00")
    report = build_report(scan(root, now=NOW))
    rows = [m for m in report.metrics if m.group == "dora" and m.method]
    assert rows and all(m.current.startswith("not measured") for m in rows)
    assert all(m.delta == "measure first (see how)" for m in rows)
    assert "a deployment is a deploy-style tag" in rows[0].method
