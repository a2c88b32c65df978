"""`code.*` signals: whether the repository holds product source code."""
from __future__ import annotations

from ..collectors.profile import is_product_file, product_code
from ..signal_core import Signal, Signals, ev, found, signal


@signal("code.present", "the repository holds product source code (not only tests, docs, scripts or manifests)")
def code_present(s: Signals) -> Signal:
    return found(ev(p) for p in product_code(s.facts.files)[:3])


@signal("code.reads_env", "product code reads environment variables (os.environ, process.env, os.Getenv, "
        "System.getenv, env::var...)")
def reads_env(s: Signals) -> Signal:
    hits = [line.evidence() for line in s.facts.source_signals.get("env-read", []) if is_product_file(line.path)]
    return found(hits[:3])
