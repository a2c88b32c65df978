"""`vana-audit fix` end to end: the seed replica's score, never overwriting, --dry-run and --patch,
comment-keeping YAML edits, repository names quoted safely, nothing executed; every file written or
edited is valid against its consumer's schema (tests/ci_schemas.py)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml
from click.testing import CliRunner

from tests import fix_repos
from tests.ci_schemas import validate_generated
from tests.conftest import FIXED_NOW
from tests.fixtures.gitrepo import make_repo
from vana_audit.cli import main
from vana_audit.fix import FixPlan, outcome, plan_fixes, rescan
from vana_audit.model import Priority


def _status(repo: Path) -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo, check=True,
                          capture_output=True, text=True).stdout


def _assert_valid(plan: FixPlan) -> None:
    for change in plan.changes:
        validate_generated(change.path, change.new)


def test_seed_replica_reaches_three(seed_repo: Path) -> None:
    """The issue's done-means: P0 and P1 fixes take the seed from about 1.9 to at least 3.0."""
    plan = plan_fixes(seed_repo, priorities=(Priority.P0, Priority.P1), now=FIXED_NOW)
    result = outcome(plan, rescan(plan, in_place=False))
    assert 1.8 <= plan.before.score.overall < 2.1
    assert result.after.score.overall >= 3.0
    assert not result.not_closed
    assert not result.opened  # no rule that passed before fails after
    _assert_valid(plan)
    assert _status(seed_repo) == ""  # the re-scan ran on a copy
    deploy = next(c for c in plan.changes if c.path == ".github/workflows/deploy.yml")
    document = yaml.safe_load(deploy.new)
    job = document["jobs"]["deploy"]
    assert job["environment"] == "production" and set(document[True]) == {"workflow_dispatch"}
    runs = [s["run"] for s in job["steps"] if "run" in s]
    # the commands the deployment checklist documents, in its order
    assert runs[-3:] == ["docker build -t gcr.io/vana-prod/backend .", "docker push gcr.io/vana-prod/backend",
                         "gcloud run deploy vana-backend --image gcr.io/vana-prod/backend --region us-central1"]


def test_deploy_runs_the_makefile_deploy_target(tmp_path: Path) -> None:
    makefile = fix_repos.PYTHON_MAKEFILE + "\ndeploy:\n\tfly deploy --remote-only\n"
    repo = fix_repos.python_repo(tmp_path / "svc", {"Makefile": makefile})
    plan = plan_fixes(repo, rule_ids=["DEP-002"], now=FIXED_NOW)
    deploy = next(c for c in plan.changes if c.path == ".github/workflows/deploy.yml")
    steps = yaml.safe_load(deploy.new)["jobs"]["deploy"]["steps"]
    assert [s["run"] for s in steps if "run" in s] == ["make deploy"]
    _assert_valid(plan)
    assert not outcome(plan, rescan(plan, in_place=False)).not_closed


def test_documented_command_with_an_expression_is_not_copied(tmp_path: Path) -> None:
    doc = "# Deploy\n\nRun `gcloud run deploy ${{ github.event.issue.title }} --image x --region y`.\n"
    repo = fix_repos.python_repo(tmp_path / "svc", {"docs/deploy.md": doc})
    plan = plan_fixes(repo, rule_ids=["DEP-002"], now=FIXED_NOW)
    assert not plan.changes
    assert any("no documented deploy command" in m for m in plan.messages)


