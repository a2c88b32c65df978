"""Automation that commits under a plain account is no person: its commits stay out of the habit shares
(terraform-aws-vpc's `semantic-release-bot` and terraform-example-foundation's `CFT Bot` made most
commits look unsigned). A person whose name merely ends in "bot" is still a person."""
from __future__ import annotations

import pytest

from vana_audit.history.habits import is_bot


@pytest.mark.parametrize("name, email", [
    ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
    ("semantic-release-bot", "semantic-release-bot@martynus.net"),
    ("CFT Bot", "cloud-foundation-bot@google.com"),
    ("Mend Renovate", "bot@renovateapp.com"),
    ("Kubernetes Prow Robot", "k8s-ci-robot@users.noreply.github.com"),
    ("github-actions", "41898282+github-actions[bot]@users.noreply.github.com"),
])
def test_automation_accounts_are_bots(name: str, email: str) -> None:
    assert is_bot(name, email)


@pytest.mark.parametrize("name, email", [
    ("Talbot Smith", "talbot@example.com"),
    ("Abbot", "abbot@example.org"),
    ("Robot Framework Fan", "rf@example.com"),
    ("Hynek Schlawack", "hs@ox.cx"),
])
def test_people_are_not_bots(name: str, email: str) -> None:
    assert not is_bot(name, email)
