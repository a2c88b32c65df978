"""`repo.*` signals: repository-wide conventions."""
from __future__ import annotations

import re

from ..collectors.profile import is_product_file
from ..signal_core import Signal, Signals, ev, found, signal
from ._shared import _paths, readme_lines

# What a README says a repository is when it is a sample, demo, example or template of an application:
# its title, or a sentence near the top. Operating it in production is left to whoever runs a copy.
_SAMPLE_TITLE = re.compile(r"^#\s.*(\b(template|starter|boilerplate|sample|demo)\b|[-\s]examples?([-\s]|$))", re.I)
_SAMPLE_SENTENCE = re.compile(
    r"\b(sample|demo|demonstration|example|reference)\s+(application|app|apps|project|repository|repo|site|"
    r"implementation)s?\b|(?<!not )\b(is|as)\s+an?\s+(\w+\s+)?(template|starter|boilerplate)\b|"
    r"\bshowcases?\s+(best practices|how)", re.I)
_BADGE_OR_MARKUP = ("[![", "![", "<", "|", "..", ">")


@signal("repo.sample_app", "the README presents the repository as a sample, demo, example or template application")
def sample_app(s: Signals) -> Signal:
    readme = [line for line in readme_lines(s.facts) if not line.text.strip().startswith(_BADGE_OR_MARKUP)][:12]
    hit = next((line for line in readme if _SAMPLE_TITLE.search(line.text) or _SAMPLE_SENTENCE.search(line.text)),
               None)
    return found([hit.evidence()] if hit else [])


@signal("repo.mobile_app", "the repository builds a mobile app (an Android launcher activity, an iOS application "
        "target): it runs on its users' devices, not on servers of its own")
def mobile_app(s: Signals) -> Signal:
    return found(app.evidence() for app in s.facts.mobile_apps if is_product_file(app.path))


@signal("repo.run_by_others", "the software is operated by others: a sample or template application, releases "
        "shipped for others to run, or a mobile app on its users' devices (alerting, SLOs, runbooks and backups "
        "are their operators' business)")
def run_by_others(s: Signals) -> Signal:
    return found(s["repo.sample_app"].evidence or s["deploy.ships_releases_only"].evidence
                 or s["repo.mobile_app"].evidence)


# Libraries that load a .env file into the environment: a project using one keeps local secrets in files.
_DOTENV_PACKAGES = frozenset({"python-dotenv", "dotenv", "dotenv-cli", "@dotenvx/dotenvx", "dotenvx",
                              "github.com/joho/godotenv", "dotenv-rails", "vlucas/phpdotenv",
                              "io.github.cdimascio:dotenv-java", "dotenvy", "pydantic-settings",
                              "django-environ", "environs"})


@signal("repo.local_secrets_used", "the project keeps local secrets in files (.env files, an env example, a dotenv "
        "loader, a compose env_file, Terraform variables)")
def local_secrets_used(s: Signals) -> Signal:
    f = s.facts
    hits = _paths(f.docs.get("env-example", []) + f.config_files.get("env-file", []), 2)
    hits += [ev(m.path, None, f"loads .env files: {', '.join(sorted(m.dependencies & _DOTENV_PACKAGES))}")
             for m in f.manifests if m.dependencies & _DOTENV_PACKAGES][:2]
    hits += [ev(c.path, svc.line, f"service {svc.name}: env_file") for c in f.compose_files for svc in c.services
             if isinstance(svc.spec, dict) and svc.spec.get("env_file")][:2]
    hits += [ev(t.path, None, "Terraform variables and state") for t in f.terraform[:1]]
    return found(hits)
