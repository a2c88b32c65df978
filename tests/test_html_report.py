"""HTML: one self-contained, escaped page with charts and filters, checked in a real browser (issue 5, item 3)."""
from __future__ import annotations

import json
import os
import re
import select
import subprocess
import time
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from vana_audit.model import Evidence, Problem
from vana_audit.render.html_out import render_html
from vana_audit.report import build_report
from vana_audit.results import DoraEstimates, MetricEstimate

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = '</code><script>alert(1)</script><img src="http://127.0.0.1:9/x.png" onerror="alert(2)">'
URL_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "poster", "data", "background", "xlink:href"}


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    return collector


def with_text(result, text):
    doc = result.finding("DOC-001")
    hostile = replace(doc, message=text, evidence=(Evidence("docs/" + text, 7, text),) + doc.evidence)
    findings = tuple(hostile if f is doc else f for f in result.findings)
    return replace(result, findings=findings, target=replace(result.target, path=text),
                   problems=result.problems + (Problem("docs/broken.yml", text),))


@pytest.fixture(scope="module")
def seed_html(seed_result):
    return render_html(seed_result)


def test_the_page_is_self_contained(seed_html):
    page = parse(seed_html)
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name in URL_ATTRIBUTES and value is not None:
                assert value.startswith(("#", "data:")) or tag == "svg" and name == "xmlns", (tag, name, value)
        assert not (tag == "link" and attrs.get("rel") == "stylesheet")
        assert not (tag == "script" and "src" in attrs)
    css = "".join(page.styles)
    assert "@import" not in css and "url(" not in css.replace("url(data:", "")
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp


def test_repository_text_is_escaped(seed_result):
    html = render_html(with_text(seed_result, HOSTILE))
    assert "<script>alert(1)" not in html and 'onerror="alert(2)"' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    scripts = [t for t, _ in parse(html).tags if t == "script"]
    assert len(scripts) == 1, "only the report's own inline script"


def test_the_category_table_and_charts_are_in_the_page(seed_result, seed_html):
    rows = re.findall(r'<tr>\s*<th scope="row">([^<]+)</th>', seed_html.split('id="category-table"', 1)[1])
    assert rows[:8] == [c.category.title.replace("&", "&amp;") for c in seed_result.categories]
    for chart in ("chart-gauge", "chart-categories", "chart-radar", "chart-roadmap"):
        assert f'id="{chart}"' in seed_html
    assert 'id="chart-trend"' not in seed_html, "no history, no trend chart"
    assert 'id="chart-dora"' not in seed_html, "no estimates, no DORA chart"


def test_dora_and_trend_charts_appear_when_there_is_data(seed_result):
    estimates = DoraEstimates("semver-tags", "semver tags", None, None, 8, {}, (
        MetricEstimate("deployment_frequency", "Deployment frequency", "estimated", 1.4, "deploy days per week", None,
                       "High", None, "medium", None),
        MetricEstimate("lead_time", "Lead time for changes", "estimated", 52.0, "hours", None, "High", None, "medium",
                       None)))
    dora = replace(seed_result.dora, estimates=estimates)
    report = build_report(replace(seed_result, dora=dora), trend=[("2025-09-01", 1.4), ("2025-10-01", 1.7)])
    html = render_html(report)
    assert 'id="chart-dora"' in html and 'id="chart-trend"' in html
    dora_svg = html.split('id="chart-dora"', 1)[1].split("</svg>", 1)[0]
    assert "Deployment Frequency" in dora_svg and "Elite" in dora_svg and "1.4 deploy days/week" in dora_svg


def articles(html):
    return set(re.findall(r'<article class="finding[^"]*" id="rule-([^"]+)" data-category="([^"]+)" '
                          r'data-priority="(P[012])" data-failing="true">', html))


def test_findings_carry_what_the_filters_need(seed_result, seed_html):
    failing = {(f.rule.id, f.rule.category.value, f.rule.priority.value) for f in seed_result.findings if f.failing}
    assert articles(render_html(seed_result, detail="full")) == failing
    # The executive report (the default) carries the P0/P1 findings as cards, the P2 ones in the appendix.
    assert articles(seed_html) == {f for f in failing if f[2] != "P2"}
    appendix = seed_html.split('<div id="appendix-findings">', 1)[1]
    p2 = {f[0] for f in failing if f[2] == "P2"}
    assert p2 and all(f'id="rule-{rule_id}"' in appendix for rule_id in p2)
    assert 'id="filter-category"' in seed_html and 'name="priority"' in seed_html
    assert 'class="filters js-only"' in seed_html, "the filter bar shows only when the script runs"


def test_print_styles_and_phone_layout_are_declared(seed_html):
    css = "".join(parse(seed_html).styles)
    assert "@media print" in css and "@page" in css and "counter(page)" in css and "target-counter" in css
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in seed_html
    assert "@media (max-width: 480px)" in css


