"""Rules that need code. Third parties ship theirs the same way, through the
`vana_audit.rules` entry-point group: a callable returning a list of `PythonRule`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..engine import RuleResult
from ..facts import Facts
from ..model import RuleMeta
from ..signals import Signals


@dataclass(frozen=True)
class PythonRule:
    meta: RuleMeta
    check: Callable[[Facts, Signals], RuleResult]

    def evaluate(self, facts: Facts, signals: Signals) -> RuleResult:
        return self.check(facts, signals)


def builtin_python_rules() -> list[PythonRule]:
    from . import claims

    return [*claims.RULES]
