"""The one constructor of evidence from repository text: the snippet on one line, cut (and redacted
when cut) to 160 characters. Below the signals layer, so collectors and history cite the same way."""
from __future__ import annotations

from .model import Confidence, Evidence
from .secrets import clip

SNIPPET_LIMIT = 160


def ev(path: str, line: int | None = None, snippet: str = "", confidence: Confidence = Confidence.HIGH) -> Evidence:
    snippet = clip(" ".join(snippet.split()), SNIPPET_LIMIT)
    return Evidence(path, line, snippet, confidence)
