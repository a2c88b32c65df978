"""Collectors: turn the files of a `Source` into one `Facts` object. They record, never judge."""
from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable

from ..facts import Facts, SecretHit
from ..results import ExcludedDirectory
from ..secrets import collect_secrets
from ..source import Source
from . import ci, containers, iac, meta, project, texts
from .ci_model import build_ci_model, with_model_triggers
from .profile import infer_profile
from .tool_uses import find_tool_uses

# Test data, examples and third-party code are not the repository's own practice. A pattern with a
# leading `!` takes files back in (Go's build/package and build/ci hold real packaging and CI).
# Other projects' code, vendored or installed into the tree: not the repository's practice, and not
# its secrets either (a key inside a vendored library is upstream's, and there is nothing to rotate).
THIRD_PARTY = (
    "node_modules/**", "**/node_modules/**", "bower_components/**", "**/bower_components/**",
    "vendor/**", "**/vendor/**", "third_party/**", "**/third_party/**", "third-party/**", "**/third-party/**",
    ".venv/**", "venv/**", "**/.venv/**", "**/site-packages/**", "**/.tox/**", "**/.terraform/**",
)
# Hand-written pipelines and scripts at the top of build/ are not output (terraform-example-foundation's
# build/int.cloudbuild.yaml, build/tf-wrapper.sh).
BUILD_OUTPUT = ("dist/**", "build/**", "!build/package/**", "!build/ci/**", "!build/docker/**",
                "!build/*.yml", "!build/*.yaml", "!build/*.sh")
TEST_DATA = (
    "**/testdata/**", "**/test_data/**", "**/test-data/**", "**/fixtures/**", "**/__fixtures__/**",
    "tests/data/**", "test/data/**", "**/src/test/resources/**", "**/__snapshots__/**",
    "**/tests/**/*.tf", "**/test/**/*.tf", "**/tests/**/*.tfstate", "**/test/**/*.tfstate",
)
EXAMPLES = ("examples/**", "**/examples/**", "samples/**", "**/samples/**")
DEFAULT_EXCLUDES = (*THIRD_PARTY, *BUILD_OUTPUT, *TEST_DATA, *EXAMPLES)
# Why a default pattern excludes what it does, for the report.
EXCLUDE_REASONS = {
    **{p: "third-party code" for p in THIRD_PARTY}, **{p: "build output" for p in BUILD_OUTPUT},
    **{p: "test data" for p in TEST_DATA}, **{p: "examples and samples" for p in EXAMPLES},
}
# Directory roles (examples/, samples/, fixtures/) name what a folder holds only outside a source tree.
# Inside one, a folder of that name is a package: `src/main/java/org/springframework/samples/` is the
# application, `internal/examples/` in Go or `src/Acme/Samples/` in .NET is code the product builds.
# So these patterns leave alone every file under a JVM source root (src/main/<lang>/, src/test/<lang>/)
# and the source files (not data files) under `src/`, Go's `internal/` and `pkg/`. Test data
# conventions (testdata/, __fixtures__/, src/test/resources/) are not guarded: they are data wherever.
ROLE_PATTERNS = frozenset({"examples/**", "**/examples/**", "samples/**", "**/samples/**", "**/fixtures/**"})
_ROLE_DIR = re.compile(r"(^|/)(examples?|samples?|fixtures|demos?)/")
_JVM_SOURCE_ROOT = re.compile(r"(^|/)src/(main|test|it|integrationTest|testFixtures)/"
                              r"(java|kotlin|scala|groovy|clojure|resources)/")
_SOURCE_ROOT = re.compile(r"(^|/)(src|internal|pkg)/")
SOURCE_SUFFIXES = (".java", ".kt", ".kts", ".scala", ".groovy", ".clj", ".go", ".cs", ".fs", ".vb", ".py", ".rs",
                   ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".rb", ".php", ".swift", ".c", ".h", ".cc",
                   ".cpp", ".hpp", ".m", ".ex", ".exs", ".dart", ".vue", ".svelte")


def in_source_tree(path: str) -> bool:
    """The role folder (examples/, samples/, fixtures/) of `path` is a package inside a source tree."""
    role = _ROLE_DIR.search(path)
    if role is None:
        return False
    above = path[:role.start() + 1]
    if _JVM_SOURCE_ROOT.search(above):
        return True
    return bool(_SOURCE_ROOT.search(above)) and path.endswith(SOURCE_SUFFIXES) \
        and not path.rsplit("/", 1)[-1].startswith(".")


