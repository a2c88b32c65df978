"""The integrations shipped in the repository call real CLI options and produce what they promise
(issue 6, items 2 and 4): the GitHub Action, the GitLab template, the pre-commit hook, the example
workflows, the Kubernetes Indexed Job, and the project's own workflows.

Where this machine allows, the shell of a step is run for real: against fixture repositories,
with a fake `gh` that records its calls, or with a local HTTP server standing in for GitLab.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from click.testing import CliRunner

from tests.fixtures.gitrepo import commit, git, make_repo
from tests.fixtures.repos import MATURE_CI, build_mature_repo, build_readme_only
from vana_audit.cli import main
from vana_audit.render.diff import COMMENT_MARKER

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FULL_SHA = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")
SUBCOMMANDS = sorted(main.commands)


# -- helpers ------------------------------------------------------------------------------------

def load(path: str) -> Any:
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def strings_in(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings_in(value)


def vana_commands(text: str) -> list[tuple[str, list[str]]]:
    """(subcommand, options) for every `vana-audit <sub> …` in shell text."""
    text = text.replace("\\\n", " ")
    found = []
    for match in re.finditer(r"vana-audit\s+([a-z]+)\b([^\n]*)", text):
        sub, rest = match.group(1), match.group(2)
        if sub not in SUBCOMMANDS:
            continue
        rest = re.split(r"\|\||&&|;|(?<![|])\|(?![|])|\s>\s?|\s>>\s?", rest)[0]
        options = re.findall(r"(?<![\w/.$-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?=[\s=\"']|$)", rest)
        found.append((sub, options))
    return found


_HELP: dict[str, str] = {}


def assert_real_options(source: str, commands: list[tuple[str, list[str]]]) -> None:
    assert commands, f"{source} runs no vana-audit command"
    for sub, options in commands:
        if sub not in _HELP:
            result = CliRunner().invoke(main, [sub, "--help"])
            assert result.exit_code == 0
            _HELP[sub] = result.output
        declared = {o for p in main.commands[sub].params for o in (*p.opts, *p.secondary_opts)}
        for option in options:
            assert option in declared, f"{source}: `vana-audit {sub} {option}` is not an option"
            assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", _HELP[sub]), f"{option} not in --help"


def assert_pinned(source: str, doc: Any, allowed: tuple[str, ...] = ()) -> list[str]:
    uses = [s for s in _uses(doc)]
    for ref in uses:
        if ref.startswith(("./", "docker://")) or ref.startswith(allowed):
            continue
        assert FULL_SHA.match(ref), f"{source}: {ref} is not pinned to a full commit SHA"
    return uses


def _uses(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "uses" and isinstance(value, str):
                yield value
            else:
                yield from _uses(value)
    elif isinstance(node, list):
        for value in node:
            yield from _uses(value)


def triggers(doc: dict) -> Any:
    return doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` key as True


def step(action: dict, name: str) -> dict:
    return next(s for s in action["runs"]["steps"] if s.get("name") == name)


def bash(script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", **env}
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=300, check=False)


def outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


@pytest.fixture(scope="module")
def pr_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A repository whose HEAD (a pull request) adds CI to a README-only base."""
    root = make_repo(tmp_path_factory.mktemp("pr") / "svc", {"README.md": "# Svc\n\nThe service.\n",
                                                             "tests/test_svc.py": "def test():\n    pass\n"})
    base = git(root, "rev-parse", "HEAD").strip()
    commit(root, {".github/workflows/ci.yml": MATURE_CI}, "ci: add pipeline", "2025-10-02T12:00:00+00:00")
    return root, base


# -- the GitHub Action --------------------------------------------------------------------------

def test_action_is_a_pinned_composite_action_with_the_promised_inputs():
    action = load("action.yml")
    assert action["runs"]["using"] == "composite"
    assert {"mode", "path", "base", "fail-under", "upload-sarif"} <= set(action["inputs"])
    uses = assert_pinned("action.yml", action)
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    for s in action["runs"]["steps"]:
        if "run" in s:
            assert "${{" not in s["run"], f"step {s.get('name')!r}: expressions reach the shell only through env"
    assert_real_options("action.yml", [c for s in strings_in(action) for c in vana_commands(s)])


