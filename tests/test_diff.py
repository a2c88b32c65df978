"""`vana-audit diff`: the pull-request scorecard, scanned from git objects (issue 6, item 1)."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.fixtures.gitrepo import commit, git, make_repo
from tests.fixtures.repos import MATURE_CI, build_mature_repo
from vana_audit.cli import main
from vana_audit.render.diff import COMMENT_MARKER

AWS_KEY_A = "AKIA" + "ABCDEFGHIJKLMNOP"
AWS_KEY_B = "AKIA" + "QRSTUVWXYZ234567"


@pytest.fixture(scope="module")
def regressing_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A mature repository (tagged `base`) whose next commit deletes its CI and adds a second key."""
    root = build_mature_repo(tmp_path_factory.mktemp("diff") / "acme")
    commit(root, {"config/a.env.example": f"KEY={AWS_KEY_A}\n"}, "chore: sample config", "2025-06-02T09:00:00+00:00")
    git(root, "tag", "base")
    for workflow in (root / ".github/workflows").iterdir():
        workflow.unlink()
    commit(root, {"config/b.env.example": f"KEY={AWS_KEY_B}\n"}, "chore: drop CI", "2025-06-03T09:00:00+00:00")
    return root


@pytest.fixture(scope="module")
def improving_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_repo(tmp_path_factory.mktemp("diff") / "notes",
                     {"README.md": "# Notes\n\nA scratch repository.\n", "tests/test_notes.py": "def test_x():\n    pass\n"},
                     date="2025-01-01T00:00:00+00:00")
    git(root, "tag", "base")
    commit(root, {".github/workflows/ci.yml": MATURE_CI,
                  ".github/dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n"
                                            "    schedule: {interval: weekly}\n",
                  "SECURITY.md": "# Security\n\nReport privately.\n"},
           "ci: add pipeline", "2025-01-02T00:00:00+00:00")
    return root


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_regression_is_reported_and_gates(regressing_repo: Path):
    result = run("diff", "--base", "base", str(regressing_repo), "--fail-on-regression", "-q")
    assert result.exit_code == 1, result.output
    comment = result.stdout
    assert comment.startswith(COMMENT_MARKER)
    assert "▼" in comment, "score drops are marked"
    assert "| Build Automation |" in comment and "| **Overall** |" in comment
    assert "New findings in head" in comment and "BLD-003" in comment
    # The second committed key is new evidence for the P0 secrets rule: a regression, redacted.
    assert "config/b.env.example" in comment and AWS_KEY_B not in comment
    assert "Regression: new P0 finding BLD-003" in result.stderr
    # Each rule whose outcome moved is named with both outcomes; the CI deletion moved them, not history.
    by_pr = comment.split("### Changed by this PR")[1].split("###")[0]
    assert "| **BLD-003** " in by_pr and "| pass → fail | was: " in by_pr
    assert "Changed by history" not in comment
    assert "P0 finding SEC-003 has new evidence: config/b.env.example" in result.stderr


def test_without_the_gate_a_regression_still_exits_0(regressing_repo: Path):
    assert run("diff", "--base", "base", str(regressing_repo), "-q").exit_code == 0


def test_improvement_lists_fixed_findings_and_passes_the_gate(improving_repo: Path):
    result = run("diff", "--base", "base", "--head", "HEAD", str(improving_repo), "--fail-on-regression",
                 "--format", "json", "-q")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["overall"]["delta"] > 0 and data["regressed"] is False
    fixed = {f["rule_id"] for f in data["fixed_findings"]}
    assert {"BLD-003", "TST-002", "SEC-001"} <= fixed
    build = next(c for c in data["categories"] if c["id"] == "build")
    assert build["head"] > build["base"] and build["delta"] == round(build["head"] - build["base"], 2)
    assert data["base"]["ref"] == "base" and data["head"]["ref"] == "HEAD"
    assert len(data["head"]["head_sha"]) == 40


def test_same_ref_changes_nothing(improving_repo: Path):
    result = run("diff", "--base", "HEAD", str(improving_repo), "-q")
    assert result.exit_code == 0
    assert "No finding changed." in result.stdout and "＝" in result.stdout


def _snapshot(root: Path) -> dict[str, tuple[int, int, str]]:
    state = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            st = path.stat()
            state[str(path.relative_to(root))] = (st.st_size, st.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
    return state


def test_working_tree_and_git_dir_are_untouched(tmp_path: Path):
    root = build_mature_repo(tmp_path / "busy")
    git(root, "tag", "base")
    commit(root, {"CHANGELOG.md": "# Changelog\n\n## 1.5.0\n"}, "docs: changelog", "2025-06-05T09:00:00+00:00")
    (root / "README.md").write_text("# uncommitted edit\n")  # a developer's work in progress
    (root / "scratch.txt").write_text("untracked\n")
    (root / "Makefile").unlink()
    status = git(root, "status", "--porcelain")
    before = _snapshot(root)
    result = run("diff", "--base", "base", str(root), "-q")
    assert result.exit_code == 0, result.output
    assert _snapshot(root) == before, "diff wrote or changed a file in the repository or its .git"
    assert git(root, "status", "--porcelain") == status


def test_outputs_and_github_step_summary(improving_repo: Path, tmp_path: Path):
    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step\n")
    result = run("diff", "--base", "base", str(improving_repo), "-o", str(tmp_path / "out/comment.md"),
                 "-o", str(tmp_path / "out/diff.json"), "-q", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 0
    comment = (tmp_path / "out/comment.md").read_text()
    assert comment == result.stdout and COMMENT_MARKER in comment
    assert json.loads((tmp_path / "out/diff.json").read_text())["schema_version"]
    text = summary.read_text()
    assert text.startswith("# Earlier step\n") and COMMENT_MARKER in text


def test_unknown_ref_is_a_usage_error(improving_repo: Path):
    result = CliRunner().invoke(main, ["diff", "--base", "no-such-ref", str(improving_repo)])
    assert result.exit_code == 2
    assert "unknown git ref 'no-such-ref'" in result.output


def test_a_path_that_is_not_a_repository(tmp_path: Path):
    result = CliRunner().invoke(main, ["diff", "--base", "main", str(tmp_path)])
    assert result.exit_code == 2 and "not a git repository" in result.output


def test_diff_runs_as_a_console_script(improving_repo: Path):
    exe = Path(sys.executable).parent / "vana-audit"
    if not exe.exists():
        pytest.skip("console script not installed")
    proc = subprocess.run([str(exe), "diff", "--base", "base", "--format", "json", "-q"], check=False, cwd=improving_repo,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["fixed_findings"]
