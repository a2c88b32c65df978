"""A sample, demo, example or template application (its README says so) is not judged on operating a
production deployment of its own: alerts, SLOs, uptime checks, runbooks, disaster recovery, rollback.
Labelled `debatable` on every such repository of the accuracy corpus (spring-petclinic, microservices-demo,
full-stack-fastapi-template, bakerydemo, podinfo)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.rulekit import check, evaluate

SERVICE_CODE = {"app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
                "pyproject.toml": "[project]\nname = 'app'\ndependencies = ['fastapi']\n"}


@pytest.mark.parametrize(("readme", "sample"), [
    ("# Spring PetClinic Sample Application [![Build](x.svg)](y)\n", True),
    ("# Full Stack FastAPI Template\n\nA modern template.\n", True),
    ("# Wagtail demo project\n", True),
    ("**Online Boutique** is a cloud-first microservices demo application.\n", True),
    ("# Flask\n\nFlask is a lightweight WSGI web application framework.\n\n## A Simple Example\n", False),
    ("# Taxonomy\n\nAn open source application.\n\n**This is not a starter template.**\n", False),
    ("# Acme API\n\nThe orders service.\n\nSee the examples/ folder for client code.\n", False),
])
def test_the_readme_says_whether_it_is_a_sample(tmp_path: Path, readme: str, sample: bool) -> None:
    finding = evaluate(tmp_path, {**SERVICE_CODE, "README.md": readme}, "MON-007", profile="service")
    if sample:
        check(finding, "na", None)
        assert "sample, demo or template" in finding.message
    else:
        check(finding, "fail", None)


def test_code_level_practices_still_apply_to_a_sample(tmp_path: Path) -> None:
    """A sample shows how to build the service: health checks and metrics are still asked for."""
    files = {**SERVICE_CODE, "README.md": "# Spring PetClinic Sample Application\n"}
    check(evaluate(tmp_path, files, "MON-001", profile="service"), "fail", None)


def test_a_sample_is_not_asked_to_deploy_but_its_own_deployment_is_judged(tmp_path: Path) -> None:
    """A template that deploys nothing is not told "no pipeline deploys" or "nothing gates production";
    one that deploys its own demo on every push (full-stack-fastapi-template) is judged on that deploy."""
    files = {**SERVICE_CODE, "README.md": "# Full Stack FastAPI Template\n"}
    check(evaluate(tmp_path, files, "DEP-002", profile="service"), "na", None)
    check(evaluate(tmp_path / "a", files, "DEP-004", profile="service"), "na", None)
    deploys = {**files, ".github/workflows/deploy.yml": (
        "on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: fly deploy --remote-only\n")}
    check(evaluate(tmp_path / "b", deploys, "DEP-004", profile="service"), "fail", None)
