"""Named signals computed from facts: the vocabulary declarative rules are written in.

A signal is a value (bool, number or list) with the evidence behind it. Signals are computed on
first use and cached, so a scan pays only for what its rules ask.

Every signal has a confidence. High: it was read from parsed structure (the CI model and the tool
catalog, manifests, Kubernetes objects). Low: a text pattern decided it, a regex over CI text where
nothing parsed says so. A signal registered with `confidence="low"` is a text pattern throughout;
any other is high unless what it rests on is low: when true, all of its evidence is low (a text
match, see `ci_matching`); when false, it searched CI text (`note_text_search`) and found nothing.

The signal modules (`signal_defs/`) import this module; `signals.py` is this module with them all
registered, which is what the engine and tests import.
"""

from __future__ import annotations

import contextvars
import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from .collectors.deploys import DEPLOY_CMD as DEPLOY_CMD  # re-exported: the signal modules ask them here
from .collectors.deploys import DEPLOY_WORD as DEPLOY_WORD
from .collectors.deploys import PUBLISH_CMD as PUBLISH_CMD
from .collectors.deploys import all_deploy_jobs
from .collectors.deploys import deploys_docs_site as deploys_docs_site
from .collectors.deploys import ephemeral_target as ephemeral_target
from .collectors.deploys import job_is_deploy as job_is_deploy
from .collectors.deploys import job_runs_deploy_tool as job_runs_deploy_tool
from .collectors.deploys import job_tool_uses as job_tool_uses
from .collectors.deploys import model_job as model_job
from .evidence import ev as ev  # re-exported: the signal modules ask it here
from .facts import CiJob, Facts, Invocation, Job, Link, Pipeline, Step, ToolUse
from .facts import per_scan as per_scan
from .folded_re import FoldedPattern, TextPattern
from .model import Confidence, Evidence
from .path_patterns import PathPattern, matching


@dataclass(frozen=True)
class Signal:
    value: Any
    evidence: tuple[Evidence, ...] = ()
    confidence: Confidence = Confidence.HIGH  # set by Signals from how the signal was computed

    @property
    def truthy(self) -> bool:
        if isinstance(self.value, bool):
            return self.value
        if isinstance(self.value, (int, float)):
            return self.value > 0
        return bool(self.value)


T = TypeVar("T")
SignalFn = Callable[["Signals"], Signal]
REGISTRY: dict[str, tuple[SignalFn, str]] = {}
TEXT_PATTERN_SIGNALS: set[str] = set()  # registered with confidence="low"


def signal(name: str, description: str, confidence: str = "high") -> Callable[[SignalFn], SignalFn]:
    """Register a signal; `confidence="low"` marks one that a text pattern decides."""
    def register(fn: SignalFn) -> SignalFn:
        REGISTRY[name] = (fn, description)
        if Confidence(confidence) is Confidence.LOW:
            TEXT_PATTERN_SIGNALS.add(name)
        return fn

    return register


# While a signal is computed: whether it searched CI text with a pattern (see note_text_search).
_TEXT_SEARCHED: contextvars.ContextVar[list[bool] | None] = contextvars.ContextVar("text_searched", default=None)


def note_text_search() -> None:
    """The signal being computed decides something with a text pattern over CI text, or over CI the
    model cannot see into: finding nothing there proves little."""
    box = _TEXT_SEARCHED.get()
    if box is not None:
        box[0] = True


