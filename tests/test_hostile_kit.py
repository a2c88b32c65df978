"""Shared by the hostile-input suites: run the CLI (in process and as a subprocess), render a
result in every output format that exists, and read the text of a PDF.

Every format is taken from `OutputFormat` when the tests run, so a format added later is covered
by the same assertions without touching these suites.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from vana_audit.cli import main
from vana_audit.model import ScanResult
from vana_audit.render import EXTENSIONS, OutputFormat, renderer_for

REPO_ROOT = Path(__file__).resolve().parent.parent


def extension_for(fmt: OutputFormat) -> str:
    """The shortest file extension the CLI maps to `fmt` (`-o report.<ext>`)."""
    return min((ext for ext, f in EXTENSIONS.items() if f is fmt), key=len)


def pdf_text(data: bytes) -> str:
    from io import BytesIO

    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def as_text(fmt: OutputFormat, content: str | bytes) -> str:
    """What a reader of the format sees: PDF as extracted text, everything else as written."""
    if isinstance(content, bytes):
        return pdf_text(content) if fmt is OutputFormat.PDF else content.decode("utf-8", "replace")
    return content


def render_all(result: ScanResult, skip: Sequence[OutputFormat] = ()) -> dict[OutputFormat, str]:
    """Every format's output as text. A format whose optional dependency is missing is skipped."""
    out: dict[OutputFormat, str] = {}
    for fmt in OutputFormat:
        if fmt in skip:
            continue
        try:
            renderer = renderer_for(fmt)
        except ImportError as exc:  # pragma: no cover - depends on the environment
            pytest.skip(f"{fmt.value} renderer unavailable: {exc}")
        out[fmt] = as_text(fmt, renderer(result))
    return out


@dataclass
class CliRun:
    exit_code: int
    stdout: str
    stderr: str
    files: dict[OutputFormat, str]  # every -o report, as text

    @property
    def everything(self) -> str:
        return "\n".join([self.stdout, self.stderr, *self.files.values()])

    def json(self) -> dict:  # type: ignore[type-arg]
        return json.loads(self.files[OutputFormat.JSON])


def _report_args(out_dir: Path, formats: Sequence[OutputFormat]) -> tuple[list[str], dict[OutputFormat, Path]]:
    paths = {fmt: out_dir / f"report.{extension_for(fmt)}" for fmt in formats}
    args = [arg for path in paths.values() for arg in ("-o", str(path))]
    return args, paths


def _read_reports(paths: dict[OutputFormat, Path]) -> dict[OutputFormat, str]:
    return {
        fmt: as_text(fmt, path.read_bytes() if fmt is OutputFormat.PDF else path.read_text("utf-8"))
        for fmt, path in paths.items()
        if path.exists()
    }


def run_cli(
    args: Sequence[str], out_dir: Path | None = None, formats: Sequence[OutputFormat] = (OutputFormat.JSON,)
) -> CliRun:
    """`vana-audit scan …` through click's CliRunner, writing the given report formats."""
    report_args, paths = _report_args(out_dir, formats) if out_dir is not None else ([], {})
    result = CliRunner().invoke(main, [*args, *report_args], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"the CLI raised {result.exception!r}\n{result.output}") from result.exception
    return CliRun(result.exit_code, result.stdout, result.stderr, _read_reports(paths))


def run_subprocess(
    args: Sequence[str],
    out_dir: Path | None = None,
    formats: Sequence[OutputFormat] = (OutputFormat.JSON,),
    timeout: float = 180,
    cwd: Path | None = None,
) -> CliRun:
    """`python -m vana_audit …` in a child process, with a timeout (a hang fails, it does not block)."""
    report_args, paths = _report_args(out_dir, formats) if out_dir is not None else ([], {})
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "vana_audit", *args, *report_args],
            capture_output=True,
            timeout=timeout,
            cwd=cwd or REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"vana-audit {' '.join(args)} did not finish within {timeout}s") from exc
    return CliRun(
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
        _read_reports(paths),
    )


def assert_no_traceback(run: CliRun) -> None:
    for stream in (run.stdout, run.stderr):
        assert "Traceback (most recent call last)" not in stream, stream[-3000:]


def markdown_outside_code(markdown: str) -> str:
    """The Markdown a renderer would treat as markup: fenced blocks and code spans removed (raw
    HTML inside them is shown as text), backslash-escaped characters dropped."""
    kept, fence = [], None
    for line in markdown.splitlines():
        stripped = line.lstrip()
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            continue
        opening = re.match(r"(`{3,}|~{3,})", stripped)
        if opening:
            fence = opening.group(1)
            continue
        kept.append(line)
    text = "\n".join(kept)
    text = re.sub(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", "", text)  # a code span closes on the same run
    return re.sub(r"\\.", "", text)


def problems_for(run: CliRun, path: str) -> list[str]:
    return [p["message"] for p in run.json()["problems"] if p["path"] == path]


# -- the kit's own checks ------------------------------------------------------------------------


def test_every_output_format_has_a_file_extension_the_cli_understands() -> None:
    for fmt in OutputFormat:
        assert OutputFormat.from_extension(f"report.{extension_for(fmt)}") is fmt
