"""One scan, end to end: Source -> facts -> rules -> scores -> an immutable ScanResult."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .background import Background
from .collectors import DEFAULT_EXCLUDES, collect_facts, exclusion_summary
from .config import Config, find_config
from .engine import Rule, load_rules, run_rules
from .inventory import build_inventory
from .model import Finding, Problem, ScanResult, Target
from .scoring import score_all
from .source import DEFAULT_MAX_FILE_BYTES, GitInfo, Source, open_source
from .suppressions import apply_suppressions, locate_suppressions, suppression_problems

if TYPE_CHECKING:
    from .history import HistoryFacts

Progress = Callable[[str], None]


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def scan(
    path: Path,
    *,
    ref: str | None = None,
    config_path: Path | None = None,
    rules: list[Rule] | None = None,
    with_history: bool = True,
    progress: Progress | None = None,
    now: str | None = None,
    dora_year: int | None = None,
    window_days: int | None = None,
) -> ScanResult:
    """Scan a repository. Raises source.TargetError / config.ConfigError / engine.RuleLoadError."""
    say = progress or (lambda _msg: None)
    source = open_source(path, ref)
    config = find_config(config_path, lambda name: source.read_text(name) if source.exists(name) else None)
    if config.max_file_bytes and config.max_file_bytes != DEFAULT_MAX_FILE_BYTES:
        source.max_file_bytes = config.max_file_bytes
    excludes = (DEFAULT_EXCLUDES if config.default_excludes else ()) + config.exclude
    history = None
    if with_history and source.git is not None:
        say("reading git history")
        # On its own core while the files are read: it needs nothing the collectors produce.
        days = window_days or config.dora_window_days
        history = Background(partial(_analyse_history, source.git, days, ref is not None))
    try:
        say(f"listing files in {source.label}")
        say(f"reading {len(source.files)} files")
        facts = collect_facts(source, excludes, config.profile)
        generated = now or _now()
        today = dt.date.fromisoformat(generated[:10])
        config_text = _config_text(config, config_path, source)
        facts.suppressions = locate_suppressions(config, config_text)
        facts.scan_date = today.isoformat()
        if rules is None:
            rules = load_rules([Path(d) if Path(d).is_absolute() else path / d for d in config.rules_dirs])
        if history is not None:
            facts.history, history_problems = history.result()
            source.problems.extend(history_problems)
    finally:
        if history is not None:
            history.cancel()
    say(f"running {len(rules)} rules")
    findings = run_rules(rules, facts, config.disable)
    findings = apply_suppressions(findings, facts.suppressions, _reader(source), today)
    from .history.readiness import build_dora

    dora = build_dora(facts, year=dora_year or config.dora_year)
    categories, overall = score_all(findings, config.weights)
    problems = tuple(source.problems) + tuple(
        suppression_problems(facts.suppressions, findings, [r.meta.id for r in rules], today)
    )
    git = source.git
    target = Target(
        path=str(path),
        ref=ref or (git.ref if git else None),
        head_sha=git.head_sha if git else None,
        is_git=git is not None,
        is_shallow=bool(git and git.is_shallow),
    )
    if hasattr(source, "close"):
        source.close()  # type: ignore[attr-defined]
    return ScanResult(
        target=target,
        generated_at=generated,
        score=overall,
        categories=tuple(categories),
        findings=tuple(sorted(findings, key=_finding_order)),
        inventory=build_inventory(facts),
        dora=dora,
        problems=_unique(problems),
        profile={
            "name": facts.profile,
            "reasons": facts.profile_reasons,
            "excluded_patterns": list(excludes),
            "excluded_files": len(facts.all_files) - len(facts.files),
            "excluded": exclusion_summary(facts.all_files, facts.files, excludes),
        },
        rules=tuple(r.meta for r in rules),
        report_targets={
            "overall": config.target_overall,
            "categories": config.target_categories,
            "capacity_days_per_week": config.capacity_days_per_week,
        },
    )


def _analyse_history(git: GitInfo, window_days: int, as_of_head: bool) -> tuple[HistoryFacts | None, list[Problem]]:
    from .history import analyse_history

    problems: list[Problem] = []
    return analyse_history(git, window_days=window_days, problems=problems, as_of_head=as_of_head), problems


def _config_text(config: Config, explicit: Path | None, source: Source) -> str | None:
    """The configuration's text, to cite the line of a suppression."""
    if explicit is not None:
        try:
            return explicit.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
    return source.read_text(config.path) if config.path and source.exists(config.path) else None


def _reader(source: Source) -> Callable[[str], str | None]:
    return lambda path: source.read_text(path) if source.exists(path) else None


def _finding_order(f: Finding) -> tuple:
    return (list(type(f.rule.category)).index(f.rule.category), f.rule.level, f.rule.id)


def _unique(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
    return tuple(dict.fromkeys(problems))
