"""Every output format has a pure renderer, chosen by name or file extension (issue 5, item 7)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from vana_audit.cli import main
from vana_audit.render import OutputFormat, renderer_for
from vana_audit.report import build_report


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_format_has_a_renderer(fmt):
    assert callable(renderer_for(fmt))


@pytest.mark.parametrize("fmt", [f for f in OutputFormat if f is not OutputFormat.PDF])  # PDF: test_pdf_report.py
def test_each_renderer_takes_a_result_or_a_report_and_returns_text(fmt, seed_result):
    render = renderer_for(fmt)
    from_result, from_report = render(seed_result), render(build_report(seed_result))
    assert isinstance(from_result, str) and from_result == from_report
    assert seed_result.target.path in from_result or fmt is OutputFormat.SARIF


@pytest.mark.parametrize("name, fmt", [
    ("audit.json", OutputFormat.JSON), ("audit.sarif.json", OutputFormat.SARIF), ("audit.SARIF", OutputFormat.SARIF),
    ("audit.html", OutputFormat.HTML), ("audit.htm", OutputFormat.HTML), ("audit.pdf", OutputFormat.PDF),
    ("audit.md", OutputFormat.MARKDOWN), ("audit.markdown", OutputFormat.MARKDOWN),
    ("audit.txt", OutputFormat.TERMINAL),
    ("audit", None), ("audit.docx", None),
])
def test_the_extension_names_the_format(name, fmt):
    assert OutputFormat.from_extension(name) is fmt


def test_formats_are_written_by_the_cli(seed_repo, tmp_path):
    html, sarif = tmp_path / "out" / "audit.html", tmp_path / "out" / "audit.sarif.json"
    outcome = CliRunner().invoke(main, ["scan", str(seed_repo), "-q", "--format", "json", "-o", str(html),
                                        "-o", str(sarif)])
    assert outcome.exit_code == 0, outcome.output
    assert html.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert json.loads(sarif.read_text("utf-8"))["version"] == "2.1.0"
    assert json.loads(outcome.stdout)["schema_version"]


def test_an_unknown_extension_is_a_usage_error(seed_repo, tmp_path):
    outcome = CliRunner().invoke(main, ["scan", str(seed_repo), "-q", "-o", str(tmp_path / "audit.docx")])
    assert outcome.exit_code == 2
    assert ".sarif" in outcome.output and ".pdf" in outcome.output


def test_json_and_markdown_do_not_import_the_html_and_pdf_stack(seed_repo):
    code = ("import sys; from pathlib import Path; from vana_audit.scan import scan; "
            "from vana_audit.render import OutputFormat, renderer_for; "
            f"r = scan(Path({str(seed_repo)!r}), with_history=False); "
            "[renderer_for(f)(r) for f in (OutputFormat.JSON, OutputFormat.MARKDOWN, OutputFormat.SARIF)]; "
            "print(sorted(m for m in ('weasyprint', 'jinja2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_pdf_without_weasyprint_is_one_helpful_line_before_the_scan(seed_repo, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it were not installed
    monkeypatch.delitem(sys.modules, "vana_audit.render.pdf", raising=False)
    monkeypatch.setattr("vana_audit.remote.scan_target", lambda *a, **k: pytest.fail("scanned before saying so"))
    outcome = CliRunner().invoke(main, ["scan", str(seed_repo), "-q", "-o", str(tmp_path / "a.html"),
                                        "-o", str(tmp_path / "a.pdf")])
    assert outcome.exit_code == 2
    (line,) = outcome.stderr.strip().splitlines()
    assert line.startswith("Error: PDF reports need WeasyPrint") and "[pdf]" in line
    assert not (tmp_path / "a.pdf").exists()


def test_weasyprint_is_an_extra_not_a_dependency():
    import tomllib

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text("utf-8"))["project"]
    assert not any(d.lower().startswith("weasyprint") for d in project["dependencies"])
    assert any(d.lower().startswith("weasyprint") for d in project["optional-dependencies"]["pdf"])
    assert "vana-audit[pdf]" in project["optional-dependencies"]["test"], "the README's test command installs it"
