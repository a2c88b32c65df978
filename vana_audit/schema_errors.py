"""One line for a file that fails its JSON Schema: the JSON path and the check that failed.

jsonschema's own messages quote the offending value (`'xyz' is not of type 'integer'`); a scanned
repository's file could put anything there, so the line names only the schema's side.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")
_BOUNDS = {"minimum": "at least", "maximum": "at most",
           "exclusiveMinimum": "more than", "exclusiveMaximum": "less than"}
_SIZES = {"minLength": "at least {} characters", "maxLength": "at most {} characters",
          "minItems": "at least {} items", "maxItems": "at most {} items"}


def json_path(parts: Iterable[Any]) -> str:
    """`$.rules[0].title`; a key that is not a plain word shows as `<key>`."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if _PLAIN_KEY.match(str(part)) else ".<key>"
    return out


def first_error(validator: Any, data: Any) -> str | None:
    """The first non-finite number, else the deepest schema error, as `path: reason`; None when valid."""
    where = _non_finite(data, [])
    if where is not None:
        return f"{json_path(where)}: must be a finite number"
    errors = list(validator.iter_errors(data))
    if not errors:
        return None
    error = max(errors, key=lambda e: len(list(e.absolute_path)))
    return describe(error)


def _non_finite(node: Any, path: list[Any]) -> list[Any] | None:
    """Where the first NaN or infinity is: `minimum`/`maximum` let NaN through (every comparison is false)."""
    if isinstance(node, float) and not math.isfinite(node):
        return path
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        found = _non_finite(value, [*path, key])
        if found is not None:
            return found
    return None


def describe(error: Any) -> str:
    path, kind, limit = list(error.absolute_path), error.validator, error.validator_value
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = error.schema.get("properties", {})
        extra = next((k for k in error.instance if k not in allowed), None)
        return f"{json_path([*path, extra])}: unknown key (allowed: {', '.join(allowed)})"
    return f"{json_path(path)}: {_reason(kind, limit, error.instance)}"


def _reason(kind: str, limit: Any, instance: Any) -> str:
    if kind == "type":
        return f"must be of type {limit if isinstance(limit, str) else ' or '.join(limit)}"
    if kind in _BOUNDS:
        return f"must be {_BOUNDS[kind]} {limit}"
    if kind in _SIZES:
        return "must have " + _SIZES[kind].format(limit)
    if kind == "enum":
        return "must be one of " + ", ".join(map(str, limit))
    if kind == "pattern":
        return f"must match the pattern {limit}"
    if kind == "required" and isinstance(instance, dict):
        return "missing required key " + ", ".join(k for k in limit if k not in instance)
    if kind == "dependentRequired" and isinstance(instance, dict) and isinstance(limit, dict):
        return "; ".join(f"{key} needs {', '.join(k for k in needed if k not in instance)}"
                         for key, needed in limit.items() if key in instance and any(k not in instance for k in needed))
    if kind == "oneOf":
        return "matches none (or more than one) of the allowed forms"
    if kind == "uniqueItems":
        return "has repeated items"
    return f"fails the schema's {kind} check"
