"""Success metrics: where each number stands, the target, and the distance between them."""

from __future__ import annotations

from ..model import ScanResult
from .model import CategoryRow, DoraSection, ReportSettings, SuccessMetric


def score_delta(current: float, target: float) -> str:
    if current >= target:
        return "met"
    relative = f" (+{(target - current) / current * 100:.0f}%)" if current > 0 else ""
    return f"+{target - current:.1f}{relative}"


def build_metrics(
    result: ScanResult, categories: tuple[CategoryRow, ...], dora: DoraSection, settings: ReportSettings, blockers: int
) -> tuple[SuccessMetric, ...]:
    s, target = result.score, settings.target_overall
    rows = [
        SuccessMetric(
            "Overall maturity score",
            f"{s.overall:.1f}/5 ({s.percent:.0f}%)",
            f"{target:.1f}/5 ({target / 5 * 100:.0f}%)",
            score_delta(s.overall, target),
            s.overall >= target,
            "maturity",
        )
    ]
    for c in categories:
        if c.score is None:
            continue
        rows.append(
            SuccessMetric(
                c.title,
                f"{c.score:.1f}/5",
                f"{c.target:.1f}/5",
                score_delta(c.score, c.target),
                c.score >= c.target,
                "maturity",
            )
        )
    rows.append(
        SuccessMetric(
            "Production blockers (failing P0 findings)",
            str(blockers),
            "0",
            "met" if not blockers else f"-{blockers}",
            not blockers,
            "delivery",
        )
    )
    if dora.present:
        rows.append(
            SuccessMetric(
                "DORA metrics trackable",
                f"{dora.score}/{dora.max}",
                f"{dora.max}/{dora.max}",
                "met" if dora.score >= dora.max else f"+{dora.max - dora.score}",
                dora.score >= dora.max,
                "dora",
            )
        )
    estimates = {e.metric: e for e in dora.estimates}
    for bands in dora.bands:
        if not bands.bands:
            continue
        best = bands.bands[0]
        estimate = estimates.get(bands.metric)
        current = "not measured"
        if estimate is not None and estimate.value is not None:
            current = estimate.value_text + (f" ({estimate.cluster})" if estimate.cluster else "")
        elif estimate is not None and estimate.note:
            current = estimate.note
        met = bool(estimate and estimate.cluster and estimate.cluster == best.cluster)
        rows.append(
            SuccessMetric(
                bands.name,
                current,
                f"{best.cluster}: {best.published}",
                "met" if met else "reach " + best.cluster,
                met,
                "dora",
            )
        )
    return tuple(rows)
