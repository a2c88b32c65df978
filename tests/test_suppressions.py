"""Suppressions: in configuration (rule, reason, optional expiry and path globs) and inline
(`# vana-audit: ignore[ID] reason` where the evidence is). A suppressed finding is shown as
suppressed, never dropped; an expired suppression is a finding (GIT-009).

Each test writes a small repository with two root-running Dockerfiles (IAC-003 fails on both),
runs a full scan on a fixed date, and reads the result.
"""
from __future__ import annotations

import json
from pathlib import Path

from tests.fixtures.gitrepo import write_files
from tests.rulekit import rules_by_id
from vana_audit import scan as scan_module
from vana_audit.model import Category, Outcome
from vana_audit.render.json_out import render_json

NOW = "2025-10-20T12:00:00Z"
ROOT_DOCKERFILE = "FROM python:3.12-slim\nCMD [\"python\", \"-m\", \"app\"]\n"
FILES = {
    "app/main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
    "Dockerfile": ROOT_DOCKERFILE,
    "docker/debug/Dockerfile": ROOT_DOCKERFILE,
}


def repo(tmp_path: Path, config: str | None = None, **extra: str) -> Path:
    root = tmp_path / "repo"
    files = {**FILES, **extra}
    if config is not None:
        files[".vana-audit.yml"] = config
    write_files(root, files)
    return root


def scan(root: Path, **kwargs):
    """A full scan with the whole catalog (loaded once for the module)."""
    return scan_module.scan(root, rules=list(rules_by_id().values()), **kwargs)


def paths(finding) -> set[str]:
    return {e.path for e in finding.evidence}


def test_without_suppressions_iac_003_fails_on_both_dockerfiles(tmp_path):
    finding = scan(repo(tmp_path), now=NOW).finding("IAC-003")
    assert finding.outcome is Outcome.FAIL and finding.suppressed_by is None
    assert paths(finding) == {"Dockerfile", "docker/debug/Dockerfile"}


def test_a_configured_suppression_marks_the_finding_and_keeps_it(tmp_path):
    config = "suppressions:\n  - rule: IAC-003\n    reason: images drop root in the entrypoint (ACME-12)\n"
    result = scan(repo(tmp_path, config), now=NOW)
    finding = result.finding("IAC-003")
    assert finding.outcome is Outcome.FAIL, "the outcome is kept: suppressed, not passed"
    assert finding.suppressed_by == "config: images drop root in the entrypoint (ACME-12)"
    assert paths(finding) == {"Dockerfile", "docker/debug/Dockerfile"}, "evidence is kept"
    assert not finding.failing
    assert result.finding("GIT-009").outcome is Outcome.PASS
    document = json.loads(render_json(result))
    shown = next(f for f in document["findings"] if f["rule_id"] == "IAC-003")
    assert shown["suppressed"].startswith("config: images drop root")


def test_a_suppressed_finding_leaves_the_score_like_a_rule_that_does_not_apply(tmp_path):
    before = scan(repo(tmp_path), now=NOW).category(Category.IAC)
    config = "suppressions:\n  - rule: IAC-003\n    reason: accepted for now\n"
    (tmp_path / "repo" / ".vana-audit.yml").write_text(config)
    after = scan(tmp_path / "repo", now=NOW).category(Category.IAC)
    assert after.rules_applicable == before.rules_applicable - 1
    assert after.score >= before.score


def test_path_globs_suppress_only_the_locations_they_cover(tmp_path):
    config = ("suppressions:\n  - rule: IAC-003\n    reason: the debug image needs root for ptrace\n"
              "    paths: ['docker/debug/**']\n")
    finding = scan(repo(tmp_path, config), now=NOW).finding("IAC-003")
    assert finding.outcome is Outcome.FAIL and finding.suppressed_by is None, "the production Dockerfile still fails"
    assert paths(finding) == {"Dockerfile"}
    assert "docker/debug/Dockerfile:1 (config: the debug image needs root for ptrace)" in finding.message


def test_path_globs_covering_every_location_suppress_the_finding(tmp_path):
    config = ("suppressions:\n  - rule: IAC-003\n    reason: both images are rebuilt by the platform team\n"
              "    paths: ['Dockerfile', '**/Dockerfile']\n")
    finding = scan(repo(tmp_path, config), now=NOW).finding("IAC-003")
    assert finding.suppressed_by == "config: both images are rebuilt by the platform team"


def test_a_rule_glob_suppresses_a_family_of_rules(tmp_path):
    config = "suppressions:\n  - rule: IAC-00*\n    reason: infrastructure is owned by another repository\n"
    result = scan(repo(tmp_path, config), now=NOW)
    assert result.finding("IAC-003").suppressed_by.startswith("config: infrastructure is owned")
    assert result.finding("IAC-002").suppressed_by.startswith("config: infrastructure is owned")


def test_an_expired_suppression_suppresses_nothing_and_is_a_finding(tmp_path):
    config = ("weights: {docs: 0.5}\n"
              "suppressions:\n"
              "  - rule: IAC-003\n"
              "    reason: until the base image migration\n"
              "    expires: 2025-09-30\n")
    result = scan(repo(tmp_path, config), now=NOW)
    assert result.finding("IAC-003").suppressed_by is None
    assert result.finding("IAC-003").failing
    expired = result.finding("GIT-009")
    assert expired.outcome is Outcome.FAIL and expired.failing
    assert [(e.path, e.line) for e in expired.evidence] == [(".vana-audit.yml", 3)]
    assert "IAC-003 expired on 2025-09-30" in expired.evidence[0].snippet
    assert not [p for p in result.problems if "expired" in p.message], "reported once, as a finding"


