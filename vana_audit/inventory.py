"""The `inventory` object of the JSON contract: what the repository has, in DESIGN.md's vocabulary.

A projection of the facts: tools are named by their tool-catalog id, found where the catalog
recognises them (what CI runs, through the CI model; hooks; configuration files; declared
packages). No tool is listed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .facts import Facts
from .pipeline import build_pipeline
from .results import Inventory
from .tools import Use, catalog

SECURITY = frozenset({"sast", "secret-scan", "dependency-scan", "container-scan", "iac-scan", "workflow-scan"})
TESTING = frozenset({"test-runner", "e2e"})
DEPLOYING = frozenset({"deploy", "publish"})
OBSERVING = frozenset({"monitoring", "tracing", "error-tracking"})
RELEASING = frozenset({"release", "changelog"})
HOOKS = frozenset({"hook-runner", "commit-lint"})
# Test files of a language no configured or declared runner accounts for: the language's own runner.
_RUNNER_OF_TEST_FILE = (("_test.go", "go"), ("_spec.rb", "rspec"), (".java", "junit"), (".kt", "junit"))


def _sorted(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values)))


def _ids(uses: Iterable[Use], capabilities: frozenset[str]) -> set[str]:
    return {use.tool_id for use in uses if use.capability in capabilities}


def _configured(facts: Facts) -> Iterator[Use]:
    """Tools whose configuration file is in the repository (hook configs, scanner configs, bots)."""
    tools = catalog()
    for path in facts.files:
        yield from tools.from_config_file(path)


def _declared(facts: Facts) -> Iterator[Use]:
    """Tools the package manifests declare as dependencies."""
    tools = catalog()
    for manifest in facts.manifests:
        for name in sorted(manifest.dependencies)[:2000]:
            yield from tools.from_package(manifest.ecosystem, name)


def _hooks(facts: Facts) -> Iterator[Use]:
    tools = catalog()
    for hook in facts.pre_commit_hooks.get("pre-commit", []):
        yield from tools.from_hook(hook)


def _target(tool_id: str) -> str:
    """Where a deploy or publish by the tool lands (the catalog's `deploys_to`, else its cloud), else the tool."""
    raw = catalog().tool(tool_id).raw
    return str(raw.get("deploys_to") or raw.get("cloud") or tool_id)


def build_inventory(facts: Facts) -> Inventory:
    in_ci = [Use(u.tool_id, u.capability, "ci") for u in facts.tool_uses]
    configured, declared, hooks = list(_configured(facts)), list(_declared(facts)), list(_hooks(facts))
    known = {c.tool for c in facts.test_configs if c.tool not in ("coverage", "tox")}
    test_frameworks = known | _ids(in_ci + declared + configured, TESTING)
    for path in facts.test_files.get("unit", []) + facts.test_files.get("integration", []):
        if path.endswith(".py") and not test_frameworks & {"pytest", "unittest"}:
            test_frameworks.add("unittest")
        runner = next((r for suffix, r in _RUNNER_OF_TEST_FILE if path.endswith(suffix)), None)
        if runner and runner not in test_frameworks:
            test_frameworks.add(runner)
    coverage: dict[str, float] = {}
    for config in facts.test_configs:
        if config.coverage_threshold is not None:
            coverage[config.tool] = max(coverage.get(config.tool, 0.0), config.coverage_threshold)
    docs_paths = sorted(
        {
            p
            for kind, paths in facts.docs.items()
            if kind not in ("docs", "readme-nested", "pr-template", "issue-template", "codeowners", "api-spec")
            for p in paths
        }
    )
    monitoring = _ids(declared + configured, OBSERVING)
    tools = catalog()  # configuration kinds the collectors classify (prometheus.yml, Grafana dashboards)
    monitoring |= {kind for capability in OBSERVING for kind in tools.kinds_with(capability)
                   if facts.config_files.get(kind)}
    hook_managers = {name for name, hooks in facts.pre_commit_hooks.items() if hooks}
    return Inventory(
        ci_providers=_sorted(p.provider for p in facts.pipelines),
        workflows=_sorted(p.path for p in facts.pipelines),
        test_frameworks=_sorted(test_frameworks),
        coverage_thresholds=dict(sorted(coverage.items())),
        dockerfiles=_sorted(d.path for d in facts.dockerfiles),
        compose_files=_sorted(c.path for c in facts.compose_files),
        iac_tools=_sorted(tool for tool, paths in facts.iac_tools.items() if paths),
        dependency_update_tools=_sorted(facts.dependency_updates),
        security_scanners=_sorted(_ids(in_ci + hooks + configured, SECURITY)),
        pre_commit_tools=_sorted(_ids(configured, HOOKS) | hook_managers),
        deploy_targets=_sorted(_target(tool_id) for tool_id in _ids(in_ci, DEPLOYING)),
        monitoring=_sorted(m.replace("grafana-dashboard", "grafana") for m in monitoring),
        release_tools=_sorted(_ids(in_ci + configured, RELEASING)),
        docs=tuple(docs_paths),
        package_ecosystems=_sorted(m.ecosystem for m in facts.manifests),
        make_targets=_sorted(t.name for t in facts.make_targets),
        test_files={k: len(v) for k, v in sorted(facts.test_files.items())},
        file_count=len(facts.files),
        pipeline=build_pipeline(facts),
    )
