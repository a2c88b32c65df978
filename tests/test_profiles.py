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
     "library", "a publishable package manifest (package.json)"),
    ({"go.mod": "module github.com/acme/retry\n", "retry.go": "package retry\n"}, "library",
     "a Go module with no main package (go.mod)"),
    ({"setup.py": "from setuptools import setup\nsetup(name='libvirt-python')\n", "libvirt.py": "def open():\n    pass\n"},
     "library", "a publishable package manifest (setup.py)"),
    # a CI build image (GNOME's .gitlab-ci/Dockerfile) is no runtime: pygobject is a library
    ({"pyproject.toml": PYPROJECT_LIB, "src/acme_client/__init__.py": "def get():\n    return 1\n",
      ".gitlab-ci/Dockerfile": "FROM fedora:40\nRUN dnf install -y gcc\n"}, "library",
     "a publishable package manifest (pyproject.toml)"),
    # an Android application of many Gradle modules (nowinandroid) is no library: there is no mobile
    # profile yet, and server rules (deploys, alerts, SLOs) do not fit an app store release, so: unknown
    ({**{f"core/m{i}/build.gradle.kts": "plugins {\n  id(\"nia.android.library\")\n}\n" for i in range(6)},
      "app/build.gradle.kts": "plugins {\n  id(\"nia.android.application\")\n}\n",
      "app/src/main/kotlin/MainActivity.kt": "class MainActivity\n"},
     "unknown", "too little evidence: library (weight 1): a gradle build with no web framework"),
    (TF_MODULE, "infrastructure", "a reusable Terraform module"),
    ({"environments/production/main.tf": 'provider "google" {}\nterraform {\n  backend "gcs" {}\n}\n',
      "environments/staging/main.tf": 'provider "google" {}\n', "scripts/plan.sh": "terraform plan\n"},
     "infrastructure", "infrastructure code (2 terraform file(s)) and no application code"),
    (HELM_REPO, "infrastructure", "Helm chart(s): charts/api/Chart.yaml"),
    # Alamofire: a Swift package and a pod; the watchOS app in "watchOS Example/" is a demo, not the product
    ({"Package.swift": 'let package = Package(name: "Alamofire", products: [.library(name: "Alamofire", targets: ["Alamofire"])])\n',
      "Alamofire.podspec": "Pod::Spec.new do |s|\n  s.name = 'Alamofire'\nend\n", "Source/Core/Session.swift": "class Session {}\n",
      "watchOS Example/watchOS Example.xcodeproj/project.pbxproj":
          "productType = \"com.apple.product-type.application\";\nSDKROOT = watchos;\n"},
     "library", "a Swift package that vends a library (Package.swift)"),
    # nlohmann/json: a CMake INTERFACE library, no package manifest of a language registry
    ({"CMakeLists.txt": "project(nlohmann_json LANGUAGES CXX)\nadd_library(${TARGET} INTERFACE)\n"
                        "add_library(${PROJECT_NAME}::${TARGET} ALIAS ${TARGET})\n",
      "include/nlohmann/json.hpp": "namespace nlohmann {}\n"},
     "library", "a CMake project that builds a library (CMakeLists.txt)"),
    # kamal: a gem with an executable, packaged as an image whose entrypoint is that command (no port)
    ({"kamal.gemspec": "Gem::Specification.new do |spec|\n  spec.name = 'kamal'\n  spec.executables = %w[ kamal ]\nend\n",
      "lib/kamal.rb": "module Kamal; end\n",
      "Dockerfile": 'FROM ruby:3.4-alpine\nCOPY . .\nRUN gem build kamal.gemspec\nENTRYPOINT ["kamal"]\n'},
     "cli", "gem executables (%w[ kamal ]) in kamal.gemspec"),
    # sidekiq: a library that ships its runner as a gem executable stays a library
    ({"sidekiq.gemspec": "Gem::Specification.new do |gem|\n  gem.executables = [\"sidekiq\", \"sidekiqmon\"]\nend\n",
      "lib/sidekiq.rb": "module Sidekiq; end\n"},
     "library", "a gem specification (sidekiq.gemspec)"),
    # lldap: a Cargo workspace of internal crates, admin tools and one actix-web server run by the top-level image
    ({"Cargo.toml": '[workspace]\nmembers = ["server", "crates/*", "set-password"]\n',
      "server/Cargo.toml": '[package]\nname = "lldap"\n[dependencies.actix-web]\nversion = "4"\n',
      "server/src/main.rs": "fn main() {}\n",
      "crates/auth/Cargo.toml": '[package]\nname = "lldap_auth"\n', "crates/auth/src/lib.rs": "pub fn f() {}\n",
      "set-password/Cargo.toml": '[package]\nname = "set-password"\n', "set-password/src/main.rs": "fn main() {}\n",
      "Dockerfile": 'FROM debian:bookworm-slim\nCOPY lldap /app/\nEXPOSE 17170\nCMD ["/app/lldap", "run"]\n'},
     "service", "a service built from its workspace: the other parts are libraries and tools"),
    # argo-helm: charts, one of which renders Argo CD Applications, another ships CRDs in files/
    ({**HELM_REPO, "charts/apps/Chart.yaml": "apiVersion: v2\nname: argocd-apps\nversion: 1.0.0\n",
      "charts/apps/templates/applications.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\n"
                                                 "metadata:\n  name: {{ .Release.Name }}\n",
      "charts/api/files/crds/widgets.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
                                            "metadata:\n  name: widgets.acme.io\n"},
     "infrastructure", "a chart repository"),
    # serde: library crates and a test_suite crate of tests
    ({"Cargo.toml": '[workspace]\nmembers = ["serde", "serde_derive", "test_suite"]\n',
      "serde/Cargo.toml": '[package]\nname = "serde"\n', "serde/src/lib.rs": "pub trait Serialize {}\n",
      "serde_derive/Cargo.toml": '[package]\nname = "serde_derive"\n', "serde_derive/src/lib.rs": "pub fn f() {}\n",
      "test_suite/Cargo.toml": '[package]\nname = "test_suite"\n', "test_suite/src/main.rs": "fn main() {}\n"},
     "library", "a workspace whose members are all library"),
    # docker-library/python: a Dockerfile per version and variant, no program of its own
    ({f"3.{v}/{d}/Dockerfile": 'FROM debian:bookworm\nRUN apt-get install -y python3\nCMD ["python3"]\n'
      for v in (12, 13) for d in ("bookworm", "slim-bookworm")},
     "infrastructure", "4 image definitions and no application code"),
    # maybe: a Rails app with Hotwire renders pages of its own; a Rails API is a service
    ({"Gemfile": 'source "https://rubygems.org"\ngem "rails", "~> 7.2"\ngem "turbo-rails"\ngem "importmap-rails"\n',
      "app/controllers/accounts_controller.rb": "class AccountsController < ApplicationController\nend\n"},
     "web-app", 'web framework gem "rails" with its own UI (turbo-rails) in Gemfile'),
    ({"Gemfile": 'source "https://rubygems.org"\ngem "rails", "~> 7.2"\ngem "jbuilder"\n',
      "app/controllers/accounts_controller.rb": "class AccountsController < ActionController::API\nend\n"},
     "service", 'web framework gem "rails" in Gemfile'),
    # hexpm: a Phoenix application served by Bandit
    ({"mix.exs": "defmodule Hexpm.MixProject do\n  defp deps() do\n    [\n      {:phoenix, \"~> 1.7\"},\n"
                 "      {:bandit, \"~> 1.0\"}\n    ]\n  end\nend\n",
      "lib/hexpm_web/router.ex": "defmodule HexpmWeb.Router do\nend\n"},
     "service", "web framework phoenix in mix.exs"),
    # a Terragrunt live repository: terragrunt.hcl per environment and component, no .tf of its own
    ({"root.hcl": 'remote_state {\n  backend = "s3"\n}\n', "prod/env.hcl": 'locals {\n  env = "prod"\n}\n',
      "prod/mysql/terragrunt.hcl": 'terraform {\n  source = "git::https://github.com/acme/modules.git//mysql?ref=v1"\n}\n'},
     "infrastructure", "infrastructure code (1 terragrunt file(s)) and no application code"),
    # tldr: pages of content in folders of their own, a little tooling beside them, no site generator
    ({**{f"pages/common/tool{i}.md": f"# tool{i}\n\n> Does things.\n" for i in range(60)},
      "package.json": '{"name": "pages", "private": true, "scripts": {"test": "bash scripts/test.sh"}}\n',
      "scripts/build-index.js": "console.log('{}');\n", "scripts/test.sh": "markdownlint pages\n"},
     "docs", "60 content pages and 0 source files of code: a content repository"),
    (MONOREPO, "monorepo", "3 members (pnpm-workspace.yaml): apps/api (service), apps/web (web-app), packages/ui (library)"),
    # create-t3-turbo: front ends (Next.js, Expo) and the private packages they import
    ({"pnpm-workspace.yaml": "packages: ['apps/*', 'packages/*']\n",
      "apps/nextjs/package.json": '{"name": "nextjs", "private": true, "dependencies": {"next": "15.0.0"}}\n',
      "apps/expo/package.json": '{"name": "expo", "private": true, "dependencies": {"expo": "~54.0.0"}}\n',
      "packages/api/package.json": '{"name": "@acme/api", "private": true, "exports": {".": "./src/index.ts"}}\n'},
     "monorepo", "3 members (pnpm-workspace.yaml): apps/expo (web-app), apps/nextjs (web-app), packages/api (library)"),
    ({"README.md": "# notes\n"}, "unknown", "no evidence that says what this repository is"),
    # .NET projects by SDK and output type; JVM plugins and libraries by packaging and Gradle plugin
    ({"src/Mediator/Mediator.csproj": '<Project Sdk="Microsoft.NET.Sdk">\n  <PropertyGroup>\n'
      '    <TargetFrameworks>net8.0</TargetFrameworks>\n  </PropertyGroup>\n</Project>\n',
      "src/Mediator/Mediator.cs": "namespace Mediator;\npublic class Mediator {}\n"},
     "library", "a .NET class library packed for NuGet (src/Mediator/Mediator.csproj)"),
    ({"src/Api/Api.csproj": '<Project Sdk="Microsoft.NET.Sdk.Web">\n</Project>\n',
      "src/Api/Program.cs": "var app = WebApplication.Create();\n"},
     "service", "an ASP.NET Core project (Sdk Microsoft.NET.Sdk.Web in src/Api/Api.csproj)"),
    ({"pom.xml": "<project><artifactId>git</artifactId><packaging>hpi</packaging></project>\n",
      "src/main/java/hudson/plugins/git/GitSCM.java": "class GitSCM {}\n"},
     "library", "a plugin others install (packaging hpi in pom.xml)"),
    ({"build.gradle": "plugins {\n  id 'java-library'\n}\n", "src/main/java/acme/Client.java": "class Client {}\n"},
     "library", "the java-library plugin (build.gradle)"),
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
    assert result.profile.name == "library"
    assert result.profile.reasons[0] == "set in configuration: profile: library"
    assert result.profile.reasons[1].startswith("inferred: service"), "what the evidence said is still shown"


