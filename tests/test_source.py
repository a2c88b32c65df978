"""The source layer: listing, caps, symlinks, encodings, reading at a ref without a checkout."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fixtures.gitrepo import commit, git, make_repo
from vana_audit.collectors import collect_facts
from vana_audit.source import GitRefSource, TargetError, WorkingTreeSource, open_source


def test_git_repository_lists_tracked_and_unignored_files(tmp_path):
    repo = make_repo(tmp_path / "r", {"a.txt": "a", ".gitignore": "ignored/\n"})
    (repo / "ignored").mkdir()
    (repo / "ignored" / "x.txt").write_text("x")
    (repo / "new.txt").write_text("n")
    source = WorkingTreeSource(repo)
    assert source.files == [".gitignore", "a.txt", "new.txt"]


def test_plain_directory_is_walked(tmp_path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "sub" / "f.yml").write_text("a: 1")
    assert WorkingTreeSource(tmp_path / "d").files == ["sub/f.yml"]


def test_symlink_out_of_the_root_is_not_followed(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("OUTSIDE-MARKER")
    root = tmp_path / "repo"
    root.mkdir()
    os.symlink(outside, root / "link.txt")
    source = WorkingTreeSource(root)
    assert source.read_text("link.txt") is None
    assert any("outside the repository" in p.message for p in source.problems)


def test_symlink_inside_the_root_is_read(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "real.txt").write_text("inside")
    os.symlink(root / "real.txt", root / "alias.txt")
    assert WorkingTreeSource(root).read_text("alias.txt") == "inside"


def test_size_cap_binary_and_encoding_are_problems_not_errors(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "big.yml").write_text("a" * 5000)
    (root / "bin.dat").write_bytes(b"\x00\x01\x02")
    (root / "latin.txt").write_bytes("café".encode("latin-1"))
    source = WorkingTreeSource(root, max_file_bytes=1024)
    assert source.read_text("big.yml") is None
    assert source.read_text("bin.dat") is None
    assert source.read_text("latin.txt") == "caf\ufffd"
    messages = " ".join(p.message for p in source.problems)
    assert "over the 1024-byte cap" in messages and "binary" in messages and "UTF-8" in messages


def test_path_escaping_the_root_is_refused(tmp_path):
    source = WorkingTreeSource(tmp_path)
    assert source.read_bytes("../etc/passwd") is None


def test_git_ref_source_reads_an_old_commit_without_touching_the_tree(tmp_path):
    repo = make_repo(tmp_path / "r", {"README.md": "old\n"}, date="2025-01-01T00:00:00+00:00")
    git(repo, "tag", "v1")
    commit(repo, {"README.md": "new\n", "extra.txt": "e"}, "change", "2025-01-02T00:00:00+00:00")
    (repo / "README.md").write_text("dirty working tree\n")
    before = git(repo, "status", "--porcelain")
    source = GitRefSource(repo, "v1")
    assert source.files == ["README.md"]
    assert source.read_text("README.md") == "old\n"
    source.close()
    assert git(repo, "status", "--porcelain") == before
    assert (repo / "README.md").read_text() == "dirty working tree\n"


def test_unknown_ref_is_a_target_error(tmp_path):
    repo = make_repo(tmp_path / "r", {"a": "a"})
    with pytest.raises(TargetError, match="unknown git ref"):
        open_source(repo, "does-not-exist")


def test_workflows_folder_with_only_gitkeep_is_no_ci(tmp_path):
    repo = make_repo(tmp_path / "r", {".github/workflows/.gitkeep": ""})
    facts = collect_facts(WorkingTreeSource(repo))
    assert facts.pipelines == [] and facts.ci_placeholders == [".github/workflows/.gitkeep"]


def test_broken_workflow_is_a_problem_and_the_scan_goes_on(tmp_path):
    repo = make_repo(tmp_path / "r", {".github/workflows/ci.yml": "on: [push\njobs: {", "Dockerfile": "FROM x:1\n"})
    source = WorkingTreeSource(repo)
    facts = collect_facts(source)
    assert facts.dockerfiles and any(p.path == ".github/workflows/ci.yml" for p in source.problems)


def test_repository_config_cannot_make_git_run_programs(tmp_path):
    marker = tmp_path / "pwned"
    repo = make_repo(tmp_path / "r", {"a.txt": "a"})
    git(repo, "config", "core.fsmonitor", f"touch {marker}; echo")
    WorkingTreeSource(repo).files  # noqa: B018
    assert not marker.exists()


def test_bare_repository_is_scanned_at_head(tmp_path):
    repo = make_repo(tmp_path / "r", {"Dockerfile": "FROM python:3.12\n"})
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    source = open_source(bare)
    assert isinstance(source, GitRefSource) and source.files == ["Dockerfile"]


def test_empty_bare_repository_is_a_clear_error(tmp_path):
    bare = tmp_path / "empty.git"
    bare.mkdir()
    git(bare, "init", "-q", "--bare")
    with pytest.raises(TargetError, match="bare repository without commits"):
        open_source(Path(bare))
