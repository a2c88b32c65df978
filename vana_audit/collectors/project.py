"""Package manifests and scripts, lockfiles, Makefile targets, test runner configuration, mobile apps."""
from __future__ import annotations

import configparser
import json
import re
import tomllib
from collections.abc import Callable
from typing import Any

import yaml

from .. import safe_yaml
from ..facts import MakeTarget, PackageManifest, TestConfig, TextLine
from ..secrets import clip
from ..source import Source

LOCKFILES = {"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "bun.lock", "uv.lock",
             "poetry.lock", "Pipfile.lock", "pdm.lock", "go.sum", "Cargo.lock", "Gemfile.lock", "mix.lock",
             "composer.lock", "gradle.lockfile", "requirements.lock", "conda-lock.yml", "Chart.lock",
             "packages.lock.json"}


def _base(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def _json(source: Source, path: str) -> tuple[str, Any] | None:
    text = source.read_text(path)
    if text is None:
        return None
    try:
        return text, json.loads(text)
    except (ValueError, RecursionError) as exc:
        source.problem(path, f"invalid JSON: {clip(str(exc), 120)}")
        return text, None


def _toml(source: Source, path: str) -> tuple[str, dict[str, Any]] | None:
    text = source.read_text(path)
    if text is None:
        return None
    try:
        return text, tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError) as exc:
        source.problem(path, f"invalid TOML: {clip(str(exc), 120)}")
        return text, {}


def _ini(source: Source, path: str) -> tuple[str, configparser.ConfigParser] | None:
    text = source.read_text(path)
    if text is None:
        return None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        source.problem(path, f"invalid INI: {clip(str(exc).splitlines()[0], 120)}")
    return text, parser


MAX_COMMAND_CHARS = 32_000  # one script or recipe line: signals run many regexes over each

_COV_FAIL_UNDER = re.compile(r"--cov-fail-under[= ](\d+(?:\.\d+)?)")


def _names(deps: Any) -> set[str]:
    if isinstance(deps, dict):
        return {str(k).lower() for k in deps}
    if isinstance(deps, list):
        return {re.split(r"[\s<>=!~\[;@]", str(d), maxsplit=1)[0].lower() for d in deps if str(d).strip()}
    return set()


# `PackageManifest.data[RUNTIME]`: how many dependencies the shipped code needs (development, test and
# documentation tooling aside), for the ecosystems whose manifest tells them apart; absent elsewhere.
RUNTIME = "runtime_dependencies"
LANGUAGE_VERSION = "language_version"  # the language versions a manifest declares it supports (requires-python, ...)
SIGNING = "signing"  # [line, what]: a Maven or Gradle build that signs the artefacts it publishes
# Requirement files of tooling, not of the shipped code: requirements-dev.txt, docs/requirements.txt, ...
_TOOLING_REQUIREMENTS = re.compile(r"(^|/)(docs?|tests?|tools?|ci|\.github)/|requirements[-_.]?(dev|test|tests|docs?|"
                                   r"lint|ci|tools?|build)\b|(dev|test|docs?)[-_]requirements", re.I)


Found = tuple[list[PackageManifest], list[TestConfig]]  # what one manifest file yields
NOTHING: Found = ([], [])


def collect_manifests(source: Source, files: list[str]) -> tuple[list[PackageManifest], list[str], list[TestConfig]]:
    """Every package manifest (one reader per kind, below) and the test configurations they hold."""
    manifests: list[PackageManifest] = []
    tests: list[TestConfig] = []
    lockfiles = [p for p in files if _base(p) in LOCKFILES]
    for path in files:
        base = _base(path)
        reader = _manifest_reader(base)
        if reader is not None:
            found_manifests, found_tests = reader(source, path)
            manifests += found_manifests
            tests += found_tests
        tests.extend(_js_test_config(source, path, base))
        if base in _CODECOV_FILES and path in (base, f".github/{base}"):
            tests.extend(_codecov_status(source, path))
    return manifests, lockfiles, tests


