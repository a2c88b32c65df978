"""The tool catalog: what each CI/CD tool is, what it does, and how a repository shows that it uses it.

`tools.yaml` holds one entry per tool (validated by `schemas/tools.schema.json`). Every way of
recognising a tool is an exact key: a command's leading words, a GitHub Action path, an orb, an
image name, a pre-commit hook id, a config file name, a package, a build plugin, an environment
switch. Lookups are dict hits on those keys, never searches over free text, so a header
`Authorization: Bearer` cannot name the `bearer` scanner and `docker pull ghcr.io/x` is no publish.

Commands: `from_command` takes ONE simple command already split into tokens. It removes wrappers
(`sudo`, `env`, `VAR=value`, `npx`, `uv run`, `python -m`, `bundle exec`, `go run pkg@v`, ...) and
then matches patterns of the tool whose first word is the command's (base) name:

- `argv`: words equal to the leading positional tokens (options, tokens starting with `-`, are
  skipped; an option listed in the tool's `value_flags` also skips the token after it);
- `args_any`: at least one later positional token is one of these words — for goal/task lists like
  `mvn clean verify`; Gradle task paths (`:app:test`) match by their last part when the entry of the
  `gradle` command says `task_paths: true` (a Maven `plugin:goal` never matches a phase);
- `requires_flag` / `forbids_flag`: an option that must / must not be present (`--push`, or
  `--push=...`);
- `python_module`: the pattern only matches after `python -m` (the `build` module, not `./build`);
- `exact`: no positional token may follow `argv` (`semantic-release` alone, not `semantic-release version`);
- `capabilities`: what this invocation does, when it is narrower than the tool's.

Actions: a recogniser may depend on the step's `with:` inputs and on the action's major version:
`requires_input` / `forbids_input` map an input to `true` (a truthy value), `false` (a falsy one), `"*"`
(any non-empty value), a value or list of values (compared case-insensitively), or `{contains: [...]}`
(the value holds one of these texts: a bake `set:` line `*.output=type=registry`); `min_major` is the
first major version that behaves so (`actions/setup-go` caches by default since v4; a ref that is no
version, such as a commit SHA, is taken to hold). An action that runs a command line given in an input
(`goreleaser/goreleaser-action` with `args: release --clean`) names that `command` and its `args_input`
(with `default_args` when the input is absent): what it does is what that command does.

Two entries feed the CI model rather than recognise a tool by themselves: `maven_parents` (the plugin
goals a known parent POM binds into every child's lifecycle, `maven_parent`) and `jenkins_steps` (the
command a Jenkins shared-library step runs, `jenkins_steps`); their recognisers prove presence only.

Configuration kinds (`config_kinds`, after the tools): the kinds the collectors file repository paths
under (`facts.config_files`, `facts.iac_tools`: `vercel`, `linter`, `terraform`, `helm`, ...), with the
tool each is the configuration of, the file names and paths that are of the kind (`from_tool`: the
tool's own `config_files`), and what the kind's presence says (`capabilities`, `kubernetes`). A kind
with no names or paths is classified by code (collectors/meta.py's predicates, collectors/iac.py).
Collectors, the profile and signals ask `config_kind_names`, `config_kind_paths` and `kinds_with`
instead of keeping lists of tools. Code kinds (`code_kinds`): what product code shows (a monitoring
library's import, a health endpoint), a pattern with the literal hints every match contains.

A command that runs a project script (`npm test`, `make test`, `hatch run test:cov`) is not a
tool: resolving the script is the caller's job, and it comes back here with the script's commands.
"""
from __future__ import annotations

import functools
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from .. import parse_cache, safe_yaml

CAPABILITIES = (
    "test-runner", "test-timeout", "e2e", "perf", "coverage", "coverage-gate", "lint", "format-check", "type-check",
    "build", "package", "publish", "sign", "sbom", "provenance", "sast", "secret-scan", "dependency-scan",
    "dependency-update", "container-scan", "iac-scan", "workflow-scan", "license-scan", "cache", "deploy",
    "progressive-delivery", "release", "changelog", "monitoring", "error-tracking", "tracing", "logging", "docs",
    "benchmark", "mutation", "task-runner", "hook-runner", "container-build", "gitops", "iac", "policy", "commit-lint",
    "local-cluster", "version-stamp",
)
CLOUDS = ("gcp", "aws", "azure")
ECOSYSTEMS = ("pip", "npm", "go", "cargo", "maven", "nuget", "gem", "composer", "hex")
ECOSYSTEM_ALIASES = {"gradle": "maven", "pypi": "pip", "python": "pip", "golang": "go", "crates": "cargo",
                     "rubygems": "gem", "bundler": "gem", "yarn": "npm", "pnpm": "npm", "mix": "hex"}
TRUTHY = frozenset({"1", "true", "yes", "on", "y"})


@dataclass(frozen=True, slots=True)
class Use:
    """One tool doing one thing. `capability` is None when a recogniser proves the tool is present but
    not what it does (a scanner's container image: its arguments decide); `via` is `kind:key`."""

    tool_id: str
    capability: str | None
    via: str


