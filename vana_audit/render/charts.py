"""Inline SVG charts for the HTML and PDF reports: pure functions of the report, text always escaped.

Each returns a complete `<svg>` element as a string (no external reference, no script, no font file).
"""

from __future__ import annotations

import math
from html import escape

from ..model import CATEGORY_SHORT_NAMES
from ..report.model import CategoryRow, DoraMetricBands, DoraSection, Roadmap, TrendPoint
from ..textcut import clip

FONT = "font-family=\"Helvetica, Arial, 'Liberation Sans', sans-serif\""
INK, MUTED, GRID, TARGET = "#1f2937", "#6b7280", "#e5e7eb", "#111827"
PRIORITY_COLOURS = {"P0": "#c92a2a", "P1": "#e8590c", "P2": "#1971c2"}
CLUSTER_COLOURS = {"elite": "#2f9e44", "high": "#82c91e", "medium": "#f59f00", "low": "#f76707"}


def cluster_tone(cluster: str) -> str:
    """The colour key of a DORA cluster by its best-named member: "High/Medium" is coloured as High."""
    first = cluster.split("/", 1)[0].strip().lower()
    return first if first in CLUSTER_COLOURS else "low"




def score_colour(score: float | None) -> str:
    if score is None:
        return "#adb5bd"
    if score < 2.0:
        return "#e03131"
    if score < 3.0:
        return "#f08c00"
    if score < 4.0:
        return "#94b814"
    return "#2f9e44"


def _svg(chart_id: str, width: float, height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" aria-labelledby="{chart_id}-title" {FONT}>'
        f'<title id="{chart_id}-title">{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _text(
    x: float,
    y: float,
    text: str,
    size: float = 12,
    fill: str = INK,
    anchor: str = "start",
    weight: str = "normal",
    extra: str = "",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" fill="{fill}" text-anchor="{anchor}" '
        f'font-weight="{weight}"{extra}>{escape(text)}</text>'
    )


def _clip(text: str, limit: int) -> str:
    return clip(text, limit)


def score_gauge(overall: float, target: float, level: str) -> str:
    """A half-ring from 0 to 5 filled to the overall score, with a tick at the target."""
    w, h, cx, cy, r, stroke = 220, 140, 110, 118, 90, 18

    def point(value: float, radius: float) -> tuple[float, float]:
        angle = math.pi * (1 - max(0.0, min(5.0, value)) / 5)
        return cx + radius * math.cos(angle), cy - radius * math.sin(angle)

    x0, y0 = point(0, r)
    x1, y1 = point(5, r)
    xs, ys = point(overall, r)
    tx0, ty0 = point(target, r - stroke / 2 - 4)
    tx1, ty1 = point(target, r + stroke / 2 + 4)
    body = [
        (
            f'<path d="M{x0:.1f},{y0:.1f} A{r},{r} 0 0 1 {x1:.1f},{y1:.1f}" fill="none" stroke="{GRID}" '
            f'stroke-width="{stroke}" stroke-linecap="round"/>'
        )
    ]
    if overall > 0:
        body.append(
            f'<path d="M{x0:.1f},{y0:.1f} A{r},{r} 0 0 1 {xs:.1f},{ys:.1f}" fill="none" '
            f'stroke="{score_colour(overall)}" stroke-width="{stroke}" stroke-linecap="round"/>'
        )
    body += [
        f'<line x1="{tx0:.1f}" y1="{ty0:.1f}" x2="{tx1:.1f}" y2="{ty1:.1f}" stroke="{TARGET}" stroke-width="3"/>',
        _text(cx, cy - 22, f"{overall:.2f}", 34, INK, "middle", "bold"),
        _text(cx, cy + 2, f"of 5.0 · {level}", 12, MUTED, "middle"),
        _text(cx, 12, f"target {target:.1f}", 11, MUTED, "middle"),
    ]
    return _svg("chart-gauge", w, h, f"Overall score {overall:.2f} of 5, target {target:.1f}", body)


