"""The collectors and history layers build facts; signals read them. A collector that imports signals
closes an import loop (signals → signal_defs → collectors → signals) that only lazy imports kept
working; history (DORA readiness) is passed the signals it reads by its caller."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "vana_audit"


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            found.add((node.module or "").split(".")[0])
            found.update(alias.name for alias in node.names if not node.module)
    return found


def _offenders(folder: str, forbidden: set[str]) -> dict[str, list[str]]:
    found = {p.name: sorted(_imports(p) & forbidden) for p in sorted((PACKAGE / folder).glob("*.py"))}
    return {name: names for name, names in found.items() if names}


def test_collectors_do_not_import_signals() -> None:
    assert not _offenders("collectors", {"signals", "signal_defs", "engine"})


def test_history_does_not_import_signals() -> None:
    """DORA readiness reads signals the caller computed (`scan.dora_section`); the history layer,
    like the collectors, sits below the signals."""
    assert not _offenders("history", {"signals", "signal_defs", "engine"})


def test_the_check_sees_a_relative_import(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("from ..signals import deploy_jobs\nfrom .. import signal_defs\n")
    assert _imports(sample) >= {"signals", "signal_defs"}