@dataclass(frozen=True, slots=True)
class MavenBinding:
    """A plugin goal a parent POM binds into the build of every child (`spotbugs-maven-plugin:check`
    at `verify`); `phase` None: the goal's own default phase; `profile`: only when that profile is on."""

    plugin: str  # groupId:artifactId
    goal: str
    phase: str | None = None
    profile: str | None = None


@dataclass(frozen=True, slots=True)
class CommandPattern:
    argv: tuple[str, ...]
    capabilities: tuple[str, ...]
    args_any: frozenset[str] = frozenset()
    requires_flag: tuple[str, ...] = ()
    forbids_flag: tuple[str, ...] = ()
    python_module: bool = False
    exact: bool = False
    task_paths: bool = False
    args_like: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True, slots=True)
class Tool:
    id: str
    name: str
    capabilities: tuple[str, ...]
    docs: str
    ecosystems: tuple[str, ...] = ()
    commands: tuple[CommandPattern, ...] = ()
    value_flags: frozenset[str] = frozenset()
    cloud: str | None = None  # the cloud provider whose API the tool reaches (gcp, aws, azure)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True, slots=True)
class ConfigKind:
    """A kind the collectors file repository paths under: `facts` names the Facts field
    (`config_files` or `iac_tools`); `names` are base names (anywhere), `paths` repository-relative
    paths; `capabilities` what the kind's presence says; `kubernetes`: configuration of Kubernetes
    workloads (manifests, charts, overlays)."""

    kind: str
    facts: str = "config_files"
    tool: str | None = None
    names: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()
    kubernetes: bool = False


@dataclass(frozen=True, slots=True)
class CodeKind:
    """What product code shows: lines matching `pattern` are filed under `kind`; a text holding none of
    the lower-case `hints` cannot match and is not searched."""

    kind: str
    pattern: re.Pattern[str]
    hints: tuple[str, ...]
    tool: str | None = None


@dataclass(frozen=True, slots=True)
class ActionRecogniser:
    """One way an action path is recognised: the capabilities it proves, when its inputs and version say so."""

    tool_id: str
    capabilities: tuple[str, ...]
    requires_input: tuple[tuple[str, Any], ...] = ()
    forbids_input: tuple[tuple[str, Any], ...] = ()
    min_major: int | None = None
    command: str | None = None
    args_input: str | None = None
    default_args: str = ""

    def holds(self, inputs: Mapping[str, Any], ref: str) -> bool:
        if self.min_major is not None:
            major = _MAJOR.match(ref.strip())
            if major and int(major.group(1)) < self.min_major:
                return False
        lowered = {str(k).lower(): v for k, v in inputs.items()}
        return all(_input_is(lowered, k, v) for k, v in self.requires_input) and not any(
            _input_is(lowered, k, v) for k, v in self.forbids_input)


_MAJOR = re.compile(r"^v?(\d+)(?:[.\-]|$)")


def _input_is(inputs: Mapping[str, Any], name: str, wanted: Any) -> bool:
    if name.lower() not in inputs:
        return False
    value = inputs[name.lower()]
    text = str(value).strip().strip("'\"")
    if wanted is True:
        return _truthy(value)
    if wanted is False:
        return not _truthy(value) and text.lower() in ("false", "0", "no", "off", "n")
    if wanted == "*":
        return bool(text) and text.lower() not in ("false", "0", "no", "off", "n")
    if isinstance(wanted, dict):  # {"contains": [...]}: the value holds one of these texts
        return any(str(part).lower() in text.lower() for part in wanted["contains"])
    options = wanted if isinstance(wanted, list) else [wanted]
    return text.lower() in {str(o).lower() for o in options}


