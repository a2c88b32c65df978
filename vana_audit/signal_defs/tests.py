"""`tests.*` signals: the test suite (frameworks, coverage, end-to-end, performance tests)."""
from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable

from ..collectors.exclusions import SOURCE_SUFFIXES
from ..facts import Facts
from ..folded_re import TextPattern
from ..model import Evidence
from ..path_patterns import PathPattern
from ..signal_core import TEST_CMD, Signal, Signals, ci_matching, ev, found, listing, rx, signal, tool_uses
from ._shared import (
    JS_TEST_CMD,
    _applied_to_throwaway_cluster,
    _ci_coverage_gates,
    _config,
    _deps,
    _files,
    _paths,
    ci_or_scripts,
)

# -- tests ------------------------------------------------------------------------------------------


@signal("tests.present", "automated tests exist")
def tests_present(s: Signals) -> Signal:
    f = s.facts
    hits = [ev(c.path, c.line, f"{c.tool} configuration") for c in f.test_configs]
    for level in ("unit", "integration", "e2e"):
        if f.test_files.get(level):
            hits.append(ev(f.test_files[level][0], None, f"{len(f.test_files[level])} {level} test file(s)"))
    return found(hits or _named_by_a_test_runner(f) or _applied_to_throwaway_cluster(f))


_CODE_SUFFIXES = (*SOURCE_SUFFIXES, ".sh", ".bats")


def _named_by_a_test_runner(facts: Facts) -> list[Evidence]:
    """Files CI hands to a test runner by name (`pytest scripts/*.py`: tests kept beside the code they
    test, in files no test naming convention finds)."""
    for use in facts.tool_uses:
        if use.capability != "test-runner" or not use.invocation.chain:
            continue
        for arg in use.invocation.argv[1:]:
            if arg.startswith("-") or not arg.endswith(_CODE_SUFFIXES):
                continue
            named = [p for p in facts.files if fnmatch.fnmatchcase(p, arg)] if "*" in arg else \
                [arg] if facts.has_file(arg) else []
            if named:
                link = use.invocation.chain[-1]
                return [ev(link.path, link.line, f"{use.tool_id} runs {arg} ({len(named)} file(s))")]
    return []


@signal("tests.coverage_threshold", "a coverage threshold is configured (in a test configuration or on a CI command)")
def coverage_threshold(s: Signals) -> Signal:
    configured = [ev(c.path, c.line, f"{c.tool}: fail under {c.coverage_threshold:g}%")
                  for c in s.facts.test_configs if c.coverage_threshold]
    configured += [ev(c.path, c.line, f"codecov {c.options}") for c in s.facts.test_configs
                   if c.tool == "codecov" and not c.coverage_threshold]
    return found(configured or _ci_coverage_gates(s.facts))


@signal("tests.full_coverage_gate", "CI fails when coverage is below 100%, so every changed line is covered")
def full_coverage_gate(s: Signals) -> Signal:
    """A 100% floor enforced in CI covers changed code by construction (structlog, packaging): what a
    diff-coverage report on pull requests would show is already a failing build."""
    if not s["ci.coverage_gate"].truthy:
        return found([])
    return found(e for e in s["tests.coverage_threshold"].evidence if _FULL.search(e.snippet))


_FULL = re.compile(r"(?<![\d.])100(\.0+)?(?![\d.])")


@signal("tests.e2e_present", "end-to-end tests exist")
def e2e_present(s: Signals) -> Signal:
    hits = [
        ev(c.path, c.line, f"{c.tool} configuration")
        for c in s.facts.test_configs
        if c.tool in ("playwright", "cypress")
    ]
    e2e = s.facts.test_files.get("e2e", [])
    if e2e:
        hits.append(ev(e2e[0], None, f"{len(e2e)} e2e test file(s)"))
    return found(hits)


@signal("tests.flake_prone", "tests that reach outside the process exist (end-to-end, browser or integration tests)")
def flake_prone(s: Signals) -> Signal:
    """Where retries belong: a browser, a network or a service makes a test fail now and then; a unit test
    that fails intermittently has a bug a retry would hide."""
    integration = s.facts.test_files.get("integration", [])
    hits = list(s["tests.e2e_present"].evidence)
    if integration:
        hits.append(ev(integration[0], None, f"{len(integration)} integration test file(s)"))
    return found(hits)


@signal("tests.pyramid", "unit tests outnumber integration tests, which outnumber end-to-end tests")
def pyramid(s: Signals) -> Signal:
    counts = {k: len(v) for k, v in s.facts.test_files.items()}
    unit, integ, e2e = counts.get("unit", 0), counts.get("integration", 0), counts.get("e2e", 0)
    text = f"unit {unit}, integration {integ}, e2e {e2e}"
    anchor = (s.facts.test_files.get("unit") or s.facts.test_files.get("e2e") or ["."])[0]
    return Signal(unit > 0 and unit >= integ >= 0 and unit >= e2e and unit > 0, (ev(anchor, None, text),))


