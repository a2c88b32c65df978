"""`k8s.*` signals: Kubernetes manifests and charts (probes, resources, security contexts)."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .. import safe_yaml
from ..facts import Facts, K8sObject
from ..model import Evidence
from ..signal_core import Signal, Signals, ev, found, listing, signal
from ._shared import WORKLOAD_KINDS, _uncommented, helm_charts


@signal("k8s.workloads", "Kubernetes workloads are defined")
def k8s_workloads(s: Signals) -> Signal:
    return found(ev(o.path, o.line, f"{o.kind} {o.name}") for o in s.facts.k8s_objects if o.pod_spec() is not None)


@signal("k8s.unprobed_or_unbounded", "containers without probes or resource requests/limits")
def k8s_gaps(s: Signals) -> Signal:
    hits = []
    for o in s.facts.k8s_objects:
        pod = o.pod_spec()
        if pod is None:
            continue
        for c in pod.get("containers") or []:
            if not isinstance(c, dict) or "image" not in c:  # no image: a Kustomize patch, not a container
                continue
            missing = [
                k for k in ("readinessProbe", "livenessProbe") if k not in c and o.kind not in ("Job", "CronJob")
            ]
            res = c["resources"] if isinstance(c.get("resources"), dict) else {}
            missing += [k for k in ("requests", "limits") if k not in res]
            if missing:
                hits.append(
                    ev(
                        o.path,
                        getattr(c, "line", o.line),
                        f"{o.kind}/{o.name} container {c.get('name')}: no {', '.join(missing)}",
                    )
                )
    return listing(hits)
SCALABLE_KINDS = frozenset({"Deployment", "StatefulSet", "Rollout"})
SCALER_KINDS = frozenset({"HorizontalPodAutoscaler", "ScaledObject"})
NETPOL_KINDS = frozenset(
    {"NetworkPolicy", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy", "GlobalNetworkPolicy"}
)
DANGEROUS_CAPS = frozenset({"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "BPF", "SYS_RAWIO"})


# -- Kubernetes objects -----------------------------------------------------------------------------------


def _line(node: Any, default: int) -> int:
    return getattr(node, "line", None) or default


def _key_line(node: Any, key: str, default: int) -> int:
    """The line of `key` in a mapping: its start line plus the key's position while the keys before
    it hold scalars (one line each); the mapping's own line otherwise."""
    start: int | None = getattr(node, "line", None)
    if not start or not isinstance(node, dict):
        return default if not start else start
    for offset, (name, value) in enumerate(node.items()):
        if name == key:
            return start + offset
        if isinstance(value, (dict, list)):
            break
    return start


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def containers(pod: dict[str, Any]) -> list[dict[str, Any]]:
    return (
        [c for key in ("initContainers", "containers") for c in (pod.get(key) or []) if isinstance(c, dict)]
        if isinstance(pod.get("containers"), list)
        else []
    )


def workloads(facts: Facts, kinds: frozenset[str] = WORKLOAD_KINDS) -> Iterator[tuple[K8sObject, dict[str, Any]]]:
    """Parsed workloads with their pod spec; Kustomize patches (containers without an image) are skipped."""
    for o in facts.k8s_objects:
        if o.in_helm_chart or o.kind not in kinds:
            continue
        pod = o.pod_spec()
        if pod is None:
            continue
        main = [c for c in pod.get("containers") or [] if isinstance(c, dict)]
        if main and all("image" in c for c in main):
            yield o, pod


def _label(o: K8sObject, c: dict[str, Any] | None = None) -> str:
    name = f"{o.kind}/{o.name}" if o.name else o.kind
    return f"{name} container {c.get('name')}" if c is not None else name


@signal("k8s.any_workloads", "Kubernetes workloads are defined (manifests, Kustomize bases or Helm templates)")
def any_workloads(s: Signals) -> Signal:
    hits = [ev(o.path, o.line, _label(o)) for o, _ in workloads(s.facts)]
    hits += [ev(t.path, 1, f"Helm template: {t.kind}") for c in helm_charts(s.facts) for t in c.workloads()]
    return found(hits)


