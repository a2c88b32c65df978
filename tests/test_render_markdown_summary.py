"""Markdown summary for PR comments and issues: always under 60,000 characters (issue 14, item 2)."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest
from click.testing import CliRunner

from vana_audit.cli import main
from vana_audit.model import Evidence, Outcome, Priority
from vana_audit.render.markdown import render_markdown
from vana_audit.render.markdown_summary import MAX_CHARS, MAX_FINDINGS, render_markdown_summary

LONG = "very long message with <html> | pipes & `ticks` " * 400  # ~20,000 characters


@pytest.fixture(scope="module")
def seed_summary(seed_result):
    return render_markdown_summary(seed_result, full_report_url="https://ci.example/run/1/artifacts (report)")


def huge_result(result, copies=300):
    """The seed result with `copies` more failing P0/P1 findings, each with a long message and evidence."""
    failing = [f for f in result.findings if f.failing]
    extra = []
    for n in range(copies):
        f = failing[n % len(failing)]
        rule = replace(f.rule, id=f"{f.rule.id}-X{n}", title=LONG[:3000],
                       priority=Priority.P0 if n % 2 else Priority.P1)
        evidence = tuple(Evidence(f"src/{'deep/' * 100}file{k}.py", k + 1, LONG) for k in range(50))
        extra.append(replace(f, rule=rule, message=LONG, evidence=evidence, outcome=Outcome.FAIL))
    return replace(result, findings=result.findings + tuple(extra), rules=result.rules + tuple(e.rule for e in extra),
                   target=replace(result.target, path="/tmp/" + "x" * 5000))


def test_the_summary_has_the_score_categories_dora_and_top_findings(seed_result, seed_summary):
    assert f"Level {seed_result.score.overall:.1f} / 5.0" in seed_summary
    assert "| Category | Score | Level | Status |" in seed_summary
    assert "**DORA readiness:**" in seed_summary
    assert "`DOC-001`" in seed_summary and "  - Evidence: `README.md:20`" in seed_summary
    p2 = [f.rule_id for f in seed_result.findings if f.failing and f.priority.value == "P2"]
    assert p2 and not any(f"`{rule_id}`" in seed_summary for rule_id in p2)  # P2 only counted
    assert "[Full report](https://ci.example/run/1/artifacts%20%28report%29)" in seed_summary


def test_the_summary_is_far_shorter_than_the_full_review(seed_result, seed_summary):
    assert len(seed_summary) < len(render_markdown(seed_result)) / 5


def test_the_summary_stays_under_the_bound_with_hundreds_of_long_findings(seed_result):
    text = render_markdown_summary(huge_result(seed_result), full_report_url="https://ci.example/" + "a" * 10_000)
    assert len(text) < MAX_CHARS
    assert "more P0/P1 findings in the full report" in text
    assert text.count("\n- **P") <= MAX_FINDINGS
    assert "<html>" not in re.sub(r"(`+).*?\1", "", text)  # outside code spans, repository text stays escaped
    assert "[Full report](https://ci.example/aaa" in text  # the footer is never cut


def test_a_small_budget_cuts_lines_with_a_note(seed_result):
    text = render_markdown_summary(seed_result, budget=4_000)
    assert len(text) <= 4_000
    assert "left out to keep this summary short" in text
    assert "full report" in text.splitlines()[-3]


def test_cli_summary_and_url_validation(seed_repo, tmp_path):
    runner = CliRunner()
    out = tmp_path / "summary.md"
    done = runner.invoke(main, ["scan", str(seed_repo), "--no-history", "-q", "--summary", "-o", str(out),
                                "--format", "md", "--full-report-url", "https://ci.example/r"])
    assert done.exit_code == 0, done.output
    assert out.read_text(encoding="utf-8") == done.stdout
    assert len(done.stdout) < MAX_CHARS and "[Full report](https://ci.example/r)" in done.stdout
    bad = runner.invoke(main, ["scan", str(seed_repo), "--summary", "--format", "md", "--full-report-url", "javascript:x"])
    assert bad.exit_code == 2
    alone = runner.invoke(main, ["scan", str(seed_repo), "--summary"])
    assert alone.exit_code == 2 and "--summary" in alone.output


def test_cli_detail_full_puts_p2_findings_back_in_the_html_body(seed_repo, seed_result, tmp_path):
    p2 = next(f.rule_id for f in seed_result.findings if f.failing and f.priority.value == "P2")
    for detail, expected in (("executive", False), ("full", True)):
        out = tmp_path / f"{detail}.html"
        done = CliRunner().invoke(main, ["scan", str(seed_repo), "--no-history", "-q", "--detail", detail,
                                         "-o", str(out), "--format", "json"])
        assert done.exit_code == 0, done.output
        html = out.read_text(encoding="utf-8")
        assert bool(re.search(f'<article class="finding[^"]*" id="rule-{p2}"', html)) is expected
