"""The radar and roadmap charts: n/a categories left out and named, the roadmap by phase with a row cap
and labels readable at phone width and in print."""
from __future__ import annotations

import re
from dataclasses import replace

from vana_audit.render import charts
from vana_audit.report import build_report


def _sizes(svg: str, css_class: str) -> list[float]:
    return [float(m) for m in re.findall(rf'font-size="([\d.]+)"[^>]*class="{css_class}"', svg)]


def test_radar_leaves_out_not_applicable_categories_and_says_so(seed_result):
    rows = build_report(seed_result).categories
    rows = tuple(replace(r, score=None) if r.id in ("monitoring", "iac") else r for r in rows)
    svg = charts.radar(rows)
    labels = re.findall(r'class="radar-label">([^<]+)</text>', svg)
    assert "Monitoring" not in labels and "IaC" not in labels
    assert len(labels) == len(rows) - 2
    assert svg.count('class="radar-axis"') == len(rows) - 2
    assert "Monitoring, IaC: not applicable" in svg
    assert "n/a" not in svg


def test_radar_without_not_applicable_has_every_axis_and_no_caption(seed_result):
    rows = build_report(seed_result).categories
    svg = charts.radar(tuple(replace(r, score=r.score or 1.0) for r in rows))
    assert svg.count('class="radar-axis"') == len(rows)
    assert "not applicable" not in svg


def test_radar_labels_stay_legible_in_the_printed_column(seed_result):
    svg = charts.radar(build_report(seed_result).categories)
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
    # print: the radar column is 39% of 182 mm of A4 content, minus its padding, about 190 pt
    scale = 190 / width
    assert min(_sizes(svg, "radar-label")) * scale >= 9


def test_roadmap_has_phase_rows_and_at_most_fifteen_rows(seed_result):
    roadmap = build_report(seed_result).roadmap
    urgent = sum(1 for p in roadmap.phases for s in p.items if s.item.priority in ("P0", "P1"))
    svg = charts.roadmap_gantt(roadmap)
    rows = svg.count("<rect ")  - 3  # less the legend's three swatches
    assert rows + 1 <= charts.ROADMAP_MAX_ROWS  # the "… N more" row has no bar
    shown_items = rows - len(roadmap.phases)
    more = re.search(r"… (\d+) more P0/P1 work items", svg)
    assert more and int(more.group(1)) == urgent - shown_items
    for phase in roadmap.phases:
        assert f"Phase {phase.number}: " in svg
    assert not any(s.item.priority == "P2" and f">{s.item.number}. " in svg for p in roadmap.phases for s in p.items)


def test_roadmap_labels_are_readable_on_a_phone_and_the_axis_uses_the_width(seed_result):
    svg = charts.roadmap_gantt(build_report(seed_result).roadmap)
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
    phone = 320 / width  # a 390-px screen less the page, section and figure padding
    assert min(_sizes(svg, "roadmap-label")) * phone >= 9
    ticks = [float(x) for x in re.findall(r'<text x="([\d.]+)"[^>]*>W\d+</text>', svg)]
    assert max(ticks) - min(ticks) > 0.8 * width
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_roadmap_without_a_cap_needs_no_more_row(seed_result):
    roadmap = build_report(seed_result).roadmap
    small = replace(roadmap, phases=tuple(replace(p, items=p.items[:2]) for p in roadmap.phases))
    svg = charts.roadmap_gantt(small)
    assert "more P0/P1" not in svg
    assert svg.count('class="roadmap-label"') == len(small.phases) + sum(
        1 for p in small.phases for s in p.items if s.item.priority in ("P0", "P1"))
