"""The integrations install vana-audit for real, and never from a package index (issue 14, item 7).

vana-audit is not on PyPI, so `pip install "vana-audit==0.1.0"` fails (or installs whatever someone
publishes under the name). Each integration's own install command is run here against a copy of
this checkout: the action from its checkout (`$GITHUB_ACTION_PATH`), the GitLab template and the
Kubernetes Jobs from a git URL at a pinned commit (a `file://` clone standing in for GitHub). No
package index holds vana-audit, so an install that works here came from the checkout. Dependencies
are left out (`PIP_NO_DEPS`): they are ordinary packages, and skipping them keeps this fast.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.fixtures.gitrepo import git

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SPEC = "vana-audit @ git+https://github.com/<owner>/vana-audit@<commit-sha>"
INTEGRATIONS = ("action.yml", ".pre-commit-hooks.yaml", "templates/gitlab/vana-audit.gitlab-ci.yml",
                "deploy/kubernetes/batch-indexed-job.yaml", "examples/workflows/scheduled-audit.yml",
                "examples/workflows/org-audit-matrix.yml", "examples/workflows/pr-scorecard.yml",
                "docs/integrations.md", "README.md", "CONTRIBUTING.md", "Makefile")
# `pip install` of the bare name or a version of it: what asks a package index for vana-audit.
FROM_INDEX = re.compile(r"pip3?\s+install\b[^\n;&|`]*?(?<![\w/@.+-])[\"']?vana-audit(?:\[[\w,]+\])?"
                        r"(?:[=<>~!]=?[^\s\"']*)?[\"']?(?=\s|$)(?!\s+@)")


def _shell(script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    full = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "PIP_NO_DEPS": "1", **env}
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=full, capture_output=True, text=True, timeout=300,
                          check=False)


def test_no_integration_asks_a_package_index_for_vana_audit():
    for name in INTEGRATIONS:
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "vana-audit==" not in text, f"{name} pins a PyPI version of a package that is not on PyPI"
        assert not FROM_INDEX.search(text), f"{name}: {FROM_INDEX.search(text).group()}"  # type: ignore[union-attr]


def test_the_pinned_git_spec_is_the_same_everywhere():
    template = yaml.safe_load((ROOT / "templates/gitlab/vana-audit.gitlab-ci.yml").read_text())
    specs = {"gitlab": template["variables"]["VANA_AUDIT_PIP_SPEC"]}
    for name in ("scheduled-audit.yml", "org-audit-matrix.yml"):
        doc = yaml.safe_load((ROOT / "examples/workflows" / name).read_text())
        specs[name] = doc["env"]["VANA_AUDIT_PIP_SPEC"]
        runs = [s["run"] for job in doc["jobs"].values() for s in job["steps"] if "pip install" in s.get("run", "")]
        assert runs and all('"$VANA_AUDIT_PIP_SPEC"' in r for r in runs), name
    for job in yaml.safe_load_all((ROOT / "deploy/kubernetes/batch-indexed-job.yaml").read_text()):
        if job["kind"] == "Job":
            container = job["spec"]["template"]["spec"]["containers"][0]
            specs[job["metadata"]["name"]] = {e["name"]: e["value"] for e in container["env"]}["VANA_AUDIT_PIP_SPEC"]
            assert '"$VANA_AUDIT_PIP_SPEC"' in " ".join(container["args"])
    assert set(specs.values()) == {SPEC}, specs
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert "vana-audit-version" not in action["inputs"], "no input installs from PyPI"
    docs = (ROOT / "docs/integrations.md").read_text()
    assert "## Installing vana-audit" in docs and "`<owner>`" in docs and "`<commit-sha>`" in docs


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This checkout's files as a repository of their own: what `uses:` or a git URL would fetch."""
    dest = tmp_path_factory.mktemp("checkout") / "vana-audit"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = ROOT / rel
        if source.is_file() and not source.is_symlink() and not rel.startswith("reports/"):
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "checkout", date="2025-10-01T12:00:00+00:00")
    return dest, git(dest, "rev-parse", "HEAD").strip()