@signal(
    "k8s.scalable_workloads", "Deployments, StatefulSets or Argo Rollouts are defined (manifests or Helm templates)"
)
def scalable_workloads(s: Signals) -> Signal:
    hits = [ev(o.path, o.line, _label(o)) for o, _ in workloads(s.facts, SCALABLE_KINDS)]
    hits += [
        ev(t.path, 1, f"Helm template: {t.kind}") for c in helm_charts(s.facts) for t in c.workloads(SCALABLE_KINDS)
    ]
    return found(hits)


@signal("k8s.replicated_workloads", "Deployments or StatefulSets that run two or more pods (by spec.replicas or an "
        "autoscaler; Helm templates, whose replica count is a value, count)")
def replicated_workloads(s: Signals) -> Signal:
    return found(_workloads_of_at_least(s, 2, SCALABLE_KINDS))


@signal("k8s.rolling_workloads", "Deployments that run four or more pods (by spec.replicas or an autoscaler; Helm "
        "templates count), where the default rollout may take pods down")
def rolling_workloads(s: Signals) -> Signal:
    return found(_workloads_of_at_least(s, 4, frozenset({"Deployment"})))


def _workloads_of_at_least(s: Signals, pods: int, kinds: frozenset[str]) -> list[Evidence]:
    scaled = _autoscaled(s.facts)
    hits = [ev(o.path, o.line, f"{_label(o)}: {'autoscaled' if o.name in scaled else f'{_replicas(o)} replicas'}")
            for o, _ in workloads(s.facts, kinds) if _replicas(o) >= pods or o.name in scaled]
    hits += [ev(t.path, 1, f"Helm template: {t.kind}") for c in helm_charts(s.facts) for t in c.workloads(kinds)]
    return hits


@signal("k8s.config_present", "Kubernetes configuration is kept in the repository (manifests, Helm or Kustomize)")
def k8s_config(s: Signals) -> Signal:
    tools = s.facts.iac_tools
    return found(ev(paths[0], None, tool) for tool in ("kubernetes", "helm", "kustomize") if (paths := tools.get(tool)))


def _image_floats(image: str) -> bool:
    if "@sha256:" in image:
        return False
    last = image.rsplit("/", 1)[-1]
    return ":" not in last or last.split(":", 1)[1] in ("", "latest")


def _image_overrides(facts: Facts) -> set[str]:
    """Images whose tag is set at deploy time: Kustomize `images:` entries and Skaffold build artifacts."""
    names: set[str] = set()
    for path in facts.iac_tools.get("skaffold", []):
        try:
            documents = safe_yaml.load_all(facts.config_texts.get(path, ""))
        except Exception:  # unreadable skaffold.yaml: no overrides known
            documents = []
        for node in safe_yaml.walk_mappings(documents):
            for artifact in node.get("artifacts") or [] if isinstance(node.get("artifacts"), list) else []:
                if isinstance(artifact, dict) and isinstance(artifact.get("image"), str):
                    names.add(artifact["image"])
    for o in facts.k8s_objects:
        if o.kind == "Kustomization":
            for image in o.spec.get("images") or []:
                if (
                    isinstance(image, dict)
                    and image.get("name")
                    and (image.get("newTag") or image.get("digest"))
                    and str(image.get("newTag", "")) != "latest"
                ):
                    names.add(str(image["name"]))
    return names


HELM_LATEST = re.compile(r"""^\s*(tag:\s*["']?latest["']?\s*$|(image|repository):\s*["']?[^\s"'{]+:latest["']?\s*$)""")


@signal("k8s.floating_images", "Kubernetes containers whose image has no tag, or the latest tag")
def floating_images(s: Signals) -> Signal:
    overridden = _image_overrides(s.facts)
    hits = []
    for o, pod in workloads(s.facts):
        for c in containers(pod):
            image = c.get("image")
            if not isinstance(image, str) or "$" in image or "{{" in image:
                continue
            name = image.split("@", 1)[0]
            name = name.rsplit(":", 1)[0] if ":" in name.rsplit("/", 1)[-1] else name
            if name in overridden:
                continue  # Kustomize `images:` or Skaffold sets the tag at deploy time
            if _image_floats(image):
                hits.append(ev(o.path, _key_line(c, "image", o.line), f"{_label(o, c)}: image {image}"))
    for chart in helm_charts(s.facts):
        hits += chart.matches(HELM_LATEST)
    return listing(hits)


