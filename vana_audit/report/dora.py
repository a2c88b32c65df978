"""The DORA section, read defensively from `ScanResult.dora`, whatever keys it holds.

Expected keys: `readiness` {score, max, metrics: [{metric, name, trackable, evidence, missing}]},
`estimates` (per metric: a value or a median, a unit, a cluster, the basis and confidence, or the
reason there is none), `bands` ({metrics: {metric: {unit, better, bands: [{cluster, min, max,
published}]}}}) and `year`. A key that is absent or shaped differently is skipped, never fatal.
"""

from __future__ import annotations

from typing import Any

from .model import DoraBand, DoraEstimateRow, DoraMetricBands, DoraReadinessRow, DoraSection

METRIC_NAMES = {
    "deployment_frequency": "Deployment Frequency",
    "lead_time": "Lead Time for Changes",
    "change_failure_rate": "Change Failure Rate",
    "recovery_time": "Failed Deployment Recovery Time",
    "rework_rate": "Rework Rate",
}
VALUE_KEYS = (
    "value",
    "median",
    "median_hours",
    "hours",
    "per_week",
    "days_per_week",
    "deploy_days_per_week",
    "rate",
    "share",
)
CLUSTER_KEYS = ("cluster", "band", "classification", "performance")
NOTE_KEYS = ("reason", "note", "insufficient_data", "message", "cluster_withheld")
SKIP_FACTS = {
    "metrics",
    "readiness",
    "estimates",
    "bands",
    "basis",
    "basis_label",
    "basis_description",
    "components",
    "details",
}
QUIET_STATUS = ("ok", "measured", "estimated")


def metric_name(metric: str) -> str:
    return METRIC_NAMES.get(metric, metric.replace("_", " ").replace("-", " ").capitalize())


def build_dora_section(dora: Any) -> DoraSection:
    dora = dora if isinstance(dora, dict) else {}
    readiness = dora.get("readiness") if isinstance(dora.get("readiness"), dict) else {}
    bands = _bands(dora.get("bands"), dora.get("year"))
    units = {b.metric: b.unit for b in bands}
    estimates, note, facts = _estimates(dora.get("estimates"), units)
    if not estimates and dora.get("estimates_reason"):
        note = f"No estimates: {_text(dora['estimates_reason'])}."
    if not any(key == "window" for key, _ in facts) and isinstance(dora.get("window"), dict):
        facts += (("window", _window(dora["window"])),)  # the window tried, when nothing was estimated
    raw_metrics = readiness.get("metrics")
    metrics: list[Any] = raw_metrics if isinstance(raw_metrics, list) else []
    rows = tuple(
        DoraReadinessRow(
            metric=str(m.get("metric", "")),
            name=str(m.get("name") or metric_name(str(m.get("metric", "")))),
            trackable=bool(m.get("trackable")),
            evidence=_strings(m.get("evidence")),
            missing=_strings(m.get("missing")),
        )
        for m in metrics
        if isinstance(m, dict)
    )
    source = ""
    if isinstance(dora.get("bands"), dict):
        source = str(dora["bands"].get("source") or "")
    elif bands:
        source = f"Accelerate State of DevOps Report {dora.get('year')}"
    return DoraSection(
        present=bool(dora),
        score=_int(readiness.get("score"), sum(r.trackable for r in rows)),
        max=_int(readiness.get("max"), 4),
        readiness=rows,
        estimates=estimates,
        estimates_note=note,
        bands=bands,
        bands_source=source,
        year=dora.get("year"),
        facts=facts,
    )


def _int(value: Any, default: int) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(_text(v) for v in value)
    return (_text(value),)


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _bands(raw: Any, year: Any) -> tuple[DoraMetricBands, ...]:
    if raw is None and isinstance(year, int):
        try:  # the published clusters ship with the history package
            from ..history.clusters import bands_dict

            raw = bands_dict(year)
        except Exception:  # noqa: BLE001 - no bands is a valid report
            return ()
    metrics = raw.get("metrics") if isinstance(raw, dict) else None
    if not isinstance(metrics, dict):
        return ()
    out = []
    for metric, spec in metrics.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("bands"), list):
            continue
        bands = tuple(
            DoraBand(
                str(b.get("cluster", "")), _number(b.get("min")), _number(b.get("max")), str(b.get("published", ""))
            )
            for b in spec["bands"]
            if isinstance(b, dict)
        )
        out.append(
            DoraMetricBands(
                str(metric), metric_name(str(metric)), str(spec.get("unit", "")), spec.get("better") == "higher", bands
            )
        )
    return tuple(out)