def _compile(patterns: Iterable[str], one_level: bool = False) -> re.Pattern[str]:
    """`one_level`: a lone `*` stays within one folder (re-includes such as `!build/*.yaml` must not
    take back build/lib/x.yaml); exclude patterns keep fnmatch's `*`, which crosses folders."""
    parts = []
    for pattern in patterns:  # anchored, so a search never rescans from every position
        translated = fnmatch.translate(pattern)
        if one_level and "**" not in pattern:
            translated = translated.replace(".*", "[^/]*")
        parts.append(r"\A" + translated)
        if pattern.startswith("**/"):  # `**/x` also matches `x` at the top
            parts.append(r"\A" + fnmatch.translate(pattern[3:]))
    return re.compile("|".join(parts) if parts else r"(?!x)x")


class ExcludeMatcher:
    """Exclude patterns (fnmatch, `**/x` also matching at the top) with `!pattern` re-includes; the
    role patterns (ROLE_PATTERNS) do not reach into a source tree (see `in_source_tree`)."""

    def __init__(self, patterns: Iterable[str]) -> None:
        patterns = tuple(patterns)
        out = [p for p in patterns if not p.startswith("!")]
        self._out = _compile(p for p in out if p not in ROLE_PATTERNS)
        self._role = _compile(p for p in out if p in ROLE_PATTERNS)
        self._back = _compile((p[1:] for p in patterns if p.startswith("!")), one_level=True)
        # Every match of a glob contains its longest literal run: one search for any of those
        # literals rules out most paths before the (much slower) alternation of translated globs.
        literals = [max(re.split(r"[*?\[\]]", p), key=len).strip("/") for p in out]
        self._hint = re.compile("|".join(map(re.escape, sorted(set(literals))))) if out and all(literals) else None

    def excluded(self, path: str) -> bool:
        if self._hint is not None and not self._hint.search(path):
            return False
        if self._back.match(path):
            return False
        return bool(self._out.match(path)) or (bool(self._role.match(path)) and not in_source_tree(path))


def apply_excludes(files: list[str], patterns: Iterable[str]) -> list[str]:
    matcher = ExcludeMatcher(patterns)
    return [f for f in files if not matcher.excluded(f)]


def exclusion_summary(all_files: list[str], files: list[str], patterns: Iterable[str],
                      limit: int = 10) -> list[ExcludedDirectory]:
    """The excluded directories (the shortest prefix a pattern excludes), with file counts, largest
    first, the pattern that excluded them and why (third-party code, build output, test data,
    examples and samples, or `exclude:` in configuration)."""
    patterns = tuple(patterns)
    matcher = ExcludeMatcher(patterns)
    singles = [(p, ExcludeMatcher([p])) for p in patterns if not p.startswith("!")]
    kept = set(files)
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for path in all_files:
        if path in kept:
            continue
        parts = path.split("/")
        where = next(("/".join(parts[:i]) for i in range(1, len(parts))
                      if matcher.excluded("/".join(parts[:i]) + "/.probe")), "/".join(parts[:-1]) or path)
        counts[where] = counts.get(where, 0) + 1
        first.setdefault(where, path)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    out: list[ExcludedDirectory] = []
    for where, count in ranked[:limit]:
        pattern = next((p for p, single in singles if single.excluded(first[where])), "")
        reason = EXCLUDE_REASONS.get(pattern, "exclude: in configuration" if pattern else "excluded")
        out.append(ExcludedDirectory(where, count, pattern, reason))
    return out


def classify_test_files(files: list[str]) -> dict[str, list[str]]:
    """Test files by level of the pyramid, from naming conventions."""
    levels: dict[str, list[str]] = {"unit": [], "integration": [], "e2e": [], "performance": []}
    for path in files:
        lower = path.lower()
        base = lower.rsplit("/", 1)[-1]
        is_test = (base.startswith("test_") and base.endswith((".py", ".rb"))) \
            or base.endswith(("_test.py", "_test.go", "_spec.rb", "_test.rb", "_test.exs", ".bats")) \
            or re.search(r"\.(test|spec)\.[cm]?[jt]sx?$", base) is not None \
            or (base.endswith((".java", ".kt", ".scala", ".groovy")) and "/test/" in lower
                and base.endswith(("test.java", "tests.java", "test.kt", "tests.kt", "spec.scala", "test.scala",
                                   "spec.groovy"))) \
            or (base.endswith(("tests.cs", "test.cs", "test.php", "tests.swift", "test.fs"))
                and "test" in lower[:-len(base)]) \
            or (base.endswith(".rs") and re.search(r"(^|/)tests/", lower) is not None) \
            or (base.endswith("_test.yaml") and "/tests/" in lower and "charts/" in f"/{lower}")
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
    facts.config_texts = texts.collect_config_texts(source, facts)
    if scan_secrets:
        facts.secrets = read_secrets(source)
    facts.profile, facts.profile_reasons, facts.profile_members = infer_profile(
        facts, profile_override, source.read_text)
    return facts