def _installed(venv: Path) -> dict:
    code = ("import importlib.metadata as m, json; d = m.distribution('vana-audit'); "
            "print(json.dumps({'version': d.version, 'direct_url': json.loads(d.read_text('direct_url.json') or 'null')}))")
    # run outside any checkout: a `vana_audit.egg-info` in the working directory would be found first
    out = subprocess.run([str(venv / "bin/python"), "-c", code], capture_output=True, text=True, check=True,
                         cwd=venv).stdout
    return json.loads(out)


@pytest.fixture(scope="module")
def action_venv(checkout: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The action's install step, run as the runner would: RUNNER_TEMP, GITHUB_ACTION_PATH, GITHUB_PATH."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    script = next(s for s in action["runs"]["steps"] if s.get("name") == "Install vana-audit")["run"]
    runner_temp = tmp_path_factory.mktemp("runner")
    proc = _shell(script, {"RUNNER_TEMP": str(runner_temp), "GITHUB_ACTION_PATH": str(checkout[0]),
                           "GITHUB_PATH": str(runner_temp / "github_path")}, runner_temp)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return runner_temp / "vana-audit-venv", runner_temp


def test_the_action_installs_from_its_own_checkout(action_venv, checkout):
    venv, runner_temp = action_venv
    assert (runner_temp / "github_path").read_text().strip() == str(venv / "bin"), "the next steps find vana-audit"
    assert (venv / "bin/vana-audit").exists()
    installed = _installed(venv)
    assert installed["version"] == "0.1.0"
    assert installed["direct_url"]["url"] == checkout[0].as_uri(), "installed from the action's checkout"


def _install_with_spec(command: str, venv: Path, venv_in_command: str, checkout: tuple[Path, str], cwd: Path):
    subprocess.run([str(venv / "bin/python"), "-m", "pip", "uninstall", "-q", "-y", "vana-audit"], check=True)
    # pip reads `git+file:///…` as no URL at all; `file://localhost/…` is the same place
    local = "file://localhost" + str(checkout[0])
    spec = SPEC.replace("https://github.com/<owner>/vana-audit", local).replace("<commit-sha>", checkout[1])
    proc = _shell(command.replace(venv_in_command, str(venv)), {"VANA_AUDIT_PIP_SPEC": spec}, cwd)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    installed = _installed(venv)
    assert installed["version"] == "0.1.0"
    assert installed["direct_url"]["url"] in (checkout[0].as_uri(), local)
    assert installed["direct_url"]["vcs_info"]["commit_id"] == checkout[1], "the pinned commit"


def test_the_gitlab_template_installs_from_a_pinned_git_commit(action_venv, checkout, tmp_path: Path):
    template = yaml.safe_load((ROOT / "templates/gitlab/vana-audit.gitlab-ci.yml").read_text())
    before = template[".vana-audit"]["before_script"]
    guard = next(line for line in before if "case" in line)
    refused = _shell(guard, {"VANA_AUDIT_PIP_SPEC": template["variables"]["VANA_AUDIT_PIP_SPEC"]}, tmp_path)
    assert refused.returncode == 2 and "Set VANA_AUDIT_PIP_SPEC" in refused.stdout, "placeholders are refused"
    install = next(line for line in before if "pip install" in line)
    _install_with_spec(f"{guard}\n{install}", action_venv[0], "/tmp/vana-audit-venv", checkout, tmp_path)


def test_the_kubernetes_jobs_install_from_a_pinned_git_commit(action_venv, checkout, tmp_path: Path):
    for job in yaml.safe_load_all((ROOT / "deploy/kubernetes/batch-indexed-job.yaml").read_text()):
        if job["kind"] != "Job":
            continue
        args = " ".join(job["spec"]["template"]["spec"]["containers"][0]["args"])
        install = next(part for part in args.split(";") if "pip install" in part)
        _install_with_spec(install, action_venv[0], "/work/venv", checkout, tmp_path)
