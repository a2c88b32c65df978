"""Infrastructure as code: which tools are present, Terraform text, Kubernetes objects."""
from __future__ import annotations

import re
from collections.abc import Callable

from .. import safe_yaml
from ..facts import K8sObject, TerraformFile
from ..source import Source

K8S_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Pod", "Job", "CronJob", "Service", "Ingress",
             "ConfigMap", "Secret", "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy",
             "Namespace", "ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding",
             "Rollout", "Application", "ApplicationSet", "Kustomization", "HelmRelease", "GitRepository",
             "SealedSecret", "PrometheusRule", "ServiceMonitor", "PodMonitor", "ReplicaSet",
             "PersistentVolumeClaim", "Certificate", "Gateway", "HTTPRoute", "ExternalSecret",
             "ServiceLevelObjective"}

MAX_YAML_FOR_K8S = 5000  # YAML files inspected for Kubernetes objects; the rest are listed only


def _base(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def detect_iac_tools(files: list[str]) -> dict[str, list[str]]:
    tools: dict[str, list[str]] = {}
    # An Ansible role (a Galaxy role repository has one at its root): tasks/main.yml beside meta/main.yml.
    role_dirs = {p.rsplit("meta/", 1)[0] for p in files if p.endswith(("meta/main.yml", "meta/main.yaml"))}

    def add(tool: str, path: str) -> None:
        tools.setdefault(tool, []).append(path)

    for path in files:
        base = _base(path)
        if path.endswith(".tf") or path.endswith(".tf.json"):
            add("terraform", path)
        elif path.endswith(".tofu"):
            add("opentofu", path)
        elif base in ("terragrunt.hcl", "terragrunt.stack.hcl"):  # modules instantiated per environment
            add("terragrunt", path)
        elif base in ("Pulumi.yaml", "Pulumi.yml"):
            add("pulumi", path)
        elif base == "cdk.json":
            add("cdk", path)
        elif base == "Chart.yaml":
            add("helm", path)
        elif base in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
            add("kustomize", path)
        elif base in ("skaffold.yaml", "skaffold.yml"):
            add("skaffold", path)
        elif base in ("serverless.yml", "serverless.yaml"):
            add("serverless", path)
        elif base in ("ansible.cfg", "playbook.yml", "site.yml") or "/roles/" in f"/{path}" and "/tasks/" in path \
                or (base in ("main.yml", "main.yaml") and path.endswith("tasks/" + base)
                    and path[: -len("tasks/" + base)] in role_dirs):
            add("ansible", path)
        elif base.endswith((".template.yaml", ".template.json", ".cfn.yaml", ".cfn.yml")) or base == "template.yaml":
            add("cloudformation", path)
    return tools


def collect_terraform(source: Source, files: list[str]) -> list[TerraformFile]:
    found = []
    for path in files:
        if path.endswith((".tf", ".tofu")):
            text = source.read_text(path)
            if text is not None:
                found.append(TerraformFile(path, text))
    return found


# API groups of admission-policy definitions (a policy library checked by `gator` or `gcloud terraform vet`
# is not Kubernetes configuration with environments; terraform-example-foundation's policy-library/).
POLICY_GROUPS = frozenset({"templates.gatekeeper.sh", "constraints.gatekeeper.sh"})


# Manifests in documentation (tutorial snippets) and in test folders (fixtures an e2e suite applies to a
# throwaway cluster) are not the project's deployed configuration (external-dns: docs/snippets/, e2e/).
NOT_DEPLOYED = re.compile(r"(^|/)(docs?|site|website|e2e|tests?|testdata|test[-_]data)/", re.I)


def collect_k8s(source: Source, files: list[str], tools: dict[str, list[str]],
                keep: Callable[[str], bool] | None = None) -> list[K8sObject]:
    """`keep`: paths the configuration takes back in (`!pattern`), judged even in docs or test folders."""
    chart_dirs = tuple(p.rsplit("/", 1)[0] + "/" if "/" in p else "" for p in tools.get("helm", []))
    objects: list[K8sObject] = []
    inspected = 0
    for path in files:
        if not path.endswith((".yaml", ".yml")) or path.startswith(".github/"):
            continue
        if NOT_DEPLOYED.search(path) and not (keep and keep(path)):
            continue
        inspected += 1
        if inspected > MAX_YAML_FOR_K8S:
            source.problem(path, f"more than {MAX_YAML_FOR_K8S} YAML files; "
                                 "the rest were not inspected for Kubernetes objects")
            break
        in_chart = any(path.startswith(d + "templates/") or (d == "" and path.startswith("templates/"))
                       for d in chart_dirs)
        # plain YAML the chart installs: crds/, and files/ it loads with .Files.Get (argo-workflows' CRDs)
        chart_crd = any(path.startswith((d + "crds/", d + "files/")) for d in chart_dirs)
        text = source.read_text(path)
        if text is None or "kind:" not in text or "apiVersion" not in text:
            continue
        if in_chart:  # Go templates are not YAML until rendered; read them by pattern only
            kind = next((line.split(":", 1)[1].strip() for line in text.splitlines()
                         if line.startswith("kind:")), "")
            if kind:
                objects.append(K8sObject(path, 1, kind, "", {"_template_text": text}, in_helm_chart=True))
            continue
        try:
            docs = safe_yaml.load_all(text)
        except Exception as exc:
            source.problem(path, safe_yaml.describe_error(exc))
            continue
        for doc in docs:
            if isinstance(doc, dict) and str(doc.get("apiVersion", "")).split("/")[0] in POLICY_GROUPS:
                continue  # an admission policy (OPA Gatekeeper), not configuration of a workload or cluster
            if isinstance(doc, dict) and isinstance(doc.get("kind"), str) and doc.get("apiVersion"):
                if doc["kind"] in K8S_KINDS or "." in str(doc.get("apiVersion")):
                    meta = doc["metadata"] if isinstance(doc.get("metadata"), dict) else {}
                    objects.append(K8sObject(path, getattr(doc, "line", 1), doc["kind"],
                                             str(meta.get("name") or ""), doc, in_helm_chart=chart_crd))
    if objects:
        tools.setdefault("kubernetes", sorted({o.path for o in objects if not o.in_helm_chart}) or
                         sorted({o.path for o in objects}))
    return objects