HELM_PRIVILEGED = re.compile(
    r"^\s*(privileged:\s*true|allowPrivilegeEscalation:\s*true|host(Network|PID|IPC):\s*true)\b"
)


@signal(
    "k8s.privileged",
    "Kubernetes pods that are privileged, share host namespaces, may escalate or add dangerous capabilities",
)
def privileged(s: Signals) -> Signal:
    hits = []
    for o, pod in workloads(s.facts):
        for key in ("hostNetwork", "hostPID", "hostIPC"):
            if pod.get(key) is True:
                hits.append(ev(o.path, _key_line(pod, key, o.line), f"{_label(o)}: {key}: true"))
        for c in containers(pod):
            sc = _dict(c.get("securityContext"))
            bad = [k for k in ("privileged", "allowPrivilegeEscalation") if sc.get(k) is True]
            added = {str(x).upper() for x in _dict(sc.get("capabilities")).get("add") or []} & DANGEROUS_CAPS
            if added:
                bad.append("capabilities.add " + ", ".join(sorted(added)))
            if bad:
                first = (
                    "privileged"
                    if sc.get("privileged") is True
                    else "allowPrivilegeEscalation"
                    if sc.get("allowPrivilegeEscalation") is True
                    else "capabilities"
                )
                hits.append(ev(o.path, _key_line(sc, first, _line(c, o.line)), f"{_label(o, c)}: {'; '.join(bad)}"))
    for chart in helm_charts(s.facts):
        hits += chart.matches(HELM_PRIVILEGED)
    return listing(hits)


HELM_NON_ROOT = re.compile(r"^[ \t]*(runAsNonRoot:[ \t]*true|runAsUser:[ \t]*[1-9])", re.M)


@signal("k8s.root_pods", "Kubernetes containers not required to run as a non-root user")
def root_pods(s: Signals) -> Signal:
    hits = []
    for o, pod in workloads(s.facts):
        pod_sc = _dict(pod.get("securityContext"))
        for c in containers(pod):
            sc = _dict(c.get("securityContext"))
            user = sc.get("runAsUser", pod_sc.get("runAsUser"))
            non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
            if user == 0:
                where = sc if "runAsUser" in sc else pod_sc
                hits.append(
                    ev(o.path, _key_line(where, "runAsUser", _line(c, o.line)), f"{_label(o, c)}: runAsUser: 0")
                )
            elif not (non_root is True or (isinstance(user, int) and user > 0)):
                hits.append(
                    ev(
                        o.path,
                        _line(c, o.line),
                        f"{_label(o, c)}: no runAsNonRoot or runAsUser; runs as the image's user",
                    )
                )
    for chart in helm_charts(s.facts):
        if not chart.has(HELM_NON_ROOT):
            hits += [
                ev(t.path, 1, f"Helm template {t.kind}: no runAsNonRoot or runAsUser in the chart")
                for t in chart.workloads()
            ]
    return listing(hits)


RESTRICTED_MARKERS = {
    "allowPrivilegeEscalation: false": re.compile(r"^[ \t]*allowPrivilegeEscalation:[ \t]*false", re.M),
    "capabilities drop ALL": re.compile(r"drop:[ \t]*(\[[ \t]*[\"']?ALL|\n[ \t]*-[ \t]*[\"']?ALL)", re.M),
    "readOnlyRootFilesystem: true": re.compile(r"^[ \t]*readOnlyRootFilesystem:[ \t]*true", re.M),
    "seccompProfile RuntimeDefault": re.compile(
        r"seccompProfile:[\s{]{0,40}type:[ \t]*[\"']?(RuntimeDefault|Localhost)"
    ),
}


