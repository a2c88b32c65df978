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
    facts = dict(dora.facts)
    for bands in dora.bands:
        if not bands.bands:
            continue
        best = bands.bands[0]
        estimate = estimates.get(bands.metric)
        measured = estimate is not None and estimate.value is not None
        if estimate is not None and measured:
            current = estimate.value_text + (f" ({estimate.cluster})" if estimate.cluster else "")
            if estimate.band_withheld:
                current += " (no band: not trackable)"
        else:
            why = estimate.note if estimate is not None else ""  # the section says why nothing was estimated
            current = "not measured" + (f": {why}" if why else "")
        met = bool(estimate and estimate.cluster and estimate.cluster == best.cluster)
        if met:
            delta = "met"
        elif estimate is not None and measured and estimate.cluster:
            delta = "reach " + best.cluster
        elif measured:
            delta = "make it trackable first (see DORA readiness)"
        else:
            delta = "measure first (see how)"
        rows.append(
            SuccessMetric(
                bands.name,
                current,
                f"{best.cluster}: {best.published}",
                delta,
                met,
                "dora",
                measurement_method(bands.metric, facts.get("basis", ""), facts.get("window", "")),
            )
        )
    return tuple(rows)


# What each DORA number counts, in the words of history/dora.py (the code is the definition).
DEPLOYMENT = ("a deployment is a deploy-style tag (release-*, deploy-*, prod*, hotfix-*), else a semantic-version "
              "release tag (pre-releases left out), else, when a pipeline deploys every push to the default "
              "branch, each first-parent commit of that branch")
METHODS = {
    "deployment_frequency": "days with at least one deployment, per week of the window",
    "lead_time": ("median time from the author date of each human, non-merge commit to the first deployment "
                  "that contains it (p90 alongside)"),
    "change_failure_rate": ("share of deployments followed by a revert of their changes, a rollback to an "
                            "earlier version or a hotfix release"),
    "recovery_time": ("median time from a failed deployment to the deployment that remedied it (the one "
                      "shipping the revert, the rollback or the hotfix)"),
    "rework_rate": "share of deployments made to remedy a failed one",
}
WINDOW = ("over the history window (90 days by default) before the newest commit or deployment, widened to 180 "
          "days and then a year when it holds fewer than 3 deployments")


def measurement_method(metric: str, basis: str, window: str) -> str:
    """How a DORA metric is measured from git history: what it counts between which events; the deployment
    frequency's text also says what counts as a deployment and over which window (the others share both)."""
    what = METHODS.get(metric, "")
    if not what:
        return ""
    if metric != "deployment_frequency":
        return f"{what[:1].upper()}{what[1:]}."
    counted = f"deployments counted: {basis}" if basis else DEPLOYMENT
    over = f"over {window}" if window else WINDOW
    return f"{what[:1].upper()}{what[1:]}; {counted}; {over}."
