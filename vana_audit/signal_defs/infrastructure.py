"""Infrastructure signals: Kubernetes workload hardening and operability, Helm charts, Terraform
modules. Each reads facts only (parsed Kubernetes objects, Helm template text, Terraform text)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import safe_yaml
from ..collectors.profile import terraform_module
from ..facts import Facts, K8sObject, TerraformFile
from ..folded_re import TextPattern
from ..helm_guards import TRUE as RENDERED
from ..helm_guards import UNKNOWN, TemplateGuards
from ..model import Evidence
from ..signals import Signal, Signals, ci_matching, ev, found, listing, rx, signal

WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "Pod", "Job", "CronJob", "ReplicaSet", "Rollout"})
SCALABLE_KINDS = frozenset({"Deployment", "StatefulSet", "Rollout"})
SCALER_KINDS = frozenset({"HorizontalPodAutoscaler", "ScaledObject"})
NETPOL_KINDS = frozenset(
    {"NetworkPolicy", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy", "GlobalNetworkPolicy"}
)
DANGEROUS_CAPS = frozenset({"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "BPF", "SYS_RAWIO"})
FLOATING_REFS = frozenset({"main", "master", "develop", "dev", "trunk", "head"})


# -- Kubernetes objects -----------------------------------------------------------------------------------


def _line(node: Any, default: int) -> int:
    return getattr(node, "line", None) or default


def _key_line(node: Any, key: str, default: int) -> int:
    """The line of `key` in a mapping: its start line plus the key's position while the keys before
    it hold scalars (one line each); the mapping's own line otherwise."""
    start = getattr(node, "line", None)
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


@dataclass
class HelmChart:
    directory: str  # "" for a chart at the top
    chart_file: str
    templates: list[K8sObject] = field(default_factory=list)
    values: list[tuple[str, str]] = field(default_factory=list)

    def texts(self) -> Iterator[tuple[str, str]]:
        yield from self.values
        for t in self.templates:
            yield t.path, str(t.spec.get("_template_text", ""))

    def has(self, pattern: TextPattern) -> bool:
        return any(pattern.search(_uncommented(text)) for _, text in self.texts())

    def default_values(self) -> Any:
        """The chart's default values.yaml, parsed (None when absent or unreadable: guards are then unknown)."""
        text = dict(self.values).get(self.directory + "values.yaml")
        if text is None:
            return None
        try:
            values = safe_yaml.load(text)
        except Exception:
            return None
        return values if isinstance(values, dict) else ({} if values is None else None)

    def matches(self, pattern: TextPattern) -> list[Evidence]:
        """Lines matching `pattern` that render with the default values: a template line behind a guard
        that is off by default is left out, and so is one behind a guard too complex to evaluate
        (those are in `conditional_matches`)."""
        return self._matches(pattern)[0]

    def conditional_matches(self, pattern: TextPattern) -> list[Evidence]:
        """Template lines matching `pattern` behind a guard that could not be evaluated."""
        return self._matches(pattern)[1]

    def _matches(self, pattern: TextPattern) -> tuple[list[Evidence], list[Evidence]]:
        hits, unknown = [], []
        templates = {t.path for t in self.templates}
        values = self.default_values() if templates else None
        for path, text in self.texts():
            guards = TemplateGuards(text, values) if path in templates else None
            for number, line in enumerate(text.splitlines(), 1):
                if line.lstrip().startswith("#"):
                    continue
                found_at = pattern.search(line)
                if not found_at:
                    continue
                guard = guards.line(number, found_at.start()) if guards else None
                if guard is None or guard.state == RENDERED:
                    hits.append(ev(path, number, line))
                elif guard.state == UNKNOWN:
                    unknown.append(ev(path, number, f"{line.strip()} (only if {guard.condition}: not evaluated)"))
        return hits, unknown

    def workloads(self, kinds: frozenset[str] = WORKLOAD_KINDS) -> list[K8sObject]:
        return [t for t in self.templates if t.kind in kinds]




