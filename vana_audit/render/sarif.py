"""SARIF 2.1.0 for GitHub code scanning: every rule described, every located failing finding a result.

A result sits at the file its evidence cites, at the cited line (line 1 when the evidence names a
whole file), and only at files that are in the scanned tree. A finding with no such evidence is about
the repository as a whole ("no Dependabot configuration"): code scanning would show it as an alert
on some unrelated file, so it is left out unless asked for (`repo_level=True`, the CLI's
`--sarif-repo-level`), when it is placed at the README's first line. Which findings were left out is
in the run's properties. Each rule's `helpUri` is its section of the rule documentation page
(`vana-audit rules docs`) at a base URL the user configures; without one there is no `helpUri`
(the full documentation is in `help` either way).
"""

from __future__ import annotations

import json
import os
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
DOCS_URL_ENV = "VANA_AUDIT_RULES_DOCS_URL"
REPO_LEVEL = "repository-level finding: about the repository as a whole, not a line of this file"


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


def help_uri(rule_id: str, docs_url: str | None) -> str | None:
    """The rule's section of the documentation page: `<docs_url>#<RULE-ID>` (an earlier fragment replaced)."""
    if not docs_url:
        return None
    return f"{docs_url.split('#', 1)[0]}#{quote(rule_id, safe='-_.')}"


def _descriptor(rule: RuleMeta, docs_url: str | None, stack: str | None = None) -> dict[str, Any]:
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
    uri = help_uri(rule.id, docs_url)
    if uri:
        descriptor["helpUri"] = uri
    return descriptor


def _uri(path: str) -> str:
    return quote(path.lstrip("/"), safe="/-_.~@+")


def _location(path: str, line: int | None, snippet: str = "", message: str = "") -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path), "uriBaseId": SRCROOT}}
    if line:
        physical["region"] = {"startLine": int(line)}
        if snippet:
            physical["region"]["snippet"] = {"text": snippet}
    location: dict[str, Any] = {"physicalLocation": physical}
    if message:
        location["message"] = {"text": message}
    return location


class _Tree:
    """Which paths are files of the scanned tree (ScanResult.present_paths; when a result does not
    say, any named file but the root)."""

    def __init__(self, result: ScanResult) -> None:
        self._present = result.present_paths

    def __contains__(self, path: str) -> bool:
        if self._present is not None:
            return path in self._present
        return bool(path.strip("/.")) and not path.endswith("/")


def _evidence_locations(finding: Finding, tree: _Tree) -> list[dict[str, Any]]:
    """One location per cited file in the tree: the cited line, else line 1 of the file it names."""
    out = []
    for item in finding.evidence:
        if item.path not in tree:
            continue
        if item.line:
            out.append(_location(item.path, item.line, item.snippet))
        else:
            out.append(_location(item.path, 1, message="the finding is about this file as a whole"))
    return out


def _readme(result: ScanResult, tree: _Tree) -> str | None:
    docs = result.inventory.docs
    readmes = [p for p in docs if isinstance(p, str) and p.lower().startswith("readme") and p in tree]
    return readmes[0] if readmes else None


def _result(finding: Finding, index: int, locations: list[dict[str, Any]], stack: str | None) -> dict[str, Any]:
    rule = finding.rule
    out: dict[str, Any] = {
        "ruleId": rule.id,
        "ruleIndex": index,
        "level": LEVELS[rule.severity],
        "kind": "fail",
        "message": {"text": f"{finding.message}. Fix: {rule.remediation_for(stack)}"},
        "locations": locations[:1],
        "partialFingerprints": {"vanaAuditFingerprint/v1": finding.fingerprint},
        "properties": {
            "outcome": finding.outcome.value,
            "priority": finding.priority.value,
            "confidence": finding.confidence.value,
            "category": rule.category.value,
            "effort": rule.effort_text,
        },
    }
    related = [dict(loc, id=n) for n, loc in enumerate(locations[1 : MAX_RELATED + 1], 1)]
    if related:
        out["relatedLocations"] = related
    return out


def sarif_log(result: ScanResult, *, repo_level: bool = False, docs_url: str | None = None) -> dict[str, Any]:
    """The SARIF log; `repo_level` includes findings about the whole repository (at the README's
    first line), `docs_url` is the rule documentation page each `helpUri` points into."""
    rules = list({r.id: r for r in (*result.rules, *(f.rule for f in result.findings))}.values())
    index = {r.id: n for n, r in enumerate(rules)}
    tree = _Tree(result)
    readme = _readme(result, tree) if repo_level else None
    results, left_out = [], []
    for finding in (f for f in result.findings if f.failing):
        locations = _evidence_locations(finding, tree)
        if not locations and readme is not None:
            locations = [_location(readme, 1, message=REPO_LEVEL)]
        if locations:
            results.append(_result(finding, index[finding.rule.id], locations, result.stack))
        else:
            left_out.append(finding.rule.id)
    notifications = []
    for problem in result.problems:
        notification: dict[str, Any] = {"level": "warning", "message": {"text": f"{problem.path}: {problem.message}"}}
        if problem.path in tree:
            notification["locations"] = [_location(problem.path, None)]
        notifications.append(notification)
    invocation: dict[str, Any] = {"executionSuccessful": True, "endTimeUtc": result.generated_at}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "vana-audit",
                "semanticVersion": __version__,
                "version": __version__,
                "rules": [_descriptor(r, docs_url, result.stack) for r in rules],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The root of the scanned repository."}}},
        "invocations": [invocation],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "overall": result.score.overall,
            "percent": result.score.percent,
            "level": result.score.level,
            "status": result.score.status,
        },
    }
    if left_out:
        run["properties"]["repositoryLevelFindings"] = {
            "leftOut": left_out,
            "why": "not tied to a file of the repository; include them with --sarif-repo-level"
            if not repo_level else "the repository has no README to place them at",
        }
    if result.target.head_sha or result.target.ref:
        run["properties"]["revision"] = {"ref": result.target.ref, "sha": result.target.head_sha}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render_sarif(source: ScanResult | Report, *, repo_level: bool = False, docs_url: str | None = None) -> str:
    """SARIF text; `docs_url` defaults to the VANA_AUDIT_RULES_DOCS_URL environment variable."""
    result = source.result if isinstance(source, Report) else source
    if docs_url is None:
        docs_url = os.environ.get(DOCS_URL_ENV) or None
    return json.dumps(sarif_log(result, repo_level=repo_level, docs_url=docs_url), indent=2, ensure_ascii=False) + "\n"
