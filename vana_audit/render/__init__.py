"""Output formats: each is a pure function `ScanResult | Report -> str | bytes`; only the CLI writes files."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, Union

from ..model import ScanResult

if TYPE_CHECKING:
    from ..report import Report


class OutputFormat(str, enum.Enum):
    TERMINAL = "terminal"
    JSON = "json"
    MARKDOWN = "md"
    HTML = "html"
    PDF = "pdf"
    SARIF = "sarif"

    @property
    def binary(self) -> bool:
        return self is OutputFormat.PDF

    @property
    def reads_report(self) -> bool:
        """Its renderer reads the report model (`report.Report`), not only the `ScanResult`."""
        return self in (OutputFormat.MARKDOWN, OutputFormat.HTML, OutputFormat.PDF)

    @classmethod
    def from_extension(cls, filename: str) -> OutputFormat | None:
        name = filename.lower()
        for suffix, fmt in EXTENSIONS.items():  # longest first, so .sarif.json is SARIF, not JSON
            if name.endswith("." + suffix):
                return fmt
        return None


# Longest suffix first.
EXTENSIONS = {
    "sarif.json": OutputFormat.SARIF,
    "markdown": OutputFormat.MARKDOWN,
    "sarif": OutputFormat.SARIF,
    "html": OutputFormat.HTML,
    "json": OutputFormat.JSON,
    "htm": OutputFormat.HTML,
    "pdf": OutputFormat.PDF,
    "txt": OutputFormat.TERMINAL,
    "md": OutputFormat.MARKDOWN,
}

Renderer = Callable[[Union[ScanResult, "Report"]], str | bytes]


class DetailedRenderer(Protocol):
    """HTML and PDF: a Renderer that also takes the body's detail level ("executive" or "full")."""

    def __call__(self, source: ScanResult | Report, /, detail: str = ...) -> str | bytes: ...

PDF_MISSING = ("PDF reports need WeasyPrint, which is not installed or cannot load its system libraries: "
               "install vana-audit with its pdf extra (`pip install '.[pdf]'` in a checkout, or "
               "`pip install weasyprint`), or write HTML instead (-o report.html)")


class RendererUnavailable(Exception):
    """A format whose optional dependency is missing; the message is one line saying what to install."""


def pdf_renderer() -> DetailedRenderer:
    """The PDF renderer, or RendererUnavailable when WeasyPrint cannot be imported."""
    try:
        from .pdf import render_pdf
    except (ImportError, OSError) as exc:  # OSError: WeasyPrint is there but Pango is not
        raise RendererUnavailable(PDF_MISSING) from exc
    return render_pdf


def renderer_for(fmt: OutputFormat) -> Renderer:
    """Exhaustive: adding a format without a renderer fails the test that walks every member.
    Each renderer module is imported only when its format is asked for (WeasyPrint, Jinja2 are heavy)."""
    if fmt is OutputFormat.TERMINAL:
        from .terminal import render_terminal

        return render_terminal
    if fmt is OutputFormat.JSON:
        from .json_out import render_json

        return render_json
    if fmt is OutputFormat.MARKDOWN:
        from .markdown import render_markdown

        return render_markdown
    if fmt is OutputFormat.HTML:
        from .html_out import render_html

        return render_html
    if fmt is OutputFormat.PDF:
        return pdf_renderer()
    if fmt is OutputFormat.SARIF:
        from .sarif import render_sarif

        return render_sarif
    raise AssertionError(f"no renderer for {fmt}")  # pragma: no cover


def detailed_renderer_for(fmt: OutputFormat) -> DetailedRenderer:
    """The renderer of a format with detail levels (HTML, PDF); ValueError for the others."""
    if fmt is OutputFormat.HTML:
        from .html_out import render_html

        return render_html
    if fmt is OutputFormat.PDF:
        return pdf_renderer()
    raise ValueError(f"{fmt.value} has no detail levels")