def category_bars(rows: tuple[CategoryRow, ...]) -> str:
    """Each category's score as a bar on 0-5, its target as a tick."""
    label_w, bar_w, row_h, top = 200, 380, 34, 30
    w, h = label_w + bar_w + 70, top + row_h * len(rows) + 16

    def x(v: float) -> float:
        return label_w + bar_w * v / 5

    body = []
    for v in range(6):
        body.append(f'<line x1="{x(v):.1f}" y1="{top - 6}" x2="{x(v):.1f}" y2="{h - 14}" stroke="{GRID}"/>')
        body.append(_text(x(v), top - 12, str(v), 11, MUTED, "middle"))
    for i, row in enumerate(rows):
        y = top + i * row_h
        body.append(_text(label_w - 10, y + 21, row.title, 13, INK, "end"))
        if row.score is not None:
            body.append(
                f'<rect x="{label_w}" y="{y + 7}" width="{bar_w * row.score / 5:.1f}" height="20" rx="3" '
                f'fill="{score_colour(row.score)}"><title>{escape(row.title)}: {row.score:.2f}</title></rect>'
            )
            body.append(_text(x(row.score) + 6, y + 22, f"{row.score:.1f}", 12, INK, "start", "bold"))
        else:
            body.append(_text(label_w + 6, y + 22, "not applicable", 12, MUTED))
        tx = x(row.target)
        body.append(
            f'<line x1="{tx:.1f}" y1="{y + 3}" x2="{tx:.1f}" y2="{y + 31}" stroke="{TARGET}" '
            f'stroke-width="2.5" stroke-dasharray="4 2"><title>target {row.target:.1f}</title></line>'
        )
    body.append(_legend(label_w, h - 2, [("bar", "score", "#94b814"), ("tick", "target", TARGET)]))
    return _svg("chart-categories", w, h, "Category scores against targets", body)


def _legend(x: float, y: float, items: list[tuple[str, str, str]], size: float = 11) -> str:
    parts = []
    for kind, label, colour in items:
        if kind == "bar":
            parts.append(f'<rect x="{x:.1f}" y="{y - 9}" width="14" height="9" rx="2" fill="{colour}"/>')
        elif kind == "dash":
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 4}" x2="{x + 14:.1f}" y2="{y - 4}" stroke="{colour}" '
                f'stroke-width="2" stroke-dasharray="4 2"/>'
            )
        else:
            parts.append(
                f'<line x1="{x + 7:.1f}" y1="{y - 11}" x2="{x + 7:.1f}" y2="{y + 1}" stroke="{colour}" '
                f'stroke-width="2.5" stroke-dasharray="4 2"/>'
            )
        parts.append(_text(x + 19, y, label, size, MUTED))
        x += 30 + size * 0.64 * len(label)
    return "".join(parts)


def radar(rows: tuple[CategoryRow, ...]) -> str:
    """Scores on one spoke per applicable category (0 at the centre, 5 at the rim), the targets dashed.

    A category that is not applicable has no spoke (plotting it at 0 would read as no maturity); the
    chart names those under the legend. Labels are sized to stay about 9 pt when the chart is printed
    in the report's narrow column."""
    w, cx, cy, r = 400, 200, 168, 84
    shown = [row for row in rows if row.score is not None]
    missing = [CATEGORY_SHORT_NAMES.get(row.id, row.title) for row in rows if row.score is None]
    h = 330 + (28 if missing else 0)
    n = max(len(shown), 3)

    def point(i: int, value: float, radius: float = r) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        length = radius * max(0.0, min(5.0, value)) / 5
        return cx + length * math.cos(angle), cy + length * math.sin(angle)

    body = []
    for ring in range(1, 6):
        pts = " ".join(f"{px:.1f},{py:.1f}" for px, py in (point(i, ring) for i in range(n)))
        body.append(f'<polygon points="{pts}" fill="none" stroke="{GRID}"/>')
        lx, ly = point(0, ring)
        body.append(_text(lx + 4, ly + 5, str(ring), 12, MUTED))
    for i, row in enumerate(shown):
        ex, ey = point(i, 5)
        body.append(f'<line x1="{cx}" y1="{cy}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="{GRID}" class="radar-axis"/>')
        lx, ly = point(i, 5, r + 18)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        if anchor == "middle":
            ly += -20 if ly < cy else 14  # the two lines sit outside the rim, above or below
        body.append(_text(lx, ly, CATEGORY_SHORT_NAMES.get(row.id, row.title), 19, INK, anchor, "bold",
                          ' class="radar-label"'))
        body.append(_text(lx, ly + 18, f"{row.score:.1f}", 16, score_colour(row.score), anchor, "bold"))
    if shown:
        target = " ".join(f"{px:.1f},{py:.1f}" for px, py in (point(i, row.target) for i, row in enumerate(shown)))
        body.append(
            f'<polygon points="{target}" fill="none" stroke="{TARGET}" stroke-width="1.5" stroke-dasharray="5 3"/>'
        )
        scores = [point(i, row.score or 0.0) for i, row in enumerate(shown)]
        body.append(
            f'<polygon points="{" ".join(f"{px:.1f},{py:.1f}" for px, py in scores)}" fill="#4263eb" '
            f'fill-opacity="0.25" stroke="#4263eb" stroke-width="2"/>'
        )
        body += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="#4263eb"/>' for px, py in scores]
    legend_y = 322
    body.append(_legend(110, legend_y, [("bar", "score", "#4263eb"), ("dash", "target", TARGET)], 15))
    if missing:
        body.append(_text(cx, legend_y + 26, f"{', '.join(missing)}: not applicable (no spoke)", 15, MUTED, "middle",
                          extra=' class="radar-na"'))
    title = "Maturity radar: score and target per category"
    if missing:
        title += f"; not applicable: {', '.join(missing)}"
    return _svg("chart-radar", w, h, title, body)


