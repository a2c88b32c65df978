"""The rule engine: load declarative YAML rules and Python rules, run each in isolation."""
from __future__ import annotations

import functools
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import parse_cache, safe_yaml, schema_errors
from .checks import builtin_python_rules
from .facts import Facts
from .model import (
    ALL_PROFILES,
    Category,
    Confidence,
    Evidence,
    Finding,
    Outcome,
    Priority,
    RuleDocs,
    RuleMeta,
    Severity,
)
from .rule_api import Rule as Rule  # re-exported: plugins and tests ask the engine for them
from .rule_api import RuleResult as RuleResult
from .signals import REGISTRY, Signal, Signals, UnknownSignal
from .source import Source
from .userfiles import UnreadableFile, read_regular_bytes

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

ENTRY_POINT_GROUP = "vana_audit.rules"
RULE_TIME_BUDGET_S = 2.0


class RuleLoadError(Exception):
    """A rule file or plugin is broken; the message names the file (or distribution) and the JSON path."""


# -- declarative rules -------------------------------------------------------------------------------------

Expr = dict[str, Any]


def evaluate_expr(expr: Expr, signals: Signals, profile: str | Iterable[str]) -> tuple[bool, list[Evidence]]:
    """`profile` is the repository's profile, or every profile it holds (its own and its members')."""
    ok, evidence, _ = judge(expr, signals, profile)
    return ok, evidence


def judge(expr: Expr, signals: Signals, profile: str | Iterable[str]) -> tuple[bool, list[Evidence], Confidence]:
    """`evaluate_expr` with the confidence of the result: that of the signals that decided it. A true
    `any` is as sure as its surest true branch, a false one as its least sure branch; a true `all` as
    its least sure part, a false one as the part that failed; `not` as what it negates."""
    if "all" in expr:
        evidence: list[Evidence] = []
        confidence = Confidence.HIGH
        for sub in expr["all"]:
            ok, sub_evidence, sub_confidence = judge(sub, signals, profile)
            if not ok:
                return False, [], sub_confidence
            evidence += sub_evidence
            confidence = _least(confidence, sub_confidence)
        return True, evidence, confidence
    if "any" in expr:
        results = [judge(sub, signals, profile) for sub in expr["any"]]
        evidence = [e for ok, ev, _ in results if ok for e in ev]
        if any(ok for ok, _, _ in results):
            sure = any(c is Confidence.HIGH for ok, _, c in results if ok)
            return True, evidence, Confidence.HIGH if sure else Confidence.LOW
        unsure = any(c is Confidence.LOW for _, _, c in results)
        return False, evidence, Confidence.LOW if unsure else Confidence.HIGH
    if "not" in expr:
        ok, _, confidence = judge(expr["not"], signals, profile)
        return not ok, [], confidence
    if "profile" in expr:
        held = {profile} if isinstance(profile, str) else set(profile)
        return bool(held & set(expr["profile"])), [], Confidence.HIGH
    sig = signals[expr["signal"]]
    if "min" in expr or "max" in expr:
        value = sig.value if isinstance(sig.value, (int, float)) else len(sig.value or ())
        ok = value >= expr.get("min", float("-inf")) and value <= expr.get("max", float("inf"))
    else:
        ok = sig.truthy
    return ok, list(sig.evidence) if ok else [], sig.confidence


def _least(*confidences: Confidence) -> Confidence:
    return Confidence.LOW if Confidence.LOW in confidences else Confidence.HIGH


def signals_in(expr: Any) -> Iterable[str]:
    if isinstance(expr, dict):
        if "signal" in expr:
            yield expr["signal"]
        for value in expr.values():
            if isinstance(value, (dict, list)):
                yield from signals_in(value)
    elif isinstance(expr, list):
        for item in expr:
            yield from signals_in(item)


def _dedupe(evidence: Iterable[Evidence], limit: int = 8) -> tuple[Evidence, ...]:
    seen: dict[tuple[str, int | None, str], Evidence] = {}
    for item in evidence:
        seen.setdefault((item.path, item.line, item.snippet), item)
    return tuple(list(seen.values())[:limit])


