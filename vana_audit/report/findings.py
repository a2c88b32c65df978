"""Findings as the report shows them: redacted evidence, the fix, and the example file to create."""

from __future__ import annotations

import re

from ..model import Category, Finding, Outcome, RuleMeta, Severity
from ..textcut import clip
from .model import EvidenceItem, FindingItem

SNIPPET_CHARS = 160
FULL_SNIPPET_CHARS = 2000  # what a tooltip shows of a long snippet
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`(])")


def shorten(text: str, limit: int = SNIPPET_CHARS) -> str:
    """One line of at most `limit` characters, cut at a word boundary with "…"."""
    return clip(" ".join(str(text).split()), limit)


def _evidence_item(path: str, line: int | None, snippet: str) -> EvidenceItem:
    whole = " ".join(str(snippet).split())
    short = clip(whole, SNIPPET_CHARS)  # shorten(snippet), without splitting a long snippet twice
    return EvidenceItem(path, line, short, clip(whole, FULL_SNIPPET_CHARS) if short != whole else "")


def first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text.strip(), 1)[0]


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def headline(message: str) -> str:
    """The first clause of a finding's message, capitalised: 'No CI pipeline is defined'."""
    clause = message.split("; ", 1)[0].strip()
    return clause[:1].upper() + clause[1:]


def example_text(rule: RuleMeta, stack: str | None) -> str:
    """The rule's example file for the repository's stack: its own, else the default when that fits
    every stack (or this one), else "" (see `RuleDocs.example_for`)."""
    return rule.docs.example_for(stack).rstrip("\n")


def remediation_text(rule: RuleMeta, stack: str | None) -> str:
    """The rule's fix for the repository's stack (see `RuleMeta.remediation_for`)."""
    return rule.remediation_for(stack)


def finding_item(finding: Finding, stack: str | None = None) -> FindingItem:
    rule = finding.rule
    evidence = tuple(_evidence_item(e.path, e.line, e.snippet) for e in finding.evidence)
    return FindingItem(
        rule_id=rule.id,
        title=rule.title,
        category=rule.category.value,
        category_title=rule.category.title,
        level=rule.level,
        severity=rule.severity.value,
        priority=finding.priority.value,
        outcome=finding.outcome.value,
        message=capitalised(finding.message),
        evidence=evidence,
        remediation=remediation_text(rule, stack),
        effort_text=rule.effort_text,
        example=example_text(rule, stack),
        example_file=rule.files_to_create[0] if rule.files_to_create else "",
        files_to_create=tuple(rule.files_to_create),
        references=tuple(rule.docs.references),
        fingerprint=finding.fingerprint,
        suppressed_by=finding.suppressed_by,
        confidence=finding.confidence.value,
    )


def finding_order(finding: Finding) -> tuple[bool, str, int, int, str]:
    """Failing first, then by priority, severity, level and id."""
    return (
        not finding.failing,
        finding.priority.value,
        finding.rule.severity.rank,
        finding.rule.level,
        finding.rule.id,
    )


def blocker_order(finding: Finding) -> tuple[int, bool, int, int, str]:
    """The most severe first; a documented claim the repository contradicts leads its severity,
    because readers rely on a check that never runs."""
    return (
        finding.rule.severity.rank,
        "claims" not in finding.rule.tags,
        finding.rule.level,
        list(Category).index(finding.rule.category),
        finding.rule.id,
    )


def applicable(finding: Finding) -> bool:
    return finding.outcome is not Outcome.NOT_APPLICABLE


SEVERITY_ORDER = [s.value for s in Severity]
