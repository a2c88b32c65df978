"""The rule documentation as one static page (`vana-audit rules docs`): what SARIF `helpUri`s point into.

Every rule is a section whose anchor is its id (`rules.html#SEC-009`), stable across releases. The HTML
page is self-contained (inline CSS, no script, no external request) and escapes every text, since
rules from a team's own folders are included too.
"""
from __future__ import annotations

import html
from collections.abc import Iterable

from .. import __version__
from ..model import Category, RuleMeta
from .text import fence_language, md_block, md_inline, md_prose

_CSS = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:960px;"
    "padding:0 1rem;color:#1d1d1f;line-height:1.5}h2{margin-top:2.5rem;border-bottom:1px solid #dee2e6}"
    "section{margin:1.5rem 0;padding-top:.5rem}section:target{background:#fff9db}"
    "h3 code{font-size:1rem}.meta{color:#495057;font-size:.9rem}pre{background:#f1f3f5;padding:.75rem;"
    "overflow-x:auto;border-radius:4px}nav a{margin-right:.75rem}"
)


def _ordered(rules: Iterable[RuleMeta]) -> list[RuleMeta]:
    order = list(Category)
    return sorted(rules, key=lambda r: (order.index(r.category), r.level, r.id))


def render_rules_html(rules: Iterable[RuleMeta]) -> str:
    e = html.escape
    ordered = _ordered(rules)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>vana-audit rules ({e(__version__)})</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>vana-audit rules</h1><p>{len(ordered)} rules, vana-audit {e(__version__)}. "
        "Each rule's section is at <code>#RULE-ID</code>.</p>",
        "<nav>" + "".join(f'<a href="#cat-{c.value}">{e(c.title)}</a>' for c in Category) + "</nav>",
    ]
    current = None
    for rule in ordered:
        if rule.category is not current:
            current = rule.category
            out.append(f'<h2 id="cat-{current.value}">{e(current.title)}</h2>')
        docs = rule.docs
        out += [
            f'<section id="{e(rule.id)}">',
            f'<h3><a href="#{e(rule.id)}"><code>{e(rule.id)}</code></a> {e(rule.title)}</h3>',
            f'<p class="meta">level {rule.level} · {e(rule.priority.value)} · severity {e(rule.severity.value)} · '
            f"effort {e(rule.effort_text)}</p>",
            f"<p><strong>What it checks.</strong> {e(docs.what)}</p>",
            f"<p><strong>Why it matters.</strong> {e(docs.why)}</p>",
            f"<p><strong>How to fix.</strong> {e(docs.how)} {e(rule.remediation)}</p>",
        ]
        if docs.example:
            name = f" (<code>{e(rule.files_to_create[0])}</code>)" if rule.files_to_create else ""
            out.append(f"<p><strong>Example</strong>{name}:</p><pre><code>{e(docs.example.rstrip())}</code></pre>")
        if docs.references:
            out.append("<ul>" + "".join(f"<li>{e(ref)}</li>" for ref in docs.references) + "</ul>")
        out.append("</section>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render_rules_markdown(rules: Iterable[RuleMeta]) -> str:
    ordered = _ordered(rules)
    out = [f"# vana-audit rules\n\n{len(ordered)} rules, vana-audit {__version__}.\n"]
    current = None
    for rule in ordered:
        if rule.category is not current:
            current = rule.category
            out.append(f"## {current.title}\n")
        docs = rule.docs
        out += [
            f'<a id="{rule.id}"></a>\n',
            f"### {rule.id} {md_inline(rule.title)}\n",
            f"level {rule.level} · {rule.priority.value} · severity {rule.severity.value} · "
            f"effort {rule.effort_text}\n",
            f"**What it checks.** {md_prose(docs.what)}\n",
            f"**Why it matters.** {md_prose(docs.why)}\n",
            f"**How to fix.** {md_prose(docs.how)} {md_prose(rule.remediation)}\n",
        ]
        if docs.example:
            lang = fence_language(rule.files_to_create[0]) if rule.files_to_create else ""
            out.append(md_block(docs.example.rstrip(), lang) + "\n")
        if docs.references:
            out.append("".join(f"- {md_inline(ref)}\n" for ref in docs.references))
    return "\n".join(out)
