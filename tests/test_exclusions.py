"""Test data, examples of other projects, vendored code and node_modules are not the repository's
own practice: excluded by default, configurable (`exclude`, `!` re-includes, `default_excludes:
false`) and listed in the result."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fixtures.gitrepo import make_repo, write_files
from tests.rulekit import facts_for, rules_by_id
from vana_audit import scan as scan_module
from vana_audit.collectors import DEFAULT_EXCLUDES, apply_excludes, exclusion_summary
from vana_audit.model import Outcome
from vana_audit.render.json_out import render_json
from vana_audit.signals import Signals

PROVIDER_TF = 'provider "aws" {\n  region = "us-east-1"\n}\nresource "aws_s3_bucket" "public" {\n  bucket = "x"\n  acl = "public-read"\n}\n'
K8S = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\nspec:\n  template:\n    spec:\n"
       "      containers:\n        - name: bad\n          image: nginx:latest\n          securityContext: {privileged: true}\n")


def scanner_repo() -> dict[str, str]:
    """A scanner's own repository: a Python package whose tests are full of other projects' IaC."""
    files = {
        "pyproject.toml": "[project]\nname = \"iac-scanner\"\nversion = \"2.0.0\"\n",
        "src/iac_scanner/__init__.py": "def scan(path):\n    return []\n",
        "tests/test_scan.py": "def test_scan():\n    assert True\n",
    }
    for i in range(12):
        files[f"tests/fixtures/terraform/case_{i:02d}/main.tf"] = PROVIDER_TF
        files[f"tests/fixtures/kubernetes/case_{i:02d}.yaml"] = K8S
    files["tests/fixtures/terraform/case_00/terraform.tfstate"] = '{"version": 4}\n'
    files["tests/terraform/checks/s3/main.tf"] = PROVIDER_TF  # Terraform tests read, not under fixtures/
    return files


def _scan(root: Path, files: dict[str, str], **kwargs):
    make_repo(root, files)
    return scan_module.scan(root, rules=list(rules_by_id().values()), now="2025-10-20T12:00:00Z", **kwargs)


def test_a_scanner_full_of_terraform_fixtures_is_not_an_iac_user(tmp_path):
    result = _scan(tmp_path / "scanner", scanner_repo())
    assert result.inventory.iac_tools == ()
    assert result.profile.name == "library"
    for rule_id in ("IAC-002", "IAC-005", "IAC-006", "IAC-007", "IAC-012", "IAC-013", "GIT-015"):
        assert result.finding(rule_id).outcome is Outcome.NOT_APPLICABLE, rule_id
    assert result.profile.excluded_files == 26
    assert {"path": "tests/fixtures", "files": 25, "pattern": "**/fixtures/**", "reason": "test data"} \
        in result.profile.to_json()["excluded"]
    assert any("not counted: 26 files" in reason for reason in result.profile.reasons)


def test_the_exclusions_are_listed_in_the_json_report(tmp_path):
    result = _scan(tmp_path / "scanner", scanner_repo())
    profile = json.loads(render_json(result))["profile"]
    assert profile["excluded_patterns"] == list(DEFAULT_EXCLUDES)
    assert profile["excluded"][0] == {"path": "tests/fixtures", "files": 25, "pattern": "**/fixtures/**",
                                      "reason": "test data"}


def test_default_excludes_can_be_switched_off(tmp_path):
    files = {**scanner_repo(), ".vana-audit.yml": "default_excludes: false\n"}
    result = _scan(tmp_path / "scanner", files)
    assert "terraform" in result.inventory.iac_tools
    assert result.finding("IAC-006").outcome is Outcome.FAIL, "the fixture state file now counts as committed state"
    assert result.profile.excluded_patterns == ()
    assert result.profile.excluded_files == 0


def test_a_pattern_with_a_bang_takes_files_back_in(tmp_path):
    # a manifest in tests/ is not evidence of a service, so the profile is set to judge the Kubernetes rule
    files = {**scanner_repo(),
             ".vana-audit.yml": "profile: service\nexclude: ['!tests/fixtures/kubernetes/case_00.yaml']\n"}
    result = _scan(tmp_path / "scanner", files)
    finding = result.finding("IAC-013")
    assert finding.outcome is Outcome.FAIL
    assert {e.path for e in finding.evidence} == {"tests/fixtures/kubernetes/case_00.yaml"}


def test_configured_excludes_add_to_the_defaults(tmp_path):
    files = {"app/main.py": "print('hi')\n", "Dockerfile": "FROM python:3.12\nUSER 10001\n",
             "legacy/Dockerfile": "FROM python:2.7\n", ".vana-audit.yml": "exclude: ['legacy/**']\n"}
    result = _scan(tmp_path / "repo", files)
    assert result.inventory.dockerfiles == ("Dockerfile",)
    assert result.finding("IAC-003").outcome is Outcome.PASS
    assert result.profile.excluded_patterns[-1] == "legacy/**"
    assert {"path": "legacy", "files": 1, "pattern": "legacy/**", "reason": "exclude: in configuration"} \
        in result.profile.to_json()["excluded"]


@pytest.mark.parametrize(("path", "excluded"), [
    ("node_modules/left-pad/index.js", True),
    ("web/node_modules/react/package.json", True),
    ("vendor/github.com/pkg/errors/errors.go", True),
    ("third_party/proto/Dockerfile", True),
    ("tests/fixtures/main.tf", True),
    ("pkg/scanner/testdata/k8s/deployment.yaml", True),
    ("src/test/resources/deployment.yaml", True),
    ("tests/terraform/checks/main.tf", True),
    ("examples/eks/main.tf", True),
    ("docs/examples/helm/values.yaml", True),
    ("samples/Dockerfile", True),
    ("build/lib/vana_audit/scan.py", True),
    ("infra/.terraform/modules/vpc/main.tf", True),
    ("build/package/Dockerfile", False),  # Go layout: packaging lives in build/package
    ("build/ci/pipeline.yml", False),
    ("build/int.cloudbuild.yaml", False),  # a hand-written pipeline at the top of build/
    ("build/tf-wrapper.sh", False),
    ("build/lib/pkg/config.yaml", True),
    ("terraform/main.tf", False),
    ("tests/test_scan.py", False),
    ("tests/e2e/docker-compose.yml", False),
    ("k8s/base/deployment.yaml", False),
    (".github/workflows/ci.yml", False),
])
def test_default_exclusions(path, excluded):
    assert (apply_excludes([path], DEFAULT_EXCLUDES) == []) is excluded


def test_the_summary_names_the_excluded_directories(tmp_path):
    files = ["a.py", "node_modules/x/a.js", "node_modules/y/b.js", "web/node_modules/z.js", "tests/fixtures/a/main.tf",
             "examples/demo/Dockerfile", "tests/tf/main.tf"]
    kept = apply_excludes(files, DEFAULT_EXCLUDES)
    assert [d.to_json() for d in exclusion_summary(files, kept, DEFAULT_EXCLUDES)] == [
        {"path": "node_modules", "files": 2, "pattern": "node_modules/**", "reason": "third-party code"},
        {"path": "examples", "files": 1, "pattern": "examples/**", "reason": "examples and samples"},
        {"path": "tests/fixtures", "files": 1, "pattern": "**/fixtures/**", "reason": "test data"},
        {"path": "tests/tf", "files": 1, "pattern": "**/tests/**/*.tf", "reason": "test data"},
        {"path": "web/node_modules", "files": 1, "pattern": "**/node_modules/**", "reason": "third-party code"}]


# A sample project in each ecosystem whose package paths contain a role word: Spring's own
# `org.springframework.samples`, a Go module's internal/examples package, a .NET solution under src/.
SOURCE_TREES = {
    "jvm": ["pom.xml", "src/main/java/org/springframework/samples/petclinic/PetClinicApplication.java",
            "src/main/java/org/acme/examples/Catalog.java", "src/main/kotlin/org/acme/fixtures/Seed.kt",
            "src/main/resources/org/springframework/samples/petclinic/messages.properties",
            "src/test/java/org/springframework/samples/petclinic/PetClinicTests.java",
            "src/test/kotlin/org/acme/fixtures/Builders.kt", "app/src/main/java/org/acme/samples/App.java",
            # nowinandroid's Protobuf package com.google.samples.apps.nowinandroid (was excluded)
            "core/datastore-proto/src/main/proto/com/google/samples/apps/nia/user_prefs.proto",
            "shared/src/commonMain/kotlin/org/acme/samples/Shared.kt",
            "app/src/androidTest/java/org/acme/samples/AppTest.kt"],
    "go": ["go.mod", "main.go", "internal/examples/catalog.go", "internal/fixtures/seed.go",
           "pkg/samples/render.go", "internal/cli/examples/help.go"],
    "dotnet": ["Acme.sln", "src/Acme.Api/Acme.Api.csproj", "src/Acme.Api/examples/ExampleController.cs",
               "src/Acme.Api/samples/SampleData.cs", "src/Acme.Core/fixtures/Seed.fs"],
}


@pytest.mark.parametrize("stack", sorted(SOURCE_TREES))
def test_no_source_tree_of_a_sample_project_is_excluded(stack):
    """`**/samples/**` and friends name directory roles; inside a source tree they are package names."""
    files = SOURCE_TREES[stack]
    assert apply_excludes(files, DEFAULT_EXCLUDES) == files


@pytest.mark.parametrize("path", [
    "examples/spring-demo/src/main/java/org/acme/App.java",  # an example project is still an example
    "samples/Acme.Sample/Program.cs", "examples/server/main.go", "crates/grep/examples/simplegrep.rs",
    "internal/fixtures/config.yaml", "src/fixtures/payload.json",  # data under a source tree is still test data
    "pkg/parser/testdata/input.go", "src/__fixtures__/page.tsx", "src/test/resources/samples/pet.json",
])
def test_role_folders_outside_source_trees_and_data_inside_them_are_still_excluded(path):
    assert apply_excludes([path], DEFAULT_EXCLUDES) == []


def test_a_spring_application_under_org_springframework_samples_is_a_service_with_tests(tmp_path):
    """spring-petclinic was judged 'infrastructure, no application code' and 'no automated tests'."""
    pom = ("<project><dependencies><dependency><groupId>org.springframework.boot</groupId>"
           "<artifactId>spring-boot-starter-webmvc</artifactId></dependency></dependencies></project>\n")
    files = {"pom.xml": pom,
             "src/main/java/org/springframework/samples/petclinic/PetClinicApplication.java": "class A {}\n",
             "src/test/java/org/springframework/samples/petclinic/PetClinicApplicationTests.java": "class T {}\n",
             "k8s/petclinic.yml": K8S.replace("nginx:latest", "petclinic:1.0")}
    facts = facts_for(tmp_path / "repo", files)
    assert facts.files == sorted(files) or set(facts.files) == set(files), "nothing of the source tree is excluded"
    assert facts.profile == "service", facts.profile_reasons
    assert facts.test_files["unit"] == ["src/test/java/org/springframework/samples/petclinic/PetClinicApplicationTests.java"]
    assert rules_by_id()["TST-001"].evaluate(facts, Signals(facts)).outcome is Outcome.PASS


def test_secrets_are_still_looked_for_in_excluded_files(tmp_path):
    armour = "-----{} RSA PRIVATE KEY-----"  # assembled at run time, so this file holds no key
    key = f"{armour.format('BEGIN')}\nMIIEowIBAAKCAQEA7bq0n3sJj4mVfGk0a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6\n{armour.format('END')}\n"
    facts = facts_for(tmp_path / "repo", {"app.py": "x = 1\n", "tests/fixtures/id_rsa": key})
    assert "tests/fixtures/id_rsa" not in facts.files
    assert any(hit.path == "tests/fixtures/id_rsa" for hit in facts.secrets), "a leaked key is a leak wherever it sits"


def test_a_working_tree_without_git_applies_the_same_exclusions(tmp_path):
    root = tmp_path / "plain"
    write_files(root, scanner_repo())
    result = scan_module.scan(root, rules=list(rules_by_id().values()), now="2025-10-20T12:00:00Z")
    assert result.inventory.iac_tools == ()