@signal("tests.performance_present", "performance tests or budgets exist")
def perf_present(s: Signals) -> Signal:
    hits = _config(s.facts, "k6", "locust", "lighthouse", "size-limit")
    hits += _paths(s.facts.test_files.get("performance", []))
    hits += [
        ev(m.path, None, "bundlesize budget")
        for m in s.facts.manifests
        if m.ecosystem == "npm" and "bundlesize" in m.data
    ]
    return found(hits)


def _tools(facts: Facts, names: Iterable[str]) -> list[Evidence]:
    """[tool.X] sections of pyproject.toml."""
    wanted = set(names)
    return [
        ev(m.path, None, f"[tool.{t}]")
        for m in facts.manifests
        for t in (m.data["tool"] if isinstance(m.data.get("tool"), list) else [])
        if t in wanted
    ]


MUTATION_CONFIG = PathPattern(
    r"(^|/)(stryker\.conf\.(js|json|mjs|cjs)|stryker\.config\.\w+|\.mutmut|cosmic-ray\.toml|infection\.json5?)$",
    ["stryker.conf", ".mutmut", "cosmic-ray.toml", "infection.json"],
)
CONTRACT_FILES = PathPattern(
    r"(^|/)(pacts?|contracts?)/[^/]+\.(json|ya?ml|groovy|py|ts|js)$|"
    r"(^|/)[^/]{0,100}(pact|contract)[^/]{0,100}\.(test|spec)\.[jt]sx?$|"
    r"(^|/)test_[^/]{0,100}(contract|pact)[^/]{0,100}\.py$",
    ["pact", "contract"],
)
ACCESSIBILITY_FILES = PathPattern(
    r"(^|/)\.pa11yci(\.json)?$|(^|/)[^/]{0,100}(a11y|accessibility)[^/]{0,100}\.(test|spec)\.[jt]sx?$",
    [".pa11yci", "a11y", "accessibility"],
)


def _scripts(facts: Facts, pattern: TextPattern) -> list[Evidence]:
    return [
        ev(m.path, None, f'"{n}": "{c}"') for m in facts.manifests for n, c in m.scripts.items() if pattern.search(c)
    ]


def _configs(facts: Facts, tools: Iterable[str] | None, pattern: TextPattern) -> list[Evidence]:
    """Test configurations (of `tools`; None: of every test runner) whose options match."""
    wanted = set(tools) if tools is not None else {c.tool for c in facts.test_configs} - {"coverage"}
    hits = []
    for c in facts.test_configs:
        if c.tool in wanted and c.options:
            match = pattern.search(c.options)
            if match:
                line = (
                    (c.line or 1) + c.options.count("\n", 0, match.start())
                    if c.tool not in ("pytest", "tox")
                    else c.line
                )
                hits.append(ev(c.path, line, f"{c.tool}: {match.group(0)}"))
    return hits


RETRY = rx(
    r"(--reruns\b|pytest-rerunfailures|flaky\b|retryTimes|retries\s*:\s*[1-9]|"
    r"nick-fields/retry|Wandalen/wretry|gotestsum[^\n]{0,200}--rerun-fails|test-retry|rerunFailingTestsCount|"
    r"surefire\.rerunFailingTestsCount|--retries[= ][1-9]|quarantine)"
)


@signal("tests.retries", "flaky tests are retried and reported (rerun plugins, runner retries)")
def tests_retries(s: Signals) -> Signal:
    f = s.facts
    hits = _deps(
        f, ["pytest-rerunfailures", "flaky", "pytest-retry", "jest-circus-retry", "@jest/retry", "mocha-retry"]
    )
    hits += _configs(f, None, RETRY)
    hits += ci_or_scripts(f, RETRY)
    return found(hits)


TIMEOUT = rx(
    r"(--timeout[= ]\d+|testTimeout|\btimeout\s*:\s*\d|defaultCommandTimeout|timeout_func_only|"
    r"go test[^\n]{0,200}-timeout|--test-timeout|jest[^\n]{0,200}--testTimeout|-timeout[= ]\d)"
)


@signal("tests.timeouts", "tests that hang are cut off by a per-test or per-job timeout")
def tests_timeouts(s: Signals) -> Signal:
    f = s.facts
    hits = _deps(f, ["pytest-timeout"])
    hits += _configs(f, None, TIMEOUT)
    hits += ci_or_scripts(f, TIMEOUT)
    hits += tool_uses(f, ("test-timeout",))[:1]  # runners with a default timeout (`go test`: 10 minutes)
    for p in f.pipelines:
        for job in p.jobs:
            raw = job.raw if isinstance(job.raw, dict) else {}
            if ("timeout-minutes" in raw or "timeout" in raw) and any(
                TEST_CMD.search(st.run or "") for st in job.steps
            ):
                hits.append(
                    ev(p.path, job.line, f"job {job.id}: timeout {raw.get('timeout-minutes') or raw.get('timeout')}")
                )
    return found(hits)


@signal("tests.python_present", "Python tests exist")
def python_tests(s: Signals) -> Signal:
    f = s.facts
    paths = [p for level in ("unit", "integration", "e2e") for p in f.test_files.get(level, []) if p.endswith(".py")]
    hits = [ev(c.path, c.line, c.tool) for c in f.test_configs if c.tool in ("pytest", "tox")]
    return found(hits + ([ev(paths[0], None, f"{len(paths)} Python test file(s)")] if paths else []))


