"""The command line: one click group; the tool's own errors become one line and exit code 2.

Exit codes: 0 ok · 1 the gate failed (score under --fail-under) · 2 usage error or unusable target.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from . import __version__

EXIT_OK, EXIT_GATE, EXIT_USAGE = 0, 1, 2


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the tool's expected failures into `Error: …` and exit 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .config import ConfigError
        from .engine import RuleLoadError
        from .gitcmd import GitError
        from .render import RendererUnavailable
        from .source import TargetError

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vana-audit")
def main() -> None:
    """vana-audit: audit a repository's CI/CD and DevOps maturity from a checkout, offline.

    Scores build, test, deploy, security, monitoring, IaC, GitOps and documentation practice
    on a 1-5 ladder with evidence, and reports DORA readiness.
    """


def progress_printer(quiet: bool) -> Callable[[str], None] | None:
    """A one-line progress display with counts on a terminal's standard error; None on a pipe or with -q."""
    from .progress import progress_for

    return progress_for(quiet)


def _register() -> None:
    """One module per command; a command adds itself here with one line."""
    from .commands.rules_cmd import rules
    from .commands.scan_cmd import scan

    main.add_command(scan)
    from .commands.diff_cmd import diff

    main.add_command(diff)  # noqa: E702
    from .commands.trend_cmd import trend

    main.add_command(trend)  # noqa: E702
    from .commands.batch_cmd import batch

    main.add_command(batch)  # noqa: E702
    from .commands.merge_cmd import merge

    main.add_command(merge)  # noqa: E702
    from .commands.ci_cmd import ci

    main.add_command(ci)  # noqa: E702
    from .commands.tools_cmd import tools

    main.add_command(tools)  # noqa: E702
    from .commands.fix_cmd import fix

    main.add_command(fix)  # noqa: E702
    main.add_command(rules)


_register()

if __name__ == "__main__":  # pragma: no cover
    main()
