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
from collections.abc import Iterator
from typing import Any

import pytest

import vana_audit
from vana_audit.folded_re import FoldedPattern

try:  # Python 3.11+
    from re import _constants as sre_c  # type: ignore[attr-defined]
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as sre_c  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

PUMP = 100_000
BOUND_S = 2.5  # a linear pattern needs milliseconds for 100k characters; a quadratic one needs minutes
ESCALATE_S = 0.02  # at a fifth of the size, slower than this looks superlinear: measured at full size too
MEASURABLE_S = 0.25  # long enough for the growth ratio to mean something
GROWTH_LIMIT = 12  # five times the input: linear 5x, quadratic 25x
FILLERS = ("a", " ", "\n")


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
    """Compiled patterns in a module attribute; a FoldedPattern is audited as both of its halves."""
    if isinstance(value, re.Pattern):
        yield "", value
    elif isinstance(value, FoldedPattern):
        yield ".exact", value.exact
        yield ".lowered", value.lowered
    elif isinstance(value, dict):
        for k, v in value.items():
            for key, pattern in _patterns_in(v) if isinstance(v, (re.Pattern, FoldedPattern)) else ():
                yield f"[{k!r}]{key}", pattern
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            for key, pattern in _patterns_in(v) if isinstance(v, (re.Pattern, FoldedPattern)) else ():
                yield f"[{i}]{key}", pattern


# -- pumped inputs ------------------------------------------------------------------------------


def _sample(items: Any, depth: int = 0) -> str:
    """A short string that the parsed sub-pattern matches (best effort; lookarounds are skipped)."""
    return "".join(_sample_item(op, av, depth) for op, av in items)


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
        return (_class_chars(av) or [""])[0]
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
        low, _high, body = av
        return _sample(body, depth + 1) * max(low, 0)
    if op is sre_c.SUBPATTERN:
        return _sample(av[-1], depth + 1)
    if op is getattr(sre_c, "ATOMIC_GROUP", None):
        return _sample(av, depth + 1)
    if op is sre_c.BRANCH:
        return _sample(av[1][0], depth + 1)
    return ""  # AT, ASSERT, ASSERT_NOT, GROUPREF: nothing to consume


_CATEGORY_CHARS = {
    sre_c.CATEGORY_DIGIT: ["0"],
    sre_c.CATEGORY_SPACE: [" ", "\n"],
    sre_c.CATEGORY_WORD: ["a", "_"],
    sre_c.CATEGORY_NOT_DIGIT: ["a", " "],
    sre_c.CATEGORY_NOT_SPACE: ["a", "/"],
    sre_c.CATEGORY_NOT_WORD: [" ", "-"],
}


def _class_chars(items: Any) -> list[str]:
    """Characters a character class accepts: the ones a long run of would be made of."""
    if any(op is sre_c.NEGATE for op, _ in items):
        excluded = {chr(av) for op, av in items if op is sre_c.LITERAL}
        return [c for c in ("a", " ", "\n", "/") if c not in excluded][:2] or ["~"]
    chars: list[str] = []
    for op, av in items:
        if op is sre_c.LITERAL:
            chars.append(chr(av))
        elif op is sre_c.RANGE:
            chars.append(chr(av[0]))
        elif op is sre_c.CATEGORY:
            chars += _CATEGORY_CHARS.get(av, ["a"])
    return list(dict.fromkeys(chars))[:3]


def _units(body: Any, depth: int) -> list[str]:
    """What one repetition of `body` can be made of: a sample, or each character of a lone class."""
    body = list(body)
    if len(body) == 1 and body[0][0] is sre_c.IN:
        return _class_chars(body[0][1]) or ["a"]
    if len(body) == 1 and body[0][0] is sre_c.ANY:
        return ["a", " "]
    return [_sample(body, depth + 1) or "a"]


_REPEATS = tuple(op for op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)) if op)