def test_a_library_is_not_judged_on_deployment_kubernetes_or_operations(tmp_path):
    result = _scan(tmp_path / "repo", LIBRARY)
    assert result.profile.name == "library"
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
    assert result.profile.name == "infrastructure"
    outcome = {f.rule_id: f.outcome for f in result.findings}
    assert outcome["IAC-005"] is Outcome.NOT_APPLICABLE, "a module must not configure a backend"
    assert outcome["IAC-010"] is Outcome.NOT_APPLICABLE, "environments belong to the callers"
    assert outcome["IAC-007"] is Outcome.PASS, "constraints without a lock file are right for a module"
    assert outcome["IAC-023"] is Outcome.PASS, "main/variables/outputs/README/examples are in place"
    assert outcome["IAC-002"] is Outcome.PASS
    assert outcome["DOC-005"] is Outcome.NOT_APPLICABLE
    assert all(outcome[r.meta.id] is Outcome.NOT_APPLICABLE for r in rules_by_id().values() if r.meta.id.startswith("MON-"))


def test_a_chart_repository_is_judged_as_reusable_modules(tmp_path):
    """prometheus-community/helm-charts: charts (one shipping CRDs) that users install with their own values."""
    crd = ("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
           "  name: alertmanagers.monitoring.coreos.com\n")
    result = _scan(tmp_path / "repo", {**HELM_REPO, "charts/api/crds/crd-alertmanagers.yaml": crd})
    assert result.profile.name == "infrastructure", result.profile.reasons
    for rule_id in ("IAC-010", "GIT-014", "DOC-005"):
        assert result.finding(rule_id).outcome is Outcome.NOT_APPLICABLE, rule_id


