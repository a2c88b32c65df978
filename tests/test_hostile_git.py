"""Hostile git repositories: a scanned repository's configuration never runs a program, git never
looks past the target, and a `.git` that points elsewhere never makes the report describe another
repository.

Each attack runs against every command that reads git: scan, scan --ref, diff, trend (backfill)
and batch, whose output then goes through merge.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.fixtures.gitrepo import commit, git, make_repo
from tests.test_hostile_kit import assert_no_traceback, run_cli, run_subprocess

WORKFLOW = "name: CI\non: [push, pull_request]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"


def _upstream(root: Path) -> Path:
    """Two commits whose files differ, a release tag on the first: older blobs are not in a
    partial clone's checkout, so reading them would need a lazy fetch."""
    make_repo(root, {".github/workflows/ci.yml": WORKFLOW, "app.py": "print(1)\n"}, date="2025-09-01T12:00:00+00:00")
    git(root, "tag", "v0.1.0")
    commit(root, {"app.py": "print(2)\n", "README.md": "# app\n"}, "Second", "2025-09-10T12:00:00+00:00")
    git(root, "config", "uploadpack.allowFilter", "true")
    return root


def _partial_clone(tmp_path: Path, *, bare: bool) -> Path:
    upstream = _upstream(tmp_path / "upstream")
    clone = tmp_path / ("clone.git" if bare else "clone")
    git(tmp_path, "clone", "-q", "--filter=blob:none", *(["--bare"] if bare else []), f"file://{upstream}", str(clone))
    return clone


def _hostile_upload_pack(clone: Path, marker: Path) -> None:
    git(clone, "config", "remote.origin.uploadpack", f"touch {marker}; git-upload-pack")


def _hostile_ssh_command(clone: Path, marker: Path) -> None:
    git(clone, "config", "remote.origin.url", "ssh://attacker.invalid/repo.git")
    git(clone, "config", "core.sshCommand", f"touch {marker}; false")


def _every_command(repo: Path, tmp_path: Path, *, bare: bool) -> dict[str, list[str]]:
    """The commands that read git, each as CLI arguments."""
    batch_list = tmp_path / "repos.txt"
    batch_list.write_text(f"{repo}\n", encoding="utf-8")
    commands = {
        "scan": ["scan", str(repo), "-q", "--format", "json"],
        "scan --ref": ["scan", str(repo), "-q", "--format", "json", "--ref", "v0.1.0"],
        "diff": ["diff", str(repo), "-q", "--base", "v0.1.0", "--head", "HEAD", "--format", "json"],
        "trend": ["trend", str(repo), "-q", "--backfill-tags", "--db", str(tmp_path / "h.sqlite3"), "--format", "json"],
        "batch": ["batch", str(batch_list), "-q", "-o", str(tmp_path / "batch-out")],
        "merge": ["merge", str(tmp_path / "batch-out"), "-o", str(tmp_path / "merged"), "--no-reports"],
    }
    if bare:
        del commands["diff"]  # diff needs no work tree either, but one bare case is enough
    return commands


@pytest.mark.parametrize("bare", [False, True], ids=["work-tree", "bare"])
@pytest.mark.parametrize("attack", [_hostile_upload_pack, _hostile_ssh_command], ids=["uploadpack", "sshCommand"])
def test_a_partial_clone_never_fetches_so_its_configured_programs_never_run(tmp_path: Path, bare: bool, attack) -> None:
    clone = _partial_clone(tmp_path, bare=bare)
    marker = tmp_path / "PWNED"
    attack(clone, marker)
    for name, args in _every_command(clone, tmp_path, bare=bare).items():
        run = run_cli(args)
        assert_no_traceback(run)
        assert run.exit_code in (0, 1), f"{name}: {run.stderr}"
        assert not marker.exists(), f"{name} ran a program named by the repository's configuration"


def test_blobs_a_partial_clone_lacks_are_problems_in_the_report(tmp_path: Path) -> None:
    clone = _partial_clone(tmp_path, bare=False)
    data = json.loads(run_cli(["scan", str(clone), "-q", "--format", "json", "--ref", "v0.1.0"]).stdout)
    missing = {p["path"] for p in data["problems"] if "blob missing" in p["message"]}
    assert missing == {"app.py"}  # the old app.py was never checked out, and is not fetched now


def test_a_folder_inside_a_repository_is_scanned_as_a_plain_directory(tmp_path: Path) -> None:
    outer = make_repo(tmp_path / "outer", {"service/README.md": "# svc\n", "service/app.py": "x = 1\n"})
    git(outer, "checkout", "-q", "-b", "outer-branch-name")
    data = json.loads(run_cli(["scan", str(outer / "service"), "-q", "--format", "json"]).stdout)
    assert data["target"]["is_git"] is False
    assert data["target"]["head_sha"] is None
    assert "outer-branch-name" not in json.dumps(data)
    assert any("inside the git repository at" in p["message"] for p in data["problems"])


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a repository away")
def test_a_repository_owned_by_another_user_is_refused_with_how_to_allow_it(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "theirs", {"README.md": "# theirs\n", "sub/app.py": "x = 1\n"})
    for folder, _dirs, files in os.walk(repo):
        for name in [folder, *(os.path.join(folder, f) for f in files)]:
            os.chown(name, 65534, 65534)
    run = run_cli(["scan", str(repo), "-q", "--format", "json"])
    assert run.exit_code == 2
    assert "another user owns it" in run.stderr and f"safe.directory {repo}" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    inside = json.loads(run_cli(["scan", str(repo / "sub"), "-q", "--format", "json"]).stdout)
    assert inside["target"]["is_git"] is False  # the parent's repository is neither used nor trusted


