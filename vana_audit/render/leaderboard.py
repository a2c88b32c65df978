"""The leaderboard in Markdown (`leaderboard.md`), and the wording it shares with the HTML page
(`leaderboard_html.py`). Pure functions of the board `leaderboard.build_leaderboard` returns."""

from __future__ import annotations

from typing import Any

from ..model import CATEGORY_SHORT_NAMES, CATEGORY_TITLES, Category
from .text import md_code, md_inline


def fmt_score(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _weak(item: dict[str, Any], escape: Any) -> str:
    return f"{escape(item['name'])} ({fmt_score(item['score'], 1)})"


def _md_entry(repo: dict[str, Any], code: Any) -> str:
    """The list's line after the repository's name, when it says more (a path, a URL)."""
    return f" · {code(repo['entry'])}" if repo.get("entry") and repo["entry"] != repo["name"] else ""


def headline(board: dict[str, Any]) -> str:
    s = board["summary"]
    parts = [f"{s['audited']} repositor{'y' if s['audited'] == 1 else 'ies'} audited"]
    if s["failed"]:
        parts.append(f"{s['failed']} could not be audited")
    if s["mean_overall"] is not None:
        parts.append(f"mean overall {s['mean_overall']:.2f} / 5.0 (median {s['median_overall']:.2f})")
    parts.append(f"{s['repos_with_p0']} with P0 findings")
    return " · ".join(parts)


def shard_note(board: dict[str, Any]) -> str:
    if not board["shards"]:
        return ""
    note = "shards " + ", ".join(f"{s['index']}/{s['count']}" for s in board["shards"])
    if board["missing_shards"]:
        note += " — MISSING: " + ", ".join(board["missing_shards"])
    return note


def render_leaderboard_markdown(board: dict[str, Any]) -> str:
    lines = [
        "# vana-audit organisation leaderboard",
        "",
        f"Generated {md_inline(board['generated_at'])} by vana-audit {md_inline(board['tool']['version'])} · "
        + md_inline(headline(board)),
        "",
    ]
    if board["shards"]:
        lines += [("⚠️ " if board["missing_shards"] else "") + md_inline(shard_note(board)), ""]
    lines += [
        "## Weakest categories across the organisation",
        "",
        "| Category | Mean | Median | Min | Repositories under 2.0 | Weakest repositories |",
        "|----------|-----:|-------:|----:|-----------------------:|----------------------|",
    ]
    for c in board["categories"]:
        lines.append(
            f"| {md_inline(c['name'])} | {fmt_score(c['mean'])} | {fmt_score(c['median'])} | {fmt_score(c['min'])} | "
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
            f"| {r['rank']} | {md_inline(r['name'])}{_md_entry(r, md_code)} | **{fmt_score(r['overall'])}** | "
            f"{md_inline(r['level'] or '')} | "
            + " | ".join(fmt_score(r["categories"].get(c), 1) for c in cats)
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
