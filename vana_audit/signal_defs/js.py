"""`js.*` signals: JavaScript package hygiene."""
from __future__ import annotations

import re

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


_JS_TEST_FILE = re.compile(r"\.[cm]?[jt]sx?$")


@signal("js.tests_beside_other_tests", "JavaScript tests next to the tests of another language (a frontend beside "
        "a backend): the general test rules judge the other suite, the frontend rules this one")
def js_tests_beside_other_tests(s: Signals) -> Signal:
    """In a JavaScript-only repository TST-002/003/004 already judge the JavaScript tests; asking again
    for 'frontend' tests would count one gap twice."""
    js = s["js.tests_present"]
    others = [path for level in s.facts.test_files.values() for path in level if not _JS_TEST_FILE.search(path)]
    if not (js.truthy and others):
        return Signal(False)
    return found([*js.evidence[:1], ev(others[0], None, f"{len(others)} test file(s) in another language")])


@signal("js.coverage_threshold", "the JavaScript test runner enforces a coverage threshold")
def js_threshold(s: Signals) -> Signal:
    return found(
        ev(c.path, c.line, f"{c.tool}: {c.coverage_threshold:g}%")
        for c in s.facts.test_configs
        if _js_unit_tool(c.tool) and c.coverage_threshold
    )
