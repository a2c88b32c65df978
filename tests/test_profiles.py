"""Profiles: what kind of repository this is, inferred from evidence with reasons, overridable in
configuration; rules declare the profiles they apply to, so a library is not failed for having no
Kubernetes manifests or deploy pipeline and a Terraform module is judged as a module."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.gitrepo import write_files
from tests.rulekit import facts_for, rules_by_id
from vana_audit import scan as scan_module
from vana_audit.model import Outcome

PYPROJECT_LIB = "[project]\nname = \"acme-client\"\nversion = \"1.0.0\"\ndependencies = [\"httpx\"]\n"
RELEASE_WORKFLOW = ("name: Release\non:\n  release:\n    types: [published]\njobs:\n  publish:\n    runs-on: ubuntu-latest\n"
                    "    steps:\n      - run: uv build\n      - uses: pypa/gh-action-pypi-publish@release/v1\n")
DEPLOYMENT = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n"
              "      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.0.0\n")

LIBRARY = {"pyproject.toml": PYPROJECT_LIB, "src/acme_client/__init__.py": "def get():\n    return 1\n",
           "tests/test_client.py": "def test_get():\n    assert True\n", ".github/workflows/release.yml": RELEASE_WORKFLOW,
           "README.md": "# acme-client\n"}
SERVICE = {"pyproject.toml": "[project]\nname = \"api\"\nversion = \"0.1.0\"\ndependencies = [\"fastapi\"]\n",
           "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get('/health')\ndef health():\n    return {}\n",
           "Dockerfile": "FROM python:3.12-slim\nUSER 10001\n"}
TF_MODULE = {"main.tf": 'resource "google_cloud_run_v2_service" "this" {\n  name = var.name\n}\n',
             "variables.tf": 'variable "name" {\n  type        = string\n  description = "Name."\n}\n',
             "outputs.tf": 'output "url" {\n  value = google_cloud_run_v2_service.this.uri\n}\n',
             "versions.tf": 'terraform {\n  required_version = ">= 1.6"\n  required_providers {\n'
                            '    google = { source = "hashicorp/google", version = ">= 6.0" }\n  }\n}\n',
             "examples/basic/main.tf": 'provider "google" {}\nmodule "svc" {\n  source = "../.."\n  name = "x"\n}\n',
             "README.md": "# terraform-google-service\n"}
HELM_REPO = {"charts/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n",
             "charts/api/values.yaml": "replicaCount: 2\n",
             "charts/api/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"}
MONOREPO = {"pnpm-workspace.yaml": "packages: ['apps/*', 'packages/*']\n",
            "apps/web/package.json": '{"name": "web", "private": true, "dependencies": {"next": "15.0.0"}}\n',
            "apps/api/package.json": '{"name": "api", "private": true, "dependencies": {"express": "5.0.0"}}\n',
            "packages/ui/package.json": '{"name": "@acme/ui", "main": "index.js"}\n'}


@pytest.mark.parametrize(("files", "profile", "reason"), [
    (SERVICE, "service", "health endpoint in app/main.py:4"),
    ({**SERVICE, "k8s/deployment.yaml": DEPLOYMENT}, "service", "Kubernetes Deployment in k8s/deployment.yaml"),
    ({"app.py": "print('hi')\n", "fly.toml": "app = 'acme'\n"}, "service", "fly configuration fly.toml"),
    (LIBRARY, "library", "publishes a package in .github/workflows/release.yml"),
    ({"package.json": '{"name": "left-pad", "version": "1.0.0", "main": "index.js"}\n', "index.js": "module.exports = 1;\n"},
     "library", "a package manifest (package.json)"),
    ({"go.mod": "module github.com/acme/retry\n", "retry.go": "package retry\n"}, "library", "a package manifest (go.mod)"),
    (TF_MODULE, "infrastructure", "a reusable Terraform module"),
    ({"environments/production/main.tf": 'provider "google" {}\nterraform {\n  backend "gcs" {}\n}\n',
      "environments/staging/main.tf": 'provider "google" {}\n', "scripts/plan.sh": "terraform plan\n"},
     "infrastructure", "infrastructure code (2 terraform file(s)) and no application code"),
    (HELM_REPO, "infrastructure", "Helm chart(s): charts/api/Chart.yaml"),
    (MONOREPO, "monorepo", "3 packages with their own manifests (apps/api, apps/web, packages/ui); workspace file pnpm-workspace.yaml"),
    ({"README.md": "# notes\n"}, "service", "judged as a service, the profile with the most rules"),
])
def test_the_profile_is_inferred_with_a_reason_naming_its_evidence(tmp_path, files, profile, reason):
    facts = facts_for(tmp_path / "repo", files)
    assert facts.profile == profile, facts.profile_reasons
    assert any(reason in r for r in facts.profile_reasons), facts.profile_reasons


def test_a_library_with_a_dev_container_and_example_manifests_is_still_a_library(tmp_path):
    files = {**LIBRARY, ".devcontainer/Dockerfile": "FROM mcr.microsoft.com/devcontainers/python:3.12\n",
             "examples/kubernetes/deployment.yaml": DEPLOYMENT, "docker-compose.test.yml": "services:\n  db:\n    image: postgres:16\n"}
    facts = facts_for(tmp_path / "repo", files)
    assert facts.profile == "library", facts.profile_reasons
    assert any("examples" in r and "not counted" in r for r in facts.profile_reasons)


def test_an_application_with_a_release_workflow_and_a_deploy_job_is_a_service(tmp_path):
    deploy = ("name: Deploy\non:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
              "    environment: production\n    steps:\n      - run: gcloud run deploy api --source .\n")
    facts = facts_for(tmp_path / "repo", {**LIBRARY, ".github/workflows/deploy.yml": deploy})
    assert facts.profile == "service"
    assert any("deploy job 'deploy' in .github/workflows/deploy.yml" in r for r in facts.profile_reasons)


def _scan(root: Path, files: dict[str, str]):
    write_files(root, files)
    return scan_module.scan(root, rules=list(rules_by_id().values()), now="2025-10-20T12:00:00Z")


def test_the_configured_profile_wins_and_says_so(tmp_path):
    result = _scan(tmp_path / "repo", {**SERVICE, ".vana-audit.yml": "profile: library\n"})
    assert result.profile["name"] == "library"
    assert result.profile["reasons"] == ["set in configuration: profile: library"]


def test_a_library_is_not_judged_on_deployment_kubernetes_or_operations(tmp_path):
    result = _scan(tmp_path / "repo", LIBRARY)
    assert result.profile["name"] == "library"
    not_for_libraries = [f for f in result.findings if "library" not in f.rule.profiles]
    assert not_for_libraries, "the catalog has rules that do not apply to libraries"
    assert all(f.outcome is Outcome.NOT_APPLICABLE for f in not_for_libraries), \
        [(f.rule_id, f.outcome.value) for f in not_for_libraries if f.outcome is not Outcome.NOT_APPLICABLE]
    for rule_id in ("IAC-001", "IAC-002", "DOC-005", "DOC-008", "MON-001", "MON-007"):
        assert result.finding(rule_id).outcome is Outcome.NOT_APPLICABLE, rule_id
    for rule_id in ("DOC-012", "DOC-020"):  # what a library is asked for instead
        assert result.finding(rule_id).outcome is Outcome.FAIL, rule_id


def test_a_terraform_module_is_judged_as_a_module(tmp_path):
    result = _scan(tmp_path / "repo", TF_MODULE)
    assert result.profile["name"] == "infrastructure"
    outcome = {f.rule_id: f.outcome for f in result.findings}
    assert outcome["IAC-005"] is Outcome.NOT_APPLICABLE, "a module must not configure a backend"
    assert outcome["IAC-010"] is Outcome.NOT_APPLICABLE, "environments belong to the callers"
    assert outcome["IAC-007"] is Outcome.PASS, "constraints without a lock file are right for a module"
    assert outcome["IAC-023"] is Outcome.PASS, "main/variables/outputs/README/examples are in place"
    assert outcome["IAC-002"] is Outcome.PASS
    assert outcome["DOC-005"] is Outcome.NOT_APPLICABLE
    assert all(outcome[r.meta.id] is Outcome.NOT_APPLICABLE for r in rules_by_id().values() if r.meta.id.startswith("MON-"))


def test_the_scan_result_shows_the_profile_its_reasons_and_the_exclusions(tmp_path):
    result = _scan(tmp_path / "repo", {**LIBRARY, "tests/fixtures/infra/main.tf": 'resource "x" "y" {}\n'})
    profile = result.profile
    assert profile["name"] == "library"
    assert profile["reasons"][0].startswith("publishes a package in .github/workflows/release.yml")
    assert "**/fixtures/**" in profile["excluded_patterns"]
    assert profile["excluded_files"] == 1
    assert profile["excluded"] == [{"path": "tests/fixtures", "files": 1}]