def held_profiles(facts: Facts) -> tuple[str, ...]:
    """The repository's profile, then its members' (a workspace holds the kinds of its members)."""
    held = [facts.profile] + [m.profile for m in facts.profile_members]
    return tuple(dict.fromkeys(p for p in held if p))


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def applies_to(meta: RuleMeta, facts: Facts) -> tuple[bool, str]:
    """Whether a rule applies to the repository, and, when it applies only through a member, a note
    naming that member ("member apps/api is a service"); when it does not apply, why not."""
    if facts.profile in meta.profiles:
        return True, ""
    member = next((m for m in facts.profile_members if m.profile in meta.profiles), None)
    if member is not None:
        where = "the top level" if member.path == "." else f"member {member.path}"
        return True, f"applies because {where} is {_article(member.profile)} {member.profile}"
    if facts.profile == "unknown":
        return False, ("does not apply: nothing says what kind of repository this is "
                       f"(set `profile:` in configuration to judge it as {_article(meta.profiles[0])} "
                       f"{meta.profiles[0]})")
    kinds = sorted({m.profile for m in facts.profile_members} - {"unknown"})
    return False, (f"does not apply to {_article(facts.profile)} {facts.profile} repository"
                   + (f" (its members are {', '.join(kinds)})" if kinds else ""))


@dataclass(frozen=True)
class DeclarativeRule:
    meta: RuleMeta
    spec: dict[str, Any]

    def evaluate(self, facts: Facts, signals: Signals) -> RuleResult:
        result = self._evaluate(facts, signals)
        if "demote_if" in self.spec and result.outcome in (Outcome.FAIL, Outcome.PARTIAL):
            covered, evidence, _ = judge(self.spec["demote_if"], signals, held_profiles(facts))
            if covered:  # the gap is real but something else covers most of it: one priority lower, said why
                result = replace(result, demoted=True, message=f"{result.message}; {self.spec['demote_note']}",
                                 evidence=_dedupe(result.evidence + tuple(evidence)[:2]))
        applies, note = applies_to(self.meta, facts)
        if applies and "sample" in self.spec:
            sample = signals[self.spec["sample"]].evidence
            if sample:  # the sample a verdict rests on, stated in the message ("40 commits in the last 90 days")
                result = replace(result, message=f"{result.message} ({sample[0].snippet})")
        if note and applies and result.outcome is not Outcome.NOT_APPLICABLE:
            return replace(result, message=f"{result.message} ({note})")
        return result

    def _evaluate(self, facts: Facts, signals: Signals) -> RuleResult:
        """The outcome, and its confidence: that of the expressions that decided it (`applies_if`, then
        `fail_if`, or `pass_if` and `partial_if`); `context` only adds evidence."""
        spec, profile = self.spec, held_profiles(facts)
        applies, why_not = applies_to(self.meta, facts)
        if not applies:
            return RuleResult(Outcome.NOT_APPLICABLE, why_not)
        applies_confidence = Confidence.HIGH
        if "applies_if" in spec:
            applies, _, applies_confidence = judge(spec["applies_if"], signals, profile)
            if not applies:
                return RuleResult(Outcome.NOT_APPLICABLE, spec.get("na_message", "nothing this rule checks is present"),
                                  confidence=applies_confidence)
        context: list[Evidence] = [e for name in spec.get("context", []) for e in signals[name].evidence]
        if "fail_if" in spec:
            failing, evidence, confidence = judge(spec["fail_if"], signals, profile)
            confidence = _least(applies_confidence, confidence)
            if failing:
                return RuleResult(Outcome.FAIL, spec["fail_message"], _dedupe(evidence + context), confidence)
            return RuleResult(Outcome.PASS, spec["pass_message"], _dedupe(context), confidence)
        passing, evidence, confidence = judge(spec["pass_if"], signals, profile)
        confidence = _least(applies_confidence, confidence)
        if passing:
            return RuleResult(Outcome.PASS, spec["pass_message"], _dedupe(evidence), confidence)
        if "partial_if" in spec:
            partial, partial_evidence, partial_confidence = judge(spec["partial_if"], signals, profile)
            if partial:
                return RuleResult(Outcome.PARTIAL, spec.get("partial_message", spec["fail_message"]),
                                  _dedupe(partial_evidence + context), _least(confidence, partial_confidence))
        return RuleResult(Outcome.FAIL, spec["fail_message"], _dedupe(context), confidence)


