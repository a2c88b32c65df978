"""Secrets outside file contents: a token in a folder name, a file name, a branch and a tag, an
`exclude` pattern, a suppression reason, the origin URL (in its userinfo) and a README line where
it straddles the 160-character snippet cut. No part of its secret reaches any output: the scan's
reports, the history database, `trend` (JSON and SVG), `batch` and `diff` (Markdown and JSON).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.fixtures.gitrepo import commit, git, make_repo
from tests.test_hostile_kit import assert_no_traceback, run_cli
from vana_audit.cli import main
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


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("names") / f"checkout-{TOKEN}" / "svc"
    make_repo(
        root,
        {
            "README.md": "# Svc\n\n" + straddling_line(),
            ".vana-audit.yml": f'exclude: ["vendor-{TOKEN}/**"]\n'
            f"suppressions:\n  - rule: IAC-003\n    reason: accepted, see {TOKEN}\n",
            "tests/test_svc.py": "def test():\n    pass\n",
        },
        date="2025-09-01T12:00:00+00:00",
    )
    git(root, "tag", f"{TOKEN}-v1.0.0")
    git(root, "checkout", "-q", "-b", f"feature/{TOKEN}")
    commit(
        root,
        {
            f".github/workflows/{TOKEN}.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - run: pytest\n",
            f"{TOKEN}/Dockerfile": "FROM python:latest\nUSER root\n",
        },
        "ci: add a pipeline",
        "2025-10-01T12:00:00+00:00",
    )
    git(root, "tag", f"{TOKEN}-v1.1.0")
    git(root, "remote", "add", "origin", f"https://ci-bot:{TOKEN}@github.com/acme/svc.git")
    return root


def run(*args: str) -> Result:
    """The CLI in process; `.output` holds standard output and error, `.stdout` the first."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result