# DORA: a scale per unit, so bands and the estimate sit where a reader expects them:
# (low, high, logarithmic, ticks as (value, label)).
_Scale = tuple[float, float, bool, tuple[tuple[float, str], ...]]
_SCALES: dict[str, _Scale] = {
    "hours": (0.25, 8760.0, True, ((1, "1 h"), (24, "1 day"), (168, "1 week"), (720, "1 month"), (4380, "6 months"))),
    "deploy days per week": (0.02, 7.0, True, ((0.0385, "1/6 mo"), (0.2333, "monthly"), (1, "weekly"), (5, "daily"))),
    "share of deployments": (
        0.0,
        0.6,
        False,
        ((0, "0%"), (0.1, "10%"), (0.2, "20%"), (0.3, "30%"), (0.4, "40%"), (0.5, "50%")),
    ),
}


def _scale_for(unit: str) -> _Scale | None:
    if unit in _SCALES:
        return _SCALES[unit]
    if unit.startswith("share"):
        return _SCALES["share of deployments"]
    if "per week" in unit:
        return _SCALES["deploy days per week"]
    return None


def dora_bands(section: DoraSection) -> str | None:
    """Each measured DORA metric on its cluster bands; None when nothing was measured."""
    values = {e.metric: (e.value, e.value_text) for e in section.estimates
              if e.value is not None and not e.band_withheld}
    metrics = [m for m in section.bands if m.metric in values and _scale_for(m.unit)]
    if not metrics:
        return None
    label_w, strip_w, row_h, top = 190, 430, 64, 10
    w, h = label_w + strip_w + 30, top + row_h * len(metrics) + 10
    body = []
    for i, m in enumerate(metrics):
        y = top + i * row_h
        value, text = values[m.metric]
        body += _band_row(m, value, text, label_w, strip_w, y)
    return _svg("chart-dora", w, h, "DORA metrics against the published cluster bands", body)


