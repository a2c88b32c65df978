"""Dockerfile and compose hygiene rules (CTR-*, category iac, from rules/containers.yaml), each on small
repositories where it passes, fails and does not apply. Container secrets and privileges (SEC-023..025)
are tested with the security rules."""
from __future__ import annotations

import pytest

from tests.rulekit import case, run_case

README = {"README.md": "# Notes\n"}
COMPOSE = "compose.yaml"

MULTI_STAGE = """FROM python:3.12-slim AS build
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
FROM python:3.12-slim
COPY --from=build /app /app
USER 10001
EXPOSE 8080
HEALTHCHECK CMD ["python", "-c", "print(1)"]
CMD ["uvicorn", "app:app", "--port", "8080"]
"""
SINGLE_STAGE = """FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
EXPOSE 8080
CMD ["python", "-m", "app"]
"""


def dockerfile(text: str, name: str = "Dockerfile") -> dict[str, str]:
    return {name: text}


def compose(services: str, name: str = COMPOSE) -> dict[str, str]:
    return {name: "services:\n" + services}


LIMITS = "    deploy:\n      resources:\n        limits:\n          cpus: '1'\n          memory: 512M\n"

CASES = [
    # CTR-001 HEALTHCHECK
    case("CTR-001", "pass", dockerfile(MULTI_STAGE)),
    case("CTR-001", "fail", dockerfile(SINGLE_STAGE), "Dockerfile", 1),
    case("CTR-001", "fail", dockerfile("FROM node:22 AS build\nHEALTHCHECK CMD true\nFROM node:22-slim\n"
                                       "CMD [\"node\", \"server.js\"]\n"), "Dockerfile", 3),
    case("CTR-001", "na", dockerfile(SINGLE_STAGE, "Dockerfile.dev")),
    case("CTR-001", "na", dockerfile("FROM gcr.io/distroless/static\nCOPY glow /usr/local/bin/glow\n"
                                     "ENTRYPOINT [\"/usr/local/bin/glow\"]\n")),  # a command-line image
    # CTR-002 .dockerignore
    case("CTR-002", "pass", {**dockerfile(SINGLE_STAGE), ".dockerignore": ".git\n.env\n"}),
    case("CTR-002", "pass", {"api/Dockerfile": SINGLE_STAGE, ".dockerignore": ".git\n"}),
    case("CTR-002", "fail", dockerfile(SINGLE_STAGE), "Dockerfile", 3),
    case("CTR-002", "pass", dockerfile("FROM alpine:3.20\nCOPY app.bin /usr/local/bin/app\n")),  # no broad copy
    case("CTR-002", "na", README),
    # CTR-003 multi-stage
    case("CTR-003", "pass", dockerfile(MULTI_STAGE)),
    case("CTR-003", "pass", dockerfile("FROM nginx:1.27\nCOPY site/ /usr/share/nginx/html/\n")),
    case("CTR-003", "fail", dockerfile(SINGLE_STAGE), "Dockerfile", 1),
    case("CTR-003", "na", dockerfile(SINGLE_STAGE, "Dockerfile.local")),
    # CTR-004 COPY over ADD
    case("CTR-004", "pass", dockerfile("FROM alpine:3.20\nADD rootfs.tar.gz /\nCOPY app /app\n")),
    case("CTR-004", "pass", dockerfile("FROM alpine:3.20\nADD --checksum=sha256:abc https://x.example/t /t\n")),
    case("CTR-004", "fail", dockerfile("FROM alpine:3.20\nADD app.py /app/\n"), "Dockerfile", 2),
    case("CTR-004", "fail", dockerfile("FROM alpine:3.20\nADD https://x.example/tool /usr/bin/tool\n"), "Dockerfile", 2),
    case("CTR-004", "na", README),
    # CTR-005 pinned, verified installs
    case("CTR-005", "pass", dockerfile("FROM python:3.12\nRUN pip install --no-cache-dir uv==0.8.4 -r requirements.txt\n"
                                       "RUN apt-get update && apt-get install -y curl=7.88.1 && rm -rf /var/lib/apt/lists/*\n")),
    case("CTR-005", "fail", dockerfile("FROM python:3.12\nRUN pip install --no-cache-dir flask\n"), "Dockerfile", 2),
    case("CTR-005", "fail", dockerfile("FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl "
                                       "&& rm -rf /var/lib/apt/lists/*\n"), "Dockerfile", 2),
    case("CTR-005", "fail", dockerfile("FROM debian:12\nRUN curl -fsSL https://get.example.com | sh\n"), "Dockerfile", 2),
    case("CTR-005", "na", README),
    # CTR-006 caches cleaned
    case("CTR-006", "pass", dockerfile("FROM debian:12\nRUN apt-get update && apt-get install -y curl=7.88.1 "
                                       "&& rm -rf /var/lib/apt/lists/*\nRUN apk add --no-cache git=2.45.2-r0\n")),
    case("CTR-006", "pass", dockerfile("FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install -r requirements.txt\n")),
    case("CTR-006", "fail", dockerfile("FROM debian:12\nRUN apt-get update && apt-get install -y curl=7.88.1\n"),
         "Dockerfile", 2),
    case("CTR-006", "fail", dockerfile("FROM python:3.12\nRUN pip install -r requirements.txt\n"), "Dockerfile", 2),
    case("CTR-006", "na", README),
    # CTR-007 compose healthchecks
    case("CTR-007", "pass", compose("  api:\n    build: .\n    healthcheck:\n      test: [CMD, true]\n"
                                    "  cache:\n    image: redis:7.4\n")),
    case("CTR-007", "fail", compose("  api:\n    build: .\n"), COMPOSE, 3),
    case("CTR-007", "fail", compose("  api:\n    image: acme/api:1.0\n    depends_on: [db]\n    healthcheck:\n"
                                    "      test: [CMD, true]\n  db:\n    image: postgres:16\n"), COMPOSE, 8),
    case("CTR-007", "na", README),
    # CTR-008 compose resource limits
    case("CTR-008", "pass", compose("  api:\n    image: acme/api:1.0\n" + LIMITS)),
    case("CTR-008", "pass", compose("  api:\n    image: acme/api:1.0\n    mem_limit: 512m\n    cpus: 1\n")),
    case("CTR-008", "fail", compose("  api:\n    image: acme/api:1.0\n"), COMPOSE, 3),
    case("CTR-008", "na", compose("  api:\n    image: acme/api:1.0\n", "docker-compose.dev.yml")),
]


