"""The command line: one click group; the tool's own errors become one line and exit code 2.

Exit codes: 0 ok · 1 the gate failed (score under --fail-under) · 2 usage error or unusable target.
"""

from __future__ import annotations

import click

from . import __version__
from .commands.batch_cmd import batch
from .commands.ci_cmd import ci
from .commands.common import EXIT_GATE as EXIT_GATE  # re-exported: the CLI's exit codes
from .commands.common import EXIT_OK as EXIT_OK
from .commands.common import EXIT_USAGE as EXIT_USAGE
from .commands.common import handle_errors as handle_errors
from .commands.common import progress_printer as progress_printer
from .commands.diff_cmd import diff
from .commands.fix_cmd import fix
from .commands.merge_cmd import merge
from .commands.rules_cmd import rules
from .commands.scan_cmd import scan
from .commands.tools_cmd import tools
from .commands.trend_cmd import trend


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vana-audit")
def main() -> None:
    """vana-audit: audit a repository's CI/CD and DevOps maturity from a checkout, offline.

    Scores build, test, deploy, security, monitoring, IaC, GitOps and documentation practice
    on a 1-5 ladder with evidence, and reports DORA readiness.
    """


# One module per command; a command adds itself here with one line.
for _command in (scan, diff, trend, batch, merge, ci, tools, fix, rules):
    main.add_command(_command)

if __name__ == "__main__":  # pragma: no cover
    main()
