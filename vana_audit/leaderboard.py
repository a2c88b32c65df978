"""The organisation leaderboard: repositories ranked, the weakest categories, the commonest gaps.

`build_leaderboard` turns repository summaries into one JSON-able dict (what `leaderboard.json`
holds and what `merge` reads back); its renderers are `render/leaderboard.py` (Markdown) and
`render/leaderboard_html.py` (HTML), pure functions of it.
"""

from __future__ import annotations

import functools
import json
import re
import statistics
from collections import Counter
from importlib import resources
from typing import Any

from . import __version__
from .batch import RepoOutcome
from .model import Category

LEADERBOARD_SCHEMA_VERSION = "1.0"
CRITICAL_BELOW = 2.0  # the seed's "critical gap" line


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def missing_shards(shards: list[dict[str, int]]) -> list[str]:
    """Shards of an N-way split that no merged output covered, as `I/N`."""
    counts = {s["count"] for s in shards}
    missing = []
    for count in sorted(counts):
        seen = {s["index"] for s in shards if s["count"] == count}
        missing += [f"{i}/{count}" for i in range(count) if i not in seen]
    return missing


def build_leaderboard(
    outcomes: list[RepoOutcome],
    *,
    generated_at: str,
    list_size: int | None = None,
    shards: list[dict[str, int]] | None = None,
) -> dict[str, Any]:
    shards = sorted(shards or [], key=lambda s: (s["count"], s["index"]))
    ok = sorted((o for o in outcomes if o.ok and o.overall is not None), key=lambda o: (-(o.overall or 0), o.name))
    failed = sorted((o for o in outcomes if not o.ok), key=lambda o: o.index)
    categories = []
    for category in Category:
        scored = [(o.categories.get(category.value), o) for o in ok]
        values = [(v, o) for v, o in scored if v is not None]
        nums = [v for v, _o in values]
        categories.append(
            {
                "id": category.value,
                "name": category.title,
                "repos_scored": len(nums),
                "mean": _round(statistics.fmean(nums)) if nums else None,
                "median": _round(statistics.median(nums)) if nums else None,
                "min": _round(min(nums)) if nums else None,
                "repos_below_2": sum(1 for v in nums if v < CRITICAL_BELOW),
                "weakest": [
                    {"name": o.name, "score": _round(v)} for v, o in sorted(values, key=lambda t: (t[0], t[1].name))[:3]
                ],
            }
        )
    categories.sort(key=lambda c: (c["mean"] is None, c["mean"] if c["mean"] is not None else 0, c["id"]))
    counts: Counter[str] = Counter()
    about: dict[str, dict[str, str]] = {}
    for o in ok:
        for f in {f["rule_id"]: f for f in o.failing}.values():
            counts[f["rule_id"]] += 1
            about[f["rule_id"]] = f
    common = [
        {
            "rule_id": rule,
            "title": about[rule].get("title", ""),
            "priority": about[rule].get("priority", ""),
            "category": about[rule].get("category", ""),
            "repos": n,
        }
        for rule, n in sorted(counts.items(), key=lambda kv: (-kv[1], about[kv[0]].get("priority", ""), kv[0]))
    ][:20]
    overall = [o.overall for o in ok if o.overall is not None]
    return {
        "schema_version": LEADERBOARD_SCHEMA_VERSION,
        "tool": {"name": "vana-audit", "version": __version__},
        "generated_at": generated_at,
        "list_size": list_size,
        "shards": shards,
        "missing_shards": missing_shards(shards),
        "summary": {
            "repositories": len(outcomes),
            "audited": len(ok),
            "failed": len(failed),
            "mean_overall": _round(statistics.fmean(overall)) if overall else None,
            "median_overall": _round(statistics.median(overall)) if overall else None,
            "repos_with_p0": sum(1 for o in ok if o.p0_count),
        },
        "categories": categories,
        "common_failures": common,
        "repositories": [{"rank": rank, **o.to_dict()} for rank, o in enumerate(ok, 1)]
        + [{"rank": None, **o.to_dict()} for o in failed],
    }


def outcomes_of(board: dict[str, Any]) -> list[RepoOutcome]:
    return [RepoOutcome.from_dict(r) for r in board.get("repositories", [])]


class BoardError(ValueError):
    """Data does not match leaderboard.schema.json; the message names the JSON path, never the content."""


@functools.cache
def _validator(definition: str | None) -> Any:
    import jsonschema  # only merge validates: batch writes what it built itself

    text = resources.files("vana_audit").joinpath("schemas/leaderboard.schema.json").read_text("utf-8")
    schema = json.loads(text)
    if definition is not None:  # one part of the schema: a row of results.jsonl
        schema = {"$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"}
    return jsonschema.Draft202012Validator(schema)


def validate(data: Any, definition: str | None = None) -> None:
    """Raise BoardError unless `data` is a leaderboard (or the schema's `$defs` entry `definition`)."""
    errors = list(_validator(definition).iter_errors(data))
    if errors:
        error = max(errors, key=lambda e: len(e.absolute_path))
        raise BoardError(f"{_json_path(error.absolute_path)}: {_describe(error)}")


def _json_path(parts: Any) -> str:
    # keys come from the file: a key that is not a plain name is shown as [*], not quoted
    return "$" + "".join(
        f"[{p}]" if isinstance(p, int) else f".{p}" if re.fullmatch(r"[A-Za-z_][\w-]{0,63}", p) else "[*]"
        for p in parts
    )


def _describe(error: Any) -> str:
    """What the schema wants, in the schema's words: jsonschema's own messages quote the offending value."""
    kind, wanted = error.validator, error.validator_value
    if kind == "required" and isinstance(error.instance, dict):
        return "missing " + ", ".join(k for k in wanted if k not in error.instance)
    if kind == "type":
        return "should be " + (" or ".join(wanted) if isinstance(wanted, list) else str(wanted))
    if kind in ("minimum", "maximum", "maxItems", "pattern"):
        return f"fails {kind} {wanted}"
    return f"does not match the leaderboard schema ({kind})"
