"""Which files are the repository's own practice: the default exclusions (third-party code, build
output, test data, examples) and their summary. Its own module so that `profile.py`, which the
package imports, can use it without importing the package."""
from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable

from ..results import ExcludedDirectory

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
# So these patterns leave alone every file under a JVM source root (src/main/java/, src/test/kotlin/,
# src/main/proto/, src/commonMain/kotlin/, ...) and the source files (not data files) under `src/`, Go's
# `internal/` and `pkg/`. Test data conventions (testdata/, __fixtures__/, src/test/resources/) are not
# guarded: they are data wherever.
ROLE_PATTERNS = frozenset({"examples/**", "**/examples/**", "samples/**", "**/samples/**", "**/fixtures/**"})
_ROLE_DIR = re.compile(r"(^|/)(examples?|samples?|fixtures|demos?)/")
# A Gradle/Maven source set (main, test, Android's androidTest and build types, Kotlin Multiplatform's
# commonMain/jvmTest, ...) and a language or resource folder of it: src/main/proto/ is Protobuf source.
_JVM_SOURCE_ROOT = re.compile(r"(^|/)src/(main|test|it|integrationTest|testFixtures|androidTest|debug|release|"
                              r"[a-z][A-Za-z0-9]{0,30}(?:Main|Test))/"
                              r"(java|kotlin|scala|groovy|clojure|resources|proto|aidl|res|assets|cpp|jni|antlr|"
                              r"avro|webapp|sqldelight|graphql)/")
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

    def reincluded(self, path: str) -> bool:
        """A `!pattern` takes the path back in: the user asked for it to be judged."""
        return bool(self._back.match(path))

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
