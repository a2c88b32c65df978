"""Which language stack and package manager a repository uses, so a report can show the example
file and the fix written for it (`RuleDocs.example_for(stack)`, `RuleMeta.remediation_for(stack)`).

    from vana_audit.signal_defs.stack import detect_stack, detect_stacks
    detect_stack(facts)   # "python-uv"
    detect_stacks(facts)  # ["python-uv", "node-npm"], the root's first, then by manifest count

Stack ids: python-uv, python-poetry, python-pdm, python-pipenv, python-pip, node-npm, node-yarn,
node-pnpm, node-bun, go, rust, java-maven, java-gradle, ruby, php; "generic" when none is found.
"""

from __future__ import annotations

from collections import Counter

from ..facts import Facts
from ..signal_core import Signal, Signals, ev, signal

GENERIC = "generic"
# Every stack id detect_stack returns besides GENERIC: the keys of a rule's `examples:` and `remediations:`
# (with the families of model.STACK_FAMILIES).
STACKS: tuple[str, ...] = ("python-uv", "python-poetry", "python-pdm", "python-pipenv", "python-pip",
                           "node-npm", "node-yarn", "node-pnpm", "node-bun",
                           "go", "rust", "java-maven", "java-gradle", "ruby", "php")
_SIMPLE = {
    "go": "go",
    "cargo": "rust",
    "maven": "java-maven",
    "gradle": "java-gradle",
    "bundler": "ruby",
    "composer": "php",
}
_NODE_LOCKS = (
    ("pnpm-lock.yaml", "node-pnpm"),
    ("yarn.lock", "node-yarn"),
    ("bun.lockb", "node-bun"),
    ("bun.lock", "node-bun"),
    ("package-lock.json", "node-npm"),
)
_PYTHON_LOCKS = (
    ("uv.lock", "python-uv"),
    ("poetry.lock", "python-poetry"),
    ("pdm.lock", "python-pdm"),
    ("Pipfile.lock", "python-pipenv"),
)


def _dir(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _stack_of(facts: Facts, manifest_path: str, ecosystem: str, tools: list[str]) -> str:
    directory = _dir(manifest_path)
    prefix = f"{directory}/" if directory else ""
    if ecosystem == "npm":
        for lock, stack in _NODE_LOCKS:
            if facts.has_file(prefix + lock):
                return stack
        return "node-npm"
    if ecosystem == "pip":
        for lock, stack in _PYTHON_LOCKS:
            if facts.has_file(prefix + lock):
                return stack
        if "poetry" in tools:
            return "python-poetry"
        if "uv" in tools:
            return "python-uv"
        if manifest_path.endswith("Pipfile"):
            return "python-pipenv"
        return "python-pip"
    return _SIMPLE.get(ecosystem, GENERIC)


def stack_evidence(facts: Facts) -> list[tuple[str, str]]:
    """(stack, manifest path) for every manifest, the repository root's first."""
    found = []
    for manifest in facts.manifests:
        tools = list(manifest.data.get("tool", [])) if isinstance(manifest.data.get("tool"), list) else []
        found.append((_stack_of(facts, manifest.path, manifest.ecosystem, tools), manifest.path))
    return sorted(found, key=lambda item: (item[1].count("/"), item[1]))


def detect_stacks(facts: Facts) -> list[str]:
    """Every stack present: the root's first, then by how many manifests use it."""
    found = stack_evidence(facts)
    if not found:
        return []
    counts = Counter(stack for stack, _ in found)
    root = [stack for stack, path in found if "/" not in path]
    ordered = sorted(counts, key=lambda s: (s not in root, root.index(s) if s in root else 0, -counts[s], s))
    return [s for s in ordered if s != GENERIC] or [GENERIC]


def detect_stack(facts: Facts) -> str:
    """The repository's main stack: what `docs.examples` are keyed by."""
    stacks = detect_stacks(facts)
    return stacks[0] if stacks else GENERIC


@signal("stack.detected", "the language stacks and package managers in use, the main one first")
def stack_detected(s: Signals) -> Signal:
    found = stack_evidence(s.facts)
    stacks = detect_stacks(s.facts)
    first_path = {stack: path for stack, path in reversed(found)}
    return Signal(stacks, tuple(ev(first_path[stack], None, stack) for stack in stacks if stack in first_path))
