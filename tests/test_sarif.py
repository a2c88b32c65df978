"""SARIF 2.1.0 for code scanning, validated against the official OASIS schema (issue 5, item 5)."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from vana_audit.model import Category, Evidence
from vana_audit.redaction import redact_result
from vana_audit.render.sarif import render_sarif

# The OASIS SARIF 2.1.0 schema (errata 01), copied from oasis-tcs/sarif-spec sarif-2.1/schema/sarif-schema-2.1.0.json.
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))


def validate(log: dict) -> None:
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)


@pytest.fixture(scope="module")
def seed_log(seed_result):
    return json.loads(render_sarif(seed_result))


def test_the_schema_is_the_official_one():
    assert SCHEMA["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    jsonschema.Draft4Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("which", ["seed_result", "mature_result"])
def test_sarif_validates_against_the_schema(which, request):
    log = json.loads(render_sarif(request.getfixturevalue(which)))
    validate(log)
    assert log["version"] == "2.1.0"


def test_the_schema_check_is_not_vacuous(seed_log):
    broken = json.loads(json.dumps(seed_log))
    broken["runs"][0]["results"][0]["level"] = "critical"
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)


def test_every_rule_is_described(seed_result, seed_log):
    rules = seed_log["runs"][0]["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} == {r.id for r in seed_result.rules}
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["properties"]["tags"] and "ci-cd" in rule["properties"]["tags"]
    by_id = {r.id: r for r in seed_result.rules}
    for rule in rules:
        meta = by_id[rule["id"]]
        if meta.category is Category.SECURITY:
            assert 0 < float(rule["properties"]["security-severity"]) <= 10
            assert "security" in rule["properties"]["tags"]
        else:
            assert "security-severity" not in rule["properties"]
        example = meta.docs.example_for(seed_result.stack)  # one SARIF file is one scan: its stack's example
        if example:
            assert example.strip().splitlines()[0] in rule["help"]["markdown"]


def _tree_files(repo: Path) -> set[str]:
    return {p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}


def _all_locations(result: dict) -> list[dict]:
    return [loc["physicalLocation"] for loc in [*result["locations"], *result.get("relatedLocations", [])]]


def test_every_result_is_located_at_a_line_of_a_file_in_the_tree(seed_result, seed_repo, seed_log):
    run = seed_log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    failing = {f.rule.id: f for f in seed_result.findings if f.failing}
    files = _tree_files(seed_repo)
    results = run["results"]
    left_out = run["properties"]["repositoryLevelFindings"]["leftOut"]
    assert sorted([r["ruleId"] for r in results] + left_out) == sorted(failing), "each failing finding once"
    assert results and left_out
    for result in results:
        finding = failing[result["ruleId"]]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        for location in _all_locations(result):
            uri = location["artifactLocation"]["uri"]
            assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
            assert uri in files, f"{result['ruleId']} placed at {uri}, which is not in the scanned tree"
            assert location["region"]["startLine"] >= 1
        location = result["locations"][0]["physicalLocation"]
        cited = next(e for e in finding.evidence if e.path in files)
        assert location["artifactLocation"]["uri"] == cited.path
        assert location["region"]["startLine"] == (cited.line or 1)
        assert result["partialFingerprints"]["vanaAuditFingerprint/v1"] == finding.fingerprint
    for rule_id in left_out:
        assert not any(e.path in files for e in failing[rule_id].evidence), f"{rule_id} could have been located"
    claim = next(r for r in results if r["ruleId"] == "DOC-001")
    readme = next(loc for loc in [claim["locations"][0], *claim.get("relatedLocations", [])]
                  if loc["physicalLocation"]["artifactLocation"]["uri"] == "README.md"
                  and loc["physicalLocation"].get("region", {}).get("startLine") == 23)
    assert "GitHub Actions" in readme["physicalLocation"]["region"]["snippet"]["text"]


def test_no_result_sits_without_a_line_on_the_readme_by_default(seed_log):
    for result in seed_log["runs"][0]["results"]:
        for location in _all_locations(result):
            assert "region" in location


def test_repository_level_findings_on_request(seed_result, seed_repo, seed_log):
    log = json.loads(render_sarif(seed_result, repo_level=True))
    validate(log)
    run = log["runs"][0]
    assert "repositoryLevelFindings" not in run["properties"]
    assert len(run["results"]) == sum(1 for f in seed_result.findings if f.failing)
    default_ids = {r["ruleId"] for r in seed_log["runs"][0]["results"]}
    files = _tree_files(seed_repo)
    for result in run["results"]:
        if result["ruleId"] in default_ids:
            continue
        location = result["locations"][0]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == "README.md"
        assert location["physicalLocation"]["region"]["startLine"] == 1
        assert "repository-level" in location["message"]["text"]
        assert all(loc["artifactLocation"]["uri"] in files for loc in _all_locations(result))


def test_evidence_at_a_file_not_in_the_tree_is_no_location(seed_result):
    doc = seed_result.finding("DOC-001")
    ghost = replace(doc, evidence=(Evidence("docs/never-written.md", 4, "x"),))
    findings = tuple(ghost if f is doc else f for f in seed_result.findings)
    log = json.loads(render_sarif(replace(seed_result, findings=findings)))
    assert "docs/never-written.md" not in json.dumps(log)
    assert "DOC-001" in log["runs"][0]["properties"]["repositoryLevelFindings"]["leftOut"]


def test_help_uri_is_the_rules_own_documentation(seed_result, seed_log):
    for rule in seed_log["runs"][0]["tool"]["driver"]["rules"]:
        assert "helpUri" not in rule, "no documentation page configured: no helpUri, never a vendor's page"
    log = json.loads(render_sarif(seed_result, docs_url="https://docs.example.org/vana-audit/rules.html#old"))
    validate(log)
    for rule in log["runs"][0]["tool"]["driver"]["rules"]:
        assert rule["helpUri"] == f"https://docs.example.org/vana-audit/rules.html#{rule['id']}"


def test_help_uri_base_from_the_environment(seed_result, monkeypatch):
    monkeypatch.setenv("VANA_AUDIT_RULES_DOCS_URL", "https://rules.example.org/")
    log = json.loads(render_sarif(seed_result))
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"].startswith("https://rules.example.org/#")


def test_rules_docs_page_has_every_rule_at_its_anchor(seed_result, tmp_path):
    from click.testing import CliRunner

    from vana_audit.cli import main

    page = tmp_path / "site" / "rules.html"
    run = CliRunner().invoke(main, ["rules", "docs", "--format", "html", "-o", str(page)])
    assert run.exit_code == 0, run.output
    text = page.read_text("utf-8")
    for rule in seed_result.rules:
        assert text.count(f'<section id="{rule.id}">') == 1, rule.id
    assert "<script" not in text and "src=" not in text
    md = CliRunner().invoke(main, ["rules", "docs", "--format", "md"])
    assert md.exit_code == 0 and '<a id="SEC-009"></a>' in md.output


def test_cli_flags_reach_the_sarif(seed_repo, tmp_path):
    from click.testing import CliRunner

    from vana_audit.cli import main

    out = tmp_path / "r.sarif"
    run = CliRunner().invoke(main, ["scan", str(seed_repo), "-q", "--no-history", "-o", str(out), "--sarif-repo-level",
                                    "--rules-docs-url", "https://docs.example.org/rules.html", "--format", "json"])
    assert run.exit_code == 0, run.output
    log = json.loads(out.read_text("utf-8"))
    validate(log)
    assert "repositoryLevelFindings" not in log["runs"][0]["properties"]
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"].startswith("https://docs.example.org/rules.html#")
    bad = CliRunner().invoke(main, ["scan", str(seed_repo), "--rules-docs-url", "javascript:alert(1)"])
    assert bad.exit_code == 2


def test_fingerprints_are_stable_and_distinct(seed_result, seed_log):
    again = json.loads(render_sarif(seed_result))
    prints = [r["partialFingerprints"]["vanaAuditFingerprint/v1"] for r in seed_log["runs"][0]["results"]]
    assert prints == [r["partialFingerprints"]["vanaAuditFingerprint/v1"] for r in again["runs"][0]["results"]]
    assert len(set(prints)) == len(prints)


def test_suppressed_findings_and_passes_are_not_results(seed_result):
    doc = seed_result.finding("DOC-001")
    findings = tuple(replace(f, suppressed_by="config: accepted") if f is doc else f for f in seed_result.findings)
    log = json.loads(render_sarif(replace(seed_result, findings=findings)))
    ids = {r["ruleId"] for r in log["runs"][0]["results"]}
    assert "DOC-001" not in ids
    assert not ids & {f.rule.id for f in seed_result.findings if not f.failing}


def test_odd_paths_and_secrets_stay_valid_and_redacted(seed_result):
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    doc = seed_result.finding("DOC-001")
    odd = replace(doc, evidence=(Evidence("docs/a b#c%d/ü.md", 3, f"key={token}"),) + doc.evidence)
    # as `scan` hands results over: redacted once, where they leave the scan (renderers do not redact again)
    findings = tuple(odd if f is doc else f for f in seed_result.findings)
    present = seed_result.present_paths | {"docs/a b#c%d/ü.md"}  # as if the file were in the tree
    odd_result = redact_result(replace(seed_result, findings=findings, present_paths=present))
    log = json.loads(render_sarif(odd_result))
    validate(log)
    text = json.dumps(log)
    assert token not in text
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "DOC-001")
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docs/a%20b%23c%25d/%C3%BC.md"
