"""One `fix` run: scan, pick the failing findings in scope, run their generators on an overlay of the
tree, then write (or only diff) the files and re-scan to show the score they buy.

A re-scan for `--dry-run` / `--patch` runs on a temporary copy of the repository with the changes
applied, so the working tree is never touched. Nothing from the repository is executed.
"""

from __future__ import annotations

import difflib
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Category, Finding, Outcome, Priority, ScanResult
from .context import RepoContext, build_context
from .generators import GENERATORS, FileChange, Generator, Tree, keep_actions_updated

DEFAULT_PRIORITIES = (Priority.P0, Priority.P1)


class FixError(Exception):
    """A change could not be written (the file changed since it was read)."""


@dataclass
class FixPlan:
    before: ScanResult
    ctx: RepoContext
    in_scope: list[Finding]  # failing findings the run was asked to fix
    generators: list[Generator]
    changes: list[FileChange]
    without_generator: list[Finding]
    messages: list[str] = field(default_factory=list)


@dataclass
class FixOutcome:
    plan: FixPlan
    after: ScanResult
    closed: dict[str, list[str]]  # path -> rule ids the file closes
    not_closed: dict[str, list[str]]  # path -> rule ids it was meant to close and did not
    also_closed: list[str]  # closed rules no generated file claimed
    opened: list[str] = field(default_factory=list)  # rules failing after that passed before
    applicable: list[str] = field(default_factory=list)  # rules failing after that did not apply before


def select(findings: Iterable[Finding], rule_ids: Iterable[str] = (),
           priorities: Iterable[Priority] | None = None) -> list[Finding]:
    wanted = {r.upper() for r in rule_ids}
    allowed = set(priorities) if priorities is not None else (None if wanted else set(DEFAULT_PRIORITIES))
    return [f for f in findings if f.failing and (not wanted or f.rule.id in wanted)
            and (allowed is None or f.priority in allowed)]


def plan_fixes(path: Path, *, rule_ids: Iterable[str] = (), priorities: Iterable[Priority] | None = None,
               provider: str | None = None, now: str | None = None) -> FixPlan:
    from ..collectors import DEFAULT_EXCLUDES, collect_facts
    from ..scan import scan
    from ..source import open_source

    before = scan(path, now=now)
    source = open_source(path, None)
    try:
        facts = collect_facts(source, DEFAULT_EXCLUDES, None, scan_secrets=False)
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()
    ctx = build_context(path.resolve(), facts, before.stack, provider)
    in_scope = select(before.findings, rule_ids, priorities)
    ids = {f.rule.id for f in in_scope}
    generators = [g for g in GENERATORS if ids & set(g.rules)]
    ctx.failing = frozenset(ids)
    tree = Tree(ctx)
    for generator in generators:
        generator.build(ctx, tree)
    keep_actions_updated(ctx, tree)
    for change in tree.changes.values():  # a file claims only the rules in scope that were failing
        change.rules = tuple(r for r in change.rules if r in ids)
    covered = {r for g in generators for r in g.rules}
    return FixPlan(before, ctx, in_scope, generators, list(tree.changes.values()),
                   [f for f in in_scope if f.rule.id not in covered], tree.messages)


# -- diffs and writing ------------------------------------------------------------------------------------------


def unified_diff(changes: Iterable[FileChange]) -> str:
    """A `git apply`-able diff of the changes."""
    out: list[str] = []
    for change in sorted(changes, key=lambda c: c.path):
        old = change.old or ""
        a = f"a/{change.path}" if change.old is not None else "/dev/null"
        header = [f"diff --git a/{change.path} b/{change.path}\n"]
        if change.old is None:
            header.append("new file mode 100644\n")
        lines = list(difflib.unified_diff(_lines(old), _lines(change.new), a, f"b/{change.path}"))
        if lines:
            out += header + lines
    return "".join(out)


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def write_changes(root: Path, changes: Iterable[FileChange]) -> list[FileChange]:
    """Write the applicable changes under root; a file that changed since it was read is refused, a new
    file is created exclusively (never over one that appeared meanwhile), no path leaves the root."""
    written: list[FileChange] = []
    base = root.resolve()
    for change in changes:
        if not change.applicable:
            continue
        target = (base / change.path)
        if not target.resolve().is_relative_to(base) or any(p.is_symlink() for p in _parents(base, target)):
            raise FixError(f"{change.path}: refusing to write outside the repository")
        target.parent.mkdir(parents=True, exist_ok=True)
        if change.old is None:
            try:
                with target.open("x", encoding="utf-8", newline="") as handle:
                    handle.write(change.new)
            except FileExistsError as exc:
                raise FixError(f"{change.path} appeared while fixing; not overwritten") from exc
        else:
            current = target.read_text(encoding="utf-8") if target.is_file() and not target.is_symlink() else None
            if current != change.old:
                raise FixError(f"{change.path} changed while fixing; not overwritten")
            target.write_text(change.new, encoding="utf-8", newline="")
        written.append(change)
    return written