def test_action_scan_step_writes_reports_and_outputs(pr_repo, tmp_path: Path):
    repo, _base = pr_repo
    run = step(load("action.yml"), "Run vana-audit")["run"]
    env = {"RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(tmp_path / "out.txt"),
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "MODE": "scan", "TARGET": str(repo), "BASE": "",
           "HEAD_REF": "HEAD", "PR_BASE_SHA": "", "FAIL_UNDER": "4.5", "FAIL_ON_REGRESSION": "true"}
    proc = bash(run, env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = outputs(tmp_path / "out.txt")
    report_dir = Path(out["report-dir"])
    report = json.loads((report_dir / "report.json").read_text())
    assert float(out["score"]) == report["score"]["overall"]
    assert out["exit-code"] == "1", "the score is under fail-under 4.5: the gate step will fail the job"
    for name in ("report.md", "report.html", "report.sarif"):
        assert (report_dir / name).stat().st_size > 0
    assert out["sarif-file"].endswith("report.sarif")
    assert "Overall CI/CD maturity" in (tmp_path / "summary.md").read_text()


def test_action_diff_step_writes_the_scorecard(pr_repo, tmp_path: Path):
    repo, base = pr_repo
    run = step(load("action.yml"), "Run vana-audit")["run"]
    env = {"RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(tmp_path / "out.txt"),
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "MODE": "diff", "TARGET": str(repo), "BASE": "",
           "HEAD_REF": "HEAD", "PR_BASE_SHA": base, "FAIL_UNDER": "", "FAIL_ON_REGRESSION": "true"}
    proc = bash(run, env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = outputs(tmp_path / "out.txt")
    assert out["exit-code"] == "0", "adding CI is an improvement, not a regression"
    comment = Path(out["comment-file"]).read_text()
    assert comment.startswith(COMMENT_MARKER) and "Fixed findings" in comment
    assert json.loads((Path(out["report-dir"]) / "diff.json").read_text())["regressed"] is False
    assert COMMENT_MARKER in (tmp_path / "summary.md").read_text(), "diff appends to the step summary"


def test_action_diff_step_without_a_base_is_a_usage_error(pr_repo, tmp_path: Path):
    repo, _ = pr_repo
    run = step(load("action.yml"), "Run vana-audit")["run"]
    env = {"RUNNER_TEMP": str(tmp_path), "GITHUB_OUTPUT": str(tmp_path / "out.txt"), "MODE": "diff",
           "TARGET": str(repo), "BASE": "", "HEAD_REF": "HEAD", "PR_BASE_SHA": "", "FAIL_UNDER": "",
           "FAIL_ON_REGRESSION": "true"}
    proc = bash(run, env, tmp_path)
    assert proc.returncode == 2 and "needs a base" in proc.stdout


FAKE_GH = """#!/bin/sh
echo "$*" >> "$GH_LOG"
case "$*" in
  *--paginate*) [ -n "$EXISTING_COMMENT" ] && echo "$EXISTING_COMMENT" ;;
esac
exit 0
"""


@pytest.mark.parametrize("existing, method", [("4242", "PATCH"), ("", "POST")])
def test_action_comment_step_updates_the_marked_comment(tmp_path: Path, existing: str, method: str):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin/gh").write_text(FAKE_GH)
    (tmp_path / "bin/gh").chmod(0o755)
    comment = tmp_path / "comment.md"
    comment.write_text(f"{COMMENT_MARKER}\n## scorecard\n")
    run = step(load("action.yml"), "Post or update the pull request comment")["run"]
    env = {"PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "GH_LOG": str(tmp_path / "gh.log"),
           "EXISTING_COMMENT": existing, "GH_TOKEN": "t", "COMMENT_FILE": str(comment), "PR_NUMBER": "7",
           "REPOSITORY": "acme/api"}
    proc = subprocess.run(["bash", "-c", run], env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    calls = (tmp_path / "gh.log").read_text().splitlines()
    assert "repos/acme/api/issues/7/comments" in calls[0] and "startswith" in calls[0] and COMMENT_MARKER in calls[0]
    if method == "PATCH":
        assert calls[1].startswith("api --method PATCH repos/acme/api/issues/comments/4242")
    else:
        assert calls[1].startswith("api --method POST repos/acme/api/issues/7/comments")
    assert f"body=@{comment}" in calls[1]


# -- GitLab ---------------------------------------------------------------------------------------

def test_gitlab_template_calls_real_options():
    template = load("templates/gitlab/vana-audit.gitlab-ci.yml")
    assert template[".vana-audit"]["variables"]["GIT_DEPTH"] == "0"
    for job in ("vana-audit:scan", "vana-audit:merge-request"):
        assert template[job]["extends"] == ".vana-audit"
        assert template[job]["artifacts"]["paths"] == ["vana-audit/"]
    assert_real_options("gitlab template", [c for s in strings_in(template) for c in vana_commands(s)])


class _FakeGitLab(BaseHTTPRequestHandler):
    notes: ClassVar[list[dict]] = []
    calls: ClassVar[list[tuple[str, str, dict | None]]] = []

    def _reply(self, code: int, payload: Any) -> None:
        body = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        type(self).calls.append(("GET", self.path, None))
        self._reply(200, type(self).notes)

    def _write(self, method: str) -> None:
        data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).calls.append((method, self.path, {"body": data["body"], "token": self.headers["PRIVATE-TOKEN"]}))
        self._reply(200, {"id": 1})

    def do_POST(self) -> None:
        self._write("POST")

    def do_PUT(self) -> None:
        self._write("PUT")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.parametrize("existing", [True, False])
def test_gitlab_merge_request_job_runs_and_updates_its_note(tmp_path: Path, existing: bool):
    upstream = make_repo(tmp_path / "upstream", {"README.md": "# Svc\n\nThe service.\n",
                                                 "tests/test_a.py": "def test():\n    pass\n"})
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(upstream), str(work)], check=True, capture_output=True)
    git(work, "checkout", "-q", "-b", "feature")
    commit(work, {".github/workflows/ci.yml": MATURE_CI}, "ci: add pipeline", "2025-10-02T12:00:00+00:00")
    _FakeGitLab.notes = [{"id": 5, "body": "LGTM"}] + ([{"id": 9, "body": COMMENT_MARKER + "\nold"}] if existing else [])
    _FakeGitLab.calls = []
    server = HTTPServer(("127.0.0.1", 0), _FakeGitLab)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        template = load("templates/gitlab/vana-audit.gitlab-ci.yml")
        setup = [line for line in template[".vana-audit"]["before_script"] if "mkdir" in line]
        script = "set -e\n" + "\n".join(setup + template["vana-audit:merge-request"]["script"])
        env = {"VANA_AUDIT_PATH": ".", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
               "CI_MERGE_REQUEST_DIFF_BASE_SHA": git(upstream, "rev-parse", "HEAD").strip(),
               "VANA_AUDIT_GITLAB_TOKEN": "glpat-test", "CI_PROJECT_ID": "12", "CI_MERGE_REQUEST_IID": "3",
               "CI_API_V4_URL": f"http://127.0.0.1:{server.server_port}/api/v4"}
        proc = bash(script, env, work)
    finally:
        server.shutdown()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (work / "vana-audit/scorecard.md").read_text().startswith(COMMENT_MARKER)
    assert json.loads((work / "vana-audit/scorecard.json").read_text())["regressed"] is False
    method, path, sent = _FakeGitLab.calls[-1]
    notes = "/api/v4/projects/12/merge_requests/3/notes"
    assert (method, path) == (("PUT", f"{notes}/9") if existing else ("POST", notes))
    assert sent and sent["body"].startswith(COMMENT_MARKER) and sent["token"] == "glpat-test"