_CODECOV_FILES = ("codecov.yml", ".codecov.yml", "codecov.yaml", ".codecov.yaml")


def _codecov_status(source: Source, path: str) -> list[TestConfig]:
    """Codecov's project status check: it fails a pull request under a target or when coverage drops by more
    than a threshold (paperless-ngx: `threshold: 1%` per flag). Recorded with the rule in `options`; a numeric
    target is also the threshold. `informational: true` statuses never fail, so they are left out."""
    text = source.read_text(path) or ""
    try:
        doc = safe_yaml.load(text)
    except (yaml.YAMLError, safe_yaml.YamlTooComplex):
        return []
    coverage = doc.get("coverage") if isinstance(doc, dict) else None
    status = coverage.get("status") if isinstance(coverage, dict) else None
    project = status.get("project") if isinstance(status, dict) else None
    if not isinstance(project, dict):
        return []
    checks = [c for c in project.values() if isinstance(c, dict) and not c.get("informational")]
    for check in checks:
        target, threshold = str(check.get("target", "auto")), check.get("threshold")
        number = _float(target.rstrip("%")) if target != "auto" else None
        if number is not None or threshold is not None:
            rule = f"target {target}" if number is not None else f"no drop over {threshold}"
            return [TestConfig("codecov", path, _line_of(text, "project:"), number, f"status check: {rule}")]
    return []


def _manifest_reader(base: str) -> Callable[[Source, str], Found] | None:
    if base in _READERS:
        return _READERS[base]
    if base.startswith("requirements") and base.endswith(".txt"):
        return _read_requirements
    if base.endswith((".csproj", ".fsproj", ".vbproj")):
        return _read_dotnet_project
    return None


def _read_package_json(source: Source, path: str) -> Found:
    loaded = _json(source, path)
    if loaded is None or not isinstance(loaded[1], dict):
        return NOTHING
    text, data = loaded
    raw_scripts = data.get("scripts") if isinstance(data.get("scripts"), dict) else {}
    scripts = {clip(str(k), 200): clip(str(v), MAX_COMMAND_CHARS) for k, v in raw_scripts.items()}
    deps = _names(data.get("dependencies")) | _names(data.get("devDependencies"))
    manifest = PackageManifest(path, "npm", scripts, frozenset(deps),
                               {**data, RUNTIME: len(_names(data.get("dependencies")))})
    jest = data.get("jest")
    if not isinstance(jest, dict):
        return [manifest], []
    return [manifest], [TestConfig("jest", path, _line_of(text, '"jest"'),
                                   _js_threshold(json.dumps(jest.get("coverageThreshold") or {})),
                                   clip(json.dumps(jest), 4000))]


