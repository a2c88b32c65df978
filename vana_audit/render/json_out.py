"""JSON: the DESIGN.md contract, schema-versioned (the schema ships in vana_audit/schemas)."""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..model import ScanResult
from ..report.model import Report

SCHEMA_VERSION = "1.0"


def result_to_dict(result: ScanResult) -> dict[str, Any]:
    stack = result.stack  # each finding's remediation is the one for the repository's stack
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "vana-audit", "version": __version__},
        "generated_at": result.generated_at,
        "target": {
            "name": result.target.display_name,
            "path": result.target.path,
            "ref": result.target.ref,
            "head_sha": result.target.head_sha,
            "is_git": result.target.is_git,
            "is_shallow": result.target.is_shallow,
        },
        "score": {
            "overall": result.score.overall,
            "percent": result.score.percent,
            "level": result.score.level,
            "status": result.score.status,
        },
        "profile": result.profile.to_json(),
        "categories": [
            {
                "id": c.category.value,
                "name": c.category.title,
                "score": c.score,
                "weight": c.weight,
                "level": c.level_name,
                "status": c.status_mark + " " + c.status_text,
                "rules_passed": c.rules_passed,
                "rules_applicable": c.rules_applicable,
                "next_steps": list(c.next_steps),
            }
            for c in result.categories
        ],
        "findings": [
            {
                "rule_id": f.rule.id,
                "category": f.rule.category.value,
                "level": f.rule.level,
                "outcome": f.outcome.value,
                "severity": f.rule.severity.value,
                "priority": f.priority.value,
                "rule_priority": f.rule.priority.value,
                "confidence": f.confidence.value,
                "title": f.rule.title,
                "message": f.message,
                "evidence": [{"path": e.path, "line": e.line, "snippet": e.snippet, "confidence": e.confidence.value}
                             for e in f.evidence],
                "remediation": f.rule.remediation_for(stack),
                "effort": f.rule.effort_text,
                "fingerprint": f.fingerprint,
                "suppressed": f.suppressed_by,
            }
            for f in result.findings
        ],
        "inventory": result.inventory.to_json(),
        "dora": result.dora.to_json(),
        "problems": [{"path": p.path, "message": p.message} for p in result.problems],
    }


def render_json(source: ScanResult | Report) -> str:
    result = source.result if isinstance(source, Report) else source
    return json.dumps(result_to_dict(result), indent=2, ensure_ascii=False, default=str) + "\n"