@signal("k8s.unhardened", "Kubernetes containers missing restricted Pod Security settings")
def unhardened(s: Signals) -> Signal:
    hits = []
    for o, pod in workloads(s.facts):
        pod_sc = _dict(pod.get("securityContext"))
        pod_seccomp = _dict(pod_sc.get("seccompProfile")).get("type")
        for c in containers(pod):
            sc = _dict(c.get("securityContext"))
            missing = []
            if sc.get("allowPrivilegeEscalation") is not False:
                missing.append("allowPrivilegeEscalation: false")
            if "ALL" not in {str(x).upper() for x in _dict(sc.get("capabilities")).get("drop") or []}:
                missing.append("capabilities drop ALL")
            if sc.get("readOnlyRootFilesystem") is not True:
                missing.append("readOnlyRootFilesystem: true")
            if (_dict(sc.get("seccompProfile")).get("type") or pod_seccomp) not in ("RuntimeDefault", "Localhost"):
                missing.append("seccompProfile RuntimeDefault")
            if missing:
                hits.append(ev(o.path, _line(c, o.line), f"{_label(o, c)}: no {', '.join(missing)}"))
    for chart in helm_charts(s.facts):
        text = "\n".join(_uncommented(t) for _, t in chart.texts())
        missing = [name for name, pattern in RESTRICTED_MARKERS.items() if not pattern.search(text)]
        if missing and chart.workloads():
            hits.append(ev(chart.chart_file, None, f"chart sets no {', '.join(missing)}"))
    return listing(hits)


@signal("k8s.no_rollout_strategy", "Deployments without an explicit rollout strategy")
def no_rollout_strategy(s: Signals) -> Signal:
    hits = []
    scaled = _autoscaled(s.facts)
    for o, _ in workloads(s.facts, frozenset({"Deployment"})):
        if _replicas(o) < 4 and o.name not in scaled:
            continue  # under 4 replicas the default (25%, rounded down) takes no pod down: nothing to declare
        strategy = _dict(o.spec.get("spec")).get("strategy")
        if not (isinstance(strategy, dict) and (strategy.get("type") or strategy.get("rollingUpdate"))):
            hits.append(ev(o.path, o.line, f"{_label(o)}: no spec.strategy (the default lets 25% of pods go at once)"))
    for chart in helm_charts(s.facts):
        hits += [
            ev(t.path, 1, "Helm Deployment template: no strategy")
            for t in chart.workloads(frozenset({"Deployment"}))
            if not re.search(r"^[ \t]*strategy:", str(t.spec.get("_template_text", "")), re.M)
        ]
    return listing(hits)


def _labels(o: K8sObject) -> dict[str, Any]:
    template = _dict(_dict(o.spec.get("spec")).get("template"))
    return _dict(_dict(template.get("metadata")).get("labels"))


def _namespace(o: K8sObject) -> Any:
    return _dict(o.spec.get("metadata")).get("namespace")


def _selects(selector: dict[str, Any], labels: dict[str, Any]) -> bool:
    match = _dict(selector.get("matchLabels"))
    if not match:
        return bool(selector.get("matchExpressions"))  # not evaluated: taken as covering
    return all(labels.get(k) == v for k, v in match.items())


@signal("k8s.missing_pdb", "Deployments and StatefulSets no PodDisruptionBudget selects")
def missing_pdb(s: Signals) -> Signal:
    pdbs = [o for o in s.facts.k8s_objects if o.kind == "PodDisruptionBudget" and not o.in_helm_chart]
    hits = []
    scaled = _autoscaled(s.facts)
    for o, _ in workloads(s.facts, SCALABLE_KINDS):
        if _replicas(o) < 2 and o.name not in scaled:
            continue  # one pod: a budget could only block node drains, not keep the workload up
        labels, namespace = _labels(o), _namespace(o)
        covered = any(
            _selects(_dict(_dict(p.spec.get("spec")).get("selector")), labels)
            and (namespace is None or _namespace(p) in (None, namespace))
            for p in pdbs
        )
        if not covered:
            hits.append(ev(o.path, o.line, f"{_label(o)}: no PodDisruptionBudget selects its pods"))
    for chart in helm_charts(s.facts):
        if not any(t.kind == "PodDisruptionBudget" for t in chart.templates):
            hits += [
                ev(t.path, 1, f"Helm {t.kind} template: the chart has no PodDisruptionBudget")
                for t in chart.workloads(SCALABLE_KINDS)
            ]
    return listing(hits)


