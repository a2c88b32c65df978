"""Time the history analysis on a generated repository: 20,000 commits and 300 tags by default.

    python benchmarks/bench_history.py [--commits 20000] [--tags 300] [--runs 5] [--minutes-apart 90]

The history is generated deterministically with `git fast-import`: a main line where every fifth
commit merges a two-commit branch, conventional subjects, a revert now and then, release tags
spread evenly (every other one annotated), and a commit every 90 minutes, so that the window and
its lookback keep about 7,000 of the 20,000 commits (`--minutes-apart 10` keeps them all).
Prints the median wall time of `analyse_history` + `build_dora` over several runs, the CPU time it
took (git's included), and the peak Python memory of one run.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vana_audit.facts import Facts
from vana_audit.history import analyse_history
from vana_audit.results import DoraResult
from vana_audit.scan import dora_section
from vana_audit.source import GitInfo

START = 1_600_000_000


def fast_import_stream(commits: int, tags: int, step: int = 90 * 60) -> bytes:
    out: list[bytes] = []
    tag_every = max(1, commits // tags)
    mark = 0
    main_tip = 0
    made = 0
    when = START

    def commit(ref: str, message: str, parents: list[int], author: str) -> int:
        nonlocal mark, when, made
        mark += 1
        made += 1
        when += step
        data = message.encode()
        out.append(f"commit {ref}\nmark :{mark}\nauthor {author} {when} +0000\ncommitter {author} {when} +0000\n"
                   f"data {len(data)}\n".encode() + data + b"\n")
        if parents:
            out.append(f"from :{parents[0]}\n".encode())
        for extra in parents[1:]:
            out.append(f"merge :{extra}\n".encode())
        out.append(f"M 644 inline file{mark % 50}.txt\ndata {len(str(mark))}\n{mark}\n\n".encode())
        return mark

    tagged = 0
    while made < commits:
        n = made
        author = f"Dev {n % 7} <dev{n % 7}@example.com>" if n % 11 else "renovate[bot] <bot[bot]@example.com>"
        if n % 5 == 4 and main_tip and made + 3 <= commits:
            side = commit("refs/heads/topic", f"feat: topic work {n}", [main_tip], author)
            side = commit("refs/heads/topic", f"fix: topic follow-up {n}", [side], author)
            main_tip = commit("refs/heads/main", f"Merge pull request #{n} from dev/topic-{n}",
                              [main_tip, side], author)
        elif n % 97 == 0 and main_tip:
            main_tip = commit("refs/heads/main", f"Revert \"feat: change {n - 1}\"\n\nThis reverts commit "
                              f"{'0' * 40}.", [main_tip], author)
        else:
            main_tip = commit("refs/heads/main", f"feat: change {n} (#{n})", [main_tip] if main_tip else [], author)
        if made // tag_every > tagged and tagged < tags:
            tagged += 1
            name = f"v1.{tagged}.0"
            if tagged % 2:
                out.append(f"reset refs/tags/{name}\nfrom :{main_tip}\n\n".encode())
            else:
                note = f"release {name}".encode()
                out.append(f"tag {name}\nfrom :{main_tip}\ntagger Rel <rel@example.com> {when + 3600} +0000\n"
                           f"data {len(note)}\n".encode() + note + b"\n")
    return b"".join(out)


def build_repository(root: Path, commits: int, tags: int, step: int = 90 * 60) -> GitInfo:
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet"], input=fast_import_stream(commits, tags, step),
                   check=True)
    subprocess.run(["git", "-C", str(root), "reset", "-q", "--hard", "main"], check=True)
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    return GitInfo(root / ".git", root, head, "main", False, False)


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def analyse(git: GitInfo) -> DoraResult:
    facts = Facts()
    facts.history = analyse_history(git, window_days=90, problems=[])
    return dora_section(facts, git=git)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--tags", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--minutes-apart", type=int, default=90, help="time between commits")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        git = build_repository(Path(tmp) / "repo", args.commits, args.tags, args.minutes_apart * 60)
        print(f"generated {args.commits} commits and {args.tags} tags in {time.perf_counter() - started:.2f} s")
        timings, cpu = [], []
        for _ in range(args.runs):
            started, used = time.perf_counter(), _cpu_seconds()
            dora = analyse(git)
            timings.append(time.perf_counter() - started)
            cpu.append(_cpu_seconds() - used)
        tracemalloc.start()
        analyse(git)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    estimates = dora.estimates
    print(f"analyse_history + build_dora: median {statistics.median(timings):.3f} s over {args.runs} runs "
          f"(min {min(timings):.3f} s, max {max(timings):.3f} s)")
    print(f"CPU (this process and git): median {statistics.median(cpu):.3f} s; "
          "wall time above this means the machine was busy")
    print(f"peak Python memory of one run: {peak / 1e6:.1f} MB")
    print(f"basis: {estimates.basis_description if estimates else None}; "
          f"deployments in window: {estimates.deployments if estimates else None}")


if __name__ == "__main__":
    main()
