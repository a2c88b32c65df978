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


def test_every_failing_finding_is_a_located_result(seed_result, seed_log):
    run = seed_log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    failing = {f.rule.id: f for f in seed_result.findings if f.failing}
    results = run["results"]
    assert sorted(r["ruleId"] for r in results) == sorted(failing)
    for result in results:
        finding = failing[result["ruleId"]]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert uri and not uri.startswith(("/", "file:")) and "://" not in uri, "repository-relative"
        if finding.evidence:
            assert uri == finding.evidence[0].path
            if finding.evidence[0].line:
                assert location["region"]["startLine"] == finding.evidence[0].line
        assert result["partialFingerprints"]["vanaAuditFingerprint/v1"] == finding.fingerprint
    claim = next(r for r in results if r["ruleId"] == "DOC-001")
    readme = next(loc for loc in [claim["locations"][0], *claim.get("relatedLocations", [])]
                  if loc["physicalLocation"]["artifactLocation"]["uri"] == "README.md"
                  and loc["physicalLocation"].get("region", {}).get("startLine") == 23)
    assert "GitHub Actions" in readme["physicalLocation"]["region"]["snippet"]["text"]


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
    odd_result = redact_result(replace(seed_result, findings=findings))
    log = json.loads(render_sarif(odd_result))
    validate(log)
    text = json.dumps(log)
    assert token not in text
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "DOC-001")
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docs/a%20b%23c%25d/%C3%BC.md"
