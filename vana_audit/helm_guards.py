"""Which lines of a Helm template render with the chart's default values.

A line inside `{{ if .Values.a.b }}`, `{{- if not .Values.a.b }}`, `{{ with .Values.a }}` or
`{{ range .Values.a }}` renders only when that guard holds. Guards are evaluated against the chart's
default values.yaml by simple dotted-path truthiness (Go template rules: false, 0, "", empty list or
map and a missing key are false). Anything more complex (`and`, `or`, `eq`, pipelines, a path relative
to `with`, a key under a missing parent, a chart without values.yaml) is unknown.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

TRUE, FALSE, UNKNOWN = "rendered", "off by default", "unknown"
_ACTION = re.compile(r"\{\{([^{}]{0,2000})\}\}")  # an action's text; trim markers and spaces are stripped after
_PATH = re.compile(r"^\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)*)$")
_MISSING = object()


@dataclass(frozen=True)
class Guard:
    """The state of one line: rendered by default, off by default, or unknown, and the deciding action."""

    state: str
    condition: str = ""  # the action that decides (the first false one, else the first unknown one)


def _lookup(values: Any, path: str) -> Any:
    node = values
    parts = [p for p in path.split(".") if p]
    for index, part in enumerate(parts):
        if not isinstance(node, dict):
            return _MISSING  # a key under a scalar or a missing parent: Helm fails or it is unknown
        if part not in node:
            return None if index == len(parts) - 1 else _MISSING
        node = node[part]
    return node


def evaluate(expression: str, values: Any) -> bool | None:
    """Truthiness of a guard's expression against the default values; None when unknown."""
    if values is None:
        return None
    text = expression.strip()
    negate = False
    if text.startswith("not "):
        negate, text = True, text[4:].strip()
        if text.startswith("(") and text.endswith(")"):
            text = text[1:-1].strip()
    match = _PATH.match(text)
    if not match:
        return None
    value = _lookup(values, match.group(1))
    if value is _MISSING:
        return None
    truth = bool(value) and value != 0
    return (not truth) if negate else truth


@dataclass
class _Frame:
    kind: str  # if, with, range, define, block
    branch: bool | None  # the current branch's truth
    taken: bool | None  # whether an earlier branch was taken (None: unknown)
    action: str


def _state(stack: list[_Frame]) -> Guard:
    unknown = ""
    for frame in stack:
        if frame.branch is False:
            return Guard(FALSE, frame.action)
        if frame.branch is None and not unknown:
            unknown = frame.action
    return Guard(UNKNOWN, unknown) if unknown else Guard(TRUE)


class TemplateGuards:
    """Guard states through one template's text, looked up by offset or by line."""

    def __init__(self, text: str, values: Any) -> None:
        self._offsets: list[int] = [0]
        self._states: list[Guard] = [Guard(TRUE)]
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        stack: list[_Frame] = []
        for match in _ACTION.finditer(text):
            action = match.group(1).strip().removeprefix("-").removesuffix("-").strip()
            if action.startswith("/*"):
                continue
            word, _, rest = action.partition(" ")
            shown = "{{ " + action[:120] + " }}"
            if word in ("if", "with", "range"):
                truth = evaluate(rest, values) if not rest.startswith("$") or rest.startswith("$.Values") else None
                if word != "if" and ":=" in rest:
                    truth = None
                stack.append(_Frame(word, truth, truth, shown))
            elif word in ("define", "block"):
                stack.append(_Frame(word, None, None, shown))
            elif word == "else" and stack:
                frame = stack[-1]
                previous = frame.taken
                condition: bool | None = True
                if rest.startswith("if "):
                    condition = evaluate(rest[3:], values)
                elif rest.startswith("with "):
                    condition = evaluate(rest[5:], values)
                if previous is True:
                    frame.branch = False
                elif previous is False:
                    frame.branch = condition
                else:
                    frame.branch = None if condition is not False else False
                frame.taken = True if previous is True or condition is True and previous is False else (
                    False if previous is False and condition is False else None)
                frame.action = shown
            elif word == "end" and stack:
                stack.pop()
            else:
                continue
            self._offsets.append(match.end())
            self._states.append(_state(stack))

    def at(self, offset: int) -> Guard:
        return self._states[bisect.bisect_right(self._offsets, offset) - 1]

    def line(self, number: int, column: int = 0) -> Guard:
        """The guard of 1-based line `number` at `column` (where a pattern matched)."""
        start = self._line_starts[number - 1] if number - 1 < len(self._line_starts) else self._line_starts[-1]
        return self.at(start + column)
