"""Regular expressions over repository paths, with a cheap first test.

Signals run path patterns over every file of the repository (10,000 in a large one) and most
patterns match few of them. Python's `re` tries an alternation such as `(^|/)(a|b|...)` at every
position of every path; a `PathPattern` first asks whether the lower-cased path contains one of its
hints, literal strings of which every match contains at least one, and searches only those paths.
The hints are checked against the patterns by a property test (tests/test_path_patterns.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REGISTRY: list[PathPattern] = []


class PathPattern:
    __slots__ = ("hints", "pattern", "regex")

    def __init__(self, pattern: str, hints: Iterable[str], flags: int = 0) -> None:
        self.regex = re.compile(pattern, flags)
        self.pattern = pattern
        self.hints = tuple(hint.lower() for hint in hints)
        REGISTRY.append(self)

    def search(self, path: str) -> re.Match[str] | None:
        return self.search_lowered(path, path.lower())

    def search_lowered(self, path: str, lowered: str) -> re.Match[str] | None:
        """`search` when the caller already has the lower-cased path (lists of paths keep one)."""
        for hint in self.hints:
            if hint in lowered:
                return self.regex.search(path)
        return None

    def __repr__(self) -> str:
        return f"PathPattern({self.pattern!r})"


def matching(pattern: PathPattern, paths: Iterable[tuple[str, str]]) -> list[str]:
    """The paths (given with their lower-cased twins) that the pattern matches, in order."""
    return [path for path, lowered in paths if pattern.search_lowered(path, lowered)]
