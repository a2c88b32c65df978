"""`vana-audit scan`: scan one repository and write reports."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import EXIT_GATE, EXIT_USAGE, handle_errors, progress_printer

if TYPE_CHECKING:  # the renderers are imported when a scan runs, not when the CLI starts
    from ..model import ScanResult
    from ..render import OutputFormat, Renderer


@click.command()
@click.argument("path", default=".")  # a directory or a git URL (https://, ssh://, git@, file://)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["terminal", "json", "md", "html", "sarif"]),
    default="terminal",
    show_default=True,
    help="Format written to standard output (PDF only to a file, with -o).",
)
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Write a report file; the format comes from the extension: .json, .md, .html, .pdf, "
    ".sarif (or .sarif.json), .txt. Repeatable.",
)
@click.option(
    "--clone-timeout",
    metavar="SECONDS",
    type=click.FloatRange(0, min_open=True),
    default=300.0,  # remote.CLONE_TIMEOUT_SECONDS
    show_default=True,
    help="When PATH is a git URL: give up cloning after this long.",
)
@click.option(
    "--sarif-repo-level",
    is_flag=True,
    help="SARIF: also include findings about the repository as a whole (placed at the README's first line); "
    "by default only findings tied to a file of the repository are results.",
)
@click.option(
    "--rules-docs-url",
    metavar="URL",
    envvar="VANA_AUDIT_RULES_DOCS_URL",
    help="SARIF: the published rule documentation page (`vana-audit rules docs`); each rule's helpUri is "
    "URL#RULE-ID (env VANA_AUDIT_RULES_DOCS_URL).",
)
@click.option(
    "--detail",
    type=click.Choice(["executive", "full"]),
    default="executive",
    show_default=True,
    help="HTML and PDF: executive keeps the body to P0/P1 findings, the roadmap and the top risks, with P2 "
    "findings and passing rules listed in the appendix; full shows every finding with its example file.",
)
@click.option(
    "--summary",
    is_flag=True,
    help="Markdown: a short summary for a PR comment or an issue, always under 60,000 characters (score, "
    "categories, DORA readiness, P0/P1 findings with one evidence line each) instead of the full review.",
)
@click.option(
    "--full-report-url",
    metavar="URL",
    help="With --summary: link the full report here (e.g. the CI artifact holding report.html).",
)
@click.option("--ref", help="Scan this git ref from the object database instead of the working tree.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Configuration file (default: .vana-audit.yml in the repository).",
)
@click.option("--fail-under", type=click.FloatRange(0, 5), help="Exit 1 when the overall score is below this.")
@click.option("--no-history", is_flag=True, help="Skip git history (no DORA estimates).")
@click.option(
    "--dora-year", type=click.Choice(["2021", "2023", "2024"]), help="DORA cluster bands to classify against."
)
@click.option("--window-days", type=click.IntRange(1), help="History window for DORA estimates (default 90).")
@click.option("-q", "--quiet", is_flag=True, help="No progress messages on standard error.")
@click.option("--record", is_flag=True, help="Store the result in the history database (see `vana-audit trend`).")
@click.option(
    "--db",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="VANA_AUDIT_DB",
    help="History database for --record (default: history.sqlite3 in the user data directory; env VANA_AUDIT_DB).",
)
@click.option(
    "--repo-key", help="Name the repository in the history database (default: its origin URL, else its path)."
)
@handle_errors
def scan(
    path: str,
    fmt: str,
    outputs: tuple[Path, ...],
    ref: str | None,
    config_path: Path | None,
    fail_under: float | None,
    no_history: bool,
    dora_year: str | None,
    window_days: int | None,
    quiet: bool,
    record: bool = False,
    db: Path | None = None,
    repo_key: str | None = None,
    clone_timeout: float = 300.0,
    sarif_repo_level: bool = False,
    rules_docs_url: str | None = None,
    detail: str = "executive",
    summary: bool = False,
    full_report_url: str | None = None,
) -> None:
    """Scan the repository at PATH (default: the current directory).

    PATH may also be a git URL: it is cloned into a temporary directory (full history and tags,
    file contents of the default branch only) that is removed after the scan, also when the scan
    is stopped by SIGTERM. A clone slower than 1 KB/s for 30 s over HTTP(S), or longer than
    --clone-timeout, fails.
    """
    from ..remote import scan_target
    from ..render import OutputFormat
    from ..report import Report, build_report

    _check_urls(rules_docs_url, full_report_url, summary)
    formats = _output_formats(outputs, fmt, summary)
    if any(out_fmt is OutputFormat.PDF for _, out_fmt in formats):
        from ..render import pdf_renderer

        pdf_renderer()  # a missing WeasyPrint is said before the scan, not after it
    result, url = scan_target(
        path,
        ref=ref,
        config_path=config_path,
        with_history=not no_history,
        progress=progress_printer(quiet),
        dora_year=int(dora_year) if dora_year else None,
        window_days=window_days,
        clone_timeout=clone_timeout,
    )
    store_at = _store_at(path, url, repo_key, db) if record or db is not None else None
    earlier = _trend_points(*store_at) if store_at else []  # with history at hand, the reports chart the trend
    source: ScanResult | Report = result
    if earlier or any(f.reads_report for f in [OutputFormat(fmt), *(out_fmt for _, out_fmt in formats)]):
        source = build_report(result, trend=earlier or None)  # once, for every format written
    options = _RenderOptions(sarif_repo_level, rules_docs_url or "", summary, full_report_url or "", detail)
    for output, out_fmt in formats:
        _write(output, options.renderer(out_fmt)(source), quiet)
    click.echo(options.renderer(OutputFormat(fmt))(source), nl=False)
    if record and store_at:
        _record(result, *store_at, quiet=quiet)
    if fail_under is not None and result.score.overall < fail_under:
        click.echo(f"Score {result.score.overall:.2f} is under --fail-under {fail_under:g}", err=True)
        sys.exit(EXIT_GATE)


def _check_urls(rules_docs_url: str | None, full_report_url: str | None, summary: bool) -> None:
    if rules_docs_url and not rules_docs_url.startswith(("https://", "http://")):
        raise click.BadParameter("must be an http(s) URL", param_hint="--rules-docs-url")
    if full_report_url and not full_report_url.startswith(("https://", "http://")):
        raise click.BadParameter("must be an http(s) URL", param_hint="--full-report-url")
    if full_report_url and not summary:
        raise click.UsageError("--full-report-url needs --summary")


def _output_formats(outputs: tuple[Path, ...], fmt: str, summary: bool) -> list[tuple[Path, OutputFormat]]:
    """Each -o FILE with the format its extension names; a usage error before the scan when one is unknown."""
    from ..render import OutputFormat

    formats = []
    for output in outputs:
        out_fmt = OutputFormat.from_extension(output.name)
        if out_fmt is None:
            raise click.UsageError(
                f"cannot tell the format of {output.name!r}: use .json, .md, .html, .pdf, .sarif, .sarif.json or .txt"
            )
        formats.append((output, out_fmt))
    if summary and fmt != "md" and not any(out_fmt is OutputFormat.MARKDOWN for _, out_fmt in formats):
        raise click.UsageError("--summary shapes Markdown: use --format md or -o FILE.md")
    return formats


@dataclass(frozen=True)
class _RenderOptions:
    sarif_repo_level: bool
    rules_docs_url: str
    summary: bool
    full_report_url: str
    detail: str

    def renderer(self, out_fmt: OutputFormat) -> Renderer:
        """The renderer of a format, with the options that shape it (SARIF level, Markdown summary, detail)."""
        from ..render import OutputFormat, detailed_renderer_for, renderer_for

        if out_fmt is OutputFormat.SARIF:
            from ..render.sarif import render_sarif

            return partial(render_sarif, repo_level=self.sarif_repo_level, docs_url=self.rules_docs_url)
        if out_fmt is OutputFormat.MARKDOWN and self.summary:
            from ..render.markdown_summary import render_markdown_summary

            return partial(render_markdown_summary, full_report_url=self.full_report_url)
        if out_fmt in (OutputFormat.HTML, OutputFormat.PDF) and self.detail != "executive":
            return partial(detailed_renderer_for(out_fmt), detail=self.detail)
        return renderer_for(out_fmt)


def _write(output: Path, content: str | bytes, quiet: bool) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        output.write_bytes(content)
    else:
        output.write_text(content, encoding="utf-8")
    if not quiet:
        click.echo(f"wrote {output}", err=True)


def _store_at(path: str, url: str | None, repo_key: str | None, db: Path | None) -> tuple[Path, str]:
    """The history database and the key this repository is kept under."""
    from .. import store
    from ..secrets import redact_text

    key = redact_text(repo_key) if repo_key else store.repo_key_for(Path(path), url)
    return db or store.default_db_path(), key


def _trend_points(database: Path, key: str) -> list[tuple[str, float]]:
    from .. import store

    try:
        return store.trend_points(database, key)
    except store.StoreError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE)


def _record(result: ScanResult, database: Path, key: str, *, quiet: bool) -> None:
    from .. import store

    try:
        store.record(database, result, key)
    except store.StoreError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    if not quiet:
        click.echo(f"recorded in {database} as {key}", err=True)
