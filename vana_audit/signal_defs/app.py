"""`app.*` signals: what the application itself is built with (a frontend framework)."""
from __future__ import annotations

from ..signal_core import Signal, Signals, found, signal
from ._shared import _dependency_evidence

FRONTEND_DEPS = frozenset(
    {
        "react",
        "next",
        "vue",
        "nuxt",
        "svelte",
        "@sveltejs/kit",
        "@angular/core",
        "solid-js",
        "@remix-run/react",
        "preact",
        "astro",
        "ember-source",
    }
)


@signal("app.frontend", "a browser frontend is built (React, Next.js, Vue, Svelte, Angular…)")
def frontend(s: Signals) -> Signal:
    return found(_dependency_evidence(s.facts, FRONTEND_DEPS, "frontend framework"))
