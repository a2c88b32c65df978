"""No regular expression in vana_audit can run away on adversarial input.

Every compiled pattern at module level (and every pattern a full scan compiles on the way, from
`re`'s cache) is run against "pumped" inputs: for each repetition in the pattern, a string that
matches the pattern up to that repetition, then 100,000 characters the repetition accepts, then a
character that makes the match fail. That is the shape that makes backtracking regexes take
quadratic or exponential time. The bound is generous: a safety net, not a speed benchmark.
"""
from __future__ import annotations

import importlib
import pkgutil
import re
import signal
import threading
import time
from typing import Any, Iterator

import pytest

import vana_audit

try:  # Python 3.11+
    from re import _constants as sre_c, _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as sre_c  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

PUMP = 100_000
BOUND_S = 2.0  # a linear pattern needs milliseconds for 100k characters; a quadratic one needs minutes
FILLERS = ("a", "A", "0", " ", "x", "-", "/", "\n", "'", '"', ":", "=", "_", ".")


def _module_patterns() -> dict[str, re.Pattern[str]]:
    found: dict[str, re.Pattern[str]] = {}
    modules = [vana_audit.__name__] + [m.name for m in pkgutil.walk_packages(vana_audit.__path__, "vana_audit.")]
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError:  # an optional renderer whose dependency is missing
            continue
        for attr, value in vars(module).items():
            for key, pattern in _patterns_in(value):
                if isinstance(pattern.pattern, str):
                    found.setdefault(f"{name}.{attr}{key}", pattern)
    return found


def _patterns_in(value: Any) -> Iterator[tuple[str, re.Pattern[str]]]:
    if isinstance(value, re.Pattern):
        yield "", value
    elif isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, re.Pattern):
                yield f"[{k!r}]", v
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            if isinstance(v, re.Pattern):
                yield f"[{i}]", v


# -- pumped inputs ------------------------------------------------------------------------------

def _sample(items: Any, depth: int = 0) -> str:
    """A short string that the parsed sub-pattern matches (best effort; lookarounds are skipped)."""
    out = []
    for op, av in items:
        out.append(_sample_item(op, av, depth))
    return "".join(out)


def _sample_item(op: Any, av: Any, depth: int) -> str:
    if depth > 20:
        return ""
    if op is sre_c.LITERAL:
        return chr(av)
    if op is sre_c.NOT_LITERAL:
        return "a" if av != ord("a") else "b"
    if op is sre_c.ANY:
        return "a"
    if op is sre_c.IN:
        return _class_char(av) or ""
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
        low, _high, body = av
        return _sample(body, depth + 1) * max(low, 0)
    if op is sre_c.SUBPATTERN:
        return _sample(av[-1], depth + 1)
    if op is getattr(sre_c, "ATOMIC_GROUP", None):
        return _sample(av, depth + 1)
    if op is sre_c.BRANCH:
        return _sample(av[1][0], depth + 1)
    return ""  # AT, ASSERT, ASSERT_NOT, GROUPREF, CATEGORY outside a class...


def _class_char(items: Any) -> str | None:
    negate = any(op is sre_c.NEGATE for op, _ in items)
    if negate:
        excluded = "".join(chr(av) for op, av in items if op is sre_c.LITERAL)
        return next((c for c in "aZ0 -" if c not in excluded), "~")
    for op, av in items:
        if op is sre_c.LITERAL:
            return chr(av)
        if op is sre_c.RANGE:
            return chr(av[0])
        if op is sre_c.CATEGORY:
            return {sre_c.CATEGORY_DIGIT: "0", sre_c.CATEGORY_SPACE: " ", sre_c.CATEGORY_WORD: "a",
                    sre_c.CATEGORY_NOT_DIGIT: "a", sre_c.CATEGORY_NOT_SPACE: "a",
                    sre_c.CATEGORY_NOT_WORD: " "}.get(av, "a")
    return None


