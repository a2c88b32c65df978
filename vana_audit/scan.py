"""One scan, end to end: Source -> facts -> rules -> scores -> an immutable ScanResult."""
from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import replace
from pathlib import Path
from typing import Callable

from . import __version__
from .collectors import DEFAULT_EXCLUDES, collect_facts
from .config import Config, find_config
from .engine import Rule, load_rules, run_rules
from .facts import Facts
from .inventory import build_inventory
from .model import Evidence, Finding, Outcome, Problem, ScanResult, Target
from .scoring import score_all
from .source import DEFAULT_MAX_FILE_BYTES, Source, open_source

Progress = Callable[[str], None]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def apply_suppressions(findings: list[Finding], config: Config, facts: Facts, source: Source,
                       today: dt.date) -> list[Finding]:
    """Config suppressions and inline `# vana-audit: ignore[ID] reason` marks; never silently dropped."""
    result = []
    inline = _inline_ignores(findings, source)
    for finding in findings:
        if finding.outcome not in (Outcome.FAIL, Outcome.PARTIAL):
            result.append(finding)
            continue
        reason = None
        for sup in config.suppressions:
            if sup.rule != finding.rule.id:
                continue
            if sup.paths and not any(fnmatch.fnmatch(e.path, g) for e in finding.evidence for g in sup.paths):
                continue
            if sup.expires and dt.date.fromisoformat(sup.expires) < today:
                continue  # expired: the finding stands (and the expiry is reported below)
            reason = f"config: {sup.reason}" + (f" (until {sup.expires})" if sup.expires else "")
        reason = reason or inline.get(finding.rule.id)
        result.append(replace(finding, suppressed_by=reason) if reason else finding)
    return result


def expired_suppressions(config: Config, today: dt.date) -> list[Problem]:
    return [Problem(config.path or ".vana-audit.yml",
                    f"suppression of {s.rule} expired on {s.expires}: {s.reason}")
            for s in config.suppressions if s.expires and dt.date.fromisoformat(s.expires) < today]


def _inline_ignores(findings: list[Finding], source: Source) -> dict[str, str]:
    marks: dict[str, str] = {}
    for finding in findings:
        if finding.outcome not in (Outcome.FAIL, Outcome.PARTIAL):
            continue
        for item in finding.evidence:
            if not item.line or not source.exists(item.path):
                continue
            text = source.read_text(item.path) or ""
            lines = text.splitlines()
            window = lines[max(0, item.line - 2): item.line + 1]
            token = f"vana-audit: ignore[{finding.rule.id}]"
            for line in window:
                if token in line:
                    marks[finding.rule.id] = "inline: " + (line.split(token, 1)[1].strip() or "no reason given")
    return marks


def scan(path: Path, *, ref: str | None = None, config_path: Path | None = None,
         rules: list[Rule] | None = None, with_history: bool = True, progress: Progress | None = None,
         now: str | None = None, dora_year: int | None = None, window_days: int | None = None) -> ScanResult:
    """Scan a repository. Raises source.TargetError / config.ConfigError / engine.RuleLoadError."""
    say = progress or (lambda _msg: None)
    source = open_source(path, ref)
    config = find_config(config_path, lambda name: source.read_text(name) if source.exists(name) else None)
    if config.max_file_bytes and config.max_file_bytes != DEFAULT_MAX_FILE_BYTES:
        source.max_file_bytes = config.max_file_bytes
    excludes = (DEFAULT_EXCLUDES if config.default_excludes else ()) + config.exclude
    say(f"listing files in {source.label}")
    say(f"reading {len(source.files)} files")
    facts = collect_facts(source, excludes, config.profile)
    dora: dict = {}
    if with_history and source.git is not None:
        say("reading git history")
        from .history import analyse_history

        facts.history = analyse_history(source.git, window_days=window_days or config.dora_window_days,
                                        problems=source.problems)
    if rules is None:
        rules = load_rules([Path(d) if Path(d).is_absolute() else path / d for d in config.rules_dirs])
    say(f"running {len(rules)} rules")
    findings = run_rules(rules, facts, config.disable)
    generated = now or _now()
    today = dt.date.fromisoformat(generated[:10])
    findings = apply_suppressions(findings, config, facts, source, today)
    from .history.readiness import build_dora

    dora = build_dora(facts, year=dora_year or config.dora_year)
    categories, overall = score_all(findings, config.weights)
    problems = tuple(source.problems) + tuple(expired_suppressions(config, today))
    git = source.git
    target = Target(path=str(path), ref=ref or (git.ref if git else None), head_sha=git.head_sha if git else None,
                    is_git=git is not None, is_shallow=bool(git and git.is_shallow))
    if hasattr(source, "close"):
        source.close()  # type: ignore[attr-defined]
    return ScanResult(
        target=target, generated_at=generated, score=overall, categories=tuple(categories),
        findings=tuple(sorted(findings, key=_finding_order)), inventory=build_inventory(facts), dora=dora,
        problems=_unique(problems), profile={"name": facts.profile, "reasons": facts.profile_reasons,
                                              "excluded_patterns": list(excludes)},
        rules=tuple(r.meta for r in rules),
    )


def _finding_order(f: Finding) -> tuple:
    return (list(type(f.rule.category)).index(f.rule.category), f.rule.level, f.rule.id)


def _unique(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
    return tuple(dict.fromkeys(problems))


def finding_evidence_text(e: Evidence) -> str:
    return e.location() + (f" — {e.snippet}" if e.snippet else "")


__all__ = ["scan", "__version__"]
