"""Where `vana-audit fix` finds a repository's own commands: tox (generative env names), nox sessions,
pyproject tools, Makefile prerequisites. Each case checks the commands of the generated CI job."""
from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import FIXED_NOW
from tests.fixtures.gitrepo import make_repo
from vana_audit.fix import plan_fixes
from vana_audit.fix.context import _expand, _nox_sessions, _tox_envs

BASE = {"README.md": "# pkg\n", "src/pkg/__init__.py": "", "tests/test_pkg.py": "def test_x():\n    assert True\n"}


def _job(repo: Path, job_id: str) -> dict:  # type: ignore[type-arg]
    plan = plan_fixes(repo, rule_ids=["TST-002"], now=FIXED_NOW)
    ci = next(c for c in plan.changes if c.path == ".github/workflows/ci.yml")
    return yaml.safe_load(ci.new)["jobs"][job_id]  # type: ignore[no-any-return]


def _runs(job: dict) -> list[str]:  # type: ignore[type-arg]
    return [s["run"] for s in job["steps"] if "run" in s]


def test_tox_generative_names_expand() -> None:
    assert _expand("3.1{0-2}-{tests,mypy}") == ["3.10-tests", "3.10-mypy", "3.11-tests", "3.11-mypy",
                                                 "3.12-tests", "3.12-mypy"]
    ini = "[tox]\nenv_list =\n    lint,\n    py3{11,12}\n\n[testenv:lint]\ncommands = ruff check .\n"
    assert _tox_envs(ini) == ["lint", "py311", "py312"]


def test_tox_runs_the_default_pythons_test_env(tmp_path: Path) -> None:
    ini = ("[tox]\nenv_list =\n    pre-commit,\n    3.1{1-3}-{tests,mypy}\n    typing-{mypy,pyright}\n\n"
           "[testenv]\ncommands = pytest\n")
    repo = make_repo(tmp_path / "r", {**BASE, "tox.ini": ini, ".python-version-default": "3.12\n",
                                      "pyproject.toml": "[project]\nname = \"pkg\"\nversion = \"1\"\n"})
    job = _job(repo, "python")
    assert _runs(job) == ["python -m pip install tox", "tox -e pre-commit", "tox -e typing-mypy", "tox -e 3.12-tests"]
    setup = next(s for s in job["steps"] if "setup-python" in s.get("uses", ""))
    assert setup["with"]["python-version"] == "3.12"


def test_nox_sessions(tmp_path: Path) -> None:
    noxfile = ("import nox\n\n@nox.session\ndef lint(session):\n    session.run('ruff', 'check')\n\n"
               "@nox.session(name='tests', python=['3.12'])\ndef run_tests(session):\n    session.run('pytest')\n")
    assert _nox_sessions(noxfile) == ["lint", "tests"]
    repo = make_repo(tmp_path / "r", {**BASE, "noxfile.py": noxfile,
                                      "pyproject.toml": "[project]\nname = \"pkg\"\nversion = \"1\"\n"})
    assert _runs(_job(repo, "python")) == ["python -m pip install nox", "nox -s lint", "nox -s tests"]


def test_pyproject_tools_with_uv(tmp_path: Path) -> None:
    pyproject = ("[project]\nname = \"pkg\"\nversion = \"1\"\n\n[tool.ruff]\nline-length = 100\n\n"
                 "[tool.mypy]\nfiles = [\"src\"]\n\n[tool.pytest.ini_options]\ntestpaths = [\"tests\"]\n")
    repo = make_repo(tmp_path / "r", {**BASE, "pyproject.toml": pyproject, "uv.lock": "version = 1\n"})
    assert _runs(_job(repo, "python")) == ["uv sync --frozen", "uv run ruff check .", "uv run mypy", "uv run pytest"]


def test_a_lint_target_the_test_target_depends_on_runs_once(tmp_path: Path) -> None:
    makefile = "test: tidy vet\n\tgo test ./...\n\nvet:\n\tgo vet ./...\n\ntidy:\n\tgo mod tidy\n"
    repo = make_repo(tmp_path / "r", {"README.md": "# api\n", "go.mod": "module example.com/api\n\ngo 1.22\n",
                                      "Makefile": makefile, "api.go": "package api\n",
                                      "api_test.go": "package api\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) {}\n"})
    assert _runs(_job(repo, "go")) == ["make test"]


def test_no_command_found_writes_no_workflow(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {**BASE, "pyproject.toml": "[project]\nname = \"pkg\"\nversion = \"1\"\n"})
    plan = plan_fixes(repo, rule_ids=["TST-002"], now=FIXED_NOW)
    assert not [c for c in plan.changes if c.path.startswith(".github/workflows/")]
    assert any("no test, lint or type-check command" in m for m in plan.messages)