def _caps(item: Any, default: tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(item, dict) and "capabilities" in item:
        return tuple(item["capabilities"])
    return default


def _norm_action(uses: str) -> str:
    return uses.split("@", 1)[0].strip().strip("/").lower()


def normalise_image(image: str) -> str:
    """`docker.io/library/alpine:3@sha256:...` → `alpine`; other registries stay part of the name."""
    name = image.strip().lower()
    if name.startswith("docker://"):
        name = name[len("docker://"):]
    name = name.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name = name[:colon]
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/", "registry.hub.docker.com/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    if name.startswith("library/"):
        name = name[len("library/"):]
    return name


def normalise_repo(url: str) -> str:
    """`https://github.com/Owner/Repo.git` → `github.com/owner/repo`."""
    text = url.strip().lower().rstrip("/")
    for prefix in ("https://", "http://", "git+https://", "ssh://", "git://"):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    if text.startswith("git@"):
        text = text[4:].replace(":", "/", 1)
    return text.removesuffix(".git")


_PEP503 = re.compile(r"[-_.]+")


def normalise_package(ecosystem: str, name: str) -> tuple[str, str]:
    eco = ECOSYSTEM_ALIASES.get(ecosystem.lower(), ecosystem.lower())
    text = name.strip()
    if eco == "pip":
        text = _PEP503.sub("-", text.split("[", 1)[0]).lower()
    elif eco in ("npm", "nuget", "composer", "cargo", "gem", "hex"):
        text = text.lower()
    return eco, text


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return str(value).strip().strip("'\"").lower() in TRUTHY


# -- wrapper removal -------------------------------------------------------------------------------

_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PYTHON = re.compile(r"^(python|python3|python3\.\d+|py|pypy3?)$")
_PHP = frozenset({"php"})
# Scripts every project of a framework has, whose sub-commands the catalog knows (`manage.py test`).
_SCRIPT_TOOLS = frozenset({"manage.py", "artisan"})
_RENAMES = {"mvnw": "mvn", "gradlew": "gradle", "python3": "python"}
# wrapper -> options of that wrapper that take a value (the value is skipped too)
_SIMPLE_WRAPPERS: dict[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "-g", "-C", "-h", "-p", "-U", "-r", "-t", "--user", "--group"}),
    "env": frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}),
    "time": frozenset({"-f", "--format", "-o", "--output"}),
    "exec": frozenset({"-a"}),
    "nohup": frozenset(),
    "nice": frozenset({"-n", "--adjustment"}),
    "xvfb-run": frozenset({"-n", "--server-num", "-e", "--error-file", "-f", "--auth-file", "-s",
                           "--server-args", "-w", "--wait"}),
    "npx": frozenset({"-p", "--package", "-c", "--call"}),
    "bunx": frozenset({"-p", "--package"}),
    "uvx": frozenset({"--from", "--with", "--python", "-p", "--index", "--index-url", "--extra-index-url",
                      "--with-requirements", "--constraint", "-c"}),
}
# Coverage wrappers of JavaScript test commands (`nyc --reporter text npm test` runs `npm test`), with their
# options that take a value. Kept apart from the wrappers above: the catalog recognises nyc and c8 themselves
# (coverage); the CI model follows the command they run (`coverage_wrapped`).
_COVERAGE_WRAPPERS: dict[str, frozenset[str]] = {
    "nyc": frozenset({"--reporter", "-r", "--exclude", "-x", "--include", "-n", "--extension", "-e", "--require",
                      "-i", "--temp-dir", "-t", "--report-dir", "--cwd", "--nycrc-path", "--lines", "--branches",
                      "--functions", "--statements"}),
    "c8": frozenset({"--reporter", "-r", "--exclude", "-x", "--include", "-n", "--extension", "-e", "--src",
                     "--temp-directory", "--reports-dir", "-o", "--lines", "--branches", "--functions",
                     "--statements", "--config"}),
}
_COVERAGE_SUBCOMMANDS = frozenset({"check-coverage", "report", "merge", "instrument"})  # these run nothing


def coverage_wrapped(argv: Sequence[str]) -> list[str] | None:
    """The command nyc or c8 runs under coverage; None for anything else (or a sub-command of theirs)."""
    options = _COVERAGE_WRAPPERS.get(_base(argv[0])) if argv else None
    if options is None:
        return None
    inner = list(argv[_skip_options(argv, 1, options):])
    return inner if inner and inner[0] not in _COVERAGE_SUBCOMMANDS else None
_UV_RUN_VALUE = frozenset({"--with", "--python", "-p", "--package", "--extra", "--group", "--env-file",
                           "--index", "--index-url", "--with-requirements", "--directory", "--project",
                           "--from", "-C", "--only-group", "--no-group"})
# wrapper word, sub-command word(s) -> options that take a value
_SUB_WRAPPERS: dict[tuple[str, str], frozenset[str]] = {
    ("pnpm", "dlx"): frozenset({"--package", "-C", "--dir"}),
    ("pnpm", "exec"): frozenset({"-C", "--dir", "--filter", "-F"}),
    ("yarn", "dlx"): frozenset({"-p", "--package"}),
    ("yarn", "exec"): frozenset(),
    ("bun", "x"): frozenset({"-p", "--package"}),
    ("npm", "exec"): frozenset({"-p", "--package", "-c", "--call", "-w", "--workspace"}),
    ("npm", "x"): frozenset({"-p", "--package", "-c", "--call"}),
    ("uv", "run"): _UV_RUN_VALUE,
    ("poetry", "run"): frozenset({"-C", "--directory", "-P", "--project"}),
    ("pipx", "run"): frozenset({"--spec", "--python", "--index-url", "--pip-args"}),
    ("pdm", "run"): frozenset({"-p", "--project"}),
    ("pipenv", "run"): frozenset(),
    ("bundle", "exec"): frozenset({"--gemfile"}),
    ("dotnet", "tool"): frozenset(),  # `dotnet tool run X`: the `run` word is handled below
}
# these run a project script when what follows is not a known tool: strip only before a known tool
_ONLY_BEFORE_TOOLS = {("hatch", "run"), ("pdm", "run"), ("pipenv", "run"), ("poetry", "run")}


@functools.lru_cache(maxsize=4096)
def _base(token: str) -> str:
    """A command word's program name: `./node_modules/.bin/jest` → `jest`, `mvnw.cmd` → `mvn`."""
    base = token.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    lower = base.lower()
    for suffix in (".exe", ".cmd", ".bat"):
        if lower.endswith(suffix):
            base = base[: -len(suffix)]
            break
    return _RENAMES.get(base, base)


# `coverage run` options that take a value; `-m` ends the options (what follows is the module).
_COVERAGE_RUN_VALUES = frozenset({"--source", "--rcfile", "--include", "--omit", "--context", "--concurrency",
                                  "--data-file"})
