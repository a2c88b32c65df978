"""`build.*` signals: builds, artifacts, caches, pinned toolchains, stamped versions, container builds."""
from __future__ import annotations

import re

from ..collectors.containers import dev_dockerfile_reason, is_dev_dockerfile, starts_something
from ..collectors.shell import split_script
from ..facts import Facts
from ..folded_re import TextPattern
from ..model import Evidence
from ..path_patterns import PathPattern
from ..secrets import clip, in_test_folder
from ..signal_core import Signal, Signals, ci_matching, ev, found, listing, rx, signal, tool_uses
from ..tools import catalog
from ._shared import _files, _paths, _shipped_dockerfiles


def _local_commands(facts: Facts, pattern: TextPattern) -> list[Evidence]:
    """Make targets and package scripts whose name or command matches: quality gates run by hand."""
    hits = [
        ev(t.path, t.line, f"{t.name}: {clip(' && '.join(t.recipe), 100)}")
        for t in facts.make_targets
        if pattern.search(t.name) or any(pattern.search(r) for r in t.recipe)
    ]
    for manifest in facts.manifests:
        hits += [
            ev(manifest.path, None, f'"{name}": "{cmd}"')
            for name, cmd in manifest.scripts.items()
            if (pattern.search(name) or pattern.search(cmd)) and not _placeholder(cmd)
        ]
    return hits


def _placeholder(script: str) -> bool:
    """A script that only prints and exits: npm's `echo "Error: no test specified" && exit 1`."""
    commands = split_script(script, max_commands=10)
    return bool(commands) and all(c.argv and c.argv[0] in ("echo", "exit", "true", ":") for c in commands)


# -- build ----------------------------------------------------------------------------------------

BUILD_WORDS = rx(
    r"^(build|test|lint|check|ci|all|install|compile|package|dist|bundle|typecheck|format)\b|"
    r"\b(build|compile|tsc|webpack|vite build|next build|go build|cargo build|uv build|python -m build)\b"
)


# Ecosystems whose build tool has a standard lifecycle: one conventional command builds and tests.
STANDARD_LIFECYCLE = {
    "maven": "the Maven lifecycle builds and tests (mvn verify)",
    "gradle": "the Gradle build builds and tests (gradle build)",
    "cargo": "cargo builds and tests the crate (cargo build, cargo test)",
    "go": "the go tool builds and tests the module (go build ./..., go test ./...)",
}
# Files that script the build and tests by the convention of their kind of project.
LIFECYCLE_FILES = (
    (re.compile(r"^manage\.py$"), "Django's manage.py runs the checks and tests (manage.py check, manage.py test)"),
    (re.compile(r"^molecule/[^/]+/molecule\.ya?ml$"), "a Molecule scenario tests the role (molecule test)"),
    (re.compile(r"(^|/)ct\.ya?ml$"), "chart-testing lints and installs the charts (ct lint-and-install)"),
    (re.compile(r"^[Bb]uild\.(ps1|sh|cmd|bat)$"), "a build script"),
)


@signal("build.scripted", "build and test steps are scripted (Makefile, package scripts, task runner, "
        "or a build tool with a standard lifecycle)")
def build_scripted(s: Signals) -> Signal:
    hits = _local_commands(s.facts, BUILD_WORDS)[:6]
    tools = catalog()
    hits += [ev(path, None, f"{use.tool_id} tasks") for path in s.facts.files if path.count("/") <= 1
             for use in tools.from_config_file(path)
             if use.capability == "task-runner" and use.tool_id != "make"][:3]  # make: its targets are above
    hits += [ev(path, None, text) for regex, text in LIFECYCLE_FILES
             for path in s.facts.files[:50000] if regex.search(path)][:3]
    lifecycles: dict[str, Evidence] = {}
    for manifest in s.facts.manifests:
        if manifest.ecosystem in STANDARD_LIFECYCLE:
            lifecycles.setdefault(manifest.ecosystem, ev(manifest.path, None, STANDARD_LIFECYCLE[manifest.ecosystem]))
    return found(hits + list(lifecycles.values()))


@signal("build.lockfile", "dependency versions are locked (a lockfile, or a JVM build with exact versions only)")
def build_lockfile(s: Signals) -> Signal:
    jvm = [m for m in s.facts.manifests if m.ecosystem in ("maven", "gradle")]
    exact = jvm and not any(m.data.get("dynamic_versions", True) for m in jvm)
    pinned = [ev(m.path, None, f"{m.ecosystem}: every dependency version is exact") for m in jvm[:2]] if exact else []
    return found(_paths(s.facts.lockfiles) + pinned)