@pytest.fixture(scope="module")
def scan_run(repo: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("names-out")
    formats = [f for f in OutputFormat if f is not OutputFormat.PDF]  # the PDF has its own test
    db = out / "history.sqlite3"
    run_ = run_cli(["scan", str(repo), "--record", "--db", str(db)], out, formats=formats)
    assert_no_traceback(run_)
    return run_, db


def test_the_token_is_in_the_repository_where_outputs_name_it(scan_run) -> None:  # type: ignore[no-untyped-def]
    """Not vacuous: the places the token sits are in the report, redacted."""
    report = scan_run[0].json()
    flat = json.dumps(report)
    assert "REDACTED" in report["target"]["ref"] and "REDACTED" in report["target"]["path"]
    assert any("REDACTED" in p for p in report["profile"]["excluded_patterns"])
    assert any(f["suppressed"] and "REDACTED" in f["suppressed"] for f in report["findings"])
    cited = [e for f in report["findings"] for e in f["evidence"]]
    assert any(e["path"].startswith("ghp_") and "REDACTED" in e["path"] for e in cited), "the folder name"
    assert any(".github/workflows/ghp_" in e["path"] for e in cited), "the file name"
    assert any("CI/CD runs on GitHub Actions" in e["snippet"] for e in cited), "the straddling line"
    assert "ci-bot" not in flat


@pytest.mark.parametrize("fmt", [f for f in OutputFormat if f is not OutputFormat.PDF], ids=lambda f: f.value)
def test_no_part_of_the_secret_in_any_report(scan_run, fmt: OutputFormat) -> None:  # type: ignore[no-untyped-def]
    assert leaked(scan_run[0].files[fmt]) == []


def test_no_part_of_the_secret_on_the_terminal(scan_run) -> None:  # type: ignore[no-untyped-def]
    assert leaked(scan_run[0].stdout) == [] and leaked(scan_run[0].stderr) == []


def test_no_part_of_the_secret_in_the_history_database(scan_run) -> None:  # type: ignore[no-untyped-def]
    db = scan_run[1]
    stored = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    assert stored and leaked(stored.decode("utf-8", "replace")) == []


def test_no_part_of_the_secret_in_the_trend(repo: Path, tmp_path: Path) -> None:
    db, image = tmp_path / "h.sqlite3", tmp_path / "trend.svg"
    shown = run("trend", str(repo), "--db", str(db), "--backfill-tags", "--tag-pattern", "*", "--no-history",
                "--format", "json", "--image", str(image))
    points = json.loads(shown.stdout)["points"]
    assert len(points) == 2 and all("REDACTED" in p["ref"] for p in points), points
    assert leaked(shown.output) == [] and leaked(image.read_text("utf-8")) == []
    for fmt in ("table", "md"):
        assert leaked(run("trend", str(repo), "--db", str(db), "--format", fmt).output) == []


def test_no_part_of_the_secret_in_the_diff(repo: Path, tmp_path: Path) -> None:
    out_md, out_json = tmp_path / "diff.md", tmp_path / "diff.json"
    shown = run("diff", str(repo), "--base", f"{TOKEN}-v1.0.0", "--head", f"{TOKEN}-v1.1.0", "--no-history",
                "-o", str(out_md), "-o", str(out_json))
    diff = json.loads(out_json.read_text("utf-8"))
    assert diff["new_findings"], "the head adds findings whose paths hold the token"
    assert leaked(shown.output) == [] and leaked(out_md.read_text("utf-8")) == [] and leaked(json.dumps(diff)) == []


def test_no_part_of_the_secret_in_a_batch(repo: Path, tmp_path: Path) -> None:
    listing = tmp_path / "repos.txt"
    listing.write_text(f"{repo}\n{repo.parent}/missing-{TOKEN}\n", encoding="utf-8")
    out = tmp_path / "out"
    shown = run("batch", str(listing), "-o", str(out), "--no-history")
    board = json.loads((out / "leaderboard.json").read_text("utf-8"))
    assert len(board["repositories"]) == 2 and board["summary"]["failed"] == 1
    assert leaked(shown.output) == []
    for path in out.rglob("*"):
        if path.is_file():
            assert leaked(path.name) == [] and leaked(path.read_text("utf-8")) == [], path


def test_no_part_of_the_secret_in_the_pdf(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The HTML the PDF renderer hands to WeasyPrint, as markup and as the text it lays out: the PDF
    shows nothing else (tests/test_secrets_redaction.py checks the text of a real PDF for secrets;
    a WeasyPrint layout here would cost seconds and show the same text)."""
    import re

    pdf = pytest.importorskip("vana_audit.render.pdf")
    from vana_audit.render import renderer_for
    from vana_audit.scan import scan

    laid_out: list[str] = []
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html, fetcher=None: laid_out.append(html) or b"%PDF-")
    assert renderer_for(OutputFormat.PDF)(scan(repo, with_history=False)) == b"%PDF-"
    (html,) = laid_out
    assert "REDACTED" in html, "the fed HTML cites the redacted evidence"
    text = " ".join(re.sub(r"<[^>]*>", "", html).split())
    assert leaked(html) == [] and leaked(text) == []


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


def test_redact_result_reaches_every_string_and_shares_what_it_leaves(tmp_path: Path) -> None:
    """Keys, lists, tuples and nested dataclasses (a custom rule's texts too); a clean result is returned as is."""
    from dataclasses import replace

    from vana_audit.redaction import redact_result
    from vana_audit.scan import scan

    clean = scan(make_repo(tmp_path / "r", {"README.md": "# R\n"}), with_history=False)
    assert redact_result(clean) is clean
    finding = clean.findings[0]
    rule = replace(finding.rule, title=f"custom {TOKEN}", docs=replace(finding.rule.docs, references=(TOKEN,)))
    dirty = replace(
        clean,
        findings=(replace(finding, rule=rule, suppressed_by=f"config: {TOKEN}"), *clean.findings[1:]),
        rules=(rule, *clean.rules[1:]),
        inventory=replace(clean.inventory, workflows=(f"{TOKEN}.yml",), coverage_thresholds={TOKEN: 80.0}),
    )
    assert leaked(repr(dirty)) and leaked(repr(redact_result(dirty))) == []
    redacted = redact_result(dirty)
    assert redacted.findings[0].rule is redacted.rules[0], "one rule, redacted once"
    assert redacted.findings[1:] == clean.findings[1:] and redacted.findings[1] is clean.findings[1]
