"""`vana-audit tools list|show`: the tool catalog the CI model's invocations are recognised with."""

from __future__ import annotations

import json

import click

from .common import EXIT_USAGE, handle_errors


@click.group()
def tools() -> None:
    """List and show the tools vana-audit recognises in CI, hooks and configuration."""


@tools.command("list")
@click.option("--capability", help="Only tools with this capability (e.g. sast, test-runner, lint).")
@click.option("--ecosystem", help="Only tools of this ecosystem (e.g. python, go, kubernetes).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@handle_errors
def tools_list(capability: str | None, ecosystem: str | None, fmt: str) -> None:
    """List the tools of the catalog."""
    from tabulate import tabulate

    from ..tools import CAPABILITIES, catalog

    if capability and capability not in CAPABILITIES:
        raise click.BadParameter(f"unknown capability; one of: {', '.join(CAPABILITIES)}", param_hint="--capability")
    chosen = [t for t in catalog().tools.values()
              if (not capability or capability in t.capabilities) and (not ecosystem or ecosystem in t.ecosystems)]
    chosen.sort(key=lambda t: t.id)
    if fmt == "json":
        click.echo(json.dumps([{"id": t.id, "name": t.name, "capabilities": list(t.capabilities),
                                "ecosystems": list(t.ecosystems), "docs": t.docs} for t in chosen], indent=2))
        return
    rows = [(t.id, t.name, ", ".join(t.capabilities), ", ".join(t.ecosystems)) for t in chosen]
    click.echo(tabulate(rows, headers=["id", "name", "capabilities", "ecosystems"], tablefmt="simple"))
    click.echo(f"\n{len(chosen)} tools")


@tools.command("show")
@click.argument("tool_id")
@handle_errors
def tools_show(tool_id: str) -> None:
    """How one tool is recognised: commands, actions, hooks, images, files, packages, examples."""
    from ..tools import catalog

    found = catalog().tools.get(tool_id)
    if found is None:
        click.echo(f"Error: unknown tool {tool_id!r} (see `vana-audit tools list`)", err=True)
        raise SystemExit(EXIT_USAGE)
    click.echo(f"{found.id}: {found.name}")
    click.echo(f"capabilities: {', '.join(found.capabilities)}")
    click.echo(f"ecosystems: {', '.join(found.ecosystems)}")
    click.echo(f"docs: {found.docs}")
    for key in ("commands", "actions", "orbs", "images", "hooks", "config_files", "packages", "maven_plugins",
                "gradle_plugins", "env", "maven_parents", "jenkins_steps", "examples"):
        value = found.raw.get(key)
        if value:
            click.echo(f"{key}:")
            items = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in value.items()] \
                if isinstance(value, dict) else [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                                                 for v in value]
            for item in items:
                click.echo(f"  - {item}")
