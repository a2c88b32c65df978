"""What a generator needs to know about the repository: its stacks, its CI provider, and the commands it
already declares for testing, linting and type checking.

Every command comes from the repository's own files (Makefile targets, package.json scripts, tox and nox
environments, tools configured in pyproject.toml, the Go toolchain's own test command); nothing is
invented and nothing is executed. A noxfile is read with `ast`, a tox.ini with configparser.
"""

from __future__ import annotations

import ast
import configparser
import re
import shlex
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..facts import Facts, MakeTarget, PackageManifest

# Target/script/env names per purpose, most specific first. Only names the repository defines are used.
TEST_NAMES = ("test", "tests", "unit", "test-unit", "test:unit", "unit-test", "unittest", "check-tests")
LINT_NAMES = ("lint", "lint-check", "check-lint", "linters", "vet", "style", "flake8", "ruff")
TYPE_NAMES = ("typecheck", "type-check", "typecheck:all", "types", "check-types", "mypy", "pyright", "tsc")
INSTALL_NAMES = ("install", "install-dev", "setup", "deps", "bootstrap", "dev-install")
BUILD_NAMES = ("build",)
E2E_NAMES = ("test:e2e", "e2e", "test-e2e", "e2e:test")
TYPE_WORDS = re.compile(r"\b(mypy|pyright|tsc|pytype|basedpyright)\b")
DOCKER_BUILD = re.compile(r"^\s*(docker|podman)\s+(build|buildx\s+build)\b")
SHA_PIN = re.compile(r"uses:\s*['\"]?([\w.-]+/[\w./-]+)@([0-9a-f]{40})['\"]?(?:\s*#\s*(\S+))?")


@dataclass(frozen=True)
class Command:
    """One command a CI job runs, with where it was found (for the generated file's comment)."""

    run: str  # a shell line built from repository names, each shell-quoted
    source: str  # "Makefile:13 lint", "package.json scripts.test", ...
    purpose: str  # install, test, lint, typecheck, build, e2e, container


@dataclass
class Component:
    """One place CI runs commands: the repository root for Python/Go, a folder with a package.json."""

    stack: str  # python-uv, python-poetry, python, node-npm, node-pnpm, node-yarn, go
    folder: str  # "" for the root
    commands: list[Command] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    python_version: str | None = None  # the interpreter the chosen test env needs (tox `3.13-tests`)

    @property
    def family(self) -> str:
        return self.stack.split("-", 1)[0]

    def of(self, *purposes: str) -> list[Command]:
        return [c for c in self.commands if c.purpose in purposes]


@dataclass
class RepoContext:
    root: Path
    facts: Facts
    stack: str | None
    provider: str  # github | gitlab
    components: list[Component] = field(default_factory=list)
    pinned: dict[str, tuple[str, str]] = field(default_factory=dict)  # action -> (sha, tag comment)
    failing: frozenset[str] = frozenset()  # the failing rules this run fixes (runner.py sets it)
    notes: list[str] = field(default_factory=list)

    def exists(self, rel: str) -> bool:
        return (self.root / rel).is_file() or self.facts.has_file(rel)

    def read(self, rel: str) -> str | None:
        path = self.root / rel
        if path.is_symlink() or not path.is_file():
            return None
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    @property
    def ecosystems(self) -> list[str]:
        """Dependabot package ecosystems of the repository's manifests, as (ecosystem) names."""
        return sorted({_ECOSYSTEM.get(m.ecosystem, "") for m in self.facts.manifests} - {""})

    @property
    def service_names(self) -> list[str]:
        names = [s.name for c in self.facts.compose_files for s in c.services]
        return sorted(dict.fromkeys(names))


_ECOSYSTEM = {"npm": "npm", "pip": "pip", "go": "gomod", "cargo": "cargo", "maven": "maven", "gradle": "gradle",
              "bundler": "bundler", "composer": "composer", "nuget": "nuget"}


def build_context(root: Path, facts: Facts, stack: str | None, provider: str | None = None) -> RepoContext:
    ctx = RepoContext(root=root, facts=facts, stack=stack, provider=provider or _provider(root, facts))
    ctx.pinned = _pinned_actions(ctx)
    ctx.components = _components(ctx)
    return ctx