def _parents(base: Path, target: Path) -> list[Path]:
    out = []
    current = target
    while current != base and current != current.parent:
        out.append(current)
        current = current.parent
    return out


def rescan(plan: FixPlan, *, in_place: bool, now: str | None = None) -> ScanResult:
    from ..scan import scan

    if in_place:
        return scan(plan.ctx.root, now=now or plan.before.generated_at)
    with tempfile.TemporaryDirectory(prefix="vana-audit-fix-") as tmp:
        copy = Path(tmp) / plan.ctx.root.name
        shutil.copytree(plan.ctx.root, copy, symlinks=True)
        write_changes(copy, plan.changes)
        return scan(copy, now=now or plan.before.generated_at)


def outcome(plan: FixPlan, after: ScanResult) -> FixOutcome:
    def passing(result: ScanResult, rule_id: str) -> bool:
        finding = result.finding(rule_id)
        return finding is not None and not finding.failing

    was_failing = {f.rule.id for f in plan.before.findings if f.failing}
    now_closed = {r for r in was_failing if passing(after, r)}
    closed: dict[str, list[str]] = {}
    not_closed: dict[str, list[str]] = {}
    claimed: set[str] = set()
    for change in plan.changes:
        for rule_id in change.rules:
            claimed.add(rule_id)
            (closed if rule_id in now_closed else not_closed).setdefault(change.path, []).append(rule_id)
    # A rule several files work towards and that is still open is "not closed" by each; one closed by any
    # file is credited to every file that claims it.
    before = {f.rule.id: f for f in plan.before.findings}
    new = [f for f in after.findings if f.failing and not (f.rule.id in before and before[f.rule.id].failing)]
    passed_before = [f.rule.id for f in new if f.rule.id in before and before[f.rule.id].outcome is Outcome.PASS]
    return FixOutcome(plan, after, closed, not_closed, sorted(now_closed - claimed), sorted(passed_before),
                      sorted(f.rule.id for f in new if f.rule.id not in passed_before))


# -- the report -------------------------------------------------------------------------------------------------


def score_table(before: ScanResult, after: ScanResult) -> list[tuple[str, str, str, str]]:
    rows = []
    for category in Category:
        b, a = before.category(category).score, after.category(category).score
        rows.append((category.title, _num(b), _num(a), _delta(b, a)))
    rows.append(("Overall", _num(before.score.overall), _num(after.score.overall),
                 _delta(before.score.overall, after.score.overall)))
    return rows


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _delta(b: float | None, a: float | None) -> str:
    if b is None or a is None:
        return ""
    return f"{a - b:+.2f}" if round(a - b, 2) else "="


def render_text(result: FixOutcome, *, mode: str) -> str:
    plan = result.plan
    lines = [f"vana-audit fix: {plan.ctx.root} ({plan.before.stack or 'stack unknown'}, "
             f"{'GitLab CI' if plan.ctx.provider == 'gitlab' else 'GitHub Actions'})", ""]
    verb = {"write": ("created", "edited"), "dry-run": ("would create", "would edit"),
            "patch": ("patch creates", "patch edits")}[mode]
    if not plan.changes:
        lines.append("Nothing to write.")
    for change in sorted(plan.changes, key=lambda c: c.path):
        action = verb[0] if change.old is None else verb[1]
        if not change.applicable:
            action = "patch only"
        closes = result.closed.get(change.path, [])
        missed = result.not_closed.get(change.path, [])
        detail = f"closes {', '.join(closes)}" if closes else change.note or "closes nothing on its own"
        if missed:
            detail += f"; not closed: {', '.join(missed)}"
        if closes and change.note:
            detail += f" ({change.note})"
        lines.append(f"  {action:<13} {change.path:<44} {detail}")
    if result.also_closed:
        lines.append(f"  also closed: {', '.join(result.also_closed)}")
    if result.opened:
        lines.append(f"  newly failing: {', '.join(result.opened)}")
    if result.applicable:
        lines.append(f"  now applicable (the new files bring them in), failing: {', '.join(result.applicable)}")
    lines += ["", "Score before -> after"]
    width = max(len(r[0]) for r in score_table(plan.before, result.after))
    for name, b, a, d in score_table(plan.before, result.after):
        lines.append(f"  {name:<{width}}  {b:>5} -> {a:>5}  {d}")
    if plan.without_generator:
        lines += ["", "Failing in scope, no generator (fix by hand):"]
        lines += [f"  {f.priority.value} {f.rule.id} {f.rule.title}" for f in plan.without_generator]
    if plan.messages:
        lines += ["", "Notes:"] + [f"  {m}" for m in plan.messages]
    return "\n".join(lines) + "\n"
