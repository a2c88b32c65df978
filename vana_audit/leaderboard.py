"""The organisation leaderboard: repositories ranked, the weakest categories, the commonest gaps.

`build_leaderboard` turns repository summaries into one JSON-able dict (what `leaderboard.json`
holds and what `merge` reads back); the Markdown and HTML renderers are pure functions of it.
"""

from __future__ import annotations

import functools
import html
import json
import re
import statistics
from collections import Counter
from importlib import resources
from typing import Any

from . import __version__
from .batch import RepoOutcome
from .model import CATEGORY_SHORT_NAMES, CATEGORY_TITLES, Category

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


def _fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _weak(item: dict[str, Any], escape: Any) -> str:
    return f"{escape(item['name'])} ({_fmt(item['score'], 1)})"


def _md_entry(repo: dict[str, Any], code: Any) -> str:
    """The list's line after the repository's name, when it says more (a path, a URL)."""
    return f" · {code(repo['entry'])}" if repo.get("entry") and repo["entry"] != repo["name"] else ""


def _html_entry(repo: dict[str, Any], escape: Any) -> str:
    if not repo.get("entry") or repo["entry"] == repo["name"]:
        return ""
    return f'<br><small class="entry"><code>{escape(repo["entry"])}</code></small>'


def _headline(board: dict[str, Any]) -> str:
    s = board["summary"]
    parts = [f"{s['audited']} repositor{'y' if s['audited'] == 1 else 'ies'} audited"]
    if s["failed"]:
        parts.append(f"{s['failed']} could not be audited")
    if s["mean_overall"] is not None:
        parts.append(f"mean overall {s['mean_overall']:.2f} / 5.0 (median {s['median_overall']:.2f})")
    parts.append(f"{s['repos_with_p0']} with P0 findings")
    return " · ".join(parts)


def _shard_note(board: dict[str, Any]) -> str:
    if not board["shards"]:
        return ""
    note = "shards " + ", ".join(f"{s['index']}/{s['count']}" for s in board["shards"])
    if board["missing_shards"]:
        note += " — MISSING: " + ", ".join(board["missing_shards"])
    return note


def render_leaderboard_markdown(board: dict[str, Any]) -> str:
    from .render.text import md_code, md_inline

    lines = [
        "# vana-audit organisation leaderboard",
        "",
        f"Generated {md_inline(board['generated_at'])} by vana-audit {md_inline(board['tool']['version'])} · "
        + md_inline(_headline(board)),
        "",
    ]
    if board["shards"]:
        lines += [("⚠️ " if board["missing_shards"] else "") + md_inline(_shard_note(board)), ""]
    lines += [
        "## Weakest categories across the organisation",
        "",
        "| Category | Mean | Median | Min | Repositories under 2.0 | Weakest repositories |",
        "|----------|-----:|-------:|----:|-----------------------:|----------------------|",
    ]
    for c in board["categories"]:
        lines.append(
            f"| {md_inline(c['name'])} | {_fmt(c['mean'])} | {_fmt(c['median'])} | {_fmt(c['min'])} | "
            f"{c['repos_below_2']} / {c['repos_scored']} | {', '.join(_weak(w, md_inline) for w in c['weakest'])} |"
        )
    cats = [c.value for c in Category]
    lines += [
        "",
        "## Ranking",
        "",
        "| # | Repository | Overall | Level | "
        + " | ".join(CATEGORY_SHORT_NAMES[c] for c in cats)
        + " | DORA | P0 | Report |",
        "|--:|------------|--------:|-------|" + "|".join("-----:" for _ in cats) + "|-----:|---:|--------|",
    ]
    for r in board["repositories"]:
        if r["rank"] is None:
            continue
        report = r["reports"].get("md")
        link = f"[md]({report})" if report else ""
        lines.append(
            f"| {r['rank']} | {md_inline(r['name'])}{_md_entry(r, md_code)} | **{_fmt(r['overall'])}** | "
            f"{md_inline(r['level'] or '')} | "
            + " | ".join(_fmt(r["categories"].get(c), 1) for c in cats)
            + f" | {'' if r['dora_readiness'] is None else str(r['dora_readiness']) + '/4'} | "
            f"{sum(1 for f in r['failing'] if f.get('priority') == 'P0')} | {link} |"
        )
    if board["common_failures"]:
        lines += [
            "",
            "## Most common gaps",
            "",
            "| Rule | Title | Priority | Category | Repositories |",
            "|------|-------|----------|----------|-------------:|",
        ]
        for f in board["common_failures"]:
            category = (CATEGORY_TITLES.get(Category(f['category']), f['category']) if f['category'] in cats
                        else f['category'])
            lines.append(
                f"| {md_inline(f['rule_id'])} | {md_inline(f['title'])} | {md_inline(f['priority'])} | "
                f"{md_inline(category)} | "
                f"{f['repos']} |"
            )
    failed = [r for r in board["repositories"] if r["rank"] is None]
    if failed:
        lines += [
            "",
            "## Repositories that could not be audited",
            "",
            "| Repository | Error |",
            "|------------|-------|",
        ]
        lines += [f"| {md_code(r['entry'])} | {md_inline(r['error'] or '')} |" for r in failed]
    return "\n".join(lines) + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;\
