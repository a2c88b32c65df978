"""A corpus of hostile and broken repositories: each scan ends in findings and problem entries,
exit code 0 (2 when the target itself is unusable), and never a traceback.

Every repository is built in tmp_path. The CLI runs through click's CliRunner, and as a real
subprocess (`python -m vana_audit`) where a hang or a crash of the interpreter must be caught.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.fixtures.gitrepo import commit, git, make_repo, write_files
from tests.test_hostile_kit import (
    CliRun,
    assert_no_traceback,
    markdown_outside_code,
    problems_for,
    run_cli,
    run_subprocess,
)
from vana_audit.render import OutputFormat

MARKER = "OUTSIDE-MARKER-7f3a9c"  # must never appear in any output
WORKFLOW = """name: CI
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pytest
"""


def scan_ok(repo: Path, tmp_path: Path, *extra: str) -> CliRun:
    """Scan through the CLI with a JSON report; exit 0, no traceback, findings present."""
    run = run_cli(["scan", str(repo), "-q", *extra], tmp_path / "out")
    assert_no_traceback(run)
    assert run.exit_code == 0, run.stderr
    assert run.json()["findings"], "a scan must end in findings"
    return run


# -- symlinks out of the root ------------------------------------------------------------------------


def _outside(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    write_files(
        outside,
        {
            "secret.md": f"# {MARKER}\nCI/CD with GitHub Actions {MARKER}\n",
            "Dockerfile": f"FROM {MARKER}:latest\nRUN echo {MARKER}\n",
            "package.json": f'{{"name": "{MARKER}", "scripts": {{"test": "jest {MARKER}"}}}}',
            "dir/README.md": f"{MARKER} in a folder outside\n",
            f"dir/{MARKER}.yml": "a: 1\n",
            "wf/ci.yml": WORKFLOW.replace("pytest", f"echo {MARKER}").replace("CI", MARKER),
        },
    )
    return outside


def _symlinked_repo(root: Path, outside: Path, *, as_git: bool) -> Path:
    files = {".github/workflows/ci.yml": WORKFLOW, "src/app.py": "print('hi')\n", "CONTRIBUTING.md": "# c\n"}
    if as_git:
        make_repo(root, files)
    else:
        root.mkdir(parents=True)
        write_files(root, files)
    os.symlink("../outside/secret.md", root / "README.md")  # a file outside, relative
    os.symlink(outside / "Dockerfile", root / "Dockerfile")  # a file outside, absolute
    os.symlink(outside / "package.json", root / "package.json")
    os.symlink("../outside/dir", root / "docs")  # a folder outside
    os.symlink("..", root / "parent")  # the folder holding the repository
    os.symlink("/etc/passwd", root / "passwd.yml")
    os.symlink("nowhere", root / "dangling.yml")
    os.symlink("loop-a", root / "loop-b.yml")
    os.symlink("loop-b.yml", root / "loop-a")
    if as_git:
        git(root, "add", "-A")  # the links are tracked as links
        git(root, "commit", "-q", "-m", "links", date="2025-10-02T12:00:00+00:00")
    # A tracked folder replaced by a link: git still lists .github/workflows/ci.yml, now a path
    # through the link to a folder outside.
    shutil.rmtree(root / ".github" / "workflows")
    os.symlink(outside / "wf", root / ".github" / "workflows")
    return root


@pytest.mark.parametrize("as_git", [True, False], ids=["git-work-tree", "plain-directory"])
def test_symlinks_out_of_the_root_leak_nothing_in_any_format(tmp_path: Path, as_git: bool) -> None:
    outside = _outside(tmp_path)
    repo = _symlinked_repo(tmp_path / "repo", outside, as_git=as_git)
    formats = list(OutputFormat) if as_git else [OutputFormat.JSON, OutputFormat.MARKDOWN, OutputFormat.SARIF]
    run = run_cli(["scan", str(repo)], tmp_path / "out", formats=formats)  # stdout: the terminal summary
    assert_no_traceback(run)
    assert run.exit_code == 0, run.stderr
    assert set(run.files) == set(formats)
    for fmt, text in run.files.items():
        assert MARKER not in text, f"{fmt.value} report shows text from outside the repository"
    assert MARKER not in run.stdout and MARKER not in run.stderr
    for path in ("README.md", "Dockerfile", "package.json"):
        assert any("outside the repository" in m for m in problems_for(run, path)), path
    assert (
        any("outside the repository" in m for m in problems_for(run, ".github/workflows/ci.yml")) or not as_git
    )  # a plain walk never descends into the linked folder at all


def test_symlinks_out_of_the_root_leak_nothing_through_a_subprocess_or_a_git_ref(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    repo = _symlinked_repo(tmp_path / "repo", outside, as_git=True)
    for args in (["scan", str(repo)], ["scan", str(repo), "--ref", "HEAD"]):
        run = run_subprocess(
            args,
            tmp_path / "out",
            formats=[OutputFormat.JSON, OutputFormat.MARKDOWN, OutputFormat.TERMINAL, OutputFormat.SARIF],
        )
        assert_no_traceback(run)
        assert run.exit_code == 0, run.stderr
        assert MARKER not in run.everything
    assert any("symlink" in p["message"] for p in run.json()["problems"])  # the ref scan skips links


# -- YAML bombs and deep nesting ------------------------------------------------------------------------


def _alias_bomb(top: str) -> str:
    lines = [top, 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        prev, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bombs_and_deep_nesting_become_problems(tmp_path: Path) -> None:
    deep_flow = "x: " + "[" * 5000 + "]" * 5000 + "\n"
    deep_block = "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "v: 1\n"
    repo = make_repo(
        tmp_path / "repo",
        {
            ".github/workflows/bomb.yml": _alias_bomb("on: push"),
            ".github/workflows/deep.yml": deep_flow,
            ".github/workflows/deep-block.yml": "on: push\njobs:\n" + deep_block,
            ".github/workflows/ok.yml": WORKFLOW,
            "docker-compose.yml": _alias_bomb("services:\n  web:\n    image: nginx:1.27"),
            "compose.yaml": "services: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n",
            "k8s/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\n" + _alias_bomb("spec: {}"),
        },
    )
    run = scan_ok(repo, tmp_path)
    for path in (
        ".github/workflows/bomb.yml",
        ".github/workflows/deep.yml",
        ".github/workflows/deep-block.yml",
        "docker-compose.yml",
        "compose.yaml",
        "k8s/deploy.yaml",
    ):
        messages = problems_for(run, path)
        assert messages and any("YAML" in m for m in messages), (path, messages)
    assert ".github/workflows/ok.yml" in run.json()["inventory"]["workflows"]


# -- rule folders named by the repository's own configuration --------------------------------------------

TEAM_RULE = """rules:
  - id: OUT-001
    title: Rule from outside the repository
    category: build
    level: 2
    weight: 1
    severity: low
    priority: P2
    effort_days: [0.5, 0.5]
    pass_if: {signal: build.scripted}
    pass_message: ok
    fail_message: missing
    remediation: Nothing to remediate here.
    docs: {what: Not a real rule., why: Not a real rule., how: Not a real rule., example: x, references: [x]}