_COMPOSE_RUN_VALUES = frozenset({"-e", "--env", "-w", "--workdir", "-u", "--user", "--entrypoint", "-v", "--volume",
                                 "-p", "--publish", "-l", "--label", "--name", "--env-file", "-f", "--file",
                                 "--project-name", "--profile", "--index"})


def _compose_command(args: list[str]) -> list[str] | None:
    """The command `docker compose run|exec [options] SERVICE COMMAND...` runs in the service, or None."""
    head = _base(args[0])
    if head == "docker-compose":
        at = 1
    elif head == "docker" and len(args) > 1 and args[1] == "compose":
        at = 2
    else:
        return None
    at = _skip_options(args, at, _COMPOSE_RUN_VALUES)  # global options: -f FILE, -p NAME
    if at >= len(args) or args[at] not in ("run", "exec"):
        return None
    service = _skip_options(args, at + 1, _COMPOSE_RUN_VALUES)
    return args[service + 1:] if service + 1 < len(args) else None


def _skip_options(argv: Sequence[str], i: int, value_opts: frozenset[str]) -> int:
    while i < len(argv):
        token = argv[i]
        if token == "--":
            return i + 1
        if not token.startswith("-") or token == "-":
            return i
        i += 2 if token in value_opts else 1
    return i


# -- catalog ---------------------------------------------------------------------------------------