def _provider(root: Path, facts: Facts) -> str:
    providers = [p.provider for p in facts.pipelines]
    if any(p.startswith("gitlab") for p in providers) or facts.has_file(".gitlab-ci.yml"):
        return "gitlab"
    if any("github" in p for p in providers):
        return "github"
    from ..identity import origin_url
    from ..repository import find_git_dir

    try:
        url = origin_url(find_git_dir(root)[0]) or ""
    except Exception:  # noqa: BLE001  # no repository, an unreadable config: decide without the remote
        url = ""
    return "gitlab" if "gitlab" in url.lower() else "github"


def _pinned_actions(ctx: RepoContext) -> dict[str, tuple[str, str]]:
    """Actions the repository already pins by commit SHA (with the tag its comment names)."""
    pinned: dict[str, tuple[str, str]] = {}
    for pipeline in ctx.facts.pipelines:
        for match in SHA_PIN.finditer(pipeline.text or ""):
            pinned.setdefault(match.group(1), (match.group(2), match.group(3) or ""))
    return pinned


# -- commands ------------------------------------------------------------------------------------------


def _components(ctx: RepoContext) -> list[Component]:
    facts = ctx.facts
    root = ctx.root
    components: list[Component] = []
    root_make = [t for t in facts.make_targets if t.path == "Makefile"]
    python = _python_stack(ctx)
    go = any(m.ecosystem == "go" and "/" not in m.path for m in facts.manifests)
    root_node = next((m for m in facts.manifests if m.ecosystem == "npm" and m.path == "package.json"), None)
    main: Component | None = None
    if python:
        main = Component(python, "")
    elif go:
        main = Component("go", "")
    elif root_node is not None:
        main = Component(_node_stack(ctx, ""), "")
    elif root_make:
        main = Component(ctx.stack or "make", "")
    if main is not None:
        main.commands = _make_commands(root_make, _prerequisites(ctx, root_make))
        if not main.of("test", "lint", "typecheck"):
            main.commands += _runner_commands(ctx, main)
        elif main.family == "python" and not main.of("install"):
            main.commands.insert(0, _python_install(ctx, main))
        if main.family == "go" and not main.of("install"):
            pass  # go downloads modules on first use
        if not main.of("container") and facts.has_file("Dockerfile"):
            image = re.sub(r"[^a-z0-9._-]+", "-", root.name.lower()).strip("-.") or "app"
            main.commands.append(Command(f"docker build -t {image}:ci .", "Dockerfile (its own build)", "container"))
        if not main.of("test", "lint", "typecheck", "build", "container"):
            main.notes.append("no test, lint or type-check command found in the repository; no CI job for it")
        components.append(main)
    for manifest in sorted(facts.manifests, key=lambda m: m.path):
        root_is_main = main is not None and main.family == "node" and manifest.path == "package.json"
        if manifest.ecosystem != "npm" or root_is_main:
            continue
        folder = str(PurePosixPath(manifest.path).parent)
        folder = "" if folder == "." else folder
        if _workspace_member(facts, folder):
            continue
        node = Component(_node_stack(ctx, folder), folder)
        node.commands = _npm_commands(node, manifest)
        if node.of("test", "lint", "typecheck", "build"):
            components.append(node)
    for component in components:
        component.commands = [_inert(c) for c in component.commands if _safe(c.run)]
    return components


def _safe(text: str) -> bool:
    """A command CI may run: no GitHub expression (`${{`), no line break, nothing outside printable text."""
    return "${{" not in text and "\n" not in text and "\r" not in text and text.isprintable()


def _inert(command: Command) -> Command:
    """The command with a source label that cannot open an expression or end a YAML comment line."""
    source = "".join(ch if ch.isprintable() else "?" for ch in command.source).replace("${{", "$ {{")
    return Command(command.run, source, command.purpose)


def _prerequisites(ctx: RepoContext, targets: list[MakeTarget]) -> dict[str, list[str]]:
    """Each target's prerequisites, from its rule line (`test: tidy fmt vet`)."""
    text = ctx.read("Makefile") or ""
    lines = text.splitlines()
    out: dict[str, list[str]] = {}
    for target in targets:
        line = lines[target.line - 1] if 0 < target.line <= len(lines) else ""
        if line.startswith(target.name + ":"):
            out[target.name] = line.split(":", 1)[1].split(";", 1)[0].split()
    return out