def opaque_jobs(facts: Facts) -> list[CiJob]:
    """CI jobs in which the model sees nothing run though something does: a Jenkins pipeline made of
    shared-library steps (`buildPlugin()`), a GitLab job that triggers a child pipeline, a GitHub job that
    calls a reusable workflow of another repository (Cloud Posse's modules run all their CI so). (A
    CircleCI no-op or approval job runs nothing by design.)"""
    def build() -> list[CiJob]:
        triggers = {(p.path, j.id) for p in facts.pipelines if p.provider == "gitlab-ci" for j in p.jobs
                    if isinstance(j.raw, dict) and j.raw.get("trigger")}
        remote = {(p.path, j.id) for p in facts.pipelines if p.provider == "github-actions" for j in p.jobs
                  if j.uses and not j.uses.startswith("./")}
        return [job for job in facts.ci_model.jobs if (job.path, job.job_id) in remote or (
            not any(inv.kind != "env" for inv in job.invocations)
            and (job.provider == "jenkins" or (job.path, job.job_id) in triggers))]

    return per_scan(facts, "opaque_jobs", build)


def _with_confidence(name: str, sig: Signal, searched: bool) -> Signal:
    if name in TEXT_PATTERN_SIGNALS:
        low = tuple(dataclasses.replace(e, confidence=Confidence.LOW) for e in sig.evidence)
        return dataclasses.replace(sig, evidence=low, confidence=Confidence.LOW)
    if sig.truthy and sig.evidence:
        high = any(e.confidence is Confidence.HIGH for e in sig.evidence)
        return dataclasses.replace(sig, confidence=Confidence.HIGH if high else Confidence.LOW)
    return dataclasses.replace(sig, confidence=Confidence.LOW if searched else sig.confidence)


class UnknownSignal(KeyError):
    pass


class Signals:
    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        # Shared by every Signals over the same facts: rules and DORA readiness compute each once.
        self._cache: dict[str, Signal] = facts.cache.signals

    def __getitem__(self, name: str) -> Signal:
        if name not in self._cache:
            if name not in REGISTRY:
                raise UnknownSignal(name)
            token = _TEXT_SEARCHED.set([False])
            try:
                computed = REGISTRY[name][0](self)
                searched = bool(_TEXT_SEARCHED.get()[0])  # type: ignore[index]
            finally:
                _TEXT_SEARCHED.reset(token)
            self._cache[name] = _with_confidence(name, computed, searched)
        return self._cache[name]


def text_ev(path: str, line: int | None = None, snippet: str = "") -> Evidence:
    """Evidence of a text-pattern match (low confidence); the signal notes that it searched text."""
    note_text_search()
    return ev(path, line, snippet, Confidence.LOW)


def found(items: Iterable[Evidence]) -> Signal:
    items = tuple(items)
    return Signal(bool(items), items)


def listing(items: Iterable[Evidence]) -> Signal:
    items = tuple(items)
    return Signal(list(items), items)


# -- helpers over CI facts -----------------------------------------------------------------------


def ci_steps(facts: Facts) -> list[tuple[Pipeline, Job, Step]]:
    return [(p, j, s) for p in facts.pipelines for j in p.jobs for s in j.steps]


MAKE_CALL = re.compile(r"\b(?:make|just|task)\s+((?:-\S+\s+){0,10})([\w.:-]+(?:[ \t]+[\w.:-]+)*)")
SCRIPT_CALL = re.compile(r"\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+|run-script\s+)?([\w:.-]+)")


def _local_recipes(facts: Facts) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    targets: dict[str, list[str]] = {}
    for target in facts.make_targets:
        targets.setdefault(target.name, []).extend(target.recipe)
    scripts: dict[str, list[str]] = {}
    for manifest in facts.manifests:
        for name, command in manifest.scripts.items():
            scripts.setdefault(name, []).append(command)
    return targets, scripts


