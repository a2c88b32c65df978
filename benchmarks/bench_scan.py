"""Benchmark a full scan (all rules and DORA) on generated repositories of three sizes.

    /work/venv/bin/python benchmarks/bench_scan.py [--dir /tmp/vana-bench] [--runs 5] [--sizes small medium large]
                                                   [--checkov /work/checkov-venv/bin/checkov] [--json out.json]

For each size (see genrepo.py) it measures, in the same run:

* scan: `vana_audit.scan.scan(path)` in a fresh child process, `--runs` times; the median wall time of
  the call, the child's whole wall time (interpreter start and imports included) and its peak RSS;
* floor: what any scanner must pay on that tree, done with git and plain reads: `git ls-files -z`,
  reading every file the scan reads (recorded from one instrumented scan; secret scanning reads
  them all), and streaming `git log` over the same history once; median of `--runs`;
* checkov, on the large tree only, once (it takes minutes): `checkov -d TREE` from its own venv,
  wall time and peak RSS, when the executable exists.

and prints a table with the ratios: scan / floor, growth from one size to the next against the
growth in files and commits, and checkov / scan. Targets (issue 7, 2-core machine): large scan
<= 2 s median, peak < 250 MB, linear growth, within 10x the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from genrepo import SIZES, generate  # noqa: E402

CHILD = """
import json, resource, sys, time
started = time.perf_counter()
from pathlib import Path
from vana_audit.scan import scan
imported = time.perf_counter()
result = scan(Path(sys.argv[1]))
done = time.perf_counter()
own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"scan_s": done - imported, "import_s": imported - started, "findings": len(result.findings),
                  "cpu_s": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
                  "errors": [f.rule.id for f in result.findings if f.outcome.value == "error"],
                  "problems": len(result.problems),
                  "maxrss_mb": own.ru_maxrss / 1024,
                  "children_maxrss_mb": kids.ru_maxrss / 1024}))