# -- loading ----------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _rule_validator() -> Draft202012Validator:
    import jsonschema  # only custom rule files are validated at scan time: a scan of the catalog skips the import

    return jsonschema.Draft202012Validator(_rule_schema())


def _rule_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        resources.files("vana_audit").joinpath("schemas/rule.schema.json").read_text("utf-8")
    )
    return schema


def builtin_rules_dir() -> Path:
    """The catalog shipped in the wheel (vana_audit/catalog), or rules/ beside the package in a checkout."""
    packaged = Path(str(resources.files("vana_audit"))) / "catalog"
    if packaged.is_dir() and any(packaged.glob("*.yaml")):
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def meta_from_spec(spec: dict[str, Any], source: str) -> RuleMeta:
    docs = spec["docs"]
    return RuleMeta(
        id=spec["id"], title=spec["title"], category=Category(spec["category"]), level=spec["level"],
        weight=float(spec["weight"]), severity=Severity(spec["severity"]), priority=Priority(spec["priority"]),
        effort_days=(float(spec["effort_days"][0]), float(spec["effort_days"][1])),
        remediation=spec["remediation"].strip(),
        docs=RuleDocs(docs["what"].strip(), docs["why"].strip(), docs["how"].strip(), docs["example"].rstrip(),
                      tuple(docs["references"]),
                      tuple((stack, text.rstrip()) for stack, text in sorted(docs.get("examples", {}).items())),
                      docs.get("example_stack", "")),
        profiles=tuple(spec.get("profiles", ALL_PROFILES)),
        tags=tuple(spec.get("tags", ())), files_to_create=tuple(spec.get("files_to_create", ())),
        impact=spec.get("impact", ""), source=source,
        remediations=tuple((stack, text.strip()) for stack, text in sorted(spec.get("remediations", {}).items())),
        ecosystem=spec.get("ecosystem", ""),
        demote_note=str(spec.get("demote_note", "")),
        reads_history=any(name.startswith(HISTORY_SIGNALS) for name in _signals_read(spec)),
    )


HISTORY_SIGNALS = "history."


def _signals_read(spec: dict[str, Any]) -> list[str]:
    """Every signal a rule's expressions, context and sample name."""
    names = list(signals_in({k: v for k, v in spec.items() if k in ("applies_if", "pass_if", "fail_if", "partial_if")}))
    return names + list(spec.get("context", [])) + ([spec["sample"]] if "sample" in spec else [])


def _parse_yaml(raw: bytes) -> Any:
    return safe_yaml.load(raw.decode("utf-8"))  # bounded before anything is built (the cache json.dumps it)


def load_rule_file(path: Path, validate: bool = True) -> list[DeclarativeRule]:
    """Rules of one YAML file. `validate=False` is only for the shipped catalog, which the test
    suite validates against the schema; a team's own rules are always validated."""
    try:
        raw = read_regular_bytes(path)
    except UnreadableFile as exc:
        raise RuleLoadError(str(exc)) from exc
    return rules_from_bytes(raw, str(path), validate)


def rules_from_bytes(raw: bytes, origin: str, validate: bool = True) -> list[DeclarativeRule]:
    """Rules of one YAML document named `origin` in messages (a file path, or a path at a git ref)."""
    path = Path(origin)
    try:
        data = parse_cache.parsed(raw, _parse_yaml)
    except UnicodeDecodeError as exc:
        raise RuleLoadError(f"{path}: not UTF-8 text") from exc
    except Exception as exc:  # yaml.YAMLError, YamlTooComplex, a value that does not fit its tag
        raise RuleLoadError(f"{path}: {safe_yaml.describe_error(exc)}") from exc
    error = schema_errors.first_error(_rule_validator(), data) if validate else None
    if error:
        raise RuleLoadError(f"{path}: {error}")
    rules = []
    for index, spec in enumerate(data["rules"]):
        for name in signals_in({k: v for k, v in spec.items()
                                if k in ("applies_if", "pass_if", "fail_if", "partial_if")}):
            if name not in REGISTRY:
                raise RuleLoadError(f"{path}: $.rules[{index}]: unknown signal {name!r}")
        for name in spec.get("context", []) + ([spec["sample"]] if "sample" in spec else []):
            if name not in REGISTRY:
                raise RuleLoadError(f"{path}: $.rules[{index}].context: unknown signal {name!r}")
        rules.append(DeclarativeRule(meta_from_spec(spec, str(path.name)), spec))
    return rules


