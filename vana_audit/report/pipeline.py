"""The report's CI pipeline section, from the scan's `inventory.pipeline` (vana_audit/pipeline.py)."""

from __future__ import annotations

from ..model import ScanResult
from ..pipeline import CAPABILITIES
from .model import PipelineSection, PipelineStage


def build_pipeline_section(result: ScanResult) -> PipelineSection:
    """Empty (not `present`) for a result recorded before scans wrote the pipeline, or with no CI and no hooks."""
    raw = result.inventory.get("pipeline") or {}
    labels = dict(CAPABILITIES)
    stages = tuple(
        PipelineStage(
            id=str(stage["id"]),
            title=str(stage["title"]),
            jobs=int(stage.get("jobs") or 0),
            tools=tuple((labels[cap], tuple(tools)) for cap, tools in stage["capabilities"].items() if cap in labels),
        )
        for stage in raw.get("stages") or ()
    )
    return PipelineSection(
        stages=stages,
        jobs_total=int(raw.get("jobs_total") or len(raw.get("jobs") or ())),
        providers=tuple(result.inventory.get("ci_providers") or ()),
    )
