"""PDF: WeasyPrint lays out the same HTML; it fetches nothing but data: URLs (issue 5, item 4)."""
from __future__ import annotations

import http.server
import io
import threading
from dataclasses import replace

import pytest

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("weasyprint")

from vana_audit.model import Evidence  # noqa: E402
from vana_audit.render.pdf import DataOnlyURLFetcher, html_to_pdf, render_pdf  # noqa: E402


class CountingServer:
    """A local HTTP server that answers every request and counts it; the tests expect the count to stay 0."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b"body { background: red }")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def server():
    instance = CountingServer()
    yield instance
    instance.close()


def pdf_text(pdf: bytes) -> list[str]:
    """Each page's text, whitespace folded (table cells wrap their words onto several lines)."""
    return [" ".join((page.extract_text() or "").split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:9/x.css", "https://example.org/a.png",
                                 "ftp://example.org/x", "FILE:///etc/hostname", "//example.org/x"])
def test_the_fetcher_refuses_everything_but_data(url):
    fetcher = DataOnlyURLFetcher()
    with pytest.raises(ValueError):
        fetcher(url)
    assert fetcher.refused == [url]


def test_the_fetcher_serves_data_urls():
    response = DataOnlyURLFetcher()("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"


def test_markup_that_asks_for_files_and_urls_gets_nothing(server):
    # Even if markup slipped past escaping, the PDF layout fetches nothing.
    hostile = (f'<html><head><style>@import url(http://127.0.0.1:{server.port}/import.css);</style>'
               f'<link rel="stylesheet" href="http://127.0.0.1:{server.port}/link.css"></head><body>'
               f'<p>visible text</p><img src="file:///etc/passwd"><img src="http://127.0.0.1:{server.port}/i.png">'
               f'<div style="background: url(file:///etc/hostname)">x</div></body></html>')
    fetcher = DataOnlyURLFetcher()
    pdf = html_to_pdf(hostile, fetcher)
    assert pdf.startswith(b"%PDF") and "visible text" in "".join(pdf_text(pdf))
    assert server.hits == []
    assert {u.split("/")[0] for u in fetcher.refused} >= {"file:", "http:"}
    assert any(u == "file:///etc/passwd" for u in fetcher.refused)


@pytest.fixture(scope="module")
def hostile_seed_pdf(seed_result):
    """The seed report with a README-like snippet and a message that try to fetch a file and a URL."""
    server = CountingServer()
    snippet = f'<img src="file:///etc/passwd"> <style>@import url(http://127.0.0.1:{server.port}/)</style>'
    doc = seed_result.finding("DOC-001")
    hostile = replace(doc, message=f"@import url(http://127.0.0.1:{server.port}/); {snippet}",
                      evidence=(Evidence("README.md", 1, snippet),) + doc.evidence)
    findings = tuple(hostile if f is doc else f for f in seed_result.findings)
    pdf = render_pdf(replace(seed_result, findings=findings))
    server.close()
    return pdf, server.hits, snippet, pdf_text(pdf)  # the pages' text, extracted once for the tests below


def test_report_text_that_tries_to_fetch_gets_nothing(hostile_seed_pdf):
    _, hits, _, pages = hostile_seed_pdf
    assert hits == [], "the local server was never asked"
    text = "".join(pages)
    assert "root:x:0:0" not in text, "/etc/passwd was not read"
    assert 'src="file:///etc/passwd"' in text, "the snippet is shown as text"


def test_the_pdf_has_cover_contents_page_numbers_and_the_category_table(seed_result, hostile_seed_pdf):
    pdf, _, _, pages = hostile_seed_pdf
    # The seed replica has 32 failing P0/P1 findings, each a card; the executive report stays short enough
    # to be read (the 364-file microservices-demo, 17 P0/P1 findings, renders 12 pages).
    assert 5 < len(pages) <= 13
    assert "CI/CD & DevOps Maturity Review" in pages[0] and "Page" not in pages[0], "an unnumbered cover"
    assert "Contents" in pages[0] and "Risk register" in pages[0], "the contents share the cover page"
    assert pages[1].startswith("Executive summary") and f"Page 2 of {len(pages)}" in pages[1]
    table_page = next(p for p in pages if "Maturity by category" in p and "Weighted average" in p)
    for c in seed_result.categories:
        assert c.category.title in table_page
        assert f"{c.score:.1f}/5" in table_page
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    def titles(items):
        for item in items:
            yield from titles(item) if isinstance(item, list) else [item.title]

    outline = list(titles(reader.outline))
    assert "Executive summary" in outline and "Risk register" in outline, "PDF bookmarks from the headings"
