"""Output formats: each is a pure function `ScanResult -> str | bytes`; only the CLI writes files."""
from __future__ import annotations

import enum
from typing import Callable

from ..model import ScanResult


class OutputFormat(str, enum.Enum):
    TERMINAL = "terminal"
    JSON = "json"
    MARKDOWN = "md"

    @classmethod
    def from_extension(cls, filename: str) -> "OutputFormat | None":
        suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        return EXTENSIONS.get(suffix)


EXTENSIONS = {"json": OutputFormat.JSON, "md": OutputFormat.MARKDOWN, "markdown": OutputFormat.MARKDOWN,
              "txt": OutputFormat.TERMINAL}

Renderer = Callable[[ScanResult], "str | bytes"]


def renderer_for(fmt: OutputFormat) -> Renderer:
    """Exhaustive: adding a format without a renderer fails the test that walks every member."""
    if fmt is OutputFormat.TERMINAL:
        from .terminal import render_terminal
        return render_terminal
    if fmt is OutputFormat.JSON:
        from .json_out import render_json
        return render_json
    if fmt is OutputFormat.MARKDOWN:
        from .markdown import render_markdown
        return render_markdown
    raise AssertionError(f"no renderer for {fmt}")  # pragma: no cover
