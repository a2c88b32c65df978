"""`js.*` signals: JavaScript package hygiene."""
from __future__ import annotations

from ..signal_core import Signal, Signals, ev, found, signal
from ..tools import catalog


def _js_unit_tool(tool_id: str) -> bool:
    """A JavaScript unit-test runner or coverage tool by the catalog (not an end-to-end runner)."""
    tools = catalog()
    if tool_id not in tools.tools:
        return False
    tool = tools.tool(tool_id)
    return "js" in tool.ecosystems and bool({"test-runner", "coverage"} & set(tool.capabilities))


@signal("js.tests_present", "a JavaScript/TypeScript test runner is configured")
def js_tests(s: Signals) -> Signal:
    hits = [ev(c.path, c.line, c.tool) for c in s.facts.test_configs if _js_unit_tool(c.tool)]
    tools = catalog()
    for m in s.facts.manifests:
        if m.ecosystem == "npm" and any(use.capability == "test-runner" and _js_unit_tool(use.tool_id)
                                        for name in sorted(m.dependencies)[:2000]
                                        for use in tools.from_package("npm", name)):
            hits.append(ev(m.path, None, "test runner dependency"))
    return found(hits)


@signal("js.coverage_threshold", "the JavaScript test runner enforces a coverage threshold")
def js_threshold(s: Signals) -> Signal:
    return found(
        ev(c.path, c.line, f"{c.tool}: {c.coverage_threshold:g}%")
        for c in s.facts.test_configs
        if _js_unit_tool(c.tool) and c.coverage_threshold
    )