# A database or cache is a stateful singleton or scales by its own replication, never by an HPA adding pods.
_DATASTORE_IMAGE = re.compile(r"(^|/)(redis|valkey|postgres|postgresql|mysql|mariadb|mongo|mongodb|memcached|"
                              r"elasticsearch|opensearch|cassandra|etcd|zookeeper|rabbitmq|kafka|clickhouse)(:|@|$)")


def _datastore(pod: dict[str, Any]) -> bool:
    return any(isinstance(c, dict) and _DATASTORE_IMAGE.search(str(c.get("image", "")).lower())
               for c in pod.get("containers") or [])


def _replicas(o: K8sObject) -> int:
    """spec.replicas of a workload; Kubernetes' default is 1 (a templated or odd value counts as 1)."""
    value = _dict(o.spec.get("spec")).get("replicas", 1)
    return value if isinstance(value, int) and not isinstance(value, bool) else 1


def _autoscaled(facts: Facts) -> set[str]:
    """Names of the workloads an autoscaler targets (their replica count moves)."""
    return {str(_dict(_dict(o.spec.get("spec")).get("scaleTargetRef")).get("name"))
            for o in facts.k8s_objects if o.kind in SCALER_KINDS and not o.in_helm_chart}


@signal("k8s.autoscalers", "HorizontalPodAutoscalers or KEDA ScaledObjects are defined")
def autoscalers(s: Signals) -> Signal:
    return found(
        ev(o.path, o.line, f"{o.kind} {o.name}".strip()) for o in s.facts.k8s_objects if o.kind in SCALER_KINDS
    )


@signal("k8s.unscaled_workloads", "Deployments and StatefulSets no autoscaler targets")
def unscaled(s: Signals) -> Signal:
    targets = _autoscaled(s.facts)
    hits = [
        ev(o.path, o.line, f"{_label(o)}: no HorizontalPodAutoscaler or ScaledObject targets it")
        for o, pod in workloads(s.facts, SCALABLE_KINDS)
        if o.name not in targets and o.kind != "StatefulSet" and not _datastore(pod)
    ]
    for chart in helm_charts(s.facts):
        if not any(t.kind in SCALER_KINDS for t in chart.templates):
            hits += [
                ev(t.path, 1, f"Helm {t.kind} template: the chart has no autoscaler")
                for t in chart.workloads(SCALABLE_KINDS)
            ]
    return listing(hits)


@signal("k8s.uses_secrets", "Kubernetes workloads read Secrets (env, envFrom, volumes) or Secret objects are defined")
def uses_secrets(s: Signals) -> Signal:
    hits = [
        ev(o.path, o.line, f"{o.kind} {o.name}".strip())
        for o in s.facts.k8s_objects
        if o.kind in ("Secret", "SealedSecret", "ExternalSecret") and not o.in_helm_chart
    ]
    for o, pod in workloads(s.facts):
        refs = [
            node
            for node in safe_yaml.walk_mappings(pod)
            if any(k in node for k in ("secretKeyRef", "secretRef", "secret"))
            and not isinstance(node.get("secret"), (str, int, bool))
        ]
        if refs:
            hits.append(ev(o.path, _line(refs[0], o.line), f"{_label(o)} reads a Secret"))
    for chart in helm_charts(s.facts):
        hits += [
            ev(t.path, 1, f"Helm template {t.kind}")
            for t in chart.templates
            if t.kind == "Secret" or "secretKeyRef" in str(t.spec.get("_template_text", ""))
        ][:3]
    return found(hits)


@signal("k8s.network_policies", "NetworkPolicies (or Cilium/Calico policies) restrict pod traffic")
def network_policies(s: Signals) -> Signal:
    return found(
        ev(o.path, o.line, f"{o.kind} {o.name}".strip()) for o in s.facts.k8s_objects if o.kind in NETPOL_KINDS
    )
