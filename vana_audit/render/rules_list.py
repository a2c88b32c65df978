"""`vana-audit rules list` and `rules show`: the rule catalogue as a table or JSON, and one rule's
documentation as text. (`rules_page.py` is the published page of every rule.)"""

from __future__ import annotations

import json
from collections.abc import Iterable

from tabulate import tabulate

from ..model import ALL_PROFILES, RuleMeta


def render_rules_json(metas: Iterable[RuleMeta]) -> str:
    return json.dumps(
        [
            {
                "id": m.id,
                "title": m.title,
                "category": m.category.value,
                "level": m.level,
                "weight": m.weight,
                "severity": m.severity.value,
                "priority": m.priority.value,
                "effort": m.effort_text,
                "profiles": list(m.profiles),
            }
            for m in metas
        ],
        indent=2,
    ) + "\n"


def render_rules_table(metas: list[RuleMeta]) -> str:
    rows = [[m.id, m.category.value, m.level, m.priority.value, m.severity.value, m.title] for m in metas]
    table = tabulate(rows, headers=["ID", "Category", "Level", "Priority", "Severity", "Title"], tablefmt="simple")
    return f"{table}\n\n{len(metas)} rule(s)\n"


def render_rule_text(meta: RuleMeta) -> str:
    d = meta.docs
    applies = ("every profile" if set(meta.profiles) >= set(ALL_PROFILES)
               else ", ".join(meta.profiles) + " (and a workspace with a member of these profiles)")
    text = (
        f"{meta.id}: {meta.title}\n"
        f"category {meta.category.value} · level {meta.level} · {meta.priority.value} · "
        f"severity {meta.severity.value} · effort {meta.effort_text}\n"
        f"applies to: {applies}\n"
        + (f"one priority lower when {meta.demote_note}\n" if meta.demote_note else "")
        + "\n"
    )
    for heading, body in (
        ("What it checks", d.what),
        ("Why it matters", d.why),
        ("How to fix", d.how),
        ("Example", d.example),
        ("References", "\n".join(f"- {r}" for r in d.references)),
    ):
        text += f"## {heading}\n{body}\n\n"
    return text
