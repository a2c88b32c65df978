"""`iac.*` signals: infrastructure as code beyond Terraform (Pulumi, CDK, Ansible, manifests tested in CI)."""
from __future__ import annotations

import re

from ..facts import Facts
from ..model import Evidence
from ..path_patterns import PathPattern
from ..signal_core import (
    TF_VALIDATE,
    Signal,
    Signals,
    ci_capability,
    ci_matching,
    ev,
    files_matching,
    found,
    rx,
    signal,
    tool_uses,
)
from ..tools import catalog
from ._shared import _INFRASTRUCTURE_ECOSYSTEMS, _applied_to_throwaway_cluster, _paths, helm_charts

# -- infrastructure as code ------------------------------------------------------------------------------


@signal("iac.containerised", "the application is containerised (Dockerfile or compose)")
def containerised(s: Signals) -> Signal:
    return found([ev(d.path) for d in s.facts.dockerfiles] + [ev(c.path) for c in s.facts.compose_files])


@signal("iac.present", "infrastructure is defined as code (Terraform, Pulumi, CloudFormation, Kubernetes, Helm…)")
def iac_present(s: Signals) -> Signal:
    return found(ev(paths[0], None, tool) for tool, paths in sorted(s.facts.iac_tools.items()) if paths)


@signal("iac.validated_in_ci", "infrastructure code is formatted, validated or planned in CI")
def iac_validated(s: Signals) -> Signal:
    tools = catalog()

    def infrastructure_tool(tool_id: str) -> bool:
        return bool(set(tools.tool(tool_id).ecosystems) & (_INFRASTRUCTURE_ECOSYSTEMS - {"containers"}))

    checks = ci_capability(s.facts, ("lint", "format-check", "iac-scan", "policy"), TF_VALIDATE,
                           keep=infrastructure_tool)
    tests = tool_uses(s.facts, ("test-runner",), keep=infrastructure_tool)  # helm unittest, ct install
    return found(checks + tests + _applied_to_throwaway_cluster(s.facts, infrastructure_tool))


@signal("iac.environments", "environments are separated (per-environment directories, overlays or var files)")
def environments(s: Signals) -> Signal:
    # Kubernetes environments count too: Kustomize overlays, per-environment values, GitOps clusters/<env>
    paths = _paths(files_matching(s.facts, ENVIRONMENT_PATHS), 6)
    return found(paths or _terragrunt_environments(s.facts) or list(s["gitops.environment_overlays"].evidence))


def _terragrunt_environments(facts: Facts) -> list[Evidence]:
    """Terragrunt's live layout: an env.hcl in each environment's folder (account/region/env/component)."""
    if not facts.iac_tools.get("terragrunt"):
        return []
    env_files = [p for p in facts.files if p.rsplit("/", 1)[-1] == "env.hcl" and "/" in p]
    return _paths(env_files, 6, "environment configuration (Terragrunt env.hcl)") if len(env_files) >= 2 else []


ENVIRONMENT_PATHS = PathPattern(
    r"(^|/)(environments?|envs?|overlays|stages)/(dev|development|staging|stage|prod|production|qa|test)(/|$)|"
    r"(^|/)(dev|staging|stage|prod|production)\.tfvars$|values-(dev|staging|prod|production)\.ya?ml$",
    ["env", "overlays/", "stages/", ".tfvars", "values-"],
    re.I,
)


IAC_TEST = rx(
    r"(terraform test|tofu test|terratest|helm unittest|helm-unittest|\bct (lint-and-install|install)\b|"
    r"kitchen (test|verify)|chart-testing-action|go test[^\n]{0,200}\btest/)"
)


@signal("iac.tested", "infrastructure code has tests (terraform test, Terratest, helm-unittest, chart-testing)")
def iac_tested(s: Signals) -> Signal:
    f = s.facts
    hits = [ev(p, None, "terraform test") for p in f.files if p.endswith((".tftest.hcl", ".tftest.json"))][:3]
    if f.terraform:
        hits += [
            ev(p, None, "Go test next to Terraform (Terratest)")
            for p in f.all_files
            if re.match(r"(.*/)?tests?/[^/]*_test\.go$", p)
        ][:2]
    hits += [ev(p, None, "Test Kitchen") for p in f.files if p.rsplit("/", 1)[-1] in (".kitchen.yml", "kitchen.yml")][
        :1
    ]
    for chart in helm_charts(f):
        hits += [
            ev(p, None, "helm-unittest")
            for p in f.files
            if p.startswith(chart.directory + "tests/") and p.endswith(("_test.yaml", "_test.yml"))
        ][:1]
        hits += [
            ev(t.path, 1, "helm test hook")
            for t in chart.templates
            if t.path.startswith(chart.directory + "templates/tests/")
        ][:1]
    hits += [ev(p, None, "chart-testing") for p in f.files if p.rsplit("/", 1)[-1] in ("ct.yaml", "ct.yml")][:1]
    hits += ci_matching(f, IAC_TEST)
    return found(hits)


@signal("iac.reusable_module",
        "an infrastructure repository of reusable modules others call: a Terraform module, an Ansible role, or "
        "Helm charts with no environment configuration (the callers have the environments)")
def reusable_module(s: Signals) -> Signal:
    module = s["tf.module_only"]
    if module.truthy:
        return module
    f = s.facts
    roles = [p for p in f.files if p in ("meta/main.yml", "meta/main.yaml")] if f.iac_tools.get("ansible") else []
    if f.profile == "infrastructure" and roles and not f.iac_tools.get("terraform"):
        return Signal(True, (ev(roles[0], None, "an Ansible role (applied by its users' playbooks)"),))
    charts = [p for p in f.iac_tools.get("helm", []) if p.rsplit("/", 1)[-1] == "Chart.yaml"]
    if f.profile != "infrastructure" or not charts or not all(o.in_helm_chart for o in f.k8s_objects):
        return Signal(False)
    return Signal(True, tuple(ev(p, None, "Helm chart (installed by its users with their own values)")
                              for p in sorted(charts)[:3]))