def _read_pyproject(source: Source, path: str) -> Found:
    loaded = _toml(source, path)
    if loaded is None:
        return NOTHING
    text, data = loaded
    project: dict[str, Any] = data["project"] if isinstance(data.get("project"), dict) else {}
    tool: dict[str, Any] = data["tool"] if isinstance(data.get("tool"), dict) else {}
    deps = _names(project.get("dependencies"))
    for group in ((project.get("optional-dependencies") or {}).values()
                  if isinstance(project.get("optional-dependencies"), dict) else []):
        deps |= _names(group)
    for group in ((data.get("dependency-groups") or {}).values()
                  if isinstance(data.get("dependency-groups"), dict) else []):
        deps |= _names([g for g in group if isinstance(g, str)] if isinstance(group, list) else [])
    poetry: dict[str, Any] = tool["poetry"] if isinstance(tool.get("poetry"), dict) else {}
    deps |= _names(poetry.get("dependencies")) | _names(poetry.get("dev-dependencies"))
    scripts = {str(k): str(v) for k, v in (project.get("scripts") or {}).items()} \
        if isinstance(project.get("scripts"), dict) else {}
    shipped = _names(project.get("dependencies")) | (_names(poetry.get("dependencies")) - {"python"})
    poetry_deps = poetry["dependencies"] if isinstance(poetry.get("dependencies"), dict) else {}
    python = project.get("requires-python") or poetry_deps.get("python")
    manifest = PackageManifest(path, "pip", scripts, frozenset(deps),
                               {"tool": sorted(tool), RUNTIME: len(shipped),
                                **({LANGUAGE_VERSION: f"requires-python {python}"} if isinstance(python, str) else {})})
    tests: list[TestConfig] = []
    pytest_opts = (tool.get("pytest") or {}).get("ini_options") if isinstance(tool.get("pytest"), dict) else None
    if isinstance(pytest_opts, dict):
        addopts = pytest_opts.get("addopts", "")
        addopts = " ".join(map(str, addopts)) if isinstance(addopts, list) else str(addopts)
        tests.append(TestConfig("pytest", path, _line_of(text, "[tool.pytest"), _cov(addopts), addopts))
    coverage: dict[str, Any] = tool["coverage"] if isinstance(tool.get("coverage"), dict) else {}
    report: dict[str, Any] = coverage["report"] if isinstance(coverage.get("report"), dict) else {}
    if "fail_under" in report:
        tests.append(TestConfig("coverage", path, _line_of(text, "fail_under"), _float(report["fail_under"])))
    return [manifest], tests


def _read_requirements(source: Source, path: str) -> Found:
    text = source.read_text(path) or ""
    lines = [line.split(" #", 1)[0].strip() for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith(("#", "-"))]
    deps = {re.split(r"[\s<>=!~\[;@]", line, maxsplit=1)[0].lower() for line in lines}
    tooling = bool(_TOOLING_REQUIREMENTS.search(path))
    # `Sphinx==7.2.6` on every line (pip-compile's output, or a hand-pinned docs build) locks like a lockfile
    exact = bool(lines) and all(_EXACT_PIN.match(line) for line in lines)
    return [PackageManifest(path, "pip", {}, frozenset(deps),
                            {RUNTIME: 0 if tooling else len(deps), **({"exact_pins": True} if exact else {})})], []


_EXACT_PIN = re.compile(r"^[A-Za-z0-9][\w.\-]*(\[[\w,.\- ]*\])?\s*===?\s*[\w.!+\-]+\s*(;.*)?(\\)?$")


def _read_python_ini(source: Source, path: str) -> Found:
    """setup.cfg, tox.ini, pytest.ini and .coveragerc: no manifest, the test settings they hold."""
    loaded = _ini(source, path)
    if loaded is None:
        return NOTHING
    text, ini = loaded
    tests: list[TestConfig] = []
    for section in ("pytest", "tool:pytest"):
        if ini.has_section(section):
            addopts = ini.get(section, "addopts", fallback="")
            tests.append(TestConfig("pytest", path, _line_of(text, f"[{section}]"), _cov(addopts), addopts))
    for section in ("report", "coverage:report"):
        if ini.has_section(section) and ini.has_option(section, "fail_under"):
            tests.append(TestConfig("coverage", path, _line_of(text, "fail_under"),
                                    _float(ini.get(section, "fail_under"))))
    if _base(path) == "tox.ini":
        commands = " ".join(ini.get(s, "commands", fallback="") for s in ini.sections())
        if "pytest" in commands:
            tests.append(TestConfig("tox", path, _line_of(text, "commands"), _cov(commands), commands))
    return [], tests


def _read_go_mod(source: Source, path: str) -> Found:
    text = source.read_text(path) or ""
    return [PackageManifest(path, "go", dependencies=frozenset(_go_requires(text)))], []


def _read_cargo(source: Source, path: str) -> Found:
    loaded = _toml(source, path)
    data = loaded[1] if loaded else {}
    return [PackageManifest(path, "cargo", dependencies=frozenset(_cargo_deps(data) if loaded else ()),
                            data={RUNTIME: len(_cargo_deps(data, runtime_only=True)) if loaded else 0,
                                  **_rust_version(data)})], []


