"""Bounded work: a rule past its time budget becomes an `error` naming it; huge files stay cheap.

The budget is enforced while the rule runs (a timer signal in the main thread raises inside the
rule), and checked after the fact where no timer can be used (a worker thread).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fixtures.adversarial import adversarial_files
from tests.fixtures.gitrepo import make_repo
from vana_audit.checks import PythonRule
from vana_audit.engine import RuleResult, load_rules, run_rule, run_rules
from vana_audit.facts import Facts
from vana_audit.model import Outcome
from vana_audit.render import OutputFormat, renderer_for
from vana_audit.scan import scan
from vana_audit.secrets import MAX_HITS, scan_text
from vana_audit.signals import REGISTRY, Signal, Signals
from vana_audit.source import open_source

BUDGET = 0.3


@pytest.fixture(scope="module")
def template_meta():
    return load_rules(plugins=False)[0].meta


def python_rule(template_meta, rule_id: str, check: Callable) -> PythonRule:  # type: ignore[type-arg]
    return PythonRule(dataclasses.replace(template_meta, id=rule_id, title=f"test rule {rule_id}"), check)


def sleeps(facts, signals):  # type: ignore[no-untyped-def]
    time.sleep(30)
    return RuleResult(Outcome.PASS, "woke up")


def spins(facts, signals):  # type: ignore[no-untyped-def]
    while True:
        pass


def swallows_everything_it_can(facts, signals):  # type: ignore[no-untyped-def]
    while True:
        try:
            time.sleep(1)
        except Exception:  # noqa: BLE001 - the point: a rule that catches what it should not
            continue


def backtracks(facts, signals):  # type: ignore[no-untyped-def]
    re.match(r"(a+)+b", "a" * 64)  # 2^64 steps: only an interruption ends it
    return RuleResult(Outcome.PASS, "never")


def quick(facts, signals):  # type: ignore[no-untyped-def]
    time.sleep(BUDGET / 3)
    return RuleResult(Outcome.PASS, "fine")


@pytest.mark.parametrize("check", [sleeps, spins, swallows_everything_it_can, backtracks])
def test_a_runaway_rule_is_stopped_at_its_budget_and_becomes_an_error_naming_it(template_meta, check,
                                                                               monkeypatch) -> None:
    armed: list[tuple] = []
    real_setitimer = signal.setitimer

    def spy(which, seconds, interval=0.0):  # type: ignore[no-untyped-def]
        armed.append((which, seconds))
        return real_setitimer(which, seconds, interval)

    returned: list[bool] = []

    def tracked(facts, signals):  # type: ignore[no-untyped-def]
        result = check(facts, signals)
        returned.append(True)
        return result

    rule = python_rule(template_meta, "SLOW-001", tracked)
    monkeypatch.setattr(signal, "setitimer", spy)
    (finding,) = run_rules([rule], Facts(), budget_s=BUDGET)
    assert finding.outcome is Outcome.ERROR
    assert "SLOW-001" in finding.message and "budget" in finding.message
    # stopped while running (not waited for and judged after the fact), by a timer set to the budget
    assert "stopped" in finding.message and not returned, finding.message
    assert armed[0] == (signal.ITIMER_REAL, BUDGET) and armed[-1] == (signal.ITIMER_REAL, 0)


def test_rules_after_a_runaway_one_run_normally_and_the_timer_is_left_as_found(template_meta) -> None:
    before = signal.getsignal(signal.SIGALRM)
    rules = [
        python_rule(template_meta, "SLOW-001", spins),
        python_rule(template_meta, "OK-001", quick),
        python_rule(template_meta, "OK-002", quick),
    ]
    findings = run_rules(rules, Facts(), budget_s=BUDGET)
    assert [f.outcome for f in findings] == [Outcome.ERROR, Outcome.PASS, Outcome.PASS]
    time.sleep(BUDGET)  # a stray alarm would fire here
    assert signal.getsignal(signal.SIGALRM) == before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_in_a_worker_thread_the_overrun_is_caught_after_the_fact(template_meta) -> None:
    def slow(facts, signals):  # type: ignore[no-untyped-def]
        time.sleep(BUDGET * 2)
        return RuleResult(Outcome.PASS, "late")

    out: list = []
    worker = threading.Thread(
        target=lambda: out.extend(run_rules([python_rule(template_meta, "SLOW-002", slow)], Facts(), budget_s=BUDGET))
    )
    worker.start()
    worker.join(10)
    (finding,) = out
    assert finding.outcome is Outcome.ERROR and "SLOW-002" in finding.message and "budget" in finding.message


def test_someone_elses_alarm_is_not_taken_over(template_meta) -> None:
    """A host application's (or a test runner's) SIGALRM handler stays in charge."""
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:

        def slow(facts, signals):  # type: ignore[no-untyped-def]
            time.sleep(BUDGET * 2)
            return RuleResult(Outcome.PASS, "late")

        (finding,) = run_rules([python_rule(template_meta, "SLOW-003", slow)], Facts(), budget_s=BUDGET)
        assert finding.outcome is Outcome.ERROR and "SLOW-003" in finding.message  # after the fact
        assert not fired and signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, None)
    finally:
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture()
def runaway_signal():
    """A signal whose computation never ends, registered for one test."""
    calls: list[float] = []

    def compute(s: Signals) -> Signal:
        calls.append(time.perf_counter())
        while True:
            pass

    REGISTRY["test.runaway"] = (compute, "a signal that never finishes")
    try:
        yield calls
    finally:
        REGISTRY.pop("test.runaway", None)


def test_a_runaway_signal_costs_one_budget_not_one_per_rule(template_meta, runaway_signal) -> None:
    def uses_it(facts, signals):  # type: ignore[no-untyped-def]
        return RuleResult(Outcome.PASS if signals["test.runaway"].truthy else Outcome.FAIL, "")

    rules = [python_rule(template_meta, f"SIG-00{i}", uses_it) for i in range(1, 5)]
    findings = run_rules(rules, Facts(), budget_s=BUDGET)
    assert all(f.outcome is Outcome.ERROR for f in findings)
    assert "test.runaway" in findings[0].message
    # the later rules stop at once, naming the rule that spent the budget: one budget in all
    assert all("SIG-001" in f.message and "test.runaway" in f.message for f in findings[1:])
    assert len(runaway_signal) == 1, "the runaway signal was computed again for every rule"


def test_run_rule_with_plain_signals_still_enforces_the_budget(template_meta) -> None:
    facts = Facts()
    finding = run_rule(python_rule(template_meta, "SLOW-004", spins), facts, Signals(facts), budget_s=BUDGET)
    assert finding.outcome is Outcome.ERROR and "SLOW-004" in finding.message


def test_a_scan_with_a_runaway_rule_reports_it_in_every_format(tmp_path: Path, template_meta) -> None:
    repo = make_repo(tmp_path / "repo", {"README.md": "# x\n", "Makefile": "test:\n\tpytest\n"})
    rules = [*load_rules(plugins=False), python_rule(template_meta, "SLOW-005", spins)]
    from vana_audit import engine

    original = engine.RULE_TIME_BUDGET_S
    result = scan(repo, rules=rules, now="2025-10-20T12:00:00Z")
    assert engine.RULE_TIME_BUDGET_S == original
    finding = result.finding("SLOW-005")
    assert finding is not None and finding.outcome is Outcome.ERROR and "SLOW-005" in finding.message
    assert "stopped" in finding.message, "interrupted at its budget, not judged after the fact"
    others = [f for f in result.findings if f.rule.id != "SLOW-005"]
    assert all(f.outcome is not Outcome.ERROR for f in others), [
        f.message for f in others if f.outcome is Outcome.ERROR
    ]
    data = json.loads(renderer_for(OutputFormat.JSON)(result))
    (entry,) = [f for f in data["findings"] if f["rule_id"] == "SLOW-005"]
    assert entry["outcome"] == "error"
    assert "SLOW-005" in str(renderer_for(OutputFormat.TERMINAL)(result))


# -- per file: huge and adversarial files cost little -----------------------------------------------


def test_a_jenkinsfile_with_300k_steps_is_read_in_linear_time_and_capped(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"Jenkinsfile": "stage('build') {\n" + "sh 'make'\n" * 200_000 + "}\n"})
    source = open_source(repo)
    from vana_audit.collectors import ci

    pipelines, _ = ci.collect_pipelines(source, source.files)  # time: benchmarks/bench_bounds.py
    (pipeline,) = pipelines
    assert sum(len(j.steps) for j in pipeline.jobs) == ci.MAX_STEPS_PER_PIPELINE
    assert any("steps" in p.message for p in source.problems)
    assert pipeline.jobs[0].steps[-1].line == ci.MAX_STEPS_PER_PIPELINE + 1  # line numbers stay right


def test_a_file_full_of_keys_stops_at_the_hit_cap_quickly() -> None:
    # key-shaped and random-looking (a run of one letter is a placeholder, not a key)
    text = "\n".join("AKIA" + base64.b32encode(hashlib.sha256(str(i).encode()).digest()).decode()[:16]
                      for i in range(100_000))
    hits = scan_text("keys.txt", text)  # time: benchmarks/bench_bounds.py
    assert len(hits) == MAX_HITS and hits[-1].line == MAX_HITS


def test_adversarial_files_just_under_the_size_cap_keep_the_scan_bounded(tmp_path: Path) -> None:
    """Every file the collectors parse, at 1.9 MB of the content that hurts regexes most; a rule
    whose signal still runs away is stopped at its budget instead of hanging the scan."""
    files = adversarial_files()
    repo = make_repo(tmp_path / "repo", files)
    result = scan(repo, now="2025-10-20T12:00:00Z")  # time: benchmarks/bench_bounds.py
    errors = [f for f in result.findings if f.outcome is Outcome.ERROR]
    assert all("budget" in f.message for f in errors), [f.message for f in errors]