def test_the_scan_result_shows_the_profile_its_reasons_and_the_exclusions(tmp_path):
    result = _scan(tmp_path / "repo", {**LIBRARY, "tests/fixtures/infra/main.tf": 'resource "x" "y" {}\n'})
    profile = result.profile.to_json()
    assert profile["name"] == "library"
    assert profile["reasons"][0] == ("library (weight 4): a publishable package manifest (pyproject.toml) (+2); "
                                     "publishes a package in .github/workflows/release.yml "
                                     "(`pypa/gh-action-pypi-publish`) (+2)")
    assert "**/fixtures/**" in profile["excluded_patterns"]
    assert profile["excluded_files"] == 1
    assert profile["excluded"] == [{"path": "tests/fixtures", "files": 1, "pattern": "**/fixtures/**",
                                    "reason": "test data"}]
    assert "not counted: 1 file excluded (tests/fixtures (1, test data))" in profile["reasons"]
    assert profile["members"] == []


# -- regressions: repositories that were profiled wrong, reduced to the files that mattered ---------------

SERVICE_ONLY = ("MON-001", "MON-007", "MON-008", "DEP-002", "DEP-007", "DEP-008", "DOC-008", "IAC-002")


def _outcomes(result) -> dict[str, Outcome]:
    return {f.rule_id: f.outcome for f in result.findings}