def _band_row(m: DoraMetricBands, value: float, value_text: str, x0: float, width: float, y: float) -> list[str]:
    scale = _scale_for(m.unit)
    assert scale is not None  # dora_bands draws only the metrics that have one
    low, high, log, ticks = scale

    def x(v: float) -> float:
        v = min(max(v, low), high)
        if log:
            frac = (math.log10(v) - math.log10(low)) / (math.log10(high) - math.log10(low))
        else:
            frac = (v - low) / (high - low)
        return x0 + width * frac

    body = [
        _text(x0 - 10, y + 22, m.name, 12, INK, "end", "bold"),
        _text(x0 - 10, y + 37, "higher is better" if m.higher_is_better else "lower is better", 10, MUTED, "end"),
    ]
    for band in m.bands:
        a = x(band.low if band.low is not None else low)
        b = x(band.high if band.high is not None else high)
        colour = CLUSTER_COLOURS[cluster_tone(band.cluster)]
        if b - a < 0.5:
            continue
        body.append(
            f'<rect x="{a:.1f}" y="{y + 10}" width="{b - a:.1f}" height="22" fill="{colour}" '
            'fill-opacity="0.8">'
            f"<title>{escape(band.cluster)}: {escape(band.published)}</title></rect>"
        )
        if b - a > 7 * len(band.cluster) + 6:
            body.append(_text((a + b) / 2, y + 25, band.cluster, 10, "#ffffff", "middle", "bold"))
    for tick, label in ticks:
        tx = x(tick)
        body.append(f'<line x1="{tx:.1f}" y1="{y + 32}" x2="{tx:.1f}" y2="{y + 37}" stroke="{MUTED}"/>')
        body.append(_text(tx, y + 48, label, 9, MUTED, "middle"))
    vx = x(value)
    body.append(f'<path d="M{vx - 6:.1f},{y + 2} L{vx + 6:.1f},{y + 2} L{vx:.1f},{y + 11} Z" fill="{TARGET}"/>')
    body.append(f'<line x1="{vx:.1f}" y1="{y + 10}" x2="{vx:.1f}" y2="{y + 32}" stroke="{TARGET}" stroke-width="2.5"/>')
    anchor = "end" if vx > x0 + width * 0.75 else "start"
    body.append(_text(vx + (-9 if anchor == "end" else 9), y + 8, value_text, 11, INK, anchor, "bold"))
    return body


def score_trend(points: tuple[TrendPoint, ...], target: float) -> str | None:
    if len(points) < 2:
        return None
    w, h, left, right, top, bottom = 640, 240, 40, 20, 16, 34
    pw, ph = w - left - right, h - top - bottom

    def x(i: int) -> float:
        return left + pw * i / (len(points) - 1)

    def y(v: float) -> float:
        return top + ph * (5 - max(1.0, min(5.0, v))) / 4

    body = []
    for v in range(1, 6):
        body.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{w - right}" y2="{y(v):.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 8, y(v) + 4, str(v), 10, MUTED, "end"))
    body.append(
        f'<line x1="{left}" y1="{y(target):.1f}" x2="{w - right}" y2="{y(target):.1f}" stroke="{TARGET}" '
        f'stroke-dasharray="5 3"/>'
    )
    body.append(_text(w - right, y(target) - 5, f"target {target:.1f}", 10, MUTED, "end"))
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(i):.1f},{y(p.overall):.1f}" for i, p in enumerate(points))
    body.append(f'<path d="{path}" fill="none" stroke="#4263eb" stroke-width="2.5"/>')
    step = max(1, math.ceil(len(points) / 8))
    for i, p in enumerate(points):
        body.append(
            f'<circle cx="{x(i):.1f}" cy="{y(p.overall):.1f}" r="3.5" fill="#4263eb">'
            f"<title>{escape(p.date)}: {p.overall:.2f}</title></circle>"
        )
        if i % step == 0 or i == len(points) - 1:
            body.append(_text(x(i), h - 12, p.date, 10, MUTED, "middle"))
    return _svg("chart-trend", w, h, "Overall score over time", body)


ROADMAP_MAX_ROWS = 15  # rows of the roadmap chart, the "… N more" row included
ROADMAP_LABEL_SIZE = 16  # about 9 px on a 390-px phone, 11 pt in print