def _workspace_member(facts: Facts, folder: str) -> bool:
    """A package inside a workspace whose root package.json is handled as its own component."""
    if not folder:
        return False
    root = next((m for m in facts.manifests if m.path == "package.json"), None)
    return bool(root is not None and root.data.get("workspaces"))


def _python_stack(ctx: RepoContext) -> str | None:
    facts = ctx.facts
    if not any(m.ecosystem == "pip" and "/" not in m.path for m in facts.manifests) and not facts.has_file("tox.ini") \
            and not facts.has_file("noxfile.py"):
        return None
    if "uv.lock" in facts.lockfiles:
        return "python-uv"
    if "poetry.lock" in facts.lockfiles:
        return "python-poetry"
    return "python"


def _node_stack(ctx: RepoContext, folder: str) -> str:
    prefix = f"{folder}/" if folder else ""
    for lock, stack in (("pnpm-lock.yaml", "node-pnpm"), ("yarn.lock", "node-yarn"), ("bun.lockb", "node-bun"),
                        ("bun.lock", "node-bun")):
        if ctx.facts.has_file(prefix + lock) or ctx.facts.has_file(lock):
            return stack
    return "node-npm"


def _pick(names: tuple[str, ...], available: dict[str, object]) -> str | None:
    return next((n for n in names if n in available), None)


def _make_commands(targets: list[MakeTarget], prerequisites: dict[str, list[str]]) -> list[Command]:
    by_name: dict[str, MakeTarget] = {t.name: t for t in targets}
    out: list[Command] = []

    def add(name: str | None, purpose: str) -> None:
        if name:
            target = by_name[name]
            out.append(Command(f"make {shlex.quote(name)}", f"{target.path}:{target.line} target {name}", purpose))

    add(_pick(INSTALL_NAMES, dict(by_name)), "install")
    lint = _pick(LINT_NAMES, dict(by_name))
    typecheck = _pick(TYPE_NAMES, dict(by_name))
    if typecheck and lint:
        lint_text = "\n".join(by_name[lint].recipe)
        if all(line.strip() in lint_text for line in by_name[typecheck].recipe if line.strip()):
            typecheck = None  # the lint target already runs the type checker
    test = _pick(TEST_NAMES, dict(by_name))
    if test and prerequisites.get(test):
        lint = None if lint in prerequisites[test] else lint
        typecheck = None if typecheck in prerequisites[test] else typecheck
    if lint:
        add(lint, "lint")
    add(typecheck, "typecheck")
    add(test, "test")
    container = next((t.name for t in targets if any(DOCKER_BUILD.search(line) for line in t.recipe)
                      and "push" not in " ".join(t.recipe)), None)
    add(container, "container")
    return out


# Per Node package manager: the install that keeps its lockfile as it is, and that lockfile.
_NODE_INSTALL = {"npm": ("npm ci", "package-lock.json"), "pnpm": ("pnpm install --frozen-lockfile", "pnpm-lock.yaml"),
                 "yarn": ("yarn install --frozen-lockfile", "yarn.lock"),
                 "bun": ("bun install --frozen-lockfile", "bun.lock")}


def _npm_commands(component: Component, manifest: PackageManifest) -> list[Command]:
    scripts = manifest.scripts
    manager = component.stack.split("-", 1)[1] if "-" in component.stack else "npm"
    install, lock = _NODE_INSTALL[manager]
    folder = str(PurePosixPath(manifest.path).parent)
    out = [Command(install, f"{lock if folder == '.' else folder + '/' + lock}", "install")]
    where = f"{manifest.path} scripts."

    def add(name: str | None, purpose: str) -> None:
        if name:
            out.append(Command(f"{manager} run {shlex.quote(name)}", where + name, purpose))

    lint = _pick(LINT_NAMES, dict(scripts))
    add(lint, "lint")
    typecheck = _pick(TYPE_NAMES, dict(scripts))
    if typecheck and lint and scripts[typecheck].strip() in scripts[lint]:
        typecheck = None
    add(typecheck, "typecheck")
    add(_pick(TEST_NAMES, dict(scripts)), "test")
    add(_pick(BUILD_NAMES, dict(scripts)), "build")
    add(_pick(E2E_NAMES, dict(scripts)), "e2e")
    return out


