"""Collectors: turn the files of a `Source` into one `Facts` object. They record, never judge."""
from __future__ import annotations

import fnmatch
import re
from typing import Iterable

from ..facts import Facts
from ..secrets import collect_secrets
from ..source import Source
from . import ci, containers, iac, meta, project
from .profile import infer_profile

# Test data and third-party code are not the repository's own practice.
DEFAULT_EXCLUDES = (
    "node_modules/**", "**/node_modules/**", "vendor/**", "**/vendor/**", "third_party/**", "**/third_party/**",
    ".venv/**", "venv/**", "**/site-packages/**", "**/testdata/**", "**/test_data/**", "**/fixtures/**",
    "**/__fixtures__/**", "tests/data/**", "test/data/**", "**/__snapshots__/**", "dist/**", "build/**",
)


def _compile(patterns: Iterable[str]) -> re.Pattern[str]:
    parts = []
    for pattern in patterns:
        parts.append(fnmatch.translate(pattern))
        if pattern.startswith("**/"):  # `**/x` also matches `x` at the top
            parts.append(fnmatch.translate(pattern[3:]))
    return re.compile("|".join(parts) if parts else r"(?!x)x")


def apply_excludes(files: list[str], patterns: Iterable[str]) -> list[str]:
    matcher = _compile(patterns)
    return [f for f in files if not matcher.match(f)]


def classify_test_files(files: list[str]) -> dict[str, list[str]]:
    """Test files by level of the pyramid, from naming conventions."""
    levels: dict[str, list[str]] = {"unit": [], "integration": [], "e2e": [], "performance": []}
    for path in files:
        lower = path.lower()
        base = lower.rsplit("/", 1)[-1]
        is_test = (base.startswith("test_") and base.endswith(".py")) or base.endswith(("_test.py", "_test.go", "_spec.rb")) \
            or re.search(r"\.(test|spec)\.[cm]?[jt]sx?$", base) is not None \
            or (base.endswith((".java", ".kt")) and "/test/" in lower and base.endswith(("test.java", "tests.java", "test.kt")))
        if not is_test:
            if ("k6" in lower or "locust" in lower or "/load" in lower) and base.endswith((".js", ".py", ".ts")):
                levels["performance"].append(path)
            continue
        if re.search(r"(^|/)(e2e|end[-_]to[-_]end|playwright|cypress|acceptance)(/|[._-])", lower):
            levels["e2e"].append(path)
        elif re.search(r"(^|/)(integration|integ|it|functional|api)(/|[._-])", lower):
            levels["integration"].append(path)
        elif re.search(r"(^|/)(perf|performance|load|benchmarks?|stress)(/|[._-])", lower):
            levels["performance"].append(path)
        else:
            levels["unit"].append(path)
    return levels


def collect_facts(source: Source, excludes: Iterable[str] = DEFAULT_EXCLUDES,
                  profile_override: str | None = None) -> Facts:
    all_files = source.files
    excludes = tuple(excludes)
    files = apply_excludes(all_files, excludes)
    facts = Facts(files=files, all_files=all_files, excluded_patterns=excludes)
    facts.pipelines, facts.ci_placeholders = ci.collect_pipelines(source, files)
    facts.dockerfiles = containers.collect_dockerfiles(source, files)
    facts.compose_files = containers.collect_compose(source, files)
    facts.iac_tools = iac.detect_iac_tools(files)
    facts.terraform = iac.collect_terraform(source, files)
    facts.k8s_objects = iac.collect_k8s(source, files, facts.iac_tools)
    facts.manifests, facts.lockfiles, facts.test_configs = project.collect_manifests(source, files)
    facts.make_targets, facts.make_commented = project.collect_make(source, files)
    facts.test_files = classify_test_files(files)
    facts.config_files = meta.collect_config_files(files)
    facts.dockerignore = facts.config_files.get("dockerignore", [])
    facts.docs, facts.doc_lines = meta.collect_docs(source, files)
    meta.collect_dependency_updates(source, facts)
    meta.collect_hooks(source, facts)
    facts.source_signals = meta.collect_code_signals(source, files)
    facts.gitignore = meta.collect_gitignore(source)
    # Secrets are looked for everywhere, fixtures included: a leaked key is a leak wherever it sits.
    facts.secrets = collect_secrets(source, all_files)
    facts.profile, facts.profile_reasons = infer_profile(facts, profile_override)
    return facts
