"""Injection: markup in repository text (a README line the claim rule cites, a workflow step, a
file name, a commit, the repository's own directory name) is escaped in HTML and Markdown, and
rendering the PDF fetches nothing: a local HTTP server named in the payload must see no request.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.fixtures.gitrepo import commit, make_repo
from tests.test_hostile_kit import assert_no_traceback, markdown_outside_code, run_cli
from vana_audit.render import OutputFormat
from vana_audit.scan import scan


class CountingServer:
    """An HTTP server on 127.0.0.1 that records every request it receives."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        seen = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self) -> None:
                seen.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(b"body { background: url(http://127.0.0.1/again); }")

            do_GET = do_POST = do_HEAD = do_OPTIONS = _record

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> CountingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[CountingServer]:
    with CountingServer() as running:
        yield running


def payloads(port: int) -> list[str]:
    base = f"http://127.0.0.1:{port}"
    return [
        "<script>alert(1)</script>",
        "<img src=file:///etc/passwd>",
        f"<style>@import url({base}/import.css);</style>",
        f"<link rel=stylesheet href={base}/link.css>",
        f"<img src={base}/img.png>",
        f"<iframe src={base}/frame></iframe>",
        f'<svg><image href="{base}/svg.png"/></svg>',
        f'<div style="background:url({base}/bg.png)">x</div>',
    ]


@pytest.fixture(scope="module")
def hostile_repo(tmp_path_factory: pytest.TempPathFactory, server: CountingServer) -> Path:
    marks = " ".join(payloads(server.port))
    base = tmp_path_factory.mktemp("inject")
    repo = make_repo(
        base / "<img src=x onerror=alert(1)>",
        {
            # DOC-001 cites the README lines that claim CI; this one carries every payload.
            "README.md": f"# Demo\n\nCI/CD runs on GitHub Actions {marks}\n",
            ".github/workflows/<script>alert(1)<%2Fscript>.yml": "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n"
            "      - run: echo hi\n",
            ".github/workflows/ci.yml": 'name: "' + marks.replace('"', "'") + '"\non: [push, pull_request]\njobs:\n'
            "  deploy:\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n"
            f'      - name: "{marks.replace(chr(34), chr(39))}"\n'
            f"        run: pytest  # {marks}\n"
            f"      - run: curl -f https://example.com/health  # {marks}\n",
            "docs/<img src=x onerror=alert(2)>.md": "# doc\n",
            # an unpinned base image fails a rule that quotes the FROM line, payload included
            "Dockerfile": f"FROM python:latest {marks}\nUSER root\nRUN echo '{marks}'\n",
        },
    )
    commit(repo, {"src/app.py": "x = 1\n"}, f"fix: {marks}", "2025-10-05T12:00:00+00:00")
    return repo