def test_a_suppression_expiring_later_still_applies(tmp_path):
    config = "suppressions:\n  - rule: IAC-003\n    reason: migration planned\n    expires: '2025-12-31'\n"
    result = scan(repo(tmp_path, config), now=NOW)
    assert result.finding("IAC-003").suppressed_by == "config: migration planned (until 2025-12-31)"
    assert result.finding("GIT-009").outcome is Outcome.PASS


def test_the_expired_suppression_finding_cannot_itself_be_suppressed(tmp_path):
    config = ("suppressions:\n  - rule: IAC-003\n    reason: old\n    expires: 2024-01-01\n"
              "  - rule: GIT-009\n    reason: hide the expiry\n")
    finding = scan(repo(tmp_path, config), now=NOW).finding("GIT-009")
    assert finding.outcome is Outcome.FAIL and finding.suppressed_by is None


def test_an_expired_suppression_is_still_reported_when_git_009_is_disabled(tmp_path):
    config = "disable: [GIT-009]\nsuppressions:\n  - rule: IAC-003\n    reason: old\n    expires: 2024-01-01\n"
    result = scan(repo(tmp_path, config), now=NOW)
    assert result.finding("GIT-009") is None
    assert any(p.path == ".vana-audit.yml" and p.message.startswith("line 3: suppression of IAC-003 expired on 2024-01-01")
               for p in result.problems)


def test_a_suppression_naming_no_rule_is_a_problem(tmp_path):
    config = "suppressions:\n  - rule: IAC-999\n    reason: typo in the id\n"
    result = scan(repo(tmp_path, config), now=NOW)
    assert any(p.message == "line 2: suppression names IAC-999, which matches no rule" for p in result.problems)


def test_inline_ignore_on_the_line_above_the_evidence(tmp_path):
    debug = "# vana-audit: ignore[IAC-003] the debugger attaches with ptrace and needs root\n" + ROOT_DOCKERFILE
    result = scan(repo(tmp_path, **{"docker/debug/Dockerfile": debug, "Dockerfile": DOCKERFILE_NON_ROOT}), now=NOW)
    finding = result.finding("IAC-003")
    assert finding.suppressed_by == "inline: the debugger attaches with ptrace and needs root"
    assert paths(finding) == {"docker/debug/Dockerfile"}


DOCKERFILE_NON_ROOT = "FROM python:3.12-slim\nUSER 10001\n"


def test_an_inline_ignore_covers_its_own_file_only(tmp_path):
    debug = "# vana-audit: ignore[IAC-003] debug image\n" + ROOT_DOCKERFILE
    finding = scan(repo(tmp_path, **{"docker/debug/Dockerfile": debug}), now=NOW).finding("IAC-003")
    assert finding.suppressed_by is None and finding.failing
    assert paths(finding) == {"Dockerfile"}
    assert "docker/debug/Dockerfile:2 (inline: debug image)" in finding.message


def test_an_inline_ignore_for_another_rule_does_not_suppress(tmp_path):
    debug = "# vana-audit: ignore[IAC-004] wrong rule\n" + ROOT_DOCKERFILE
    finding = scan(repo(tmp_path, **{"docker/debug/Dockerfile": debug, "Dockerfile": DOCKERFILE_NON_ROOT}), now=NOW).finding("IAC-003")
    assert finding.suppressed_by is None and finding.failing


def test_an_inline_ignore_may_name_several_rules_and_sit_on_the_evidence_line(tmp_path):
    manifest = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n"
                "      containers:\n        - name: api\n"
                "          image: ghcr.io/acme/api:latest  # vana-audit: ignore[IAC-012, IAC-008] preview environment only\n")
    finding = scan(repo(tmp_path, **{"k8s/preview.yaml": manifest}), now=NOW).finding("IAC-012")
    assert finding.suppressed_by == "inline: preview environment only"


def test_an_inline_ignore_without_a_reason_says_so(tmp_path):
    debug = "# vana-audit: ignore[IAC-003]\n" + ROOT_DOCKERFILE
    finding = scan(repo(tmp_path, **{"docker/debug/Dockerfile": debug, "Dockerfile": DOCKERFILE_NON_ROOT}), now=NOW).finding("IAC-003")
    assert finding.suppressed_by == "inline: no reason given"


def test_a_finding_without_evidence_needs_a_configured_suppression(tmp_path):
    # GIT-003 fails because CODEOWNERS is absent: there is no file where an inline mark could sit.
    result = scan(repo(tmp_path, "suppressions:\n  - rule: GIT-003\n    reason: single-maintainer repository\n"), now=NOW)
    assert result.finding("GIT-003").suppressed_by == "config: single-maintainer repository"


def test_a_configuration_outside_the_repository_is_cited_by_its_path(tmp_path):
    config = tmp_path / "audit.yml"
    config.write_text("suppressions:\n  - rule: IAC-003\n    reason: old\n    expires: 2024-01-01\n")
    finding = scan(repo(tmp_path), config_path=config, now=NOW).finding("GIT-009")
    assert finding.outcome is Outcome.FAIL
    assert [(e.path, e.line) for e in finding.evidence] == [(str(config), 2)]