def _read_pom(source: Source, path: str) -> Found:
    text = source.read_text(path) or ""
    return [PackageManifest(path, "maven", dependencies=frozenset(_maven_deps(text)),
                            data=_jvm_versions(text, _MAVEN_DYNAMIC))], []


def _read_gradle(source: Source, path: str) -> Found:
    """A build script's dependencies; the build at the top of a Gradle project also declares the
    libraries of its version catalog (gradle/libs.versions.toml), which modules use through
    accessors (`libs.firebase.crashlytics`) that name no coordinates."""
    text = source.read_text(path) or ""
    here = path[:len(path) - len(_base(path))]
    version_catalog = f"{here}gradle/libs.versions.toml"
    catalog_deps = _version_catalog_deps(source, version_catalog) if source.exists(version_catalog) else set()
    return [PackageManifest(path, "gradle", dependencies=frozenset(_gradle_deps(text) | catalog_deps),
                            data=_jvm_versions(text, _GRADLE_DYNAMIC))], []


def _version_catalog_deps(source: Source, path: str) -> set[str]:
    """`group:artifact` of each [libraries] entry: "g:a:v", {module = "g:a"} or {group = "g", name = "a"}."""
    found = _toml(source, path)
    libraries = found[1].get("libraries") if found else None
    deps: set[str] = set()
    for entry in (libraries.values() if isinstance(libraries, dict) else ()):
        if isinstance(entry, str):
            coords = entry
        elif isinstance(entry, dict) and isinstance(entry.get("module"), str):
            coords = entry["module"]
        elif isinstance(entry, dict) and isinstance(entry.get("group"), str) and isinstance(entry.get("name"), str):
            coords = f"{entry['group']}:{entry['name']}"
        else:
            continue
        parts = coords.split(":")
        if len(parts) >= 2:
            deps.add(f"{parts[0]}:{parts[1]}".lower())
    return deps


def _read_dotnet_project(source: Source, path: str) -> Found:
    text = source.read_text(path) or ""
    manifest = PackageManifest(path, "nuget", dependencies=frozenset(
        m.group(1).lower() for m in _PACKAGE_REFERENCE.finditer(text[:2_000_000])), data=_dotnet_project(text))
    # coverlet's MSBuild `<Threshold>` fails `dotnet test` under that coverage (Polly's test projects)
    threshold = _COVERLET_THRESHOLD.search(text[:2_000_000])
    tests = [TestConfig("dotnet", path, _line_of(text, "<Threshold>"), _float(threshold.group(1)))] if threshold else []
    return [manifest], tests


_COVERLET_THRESHOLD = re.compile(r"<Threshold>\s*(\d{1,3}(?:\.\d+)?)\s*</Threshold>")


def _read_gemfile(source: Source, path: str) -> Found:
    text = source.read_text(path) or ""
    return [PackageManifest(path, "bundler", dependencies=frozenset(_GEM.findall(text)))], []


def _read_mix(source: Source, path: str) -> Found:
    """An Elixir project: `{:phoenix, "~> 1.7"}` tuples of its deps; `package:` means it is published to Hex."""
    text = source.read_text(path) or ""
    return [PackageManifest(path, "mix", dependencies=frozenset(_MIX_DEP.findall(text)),
                            data={"hex_package": bool(_MIX_PACKAGE.search(text))})], []


_MIX_DEP = re.compile(r"\{[ \t]*:([a-z_][a-z0-9_]*)[ \t]*,")
_MIX_PACKAGE = re.compile(r"^[ \t]*package:[ \t]*", re.M)


def _read_composer(source: Source, path: str) -> Found:
    loaded = _json(source, path)
    data = loaded[1] if loaded and isinstance(loaded[1], dict) else {}
    required = {n for n in _names(data.get("require")) if n != "php" and not n.startswith("ext-")}
    return [PackageManifest(path, "composer", dependencies=frozenset(
        _names(data.get("require")) | _names(data.get("require-dev"))), data={RUNTIME: len(required)})], []


