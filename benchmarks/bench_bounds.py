"""Time the bounded-work cases of the test suite: huge and adversarial inputs stay cheap.

    python benchmarks/bench_bounds.py [--only NAME ...]

The tests (tests/test_budget_rules.py, tests/test_ci_model.py, tests/test_properties_parsers.py)
check what is bounded (caps, refusals, budget errors) without a clock, so that they pass on a
loaded machine; this script times the same inputs and compares each with the limit the tests used
to assert. It prints one line per case and exits 1 when a case is over its limit.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fixtures.adversarial import adversarial_files  # noqa: E402
from tests.fixtures.gitrepo import make_repo, write_files  # noqa: E402
from vana_audit import safe_yaml  # noqa: E402
from vana_audit.collectors import ci  # noqa: E402
from vana_audit.collectors.ci_model import build_ci_model  # noqa: E402
from vana_audit.scan import scan  # noqa: E402
from vana_audit.secrets import scan_text  # noqa: E402
from vana_audit.source import WorkingTreeSource, open_source  # noqa: E402

GHA = "on:\n  push:\n    branches: [main]\n  pull_request:\njobs:\n  ci:\n    runs-on: ubuntu-latest\n    steps:\n"


def jenkinsfile_300k_steps(tmp: Path) -> Callable[[], object]:
    repo = make_repo(tmp / "repo", {"Jenkinsfile": "stage('build') {\n" + "sh 'make'\n" * 200_000 + "}\n"})
    source = open_source(repo)
    return lambda: ci.collect_pipelines(source, source.files)


def keys_file_hit_cap(tmp: Path) -> Callable[[], object]:
    text = "\n".join("AKIA" + base64.b32encode(hashlib.sha256(str(i).encode()).digest()).decode()[:16]
                     for i in range(100_000))
    return lambda: scan_text("keys.txt", text)


def nested_dashes(tmp: Path) -> Callable[[], object]:
    text = ("- " * 31 + "-\n") * (1_900_000 // 64)

    def run() -> None:
        try:
            safe_yaml.load_all(text)
        except safe_yaml.YamlTooComplex:
            return
        raise AssertionError("not refused")

    return run


def _model(root: Path, files: dict[str, str]) -> Callable[[], object]:
    write_files(root, files)

    def run() -> object:
        source = WorkingTreeSource(root)
        pipelines, _ = ci.collect_pipelines(source, source.files)
        return build_ci_model(source, pipelines)

    return run


def ten_thousand_scripts(tmp: Path) -> Callable[[], object]:
    scripts = {f"s{i}": f"npm run s{i + 1} && tool{i}" for i in range(10_000)}
    scripts["all"] = "run-p s*"
    return _model(tmp, {".github/workflows/ci.yml": GHA + "      - run: npm run all\n",
                        "package.json": json.dumps({"scripts": scripts})})


def megabyte_run_block(tmp: Path) -> Callable[[], object]:
    block = "\n".join(f"          tool{i} --flag && make t{i}" for i in range(40_000))
    return _model(tmp, {".github/workflows/ci.yml": GHA + "      - run: |\n" + block + "\n",
                        "Makefile": "".join(f"t{i}:\n\tgo test ./{i}\n" for i in range(500))})


def adversarial_files_scan(tmp: Path) -> Callable[[], object]:
    files = adversarial_files()
    repo = make_repo(tmp / "repo", files)
    return lambda: scan(repo, now="2025-10-20T12:00:00Z")


# name -> (setup, limit in seconds: the bound the test suite asserted before it went clock-free)
CASES: dict[str, tuple[Callable[[Path], Callable[[], object]], float]] = {
    "jenkinsfile-300k-steps": (jenkinsfile_300k_steps, 10),
    "keys-file-hit-cap": (keys_file_hit_cap, 5),
    "yaml-nested-dashes-1.9MB": (nested_dashes, 5),
    "ci-model-10k-scripts": (ten_thousand_scripts, 20),
    "ci-model-megabyte-run-block": (megabyte_run_block, 20),
    "scan-adversarial-files-1.9MB": (adversarial_files_scan, 120),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), help="cases to run (default: all)")
    args = parser.parse_args()
    over = 0
    for name in args.only or CASES:
        setup, limit = CASES[name]
        with tempfile.TemporaryDirectory(prefix="vana-bench-bounds-") as tmp:
            run = setup(Path(tmp))
            started, cpu = time.perf_counter(), time.process_time()
            run()
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        verdict = "ok" if wall < limit else "OVER"
        over += verdict == "OVER"
        print(f"{name:32} wall {wall:7.2f}s  cpu {cpu:7.2f}s  limit {limit:5.0f}s  {verdict}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
