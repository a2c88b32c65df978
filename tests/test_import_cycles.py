"""No import loops in vana_audit (issue 15): the graph of module imports, read with `ast`, has no cycle.

Two graphs. The module-level one is what runs at import time. The second adds every function-local import
of a vana_audit module: a loop hidden behind a lazy import is still a loop (the lazy import is the
workaround), so it must be broken by moving code, not by importing later. Function-local imports of
heavy optional libraries (weasyprint, jinja2, jsonschema, ...) are not edges of either graph: only
vana_audit modules are. `if TYPE_CHECKING:` imports never run and are left out. Importing `a.b.c`
runs the packages `a` and `a.b` first, so a module outside a package that imports one of its modules
depends on the package too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import vana_audit

PACKAGE = Path(vana_audit.__file__).parent
NAME = "vana_audit"

# (importer, imported) edges of function-local imports allowed to close a loop, each with its reason.
# Empty: no lazy import works around a loop.
EXEMPT_LOCAL: dict[tuple[str, str], str] = {}

Edge = tuple[str, int]  # where: file and line


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


MODULES = _modules()


def _known(name: str) -> str | None:
    """The vana_audit module `name` runs: itself, or the module defining the imported name."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name if name.split(".")[0] == NAME else None


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            base = module.split(".") if is_package else module.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        # `from p import x`: the module p.x when x is one, else p (x is a name defined in p)
        names = [f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in MODULES else prefix for alias in node.names]
    for name in names:
        known = _known(name)
        if known is None or known == module:
            continue
        yield known
        parts = known.split(".")
        for i in range(1, len(parts)):  # importing a.b.c runs a and a.b first
            parent = ".".join(parts[:i])
            if parent in MODULES and not module.startswith(parent + ".") and parent != module:
                yield parent


def _imports(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import with whether it is function-local; imports under `if TYPE_CHECKING:` never run."""

    def visit(node: ast.AST, local: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for orelse in child.orelse:
                    yield from visit(orelse, local)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, local
            yield from visit(child, local or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    yield from visit(tree, False)


def _graph(with_local: bool) -> dict[str, dict[str, Edge]]:
    graph: dict[str, dict[str, Edge]] = {m: {} for m in MODULES}
    for module, (path, is_package) in MODULES.items():
        for node, local in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if local and not with_local:
                continue
            for target in _targets(module, is_package, node):
                if local and (module, target) in EXEMPT_LOCAL:
                    continue
                graph[module].setdefault(target, (str(path.relative_to(PACKAGE.parent)), node.lineno))
    return graph


def _components(graph: dict[str, dict[str, Edge]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _cycle(graph: dict[str, dict[str, Edge]], component: list[str]) -> str:
    """One loop through the component's first module, each step with the line that imports."""
    members = set(component)
    start = component[0]
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for node in frontier:
            for child in graph[node]:
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    path.reverse()
                    steps = [f"{a} -> {b}  ({graph[a][b][0]}:{graph[a][b][1]})"
                             for a, b in zip(path, path[1:] + [start], strict=True)]
                    return "\n  ".join(steps)
                if child in members and child not in previous and child != start:
                    previous[child] = node
                    nxt.append(child)
        frontier = nxt
    return " -> ".join(component)  # pragma: no cover


def _report(graph: dict[str, dict[str, Edge]]) -> str:
    return "\n".join(f"loop among {len(c)} modules:\n  {_cycle(graph, c)}" for c in _components(graph))


def test_no_module_level_import_loop() -> None:
    graph = _graph(with_local=False)
    assert not _components(graph), _report(graph)


def test_no_import_loop_behind_a_function_local_import() -> None:
    graph = _graph(with_local=True)
    assert not _components(graph), (
        "a function-local import of a vana_audit module closes a loop; break the loop by moving code "
        "(or exempt the edge in EXEMPT_LOCAL with its reason):\n" + _report(graph)
    )


def test_the_check_finds_a_loop(tmp_path: Path) -> None:
    """The harness itself: relative imports resolve, `from . import name` depends on the package, and a
    loop is printed with the lines that close it."""
    tree = ast.parse("from . import in_source_tree\nfrom ..signals import Signals\ndef f():\n    from .. import engine\n")
    nodes = list(_imports(tree))
    assert [local for _, local in nodes] == [False, False, True]
    targets = [sorted(_targets("vana_audit.collectors.profile", False, node)) for node, _ in nodes]
    assert targets == [["vana_audit.collectors"], ["vana_audit.signals"], ["vana_audit.engine"]]
    graph: dict[str, dict[str, Edge]] = {"a": {"b": ("a.py", 3)}, "b": {"c": ("b.py", 1)}, "c": {"a": ("c.py", 9)}}
    assert _components(graph) == [["a", "b", "c"]]
    assert "c -> a  (c.py:9)" in _report(graph)