def _no_service_rules(result) -> None:
    outcome = _outcomes(result)
    fired = {r: outcome[r].value for r in SERVICE_ONLY if outcome[r] is not Outcome.NOT_APPLICABLE}
    assert not fired, (result.profile.name, fired)


CARGO_ROOT = ('[package]\nname = "ripgrep"\nversion = "14.1.1"\n\n[[bin]]\nbench = false\npath = "crates/core/main.rs"\n'
              'name = "rg"\n\n[dependencies]\nlexopt = "0.3.0"\ngrep = { path = "crates/grep" }\n\n'
              '[workspace]\nmembers = ["crates/globset", "crates/grep", "crates/cli"]\n')
RIPGREP = {"Cargo.toml": CARGO_ROOT, "crates/core/main.rs": "fn main() {}\n",
           "crates/globset/Cargo.toml": '[package]\nname = "globset"\nversion = "0.4.0"\n',
           "crates/globset/src/lib.rs": "pub fn glob() {}\n",
           "crates/grep/Cargo.toml": '[package]\nname = "grep"\nversion = "0.3.0"\n',
           "crates/grep/src/lib.rs": "pub fn grep() {}\n", "crates/grep/examples/simplegrep.rs": "fn main() {}\n",
           "crates/cli/Cargo.toml": '[package]\nname = "grep-cli"\nversion = "0.1.0"\n',
           "crates/cli/src/lib.rs": "pub fn cli() {}\n",
           "fuzz/Cargo.toml": '[package]\nname = "fuzz"\n\n[[bin]]\nname = "fuzz_glob"\n'}


def test_a_cargo_workspace_with_a_binary_at_the_top_is_a_cli_whose_crates_are_libraries(tmp_path):
    """ripgrep was a 'monorepo' (10 crates) and got every service rule: MON-007 alert rules at P0."""
    result = _scan(tmp_path / "repo", RIPGREP)
    assert result.profile.name == "cli", result.profile.reasons
    assert result.profile.reasons[0].startswith("the top-level package: cli (weight 4): [[bin]] rg in Cargo.toml")
    assert {m.path: m.profile for m in result.profile.members} == {
        "crates/cli": "library", "crates/globset": "library", "crates/grep": "library"}
    _no_service_rules(result)
    assert _outcomes(result)["DOC-012"] is Outcome.FAIL, "a tool others install needs a LICENSE"


GO_MOD = ("module github.com/CircleCI-Public/circleci-cli\n\ngo 1.24\n\nrequire (\n\tgithub.com/go-chi/chi/v5 v5.3.1\n"
          "\tgithub.com/spf13/cobra v1.10.2\n)\n")
TEST_SERVER = ('package httpcl\n\nimport (\n\t"net/http/httptest"\n\t"testing"\n\n\t"github.com/go-chi/chi/v5"\n)\n\n'
               'func TestClient(t *testing.T) {\n\tr := chi.NewRouter()\n\tr.Get("/status", nil)\n'
               '\t_ = httptest.NewServer(r)\n}\n')
CIRCLECI_CLI = {"go.mod": GO_MOD,
                "cmd/circleci/main.go": 'package main\n\nimport "github.com/spf13/cobra"\n\nfunc main() { _ = cobra.Command{} }\n',
                "internal/httpcl/client.go": "package httpcl\n\ntype Client struct{}\n",
                "internal/httpcl/client_test.go": TEST_SERVER,
                ".goreleaser.yml": "builds:\n  - main: ./cmd/circleci\n    binary: circleci\n"}