# ---- in a real browser -----------------------------------------------------------------------------------

class Browser:
    """Headless Chromium driven over the DevTools protocol on a pipe (no port, no extra package).

    Name resolution is mapped to nothing, so no request can leave the machine; the page's own requests are
    read from the DevTools Network events of its tab (Chromium's own background services, which Debian's
    build runs despite --disable-background-networking, are not the page's and are not counted)."""

    def __init__(self, profile: Path) -> None:
        to_browser_r, self._w = os.pipe()
        self._r, from_browser_w = os.pipe()
        args = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--remote-debugging-pipe", "about:blank"]
        command = "exec " + " ".join(f"'{a}'" for a in args) + f" 3<&{to_browser_r} 4>&{from_browser_w}"
        self.proc = subprocess.Popen(["bash", "-c", command], pass_fds=(to_browser_r, from_browser_w),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer, self._id, self.events = b"", 0, []

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 60) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._w, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str, session: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method and e.get("sessionId") == session for e in self.events):
            self.events.append(self._read(deadline))

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from chromium")
            if select.select([self._r], [], [], left)[0]:
                chunk = os.read(self._r, 1 << 16)
                if not chunk:
                    raise EOFError("chromium closed the DevTools pipe")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def open(self, url: str, width: int = 1280) -> str:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Network.enable", session=session)
        self.send("Page.enable", session=session)
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1,
                                                          "mobile": width < 600}, session=session)
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_for("Page.loadEventFired", session)
        return session

    def evaluate(self, session: str, expression: str):
        return self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                         session=session)["result"].get("value")

    def requests(self, session: str) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent" and e.get("sessionId") == session]

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
            self.proc.wait(10)
        except Exception:  # noqa: BLE001 - a browser that will not close is killed
            self.proc.kill()
            self.proc.wait(10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (.ci/run installs Debian's chromium)")
    instance = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield instance
    instance.close()


DOM_CHECK = """JSON.stringify({
  rows: Array.from(document.querySelectorAll('#category-table tbody tr th')).map(th => th.textContent.trim()),
  charts: Array.from(document.querySelectorAll('svg.chart')).map(s => [s.id, s.getBoundingClientRect().width > 0]),
  filterShown: getComputedStyle(document.getElementById('finding-filters')).display !== 'none',
  count: document.getElementById('filter-count').textContent,
  scripts: document.scripts.length,
  overflow: document.documentElement.scrollWidth - window.innerWidth,
})"""


def test_the_report_renders_in_chromium_without_touching_the_network(browser, seed_result, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render_html(with_text(seed_result, HOSTILE)), encoding="utf-8")
    session = browser.open(page.as_uri())
    dom = json.loads(browser.evaluate(session, DOM_CHECK))
    assert dom["rows"] == [c.category.title for c in seed_result.categories]
    shown = {chart_id for chart_id, visible in dom["charts"] if visible}
    assert {"chart-gauge", "chart-categories", "chart-radar", "chart-roadmap"} <= shown
    assert dom["filterShown"] and re.fullmatch(r"\d+ rules shown, \d+ failing", dom["count"]), "the script ran"
    assert dom["scripts"] == 1, "the hostile text did not become a script"
    assert browser.requests(session) == [page.as_uri()], "the page requested nothing but itself"


def test_the_filters_work_in_chromium(browser, seed_result, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render_html(seed_result, detail="full"), encoding="utf-8")  # the P2 filter is in full
    session = browser.open(page.as_uri())
    visible = """(() => {
      const sel = document.getElementById('filter-category'); sel.value = 'security';
      sel.dispatchEvent(new Event('change'));
      document.querySelector('input[name=priority][value=P2]').click();
      return Array.from(document.querySelectorAll('#findings article.finding'))
        .filter(a => a.offsetParent !== null).map(a => a.id.slice(5)).sort();
    })()"""
    expected = sorted(f.rule.id for f in seed_result.findings
                      if f.failing and f.rule.category.value == "security" and f.rule.priority.value != "P2")
    assert browser.evaluate(session, visible) == expected


def test_the_report_fits_a_phone_screen(browser, seed_result, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render_html(seed_result), encoding="utf-8")
    session = browser.open(page.as_uri(), width=390)
    dom = json.loads(browser.evaluate(session, DOM_CHECK))
    assert dom["overflow"] <= 0, "nothing wider than the screen; wide tables scroll inside their box"


def test_the_harness_sees_a_page_that_reaches_out(browser, tmp_path):
    # The control: without the report's policy, a page that loads a remote image is caught.
    page = tmp_path / "leaky.html"
    page.write_text('<html><body><img src="http://example.invalid/pixel.png"></body></html>', encoding="utf-8")
    session = browser.open(page.as_uri())
    assert "http://example.invalid/pixel.png" in browser.requests(session)