def _uncommented(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def helm_charts(facts: Facts) -> list[HelmChart]:
    charts = []
    for chart_file in sorted(facts.iac_tools.get("helm", [])):
        directory = chart_file.rsplit("/", 1)[0] + "/" if "/" in chart_file else ""
        chart = HelmChart(directory, chart_file)
        chart.templates = [
            o for o in facts.k8s_objects if o.in_helm_chart and o.path.startswith(directory + "templates/")
        ]
        chart.values = [
            (p, t)
            for p, t in sorted(facts.config_texts.items())
            if p.startswith(directory) and "/" not in p[len(directory) :] and p.rsplit("/", 1)[-1].startswith("values")
        ]
        charts.append(chart)
    return charts


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


@signal("k8s.config_present", "Kubernetes configuration is kept in the repository (manifests, Helm or Kustomize)")
def k8s_config(s: Signals) -> Signal:
    tools = s.facts.iac_tools
    return found(ev(paths[0], None, tool) for tool in ("kubernetes", "helm", "kustomize") if (paths := tools.get(tool)))


@signal("helm.charts", "Helm charts are kept in the repository")
def charts_present(s: Signals) -> Signal:
    return found(ev(c.chart_file) for c in helm_charts(s.facts))


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
    for o, _ in workloads(s.facts, frozenset({"Deployment"})):
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
    for o, _ in workloads(s.facts, SCALABLE_KINDS):
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


@signal("k8s.autoscalers", "HorizontalPodAutoscalers or KEDA ScaledObjects are defined")
def autoscalers(s: Signals) -> Signal:
    return found(
        ev(o.path, o.line, f"{o.kind} {o.name}".strip()) for o in s.facts.k8s_objects if o.kind in SCALER_KINDS
    )


@signal("k8s.unscaled_workloads", "Deployments and StatefulSets no autoscaler targets")
def unscaled(s: Signals) -> Signal:
    targets = {
        str(_dict(_dict(o.spec.get("spec")).get("scaleTargetRef")).get("name"))
        for o in s.facts.k8s_objects
        if o.kind in SCALER_KINDS and not o.in_helm_chart
    }
    hits = [
        ev(o.path, o.line, f"{_label(o)}: no HorizontalPodAutoscaler or ScaledObject targets it")
        for o, _ in workloads(s.facts, SCALABLE_KINDS)
        if o.name not in targets
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


# -- Terraform ------------------------------------------------------------------------------------------------

_BLOCK = re.compile(r'^[ \t]*(module|variable|resource|provider|output)\s+"([^"]+)"(?:\s+"[^"]*")?\s*\{', re.M)


def tf_blocks(t: TerraformFile, kind: str) -> Iterator[tuple[str, int, str]]:
    """(name, line, body) of each `kind "name" {...}` block, braces matched."""
    for match in _BLOCK.finditer(t.text):
        if match.group(1) != kind:
            continue
        depth, index = 0, match.end() - 1
        while index < len(t.text):
            char = t.text[index]
            depth += (char == "{") - (char == "}")
            if depth == 0:
                break
            index += 1
        yield match.group(2), t.text.count("\n", 0, match.start()) + 1, t.text[match.end() : index]


def _attr(body: str, name: str) -> str | None:
    match = re.search(rf'^[ \t]*{name}[ \t]*=[ \t]*"([^"\n]*)"', body, re.M)
    return match.group(1) if match else None


REGISTRY_SOURCE = re.compile(r"^([\w.-]+\.[a-z]{2,}/)?[\w-]+/[\w-]+/[\w-]+$")


def module_source_problem(source: str, has_version: bool) -> str | None:
    if source.startswith(("./", "../")):
        return None
    if (
        source.startswith(("git::", "git@"))
        or re.match(r"^(github\.com|bitbucket\.org|gitlab\.com)/", source)
        or re.search(r"\.git($|//|\?)", source)
    ):
        ref = re.search(r"[?&]ref=([^&/]+)", source)
        if not ref:
            return "git source without ?ref="
        if ref.group(1).lower() in FLOATING_REFS:
            return f"git source on branch {ref.group(1)}"
        return None
    if REGISTRY_SOURCE.match(source) and not has_version:
        return "registry module without version"
    return None


@signal(
    "tf.unpinned_modules", "Terraform module calls whose source floats (git without ?ref=, registry without version)"
)
def unpinned_modules(s: Signals) -> Signal:
    hits = []
    for t in s.facts.terraform:
        for name, line, body in tf_blocks(t, "module"):
            source = _attr(body, "source")
            if source is None:
                continue
            problem = module_source_problem(source, re.search(r"^[ \t]*version[ \t]*=", body, re.M) is not None)
            if problem:
                hits.append(ev(t.path, line, f'module "{name}": {problem} ({source})'))
    return listing(hits)


@signal("tf.modules_called", "Terraform calls modules from outside the repository")
def modules_called(s: Signals) -> Signal:
    return found(
        ev(t.path, line, f'module "{name}"')
        for t in s.facts.terraform
        for name, line, body in tf_blocks(t, "module")
        if (source := _attr(body, "source")) and not source.startswith(("./", "../"))
    )


def _gitignore_lines(facts: Facts) -> Iterator[tuple[str, int, str]]:
    for path, text in sorted(facts.config_texts.items()):
        if path.rsplit("/", 1)[-1] == ".gitignore":
            for number, line in enumerate(text.splitlines(), 1):
                if line.strip() and not line.lstrip().startswith(("#", "!")):
                    yield path, number, line.strip()
    if not any(p.rsplit("/", 1)[-1] == ".gitignore" for p in facts.config_texts):
        for doc_line in facts.gitignore:
            if not doc_line.text.lstrip().startswith(("#", "!")):
                yield doc_line.path, doc_line.line, doc_line.text.strip()


@signal("tf.gitignore_working_dir", ".gitignore keeps the .terraform/ working directory out of git")
def gitignore_working_dir(s: Signals) -> Signal:
    return found(
        ev(p, n, line) for p, n, line in _gitignore_lines(s.facts) if re.search(r"(^|/|\*)\.terraform(/|\*|$)", line)
    )


@signal("tf.gitignore_state", ".gitignore keeps Terraform state files out of git")
def gitignore_state(s: Signals) -> Signal:
    return found(ev(p, n, line) for p, n, line in _gitignore_lines(s.facts) if ".tfstate" in line)


@signal("tf.working_dir_committed", "files of the .terraform/ working directory are in the repository")
def working_dir_committed(s: Signals) -> Signal:
    return listing(
        [
            ev(p, None, "Terraform working directory")
            for p in s.facts.all_files
            if p.startswith(".terraform/") or "/.terraform/" in p
        ][:5]
    )


@signal("tf.variables", "Terraform input variables are declared")
def variables(s: Signals) -> Signal:
    return found(
        ev(t.path, line, f'variable "{name}"') for t in s.facts.terraform for name, line, _ in tf_blocks(t, "variable")
    )


@signal("tf.undocumented_variables", "Terraform variables without a description or a type")
def undocumented_variables(s: Signals) -> Signal:
    hits = []
    for t in s.facts.terraform:
        for name, line, body in tf_blocks(t, "variable"):
            missing = [k for k in ("description", "type") if not re.search(rf"^[ \t]*{k}[ \t]*=", body, re.M)]
            if missing:
                hits.append(ev(t.path, line, f'variable "{name}": no {" or ".join(missing)}'))
    return listing(hits)


@signal(
    "tf.module_only",
    "an infrastructure repository whose Terraform is a reusable module (no backend, provider configuration or tfvars)",
)
def module_only(s: Signals) -> Signal:
    # Root configurations may leave providers implicit; only a repository judged as infrastructure is taken
    # for a module.
    if s.facts.profile != "infrastructure" or not terraform_module(s.facts):
        return Signal(False)
    return Signal(
        True,
        (
            ev(
                _module_root(s.facts) + "main.tf"
                if s.facts.has_file(_module_root(s.facts) + "main.tf")
                else s.facts.terraform[0].path,
                None,
                "no backend, provider block or tfvars",
            ),
        ),
    )


def _module_root(facts: Facts) -> str:
    """The shallowest directory holding Terraform files, with a trailing slash ('' at the top)."""
    dirs = [t.path.rsplit("/", 1)[0] + "/" if "/" in t.path else "" for t in facts.terraform]
    if not dirs:
        return ""
    depth = min(d.count("/") for d in dirs)
    top = [d for d in dirs if d.count("/") == depth]
    return max(sorted(set(top)), key=top.count)


MODULE_LAYOUT = ("main.tf", "variables.tf", "outputs.tf", "README", "examples/")


def _layout(facts: Facts) -> tuple[list[Evidence], list[Evidence]]:
    root = _module_root(facts)
    present: list[Evidence] = []
    missing: list[Evidence] = []
    for item in MODULE_LAYOUT:
        if item == "README":
            hit = next(
                (
                    p
                    for p in facts.all_files
                    if p.startswith(root) and "/" not in p[len(root) :] and p[len(root) :].lower().startswith("readme")
                ),
                None,
            )
        elif item == "examples/":
            hit = next((p for p in facts.all_files if p.startswith(root + "examples/") and p.endswith(".tf")), None)
        else:
            hit = root + item if facts.has_file(root + item) else None
        (present if hit else missing).append(ev(hit, None, item) if hit else ev(root + item, None, f"missing {item}"))
    return present, missing


@signal(
    "tf.module_layout",
    "parts of the standard Terraform module layout present (main.tf, variables.tf, outputs.tf, README, examples/)",
)
def module_layout(s: Signals) -> Signal:
    return listing(_layout(s.facts)[0])


@signal("tf.module_layout_missing", "parts of the standard Terraform module layout missing")
def module_layout_missing(s: Signals) -> Signal:
    return listing(_layout(s.facts)[1])


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
        "an infrastructure repository of reusable modules others call: a Terraform module, or Helm charts with no "
        "environment configuration (the callers have the environments)")
def reusable_module(s: Signals) -> Signal:
    module = s["tf.module_only"]
    if module.truthy:
        return module
    f = s.facts
    charts = [p for p in f.iac_tools.get("helm", []) if p.rsplit("/", 1)[-1] == "Chart.yaml"]
    if f.profile != "infrastructure" or not charts or not all(o.in_helm_chart for o in f.k8s_objects):
        return Signal(False)
    return Signal(True, tuple(ev(p, None, "Helm chart (installed by its users with their own values)")
                              for p in sorted(charts)[:3]))
