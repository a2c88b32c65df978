"""`frontend.*` signals: frontend-specific delivery checks."""
from __future__ import annotations

from ..signal_core import Signal, Signals, found, signal
from ._shared import _deps

FRONTEND_DEPS = {
    "react",
    "vue",
    "next",
    "nuxt",
    "svelte",
    "@sveltejs/kit",
    "@angular/core",
    "solid-js",
    "preact",
    "astro",
    "@remix-run/react",
    "lit",
    "ember-source",
    "gatsby",
}


@signal("frontend.present", "a web frontend (React, Vue, Svelte, Angular…) is part of the repository")
def frontend_present(s: Signals) -> Signal:
    return found(_deps(s.facts, FRONTEND_DEPS, "npm"))