def _read_pipfile(source: Source, path: str) -> Found:
    return [PackageManifest(path, "pip")], []


_READERS: dict[str, Callable[[Source, str], Found]] = {
    "package.json": _read_package_json,
    "pyproject.toml": _read_pyproject,
    "dev-requirements.txt": _read_requirements,  # requirements*.txt: see _manifest_reader
    "setup.cfg": _read_python_ini,
    "tox.ini": _read_python_ini,
    "pytest.ini": _read_python_ini,
    ".coveragerc": _read_python_ini,
    "go.mod": _read_go_mod,
    "Cargo.toml": _read_cargo,
    "pom.xml": _read_pom,
    "build.gradle": _read_gradle,
    "build.gradle.kts": _read_gradle,
    "Gemfile": _read_gemfile,
    "composer.json": _read_composer,
    "mix.exs": _read_mix,
    "Pipfile": _read_pipfile,
}


# Versions that resolve differently over time: Maven ranges and LATEST/RELEASE, Gradle `1.+` and latest.*.
_MAVEN_DYNAMIC = re.compile(r"<version>\s*(?:[\[(]|LATEST\b|RELEASE\b)")
_GRADLE_DYNAMIC = re.compile(r"""[:"']\d*\.?\+["']|latest\.(?:release|integration)""")


def _jvm_versions(text: str, dynamic: re.Pattern[str]) -> dict[str, Any]:
    """Whether a Maven or Gradle build declares a version that is not exact (exact ones make a
    lockfile unnecessary: the JVM build tools resolve them the same way every time), and the Java
    version it builds for."""
    if not text:
        return {}
    java = _JAVA_VERSION.search(text[:500_000])
    signing = _JVM_SIGNING.search(text[:500_000])
    return {"dynamic_versions": bool(dynamic.search(text)), **({LANGUAGE_VERSION: java.group(0)[:80]} if java else {}),
            **({SIGNING: [text.count("\n", 0, signing.start()) + 1, signing.group(1)]} if signing else {})}


# The build signs what it publishes: Maven's GPG or Sigstore signing plugins, Gradle's signing plugin or the
# vanniktech publish plugin's signAllPublications(). Maven Central accepts only signed artefacts, and the
# signing runs wherever the release is built, in CI or on a maintainer's machine.
_JVM_SIGNING = re.compile(r"(maven-gpg-plugin|sign-maven-plugin|sigstore-maven-plugin|signAllPublications\(\)|"
                          r"""(?m:^[ \t]*(?:id[ \t(]*["']signing["']|`signing`|apply plugin:[ \t]*["']signing["'])))""")


# the Java release a build compiles for: a Gradle toolchain or compatibility, Maven's compiler release
_JAVA_VERSION = re.compile(r"(jvmToolchain\s*\(\s*\d+|languageVersion[^\n]{0,40}of\(\s*\d+|"
                           r"(source|target)Compatibility\s*=[^\n]{0,40}\d+|jvmTarget[^\n]{0,40}\d+|"
                           r"<maven\.compiler\.(release|source)>[^<]{1,10}<|<java\.version>[^<]{1,10}<|"
                           r"<release>\d+</release>)")


def _rust_version(data: dict[str, Any]) -> dict[str, Any]:
    """`rust-version` (the minimum supported Rust) of the package or the workspace."""
    for table in (data.get("package"), (data.get("workspace") or {}).get("package")
                  if isinstance(data.get("workspace"), dict) else None):
        if isinstance(table, dict) and isinstance(table.get("rust-version"), str):
            return {LANGUAGE_VERSION: f"rust-version {table['rust-version']}"}
    return {}


