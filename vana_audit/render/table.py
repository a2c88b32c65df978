"""Terminal tables measured in terminal columns, not characters.

"❌" is one character drawn two columns wide, "⚠️" two characters (the sign and VS16) drawn two wide;
padding by `len` shifts the table's right border on every such row. Widths here follow Unicode's
East Asian Width (W and F are two columns), the emoji presentation selector VS16 (the character
before it is two columns), and zero-width marks (combining marks, format characters such as ZWJ;
a character joined by ZWJ is drawn inside the emoji before it).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence

VS15, VS16, ZWJ = "\ufe0e", "\ufe0f", "\u200d"


def _char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    """How many terminal columns `text` takes (one line, no control characters)."""
    width = 0
    last: int | None = None  # columns of the last character drawn on its own; None inside a ZWJ sequence
    joined = False
    for ch in text:
        if ch in (VS15, VS16):
            if last is not None:  # the character before is drawn as text (1) or as an emoji (2)
                wanted = 2 if ch == VS16 else 1
                width += wanted - last
                last = wanted
        elif ch == ZWJ:
            joined = True
        elif joined:
            joined, last = False, None  # drawn inside the emoji before it
        else:
            last = _char_width(ch)
            width += last
    return width


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def github_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A left-aligned pipe table (the layout of tabulate's "github" format), padded by display width."""
    widths = [max([display_width(h) + 2] + [display_width(str(row[i])) for row in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(pad(str(c), w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])