def _pump_points(items: Any, prefix: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    """(prefix, pumped body) for every repetition reachable in the pattern."""
    items = list(items)
    for index, (op, av) in enumerate(items):
        before = prefix + _sample(items[:index], depth)
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
            low, high, body = av
            if high is sre_c.MAXREPEAT or high > 1:
                unit = _sample(body, depth + 1) or "a"
                yield before, unit
            yield from _pump_points(body, before, depth + 1)
        elif op is sre_c.SUBPATTERN:
            yield from _pump_points(av[-1], before, depth + 1)
        elif op is sre_c.BRANCH:
            for alternative in av[1]:
                yield from _pump_points(alternative, before, depth + 1)


def adversarial_inputs(pattern: re.Pattern[str]) -> list[str]:
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    inputs: dict[str, None] = {}
    for prefix, unit in _pump_points(parsed, ""):
        times = max(1, PUMP // max(len(unit), 1))
        pumped = unit * times
        inputs[(prefix + pumped + "\x00")[: PUMP + len(prefix) + 1]] = None
        for gap in ("", " "):  # the pattern's start repeated: finditer retries at every one
            chunk = prefix + unit + gap
            inputs[chunk * (PUMP // max(len(chunk), 1)) + "\x00"] = None
    for filler in FILLERS:  # plain runs, for patterns whose structure the sampler misreads
        inputs[filler * PUMP] = None
    return list(inputs)


class _Overrun(Exception):
    pass


def _raise_overrun(signum, frame):  # type: ignore[no-untyped-def]
    raise _Overrun()


def _time_pattern(pattern: re.Pattern[str]) -> tuple[float, str]:
    """The worst time over the adversarial inputs; a run past the bound is interrupted (re checks signals)."""
    use_alarm = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGALRM, _raise_overrun) if use_alarm else None
    worst, worst_input = 0.0, ""
    try:
        for text in adversarial_inputs(pattern):
            started = time.perf_counter()
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, BOUND_S * 1.5)
            try:
                pattern.search(text)
                for _ in zip(range(1000), pattern.finditer(text)):  # finditer restarts after every match
                    pass
            except _Overrun:
                pass
            finally:
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            elapsed = time.perf_counter() - started
            if elapsed > worst:
                worst, worst_input = elapsed, text
            if elapsed > BOUND_S:
                break
    finally:
        if use_alarm:
            signal.signal(signal.SIGALRM, previous)
    return worst, worst_input


MODULE_PATTERNS = _module_patterns()

# Patterns in files this suite's owner does not edit (signal catalogue, history): each runs away on
# the input shown by the failure, and the recommended fix is given. Strict: once a pattern is fixed
# its test passes, the xfail turns into a failure, and the entry must be removed.
KNOWN_RUNAWAY = {
    "vana_audit.signal_defs.core.BACKEND":
        r'`^\s*` with re.M rescans every following blank line: use `^[^\S\n]*backend\s+"(\w+)"|^[^\S\n]*cloud\s*\{`',
    "vana_audit.signal_defs.core.INJECTABLE":
        r"`commits[^}]*message`, `pages\.[^}]*page_name`, `commits[^}]*author`: bound the gaps, `[^}]{0,200}`",
    "vana_audit.signal_defs.containers.NOT_A_SECRET": r"`_EXPIR\w*` before `$`: use `_EXPIR\w{0,20}`",
    "vana_audit.signal_defs.containers.SECRET_FILE":
        r"`[\w.-]+\.env`, `[\w.-]+\.(pem|key…)`, `[\w.-]*secret[\w.-]*`: bound each run, `[\w.-]{1,200}`",
    "vana_audit.signal_defs.workflow_security.LICENSE_CHECK": r"`--scanners[^\n]*license`: use `[^\n]{0,200}`",
    "vana_audit.signal_defs.workflow_security.SECRET_REF":
        r"`\$\{\{\s*[^}]*\bsecrets\.`: two overlapping runs; use `\$\{\{[^}]{0,200}?\bsecrets\.`",
    "vana_audit.history.deployments.SEMVER_TAG":
        r"`(?P<component>.+?)[@/_-]` then `[0-9A-Za-z.-]+`: match tags over 255 characters never, or "
        r"bound: `.{1,100}?` and `[0-9A-Za-z.-]{1,100}`",
}


def test_the_audit_sees_the_patterns_it_should() -> None:
    names = " ".join(MODULE_PATTERNS)
    for expected in ("vana_audit.secrets.SECRET_PATTERNS", "vana_audit.signals.TEST_CMD",
                     "vana_audit.collectors.ci._SH", "vana_audit.collectors.project._TARGET"):
        assert expected in names


def test_pump_inputs_catch_a_known_catastrophic_pattern() -> None:
    """The harness itself: the textbook runaway (two adjacent `\\s*`) must be caught within the bound."""
    elapsed, text = _time_pattern(re.compile(r"\bsh\s*\(?\s*x"))
    assert elapsed > BOUND_S and text.startswith("sh ")


def _params() -> list:  # type: ignore[type-arg]
    params = []
    for name in sorted(MODULE_PATTERNS):
        marks = [pytest.mark.xfail(strict=True, reason=f"runs away; fix: {KNOWN_RUNAWAY[name]}")] \
            if name in KNOWN_RUNAWAY else []
        params.append(pytest.param(name, marks=marks, id=name))
    return params


@pytest.mark.parametrize("name", _params())
def test_module_level_pattern_is_bounded(name: str) -> None:
    elapsed, text = _time_pattern(MODULE_PATTERNS[name])
    assert elapsed < BOUND_S, f"{name} took {elapsed:.1f}s on {text[:60]!r}… ({len(text)} chars)"


def _patterns_compiled_by_a_scan(repo) -> dict[str, re.Pattern[str]]:  # type: ignore[no-untyped-def]
    from vana_audit.scan import scan

    re.purge()
    scan(repo, now="2025-10-20T12:00:00Z")
    found = {}
    for value in list(getattr(re, "_cache", {}).values()):
        if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
            found[value.pattern] = value
    return found


def test_patterns_compiled_inside_signals_are_bounded(seed_repo) -> None:  # type: ignore[no-untyped-def]
    """Signals compile some patterns inside their functions; a scan leaves them in re's cache."""
    known = {p.pattern for p in MODULE_PATTERNS.values()}
    compiled = {k: v for k, v in _patterns_compiled_by_a_scan(seed_repo).items() if k not in known}
    assert compiled, "the scan compiled no pattern of its own: the cache probe is broken"
    slow = []
    for source_text, pattern in sorted(compiled.items()):
        elapsed, text = _time_pattern(pattern)
        if elapsed >= BOUND_S:
            slow.append(f"{source_text!r}: {elapsed:.1f}s on {text[:40]!r}…")
    assert not slow, "patterns that run away:\n" + "\n".join(slow)
