"""The collectors layer builds facts; signals read them. A collector that imports signals closes an
import loop (signals → signal_defs → collectors → signals) that only lazy imports kept working."""
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


def test_collectors_do_not_import_signals() -> None:
    offenders = {p.name: sorted(_imports(p) & {"signals", "signal_defs", "engine"})
                 for p in sorted((PACKAGE / "collectors").glob("*.py"))}
    assert not {name: found for name, found in offenders.items() if found}


def test_the_check_sees_a_relative_import(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("from ..signals import deploy_jobs\nfrom .. import signal_defs\n")
    assert _imports(sample) >= {"signals", "signal_defs"}
