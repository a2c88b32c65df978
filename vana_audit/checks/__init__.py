"""Rules that need code. Third parties ship theirs the same way, through the
`vana_audit.rules` entry-point group: a callable returning a list of `PythonRule` (`rule_api.py`)."""

from __future__ import annotations

from ..rule_api import PythonRule as PythonRule  # re-exported: where plugins have always found it
from . import claims


def builtin_python_rules() -> list[PythonRule]:
    return [*claims.RULES]
