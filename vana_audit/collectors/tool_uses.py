"""Which tools CI really runs: every invocation of the CI model, recognised by the tool catalog.

The CI model knows how a job reaches a command (task runners, includes, templates); the catalog
knows what a command, action, hook, orb, image, environment switch or build plugin is. Nothing
here lists a tool.
"""
from __future__ import annotations

from collections.abc import Iterator

from ..facts import CiModel, Invocation, ToolUse
from ..tools import Use, catalog


def _uses(invocation: Invocation) -> list[Use]:
    tools = catalog()
    kind, value, extra = invocation.kind, invocation.value, invocation.extra
    if kind == "command":
        return tools.from_command(invocation.argv, changes_fail=_in_hook(invocation)) if invocation.argv else []
    if kind == "action":
        if extra.get("local"):
            return []
        ref = extra.get("ref")
        return tools.from_action(f"{value}@{ref}" if ref else value, extra.get("inputs"))
    if kind == "hook":
        return tools.from_hook(value, extra.get("repo"))
    if kind == "orb":
        return tools.from_orb(value)
    if kind == "image":
        return tools.from_image(value)
    if kind == "env":
        return tools.from_env(value, extra.get("value"))
    if kind == "maven-plugin":
        return [] if extra.get("reaches") is False else tools.from_maven_plugin(value)
    if kind == "gradle-plugin":
        return tools.from_gradle_plugin(value)
    if kind == "step":
        return tools.from_jenkins_step(value)
    return []


def _in_hook(invocation: Invocation) -> bool:
    """Run by a pre-commit/prek hook: a hook that changes files fails the run."""
    return any(link.path.rsplit("/", 1)[-1] in PRE_COMMIT_CONFIGS for link in invocation.chain)


PRE_COMMIT_CONFIGS = frozenset({".pre-commit-config.yaml", ".pre-commit-config.yml"})


def find_tool_uses(model: CiModel) -> tuple[ToolUse, ...]:
    """Every (tool, capability) each job reaches, once per job, invocation and capability."""
    return tuple(_each(model))


def _each(model: CiModel) -> Iterator[ToolUse]:
    for job in model.jobs:
        seen: set[tuple[str, str | None, str]] = set()
        for invocation in job.invocations:
            for use in _uses(invocation):
                key = (use.tool_id, use.capability, invocation.value)
                if key not in seen:
                    seen.add(key)
                    yield ToolUse(use.tool_id, use.capability, job, invocation)
