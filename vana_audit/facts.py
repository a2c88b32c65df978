"""Typed facts that collectors produce and rules read. No judgement happens here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError, dataclass, field, replace
from typing import Any, Literal, TypeVar

from .model import Evidence
from .results import ProfileMember
from .secrets import SecretHit as SecretHit  # re-exported: Facts.secrets holds them
from .secrets import clip


@dataclass(frozen=True)
class Step:
    name: str
    line: int
    run: str | None = None
    uses: str | None = None
    with_: dict[str, Any] = field(default_factory=dict)
    env: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Job:
    id: str
    line: int
    name: str = ""
    steps: tuple[Step, ...] = ()
    environment: str | None = None
    permissions: Any = None  # None when not declared
    runs_on: str = ""
    uses: str | None = None  # a reusable workflow
    matrix: bool = False
    condition: str = ""
    stage: str = ""
    manual: bool = False  # a manual gate (GitLab when: manual, Jenkins input)
    env: dict[str, Any] = field(default_factory=dict)
    raw: Any = field(default=None, compare=False, repr=False)  # the parsed job mapping (GitHub, GitLab)


@dataclass(frozen=True)
class Pipeline:
    provider: str
    path: str
    triggers: frozenset[str]
    jobs: tuple[Job, ...] = ()
    permissions: Any = None  # top-level (GitHub Actions); None when not declared
    line: int = 1
    name: str = ""
    text: str = ""  # raw text, for searches a structured parse cannot answer
    parsed: bool = True
    branches: tuple[str, ...] = ()  # push branch filters, when given
    raw: Any = field(default=None, compare=False, repr=False)  # the parsed document (GitHub, GitLab)

    def steps(self) -> list[tuple[Job, Step]]:
        return [(job, step) for job in self.jobs for step in job.steps]

    def commands(self) -> list[tuple[Job, Step, str]]:
        return [(job, step, step.run) for job, step in self.steps() if step.run]


InvocationKind = Literal["command", "action", "hook", "orb", "image", "env", "maven-plugin", "gradle-plugin",
                         "step"]  # step: a Jenkins shared-library step (`buildPlugin`)


@dataclass(frozen=True)
class Link:
    """One hop of an indirection: a line of a file that leads to the next hop (or is the end)."""

    path: str
    line: int | None
    text: str


@dataclass(frozen=True)
class Invocation:
    """Something a CI job really runs, found by following task runners, includes and templates.

    `value` identifies the tool: for a command its argv joined, for an action `owner/repo[/path]`,
    for a hook its id, for an orb `namespace/orb`, for an image its reference, for env the
    variable name, for a plugin `groupId:artifactId` (Maven) or the plugin id (Gradle). `chain`
    runs from the CI file's line down to the final definition."""

    kind: InvocationKind
    value: str
    argv: tuple[str, ...] = ()
    chain: tuple[Link, ...] = ()
    can_fail: bool = True  # False under continue-on-error, allow_failure, `|| true`, `set +e`
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class CiJob:
    provider: str
    path: str
    job_id: str
    name: str
    line: int
    triggers: frozenset[str]  # push, push-branches, pull_request, tag, schedule, manual, workflow_call, ...
    matrix_size: int = 1  # 1 without a matrix; 0 when the matrix is not literal
    invocations: tuple[Invocation, ...] = ()


@dataclass(frozen=True)
class CiModel:
    """Every CI job with what it effectively runs (collectors/ci_model.py)."""

    jobs: tuple[CiJob, ...] = ()
    notes: tuple[str, ...] = ()  # bounds reached, cycles cut, files that would not parse

    def invocations(self) -> list[tuple[CiJob, Invocation]]:
        return [(job, inv) for job in self.jobs for inv in job.invocations]


@dataclass(frozen=True)
class ToolUse:
    """A tool a CI job runs (an invocation of the CI model recognised by the tool catalog)."""

    tool_id: str
    capability: str | None  # None: the tool is there, what it does depends on its arguments
    job: CiJob
    invocation: Invocation


@dataclass(frozen=True)
class Instruction:
    cmd: str
    args: str
    line: int


@dataclass(frozen=True)
class Dockerfile:
    path: str
    instructions: tuple[Instruction, ...]

    def of(self, cmd: str) -> list[Instruction]:
        return [i for i in self.instructions if i.cmd == cmd]

    @property
    def stages(self) -> list[Instruction]:
        return self.of("FROM")


@dataclass(frozen=True)
class ComposeService:
    name: str
    line: int
    spec: dict[str, Any]


@dataclass(frozen=True)
class ComposeFile:
    path: str
    services: tuple[ComposeService, ...]
    top_level: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class K8sObject:
    path: str
    line: int
    kind: str
    name: str
    spec: dict[str, Any]
    in_helm_chart: bool = False

    def pod_spec(self) -> dict[str, Any] | None:
        spec = self.spec.get("spec")
        if not isinstance(spec, dict):
            return None
        if self.kind == "Pod":
            return spec
        if self.kind == "CronJob":
            spec = (spec.get("jobTemplate") or {}).get("spec") or {}
        template = spec.get("template") if isinstance(spec, dict) else None
        pod = template.get("spec") if isinstance(template, dict) else None
        return pod if isinstance(pod, dict) else None


@dataclass(frozen=True)
class TerraformFile:
    path: str
    text: str


@dataclass(frozen=True)
class TestConfig:
    tool: str
    path: str
    line: int | None = None
    coverage_threshold: float | None = None
    options: str = ""


