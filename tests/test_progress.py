"""Progress on a terminal: a line with counts on standard error; nothing on a pipe or with -q."""
from __future__ import annotations

import io
import re

import click.testing
import pytest
from click.testing import CliRunner

from vana_audit.cli import main
from vana_audit.progress import TerminalProgress, progress_for
from vana_audit.scan import scan


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_progress_on_a_pipe_or_when_quiet():
    assert progress_for(False, io.StringIO()) is None
    assert progress_for(True, FakeTerminal()) is None
    assert isinstance(progress_for(False, FakeTerminal()), TerminalProgress)


def test_counts_are_drawn_in_place_at_most_every_interval():
    out, now = FakeTerminal(), [0.0]
    progress = TerminalProgress(out, interval=1.0, clock=lambda: now[0])
    progress("running 3 rules")
    for done in (1, 2, 3):
        progress.count("rules", done, 3)
    progress.count("reading files", 1_234)  # within the interval: skipped
    now[0] = 5.0
    progress.count("reading files", 1_235)
    progress.finish("done")
    text = out.getvalue()
    assert "\r\x1b[K… running 3 rules" in text
    assert "… rules 1/3" in text and "… rules 2/3" not in text  # throttled
    assert "… rules 3/3" in text  # the last count of a known total always shows
    assert "… reading files… 1,235" in text and "1,234" not in text
    assert text.endswith("\r\x1b[Kdone\n")


def test_a_scan_on_a_terminal_shows_files_and_rules_with_counts(seed_repo):
    out = FakeTerminal()
    result = scan(seed_repo, progress=TerminalProgress(out, interval=0.0))
    text = out.getvalue()
    total = len(result.rules)
    assert re.search(r"… reading files… \d+", text)
    assert f"… rules 1/{total}" in text and f"… rules {total}/{total}" in text
    assert text.rstrip().endswith(f"with {total} rules")


def _scan_stderr(seed_repo, *args: str) -> str:
    outcome = CliRunner().invoke(main, ["scan", str(seed_repo), "--no-history", *args], catch_exceptions=False)
    return outcome.stderr


def test_cli_prints_no_progress_to_a_pipe(seed_repo):
    assert "…" not in _scan_stderr(seed_repo)


def test_cli_prints_progress_with_counts_on_a_terminal_and_none_with_quiet(seed_repo, monkeypatch):
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True, raising=False)
    text = _scan_stderr(seed_repo)
    assert "… listing files in" in text and re.search(r"… rules \d+/\d+", text)
    assert "…" not in _scan_stderr(seed_repo, "-q")


def test_a_failed_scan_clears_the_progress_line(seed_repo, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("vana_audit.scan.run_rules", broken)
    out = FakeTerminal()
    with pytest.raises(RuntimeError):
        scan(seed_repo, progress=TerminalProgress(out, interval=0.0))
    assert "… running" in out.getvalue() and out.getvalue().endswith("\r\x1b[K")
