"""The repository's name in reports: `owner/name` from its `origin` remote, else its folder's name.

The command-line argument (".", "../msd", a temporary clone) says where the repository was, not
which one it is. The origin URL is read from the repository's `config` file as data: git itself is
not asked (`git config` would follow `include.path` and `includeIf` to other files), nothing in the
file is run, and the URL's user name, password or token never reaches a report.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from .secrets import redact_text
from .userfiles import UnreadableFile, read_regular_bytes

MAX_CONFIG_BYTES = 1024 * 1024
_SECTION = re.compile(r'^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]\s*(.*)$')
_SCP = re.compile(r"^(?:[^@/:]+@)?([^/:]+):(?!//)(.*)$")
# Path parts that name a hosting product's route, not the repository (Azure DevOps `_git`).
_ROUTE_PARTS = {"_git"}


def origin_url(git_dir: Path | None) -> str | None:
    """The first `url` of `[remote "origin"]` in `git_dir/config`, or None."""
    if git_dir is None:
        return None
    try:
        text = read_regular_bytes(git_dir / "config", MAX_CONFIG_BYTES).decode("utf-8", "replace")
    except UnreadableFile:
        return None
    return config_value(text, "remote", "origin", "url")


def config_value(text: str, section: str, subsection: str | None, key: str) -> str | None:
    """The first value of `section.subsection.key` in git configuration text (includes not followed)."""
    current: tuple[str, str | None] | None = None
    for line in _logical_lines(text):
        stripped = line.strip()
        header = _SECTION.match(stripped) if stripped.startswith("[") else None
        if header:
            name, sub = header.group(1).lower(), header.group(2)
            if sub is None and "." in name:  # the old `[remote.origin]` form: subsection lowercased
                name, _, sub = name.partition(".")
            current = (name, re.sub(r"\\(.)", r"\1", sub) if sub is not None else None)
            stripped = header.group(3).strip()
            if not stripped:
                continue
        if current != (section, subsection):
            continue
        name, sep, raw = stripped.partition("=")
        if name.strip().lower() == key and sep:
            return _value(raw) or None
    return None


def _logical_lines(text: str) -> list[str]:
    """Lines with backslash-newline continuations joined."""
    return re.sub(r"\\\r?\n", "", text).splitlines()


def _value(raw: str) -> str:
    """A configuration value: quotes removed, escapes read, a `#` or `;` comment outside quotes dropped."""
    out: list[str] = []
    quoted = False
    chars = iter(raw.strip())
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "")
            out.append({"n": "\n", "t": "\t", "b": "\b"}.get(nxt, nxt))
        elif ch == '"':
            quoted = not quoted
        elif ch in "#;" and not quoted:
            break
        else:
            out.append(ch)
    return "".join(out).strip()


def name_from_url(url: str) -> str | None:
    """`owner/name` (the whole path under the host, for nested groups) of a git URL; for a local path
    or `file://` remote, the last folder's name. Credentials are never part of it."""
    url = url.strip()
    if not url:
        return None
    scp = _SCP.match(url) if "://" not in url else None
    if scp and "/" not in scp.group(1) and not re.match(r"^[A-Za-z]:[\\/]", url):
        host, path = scp.group(1), scp.group(2)
    elif "://" in url:
        parts = urlsplit(url)
        host, path = ("" if parts.scheme.lower() == "file" else parts.hostname or ""), parts.path
    else:
        host, path = "", url  # a local path
    segments = [s for s in re.split(r"[/\\]+", path) if s and s not in (".", "..") and s not in _ROUTE_PARTS]
    if segments:
        segments[-1] = segments[-1].removesuffix(".git") or segments[-1]
    if not segments:
        return None
    name = "/".join(segments) if host else segments[-1]
    return redact_text(name)


def folder_name(path: Path) -> str:
    """The name of the folder `path` resolves to (its full path for the file system's root)."""
    resolved = path.resolve()
    name = resolved.name.removesuffix(".git") or resolved.name
    return redact_text(name or str(resolved))


def repository_name(path: Path, git_dir: Path | None, url: str | None = None) -> str:
    """The display name: from `url` when the repository was cloned from one, else from the origin
    remote of `git_dir`, else the folder's name."""
    for candidate in (url, origin_url(git_dir)):
        name = name_from_url(candidate) if candidate else None
        if name:
            return name
    return folder_name(path)