@pytest.fixture(scope="module")
def outputs(hostile_repo: Path, server: CountingServer, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("inject-out")
    run = run_cli(["scan", str(hostile_repo)], out, formats=list(OutputFormat))
    assert_no_traceback(run)
    assert run.exit_code == 0, run.stderr
    return run


class TagCollector(HTMLParser):
    """Every element and attribute, and the text inside <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.code: list[str] = []
        self._inside: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._inside = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag: str) -> None:
        self._inside = None

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.code.append(data)


def test_the_payloads_reach_the_reports_as_text(outputs) -> None:  # type: ignore[no-untyped-def]
    """Not vacuous: the payload text is there, so escaping (not omission) is what keeps it inert."""
    assert "alert(1)" in outputs.files[OutputFormat.HTML]
    assert "alert(1)" in outputs.files[OutputFormat.MARKDOWN]
    assert "&lt;script&gt;alert(1)" in outputs.files[OutputFormat.HTML]


def test_html_has_no_element_attribute_script_or_style_from_the_repository(outputs, server) -> None:  # type: ignore[no-untyped-def]
    html = outputs.files[OutputFormat.HTML]
    parser = TagCollector()
    parser.feed(html)
    host = f"127.0.0.1:{server.port}"
    for tag, attrs in parser.tags:
        assert tag not in ("iframe", "link") or host not in str(attrs), (tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("onerror") and not name.startswith("onload"), (tag, attrs)
            assert host not in (value or "") and "file:///etc/passwd" not in (value or ""), (tag, attrs)
    for code in parser.code:
        assert "alert(" not in code and host not in code and "@import" not in code
    for raw in payloads(server.port):
        assert raw not in html


def test_markdown_shows_the_payloads_only_as_text(outputs, server) -> None:  # type: ignore[no-untyped-def]
    markup = markdown_outside_code(outputs.files[OutputFormat.MARKDOWN])
    for tag in ("<script", "<img", "<style", "<link", "<iframe", "<svg", "<div"):
        assert tag not in markup.lower(), tag


def _strings(node: object, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v, key)
    elif isinstance(node, str):
        yield key, node


def test_sarif_carries_repository_text_only_in_plain_text_fields(outputs) -> None:  # type: ignore[no-untyped-def]
    """SARIF viewers render `markdown` fields; repository text may sit only in `text` and `uri`."""
    sarif = json.loads(outputs.files[OutputFormat.SARIF])
    fields = {key for key, value in _strings(sarif) if "alert(1)" in value or "<img" in value}
    assert fields and fields <= {"text", "uri"}, fields
    assert "\x1b" not in outputs.stdout


def test_rendering_the_pdf_fetches_nothing(outputs, server, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    """`outputs` laid out the PDF in this process (CliRunner) while the server ran: a fetch is a
    synchronous request, and the server records a request before it answers, so any fetch would be
    in `server.requests` by the time the PDF was written."""
    assert outputs.files[OutputFormat.PDF].strip(), "the PDF has text"
    written = list(tmp_path_factory.getbasetemp().glob("inject-out*/report.pdf"))
    assert written and all(p.read_bytes().startswith(b"%PDF") for p in written)
    assert server.requests == [], f"the PDF renderer fetched {server.requests}"


def test_a_url_in_the_html_would_be_refused_by_the_pdf_fetcher(server) -> None:  # type: ignore[no-untyped-def]
    """The second line of defence: even markup that escaped escaping fetches nothing."""
    pdf = pytest.importorskip("vana_audit.render.pdf")
    fetcher = pdf.DataOnlyURLFetcher()
    base = f"http://127.0.0.1:{server.port}"
    html = (
        f"<html><head><link rel=stylesheet href='{base}/l.css'><style>@import url({base}/i.css);</style></head>"
        f"<body><img src='{base}/i.png'><img src='file:///etc/passwd'></body></html>"
    )
    pdf.html_to_pdf(html, fetcher)
    assert server.requests == []
    assert any("127.0.0.1" in url for url in fetcher.refused) and any(
        url.startswith("file:") for url in fetcher.refused
    )


PING = "ping @acme/security see https://evil.example/x"


def _pings_outside_code(markdown: str) -> list[str]:
    outside = markdown_outside_code(markdown)
    return [mark for mark in ("@acme", "evil.example") if mark in outside]


def test_mentions_and_links_from_the_repository_are_inline_code_in_markdown(tmp_path: Path) -> None:
    """A suppression reason (active, and expired: then GIT-009 quotes it) neither pings a team nor
    links anywhere from a PR comment: both are shown as code, the rest of the text as before."""
    config = (
        f"suppressions:\n  - rule: IAC-003\n    reason: {PING}\n"
        f"  - rule: DOC-001\n    reason: {PING}\n    expires: 2020-01-01\n"
    )
    repo = make_repo(tmp_path / "r", {".vana-audit.yml": config, "Dockerfile": "FROM python:3.12\nUSER root\n"})
    run = run_cli(["scan", str(repo), "--no-history"], tmp_path / "out", formats=[OutputFormat.MARKDOWN])
    markdown = run.files[OutputFormat.MARKDOWN]
    assert "`@acme/security`" in markdown and "`https://evil.example/x`" in markdown
    assert _pings_outside_code(markdown) == []


def test_mentions_and_links_are_inline_code_in_the_diff_scorecard(tmp_path: Path) -> None:
    """A new finding whose message and (custom) rule title carry repository text."""
    from dataclasses import replace

    from vana_audit.compare import compare
    from vana_audit.render.diff import render_diff_markdown

    base = scan(make_repo(tmp_path / "r", {"README.md": "# R\n"}), with_history=False)
    failing = next(f for f in base.findings if f.failing)
    pinged = replace(failing, message=PING, rule=replace(failing.rule, title=PING))
    head = replace(base, findings=tuple(pinged if f is failing else f for f in base.findings))
    base = replace(base, findings=tuple(f for f in base.findings if f is not failing))
    markdown = render_diff_markdown(compare(base, head))
    assert markdown.count("`@acme/security`") >= 2 and markdown.count("`https://evil.example/x`") >= 2  # rule and change lists
    assert _pings_outside_code(markdown) == []