# -- pre-commit -----------------------------------------------------------------------------------

def test_pre_commit_hook_definition_runs_the_gate(tmp_path: Path):
    (hook,) = load(".pre-commit-hooks.yaml")
    assert hook["id"] == "vana-audit" and hook["language"] == "python" and hook["pass_filenames"] is False
    assert_real_options(".pre-commit-hooks.yaml", vana_commands(hook["entry"]))
    argv = shlex.split(hook["entry"])
    assert argv[:2] == ["vana-audit", "scan"] and "--fail-under" in argv
    exe = str(BIN / "vana-audit")
    mature = build_mature_repo(tmp_path / "mature")
    bare = build_readme_only(tmp_path / "notes")
    assert subprocess.run([exe, *argv[1:]], cwd=mature, capture_output=True, check=False).returncode == 0
    failed = subprocess.run([exe, *argv[1:]], cwd=bare, capture_output=True, text=True, check=False)
    assert failed.returncode == 1 and "under --fail-under" in failed.stderr


def test_the_projects_pre_commit_config():
    config = load(".pre-commit-config.yaml")
    hooks = {h["id"] for repo in config["repos"] for h in repo["hooks"]}
    assert {"ruff", "gitleaks"} <= hooks
    local = [h for repo in config["repos"] if repo["repo"] == "local" for h in repo["hooks"]]
    assert_real_options(".pre-commit-config.yaml", [c for h in local for c in vana_commands(h["entry"])])