def test_dry_run_prints_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    repo = fix_repos.go_repo(tmp_path / "api")
    result = CliRunner().invoke(main, ["fix", str(repo), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "+++ b/.github/workflows/ci.yml" in result.stdout
    assert "Score before -> after" in result.stderr
    assert _status(repo) == ""


def test_patch_file_applies_cleanly(tmp_path: Path) -> None:
    repo = fix_repos.node_repo(tmp_path / "shop")
    patch = tmp_path / "fix.patch"
    result = CliRunner().invoke(main, ["fix", str(repo), "--patch", str(patch)])
    assert result.exit_code == 0, result.output
    assert _status(repo) == ""
    subprocess.run(["git", "apply", "--check", str(patch)], cwd=repo, check=True)
    subprocess.run(["git", "apply", str(patch)], cwd=repo, check=True)
    assert (repo / ".github/workflows/ci.yml").is_file()


def test_write_creates_files_then_a_second_run_changes_nothing(tmp_path: Path) -> None:
    repo = fix_repos.python_repo(tmp_path / "inv")
    first = CliRunner().invoke(main, ["fix", str(repo)])
    assert first.exit_code == 0, first.output
    assert "created" in first.output and "Overall" in first.output
    written = {p: p.read_text() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    second = CliRunner().invoke(main, ["fix", str(repo)])
    assert second.exit_code == 0, second.output
    assert {p: p.read_text() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts} == written


def test_existing_pre_commit_config_is_edited_keeping_comments(tmp_path: Path) -> None:
    repo = fix_repos.python_repo(tmp_path / "inv", {".pre-commit-config.yaml": fix_repos.PRE_COMMIT})
    result = CliRunner().invoke(main, ["fix", str(repo), "--rule", "SEC-002"])
    assert result.exit_code == 0, result.output
    text = (repo / ".pre-commit-config.yaml").read_text()
    validate_generated(".pre-commit-config.yaml", text)
    assert text.startswith(fix_repos.PRE_COMMIT.rstrip("\n"))  # everything before, comments included, kept
    repos = yaml.safe_load(text)["repos"]
    assert [r["repo"] for r in repos] == ["https://github.com/astral-sh/ruff-pre-commit",
                                          "https://github.com/gitleaks/gitleaks"]


def test_existing_gitlab_ci_keeps_its_jobs_and_comments(tmp_path: Path) -> None:
    repo = fix_repos.gitlab_python_repo(tmp_path / "inv")
    plan = plan_fixes(repo, rule_ids=["TST-002"], now=FIXED_NOW)
    change = next(c for c in plan.changes if c.path == ".gitlab-ci.yml")
    assert change.old == fix_repos.GITLAB_CI
    assert "# Our pipeline: keep this comment." in change.new and "# builds the wheel" in change.new
    document = yaml.safe_load(change.new)
    assert document["build"] == yaml.safe_load(fix_repos.GITLAB_CI)["build"]
    assert document["stages"] == ["build", "test"]
    _assert_valid(plan)


def test_repository_names_are_quoted_safely(tmp_path: Path) -> None:
    folder = 'web "app" #1: ${x}'
    package = fix_repos.NODE_PACKAGE
    repo = make_repo(tmp_path / "odd", {
        "README.md": "# odd\n", f"{folder}/package.json": package, f"{folder}/package-lock.json": "{}\n",
        f"{folder}/src/a.test.ts": "test('x', () => {});\n",
    })
    plan = plan_fixes(repo, rule_ids=["BLD-003"], now=FIXED_NOW)
    ci = next(c for c in plan.changes if c.path == ".github/workflows/ci.yml")
    jobs = yaml.safe_load(ci.new)["jobs"]
    job = next(iter(jobs.values()))
    assert job["defaults"]["run"]["working-directory"] == folder
    assert any(s.get("run") == "npm run test" for s in job["steps"])
    _assert_valid(plan)


def test_nothing_is_executed(tmp_path: Path) -> None:
    """A Makefile whose targets would leave a mark if run: fix reads it, never runs it."""
    mark = tmp_path / "ran"
    makefile = f"test:\n\ttouch {mark}\n\nlint:\n\ttouch {mark}\n"
    repo = fix_repos.python_repo(tmp_path / "inv", {"Makefile": makefile})
    shutil.rmtree(repo / "tests")
    CliRunner().invoke(main, ["fix", str(repo), "--dry-run"])
    assert not mark.exists()


def test_seed_replica_on_gitlab_closes_everything_it_claims(seed_repo: Path) -> None:
    plan = plan_fixes(seed_repo, priorities=(Priority.P0, Priority.P1), provider="gitlab", now=FIXED_NOW)
    result = outcome(plan, rescan(plan, in_place=False))
    assert {c.path for c in plan.changes} >= {".gitlab-ci.yml", "renovate.json", ".pre-commit-config.yaml"}
    assert not result.not_closed and not result.opened
    assert result.after.score.overall >= plan.before.score.overall + 0.9
    _assert_valid(plan)
    document = yaml.safe_load(next(c.new for c in plan.changes if c.path == ".gitlab-ci.yml"))
    assert document["deploy-production"]["environment"]["name"] == "production"
    assert document["deploy-production"]["rules"][0]["when"] == "manual"


def test_documented_deploy_without_a_known_credentials_step_is_not_written(tmp_path: Path) -> None:
    doc = "# Deploy\n\n1. `kubectl apply -f k8s/production/`\n"
    repo = fix_repos.python_repo(tmp_path / "svc", {"docs/deploy.md": doc})
    plan = plan_fixes(repo, rule_ids=["DEP-002"], now=FIXED_NOW)
    assert not plan.changes
    assert any("no credentials step" in m for m in plan.messages)


def test_existing_ci_is_completed_not_duplicated(tmp_path: Path) -> None:
    """A repository whose CI runs its tests but no linter gets a lint job only, and its dependabot.yml
    gains the actions ecosystem for the workflow it did not have."""
    ci = ("name: CI\non:\n  push:\n    branches: [main]\n  pull_request:\npermissions:\n  contents: read\njobs:\n"
          "  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
          "      - run: make install\n      - run: make test\n")
    dependabot = "# keep\nversion: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n" \
                 "    schedule:\n      interval: weekly\n"
    repo = fix_repos.python_repo(tmp_path / "inv", {".github/workflows/ci.yml": ci,
                                                     ".github/dependabot.yml": dependabot})
    plan = plan_fixes(repo, rule_ids=["BLD-005", "SEC-002"], now=FIXED_NOW)
    added = next(c for c in plan.changes if c.path == ".github/workflows/vana-ci.yml")
    runs = [s["run"] for s in yaml.safe_load(added.new)["jobs"]["python"]["steps"] if "run" in s]
    assert runs == ["make install", "make lint", "make typecheck"]
    edited = next(c for c in plan.changes if c.path == ".github/dependabot.yml")
    assert edited.new.startswith("# keep\n")
    assert [u["package-ecosystem"] for u in yaml.safe_load(edited.new)["updates"]] == ["pip", "github-actions"]
    _assert_valid(plan)
    result = outcome(plan, rescan(plan, in_place=False))
    assert not result.not_closed and not result.opened


def test_a_symlinked_folder_out_of_the_repository_is_never_written_through(tmp_path: Path) -> None:
    """A hostile repository links .github to a folder outside it: fix refuses with one line and exit code 2,
    and nothing appears outside the repository."""
    repo = fix_repos.go_repo(tmp_path / "api")
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / ".github").symlink_to(outside, target_is_directory=True)
    result = CliRunner().invoke(main, ["fix", str(repo), "--no-rescan"])
    assert result.exit_code == 2, result.output
    assert "refusing to write outside the repository" in result.stderr and "Traceback" not in result.output
    assert list(outside.iterdir()) == []
