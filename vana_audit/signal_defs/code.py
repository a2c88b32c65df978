"""`code.*` signals: whether the repository holds product source code."""
from __future__ import annotations

from ..collectors.profile import product_code
from ..signal_core import Signal, Signals, ev, found, signal


@signal("code.present", "the repository holds product source code (not only tests, docs, scripts or manifests)")
def code_present(s: Signals) -> Signal:
    return found(ev(p) for p in product_code(s.facts.files)[:3])