def load_rule_dir(directory: Path, validate: bool = True, inside: Path | None = None) -> list[DeclarativeRule]:
    """Rules of every `*.yaml`/`*.yml` file in the folder. With `inside` (the scanned repository, for
    folders its own configuration names), the folder and each file must really be in it."""
    if inside is not None:
        directory = _really_inside(directory, inside)
    if not directory.is_dir():
        raise RuleLoadError(f"{directory}: not a directory")
    rules: list[DeclarativeRule] = []
    for path in sorted(directory.glob("*.y*ml")):
        rules.extend(load_rule_file(_really_inside(path, inside) if inside is not None else path, validate))
    return rules


def _really_inside(path: Path, root: Path) -> Path:
    """The real path of `path` (symlinks followed, `..` resolved), which must lie in `root`."""
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(os.path.realpath(root)):
        raise RuleLoadError(f"{path}: outside the repository, not followed (rule folders the repository's "
                            "configuration names must be in the repository)")
    return real


def load_plugin_rules() -> list[Rule]:
    """Rules from the `vana_audit.rules` entry-point group; a broken plugin names its distribution."""
    rules: list[Rule] = []
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if entry_point.value.startswith("vana_audit."):
            continue  # our own Python rules are loaded directly, installed or not
        dist = getattr(entry_point.dist, "name", "?")
        try:
            provided = entry_point.load()()
        except Exception as exc:
            raise RuleLoadError(f"rule plugin {entry_point.name!r} from distribution {dist!r} failed to load: "
                                f"{type(exc).__name__}: {exc}") from exc
        rules.extend(provided if isinstance(provided, (list, tuple)) else [provided])
    return rules


def rules_at_ref(source: Source, folders: Iterable[str]) -> list[DeclarativeRule]:
    """Rules of the `*.yaml`/`*.yml` files directly in each folder, as committed at the scanned ref
    (a `--ref` scan or a bare repository): the folders the repository's configuration names are read
    from the same commit as the configuration, never from a working tree."""
    rules: list[DeclarativeRule] = []
    for folder in folders:
        prefix = folder.strip("/").removeprefix("./")
        if folder.startswith("/") or ".." in prefix.split("/"):
            raise RuleLoadError(f"{folder}: outside the repository, not followed (rule folders the repository's "
                                "configuration names must be in the repository)")
        names = [p for p in source.files if p.rpartition("/")[0] == prefix and p.endswith((".yaml", ".yml"))]
        if not names:
            raise RuleLoadError(f"{folder}: no rule files there at {source.label}")
        for name in names:
            raw = source.read_bytes(name)
            if raw is None:
                raise RuleLoadError(f"{name}: cannot be read at {source.label}")
            rules.extend(rules_from_bytes(raw, name))
    return rules


def load_rules(extra_dirs: Iterable[Path] = (), plugins: bool = True, inside: Path | None = None,
               extra_rules: Iterable[Rule] = ()) -> list[Rule]:
    """The catalog, the Python rules, the rules of `extra_dirs` (each confined to `inside` when given,
    see `load_rule_dir`), `extra_rules` already loaded (`rules_at_ref`) and the plugins' rules."""
    rules: list[Rule] = [*load_rule_dir(builtin_rules_dir(), validate=False), *builtin_python_rules()]
    for directory in extra_dirs:
        rules.extend(load_rule_dir(directory, inside=inside))
    rules.extend(extra_rules)
    if plugins:
        rules.extend(load_plugin_rules())
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.meta.id in seen:
            raise RuleLoadError(f"duplicate rule id {rule.meta.id} in {rule.meta.source} and {seen[rule.meta.id]}")
        seen[rule.meta.id] = rule.meta.source
    return rules


# -- running ----------------------------------------------------------------------------------------------

class RuleTimeout(BaseException):
    """Raised inside a rule whose time budget ran out. A BaseException, like KeyboardInterrupt,
    so that a rule's own `except Exception` cannot swallow it."""

    def __init__(self, message: str = "", signal_name: str | None = None) -> None:
        super().__init__(message)
        self.signal_name = signal_name


