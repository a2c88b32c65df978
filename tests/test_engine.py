"""Rule loading, validation, isolation and plugins."""
from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from vana_audit.engine import RuleLoadError, RuleResult, load_plugin_rules, load_rule_file, load_rules, run_rules
from vana_audit.facts import Facts
from vana_audit.model import Category, Outcome

VALID = """rules:
  - id: TEAM-001
    title: Team has a Makefile
    category: build
    level: 2
    weight: 1
    severity: low
    priority: P2
    effort_days: [0.5, 0.5]
    pass_if: {signal: build.scripted}
    pass_message: ok
    fail_message: missing
    remediation: Add a Makefile with targets.
    docs: {what: Checks for a Makefile., why: Because reasons., how: Write one please., example: "all:", references: [x]}
"""


def test_a_valid_team_rule_loads(tmp_path: Path):
    path = tmp_path / "team.yaml"
    path.write_text(VALID)
    (rule,) = load_rule_file(path)
    assert rule.meta.id == "TEAM-001" and rule.meta.category is Category.BUILD


def test_a_broken_rule_names_the_file_and_the_json_path(tmp_path: Path):
    path = tmp_path / "team.yaml"
    path.write_text(VALID.replace("level: 2", "level: 9"))
    with pytest.raises(RuleLoadError) as err:
        load_rule_file(path)
    assert str(path) in str(err.value) and "$.rules[0].level" in str(err.value)


def test_an_unknown_signal_is_a_load_error(tmp_path: Path):
    path = tmp_path / "team.yaml"
    path.write_text(VALID.replace("build.scripted", "build.imaginary"))
    with pytest.raises(RuleLoadError, match="unknown signal 'build.imaginary'"):
        load_rule_file(path)


def test_invalid_yaml_names_the_line(tmp_path: Path):
    path = tmp_path / "team.yaml"
    path.write_text("rules:\n  - id: [\n")
    with pytest.raises(RuleLoadError, match="line"):
        load_rule_file(path)


class Exploding:
    def __init__(self, meta):
        self.meta = meta

    def evaluate(self, facts, signals):
        raise ValueError("boom")


def test_a_rule_that_raises_becomes_an_error_outcome_and_others_still_run():
    rules = load_rules(plugins=False)
    bad = Exploding(rules[0].meta)
    findings = run_rules([bad, *rules[1:3]], Facts())
    assert findings[0].outcome is Outcome.ERROR and "boom" in findings[0].message
    assert all(f.outcome is not Outcome.ERROR for f in findings[1:])


def test_builtin_catalog_has_rules_in_every_category():
    rules = load_rules(plugins=False)
    assert {r.meta.category for r in rules} == set(Category)
    assert len({r.meta.id for r in rules}) == len(rules)


class FakeEntryPoint:
    def __init__(self, name, loader, dist_name="team-rules"):
        self.name, self.value, self._loader = name, f"team_rules:{name}", loader
        self.dist = type("Dist", (), {"name": dist_name})()

    def load(self):
        return self._loader


def test_plugin_rules_load_through_entry_points(monkeypatch):
    from vana_audit.checks import PythonRule

    meta = load_rules(plugins=False)[0].meta
    plugin_rule = PythonRule(meta.__class__(**{**meta.__dict__, "id": "TEAM-900", "source": "team-rules"}),
                             lambda facts, signals: RuleResult(Outcome.PASS, "ok"))
    monkeypatch.setattr(metadata, "entry_points", lambda group: [FakeEntryPoint("team", lambda: [plugin_rule])])
    assert [r.meta.id for r in load_plugin_rules()] == ["TEAM-900"]


def test_a_broken_plugin_names_its_distribution(monkeypatch):
    def broken():
        raise ImportError("no module named team_rules.missing")

    monkeypatch.setattr(metadata, "entry_points", lambda group: [FakeEntryPoint("team", broken, "acme-rules")])
    with pytest.raises(RuleLoadError, match="'acme-rules'"):
        load_plugin_rules()


def test_the_shipped_catalog_is_valid_against_the_schema():
    # Scans skip schema validation of the shipped catalog for speed; this test is what holds it.
    from vana_audit.engine import builtin_rules_dir, load_rule_dir

    assert len(load_rule_dir(builtin_rules_dir(), validate=True)) >= 120


