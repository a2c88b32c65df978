"""What a rule is and returns: the contract between the engine, the built-in Python rules (`checks/`)
and third-party rules. Its own module so the rules need not import the engine that runs them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from .facts import Facts
from .model import Confidence, Evidence, Outcome, RuleMeta
from .signals import Signals


@dataclass(frozen=True)
class RuleResult:
    outcome: Outcome
    message: str
    evidence: tuple[Evidence, ...] = ()
    confidence: Confidence = Confidence.HIGH  # of what decided the outcome (see `engine.judge`)
    demoted: bool = False  # a failing verdict whose gap something else covers: one priority lower (`demote_if`)


class Rule(Protocol):
    @property
    def meta(self) -> RuleMeta: ...

    def evaluate(self, facts: Facts, signals: Signals) -> RuleResult: ...


@dataclass(frozen=True)
class PythonRule:
    meta: RuleMeta
    check: Callable[[Facts, Signals], RuleResult]

    def evaluate(self, facts: Facts, signals: Signals) -> RuleResult:
        return self.check(facts, signals)
