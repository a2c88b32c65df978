"""Infrastructure as Code rules (IAC-*: containers, Terraform, Kubernetes, Helm), each on small
repositories where it passes, fails and does not apply.

One `case(...)` row per repository (tests/rulekit.py); every rule's pass / fail / n/a coverage is
checked by tests/test_rules_catalog.py.
A row without `profile=` lets the scanner infer the profile.
"""
from __future__ import annotations

import pytest

from tests.rulekit import case, check, evaluate, facts_for, run_case

FASTAPI = "from fastapi import FastAPI\napp = FastAPI()\n"
DOCKERFILE_OK = "FROM python:3.12-slim\nUSER 10001\nCMD [\"python\", \"-m\", \"app\"]\n"
DOCKERFILE_ROOT = "FROM python:3.12-slim\nCMD [\"python\", \"-m\", \"app\"]\n"

BACKEND = 'terraform {\n  backend "gcs" {\n    bucket = "acme-tf-state"\n  }\n}\n'
PROVIDER = 'provider "google" {\n  project = "acme"\n}\nresource "google_storage_bucket" "b" {\n  name = "b"\n}\n'
VERSIONS = ('terraform {\n  required_version = "~> 1.9"\n  required_providers {\n'
            '    google = { source = "hashicorp/google", version = "~> 6.0" }\n  }\n}\n')
MODULE = {  # a reusable module: no backend, no provider block, no tfvars
    "main.tf": 'resource "google_cloud_run_v2_service" "this" {\n  name = var.name\n}\n',
    "variables.tf": 'variable "name" {\n  type        = string\n  description = "Service name."\n}\n',
    "outputs.tf": 'output "url" {\n  value = google_cloud_run_v2_service.this.uri\n}\n',
    "versions.tf": VERSIONS,
    "README.md": "# terraform-google-service\n",
    "examples/basic/main.tf": 'module "service" {\n  source = "../.."\n  name   = "demo"\n}\n',
}
TF_WORKFLOW = ("name: CI\non: [push, pull_request]\njobs:\n  tf:\n    runs-on: ubuntu-latest\n    steps:\n"
               "      - run: terraform fmt -check && terraform validate\n")
PLAIN_WORKFLOW = "name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"
SCAN_WORKFLOW = ("name: CI\non: [push]\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n"
                 "      - run: checkov -d terraform\n")


def deployment(container: str = "", pod: str = "", spec: str = "", name: str = "api", image: str = "ghcr.io/acme/api:1.4.0",
               labels: str = "app: api") -> str:
    """A Deployment manifest; `container`, `pod` and `spec` are extra YAML lines at those levels."""
    indent = lambda text, n: "".join(" " * n + line + "\n" for line in text.splitlines())  # noqa: E731
    return ("apiVersion: apps/v1\n"                 # 1
            "kind: Deployment\n"                    # 2
            f"metadata:\n  name: {name}\n"          # 3-4
            "spec:\n"                               # 5
            f"{indent(spec, 2)}"
            f"  selector:\n    matchLabels:\n      {labels}\n"
            f"  template:\n    metadata:\n      labels:\n        {labels}\n"
            "    spec:\n"
            f"{indent(pod, 6)}"
            "      containers:\n"
            f"        - name: {name}\n"
            f"          image: {image}\n"
            f"{indent(container, 10)}")


PROBES = ("readinessProbe: {httpGet: {path: /ready, port: 8080}}\nlivenessProbe: {httpGet: {path: /health, port: 8080}}\n"
          "resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}\n")
HARDENED = ("securityContext:\n  allowPrivilegeEscalation: false\n  readOnlyRootFilesystem: true\n"
            "  capabilities: {drop: [ALL]}\n  seccompProfile: {type: RuntimeDefault}\n")
NON_ROOT_POD = "securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001\n"
PDB = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: api\n"
HPA = ("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n"
       "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  minReplicas: 2\n  maxReplicas: 5\n")
NETPOL = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\nspec:\n  podSelector: {}\n"
JOB = ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n"
       "      containers:\n        - name: migrate\n          image: ghcr.io/acme/api:1.4.0\n      restartPolicy: Never\n")