def test_a_go_cli_whose_tests_start_an_http_server_is_a_cli(tmp_path):
    """circleci-cli was a 'service' because of a `/status` route in a `_test.go` HTTP test server, and
    chi in go.mod is required by the tests only."""
    result = _scan(tmp_path / "repo", CIRCLECI_CLI)
    assert result.profile.name == "cli", result.profile.reasons
    reasons = " ".join(result.profile.reasons)
    assert "package main in cmd/circleci/main.go with github.com/spf13/cobra" in reasons
    assert "client_test.go" not in reasons and "go-chi" not in reasons
    _no_service_rules(result)
    assert _outcomes(result)["MON-007"] is Outcome.NOT_APPLICABLE


def test_a_go_service_importing_its_router_outside_tests_is_a_service(tmp_path):
    files = {**CIRCLECI_CLI, "internal/server/server.go": 'package server\n\nimport "github.com/go-chi/chi/v5"\n\n'
                                                           "var R = chi.NewRouter()\n"}
    files.pop(".goreleaser.yml")
    facts = facts_for(tmp_path / "repo", files)
    assert facts.profile == "service", facts.profile_reasons
    assert "web framework github.com/go-chi/chi imported by internal/server/server.go" in facts.profile_reasons[0]


NANOGPT = {"train.py": "import os\nimport numpy as np\nimport torch\n\nprint('training')\n",
           "model.py": "import torch\nimport torch.nn as nn\n", "sample.py": "import torch\n",
           "scaling_laws.ipynb": '{"cells": [], "nbformat": 4}\n', "README.md": "# nanoGPT\n",
           "config/train_shakespeare_char.py": "batch_size = 64\n"}


def test_research_code_with_notebooks_and_no_package_or_ci_is_research(tmp_path):
    """nanoGPT was judged as a service by default: 'no alert rules' (P0), 'no deploy pipeline' (P0)."""
    result = _scan(tmp_path / "repo", NANOGPT)
    assert result.profile.name == "research", result.profile.reasons
    assert result.profile.reasons[0].startswith("research (weight 5): 1 notebook (scaling_laws.ipynb) (+2); "
                                                   "scientific imports (numpy, torch) (+1)")
    _no_service_rules(result)
    outcome = _outcomes(result)
    assert outcome["DEP-005"] is Outcome.NOT_APPLICABLE, "research code releases nothing"
    assert outcome["BLD-003"] is Outcome.FAIL, "CI is still asked of every repository"


def test_a_go_cli_with_a_release_docker_image_and_a_docs_site_member_is_a_cli(tmp_path):
    """goreleaser: a Dockerfile for the CLI's image and a Hugo site in www/ with its own go.mod and a
    vercel.json; the site is a member of its own (docs), not evidence that the repository is deployed."""
    files = {"go.mod": "module github.com/goreleaser/goreleaser/v2\n\nrequire github.com/spf13/cobra v1.9.1\n",
             "main.go": 'package main\n\nimport "github.com/spf13/cobra"\n\nfunc main() { _ = cobra.Command{} }\n',
             "internal/pipe/pipe.go": "package pipe\n", ".goreleaser.yaml": "builds:\n  - env: [CGO_ENABLED=0]\n",
             "Dockerfile": "FROM alpine:3.21\nCOPY goreleaser /usr/bin/goreleaser\nENTRYPOINT [\"goreleaser\"]\n",
             "www/go.mod": "module github.com/goreleaser/goreleaser/www\n", "www/hugo.yaml": "title: GoReleaser\n",
             "www/vercel.json": "{}\n", **{f"www/content/page{i}.md": f"# Page {i}\n" for i in range(6)}}
    result = _scan(tmp_path / "repo", files)
    assert result.profile.name == "cli", result.profile.reasons
    assert [(m.path, m.profile) for m in result.profile.members] == [("www", "docs")]
    assert "vercel" not in result.profile.reasons[0]
    _no_service_rules(result)


ARGO_APP = ("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: guestbook\nspec:\n"
            "  source:\n    path: guestbook\n  destination:\n    namespace: default\n")


