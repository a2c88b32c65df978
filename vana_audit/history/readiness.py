"""DORA readiness (n/4) from facts; placeholder until the DORA issue lands."""
from __future__ import annotations

from typing import Any

from ..facts import Facts


def build_dora(facts: Facts, year: int = 2024) -> dict[str, Any]:
    return {"readiness": {"score": 0, "max": 4, "metrics": []}, "estimates": None, "year": year}
