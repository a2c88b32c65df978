"""The maturity ladder, worked by hand."""
from __future__ import annotations

from vana_audit.engine import load_rules
from vana_audit.model import Category, Finding, Outcome
from vana_audit.scoring import level_name, score_all, score_category, status_mark


def _finding(meta, outcome):
    return Finding(meta, outcome, "")


def _meta(level, weight=1.0, category=Category.BUILD, rid="X-001"):
    base = load_rules(plugins=False)[0].meta
    return base.__class__(**{**base.__dict__, "level": level, "weight": weight, "category": category, "id": rid})


def test_nothing_in_place_is_one():
    score = score_category(Category.BUILD, [_finding(_meta(2), Outcome.FAIL), _finding(_meta(3), Outcome.FAIL)], 1.0)
    assert score.score == 1.0 and score.level_name == "None" and score.status_mark == "❌"


def test_each_level_adds_its_weighted_share():
    findings = [
        _finding(_meta(2, 1.0), Outcome.PASS), _finding(_meta(2, 1.0), Outcome.PASS),  # level 2: 2/2 = 1.0
        _finding(_meta(3, 2.0), Outcome.PASS), _finding(_meta(3, 2.0), Outcome.FAIL),  # level 3: 2/4 = 0.5
        _finding(_meta(4, 1.0), Outcome.PARTIAL), _finding(_meta(4, 1.0), Outcome.NOT_APPLICABLE),  # 0.5/1
        _finding(_meta(5, 1.0), Outcome.ERROR),  # errors are not scored: level 5 adds nothing
    ]
    # 1.0 + 1.0 + 0.5 + 0.5 + 0 = 3.0
    score = score_category(Category.BUILD, findings, 1.0)
    assert score.score == 3.0
    assert score.rules_passed == 3 and score.rules_applicable == 5
    assert score.level_fractions == {2: 1.0, 3: 0.5, 4: 0.5, 5: None}


def test_a_category_with_no_applicable_rule_is_left_out_of_the_overall():
    findings = [_finding(_meta(2, category=Category.BUILD), Outcome.PASS),
                _finding(_meta(3, category=Category.BUILD), Outcome.FAIL),
                _finding(_meta(2, category=Category.DEPLOY), Outcome.NOT_APPLICABLE)]
    categories, overall = score_all(findings)
    deploy = next(c for c in categories if c.category is Category.DEPLOY)
    assert deploy.score is None
    # build = 1 + 1.0 (L2) + 0 (L3) + 0 + 0 = 2.0 is the only scored category; six have no finding at all.
    assert overall.overall == 2.0 and overall.percent == 40.0


def test_level_names_and_marks_follow_the_seed():
    assert (level_name(2.0), status_mark(2.0)) == ("Basic", "⚠️")
    assert (level_name(1.5), status_mark(1.5)) == ("Minimal", "❌")
    assert (level_name(3.5), status_mark(3.5)) == ("Good", "✅")


def test_levels_without_rules_are_credited_only_above_a_fully_met_level():
    # Only a level-3 rule applies and it passes: levels 2, 4 and 5 cannot be judged and are
    # credited in full -> 1 + 1 + 1 + 1 + 1 = 5.0.
    assert score_category(Category.DEPLOY, [_finding(_meta(3, category=Category.DEPLOY), Outcome.PASS)], 1.0).score == 5.0
    # The same rule failing: nothing is credited -> 1.0.
    assert score_category(Category.DEPLOY, [_finding(_meta(3, category=Category.DEPLOY), Outcome.FAIL)], 1.0).score == 1.0
    # Level 2 fully met, level 3 half met, levels 4-5 empty: 1 + 1.0 + 0.5 + 0 + 0 = 2.5.
    findings = [_finding(_meta(2), Outcome.PASS), _finding(_meta(3), Outcome.PASS), _finding(_meta(3), Outcome.FAIL)]
    assert score_category(Category.BUILD, findings, 1.0).score == 2.5


def test_the_next_step_keeps_an_acronym_that_starts_it():
    from vana_audit.scoring import _lower_first

    assert _lower_first("No lockfile") == "no lockfile"
    assert _lower_first("CI deploys straight to production") == "CI deploys straight to production"
    assert _lower_first("README lacks a setup section") == "README lacks a setup section"
    assert _lower_first("A") == "a"
