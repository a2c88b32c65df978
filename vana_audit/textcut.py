"""Cutting a text to a length the way a reader expects: at a word boundary, with an ellipsis.

Used wherever a report shortens repository or rule text (the status column, evidence snippets, chart
labels); renderers that can show the full text elsewhere (an HTML `title`) keep it beside the cut one.
"""
from __future__ import annotations

ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its longest prefix ending at a word boundary that
    fits with "…" (a single word longer than half the limit is cut inside, still with "…")."""
    text = str(text)
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    head = text[: limit - 1]
    if not text[limit - 1].isspace():  # the cut falls inside a word: go back to the word's start
        space = head.rfind(" ")
        if space >= limit // 2:
            head = head[:space]
    return head.rstrip(" ,;:-—(") + ELLIPSIS
