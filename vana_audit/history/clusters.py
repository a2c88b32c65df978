"""The DORA software-delivery performance clusters (State of DevOps reports 2021, 2023, 2024) as bands.

The published clusters overlap and leave gaps, so they are read as non-overlapping bands, best
first: clusters that share a range are merged ("High/Medium"), a gap is closed by extending the
worse cluster up to the better one's bound, and a single published rate is the band's upper
bound. Deployment frequency is measured in deploy days per week, so "on demand" is read as
deploying on at least five days a week, every working day.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DORA_YEARS = (2024, 2023, 2021)
DEFAULT_YEAR = 2024

ON_DEMAND = 5.0  # deploy days per week
WEEKLY = 1.0
MONTHLY = 7 / 30
HALF_YEARLY = 7 / 182.5
HOUR = 1.0
DAY_H = 24.0
WEEK_H = 168.0
MONTH_H = 720.0
HALF_YEAR_H = 4380.0

BAND_RULE = (
    "Published clusters read as non-overlapping bands, best first: clusters sharing a range are merged, "
    "a gap between clusters goes to the worse one, a single published rate is an upper bound; "
    "'on demand' means deploying on at least 5 days a week. Lower-is-better bands include their upper "
    "bound; higher-is-better bands include their lower bound."
)


@dataclass(frozen=True)
class Band:
    cluster: str
    bound: float | None  # upper bound when lower is better, lower bound when higher is better; None: open
    published: str


@dataclass(frozen=True)
class MetricBands:
    metric: str
    unit: str
    higher_is_better: bool
    bands: tuple[Band, ...]  # best first

    def classify(self, value: float) -> str:
        for band in self.bands:
            if band.bound is None:
                return band.cluster
            if (value >= band.bound) if self.higher_is_better else (value <= band.bound):
                return band.cluster
        return self.bands[-1].cluster

    def to_dict(self) -> dict[str, Any]:
        rows: list[dict[str, Any]] = []
        previous = None
        for band in self.bands:
            low, high = (band.bound, previous) if self.higher_is_better else (previous, band.bound)
            rows.append(
                {"cluster": band.cluster, "min": _round(low or 0.0), "max": _round(high), "published": band.published}
            )
            previous = band.bound
        return {"unit": self.unit, "better": "higher" if self.higher_is_better else "lower", "bands": rows}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _frequency(*bands: Band) -> MetricBands:
    return MetricBands("deployment_frequency", "deploy days per week", True, bands)


def _hours(metric: str, *bands: Band) -> MetricBands:
    return MetricBands(metric, "hours", False, bands)


def _rate(*bands: Band) -> MetricBands:
    return MetricBands("change_failure_rate", "share of deployments", False, bands)


CLUSTERS: dict[int, tuple[MetricBands, ...]] = {
    2024: (
        _frequency(
            Band("Elite", ON_DEMAND, "On demand (multiple deploys per day)"),
            Band("High", WEEKLY, "Between once per day and once per week"),
            Band("Medium", MONTHLY, "Between once per week and once per month"),
            Band("Low", None, "Between once per month and once every six months"),
        ),
        _hours(
            "lead_time",
            Band("Elite", DAY_H, "Less than one day"),
            Band("High", WEEK_H, "Between one day and one week"),
            Band("Medium", MONTH_H, "Between one week and one month"),
            Band("Low", None, "Between one month and six months"),
        ),
        _rate(
            Band("Elite", 0.05, "5%"), Band("High/Medium", 0.20, "20% (High), 10% (Medium)"), Band("Low", None, "40%")
        ),
        _hours(
            "recovery_time",
            Band("Elite", HOUR, "Less than one hour"),
            Band("High/Medium", DAY_H, "Less than one day (High and Medium)"),
            Band("Low", None, "Between one week and one month"),
        ),
    ),
    2023: (
        _frequency(
            Band("Elite", ON_DEMAND, "On demand (multiple deploys per day)"),
            Band("High", WEEKLY, "Between once per day and once per week"),
            Band("Medium/Low", None, "Between once per week and once per month (Medium and Low)"),
        ),
        _hours(
            "lead_time",
            Band("Elite", DAY_H, "Less than one day"),
            Band("High", WEEK_H, "Between one day and one week"),
            Band("Medium/Low", None, "Between one week and one month (Medium and Low)"),
        ),
        _rate(
            Band("Elite", 0.05, "5%"), Band("High", 0.10, "10%"), Band("Medium", 0.15, "15%"), Band("Low", None, "64%")
        ),
        _hours(
            "recovery_time",
            Band("Elite", HOUR, "Less than one hour"),
            Band("High", DAY_H, "Less than one day"),
            Band("Medium", WEEK_H, "Between one day and one week"),
            Band("Low", None, "Between one month and six months"),
        ),
    ),
    2021: (
        _frequency(
            Band("Elite", ON_DEMAND, "On-demand (multiple deploys per day)"),
            Band("High", MONTHLY, "Between once per week and once per month"),
            Band("Medium", HALF_YEARLY, "Between once per month and once every 6 months"),
            Band("Low", None, "Fewer than once per six months"),
        ),
        _hours(
            "lead_time",
            Band("Elite", HOUR, "Less than one hour"),
            Band("High", WEEK_H, "Between one day and one week"),
            Band("Medium", HALF_YEAR_H, "Between one month and six months"),
            Band("Low", None, "More than six months"),
        ),
        _rate(Band("Elite", 0.15, "0-15%"), Band("High/Medium/Low", None, "16-30% (High, Medium and Low)")),
        _hours(
            "recovery_time",
            Band("Elite", HOUR, "Less than one hour"),
            Band("High", DAY_H, "Less than one day"),
            Band("Medium", WEEK_H, "Between one day and one week"),
            Band("Low", None, "More than six months"),
        ),
    ),
}


def bands_for(year: int) -> dict[str, MetricBands]:
    if year not in CLUSTERS:
        raise ValueError(f"no DORA clusters for {year}; choose one of {', '.join(map(str, DORA_YEARS))}")
    return {bands.metric: bands for bands in CLUSTERS[year]}


def bands_dict(year: int) -> dict[str, Any]:
    return {
        "year": year,
        "source": f"Accelerate State of DevOps Report {year}",
        "rule": BAND_RULE,
        "metrics": {metric: bands.to_dict() for metric, bands in bands_for(year).items()},
    }