def roadmap_gantt(roadmap: Roadmap) -> str | None:
    """The roadmap by phase across its weeks: a bar per phase, under it the phase's P0/P1 work items
    (P2 phases as one bar), at most ROADMAP_MAX_ROWS rows with "… N more work items" in the last."""
    phases = [p for p in roadmap.phases if p.items]
    if not phases:
        return None
    urgent = [s for p in phases for s in p.items if s.item.priority in ("P0", "P1")]
    room = ROADMAP_MAX_ROWS - len(phases)
    shown = {id(s) for s in (urgent if len(urgent) <= room else urgent[: max(room - 1, 0)])}
    rows: list[tuple[str, object]] = []  # ("phase", phase) | ("item", scheduled) | ("more", count)
    for phase in phases:
        rows.append(("phase", phase))
        for s in phase.items:
            if id(s) in shown:
                rows.append(("item", s))
            elif s.item.priority in ("P0", "P1") and not any(kind == "more" for kind, _ in rows):
                rows.append(("more", len(urgent) - len(shown)))
    left, chart_w, row_h, phase_h, top = 10, 540, 27, 44, 34
    weeks = max(roadmap.total_weeks, 1)
    tops = [top]
    for kind, _ in rows:
        tops.append(tops[-1] + (phase_h if kind == "phase" else row_h))
    w, h = left + chart_w + 10, tops[-1] + 34
    cap = roadmap.capacity_days_per_week

    def x(day: float) -> float:
        return left + chart_w * min(day, weeks * cap) / (weeks * cap)

    body = []
    step = max(1, math.ceil(weeks * 36 / chart_w))
    bottom = tops[-1]
    for week in range(weeks + 1):
        wx = left + chart_w * week / weeks
        body.append(f'<line x1="{wx:.1f}" y1="{top - 4}" x2="{wx:.1f}" y2="{bottom}" stroke="{GRID}"/>')
        if week < weeks and week % step == 0:
            body.append(_text(wx + chart_w / weeks / 2, top - 12, f"W{week + 1}", 14, MUTED, "middle"))
    for (kind, row), y in zip(rows, tops[:-1], strict=True):
        if kind == "more":
            body.append(_text(left, y + 18, f"… {row} more P0/P1 work items (listed below)", ROADMAP_LABEL_SIZE,
                              MUTED, extra=' class="roadmap-more"'))
            continue
        if kind == "phase":  # the phase's name on a line of its own, its bar under it
            phase = row  # type: ignore[assignment]
            start, end = min(s.start for s in phase.items), max(s.end for s in phase.items)
            colour = PRIORITY_COLOURS.get(phase.priority, "#868e96")
            text = f"Phase {phase.number}: {phase.title} ({phase.week_span}, {len(phase.items)} items)"
            x0, x1 = x(start), max(x(end), x(start) + 3.0)
            body.append(_bar_label(left - 6, left - 6, y + 16, text, text, left, left + chart_w, "bold"))
            body.append(
                f'<rect x="{x0:.1f}" y="{y + 23}" width="{x1 - x0:.1f}" height="15" rx="3" fill="{colour}">'
                f"<title>{escape(text)}</title></rect>"
            )
            continue
        else:
            s = row  # type: ignore[assignment]
            start, end = s.start, s.end
            colour, bar_y, bar_h = PRIORITY_COLOURS.get(s.item.priority, "#868e96"), y + 8, 11
            text = f"{s.item.number}. {s.item.title}"
            tip, weight = f"{text} ({s.item.effort_text})", "normal"
        x0, x1 = x(start), max(x(end), x(start) + 3.0)
        body.append(
            f'<rect x="{x0:.1f}" y="{bar_y}" width="{x1 - x0:.1f}" height="{bar_h}" rx="2" fill="{colour}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        body.append(_bar_label(x0, x1, y + 18, text, tip, left, left + chart_w, weight))
    body.append(_legend(left, h - 8, [("bar", p, c) for p, c in PRIORITY_COLOURS.items()], 15))
    return _svg("chart-roadmap", w, h, "Roadmap: phases and their P0/P1 work items by week", body)


def _bar_label(x0: float, x1: float, y: float, text: str, tip: str, lo: float, hi: float, weight: str) -> str:
    """A bar's label after the bar, or before it when there is more room there; cut with an ellipsis
    to the room there is, the whole text in its tooltip."""
    per_char = ROADMAP_LABEL_SIZE * (0.54 if weight == "bold" else 0.5)
    after, before = hi - x1 - 6, x0 - lo - 6
    if after >= len(text) * per_char or after >= before:
        x, anchor, room = x1 + 6, "start", after
    else:
        x, anchor, room = x0 - 6, "end", before
    shown = _clip(text, max(int(room / per_char), 8))
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{ROADMAP_LABEL_SIZE:g}" fill="{INK}" text-anchor="{anchor}" '
        f'font-weight="{weight}" class="roadmap-label"><title>{escape(tip)}</title>{escape(shown)}</text>'
    )