# -- example workflows ----------------------------------------------------------------------------

EXAMPLES = sorted(p.name for p in (ROOT / "examples/workflows").glob("*.yml"))


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_workflows_are_pinned_least_privilege_and_call_real_options(name: str):
    doc = load(f"examples/workflows/{name}")
    assert doc["permissions"] == {"contents": "read"}
    assert_pinned(name, doc, allowed=("<owner>/vana-audit@",))
    commands = [c for s in strings_in(doc) for c in vana_commands(s)]
    if name == "pr-scorecard.yml":
        step_ = next(s for job in doc["jobs"].values() for s in job["steps"] if "<owner>/vana-audit@" in s.get("uses", ""))
        assert step_["with"]["mode"] == "diff"
        assert set(step_["with"]) <= set(load("action.yml")["inputs"])
    else:
        assert_real_options(name, commands)


def test_examples_cover_the_three_uses():
    assert {"scheduled-audit.yml", "pr-scorecard.yml", "org-audit-matrix.yml"} <= set(EXAMPLES)
    nightly = load("examples/workflows/scheduled-audit.yml")
    assert "schedule" in triggers(nightly)
    text = (ROOT / "examples/workflows/scheduled-audit.yml").read_text()
    assert "--record" in text and "--backfill-tags" in text and "--image" in text


