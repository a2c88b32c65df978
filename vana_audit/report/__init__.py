"""The report model: one immutable object with every section of the review, built from a ScanResult."""

from __future__ import annotations

from ..model import ScanResult
from .build import build_report, settings_from_result
from .model import Report, ReportSettings


def as_report(source: ScanResult | Report) -> Report:
    """Renderers accept either; a bare ScanResult gets the default (or its configured) settings."""
    return source if isinstance(source, Report) else build_report(source)


__all__ = ["Report", "ReportSettings", "as_report", "build_report", "settings_from_result"]
