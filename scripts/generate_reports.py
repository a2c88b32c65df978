#!/usr/bin/env python3
"""Regenerate the example reports in reports/ (Markdown, HTML, PDF, JSON, SARIF, terminal text).

    python scripts/generate_reports.py              # writes reports/
    python scripts/generate_reports.py --out DIR    # writes elsewhere
    python scripts/generate_reports.py --repos DIR  # also keeps the example repositories in DIR

Each example repository (the seed review's Vana replica and the mature fixture, both from
tests/fixtures/repos.py) is built with dated commits (in a temporary directory unless --repos is
given), scanned with a fixed clock, and labelled as scanned from the folder that holds it
(`vana-audit scan vana-seed-replica`), so the same code produces the same files wherever it runs.
Every text format (all but the PDF) is checked by tests/test_report_examples.py.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.fixtures.repos import build_mature_repo, build_seed_replica  # noqa: E402
from vana_audit.model import ScanResult  # noqa: E402
from vana_audit.render import OutputFormat, renderer_for  # noqa: E402
from vana_audit.report import build_report  # noqa: E402
from vana_audit.scan import scan  # noqa: E402

FIXED_NOW = "2025-10-20T12:00:00Z"
EXAMPLES: dict[str, Callable[[Path], Path]] = {
    "vana-seed-replica": build_seed_replica,
    "acme-mature": build_mature_repo,
}
EXTENSIONS = {OutputFormat.MARKDOWN: "md", OutputFormat.JSON: "json", OutputFormat.HTML: "html",
              OutputFormat.SARIF: "sarif", OutputFormat.TERMINAL: "txt", OutputFormat.PDF: "pdf"}


def example_result(name: str, workdir: Path) -> ScanResult:
    repo = EXAMPLES[name](workdir / name)
    result = scan(repo, now=FIXED_NOW)
    return replace(result, target=replace(result.target, path=name, name=name))


def example_reports(workdir: Path, formats: tuple[OutputFormat, ...] = tuple(EXTENSIONS)
                    ) -> dict[str, str | bytes]:
    """File name -> content for every example in every asked-for format."""
    out: dict[str, str | bytes] = {}
    for name in EXAMPLES:
        report = build_report(example_result(name, workdir))
        for fmt in formats:
            out[f"{name}.{EXTENSIONS[fmt]}"] = renderer_for(fmt)(report)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "reports", help="directory to write (default: reports/)")
    parser.add_argument("--repos", type=Path, help="keep the example repositories in this (new or empty) directory")
    every = [f.value for f in EXTENSIONS]
    parser.add_argument("--formats", nargs="+", choices=every, default=every, help="formats to write (default: all)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    formats = tuple(OutputFormat(f) for f in args.formats)
    with tempfile.TemporaryDirectory(prefix="vana-audit-examples-") as tmp:
        workdir = Path(tmp)
        if args.repos is not None:
            if args.repos.exists() and any(args.repos.iterdir()):
                parser.error(f"--repos {args.repos} is not empty")
            args.repos.mkdir(parents=True, exist_ok=True)
            workdir = args.repos
        for filename, content in example_reports(workdir, formats).items():
            path = args.out / filename
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    if args.repos is not None:
        print(f"example repositories in {args.repos}: " + ", ".join(EXAMPLES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
