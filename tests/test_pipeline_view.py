"""The CI pipeline as found (inventory.pipeline and the report's pipeline section): which capability runs
at which stage, and by which tool, following the task runner a workflow calls."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.gitrepo import make_repo
from vana_audit.render.html_out import render_html
from vana_audit.render.markdown import render_markdown
from vana_audit.report import build_report
from vana_audit.scan import scan

WORKFLOW = """\
name: ci
on:
  pull_request:
  push:
    branches: [main]
    tags: ["v*"]
jobs:
  check:
    if: github.event_name != 'push' || !startsWith(github.ref, 'refs/tags/')
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make check
  nightly-audit:
    runs-on: ubuntu-latest
    steps:
      - run: pip-audit
"""
NIGHTLY = """\
name: nightly
on:
  schedule:
    - cron: "0 3 * * *"
jobs:
  audit:
    runs-on: ubuntu-latest
    steps:
      - run: pip-audit
"""
MAKEFILE = "check:\n\truff check .\n\tmypy src\n\tpytest -q\n"
PRE_COMMIT = """\
repos:
  - repo: https://github.com/gitleaks/gitleaks
    rev: v8.18.0
    hooks:
      - id: gitleaks
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):
    repo = make_repo(tmp_path_factory.mktemp("pipeline") / "svc", {
        ".github/workflows/ci.yml": WORKFLOW,
        ".github/workflows/nightly.yml": NIGHTLY,
        "Makefile": MAKEFILE,
        ".pre-commit-config.yaml": PRE_COMMIT,
        "src/app.py": "print('hi')\n",
    })
    return scan(Path(repo))


def _stages(result) -> dict[str, dict]:
    return {s["id"]: s for s in result.inventory.pipeline.to_json()["stages"]}


def test_each_stage_lists_what_its_jobs_run_through_the_makefile(result):
    stages = _stages(result)
    # ci.yml's two jobs run on pull requests, pushes and tags; make check runs ruff, mypy and pytest.
    for stage in ("pull_request", "push", "tag"):
        assert stages[stage]["jobs"] == 2
        caps = stages[stage]["capabilities"]
        assert caps["lint"] == ["ruff"] and caps["type-check"] == ["mypy"] and caps["test-runner"] == ["pytest"]
        assert caps["dependency-scan"] == ["pip-audit"]
    # nightly.yml runs only the audit, on its schedule.
    assert stages["schedule"]["jobs"] == 1
    assert stages["schedule"]["capabilities"] == {"dependency-scan": ["pip-audit"]}
    assert "manual" not in stages, "no job runs by hand"


def test_the_local_stage_is_the_pre_commit_hooks(result):
    local = _stages(result)["local"]
    assert local["jobs"] == 0 and local["capabilities"] == {"secret-scan": ["gitleaks"]}
    assert [s["id"] for s in result.inventory.pipeline.to_json()["stages"]][0] == "local"


def test_jobs_carry_their_file_line_and_triggers(result):
    jobs = {j["job"]: j for j in result.inventory.pipeline.to_json()["jobs"]}
    # The CI model places a job where its mapping starts: the line of its first key, under `check:`.
    assert jobs["check"]["path"] == ".github/workflows/ci.yml" and jobs["check"]["line"] == 9
    assert {"pull_request", "push", "tag"} <= set(jobs["check"]["triggers"])
    assert jobs["audit"]["triggers"] == ["schedule"]


def test_the_reports_draw_the_pipeline(result):
    report = build_report(result)
    assert [s.id for s in report.pipeline.stages] == ["local", "pull_request", "push", "tag", "schedule"]
    assert report.pipeline.row("Tests") == (None, ("pytest",), ("pytest",), ("pytest",), None)
    markdown = render_markdown(report)
    assert "## CI Pipeline as Found" in markdown
    assert "| Tests | — | `pytest` | `pytest` | `pytest` | — |" in markdown
    html = render_html(report)
    assert '<section id="pipeline" class="section">' in html
    assert '<li class="stage stage-schedule">' in html and "<strong>Dependency scan</strong> pip-audit" in html


def test_no_ci_and_no_hooks_draw_no_pipeline(tmp_path):
    result = scan(make_repo(tmp_path / "lib", {"README.md": "# lib\n"}))
    assert result.inventory.pipeline.to_json() == {"stages": [], "jobs": [], "jobs_total": 0}
    report = build_report(result)
    assert not report.pipeline.present
    assert "CI Pipeline as Found" not in render_markdown(report)
    html = render_html(report)
    assert 'id="pipeline"' not in html and 'href="#pipeline"' not in html


def test_a_published_release_joins_the_tag_stage(tmp_path):
    workflow = ("on:\n  release:\n    types: [published]\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: docker/build-push-action@v6\n        with:\n          push: true\n")
    result = scan(make_repo(tmp_path / "app", {".github/workflows/publish.yml": workflow}))
    stages = {s["id"]: s for s in result.inventory.pipeline.to_json()["stages"]}
    assert list(stages) == ["tag"]
    assert stages["tag"]["capabilities"] == {"container-build": ["docker"], "publish": ["docker"]}