def test_an_alias_graph_in_a_rule_file_is_refused_before_the_cache_expands_it(tmp_path: Path):
    """2**60 leaves in 60 nodes: the parse cache's json.dumps would expand it without end."""
    path = tmp_path / "bomb.yaml"
    lines = ["rules:", "  - &a0 [x, x]"] + [f"  - &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 60)]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(RuleLoadError, match="bomb.yaml: YAML refused"):
        load_rule_file(path)


def test_a_value_that_does_not_fit_its_tag_is_a_load_error_without_the_value(tmp_path: Path):
    path = tmp_path / "team.yaml"
    path.write_text(VALID.replace("weight: 1", "weight: !!float SECRET-VALUE"))
    with pytest.raises(RuleLoadError) as err:
        load_rule_file(path)
    assert "team.yaml" in str(err.value) and "SECRET" not in str(err.value)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (("title: Team has a Makefile", "title: [secret-1, secret-2]"), "$.rules[0].title: must be of type string"),
        (("level: 2", "level: secret-1"), "$.rules[0].level: must be of type integer"),
        (("severity: low", "severity: secret-1"), "$.rules[0].severity: must be one of critical"),
        (("    pass_message: ok", "    secret one: x\n    pass_message: ok"), "$.rules[0].<key>: unknown key"),
        (("    pass_message: ok", "    context: [secret-1]\n    pass_message: ok"), "$.rules[0].context[0]: must match"),
    ],
)
def test_a_schema_error_names_the_path_and_the_check_never_the_value(tmp_path: Path, change, where):
    path = tmp_path / "team.yaml"
    path.write_text(VALID.replace(*change))
    with pytest.raises(RuleLoadError) as err:
        load_rule_file(path)
    assert where in str(err.value) and "secret" not in str(err.value), str(err.value)


@pytest.mark.parametrize(("change", "where"), [
    (("weight: 1", "weight: .nan"), "$.rules[0].weight: must be a finite number"),
    (("effort_days: [0.5, 0.5]", "effort_days: [0.5, .inf]"), "$.rules[0].effort_days[1]: must be a finite number"),
    (("effort_days: [0.5, 0.5]", "effort_days: [0.5, 1.0e+300]"), "$.rules[0].effort_days[1]: must be at most 60"),
    (("build.scripted}", "build.scripted, min: .nan}"), "$.rules[0].pass_if.min: must be a finite number"),
])
def test_rule_numbers_are_finite_and_bounded(tmp_path: Path, change, where):
    path = tmp_path / "team.yaml"
    path.write_text(VALID.replace(*change))
    with pytest.raises(RuleLoadError) as err:
        load_rule_file(path)
    assert where in str(err.value), str(err.value)


def test_the_confidence_of_a_verdict_is_that_of_the_signals_that_decided_it():
    from vana_audit.engine import judge
    from vana_audit.model import Confidence
    from vana_audit.signals import Signal

    high, low = Confidence.HIGH, Confidence.LOW
    signals = {"yes-sure": Signal(True, (), high), "yes-text": Signal(True, (), low),
               "no-sure": Signal(False, (), high), "no-text": Signal(False, (), low)}

    def conf(expr):
        return judge(expr, signals, "service")[2]  # type: ignore[arg-type]

    assert conf({"signal": "yes-text"}) is low and conf({"signal": "no-sure"}) is high
    assert conf({"any": [{"signal": "yes-sure"}, {"signal": "yes-text"}]}) is high  # the surest true branch
    assert conf({"any": [{"signal": "no-sure"}, {"signal": "no-text"}]}) is low  # a false branch was a guess
    assert conf({"all": [{"signal": "yes-sure"}, {"signal": "yes-text"}]}) is low  # the least sure part
    assert conf({"all": [{"signal": "no-sure"}, {"signal": "yes-text"}]}) is high  # the part that failed
    assert conf({"not": {"signal": "yes-text"}}) is low
    assert conf({"profile": ["service"]}) is high


def test_a_low_confidence_failure_is_never_a_p0():
    from dataclasses import replace

    from vana_audit.model import Confidence, Finding, Outcome, Priority

    p0 = next(r.meta for r in load_rules(plugins=False) if r.meta.priority is Priority.P0)
    p1 = replace(p0, priority=Priority.P1)
    assert Finding(p0, Outcome.FAIL, "", confidence=Confidence.LOW).priority is Priority.P1
    assert Finding(p0, Outcome.PARTIAL, "", confidence=Confidence.LOW).priority is Priority.P1
    assert Finding(p0, Outcome.FAIL, "").priority is Priority.P0
    assert Finding(p0, Outcome.PASS, "", confidence=Confidence.LOW).priority is Priority.P0  # not a finding to fix
    assert Finding(p1, Outcome.FAIL, "", confidence=Confidence.LOW).priority is Priority.P1