def _pump_points(items: Any, prefix: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    """(prefix, unit) for every repetition reachable in the pattern: the prefix leads up to it."""
    items = list(items)
    for index, (op, av) in enumerate(items):
        before = prefix + _sample(items[:index], depth)
        if op in _REPEATS:
            _low, high, body = av
            if high is sre_c.MAXREPEAT or high > 1:
                for unit in _units(body, depth):
                    yield before, unit
            yield from _pump_points(body, before, depth + 1)
        elif op is sre_c.SUBPATTERN:
            yield from _pump_points(av[-1], before, depth + 1)
        elif op is getattr(sre_c, "ATOMIC_GROUP", None):
            yield from _pump_points(av, before, depth + 1)
        elif op is sre_c.BRANCH:
            for alternative in av[1]:
                yield from _pump_points(alternative, before, depth + 1)


def adversarial_inputs(pattern: re.Pattern[str], size: int = PUMP) -> list[str]:
    """Pumped strings: prefix + unit * n + a failing character, and (prefix + unit) repeated."""
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    inputs: dict[str, None] = {}
    for prefix, unit in _pump_points(parsed, ""):
        inputs[prefix + unit * (size // len(unit)) + "\x00"] = None
        for gap in ("", " "):  # the pattern's start repeated: finditer retries at every one
            chunk = prefix + unit + gap
            inputs[chunk * (size // len(chunk)) + "\x00"] = None
    for filler in FILLERS:  # plain runs, for patterns whose structure the sampler misreads
        inputs[filler * size] = None
    return list(inputs)


class _Overrun(Exception):
    pass


def _raise_overrun(signum, frame):  # type: ignore[no-untyped-def]
    raise _Overrun()


def _run(pattern: re.Pattern[str], text: str, limit_s: float) -> float:
    """CPU seconds to find up to 1000 matches; a run past `limit_s` of CPU is interrupted (re checks
    signals). CPU time, not wall-clock time: other processes on a busy machine do not inflate it."""
    use_alarm = threading.current_thread() is threading.main_thread()
    if use_alarm:
        previous = signal.signal(signal.SIGVTALRM, _raise_overrun)
        signal.setitimer(signal.ITIMER_VIRTUAL, limit_s)
    started = time.process_time()
    try:
        for count, _ in enumerate(pattern.finditer(text)):  # finditer restarts after every match
            if count >= 1000:
                break
    except _Overrun:
        pass
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
            signal.signal(signal.SIGVTALRM, previous)
    return time.process_time() - started


def _grow(text: str, times: int) -> str:
    body, tail = (text[:-1], "\x00") if text.endswith("\x00") else (text, "")
    return body * times + tail


def audit(pattern: re.Pattern[str]) -> str | None:
    """None when the pattern stays linear on every adversarial input, else what went wrong.

    Every input is first run at a fifth of the size. Matching takes at least linear time, so an
    input slower than BOUND_S / 5 there would take over BOUND_S at full size: it fails at once,
    interrupted, without paying for the full run. The slowest input, and any other that looked
    superlinear, are then run at full size: over BOUND_S fails, and so does a time that grew more
    than GROWTH_LIMIT times for five times the input (linear grows 5x, quadratic 25x) once it is
    long enough to measure. The audit takes seconds instead of minutes.
    """
    small_bound = BOUND_S / 5
    timed = []
    for text in adversarial_inputs(pattern, PUMP // 5):
        elapsed = _run(pattern, text, small_bound * 1.2)
        if elapsed > small_bound:
            return f"{elapsed:.2f}s on {len(text)} chars (so over {BOUND_S}s on {PUMP}): {text[:50]!r}…"
        timed.append((elapsed, text))
    timed.sort(key=lambda item: -item[0])
    suspects = [item for item in timed[1:] if item[0] > ESCALATE_S][:3]
    for small, text in [timed[0], *suspects]:
        full = _grow(text, 5)
        elapsed = _run(pattern, full, BOUND_S * 1.2)
        if elapsed > BOUND_S:
            return f"{elapsed:.2f}s on {len(full)} chars: {full[:50]!r}…"
        if elapsed > MEASURABLE_S and elapsed / max(small, 1e-4) > GROWTH_LIMIT:
            # one more measurement of each before calling it superlinear: the machine may be busy
            small = min(small, _run(pattern, text, small_bound))
            elapsed = min(elapsed, _run(pattern, full, BOUND_S * 1.2))
            if elapsed > MEASURABLE_S and elapsed / max(small, 1e-4) > GROWTH_LIMIT:
                return f"superlinear: {small:.3f}s on {len(text)} chars, {elapsed:.2f}s on {len(full)}: {full[:50]!r}…"
    return None


MODULE_PATTERNS = _module_patterns()

# Patterns in files this suite's owner does not edit (signal catalogue, history): each runs away on
# the input shown by the failure, and the recommended fix is given. Strict: once a pattern is fixed
# its test passes, the xfail turns into a failure, and the entry must be removed.
KNOWN_RUNAWAY: dict[str, str] = {}  # pattern name -> why it runs away and the fix; empty: all bounded


def test_the_audit_sees_the_patterns_it_should() -> None:
    names = " ".join(MODULE_PATTERNS)
    for expected in (
        "vana_audit.secrets.SECRET_PATTERNS",
        "vana_audit.signals.TEST_CMD.lowered",
        "vana_audit.collectors.ci._SH",
        "vana_audit.collectors.project._TARGET",
    ):
        assert expected in names


def test_pump_inputs_catch_a_known_catastrophic_pattern() -> None:
    """The harness itself: the textbook runaway (two adjacent `\\s*`) must be caught within the bound."""
    verdict = audit(re.compile(r"\bsh\s*\(?\s*x"))
    assert verdict is not None and "'sh  " in verdict


def _params() -> list:  # type: ignore[type-arg]
    params = []
    for name in sorted(MODULE_PATTERNS):
        marks = (
            [pytest.mark.xfail(strict=True, reason=f"runs away; fix: {KNOWN_RUNAWAY[name]}")]
            if name in KNOWN_RUNAWAY
            else []
        )
        params.append(pytest.param(name, marks=marks, id=name))
    return params


@pytest.mark.parametrize("name", _params())
def test_module_level_pattern_is_bounded(name: str) -> None:
    verdict = audit(MODULE_PATTERNS[name])
    assert verdict is None, f"{name} runs away: {verdict}"


def _patterns_compiled_by_a_scan(repo) -> dict[str, re.Pattern[str]]:  # type: ignore[no-untyped-def]
    from vana_audit.scan import scan

    re.purge()
    scan(repo, now="2025-10-20T12:00:00Z")
    found = {}
    for value in list(getattr(re, "_cache", {}).values()):
        if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
            if value.pattern.startswith("(?s:") and value.pattern.endswith(r"\Z"):
                continue  # fnmatch/glob translations: matched against path names, not file contents
            found[value.pattern] = value
    return found


# Patterns compiled inside signal functions (signal catalogue) that run away, with the fix.
KNOWN_LOCAL_RUNAWAY = {
    r"""PIP_NO_CACHE_DIR\s*[= ]\s*[\"']?(1|true|on|yes|off|0)""": r"containers signal; `\s*[= ]\s*` splits a run of spaces n^2 ways: use `PIP_NO_CACHE_DIR(?:\s*=\s*|[ \t]+)[\"']?(…)`",
}


def test_patterns_compiled_inside_signals_are_bounded(seed_repo) -> None:  # type: ignore[no-untyped-def]
    """Signals compile some patterns inside their functions; a scan leaves them in re's cache.

    Runaway patterns already reported (KNOWN_LOCAL_RUNAWAY) are tolerated; a new one fails."""
    known = {p.pattern for p in MODULE_PATTERNS.values()}
    compiled = {k: v for k, v in _patterns_compiled_by_a_scan(seed_repo).items() if k not in known}
    assert compiled, "the scan compiled no pattern of its own: the cache probe is broken"
    slow = []
    for source_text, pattern in sorted(compiled.items()):
        if source_text in KNOWN_LOCAL_RUNAWAY:
            continue
        verdict = audit(pattern)
        if verdict is not None:
            slow.append(f"{source_text!r}: {verdict}")
    assert not slow, "patterns that run away:\n" + "\n".join(slow)
