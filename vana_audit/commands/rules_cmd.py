"""`vana-audit rules list|show|docs|validate`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import EXIT_USAGE, handle_errors


@click.group()
def rules() -> None:
    """List, show, document and validate rules."""


@rules.command("list")
@click.option(
    "--category", type=click.Choice(["build", "test", "deploy", "security", "monitoring", "iac", "gitops", "docs"])
)
@click.option("--level", type=click.IntRange(2, 5))
@click.option("--priority", type=click.Choice(["P0", "P1", "P2"]))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@handle_errors
def rules_list(category: str | None, level: int | None, priority: str | None, fmt: str) -> None:
    """List the built-in and plugin rules."""
    from ..engine import load_rules
    from ..render.rules_list import render_rules_json, render_rules_table

    metas = [r.meta for r in load_rules()]
    metas = [
        m
        for m in metas
        if (not category or m.category.value == category)
        and (not level or m.level == level)
        and (not priority or m.priority.value == priority)
    ]
    click.echo(render_rules_json(metas) if fmt == "json" else render_rules_table(metas), nl=False)


@rules.command("show")
@click.argument("rule_id")
@handle_errors
def rules_show(rule_id: str) -> None:
    """Show a rule's documentation."""
    from ..engine import load_rules
    from ..render.rules_list import render_rule_text

    meta = next((r.meta for r in load_rules() if r.meta.id.lower() == rule_id.lower()), None)
    if meta is None:
        click.echo(f"Error: no rule {rule_id!r} (see `vana-audit rules list`)", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(render_rule_text(meta), nl=False)


@rules.command("docs")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file.")
@handle_errors
def rules_docs(fmt: str, output: Path | None) -> None:
    """Every rule's documentation as one static page, each rule at the anchor #RULE-ID.

    Publish it and pass its URL to `scan --rules-docs-url` (or VANA_AUDIT_RULES_DOCS_URL): the SARIF
    report's helpUri for each rule then points at the rule's section.
    """
    from ..engine import load_rules
    from ..render.rules_page import render_rules_html, render_rules_markdown

    metas = [r.meta for r in load_rules()]
    page = render_rules_html(metas) if fmt == "html" else render_rules_markdown(metas)
    if output is None:
        click.echo(page, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    click.echo(f"wrote {output} ({len(metas)} rules)", err=True)


@rules.command("validate")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@handle_errors
def rules_validate(directory: Path) -> None:
    """Validate a directory of YAML rules against the rule schema."""
    from ..engine import load_rule_dir

    loaded = load_rule_dir(directory)
    click.echo(f"{len(loaded)} rule(s) valid in {directory}")