# Declared dependencies of the manifests read as text, by name as each ecosystem spells it
# (`github.com/org/mod`, `group:artifact`, a gem or crate name): what the tool catalog's packages match.
# a go.mod require line that is not `// indirect`
_GO_REQUIRE = re.compile(r"^[ \t]*(?:require[ \t]+)?([a-z0-9.-]+\.[a-z]{2,}/\S+)[ \t]+v\S+[ \t]*$", re.M)
_MAVEN_DEPENDENCY = re.compile(r"<dependency>\s*<groupId>\s*([\w.-]+)\s*</groupId>\s*"
                               r"<artifactId>\s*([\w.-]+)\s*</artifactId>", re.S)
_GRADLE_DEPENDENCY = re.compile(
    r"""\b(?:[a-z]{1,20}(?:Implementation|Api|CompileOnly|RuntimeOnly)|implementation|api|compileOnly|"""
    r"""runtimeOnly|annotationProcessor|classpath|kapt|ksp)(?:[ \t]*\([ \t]*|[ \t]+)(?:platform\([ \t]*)?"""
    r"""["']([\w.-]+):([\w.-]+)""")
_GEM = re.compile(r"""^[ \t]*gem[ \t]+["']([\w.-]+)["']""", re.M)


_PACKAGE_REFERENCE = re.compile(r"""<PackageReference\s+Include\s*=\s*["']([\w.-]+)["']""", re.I)
_DOTNET_SDK = re.compile(r"""<Project\s+Sdk\s*=\s*["']([\w./-]+)["']""", re.I)
_DOTNET_PROPERTY = re.compile(r"<(OutputType|IsPackable|IsTestProject|PackageId|TargetFrameworks?)>\s*([^<]{1,200})</",
                              re.I)


def _dotnet_project(text: str) -> dict[str, Any]:
    """What a .NET project builds: its SDK (`Microsoft.NET.Sdk.Web` serves requests), output type
    (Exe or a library) and whether it is packed for NuGet or is a test project."""
    sdk = _DOTNET_SDK.search(text[:20_000])
    data: dict[str, Any] = {"sdk": sdk.group(1) if sdk else ""}
    for match in _DOTNET_PROPERTY.finditer(text[:200_000]):
        data.setdefault(match.group(1).lower(), match.group(2).strip())
    framework = data.get("targetframework") or data.get("targetframeworks")
    if framework:
        data[LANGUAGE_VERSION] = f"TargetFramework {framework}"
    return data


def _go_requires(text: str) -> set[str]:
    return {m.group(1).lower() for m in _GO_REQUIRE.finditer(text[:500_000])}


def _cargo_deps(data: dict[str, Any], runtime_only: bool = False) -> set[str]:
    names: set[str] = set()
    workspace = data.get("workspace")
    tables = [data, workspace if isinstance(workspace, dict) else {}]
    for table in tables:
        for key in ("dependencies",) if runtime_only else ("dependencies", "dev-dependencies", "build-dependencies"):
            names |= _names(table.get(key))
    return names


def _maven_deps(text: str) -> set[str]:
    return {f"{m.group(1)}:{m.group(2)}".lower() for m in _MAVEN_DEPENDENCY.finditer(text[:2_000_000])}


def _gradle_deps(text: str) -> set[str]:
    return {f"{m.group(1)}:{m.group(2)}".lower() for m in _GRADLE_DEPENDENCY.finditer(text[:2_000_000])}


def _cov(text: str) -> float | None:
    match = _COV_FAIL_UNDER.search(text or "")
    return float(match.group(1)) if match else None


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


_THRESHOLD = re.compile(r"""["']?(lines|statements|branches|functions)["']?\s*:\s*(\d+(?:\.\d+)?)""")


def _js_threshold(text: str) -> float | None:
    values = [float(m.group(2)) for m in _THRESHOLD.finditer(text)]
    return min(values) if values else None


