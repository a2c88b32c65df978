"""`vana-audit tools list` and `tools show`: the tool catalogue as a table or JSON, and how one tool
is recognised."""

from __future__ import annotations

import json
from collections.abc import Iterable

from tabulate import tabulate

from ..tools.catalog import Tool


def render_tools_json(tools: Iterable[Tool]) -> str:
    return json.dumps([{"id": t.id, "name": t.name, "capabilities": list(t.capabilities),
                        "ecosystems": list(t.ecosystems), "docs": t.docs} for t in tools], indent=2) + "\n"


def render_tools_table(tools: list[Tool]) -> str:
    rows = [(t.id, t.name, ", ".join(t.capabilities), ", ".join(t.ecosystems)) for t in tools]
    table = tabulate(rows, headers=["id", "name", "capabilities", "ecosystems"], tablefmt="simple")
    return f"{table}\n\n{len(tools)} tools\n"


def render_tool_text(found: Tool) -> str:
    lines = [f"{found.id}: {found.name}", f"capabilities: {', '.join(found.capabilities)}",
             f"ecosystems: {', '.join(found.ecosystems)}", f"docs: {found.docs}"]
    for key in ("commands", "actions", "orbs", "images", "hooks", "config_files", "packages", "maven_plugins",
                "gradle_plugins", "env", "maven_parents", "jenkins_steps", "examples"):
        value = found.raw.get(key)
        if value:
            lines.append(f"{key}:")
            items = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in value.items()] \
                if isinstance(value, dict) else [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                                                 for v in value]
            lines += [f"  - {item}" for item in items]
    return "".join(line + "\n" for line in lines)