CHART = {"chart/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\nappVersion: 1.4.0\n"}
HELM_DEPLOYMENT = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  template:\n    spec:\n"
                   "      securityContext: {{- toYaml .Values.podSecurityContext | nindent 8 }}\n      containers:\n"
                   "        - name: api\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n")

# A DaemonSet whose host network is a chart option (a real chart's pattern): off unless values turn it on
HELM_GUARDED = ("apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  template:\n    spec:\n"
                "      {{- if .Values.agent.hostNetwork }}\n      hostNetwork: true\n      {{- end }}\n"
                "      {{- if and .Values.agent.debug .Values.agent.enabled }}\n      containers:\n"
                "        - name: debug\n          securityContext:\n            privileged: true\n      {{- end }}\n")


TERRAGRUNT_ROOT = 'remote_state {\n  backend = "s3"\n  config = {\n    bucket = "acme-tfstate"\n  }\n}\n'
TERRAGRUNT_UNIT = ('include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n'
                   'terraform {\n  source = "git::https://github.com/acme/modules.git//mysql?ref=v0.8.0"\n}\n')

CASES = [
    # IAC-001 containerised
    case("IAC-001", "pass", {"Dockerfile": DOCKERFILE_OK}, "Dockerfile", profile="service"),
    case("IAC-001", "fail", {"app/main.py": FASTAPI}, profile="service"),
    case("IAC-001", "na", {"Dockerfile": DOCKERFILE_OK}, profile="library"),
    # IAC-002 infrastructure as code
    case("IAC-002", "pass", {"terraform/main.tf": PROVIDER}, "terraform/main.tf", profile="service"),
    case("IAC-002", "fail", {"app/main.py": FASTAPI}, profile="service"),
    case("IAC-002", "na", {"app/main.py": FASTAPI}, profile="library"),
    # IAC-003 containers not root
    case("IAC-003", "pass", {"Dockerfile": DOCKERFILE_OK}, profile="service"),
    case("IAC-003", "fail", {"Dockerfile": DOCKERFILE_ROOT}, "Dockerfile", 1, profile="service"),
    case("IAC-003", "na", {"app/main.py": FASTAPI}, profile="service"),
    # dev and test images are not production images: a dev container, Dockerfile.dev, e2e/ and docs/ images
    case("IAC-003", "na", {".devcontainer/Dockerfile": DOCKERFILE_ROOT, "Dockerfile.dev": DOCKERFILE_ROOT,
                           "e2e/Dockerfile": DOCKERFILE_ROOT, "docs/Dockerfile": DOCKERFILE_ROOT,
                           "app/main.py": FASTAPI}, profile="service"),
    case("IAC-003", "pass", {".devcontainer/Dockerfile": DOCKERFILE_ROOT, "Dockerfile": DOCKERFILE_OK}, profile="service"),
    # IAC-004 base images pinned
    case("IAC-004", "pass", {"Dockerfile": DOCKERFILE_OK}, profile="service"),
    case("IAC-004", "fail", {"Dockerfile": "FROM python:latest\n"}, "Dockerfile", 1, profile="service"),
    case("IAC-004", "na", {"app/main.py": FASTAPI}, profile="service"),
    # IAC-005 remote state with locking
    case("IAC-005", "pass", {"terraform/backend.tf": BACKEND, "terraform/main.tf": PROVIDER}, "terraform/backend.tf", 2, profile="service"),
    case("IAC-005", "fail", {"terraform/main.tf": PROVIDER}, profile="service"),
    case("IAC-005", "fail", {"terraform/main.tf": PROVIDER + 'terraform {\n  backend "s3" {\n    bucket = "x"\n  }\n}\n'}, profile="service"),
    case("IAC-005", "na", MODULE),
    case("IAC-005", "na", {"app/main.py": FASTAPI}, profile="service"),
    # IAC-006 no state committed
    case("IAC-006", "pass", {"terraform/main.tf": PROVIDER}, profile="service"),
    case("IAC-006", "fail", {"terraform/main.tf": PROVIDER, "terraform/terraform.tfstate": "{}\n"}, "terraform/terraform.tfstate", profile="service"),
    case("IAC-006", "na", {"app/main.py": FASTAPI, "tests/fixtures/leaky/terraform.tfstate": "{}\n"}, profile="service"),
    # IAC-007 versions pinned
    case("IAC-007", "pass", {"versions.tf": VERSIONS, "main.tf": PROVIDER, ".terraform.lock.hcl": "# lock\n"}, "versions.tf", 2, profile="service"),
    case("IAC-007", "pass", MODULE, "versions.tf", 2),  # a module constrains versions; its callers lock them
    case("IAC-007", "partial", {"versions.tf": VERSIONS, "main.tf": PROVIDER}, "versions.tf", 2, profile="service"),
    case("IAC-007", "fail", {"main.tf": PROVIDER}, profile="service"),
    case("IAC-007", "na", {"app/main.py": FASTAPI}, profile="service"),
    # IAC-008 probes and resources
    case("IAC-008", "pass", {"k8s/deployment.yaml": deployment(PROBES)}, profile="service"),
    case("IAC-008", "fail", {"k8s/deployment.yaml": deployment()}, "k8s/deployment.yaml", profile="service"),
    case("IAC-008", "pass", {"k8s/base/deployment.yaml": deployment(PROBES),  # an overlay patch has no image: not a container
                             "k8s/overlays/prod/patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n"
                                                             "  template:\n    spec:\n      containers:\n        - name: api\n"
                                                             "          env: [{name: MODE, value: prod}]\n"}, profile="service"),
    case("IAC-008", "na", {"app/main.py": FASTAPI}, profile="service"),
    # IAC-009 validated in CI
    case("IAC-009", "pass", {"terraform/main.tf": PROVIDER, ".github/workflows/ci.yml": TF_WORKFLOW}, ".github/workflows/ci.yml", 7, profile="service"),
    case("IAC-009", "fail", {"terraform/main.tf": PROVIDER, ".github/workflows/ci.yml": PLAIN_WORKFLOW}, profile="service"),
    case("IAC-009", "na", {".github/workflows/ci.yml": PLAIN_WORKFLOW}, profile="service"),
    # IAC-010 environments separated
    case("IAC-010", "pass", {"terraform/environments/production/main.tf": PROVIDER, "terraform/environments/staging/main.tf": PROVIDER},
         "terraform/environments/production/main.tf", profile="service"),
    case("IAC-010", "fail", {"terraform/main.tf": PROVIDER}, profile="service"),
    # a GitOps repository separates environments by cluster folder (flux2-kustomize-helm-example)
    case("IAC-010", "pass", {"clusters/staging/apps.yaml": "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
                                                           "metadata:\n  name: apps\n",
                             "clusters/production/apps.yaml": "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
                                                              "metadata:\n  name: apps\n"},
         "clusters/production/apps.yaml", profile="gitops"),
    case("IAC-010", "na", MODULE),
    # Terragrunt's live layout: account/region/env/component, an env.hcl per environment (terragrunt-infrastructure-live-example)
    case("IAC-010", "pass", {"root.hcl": TERRAGRUNT_ROOT, "prod/us-east-1/prod/env.hcl": 'locals {\n  environment = "prod"\n}\n',
                             "prod/us-east-1/prod/mysql/terragrunt.hcl": TERRAGRUNT_UNIT,
                             "non-prod/us-east-1/qa/env.hcl": 'locals {\n  environment = "qa"\n}\n',
                             "non-prod/us-east-1/qa/mysql/terragrunt.hcl": TERRAGRUNT_UNIT},
         "non-prod/us-east-1/qa/env.hcl"),
    case("IAC-010", "fail", {"root.hcl": TERRAGRUNT_ROOT, "mysql/terragrunt.hcl": TERRAGRUNT_UNIT}),
    # IAC-011 IaC scanned
    case("IAC-011", "pass", {"terraform/main.tf": PROVIDER, ".github/workflows/ci.yml": SCAN_WORKFLOW}, ".github/workflows/ci.yml", 7, profile="service"),
    case("IAC-011", "fail", {"terraform/main.tf": PROVIDER, ".github/workflows/ci.yml": PLAIN_WORKFLOW}, profile="service"),
    case("IAC-011", "na", {".github/workflows/ci.yml": SCAN_WORKFLOW}, profile="service"),
    # IAC-012 no floating images in Kubernetes
    case("IAC-012", "pass", {"k8s/deployment.yaml": deployment()}, profile="service"),
    case("IAC-012", "fail", {"k8s/deployment.yaml": deployment(image="ghcr.io/acme/api:latest")}, "k8s/deployment.yaml", 16, profile="service"),
    # external-dns: tutorial snippets under docs/ and e2e fixtures are not the deployed configuration
    case("IAC-012", "pass", {"k8s/deployment.yaml": deployment(),
                             "docs/snippets/nginx.yaml": deployment(image="nginx"),
                             "e2e/deployment.yaml": deployment(image="traefik/whoami:latest")}, profile="service"),
    case("IAC-012", "fail", {"k8s/deployment.yaml": deployment(image="nginx")}, "k8s/deployment.yaml", 16, profile="service"),
    case("IAC-012", "pass", {"k8s/base/deployment.yaml": deployment(image="ghcr.io/acme/api"),
                             "k8s/base/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                                                            "resources: [deployment.yaml]\nimages:\n  - name: ghcr.io/acme/api\n    newTag: 1.4.0\n"},
         profile="service"),
    case("IAC-012", "fail", {**CHART, "chart/templates/deployment.yaml": HELM_DEPLOYMENT,
                             "chart/values.yaml": "image:\n  repository: ghcr.io/acme/api\n  tag: latest\n"}, "chart/values.yaml", 3, profile="service"),
    case("IAC-012", "pass", {"k8s/deployment.yaml": deployment(image="api"),  # Skaffold tags its artifacts at deploy time
                             "skaffold.yaml": "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n    - image: api\n"},
         profile="service"),
    case("IAC-012", "na", {"Dockerfile": DOCKERFILE_OK}, profile="service"),
    # IAC-013 privileged pods
    case("IAC-013", "pass", {"k8s/deployment.yaml": deployment(HARDENED)}, profile="service"),
    case("IAC-013", "fail", {"k8s/deployment.yaml": deployment("securityContext:\n  privileged: true\n")}, "k8s/deployment.yaml", 18, profile="service"),
    case("IAC-013", "fail", {"k8s/deployment.yaml": deployment(pod="hostNetwork: true\n")}, "k8s/deployment.yaml", profile="service"),
    case("IAC-013", "fail", {**CHART, "chart/templates/deployment.yaml": HELM_DEPLOYMENT,
                             "chart/values.yaml": "securityContext:\n  privileged: true\n"}, "chart/values.yaml", 2, profile="service"),
    case("IAC-013", "na", {"Dockerfile": DOCKERFILE_OK}, profile="service"),
    # Helm: a line behind `{{ if .Values.x }}` renders only when the default values turn it on; a guard too
    # complex to evaluate (`and ...`) makes no P1 claim
    case("IAC-013", "pass", {**CHART, "chart/templates/agent.yaml": HELM_GUARDED,
                             "chart/values.yaml": "agent:\n  hostNetwork: false\n  debug: false\n"}, profile="service"),
    case("IAC-013", "fail", {**CHART, "chart/templates/agent.yaml": HELM_GUARDED,
                             "chart/values.yaml": "agent:\n  hostNetwork: 1\n"}, "chart/templates/agent.yaml", 9, profile="service"),
    # IAC-014 non-root pods
    case("IAC-014", "pass", {"k8s/deployment.yaml": deployment(pod=NON_ROOT_POD)}, profile="service"),
    case("IAC-014", "fail", {"k8s/deployment.yaml": deployment()}, "k8s/deployment.yaml", 15, profile="service"),
    case("IAC-014", "fail", {"k8s/deployment.yaml": deployment("securityContext:\n  runAsUser: 0\n", pod=NON_ROOT_POD)},
         "k8s/deployment.yaml", 21, profile="service"),
    case("IAC-014", "pass", {**CHART, "chart/templates/deployment.yaml": HELM_DEPLOYMENT,
                             "chart/values.yaml": "podSecurityContext:\n  runAsNonRoot: true\n  runAsUser: 10001\n"}, profile="service"),
    case("IAC-014", "fail", {**CHART, "chart/templates/deployment.yaml": HELM_DEPLOYMENT,
                             "chart/values.yaml": "podSecurityContext: {}\n  # runAsNonRoot: true\n"}, "chart/templates/deployment.yaml", 1, profile="service"),
    case("IAC-014", "na", {"Dockerfile": DOCKERFILE_OK}, profile="service"),
    # IAC-015 restricted Pod Security Standard
    case("IAC-015", "pass", {"k8s/deployment.yaml": deployment(HARDENED)}, profile="service"),
    case("IAC-015", "fail", {"k8s/deployment.yaml": deployment("securityContext:\n  allowPrivilegeEscalation: false\n")},
         "k8s/deployment.yaml", 15, profile="service"),
    case("IAC-015", "na", {"Dockerfile": DOCKERFILE_OK}, profile="service"),
    # IAC-016 rollout strategy
    case("IAC-016", "pass", {"k8s/deployment.yaml": deployment(spec="replicas: 6\nstrategy:\n  type: RollingUpdate\n  rollingUpdate: {maxUnavailable: 0}\n")},
         profile="service"),
    case("IAC-016", "fail", {"k8s/deployment.yaml": deployment(spec="replicas: 4\n")}, "k8s/deployment.yaml", 1,
         profile="service"),
    # one to three replicas: the default (25% unavailable, rounded down) takes no pod down (external-dns, redis-cart)
    case("IAC-016", "na", {"k8s/deployment.yaml": deployment(spec="replicas: 3\n")}, profile="service"),
    # an autoscaled Deployment may run many pods
    case("IAC-016", "fail", {"k8s/deployment.yaml": deployment(), "k8s/hpa.yaml": HPA}, "k8s/deployment.yaml", 1,
         profile="service"),
    case("IAC-016", "na", {"k8s/job.yaml": JOB}, profile="service"),
    # IAC-017 PodDisruptionBudget
    case("IAC-017", "pass", {"k8s/deployment.yaml": deployment(spec="replicas: 2\n"), "k8s/pdb.yaml": PDB}, profile="service"),
    case("IAC-017", "fail", {"k8s/deployment.yaml": deployment(labels="app: web", spec="replicas: 2\n"), "k8s/pdb.yaml": PDB},
         "k8s/deployment.yaml", 1, profile="service"),
    # a single pod: a budget could only block node drains (a database, a single-replica controller)
    case("IAC-017", "na", {"k8s/deployment.yaml": deployment(labels="app: web")}, profile="service"),
    case("IAC-017", "na", {"k8s/job.yaml": JOB}, profile="service"),
    # IAC-018 autoscaling
    case("IAC-018", "pass", {"k8s/deployment.yaml": deployment(), "k8s/hpa.yaml": HPA}, "k8s/hpa.yaml", 1, profile="service"),
    case("IAC-018", "partial", {"k8s/deployment.yaml": deployment(), "k8s/worker.yaml": deployment(name="worker"), "k8s/hpa.yaml": HPA},
         "k8s/worker.yaml", 1, profile="service"),
    case("IAC-018", "fail", {"k8s/deployment.yaml": deployment()}, "k8s/deployment.yaml", 1, profile="service"),
    # a database or cache scales by its own replication, not by an autoscaler adding pods (redis-cart, petclinic's db)
    case("IAC-018", "pass", {"k8s/deployment.yaml": deployment(), "k8s/hpa.yaml": HPA,
                             "k8s/redis.yaml": deployment(name="cache", image="redis:7.2-alpine")}, "k8s/hpa.yaml", 1,
         profile="service"),
    case("IAC-018", "na", {"k8s/job.yaml": JOB}, profile="service"),
    # IAC-019 module sources pinned
    case("IAC-019", "pass", {"main.tf": 'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.13.0"\n}\n'},
         profile="service"),
    case("IAC-019", "fail", {"main.tf": 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'}, "main.tf", 1, profile="service"),
    case("IAC-019", "fail", {"main.tf": 'module "n" {\n  source = "git::https://github.com/acme/naming.git?ref=main"\n}\n'}, "main.tf", 1, profile="service"),
    case("IAC-019", "fail", {"main.tf": 'module "n" {\n  source = "github.com/acme/naming"\n}\n'}, "main.tf", 1, profile="service"),
    case("IAC-019", "pass", {"main.tf": 'module "n" {\n  source = "git::https://github.com/acme/naming.git?ref=v1.2.0"\n}\n'},
         profile="service"),
    case("IAC-019", "na", {"main.tf": 'module "app" {\n  source = "./modules/app"\n}\n'}, profile="service"),
    # IAC-020 Terraform working files ignored
    case("IAC-020", "pass", {"main.tf": PROVIDER, ".gitignore": ".terraform/\n*.tfstate\n*.tfstate.*\n"}, ".gitignore", 1, profile="service"),
    case("IAC-020", "pass", {"infra/main.tf": PROVIDER, "infra/.gitignore": "**/.terraform/*\n*.tfstate\n"}, "infra/.gitignore", 2, profile="service"),
    case("IAC-020", "partial", {"main.tf": PROVIDER, ".gitignore": ".terraform/\n"}, ".gitignore", 1, profile="service"),
    case("IAC-020", "fail", {"main.tf": PROVIDER, ".gitignore": ".env\n"}, profile="service"),
    case("IAC-020", "fail", {"main.tf": PROVIDER, ".terraform/terraform.tfstate": "{}\n", ".gitignore": "*.tfstate\n.terraform.lock.hcl\n"},
         ".terraform/terraform.tfstate", profile="service"),
    case("IAC-020", "na", {"app/main.py": FASTAPI}, profile="service"),
    # IAC-021 variables typed and described
    case("IAC-021", "pass", {"variables.tf": MODULE["variables.tf"]}, profile="service"),
    case("IAC-021", "fail", {"variables.tf": 'variable "name" {}\nvariable "region" {\n  type = string\n}\n'}, "variables.tf", 2, profile="service"),
    case("IAC-021", "na", {"main.tf": PROVIDER}, profile="service"),
    # IAC-023 standard module layout (a Terraform module is judged as one)
    case("IAC-023", "pass", MODULE, "outputs.tf"),
    case("IAC-023", "partial", {k: v for k, v in MODULE.items() if k not in ("README.md", "examples/basic/main.tf")}, "README"),
    case("IAC-023", "fail", {"main.tf": MODULE["main.tf"], "versions.tf": VERSIONS}, "variables.tf"),
    case("IAC-023", "na", {"main.tf": PROVIDER, "backend.tf": BACKEND}),
    case("IAC-023", "na", MODULE, profile="service"),
    # IAC-024 infrastructure tested
    case("IAC-024", "pass", {**MODULE, "tests/defaults.tftest.hcl": 'run "plan" {\n  command = plan\n}\n'}, "tests/defaults.tftest.hcl"),
    case("IAC-024", "pass", {**CHART, "chart/templates/deployment.yaml": HELM_DEPLOYMENT, "chart/tests/deployment_test.yaml": "suite: d\n"},
         "chart/tests/deployment_test.yaml", profile="service"),
    case("IAC-024", "fail", MODULE),
    case("IAC-024", "na", {"k8s/deployment.yaml": deployment()}, profile="service"),
    # IAC-022 network policies
    case("IAC-022", "pass", {"k8s/deployment.yaml": deployment(), "k8s/netpol.yaml": NETPOL}, "k8s/netpol.yaml", 1, profile="service"),
    case("IAC-022", "fail", {"k8s/deployment.yaml": deployment()}, profile="service"),
    case("IAC-022", "na", {"Dockerfile": DOCKERFILE_OK}, profile="service"),
]


@pytest.mark.parametrize("rule_id,outcome,files,path,line,options", CASES)
def test_iac_rule(tmp_path, rule_id, outcome, files, path, line, options):
    run_case(tmp_path, rule_id, outcome, files, path, line, options)


def test_a_reusable_module_is_inferred_as_infrastructure_and_not_asked_for_a_backend(tmp_path):
    facts = facts_for(tmp_path / "repo", MODULE)
    assert facts.profile == "infrastructure"
    assert any("reusable Terraform module" in reason for reason in facts.profile_reasons)


def test_plain_kubernetes_secret_values_never_appear_in_evidence(tmp_path):
    secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2-super-secret\n"
    finding = evaluate(tmp_path, {"k8s/deployment.yaml": deployment(), "k8s/secret.yaml": secret}, "GIT-015", profile="service")
    check(finding, "fail", "k8s/secret.yaml", 1)
    assert all("hunter2" not in e.snippet for e in finding.evidence)
