"""FoldedPattern must find exactly what the case-insensitive pattern finds, with the text's own case."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from vana_audit import signals
from vana_audit.folded_re import FoldedPattern, lower_literals

CATALOGUE = {name: value for name, value in vars(signals).items() if isinstance(value, FoldedPattern)}


def _spans(matches) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    return [m.span() for m in matches]


def test_lower_literals_keeps_escapes_and_lowers_letters() -> None:
    assert lower_literals(r"Docker\S+\W\B\D[A-Z]{0,3}") == r"docker\S+\W\B\D[a-z]{0,3}"
    assert lower_literals("\\") == "\\"


def test_match_keeps_the_case_of_the_text() -> None:
    pattern = FoldedPattern(r"(kubectl) (apply|rollout)")
    found = pattern.search("run: KubeCtl Apply -f k8s/")
    assert found is not None
    assert found.group(0) == "KubeCtl Apply"
    assert found.groups() == ("KubeCtl", "Apply")
    assert found.span() == (5, 18)


def test_unicode_whose_lower_case_is_longer_falls_back_to_the_plain_pattern() -> None:
    text = "İstanbul team: helm upgrade app"  # 'İ'.lower() is two characters: positions would shift
    assert len(text.lower()) != len(text)
    found = FoldedPattern(r"helm (upgrade|install)").search(text)
    assert found is not None and text[found.start():found.end()] == "helm upgrade"


def test_finditer_returns_every_match_in_order() -> None:
    pattern = FoldedPattern(r"\bnpm (run )?test\b")
    text = "NPM test && npm Run TEST; npmtest; npm test"
    assert [m.group(0) for m in pattern.finditer(text)] == ["NPM test", "npm Run TEST", "npm test"]


def test_the_catalogue_uses_folded_patterns() -> None:
    assert {"TEST_CMD", "DEPLOY_CMD", "LINT_CMD", "CLAIM_CI"} <= set(CATALOGUE)


def _alphabet(pattern: str) -> str:
    letters = {c for c in pattern if c.isalpha()}
    return "".join(sorted(letters | {c.upper() for c in letters})) + " \n\t-./:=_\"'0123456789İKßſ"


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_folded_search_equals_case_insensitive_search(data) -> None:  # type: ignore[no-untyped-def]
    name = data.draw(st.sampled_from(sorted(CATALOGUE)))
    folded = CATALOGUE[name]
    words = re.findall(r"[A-Za-z][A-Za-z -]{1,20}", folded.pattern)
    pieces = st.one_of(st.sampled_from(words), st.sampled_from([w.upper() for w in words]),
                       st.text(_alphabet(folded.pattern), max_size=8))
    text = "".join(data.draw(st.lists(pieces, max_size=12)))
    plain = re.compile(folded.pattern, re.I | re.M)
    expected = plain.search(text)
    got = folded.search(text)
    assert (got.span() if got else None) == (expected.span() if expected else None), (name, text)
    assert _spans(folded.finditer(text)) == _spans(plain.finditer(text)), (name, text)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_folded_search_finds_what_the_pattern_generates(data) -> None:  # type: ignore[no-untyped-def]
    name = data.draw(st.sampled_from(sorted(CATALOGUE)))
    folded = CATALOGUE[name]
    plain = re.compile(folded.pattern, re.I | re.M)
    text = data.draw(st.from_regex(plain))
    flips = data.draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    text = "".join(c.swapcase() if flip else c for c, flip in zip(text, flips, strict=True))
    expected = plain.search(text)
    got = folded.search(text)
    assert (got.span() if got else None) == (expected.span() if expected else None), (name, text)
    if got:
        assert got.group(0) == text[got.start():got.end()]