def test_org_matrix_commands_shard_and_merge_for_real(tmp_path: Path):
    doc = load("examples/workflows/org-audit-matrix.yml")
    shards = doc["jobs"]["audit"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(int(doc["env"]["SHARDS"])))
    assert doc["jobs"]["leaderboard"]["needs"] == "audit"
    audit_run = next(s["run"] for s in doc["jobs"]["audit"]["steps"] if "vana-audit batch" in s.get("run", ""))
    merge_run = next(s["run"] for s in doc["jobs"]["leaderboard"]["steps"] if "vana-audit merge" in s.get("run", ""))
    for i in range(3):
        make_repo(tmp_path / f"r{i}", {"README.md": f"# R{i}\n\nRepository {i}.\n"})
    (tmp_path / "repos.txt").write_text("r0\nr1\nr2\n")
    for shard in shards:
        proc = bash(audit_run, {"SHARD": str(shard), "SHARDS": str(len(shards))}, tmp_path)
        assert proc.returncode == 0, proc.stderr
    (tmp_path / "shards").mkdir()
    for shard in shards:  # what download-artifact with merge-multiple leaves
        (tmp_path / "out" / f"shard-{shard}").rename(tmp_path / "shards" / f"shard-{shard}")
    proc = bash(merge_run, {"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}, tmp_path)
    assert proc.returncode == 0, proc.stderr
    board = json.loads((tmp_path / "leaderboard/leaderboard.json").read_text())
    assert board["summary"]["audited"] == 3 and board["missing_shards"] == []
    assert "## Weakest categories" in (tmp_path / "summary.md").read_text()


# -- Kubernetes -----------------------------------------------------------------------------------

def test_kubernetes_indexed_job_shards_by_completion_index(tmp_path: Path):
    docs = list(yaml.safe_load_all((ROOT / "deploy/kubernetes/batch-indexed-job.yaml").read_text()))
    kinds = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    job = kinds[("Job", "vana-audit-shards")]
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed" and spec["completions"] == spec["parallelism"]
    container = spec["template"]["spec"]["containers"][0]
    command = " ".join(container["args"])
    assert f'--shard "${{JOB_COMPLETION_INDEX}}/{spec["completions"]}"' in command
    assert container["resources"]["limits"] and container["resources"]["requests"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert spec["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    merge = kinds[("Job", "vana-audit-merge")]
    assert merge["metadata"]["labels"]["vana-audit/step"] == "merge"
    assert all(d["metadata"]["labels"]["vana-audit/step"] == "shard" for d in docs if d is not merge)
    merge_command = " ".join(merge["spec"]["template"]["spec"]["containers"][0]["args"])
    assert_real_options("kubernetes", vana_commands(command) + vana_commands(merge_command))
    # Run each pod's vana-audit command as the pod would, with the cluster paths mapped here.
    for i in range(2):
        make_repo(tmp_path / "repos" / f"svc{i}", {"README.md": f"# Svc{i}\n\nA service.\n"})
    (tmp_path / "config").mkdir()
    (tmp_path / "config/repos.txt").write_text("# test list\n" + "".join(f"{tmp_path}/repos/svc{i}\n" for i in range(2)))

    def local(cmd: str) -> str:
        cmd = cmd.split("exec ", 1)[1].replace("/work/venv/bin/vana-audit", str(BIN / "vana-audit"))
        return cmd.replace("/config/", f"{tmp_path}/config/").replace("/audit/", f"{tmp_path}/audit/")

    for index in range(spec["completions"]):
        proc = bash(local(command), {"JOB_COMPLETION_INDEX": str(index)}, tmp_path)
        assert proc.returncode == 0, proc.stderr
    proc = bash(local(merge_command), {}, tmp_path)
    assert proc.returncode == 0, proc.stderr
    board = json.loads((tmp_path / "audit/merged/leaderboard.json").read_text())
    assert board["summary"]["audited"] == 2 and board["missing_shards"] == []
    assert len(board["shards"]) == spec["completions"]


# -- the project's own workflows ------------------------------------------------------------------

def test_project_ci_runs_tests_lint_and_types_on_push_and_pr_with_pinned_actions():
    ci = load(".github/workflows/ci.yml")
    on = triggers(ci)
    assert "push" in on and "pull_request" in on
    assert ci["permissions"] == {"contents": "read"}
    assert_pinned("ci.yml", ci)
    text = (ROOT / ".github/workflows/ci.yml").read_text()
    for needed in ("python -m pytest", "ruff check", "mypy vana_audit", "--cov-fail-under", "pre-commit run"):
        assert needed in text
    assert_real_options("ci.yml", [c for s in strings_in(ci) for c in vana_commands(s)])
    for name, job in ci["jobs"].items():
        for level in (job.get("permissions") or {}).values():
            assert level in ("read", "write", "none"), name
    scorecard = ci["jobs"]["scorecard"]
    assert any(s.get("uses") == "./" and s["with"]["mode"] == "diff" for s in scorecard["steps"])


def test_release_builds_once_attests_and_publishes_by_trusted_publishing():
    release = load(".github/workflows/release.yml")
    assert triggers(release) == {"push": {"tags": ["v*"]}}
    assert release["permissions"] == {"contents": "read"}
    assert_pinned("release.yml", release)
    jobs = release["jobs"]
    assert jobs["provenance"]["permissions"]["id-token"] == "write"
    assert any("attest-build-provenance" in s.get("uses", "") for s in jobs["provenance"]["steps"])
    publish = jobs["publish-pypi"]
    assert publish["permissions"]["id-token"] == "write" and publish["environment"]["name"] == "pypi"
    assert "password" not in json.dumps(publish), "trusted publishing: no stored token"
    assert set(publish["needs"]) == {"build", "provenance"}


def test_dependabot_covers_pip_and_actions():
    ecosystems = {u["package-ecosystem"] for u in load(".github/dependabot.yml")["updates"]}
    assert {"pip", "github-actions"} <= ecosystems


def test_documentation_names_every_integration():
    doc = (ROOT / "docs/integrations.md").read_text()
    for path in ("action.yml", "templates/gitlab/vana-audit.gitlab-ci.yml", ".pre-commit-hooks.yaml",
                 "examples/workflows/scheduled-audit.yml", "examples/workflows/pr-scorecard.yml",
                 "examples/workflows/org-audit-matrix.yml", "deploy/kubernetes/batch-indexed-job.yaml"):
        assert path in doc and (ROOT / path).exists(), path
    assert_real_options("docs/integrations.md", vana_commands(doc))
