"""`env.*` signals: .env files tracked in the repository."""
from __future__ import annotations

from ..secrets import in_test_folder
from ..signal_core import Signal, Signals, listing, signal
from ._shared import _paths


@signal("env.committed", ".env files are tracked (in test fixture folders only when they hold secret material)")
def env_committed(s: Signals) -> Signal:
    with_secrets = {hit.path for hit in s.facts.secrets}
    tracked = [p for p in s.facts.config_files.get("env-file", [])
               if not in_test_folder(p) or p in with_secrets]  # a fixture for dotenv tests: judged by what it holds
    return listing(_paths(tracked, 10))
