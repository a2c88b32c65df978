"""`secrets.*` signals: secrets committed or guarded against."""
from __future__ import annotations

from ..secrets import is_test_key
from ..signal_core import SECRET_SCAN, Signal, Signals, ci_capability, ci_matching, ev, found, listing, signal
from ..tools import catalog
from ._shared import _config


@signal("secrets.committed", "secrets committed in tracked files (private keys in test folders aside)")
def committed_secrets(s: Signals) -> Signal:
    return listing(ev(h.path, h.line, f"{h.kind}: {h.redacted}") for h in s.facts.secrets if not is_test_key(h))


@signal("secrets.test_keys", "private keys in test folders or in files named as tests, examples or fakes")
def committed_test_keys(s: Signals) -> Signal:
    return listing(ev(h.path, h.line, f"{h.kind}: {h.redacted}") for h in s.facts.secrets if is_test_key(h))


@signal("secrets.scanning", "secret scanning runs in CI or a pre-commit hook")
def secret_scanning(s: Signals) -> Signal:
    hits = ci_capability(s.facts, ("secret-scan",), SECRET_SCAN)
    tools = catalog()
    hits += [
        ev(".pre-commit-config.yaml", None, h)
        for h in s.facts.pre_commit_hooks.get("pre-commit", [])
        if any(use.capability == "secret-scan" for use in tools.from_hook(h)) or SECRET_SCAN.search(h)
    ]
    hits += _config(s.facts, "gitleaks", "secrets-baseline")
    return found(hits)


@signal("secrets.scanning_ci", "secret scanning runs in CI")
def secret_scanning_ci(s: Signals) -> Signal:
    return found(ci_matching(s.facts, SECRET_SCAN))


@signal("secrets.scanning_precommit", "secret scanning runs in a pre-commit hook")
def secret_scanning_precommit(s: Signals) -> Signal:
    path = next(iter(s.facts.config_files.get("pre-commit", [])), ".pre-commit-config.yaml")
    return found(ev(path, None, h) for h in s.facts.pre_commit_hooks.get("pre-commit", []) if SECRET_SCAN.search(h))