def test_a_gitops_configuration_repository_is_gitops(tmp_path):
    """argocd-example-apps: Kubernetes manifests and Argo CD Applications, no application code."""
    files = {"apps/guestbook.yaml": ARGO_APP, "guestbook/guestbook-ui-deployment.yaml": DEPLOYMENT,
             "kustomize-guestbook/kustomization.yaml": "resources:\n  - ../guestbook/guestbook-ui-deployment.yaml\n",
             "README.md": "# Argo CD examples\n"}
    result = _scan(tmp_path / "repo", files)
    assert result.profile.name == "gitops", result.profile.reasons
    assert "Argo CD Application in apps/guestbook.yaml" in result.profile.reasons[0]
    outcome = _outcomes(result)
    assert outcome["DEP-002"] is Outcome.NOT_APPLICABLE, "a configuration repository is reconciled, not deployed by CI"
    assert outcome["MON-007"] is Outcome.NOT_APPLICABLE
    assert outcome["IAC-012"] is not Outcome.NOT_APPLICABLE, "its Kubernetes manifests are still judged"


def test_a_docs_site_is_docs_and_its_hosting_is_not_a_service(tmp_path):
    files = {"package.json": '{"name": "acme-docs", "private": true, "dependencies": {"@docusaurus/core": "3.7.0"}}\n',
             "docusaurus.config.js": "module.exports = {};\n", "src/pages/index.js": "export default () => null;\n",
             "vercel.json": "{}\n", **{f"docs/guide{i}.md": f"# Guide {i}\n" for i in range(5)}}
    result = _scan(tmp_path / "repo", files)
    assert result.profile.name == "docs", result.profile.reasons
    _no_service_rules(result)
    assert _outcomes(result)["DOC-016"] is not Outcome.NOT_APPLICABLE


def test_a_docs_preview_deployed_from_a_docs_workflow_is_no_service(tmp_path):
    """poetry's "Documentation Preview" workflow deploys each pull request's docs to Vercel."""
    docs = ("name: Documentation Preview\non:\n  pull_request:\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - run: npx hugo --minify\n      - uses: amondnet/vercel-action@v42\n"
            "        with:\n          vercel-token: ${{ secrets.VERCEL_TOKEN }}\n")
    facts = facts_for(tmp_path / "repo", {**LIBRARY, ".github/workflows/docs.yaml": docs})
    assert facts.profile == "library", facts.profile_reasons
    assert not any(r.startswith("service") for r in facts.profile_reasons), facts.profile_reasons


def test_a_docs_folder_deployed_to_vercel_is_a_member_not_the_repository(tmp_path):
    files = {**LIBRARY, "docs/package.json": '{"name": "docs", "private": true, '
                                             '"dependencies": {"@docusaurus/core": "3.7.0"}}\n',
             "docs/vercel.json": "{}\n", "docs/docusaurus.config.js": "module.exports = {};\n"}
    result = _scan(tmp_path / "repo", files)
    assert result.profile.name == "library", result.profile.reasons
    assert [(m.path, m.profile) for m in result.profile.members] == [("docs", "docs")]
    _no_service_rules(result)


def test_a_monorepo_gets_service_rules_through_its_service_member_named_in_the_message(tmp_path):
    result = _scan(tmp_path / "repo", MONOREPO)
    assert result.profile.name == "monorepo"
    assert {m.path: m.profile for m in result.profile.members} == {
        "apps/api": "service", "apps/web": "web-app", "packages/ui": "library"}
    alerts = result.finding("MON-007")
    assert alerts.outcome is Outcome.FAIL
    assert alerts.message.endswith("(applies because member apps/api is a service)")
    assert result.finding("DOC-011").message.endswith("(applies because member apps/api is a service)")


def test_a_workspace_of_libraries_is_a_library_and_gets_no_service_rules(tmp_path):
    files = {"pnpm-workspace.yaml": "packages: ['packages/*']\n",
             "package.json": '{"name": "root", "private": true}\n',
             **{f"packages/{n}/package.json": f'{{"name": "@acme/{n}", "main": "index.js"}}\n' for n in ("a", "b", "c")}}
    result = _scan(tmp_path / "repo", files)
    assert result.profile.name == "library", result.profile.reasons
    assert result.profile.reasons[0].startswith("a workspace whose members are all library")
    _no_service_rules(result)
    assert "its members are library" in result.finding("MON-007").message


