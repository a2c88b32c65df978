"""One scan, end to end: Source -> facts -> rules -> scores -> an immutable ScanResult."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .background import Background
from .collectors import DEFAULT_EXCLUDES, collect_facts, exclusion_summary, read_secrets
from .config import Config, find_config, rule_dirs
from .engine import Rule, load_rules, rules_at_ref, run_rules
from .facts import Facts, SecretHit
from .gitcmd import time_budget
from .identity import repository_name
from .inventory import build_inventory
from .model import Finding, Problem, ScanResult, Target
from .redaction import redact_result
from .results import DoraResult, Inventory, Profile, ReportTargets
from .scoring import score_all
from .signal_defs.stack import detect_stack
from .signals import Signals
from .source import DEFAULT_MAX_FILE_BYTES, GitRefSource, Source, WorkingTreeSource, open_source
from .suppressions import apply_suppressions, locate_suppressions, suppression_problems
from .userfiles import UnreadableFile, read_regular_text

if TYPE_CHECKING:
    from .history import HistoryFacts

Progress = Callable[[str], None]


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@time_budget()
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
    """Scan a repository. Raises source.TargetError / config.ConfigError / engine.RuleLoadError.

    All its git calls share one time budget (gitcmd.time_budget)."""
    try:
        return _scan(path, ref=ref, config_path=config_path, rules=rules, with_history=with_history,
                     progress=progress, now=now, dora_year=dora_year, window_days=window_days)
    except BaseException:
        finish = getattr(progress, "finish", None)
        if finish:
            finish()  # an error message starts on a clean line
        raise


def dora_section(facts: Facts, year: int = 2024, git: Any = None) -> DoraResult:
    """The `dora` object of a scan: readiness reads signals, computed here and passed in (the history
    layer does not import the signals layer)."""
    from .history.readiness import READINESS_SIGNALS, build_dora

    signals = Signals(facts)
    return build_dora(facts, {name: signals[name].evidence for name in READINESS_SIGNALS}, year=year, git=git)


def _scan(
    path: Path,
    *,
    ref: str | None,
    config_path: Path | None,
    rules: list[Rule] | None,
    with_history: bool,
    progress: Progress | None,
    now: str | None,
    dora_year: int | None,
    window_days: int | None,
) -> ScanResult:
    say = progress or (lambda _msg: None)
    source = open_source(path, ref)
    config = find_config(config_path, lambda name: source.read_text(name) if source.exists(name) else None)
    if config.max_file_bytes and config.max_file_bytes != DEFAULT_MAX_FILE_BYTES:
        source.max_file_bytes = config.max_file_bytes
    excludes = (DEFAULT_EXCLUDES if config.default_excludes else ()) + config.exclude
    say(f"listing files in {source.label}")
    files_listed = len(source.files)  # listed once, before the fork, for both processes
    count = getattr(progress, "count", None)  # a terminal's progress line also shows counts
    days = window_days or config.dora_window_days
    background = _Background(source, days if with_history else None, ref is not None)
    try:
        say(f"reading {files_listed:,} files" + (" and the git history" if with_history and source.git else ""))
        if count:
            source.on_read = _counter(count, "reading files")
        collected = collect_facts(source, excludes, config.profile, scan_secrets=not background.secrets_elsewhere)
        generated = now or _now()
        today = dt.date.fromisoformat(generated[:10])
        config_text = _config_text(config, config_path, source)
        if rules is None:
            rules = _rules_for(config, config_path, source, path)
        # The facts are complete from here on: nothing changes them once rules read them.
        history, secrets = background.late_facts()
        facts = collected.completed(suppressions=locate_suppressions(config, config_text),
                                    scan_date=today.isoformat(), history=history, secrets=secrets)
    finally:
        background.cancel()
    source.on_read = None
    say(f"running {len(rules)} rules")
    findings = run_rules(rules, facts, config.disable,
                         on_rule=_counter(count, "rules", len(rules)) if count else None)
    findings = apply_suppressions(findings, facts.suppressions, _reader(source), today)
    dora = dora_section(facts, year=dora_year or config.dora_year, git=source.git)
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
        name=repository_name(path, git.git_dir if git else None),
    )
    inventory = build_inventory(facts)
    present = _present_paths(source, findings, problems, inventory)
    if hasattr(source, "close"):
        source.close()
    finish = getattr(progress, "finish", None)
    if finish:
        finish(f"scanned {files_listed:,} files with {len(findings)} rules")
    # Secrets are hidden here, once, in every string of the result (names and refs too), so nothing
    # that reads a result (renderers, history, batch, diff, trend) needs to redact it again.
    return redact_result(ScanResult(
        target=target,
        generated_at=generated,
        score=overall,
        categories=tuple(categories),
        findings=tuple(sorted(findings, key=_finding_order)),
        inventory=inventory,
        dora=dora,
        problems=_unique(problems),
        profile=Profile(
            name=facts.profile,
            stack=detect_stack(facts),  # which example of each rule the report shows
            reasons=tuple(facts.profile_reasons),
            members=tuple(facts.profile_members),
            excluded_patterns=tuple(excludes),
            excluded_files=len(facts.all_files) - len(facts.files),
            excluded=tuple(exclusion_summary(facts.all_files, facts.files, excludes)),
        ),
        rules=tuple(r.meta for r in rules),
        report_targets=ReportTargets(
            overall=config.target_overall,
            categories=config.target_categories,
            capacity_days_per_week=config.capacity_days_per_week,
        ),
        present_paths=present,
    ))


def _counter(count: Callable[..., None], label: str, total: int | None = None) -> Callable[..., None]:
    """A callback that counts its calls onto the progress line ("label… 1,234" or "label 87/160")."""
    done = [0]

    def tick(*_args: object) -> None:
        done[0] += 1
        count(label, min(done[0], total) if total is not None else done[0], total)

    return tick


def _present_paths(source: Source, findings: list[Finding], problems: tuple[Problem, ...],
                   inventory: Inventory) -> frozenset[str]:
    """The files named by the result that are in the scanned tree (and, for a working tree, on disk:
    a tracked file deleted since is listed by git but not there)."""
    named = {e.path for f in findings for e in f.evidence} | {p.path for p in problems}
    named |= set(inventory.docs)
    root = source.root if isinstance(source, WorkingTreeSource) else None
    return frozenset(p for p in named if source.exists(p) and (root is None or (root / p).is_file()))


@dataclass
class _Independent:
    """Work that needs nothing the collectors produce: the git history and the secret scan."""

    history: HistoryFacts | None
    secrets: list[SecretHit] | None
    problems: list[Problem]


def _independent_work(source: Source, history_days: int | None, as_of_head: bool, secrets: bool) -> _Independent:
    from .history import analyse_history

    recorded = len(source.problems)
    history = None
    if history_days is not None and source.git is not None:
        history = analyse_history(source.git, window_days=history_days, problems=source.problems, as_of_head=as_of_head)
    hits = read_secrets(source) if secrets else None
    problems = source.problems[recorded:]
    del source.problems[recorded:]  # handed over once, whether this ran in the child or here
    return _Independent(history, hits, problems)


class _Background:
    """The independent work, on the second core while the parent reads files and runs collectors.

    Reading blobs of a commit goes through one shared `git cat-file` process that a forked child must
    not talk to, so for a `--ref` scan only the history (plain `git log`) moves to the child.
    """

    def __init__(self, source: Source, history_days: int | None, as_of_head: bool) -> None:
        self._source = source
        self.secrets_elsewhere = isinstance(source, WorkingTreeSource)
        wanted = self.secrets_elsewhere or (history_days is not None and source.git is not None)
        work = partial(_independent_work, source, history_days, as_of_head, self.secrets_elsewhere)
        self._job = Background(work, fork=wanted)
        self._done: _Independent | None = None

    def _result(self) -> _Independent:
        if self._done is None:
            self._done = self._job.result()
            self._source.problems.extend(self._done.problems)
        return self._done

    def late_facts(self) -> tuple[HistoryFacts | None, list[SecretHit] | None]:
        """Wait for the child (or do its work here): the history and, when it read them, the secrets."""
        done = self._result()
        return done.history, (done.secrets or []) if self.secrets_elsewhere else None

    def cancel(self) -> None:
        self._job.cancel()


def _rules_for(config: Config, config_path: Path | None, source: Source, path: Path) -> list[Rule]:
    """The rules to run: the built-in ones and the configured folders. Folders named in a `--config
    FILE` are the user's (anywhere on disk); folders named by the repository's own configuration are
    read where that configuration was: at the scanned ref, or confined to the working tree."""
    if config_path is not None:
        return load_rules(rule_dirs(config, path))
    if isinstance(source, GitRefSource):
        return load_rules(extra_rules=rules_at_ref(source, config.rules_dirs))
    return load_rules(rule_dirs(config, path), inside=path)


def _config_text(config: Config, explicit: Path | None, source: Source) -> str | None:
    """The configuration's text, to cite the line of a suppression."""
    if explicit is not None:
        try:
            return read_regular_text(explicit)
        except UnreadableFile:
            return None
    return source.read_text(config.path) if config.path and source.exists(config.path) else None


def _reader(source: Source) -> Callable[[str], str | None]:
    return lambda path: source.read_text(path) if source.exists(path) else None


def _finding_order(f: Finding) -> tuple[int, int, str]:
    return (list(type(f.rule.category)).index(f.rule.category), f.rule.level, f.rule.id)


def _unique(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
    return tuple(dict.fromkeys(problems))
