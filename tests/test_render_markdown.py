"""Markdown: the seed review's sections, computed, with repository text escaped (issue 5, item 2)."""
from __future__ import annotations

import re
from dataclasses import replace

import pytest

from vana_audit.model import Evidence
from vana_audit.render.markdown import render_markdown
from vana_audit.report import build_report

HOSTILE = "a|b `tick` <script>alert(1)</script> <img src=x onerror=alert(1)> **bold** [link](http://evil)"


@pytest.fixture(scope="module")
def seed_md(seed_result):
    return render_markdown(seed_result)


def with_text(result, text):
    """The seed result with `text` as the claim finding's message, a snippet and the repository path."""
    doc = result.finding("DOC-001")
    hostile = replace(doc, message=text, evidence=(Evidence("docs/" + text, 7, text),) + doc.evidence)
    findings = tuple(hostile if f is doc else f for f in result.findings)
    return replace(result, findings=findings, target=replace(result.target, path=text))


def test_the_report_has_every_section_of_the_seed_review(seed_md):
    for heading in ["# CI/CD & DevOps Maturity Review", "## Executive Summary", "### Overall CI/CD Maturity:",
                    "**Critical Finding:**", "**Production Readiness:** ❌ **NOT READY FOR PRODUCTION**",
                    "### CI/CD Maturity by Category", "| Category | Score | Level | Status |", "**Weighted Average:**",
                    "### DevOps Best Practices Compliance", "**Compliance Score:**", "## DORA Metrics",
                    "## Findings by Category", "## Missing CI/CD Components (Prioritized)",
                    "### P0 - Critical (Production Blockers)", "### P1 - Important (Quality & Reliability)",
                    "## Implementation Roadmap", "### Phase 1:", "**Week 1:", "## Risk Assessment & Mitigation",
                    "#### RISK-001", "## Success Metrics & KPIs", "### CI/CD Maturity Targets", "## Conclusion",
                    "### Immediate Action Items (Next 7 Days)", "### Production Readiness Assessment",
                    "**Recommendation:** Do not deploy to production"]:
        assert heading in seed_md, heading


def test_category_rows_carry_the_computed_scores(seed_result, seed_md):
    for c in seed_result.categories:
        title = re.escape(c.category.title).replace("&", "&amp;")
        assert re.search(rf"\| \*\*{title}\*\* \| {c.score:.1f}/5 \|", seed_md)
    assert f"**Weighted Average:** **{seed_result.score.overall:.2f} / 5.0**" in seed_md


def test_findings_show_evidence_fix_and_example_file(seed_md):
    block = seed_md.split("#### ❌ DOC-001", 1)[1].split("\n#### ", 1)[0]
    assert "`README.md:23`" in block and "GitHub Actions" in block
    assert "**Remediation:**" in block
    assert "<details><summary>Example: <code>.github/workflows/ci.yml</code></summary>" in block
    assert "```yaml" in block


def test_missing_components_list_impact_effort_and_files(seed_md):
    p0 = seed_md.split("### P0 - Critical (Production Blockers)", 1)[1].split("### P1", 1)[0]
    assert "- **Impact:**" in p0 and "- **Effort:**" in p0 and "- **Files to Create:** `.github/workflows/ci.yml`" in p0


def outside_code(md: str) -> str:
    """The Markdown with code spans and fenced blocks removed: what GitHub would read as markup."""
    md = re.sub(r"^(`{3,}).*?^\1", "", md, flags=re.DOTALL | re.MULTILINE)
    return re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", md)


def test_repository_text_cannot_break_out(seed_result):
    md = render_markdown(with_text(seed_result, HOSTILE))
    prose = outside_code(md)
    assert "<script>" not in prose and "<img" not in prose
    assert "&lt;script&gt;" in md
    # Inside a table row, the pipe is escaped so the row keeps its columns.
    claim_row = next(line for line in md.splitlines() if line.startswith("| **Documentation**"))
    assert claim_row.count(" | ") == 3
    blocker = next(line for line in md.splitlines() if line.startswith("- A\\|b"))
    assert "\\`tick\\`" in blocker and "\\*\\*bold\\*\\*" in blocker and "\\[link\\]" in blocker
    # As code (a path or snippet), the text is fenced with more backticks than it holds.
    assert "``docs/a\\|b `tick`" in md


def test_secrets_in_evidence_are_redacted(seed_result):
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    md = render_markdown(with_text(seed_result, f"token={token}"))
    assert token not in md and "REDACTED" in md


def test_a_report_of_a_repository_with_nothing_failing_says_so(mature_result):
    passing = replace(mature_result, findings=tuple(f for f in mature_result.findings if not f.failing))
    md = render_markdown(build_report(passing))
    assert "_Nothing is missing: every applicable rule passes._" in md
    assert "_No open work items._" in md
    assert "**Current Status:** ✅ **READY FOR PRODUCTION**" in md
