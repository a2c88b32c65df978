"""`vana-audit fix`: write the files that close failing findings, for the repository's stack and CI
provider, and show the score they buy.

`context.py` reads what the repository already declares (its commands, stacks, SHA pins), the
generators in `generators.py` write files on an overlay of the tree, and `runner.py` diffs, writes
and re-scans. See docs/architecture.md.
"""

from __future__ import annotations

from .generators import GENERATORS, FileChange, Generator
from .runner import FixError, FixOutcome, FixPlan, outcome, plan_fixes, rescan, unified_diff, write_changes

__all__ = ["GENERATORS", "FileChange", "FixError", "FixOutcome", "FixPlan", "Generator", "outcome", "plan_fixes",
           "rescan", "unified_diff", "write_changes"]
