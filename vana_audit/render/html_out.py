"""HTML: one self-contained page (inline CSS, inline SVG, a little inline JS) from the report model.

Jinja2 with autoescaping on: every string from the repository is escaped by the template engine;
the charts are built by `charts.py`, which escapes its own text, and are the only markup passed in.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ..model import ScanResult
from ..report import Report, as_report
from . import charts

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

OUTCOME_LABELS = {"pass": "Pass", "fail": "Fail", "partial": "Partial", "not-applicable": "N/A", "error": "Error"}
PRIORITY_TITLES = {
    "P0": "P0 — Critical (production blockers)",
    "P1": "P1 — Important (quality & reliability)",
    "P2": "P2 — Nice to have (optimisation)",
}
# Emoji marks become styled glyphs every font has (DejaVu/Liberation), so PDFs show no empty boxes.
MARKS = {
    "✅": ("ok", "✓"),
    "⚠️": ("warn", "!"),
    "⚠": ("warn", "!"),
    "❌": ("bad", "✕"),
    "➖": ("na", "–"),
    "💥": ("bad", "‼"),
}
SECTIONS = (
    ("summary", "Executive summary"),
    ("categories", "Maturity by category"),
    ("pipeline", "CI pipeline"),
    ("dora", "DORA metrics"),
    ("findings", "Findings by category"),
    ("missing", "Missing components"),
    ("roadmap", "Roadmap"),
    ("risks", "Risk register"),
    ("metrics", "Success metrics"),
    ("conclusion", "Conclusion"),
    ("appendix", "Appendix"),
)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("vana_audit", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["prose"] = prose
    return env


def prose(text: str) -> Markup:
    """Escaped text in which `code spans` (as rule texts write them) become <code> elements."""
    from markupsafe import Markup, escape

    from .text import _CODE_SPAN

    parts, last = [], 0
    for match in _CODE_SPAN.finditer(str(text)):
        parts.append(escape(text[last : match.start()]))
        parts.append(Markup("<code>{}</code>").format(match.group(1)))
        last = match.end()
    parts.append(escape(str(text)[last:]))
    return Markup("").join(parts)


def status_mark(mark: str) -> Markup:
    from markupsafe import Markup, escape

    tone, glyph = MARKS.get(mark, ("na", mark))
    return Markup('<span class="mark mark-{}" aria-hidden="true">{}</span>').format(escape(tone), escape(glyph))


def _charts(report: Report) -> dict[str, object]:
    from markupsafe import Markup

    built = {
        "gauge": charts.score_gauge(report.summary.overall, report.summary.target_overall, report.summary.level),
        "categories": charts.category_bars(report.categories),
        "radar": charts.radar(report.categories),
        "dora": charts.dora_bands(report.dora),
        "trend": charts.score_trend(report.trend, report.summary.target_overall),
        "roadmap": charts.roadmap_gantt(report.roadmap),
    }
    return {name: Markup(svg) if svg else None for name, svg in built.items()}


DETAILS = ("executive", "full")


def render_html(source: ScanResult | Report, detail: str = "executive") -> str:
    """`detail`: "executive" (default) keeps the body to what a reader finishes: P0/P1 findings as cards,
    P2 findings and passing rules listed compactly in the appendix; "full" shows every finding in place."""
    if detail not in DETAILS:
        raise ValueError(f"detail must be one of {DETAILS}, not {detail!r}")
    report = as_report(source)
    every = [f for group in report.findings for f in group.findings]
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        charts=_charts(report),
        sections=SECTIONS,
        outcome_labels=OUTCOME_LABELS,
        priority_titles=PRIORITY_TITLES,
        score_colour=charts.score_colour,
        cluster_tone=charts.cluster_tone,
        status_mark=status_mark,
        full=detail == "full",
        appendix_p2=[(group.category.title, p2) for group in report.findings
                     if (p2 := [f for f in group.findings if f.failing and f.priority == "P2"])],
        appendix_p2_count=sum(f.failing and f.priority == "P2" for f in every),
        appendix_other_count=sum(not f.failing for f in every),
        appendix_others=[(group.category.title, passing) for group in report.findings
                         if (passing := [f for f in group.findings if not f.failing])],
    )