def test_an_unknown_repository_gets_no_service_rule_and_is_told_how_to_set_a_profile(tmp_path):
    result = _scan(tmp_path / "repo", {"README.md": "# notes\n", "notes.txt": "x\n"})
    assert result.profile.name == "unknown"
    _no_service_rules(result)
    assert "set `profile:` in configuration" in result.finding("MON-007").message
    assert result.finding("SEC-001").outcome is not Outcome.NOT_APPLICABLE, "every repository gets the generic rules"


def test_the_scan_json_with_members_validates_against_the_result_schema(tmp_path):
    import json

    import jsonschema

    from vana_audit.render.json_out import render_json

    result = _scan(tmp_path / "repo", MONOREPO)
    schema = json.loads((Path(scan_module.__file__).parent / "schemas/result.schema.json").read_text())
    jsonschema.validate(json.loads(render_json(result)), schema)


def test_the_schemas_enumerate_every_profile():
    import json

    from vana_audit.collectors.profile import PROFILES
    from vana_audit.model import ALL_PROFILES

    assert PROFILES == ALL_PROFILES
    schemas = Path(scan_module.__file__).parent / "schemas"
    rule = json.loads((schemas / "rule.schema.json").read_text())
    assert rule["$defs"]["rule"]["properties"]["profiles"]["items"]["enum"] == list(ALL_PROFILES)
    assert rule["$defs"]["expr"]["oneOf"][4]["properties"]["profile"]["items"]["enum"] == list(ALL_PROFILES)
    config = json.loads((schemas / "config.schema.json").read_text())
    assert config["properties"]["profile"]["enum"] == list(ALL_PROFILES)


def test_rules_show_prints_the_profiles_a_rule_applies_to():
    from click.testing import CliRunner

    from vana_audit.cli import main

    out = CliRunner().invoke(main, ["rules", "show", "MON-007"])
    assert out.exit_code == 0, out.output
    assert "applies to: service, web-app" in out.output
    generic = CliRunner().invoke(main, ["rules", "show", "SEC-003"])
    assert "applies to: every profile" in generic.output


def test_an_npm_package_that_lists_the_files_it_ships_is_a_library(tmp_path: Path) -> None:
    """express declares no `main` (npm's default is index.js), only `files`: it is still a published package."""
    facts = facts_for(tmp_path / "express", {
        "package.json": '{"name": "web", "version": "5.0.0", "files": ["index.js", "lib/"]}\n',
        "index.js": "module.exports = require('./lib/app');\n", "lib/app.js": "module.exports = () => {};\n"})
    assert facts.profile == "library", facts.profile_reasons


def test_a_composer_package_with_a_playground_image_and_a_docs_site_is_a_library(tmp_path: Path) -> None:
    """guzzle: composer.json declares no `type` (Composer's default is library); the root Dockerfile is a
    playground that starts nothing (no CMD, ENTRYPOINT or EXPOSE), and docs/ has its own requirements.txt."""
    facts = facts_for(tmp_path / "guzzle", {
        "composer.json": '{"name": "guzzlehttp/guzzle", "require": {"php": "^7.2.5 || ^8.0"}}\n',
        "src/Client.php": "<?php\nnamespace GuzzleHttp;\nclass Client {}\n",
        "Dockerfile": "FROM composer:latest as setup\nRUN composer require guzzlehttp/guzzle\n\nFROM php:7.3\n"
                      "COPY --from=setup /guzzle /guzzle\n",
        "docs/requirements.txt": "Sphinx>=1.3.0,<1.4.0\n", "docs/conf.py": "project = 'Guzzle'\n"})
    assert facts.profile == "library", facts.profile_reasons
    assert facts.profile_reasons[0].startswith("the top-level package: library"), facts.profile_reasons


def test_a_maven_build_that_publishes_to_central_is_a_library(tmp_path: Path) -> None:
    """gson: a multi-module Maven build with no web framework whose module deploys to Maven Central."""
    facts = facts_for(tmp_path / "gson", {
        "pom.xml": ("<project><artifactId>parent</artifactId><packaging>pom</packaging>"
                    "<modules><module>gson</module></modules></project>\n"),
        "gson/pom.xml": ("<project><artifactId>gson</artifactId><build><plugins><plugin>"
                         "<groupId>org.sonatype.central</groupId><artifactId>central-publishing-maven-plugin</artifactId>"
                         "</plugin></plugins></build></project>\n"),
        "gson/src/main/java/com/google/gson/Gson.java": "package com.google.gson;\npublic final class Gson {}\n"})
    assert facts.profile == "library", facts.profile_reasons

