"""PDF: the HTML report laid out by WeasyPrint for print (cover, contents, page numbers).

The URL fetcher serves `data:` URLs only: no file, no network, whatever the report text contains.
WeasyPrint is imported here, and this module only when a PDF is asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from ..model import ScanResult
from ..report import Report, as_report
from .html_out import render_html

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcherResponse


class DataOnlyURLFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type information
    """Refuses every URL but `data:`; the refused ones are kept so a caller can see what was asked for."""

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols=("data",), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if not url.lower().startswith("data:"):
            self.refused.append(url)
            raise ValueError(f"vana-audit fetches no URL but data: (refused {url[:80]!r})")
        response: URLFetcherResponse = super().fetch(url, headers)
        return response


@contextmanager
def _weasyprint_errors_only() -> Iterator[None]:
    """WeasyPrint warns about the screen-only CSS it skips (sticky bars, max-width media queries);
    that is noise on the CLI's stderr. Refused URLs stay visible on the fetcher."""
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def html_to_pdf(html: str, fetcher: DataOnlyURLFetcher | None = None) -> bytes:
    """Lay out an HTML string as PDF, with no base URL and the data-only fetcher."""
    document = HTML(string=html, base_url=None, url_fetcher=fetcher or DataOnlyURLFetcher(), media_type="print")
    with _weasyprint_errors_only():
        pdf: bytes = document.write_pdf()  # bytes when no target is given
    return pdf


def render_pdf(source: ScanResult | Report, detail: str = "executive") -> bytes:
    return html_to_pdf(render_html(as_report(source), detail=detail))
