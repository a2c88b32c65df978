"""Finishing (issue 14, item 8): text cut at a word with "…" (the whole text in an HTML title), and
terminal tables whose right border stays put whatever emoji the rows hold."""
from __future__ import annotations

from dataclasses import replace

import pytest

from vana_audit.render import OutputFormat, renderer_for
from vana_audit.render.table import display_width, github_table
from vana_audit.report import build_report
from vana_audit.report.findings import shorten
from vana_audit.scoring import STATUS_CHARS, _short
from vana_audit.textcut import clip

LONG = "The test suite exists but no documented command says how to run the tests locally or in CI"


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("short", 10, "short"),
    ("exactly ten", 11, "exactly ten"),
    ("how to run the tests", 18, "how to run the…"),
    ("how to run the tests", 15, "how to run the…"),
    ("a-very-long-identifier-without-spaces", 12, "a-very-long…"),
    ("cut after, a comma", 11, "cut after…"),
])
def test_clip_cuts_at_a_word_with_an_ellipsis(text: str, limit: int, expected: str):
    assert clip(text, limit) == expected
    assert len(clip(text, limit)) <= limit


def test_status_text_is_cut_at_a_word():
    status = _short(LONG)
    assert status.endswith("…") and len(status) <= STATUS_CHARS
    assert LONG.startswith(status[:-1]) and LONG[len(status) - 1] == " ", "the cut falls between words"
    assert shorten("x " * 200).endswith("…")


def _with_long_status(result):
    categories = tuple(
        replace(c, status_text=_short(LONG), status_full=LONG) if i == 0 else c for i, c in enumerate(result.categories)
    )
    return replace(result, categories=categories)


def test_html_keeps_the_whole_text_in_a_title(seed_result):
    doc = seed_result.finding("DOC-001")
    line = "Vana deploys " + " ".join(f"service{i}" for i in range(40)) + " through GitHub Actions"
    cited = replace(doc, evidence=(replace(doc.evidence[0], snippet=line),) + doc.evidence[1:])
    result = replace(_with_long_status(seed_result), findings=tuple(cited if f is doc else f for f in seed_result.findings))
    report = build_report(result)
    html = renderer_for(OutputFormat.HTML)(report)
    assert f'title="{LONG}"' in html
    assert f"{_short(LONG)}</td>" in html
    (item,) = [e for g in report.findings for f in g.findings for e in f.evidence if e.full_snippet]
    assert item.snippet.endswith("…") and item.full_snippet == line and line.startswith(item.snippet[:-1])
    assert f'title="{line}">{item.snippet}</code>' in html


@pytest.mark.parametrize("fmt", [OutputFormat.TERMINAL, OutputFormat.MARKDOWN])
def test_cut_text_ends_with_an_ellipsis_in_every_format(seed_result, fmt: OutputFormat):
    text = renderer_for(fmt)(build_report(_with_long_status(seed_result)))
    assert _short(LONG) in text and LONG not in text


def test_terminal_table_border_does_not_shift_with_emoji(seed_result):
    text = renderer_for(OutputFormat.TERMINAL)(seed_result)
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table) == 2 + len(seed_result.categories)
    assert {display_width(line) for line in table} == {display_width(table[0])}
    assert any("❌" in line for line in table) and any("⚠️" in line for line in table)


@pytest.mark.parametrize(("text", "columns"), [
    ("abc", 3), ("❌", 2), ("⚠️", 2), ("✅ ok", 5), ("中文", 4), ("e\u0301", 1), ("👨\u200d👩\u200d👧", 2), ("#️⃣", 2),
])
def test_display_width(text: str, columns: int):
    assert display_width(text) == columns


def test_github_table_matches_tabulate_on_plain_text():
    from tabulate import tabulate

    rows = [["Build", "2.0/5", "Basic", "No file pins the runtime"], ["Docs", "n/a", "Not applicable", "-"]]
    headers = ["Category", "Score", "Level", "Status"]
    assert github_table(headers, rows) == tabulate(rows, headers=headers, tablefmt="github")
