"""Score over time: regressions between consecutive scans, and the scans of past release tags
(`backfill`). The trend table and chart are in `render/trend.py`; the CLI writes files.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from . import store
from .gitcmd import GitError, run_git
from .model import Category
from .repository import find_git_dir
from .scan import scan as run_scan
from .secrets import redact_text
from .source import TargetError
from .store import TrendPoint

EPSILON = 0.005


@dataclass(frozen=True)
class Regression:
    point: TrendPoint
    previous: TrendPoint
    series: str  # "overall" or a category id
    before: float
    after: float

    @property
    def name(self) -> str:
        if self.series == "overall":
            return "Overall"
        return Category(self.series).title

    def describe(self) -> str:
        where = self.point.ref or (self.point.head_sha or "")[:10] or "working tree"
        return (
            f"{self.point.generated_at[:10]} {where}: {self.name} {self.before:.2f} → {self.after:.2f} "
            f"({self.after - self.before:+.2f})"
        )


def series_value(point: TrendPoint, series: str) -> float | None:
    return point.overall if series == "overall" else point.categories.get(series)


def find_regressions(points: list[TrendPoint]) -> list[Regression]:
    """Every drop of the overall or a category score from one stored scan to the next."""
    found = []
    for previous, point in itertools.pairwise(points):
        for series in ["overall"] + [c.value for c in Category]:
            before, after = series_value(previous, series), series_value(point, series)
            if before is not None and after is not None and after < before - EPSILON:
                found.append(Regression(point, previous, series, before, after))
    return found


@dataclass(frozen=True)
class TrendView:
    """What `vana-audit trend` shows: the newest `last` points, the regressions among them, and whether
    the newest scan of all regressed (the gate looks at that, whatever `--last` shows)."""

    points: list[TrendPoint]
    regressions: list[Regression]
    latest_regressed: bool


def trend_view(points: list[TrendPoint], last: int | None = None) -> TrendView:
    all_regressions = find_regressions(points)
    latest_regressed = bool(points) and any(r.point is points[-1] for r in all_regressions)
    if last:
        points = points[-last:]
    return TrendView(points, [r for r in all_regressions if r.point in points], latest_regressed)


# Release tags: v1.2.3, 1.2, pkg@1.2.3, release-2024.10.1; pre-releases (-rc1, -beta) are not releases.
RELEASE_TAG = re.compile(r"^(?:.*[@/_-])?v?\d+(?:\.\d+){1,3}$")


def _iso_utc(text: str) -> str:
    stamp = dt.datetime.fromisoformat(text)
    return stamp.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def release_tags(repo: Path, pattern: str | None) -> list[tuple[str, str, str]]:
    """(tag, creation date in UTC, commit) for release tags, oldest first.

    The date of an annotated tag is its tagger date, of a lightweight tag its commit's date.
    """
    git_dir, _ = find_git_dir(repo)
    if git_dir is None:
        raise TargetError(f"not a git repository: {repo}")
    fmt = "--format=%(refname:strip=2)%00%(creatordate:iso-strict)%00%(objectname)%00%(*objectname)"
    out = run_git(git_dir, "for-each-ref", fmt, "refs/tags")
    tags = []
    for line in out.decode("utf-8", "replace").splitlines():
        fields = line.split("\0")
        if len(fields) != 4 or not fields[1]:
            continue
        name, created, target, peeled = fields
        if fnmatch.fnmatchcase(name, pattern) if pattern else RELEASE_TAG.match(name):
            tags.append((name, _iso_utc(created), peeled or target))
    return sorted(tags, key=lambda t: (t[1], t[0]))


def backfill(
    repo: Path,
    db: Path,
    key: str,
    *,
    pattern: str | None,
    max_tags: int,
    with_history: bool,
    say: Callable[[str], None],
) -> tuple[int, int, list[str]]:
    """Scan the newest `max_tags` release tags from git objects and record them; returns (added, skipped, errors)."""
    tags = release_tags(repo, pattern)[-max_tags:] if max_tags else release_tags(repo, pattern)
    done = {(p.head_sha, p.generated_at) for p in store.history(db, key)}
    added = skipped = 0
    errors = []
    for index, (tag, created, commit) in enumerate(tags, 1):
        if (commit, created) in done:
            skipped += 1
            continue
        shown = redact_text(tag)
        say(f"[{index}/{len(tags)}] scanning tag {shown} ({created[:10]})")
        try:
            result = run_scan(repo, ref=f"refs/tags/{tag}", now=created, with_history=with_history)
        except (TargetError, GitError) as exc:
            errors.append(redact_text(f"{tag}: {exc}"))
            continue
        result = replace(result, target=replace(result.target, ref=shown))
        if store.record(db, result, key, origin="backfill") is None:
            skipped += 1
        else:
            added += 1
            done.add((commit, created))
    return added, skipped, errors
