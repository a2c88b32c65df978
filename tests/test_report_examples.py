"""The example reports in reports/ are what the code produces now (issue 5, item 6)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from vana_audit.render import OutputFormat, renderer_for

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports"
FIX = "run python scripts/generate_reports.py"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_reports", ROOT / "scripts" / "generate_reports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    # Every text format; the PDF is the HTML laid out by WeasyPrint (its bytes carry the renderer's own
    # metadata), so the HTML golden file stands for it.
    return _generator().example_reports(tmp_path_factory.mktemp("examples"),
                                        formats=(OutputFormat.MARKDOWN, OutputFormat.JSON, OutputFormat.HTML,
                                                 OutputFormat.SARIF, OutputFormat.TERMINAL))


def test_every_example_exists_in_every_format():
    generator = _generator()
    for name in generator.EXAMPLES:
        for extension in generator.EXTENSIONS.values():
            assert (REPORTS / f"{name}.{extension}").is_file(), f"reports/{name}.{extension} is missing: {FIX}"


def test_markdown_json_html_sarif_and_terminal_examples_are_up_to_date(regenerated):
    stale = [name for name, content in regenerated.items()
             if not (REPORTS / name).is_file() or (REPORTS / name).read_text("utf-8") != content]
    assert not stale, f"out of date: {', '.join(stale)}; {FIX}"


def test_examples_are_reproducible(regenerated):
    # Fixed clock, dated commits and a fixed repository label: nothing depends on where or when they are built.
    for name, content in regenerated.items():
        # the folder the examples were built in never shows (rule texts may name /tmp as a mount point)
        assert "pytest-of-" not in content and "vana-audit-examples" not in content and "/tmp/" not in content, name
        if not name.endswith((".sarif", ".txt")):  # SARIF and the terminal summary show no generation time
            assert "2025-10-20T12:00:00Z" in content, name


def test_the_readme_example_is_a_real_scan_of_a_real_path(tmp_path_factory):
    """The README's `What a scan says` block: its commands name paths that exist after them, and every
    output line it shows (lines it abbreviates with "…" by their start) is in the example's terminal output."""
    generator = _generator()
    readme = (ROOT / "README.md").read_text("utf-8")
    block = readme.split("## What a scan says", 1)[1].split("```text\n", 1)[1].split("\n```", 1)[0].splitlines()
    commands = [line for line in block if line.startswith("$ ")]
    assert commands[0].startswith("$ python scripts/generate_reports.py --repos ")
    repos = commands[0].split("--repos ", 1)[1].split()[0]
    assert commands[1] == f"$ cd {repos} && vana-audit scan vana-seed-replica"
    assert "vana-seed-replica" in generator.EXAMPLES
    result = generator.example_result("vana-seed-replica", tmp_path_factory.mktemp("readme"))
    assert result.target.path == "vana-seed-replica", "labelled as scanned from the folder that holds it"
    shown = renderer_for(OutputFormat.TERMINAL)(result).splitlines()
    for line in block:
        if line.startswith("$ ") or not line.strip() or line.strip() == "…":
            continue
        if line.endswith("…)"):
            assert any(s.startswith(line[:-2]) for s in shown), line
        else:
            assert line in shown, f"README shows a line the scan does not print: {line!r}"