PARALLEL = rx(
    r"((^|\s)-n\s*(auto|logical|\d+)\b|--numprocesses|--dist[= ](load|worksteal)|pytest-xdist|--shard|"
    r"circleci tests (split|run)|split-tests|knapsack|--parallel\b|fullyParallel\s*:\s*true|"
    r"parallel\s*:\s*\d|parallelism\s*:\s*\d|gotestsum[^\n]{0,200}--parallel|-p\s+\d+\s)"
)
SERIAL = rx(
    r"(--runInBand|\s-i\s|--no-file-parallelism|--maxWorkers[= ]1\b|workers\s*:\s*1\b|--workers[= ]1\b|"
    r"fullyParallel\s*:\s*false)"
)


@signal("tests.parallel", "the test suite runs in parallel or is sharded across CI jobs")
def tests_parallel(s: Signals) -> Signal:
    f = s.facts
    hits = _deps(f, ["pytest-xdist", "pytest-parallel"])
    hits += _configs(f, None, PARALLEL)
    hits += ci_or_scripts(f, PARALLEL)
    hits += [
        ev(p.path, j.line, f"job {j.id}: parallel")
        for p in f.pipelines
        for j in p.jobs
        if isinstance(j.raw, dict) and isinstance(j.raw.get("parallel"), int)
    ]
    return found(hits)


@signal("tests.serial_suites", "test suites that run one test at a time")
def serial_suites(s: Signals) -> Signal:
    f = s.facts
    hits = []
    if s["tests.python_present"].truthy and not (
        _deps(f, ["pytest-xdist", "pytest-parallel"])
        or _configs(f, ["pytest", "tox"], PARALLEL)
        or ci_matching(f, rx(r"(pytest|tox|nox)[^\n]{0,200}(\s-n\s*(auto|\d)|--numprocesses)"))
    ):
        anchor = s["tests.python_present"].evidence[0]
        hits.append(ev(anchor.path, anchor.line, "Python tests run serially (no pytest-xdist)"))
    hits += _configs(f, ["jest", "vitest", "playwright"], SERIAL)
    hits += [
        e
        for e in ci_matching(f, SERIAL, include_uses=False)
        if JS_TEST_CMD.search(e.snippet) or "playwright" in e.snippet
    ]
    hits += [e for e in _scripts(f, SERIAL) if JS_TEST_CMD.search(e.snippet)]
    return listing(hits)


@signal("tests.mutation", "mutation testing measures whether the tests catch injected bugs")
def tests_mutation(s: Signals) -> Signal:
    f = s.facts
    pattern = rx(
        r"\b(mutmut|cosmic-ray|mutatest|stryker|pitest|go-mutesting|gremlins|cargo[- ]mutants|infection|mull)\b"
    )
    hits = _deps(
        f, ["mutmut", "cosmic-ray", "mutatest", "@stryker-mutator/core", "pitest-maven", "infection/infection"]
    )
    hits += _tools(f, ["mutmut", "cosmic-ray"])
    hits += _files(f, MUTATION_CONFIG)
    hits += ci_or_scripts(f, pattern) + _scripts(f, pattern)
    return found(hits)


@signal("tests.contract", "contract or schema tests check the API against its consumers or its specification")
def tests_contract(s: Signals) -> Signal:
    f = s.facts
    pattern = rx(
        r"\b(pact|schemathesis|dredd|specmatic|spring-cloud-contract|pactflow|can-i-deploy|prism proxy|"
        r"openapi-contract|microcks)\b"
    )
    hits = _deps(
        f,
        [
            "pact-python",
            "@pact-foundation/pact",
            "schemathesis",
            "dredd",
            "specmatic",
            "pact-go",
            "jest-pact",
            "spring-cloud-starter-contract-verifier",
            "@pactflow/",
        ],
    )
    hits += _files(f, CONTRACT_FILES)
    hits += ci_matching(f, pattern)
    return found(hits)


@signal("tests.accessibility", "accessibility is tested automatically (axe, pa11y, Lighthouse accessibility)")
def tests_accessibility(s: Signals) -> Signal:
    f = s.facts
    pattern = rx(
        r"\b(pa11y|axe-core|@axe-core|axe-playwright|cypress-axe|jest-axe|vitest-axe|lighthouse[^\n]{0,200}accessibility|"
        r"accessibility-checker|a11y)\b"
    )
    hits = _deps(
        f,
        [
            "axe-core",
            "@axe-core/",
            "jest-axe",
            "cypress-axe",
            "pa11y",
            "pa11y-ci",
            "axe-playwright",
            "@storybook/addon-a11y",
            "vitest-axe",
            "@chromaui/",
            "eslint-plugin-jsx-a11y",
            "eslint-plugin-vuejs-accessibility",
        ],
    )
    hits = [h for h in hits if "eslint-plugin" not in h.snippet or "axe" in h.snippet or "pa11y" in h.snippet]
    hits += ci_matching(f, pattern)
    hits += _files(f, ACCESSIBILITY_FILES)
    return found(hits)
