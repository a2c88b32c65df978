"""Escaping shared by the text renderers: repository text never becomes markup or terminal control."""
from __future__ import annotations

import html
import re

from ..secrets import redact_text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    """Safe for a terminal: no escape sequences, no bidi overrides, secrets redacted."""
    return _CONTROL.sub("?", redact_text(str(text)))


# An @mention or a bare link in repository text (a suppression reason, a custom rule's text, a
# snippet) must not ping a team or link anywhere from a PR comment. GitHub makes neither inside a
# code span (documented for mentions), so they are shown as inline code: the text stays exact
# and copyable. Not `&#64;` (GitHub finds mentions in the rendered text, where it is an @ again)
# and not a zero-width character (invisible, and it changes what a reader copies).
_PING = re.compile(r"(?<![\w@/.`-])@[A-Za-z0-9][\w.-]*(?:/[\w.-]+)?|\b(?:https?|ftp)://[^\s<>`|]+|\bwww\.[^\s<>`|]+",
                   re.IGNORECASE)


def md_inline(text: str) -> str:
    """Safe inside a Markdown table cell or paragraph: HTML, pipes, backticks and emphasis escaped;
    @mentions and bare links shown as inline code."""
    text = plain(text).replace("\n", " ")
    out, last = [], 0
    for match in _PING.finditer(text):
        out += [_md_escape(text[last:match.start()]), md_code(match.group())]
        last = match.end()
    out.append(_md_escape(text[last:]))
    return "".join(out)


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]|#<>!~])", r"\\\1", html.escape(text, quote=False))


def md_code(text: str) -> str:
    """Inline code span that survives any backticks inside it."""
    text = plain(text).replace("\n", " ").replace("|", "\\|")
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_block(text: str, lang: str = "") -> str:
    text = plain(text)
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{lang}\n{text}\n{fence}"


_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def md_prose(text: str) -> str:
    """Like md_inline, but `code spans` in the text stay code spans (rule texts use them)."""
    out, last = [], 0
    for match in _CODE_SPAN.finditer(text):
        out.append(md_inline(text[last:match.start()]))
        out.append(md_code(match.group(1)))
        last = match.end()
    out.append(md_inline(text[last:]))
    return "".join(out)


def fence_language(path: str) -> str:
    """A code fence language for an example file, from its name."""
    name = path.rsplit("/", 1)[-1].lower()
    if name.startswith("dockerfile"):
        return "dockerfile"
    if name in ("makefile", "gnumakefile"):
        return "makefile"
    suffix = name.rsplit(".", 1)[-1] if "." in name else ""
    return {"yml": "yaml", "yaml": "yaml", "json": "json", "tf": "hcl", "hcl": "hcl", "md": "markdown",
            "toml": "toml", "py": "python", "js": "javascript", "ts": "typescript", "sh": "bash",
            "cfg": "ini", "ini": "ini"}.get(suffix, "")
