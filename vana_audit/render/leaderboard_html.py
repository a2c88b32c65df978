"""The leaderboard as one self-contained HTML page (`leaderboard.html`): the Jinja2 template
`templates/leaderboard.html.j2` with autoescaping on, so every text from the board (repository names,
list entries, error messages, report links) is escaped by the engine. Jinja2 is imported here, not by
`render/leaderboard.py`: the Markdown leaderboard does not load it."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2

from ..model import CATEGORY_SHORT_NAMES, Category
from .leaderboard import fmt_score, headline, shard_note


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("vana_audit", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template("leaderboard.html.j2")


def _band(value: float | None) -> str:
    if value is None:
        return ""
    return f"s{min(5, max(1, int(value + 0.5) if value < 4.5 else 5))}"


def _bar_width(mean: float | None) -> int:
    return 0 if mean is None else max(round((mean - 1) / 4 * 120), 0)


def _p0(repo: dict[str, Any]) -> int:
    return sum(1 for f in repo["failing"] if f.get("priority") == "P0")


def _report_links(repo: dict[str, Any]) -> list[tuple[str, str]]:
    """The repository's reports, by format; only links into reports/ (a board is data, maybe merged)."""
    return [(fmt, path) for fmt, path in sorted(repo["reports"].items())
            if path.startswith("reports/") and ".." not in path]


def render_leaderboard_html(board: dict[str, Any]) -> str:
    """One self-contained page: inline CSS, no script, no external request; all text escaped."""
    return _template().render(
        board=board,
        headline=headline(board),
        shard_note=shard_note(board),
        categories=[c.value for c in Category],
        short_names=CATEGORY_SHORT_NAMES,
        ranked=[r for r in board["repositories"] if r["rank"] is not None],
        failed=[r for r in board["repositories"] if r["rank"] is None],
        fmt=fmt_score,
        band=_band,
        bar_width=_bar_width,
        p0=_p0,
        report_links=_report_links,
    )
