"""Helpers that signals of several prefixes use (evidence of paths and config files, dependency
hits, CI-or-script matches, Helm charts, throwaway-cluster deploys). Helpers of one prefix stay in its module."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import safe_yaml
from ..collectors.containers import is_dev_dockerfile
from ..collectors.meta import primary_readme
from ..facts import Dockerfile, Facts, K8sObject, Pipeline, TextLine
from ..folded_re import TextPattern
from ..helm_guards import TRUE as RENDERED
from ..helm_guards import UNKNOWN, TemplateGuards
from ..model import Evidence
from ..path_patterns import PathPattern
from ..signal_core import (
    COVERAGE_FLAG,
    PR_TRIGGERS,
    ci_capability,
    ci_matching,
    ephemeral_target,
    ev,
    files_matching,
    rx,
)


def _paths(paths: list[str], limit: int = 5, snippet: str = "") -> list[Evidence]:
    return [ev(p, None, snippet) for p in sorted(paths)[:limit]]


def _config(facts: Facts, *kinds: str) -> list[Evidence]:
    return _paths([p for k in kinds for p in facts.config_files.get(k, [])])


# Linters of infrastructure files (helm lint, tflint, hadolint) are the code linters of an infrastructure
# repository, and IaC validation (IAC-009) elsewhere.
_INFRASTRUCTURE_ECOSYSTEMS = frozenset({"kubernetes", "iac", "containers", "gitops", "cloud"})


def _shipped_dockerfiles(f: Facts) -> list[Dockerfile]:
    """Dockerfiles of production images: dev containers, `*.dev` and test/e2e/docs images are not judged as such."""
    return [d for d in f.dockerfiles if not is_dev_dockerfile(d.path)]


def _ci_coverage_gates(facts: Facts) -> list[Evidence]:
    """CI commands that fail under a coverage threshold (`coverage report --fail-under=90`)."""
    return ci_capability(facts, ("coverage-gate",), COVERAGE_FLAG)


def _applied_to_throwaway_cluster(facts: Facts, keep: Callable[[str], bool] = lambda tool_id: True, *,
                                  on_pr: bool = False) -> list[Evidence]:
    """Manifests or charts a CI job applies to a cluster it created itself (kind, minikube, k3d): the
    API server validates them, and the job fails when they do not apply; an end-to-end test of the
    configuration. `on_pr`: jobs pull requests trigger."""
    throwaway = {(p.path, j.id): target for p in facts.pipelines for j in p.jobs if (target := ephemeral_target(j))}
    hits: dict[tuple[str, str], Evidence] = {}
    for use in facts.tool_uses:
        key = (use.job.path, use.job.job_id)
        if on_pr and not use.job.triggers & PR_TRIGGERS:
            continue
        if use.capability == "deploy" and key in throwaway and key not in hits and keep(use.tool_id):
            link = next((link for link in reversed(use.invocation.chain) if link.path == use.job.path), None)
            hits[key] = ev(use.job.path, link.line if link else use.job.line,
                           f"{use.invocation.value} on {throwaway[key]}")
    return list(hits.values())

# -- helpers ----------------------------------------------------------------------------------------


def _deps(facts: Facts, names: Iterable[str], ecosystem: str | None = None) -> list[Evidence]:
    wanted = {n.lower() for n in names}
    hits = []
    for m in facts.manifests:
        if ecosystem and m.ecosystem != ecosystem:
            continue
        matched = sorted(
            d for d in m.dependencies if d in wanted or any(d.startswith(w) for w in wanted if w.endswith("/"))
        )
        if matched:
            hits.append(ev(m.path, None, "dependency: " + ", ".join(matched[:3])))
    return hits


def _files(facts: Facts, pattern: PathPattern, limit: int = 3) -> list[Evidence]:
    return [ev(p) for p in files_matching(facts, pattern)[:limit]]


def ci_or_scripts(facts: Facts, pattern: TextPattern, pipelines: Iterable[Pipeline] | None = None) -> list[Evidence]:
    """CI steps that match directly or through a Makefile target or package script they call."""
    return ci_matching(facts, pattern, pipelines=pipelines)


JS_TEST_CMD = rx(
    r"\b(jest|vitest|mocha|karma|ava|ng test|(npm|pnpm|yarn|bun)( run)? test(:unit|:ci)?\b|npm t\b|"
    r"(npm|pnpm|yarn) --prefix \S+ test|turbo( run)? test|nx (run-many|affected)[^\n]{0,200}test)"
)

WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "Pod", "Job", "CronJob", "ReplicaSet", "Rollout"})


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


def _dependency_evidence(facts: Facts, names: set[str] | frozenset[str], snippet: str) -> list[Evidence]:
    return [
        ev(m.path, None, f"{snippet}: {', '.join(sorted(m.dependencies & names))}")
        for m in facts.manifests
        if m.dependencies & names
    ]


def _base(path: str) -> str:
    return path.rsplit("/", 1)[-1]

PIPE_TO_SHELL = rx(
    r"\b(curl|wget)\b[^\n|;]{0,300}\|\s*(sudo\s+(-\S+\s+){0,10})?(ba|z|da|k)?sh\b|"
    r"\b(curl|wget)\b[^\n|;]{0,300}\|\s*(sudo\s+)?python[0-9.]*\b|"
    r"\b(ba|z)?sh\s+(-c\s+)?[\"']?\$\((curl|wget)\b|"
    r"\b(ba|z)?sh\s+<\(\s*(curl|wget)\b"
)


def readme_lines(facts: Facts) -> list[TextLine]:
    """The lines of the README a visitor sees (collectors.meta.primary_readme)."""
    path = primary_readme(facts.docs.get("readme", []))
    return [line for line in facts.doc_lines if line.path == path] if path else []


# Setting names that hold a secret (`DB_PASSWORD`, `API_KEY`), unless they name where one is (`_FILE`, `_URL`)
SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|APIKEY|PRIVATE_?KEY|ACCESS_?KEY|"
    r"CLIENT_?SECRET|CREDENTIALS?|AUTH_?KEY|SIGNING_?KEY|ENCRYPTION_?KEY|DSN)",
    re.I,
)
NOT_A_SECRET = re.compile(
    r"(_FILE|_PATH|_DIR|_URL|_URI|_ENDPOINT|_HOST|_HEADER|_NAME|_ID|_TTL|_EXPIR\w{0,20}|_TIMEOUT|"
    r"_LENGTH|_TYPE|_ALGORITHM|_ISSUER|_AUDIENCE|_LIFETIME|_COOKIE)$",
    re.I,
)


def secret_named(name: str) -> bool:
    return bool(SECRET_NAME.search(name)) and not NOT_A_SECRET.search(name)