@signal("build.pinned_requirements", "a pip requirements file pins every requirement with == (direct ones at least)")
def pinned_requirements(s: Signals) -> Signal:
    """Locks what it names like a lockfile does (pip-compile writes such files); not a lockfile for the
    frozen-install rule, which cannot tell which file an install reads."""
    return found(ev(m.path, None, "every requirement is pinned with ==") for m in s.facts.manifests
                 if m.data.get("exact_pins"))


@signal("build.local_quality_gates", "lint, type check or tests are scripted locally")
def local_gates(s: Signals) -> Signal:
    return found(
        _local_commands(s.facts, rx(r"^(lint|typecheck|type-check|test|check)\b|\b(ruff|mypy|eslint|pytest|jest)\b"))[
            :6
        ]
    )


@signal("build.commit_sha", "the commit SHA is stamped into builds")
def build_commit_sha(s: Signals) -> Signal:
    pattern = rx(
        r"(COMMIT_SHA|GIT_SHA|GIT_COMMIT|SOURCE_COMMIT|REVISION|VCS_REF|BUILD_SHA|image\.revision|github\.sha|CI_COMMIT_SHA|SHORT_SHA|COMMIT_ID)"
    )
    hits = [
        ev(d.path, i.line, f"{i.cmd} {i.args}")
        for d in s.facts.dockerfiles
        for i in d.instructions
        if i.cmd in ("ARG", "ENV", "LABEL") and pattern.search(i.args)
    ]
    hits += ci_matching(
        s.facts,
        rx(
            r"(--build-arg[^\n]{0,200}(sha|commit|revision)|ldflags[^\n]{0,200}(commit|sha|version)|"
            r"org\.opencontainers\.image\.revision)"
        ),
    )
    hits += tool_uses(s.facts, ("version-stamp",))  # GoReleaser's default ldflags, docker/metadata-action labels
    # a Rust build script embedding `git rev-parse HEAD`; Skaffold tagging images with the commit
    for path, text in s.facts.config_texts.items():
        stamp = _RUST_REVISION if path == "build.rs" else _SKAFFOLD_COMMIT_TAG if path in s.facts.iac_tools.get(
            "skaffold", []) else None
        match = stamp.search(text) if stamp else None
        if match:
            hits.append(ev(path, text.count("\n", 0, match.start()) + 1, match.group(0)[:80]))
    return found(hits)


_RUST_REVISION = re.compile(r"rev-parse")
_SKAFFOLD_COMMIT_TAG = re.compile(r"gitCommit\s*:")


@signal("build.shipped_image", "a production Dockerfile whose image starts something of its own (CMD, ENTRYPOINT, "
        "EXPOSE or HEALTHCHECK): an image to build, scan and ship, not a toolbox or playground")
def shipped_image(s: Signals) -> Signal:
    return found(ev(d.path) for d in _shipped_dockerfiles(s.facts) if starts_something(d))


@signal("build.dockerfile", "the repository has a Dockerfile for a production image (dev and test images aside)")
def has_dockerfile(s: Signals) -> Signal:
    return found(ev(d.path) for d in _shipped_dockerfiles(s.facts))


@signal("build.multistage", "every production Dockerfile uses a multi-stage build")
def multistage(s: Signals) -> Signal:
    files = _shipped_dockerfiles(s.facts)
    ok = [d for d in files if len(d.stages) >= 2]
    return Signal(
        bool(files) and len(ok) == len(files),
        tuple(ev(d.path, d.stages[1].line, f"FROM {d.stages[1].args}") for d in ok),
    )


# -- build ------------------------------------------------------------------------------------------

TOOLCHAIN_FILES = PathPattern(
    r"(^|/)(\.python-version|\.nvmrc|\.node-version|\.tool-versions|mise\.toml|\.mise\.toml|"
    r"rust-toolchain(\.toml)?|\.java-version|\.sdkmanrc|\.ruby-version|global\.json|\.go-version|"
    r"\.terraform-version|\.bun-version|\.devcontainer/devcontainer\.json|\.devcontainer\.json)$",
    [".python-version", ".nvmrc", ".node-version", ".tool-versions", "mise.toml", "rust-toolchain", ".java-version",
     ".sdkmanrc", ".ruby-version", "global.json", ".go-version", ".terraform-version", ".bun-version",
     "devcontainer.json"],
)


