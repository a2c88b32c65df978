"""The command line: one click group; the tool's own errors become one line and exit code 2.

Exit codes: 0 ok · 1 the gate failed (score under --fail-under) · 2 usage error or unusable target.
"""
from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any, Callable

import click

from . import __version__

EXIT_OK, EXIT_GATE, EXIT_USAGE = 0, 1, 2


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the tool's expected failures into `Error: …` and exit 2, never a traceback."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .config import ConfigError
        from .engine import RuleLoadError
        from .gitcmd import GitError
        from .source import TargetError

        try:
            return fn(*args, **kwargs)
        except (TargetError, ConfigError, RuleLoadError, GitError) as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except OSError as exc:
            click.echo(f"Error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
            sys.exit(EXIT_USAGE)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vana-audit")
def main() -> None:
    """vana-audit: audit a repository's CI/CD and DevOps maturity from a checkout, offline.

    Scores build, test, deploy, security, monitoring, IaC, GitOps and documentation practice
    on a 1-5 ladder with evidence, and reports DORA readiness.
    """


def _progress(quiet: bool) -> Callable[[str], None] | None:
    if quiet or not sys.stderr.isatty():
        return None
    return lambda message: click.echo(f"… {message}", err=True)


@main.command()
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--format", "fmt", type=click.Choice(["terminal", "json", "md"]), default="terminal",
              show_default=True, help="Format written to standard output.")
@click.option("-o", "--output", "outputs", multiple=True, type=click.Path(path_type=Path),
              help="Write a report file; the format comes from the extension (.json, .md, .txt). Repeatable.")
@click.option("--ref", help="Scan this git ref from the object database instead of the working tree.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Configuration file (default: .vana-audit.yml in the repository).")
@click.option("--fail-under", type=click.FloatRange(0, 5), help="Exit 1 when the overall score is below this.")
@click.option("--no-history", is_flag=True, help="Skip git history (no DORA estimates).")
@click.option("--dora-year", type=click.Choice(["2021", "2023", "2024"]), help="DORA cluster bands to classify against.")
@click.option("--window-days", type=click.IntRange(1), help="History window for DORA estimates (default 90).")
@click.option("-q", "--quiet", is_flag=True, help="No progress messages on standard error.")
@handle_errors
def scan(path: Path, fmt: str, outputs: tuple[Path, ...], ref: str | None, config_path: Path | None,
         fail_under: float | None, no_history: bool, dora_year: str | None, window_days: int | None,
         quiet: bool) -> None:
    """Scan the repository at PATH (default: the current directory)."""
    from .render import OutputFormat, renderer_for
    from .scan import scan as run_scan

    formats = []
    for output in outputs:
        out_fmt = OutputFormat.from_extension(output.name)
        if out_fmt is None:
            raise click.UsageError(f"cannot tell the format of {output.name!r}: use .json, .md or .txt")
        formats.append((output, out_fmt))
    result = run_scan(path, ref=ref, config_path=config_path, with_history=not no_history,
                      progress=_progress(quiet), dora_year=int(dora_year) if dora_year else None,
                      window_days=window_days)
    for output, out_fmt in formats:
        content = renderer_for(out_fmt)(result)
        output.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            output.write_bytes(content)
        else:
            output.write_text(content, encoding="utf-8")
        if not quiet:
            click.echo(f"wrote {output}", err=True)
    click.echo(renderer_for(OutputFormat(fmt))(result), nl=False)
    if fail_under is not None and result.score.overall < fail_under:
        click.echo(f"Score {result.score.overall:.2f} is under --fail-under {fail_under:g}", err=True)
        sys.exit(EXIT_GATE)


@main.group()
def rules() -> None:
    """List, show and validate rules."""


@rules.command("list")
@click.option("--category", type=click.Choice(["build", "test", "deploy", "security", "monitoring", "iac", "gitops", "docs"]))
@click.option("--level", type=click.IntRange(2, 5))
@click.option("--priority", type=click.Choice(["P0", "P1", "P2"]))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@handle_errors
def rules_list(category: str | None, level: int | None, priority: str | None, fmt: str) -> None:
    """List the built-in and plugin rules."""
    import json

    from tabulate import tabulate

    from .engine import load_rules

    metas = [r.meta for r in load_rules()]
    metas = [m for m in metas if (not category or m.category.value == category) and (not level or m.level == level)
             and (not priority or m.priority.value == priority)]
    if fmt == "json":
        click.echo(json.dumps([{"id": m.id, "title": m.title, "category": m.category.value, "level": m.level,
                                "weight": m.weight, "severity": m.severity.value, "priority": m.priority.value,
                                "effort": m.effort_text, "profiles": list(m.profiles)} for m in metas], indent=2))
        return
    rows = [[m.id, m.category.value, m.level, m.priority.value, m.severity.value, m.title] for m in metas]
    click.echo(tabulate(rows, headers=["ID", "Category", "Level", "Priority", "Severity", "Title"], tablefmt="simple"))
    click.echo(f"\n{len(metas)} rule(s)")


@rules.command("show")
@click.argument("rule_id")
@handle_errors
def rules_show(rule_id: str) -> None:
    """Show a rule's documentation."""
    from .engine import load_rules

    meta = next((r.meta for r in load_rules() if r.meta.id.lower() == rule_id.lower()), None)
    if meta is None:
        click.echo(f"Error: no rule {rule_id!r} (see `vana-audit rules list`)", err=True)
        sys.exit(EXIT_USAGE)
    d = meta.docs
    click.echo(f"{meta.id}: {meta.title}\n"
               f"category {meta.category.value} · level {meta.level} · {meta.priority.value} · "
               f"severity {meta.severity.value} · effort {meta.effort_text} · profiles {', '.join(meta.profiles)}\n")
    for heading, body in (("What it checks", d.what), ("Why it matters", d.why), ("How to fix", d.how),
                          ("Example", d.example), ("References", "\n".join(f"- {r}" for r in d.references))):
        click.echo(f"## {heading}\n{body}\n")


@rules.command("validate")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@handle_errors
def rules_validate(directory: Path) -> None:
    """Validate a directory of YAML rules against the rule schema."""
    from .engine import load_rule_dir

    loaded = load_rule_dir(directory)
    click.echo(f"{len(loaded)} rule(s) valid in {directory}")


if __name__ == "__main__":  # pragma: no cover
    main()