max-width:1200px;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #e2e2e2;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f5f7}td.n{text-align:right;font-variant-numeric:tabular-nums}
.s1{background:#fde2e1}.s2{background:#fff1d6}.s3{background:#fffbd6}.s4{background:#e3f6e5}.s5{background:#c9ecd0}
.warn{background:#fff1d6;padding:.5rem .75rem;border-radius:4px}.meta{color:#555}
.bar{display:inline-block;height:.6rem;background:#0072B2;border-radius:2px;vertical-align:middle}
@media print{body{margin:0}a{color:inherit}}
"""


def _band(value: float | None) -> str:
    if value is None:
        return ""
    return f"s{min(5, max(1, int(value + 0.5) if value < 4.5 else 5))}"


def render_leaderboard_html(board: dict[str, Any]) -> str:
    """One self-contained page: inline CSS, no script, no external request; all text escaped."""
    e = html.escape
    cats = [c.value for c in Category]

    def cell(value: float | None, digits: int = 2) -> str:
        return f'<td class="n {_band(value)}">{_fmt(value, digits)}</td>'

    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        "<title>vana-audit organisation leaderboard</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>vana-audit organisation leaderboard</h1>",
        (
            f'<p class="meta">Generated {e(board["generated_at"])} by vana-audit {e(board["tool"]["version"])} · '
            f"{e(_headline(board))}</p>"
        ),
    ]
    if board["shards"]:
        cls = "warn" if board["missing_shards"] else "meta"
        out.append(f'<p class="{cls}">{e(_shard_note(board))}</p>')
    out += [
        "<h2>Weakest categories across the organisation</h2>",
        (
            "<table><thead><tr><th>Category</th><th>Mean</th>"
            "<th>Median</th><th>Min</th><th>Under 2.0</th><th></th><th>Weakest repositories</th></tr></thead><tbody>"
        ),
    ]
    for c in board["categories"]:
        width = 0 if c["mean"] is None else round((c["mean"] - 1) / 4 * 120)
        out.append(
            f"<tr><td>{e(c['name'])}</td>{cell(c['mean'])}{cell(c['median'])}{cell(c['min'])}"
            f'<td class="n">{c["repos_below_2"]} / {c["repos_scored"]}</td>'
            f'<td><span class="bar" style="width:{max(width, 0)}px"></span></td>'
            f"<td>{', '.join(_weak(w, e) for w in c['weakest'])}</td></tr>"
        )
    out += [
        "</tbody></table>",
        "<h2>Ranking</h2>",
        "<table><thead><tr><th>#</th><th>Repository</th><th>Overall</th>"
        "<th>Level</th>"
        + "".join(f"<th>{CATEGORY_SHORT_NAMES[c]}</th>" for c in cats)
        + "<th>DORA</th><th>P0</th><th>Report</th>"
        "</tr></thead><tbody>",
    ]
    for r in board["repositories"]:
        if r["rank"] is None:
            continue
        links = " ".join(
            f'<a href="{e(path)}">{e(fmt)}</a>'
            for fmt, path in sorted(r["reports"].items())
            if path.startswith("reports/") and ".." not in path
        )
        p0 = sum(1 for f in r["failing"] if f.get("priority") == "P0")
        out.append(
            f'<tr><td class="n">{r["rank"]}</td><td>{e(r["name"])}{_html_entry(r, e)}</td>{cell(r["overall"])}'
            f"<td>{e(r['level'] or '')}</td>"
            + "".join(cell(r["categories"].get(c), 1) for c in cats)
            + f'<td class="n">{"" if r["dora_readiness"] is None else e(str(r["dora_readiness"])) + "/4"}</td>'
            f'<td class="n">{p0}</td><td>{links}</td></tr>'
        )
    out.append("</tbody></table>")
    if board["common_failures"]:
        out += [
            "<h2>Most common gaps</h2>",
            ("<table><thead><tr><th>Rule</th><th>Title</th><th>Priority</th><th>Repositories</th></tr></thead><tbody>"),
        ]
        out += [
            f"<tr><td>{e(f['rule_id'])}</td><td>{e(f['title'])}</td><td>{e(f['priority'])}</td>"
            f'<td class="n">{f["repos"]}</td></tr>'
            for f in board["common_failures"]
        ]
        out.append("</tbody></table>")
    failed = [r for r in board["repositories"] if r["rank"] is None]
    if failed:
        out += [
            "<h2>Repositories that could not be audited</h2>",
            "<table><thead><tr><th>Repository</th><th>Error</th></tr></thead><tbody>",
        ]
        out += [f"<tr><td><code>{e(r['entry'])}</code></td><td>{e(r['error'] or '')}</td></tr>" for r in failed]
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
