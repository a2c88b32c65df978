"""One signal module per name prefix: every `ci.*` signal is defined in `signal_defs/ci.py`, every
`tf.*` in `signal_defs/tf.py`, so the module a signal lives in follows from its name."""
from __future__ import annotations

from pathlib import Path

from vana_audit import signal_defs
from vana_audit.signals import REGISTRY


def test_every_signal_is_defined_in_the_module_of_its_prefix() -> None:
    misplaced = {
        name: fn.__module__
        for name, (fn, _) in REGISTRY.items()
        if fn.__module__ != f"{signal_defs.__name__}.{name.split('.', 1)[0]}"
    }
    assert not misplaced, f"signals outside the module of their prefix: {misplaced}"


def test_every_signal_module_is_imported_by_the_package() -> None:
    folder = Path(signal_defs.__file__).parent
    modules = {p.stem for p in folder.glob("*.py") if not p.stem.startswith("_")}
    registering = {fn.__module__.rsplit(".", 1)[1] for fn, _ in REGISTRY.values()}
    assert modules == registering
