"""Secrets where text is cut: a token straddling a snippet's cut is redacted before the cut, so
no part of its secret reaches any output."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.gitrepo import make_repo
from tests.test_hostile_kit import assert_no_traceback, run_cli
from vana_audit.render import OutputFormat

# Assembled at run time, so that this file holds no secret-shaped literal (the project scans itself).
TOKEN = "ghp_" + "R8fK2mQx7Lp4Vz9Tn3Wc6Yh1Bd5Gs0Ja2Ne8"
SECRET = TOKEN[4:]  # what redaction hides; "ghp_" stays as a recognisable prefix


def leaked(text: str) -> list[str]:
    """Every 8-character piece of the secret part found in `text` (a cut token shows a piece)."""
    return [SECRET[i : i + 8] for i in range(len(SECRET) - 7) if SECRET[i : i + 8] in text]


def straddling_line() -> str:
    """A README line claiming CI (a rule cites it) whose token starts 30 characters before the cut."""
    head = "CI/CD runs on GitHub Actions; deploy with "
    return head + "x" * (130 - len(head) - 1) + " " + TOKEN + " and more text after it\n"


def test_a_token_across_any_cut_is_redacted_before_the_cut() -> None:
    """Whatever a cut keeps, the redaction that follows hides: a cut never leaves half a token."""
    from vana_audit.facts import TextLine
    from vana_audit.secrets import redact_text

    lines = ["x" * start + " " + TOKEN + " tail" for start in range(100, 161)]
    for line in lines:
        assert leaked(redact_text(TextLine("README.md", 1, line).evidence().snippet)) == [], line.index(" ")
    from vana_audit.secrets import clip

    for line in lines:
        for limit in (80, 100, 120, 160, 200):
            assert leaked(redact_text(clip(line, limit))) == [], (line.index(" "), limit)


def test_a_token_straddling_the_snippet_cut_shows_no_part_in_any_report(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "docs", {"README.md": "# Docs\n\n" + straddling_line()})
    formats = [f for f in OutputFormat if f is not OutputFormat.PDF]
    run_ = run_cli(["scan", str(root), "--no-history"], tmp_path / "out", formats=formats)
    assert_no_traceback(run_)
    cited = [e["snippet"] for f in run_.json()["findings"] for e in f["evidence"]]
    assert any("CI/CD runs on GitHub Actions" in s and "ghp_" in s for s in cited), "the rule cites the line"
    assert leaked(run_.everything) == []
