"""`env.*` signals: .env files tracked in the repository."""
from __future__ import annotations

import re

from ..secrets import in_test_folder
from ..signal_core import Signal, Signals, listing, signal
from ._shared import _paths, secret_named

_ASSIGNMENT = re.compile(r"^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=", re.M)


@signal("env.committed", ".env files are tracked (in test fixture folders only when they hold secret material), "
        "unless one holds only settings that are no secrets (paperless-ngx's COMPOSE_PROJECT_NAME)")
def env_committed(s: Signals) -> Signal:
    with_secrets = {hit.path for hit in s.facts.secrets}
    tracked = [p for p in s.facts.config_files.get("env-file", [])
               if (not in_test_folder(p) or p in with_secrets)  # a fixture for dotenv tests: judged by what it holds
               and (p in with_secrets or not _settings_only(s.facts.config_texts.get(p)))]
    return listing(_paths(tracked, 10))


def _settings_only(text: str | None) -> bool:
    """The file sets variables and none of them is named for a secret (a compose project name, a port)."""
    if text is None:
        return False
    names = _ASSIGNMENT.findall(text)
    return bool(names) and not any(secret_named(name) for name in names)
