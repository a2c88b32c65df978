"""How much of the score MAE a calibration could remove: fit, in sample, the best straight line from the
scanner's category score to a labeller's, per category, and report the MAE that line would leave.

    python benchmarks/accuracy/run.py --jobs 2 --save-scans /tmp/scans
    python benchmarks/accuracy/calibration.py /tmp/scans            # labeller A (labels/)
    python benchmarks/accuracy/calibration.py /tmp/scans --labels labels-b

What the line cannot remove is the order in which scanner and reader rank the repositories: an offset or
a stretch of the scale is a weight to tune, a different ranking is a different judgement. The fit is in
sample, so the number is a floor no re-weighting of this scanner's findings can beat on this corpus.
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


def pairs(scans: Path, labels: Path) -> dict[str, list[tuple[float, float]]]:
    """Per category, (scanner score, label score) for every repository both score."""
    found: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for label_path in sorted(labels.glob("*+*.yaml")):
        scan_path = scans / f"{label_path.stem}.json"
        if not scan_path.exists():
            continue
        wanted = (yaml.safe_load(label_path.read_text()) or {}).get("scores") or {}
        scored = {c["id"]: c["score"] for c in json.loads(scan_path.read_text())["categories"]}
        for category, value in wanted.items():
            if value is not None and scored.get(category) is not None:
                found[category].append((float(scored[category]), float(value)))
    return found


def fitted_mae(points: list[tuple[float, float]]) -> float:
    xs, ys = [x for x, _ in points], [y for _, y in points]
    slope = statistics.covariance(xs, ys) / statistics.variance(xs) if statistics.variance(xs) else 0.0
    intercept = statistics.mean(ys) - slope * statistics.mean(xs)
    return sum(abs(min(5.0, max(1.0, intercept + slope * x)) - y) for x, y in points) / len(points)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scans", type=Path, help="folder of scans saved by run.py --save-scans")
    parser.add_argument("--labels", default="labels", help="labels folder under benchmarks/accuracy/")
    args = parser.parse_args()
    found = pairs(args.scans, HERE / args.labels)
    total = sum(len(p) for p in found.values())
    if not total:
        raise SystemExit("no repository is both scanned and labelled")
    now = sum(abs(x - y) for p in found.values() for x, y in p) / total
    best = sum(fitted_mae(p) * len(p) for p in found.values() if len(p) > 2) / sum(
        len(p) for p in found.values() if len(p) > 2)
    print(f"{total} category scores: MAE {now:.2f}; with the best line per category (in sample) {best:.2f}")
    for category, points in sorted(found.items()):
        if len(points) > 2:
            print(f"  {category:10} n={len(points):3}  MAE {sum(abs(x - y) for x, y in points) / len(points):.2f}"
                  f"  -> {fitted_mae(points):.2f}")


if __name__ == "__main__":
    main()
