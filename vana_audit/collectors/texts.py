"""Texts of small configuration files whose content some rules judge (alert rules, CODEOWNERS,
branch protection, Helm values, nested .gitignore files, the issue chooser). Read once, capped; rules never
open files."""
from __future__ import annotations

from ..facts import Facts
from ..source import Source

MAX_TEXT_FILES = 400
MAX_TEXT_BYTES = 256 * 1024
CONFIG_KINDS_READ = ("alert-rules", "alertmanager", "prometheus", "slo", "otel-collector", "branch-protection",
                     "env-file")
DOC_KINDS_READ = ("codeowners",)


def _base(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def wanted_paths(facts: Facts) -> list[str]:
    paths = [p for kind in CONFIG_KINDS_READ for p in facts.config_files.get(kind, [])]
    paths += [p for kind in DOC_KINDS_READ for p in facts.docs.get(kind, [])]
    paths += [p for p in facts.files if _base(p) in (".gitignore", ".gitattributes")]
    paths += [p for p in (".github/ISSUE_TEMPLATE/config.yml", ".github/ISSUE_TEMPLATE/config.yaml")
              if facts.has_file(p)]
    paths += facts.iac_tools.get("skaffold", [])
    paths += [p for p in ("build.rs",) if facts.has_file(p)]  # a Rust build script may stamp the git revision
    chart_dirs = {p.rsplit("/", 1)[0] + "/" if "/" in p else "" for p in facts.iac_tools.get("helm", [])}
    paths += [p for p in facts.files if _base(p).startswith("values") and p.endswith((".yaml", ".yml"))
              and any(p.startswith(d) and "/" not in p[len(d):] for d in chart_dirs)]
    return list(dict.fromkeys(paths))


def collect_config_texts(source: Source, facts: Facts) -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in wanted_paths(facts)[:MAX_TEXT_FILES]:
        text = source.read_text(path)
        if text is not None and len(text) <= MAX_TEXT_BYTES:
            texts[path] = text
    return texts
