"""`helm.*` signals: Helm charts."""
from __future__ import annotations

from ..signal_core import Signal, Signals, ev, found, signal
from ._shared import helm_charts


@signal("helm.charts", "Helm charts are kept in the repository")
def charts_present(s: Signals) -> Signal:
    return found(ev(c.chart_file) for c in helm_charts(s.facts))
