"""No regular expression in vana_audit can run away exponentially on adversarial input.

Every compiled pattern at module level (and every pattern a full scan compiles on the way, from
`re`'s cache) is run against "pumped" inputs: for each repetition in the pattern, a string that
matches the pattern up to that repetition, then a run of characters the repetition accepts, then a
character that makes the match fail. That is the shape that makes backtracking regexes run away.

The cost is counted in steps, not seconds (tests/regex_steps.py: a backtracking matcher that tries
what `re` tries and counts it), so the verdict is the same on an idle laptop and on a loaded CI
machine: a pattern that backtracks exponentially passes STEP_LIMIT on a few hundred characters,
where a linear one takes a few thousand steps. Quadratic growth at 100,000 characters, where
`re`'s C loops decide whether it matters, is timed by `benchmarks/bench_regex.py` (run it when
adding or changing a pattern).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import pytest

import vana_audit
from tests.regex_steps import StepCounter, StepLimit
from vana_audit.folded_re import FoldedPattern

try:  # Python 3.11+
    from re import _constants as sre_c  # type: ignore[attr-defined]
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as sre_c  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

PUMP = 200  # characters in a pumped run
STEP_LIMIT = 500_000  # a linear pattern needs a few thousand steps here, the costliest about 100,000; cubic is over
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


def _unique(patterns: dict[str, re.Pattern[str]]) -> dict[str, re.Pattern[str]]:
    """One name per distinct pattern: a compiled object imported into other modules (or compiled
    again from the same source and flags, which `re`'s cache makes the same object) is audited once,
    under the first name found."""
    seen: dict[tuple[str, int], str] = {}
    for name, pattern in patterns.items():
        seen.setdefault((pattern.pattern, pattern.flags), name)
    return {name: patterns[name] for name in seen.values()}


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
    return [make(size) for make in _input_makers(pattern)]


def _input_makers(pattern: re.Pattern[str]) -> list[Any]:
    """Each pumped input as a function of its size, so that one input can be made at two sizes."""
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    makers: dict[tuple[str, str, str], None] = {}
    for prefix, unit in _pump_points(parsed, ""):
        makers[(prefix, unit, "\x00")] = None
        for gap in ("", " "):  # the pattern's start repeated: finditer retries at every one
            makers[("", prefix + unit + gap, "\x00")] = None
    for filler in FILLERS:  # plain runs, for patterns whose structure the sampler misreads
        makers[("", filler, "")] = None
    return [lambda size, p=p, u=u, t=t: p + u * max(size // len(u), 1) + t for p, u, t in makers]


def audit(pattern: re.Pattern[str]) -> str | None:
    """None when every adversarial input costs under STEP_LIMIT steps, else the first that did not."""
    counter = StepCounter(pattern)
    for text in adversarial_inputs(pattern, PUMP):
        try:
            counter.steps(text, STEP_LIMIT)
        except StepLimit:
            return f"over {STEP_LIMIT:,} steps on {len(text)} chars: {text[:50]!r}…"
    return None


ALL_MODULE_PATTERNS = _module_patterns()
MODULE_PATTERNS = _unique(ALL_MODULE_PATTERNS)

# Patterns in files this suite's owner does not edit (signal catalogue, history): each runs away on
# the input shown by the failure, and the recommended fix is given. Strict: once a pattern is fixed
# its test passes, the xfail turns into a failure, and the entry must be removed.
KNOWN_RUNAWAY: dict[str, str] = {}  # pattern name -> why it runs away and the fix; empty: all bounded


def test_the_audit_sees_the_patterns_it_should() -> None:
    names = " ".join(ALL_MODULE_PATTERNS)
    for expected in (
        "vana_audit.secrets.SECRET_PATTERNS",
        "vana_audit.signals.TEST_CMD.lowered",
        "vana_audit.collectors.ci._SH",
        "vana_audit.collectors.project._TARGET",
    ):
        assert expected in names


def test_pump_inputs_catch_a_known_catastrophic_pattern() -> None:
    """The harness itself: a nested repetition of two adjacent `\\s*` must be caught; a linear pattern not."""
    verdict = audit(re.compile(r"\bsh(\s*\(?\s*)*x"))
    assert verdict is not None and "'sh  " in verdict
    assert audit(re.compile(r"\bsh\s*\(?x")) is None


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
    known = {p.pattern for p in ALL_MODULE_PATTERNS.values()}
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
