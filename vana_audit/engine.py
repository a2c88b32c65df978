"""The rule engine: load declarative YAML rules and Python rules, run each in isolation."""
from __future__ import annotations

import functools
import json
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Protocol

import yaml

from . import parse_cache
from .facts import Facts
from .model import Category, Evidence, Finding, Outcome, Priority, RuleDocs, RuleMeta, Severity
from .signals import REGISTRY, Signal, Signals, UnknownSignal

ENTRY_POINT_GROUP = "vana_audit.rules"
RULE_TIME_BUDGET_S = 2.0


class RuleLoadError(Exception):
    """A rule file or plugin is broken; the message names the file (or distribution) and the JSON path."""


@dataclass(frozen=True)
class RuleResult:
    outcome: Outcome
    message: str
    evidence: tuple[Evidence, ...] = ()


class Rule(Protocol):
    @property
    def meta(self) -> RuleMeta: ...

    def evaluate(self, facts: Facts, signals: Signals) -> RuleResult: ...


# -- declarative rules -------------------------------------------------------------------------------------

Expr = dict[str, Any]


def evaluate_expr(expr: Expr, signals: Signals, profile: str) -> tuple[bool, list[Evidence]]:
    if "all" in expr:
        evidence: list[Evidence] = []
        for sub in expr["all"]:
            ok, sub_evidence = evaluate_expr(sub, signals, profile)
            if not ok:
                return False, []
            evidence += sub_evidence
        return True, evidence
    if "any" in expr:
        results = [evaluate_expr(sub, signals, profile) for sub in expr["any"]]
        evidence = [e for ok, ev in results if ok for e in ev]
        return any(ok for ok, _ in results), evidence
    if "not" in expr:
        ok, _ = evaluate_expr(expr["not"], signals, profile)
        return not ok, []
    if "profile" in expr:
        return profile in expr["profile"], []
    sig = signals[expr["signal"]]
    if "min" in expr or "max" in expr:
        value = sig.value if isinstance(sig.value, (int, float)) else len(sig.value or ())
        ok = value >= expr.get("min", float("-inf")) and value <= expr.get("max", float("inf"))
    else:
        ok = sig.truthy
    return ok, list(sig.evidence) if ok else []


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


@dataclass(frozen=True)
class DeclarativeRule:
    meta: RuleMeta
    spec: dict[str, Any]

    def evaluate(self, facts: Facts, signals: Signals) -> RuleResult:
        result = self._evaluate(facts, signals)
        if "sample" in self.spec and facts.profile in self.meta.profiles:
            sample = signals[self.spec["sample"]].evidence
            if sample:  # the sample a verdict rests on, stated in the message ("40 commits in the last 90 days")
                return RuleResult(result.outcome, f"{result.message} ({sample[0].snippet})", result.evidence)
        return result

    def _evaluate(self, facts: Facts, signals: Signals) -> RuleResult:
        spec, profile = self.spec, facts.profile
        if profile not in self.meta.profiles:
            return RuleResult(Outcome.NOT_APPLICABLE, f"does not apply to a {profile} repository")
        if "applies_if" in spec:
            applies, _ = evaluate_expr(spec["applies_if"], signals, profile)
            if not applies:
                return RuleResult(Outcome.NOT_APPLICABLE, spec.get("na_message", "nothing this rule checks is present"))
        context: list[Evidence] = [e for name in spec.get("context", []) for e in signals[name].evidence]
        if "fail_if" in spec:
            failing, evidence = evaluate_expr(spec["fail_if"], signals, profile)
            if failing:
                return RuleResult(Outcome.FAIL, spec["fail_message"], _dedupe(evidence + context))
            return RuleResult(Outcome.PASS, spec["pass_message"], _dedupe(context))
        passing, evidence = evaluate_expr(spec["pass_if"], signals, profile)
        if passing:
            return RuleResult(Outcome.PASS, spec["pass_message"], _dedupe(evidence))
        if "partial_if" in spec:
            partial, partial_evidence = evaluate_expr(spec["partial_if"], signals, profile)
            if partial:
                return RuleResult(Outcome.PARTIAL, spec.get("partial_message", spec["fail_message"]),
                                  _dedupe(partial_evidence + context))
        return RuleResult(Outcome.FAIL, spec["fail_message"], _dedupe(context))