def _js_test_config(source: Source, path: str, base: str) -> list[TestConfig]:
    tool = None
    for prefix, name in (("jest.config.", "jest"), ("vitest.config.", "vitest"), ("vite.config.", "vitest"),
                         ("playwright.config.", "playwright"), ("cypress.config.", "cypress"),
                         (".mocharc", "mocha"), ("karma.conf.", "karma")):
        if base.startswith(prefix):
            tool = name
            break
    if tool is None:
        return []
    text = source.read_text(path) or ""
    if tool == "vitest" and base.startswith("vite.config.") and "test" not in text:
        return []
    threshold = None
    if tool == "jest":
        block = text[text.find("coverageThreshold"):] if "coverageThreshold" in text else ""
        threshold = _js_threshold(block[:600])
    elif tool == "vitest":
        block = text[text.find("thresholds"):] if "thresholds" in text else ""
        threshold = _js_threshold(block[:600])
    return [TestConfig(tool, path, 1, threshold, clip(text, 4000))]


_TARGET = re.compile(r"^([A-Za-z0-9_.\-/%]+(?:\s+[A-Za-z0-9_.\-/%]+)*)\s*::?(?!=)(.*)$")


def collect_make(source: Source, files: list[str]) -> tuple[list[MakeTarget], list[TextLine]]:
    """Targets with their recipes, and commented-out lines (a disabled deploy target says a lot)."""
    targets: list[MakeTarget] = []
    commented: list[TextLine] = []
    for path in files:
        if _base(path) not in ("Makefile", "makefile", "GNUmakefile") and not path.endswith(".mk"):
            continue
        text = source.read_text(path)
        if text is None:
            continue
        targets.extend(_targets_with_recipes(path, text))
        commented.extend(TextLine(path, number, clip(line, MAX_COMMAND_CHARS))
                         for number, line in enumerate(text.splitlines(), 1)
                         if line.lstrip().startswith("#") and line.lstrip("# \t"))
    return targets, commented


def _targets_with_recipes(path: str, text: str) -> list[MakeTarget]:
    result: list[MakeTarget] = []
    current: list[tuple[str, int]] = []
    recipe: list[str] = []

    def flush() -> None:
        for name, number in current:
            result.append(MakeTarget(path, name, number, tuple(recipe)))

    for number, line in enumerate(text.splitlines(), 1):
        line = clip(line, MAX_COMMAND_CHARS)  # a megabyte one-liner is not a target; regexes read what is kept
        if line.startswith("\t"):
            if current:
                recipe.append(line.strip())
            continue
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _TARGET.match(line)
        flush()
        current, recipe = [], []
        if match and not line.startswith((" ", "export", "ifeq", "ifneq", "define", "include")) \
                and "=" not in match.group(1):
            current = [(n, number) for n in match.group(1).split() if not n.startswith(".")]
            inline = match.group(2).partition(";")[2].strip()
            if inline:
                recipe.append(inline)
    flush()
    return result


# An Android application declares a launcher activity (a library module's manifest has none); an
# Xcode project declares an application target.
_MOBILE_APP_MARKERS = (("AndroidManifest.xml", "android.intent.category.LAUNCHER", "an Android application"),
                       ("project.pbxproj", "com.apple.product-type.application", "an iOS application target"))
MAX_MOBILE_MANIFESTS = 10


def collect_mobile_apps(source: Source, files: list[str]) -> list[TextLine]:
    """The manifests that make the repository (or a module of it) an app shipped to users' devices."""
    candidates = [p for p in files if (_base(p) == "AndroidManifest.xml" and "/main/" in f"/{p}")
                  or p.endswith(".xcodeproj/project.pbxproj")]
    apps: list[TextLine] = []
    for path in candidates[:MAX_MOBILE_MANIFESTS]:
        text = source.read_text(path) or ""
        for base, marker, what in _MOBILE_APP_MARKERS:
            if _base(path) == base and marker in text:
                apps.append(TextLine(path, _line_of(text, marker) or 1, what))
    return apps