def _estimates(raw: Any, units: dict[str, str]) -> tuple[tuple[DoraEstimateRow, ...], str, tuple[tuple[str, str], ...]]:
    if raw is None:
        return (), "This scan carries no estimates from git history.", ()
    if not isinstance(raw, (dict, list)):
        return (), _text(raw), ()
    container: Any = raw.get("metrics", raw) if isinstance(raw, dict) else raw
    pairs: list[tuple[str, Any]] = []
    if isinstance(container, dict):
        pairs = [(str(k), v) for k, v in container.items()]
    elif isinstance(container, list):
        pairs = [(str(v.get("metric", "")), v) for v in container if isinstance(v, dict)]
    top = raw if isinstance(raw, dict) else {}
    basis = next((top[k] for k in ("basis_description", "basis_label", "basis") if top.get(k)), "")
    default_basis = _text(basis) if not isinstance(basis, (list, tuple)) else ""
    rows, facts = [], []
    for key, value in pairs:
        if key in METRIC_NAMES or isinstance(value, dict):
            rows.append(_estimate_row(key, value, units.get(key, ""), default_basis))
        elif (
            container is top
            and key not in SKIP_FACTS
            and key not in NOTE_KEYS + ("status",)
            and value not in (None, "", [], {})
        ):
            facts.append((key.replace("_", " "), _text(value)))
    if container is not top:
        facts += [
            (k.replace("_", " "), _window(v) if k == "window" and isinstance(v, dict) else _text(v))
            for k, v in top.items()
            if k not in SKIP_FACTS
            and k not in NOTE_KEYS + ("status",)
            and v not in (None, "", {}, [])
            and (not isinstance(v, (dict, list)) or k == "window")
        ]
    if default_basis and rows:
        facts.insert(0, ("basis", default_basis))
    note = next((_text(top[k]) for k in NOTE_KEYS if top.get(k) not in (None, "", True, False)), "")
    if not note and isinstance(top.get("status"), str):
        note = top["status"].replace("_", " ")
    return tuple(rows), note, tuple(facts)


def _estimate_row(metric: str, value: Any, band_unit: str, default_basis: str) -> DoraEstimateRow:
    if not isinstance(value, dict):
        number = _number(value)
        return DoraEstimateRow(
            metric,
            metric_name(metric),
            number,
            format_value(number, band_unit) if number is not None else _text(value),
            band_unit,
            "",
            default_basis,
            "",
            "",
        )
    number = next((_number(value[k]) for k in VALUE_KEYS if _number(value.get(k)) is not None), None)
    unit = str(value.get("unit") or band_unit)
    text = value.get("text") or value.get("display")
    if not text and number is not None:
        text = format_value(number, unit)
        p90 = _number(value.get("p90")) or _number(value.get("p90_hours"))
        if p90 is not None:
            text += f" (p90 {format_value(p90, unit)})"
    cluster = next((_text(value[k]) for k in CLUSTER_KEYS if value.get(k)), "")
    note = next((_text(value[k]) for k in NOTE_KEYS if value.get(k) not in (None, "", True, False)), "")
    status = value.get("status")
    if not note and isinstance(status, str) and status not in QUIET_STATUS:
        note = status.replace("_", " ")
    if number is None and not text:
        text = "insufficient data"
    basis = _text(value["basis"]) if value.get("basis") else ""
    return DoraEstimateRow(
        metric,
        str(value.get("name") or metric_name(metric)),
        number,
        _text(text or ""),
        unit,
        cluster,
        "" if basis == default_basis else basis,
        _text(value.get("confidence") or ""),
        note,
        bool(value.get("cluster_withheld")),
    )


def _window(window: dict[str, Any]) -> str:
    return window_text(window) or _text({k: v for k, v in window.items() if v not in (None, "", False)})


def window_text(window: Any) -> str:
    """'180 days (2025-01-02 to 2025-07-01), widened from 90 days: 1 deployment in 90 days'; '' for no window."""
    if not isinstance(window, dict):
        return ""
    days, start, end = window.get("days"), str(window.get("start", ""))[:10], str(window.get("end", ""))[:10]
    text = f"{days:g} days" if isinstance(days, (int, float)) else ""
    text = (text + (f" ({start} to {end})" if start and end else "")).strip()
    if text and window.get("widened"):
        because = f": {_text(window['widened_because'])}" if window.get("widened_because") else ""
        text += f", widened from {_text(window.get('requested_days'))} days{because}"
    effective = _number(window.get("effective_days"))
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
