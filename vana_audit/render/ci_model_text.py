"""`vana-audit ci explain`: the CI model as vana-audit sees it, as text (one block per job, each
invocation with the chain of lines that leads to it) or as JSON (redacted)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..facts import CiJob
from ..redaction import redact_value
from .text import plain


def render_ci_model_json(jobs: Iterable[CiJob], notes: Iterable[str]) -> str:
    model_json = {"jobs": [_job_json(j) for j in jobs], "notes": list(notes)}
    return json.dumps(redact_value(model_json), indent=2, default=str) + "\n"


def render_ci_model_text(jobs: list[CiJob], notes: Iterable[str], chains: bool = True) -> str:
    lines = []
    if not jobs:
        lines.append("No CI jobs found.")
    for job in jobs:
        triggers = ", ".join(sorted(job.triggers)) or "none found"
        matrix = "" if job.matrix_size == 1 else f"  matrix: {job.matrix_size or 'not literal'}"
        lines.append(plain(f"{job.provider} {job.path}:{job.line} {job.job_id}"
                           + (f" ({job.name})" if job.name != job.job_id else "")))
        lines.append(plain(f"  triggers: {triggers}{matrix}"))
        if not job.invocations:
            lines.append("  (runs nothing vana-audit can see)")
        for invocation in job.invocations:
            mark = "" if invocation.can_fail else "  [cannot fail the job]"
            detail = _detail(invocation.extra)
            lines.append(plain(f"  {invocation.kind:<13} {invocation.value}{detail}{mark}"))
            if chains and invocation.chain:
                hops = " -> ".join(f"{link.path}:{link.line or '?'} {link.text}" for link in invocation.chain)
                lines.append(plain(f"  {'':<13} {hops}"))
        lines.append("")
    lines += [plain(f"note: {note}") for note in notes]
    return "".join(line + "\n" for line in lines)


def _detail(extra: dict[str, Any]) -> str:
    parts = []
    if "reaches" in extra:
        parts.append(f"phase {extra.get('phase') or '?'}, {'runs' if extra['reaches'] else 'not reached'}"
                     if extra["reaches"] is not None else f"phase {extra.get('phase') or '?'}")
    if extra.get("repo"):
        parts.append(str(extra["repo"]))
    if extra.get("implicit"):
        parts.append("default lifecycle")
    if extra.get("ref"):
        parts.append(f"@{extra['ref']}")
    return f"  ({'; '.join(parts)})" if parts else ""


def _job_json(job: Any) -> dict[str, Any]:
    return {
        "provider": job.provider, "path": job.path, "job_id": job.job_id, "name": job.name, "line": job.line,
        "triggers": sorted(job.triggers), "matrix_size": job.matrix_size,
        "invocations": [{"kind": i.kind, "value": i.value, "argv": list(i.argv), "can_fail": i.can_fail,
                         "extra": i.extra, "chain": [{"path": k.path, "line": k.line, "text": k.text}
                                                     for k in i.chain]} for i in job.invocations],
    }
