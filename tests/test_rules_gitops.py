"""GitOps rules, each on small repositories where it passes, fails and (where it can) does not apply.

One `case(...)` row per repository (tests/rulekit.py); every rule's pass / fail / n/a coverage is
checked by tests/test_rules_catalog.py.
History rules read `HistoryFacts`; their rows give the facts directly, and one story test builds
a real history.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.fixtures.gitrepo import commit, make_repo
from tests.rulekit import case, facts_for, rule, run_case
from vana_audit.config import load_config_text
from vana_audit.engine import run_rule
from vana_audit.history import HistoryFacts
from vana_audit.model import Outcome
from vana_audit.scan import scan
from vana_audit.signals import Signals
from vana_audit.suppressions import LocatedSuppression, locate_suppressions

SAMPLE_README = {"README.md": "# Spring PetClinic Sample Application\n\nA sample application built with Spring Boot.\n"}
PLAIN_WORKFLOW = "name: CI\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"
PR_TITLE_WORKFLOW = ("name: PR title\non: [pull_request]\njobs:\n  title:\n    runs-on: ubuntu-latest\n    steps:\n"
                     "      - uses: amannn/action-semantic-pull-request@v5\n")
DEPLOYMENT = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n"
              "      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.4.0\n")
DEPLOYMENT_READING_SECRET = DEPLOYMENT + ("          env:\n            - name: DATABASE_URL\n"
                                         "              valueFrom: {secretKeyRef: {name: db, key: url}}\n")
ARGO_APP = ("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: api-production\n  namespace: argocd\n"
            "spec:\n  source: {repoURL: 'https://github.com/acme/api', path: k8s/overlays/production}\n")
KUSTOMIZATION = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../../base]\n"
SECRET = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: aHVudGVyMg==\n"
SEALED = ("apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\nspec:\n"
          "  encryptedData:\n    password: AgBy3i4OJSWK+PiTySYZZA==\n")
SETTINGS = "branches:\n  - name: main\n    protection:\n      required_pull_request_reviews:\n        required_approving_review_count: 1\n"
SETTINGS_CHECKS = SETTINGS + "      required_status_checks:\n        strict: true\n        contexts: [test]\n"


LOCKDOWN = ("on:\n  pull_request_target:\n    types: opened\njobs:\n  lock:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - uses: dessant/repo-lockdown@v4\n")
GITLAB_TESTS = "test:\n  image: python:3.12\n  script:\n    - pytest\n"


def habits(**shares: float) -> HistoryFacts:
    """A history of 50 commits, 40 of them in the window, with the given shares and their counts."""
    counts = {f"{name.removesuffix('_share')}_counts": (round(share * 40), 40) for name, share in shares.items()}
    return HistoryFacts(commit_count=50, **shares, **counts)


def configured(text: str) -> tuple[LocatedSuppression, ...]:
    """The suppressions of a .vana-audit.yml, each with the line it is written on."""
    return locate_suppressions(load_config_text(text, ".vana-audit.yml"), text)


README = {"README.md": "# x\n"}
SCAN_DATE = "2025-10-20"
CURRENT = "suppressions:\n  - rule: IAC-003\n    reason: migration planned\n    expires: '2025-12-31'\n"
EXPIRED = "suppressions:\n  - rule: IAC-003\n    reason: until the base image migration\n    expires: '2025-09-30'\n"

CASES = [
    # GIT-001 PR template (applies to every repository)
    case("GIT-001", "pass", {".github/pull_request_template.md": "## Summary\n"}, ".github/pull_request_template.md"),
    case("GIT-001", "fail", {"README.md": "# x\n"}),
    # GIT-002 .gitignore keeps secrets out
    case("GIT-002", "pass", {".gitignore": "node_modules/\n.env\n", ".env.example": "API_KEY=\n"}, ".gitignore", 2),
    case("GIT-002", "fail", {".gitignore": "node_modules/\n", ".env.example": "API_KEY=\n"}, ".env.example"),
    # the env file the application loads has its own name (gotify's gotify-server.env)
    case("GIT-002", "pass", {".gitignore": "vendor/\n/gotify-server.env\n", ".env.example": "GOTIFY_DB=\n"},
         ".gitignore", 2),
    case("GIT-002", "fail", {".gitignore": "env/\nenvironment.yml\n", ".env.example": "API_KEY=\n"}, ".env.example"),
    # only where the project keeps local secrets in files: a library that reads no .env is not asked
    case("GIT-002", "na", {".gitignore": "node_modules/\n", "pyproject.toml": "[project]\nname = 'lib'\n"}),
    case("GIT-002", "fail", {".gitignore": "*.log\n", "requirements.txt": "python-dotenv==1.0\n"}, "requirements.txt"),
    # a Terraform repository's secret-bearing files are its variables and state
    case("GIT-002", "pass", {".gitignore": ".terraform/\n*.tfstate\n*.tfvars\n", "main.tf": 'resource "null_resource" "x" {}\n'},
         ".gitignore", 2),
    case("GIT-002", "fail", {".gitignore": "# keep .env out\n*.log\n", ".env.example": "API_KEY=\n"}, ".env.example"),
    # GIT-003 CODEOWNERS
    case("GIT-003", "pass", {".github/CODEOWNERS": "* @acme/team\n"}, ".github/CODEOWNERS"),
    case("GIT-003", "fail", {"README.md": "# x\n"}),
    # one person makes nearly every change: no one else to assign reviews to (structlog, healthchecks)
    case("GIT-003", "na", {"README.md": "# x\n"}, history=HistoryFacts(commit_count=50, top_author_counts=(38, 40))),
    case("GIT-003", "fail", {"README.md": "# x\n"}, history=HistoryFacts(commit_count=50, top_author_counts=(20, 40))),
    # GIT-004 convention enforced by a tool
    case("GIT-004", "pass", {"commitlint.config.js": "module.exports = {extends: ['@commitlint/config-conventional']};\n"},
         "commitlint.config.js"),
    case("GIT-004", "pass", {".github/workflows/pr-title.yml": PR_TITLE_WORKFLOW}, ".github/workflows/pr-title.yml", 7),
    case("GIT-004", "fail", {".github/workflows/ci.yml": PLAIN_WORKFLOW}),
    # a Developer Certificate of Origin enforced: the DCO app, or a CI job checking Signed-off-by (spring-petclinic,
    # libvirt-python's `check-dco`)
    case("GIT-004", "pass", {".github/dco.yml": "require:\n  members: false\n"}, ".github/dco.yml"),
    case("GIT-004", "pass", {".gitlab-ci.yml": "check-dco:\n  script:\n    - ci/check-dco.sh\n"}, ".gitlab-ci.yml", 3),
    # samples, docs and research code derive no changelog from their commits (spring-petclinic, python/devguide)
    case("GIT-004", "na", {**SAMPLE_README, ".github/workflows/ci.yml": PLAIN_WORKFLOW}),
    case("GIT-004", "na", {".github/workflows/ci.yml": PLAIN_WORKFLOW}, profile="docs"),
    # GIT-005 pre-commit hooks
    case("GIT-005", "pass", {".pre-commit-config.yaml": "repos: []\n"}, ".pre-commit-config.yaml"),
    case("GIT-005", "fail", {"README.md": "# x\n"}),
    # GIT-006 branch protection as code
    case("GIT-006", "pass", {".github/settings.yml": SETTINGS}, ".github/settings.yml"),
    case("GIT-006", "fail", {"README.md": "# x\n"}),
    # GIT-008 GitOps controller
    case("GIT-008", "pass", {"k8s/base/deployment.yaml": DEPLOYMENT, "argocd/api.yaml": ARGO_APP}, "argocd/api.yaml", 1, profile="service"),
    case("GIT-008", "fail", {"k8s/base/deployment.yaml": DEPLOYMENT}, profile="service"),
    case("GIT-008", "na", {"app/main.py": "print('hi')\n"}, profile="service"),
    case("GIT-008", "na", {"k8s/base/deployment.yaml": DEPLOYMENT}, profile="library"),
    # GIT-009 expired suppressions: without configured suppressions it does not apply; the suppressions are
    # the configuration's, located as `scan` locates them (the story is in test_suppressions.py)
    case("GIT-009", "pass", {".vana-audit.yml": CURRENT}, suppressions=configured(CURRENT), scan_date=SCAN_DATE),
    case("GIT-009", "fail", {".vana-audit.yml": EXPIRED}, ".vana-audit.yml", 2,
         suppressions=configured(EXPIRED), scan_date=SCAN_DATE),
    case("GIT-009", "na", {"README.md": "# x\n"}),
    # GIT-010 convention checked in CI
    case("GIT-010", "pass", {".github/workflows/pr-title.yml": PR_TITLE_WORKFLOW}, ".github/workflows/pr-title.yml", 7),
    case("GIT-010", "partial", {".github/workflows/ci.yml": PLAIN_WORKFLOW, ".husky/commit-msg": "npx --no -- commitlint --edit $1\n",
                                "commitlint.config.js": "module.exports = {};\n"}, "commitlint.config.js"),
    case("GIT-010", "fail", {".github/workflows/ci.yml": PLAIN_WORKFLOW}),
    case("GIT-010", "pass", {".gitlab-ci.yml": "check-dco:\n  script:\n    - ci/check-dco.sh\n"}, ".gitlab-ci.yml", 3),
    case("GIT-010", "na", {**SAMPLE_README, ".github/workflows/ci.yml": PLAIN_WORKFLOW}),
    case("GIT-010", "na", {"commitlint.config.js": "module.exports = {};\n"}),
    # GIT-013 issue templates
    case("GIT-013", "pass", {".github/ISSUE_TEMPLATE/bug_report.yml": "name: Bug\n"}, ".github/ISSUE_TEMPLATE/bug_report.yml"),
    case("GIT-013", "fail", {"README.md": "# x\n"}),
    # GIT-014 environment overlays
    case("GIT-014", "pass", {"k8s/base/deployment.yaml": DEPLOYMENT, "k8s/overlays/production/kustomization.yaml": KUSTOMIZATION,
                             "k8s/overlays/staging/kustomization.yaml": KUSTOMIZATION},
         "k8s/overlays/production/kustomization.yaml", profile="service"),
    case("GIT-014", "pass", {"chart/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n", "chart/values.yaml": "replicas: 1\n",
                             "chart/values-production.yaml": "replicas: 3\n"}, "chart/values-production.yaml", profile="service"),
    case("GIT-014", "fail", {"k8s/deployment.yaml": DEPLOYMENT}, profile="service"),
    case("GIT-014", "na", {"app/main.py": "print('hi')\n"}, profile="service"),
    # an OPA Gatekeeper policy library is no Kubernetes configuration (terraform-example-foundation)
    case("GIT-014", "na", {"policy-library/templates/gcp_storage.yaml":
                           "apiVersion: templates.gatekeeper.sh/v1beta1\nkind: ConstraintTemplate\nmetadata:\n  name: gcp-storage\n"},
         profile="infrastructure"),
    # GIT-015 no plain Kubernetes Secrets
    case("GIT-015", "pass", {"k8s/deployment.yaml": DEPLOYMENT,
                             "k8s/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${DB_PASSWORD}\n"},
         profile="service"),
    case("GIT-015", "fail", {"k8s/deployment.yaml": DEPLOYMENT, "k8s/secret.yaml": SECRET}, "k8s/secret.yaml", 1, profile="service"),
    case("GIT-015", "fail", {"k8s/base/kustomization.yaml": KUSTOMIZATION + "secretGenerator:\n  - name: db\n    literals: [password=hunter2]\n"},
         "k8s/base/kustomization.yaml", 5, profile="service"),
    case("GIT-015", "na", {"app/main.py": "print('hi')\n"}, profile="service"),
    # GIT-016 secrets encrypted or referenced
    case("GIT-016", "pass", {"k8s/deployment.yaml": DEPLOYMENT_READING_SECRET, "k8s/sealed.yaml": SEALED}, "k8s/sealed.yaml", 1, profile="service"),
    case("GIT-016", "pass", {"k8s/deployment.yaml": DEPLOYMENT_READING_SECRET, ".sops.yaml": "creation_rules: []\n"},
         ".sops.yaml", profile="service"),
    case("GIT-016", "pass", {"k8s/deployment.yaml": DEPLOYMENT_READING_SECRET,
                             ".gitattributes": "secrets/** filter=git-crypt diff=git-crypt\n"}, ".gitattributes", 1, profile="service"),
    case("GIT-016", "fail", {"k8s/deployment.yaml": DEPLOYMENT_READING_SECRET}, profile="service"),
    case("GIT-016", "na", {"k8s/deployment.yaml": DEPLOYMENT}, profile="service"),  # no Secret to deliver
    case("GIT-016", "na", {"app/main.py": "print('hi')\n"}, profile="service"),
    # GIT-017 required status checks
    case("GIT-017", "pass", {".github/settings.yml": SETTINGS_CHECKS}, ".github/settings.yml", 6),
    case("GIT-017", "pass", {"github.tf": 'resource "github_branch_protection" "main" {\n  pattern = "main"\n'
                                          '  required_status_checks {\n    strict = true\n  }\n}\n'}, "github.tf", 3),
    case("GIT-017", "fail", {".github/settings.yml": SETTINGS}, ".github/settings.yml"),
    case("GIT-017", "na", {"README.md": "# x\n"}),
    # GIT-018 CODEOWNERS covers CI and infrastructure
    case("GIT-018", "pass", {".github/CODEOWNERS": "* @acme/team\n", ".github/workflows/ci.yml": PLAIN_WORKFLOW}),
    case("GIT-018", "pass", {"CODEOWNERS": "/src/ @acme/dev\n/.github/workflows/ @acme/platform\n",
                             ".github/workflows/ci.yml": PLAIN_WORKFLOW}),
    case("GIT-018", "fail", {"CODEOWNERS": "/src/ @acme/dev\n", ".github/workflows/ci.yml": PLAIN_WORKFLOW, "Dockerfile": "FROM x:1\n"},
         ".github/workflows/ci.yml"),
    case("GIT-018", "fail", {"CODEOWNERS": "* @acme/team\n/.github/\n", ".github/workflows/ci.yml": PLAIN_WORKFLOW},  # last match wins
         ".github/workflows/ci.yml"),
    case("GIT-018", "na", {".github/workflows/ci.yml": PLAIN_WORKFLOW}),
    # history rules read HistoryFacts, given directly (a story test below builds a real history)
    case("GIT-007", "pass", README, ".git", history=habits(pr_merge_share=0.9)),
    case("GIT-007", "partial", README, ".git", history=habits(pr_merge_share=0.3)),
    case("GIT-007", "fail", README, history=habits(pr_merge_share=0.05)),
    case("GIT-007", "na", README, history=HistoryFacts(commit_count=3, pr_merge_share=1.0, pr_merge_counts=(3, 3))),
    # one direct push in the window is no habit: a long history, a small sample
    case("GIT-007", "na", README, history=HistoryFacts(commit_count=500, pr_merge_share=0.0, pr_merge_counts=(0, 1))),
    # GitLab fast-forward merges leave a linear history naming no merge request: it cannot tell pushes from
    # merge requests (pygobject); on GitHub the same history is direct pushes, squash merges name `(#N)`
    case("GIT-007", "na", {".gitlab-ci.yml": GITLAB_TESTS}, history=habits(pr_merge_share=0.0)),
    case("GIT-007", "fail", {".gitlab-ci.yml": GITLAB_TESTS}, history=replace(habits(pr_merge_share=0.0), landed_merges=3)),
    case("GIT-007", "fail", {".github/workflows/ci.yml": PLAIN_WORKFLOW}, history=habits(pr_merge_share=0.0)),
    # a GitHub mirror whose only workflow closes pull requests there (libvirt-python's lockdown)
    case("GIT-007", "na", {".gitlab-ci.yml": GITLAB_TESTS, ".github/workflows/lockdown.yml": LOCKDOWN},
         history=habits(pr_merge_share=0.0)),
    case("GIT-011", "pass", README, ".git", history=habits(conventional_share=0.95)),
    case("GIT-011", "partial", README, ".git", history=habits(conventional_share=0.5)),
    case("GIT-011", "fail", README, history=habits(conventional_share=0.1)),
    case("GIT-011", "na", README, history=None),
    case("GIT-011", "na", README, history=HistoryFacts(commit_count=500, conventional_share=0.0, conventional_counts=(0, 19))),
    case("GIT-012", "pass", README, ".git", history=habits(signed_share=1.0)),
    case("GIT-012", "partial", README, ".git", history=habits(signed_share=0.4)),
    case("GIT-012", "fail", README, history=habits(signed_share=0.0)),
    case("GIT-012", "na", README, history=HistoryFacts(commit_count=2, signed_share=1.0, signed_counts=(2, 2))),
    case("GIT-012", "na", README, history=HistoryFacts(commit_count=500, signed_share=1.0, signed_counts=(1, 1))),  # not "100% signed"
]


@pytest.mark.parametrize("rule_id,outcome,files,path,line,options", CASES)
def test_gitops_rule(tmp_path, rule_id, outcome, files, path, line, options):
    run_case(tmp_path, rule_id, outcome, files, path, line, options)


def test_a_conventional_history_passes_git_011_end_to_end(tmp_path: Path):
    repo = make_repo(tmp_path / "repo", {"README.md": "# x\n"}, date="2025-09-01T10:00:00+00:00", message="chore: initial commit")
    for day in range(2, 28):  # 27 commits: above the 20 a habit needs
        kind = ("feat", "fix", "docs")[day % 3]
        commit(repo, {f"src/m{day}.py": f"X = {day}\n"}, f"{kind}(core): change {day}", f"2025-09-{day:02d}T10:00:00+00:00")
    result = scan(repo, rules=[rule("GIT-011")], now="2025-10-01T00:00:00Z")
    finding = result.finding("GIT-011")
    assert finding.outcome is Outcome.PASS, finding.message
    assert finding.evidence[0].path == ".git"


def test_habit_messages_state_their_sample_and_a_small_one_says_why(tmp_path: Path):
    facts = facts_for(tmp_path / "repo", {"README.md": "# x\n"})
    facts.history = HistoryFacts(commit_count=80, pr_merge_share=0.3, pr_merge_counts=(12, 40))
    finding = run_rule(rule("GIT-007"), facts, Signals(facts))
    assert finding.evidence[0].snippet == (
        "12 of 40 changes landed on the default branch in the last 90 days came through pull requests or were committed by someone other than their author (30%)")
    assert "(sample: 40 changes landed on the default branch in the last 90 days)" in finding.message
    facts = facts_for(tmp_path / "repo2", {"README.md": "# x\n"})
    facts.history = HistoryFacts(commit_count=80, pr_merge_share=0.0, pr_merge_counts=(0, 1))
    finding = run_rule(rule("GIT-007"), facts, Signals(facts))
    assert finding.outcome is Outcome.NOT_APPLICABLE
    assert "(sample: 1 change landed on the default branch in the last 90 days; at least 20 are needed" in finding.message


def test_habit_messages_name_the_end_of_their_window(tmp_path: Path):
    """The window ends at the scanned commit, not on the day of the scan: a commit scanned a year later
    must not read "in the last 90 days"."""
    facts = facts_for(tmp_path / "repo", {"README.md": "# x\n"})
    facts.history = HistoryFacts(commit_count=80, pr_merge_share=0.3, pr_merge_counts=(12, 40),
                                 window_end="2025-06-30T12:00:00Z")
    finding = run_rule(rule("GIT-007"), facts, Signals(facts))
    assert finding.evidence[0].snippet == (
        "12 of 40 changes landed on the default branch in the 90 days to 2025-06-30 came through pull requests or were committed by someone other than their author (30%)")
    assert "last 90 days" not in finding.message


def test_habit_rules_need_the_sample_the_code_states():
    from vana_audit.history.habits import MIN_HABIT_SAMPLE

    for rule_id in ("GIT-007", "GIT-011", "GIT-012"):
        spec = rule(rule_id).spec
        assert spec["applies_if"]["all"][1] == {"signal": spec["sample"], "min": MIN_HABIT_SAMPLE}


def test_one_commit_in_the_window_is_not_judged_end_to_end(tmp_path: Path):
    """A long-lived repository with one recent direct push: no 'pushed straight to the default branch'."""
    repo = make_repo(tmp_path / "repo", {"README.md": "# x\n"}, date="2024-01-01T10:00:00+00:00", message="init")
    for day in range(2, 28):
        commit(repo, {f"src/m{day}.py": f"X = {day}\n"}, f"change {day}", f"2024-01-{day:02d}T10:00:00+00:00")
    commit(repo, {"src/late.py": "X = 1\n"}, "late change", "2025-09-20T10:00:00+00:00")
    result = scan(repo, rules=[rule("GIT-007"), rule("GIT-012")], now="2025-10-01T00:00:00Z")
    for rule_id in ("GIT-007", "GIT-012"):
        finding = result.finding(rule_id)
        assert finding.outcome is Outcome.NOT_APPLICABLE, finding.message
        assert "sample: 1 " in finding.message