"""


@pytest.mark.parametrize("how", ["absolute", "dot-dot", "symlinked-folder", "symlinked-file"])
def test_rule_folders_of_the_repository_config_stay_inside_it(tmp_path: Path, how: str) -> None:
    outside = tmp_path / "outside"
    write_files(outside, {"team.yaml": TEAM_RULE, f"{MARKER}.yaml": f"{MARKER}: [\n"})
    named = {"absolute": str(outside), "dot-dot": "../outside"}.get(how, "ci/rules")
    repo = make_repo(tmp_path / "repo", {"README.md": "# r\n", ".vana-audit.yml": f"rules_dirs: ['{named}']\n"})
    if how == "symlinked-folder":
        (repo / "ci").mkdir()
        os.symlink(outside, repo / "ci" / "rules")
    elif how == "symlinked-file":
        (repo / "ci" / "rules").mkdir(parents=True)
        os.symlink(outside / "team.yaml", repo / "ci" / "rules" / "team.yaml")
    run = run_cli(["scan", str(repo), "-q", "--no-history"], tmp_path / "out")
    assert_no_traceback(run)
    assert run.exit_code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "outside the repository, not followed" in lines[0], run.stderr
    assert MARKER not in run.everything and "OUT-001" not in run.everything


def test_rule_folders_and_links_that_stay_inside_the_repository_load(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"README.md": "# r\n", ".vana-audit.yml": "rules_dirs: [ci/../ci/rules]\n",
                                         "shared/team.yaml": TEAM_RULE})
    (repo / "ci" / "rules").mkdir(parents=True)
    os.symlink("../../shared/team.yaml", repo / "ci" / "rules" / "team.yaml")
    run = scan_ok(repo, tmp_path, "--no-history")
    assert "OUT-001" in {f["rule_id"] for f in run.json()["findings"]}


def test_rule_folders_of_a_config_file_given_on_the_command_line_may_be_anywhere(tmp_path: Path) -> None:
    """The person running the tool chose them; a relative folder is relative to the scanned repository."""
    write_files(tmp_path / "outside", {"team.yaml": TEAM_RULE})
    repo = make_repo(tmp_path / "repo", {"README.md": "# r\n"})
    config = tmp_path / "config.yml"
    for named in (str(tmp_path / "outside"), "../outside"):
        config.write_text(f"rules_dirs: ['{named}']\n")
        run = scan_ok(repo, tmp_path, "--no-history", "--config", str(config))
        assert "OUT-001" in {f["rule_id"] for f in run.json()["findings"]}


def test_rule_folders_of_a_scanned_ref_are_read_at_that_ref(tmp_path: Path) -> None:
    """`--ref` and bare repositories: the configuration comes from the commit, so do its rule folders;
    the working tree (changed since, or absent) is never read for them."""
    repo = make_repo(tmp_path / "repo", {"README.md": "# r\n", ".vana-audit.yml": "rules_dirs: [ci/rules]\n",
                                         "ci/rules/team.yaml": TEAM_RULE})
    (repo / "ci" / "rules" / "team.yaml").write_text(f"{MARKER}: [\n")  # broken in the working tree only
    run = scan_ok(repo, tmp_path, "--no-history", "--ref", "HEAD")
    assert "OUT-001" in {f["rule_id"] for f in run.json()["findings"]}
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))
    run = scan_ok(bare, tmp_path, "--no-history")
    assert "OUT-001" in {f["rule_id"] for f in run.json()["findings"]}


@pytest.mark.parametrize("named", ["../outside", "/etc"])
def test_rule_folders_of_a_scanned_ref_stay_inside_it(tmp_path: Path, named: str) -> None:
    write_files(tmp_path / "outside", {"team.yaml": TEAM_RULE})
    repo = make_repo(tmp_path / "repo", {"README.md": "# r\n", ".vana-audit.yml": f"rules_dirs: ['{named}']\n"})
    run = run_cli(["scan", str(repo), "-q", "--no-history", "--ref", "HEAD"])
    assert run.exit_code == 2
    assert "outside the repository, not followed" in run.stderr and "OUT-001" not in run.everything


# -- broken files where rules look ------------------------------------------------------------------------

LOOKED_AT = (".github/workflows/ci.yml", "Dockerfile", "package.json", "pyproject.toml", "Makefile")
BINARY = bytes(range(256)) * 8
NOT_UTF8 = "name: café\non: push\nFROM python:3.12\n[project]\nname = 'café'\n".encode("latin-1")
MALFORMED = {
    ".github/workflows/ci.yml": "on: [push\njobs: {test: [\n",
    "Dockerfile": "FROM\n\\\n\\\nRUN",
    "package.json": '{"scripts": {"test": "jest",}',
    "pyproject.toml": "[project\nname = \n",
    "Makefile": "\t\t::::\n:=\n  \n\tno target\n",
}
UNUSABLE = {  # kind of damage -> what the problem entry says, for every file of LOOKED_AT
    "binary": "binary",
    "not-utf8": "UTF-8",
    "oversized": "cap",
}


@pytest.mark.parametrize("damage", ["binary", "not-utf8", "empty", "oversized", "malformed"])
def test_broken_files_where_rules_look_end_in_problems_not_crashes(tmp_path: Path, damage: str) -> None:
    content = {"binary": BINARY, "not-utf8": NOT_UTF8, "empty": b"", "oversized": b"# x\n" * 600_000}
    files = {path: MALFORMED[path] if damage == "malformed" else content[damage] for path in LOOKED_AT}
    repo = make_repo(tmp_path / "repo", {"README.md": "# broken\n", **files})
    run = scan_ok(repo, tmp_path)
    if damage in UNUSABLE:
        for path in LOOKED_AT:
            assert any(UNUSABLE[damage] in m for m in problems_for(run, path)), (path, run.json()["problems"])
    elif damage == "malformed":
        for path, word in ((".github/workflows/ci.yml", "YAML"), ("package.json", "JSON"), ("pyproject.toml", "TOML")):
            assert any(word in m for m in problems_for(run, path)), path
        assert any("instruction" in m for m in problems_for(run, "Dockerfile"))
    else:  # empty
        assert any("empty" in m for m in problems_for(run, ".github/workflows/ci.yml"))
        assert any("JSON" in m for m in problems_for(run, "package.json"))
        assert any("instruction" in m for m in problems_for(run, "Dockerfile"))


def test_one_megabyte_single_line_files_everywhere(tmp_path: Path) -> None:
    line = ("run: curl -fsSL https://example.com/" + "a" * 100) * 8_000  # ~1 MB, no newline
    repo = make_repo(
        tmp_path / "repo",
        {
            "README.md": "CI/CD: GitHub Actions " + line,
            ".github/workflows/ci.yml": "on: push\njobs: {t: {runs-on: x, steps: [{run: '" + line + "'}]}}",
            "Dockerfile": "FROM python:3.12\nRUN " + line,
            "package.json": '{"scripts": {"test": "' + line + '"}}',
            "Makefile": "test: " + line,
            "main.tf": line,
            "src/app.py": line,
        },
    )
    run = run_subprocess(["scan", str(repo), "-q"], tmp_path / "out", timeout=120)
    assert_no_traceback(run)
    assert run.exit_code == 0, run.stderr
    assert any("cut" in m for m in problems_for(run, ".github/workflows/ci.yml"))
    assert any("cut" in m for m in problems_for(run, "Dockerfile"))


# -- FIFOs: never opened for reading (that would block forever) -------------------------------------------


def _fifos(root: Path) -> None:
    (root / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    for path in (".github/workflows/ci.yml", "Dockerfile", "package.json", "README.md"):
        target = root / path
        if target.exists():
            target.unlink()
        os.mkfifo(target)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
@pytest.mark.parametrize("as_git", [True, False], ids=["tracked-files-replaced", "plain-directory"])
def test_a_fifo_where_a_file_should_be_does_not_hang_the_scan(tmp_path: Path, as_git: bool) -> None:
    root = tmp_path / "repo"
    files = {
        ".github/workflows/ci.yml": WORKFLOW,
        "Dockerfile": "FROM x\n",
        "package.json": "{}",
        "README.md": "# r\n",
        "Makefile": "test:\n\tpytest\n",
    }
    if as_git:
        make_repo(root, files)
    else:
        root.mkdir()
        write_files(root, files)
    _fifos(root)
    run = run_subprocess(["scan", str(root), "-q"], tmp_path / "out", timeout=60)  # a hang fails here
    assert_no_traceback(run)
    assert run.exit_code == 0, run.stderr
    for path in (".github/workflows/ci.yml", "Dockerfile", "package.json", "README.md"):
        assert any("not a regular file" in m for m in problems_for(run, path)), path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
@pytest.mark.parametrize("where", ["rules-folder", "config-option"])
def test_a_fifo_as_a_rule_file_or_a_config_file_is_one_error_line(tmp_path: Path, where: str) -> None:
    files = {"README.md": "# r\n"}
    if where == "rules-folder":
        files[".vana-audit.yml"] = "rules_dirs: [ci/rules]\n"
    root = make_repo(tmp_path / "repo", files)
    (root / "ci" / "rules").mkdir(parents=True)
    fifo = root / "ci" / "rules" / "team.yaml" if where == "rules-folder" else tmp_path / "config.yml"
    os.mkfifo(fifo)
    args = ["scan", str(root), "-q", "--no-history"] + (["--config", str(fifo)] if where == "config-option" else [])
    run = run_subprocess(args, timeout=60)  # a hang fails here
    assert_no_traceback(run)
    assert run.exit_code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "not a regular file" in lines[0] and str(fifo) in lines[0], run.stderr


# -- file names ---------------------------------------------------------------------------------------

ODD_NAMES = [
    ".github/workflows/ci workflow.yml",
    ".github/workflows/ünïcødé-ツ.yml",
    ".github/workflows/<script>alert(1)<%2Fscript>.yml",
    ".github/workflows/-rf.yml",
    ".github/workflows/--help.yml",
    "docs/new\nline.md",
    "docs/\x1b[31mred\x1b[0m.md",
    "docs/back`tick|pipe*.md",
    "-leading-dash.md",
    "Dockerfile.<img src=x>",
]


def test_file_names_with_spaces_unicode_markup_control_characters_and_dashes(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "repo",
        {name: WORKFLOW if name.endswith(".yml") else "FROM python:3.12\n" for name in ODD_NAMES}
        | {"README.md": "# names\n"},
    )
    run = run_cli(
        ["scan", str(repo)], tmp_path / "out", formats=[OutputFormat.JSON, OutputFormat.MARKDOWN, OutputFormat.TERMINAL]
    )
    assert_no_traceback(run)
    assert run.exit_code == 0, run.stderr
    workflows = run.json()["inventory"]["workflows"]
    for name in ODD_NAMES:
        if name.startswith(".github/workflows/"):
            assert name in workflows, name
    for text in (run.stdout, run.files[OutputFormat.TERMINAL], run.files[OutputFormat.MARKDOWN]):
        assert "\x1b" not in text, "a file name wrote a terminal escape sequence"
    markup = markdown_outside_code(run.files[OutputFormat.MARKDOWN])
    assert "<script" not in markup and "<img" not in markup


def test_a_target_directory_whose_name_starts_with_a_dash(tmp_path: Path) -> None:
    make_repo(tmp_path / "-repo", {".github/workflows/ci.yml": WORKFLOW, "README.md": "# dash\n"})
    run = run_subprocess(["scan", "-q", "--format", "json", "--", "-repo"], cwd=tmp_path)
    assert_no_traceback(run)
    assert run.exit_code == 0, run.stderr
    assert '"-repo"' in run.stdout


# -- repository shapes ----------------------------------------------------------------------------------


def test_an_empty_repository_without_commits(tmp_path: Path) -> None:
    repo = tmp_path / "empty"
    repo.mkdir()
    git(repo, "init", "-q")
    run = scan_ok(repo, tmp_path)
    data = run.json()
    assert data["target"]["is_git"] and data["target"]["head_sha"] is None
    assert any("no commits" in p["message"] for p in data["problems"])


def test_an_empty_repository_with_untracked_files_still_scans_them(tmp_path: Path) -> None:
    repo = tmp_path / "fresh"
    repo.mkdir()
    git(repo, "init", "-q")
    write_files(repo, {".github/workflows/ci.yml": WORKFLOW})
    run = scan_ok(repo, tmp_path)
    assert run.json()["inventory"]["workflows"] == [".github/workflows/ci.yml"]


def _history(root: Path) -> Path:
    make_repo(root, {"README.md": "# app\n", ".github/workflows/ci.yml": WORKFLOW})
    for day in range(2, 6):
        commit(root, {"src/app.py": f"VERSION = {day}\n"}, f"feat: change {day}", f"2025-10-0{day}T12:00:00+00:00")
    git(root, "tag", "v1.0.0")
    return root


def test_a_bare_repository_is_scanned_at_head(tmp_path: Path) -> None:
    source = _history(tmp_path / "src")
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(source), str(bare))
    run = scan_ok(bare, tmp_path)
    data = run.json()
    assert data["inventory"]["workflows"] == [".github/workflows/ci.yml"]
    assert data["target"]["head_sha"] == git(source, "rev-parse", "HEAD").strip()


def test_a_bare_repository_without_commits_is_unusable(tmp_path: Path) -> None:
    bare = tmp_path / "nothing.git"
    bare.mkdir()
    git(bare, "init", "-q", "--bare")
    run = run_cli(["scan", str(bare)])
    assert run.exit_code == 2 and run.stderr.startswith("Error: ") and len(run.stderr.strip().splitlines()) == 1


def test_a_shallow_clone(tmp_path: Path) -> None:
    source = _history(tmp_path / "src")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{source}", str(shallow))
    run = scan_ok(shallow, tmp_path)
    data = run.json()
    assert data["target"]["is_shallow"] is True
    assert ".github/workflows/ci.yml" in data["inventory"]["workflows"]


def test_a_detached_head(tmp_path: Path) -> None:
    repo = _history(tmp_path / "repo")
    git(repo, "checkout", "-q", "--detach", "HEAD~2")
    run = scan_ok(repo, tmp_path)
    data = run.json()
    assert data["target"]["head_sha"] == git(repo, "rev-parse", "HEAD").strip()
    ref_run = scan_ok(repo, tmp_path, "--ref", "HEAD")
    assert ref_run.json()["target"]["head_sha"] == data["target"]["head_sha"]


def _loose_object(repo: Path, spec: str) -> Path:
    sha = git(repo, "rev-parse", spec).strip()
    return repo / ".git" / "objects" / sha[:2] / sha[2:]


def test_a_repository_with_a_missing_blob(tmp_path: Path) -> None:
    repo = _history(tmp_path / "repo")
    _loose_object(repo, "HEAD:.github/workflows/ci.yml").unlink()
    scan_ok(repo, tmp_path)  # the working tree still has the file
    run = scan_ok(repo, tmp_path, "--ref", "HEAD")  # the object database does not
    assert any("blob missing" in m for m in problems_for(run, ".github/workflows/ci.yml"))


def test_a_repository_with_a_missing_commit_in_its_history(tmp_path: Path) -> None:
    repo = _history(tmp_path / "repo")
    _loose_object(repo, "HEAD~2").unlink()
    run = run_subprocess(["scan", str(repo), "-q"], tmp_path / "out")
    assert_no_traceback(run)
    assert run.exit_code == 0, run.stderr
    assert run.json()["problems"], "a broken history must be reported"


def test_a_repository_whose_head_commit_is_missing(tmp_path: Path) -> None:
    repo = _history(tmp_path / "repo")
    _loose_object(repo, "HEAD").unlink()
    run = run_cli(["scan", str(repo), "-q"], tmp_path / "out")
    assert_no_traceback(run)
    assert run.exit_code in (0, 2), run.stderr
    if run.exit_code == 0:
        assert run.json()["problems"]
    else:
        assert run.stderr.startswith("Error: ")


# -- targets that cannot be scanned: exit 2, one line on stderr ---------------------------------------------


@pytest.mark.parametrize("how", ["missing", "file", "bad-ref"])
def test_an_unusable_target_is_one_error_line_and_exit_2(tmp_path: Path, how: str) -> None:
    if how == "missing":
        args = ["scan", str(tmp_path / "does-not-exist")]
    elif how == "file":
        (tmp_path / "plain.txt").write_text("x")
        args = ["scan", str(tmp_path / "plain.txt")]
    else:
        args = ["scan", str(make_repo(tmp_path / "repo", {"README.md": "# r\n"})), "--ref", "no-such-ref"]
    for run in (run_cli(args), run_subprocess(args)):
        assert_no_traceback(run)
        assert run.exit_code == 2
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), run.stderr
        assert run.stdout == ""
