"""`deps.*` signals: dependency updates and lock files."""
from __future__ import annotations

from ..collectors.project import RUNTIME
from ..signal_core import Signal, Signals, ev, found, listing, signal, tool_uses

# -- security -----------------------------------------------------------------------------------------


@signal("deps.update_bot", "Dependabot or Renovate is configured, or CI runs a dependency updater or a check "
        "that fails when a dependency falls behind")
def update_bot(s: Signals) -> Signal:
    return found(list(s["deps.bot_config"].evidence) + tool_uses(s.facts, ("dependency-update",)))


@signal("deps.bot_config", "a Dependabot or Renovate configuration exists")
def update_bot_config(s: Signals) -> Signal:
    return found(ev(path, None, tool) for tool, path in s.facts.dependency_update_paths.items())


@signal("deps.runtime_present", "the shipped code declares dependencies of its own (development, test and "
        "documentation tooling aside) that a vulnerability scan could flag")
def runtime_present(s: Signals) -> Signal:
    """A manifest with runtime dependencies. go.mod lists every module it needs; a Maven, Gradle, NuGet or
    Bundler build counts as having some (scopes, version catalogs and platform BOMs hide them from a
    text read), as does a Pipfile."""
    hits = []
    for manifest in s.facts.manifests:
        if RUNTIME in manifest.data:
            count = int(manifest.data[RUNTIME])
        elif manifest.ecosystem == "go":
            count = len(manifest.dependencies)
        else:
            hits.append(ev(manifest.path, None, f"a {manifest.ecosystem} build"))
            continue
        if count:
            hits.append(ev(manifest.path, None, f"{count} runtime dependenc{'y' if count == 1 else 'ies'}"))
    return found(hits[:3])


ECOSYSTEM_OF = {
    "npm": "npm",
    "pip": "pip",
    "go": "gomod",
    "cargo": "cargo",
    "maven": "maven",
    "gradle": "gradle",
    "bundler": "bundler",
    "composer": "composer",
    "nuget": "nuget",
    "mix": "mix",
}


@signal("deps.uncovered_ecosystems", "ecosystems present that the update bot does not cover")
def uncovered(s: Signals) -> Signal:
    f = s.facts
    if "renovate" in f.dependency_updates or "dependabot" not in f.dependency_updates:
        return listing([])
    covered = set(f.dependency_updates["dependabot"])
    needed = {ECOSYSTEM_OF[m.ecosystem]: m.path for m in f.manifests if m.ecosystem in ECOSYSTEM_OF}
    if any(p.provider == "github-actions" for p in f.pipelines):
        needed["github-actions"] = ".github/workflows"
    if f.dockerfiles:
        needed["docker"] = f.dockerfiles[0].path
    if f.terraform:
        needed["terraform"] = f.terraform[0].path
    path = f.dependency_update_paths["dependabot"]
    return listing(
        ev(path, None, f"no '{eco}' updates (found {where})")
        for eco, where in sorted(needed.items())
        if eco not in covered and not (covered & _COVERED_ALSO_BY.get(eco, set()))
    )


# Dependabot ecosystems that update another's manifests: `uv` updates pip projects, `bun` npm ones.
_COVERED_ALSO_BY = {"pip": {"uv"}, "npm": {"bun"}}