@signal("build.manifests", "package manifests declare the project's dependencies")
def build_manifests(s: Signals) -> Signal:
    return found(
        ev(m.path, None, m.ecosystem) for m in sorted(s.facts.manifests, key=lambda m: (m.path.count("/"), m.path))[:5]
    )


@signal("build.toolchain_pinned", "the language toolchain version is pinned in a file every developer and CI reads")
def toolchain_pinned(s: Signals) -> Signal:
    f = s.facts
    hits = _files(f, TOOLCHAIN_FILES, 4)
    for m in f.manifests:
        if m.ecosystem == "npm" and (
            isinstance(m.data.get("engines"), dict)
            and m.data["engines"].get("node")
            or m.data.get("packageManager")
            or isinstance(m.data.get("volta"), dict)
        ):
            hits.append(ev(m.path, None, "engines/packageManager/volta"))
        if m.ecosystem == "go":
            hits.append(ev(m.path, None, "go directive"))
    if not hits and f.profile in ("library", "cli"):
        # A library or tool must work on a range of versions, not one: it declares the versions it
        # supports (requires-python, rust-version, a Java release, .NET target frameworks) and tests them.
        hits += [ev(m.path, None, f"declares the supported versions: {m.data['language_version']}")
                 for m in f.manifests if isinstance(m.data.get("language_version"), str)][:2]
    return found(hits)


COMMITTED_OUTPUT = PathPattern(
    r"(^|/)(node_modules|__pycache__|\.venv|\.tox|\.nox|\.pytest_cache|\.mypy_cache|\.ruff_cache|"
    r"\.next|\.nuxt|\.svelte-kit|\.parcel-cache|\.turbo|[^/]+\.egg-info|htmlcov|\.gradle|"
    r"\.terraform)/|\.py[co]$|(^|/)\.coverage$",
    ["node_modules/", "__pycache__/", ".venv/", ".tox/", ".nox/", ".pytest_cache/", ".mypy_cache/", ".ruff_cache/",
     ".next/", ".nuxt/", ".svelte-kit/", ".parcel-cache/", ".turbo/", ".egg-info/", "htmlcov/", ".gradle/",
     ".terraform/", ".pyc", ".pyo", ".coverage"],
)


@signal("build.committed_outputs", "dependency folders, caches or build outputs are committed")
def committed_outputs(s: Signals) -> Signal:
    shown: dict[str, str] = {}
    for path in s.facts.all_files:  # all files: a committed node_modules is also excluded as third-party code
        if in_test_folder(path):
            continue  # a fixture of the tests (poetry's tests/fixtures/*.egg-info)
        match = COMMITTED_OUTPUT.search(path)
        if match:
            key = path[: match.end()].rstrip("/")
            shown.setdefault(key, path)
    return listing(ev(key, None, f"committed: {example}") for key, example in list(shown.items())[:8])


@signal("build.buildable", "the project has a build step to run (build script, packaging, compiled language, image)")
def buildable(s: Signals) -> Signal:
    f = s.facts
    hits = [
        ev(m.path, None, f'"{n}" script')
        for m in f.manifests
        if m.ecosystem == "npm"
        for n in m.scripts
        if re.match(r"(build|compile|bundle|dist|package)\b", n)
    ][:2]
    hits += [
        ev(m.path, None, m.ecosystem)
        for m in f.manifests
        if m.ecosystem in ("go", "cargo", "maven", "gradle") or m.path.endswith("pyproject.toml")
    ][:2]
    hits += [ev(p) for p in f.files if p.rsplit("/", 1)[-1] in ("tsconfig.json", "setup.py")][:1]
    hits += [ev(t.path, t.line, t.name) for t in f.make_targets if re.match(r"(build|dist|package|compile)\b", t.name)][
        :1
    ]
    hits += list(s["build.shipped_image"].evidence[:1])  # not a dev or toolbox image
    return found(hits)


@signal("build.dev_dockerfiles", "Dockerfiles of dev or test images (dev containers, *.dev, under test/, e2e/, docs/)")
def dev_dockerfiles(s: Signals) -> Signal:
    return listing(
        ev(d.path, None, f"not a production image: {dev_dockerfile_reason(d.path)}")
        for d in s.facts.dockerfiles
        if is_dev_dockerfile(d.path)
    )