class Catalog:
    """Read-only lookups from repository evidence to tool uses. Build it with `catalog()`."""

    def __init__(self, entries: Iterable[Mapping[str, Any]], config_kinds: Iterable[Mapping[str, Any]] = (),
                 code_kinds: Iterable[Mapping[str, Any]] = ()):
        self.tools: dict[str, Tool] = {}
        self._by_first: dict[str, list[tuple[Tool, CommandPattern]]] = {}
        self._actions: dict[str, list[ActionRecogniser]] = {}
        self._orbs: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        self._images: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        self._image_commands: dict[str, str] = {}
        self._hooks: dict[str, list[tuple[str, str | None, tuple[str, ...]]]] = {}
        self._config_names: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        self._config_paths: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        self._config_dirs: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        self._packages: dict[tuple[str, str], list[tuple[str, tuple[str, ...]]]] = {}
        self._maven_plugins: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        self._gradle_plugins: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        self._env: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        self._env_any_value: set[str] = set()
        self._maven_parents: dict[str, tuple[str, tuple[MavenBinding, ...]]] = {}
        self._jenkins_steps: dict[str, tuple[str, str]] = {}
        self._by_capability: dict[str, list[Tool]] = {}
        for entry in entries:
            self._add(entry)
        self.config_kinds: dict[str, ConfigKind] = {}
        self._kinds_by_name: dict[str, tuple[str, ...]] = {}
        self._kinds_by_path: dict[str, tuple[str, ...]] = {}
        for item in config_kinds:
            self._add_kind(item)
        self.code_kinds: dict[str, CodeKind] = {}
        for item in code_kinds:
            tool = item.get("tool")
            if tool is not None and tool not in self.tools:
                raise ValueError(f"code kind {item['kind']!r} names unknown tool {tool!r}")
            flags = re.I if item.get("ignore_case") else 0
            self.code_kinds[item["kind"]] = CodeKind(item["kind"], re.compile(item["pattern"], flags),
                                                     tuple(item["hints"]), tool)

    def _add_kind(self, item: Mapping[str, Any]) -> None:
        tool = item.get("tool")
        if tool is not None and tool not in self.tools:
            raise ValueError(f"config kind {item['kind']!r} names unknown tool {tool!r}")
        names, paths = tuple(item.get("names", ())), tuple(item.get("paths", ()))
        if item.get("from_tool"):
            if tool is None:
                raise ValueError(f"config kind {item['kind']!r} takes the files of no tool")
            files = [f["path"] if isinstance(f, dict) else f for f in self.tools[tool].raw.get("config_files", ())]
            names += tuple(f for f in files if "/" not in f)
            paths += tuple(f for f in files if "/" in f and not f.endswith("/"))
        kind = ConfigKind(item["kind"], item.get("facts", "config_files"), tool, names, paths,
                          tuple(item.get("capabilities", ())), bool(item.get("kubernetes", False)))
        if kind.kind in self.config_kinds:
            raise ValueError(f"config kind {kind.kind!r} is listed twice")
        self.config_kinds[kind.kind] = kind
        for name in names:
            self._kinds_by_name[name] = (*self._kinds_by_name.get(name, ()), kind.kind)
        for path in paths:
            self._kinds_by_path[path] = (*self._kinds_by_path.get(path, ()), kind.kind)

    def _add(self, entry: Mapping[str, Any]) -> None:
        default = tuple(entry["capabilities"])
        patterns = tuple(
            CommandPattern(
                argv=tuple(c["argv"]),
                capabilities=_caps(c, default),
                args_any=frozenset(c.get("args_any", ())),
                requires_flag=tuple(c.get("requires_flag", ())),
                forbids_flag=tuple(c.get("forbids_flag", ())),
                python_module=bool(c.get("python_module", False)),
                exact=bool(c.get("exact", False)),
                task_paths=bool(entry.get("task_paths", False)) and c["argv"][0] in ("gradle", "gradlew"),
                args_like=tuple(re.compile(r) for r in c.get("args_like", ())),
            )
            for c in entry.get("commands", ())
        )
        tool = Tool(id=entry["id"], name=entry["name"], capabilities=default, docs=entry["docs"],
                    ecosystems=tuple(entry.get("ecosystems", ())), commands=patterns,
                    value_flags=frozenset(entry.get("value_flags", ())), cloud=entry.get("cloud"), raw=entry)
        self.tools[tool.id] = tool
        for capability in default:
            self._by_capability.setdefault(capability, []).append(tool)
        for pattern in patterns:
            self._by_first.setdefault(pattern.argv[0], []).append((tool, pattern))
        for item in entry.get("actions", ()):
            key = item["uses"] if isinstance(item, dict) else item
            spec = item if isinstance(item, dict) else {}
            self._actions.setdefault(_norm_action(key), []).append(ActionRecogniser(
                tool.id, _caps(item, default),
                tuple((spec.get("requires_input") or {}).items()), tuple((spec.get("forbids_input") or {}).items()),
                spec.get("min_major"), spec.get("command"), spec.get("args_input"), spec.get("default_args", "")))
        for item in entry.get("orbs", ()):
            key = item["orb"] if isinstance(item, dict) else item
            self._orbs.setdefault(_norm_action(key), []).append((tool.id, _caps(item, default)))
        for item in entry.get("images", ()):
            key = normalise_image(item["image"] if isinstance(item, dict) else item)
            self._images.setdefault(key, []).append((tool.id, _caps(item, default)))
            if isinstance(item, dict) and item.get("command"):
                self._image_commands[key] = item["command"]
        for item in entry.get("hooks", ()):
            hook_id = item["id"] if isinstance(item, dict) else item
            repo = normalise_repo(item["repo"]) if isinstance(item, dict) and item.get("repo") else None
            self._hooks.setdefault(hook_id, []).append((tool.id, repo, _caps(item, default)))
        for item in entry.get("config_files", ()):
            key = item["path"] if isinstance(item, dict) else item
            claim = (tool.id, _caps(item, default))
            if key.endswith("/"):
                self._config_dirs.setdefault(key, []).append(claim)
            elif "/" in key:
                self._config_paths.setdefault(key, []).append(claim)
            else:
                self._config_names.setdefault(key, []).append(claim)
        for ecosystem, names in (entry.get("packages") or {}).items():
            for item in names:
                name = item["name"] if isinstance(item, dict) else item
                key = normalise_package(ecosystem, name)
                self._packages.setdefault(key, []).append((tool.id, _caps(item, default)))
        for item in entry.get("maven_plugins", ()):
            key = item["plugin"] if isinstance(item, dict) else item
            self._maven_plugins.setdefault(key, []).append((tool.id, _caps(item, default)))
        for item in entry.get("gradle_plugins", ()):
            key = item["plugin"] if isinstance(item, dict) else item
            self._gradle_plugins.setdefault(key, []).append((tool.id, _caps(item, default)))
        for item in entry.get("env", ()):
            key = item["name"] if isinstance(item, dict) else item
            self._env.setdefault(key, []).append((tool.id, _caps(item, default)))
            if isinstance(item, dict) and item.get("any_value"):
                self._env_any_value.add(key)
        for item in entry.get("maven_parents", ()):
            binds = tuple(MavenBinding(b["plugin"], b["goal"], b.get("phase"), b.get("profile")) for b in item["binds"])
            self._maven_parents[item["parent"]] = (tool.id, binds)
        for item in entry.get("jenkins_steps", ()):
            self._jenkins_steps[item["step"]] = (tool.id, item["command"])

    # -- commands ----------------------------------------------------------------------------------

    def is_tool_command(self, word: str) -> bool:
        return _base(word) in self._by_first

    def strip_wrappers(self, argv: Sequence[str]) -> tuple[list[str], bool]:
        """The command a wrapper runs, and whether it was reached through `python -m`."""
        args = list(argv)
        module = False
        for _ in range(12):  # wrappers nest (`sudo env X=1 npx jest`), never deeply
            i = 0
            while i < len(args) and _ASSIGNMENT.match(args[i]):
                i += 1
            args = args[i:]
            if not args:
                return [], module
            head = _base(args[0])
            nxt = args[1] if len(args) > 1 else ""
            if head in _SIMPLE_WRAPPERS:
                rest = _skip_options(args, 1, _SIMPLE_WRAPPERS[head])
                if head == "env":
                    while rest < len(args) and _ASSIGNMENT.match(args[rest]):
                        rest += 1
                args = args[rest:]
                continue
            if head == "node" and nxt.endswith((".js", ".mjs", ".cjs")) and len(args) > 2 \
                    and self.is_tool_command(args[2]):
                args = args[2:]  # a wrapper script running the command after it: `node bin/ssl_hotfix.js eslint`
                continue
            if head == "richgo" and nxt:
                args = ["go", *args[1:]]  # richgo colours `go test` output: `richgo test ./...` is `go test ./...`
                continue
            if head in ("cargo", "rustc", "rustfmt") and nxt.startswith("+"):
                args = [args[0], *args[2:]]  # rustup's toolchain override: `cargo +nightly fmt`
                continue
            if head == "rustup" and nxt == "run" and len(args) > 3:
                args = args[3:]  # `rustup run nightly cargo test`
                continue
            if head == "timeout":
                rest = _skip_options(args, 1, frozenset({"-s", "--signal", "-k", "--kill-after"}))
                args = args[rest + 1:]  # the duration
                continue
            if head == "coverage" and nxt == "run":  # `coverage run -m pytest`: pytest under coverage
                rest = _skip_options(args, 2, _COVERAGE_RUN_VALUES)
                if rest < len(args) and args[rest - 1] == "-m":
                    args = args[rest:]
                    module = True
                    continue
                return args, module  # `coverage run script.py`: the project's own program
            compose = _compose_command(args)
            if compose is not None:
                args = compose
                continue
            if head in _PHP and len(args) > 1 and _base(args[1]) in _SCRIPT_TOOLS:
                args = args[1:]  # `php artisan test`
                continue
            if _PYTHON.match(head):
                j = 1
                while j < len(args) and args[j].startswith("-") and args[j] not in ("-m", "-c"):
                    j += 2 if args[j] in ("-W", "-X") else 1
                if j + 1 < len(args) and args[j] == "-m":
                    args = args[j + 1:]
                    module = True
                    continue
                if j < len(args) and _base(args[j]) in _SCRIPT_TOOLS:
                    args = args[j:]  # `python manage.py test`: a framework's command line
                    continue
                return args, module  # a script or `-c` code: the project's own program
            if head == "go" and nxt in ("run", "tool"):
                rest = _skip_options(args, 2, frozenset({"-C", "-mod", "-modfile", "-tags", "-exec", "-o"}))
                if rest >= len(args):
                    return args, module
                target = args[rest]
                if nxt == "tool":
                    if not self.is_tool_command(target):
                        return args, module
                    args = args[rest:]
                    continue
                path = target.split("@", 1)[0]
                if "/" not in path or path.startswith("."):
                    return args, module  # `go run ./cmd/x`, `go run main.go`: the project's own program
                parts = [p for p in path.split("/") if p]
                if len(parts) > 1 and re.fullmatch(r"v\d+", parts[-1]):
                    parts.pop()
                args = [parts[-1], *args[rest + 1:]]
                continue
            if head in ("dotnet", "uv") and nxt == "tool" and len(args) > 2 and args[2] == "run":
                args = ["uvx", *args[3:]] if head == "uv" else args[3:]  # `uv tool run` is `uvx`
                continue
            sub = (head, nxt)
            if sub in _SUB_WRAPPERS:
                rest = _skip_options(args, 2, _SUB_WRAPPERS[sub])
                if sub in _ONLY_BEFORE_TOOLS and not (rest < len(args) and self.is_tool_command(args[rest])):
                    return args, module
                args = args[rest:]
                continue
            if sub == ("hatch", "run"):
                rest = _skip_options(args, 2, frozenset())
                if rest < len(args) and self.is_tool_command(args[rest]):
                    args = args[rest:]
                    continue
                return args, module
            return args, module
        return args, module

    def from_command(self, argv: Sequence[str], *, changes_fail: bool = False) -> list[Use]:
        """Uses of tools by one simple command given as tokens (`["npx", "--yes", "jest", "--ci"]`);
        a wrapper that is a tool itself (`coverage run -m pytest`) counts as well as what it runs.
        `changes_fail`: the command runs where changed files fail the run (a pre-commit hook), so a
        formatter is a format check without its `--check` flag."""
        args, module = self.strip_wrappers(argv)
        own = self._uses_of(list(argv), False, changes_fail) if args and _base(args[0]) != _base(argv[0]) else []
        inner = self._uses_of(args, module, changes_fail)
        return own + [use for use in inner if use not in own]

    def _uses_of(self, args: list[str], module: bool, changes_fail: bool = False) -> list[Use]:
        if not args:
            return []
        first = _base(args[0])
        candidates = self._by_first.get(first)
        if not candidates:
            return []
        uses: list[Use] = []
        seen: set[tuple[str, str | None]] = set()
        positional_cache: dict[frozenset[str], list[str]] = {}
        for tool, pattern in candidates:
            if pattern.python_module and not module:
                continue
            positional = positional_cache.get(tool.value_flags)
            if positional is None:
                positional = self._positional(args, tool.value_flags)
                positional_cache[tool.value_flags] = positional
            n = len(pattern.argv)
            if len(positional) < n or any(positional[k] != pattern.argv[k] for k in range(1, n)):
                continue
            if pattern.exact and len(positional) != n:
                continue
            if pattern.args_any and not any(
                    p in pattern.args_any or (pattern.task_paths and p.rsplit(":", 1)[-1] in pattern.args_any)
                    for p in positional[n:]):
                continue
            if pattern.args_like and not any(like.fullmatch(p.rsplit(":", 1)[-1] if pattern.task_paths else p)
                                             for p in positional[n:] for like in pattern.args_like):
                continue
            if pattern.requires_flag and not any(_has_flag(args, f) for f in pattern.requires_flag) \
                    and not (changes_fail and pattern.capabilities == ("format-check",)):
                continue
            if pattern.forbids_flag and any(_has_flag(args, f) for f in pattern.forbids_flag):
                continue
            via = "command:" + " ".join(pattern.argv)
            for capability in pattern.capabilities or (None,):
                if (tool.id, capability) not in seen:
                    seen.add((tool.id, capability))
                    uses.append(Use(tool.id, capability, via))
        return uses

    @staticmethod
    def _positional(args: Sequence[str], value_flags: frozenset[str]) -> list[str]:
        out = [_base(args[0])]
        i = 1
        while i < len(args):
            token = args[i]
            if token == "--":
                out.extend(args[i + 1:])
                break
            if token.startswith("-") and token != "-":
                i += 2 if token in value_flags else 1
                continue
            out.append(token)
            i += 1
        return out

    # -- keyed recognisers -------------------------------------------------------------------------

    @staticmethod
    def _uses(claims: Iterable[tuple[str, tuple[str, ...]]] | None, via: str) -> list[Use]:
        if not claims:
            return []
        uses: list[Use] = []
        for tool_id, capabilities in claims:
            if capabilities:
                uses.extend(Use(tool_id, c, via) for c in capabilities)
            else:
                uses.append(Use(tool_id, None, via))
        return uses

    def from_action(self, uses: str, inputs: Mapping[str, Any] | None = None) -> list[Use]:
        """A GitHub Actions `uses:` value (with its `@ref`) and the step's `with:` inputs; the longest
        known `owner/repo[/path]` prefix wins."""
        text = uses.strip()
        if text.lower().startswith("docker://"):
            return self.from_image(text)
        if text.startswith("./") or text.startswith(".\\"):
            return []
        key = _norm_action(text)
        ref = text.partition("@")[2]
        while True:
            claims = self._actions.get(key)
            if claims:
                return self._action_uses(claims, "action:" + key, inputs or {}, ref)
            if key.count("/") <= 1:
                return []
            key = key.rsplit("/", 1)[0]

    def _action_uses(self, claims: list[ActionRecogniser], via: str, inputs: Mapping[str, Any],
                     ref: str) -> list[Use]:
        uses: list[Use] = []
        for claim in claims:
            if not claim.holds(inputs, ref):
                continue
            if claim.command:
                args = str(inputs.get(claim.args_input or "") or claim.default_args)
                try:
                    words = shlex.split(args)
                except ValueError:
                    words = args.split()
                ran = [Use(u.tool_id, u.capability, via) for u in self.from_command([claim.command, *words])
                       if u.tool_id == claim.tool_id]
                uses += ran or [Use(claim.tool_id, None, via)]
            else:
                uses += self._uses([(claim.tool_id, claim.capabilities)], via)
        return _dedupe(uses)

    def from_orb(self, orb: str) -> list[Use]:
        key = _norm_action(orb)
        return self._uses(self._orbs.get(key), "orb:" + key)

    def from_image(self, image: str) -> list[Use]:
        key = normalise_image(image)
        return self._uses(self._images.get(key), "image:" + key)

    def image_command(self, image: str) -> str | None:
        """The command a scanner image runs as its entrypoint (`aquasec/trivy` → `trivy`), so a caller
        can pass `[command, *args]` to `from_command` for what the container does."""
        return self._image_commands.get(normalise_image(image))

    def from_hook(self, hook_id: str, repo_url: str | None = None) -> list[Use]:
        """A pre-commit hook. Hook ids shared by several tools are told apart by the hook repository."""
        claims = self._hooks.get(hook_id)
        if not claims:
            return []
        repo = normalise_repo(repo_url) if repo_url and repo_url not in ("local", "meta") else None
        if len(claims) > 1 or repo:
            exact = [c for c in claims if c[1] is not None and c[1] == repo]
            if exact:
                claims = exact
            elif len(claims) > 1:
                claims = [c for c in claims if c[1] is None]
        return self._uses(((tool_id, caps) for tool_id, _, caps in claims), "hook:" + hook_id)

    def from_config_file(self, path: str) -> list[Use]:
        """A repository-relative path whose presence means the tool is configured."""
        path = path.replace("\\", "/")
        if path.startswith("./"):
            path = path[2:]
        uses = self._uses(self._config_paths.get(path), "config_file:" + path)
        base = path.rsplit("/", 1)[-1]
        uses += self._uses(self._config_names.get(base), "config_file:" + base)
        if "/" in path and self._config_dirs:
            cut = path.find("/")
            while cut > 0:  # every folder prefix: `.github/codeql/x.yml` → `.github/`, `.github/codeql/`
                head = path[: cut + 1]
                uses += self._uses(self._config_dirs.get(head), "config_file:" + head)
                cut = path.find("/", cut + 1)
        return _dedupe(uses)

    def from_package(self, ecosystem: str, name: str) -> list[Use]:
        """A declared dependency: `("pip", "pytest-cov")`, `("npm", "@sentry/node")`, `("maven", "g:a")`."""
        key = normalise_package(ecosystem, name)
        return self._uses(self._packages.get(key), f"package:{key[0]}:{key[1]}")

    def from_maven_plugin(self, coord: str) -> list[Use]:
        """A Maven build plugin `groupId:artifactId` (a version suffix is ignored)."""
        key = ":".join(coord.strip().split(":")[:2])
        return self._uses(self._maven_plugins.get(key), "maven_plugin:" + key)

    def from_gradle_plugin(self, plugin_id: str) -> list[Use]:
        key = plugin_id.strip()
        return self._uses(self._gradle_plugins.get(key), "gradle_plugin:" + key)

    def maven_parent(self, coord: str) -> tuple[MavenBinding, ...]:
        """What a known parent POM (`groupId:artifactId[:version]`) binds into every child's build."""
        found = self._maven_parents.get(":".join(coord.strip().split(":")[:2]))
        return found[1] if found else ()

    def from_maven_parent(self, coord: str) -> list[Use]:
        """A known parent POM: present only; what it does is the plugins it binds (`maven_parent`)."""
        key = ":".join(coord.strip().split(":")[:2])
        found = self._maven_parents.get(key)
        return [Use(found[0], None, "maven_parent:" + key)] if found else []

    def jenkins_steps(self) -> dict[str, str]:
        """Known Jenkins shared-library steps → the command each runs (`buildPlugin` → `mvn … install`)."""
        return {step: command for step, (_, command) in self._jenkins_steps.items()}

    def from_jenkins_step(self, step: str) -> list[Use]:
        """A Jenkins shared-library step: present only; what it does is the command it runs."""
        found = self._jenkins_steps.get(step.strip())
        return [Use(found[0], None, "jenkins_step:" + step.strip())] if found else []

    def from_env(self, name: str, value: Any) -> list[Use]:
        """An environment switch (`VALIDATE_GITLEAKS: true`); only a truthy value counts, except for the
        variables marked `any_value` (a key handed to a tool), which count when they hold anything."""
        if not (_truthy(value) if name not in self._env_any_value else str(value or "").strip().strip("'\"")):
            return []
        return self._uses(self._env.get(name), "env:" + name)

    # -- configuration kinds -----------------------------------------------------------------------

    def config_kind_names(self) -> Mapping[str, tuple[str, ...]]:
        """Base name → the `config_files` kinds a file of that name is (`vercel.json` → `("vercel",)`)."""
        return self._kinds_by_name

    def config_kind_paths(self) -> Mapping[str, tuple[str, ...]]:
        """Repository-relative path → the `config_files` kinds of that file (`.github/dependabot.yml`)."""
        return self._kinds_by_path

    def kinds_with(self, capability: str, facts: str = "config_files") -> tuple[str, ...]:
        """The kinds of one Facts field whose presence says `capability`, in catalog order."""
        if capability not in CAPABILITIES:
            raise ValueError(f"unknown capability {capability!r}")
        return tuple(k.kind for k in self.config_kinds.values() if k.facts == facts and capability in k.capabilities)

    def kubernetes_kinds(self) -> tuple[str, ...]:
        """The `iac_tools` kinds that configure Kubernetes workloads (manifests, charts, overlays)."""
        return tuple(k.kind for k in self.config_kinds.values() if k.kubernetes)

    def tools_with(self, capability: str) -> list[Tool]:
        if capability not in CAPABILITIES:
            raise ValueError(f"unknown capability {capability!r}")
        return list(self._by_capability.get(capability, ()))

    def tool(self, tool_id: str) -> Tool:
        return self.tools[tool_id]

    def __len__(self) -> int:
        return len(self.tools)