_armed = False  # the alarm handler raises only while a deadline is armed: a late alarm is ignored


def _on_alarm(signum: int, frame: Any) -> None:
    if _armed:
        raise RuleTimeout()


@contextmanager
def _deadline(seconds: float) -> Iterator[bool]:
    """Interrupt the code in the block with RuleTimeout after `seconds`, where a timer signal can:
    the main thread, with no SIGALRM handler or timer of someone else (a host application, a test
    timeout) in place. Elsewhere nothing is armed and overruns are caught after the fact."""
    global _armed
    usable = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and not _armed and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None)
              and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0))
    if not usable:
        yield False
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _armed = True
    # Keep firing every 50 ms past the budget, in case the first one lands where it is swallowed.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    try:
        yield True
    finally:
        _armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class BudgetedSignals(Signals):
    """Signals that remember a computation which ran out of time, so that the next rule asking
    for it stops at once instead of spending its own budget on the same runaway work."""

    def __init__(self, facts: Facts, budget_s: float = RULE_TIME_BUDGET_S) -> None:
        super().__init__(facts)
        self.budget_s = budget_s
        self.timed_out: dict[str, str] = {}  # signal -> rule during which it ran out of time
        self.current_rule = ""

    def __getitem__(self, name: str) -> Signal:
        if name in self._cache:
            return self._cache[name]
        if name in self.timed_out:
            raise RuleTimeout(f"signal {name} ran out of time earlier, in rule {self.timed_out[name]}", name)
        started = time.perf_counter()
        try:
            return super().__getitem__(name)
        except RuleTimeout as exc:
            exc.signal_name = exc.signal_name or name  # the innermost signal names the runaway work
            if time.perf_counter() - started >= self.budget_s / 2:  # not just the tail of a slow rule
                self.timed_out.setdefault(name, self.current_rule)
            raise


def run_rule(rule: Rule, facts: Facts, signals: Signals, budget_s: float = RULE_TIME_BUDGET_S) -> Finding:
    """One rule, isolated: an exception or an overrun becomes an `error` outcome naming the rule.

    The budget is enforced while the rule runs where a timer signal is available (see `_deadline`),
    and checked after the fact everywhere."""
    started = time.perf_counter()
    if isinstance(signals, BudgetedSignals):
        signals.current_rule = rule.meta.id
    try:
        with _deadline(budget_s):
            result = rule.evaluate(facts, signals)
    except RuleTimeout as exc:
        reason = str(exc) or (f"while computing signal {exc.signal_name}" if exc.signal_name else "")
        result = RuleResult(Outcome.ERROR, f"rule {rule.meta.id} stopped: over its {budget_s:g}s time budget"
                                           + (f" ({reason})" if reason else ""))
    except UnknownSignal as exc:
        result = RuleResult(Outcome.ERROR, f"rule {rule.meta.id} uses an unknown signal {exc}")
    except Exception as exc:  # noqa: BLE001 - isolation is the point
        result = RuleResult(Outcome.ERROR, f"rule {rule.meta.id} raised {type(exc).__name__}: {exc}")
    elapsed = time.perf_counter() - started
    if elapsed > budget_s and result.outcome is not Outcome.ERROR:
        result = RuleResult(Outcome.ERROR, f"rule {rule.meta.id} took {elapsed:.1f}s, over its {budget_s:g}s budget")
    return Finding(rule.meta, result.outcome, result.message, result.evidence,
                   confidence=getattr(result, "confidence", Confidence.HIGH), demoted=getattr(result, "demoted", False))


def run_rules(rules: Iterable[Rule], facts: Facts, disabled: Iterable[str] = (),
              on_rule: Callable[[str], None] | None = None, budget_s: float = RULE_TIME_BUDGET_S) -> list[Finding]:
    signals = BudgetedSignals(facts, budget_s)
    disabled = set(disabled)
    findings = []
    for rule in rules:
        if rule.meta.id in disabled:
            continue
        if on_rule:
            on_rule(rule.meta.id)
        findings.append(run_rule(rule, facts, signals, budget_s))
    return findings
