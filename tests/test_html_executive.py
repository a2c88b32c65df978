"""The executive report (the default) keeps to what a reader finishes; `--detail full` keeps everything.

What the executive report leaves out is each time something another section already says: the missing
components repeat the findings, the DORA cluster table repeats the chart, the per-category success
metrics repeat the category table.
"""
from __future__ import annotations

import html
import re

import pytest

from vana_audit.render.html_out import render_html


@pytest.fixture(scope="module")
def executive(seed_result) -> str:
    return render_html(seed_result)


@pytest.fixture(scope="module")
def full(seed_result) -> str:
    return render_html(seed_result, detail="full")


def _section(html: str, anchor: str) -> str:
    match = re.search(rf'<section id="{anchor}" class="section">(.*?)\n</section>', html, re.S)
    assert match, f"no section {anchor}"
    return match.group(1)


def test_missing_components_are_in_the_full_report_only(executive, full):
    assert '<section id="missing"' not in executive and 'href="#missing"' not in executive
    assert '<section id="missing"' in full and 'href="#missing"' in full
    assert 'class="card priority-P0"' in _section(full, "missing")


def test_the_dora_cluster_table_is_in_the_full_report_only(executive, full):
    assert "DORA performance clusters" not in executive
    assert "DORA performance clusters" in _section(full, "dora")


ROW = r'<tr class="metric-[a-z]+"><th scope="row">([^<]+)</th>'


def test_success_metrics_leave_the_per_category_rows_to_the_category_table(seed_result, executive, full):
    titles = [c.category.title for c in seed_result.categories if c.score is not None]
    rows = [html.unescape(r) for r in re.findall(ROW, _section(executive, "metrics"))]
    assert "Overall maturity score" in rows and not set(titles) & set(rows)
    full_rows = [html.unescape(r) for r in re.findall(ROW, _section(full, "metrics"))]
    assert set(titles) <= set(full_rows)


def test_the_appendix_lists_p2_findings_by_category_without_their_texts(seed_result, executive):
    appendix = _section(executive, "appendix")
    p2 = [f for f in seed_result.findings if f.failing and f.rule.priority.value == "P2"]
    assert p2
    for finding in p2:
        assert f'id="rule-{finding.rule.id}"' in appendix
        assert finding.message not in appendix, "the message is for --detail full"
    categories = {f.rule.category for f in p2}
    assert len(re.findall(r'<p class="small compact-rules p2-group">', appendix)) == len(categories)


def test_risks_show_at_most_two_related_gaps_and_three_rule_ids(executive, full):
    executive_risks, full_risks = _section(executive, "risks"), _section(full, "risks")
    for also in re.findall(r"Also: ([^<]*)</span>", executive_risks):
        shown = also.split("; ")
        assert len(shown) <= 3 and (len(shown) < 3 or shown[-1].endswith(" more"))
    assert len(max(re.findall(r"Also: ([^<]*)</span>", full_risks), key=len).split("; ")) > 2, (
        "the seed replica has a category with more than two related gaps"
    )