def _has_flag(args: Sequence[str], flag: str) -> bool:
    """`--push`, `--push=true`; MSBuild/dotnet style `--collect:"XPlat Code Coverage"`."""
    eq, colon = flag + "=", flag + ":"
    return any(a == flag or a.startswith(eq) or a.startswith(colon) for a in args)


def _dedupe(uses: list[Use]) -> list[Use]:
    seen: set[Use] = set()
    out = []
    for use in uses:
        if use not in seen:
            seen.add(use)
            out.append(use)
    return out


def load_document(text: str | None = None) -> dict[str, Any]:
    """The catalog document (`tools`, `config_kinds`): from `text`, or the packaged `tools.yaml` through
    the parsed-file cache (parsing the YAML costs about 0.2 s, the cached JSON a few milliseconds; see
    `parse_cache`)."""
    if text is not None:
        return dict(safe_yaml.load(text))
    raw = resources.files("vana_audit.tools").joinpath("tools.yaml").read_bytes()
    return dict(parse_cache.parsed(raw, lambda data: safe_yaml.load(data.decode("utf-8"))))


def load_entries(text: str | None = None) -> list[dict[str, Any]]:
    """The catalog's tool entries (see `load_document`)."""
    return list(load_document(text)["tools"])


@functools.lru_cache(maxsize=1)
def catalog() -> Catalog:
    """The packaged catalog, loaded once per process."""
    doc = load_document()
    return Catalog(doc["tools"], doc.get("config_kinds", ()), doc.get("code_kinds", ()))
