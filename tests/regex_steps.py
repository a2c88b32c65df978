"""Count the steps a backtracking regex engine takes: a clock-free measure of a pattern's cost.

`steps(pattern, text)` runs `pattern.finditer(text)` (up to 1000 matches) on a small backtracking
matcher that follows the parsed pattern the way CPython's `re` does (greedy and lazy repeats tried
in the same order, branches left to right, no memoisation) and counts every node it tries. The
count does not depend on the machine or its load, and it grows like `re`'s time does: linearly for
a pattern that cannot run away, quadratically or exponentially for one that can. Past `limit` steps
it stops with StepLimit.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

try:  # Python 3.11+
    from re import _constants as sre_c  # type: ignore[attr-defined]
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as sre_c  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

MAX_MATCHES = 1000

Cont = Callable[[int], bool]
Node = Callable[[int, Cont], bool]


class StepLimit(Exception):
    pass


class _Ctx:
    def __init__(self) -> None:
        self.text = ""
        self.n = 0
        self.steps = 0
        self.limit = 0
        self.groups: dict[int, tuple[int, int]] = {}

    def tick(self) -> None:
        self.steps += 1
        if self.steps > self.limit:
            raise StepLimit(self.steps)


_POSSESSIVE = getattr(sre_c, "POSSESSIVE_REPEAT", None)
_ATOMIC = getattr(sre_c, "ATOMIC_GROUP", None)


def _is_word(ch: str, ascii_only: bool) -> bool:
    return ch == "_" or (ch.isalnum() and (not ascii_only or ch.isascii()))


def _category(code: Any, ascii_only: bool) -> Callable[[str], bool]:
    a = ascii_only
    table: dict[Any, Callable[[str], bool]] = {
        sre_c.CATEGORY_DIGIT: lambda ch: ch.isdecimal() and (not a or ch.isascii()),
        sre_c.CATEGORY_NOT_DIGIT: lambda ch: not (ch.isdecimal() and (not a or ch.isascii())),
        sre_c.CATEGORY_SPACE: lambda ch: ch.isspace() and (not a or ch.isascii()) or ch in " \t\n\r\f\v",
        sre_c.CATEGORY_NOT_SPACE: lambda ch: not (ch.isspace() and (not a or ch.isascii()) or ch in " \t\n\r\f\v"),
        sre_c.CATEGORY_WORD: lambda ch: _is_word(ch, a),
        sre_c.CATEGORY_NOT_WORD: lambda ch: not _is_word(ch, a),
        sre_c.CATEGORY_LINEBREAK: lambda ch: ch == "\n",
        sre_c.CATEGORY_NOT_LINEBREAK: lambda ch: ch != "\n",
    }
    return table[code]


def _char_class(items: Any, flags: int) -> Callable[[str], bool]:
    ascii_only = bool(flags & re.ASCII)
    negate = False
    literals: set[str] = set()
    ranges: list[tuple[int, int]] = []
    categories: list[Callable[[str], bool]] = []
    for op, av in items:
        if op is sre_c.NEGATE:
            negate = True
        elif op is sre_c.LITERAL:
            literals.add(chr(av))
        elif op is sre_c.RANGE:
            ranges.append(av)
        elif op is sre_c.CATEGORY:
            categories.append(_category(av, ascii_only))
        else:  # pragma: no cover - parser output has no other members
            raise NotImplementedError(op)
    fold = bool(flags & re.IGNORECASE)

    def inside(ch: str) -> bool:
        for c in {ch, ch.lower(), ch.upper()} if fold else (ch,):
            if c in literals or any(lo <= ord(c) <= hi for lo, hi in ranges) or any(f(c) for f in categories):
                return True
        return False

    return (lambda ch: not inside(ch)) if negate else inside


def _literal(code: int, flags: int, equal: bool) -> Callable[[str], bool]:
    want = chr(code)
    if flags & re.IGNORECASE:
        low = want.lower()
        return (lambda ch: ch.lower() == low) if equal else (lambda ch: ch.lower() != low)
    return (lambda ch: ch == want) if equal else (lambda ch: ch != want)


def _compile_seq(items: Any, flags: int, ctx: _Ctx) -> Node:
    nodes = [_compile_node(op, av, flags, ctx) for op, av in items]

    def chain(i: int) -> Node:
        if i == len(nodes):
            return lambda pos, k: k(pos)
        first, rest = nodes[i], chain(i + 1)
        if i + 1 == len(nodes):
            return first
        return lambda pos, k: first(pos, lambda p: rest(p, k))

    return chain(0)


def _char_node(pred: Callable[[str], bool], ctx: _Ctx) -> Node:
    def node(pos: int, k: Cont) -> bool:
        ctx.tick()
        return pos < ctx.n and pred(ctx.text[pos]) and k(pos + 1)

    return node


def _first_end(sub: Node, pos: int) -> int | None:
    ends: list[int] = []
    return ends[0] if sub(pos, lambda q: ends.append(q) or True) else None


def _compile_node(op: Any, av: Any, flags: int, ctx: _Ctx) -> Node:  # noqa: C901 - one branch per opcode
    if op is sre_c.LITERAL:
        return _char_node(_literal(av, flags, True), ctx)
    if op is sre_c.NOT_LITERAL:
        return _char_node(_literal(av, flags, False), ctx)
    if op is sre_c.ANY:
        return _char_node((lambda ch: True) if flags & re.DOTALL else (lambda ch: ch != "\n"), ctx)
    if op is sre_c.IN:
        return _char_node(_char_class(av, flags), ctx)
    if op is sre_c.AT:
        return _at(av, flags, ctx)
    if op is sre_c.BRANCH:
        alternatives = [_compile_seq(alt, flags, ctx) for alt in av[1]]

        def branch(pos: int, k: Cont) -> bool:
            ctx.tick()
            return any(alt(pos, k) for alt in alternatives)

        return branch
    if op is sre_c.SUBPATTERN:
        group, add, remove, body = av
        sub = _compile_seq(body, (flags | add) & ~remove, ctx)
        if group is None:
            return sub

        def capture(pos: int, k: Cont) -> bool:
            ctx.tick()

            def close(q: int) -> bool:
                old = ctx.groups.get(group)
                ctx.groups[group] = (pos, q)
                if k(q):
                    return True
                if old is None:
                    ctx.groups.pop(group, None)
                else:
                    ctx.groups[group] = old
                return False

            return sub(pos, close)

        return capture
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, _POSSESSIVE):
        low, high, body = av
        sub = _compile_seq(body, flags, ctx)
        high = float("inf") if high is sre_c.MAXREPEAT else high
        if op is sre_c.MIN_REPEAT:

            def lazy(pos: int, k: Cont, count: int = 0) -> bool:
                ctx.tick()
                if count >= low and k(pos):
                    return True
                return count < high and sub(pos, lambda q: (q != pos or count < low) and lazy(q, k, count + 1))

            return lazy

        def greedy(pos: int, k: Cont, count: int = 0) -> bool:
            ctx.tick()
            if count < high and sub(pos, lambda q: (q != pos or count < low) and greedy(q, k, count + 1)):
                return True
            return count >= low and k(pos)

        if op is sre_c.MAX_REPEAT:
            return greedy

        def possessive(pos: int, k: Cont) -> bool:
            end = _first_end(greedy, pos)
            return end is not None and k(end)

        return possessive
    if op is _ATOMIC:
        sub = _compile_seq(av, flags, ctx)

        def atomic(pos: int, k: Cont) -> bool:
            ctx.tick()
            end = _first_end(sub, pos)
            return end is not None and k(end)

        return atomic
    if op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
        direction, body = av
        sub = _compile_seq(body, flags, ctx)
        width = body.getwidth()[0] if direction < 0 else 0
        wanted = op is sre_c.ASSERT

        def look(pos: int, k: Cont) -> bool:
            ctx.tick()
            if direction < 0:
                start = pos - width
                found = start >= 0 and sub(start, lambda q: q == pos)
            else:
                found = sub(pos, lambda q: True)
            return found == wanted and k(pos)

        return look
    if op is sre_c.GROUPREF:

        def backref(pos: int, k: Cont) -> bool:
            ctx.tick()
            span = ctx.groups.get(av)
            if span is None:
                return False
            value = ctx.text[span[0]:span[1]]
            got = ctx.text[pos:pos + len(value)]
            same = got.lower() == value.lower() if flags & re.IGNORECASE else got == value
            return same and k(pos + len(value))

        return backref
    if op is sre_c.GROUPREF_EXISTS:
        group, yes, no = av
        yes_node = _compile_seq(yes, flags, ctx)
        no_node = _compile_seq(no or [], flags, ctx)

        def exists(pos: int, k: Cont) -> bool:
            ctx.tick()
            return (yes_node if group in ctx.groups else no_node)(pos, k)

        return exists
    raise NotImplementedError(f"regex_steps: opcode {op}")  # pragma: no cover


def _at(code: Any, flags: int, ctx: _Ctx) -> Node:
    multiline = bool(flags & re.MULTILINE)
    ascii_only = bool(flags & re.ASCII)

    def word_at(i: int) -> bool:
        return 0 <= i < ctx.n and _is_word(ctx.text[i], ascii_only)

    def holds(pos: int) -> bool:
        text, n = ctx.text, ctx.n
        if code is sre_c.AT_BEGINNING:
            return pos == 0 or (multiline and text[pos - 1] == "\n")
        if code is sre_c.AT_BEGINNING_STRING:
            return pos == 0
        if code is sre_c.AT_END:
            return pos == n or (pos == n - 1 and text[pos] == "\n") or (multiline and text[pos] == "\n")
        if code is sre_c.AT_END_STRING:
            return pos == n
        if code is sre_c.AT_BOUNDARY:
            return word_at(pos - 1) != word_at(pos)
        if code is sre_c.AT_NON_BOUNDARY:
            return word_at(pos - 1) == word_at(pos)
        raise NotImplementedError(f"regex_steps: anchor {code}")  # pragma: no cover

    def at(pos: int, k: Cont) -> bool:
        ctx.tick()
        return holds(pos) and k(pos)

    return at


class StepCounter:
    """One pattern, compiled once for counting: `counter.steps(text, limit)`."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self._ctx = _Ctx()
        self._top = _compile_seq(sre_parse.parse(pattern.pattern, pattern.flags), pattern.flags, self._ctx)

    def steps(self, text: str, limit: int) -> int:
        """Steps of `finditer(text)` up to MAX_MATCHES matches; StepLimit past `limit`."""
        ctx = self._ctx
        ctx.text, ctx.n, ctx.steps, ctx.limit = text, len(text), 0, limit
        previous = sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous, 40 * len(text) + 2000))
        try:
            pos, matches = 0, 0
            while pos <= ctx.n:
                ctx.groups = {}
                end = _first_end(self._top, pos)
                ctx.steps += 1
                if end is None:
                    pos += 1
                    continue
                matches += 1
                if matches >= MAX_MATCHES:
                    break
                pos = end if end > pos else pos + 1
            return ctx.steps
        finally:
            sys.setrecursionlimit(previous)
