"""`vana-audit tools list|show`: the tool catalog the CI model's invocations are recognised with."""

from __future__ import annotations

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
    from ..render.tools_list import render_tools_json, render_tools_table
    from ..tools import CAPABILITIES, catalog

    if capability and capability not in CAPABILITIES:
        raise click.BadParameter(f"unknown capability; one of: {', '.join(CAPABILITIES)}", param_hint="--capability")
    chosen = [t for t in catalog().tools.values()
              if (not capability or capability in t.capabilities) and (not ecosystem or ecosystem in t.ecosystems)]
    chosen.sort(key=lambda t: t.id)
    click.echo(render_tools_json(chosen) if fmt == "json" else render_tools_table(chosen), nl=False)


@tools.command("show")
@click.argument("tool_id")
@handle_errors
def tools_show(tool_id: str) -> None:
    """How one tool is recognised: commands, actions, hooks, images, files, packages, examples."""
    from ..render.tools_list import render_tool_text
    from ..tools import catalog

    found = catalog().tools.get(tool_id)
    if found is None:
        click.echo(f"Error: unknown tool {tool_id!r} (see `vana-audit tools list`)", err=True)
        raise SystemExit(EXIT_USAGE)
    click.echo(render_tool_text(found), nl=False)