def fix_npm_install(ctx: RepoContext, component: Component) -> None:
    """npm ci needs a package-lock.json; without one `npm install`."""
    prefix = f"{component.folder}/" if component.folder else ""
    if component.stack == "node-npm" and not any(
            ctx.facts.has_file(prefix + name) for name in ("package-lock.json", "npm-shrinkwrap.json")):
        component.commands = [Command("npm install", prefix + "package.json", c.purpose) if c.run == "npm ci" else c
                              for c in component.commands]


def _python_install(ctx: RepoContext, component: Component) -> Command:
    if component.stack == "python-uv":
        return Command("uv sync --frozen", "uv.lock", "install")
    if component.stack == "python-poetry":
        return Command("poetry install", "poetry.lock", "install")
    extras = _pyproject_extras(ctx)
    pick = next((e for e in ("dev", "test", "tests", "testing") if e in extras), None)
    target = f'.[{pick}]' if pick else "."
    if ctx.facts.has_file("requirements-dev.txt"):
        return Command("python -m pip install -r requirements-dev.txt", "requirements-dev.txt", "install")
    if not any(m.path == "pyproject.toml" or m.path == "setup.py" for m in ctx.facts.manifests) \
            and ctx.facts.has_file("requirements.txt"):
        return Command("python -m pip install -r requirements.txt", "requirements.txt", "install")
    return Command(f"python -m pip install -e {shlex.quote(target)}", "pyproject.toml", "install")


def _pyproject(ctx: RepoContext) -> dict[str, object]:
    text = ctx.read("pyproject.toml")
    if not text:
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}


def _pyproject_extras(ctx: RepoContext) -> list[str]:
    project = _pyproject(ctx).get("project")
    extras = project.get("optional-dependencies") if isinstance(project, dict) else None
    return list(extras) if isinstance(extras, dict) else []


def _runner_commands(ctx: RepoContext, component: Component) -> list[Command]:
    if component.family == "python":
        return _python_commands(ctx, component)
    if component.family == "go":
        return [Command("go vet ./...", "go.mod (the Go toolchain's vet)", "lint"),
                Command("go test ./...", "go.mod (the Go toolchain's test runner)", "test")]
    if component.family == "node":
        manifest = next((m for m in ctx.facts.manifests if m.path == "package.json"), None)
        return _npm_commands(component, manifest) if manifest is not None else []
    return []


def _python_commands(ctx: RepoContext, component: Component) -> list[Command]:
    tox = _tox_envs(ctx.read("tox.ini"))
    nox = _nox_sessions(ctx.read("noxfile.py"))
    out: list[Command] = []
    if tox:
        out.append(Command("python -m pip install tox", "tox.ini", "install"))
        for names, purpose in ((LINT_NAMES + ("pre-commit",), "lint"), (TYPE_NAMES, "typecheck")):
            env = _tox_env_for(names, tox)
            if env:
                out.append(Command(f"tox -e {shlex.quote(env)}", f"tox.ini env {env}", purpose))
        preferred = next((text.strip() for text in (ctx.read(".python-version-default"), ctx.read(".python-version"))
                          if text and text.strip()), None)
        env, version = _tox_test_env(tox, preferred)
        if version:
            component.python_version = version
        out.append(Command(f"tox -e {shlex.quote(env)}" if env else "tox", f"tox.ini env {env}" if env else "tox.ini",
                           "test"))
        return out
    if nox:
        out.append(Command("python -m pip install nox", "noxfile.py", "install"))
        for names, purpose in ((LINT_NAMES, "lint"), (TYPE_NAMES, "typecheck"), (TEST_NAMES, "test")):
            session = _pick(names, dict.fromkeys(nox))
            if session:
                out.append(Command(f"nox -s {shlex.quote(session)}", f"noxfile.py session {session}", purpose))
        return out
    tool = _pyproject(ctx).get("tool")
    tools = tool if isinstance(tool, dict) else {}
    prefix = {"python-uv": "uv run ", "python-poetry": "poetry run "}.get(component.stack, "")
    out.append(_python_install(ctx, component))
    if "ruff" in tools:
        out.append(Command(f"{prefix}ruff check .", "pyproject.toml [tool.ruff]", "lint"))
    elif "flake8" in tools or ctx.facts.has_file(".flake8"):
        out.append(Command(f"{prefix}flake8", "flake8 configuration", "lint"))
    if "mypy" in tools:
        out.append(Command(f"{prefix}mypy" + ("" if _has_files(tools["mypy"]) else " ."),
                           "pyproject.toml [tool.mypy]", "typecheck"))
    elif "pyright" in tools:
        out.append(Command(f"{prefix}pyright", "pyproject.toml [tool.pyright]", "typecheck"))
    has_pytest = "pytest" in tools or any(c.tool == "pytest" for c in ctx.facts.test_configs)
    if has_pytest:
        out.append(Command(f"{prefix}pytest", "pytest configuration", "test"))
    return out


