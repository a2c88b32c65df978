"""The report's CI pipeline section, from the scan's `inventory.pipeline` (vana_audit/pipeline.py)."""

from __future__ import annotations

from ..model import ScanResult
from ..pipeline import CAPABILITIES
from .model import PipelineSection, PipelineStage


def build_pipeline_section(result: ScanResult) -> PipelineSection:
    """Empty (not `present`) for a result recorded before scans wrote the pipeline, or with no CI and no hooks."""
    pipeline = result.inventory.pipeline
    labels = dict(CAPABILITIES)
    stages = tuple(
        PipelineStage(
            id=stage.id,
            title=stage.title,
            jobs=stage.jobs,
            tools=tuple((labels[cap], tools) for cap, tools in stage.capabilities.items() if cap in labels),
        )
        for stage in pipeline.stages
    )
    return PipelineSection(
        stages=stages,
        jobs_total=pipeline.jobs_total or len(pipeline.jobs),
        providers=result.inventory.ci_providers,
    )
