"""What every command shares: exit codes, the error handler, the progress display. Its own module so
the commands need not import `cli`, which imports them."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any

import click

EXIT_OK, EXIT_GATE, EXIT_USAGE = 0, 1, 2


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the tool's expected failures into `Error: …` and exit 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        # imported on a call, not at start-up: `--help` and `--version` load no engine or renderers
        from ..config import ConfigError
        from ..engine import RuleLoadError
        from ..gitcmd import GitError
        from ..render import RendererUnavailable
        from ..source import TargetError

        try:
            result = fn(*args, **kwargs)
            sys.stdout.flush()  # a closed pipe shows here, not at exit as an "Exception ignored" message
            return result
        except BrokenPipeError:
            _stdout_closed()
        except (TargetError, ConfigError, RuleLoadError, GitError, RendererUnavailable) as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except OSError as exc:
            click.echo(f"Error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
            sys.exit(EXIT_USAGE)

    return wrapper


def _stdout_closed() -> None:
    """The reader of standard output left (`vana-audit rules list | head`): stop quietly with exit 0,
    as the Python docs' "Note on SIGPIPE" advises; stdout goes to /dev/null so the exit flush cannot fail."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # not a real file descriptor (a test runner's buffer)
    sys.exit(EXIT_OK)



def progress_printer(quiet: bool) -> Callable[[str], None] | None:
    """A one-line progress display with counts on a terminal's standard error; None on a pipe or with -q."""
    from ..progress import progress_for

    return progress_for(quiet)
