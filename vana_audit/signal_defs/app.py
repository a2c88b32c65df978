"""`app.*` signals: what the application itself is built with (a frontend framework)."""
from __future__ import annotations

from ..signal_core import Signal, Signals, ev, found, signal
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


@signal("app.several_services", "the repository builds more than one service (production images in two or more "
        "directories, or two or more service or web-app members): a request can cross services")
def several_services(s: Signals) -> Signal:
    images = list(s["build.dockerfile"].evidence)
    folders = {e.path.rsplit("/", 1)[0] if "/" in e.path else "" for e in images}
    members = [m for m in s.facts.profile_members if m.profile in ("service", "web-app")]
    if len(folders) >= 2:
        return found(images[:3])
    if len(members) >= 2:
        return found(ev(m.path, None, f"{m.profile} member") for m in members[:3])
    return found([])
