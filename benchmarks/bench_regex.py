"""Time every vana_audit regular expression with `re` on pumped inputs of 100,000 characters.

    python benchmarks/bench_regex.py [--match SUBSTRING]

The test suite (tests/test_budget_regex.py) counts backtracking steps, which catches exponential
runaways on any machine; quadratic growth only matters at sizes where `re`'s C loops stop hiding
it, so this script measures it in CPU time, as the suite did before it went clock-free: each
pumped input at 20,000 characters, the slowest (and any that looks superlinear) at 100,000; over
BOUND_S, or growing more than GROWTH_LIMIT times for five times the input, is a runaway. Prints the
runaways and exits 1 if there is one. Run it on an idle machine when adding or changing a pattern.
"""
from __future__ import annotations

import argparse
import re
import signal
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_budget_regex import MODULE_PATTERNS, adversarial_inputs  # noqa: E402

PUMP = 100_000
BOUND_S = 2.5  # a linear pattern needs milliseconds for 100k characters; a quadratic one needs minutes
ESCALATE_S = 0.02  # at a fifth of the size, slower than this looks superlinear: measured at full size too
MEASURABLE_S = 0.25  # long enough for the growth ratio to mean something
GROWTH_LIMIT = 12  # five times the input: linear 5x, quadratic 25x


class _Overrun(Exception):
    pass


def _raise_overrun(signum, frame):  # type: ignore[no-untyped-def]
    raise _Overrun()


def _run(pattern: re.Pattern[str], text: str, limit_s: float) -> float:
    """CPU seconds to find up to 1000 matches; a run past `limit_s` of CPU is interrupted (re checks
    signals). CPU time, not wall-clock time: other processes on a busy machine do not inflate it."""
    use_alarm = threading.current_thread() is threading.main_thread()
    if use_alarm:
        previous = signal.signal(signal.SIGVTALRM, _raise_overrun)
        signal.setitimer(signal.ITIMER_VIRTUAL, limit_s)
    started = time.process_time()
    try:
        for count, _ in enumerate(pattern.finditer(text)):  # finditer restarts after every match
            if count >= 1000:
                break
    except _Overrun:
        pass
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
            signal.signal(signal.SIGVTALRM, previous)
    return time.process_time() - started


def _grow(text: str, times: int) -> str:
    body, tail = (text[:-1], "\x00") if text.endswith("\x00") else (text, "")
    return body * times + tail


def audit(pattern: re.Pattern[str]) -> str | None:
    """None when the pattern stays linear on every adversarial input, else what went wrong.

    Every input is first run at a fifth of the size. Matching takes at least linear time, so an
    input slower than BOUND_S / 5 there would take over BOUND_S at full size: it fails at once,
    interrupted, without paying for the full run. The slowest input, and any other that looked
    superlinear, are then run at full size: over BOUND_S fails, and so does a time that grew more
    than GROWTH_LIMIT times for five times the input (linear grows 5x, quadratic 25x) once it is
    long enough to measure. The audit takes seconds instead of minutes.
    """
    small_bound = BOUND_S / 5
    timed = []
    for text in adversarial_inputs(pattern, PUMP // 5):
        elapsed = _run(pattern, text, small_bound * 1.2)
        if elapsed > small_bound:
            return f"{elapsed:.2f}s on {len(text)} chars (so over {BOUND_S}s on {PUMP}): {text[:50]!r}…"
        timed.append((elapsed, text))
    timed.sort(key=lambda item: -item[0])
    suspects = [item for item in timed[1:] if item[0] > ESCALATE_S][:3]
    for small, text in [timed[0], *suspects]:
        full = _grow(text, 5)
        elapsed = _run(pattern, full, BOUND_S * 1.2)
        if elapsed > BOUND_S:
            return f"{elapsed:.2f}s on {len(full)} chars: {full[:50]!r}…"
        if elapsed > MEASURABLE_S and elapsed / max(small, 1e-4) > GROWTH_LIMIT:
            # one more measurement of each before calling it superlinear: the machine may be busy
            small = min(small, _run(pattern, text, small_bound))
            elapsed = min(elapsed, _run(pattern, full, BOUND_S * 1.2))
            if elapsed > MEASURABLE_S and elapsed / max(small, 1e-4) > GROWTH_LIMIT:
                return f"superlinear: {small:.3f}s on {len(text)} chars, {elapsed:.2f}s on {len(full)}: {full[:50]!r}…"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--match", default="", help="only patterns whose name contains this")
    args = parser.parse_args()
    started = time.process_time()
    runaways = 0
    names = [name for name in sorted(MODULE_PATTERNS) if args.match in name]
    for name in names:
        verdict = audit(MODULE_PATTERNS[name])
        if verdict is not None:
            runaways += 1
            print(f"RUNAWAY {name}: {verdict}")
    print(f"{len(names)} patterns, {runaways} runaway, {time.process_time() - started:.1f}s CPU")
    return 1 if runaways else 0


if __name__ == "__main__":
    sys.exit(main())
