"""`typecheck.*` signals: static type checking."""
from __future__ import annotations

from ..collectors.shell import split_script
from ..facts import Facts
from ..model import Evidence
from ..secrets import clip
from ..signal_core import Signal, Signals, ev, found, signal
from ..tools import catalog


@signal("typecheck.applies", "the code has a type checker to run (one is configured, or TypeScript is used)")
def typecheck_applies(s: Signals) -> Signal:
    """Compiled languages are type-checked by their compiler and dynamic code without a checker has none
    to run: only where a checker is configured does "type checks run in CI" apply."""
    tools, f = catalog(), s.facts

    def checks_types(uses: list) -> bool:  # type: ignore[type-arg]
        return any(u.capability == "type-check" for u in uses)

    # a documentation site's member (a VitePress or Docusaurus site) has no product code to type-check
    docs_sites = tuple(m.path.rstrip("/") + "/" for m in f.profile_members if m.profile == "docs")
    hits = [ev(path) for path in f.files
            if not path.startswith(docs_sites) and checks_types(tools.from_config_file(path))][:3]
    for manifest in f.manifests:
        if manifest.path.startswith(docs_sites):
            continue
        # a `[tool.mypy]` section configures the tool of that name: the catalog knows which are checkers
        sections = [t for t in sorted(manifest.data.get("tool") or {}) if manifest.ecosystem == "pip"
                    and checks_types(tools.from_package("pip", str(t)))]
        if sections:
            hits.append(ev(manifest.path, None, f"type checker configured: [tool.{sections[0]}]"))
        named = [d for d in sorted(manifest.dependencies) if checks_types(tools.from_package(manifest.ecosystem, d))]
        if named:
            hits.append(ev(manifest.path, None, f"type checker dependency: {', '.join(named[:3])}"))
    hits += [e for e in _local_tool_commands(f, "type-check") if not e.path.startswith(docs_sites)][:3]
    return found(hits)


def _local_tool_commands(facts: Facts, capability: str) -> list[Evidence]:
    """Make targets and package scripts that run a tool with `capability` (by the catalog): gates a
    person runs by hand."""
    tools = catalog()
    scripts: list[tuple[str, int | None, str, str]] = [
        (t.path, t.line, t.name, line) for t in facts.make_targets for line in t.recipe]
    scripts += [(m.path, None, name, cmd) for m in facts.manifests for name, cmd in m.scripts.items()]
    return [ev(path, line, f"{name}: {clip(text, 100)}") for path, line, name, text in scripts
            if any(u.capability == capability for c in split_script(text, max_commands=20)
                   for u in tools.from_command(c.argv))]
