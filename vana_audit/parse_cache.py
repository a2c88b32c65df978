"""A cache of parsed rule files, as JSON in the user's cache folder.

Parsing the rule catalogue's YAML (even with the C loader) costs every scan about 0.1 s; loading
the same data as JSON costs a few milliseconds. An entry is named by the SHA-256 of the file's bytes
and of this package's version, so an edited file or a new release never reads a stale entry. Only
data that survives a JSON round trip unchanged is cached (YAML can produce keys JSON cannot hold),
and any trouble with the cache (unwritable folder, damaged entry) falls back to parsing.

`VANA_AUDIT_CACHE_DIR` names another folder; `VANA_AUDIT_NO_CACHE=1` turns the cache off.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

_FORMAT = "rules-v1"


def cache_dir() -> Path | None:
    if os.environ.get("VANA_AUDIT_NO_CACHE"):
        return None
    explicit = os.environ.get("VANA_AUDIT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    import platformdirs

    return Path(platformdirs.user_cache_dir("vana-audit", appauthor=False)) / "parsed"


@functools.lru_cache(maxsize=1)
def _version() -> str:
    try:
        from importlib.metadata import version

        return version("vana-audit")
    except Exception:  # noqa: BLE001 - running from a source tree without metadata
        return "source"


def parsed(raw: bytes, parse: Callable[[bytes], Any]) -> Any:
    """`parse(raw)`, or the cached result of an earlier parse of the same bytes."""
    folder = cache_dir()
    if folder is None:
        return parse(raw)
    key = hashlib.sha256(f"{_FORMAT}\0{_version()}\0".encode() + raw).hexdigest()
    entry = folder / f"{key}.json"
    try:
        return json.loads(entry.read_text("utf-8"))
    except (OSError, ValueError):
        pass
    data = parse(raw)
    _store(entry, data)
    return data


def _store(entry: Path, data: Any) -> None:
    try:
        text = json.dumps(data, ensure_ascii=False)
        if json.loads(text) != data:
            return  # not plain JSON data (non-string keys, dates): parse it every time
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".json")
    except (OSError, TypeError, ValueError):
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, entry)  # atomic: a concurrent scan sees no entry or the whole entry
    except OSError:
        Path(temporary).unlink(missing_ok=True)