@pytest.mark.parametrize("rule_id,outcome,files,path,line,options", CASES)
def test_container_rule(tmp_path, rule_id, outcome, files, path, line, options):
    run_case(tmp_path, rule_id, outcome, files, path, line, options)


@pytest.mark.parametrize("path,reason", [
    (".devcontainer/Dockerfile", "a dev container"),
    ("Dockerfile.dev", "named as a dev image"),
    ("docker/dev.Dockerfile", "named as a dev image"),
    ("test/e2e/Dockerfile", "under test/"),
    ("e2e/Dockerfile", "under e2e/"),
    ("playwright/compose/warden/Dockerfile", "under playwright/"),  # vaultwarden's browser-test images
    ("docs/Dockerfile", "under docs/"),
    ("ci/containers/debian-12.Dockerfile", "a CI build image under ci/"),
    (".github/actions/lint/Dockerfile", "a CI build image under .github/"),
    (".gitlab/images/Dockerfile", "a CI build image under .gitlab/"),
    (".gitlab-ci/Dockerfile", "a CI build image under .gitlab-ci/"),  # GNOME's convention (pygobject)
    ("scripts/release-analysis/Dockerfile", "under scripts/"),  # argo-helm's maintainers' tool
    ("extras/packaging/linux/Dockerfile", "under packaging/"),  # httpie's build environment for its binaries
    ("Dockerfile", None),
    ("services/api/Dockerfile", None),
    ("deploy/Dockerfile.prod", None),
])
def test_dev_dockerfiles_are_named_with_their_reason(path, reason):
    from vana_audit.collectors.containers import dev_dockerfile_reason
    assert dev_dockerfile_reason(path) == reason
