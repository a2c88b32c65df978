"""The DORA section of the report, from the scan's typed `ScanResult.dora` (results.DoraResult)."""

from __future__ import annotations

from typing import Any

from ..results import BandTable, DoraEstimates, DoraResult, DoraWindow, MetricEstimate
from .model import DoraBand, DoraEstimateRow, DoraMetricBands, DoraReadinessRow, DoraSection

METRIC_NAMES = {
    "deployment_frequency": "Deployment Frequency",
    "lead_time": "Lead Time for Changes",
    "change_failure_rate": "Change Failure Rate",
    "recovery_time": "Failed Deployment Recovery Time",
    "rework_rate": "Rework Rate",
}
QUIET_STATUS = ("ok", "measured", "estimated")


def metric_name(metric: str) -> str:
    return METRIC_NAMES.get(metric, metric.replace("_", " ").replace("-", " ").capitalize())


def build_dora_section(dora: DoraResult) -> DoraSection:
    bands = _bands(dora.bands)
    units = {b.metric: b.unit for b in bands}
    estimates: tuple[DoraEstimateRow, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    if dora.estimates is None:
        note = "This scan carries no estimates from git history."
    else:
        estimates, note, facts = _estimates(dora.estimates, units)
    if not estimates and dora.estimates_reason:
        note = f"No estimates: {dora.estimates_reason}."
    if not any(key == "window" for key, _ in facts) and dora.window is not None:
        facts += (("window", window_text(dora.window)),)  # the window tried, when nothing was estimated
    rows = tuple(
        DoraReadinessRow(metric=m.metric, name=m.name or metric_name(m.metric), trackable=m.trackable,
                         evidence=m.evidence, missing=m.missing)
        for m in dora.readiness.metrics
    )
    return DoraSection(
        present=True,
        score=dora.readiness.score,
        max=dora.readiness.max,
        readiness=rows,
        estimates=estimates,
        estimates_note=note,
        bands=bands,
        bands_source=dora.bands.source,
        year=dora.year,
        facts=facts,
    )


def _bands(table: BandTable) -> tuple[DoraMetricBands, ...]:
    return tuple(
        DoraMetricBands(
            m.metric, metric_name(m.metric), m.unit, m.better == "higher",
            tuple(DoraBand(b.cluster, _float(b.min), _float(b.max), b.published) for b in m.bands),
        )
        for m in table.metrics
    )


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _estimates(raw: DoraEstimates, units: dict[str, str]) -> tuple[tuple[DoraEstimateRow, ...], str,
                                                                     tuple[tuple[str, str], ...]]:
    basis = raw.basis_description or raw.basis_label or raw.basis or ""
    rows = tuple(_estimate_row(m, units.get(m.metric, "")) for m in raw.metrics)
    facts: list[tuple[str, str]] = []
    if basis and rows:
        facts.append(("basis", basis))
    if raw.window is not None:
        facts.append(("window", window_text(raw.window)))
    facts.append(("deployments", str(raw.deployments)))
    return rows, "", tuple(facts)


def _estimate_row(estimate: MetricEstimate, band_unit: str) -> DoraEstimateRow:
    number = _float(estimate.value)
    unit = estimate.unit or band_unit
    text = estimate.display or (format_value(number, unit) if number is not None else "insufficient data")
    note = estimate.reason or estimate.cluster_withheld or ""
    if not note and estimate.status and estimate.status not in QUIET_STATUS:
        note = estimate.status.replace("_", " ")
    return DoraEstimateRow(
        estimate.metric,
        estimate.name or metric_name(estimate.metric),
        number,
        text,
        unit,
        estimate.cluster or "",
        "",
        estimate.confidence or "",
        note,
        bool(estimate.cluster_withheld),
    )


def _text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def window_text(window: DoraWindow | None) -> str:
    """'180 days (2025-01-02 to 2025-07-01), widened from 90 days: 1 deployment in 90 days'; '' for no window."""
    if window is None:
        return ""
    days, start, end = window.days, window.start[:10], window.end[:10]
    text = f"{days:g} days" if isinstance(days, (int, float)) else ""
    text = (text + (f" ({start} to {end})" if start and end else "")).strip()
    if text and window.widened:
        because = f": {window.widened_because}" if window.widened_because else ""
        text += f", widened from {_text(window.requested_days)} days{because}"
    effective = window.effective_days
    if text and effective is not None and isinstance(days, (int, float)) and effective < days - 0.5:
        text += f"; the history covers {effective:g} of them"
    return text


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "hours":
        if value < 1:
            return f"{value * 60:.0f} min"
        if value < 48:
            return f"{value:.1f} h"
        return f"{value / 24:.1f} days"
    if unit.startswith("share") or unit in ("ratio", "rate"):
        return f"{value * 100:.0f}%" if value <= 1 else f"{value:.0f}%"
    if "per week" in unit:
        return f"{value:.2g} deploy days/week" if "deploy days" in unit else f"{value:.2g}/week"
    return f"{value:g} {unit}".strip()
