"""Git history: one streaming pass over `git log`, history signals and DORA estimates.

Placeholder interface; the full implementation lands with the DORA issue.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import Problem
from ..source import GitInfo


@dataclass
class HistoryFacts:
    commit_count: int = 0
    is_shallow: bool = False
    pr_merge_share: float | None = None
    conventional_share: float | None = None
    signed_share: float | None = None
    estimates: dict[str, Any] = field(default_factory=dict)


def analyse_history(git: GitInfo, window_days: int = 90, problems: list[Problem] | None = None) -> HistoryFacts | None:
    return HistoryFacts(is_shallow=git.is_shallow)
