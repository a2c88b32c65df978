"""Tool knowledge lives in the tool catalog (vana_audit/tools/tools.yaml). This test finds literal
tool lists elsewhere — a set, list, tuple or dict holding three or more names the catalog knows as
tools or commands — and holds each module to the count it has today, with the reason it still has
them. A new list fails the test: add the tools to the catalog and ask it instead. Lower a count
when you move a list into the catalog.
"""
from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

from vana_audit.tools import catalog

PACKAGE = Path(__file__).resolve().parents[1] / "vana_audit"
# Manifest ecosystems and runner names are not tool lists: an ecosystem map says how a manifest is
# read, and the CI model needs one resolver per task runner it follows.
NOT_TOOLS = frozenset({"npm", "pip", "go", "cargo", "maven", "gradle", "bundler", "composer", "nuget", "node"})

# Module -> (lists allowed today, why they are still there).
ALLOWED: dict[str, tuple[int, str]] = {
    "collectors/ci_model.py": (3, "runner resolvers (make, just, task, tox, nox, …) and install-command words: "
                                  "each runner has its own parsing code"),
    "collectors/meta.py": (1, "configuration kinds decided by predicates on the path (code, not keys); each is a "
                              "catalog config kind"),
    "collectors/profile.py": (1, "the docs-site generators whose dependency makes a documentation profile"),
    "collectors/texts.py": (1, "configuration texts kept for signals to read"),
    "signal_defs/ci.py": (1, "the CI text a coverage-threshold runner shows where the CI model cannot read "
                             "(keyed by the test-config names, not catalog ids)"),
    "signal_defs/deploy.py": (1, "literal hints of the DEPLOY_CMD pattern (every alternative contains one)"),
    "signal_defs/tests.py": (1, "the JavaScript runners whose options say a suite runs serially"),
    "fix/context.py": (2, "names a repository gives its type-check target or script (`make mypy`, `npm run tsc`), "
                          "and each Node package manager's frozen install: what generated CI runs, not tool facts"),
    "collectors/deploys.py": (1, "task runners whose deploy-named target or script deploys (make deploy, npm run "
                                 "deploy)"),
}


def _names() -> frozenset[str]:
    tools = catalog()
    names = set(tools.tools)
    for tool in tools.tools.values():
        names.update(pattern.argv[0] for pattern in tool.commands)
    return frozenset(names - NOT_TOOLS)


def _tool_lists(path: Path, names: frozenset[str]) -> list[tuple[int, list[str]]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
            items = node.elts
        elif isinstance(node, ast.Dict):
            items = [key for key in node.keys if key is not None]
        else:
            continue
        hits = [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str) and i.value in names]
        if len(hits) >= 3:
            found.append((node.lineno, hits))
    return found


def test_no_module_grows_a_tool_list_outside_the_catalog() -> None:
    names = _names()
    counts: Counter[str] = Counter()
    where: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if module.startswith("tools/"):
            continue
        for line, hits in _tool_lists(path, names):
            counts[module] += 1
            where.setdefault(module, []).append(f"{module}:{line} {', '.join(hits[:5])}")
    over = {m: n for m, n in counts.items() if n > ALLOWED.get(m, (0, ""))[0]}
    assert not over, "tool lists outside the catalog:\n" + "\n".join(line for m in over for line in where[m])
    fewer = {m: (counts[m], allowed) for m, (allowed, _) in ALLOWED.items() if counts[m] < allowed}
    assert not fewer, f"lists were moved into the catalog: lower ALLOWED to the counts found {fewer}"


def test_the_detector_finds_a_tool_list(tmp_path: Path) -> None:
    """The check itself works: a set of three scanners is a tool list, a set of ecosystems is not."""
    sample = tmp_path / "sample.py"
    sample.write_text('SCANNERS = {"trivy", "grype", "gitleaks"}\nECOSYSTEMS = ("npm", "go", "cargo")\n')
    assert [hits for _, hits in _tool_lists(sample, _names())] == [["trivy", "grype", "gitleaks"]]
