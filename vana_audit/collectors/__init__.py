"""Collectors: turn the files of a `Source` into one `Facts` object. They record, never judge."""
from __future__ import annotations

import re
from collections.abc import Iterable

from ..facts import Facts, SecretHit
from ..secrets import collect_secrets
from ..source import Source
from . import ci, containers, iac, meta, project, texts
from .ci_model import build_ci_model, with_model_triggers
from .exclusions import DEFAULT_EXCLUDES as DEFAULT_EXCLUDES  # re-exported: the package's public names
from .exclusions import THIRD_PARTY
from .exclusions import ExcludeMatcher as ExcludeMatcher
from .exclusions import apply_excludes as apply_excludes
from .exclusions import exclusion_summary as exclusion_summary
from .profile import infer_profile
from .tool_uses import find_tool_uses

# A Molecule scenario (Ansible roles): it converges the role in a container and verifies it.
_MOLECULE_SCENARIO = re.compile(r"(^|/)molecule/[^/]+/(molecule|converge|verify)\.ya?ml$")


# mocha, tape and node:test read every script in a `test/` folder (mocha's default spec is ./test): express,
# koa and most of the jshttp packages name their tests `test/app.router.js`, not `*.test.js`. Helpers,
# fixtures and mocks beside them are no tests.
_JS_TEST_FOLDER = re.compile(r"(^|/)tests?/(?!(?:[^/]+/)*(?:support|helpers?|fixtures?|mocks?|utils?|setup)/)"
                             r"(?:[^/]+/)*[^/]+\.[cm]?[jt]s$")


# src/test/, and Kotlin Multiplatform's and Android's source sets: src/commonTest/, src/jvmTest/, src/androidUnitTest/
_JVM_TEST_SOURCES = re.compile(r"/test/|(^|/)src/[a-z0-9]*(unit)?test/")


def classify_test_files(files: list[str]) -> dict[str, list[str]]:
    """Test files by level of the pyramid, from naming conventions."""
    levels: dict[str, list[str]] = {"unit": [], "integration": [], "e2e": [], "performance": []}
    for path in files:
        lower = path.lower()
        base = lower.rsplit("/", 1)[-1]
        is_test = (base.startswith("test_") and base.endswith((".py", ".rb"))) \
            or base.endswith(("_test.py", "_test.go", "_spec.rb", "_test.rb", "_test.exs", ".bats")) \
            or re.search(r"\.(test|spec)\.[cm]?[jt]sx?$", base) is not None \
            or (base.endswith((".java", ".kt", ".scala", ".groovy")) and _JVM_TEST_SOURCES.search(lower) is not None
                and base.endswith(("test.java", "tests.java", "test.kt", "tests.kt", "spec.scala", "test.scala",
                                   "spec.groovy"))) \
            or (base.endswith(("tests.cs", "test.cs", "test.php", "tests.swift", "test.fs"))
                and "test" in lower[:-len(base)]) \
            or (base.endswith(".rs") and re.search(r"(^|/)tests/", lower) is not None) \
            or (base.endswith((".c", ".cc", ".cpp", ".cxx")) and (  # GoogleTest names; Catch2/doctest folders
                base.endswith(("_test.cc", "_test.cpp", "_unittest.cc", "_unittest.cpp"))
                or re.search(r"(^|/)tests?/(?!(?:[^/]+/)*(?:thirdparty|third_party|vendor|fixtures?|data)/)",
                             lower) is not None)) \
            or (base.endswith("_test.yaml") and "/tests/" in lower and "charts/" in f"/{lower}") \
            or _MOLECULE_SCENARIO.search(lower) is not None \
            or _JS_TEST_FOLDER.search(lower) is not None
        if not is_test:
            if ("k6" in lower or "locust" in lower or "/load" in lower) and base.endswith((".js", ".py", ".ts")):
                levels["performance"].append(path)
            continue
        if _MOLECULE_SCENARIO.search(lower):
            levels["integration"].append(path)
        elif re.search(r"(^|/)(e2e|end[-_]to[-_]end|playwright|cypress|acceptance)(/|[._-])", lower):
            levels["e2e"].append(path)
        elif re.search(r"(^|/)(integration|integ|it|functional|api)(/|[._-])", lower):
            levels["integration"].append(path)
        elif re.search(r"(^|/)(perf|performance|load|benchmarks?|stress)(/|[._-])", lower):
            levels["performance"].append(path)
        else:
            levels["unit"].append(path)
    return levels


def read_secrets(source: Source) -> list[SecretHit]:
    """The pass that reads every file but third-party code; it depends on no other collector, so a
    scan may run it on another core (see scan.py) and hand its result to `collect_facts`."""
    # Fixtures, examples and build outputs are searched too: a leaked key is a leak wherever the
    # team put it. Vendored libraries are not (often most of the bytes of a Go or PHP repository).
    return collect_secrets(source, apply_excludes(source.files, THIRD_PARTY))


def collect_facts(source: Source, excludes: Iterable[str] = DEFAULT_EXCLUDES,
                  profile_override: str | None = None,
                  scan_secrets: bool = True) -> Facts:
    """All facts of the source; without `scan_secrets` the caller fills `facts.secrets` (scan.py
    runs that pass on another core)."""
    all_files = source.files
    excludes = tuple(excludes)
    files = apply_excludes(all_files, excludes)
    facts = Facts(files=files, all_files=all_files, excluded_patterns=excludes)
    facts.pipelines, facts.ci_placeholders = ci.collect_pipelines(source, files)
    facts.ci_model = build_ci_model(source, facts.pipelines)
    facts.pipelines = with_model_triggers(facts.pipelines, facts.ci_model)
    facts.tool_uses = find_tool_uses(facts.ci_model)
    facts.dockerfiles = containers.collect_dockerfiles(source, files)
    facts.compose_files = containers.collect_compose(source, files)
    facts.iac_tools = iac.detect_iac_tools(files)
    facts.terraform = iac.collect_terraform(source, files)
    facts.k8s_objects = iac.collect_k8s(source, files, facts.iac_tools, keep=ExcludeMatcher(excludes).reincluded)
    facts.manifests, facts.lockfiles, facts.test_configs = project.collect_manifests(source, files)
    facts.make_targets, facts.make_commented = project.collect_make(source, files)
    facts.mobile_apps = project.collect_mobile_apps(source, files)
    facts.test_files = classify_test_files(files)
    facts.config_files = meta.collect_config_files(files)
    facts.dockerignore = facts.config_files.get("dockerignore", [])
    facts.docs, facts.doc_lines = meta.collect_docs(source, files)
    meta.collect_dependency_updates(source, facts)
    meta.collect_hooks(source, facts)
    facts.source_signals = meta.collect_code_signals(source, files)
    facts.gitignore = meta.collect_gitignore(source)
    facts.config_texts = texts.collect_config_texts(source, facts)
    if scan_secrets:
        facts.secrets = read_secrets(source)
    facts.profile, facts.profile_reasons, facts.profile_members = infer_profile(
        facts, profile_override, source.read_text)
    return facts
