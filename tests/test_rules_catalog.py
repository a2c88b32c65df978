"""The rule catalog as a whole: every rule documented in full, the build/test/deploy/security catalog
deep enough on every level, every rule covered by the rule tables (a passing, a failing and, where it
can be, a not-applicable repository), and stack-tailored examples."""
from __future__ import annotations

from collections import Counter

import pytest

from tests import (
    test_rules_build,
    test_rules_containers,
    test_rules_deploy,
    test_rules_docs,
    test_rules_gitops,
    test_rules_iac,
    test_rules_monitoring,
    test_rules_security,
    test_rules_test,
)
from tests.rulekit import facts_for
from vana_audit.engine import DeclarativeRule, load_rules
from vana_audit.model import ALL_PROFILES as MODEL_PROFILES
from vana_audit.model import Category, RuleDocs
from vana_audit.signal_defs.stack import detect_stack, detect_stacks

MY_CATEGORIES = (Category.BUILD, Category.TEST, Category.DEPLOY, Category.SECURITY)
STACKS = ("python-uv", "node-npm", "go")
ALL_PROFILES = set(MODEL_PROFILES)
TABLES = tuple(module.CASES for module in (  # every rule table: one `case(...)` row per repository
    test_rules_build, test_rules_test, test_rules_deploy, test_rules_security, test_rules_containers,
    test_rules_docs, test_rules_gitops, test_rules_iac, test_rules_monitoring))

RULES = load_rules(plugins=False)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.meta.id)
def test_every_rule_has_every_docs_section(rule):
    docs = rule.meta.docs
    for section in ("what", "why", "how", "example"):
        assert getattr(docs, section).strip(), f"{rule.meta.id}: docs.{section} is empty"
    assert docs.references and all(r.strip() for r in docs.references), f"{rule.meta.id}: no references"
    assert rule.meta.remediation.strip(), f"{rule.meta.id}: no remediation"
    assert rule.meta.effort_days[0] <= rule.meta.effort_days[1], f"{rule.meta.id}: effort range reversed"


@pytest.mark.parametrize("category", MY_CATEGORIES, ids=lambda c: c.value)
def test_each_category_has_sixteen_rules_over_every_level(category):
    mine = [r.meta for r in RULES if r.meta.category is category]
    levels = Counter(m.level for m in mine)
    assert len(mine) >= 16, f"{category.value}: {len(mine)} rules"
    assert set(levels) == {2, 3, 4, 5}, f"{category.value}: levels {dict(levels)}"


def _covered() -> dict[str, set[str]]:
    outcomes: dict[str, set[str]] = {}
    for table in TABLES:
        for param in table:
            rule_id, outcome = param.values[0], param.values[1]
            outcomes.setdefault(rule_id, set()).add(outcome)
    return outcomes


def test_every_table_row_names_a_rule_of_the_catalog():
    assert set(_covered()) <= {r.meta.id for r in RULES}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.meta.id)
def test_every_rule_has_a_passing_a_failing_and_a_not_applicable_repository(rule):
    outcomes = _covered().get(rule.meta.id, set())
    assert "pass" in outcomes, f"{rule.meta.id}: no repository where it passes"
    assert outcomes & {"fail", "partial"}, f"{rule.meta.id}: no repository where it fails"
    can_be_na = set(rule.meta.profiles) != ALL_PROFILES or (
        isinstance(rule, DeclarativeRule) and "applies_if" in rule.spec)
    if can_be_na:
        assert "na" in outcomes, f"{rule.meta.id}: no repository where it does not apply"


@pytest.mark.parametrize("rule", [r for r in RULES if r.meta.docs.examples or r.meta.docs.example_stack],
                         ids=lambda r: r.meta.id)
def test_stack_examples_cover_python_node_and_go(rule):
    """A rule with stack-specific examples shows Python, Node and Go repositories one that fits them
    (their own, their family's, or a default example written for them or for every stack)."""
    for stack in STACKS:
        assert rule.meta.docs.example_for(stack), f"{rule.meta.id}: no example for {stack}"


@pytest.mark.parametrize("rule_id", ["BLD-003", "TST-002", "SEC-001", "SEC-005", "SEC-006", "CTR-003"])
def test_rules_whose_fix_is_a_stack_specific_file_carry_examples(rule_id):
    rule = next(r for r in RULES if r.meta.id == rule_id)
    examples = dict(rule.meta.docs.examples)
    assert set(examples) >= set(STACKS)
    assert len({examples[stack] for stack in STACKS}) == len(STACKS), f"{rule_id}: the examples are not tailored"


def test_example_for_picks_the_stack_then_the_language_then_the_default():
    docs = RuleDocs("w", "y", "h", "default", ("r",), (("go", "go file"), ("node-npm", "npm file"),
                                                        ("python-uv", "uv file")))
    assert docs.example_for("python-uv") == "uv file"
    assert docs.example_for("python-poetry") == "uv file"  # same language beats the generic example
    assert docs.example_for("node-pnpm") == "npm file"
    assert docs.example_for("rust") == "default"
    assert docs.example_for(None) == "default"
    family = RuleDocs("w", "y", "h", "default", ("r",), (("python", "python file"), ("python-uv", "uv file")))
    assert family.example_for("python-pip") == "python file"  # the family's own beats a sibling's


@pytest.mark.parametrize("files,stack", [
    ({"pyproject.toml": "[project]\nname = 'a'\n", "uv.lock": "version = 1\n"}, "python-uv"),
    ({"pyproject.toml": "[tool.poetry]\nname = 'a'\n", "poetry.lock": ""}, "python-poetry"),
    ({"requirements.txt": "flask==3.0\n"}, "python-pip"),
    ({"package.json": '{"name": "a"}', "package-lock.json": "{}"}, "node-npm"),
    ({"package.json": '{"name": "a"}', "pnpm-lock.yaml": ""}, "node-pnpm"),
    ({"package.json": '{"name": "a"}', "yarn.lock": ""}, "node-yarn"),
    ({"go.mod": "module example.com/a\n\ngo 1.24\n"}, "go"),
    ({"README.md": "# a\n"}, "generic"),
])
def test_detect_stack(tmp_path, files, stack):
    assert detect_stack(facts_for(tmp_path / "repo", files)) == stack


def test_detect_stacks_puts_the_root_first(tmp_path):
    facts = facts_for(tmp_path / "repo", {
        "pyproject.toml": "[project]\nname = 'a'\n", "uv.lock": "version = 1\n",
        "frontend/package.json": '{"name": "web"}', "frontend/package-lock.json": "{}",
        "tools/a/package.json": '{"name": "t"}'})
    assert detect_stacks(facts) == ["python-uv", "node-npm"]
