"""Suppressions: configured (per rule, with a reason, an optional expiry and optional path globs) and
inline (`# vana-audit: ignore[ID] reason` in the file where the evidence is).

A suppressed finding keeps its outcome and evidence and gains `suppressed_by`; scoring leaves it out,
every renderer still shows it. A finding is suppressed when a configured suppression without paths
names its rule, or when every one of its evidence locations is covered (by a path glob or an inline
mark); when only some are, the finding stays and names the suppressed locations in its message.
An expired suppression suppresses nothing and is itself a finding (rule GIT-009).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from . import safe_yaml
from .collectors import ExcludeMatcher
from .config import Config
from .model import Evidence, Finding, Outcome, Problem

EXPIRED_SUPPRESSION_RULE = "GIT-009"  # judges the suppressions themselves; never suppressible
INLINE = re.compile(r"vana-audit:[ \t]*ignore\[([A-Za-z0-9_, *-]{1,200})\][ \t]*([^\n]{0,500})")
COMMENT_CLOSERS = ("-->", "*/", "%>", "#}", "}}")


@dataclass(frozen=True)
class LocatedSuppression:
    """A configured suppression and where it is written, so a finding about it can cite the line."""

    rule: str
    reason: str
    expires: str | None
    paths: tuple[str, ...]
    origin: str
    line: int | None = None

    def names(self, rule_id: str) -> bool:
        return fnmatch.fnmatchcase(rule_id, self.rule)

    def expired(self, today: dt.date) -> bool:
        return bool(self.expires) and dt.date.fromisoformat(self.expires) < today  # type: ignore[arg-type]

    def covers(self, path: str) -> bool:
        return ExcludeMatcher(self.paths).excluded(path)

    def label(self) -> str:
        return f"config: {self.reason}" + (f" (until {self.expires})" if self.expires else "")


def locate_suppressions(config: Config, text: str | None) -> tuple[LocatedSuppression, ...]:
    """The configured suppressions with the line each starts on in the configuration text."""
    lines: list[int | None] = []
    if text:
        try:
            data = safe_yaml.load(text)
            entries = data.get("suppressions") if isinstance(data, dict) else None
            lines = [getattr(entry, "line", None) for entry in entries or []]
        except Exception:  # the config already parsed once; a second failure only loses line numbers
            lines = []
    origin = config.path or ".vana-audit.yml"
    return tuple(
        LocatedSuppression(s.rule, s.reason, s.expires, s.paths, origin, lines[i] if i < len(lines) else None)
        for i, s in enumerate(config.suppressions)
    )


def _inline_marks(text: str) -> list[tuple[int, set[str], str]]:
    marks = []
    for number, line in enumerate(text.splitlines(), 1):
        match = INLINE.search(line)
        if match:
            ids = {part.strip() for part in match.group(1).split(",") if part.strip()}
            reason = match.group(2).strip()
            for closer in COMMENT_CLOSERS:  # `<!-- vana-audit: ignore[X] why -->`
                reason = reason.removesuffix(closer).rstrip()
            marks.append((number, ids, reason or "no reason given"))
    return marks


class InlineMarks:
    """Inline ignore marks, read lazily per file through the Source's reader."""

    def __init__(self, read_text: Callable[[str], str | None]) -> None:
        self._read = read_text
        self._cache: dict[str, list[tuple[int, set[str], str]]] = {}

    def reason(self, rule_id: str, evidence: Evidence) -> str | None:
        """A mark on the evidence line or the line above it; anywhere in the file for file-level evidence."""
        if evidence.path not in self._cache:
            text = self._read(evidence.path)
            self._cache[evidence.path] = _inline_marks(text) if text and "vana-audit:" in text else []
        for number, ids, reason in self._cache[evidence.path]:
            if rule_id in ids and (evidence.line is None or number in (evidence.line, evidence.line - 1)):
                return f"inline: {reason}"
        return None


def apply_suppressions(
    findings: Iterable[Finding],
    suppressions: Iterable[LocatedSuppression],
    read_text: Callable[[str], str | None],
    today: dt.date,
) -> list[Finding]:
    """Mark suppressed findings; never drops one."""
    active = [s for s in suppressions if not s.expired(today)]
    marks = InlineMarks(read_text)
    result = []
    for finding in findings:
        if finding.outcome not in (Outcome.FAIL, Outcome.PARTIAL) or finding.rule.id == EXPIRED_SUPPRESSION_RULE:
            result.append(finding)
            continue
        mine = [s for s in active if s.names(finding.rule.id)]
        whole = next((s for s in mine if not s.paths), None)
        if whole is not None:
            result.append(replace(finding, suppressed_by=whole.label()))
            continue
        reasons: dict[Evidence, str] = {}
        for item in finding.evidence:
            scoped = next((s for s in mine if s.covers(item.path)), None)
            reason = scoped.label() if scoped else marks.reason(finding.rule.id, item)
            if reason:
                reasons[item] = reason
        if finding.evidence and len(reasons) == len(finding.evidence):
            result.append(replace(finding, suppressed_by="; ".join(dict.fromkeys(reasons.values()))))
        elif reasons:
            kept = tuple(e for e in finding.evidence if e not in reasons)
            where = ", ".join(f"{e.location()} ({r})" for e, r in reasons.items())
            result.append(replace(finding, evidence=kept, message=f"{finding.message} (suppressed at {where})"))
        else:
            result.append(finding)
    return result


def suppression_problems(
    suppressions: Iterable[LocatedSuppression], findings: Iterable[Finding], rule_ids: Iterable[str], today: dt.date
) -> list[Problem]:
    """Suppressions naming no known rule; expired ones when the rule that reports them did not run."""
    findings = list(findings)
    known = set(rule_ids)
    ran = {f.rule.id for f in findings}
    problems = []
    for s in suppressions:
        at = f"line {s.line}: " if s.line else ""
        if known and not any(s.names(rule_id) for rule_id in known):
            problems.append(Problem(s.origin, f"{at}suppression names {s.rule}, which matches no rule"))
        if s.expired(today) and EXPIRED_SUPPRESSION_RULE not in ran:
            problems.append(Problem(s.origin, f"{at}suppression of {s.rule} expired on {s.expires}: {s.reason}"))
    return problems