# -- loading ----------------------------------------------------------------------------------------------

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ~10x faster on the catalog


@functools.lru_cache(maxsize=1)
def _rule_validator() -> Any:
    import jsonschema  # only custom rule files are validated at scan time: a scan of the catalog skips the import

    return jsonschema.Draft202012Validator(_rule_schema())


def _rule_schema() -> dict[str, Any]:
    return json.loads(resources.files("vana_audit").joinpath("schemas/rule.schema.json").read_text("utf-8"))


def builtin_rules_dir() -> Path:
    """The catalog shipped in the wheel (vana_audit/catalog), or rules/ beside the package in a checkout."""
    packaged = Path(str(resources.files("vana_audit"))) / "catalog"
    if packaged.is_dir() and any(packaged.glob("*.yaml")):
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


def _json_path(path: Iterable[Any]) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def meta_from_spec(spec: dict[str, Any], source: str) -> RuleMeta:
    docs = spec["docs"]
    return RuleMeta(
        id=spec["id"], title=spec["title"], category=Category(spec["category"]), level=spec["level"],
        weight=float(spec["weight"]), severity=Severity(spec["severity"]), priority=Priority(spec["priority"]),
        effort_days=(float(spec["effort_days"][0]), float(spec["effort_days"][1])),
        remediation=spec["remediation"].strip(),
        docs=RuleDocs(docs["what"].strip(), docs["why"].strip(), docs["how"].strip(), docs["example"].rstrip(),
                      tuple(docs["references"]),
                      tuple((stack, text.rstrip()) for stack, text in sorted(docs.get("examples", {}).items()))),
        profiles=tuple(spec.get("profiles", ("service", "library", "infrastructure", "monorepo"))),
        tags=tuple(spec.get("tags", ())), files_to_create=tuple(spec.get("files_to_create", ())),
        impact=spec.get("impact", ""), source=source,
    )


def _parse_yaml(raw: bytes) -> Any:
    return yaml.load(raw.decode("utf-8"), Loader=_YAML_LOADER)


def load_rule_file(path: Path, validate: bool = True) -> list[DeclarativeRule]:
    """Rules of one YAML file. `validate=False` is only for the shipped catalog, which the test
    suite validates against the schema; a team's own rules are always validated."""
    try:
        data = parse_cache.parsed(path.read_bytes(), _parse_yaml)
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleLoadError(f"{path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise RuleLoadError(f"{path}:{where} invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    errors = list(_rule_validator().iter_errors(data)) if validate else []
    if errors:
        error = max(errors, key=lambda e: len(list(e.absolute_path)))
        raise RuleLoadError(f"{path}: {_json_path(error.absolute_path)}: {error.message}")
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


def load_rule_dir(directory: Path, validate: bool = True) -> list[DeclarativeRule]:
    if not directory.is_dir():
        raise RuleLoadError(f"{directory}: not a directory")
    rules: list[DeclarativeRule] = []
    for path in sorted(directory.glob("*.y*ml")):
        rules.extend(load_rule_file(path, validate))
    return rules


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


def load_rules(extra_dirs: Iterable[Path] = (), plugins: bool = True) -> list[Rule]:
    from .checks import builtin_python_rules

    rules: list[Rule] = [*load_rule_dir(builtin_rules_dir(), validate=False), *builtin_python_rules()]
    for directory in extra_dirs:
        rules.extend(load_rule_dir(directory))
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
    return Finding(rule.meta, result.outcome, result.message, result.evidence)


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
