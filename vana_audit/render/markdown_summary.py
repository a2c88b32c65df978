"""Markdown summary for a PR comment or an issue: always under MAX_CHARS characters (GitHub rejects a
comment body over 65,536).

Headline score, the category table, DORA readiness in one line, the failing P0/P1 findings with one
evidence line each, and a pointer to the full report. The bound holds by construction: every text is
clipped before it is escaped, the findings list is capped, and the assembly stops adding lines before
the budget and says what it left out.
"""

from __future__ import annotations

from urllib.parse import quote

from ..model import ScanResult
from ..report import Report, as_report
from ..report.model import FindingItem
from ..textcut import clip
from .text import md_code, md_inline, md_prose

MAX_CHARS = 60_000
MAX_FINDINGS = 40  # P0/P1 findings listed; the rest are counted
MESSAGE_CHARS = 240
EVIDENCE_CHARS = 160
STATUS_CHARS = 100
TITLE_CHARS = 120
URL_CHARS = 2_000
# Reserved for the closing lines (the note on what was left out and the pointer to the full report).
FOOTER_RESERVE = 3_000


def render_markdown_summary(source: ScanResult | Report, full_report_url: str = "", budget: int = MAX_CHARS) -> str:
    """The summary; `full_report_url` links the full report (an artifact), `budget` bounds the length."""
    if full_report_url and not full_report_url.startswith(("https://", "http://")):
        raise ValueError("the full report URL must be an http(s) URL")
    report = as_report(source)
    body = _header(report) + _categories(report) + _dora(report) + _findings(report)
    footer = _footer(report, full_report_url)
    return _fit(body, footer, budget)


def _fit(body: list[str], footer: list[str], budget: int) -> str:
    """Lines of `body` while they fit with the footer in `budget`; a note says how many were left out."""
    footer_text = "\n".join(footer) + "\n"
    room = budget - len(footer_text) - 200  # the note on a cut
    kept: list[str] = []
    used = 0
    for line in body:
        if used + len(line) + 1 > room:
            break
        kept.append(line)
        used += len(line) + 1
    left = len(body) - len(kept)
    if left:
        kept += ["", f"_… {left} more line{'s' if left != 1 else ''} left out to keep this summary short; "
                     "see the full report._", ""]
    text = "\n".join(kept) + "\n" + footer_text
    if len(text) > budget:  # only with a tiny budget or a huge footer: the footer goes too
        text = text[: max(0, budget - 1)].rsplit("\n", 1)[0] + "\n"
    return text


def _header(report: Report) -> list[str]:
    s, verdict = report.summary, report.summary.verdict
    name = md_inline(clip(report.repository, TITLE_CHARS))
    where = f" @ {md_code(clip(report.ref, TITLE_CHARS))}" if report.ref else ""
    if report.head_sha:
        where += f" ({md_code(report.head_sha[:12])})"
    counts = s.failing_by_priority
    lines = [
        f"## {report.title} — {name}{where}",
        "",
        f"**Overall: Level {s.overall:.1f} / 5.0** {s.status_mark} {md_inline(s.status)} "
        f"({s.percent:.0f}% maturity, target {s.target_overall:.1f}) · "
        f"{verdict.mark} **{md_inline(verdict.label)}**",
        "",
        f"Failing findings: **{counts.get('P0', 0)} P0** (production blockers) · **{counts.get('P1', 0)} P1** · "
        f"{counts.get('P2', 0)} P2",
        "",
    ]
    if s.critical_finding:
        f = s.critical_finding
        lines += [f"**Critical finding:** {md_inline(clip(f.message, MESSAGE_CHARS))} ({md_code(f.rule_id)})", ""]
    return lines


def _categories(report: Report) -> list[str]:
    lines = ["| Category | Score | Level | Status |", "|----------|-------|-------|--------|"]
    for c in report.categories:
        lines.append(
            f"| {md_inline(clip(c.title, TITLE_CHARS))} | {c.score_text} | {md_inline(clip(c.level_name, 40))} | "
            f"{c.status_mark} {md_inline(clip(c.status_text, STATUS_CHARS))} |"
        )
    return lines + [""]


def _dora(report: Report) -> list[str]:
    dora = report.dora
    if not dora.present:
        return ["**DORA readiness:** no DORA data (history skipped or unavailable).", ""]
    metrics = ", ".join(f"{md_inline(clip(r.name, 60))} {'✅' if r.trackable else '❌'}" for r in dora.readiness)
    return [f"**DORA readiness:** {dora.score} of {dora.max} metrics trackable" + (f" — {metrics}" if metrics else ""),
            ""]


def _evidence_line(f: FindingItem) -> str:
    if not f.evidence:
        return ""
    e = f.evidence[0]
    text = md_code(clip(e.location, EVIDENCE_CHARS))
    if e.snippet:
        text += f" — {md_code(clip(e.snippet, EVIDENCE_CHARS))}"
    more = len(f.evidence) - 1
    return f"  - Evidence: {text}" + (f" (+{more} more)" if more else "")


def _findings(report: Report) -> list[str]:
    failing = [f for group in report.findings for f in group.findings if f.failing and f.priority in ("P0", "P1")]
    failing.sort(key=lambda f: f.priority)  # P0 first; stable within a priority (category order)
    if not failing:
        return ["**P0/P1 findings:** none — no production blocker or important gap is open.", ""]
    lines = [f"### P0/P1 findings ({len(failing)})", ""]
    for f in failing[:MAX_FINDINGS]:
        lines.append(
            f"- **{f.priority}** {md_code(f.rule_id)} {md_prose(clip(f.title, TITLE_CHARS))} "
            f"({md_inline(clip(f.category_title, 60))}): {md_inline(clip(f.message, MESSAGE_CHARS))}"
        )
        evidence = _evidence_line(f)
        if evidence:
            lines.append(evidence)
    if len(failing) > MAX_FINDINGS:
        lines.append(f"- … {len(failing) - MAX_FINDINGS} more P0/P1 findings in the full report")
    return lines + [""]


def _safe_url(url: str) -> str:
    """A link target that cannot end the Markdown link early: spaces, brackets and quotes percent-encoded."""
    return quote(url[:URL_CHARS], safe=":/?#@!$&'*+,;=%~-._")


def _footer(report: Report, full_report_url: str) -> list[str]:
    p2 = report.summary.failing_by_priority.get("P2", 0)
    rest = f"P2 findings ({p2}), evidence, " if p2 else "Evidence, "
    if full_report_url:
        pointer = f"**[Full report]({_safe_url(full_report_url)})** — {rest}fixes, roadmap and risks."
    else:
        pointer = f"{rest}fixes, roadmap and risks are in the full report (`vana-audit scan -o report.html`)."
    return ["---", "", pointer, "", f"_vana-audit {md_inline(clip(report.tool_version, 40))}_"]
