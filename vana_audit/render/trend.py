"""The renderers of `vana-audit trend`: the trend table (text or Markdown), its JSON and an SVG chart.
Pure functions of the stored points (`store.TrendPoint`) and the regressions `trend.py` finds."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
from pathlib import Path

from tabulate import tabulate

from ..model import Category
from ..store import TrendPoint
from ..trend import EPSILON, Regression, find_regressions, series_value
from .text import md_inline, plain

SHORT_NAMES = {
    Category.BUILD: "Build",
    Category.TEST: "Test",
    Category.DEPLOY: "Deploy",
    Category.SECURITY: "Security",
    Category.MONITORING: "Monitoring",
    Category.IAC: "IaC",
    Category.GITOPS: "GitOps",
    Category.DOCS: "Docs",
}
# Colour-blind-safe palette (Okabe-Ito) for the eight categories; the overall line is black.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2", "#CC79A7", "#999933", "#882255")


def trend_rows(points: list[TrendPoint]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the trend table; a score that dropped since the previous scan ends in ▼."""
    dropped = {(r.point.scan_id, r.series) for r in find_regressions(points)}
    rose = set()
    for previous, point in itertools.pairwise(points):
        for series in ["overall"] + [c.value for c in Category]:
            before, after = series_value(previous, series), series_value(point, series)
            if before is not None and after is not None and after > before + EPSILON:
                rose.add((point.scan_id, series))

    def cell(point: TrendPoint, series: str) -> str:
        value = series_value(point, series)
        if value is None:
            return "n/a"
        mark = "▼" if (point.scan_id, series) in dropped else "▲" if (point.scan_id, series) in rose else ""
        return f"{value:.2f}{mark}"

    header = ["Date", "Ref", "Overall"] + [SHORT_NAMES[c] for c in Category] + ["DORA"]
    rows = []
    for point in points:
        ref = point.ref or ""
        if point.head_sha and point.origin != "backfill":  # a tag names its commit; a branch moves
            ref = (ref + " " if ref else "") + point.head_sha[:8]
        rows.append(
            [point.generated_at[:16].replace("T", " "), ref, cell(point, "overall")]
            + [cell(point, c.value) for c in Category]
            + ["" if point.dora_readiness is None else f"{point.dora_readiness}/4"]
        )
    return header, rows


def _timestamp(text: str) -> float:
    try:
        return dt.datetime.fromisoformat(text).timestamp()
    except ValueError:
        return 0.0


