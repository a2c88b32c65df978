"""The parsed-rule-file cache: same data as parsing, never stale, and never in the way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vana_audit import engine, parse_cache
from vana_audit.engine import load_rules


class Parser:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, raw: bytes) -> object:
        self.calls += 1
        return json.loads(raw)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("VANA_AUDIT_CACHE_DIR", str(folder))
    monkeypatch.delenv("VANA_AUDIT_NO_CACHE", raising=False)
    return folder


def test_the_second_parse_of_the_same_bytes_comes_from_the_cache(cache: Path) -> None:
    parse = Parser()
    raw = b'{"rules": [{"id": "X-1", "title": "\\u00e9t\\u00e9"}]}'
    first = parse_cache.parsed(raw, parse)
    second = parse_cache.parsed(raw, parse)
    assert first == second == {"rules": [{"id": "X-1", "title": "été"}]}
    assert parse.calls == 1
    assert len(list(cache.glob("*.json"))) == 1


def test_changed_bytes_are_parsed_again(cache: Path) -> None:
    parse = Parser()
    assert parse_cache.parsed(b'{"a": 1}', parse) == {"a": 1}
    assert parse_cache.parsed(b'{"a": 2}', parse) == {"a": 2}
    assert parse.calls == 2


def test_a_damaged_entry_is_parsed_again(cache: Path) -> None:
    parse = Parser()
    parse_cache.parsed(b'{"a": 1}', parse)
    for entry in cache.glob("*.json"):
        entry.write_text('{"a": ')  # cut short
    assert parse_cache.parsed(b'{"a": 1}', parse) == {"a": 1}
    assert parse.calls == 2


def test_data_json_cannot_hold_is_never_cached(cache: Path) -> None:
    calls = []

    def parse(raw: bytes) -> object:
        calls.append(raw)
        return {True: "yes", 1.5: "a float key"}  # what YAML makes of `on:` and `1.5:` keys

    assert parse_cache.parsed(b"x", parse) == {True: "yes", 1.5: "a float key"}
    assert parse_cache.parsed(b"x", parse) == {True: "yes", 1.5: "a float key"}
    assert len(calls) == 2 and not list(cache.glob("*.json"))


def test_an_unusable_cache_folder_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("VANA_AUDIT_CACHE_DIR", str(blocker / "cache"))
    assert parse_cache.parsed(b'{"a": 1}', Parser()) == {"a": 1}


def test_the_cache_can_be_turned_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VANA_AUDIT_NO_CACHE", "1")
    parse = Parser()
    parse_cache.parsed(b'{"a": 1}', parse)
    parse_cache.parsed(b'{"a": 1}', parse)
    assert parse.calls == 2 and not cache.exists()


def test_the_catalogue_loads_the_same_from_the_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed_rules = load_rules(plugins=False)  # fills the cache
    assert len(list(cache.glob("*.json"))) >= 10

    def no_parsing(raw: bytes) -> object:
        raise AssertionError("parsed again although cached")

    with monkeypatch.context() as patched:
        patched.setattr(engine, "_parse_yaml", no_parsing)
        cached_rules = load_rules(plugins=False)
    assert [r.meta for r in cached_rules] == [r.meta for r in parsed_rules]
    monkeypatch.setenv("VANA_AUDIT_NO_CACHE", "1")
    assert [r.meta for r in load_rules(plugins=False)] == [r.meta for r in parsed_rules]
