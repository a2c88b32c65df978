"""Core CI signals seen on real repositories."""
from __future__ import annotations

from tests.fixtures.gitrepo import make_repo
from vana_audit.collectors import collect_facts
from vana_audit.signals import Signals
from vana_audit.source import WorkingTreeSource

WORKFLOW = """on: {push: {branches: [main]}, pull_request: {}}
permissions: {contents: read}
jobs:
  %s:
    runs-on: self-hosted
    steps:
      - run: make check
      - run: docker compose -f compose.yml up -d
"""


def _signals(tmp_path, job_id: str) -> Signals:
    repo = make_repo(tmp_path / job_id, {".github/workflows/w.yml": WORKFLOW % job_id,
                                         "Makefile": "check:\n\truff check . && mypy app\n"})
    return Signals(collect_facts(WorkingTreeSource(repo)))


def test_compose_up_deploys_only_in_a_job_that_says_it_deploys(tmp_path):
    deploy = _signals(tmp_path, "deploy")["ci.deploy"]
    assert deploy.truthy and deploy.evidence[0].path == ".github/workflows/w.yml"
    assert not _signals(tmp_path, "integration")["ci.deploy"].truthy


def test_a_make_target_called_from_ci_counts_for_what_its_recipe_runs(tmp_path):
    signals = _signals(tmp_path, "build")
    lint = signals["ci.lint"]
    assert lint.truthy and lint.evidence[0].line == 7 and "make check" in lint.evidence[0].snippet
    assert signals["ci.typecheck"].truthy


def test_a_text_pattern_also_reads_what_ci_reaches_through_a_task_runner(tmp_path):
    """`ci_matching` patterns (here: per-test timeouts) see the commands a Taskfile task runs, with the chain."""
    files = {".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                                         "    steps:\n      - run: task ci:test\n",
             "Taskfile.yml": "version: '3'\ntasks:\n  ci:test:\n    cmds:\n      - go test -timeout 5m ./...\n",
             "main_test.go": "package main\n"}
    timeouts = Signals(collect_facts(WorkingTreeSource(make_repo(tmp_path / "taskfile", files))))["tests.timeouts"]
    assert timeouts.truthy, timeouts
    evidence = timeouts.evidence[0]
    assert (evidence.path, evidence.line) == (".github/workflows/ci.yml", 6)
    assert "task ci:test → Taskfile.yml:5 go test -timeout 5m" in evidence.snippet


def test_a_step_found_through_its_make_target_is_cited_once(tmp_path):
    """requests: `- name: Run tests` then `run: make ci`, whose recipe writes a JUnit report: the step's own
    search and the CI model both reach it, and the evidence names it once."""
    files = {".github/workflows/ci.yml": "on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                                         "    steps:\n      - name: Run tests\n        run: make ci\n",
             "Makefile": "ci:\n\tpython -m pytest tests --junitxml=report.xml\n",
             "tests/test_x.py": "def test_x():\n    pass\n"}
    reports = Signals(collect_facts(WorkingTreeSource(make_repo(tmp_path / "make", files))))["ci.test_reports"]
    assert reports.truthy
    assert [(e.path, e.line) for e in reports.evidence] == [(".github/workflows/ci.yml", 6)], reports.evidence
