"""Secrets out of a scan's result, once, where the result leaves the scan.

Every string of a ScanResult may be repository text: a snippet, a message, a file or folder name
(also as a dictionary key), a branch or tag, an `exclude` pattern, a suppression reason, a
custom rule's texts. `redact_result` hides the secrets in all of them, so renderers, the history
database, batch, diff and trend receive text that is already redacted.
"""

from __future__ import annotations

import enum
from dataclasses import fields, is_dataclass, replace
from typing import Any, TypeVar

from .model import RuleMeta, ScanResult
from .secrets import may_hold_secret as _may_hold_secret
from .secrets import redact_text

T = TypeVar("T")
# Rules are loaded once and hold most of a result's strings: each is redacted once per process.
# Keyed by identity, holding the original so its id is not reused; a handful of rule sets at most.
_RULES: dict[int, tuple[RuleMeta, RuleMeta]] = {}
_MAX_RULES = 10_000


def redact_result(result: ScanResult) -> ScanResult:
    """The result with `redact_text` applied to every string in it; unchanged parts are shared."""
    return _redacted(result, {})


def redact_value(value: T) -> T:
    """`redact_text` applied to every string of plain data (dicts, lists, tuples), for an output
    built from repository text outside a ScanResult (`ci explain --format json`)."""
    return _redacted(value, {})


def _redacted(value: T, seen: dict[int, Any]) -> T:
    if isinstance(value, str) and type(value) is str:  # not a str Enum member: that one is kept below
        return redact_text(value)  # type: ignore[return-value]  # the same object when nothing matched
    if value is None or isinstance(value, (bool, int, float, enum.Enum)):
        return value
    if isinstance(value, dict):
        items = [(_redacted(k, seen), _redacted(v, seen)) for k, v in value.items()]
        same = all(k is k0 and v is v0 for (k, v), (k0, v0) in zip(items, value.items(), strict=True))
        return value if same else dict(items)  # type: ignore[return-value]
    if isinstance(value, (list, tuple, set, frozenset)):
        parts = [_redacted(v, seen) for v in value]
        if all(a is b for a, b in zip(parts, value, strict=True)):
            return value
        make = getattr(value, "_make", type(value))  # a named tuple is built from one iterable by _make
        return make(parts)
    if isinstance(value, RuleMeta):
        known = _RULES.get(id(value))
        if known is None or known[0] is not value:
            if len(_RULES) >= _MAX_RULES:
                _RULES.clear()
            clean = not _may_hold_secret("\x00".join(_strings(value, [])))  # one prefilter pass, not one a string
            known = _RULES[id(value)] = (value, value if clean else _redacted_fields(value, seen))
        return known[1]  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        if id(value) not in seen:  # shared parts are walked once
            seen[id(value)] = _redacted_fields(value, seen)
        return seen[id(value)]  # type: ignore[no-any-return]
    return value


def _redacted_fields(value: T, seen: dict[int, Any]) -> T:
    changes = {}
    for f in fields(value):  # type: ignore[arg-type]
        old = getattr(value, f.name)
        new = _redacted(old, seen)
        if new is not old:
            changes[f.name] = new
    return replace(value, **changes) if changes else value  # type: ignore[type-var]


def _strings(value: Any, out: list[str]) -> list[str]:
    """Every string in a rule (strings, tuples, dataclasses), for one prefilter pass over all of them."""
    if type(value) is str:
        out.append(value)
    elif isinstance(value, tuple):
        for item in value:
            _strings(item, out)
    elif is_dataclass(value) and not isinstance(value, type):
        for item in vars(value).values():
            _strings(item, out)
    return out