def _called_commands(run: str, targets: dict[str, list[str]], scripts: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(label, command) for the Makefile targets and package scripts a CI command calls."""
    called = [
        (f"make {name}", command)
        for m in MAKE_CALL.finditer(run)
        for name in m.group(2).split()
        for command in targets.get(name, [])
    ]
    called += [
        (f"script {m.group(1)}", command) for m in SCRIPT_CALL.finditer(run) for command in scripts.get(m.group(1), [])
    ]
    return called


def ci_matching(
    facts: Facts, pattern: TextPattern, *, include_uses: bool = True, pipelines: Iterable[Pipeline] | None = None
) -> list[Evidence]:
    """CI steps whose command (or action) matches, directly or through the Makefile target or
    package script they call (`make lint` counts as linting when its recipe runs ruff), and the
    commands the CI model reaches beyond the CI file (a Taskfile task, a tox env). A text pattern:
    the evidence is low confidence, and so is a signal that finds nothing this way."""
    hits = []
    wanted = None if pipelines is None else {id(p) for p in pipelines}
    if wanted is None and facts.pipelines or wanted:
        note_text_search()
    # Workflows repeat steps (checkout, setup, install): each distinct text is searched once.
    searched: dict[str, re.Match[str] | None] = {}
    matched_steps: dict[str, list[str]] = {}  # CI file -> the text of each step found above
    for step_text in _step_texts(facts):
        if wanted is not None and id(step_text.pipeline) not in wanted:
            continue
        text = step_text.text if include_uses else step_text.run
        if text not in searched:
            searched[text] = pattern.search(text)
        match = searched[text]
        if match:
            hits.append(ev(step_text.pipeline.path, step_text.step.line, _matched_line(text, match), Confidence.LOW))
            matched_steps.setdefault(step_text.pipeline.path, []).append(step_text.text)
            continue
        for label, command in step_text.called:
            if command not in searched:
                searched[command] = pattern.search(command)
            if searched[command]:
                hits.append(ev(step_text.pipeline.path, step_text.step.line, f"{label}: {command}", Confidence.LOW))
                matched_steps.setdefault(step_text.pipeline.path, []).append(step_text.text)
                break
    return hits + _reached_matching(facts, pattern, searched, matched_steps, wanted)


def _reached_matching(facts: Facts, pattern: TextPattern, searched: dict[str, re.Match[str] | None],
                      matched_steps: dict[str, list[str]], wanted: set[int] | None) -> list[Evidence]:
    """Commands the CI model reaches beyond the CI file (a Taskfile task, a tox env, a composite action),
    for the steps not found already (by their text or the Makefile target they call): one hit per step."""
    paths = None if wanted is None else {p.path for p in facts.pipelines if id(p) in wanted}
    seen: set[tuple[str, int | None]] = set()
    hits: list[Evidence] = []
    for job, invocation in facts.ci_model.invocations():
        if invocation.kind != "command" or (paths is not None and job.path not in paths) \
                or all(link.path == job.path for link in invocation.chain):
            continue
        value = invocation.value
        if value not in searched:
            searched[value] = pattern.search(value)
        if searched[value]:
            evidence = invocation_evidence(job, invocation)
            step = evidence.snippet.split(" → ", 1)[0].strip()  # the command as the CI file writes it
            if any(step and step in text for text in matched_steps.get(evidence.path, ())):
                continue
            if (evidence.path, evidence.line) not in seen:
                seen.add((evidence.path, evidence.line))
                hits.append(replace(evidence, confidence=Confidence.LOW))
    return hits


PR_TRIGGERS = frozenset({"pull_request", "pull_request_target", "merge_request"})


def tool_uses(facts: Facts, capabilities: Iterable[str], *, on_pr: bool = False,
              keep: Callable[[str], bool] | None = None,
              keep_job: Callable[[CiJob], bool] | None = None) -> list[Evidence]:
    """Where CI runs a tool with one of `capabilities`, from the CI model and the tool catalog: one
    piece of evidence per job and tool, its snippet the chain from the CI file to the command
    (`task ci:check → Taskfile.yml:41 golangci-lint run`). `on_pr`: jobs pull requests trigger;
    `keep(tool_id)`: only the tools it accepts; `keep_job(job)`: only the jobs it accepts."""
    wanted = frozenset(capabilities)
    if opaque_jobs(facts):
        note_text_search()  # a job the model cannot see into may run what was not found
    hits: dict[tuple[str, str, str], Evidence] = {}
    for use in facts.tool_uses:
        if use.capability not in wanted or (on_pr and not use.job.triggers & PR_TRIGGERS):
            continue
        if keep is not None and not keep(use.tool_id):
            continue
        if keep_job is not None and not keep_job(use.job):
            continue
        key = (use.job.path, use.job.job_id, use.tool_id)
        if key not in hits:
            hits[key] = _chain_evidence(use.job.path, use.invocation.chain)
    return list(hits.values())


def use_evidence(use: ToolUse) -> Evidence:
    """Where CI reaches one tool use: the chain from the CI file to the command."""
    return _chain_evidence(use.job.path, use.invocation.chain)


def invocation_evidence(job: CiJob, invocation: Invocation) -> Evidence:
    """Where CI reaches one command or action of a job: the chain from the CI file to it."""
    return _chain_evidence(job.path, invocation.chain)


def _chain_evidence(ci_path: str, chain: tuple[Link, ...]) -> Evidence:
    """The last hop in the CI file itself, then every hop in another file after it."""
    at = max((i for i, link in enumerate(chain) if link.path == ci_path), default=0)
    if not chain:
        return ev(ci_path)
    start = chain[at]
    later = [f"{link.path}:{link.line} {link.text}" if link.line else f"{link.path} {link.text}"
             for link in chain[at + 1:]]
    return ev(start.path, start.line, " → ".join([start.text, *later]))


def unmodelled_pipelines(facts: Facts) -> list[Pipeline]:
    """Pipelines the CI model has no job for (a provider read only as text): their text is all there is."""
    modelled = {job.path for job in facts.ci_model.jobs}
    return [p for p in facts.pipelines if p.path not in modelled]


def ci_capability(facts: Facts, capabilities: Iterable[str], text_fallback: TextPattern, *,
                  on_pr: bool = False, keep: Callable[[str], bool] | None = None) -> list[Evidence]:
    """`tool_uses`, and for pipelines the model does not cover, the old search of their text."""
    pipelines = unmodelled_pipelines(facts)
    if on_pr:
        pipelines = [p for p in pipelines if p.triggers & PR_TRIGGERS]
    text_hits = ci_matching(facts, text_fallback, pipelines=pipelines) if pipelines else []
    return tool_uses(facts, capabilities, on_pr=on_pr, keep=keep) + text_hits


@dataclass(frozen=True)
class _StepText:
    pipeline: Pipeline
    step: Step
    run: str
    text: str  # the command, then the action and its inputs
    called: tuple[tuple[str, str], ...]  # the Makefile targets and package scripts the command calls


def _step_texts(facts: Facts) -> list[_StepText]:
    """Every CI step's searchable text."""

    def build() -> list[_StepText]:
        targets, scripts = _local_recipes(facts)
        return [
            _StepText(pipeline, step, step.run or "",
                      (step.run or "") + "\n" + (step.uses or "") + " " + _with_text(step),
                      tuple(_called_commands(step.run or "", targets, scripts)))
            for pipeline in facts.pipelines for job in pipeline.jobs for step in job.steps
        ]

    return per_scan(facts, "step_texts", build)


def lowered_files(facts: Facts) -> list[tuple[str, str]]:
    """(path, lower-cased path) for every file in scope, for PathPattern searches."""
    return per_scan(facts, "lowered_files", lambda: [(path, path.lower()) for path in facts.files])


def files_matching(facts: Facts, pattern: PathPattern) -> list[str]:
    return matching(pattern, lowered_files(facts))


def _with_text(step: Step) -> str:
    return " ".join(f"{k}={v}" for k, v in step.with_.items())


def _matched_line(text: str, match: re.Match[str]) -> str:
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    return text[start : end if end >= 0 else None]


def pr_pipelines(facts: Facts) -> list[Pipeline]:
    return [p for p in facts.pipelines if p.triggers & PR_TRIGGERS]


# Gaps between two words are bounded (`[^\n]{0,200}`, not `[^\n]*`): an unbounded gap makes a search
# quadratic on a long line that repeats the first word without the second.
def rx(pattern: str) -> FoldedPattern:
    return FoldedPattern(pattern, re.M)


TEST_CMD = rx(
    r"\b(pytest|py\.test|jest|vitest|mocha|go test|cargo test|cargo nextest|rspec|phpunit|tox\b|nox\b|"
    r"(npm|pnpm|yarn|bun)( run)? test\b|make (test|check)\b|mvn\b[^\n]{0,200}\b(test|verify)\b|"
    r"gradlew?\b[^\n]{0,200}\btest\b|"
    r"dotnet test|unittest|ctest|python -m pytest|hatch (run )?test|playwright test|cypress run|mix test|"
    r"swift test|bazel test|just test)"
)
LINT_CMD = rx(
    r"\b(ruff|flake8|pylint|eslint|golangci-lint|rubocop|stylelint|shellcheck|hadolint|biome|"
    r"prettier --check|black --check|(npm|pnpm|yarn)( run)? lint|make lint|pre-commit run|ktlint|clippy|"
    r"super-linter|actionlint|markdownlint|yamllint|codespell)"
)
TYPE_CMD = rx(
    r"\b(mypy|pyright|tsc\b|(npm|pnpm|yarn)( run)? (typecheck|type-check|types)|make typecheck|pytype|vue-tsc|"
    r"flow check)"
)
CONTAINER_BUILD = rx(
    r"(docker (buildx )?build|docker/build-push-action|buildah|kaniko|gcloud builds submit|"
    r"ko build|jib|podman build|redhat-actions/buildah-build|docker compose build|spring-boot:build-image)"
)
CACHE = rx(
    r"(actions/cache|cache:\s*['\"]?(npm|pip|yarn|pnpm|gradle|maven|poetry)|cache-from|cache=|--cache-from|"
    r"enable-cache|setup-uv|cache-dependency-path|restore_cache|save_cache)"
)
ARTIFACT = rx(
    r"(upload-artifact|docker push|build-push-action|twine upload|npm publish|pnpm publish|gh release|"
    r"softprops/action-gh-release|goreleaser|pypa/gh-action-pypi-publish|uv publish|poetry publish|"
    r"cargo publish|gcloud artifacts|artifacts:|helm push|mvn deploy|gradle publish)"
)
COVERAGE_FLAG = rx(
    r"(--cov-fail-under|coverage report[^\n]{0,200}--fail-under|--coverage\.thresholds|--coverageThreshold|"
    r"check-coverage|coverage:\s*minimum|--min-coverage|covr|diff-cover[^\n]{0,200}--fail-under|"
    r"go-test-coverage)"
)
TEST_REPORT = rx(
    r"(junit|--junitxml|junit-xml|codecov|coveralls|test-reporter|publish-unit-test-result|"
    r"coverage\.xml|lcov|cobertura|sonar|reports:[^\S\n]*\n\s*junit|upload-artifact[^\n]{0,200}(report|coverage))"
)
E2E_CMD = rx(
    r"(playwright test|npx playwright|cypress run|cypress-io/github-action|test:e2e|e2e|webdriver|selenium|"
    r"testcafe|nightwatch|detox test)"
)
PERF_CMD = rx(
    r"\b(k6 run|grafana/k6-action|locust|lhci|lighthouse|treosh/lighthouse-ci-action|bundlesize|size-limit|"
    r"andresz1/size-limit-action|artillery|jmeter|gatling|pytest-benchmark|--benchmark|hyperfine|vegeta|wrk )"
)
SMOKE_CMD = rx(
    r"(smoke|curl[^\n]{0,200}(health|status|ready)|wget[^\n]{0,200}health|wait-for|healthcheck|post-deploy|"
    r"verify[- ]deploy|"
    r"synthetic|--smoke)"
)
# Free text ("abort" alone named `--abort-on-container-exit`, "undo" alone anything): low confidence.
ROLLBACK = rx(
    r"(rollback|roll back|rollout undo|helm rollback|--atomic|--to-revisions|update-traffic|revert-deploy|"
    r"auto-rollback)"
)
PROGRESSIVE = rx(
    r"(canary|blue[-_/ ]?green|--to-revisions|update-traffic|--no-traffic|traffic[-_ ]split|"
    r"argo-rollouts|kind:\s*Rollout|flagger|weighted|trafficRouting|linear10Percent|AllAtOnce|"
    r"CodeDeployDefault|progressive|gradual|--tag=)"
)
SECRET_SCAN = rx(r"(gitleaks|trufflehog|detect-secrets|git-secrets|ggshield|secretlint|talisman|whispers|kingfisher)")
SAST = rx(
    r"(codeql|semgrep|bandit|gosec|brakeman|sonar|snyk code|njsscan|horusec|spotbugs|find-sec-bugs|"
    r"eslint-plugin-security|psalm|phpstan --level|flawfinder|bearer)"
)
DEP_SCAN = rx(
    r"(pip-audit|npm audit|yarn audit|pnpm audit|osv-scanner|snyk test|dependency-review-action|"
    r"trivy fs|safety check|govulncheck|grype dir|cargo audit|cargo deny|bundler-audit|owasp dependency-check|"
    r"dependency-check|retire|audit-ci|uv pip audit|osv)"
)
CONTAINER_SCAN = rx(
    r"(trivy image|aquasecurity/trivy-action|grype|docker scout|snyk container|anchore|clair|"
    r"crane[^\n]{0,200}scan|dockle|hadolint|neuvector|prisma[^\n]{0,200}scan|trivy\b)"
)
IAC_SCAN = rx(
    r"(checkov|tfsec|trivy config|kics|terrascan|kubesec|kube-linter|kubescape|polaris|conftest|"
    r"tflint|bridgecrewio|datree|kube-score|trivy (fs|config)[^\n]{0,200}--scanners[^\n]{0,200}misconfig)"
)
SBOM_SIGN = rx(
    r"(syft|cyclonedx|sbom|anchore/sbom-action|cosign|sigstore|slsa-github-generator|attest-build-provenance|"
    r"actions/attest|in-toto|notation sign|provenance:\s*true)"
)
TF_VALIDATE = rx(
    r"(terraform (fmt|validate|plan)|tofu (fmt|validate|plan)|tflint|setup-terraform|terragrunt (plan|validate)|"
    r"kubeconform|kubeval|helm lint|helm template|kustomize build|cfn-lint|pulumi preview|conftest)"
)
CLAIM_CI = rx(
    r"(github actions|gitlab ci|circleci|jenkins|ci/cd|\bci\b pipeline|continuous integration|"
    r"continuous deployment|automated (deployment|deploys|testing|tests)|deployed automatically|"
    r"actions/workflows/[^)\s]{1,200}/badge\.svg|badge\.svg\?branch|img\.shields\.io/github/actions|"
    r"circleci\.com/gh/|travis-ci\.(org|com)/|gitlab\.com/[^)\s]{1,200}/badges/[^)\s]{1,200}/pipeline\.svg)"
)


def deploy_jobs(facts: Facts) -> list[tuple[Pipeline, Job]]:
    """Every deploy job. A signal built on them searched text when a pipeline the CI model does not
    cover has jobs: its confidence is low."""
    if any(p.jobs for p in unmodelled_pipelines(facts)):
        note_text_search()
    return all_deploy_jobs(facts)


def job_evidence(facts: Facts, pipeline: Pipeline, job: Job, snippet: str) -> Evidence:
    """Evidence citing a job: low confidence when the CI model does not cover it (its text decided)."""
    modelled = model_job(facts, pipeline, job) is not None
    return ev(pipeline.path, job.line, snippet, Confidence.HIGH if modelled else Confidence.LOW)

