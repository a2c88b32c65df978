"""Helm template guards evaluated against the chart's default values.yaml."""
from __future__ import annotations

import pytest

from vana_audit.helm_guards import FALSE, TRUE, UNKNOWN, TemplateGuards, evaluate

VALUES = {"agent": {"hostNetwork": False, "enabled": True, "tolerations": [], "name": ""},
          "rbac": {"create": True}, "replicas": 0}


@pytest.mark.parametrize("expression,expected", [
    (".Values.agent.hostNetwork", False),
    (".Values.agent.enabled", True),
    ("$.Values.agent.enabled", True),
    ("not .Values.agent.hostNetwork", True),
    ("not .Values.rbac.create", False),
    (".Values.agent.tolerations", False),  # empty list
    (".Values.agent.name", False),  # empty string
    (".Values.replicas", False),  # 0
    (".Values.agent.missing", False),  # a missing key is nil
    (".Values.nothere.hostNetwork", None),  # under a missing parent: unknown
    ("and .Values.agent.enabled .Values.rbac.create", None),
    ("eq .Values.agent.name \"x\"", None),
    (".enabled", None),  # relative to a `with`
    ("include \"x.enabled\" .", None),
])
def test_guard_expressions(expression, expected):
    assert evaluate(expression, VALUES) is expected


def guards_by_line(text: str, values=VALUES) -> dict[str, str]:
    guards = TemplateGuards(text, values)
    return {line.strip(): guards.line(n, len(line) - len(line.lstrip())).state
            for n, line in enumerate(text.splitlines(), 1) if line.strip() and "{{" not in line}


def test_if_else_with_range_and_nesting():
    text = """spec:
  {{- if .Values.agent.hostNetwork }}
  hostNetwork: true
  {{- else }}
  dnsPolicy: ClusterFirst
  {{- end }}
  {{- if not .Values.agent.hostNetwork }}
  a: 1
  {{- end }}
  {{- with .Values.agent.tolerations }}
  tolerations: x
  {{- end }}
  {{- if .Values.agent.enabled }}
  {{- if and .Values.a .Values.b }}
  privileged: true
  {{- else }}
  b: 2
  {{- end }}
  c: 3
  {{- end }}
  {{- if .Values.agent.missing }}
  d: 4
  {{- else if .Values.rbac.create }}
  e: 5
  {{- else }}
  f: 6
  {{- end }}
  always: here
"""
    states = guards_by_line(text)
    assert states["hostNetwork: true"] == FALSE
    assert states["dnsPolicy: ClusterFirst"] == TRUE
    assert states["a: 1"] == TRUE
    assert states["tolerations: x"] == FALSE
    assert states["privileged: true"] == UNKNOWN
    assert states["b: 2"] == UNKNOWN
    assert states["c: 3"] == TRUE
    assert (states["d: 4"], states["e: 5"], states["f: 6"]) == (FALSE, TRUE, FALSE)
    assert states["always: here"] == TRUE


def test_without_values_every_guard_is_unknown():
    states = guards_by_line("{{- if .Values.x }}\nhostNetwork: true\n{{- end }}\nplain: 1\n", None)
    assert states == {"hostNetwork: true": UNKNOWN, "plain: 1": TRUE}
