"""Documentation that claims what the repository does not have: the seed's headline finding."""

from __future__ import annotations

from ..facts import Facts
from ..model import Category, Evidence, Outcome, Priority, RuleDocs, RuleMeta, Severity
from ..rule_api import PythonRule, RuleResult
from ..signals import Signals

CLAIMED_CI = RuleMeta(
    id="DOC-001",
    title="CI/CD claimed in documentation but not implemented",
    category=Category.DOCS,
    level=3,
    weight=2.0,
    severity=Severity.CRITICAL,
    priority=Priority.P0,
    effort_days=(2, 3),
    remediation=(
        "Either add the pipeline the documentation describes (start with a workflow that runs the tests "
        "on every push and pull request) or correct the documentation so nobody relies on checks that "
        "never run."
    ),
    docs=RuleDocs(
        what=(
            "Looks for README or docs lines that claim a CI/CD pipeline (GitHub Actions, GitLab CI, "
            '"automated deployment", a CI badge) and checks that a pipeline definition with at least one job '
            "exists in the repository."
        ),
        why=(
            "A documented pipeline that does not exist is worse than none: reviewers and users assume tests, "
            "security scans and deploy checks run when nothing runs. Untested code reaches production under a "
            "claim of safety."
        ),
        how=(
            "Create the workflow the README promises, for instance `.github/workflows/ci.yml` running the test, "
            "lint and type-check commands the project already has, or remove the claim and the badge until it "
            "exists."
        ),
        example="""name: CI
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2
      - uses: astral-sh/setup-uv@e92bafb6253dcd438e0484186d7669ea7a8ca1cc  # v6.4.3
      - run: uv sync --frozen
      - run: uv run pytest --cov --cov-fail-under=85
""",
        example_stack="python",  # other stacks get their own workflow below, or none
        examples=(
            ("go", """name: CI
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2
      - uses: actions/setup-go@d35c59abb061a4a6fb18e82ac0862c26744d6ab5  # v5.5.0
        with:
          go-version-file: go.mod
      - run: go vet ./...
      - run: go test -race ./...
"""),
            ("node-npm", """name: CI
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683  # v4.2.2
      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020  # v4.4.0
        with:
          node-version-file: .nvmrc
          cache: npm
      - run: npm ci
      - run: npm test
"""),
        ),
        references=(
            "https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions",
            "seed review: 'CLAIMED BUT NOT IMPLEMENTED'",
        ),
    ),
    tags=("claims", "ci"),
    files_to_create=(".github/workflows/ci.yml",),
    impact="No automated testing or quality gate runs although the documentation says it does",
    source="vana_audit.checks.claims",
)


def claimed_ci(facts: Facts, signals: Signals) -> RuleResult:
    claims = signals["docs.claims_ci"]
    if not claims.truthy:
        return RuleResult(Outcome.NOT_APPLICABLE, "the documentation claims no CI/CD pipeline")
    pipeline = signals["ci.present"]
    if pipeline.truthy:
        return RuleResult(
            Outcome.PASS, "the documented CI/CD pipeline exists", claims.evidence[:1] + pipeline.evidence[:1]
        )
    absence = signals["ci.placeholder_only"].evidence or (
        Evidence(".github/workflows/", None, "no pipeline definition for any CI provider"),
    )
    return RuleResult(
        Outcome.FAIL,
        "CLAIMED BUT NOT IMPLEMENTED: the documentation describes a CI/CD pipeline, but the repository defines none",
        tuple(claims.evidence) + tuple(absence),
    )


RULES = [PythonRule(CLAIMED_CI, claimed_ci)]
