"""The typed result parts (vana_audit/results.py) read back the JSON objects they write, unchanged."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from vana_audit.results import DoraResult, Inventory, Profile

REPORTS = sorted((Path(__file__).parent.parent / "reports").glob("*.json"))


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.stem)
def test_a_recorded_result_round_trips(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert Inventory.from_json(data["inventory"]).to_json() == data["inventory"]
    assert Profile.from_json(data["profile"]).to_json() == data["profile"]
    assert DoraResult.from_json(data["dora"]).to_json() == data["dora"]


def test_the_parts_of_a_scan_round_trip(seed_result) -> None:
    for part, kind in ((seed_result.inventory, Inventory), (seed_result.profile, Profile),
                       (seed_result.dora, DoraResult)):
        assert kind.from_json(part.to_json()) == part


def test_an_early_result_keeps_its_stack_in_the_inventory() -> None:
    assert Profile.from_json({"name": "service"}, {"stack": ["python-uv"]}).stack == "python-uv"
    assert Profile.from_json({}).to_json()["name"] == ""