"""


def run_scan(repo: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", CHILD, str(repo)], capture_output=True, env=env, check=True).stdout
    data = json.loads(out)
    data["process_s"] = time.perf_counter() - started
    return data


def files_read_by_a_scan(repo: Path) -> list[str]:
    """The paths one scan reads, recorded by wrapping the Source (in this process: no fork)."""
    from vana_audit import background, source
    from vana_audit.scan import scan

    seen: dict[str, None] = {}
    original = source.WorkingTreeSource.read_bytes

    def recording(self, path):  # type: ignore[no-untyped-def]
        seen[path] = None
        return original(self, path)

    source.WorkingTreeSource.read_bytes = recording  # type: ignore[method-assign]
    could_fork, background._CAN_FORK = background._CAN_FORK, False
    try:
        scan(repo)
    finally:
        source.WorkingTreeSource.read_bytes = original  # type: ignore[method-assign]
        background._CAN_FORK = could_fork
    return list(seen)


def floor(repo: Path, paths: list[str]) -> dict[str, float]:
    """Listing with git, reading the files, streaming the history with git: no parsing, no judging."""
    started = time.perf_counter()
    subprocess.run(["git", "-C", str(repo), "ls-files", "-z"], capture_output=True, check=True)
    listed = time.perf_counter()
    for path in paths:
        with open(repo / path, "rb") as handle:
            handle.read()
    read = time.perf_counter()
    subprocess.run(
        ["git", "-C", str(repo), "log", "--all", "--pretty=raw", "--no-color"], stdout=subprocess.DEVNULL, check=True
    )
    logged = time.perf_counter()
    return {
        "ls_files_s": listed - started,
        "read_s": read - listed,
        "git_log_s": logged - read,
        "total_s": logged - started,
    }


def peak_rss_of(argv: list[str], timeout: float) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MB of the process tree's largest member, exit code) via wait4."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"},
    )
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            raise RuntimeError(f"{argv[0]} did not finish within {timeout}s")
        time.sleep(0.05)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def cpu_reference() -> float:
    """Seconds for a fixed pure-Python loop: this machine's speed moves (shared cores), so each run
    reports it next to the scan times (about 0.12 s here when the machine is quiet)."""
    started = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    return time.perf_counter() - started


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/vana-bench"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", nargs="+", default=["small", "medium", "large"], choices=sorted(SIZES))
    parser.add_argument("--checkov", default="/work/checkov-venv/bin/checkov")
    parser.add_argument("--no-checkov", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)

    results: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "sizes": {}}
    for name in args.sizes:
        size = SIZES[name]
        started = time.perf_counter()
        repo = generate(args.dir / name, size)
        print(
            f"[{name}] repository ready: {size.files} files, {size.commits} commits, {size.tags} tags "
            f"({time.perf_counter() - started:.1f}s)",
            file=sys.stderr,
        )
        run_scan(repo)  # warm the page cache and .pyc files once; not counted
        reference_before = cpu_reference()
        scans = []
        for run in range(args.runs):
            scans.append(run_scan(repo))
            print(
                f"[{name}] scan {run + 1}/{args.runs}: {scans[-1]['scan_s']:.2f}s "
                f"(process {scans[-1]['process_s']:.2f}s, {scans[-1]['maxrss_mb']:.0f} MB)",
                file=sys.stderr,
            )
        reference_after = cpu_reference()
        paths = files_read_by_a_scan(repo)
        floors = [floor(repo, paths) for _ in range(args.runs)]
        results["sizes"][name] = {
            "files": size.files,
            "commits": size.commits,
            "tags": size.tags,
            "files_read": len(paths),
            "scan_median_s": median([s["scan_s"] for s in scans]),
            "scan_runs_s": [round(s["scan_s"], 3) for s in scans],
            "process_median_s": median([s["process_s"] for s in scans]),
            "cpu_median_s": median([s["cpu_s"] for s in scans]),  # less sensitive to other load than wall time
            "import_median_s": median([s["import_s"] for s in scans]),
            "peak_rss_mb": max(s["maxrss_mb"] for s in scans),
            "children_peak_rss_mb": max(s["children_maxrss_mb"] for s in scans),  # forked child, git
            "cpu_reference_s": [round(reference_before, 3), round(reference_after, 3)],
            "rule_errors": sorted({e for s in scans for e in s["errors"]}),
            "problems": scans[-1]["problems"],
            "floor_median_s": median([f["total_s"] for f in floors]),
            "floor_parts_s": {
                k: round(median([f[k] for f in floors]), 3) for k in ("ls_files_s", "read_s", "git_log_s")
            },
        }
    largest = args.sizes[-1]
    if not args.no_checkov:
        checkov = shutil.which(args.checkov) or (args.checkov if Path(args.checkov).exists() else None)
        if checkov is None:
            results["checkov"] = {"skipped": f"no checkov executable at {args.checkov}"}
        else:
            repo = args.dir / largest
            try:
                wall, rss, code = peak_rss_of(
                    [checkov, "-d", str(repo), "--quiet", "--compact", "--skip-download", "-o", "json"], timeout=3600
                )
                results["checkov"] = {
                    "size": largest,
                    "wall_s": wall,
                    "peak_rss_mb": rss,
                    "exit_code": code,
                    "ratio_to_scan": wall / results["sizes"][largest]["scan_median_s"],
                }
            except (OSError, RuntimeError) as exc:
                results["checkov"] = {"skipped": str(exc)}
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return results


def report(results: dict) -> None:
    rows = results["sizes"]
    load = os.getloadavg()[0]
    print(f"\nload average at the end: {load:.2f} (other processes share the {os.cpu_count()} CPUs)")
    columns = [
        "size",
        "files",
        "commits",
        "tags",
        "scan median",
        "process median",
        "CPU median",
        "peak RSS",
        "child peak RSS",
        "floor",
        "scan/floor",
    ]
    print("\n| " + " | ".join(columns) + " |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        print(
            f"| {name} | {r['files']} | {r['commits']} | {r['tags']} | {r['scan_median_s']:.2f} s "
            f"| {r['process_median_s']:.2f} s | {r['cpu_median_s']:.2f} s | {r['peak_rss_mb']:.0f} MB "
            f"| {r['children_peak_rss_mb']:.0f} MB "
            f"| {r['floor_median_s']:.2f} s "
            f"| {r['scan_median_s'] / r['floor_median_s']:.1f}x |"
        )
    names = list(rows)
    for a, b in zip(names, names[1:], strict=False):
        ra, rb = rows[a], rows[b]
        scan_growth = rb["scan_median_s"] / ra["scan_median_s"]
        floor_growth = rb["floor_median_s"] / ra["floor_median_s"]
        size_growth = rb["files"] / ra["files"]
        print(f"\ngrowth {a} -> {b}: size x{size_growth:.1f}, scan x{scan_growth:.2f}, floor x{floor_growth:.2f}")
    for name, r in rows.items():
        print(
            f"\n{name}: floor parts {r['floor_parts_s']}; files read {r['files_read']}; "
            f"rule errors {r['rule_errors']}; runs {r['scan_runs_s']}; "
            f"CPU reference before/after {r['cpu_reference_s']} s"
        )
    checkov = results.get("checkov")
    if checkov:
        if "skipped" in checkov:
            print(f"\ncheckov: skipped ({checkov['skipped']})")
        else:
            print(
                f"\ncheckov on {checkov['size']}: {checkov['wall_s']:.1f} s, {checkov['peak_rss_mb']:.0f} MB peak "
                f"(exit {checkov['exit_code']}); {checkov['ratio_to_scan']:.0f}x the scan median"
            )


if __name__ == "__main__":
    main()