def test_a_git_file_pointing_elsewhere_is_not_followed(tmp_path: Path) -> None:
    other = make_repo(tmp_path / "other", {"secret-plan.md": "# other\n"})
    git(other, "checkout", "-q", "-b", "other-branch-name")
    target = tmp_path / "target"
    target.mkdir()
    (target / "README.md").write_text("# target\n", encoding="utf-8")
    (target / ".git").write_text(f"gitdir: {other / '.git'}\n", encoding="utf-8")
    run = run_cli(["scan", str(target), "-q", "--format", "json"])
    data = json.loads(run.stdout)
    assert data["target"]["is_git"] is False
    text = json.dumps(data)
    assert "other-branch-name" not in text and "secret-plan" not in text
    assert git(other, "rev-parse", "HEAD").strip() not in text
    assert any(".git points outside the target" in p["message"] for p in data["problems"])
    ref_run = run_cli(["scan", str(target), "-q", "--format", "json", "--ref", "HEAD"])
    assert ref_run.exit_code == 2 and "not a git repository" in ref_run.stderr


def test_a_work_tree_placed_elsewhere_by_core_worktree_is_not_used(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "private").mkdir(parents=True)
    (elsewhere / "private" / "notes.md").write_text("# not the target\n", encoding="utf-8")
    repo = make_repo(tmp_path / "repo", {"README.md": "# repo\n"})
    git(repo, "config", "core.worktree", str(elsewhere))
    data = json.loads(run_cli(["scan", str(repo), "-q", "--format", "json"]).stdout)
    assert data["target"]["is_git"] is False
    assert "private/notes.md" not in json.dumps(data)


def test_a_fifo_as_the_alternates_file_does_not_hang_the_scan(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {".github/workflows/ci.yml": WORKFLOW})
    os.mkfifo(repo / ".git" / "objects" / "info" / "alternates")
    for args in (["scan", str(repo), "-q", "--format", "json"], ["scan", str(repo), "-q", "--format", "json", "--ref", "HEAD"]):
        run = run_subprocess(args, timeout=60)
        assert_no_traceback(run)
        if "--ref" in args:
            assert run.exit_code == 2 and "alternates" in run.stderr
        else:
            assert run.exit_code == 0
            assert any("alternates" in p["message"] for p in json.loads(run.stdout)["problems"])


@pytest.mark.parametrize("damage", ["garbage HEAD", "broken config include"])
def test_a_repository_git_cannot_read_is_a_problem_not_silence(tmp_path: Path, damage: str) -> None:
    repo = make_repo(tmp_path / "repo", {"README.md": "# repo\n"})
    if damage == "garbage HEAD":
        (repo / ".git" / "HEAD").write_text("garbage\n", encoding="utf-8")
    else:
        (repo / ".git" / "broken.cfg").write_text("[[[ not config\n", encoding="utf-8")
        with (repo / ".git" / "config").open("a", encoding="utf-8") as config:
            config.write("[include]\n\tpath = broken.cfg\n")
    run = run_cli(["scan", str(repo), "-q", "--format", "json"])
    assert run.exit_code == 0
    data = json.loads(run.stdout)
    assert data["target"]["is_git"] is False
    assert any("git cannot read this repository" in p["message"] for p in data["problems"])


def test_the_scan_ignores_git_variables_of_the_caller(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GIT_DIR and friends in the environment of the person running the tool change nothing."""
    repo = make_repo(tmp_path / "repo", {"README.md": "# repo\n"})
    decoy = make_repo(tmp_path / "decoy", {"decoy-file.md": "# decoy\n"})
    monkeypatch.setenv("GIT_DIR", str(decoy / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(decoy))
    data = json.loads(run_cli(["scan", str(repo), "-q", "--format", "json"]).stdout)
    assert data["target"]["head_sha"] == git(repo, "rev-parse", "HEAD", env={"GIT_DIR": str(repo / ".git")}).strip()
    assert "decoy-file" not in json.dumps(data)
    shutil.rmtree(decoy)


def test_problem_texts_name_each_kind_of_unreadable_entry(tmp_path: Path) -> None:
    """A submodule is a folder (not a FIFO), a symlink loop is a loop (not dangling)."""
    repo = make_repo(tmp_path / "repo", {"README.md": "# repo\n"})
    make_repo(repo / "plugins" / "lib", {"lib.py": "x = 1\n"})
    os.symlink("loop-b", repo / "loop-a")
    os.symlink("loop-a", repo / "loop-b")
    os.symlink("nowhere", repo / "dangling.yml")
    (repo / "pipe.yml").write_text("a: 1\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "entries", date="2025-10-02T12:00:00+00:00")
    (repo / "pipe.yml").unlink()
    os.mkfifo(repo / "pipe.yml")  # tracked as a file, a FIFO in the working tree
    run = run_subprocess(["scan", str(repo), "-q", "--format", "json"], timeout=60)
    problems = {p["path"]: p["message"] for p in json.loads(run.stdout)["problems"]}
    assert problems["plugins/lib"].startswith("a folder where a file is listed (a submodule")
    assert problems["loop-a"] == problems["loop-b"] == "symlink loop; not followed"
    assert problems["dangling.yml"] == "dangling symlink (its target does not exist)"
    assert problems["pipe.yml"] == "not a regular file (a FIFO); not read"
