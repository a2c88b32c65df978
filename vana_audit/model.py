"""Value types passed between the parts of vana-audit: findings, scores, problems, the result.

Everything here is immutable; renderers and the CLI only ever read these objects. The result's
inventory, profile, DORA section and report targets are typed in results.py.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from .results import DoraResult, Inventory, Profile, ReportTargets


class Category(str, enum.Enum):
    BUILD = "build"
    TEST = "test"
    DEPLOY = "deploy"
    SECURITY = "security"
    MONITORING = "monitoring"
    IAC = "iac"
    GITOPS = "gitops"
    DOCS = "docs"

    @property
    def title(self) -> str:  # type: ignore[override]  # a property on purpose; str.title is not used on categories
        return CATEGORY_TITLES[self]


CATEGORY_TITLES = {
    Category.BUILD: "Build Automation",
    Category.TEST: "Test Automation",
    Category.DEPLOY: "Deployment Automation",
    Category.SECURITY: "Security Scanning",
    Category.MONITORING: "Monitoring & Observability",
    Category.IAC: "Infrastructure as Code",
    Category.GITOPS: "GitOps Practices",
    Category.DOCS: "Documentation",
}
# One word each, for table headers and chart labels; keyed by the category's id (a Category works too).
CATEGORY_SHORT_NAMES: dict[str, str] = {
    "build": "Build",
    "test": "Test",
    "deploy": "Deploy",
    "security": "Security",
    "monitoring": "Monitoring",
    "iac": "IaC",
    "gitops": "GitOps",
    "docs": "Docs",
}


# Every repository profile (collectors/profile.py decides which one a repository is). A rule that
# names no profiles applies to all of them; "unknown" gets only such rules.
ALL_PROFILES: tuple[str, ...] = ("service", "web-app", "library", "cli", "infrastructure", "gitops", "docs",
                                 "research", "monorepo", "unknown")


class Outcome(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    PARTIAL = "partial"
    NOT_APPLICABLE = "not-applicable"
    ERROR = "error"


class Severity(str, enum.Enum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Priority(str, enum.Enum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"


class Confidence(str, enum.Enum):
    """How a verdict was reached: from parsed structure (high) or from a text pattern (low)."""

    HIGH = "high"
    LOW = "low"


@dataclass(frozen=True)
class Evidence:
    path: str
    line: int | None = None
    snippet: str = ""
    confidence: Confidence = Confidence.HIGH  # LOW: a text pattern matched, nothing parsed says so

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "snippet": self.snippet, "confidence": self.confidence.value}


@dataclass(frozen=True)
class Problem:
    """Something that could not be read or judged; recorded, never raised."""

    path: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


# The language families whose stacks differ only in the package manager: a text written for "python"
# (or for one Python stack) is the fallback for every Python stack. Other stacks stand alone (Maven
# commands do not fit a Gradle build).
STACK_FAMILIES: tuple[str, ...] = ("python", "node")


def stack_family(stack: str) -> str:
    """The family of a stack id: "python" for python-uv, "node" for node-pnpm, the id itself otherwise."""
    family = stack.split("-", 1)[0]
    return family if family in STACK_FAMILIES else stack


def fits_stack(key: str, stack: str) -> bool:
    """Whether a text keyed `key` (a stack id or a family) is written for `stack`."""
    return key == stack or key == stack_family(stack)


def for_stack(variants: tuple[tuple[str, str], ...], stack: str | None) -> str | None:
    """The variant for a stack: its own, then its family's ("python"), then another stack of the
    family (python-uv's for python-poetry); None when no variant fits."""
    if not stack:
        return None
    tailored = dict(variants)
    for key in (stack, stack_family(stack)):
        if key in tailored:
            return tailored[key]
    return next((text for key, text in variants if stack_family(key) == stack_family(stack)), None)


@dataclass(frozen=True)
class RuleDocs:
    what: str
    why: str
    how: str
    example: str
    references: tuple[str, ...]
    # Stack-specific complete files, (stack, text) pairs such as ("python-uv", ...); see signal_defs.stack.
    examples: tuple[tuple[str, str], ...] = ()
    # The stack or family ("python") the default `example` is written for; "" when it fits every stack.
    example_stack: str = ""

    def example_for(self, stack: str | None) -> str:
        """The example tailored to a detected stack (see `for_stack`), else the default example when it
        is stack-neutral or written for this stack, else "" (nothing fits: show no example). Without a
        stack (the catalog, not a repository) the default example."""
        if not stack:
            return self.example
        tailored = for_stack(self.examples, stack)
        if tailored is not None:
            return tailored
        return self.example if not self.example_stack or fits_stack(self.example_stack, stack) else ""


@dataclass(frozen=True)
class RuleMeta:
    """What every rule declares about itself, whether it is YAML or Python."""

    id: str
    title: str
    category: Category
    level: int
    weight: float
    severity: Severity
    priority: Priority
    effort_days: tuple[float, float]
    remediation: str  # stack-neutral: shown when no variant in `remediations` fits the repository
    docs: RuleDocs
    profiles: tuple[str, ...] = ALL_PROFILES  # the profiles the rule applies to (see collectors/profile.py)
    tags: tuple[str, ...] = ()
    files_to_create: tuple[str, ...] = ()
    impact: str = ""
    source: str = "builtin"
    # Per-stack fixes, (stack or family, text) pairs like `RuleDocs.examples`.
    remediations: tuple[tuple[str, str], ...] = ()
    # The family or stack the rule is about ("node" for a rule that applies only where JavaScript tests
    # are present): its texts may name that ecosystem's tools whatever the repository's main stack.
    ecosystem: str = ""
    # Judged from git history (a `history.*` signal): over a window ending at the scanned commit's date, so
    # its outcome can move between two commits that change no file it reads (see compare.py).
    reads_history: bool = False
    # What covers most of the gap when `demote_if` holds (the finding is then one priority lower); "" for none.
    demote_note: str = ""

    def remediation_for(self, stack: str | None) -> str:
        """The fix for a repository of this stack: its variant (see `for_stack`), else the neutral text."""
        tailored = for_stack(self.remediations, stack)
        return self.remediation if tailored is None else tailored

    @property
    def effort_text(self) -> str:
        low, high = self.effort_days

        def fmt(d: float) -> str:
            return f"{d:g}"

        if low == high:
            return f"{fmt(low)} day" + ("" if low == 1 else "s")
        return f"{fmt(low)}-{fmt(high)} days"


@dataclass(frozen=True)
class Finding:
    rule: RuleMeta
    outcome: Outcome
    message: str
    evidence: tuple[Evidence, ...] = ()
    suppressed_by: str | None = None
    confidence: Confidence = Confidence.HIGH  # what the verdict rests on (engine.py: the deciding signals)
    demoted: bool = False  # the rule's `demote_if` held: the gap is real, something else covers most of it

    @property
    def rule_id(self) -> str:
        return self.rule.id

    @property
    def priority(self) -> Priority:
        """The rule's priority, except that a failing verdict resting on a text match is never a P0, and a
        demoted one (its gap mostly covered otherwise, `demote_if`) is one priority lower."""
        priority = self.rule.priority
        if self.demoted and self.outcome in (Outcome.FAIL, Outcome.PARTIAL):
            priority = Priority.P1 if priority is Priority.P0 else Priority.P2
        if priority is Priority.P0 and self.confidence is Confidence.LOW and self.outcome in (
                Outcome.FAIL, Outcome.PARTIAL):
            return Priority.P1
        return priority

    @property
    def failing(self) -> bool:
        return self.outcome in (Outcome.FAIL, Outcome.PARTIAL) and self.suppressed_by is None

    @property
    def fingerprint(self) -> str:
        import hashlib

        paths = ",".join(sorted({e.path for e in self.evidence}))
        return hashlib.sha256(f"{self.rule.id}|{paths}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CategoryScore:
    category: Category
    score: float | None  # None when no rule of the category applies
    weight: float
    level_name: str
    status_mark: str
    status_text: str
    rules_passed: int
    rules_applicable: int
    level_fractions: dict[int, float | None] = field(default_factory=dict)
    next_steps: tuple[str, ...] = ()
    status_full: str = ""  # the whole message `status_text` was cut from ("" when nothing was cut from one)


@dataclass(frozen=True)
class OverallScore:
    overall: float
    percent: float
    level: str
    status: str
    status_mark: str


@dataclass(frozen=True)
class Target:
    path: str
    ref: str | None
    head_sha: str | None
    is_git: bool
    is_shallow: bool
    # How reports name the repository: owner/name from the origin remote, else the folder's name
    # (vana_audit.identity); `path` is where it was scanned, shown only as detail.
    name: str = ""

    @property
    def display_name(self) -> str:
        return self.name or self.path


@dataclass(frozen=True)
class ScanResult:
    """The single immutable result of a scan: what renderers and comparisons read."""

    target: Target
    generated_at: str
    score: OverallScore
    categories: tuple[CategoryScore, ...]
    findings: tuple[Finding, ...]
    inventory: Inventory
    dora: DoraResult
    problems: tuple[Problem, ...]
    profile: Profile = field(default_factory=Profile)
    rules: tuple[RuleMeta, ...] = ()
    report_targets: ReportTargets = field(default_factory=ReportTargets)  # success-metric targets from configuration
    # Which of the paths the result names (evidence, problems, documentation files) are files of the
    # scanned tree: a code-scanning location must never name a file that is not there. None: unknown.
    present_paths: frozenset[str] | None = None

    def category(self, category: Category) -> CategoryScore:
        return next(c for c in self.categories if c.category is category)

    def findings_for(self, category: Category) -> list[Finding]:
        return [f for f in self.findings if f.rule.category is category]

    def finding(self, rule_id: str) -> Finding | None:
        return next((f for f in self.findings if f.rule.id == rule_id), None)

    @property
    def stack(self) -> str | None:
        """The repository's main stack (`profile.stack`, written by the scan), which chooses the fix and
        example each rule shows; None for results recorded before the scan wrote it."""
        return self.profile.stack
