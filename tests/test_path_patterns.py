"""Literal hints must be necessary: a path (PathPattern) or code (the catalog's code kinds) that matches contains one."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vana_audit.signals  # noqa: F401  (imports the signal catalogue, which defines the patterns)
from vana_audit.facts import Facts
from vana_audit.path_patterns import REGISTRY, PathPattern, matching
from vana_audit.signals import files_matching
from vana_audit.tools import catalog


def test_the_catalogue_registers_its_path_patterns() -> None:
    assert len(REGISTRY) >= 9
    assert all(p.hints for p in REGISTRY)


def test_a_path_without_a_hint_is_not_searched() -> None:
    pattern = PathPattern(r"(^|/)stages/prod/", ["stages/"])
    REGISTRY.remove(pattern)  # a test pattern, not part of the catalogue
    assert pattern.search("deploy/stages/prod/main.tf") is not None
    assert pattern.search("deploy/STAGE/prod/main.tf") is None
    assert matching(pattern, [(p, p.lower()) for p in ["a/stages/prod/x", "b/prod/x"]]) == ["a/stages/prod/x"]


def test_files_matching_keeps_the_order_of_the_files() -> None:
    facts = Facts(files=["z/.nvmrc", "a/b/.python-version", "README.md"], all_files=[], excluded_patterns=())
    from vana_audit.signal_defs.build import TOOLCHAIN_FILES

    assert files_matching(facts, TOOLCHAIN_FILES) == ["z/.nvmrc", "a/b/.python-version"]


@pytest.mark.parametrize("pattern", REGISTRY, ids=lambda p: p.pattern[:40])
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_every_match_contains_a_hint(pattern: PathPattern, data) -> None:  # type: ignore[no-untyped-def]
    path = data.draw(st.from_regex(pattern.regex))  # strings the regex matches, with anything around
    assert pattern.regex.search(path)
    assert any(hint in path.lower() for hint in pattern.hints), (path, pattern.hints)
    assert pattern.search(path) is not None


@pytest.mark.parametrize("name", sorted(catalog().code_kinds))
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_every_code_keyword_match_contains_a_hint(name: str, data) -> None:  # type: ignore[no-untyped-def]
    kind = catalog().code_kinds[name]
    text = data.draw(st.from_regex(kind.pattern))
    assert kind.pattern.search(text)
    assert any(hint in text.lower() for hint in kind.hints), (name, text)
