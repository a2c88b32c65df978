"""SARIF 2.1.0 for GitHub code scanning: every rule described, every failing finding a located result.

GitHub rejects a whole file when one result has no physical location, so a finding without
evidence is placed at the file its fix creates (or the README, or the repository root).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..model import Category, Finding, RuleMeta, ScanResult, Severity
from ..report import Report

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}
# GitHub: 9.0+ critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}
MAX_RELATED = 10


def _rule_name(title: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", title)) or "Rule"


def _help(rule: RuleMeta, stack: str | None = None) -> dict[str, str]:
    """Help is per rule, but one SARIF file is one scan: the fix and example are the ones for the
    scanned repository's stack (`stack`), like in the other reports."""
    docs = rule.docs
    example_file = rule.files_to_create[0] if rule.files_to_create else ""
    remediation = rule.remediation_for(stack)
    example = docs.example_for(stack).rstrip()
    text = [
        f"What it checks: {docs.what}",
        f"Why it matters: {docs.why}",
        f"How to fix: {docs.how}",
        f"Remediation: {remediation}",
    ]
    markdown = [
        f"**What it checks:** {docs.what}",
        "",
        f"**Why it matters:** {docs.why}",
        "",
        f"**How to fix:** {docs.how} {remediation}",
        "",
    ]
    if example:
        fence = "```"
        while fence in example:
            fence += "`"
        text.append("Example" + (f" ({example_file})" if example_file else "") + ":\n" + example)
        markdown += [
            "**Example**" + (f" (`{example_file}`)" if example_file else "") + ":",
            "",
            fence,
            example,
            fence,
            "",
        ]
    if docs.references:
        text.append("References: " + " ".join(docs.references))
        markdown += ["**References:**", ""] + [f"- {ref}" for ref in docs.references]
    return {"text": "\n".join(text), "markdown": "\n".join(markdown).rstrip()}


def _descriptor(rule: RuleMeta, stack: str | None = None) -> dict[str, Any]:
    level = LEVELS[rule.severity]
    tags = ["ci-cd", rule.category.value, rule.priority.value, f"level-{rule.level}", *rule.tags]
    properties: dict[str, Any] = {
        "precision": "high",
        "problem.severity": PROBLEM_SEVERITY[level],
        "category": rule.category.title,
        "priority": rule.priority.value,
        "maturity-level": rule.level,
        "effort": rule.effort_text,
    }
    if rule.category is Category.SECURITY:
        tags.insert(0, "security")
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    properties["tags"] = list(dict.fromkeys(tags))
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": _rule_name(rule.title),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.docs.what or rule.title},
        "help": _help(rule, stack),
        "defaultConfiguration": {"level": level},
        "properties": properties,
    }
    web = [ref for ref in rule.docs.references if ref.startswith(("https://", "http://"))]
    if web:
        descriptor["helpUri"] = web[0]
    return descriptor


def _uri(path: str) -> str:
    return quote(path.lstrip("/"), safe="/-_.~@+")


def _location(path: str, line: int | None, snippet: str = "", message: str = "") -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path) or ".", "uriBaseId": SRCROOT}}
    if line:
        physical["region"] = {"startLine": int(line)}
        if snippet:
            physical["region"]["snippet"] = {"text": snippet}
    location: dict[str, Any] = {"physicalLocation": physical}
    if message:
        location["message"] = {"text": message}
    return location


def _fallback_path(finding: Finding, result: ScanResult) -> tuple[str, str]:
    if finding.rule.files_to_create:
        return finding.rule.files_to_create[0], "the file the fix creates"
    docs = result.inventory.get("docs") or []
    readme = next((p for p in docs if isinstance(p, str) and p.lower().startswith("readme")), None)
    return (readme, "repository-level finding") if readme else (".", "repository-level finding")


def _result(finding: Finding, index: int, result: ScanResult) -> dict[str, Any]:
    rule = finding.rule
    if finding.evidence:
        first = finding.evidence[0]
        primary = _location(first.path, first.line, first.snippet)
    else:
        path, why = _fallback_path(finding, result)
        primary = _location(path, None, message=why)
    out: dict[str, Any] = {
        "ruleId": rule.id,
        "ruleIndex": index,
        "level": LEVELS[rule.severity],
        "kind": "fail",
        "message": {"text": f"{finding.message}. Fix: {rule.remediation_for(result.stack)}"},
        "locations": [primary],
        "partialFingerprints": {"vanaAuditFingerprint/v1": finding.fingerprint},
        "properties": {
            "outcome": finding.outcome.value,
            "priority": finding.priority.value,
            "confidence": finding.confidence.value,
            "category": rule.category.value,
            "effort": rule.effort_text,
        },
    }
    related = [
        dict(_location(e.path, e.line, e.snippet), id=n) for n, e in enumerate(finding.evidence[1 : MAX_RELATED + 1], 1)
    ]
    if related:
        out["relatedLocations"] = related
    return out


def sarif_log(result: ScanResult) -> dict[str, Any]:
    rules = list({r.id: r for r in (*result.rules, *(f.rule for f in result.findings))}.values())
    index = {r.id: n for n, r in enumerate(rules)}
    notifications = [
        {"level": "warning", "message": {"text": p.message}, "locations": [_location(p.path, None)]}
        for p in result.problems
    ]
    invocation: dict[str, Any] = {"executionSuccessful": True, "endTimeUtc": result.generated_at}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "vana-audit",
                "semanticVersion": __version__,
                "version": __version__,
                "rules": [_descriptor(r, result.stack) for r in rules],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The root of the scanned repository."}}},
        "invocations": [invocation],
        "results": [_result(f, index[f.rule.id], result) for f in result.findings if f.failing],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "overall": result.score.overall,
            "percent": result.score.percent,
            "level": result.score.level,
            "status": result.score.status,
        },
    }
    if result.target.head_sha or result.target.ref:
        run["properties"]["revision"] = {"ref": result.target.ref, "sha": result.target.head_sha}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render_sarif(source: ScanResult | Report) -> str:
    result = source.result if isinstance(source, Report) else source
    return json.dumps(sarif_log(result), indent=2, ensure_ascii=False) + "\n"