@dataclass(frozen=True)
class PackageManifest:
    path: str
    ecosystem: str  # npm, pip, go, cargo, maven, gradle, bundler, composer, mix, nuget
    scripts: dict[str, str] = field(default_factory=dict)
    dependencies: frozenset[str] = frozenset()
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MakeTarget:
    path: str
    name: str
    line: int
    recipe: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextLine:
    """One line of a text file, kept because a rule may cite it."""

    path: str
    line: int
    text: str

    def evidence(self) -> Evidence:
        return Evidence(self.path, self.line, clip(self.text.strip(), 160))


@dataclass
class ScanCache:
    """Values derived from one Facts, built once (the signals, `per_scan` values, the file set).

    A declared part of the Facts, not attributes slipped into its __dict__; `dataclasses.replace` on
    the facts starts a new, empty one, so nothing derived from incomplete facts survives."""

    signals: dict[str, Any] = field(default_factory=dict)  # signal name -> signals.Signal
    derived: dict[str, Any] = field(default_factory=dict)  # per_scan key -> value
    file_set: set[str] | None = None


@dataclass
class Facts:
    """Everything the collectors learnt about one repository.

    The collectors fill it in; `scan` then adds what is read beside them (suppressions, the scan
    date, the git history and the secrets) with `completed`, once, before any rule reads it. The
    completed facts are frozen: setting a field raises, so no rule or report can change what another
    one reads (the values are not deep-copied: treat the lists as read-only too). Derived values
    live in `cache`, which is declared for that."""

    files: list[str] = field(default_factory=list)  # after exclusions
    all_files: list[str] = field(default_factory=list)  # before exclusions
    excluded_patterns: tuple[str, ...] = ()
    pipelines: list[Pipeline] = field(default_factory=list)
    ci_model: CiModel = field(default_factory=CiModel)  # what each CI job effectively runs
    tool_uses: tuple[ToolUse, ...] = ()  # the tools in it, from the tool catalog
    ci_placeholders: list[str] = field(default_factory=list)  # e.g. .github/workflows/.gitkeep
    dockerfiles: list[Dockerfile] = field(default_factory=list)
    dockerignore: list[str] = field(default_factory=list)
    compose_files: list[ComposeFile] = field(default_factory=list)
    k8s_objects: list[K8sObject] = field(default_factory=list)
    terraform: list[TerraformFile] = field(default_factory=list)
    iac_tools: dict[str, list[str]] = field(default_factory=dict)  # tool -> evidence paths
    test_configs: list[TestConfig] = field(default_factory=list)
    test_files: dict[str, list[str]] = field(default_factory=dict)  # unit/integration/e2e/performance
    manifests: list[PackageManifest] = field(default_factory=list)
    lockfiles: list[str] = field(default_factory=list)
    make_targets: list[MakeTarget] = field(default_factory=list)
    make_commented: list[TextLine] = field(default_factory=list)
    mobile_apps: list[TextLine] = field(default_factory=list)  # Android/iOS app manifests (text: what)
    pre_commit_hooks: dict[str, list[str]] = field(default_factory=dict)  # tool -> hook ids/paths
    pre_commit_config: dict[str, Any] = field(default_factory=dict)
    dependency_updates: dict[str, list[str]] = field(default_factory=dict)  # tool -> ecosystems
    dependency_update_paths: dict[str, str] = field(default_factory=dict)
    docs: dict[str, list[str]] = field(default_factory=dict)  # kind -> paths
    doc_lines: list[TextLine] = field(default_factory=list)  # lines of README and docs/
    source_signals: dict[str, list[TextLine]] = field(default_factory=dict)  # keyword -> hits in code
    config_files: dict[str, list[str]] = field(default_factory=dict)  # named config kinds -> paths
    config_data: dict[str, Any] = field(default_factory=dict)
    secrets: list[SecretHit] = field(default_factory=list)
    gitignore: list[TextLine] = field(default_factory=list)
    history: Any = None  # history.HistoryFacts when git history is available
    profile: str = "unknown"
    profile_reasons: list[str] = field(default_factory=list)
    profile_members: list[ProfileMember] = field(default_factory=list)  # workspace members, each profiled
    config_texts: dict[str, str] = field(default_factory=dict)  # path -> text of small config files rules read
    suppressions: tuple[Any, ...] = ()  # config.Suppression entries, so a rule can judge them
    scan_date: str | None = None  # YYYY-MM-DD the scan judges expiry dates against
    cache: ScanCache = field(default_factory=ScanCache, init=False, repr=False, compare=False)
    frozen: bool = field(default=False, init=False, repr=False, compare=False)

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "frozen", False):
            raise FrozenInstanceError(f"the facts are complete: {name!r} cannot change once collection has ended")
        object.__setattr__(self, name, value)

    def completed(self, *, suppressions: tuple[Any, ...], scan_date: str, history: Any,
                  secrets: list[SecretHit] | None = None) -> Facts:
        """These facts with the parts read beside the collectors, a fresh cache, and frozen; `secrets`
        None: the collectors read them (a scan of a ref)."""
        done = replace(self, suppressions=suppressions, scan_date=scan_date, history=history,
                       secrets=self.secrets if secrets is None else secrets)
        object.__setattr__(done, "frozen", True)
        return done

    def has_file(self, path: str) -> bool:
        return path in self._file_set()

    def _file_set(self) -> set[str]:
        cached = self.cache.file_set
        if cached is None or len(cached) != len(self.files):
            cached = self.cache.file_set = set(self.files)
        return cached


T = TypeVar("T")


def per_scan(facts: Facts, key: str, build: Callable[[], T]) -> T:
    """A value derived from the facts, built once per scan (in the facts' cache, beside the signals)."""
    memo = facts.cache.derived
    if key not in memo:
        memo[key] = build()
    return memo[key]  # type: ignore[no-any-return]
