"""Software shipped for others to run (a self-hosted server: CI publishes its image on tags, nothing in the
repository deploys it) is not judged on a deployment of its own: no "no pipeline deploys" P0, no gates,
smoke tests, rollback, alerting or runbooks. Labelled `debatable` on vaultwarden, healthchecks and koel
in the accuracy corpus. Any sign of an own deployment keeps the service rules."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.rulekit import check, evaluate

SERVER = {
    "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
    "pyproject.toml": "[project]\nname = 'server'\ndependencies = ['fastapi']\n",
    "Dockerfile": "FROM python:3.12-slim\nCOPY app app\nUSER 1000\nCMD [\"uvicorn\", \"app.main:app\"]\n",
    "README.md": "# Server\n\nSelf-hosted server. Run it with `docker run ghcr.io/acme/server`.\n",
}
RELEASE = """\
on:
  push:
    tags: ["v*"]
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/server:${{ github.ref_name }}
"""
SHIPS = {**SERVER, ".github/workflows/release.yml": RELEASE}


@pytest.mark.parametrize("rule_id", ["DEP-001", "DEP-002", "DEP-004", "DEP-007", "DEP-008", "DEP-016", "MON-004",
                                     "MON-006", "MON-007", "MON-010", "MON-015", "MON-017", "DOC-008", "IAC-002"])
def test_operating_rules_do_not_apply_to_shipped_software(tmp_path: Path, rule_id: str) -> None:
    # structured logging, so that log shipping (MON-015) would have something to build on
    finding = evaluate(tmp_path, {**SHIPS, "app/log.py": "import structlog\nlog = structlog.get_logger()\n"}, rule_id,
                       profile="service")
    check(finding, "na", None)
    assert "shipped for others to run" in finding.message


def test_release_automation_is_still_judged(tmp_path: Path) -> None:
    check(evaluate(tmp_path, SHIPS, "DEP-005", profile="service"), "pass", ".github/workflows/release.yml")


@pytest.mark.parametrize("own_deployment", [
    {"fly.toml": "app = 'server'\n"},
    {"Makefile": "deploy:\n\tkubectl apply -f k8s/\n"},
    {"k8s/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: server\n"},
])
def test_a_deployment_of_its_own_keeps_the_service_rules(tmp_path: Path, own_deployment: dict[str, str]) -> None:
    check(evaluate(tmp_path, {**SHIPS, **own_deployment}, "DEP-007", profile="service"), "fail", None)


def test_a_docs_site_deployed_from_ci_is_no_deployment_of_its_own(tmp_path: Path) -> None:
    """paperless-ngx publishes its images and deploys only its documentation to GitHub Pages."""
    docs = ("name: Documentation\non:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
            "    environment: github-pages\n    steps:\n      - uses: actions/deploy-pages@v4\n")
    check(evaluate(tmp_path, {**SHIPS, ".github/workflows/ci-docs.yml": docs}, "DEP-007", profile="service"), "na", None)


def test_without_a_published_release_the_service_rules_apply(tmp_path: Path) -> None:
    """Nothing shipped and nothing deployed: the service is deployed by hand, which DEP-002 says."""
    check(evaluate(tmp_path, SERVER, "DEP-002", profile="service"), "fail", None)


def test_a_release_job_that_does_not_wait_for_the_tests_is_found(tmp_path: Path) -> None:
    """For shipped software the delivery is the release: publishing on tags without waiting for the tests
    ships a red build (labelled a weakness on healthchecks and vaultwarden)."""
    finding = evaluate(tmp_path, SHIPS, "DEP-012", profile="service")
    check(finding, "fail", ".github/workflows/release.yml")
    assert "release job" in finding.message


def test_a_release_job_that_needs_the_tests_passes(tmp_path: Path) -> None:
    gated = RELEASE.replace("jobs:\n  image:\n", "jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                            "      - run: pytest\n  image:\n    needs: test\n")
    check(evaluate(tmp_path, {**SERVER, ".github/workflows/release.yml": gated}, "DEP-012", profile="service"),
          "pass", None)
    check(evaluate(tmp_path / "b", {**SERVER, ".github/workflows/release.yml": gated}, "DEP-011", profile="service"),
          "pass", None)


@pytest.mark.parametrize("platform", [{"fly.toml": "app = 'server'\n"}, {"heroku.yml": "build:\n  docker:\n    web: Dockerfile\n"},
                                      {"vercel.json": "{}\n"}])
def test_a_platform_configuration_is_infrastructure_as_code(tmp_path: Path, platform: dict[str, str]) -> None:
    """A service run by a platform from its configuration file (bakerydemo's heroku.yml) is not provisioned by
    hand: IAC-002 passes on the file."""
    check(evaluate(tmp_path, {**SERVER, **platform}, "IAC-002", profile="service"), "pass", next(iter(platform)))


def test_without_a_platform_or_iac_a_service_is_provisioned_by_hand(tmp_path: Path) -> None:
    check(evaluate(tmp_path, SERVER, "IAC-002", profile="service"), "fail", None)



def test_a_chart_release_is_a_publish_not_a_production_rollout(tmp_path: Path) -> None:
    """external-dns: the Release job packages the Helm chart and calls a `publish_release` shell function; it
    rolls nothing out, so DEP-010 (production deploys go through staging) does not judge it."""
    workflow = ("on:\n  push:\n    branches: [master]\njobs:\n  release:\n    name: Release\n"
                "    runs-on: ubuntu-latest\n    steps:\n      - uses: helm/chart-releaser-action@v1\n"
                "      - run: scripts/chart-release.sh\n")
    script = "#!/bin/sh\npublish_release() {\n  gh api -X PATCH repos/x/releases/1 -F draft=false\n}\npublish_release\n"
    files = {**SERVER, ".github/workflows/release-chart.yaml": workflow, "scripts/chart-release.sh": script,
             "charts/server/Chart.yaml": "apiVersion: v2\nname: server\nversion: 1.0.0\n"}
    check(evaluate(tmp_path, files, "DEP-010", profile="service"), "na", None)


def test_a_release_started_by_hand_ships_and_a_demo_deploy_script_is_no_production(tmp_path: Path) -> None:
    """uptime-kuma publishes its images from a workflow_dispatch release, and its only deploy script deploys
    the demo server: it is software shipped for others, not a service its team operates."""
    by_hand = RELEASE.replace('on:\n  push:\n    tags: ["v*"]\n', "on:\n  workflow_dispatch:\n")
    files = {**SERVER, ".github/workflows/release.yml": by_hand,
             "package.json": '{"name": "server", "private": true, "scripts": {"deploy-demo-server": "node deploy.js"}}\n'}
    check(evaluate(tmp_path, files, "DEP-007", profile="service"), "na", None)
    own = {**files, "package.json": '{"name": "server", "private": true, "scripts": {"deploy": "node deploy.js"}}\n'}
    check(evaluate(tmp_path / "own", own, "DEP-007", profile="service"), "fail", None)


def test_metrics_a_shipped_service_exports_are_collected_by_its_operators(tmp_path: Path) -> None:
    """uptime-kuma serves /metrics for each user's own Prometheus; scraping them is not the project's job."""
    from tests.test_rules_monitoring import METRICS

    check(evaluate(tmp_path, {**SERVER, "app/metrics.py": METRICS}, "MON-016", profile="service"), "fail",
          "app/metrics.py", 1)
    shipped = evaluate(tmp_path / "shipped", {**SHIPS, "app/metrics.py": METRICS}, "MON-016", profile="service")
    check(shipped, "na", None)
    assert "run by others" in shipped.message
