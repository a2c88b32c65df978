"""`vana-audit fix`: write the missing pieces for this stack and show the score they buy."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..model import Priority
from .common import EXIT_USAGE, handle_errors


def _priorities(value: str | None) -> tuple[Priority, ...] | None:
    if value is None:
        return None
    out = []
    for word in value.replace(" ", "").split(","):
        if not word:
            continue
        try:
            out.append(Priority(word.upper()))
        except ValueError:
            raise click.BadParameter(f"{word!r} is not one of P0, P1, P2", param_hint="--priority") from None
    return tuple(out)


@click.command()
@click.argument("path", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--rule", "rule_ids", multiple=True, metavar="ID", help="Only these rules (repeatable).")
@click.option("--priority", "priority", metavar="P0,P1",
              help="Only findings of these priorities (default P0,P1; all priorities with --rule).")
@click.option("--dry-run", is_flag=True, help="Print the unified diff; write nothing.")
@click.option("--patch", "patch_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the unified diff to FILE instead of touching the tree.")
@click.option("--ci", "provider", type=click.Choice(["auto", "github", "gitlab"]), default="auto", show_default=True,
              help="CI provider to write for; auto: the one the repository uses, else its origin's host.")
@click.option("--no-rescan", is_flag=True, help="Skip the re-scan that shows the score before -> after.")
@handle_errors
def fix(path: Path, rule_ids: tuple[str, ...], priority: str | None, dry_run: bool, patch_file: Path | None,
        provider: str, no_rescan: bool) -> None:
    """Write the files that close failing findings, chosen from the detected stack and CI provider.

    The CI workflow runs the repository's own test, lint and type-check commands (Makefile targets,
    package.json scripts, tox and nox environments, tools configured in pyproject.toml); other
    generators write a manual, environment-gated deploy workflow (the Makefile's deploy target or the
    Google Cloud deploy commands a document spells out), Dependabot or Renovate, gitleaks in CI and
    pre-commit, CodeQL or Semgrep, dependency review, branch protection for the Settings app,
    SECURITY.md, CODEOWNERS, issue templates, a CHANGELOG and a runbook skeleton.
    An existing file is never replaced: YAML is edited by a comment-keeping round trip, anything else
    is left alone. Nothing from the repository is executed. After writing (for --dry-run and --patch on
    a temporary copy) the repository is scanned again and the score per category is shown before ->
    after, with the findings each file closes.
    """
    from ..fix import FixError, outcome, plan_fixes, rescan, unified_diff, write_changes
    from ..fix.runner import render_text

    plan = plan_fixes(path, rule_ids=rule_ids, priorities=_priorities(priority),
                      provider=None if provider == "auto" else provider)
    diff = unified_diff(plan.changes)
    patch_only = [c for c in plan.changes if not c.applicable]
    mode = "dry-run" if dry_run else "patch" if patch_file else "write"
    if dry_run:
        click.echo(diff, nl=False)
    elif patch_file:
        patch_file.write_text(diff, encoding="utf-8")
    else:
        try:
            write_changes(path, plan.changes)
        except FixError as exc:  # a refused write is an unusable target, like the scan's errors: exit 2
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        if patch_only:
            leftover = path / "vana-audit-fix.patch"
            if leftover.is_symlink():  # a link planted in the repository must not be written through
                click.echo(f"Error: {leftover.name} is a symbolic link; not written", err=True)
                sys.exit(EXIT_USAGE)
            leftover.write_text(unified_diff(patch_only), encoding="utf-8")
            plan.messages.append(f"edits that are not structural were written as a patch: {leftover}")
    if no_rescan:
        return
    after = rescan(plan, in_place=(mode == "write"))
    click.echo(render_text(outcome(plan, after), mode=mode), err=dry_run)