def render_trend_svg(
    points: list[TrendPoint], title: str = "vana-audit score trend", width: int = 820, height: int = 360
) -> str:
    """A self-contained SVG line chart: overall score (black) and each category over time."""
    esc = html.escape
    left, right, top, bottom = 48, 150, 36, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}" '
            'font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">'
        ),
        f"<title>{esc(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{left}" y="22" font-size="15" font-weight="600" fill="#222">{esc(title)}</text>',
    ]

    def y_of(score: float) -> float:
        return top + plot_h - (max(1.0, min(5.0, score)) - 1.0) / 4.0 * plot_h

    for level in range(1, 6):
        y = y_of(level)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e3e3e3"/>')
        out.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{level}</text>')
    if not points:
        out.append(
            f'<text x="{left + plot_w / 2}" y="{top + plot_h / 2}" text-anchor="middle" fill="#777">'
            "no recorded scans</text></svg>"
        )
        return "\n".join(out) + "\n"

    times = [_timestamp(p.generated_at) for p in points]
    span = max(times) - min(times)
    if span <= 0:  # one point, or all at the same instant: spread evenly
        xs = [left + (plot_w * (i + 0.5) / len(points)) for i in range(len(points))]
    else:
        xs = [left + (t - min(times)) / span * plot_w for t in times]
    label_idx = sorted({0, len(points) - 1} | {round(i * (len(points) - 1) / 4) for i in range(5)})
    for i in label_idx:
        out.append(
            f'<text x="{xs[i]:.1f}" y="{top + plot_h + 18}" text-anchor="middle" fill="#555">'
            f"{esc(points[i].generated_at[:10])}</text>"
        )
    regressions = {(r.point.scan_id, r.series) for r in find_regressions(points)}
    series = [(c.value, SHORT_NAMES[c], PALETTE[i], 1.5) for i, c in enumerate(Category)] + [
        ("overall", "Overall", "#111111", 3.0)
    ]
    legend_y = top
    for key, name, colour, stroke in series:
        coords = [(x, series_value(p, key), p) for x, p in zip(xs, points, strict=True)]
        known = [(x, v, p) for x, v, p in coords if v is not None]
        if not known:
            continue
        path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y_of(v):.1f}" for i, (x, v, _p) in enumerate(known))
        out.append(
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{stroke}" '
            f'stroke-linejoin="round"><title>{esc(name)}</title></path>'
        )
        for x, v, p in known:
            dropped = (p.scan_id, key) in regressions
            fill = "#d62728" if dropped else colour
            radius = 4.5 if dropped else (3.5 if key == "overall" else 2.5)
            tip = f"{name} {v:.2f} — {p.generated_at[:10]} {p.ref or (p.head_sha or '')[:8]}" + (
                " (regression)" if dropped else ""
            )
            out.append(
                f'<circle cx="{x:.1f}" cy="{y_of(v):.1f}" r="{radius}" fill="{fill}"><title>{esc(tip)}</title></circle>'
            )
        out.append(
            f'<line x1="{left + plot_w + 16}" y1="{legend_y:.1f}" x2="{left + plot_w + 36}" y2="{legend_y:.1f}" '
            f'stroke="{colour}" stroke-width="{stroke}"/>'
        )
        out.append(
            f'<text x="{left + plot_w + 42}" y="{legend_y + 4:.1f}" fill="#222">{esc(name)} {known[-1][1]:.2f}</text>'
        )
        legend_y += 20
    if regressions:
        out.append(f'<circle cx="{left + plot_w + 26}" cy="{legend_y:.1f}" r="4.5" fill="#d62728"/>')
        out.append(f'<text x="{left + plot_w + 42}" y="{legend_y + 4:.1f}" fill="#222">regression</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def render_trend_json(key: str, db: Path, points: list[TrendPoint], regressions: list[Regression]) -> str:
    """The points and regressions shown, as `--format json` prints them."""
    return json.dumps(
        {
            "repo_key": key,
            "db": str(db),
            "points": [
                {
                    "generated_at": p.generated_at,
                    "ref": p.ref,
                    "head_sha": p.head_sha,
                    "overall": p.overall,
                    "categories": p.categories,
                    "dora_readiness": p.dora_readiness,
                    "failing_p0": p.failing_p0,
                    "origin": p.origin,
                }
                for p in points
            ],
            "regressions": [
                {
                    "generated_at": r.point.generated_at,
                    "ref": r.point.ref,
                    "series": r.series,
                    "before": r.before,
                    "after": r.after,
                }
                for r in regressions
            ],
        },
        indent=2,
        ensure_ascii=False,
    ) + "\n"


def render_trend_empty(key: str, db: Path, known_keys: list[str]) -> str:
    """What to do when the database holds no scan of `key`, and which keys it does hold."""
    text = (f"No recorded scans of {key} in {db}.\nRecord one with `vana-audit scan --record`, "
            "or fill the history from release tags with `vana-audit trend --backfill-tags`.\n")
    if known_keys:
        text += "Repositories in this database (use --repo-key): " + ", ".join(known_keys) + "\n"
    return text


def render_trend_table(key: str, points: list[TrendPoint], regressions: list[Regression],
                       markdown: bool = False) -> str:
    """The trend table (plain text, or Markdown under a heading) and the regressions listed under it."""
    header, rows = trend_rows(points)
    rows = [[plain(cell) for cell in row] for row in rows]
    title = f"Score trend of {plain(key)} ({len(points)} scan{'s' if len(points) != 1 else ''})"
    if markdown:
        lines = [f"## {md_inline(title)}\n", tabulate(rows, headers=header, tablefmt="github", disable_numparse=True)]
    else:
        lines = [title, tabulate(rows, headers=header, tablefmt="simple", disable_numparse=True)]
    lines.append("")
    if regressions:
        lines.append(f"Regressions ({len(regressions)}):")
        lines += [f"  ▼ {plain(regression.describe())}" for regression in regressions]
    else:
        lines.append("No regressions.")
    return "\n".join(lines) + "\n"
