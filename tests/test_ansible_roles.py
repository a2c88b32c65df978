"""An Ansible role repository (geerlingguy/ansible-role-docker, holdout 2): the role at the root is
infrastructure code, and its Molecule scenarios are tests that CI runs (`molecule test`)."""
from __future__ import annotations

from pathlib import Path

from tests.rulekit import check, evaluate
from vana_audit.collectors import classify_test_files
from vana_audit.collectors.iac import detect_iac_tools

ROLE = {
    "tasks/main.yml": "- name: Install Docker\n  ansible.builtin.package:\n    name: docker-ce\n",
    "meta/main.yml": "galaxy_info:\n  role_name: docker\n",
    "defaults/main.yml": "docker_edition: ce\n",
    "molecule/default/molecule.yml": "driver:\n  name: docker\n",
    "molecule/default/converge.yml": "- hosts: all\n  roles:\n    - role: geerlingguy.docker\n",
    "molecule/default/verify.yml": "- hosts: all\n  tasks: []\n",
    ".github/workflows/ci.yml": ("on: pull_request\njobs:\n  molecule:\n    runs-on: ubuntu-latest\n    steps:\n"
                                "      - run: pip3 install ansible molecule\n      - run: molecule test\n"),
}


def test_a_role_at_the_root_is_ansible_and_its_scenarios_are_tests() -> None:
    files = list(ROLE)
    assert detect_iac_tools(files).get("ansible") == ["tasks/main.yml"]
    assert classify_test_files(files)["integration"] == [
        "molecule/default/molecule.yml", "molecule/default/converge.yml", "molecule/default/verify.yml"]
    assert "ansible" not in detect_iac_tools(["tasks/main.yml", "src/app.py"]), "tasks/ alone is no role"


def test_molecule_tests_exist_and_run_in_ci(tmp_path: Path) -> None:
    check(evaluate(tmp_path / "a", ROLE, "TST-001"), "pass", "molecule/default/converge.yml")
    check(evaluate(tmp_path / "b", ROLE, "TST-002"), "pass", ".github/workflows/ci.yml")


def test_a_role_is_a_reusable_module_without_environments_or_runbooks(tmp_path: Path) -> None:
    """Its users' playbooks have the environments and run it; the role has nothing to operate."""
    check(evaluate(tmp_path / "a", ROLE, "IAC-010", profile="infrastructure"), "na", None)
    check(evaluate(tmp_path / "b", ROLE, "DOC-008", profile="infrastructure"), "na", None)