def _has_files(section: object) -> bool:
    return isinstance(section, dict) and bool(section.get("files") or section.get("packages"))


def _tox_envs(text: str | None) -> list[str]:
    if not text:
        return []
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    envs = [s.split(":", 1)[1] for s in parser.sections() if s.startswith("testenv:")]
    for key in ("env_list", "envlist"):
        if parser.has_option("tox", key):
            listed = [name for item in re.split(r",?\s*\n\s*|,\s*(?![^{]*})", parser.get("tox", key))
                      for name in _expand(item.strip()) if name]
            envs = listed + [e for e in envs if e not in listed]
    return [e for e in dict.fromkeys(envs) if "{" not in e]


_BRACES = re.compile(r"\{([^{}]*)\}")
_VERSIONED = re.compile(r"^(?:py)?(\d)\.?(\d{1,2})(?:-|$)")


def _expand(name: str, limit: int = 64) -> list[str]:
    """tox's generative names: `3.1{0-2}-{tests,mypy}` -> 3.10-tests, 3.10-mypy, ... (ranges of digits)."""
    match = _BRACES.search(name)
    if not match:
        return [name]
    options: list[str] = []
    for part in match.group(1).split(","):
        bounds = re.fullmatch(r"(\d+)-(\d+)", part.strip())
        options += ([str(n) for n in range(int(bounds.group(1)), int(bounds.group(2)) + 1)] if bounds
                    else [part.strip()])
    out: list[str] = []
    for option in options[:limit]:
        out += _expand(name[:match.start()] + option + name[match.end():], limit)
    return out[:limit]


def _tox_env_for(names: tuple[str, ...], envs: list[str]) -> str | None:
    """The env named for a purpose (`lint`), else one with it as a factor (`typing-mypy`), unversioned first."""
    exact = _pick(names, dict.fromkeys(envs))
    if exact:
        return exact
    with_factor = [e for e in envs if any(n in e.split("-") for n in names)]
    return next((e for e in with_factor if not _VERSIONED.match(e)), with_factor[0] if with_factor else None)


def _tox_test_env(envs: list[str], preferred: str | None = None) -> tuple[str | None, str | None]:
    """The env that runs the tests: `tests`/`test`/`py`, else the versioned test env of the Python the
    repository names as its default (.python-version-default, .python-version), else of the newest one
    (`py313`, `3.13-tests`), with that version; (None, None) when none is recognisable."""
    plain = next((e for e in ("tests", "test", "unit", "py") if e in envs), None)
    if plain:
        return plain, None
    versioned: list[tuple[tuple[int, int], str]] = []
    for env in envs:
        match = _VERSIONED.match(env)
        factors = env.split("-")[1:]
        if match and all(f in ("tests", "test", "unit") for f in factors):
            versioned.append(((int(match.group(1)), int(match.group(2))), env))
    if not versioned:
        return None, None
    chosen = next((v for v in versioned if preferred and f"{v[0][0]}.{v[0][1]}" == preferred), max(versioned))
    (major, minor), env = chosen
    return env, f"{major}.{minor}"


def _nox_sessions(text: str | None) -> list[str]:
    if not text:
        return []
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    names: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            target = deco.func if isinstance(deco, ast.Call) else deco
            if isinstance(target, ast.Attribute) and target.attr == "session":
                name = node.name
                if isinstance(deco, ast.Call):
                    for kw in deco.keywords:
                        if kw.arg == "name" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                            name = kw.value.value
                names.append(name)
    return names


def coverage_threshold(ctx: RepoContext) -> tuple[float, str] | None:
    """The coverage threshold the repository already declares, with the file that declares it."""
    for config in ctx.facts.test_configs:
        if config.coverage_threshold:
            return config.coverage_threshold, config.path
    return None
