"""What each CI job effectively runs: the CI model.

Reading CI as text misses every tool run through a task runner. This module follows the
indirections, never executing anything: a job's steps (GitHub composite actions and reusable
workflows, GitLab includes, `extends` and `!reference`, CircleCI commands, orbs and executors,
Azure templates, Jenkins shared-library steps the catalog knows) give scripts; `shell.split_script`
turns a script into commands; a command that names a task runner (make, just, task,
npm/pnpm/yarn/bun, tox, nox, hatch, pdm, poe, pre-commit / prek, Maven, Gradle, a shell script of
the repository) is looked up in the repository's files and its definition followed, depth-limited
(`MAX_DEPTH`) and cycle-safe. Every invocation keeps the chain of `Link`s from the CI line down to
the line that defines it.

Adding a task runner: write `_run_<name>(self, argv, frame, ctx)` returning invocations and add the
program name to `RUNNERS`. Adding a CI provider: write `_<provider>_jobs(self, pipeline)` yielding
`CiJob`s and add it to `PROVIDERS`; providers without one get their `Pipeline.jobs` steps resolved.
"""
from __future__ import annotations

import ast
import configparser
import fnmatch
import functools
import itertools
import json
import posixpath
import re
import tomllib
import xml.etree.ElementTree as ET  # noqa: N817, S405 - DOCTYPE/ENTITY refused before parsing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict, TypeVar

from .. import safe_yaml
from ..facts import CiJob, CiModel, Invocation, InvocationKind, Job, Link, Pipeline
from ..source import Source
from ..tools import catalog
from ..tools.catalog import coverage_wrapped
from .ci import LineIndex
from .shell import NOISE, Command, literal, split_script

MAX_DEPTH = 6  # runner hops below the CI file
MAX_INVOCATIONS_PER_JOB = 1000
MAX_INVOCATIONS = 50_000  # the whole model
MAX_JOBS = 2000
MAX_DEFINITION_CHARS = 1_000_000  # a task runner file larger than this is not followed
INPUT_CHARS = 2000  # an action input read whole: multi-line ones (a bake `set:`, a script) hold the switch at the end
MAX_LINK_TEXT = 200
LINE_SEARCH = 400  # lines searched below a known line for the text of a command

R = TypeVar("R")


class MakeRule(TypedDict):
    line: int
    prereqs: list[str]
    recipe: list[tuple[int, str]]  # (line, recipe line without its tab)


class MakeDb(TypedDict):
    """A parsed Makefile: its explicit and pattern rules, its variables and its default goal."""

    targets: dict[str, MakeRule]
    vars: dict[str, str]
    default: str | None


@dataclass(frozen=True)
class Frame:
    chain: tuple[Link, ...]
    can_fail: bool = True
    cwd: str = ""  # repository-relative folder, "" for the root
    env: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    depth: int = 0
    stack: frozenset[tuple[str, ...]] = frozenset()  # definitions being expanded: a cycle guard
    pipefail: bool = False


@dataclass
class Ctx:
    """Per job: the invocations found so far and the definitions already expanded."""

    out: list[Invocation] = field(default_factory=list)
    expanded: set[tuple[Any, ...]] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def full(self) -> bool:
        if len(self.out) < MAX_INVOCATIONS_PER_JOB:
            return False
        if not any(note.startswith("more than") for note in self.notes[-3:]):
            self.notes.append(f"more than {MAX_INVOCATIONS_PER_JOB} invocations; the rest were not listed")
        return True


# Cake (cakebuild.net): a PowerShell bootstrapper that starts a C# build script, whose .NET CLI aliases are commands
_CAKE_BOOTSTRAP = re.compile(
    r"cakebuild\.net|\bdotnet[ \t]+(tool[ \t]+run[ \t]+dotnet-)?cake\b|\bbuild\.cake\b|\bcake\.cs\b", re.I)
_CAKE_SCRIPTS = ("build.cake", "cake.cs", "build/build.cake")
_CAKE_VERBS = {"test": "test", "build": "build", "pack": "pack", "publish": "publish", "nugetpush": "nuget push",
               "restore": "restore"}
_CAKE_ALIAS = re.compile(r"\bDotNet(?:Core)?(Test|Build|Pack|Publish|NuGetPush|Restore)[ \t]*\(", re.I)


def _link(path: str, line: int | None, text: str) -> Link:
    text = " ".join(str(text).split())
    return Link(path, line, text[:MAX_LINK_TEXT])


def _join(cwd: str, rel: str) -> str | None:
    """A repository-relative path, or None when `rel` leaves the repository."""
    rel = rel.strip()
    if not rel or rel.startswith("~") or "$" in rel or "{{" in rel:
        return None
    joined = posixpath.normpath(rel.lstrip("/") if rel.startswith("/") else posixpath.join(cwd or ".", rel))
    if joined.startswith("..") or joined.startswith("/"):
        return None
    return "" if joined == "." else joined


def _in(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def _literal_env(mapping: Any) -> dict[str, str]:
    if not isinstance(mapping, dict):
        return {}
    out = {}
    for key, value in list(mapping.items())[:200]:
        if isinstance(value, dict):  # GitLab `VAR: {value: x, description: ...}`
            value = value.get("value")
        text = literal(value)
        if text is not None:
            out[str(key)] = text
    return out


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _strings(value: Any) -> list[str]:
    return [str(v) for v in _as_list(value) if isinstance(v, (str, int, float)) and not isinstance(v, bool)]


def _deep_merge(base: Any, over: Any) -> Any:
    """GitLab's merge: mappings merge key by key, anything else is replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        merged = safe_yaml.LineDict(base, line=getattr(over, "line", 0) or getattr(base, "line", 0))
        for key, value in over.items():
            merged[key] = _deep_merge(base.get(key), value) if key in base else value
        return merged
    return over


# -- job triggers ------------------------------------------------------------------------------

DEFAULT_BRANCHES = ("main", "master", "trunk", "develop", "default")


def _branch_filter_hits_default(branches: list[str]) -> bool:
    return any(fnmatch.fnmatch(name, pattern.replace("**", "*")) for pattern in branches for name in DEFAULT_BRANCHES)


def gha_triggers(on: Any) -> set[str]:
    events: dict[str, Any]
    if isinstance(on, str):
        events = {on: None}
    elif isinstance(on, list):
        events = {str(e): None for e in on}
    elif isinstance(on, dict):
        events = {str(k): v for k, v in on.items()}
    else:
        return set()
    out: set[str] = set()
    for event, spec in events.items():
        if event == "push":
            spec = spec if isinstance(spec, dict) else {}
            branches, tags = _strings(spec.get("branches")), _strings(spec.get("tags"))
            ignored = _strings(spec.get("branches-ignore"))
            if tags or spec.get("tags-ignore") is not None:
                out.add("tag")
            if not spec or "branches" in spec or "branches-ignore" in spec or not tags:
                if branches and not _branch_filter_hits_default(branches):
                    out.add("push-branches")
                elif ignored and _branch_filter_hits_default(ignored):
                    out.add("push-branches")
                elif not (tags and "branches" not in spec and "branches-ignore" not in spec):
                    out.add("push")
        elif event in ("pull_request", "pull_request_target"):
            out.add("pull_request")
        elif event == "workflow_dispatch":
            out.add("manual")
        else:
            out.add(event)
    return out


_EVENT_EQ = re.compile(r"github\.event_name\s*==\s*['\"]([a-z_]+)['\"]")
_EVENT_NE = re.compile(r"github\.event_name\s*!=\s*['\"]([a-z_]+)['\"]")
_GHA_EVENT_NAMES = {"pull_request_target": "pull_request", "workflow_dispatch": "manual"}


def _restrict_by_condition(triggers: set[str], condition: str) -> set[str]:
    """A job `if:` that names events narrows the workflow's triggers (as far as it is static)."""
    if not condition or "${{" in condition and "}}" not in condition:
        return triggers
    named = {_GHA_EVENT_NAMES.get(e, e) for e in _EVENT_EQ.findall(condition)}
    if "&&" not in condition and "!" not in condition.replace("!=", ""):
        if named:
            narrowed = set()
            for trig in triggers:
                base = "push" if trig in ("push", "push-branches", "tag") else trig
                if base in named:
                    narrowed.add(trig)
            triggers = narrowed
        if re.search(r"startsWith\(\s*github\.ref\s*,\s*['\"]refs/tags/", condition) and "||" not in condition:
            triggers = {"tag"} & triggers or ({"tag"} if "tag" in triggers or "push" in triggers else set())
    for excluded in _EVENT_NE.findall(condition):
        if "||" not in condition:
            triggers = triggers - {_GHA_EVENT_NAMES.get(excluded, excluded)}
    return triggers


# GitLab: `$CI_PIPELINE_SOURCE` values as the model's triggers
GITLAB_SOURCES = {"push": "push", "merge_request_event": "pull_request", "external_pull_request_event": "pull_request",
                  "schedule": "schedule", "web": "manual", "api": "manual", "trigger": "manual", "chat": "manual"}
_GL_OPERAND = r"""(\$CI_DEFAULT_BRANCH\b|"[^"\n]*"|'[^'\n]*'|/[^/\n]*/)"""
_GL_SOURCE = re.compile(r"\$CI_PIPELINE_SOURCE\s*(==|!=|=~|!~)\s*" + _GL_OPERAND)
_GL_BRANCH = re.compile(r"\$CI_COMMIT_(?:BRANCH|REF_NAME)\b(?:\s*(==|!=|=~|!~)\s*" + _GL_OPERAND + ")?")
_GL_TAG = re.compile(r"(?<!!)\$CI_COMMIT_TAG\b(?!\s*==\s*(?:null|\"\"))")
_GL_MR = re.compile(r"\$CI_(?:MERGE_REQUEST|EXTERNAL_PULL_REQUEST)_\w+")


def _gitlab_branch_kind(clause: str) -> str | None:
    """push (any branch, or the default one), push-branches (only others), or None: no branch condition."""
    kinds = []
    for op, operand in _GL_BRANCH.findall(clause):
        if not op or operand == "$CI_DEFAULT_BRANCH" and op in ("==", "=~"):
            kinds.append("push")  # `$CI_COMMIT_BRANCH` alone: a branch pipeline, whichever branch
        elif op in ("==", "=~"):
            names = set(re.findall(r"[\w.-]+", operand))
            kinds.append("push" if names & set(DEFAULT_BRANCHES) else "push-branches")
        else:
            kinds.append("push-branches")
    if not kinds:
        return None
    return "push-branches" if "push-branches" in kinds else "push"


def _gitlab_clause_triggers(clause: str, default: set[str]) -> set[str]:
    """The pipelines one `&&` clause of a rule's `if` matches: the pipeline sources it names (`==`, `=~`,
    `!=`), narrowed by branch and tag conditions; without a source, what the variables it tests imply
    (`$CI_MERGE_REQUEST_*`: merge requests; `$CI_COMMIT_BRANCH`: branches; `$CI_COMMIT_TAG`: tags);
    with neither (`$RUN_DEBUG`), `default`."""
    sources: set[str] | None = None
    for op, operand in _GL_SOURCE.findall(clause):
        named = {GITLAB_SOURCES[w] for w in re.findall(r"[a-z_]+", operand) if w in GITLAB_SOURCES}
        if op in ("==", "=~"):
            sources = named if sources is None else sources & named
        else:
            sources = (set(GITLAB_SOURCES.values()) if sources is None else sources) - named
    tag = bool(_GL_TAG.search(clause))
    branch = _gitlab_branch_kind(clause)
    if sources is None:
        found = {"pull_request"} if _GL_MR.search(clause) else set()
        found |= {"tag"} if tag else set()
        found |= {branch} if branch else set()
        return found or set(default)
    found = sources - {"push"}
    if "push" in sources:  # a push pipeline is a branch or a tag pipeline
        found.add("tag" if tag else branch or "push")
    return found


def _gitlab_rule_triggers(rules: Any, default: set[str]) -> set[str]:
    """The pipelines a `rules:` list (a job's or the workflow's) lets a job (a pipeline) run in: every rule
    that is not `when: never`, its `if` read clause by clause (`||`); a rule without `if` matches every
    pipeline (`default`); `when: manual` is a manual run."""
    out: set[str] = set()
    for rule in _as_list(rules)[:100]:
        if not isinstance(rule, dict):
            continue
        when = str(rule.get("when") or "on_success")
        if when == "never":
            continue
        cond = str(rule.get("if") or "")
        found = set().union(*(_gitlab_clause_triggers(part, default) for part in cond.split("||")[:20])) \
            if cond else set(default)
        if when == "manual":
            found = {"manual"}
        out |= found or default
    return out


def _gitlab_workflow_allows(base: set[str]) -> set[str]:
    """The job triggers pipelines of `base` (what workflow:rules create) can hold: push is branches and
    tags; a manual job may sit in any of them."""
    allowed = set(base) | {"manual"}
    if "push" in base:
        allowed |= {"push-branches", "tag"}
    return allowed


def _gitlab_only_triggers(only: Any) -> set[str]:
    refs = _strings(only.get("refs") if isinstance(only, dict) else only)
    out = set()
    for ref in refs:
        out.add({"branches": "push", "tags": "tag", "merge_requests": "pull_request", "schedules": "schedule",
                 "web": "manual", "api": "manual", "triggers": "manual", "pushes": "push"}.get(
            ref, "push" if ref in DEFAULT_BRANCHES else "push-branches"))
    return out


# -- matrices ---------------------------------------------------------------------------------

def gha_matrix_size(strategy: Any) -> int:
    if not isinstance(strategy, dict) or "matrix" not in strategy:
        return 1
    matrix = strategy["matrix"]
    if not isinstance(matrix, dict):
        return 0
    axes = {k: v for k, v in matrix.items() if k not in ("include", "exclude")}
    if any(not isinstance(v, list) for v in axes.values()):
        return 0
    size = 1
    for values in axes.values():
        size *= len(values)
    include, exclude = matrix.get("include"), matrix.get("exclude")
    if include is not None and not isinstance(include, list) or exclude is not None and not isinstance(exclude, list):
        return 0
    if not axes:
        return len(include or []) or 1
    size -= len(exclude or [])
    for entry in include or []:  # an entry that changes an axis value adds a combination
        if isinstance(entry, dict) and any(k in axes and v not in axes[k] for k, v in entry.items()):
            size += 1
    return max(size, 0)


def _product(parameters: Any) -> int:
    if not isinstance(parameters, dict):
        return 0
    size = 1
    for value in parameters.values():
        size *= len(value) if isinstance(value, list) else 1
    return size


# -- the resolver -----------------------------------------------------------------------------

MAVEN_LIFECYCLE = ("validate", "initialize", "generate-sources", "process-sources", "generate-resources",
                   "process-resources", "compile", "process-classes", "generate-test-sources",
                   "process-test-sources", "generate-test-resources", "process-test-resources", "test-compile",
                   "process-test-classes", "test", "prepare-package", "package", "pre-integration-test",
                   "integration-test", "post-integration-test", "verify", "install", "deploy")
# Where a plugin's goal runs when its execution names no phase (the plugin's default binding).
MAVEN_GOAL_PHASES = {
    "maven-surefire-plugin:test": "test", "maven-failsafe-plugin:integration-test": "integration-test",
    "maven-failsafe-plugin:verify": "verify", "maven-compiler-plugin:compile": "compile",
    "maven-compiler-plugin:testCompile": "test-compile", "maven-jar-plugin:jar": "package",
    "maven-install-plugin:install": "install", "maven-deploy-plugin:deploy": "deploy",
    "maven-enforcer-plugin:enforce": "validate", "maven-checkstyle-plugin:check": "verify",
    "maven-pmd-plugin:check": "verify", "maven-pmd-plugin:cpd-check": "verify",
    "spotbugs-maven-plugin:check": "verify", "jacoco-maven-plugin:prepare-agent": "initialize",
    "jacoco-maven-plugin:report": "verify", "jacoco-maven-plugin:check": "verify",
    "spotless-maven-plugin:check": "verify", "dependency-check-maven:check": "verify",
    "maven-source-plugin:jar-no-fork": "package", "maven-javadoc-plugin:jar": "package",
    "license-maven-plugin:check": "validate", "maven-gpg-plugin:sign": "verify",
}
# Plugins of the default lifecycle: bound without any execution in the pom.
MAVEN_IMPLICIT = {"maven-surefire-plugin": "test", "maven-compiler-plugin": "compile", "maven-jar-plugin": "package",
                  "maven-install-plugin": "install", "maven-deploy-plugin": "deploy",
                  "maven-resources-plugin": "process-resources"}
MAVEN_VALUE_OPTIONS = {"-P", "-pl", "-f", "-s", "-gs", "-T", "-rf", "-l", "-t", "--projects", "--file", "--settings",
                       "--threads", "--activate-profiles", "--resume-from", "--log-file", "--global-settings",
                       "--toolchains", "-c", "-b", "--builder"}

PY_WRAPPERS = {"uv": ("run",), "poetry": ("run",), "pipenv": ("run",), "rye": ("run",), "pipx": ("run",),
               "bundle": ("exec",), "pnpm": ("exec", "dlx"), "yarn": ("exec", "dlx"), "npm": ("exec",)}
UV_RUN_VALUE_OPTIONS = {"--with", "--extra", "--group", "-p", "--python", "--package", "--directory", "--project",
                        "--env-file", "--with-requirements", "--index", "--only-group", "--no-group", "-w"}
PNPM_BUILTINS = {"install", "i", "add", "remove", "rm", "update", "up", "exec", "dlx", "link", "unlink", "import",
                 "rebuild", "prune", "fetch", "audit", "outdated", "list", "ls", "why", "publish", "pack", "store",
                 "env", "setup", "config", "create", "init", "deploy", "patch", "licenses", "install-test", "it",
                 "ci", "dedupe", "root", "bin", "server", "self-update", "approve-builds"}
YARN_BUILTINS = {"install", "add", "remove", "upgrade", "up", "info", "init", "config", "cache", "global", "link",
                 "pack", "publish", "set", "why", "dlx", "exec", "npm", "plugin", "constraints", "dedupe", "explain",
                 "rebuild", "unplug", "version", "audit", "outdated", "licenses", "list", "bin", "import", "node",
                 "check", "autoclean", "generate-lock-entry", "login", "logout", "owner", "policies", "tag", "team",
                 "unlink", "workspaces", "workspace"}
NPM_LIFECYCLE = {"test": "test", "t": "test", "tst": "test", "start": "start", "stop": "stop", "restart": "restart"}
NPM_INSTALL = {"ci", "install", "i", "clean-install", "install-clean", "isntall", "add"}
PRE_COMMIT_STAGES = {"commit": "pre-commit", "push": "pre-push", "merge-commit": "pre-merge-commit"}


# Options of `docker run` that take a value (the next word, unless written `--opt=value`).
_RUN_VALUE_OPTIONS = frozenset({
    "-e", "--env", "--env-file", "-v", "--volume", "--mount", "-w", "--workdir", "--entrypoint", "--name", "--network",
    "--net", "-u", "--user", "-p", "--publish", "--platform", "-h", "--hostname", "--label", "-l", "--cpus", "-m",
    "--memory", "--add-host", "--device", "--cap-add", "--cap-drop", "--security-opt", "--tmpfs", "--ulimit",
    "--pull", "--restart", "--log-driver", "--gpus", "--ipc", "--pid", "--shm-size", "--volumes-from", "--group-add",
})


def _container_run(argv: list[str]) -> tuple[str, list[str]] | None:
    """(image, command run in it) of `docker run ...` / `docker container run ...`; None for other verbs.
    The command is empty when the image runs its own entrypoint."""
    rest = argv[1:]
    if rest[:2] == ["container", "run"]:
        rest = rest[2:]
    elif rest[:1] == ["run"]:
        rest = rest[1:]
    else:
        return None
    while rest and rest[0].startswith("-"):
        option = rest.pop(0)
        if option in _RUN_VALUE_OPTIONS and rest:
            rest.pop(0)
    if not rest:
        return None
    return rest[0], rest[1:]


def _program(word: str) -> str:
    if word in ("$(MAKE)", "${MAKE}", "$MAKE"):
        return "make"
    base = word.rsplit("/", 1)[-1]
    for suffix in (".cmd", ".bat", ".exe"):
        base = base.removesuffix(suffix)
    return base


class Resolver:
    """Reads the repository's runner files on demand (each once) and expands commands."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self._cache: dict[tuple[str, str], Any] = {}
        self._lines: dict[str, list[str]] = {}
        self.total = 0
        self.notes: list[str] = []

    # -- files ----------------------------------------------------------------------------
    def exists(self, path: str | None) -> bool:
        return bool(path) and self.source.exists(path)  # type: ignore[arg-type]

    def text(self, path: str) -> str | None:
        if not self.exists(path):
            return None
        text = self.source.read_text(path)
        if text is None or len(text) > MAX_DEFINITION_CHARS:
            return None
        return text

    def _cached(self, kind: str, path: str, build: Callable[[str], R]) -> R | None:
        key = (kind, path)
        if key not in self._cache:
            text = self.text(path)
            try:
                self._cache[key] = build(text) if text is not None else None
            except Exception as exc:  # a definition file the parser did not expect: not followed
                self.notes.append(f"{path}: not followed ({type(exc).__name__})")
                self._cache[key] = None
        built: R | None = self._cache[key]  # a kind is always built by the same parser
        return built

    def yaml(self, path: str) -> Any:
        return self._cached("yaml", path, safe_yaml.load_config)

    def toml(self, path: str) -> dict[str, Any] | None:
        return self._cached("toml", path, tomllib.loads)

    def json(self, path: str) -> Any:
        return self._cached("json", path, json.loads)

    def line_of(self, path: str, start: int | None, needle: str) -> int | None:
        """The first line at or below `start` holding the first line of `needle`; else `start`."""
        found = self.find(path, start, needle, LINE_SEARCH)
        return found if found is not None else start

    def find(self, path: str, start: int | None, needle: str, limit: int | None = None) -> int | None:
        lines = self._lines.get(path)
        if lines is None:
            lines = (self.text(path) or "").splitlines()
            self._lines[path] = lines
        probe = next((part.strip() for part in needle.splitlines() if part.strip()), "")[:60]
        if not probe:
            return None
        begin = max((start or 1) - 1, 0)
        end = len(lines) if limit is None else min(len(lines), begin + limit)
        for index in range(begin, end):
            if probe in lines[index]:
                return index + 1
        return None

    # -- emitting ---------------------------------------------------------------------------
    def emit(self, ctx: Ctx, kind: InvocationKind, value: str, frame: Frame, argv: tuple[str, ...] = (),
             can_fail: bool = True, /, **extra: Any) -> None:
        if ctx.full() or self.total >= MAX_INVOCATIONS:
            return
        self.total += 1
        ctx.out.append(Invocation(kind, value[:500], argv[:100], frame.chain, frame.can_fail and can_fail,
                                  {k: v for k, v in extra.items() if v not in (None, "", [], {})}))

    def enter(self, ctx: Ctx, frame: Frame, key: tuple[str, ...], link: Link) -> Frame | None:
        """The frame one hop deeper, or None when the hop would loop, go too deep or repeat."""
        if key in frame.stack:
            ctx.notes.append(f"cycle cut at {link.path}:{link.line} ({'/'.join(key)})")
            return None
        if frame.depth >= MAX_DEPTH:
            ctx.notes.append(f"deeper than {MAX_DEPTH} hops at {link.path}:{link.line}; not followed")
            return None
        seen = (*key, frame.can_fail)
        if seen in ctx.expanded or ctx.full():
            return None
        ctx.expanded.add(seen)
        return replace(frame, chain=(*frame.chain, link), depth=frame.depth + 1, stack=frame.stack | {key})

    # -- scripts and commands ----------------------------------------------------------------
    def script(self, ctx: Ctx, frame: Frame, text: str, path: str, line: int | None,
               can_fail: bool = True, search: bool = True) -> None:
        """Every command of a script written in `path` near `line`."""
        cwd, env = frame.cwd, dict(frame.env)
        for command in split_script(text, env, can_fail=can_fail, pipefail=frame.pipefail):
            if ctx.full():
                return
            at = line
            if line is not None:
                at = self.line_of(path, line, command.text) if search else line + command.line - 1
            if command.argv and command.argv[0] == "cd" and len(command.argv) > 1:
                cwd = _join(cwd, command.argv[1]) or cwd
                continue
            here = replace(frame, chain=(*frame.chain, _link(path, at, command.text)), cwd=cwd,
                           can_fail=frame.can_fail and command.can_fail, env=env)
            self.command(ctx, here, command)

    def command(self, ctx: Ctx, frame: Frame, command: Command) -> None:
        argv = list(command.argv)
        if not argv or argv[0] in NOISE and argv[0] not in ("source", "."):
            return
        self.emit(ctx, "command", " ".join(argv), frame, tuple(argv))
        self.follow(ctx, frame, argv, command.assigns)

    def follow(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str] | None = None) -> None:
        """Expand `argv` when it names a task runner or a wrapper; the command itself is emitted."""
        program = _program(argv[0])
        container = _container_run(argv) if program in ("docker", "podman", "nerdctl") else None
        if container is not None:  # `docker run [options] IMAGE [COMMAND...]`: the image, then what runs in it
            image, inner = container
            if image and "$" not in image:
                self.emit(ctx, "image", image, frame)
            if inner:
                self.command(ctx, frame, Command(tuple(inner), 1, True, " ".join(inner), assigns or {}))
            return
        unwrapped = self.unwrap(program, argv)
        if unwrapped is not None:
            if unwrapped:
                special = self._wrapped_runner(ctx, frame, program, argv, unwrapped)
                if not special:
                    self.command(ctx, frame, Command(tuple(unwrapped), 1, True, " ".join(unwrapped), assigns or {}))
            return
        runner = RUNNERS.get(program)
        if runner is not None:
            runner(self, ctx, frame, argv, assigns or {})
        elif self._is_script_file(frame.cwd, argv):
            self._run_script_file(ctx, frame, argv)

    def unwrap(self, program: str, argv: list[str]) -> list[str] | None:
        """The wrapped command of `uv run x`, `npx x`, `python -m x`, `sudo x`...; None when not a wrapper."""
        rest = argv[1:]
        if program in ("sudo", "time", "nice", "nohup", "xvfb-run", "env", "stdbuf", "command", "exec"):
            while rest and (rest[0].startswith("-") or program == "env" and "=" in rest[0]):
                rest = rest[1:]
            return rest
        if program == "timeout":
            rest = [w for w in rest if not w.startswith("-")]
            return rest[1:]
        if program in ("nyc", "c8"):  # `nyc --reporter=text npm test`: the tests under coverage
            return coverage_wrapped(argv)
        if program == "go" and rest[:1] == ["tool"]:  # `go tool -modfile tools/go.mod golangci-lint run`
            rest = rest[1:]
            while rest and rest[0].startswith("-"):
                rest = rest[2:] if rest[0] in ("-modfile", "-C") else rest[1:]
            return rest
        if program in ("npx", "bunx", "pnpx", "uvx"):
            skip_next = False
            out = []
            for index, word in enumerate(rest):
                if skip_next:
                    skip_next = False
                    continue
                if word in ("-p", "--package", "--from", "--with", "--python"):
                    skip_next = True
                    continue
                if word.startswith("-"):
                    continue
                out = rest[index:]
                break
            return out
        if program.startswith("python") or program in ("py", "pypy3"):
            if len(rest) >= 2 and rest[0] == "-m":
                module = rest[1].replace("pre_commit", "pre-commit")
                return [module, *rest[2:]]
            return None
        if program in PY_WRAPPERS and rest and rest[0] in PY_WRAPPERS[program]:
            rest = rest[1:]
            while rest and rest[0].startswith("-"):
                option = rest[0]
                rest = rest[1:]
                if option in UV_RUN_VALUE_OPTIONS and "=" not in option and rest:
                    rest = rest[1:]
            if program == "poetry" and rest:
                return rest  # poetry scripts are entry points, handled in _wrapped_runner
            return rest
        return None

    def _wrapped_runner(self, ctx: Ctx, frame: Frame, program: str, argv: list[str], inner: list[str]) -> bool:
        """`poetry run <script>` names an entry point of the project, not a program."""
        if program == "poetry" and inner:
            scripts = self._pyproject(frame.cwd).get("tool", {}).get("poetry", {}).get("scripts", {})
            if isinstance(scripts, dict) and inner[0] in scripts:
                target = scripts[inner[0]]
                self.emit(ctx, "command", " ".join(inner), frame, tuple(inner),
                          entry_point=str(target.get("callable") if isinstance(target, dict) else target))
                return True
        return False

    # -- shell scripts of the repository ---------------------------------------------------
    def _is_script_file(self, cwd: str, argv: list[str]) -> bool:
        first = argv[0]
        if first in ("pwsh", "powershell") and len(argv) > 1:
            first = next((w for w in argv[1:] if w.lower().endswith(".ps1")), "")
        elif first in ("bash", "sh", "zsh", "dash", "source", ".") and len(argv) > 1:
            first = argv[1]
            if first.startswith("-"):
                return _runs_string(first) and len(argv) > 2
        if "/" not in first and not first.lower().endswith((".sh", ".bash", ".ps1")):
            return False
        path = _join(cwd, first)
        return path is not None and self.exists(path)

    def powershell(self, ctx: Ctx, frame: Frame, text: str, path: str, line: int | None) -> None:
        """Commands of a PowerShell (or cmd) script, line by line: psake's `exec { & dotnet test }`
        and the call operator are unwrapped; assignments, blocks and control flow are not commands."""
        in_comment = False
        for offset, raw in enumerate(text.splitlines()[:2000]):
            stripped = raw.strip()
            if in_comment or stripped.startswith("<#"):
                in_comment = "#>" not in stripped
                continue
            command = _POWERSHELL_WRAPPER.sub("", stripped).rstrip("}").strip()
            match = _POWERSHELL_COMMAND.match(command)
            if match and match.group(1).lower() not in _POWERSHELL_KEYWORDS:
                self.script(ctx, frame, command, path, (line or 1) + offset, search=False)

    def _run_script_file(self, ctx: Ctx, frame: Frame, argv: list[str]) -> None:
        if argv[0] in ("bash", "sh", "zsh", "dash") and _runs_string(argv[1]):
            link = frame.chain[-1]
            inner = self.enter(ctx, frame, ("sh-c", link.path, str(link.line), argv[2][:80]), link)
            if inner is not None:
                inner = replace(inner, chain=frame.chain)
                self.script(ctx, inner, argv[2], link.path, link.line, search=False)
            return
        first = argv[1] if argv[0] in ("bash", "sh", "zsh", "dash", "source", ".", "pwsh", "powershell") else argv[0]
        path = _join(frame.cwd, first)
        text = self.text(path) if path else None
        if path is None or text is None or text[:2] == "\x7fE":
            return
        if path.lower().endswith(".ps1"):
            inner = self.enter(ctx, frame, ("script", path), _link(path, 1, path))
            if inner is not None:
                self.powershell(ctx, replace(inner, chain=frame.chain), text, path, 1)
                if _CAKE_BOOTSTRAP.search(text):
                    self._run_cake_script(ctx, replace(inner, chain=frame.chain), posixpath.dirname(path))
            return
        head = text[:200].splitlines()[0] if text.strip() else ""
        if head.startswith("#!") and not re.search(r"\b(ba|z|da|k)?sh\b", head):
            return  # a Python or Node script: its own program, not shell
        inner = self.enter(ctx, frame, ("script", path), _link(path, 1, path))
        if inner is not None:
            self.script(ctx, replace(inner, chain=frame.chain), text, path, 1, search=False)

    def _run_cake_script(self, ctx: Ctx, frame: Frame, directory: str) -> None:
        """A Cake bootstrapper (build.ps1 running `dotnet cake.cs` or build.cake): the .NET CLI aliases the Cake
        script calls (`DotNetTest(project, settings)` runs `dotnet test`), each cited at its line."""
        for name in _CAKE_SCRIPTS:
            path = _in(directory, name)
            text = self.text(path)
            if text is None:
                continue
            inner = self.enter(ctx, frame, ("cake", path), _link(path, 1, path))
            if inner is None:
                return
            for number, line in enumerate(text.splitlines()[:20_000], 1):
                alias = _CAKE_ALIAS.search(line)
                if alias:
                    verb = _CAKE_VERBS[alias.group(1).lower()]
                    self.script(ctx, inner, f"dotnet {verb}", path, number, search=False)
            return

    # -- make -------------------------------------------------------------------------------
    def _makefile(self, path: str) -> MakeDb | None:
        return self._cached("make", path, lambda text: _parse_makefile(text, path, self))

    def _run_make(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        cwd, file, targets, overrides = frame.cwd, None, [], {}
        words = argv[1:]
        index = 0
        while index < len(words):
            word = words[index]
            if word in ("-C", "--directory") and index + 1 < len(words):
                cwd = _join(cwd, words[index + 1]) or cwd
                index += 1
            elif word.startswith("--directory="):
                cwd = _join(cwd, word.split("=", 1)[1]) or cwd
            elif word.startswith("-C") and len(word) > 2:
                cwd = _join(cwd, word[2:]) or cwd
            elif word in ("-f", "--file", "--makefile") and index + 1 < len(words):
                file = words[index + 1]
                index += 1
            elif word in ("-j", "-l", "-o", "-W", "-I") and index + 1 < len(words) \
                    and not words[index + 1][:1].isalpha():
                index += 1
            elif word.startswith("-"):
                pass
            elif "=" in word:
                key, _, value = word.partition("=")
                overrides[key] = value
            else:
                targets.append(word)
            index += 1
        candidates = [file] if file else ["GNUmakefile", "makefile", "Makefile"]
        path = next((p for p in (_join(cwd, c) for c in candidates) if p and self.exists(p)), None)
        if path is None:
            return
        db = self._makefile(path)
        if not db:
            return
        if not targets and db["default"]:
            targets = [db["default"]]
        for target in targets:
            self._make_target(ctx, frame, path, db, target, cwd, overrides)

    def _make_target(self, ctx: Ctx, frame: Frame, path: str, db: MakeDb, target: str, cwd: str,
                     overrides: dict[str, str]) -> None:
        rule = db["targets"].get(target) or _pattern_rule(db, target)
        if rule is None:
            return
        inner = self.enter(ctx, frame, ("make", path, target), _link(path, rule["line"], f"{target}:"))
        if inner is None:
            return
        inner = replace(inner, chain=frame.chain, cwd=cwd)  # each recipe line carries its own link
        for prerequisite in rule["prereqs"]:
            if prerequisite in db["targets"]:
                self._make_target(ctx, replace(inner, chain=(*frame.chain, _link(path, rule["line"],
                                                                                 f"{target}: {prerequisite}"))),
                                  path, db, prerequisite, cwd, overrides)
        variables = {**db["vars"], **overrides}
        for line, text in rule["recipe"]:
            text = _make_expand(text, variables, target)
            quiet = text.lstrip("@+-")
            ignore = text[: len(text) - len(quiet)].count("-") > 0
            self.script(ctx, inner, quiet, path, line, can_fail=not ignore, search=False)

    # -- just -------------------------------------------------------------------------------
    def _run_ct(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        """chart-testing: `ct lint` also runs the `additional-commands` of its configuration (on each
        chart), e.g. `helm unittest {{ .Path }}`."""
        words = argv[1:]
        if not words or words[0] not in ("lint", "lint-and-install"):
            return
        named = next((words[i + 1] for i, w in enumerate(words[:-1]) if w == "--config"), None)
        named = named or next((w.split("=", 1)[1] for w in words if w.startswith("--config=")), None)
        candidates = [named] if named else ["ct.yaml", "ct.yml", ".ct.yaml"]
        path = next((p for p in (_join(frame.cwd, c) for c in candidates) if p and self.exists(p)), None)
        config = self.yaml(path) if path else None
        commands = config.get("additional-commands") if isinstance(config, dict) else None
        if path is None or not isinstance(commands, list):
            return
        at = getattr(commands, "line", None)
        inner = self.enter(ctx, frame, ("ct", path), _link(path, at, "additional-commands"))
        if inner is None:
            return
        for command in commands[:50]:
            if isinstance(command, str):
                self.script(ctx, replace(inner, chain=frame.chain), command, path, at)

    def _run_composer(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        """`composer test`, `composer run[-script] test`: the scripts of composer.json (`@php x` runs
        `php x`, `@other` another script)."""
        words = [w for w in argv[1:] if not w.startswith("-")]
        if words[:1] in (["run"], ["run-script"]):
            words = words[1:]
        path = _join(frame.cwd, "composer.json")
        data = self.json(path) if path and self.exists(path) else None
        scripts = data.get("scripts") if isinstance(data, dict) else None
        if not words or path is None or not isinstance(scripts, dict):
            return
        self._composer_script(ctx, frame, path, scripts, words[0])

    def _composer_script(self, ctx: Ctx, frame: Frame, path: str, scripts: dict[str, Any], name: str) -> None:
        body = scripts.get(name)
        if body is None:
            return
        inner = self.enter(ctx, frame, ("composer", path, name), _link(path, self.line_of(path, 1, f'"{name}"'),
                                                                      f'"{name}"'))
        if inner is None:
            return
        for line in (body if isinstance(body, list) else [body])[:50]:
            text = str(line)
            if text.startswith("@php "):
                text = text[1:]
            elif text.startswith("@") and text[1:].split(" ")[0] in scripts:
                self._composer_script(ctx, inner, path, scripts, text[1:].split(" ")[0])
                continue
            self.script(ctx, replace(inner, chain=inner.chain[:-1]), text, path,
                        self.line_of(path, 1, f'"{name}"'))

    def _run_cibuildwheel(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        """cibuildwheel tests every wheel it builds with the test-command of [tool.cibuildwheel] in
        pyproject.toml (or CIBW_TEST_COMMAND); `{project}` and `{package}` name the checkout."""
        command = assigns.get("CIBW_TEST_COMMAND") or frame.env.get("CIBW_TEST_COMMAND")
        path, line = frame.chain[-1].path, frame.chain[-1].line
        if not command:
            path = _join(frame.cwd, "pyproject.toml") or "pyproject.toml"
            config = self.toml(path) if self.exists(path) else None
            tool = config.get("tool") if isinstance(config, dict) else None
            settings = tool.get("cibuildwheel") if isinstance(tool, dict) else None
            value = settings.get("test-command") if isinstance(settings, dict) else None
            command = " && ".join(map(str, value)) if isinstance(value, list) else value
            line = self.line_of(path, 1, "test-command")
        if not isinstance(command, str) or not command.strip():
            return
        inner = self.enter(ctx, frame, ("cibuildwheel", path), _link(path, line, "test-command"))
        if inner is not None:
            text = command.replace("{project}", ".").replace("{package}", ".")
            self.script(ctx, inner, text, path, line, search=False)

    def _run_rake(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        """`rake NAME`: the Rakefile's task, its prerequisites, and the tasks RSpec, Cucumber and
        StandardRB define (`RSpec::Core::RakeTask.new(:spec)` runs rspec)."""
        names = [w for w in argv[1:] if not w.startswith("-") and "=" not in w] or ["default"]
        path = _join(frame.cwd, "Rakefile")
        db = self._cached("rake", path, _parse_rakefile) if path and self.exists(path) else None
        if db is None or path is None:
            return
        for name in names[:10]:
            self._rake_task(ctx, frame, path, db, name)

    def _rake_task(self, ctx: Ctx, frame: Frame, path: str, db: dict[str, Any], name: str) -> None:
        task = db.get(name)
        if task is None:
            return
        inner = self.enter(ctx, frame, ("rake", path, name), _link(path, task["line"], f"task {name}"))
        if inner is None:
            return
        for dep in task["deps"]:
            self._rake_task(ctx, inner, path, db, dep)
        if task["runs"]:
            self.emit(ctx, "command", " ".join(task["runs"]), replace(inner, chain=inner.chain), tuple(task["runs"]))

    def _run_goreleaser(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        """`goreleaser release|build`: the sections of its configuration say what else it runs (a
        `dockers_v2` section builds images, `signs` signs artefacts)."""
        words = [w for w in argv[1:] if not w.startswith("-")]
        if not words or words[0] in ("release", "build"):
            self.config_sections(ctx, frame, "goreleaser")

    def config_sections(self, ctx: Ctx, frame: Frame, tool_id: str) -> None:
        """The commands a tool runs for the top-level sections of its configuration file, as the
        catalog's `config_sections` names them."""
        tool = catalog().tool(tool_id)
        sections: dict[str, Any] = tool.raw.get("config_sections") or {}
        names = [c["path"] if isinstance(c, dict) else str(c) for c in tool.raw.get("config_files", ())]
        path = next((p for p in (_join(frame.cwd, n) for n in names) if p and self.exists(p)), None)
        config = self.yaml(path) if path else None
        if path is None or not isinstance(config, dict):
            return
        for section, command in sections.items():
            if not config.get(section):
                continue
            line = self.find(path, 1, f"{section}:") or getattr(config.get(section), "line", None)
            link = _link(path, line, f"{section}: (run by {tool_id})")
            argv = tuple(str(word) for word in command)
            self.emit(ctx, "command", " ".join(argv), replace(frame, chain=(*frame.chain, link)), argv)

    def _run_golangci(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        """`golangci-lint run`: the analysers its configuration enables run too (gosec is SAST)."""
        if "run" in argv[1:2] or len(argv) == 1:
            self.golangci_config(ctx, frame)

    def golangci_config(self, ctx: Ctx, frame: Frame) -> None:
        """The linters and formatters `.golangci.yml` enables (v1 `linters.enable`, v2 also
        `formatters.enable`), as the commands the catalog knows them by."""
        path = next((p for p in (_join(frame.cwd, n) for n in GOLANGCI_CONFIGS) if p and self.exists(p)), None)
        config = self.yaml(path) if path else None
        if path is None or not isinstance(config, dict):
            return
        analysers: dict[str, Any] = catalog().tool("golangci-lint").raw.get("analysers") or {}
        for section in ("linters", "formatters"):
            block = config.get(section)
            if not isinstance(block, dict):
                continue
            enabled = [str(x) for x in block.get("enable") or [] if isinstance(x, str)]
            disabled = {str(x) for x in block.get("disable") or [] if isinstance(x, str)}
            if section == "linters" and (block.get("enable-all") is True or block.get("default") == "all"):
                enabled += [name for name in analysers if name not in enabled]
            listed_from = getattr(block.get("enable"), "line", None) or getattr(block, "line", None) or 1
            for name in enabled[:100]:
                if name not in analysers or name in disabled:
                    continue
                link = _link(path, self.line_of(path, listed_from, f"- {name}") or listed_from,
                             f"{name} (enabled in golangci-lint)")
                argv = tuple(str(word) for word in analysers[name])
                self.emit(ctx, "command", " ".join(argv), replace(frame, chain=(*frame.chain, link)), argv)

    def _run_circleci(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        """`circleci testsuite NAME`: the `run:` command of that suite in `.circleci/test-suites.yml`
        (every suite when the name is a template the model cannot evaluate)."""
        words = [w for w in argv[1:] if not w.startswith("-")]
        if words[:1] != ["testsuite"]:
            return
        path = _join(frame.cwd, ".circleci/test-suites.yml")
        suites = self._cached("yaml-all", path, safe_yaml.load_all) if path and self.exists(path) else None
        if not suites or path is None:
            return
        name = words[1] if len(words) > 1 else None
        templated = name is None or "{{" in name or "<<" in name
        for suite in suites[:50]:
            if not isinstance(suite, dict) or not isinstance(suite.get("run"), str):
                continue
            if not templated and str(suite.get("name")) != name:
                continue
            line = getattr(suite, "line", None)
            inner = self.enter(ctx, frame, ("circleci-testsuite", path, str(suite.get("name"))),
                               _link(path, line, f"test suite {suite.get('name')}"))
            if inner is not None:
                self.script(ctx, replace(inner, chain=frame.chain), suite["run"], path, line)

    def _run_just(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        cwd, file, words = frame.cwd, None, []
        args = argv[1:]
        index = 0
        while index < len(args):
            word = args[index]
            if word in ("-f", "--justfile") and index + 1 < len(args):
                file = args[index + 1]
                index += 1
            elif word in ("-d", "--working-directory") and index + 1 < len(args):
                cwd = _join(cwd, args[index + 1]) or cwd
                index += 1
            elif word.startswith("-"):
                if word in ("--list", "-l", "--summary", "--dump", "--evaluate", "--show", "-s", "--init", "--fmt"):
                    return
            elif "=" not in word:
                words.append(word)
            index += 1
        candidates = [file] if file else ["justfile", "Justfile", ".justfile", "JUSTFILE"]
        path = next((p for p in (_join(cwd, c) for c in candidates) if p and self.exists(p)), None)
        db = self._cached("just", path, _parse_justfile) if path else None
        if not db or path is None:
            return
        recipes = words[:1] or ([db["default"]] if db["default"] else [])
        if recipes and recipes[0] in db["recipes"] and not db["recipes"][recipes[0]]["params"]:
            recipes = [w for w in words if w in db["recipes"]] or recipes
        for name in recipes:
            self._just_recipe(ctx, frame, path, db, name, cwd)

    def _just_recipe(self, ctx: Ctx, frame: Frame, path: str, db: dict[str, Any], name: str, cwd: str) -> None:
        recipe = db["recipes"].get(db["aliases"].get(name, name))
        if recipe is None:
            return
        inner = self.enter(ctx, frame, ("just", path, name), _link(path, recipe["line"], f"{name}:"))
        if inner is None:
            return
        inner = replace(inner, chain=frame.chain, cwd=cwd)
        for dep in recipe["deps"]:
            self._just_recipe(ctx, replace(inner, chain=(*frame.chain, _link(path, recipe["line"], f"{name}: {dep}"))),
                              path, db, dep, cwd)
        for line, text in recipe["body"]:
            text = re.sub(r"\{\{\s*([A-Za-z_][\w-]*)\s*\}\}", lambda m: db["vars"].get(m.group(1), m.group(0)), text)
            quiet = text.lstrip("@-")
            self.script(ctx, inner, quiet, path, line, can_fail="-" not in text[: len(text) - len(quiet)],
                        search=False)

    # -- Taskfile ---------------------------------------------------------------------------
    TASKFILES = ("Taskfile.yml", "taskfile.yml", "Taskfile.yaml", "taskfile.yaml", "Taskfile.dist.yml",
                 "taskfile.dist.yml", "Taskfile.dist.yaml", "taskfile.dist.yaml")

    def _taskfile_in(self, folder: str | None) -> str | None:
        if folder is None:
            return None
        if self.exists(folder) and folder.endswith((".yml", ".yaml")):
            return folder
        return next((p for p in (_in(folder, name) for name in self.TASKFILES) if self.exists(p)), None)

    def _run_task(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        cwd, file, names = frame.cwd, None, []
        args = argv[1:]
        index = 0
        while index < len(args):
            word = args[index]
            if word == "--":
                break
            if word in ("-d", "--dir") and index + 1 < len(args):
                cwd = _join(cwd, args[index + 1]) or cwd
                index += 1
            elif word in ("-t", "--taskfile") and index + 1 < len(args):
                file = args[index + 1]
                index += 1
            elif word in ("--list", "-l", "--list-all", "-a", "--init", "-i", "--summary", "--version"):
                return
            elif not word.startswith("-") and "=" not in word:
                names.append(word)
            index += 1
        path = self._taskfile_in(_join(cwd, file) if file else cwd)
        if path is None:
            return
        for name in names or ["default"]:
            self._task(ctx, frame, path, path, name)

    def _task_lookup(self, root: str, current: str, name: str) -> tuple[str, str, Any] | None:
        """(taskfile, task name, definition) for `name` as written in `current`; `:x` is the root's x."""
        if name.startswith(":"):
            current, name = root, name[1:]
        for _ in range(MAX_DEPTH):
            doc = self.yaml(current)
            tasks = doc.get("tasks") if isinstance(doc, dict) else None
            if not isinstance(tasks, dict):
                return None
            if name in tasks:
                return current, name, tasks[name]
            for task_name, spec in tasks.items():
                if isinstance(spec, dict) and name in _strings(spec.get("aliases")):
                    return current, str(task_name), spec
            namespace, sep, rest = name.partition(":")
            includes = doc.get("includes") if isinstance(doc, dict) else None
            if not sep or not isinstance(includes, dict) or namespace not in includes:
                return None
            spec = includes[namespace]
            target = spec.get("taskfile") if isinstance(spec, dict) else spec
            if not isinstance(target, str):
                return None
            current = self._taskfile_in(_join(posixpath.dirname(current), target))  # type: ignore[assignment]
            if current is None:
                return None
            name = rest
        return None

    def _task(self, ctx: Ctx, frame: Frame, root: str, current: str, name: str) -> None:
        found = self._task_lookup(root, current, name)
        if found is None:
            return
        path, task_name, spec = found
        line = self.line_of(path, max(getattr(spec, "line", 1) - 1, 1), f"{task_name}:")
        inner = self.enter(ctx, frame, ("task", path, task_name), _link(path, line, f"task {task_name}"))
        if inner is None:
            return
        doc = self.yaml(path)
        variables = _literal_env(doc.get("vars")) if isinstance(doc, dict) else {}
        if isinstance(spec, str):
            spec = {"cmds": [spec]}
        elif isinstance(spec, list):
            spec = {"cmds": spec}
        if not isinstance(spec, dict):
            return
        variables.update(_literal_env(spec.get("vars")))
        folder = posixpath.dirname(path)
        if isinstance(spec.get("dir"), str):
            folder = _join(folder, spec["dir"]) or folder
        inner = replace(inner, chain=frame.chain, cwd=folder, can_fail=inner.can_fail and not spec.get("ignore_error"))
        head = (*frame.chain, _link(path, line, f"task {task_name}"))
        for dep in _as_list(spec.get("deps"))[:100]:
            dep_name = dep.get("task") if isinstance(dep, dict) else dep
            if isinstance(dep_name, str):
                self._task(ctx, replace(inner, chain=head), root, path, dep_name)
        for cmd in _as_list(spec.get("cmds"))[:200]:
            if isinstance(cmd, dict) and isinstance(cmd.get("defer"), (str, dict)):
                cmd = cmd["defer"]
            can_fail = not (isinstance(cmd, dict) and cmd.get("ignore_error"))
            if isinstance(cmd, dict) and isinstance(cmd.get("task"), str):
                self._task(ctx, replace(inner, chain=head, can_fail=inner.can_fail and can_fail), root, path,
                           cmd["task"])
                continue
            text = cmd.get("cmd") if isinstance(cmd, dict) else cmd
            if not isinstance(text, str):
                continue
            text = re.sub(r"\{\{\s*\.([A-Za-z_]\w*)\s*\}\}", lambda m: variables.get(m.group(1), m.group(0)), text)
            at = getattr(cmd, "line", None) or line
            self.script(ctx, inner, text, path, at, can_fail=can_fail)

    # -- npm, pnpm, yarn, bun --------------------------------------------------------------
    def _package(self, folder: str) -> tuple[str, dict[str, Any]] | None:
        for candidate in (folder, ""):
            path = _in(candidate, "package.json")
            data = self.json(path) if self.exists(path) else None
            if isinstance(data, dict):
                return path, data
        return None

    def _workspace_packages(self) -> list[tuple[str, dict[str, Any]]]:
        found = []
        for path in self.source.files:
            if path.endswith("package.json") and (path == "package.json" or path.endswith("/package.json")) \
                    and "node_modules/" not in path:
                data = self.json(path)
                if isinstance(data, dict):
                    found.append((path, data))
                if len(found) >= 200:
                    break
        return found

    def _run_turbo(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        """`turbo run lint typecheck` (or `turbo lint`): each workspace package's script of that name."""
        words, index = argv[1:], 0
        tasks: list[str] = []
        while index < len(words):
            word = words[index]
            if word == "--":
                break
            if word in ("-F", "--filter", "--concurrency", "--cache-dir", "--output-logs", "--log-order"):
                index += 1
            elif not word.startswith("-") and "=" not in word:
                tasks.append(word)
            index += 1
        if tasks[:1] == ["run"]:
            tasks = tasks[1:]
        if not tasks or tasks[0] in ("watch", "prune", "gen", "login", "link", "unlink", "daemon", "ls", "query"):
            return
        for path, data in self._workspace_packages():
            scripts = data.get("scripts")
            folder = posixpath.dirname(path)
            if not folder or not isinstance(scripts, dict):
                continue
            for task in tasks[:10]:
                if task in scripts:
                    self._run_npm(ctx, replace(frame, cwd=folder), ["npm", "run", task], {})

    def _run_npm(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        program = _program(argv[0])
        args, cwd, recursive, workspaces = argv[1:], frame.cwd, False, []
        positional: list[str] = []
        index = 0
        while index < len(args):
            word = args[index]
            if word == "--":
                break
            if word in ("--prefix", "-C", "--dir", "--cwd") and index + 1 < len(args):
                cwd = _join(cwd, args[index + 1]) or cwd
                index += 1
            elif word.startswith(("--prefix=", "--dir=", "--cwd=")):
                cwd = _join(cwd, word.split("=", 1)[1]) or cwd
            elif word in ("-r", "--recursive", "--workspaces", "-ws", "-A", "--all"):
                recursive = True
            elif word in ("-w", "--workspace", "--filter", "-F") and index + 1 < len(args):
                workspaces.append(args[index + 1])
                index += 1
            elif word.startswith(("--workspace=", "--filter=")):
                workspaces.append(word.split("=", 1)[1])
            elif not word.startswith("-"):
                positional.append(word)
            index += 1
        if not positional:
            if program == "yarn":
                positional = ["install"]
            else:
                return
        verb, rest = positional[0], positional[1:]
        if program == "yarn" and verb in ("workspaces", "workspace"):
            if verb == "workspace" and len(rest) >= 2:
                workspaces.append(rest[0])
                rest = rest[1:]
            else:
                recursive = True
                rest = [w for w in rest if w not in ("foreach", "run")] if rest[:1] == ["foreach"] else rest[1:]
            verb, rest = (rest[0], rest[1:]) if rest else ("", [])
            if verb == "run" and rest:
                verb, rest = rest[0], rest[1:]
        names: list[str] = []
        lifecycle = False
        if verb in ("run", "run-script", "rum", "urn") and rest:
            names = [rest[0]]
        elif verb in NPM_LIFECYCLE:
            names, lifecycle = [NPM_LIFECYCLE[verb]], True
        elif verb in NPM_INSTALL or program == "yarn" and verb == "install":
            names, lifecycle = ["preinstall", "install", "postinstall", "prepare"], True
        elif program == "pnpm" and verb not in PNPM_BUILTINS or program == "yarn" and verb not in YARN_BUILTINS:
            names = [verb]
        elif program == "bun" and verb not in ("test", "install", "i", "add", "x", "build", "pm", "create", "upgrade",
                                               "link", "remove", "update", "publish", "outdated"):
            names = [verb]
        if not names:
            return
        packages: list[tuple[str, dict[str, Any]]] = []
        if recursive or workspaces:
            for path, data in self._workspace_packages():
                folder = posixpath.dirname(path)
                if recursive or any(w in (data.get("name"), folder) or fnmatch.fnmatch(str(data.get("name")), w)
                                    or _join("", w) == folder for w in workspaces):
                    packages.append((path, data))
        else:
            found = self._package(cwd)
            packages = [found] if found else []
        with_pre_post = program in ("npm", "yarn", "bun")
        for path, data in packages[:200]:
            scripts = data.get("scripts")
            if not isinstance(scripts, dict):
                continue
            for name in names:
                order = [f"pre{name}", name, f"post{name}"] if with_pre_post and not (lifecycle and name != "test"
                                                                                     and "install" in name) else [name]
                for script_name in order:
                    if script_name in scripts:
                        self._npm_script(ctx, frame, path, scripts, script_name)

    def _npm_script(self, ctx: Ctx, frame: Frame, path: str, scripts: dict[str, Any], name: str) -> None:
        body = scripts.get(name)
        if not isinstance(body, str):
            return
        line = self.line_of(path, 1, f'"{name}"')
        inner = self.enter(ctx, frame, ("npm", path, name), _link(path, line, f"{name}: {body}"))
        if inner is None:
            return
        inner = replace(inner, chain=frame.chain, cwd=posixpath.dirname(path),
                        env={**frame.env, **self._npm_config_env(path)})
        self.script(ctx, inner, body, path, line, search=False)

    def _npm_config_env(self, path: str) -> dict[str, str]:
        """What npm puts in a script's environment from package.json's `config` (`npm_package_config_<key>`),
        so `npm run webapp:build:$npm_package_config_default_environment` names its script."""
        found = self._package(posixpath.dirname(path))
        config = _dict(found[1].get("config")) if found else {}
        return {f"npm_package_config_{key}": str(value) for key, value in list(config.items())[:100]
                if isinstance(value, (str, int, float)) and not isinstance(value, bool)}

    def _run_npm_run_all(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        """npm-run-all, run-s, run-p and concurrently name scripts (globs allowed) or commands."""
        found = self._package(frame.cwd)
        if found is None:
            return
        path, data = found
        scripts = _dict(data.get("scripts"))
        program = _program(argv[0])
        for word in argv[1:]:
            if word.startswith("-"):
                continue
            if program == "concurrently":
                if word.startswith("npm:"):
                    for name in fnmatch.filter(scripts, word[4:].replace(":*", ":*")):
                        self._npm_script(ctx, frame, path, scripts, name)
                else:
                    self.script(ctx, frame, word, frame.chain[-1].path, frame.chain[-1].line, search=False)
                continue
            for name in fnmatch.filter(list(scripts), word):
                self._npm_script(ctx, frame, path, scripts, name)

    # -- Python project runners -------------------------------------------------------------
    def _pyproject(self, folder: str) -> dict[str, Any]:
        for candidate in (folder, ""):
            path = _in(candidate, "pyproject.toml")
            data = self.toml(path) if self.exists(path) else None
            if isinstance(data, dict):
                return data
        return {}

    def _pyproject_path(self, folder: str) -> str:
        path = _in(folder, "pyproject.toml")
        return path if self.exists(path) else "pyproject.toml"

    def _run_tox(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        args = argv[1:]
        if args and args[0] in ("list", "l", "config", "c", "devenv", "d", "depends", "de", "legacy", "le",
                                "quickstart", "q", "schema"):
            return
        if args and args[0] in ("run", "r", "run-parallel", "p", "exec", "e"):
            args = args[1:]
        envs, factors, labels, config, posargs = [], [], [], None, []
        index = 0
        mode = ""
        while index < len(args):
            word = args[index]
            if word == "--":
                posargs = args[index + 1:]
                break
            if word in ("-e", "--env"):
                mode = "e"
            elif word in ("-f", "--factor", "--factors"):
                mode = "f"
            elif word in ("-m", "--labels"):
                mode = "m"
            elif word in ("-c", "--conf", "--root", "--workdir") and index + 1 < len(args):
                if word == "-c" or word == "--conf":
                    config = args[index + 1]
                index += 1
                mode = ""
            elif word.startswith("-e") and len(word) > 2:
                envs.extend(word[2:].split(","))
            elif word.startswith("-"):
                mode = ""
            elif mode == "e":
                envs.extend(word.split(","))
            elif mode == "f":
                factors.extend(word.split(","))
            elif mode == "m":
                labels.append(word)
            index += 1
        db = self._tox_config(frame.cwd, config)
        if db is None:
            return
        path, config_envs = db["path"], db["envs"]
        known = list(dict.fromkeys([*db["envlist"], *config_envs]))
        if labels:
            envs += [e for label in labels for e in db["labels"].get(label, [])]
        if factors:
            envs += _tox_matching(known, factors)
        if any("$" in env for env in envs):  # `-e ${PYTHON}-mypy`: a matrix value, known only at run time
            envs = [e for e in envs if "$" not in e] + _tox_matching(known, [e for e in envs if "$" in e])
        if not envs and not factors and not labels:
            envs = db["envlist"] or ["py"]
        if "ALL" in envs:
            envs = known
        for env in list(dict.fromkeys(envs))[:100]:
            commands = db["commands"](env, posargs)
            if not commands:
                continue
            section = config_envs.get(env) or config_envs.get("") or {}
            line = section.get("line") or self.line_of(path, 1, "commands")
            inner = self.enter(ctx, frame, ("tox", path, env), _link(path, line, f"tox env {env}"))
            if inner is None:
                continue
            inner = replace(inner, chain=frame.chain, cwd=posixpath.dirname(path))
            for text, ignore in commands:
                self.script(ctx, inner, text, path, line, can_fail=not ignore)

    def _tox_config(self, cwd: str, config: str | None) -> dict[str, Any] | None:
        candidates = [config] if config else ["tox.ini", "tox.toml", "pyproject.toml", "setup.cfg"]
        for candidate in candidates:
            path = _join(cwd, candidate) if candidate else None
            if path is None or not self.exists(path):
                continue
            db = self._cached("tox", path, functools.partial(_parse_tox, path))
            if db:
                return db
        return None

    def _run_nox(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        sessions, tags, file, mode = [], [], "noxfile.py", ""
        for word in argv[1:]:
            if word == "--":
                break
            if word in ("-s", "--session", "--sessions", "-e"):
                mode = "s"
            elif word in ("-t", "--tags"):
                mode = "t"
            elif word in ("-f", "--noxfile"):
                mode = "f"
            elif word in ("-l", "--list", "--list-sessions", "--json"):
                return
            elif word.startswith("-"):
                mode = "" if word not in ("-p", "--python", "-k", "--keywords") else "skip"
            elif mode == "s":
                sessions.append(word)
            elif mode == "t":
                tags.append(word)
            elif mode == "f":
                file, mode = word, ""
        path = _join(frame.cwd, file)
        db = self._cached("nox", path, _parse_noxfile) if path else None
        if not db or path is None:
            return
        chosen = [s for s in db["sessions"] if _nox_selected(s, sessions, tags, db["defaults"])]
        queue = list(chosen)
        for session in itertools.islice(_growing(queue), 100):
            inner = self.enter(ctx, frame, ("nox", path, session["name"]),
                               _link(path, session["line"], f"nox session {session['name']}"))
            if inner is None:
                continue
            inner = replace(inner, chain=frame.chain, cwd=posixpath.dirname(path))
            for line, words, kind in session["calls"]:
                if kind == "notify":
                    queue.extend(s for s in db["sessions"] if s["name"] == words[0] and s not in queue)
                    continue
                here = replace(inner, chain=(*inner.chain, _link(path, line, " ".join(words))))
                self.command(ctx, here, Command(tuple(words), 1, True, " ".join(words)))

    def _script_table(self, ctx: Ctx, frame: Frame, path: str, table: dict[str, Any], name: str, runner: str,
                      args: list[str]) -> bool:
        """hatch, pdm and poe scripts: a string, a list of strings, or a table naming them."""
        spec = table.get(name)
        if spec is None:
            return False
        line = self.line_of(path, 1, f"{name} =") or self.line_of(path, 1, name)
        inner = self.enter(ctx, frame, (runner, path, name), _link(path, line, f"{runner} script {name}"))
        if inner is None:
            return True
        inner = replace(inner, chain=frame.chain)
        items: list[Any] = []
        if isinstance(spec, dict):
            for key in ("cmd", "shell", "composite", "sequence", "ref", "call", "script"):
                if key in spec:
                    items = _as_list(spec[key])
                    if key in ("call", "script"):
                        self.emit(ctx, "command", f"{name}", replace(inner, chain=(*frame.chain, _link(
                            path, line, f"{name}: {spec[key]}"))), (name,), entry_point=str(spec[key]))
                        return True
                    break
        else:
            items = _as_list(spec)
        if items and all(isinstance(i, str) for i in items) and isinstance(spec, dict) and isinstance(
                spec.get("cmd"), list):
            items = [" ".join(items)]  # pdm `cmd = ["pytest", "-q"]` is one argv
        for item in items[:100]:
            if isinstance(item, dict):
                item = item.get("cmd") or item.get("shell") or item.get("ref")
            if not isinstance(item, str):
                continue
            text = re.sub(r"\{args(?::([^}]*))?\}", lambda m: m.group(1) or "", item)
            first = text.split(maxsplit=1)
            if first and first[0] in table and first[0] != name:  # a script that names another
                self._script_table(ctx, replace(inner, chain=(*frame.chain, _link(path, line, text))), path, table,
                                   first[0], runner, [])
                continue
            self.script(ctx, inner, text, path, line)
        return True

    def _run_hatch(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        args = argv[1:]
        env = "default"
        while args and args[0].startswith("-"):
            if args[0] in ("-e", "--env") and len(args) > 1:
                env = args[1]
                args = args[1:]
            args = args[1:]
        if not args:
            return
        if args[0] == "test":
            self.emit(ctx, "command", "pytest", frame, ("pytest",), via="hatch test")
            return
        if args[0] == "fmt":
            check = "--check" in args
            for words in (("ruff", "check") if check else ("ruff", "check", "--fix"),
                          ("ruff", "format", "--check") if check else ("ruff", "format")):
                self.emit(ctx, "command", " ".join(words), frame, words, via="hatch fmt")
            return
        if args[0] != "run" or len(args) < 2:
            return
        rest = [w for w in args[1:] if not w.startswith("+") and not w.startswith("-")]
        if not rest:
            return
        target = rest[0]
        if ":" in target:
            env, target = target.split(":", 1)
        for path in (_in(frame.cwd, "hatch.toml"), self._pyproject_path(frame.cwd)):
            data = self.toml(path) if self.exists(path) else None
            if not isinstance(data, dict):
                continue
            envs = data.get("envs") if path.endswith("hatch.toml") else data.get("tool", {}).get("hatch", {}).get(
                "envs")
            scripts = envs.get(env, {}).get("scripts") if isinstance(envs, dict) and isinstance(
                envs.get(env), dict) else None
            if isinstance(scripts, dict) and self._script_table(ctx, frame, path, scripts, target, "hatch", rest[1:]):
                return
        self.command(ctx, frame, Command(tuple(rest), 1, True, " ".join(rest)))

    def _run_pdm(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        args = [w for w in argv[1:] if not w.startswith("-")]
        if not args:
            return
        if args[0] == "run":
            args = args[1:]
        elif args[0] in ("install", "sync", "add", "remove", "update", "lock", "build", "publish", "init", "list",
                         "show", "use", "venv", "config", "export", "info", "import", "cache", "self", "fix",
                         "outdated", "search"):
            return
        if not args:
            return
        path = self._pyproject_path(frame.cwd)
        scripts = self._pyproject(frame.cwd).get("tool", {}).get("pdm", {}).get("scripts", {})
        if isinstance(scripts, dict) and self._script_table(ctx, frame, path, scripts, args[0], "pdm", args[1:]):
            return
        if argv[1:2] == ["run"]:
            self.command(ctx, frame, Command(tuple(args), 1, True, " ".join(args)))

    def _run_poe(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        args = [w for w in argv[1:] if not w.startswith("-")]
        if _program(argv[0]) == "poetry":
            if not args or args[0] != "poe":
                return
            args = args[1:]
        if not args:
            return
        path = self._pyproject_path(frame.cwd)
        tasks = self._pyproject(frame.cwd).get("tool", {}).get("poe", {}).get("tasks", {})
        if isinstance(tasks, dict):
            self._script_table(ctx, frame, path, tasks, args[0], "poe", args[1:])

    # -- pre-commit and prek ----------------------------------------------------------------
    def _run_pre_commit(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        args = argv[1:]
        if args and args[0] in ("install", "install-hooks", "autoupdate", "clean", "gc", "uninstall", "sample-config",
                                "validate-config", "validate-manifest", "migrate-config", "init-templatedir",
                                "try-repo", "self", "cache", "list", "auto-update", "--version", "-V", "help"):
            return
        if args and args[0] == "run":
            args = args[1:]
        config, stage, hook_ids = ".pre-commit-config.yaml", "pre-commit", []
        index = 0
        while index < len(args):
            word = args[index]
            if word in ("-c", "--config") and index + 1 < len(args):
                config = args[index + 1]
                index += 1
            elif word in ("--hook-stage", "--stage") and index + 1 < len(args):
                stage = PRE_COMMIT_STAGES.get(args[index + 1], args[index + 1])
                index += 1
            elif word in ("--from-ref", "--to-ref", "--source", "--origin", "-s", "-o", "--color", "--skip",
                          "--remote-name", "--remote-url", "--commit-msg-filename", "--prepare-commit-message-source",
                          "--commit-object-name", "--local-branch", "--remote-branch", "--checkout-type",
                          "--rewrite-command", "--directory", "-d"):
                index += 1
            elif word == "--files":
                break
            elif not word.startswith("-"):
                hook_ids.append(word)
            index += 1
        skip = set((assigns.get("SKIP") or frame.env.get("SKIP") or "").split(","))
        self.pre_commit_hooks(ctx, frame, _join(frame.cwd, config), stage, hook_ids, skip)

    def pre_commit_hooks(self, ctx: Ctx, frame: Frame, path: str | None, stage: str, hook_ids: list[str],
                         skip: set[str]) -> None:
        if path is None or not self.exists(path):
            path = ".pre-commit-config.yaml" if self.exists(".pre-commit-config.yaml") else (
                ".pre-commit-config.yml" if self.exists(".pre-commit-config.yml") else None)
        doc = self.yaml(path) if path else None
        if not isinstance(doc, dict) or path is None:
            return
        inner = self.enter(ctx, frame, ("pre-commit", path, stage), _link(path, 1, f"pre-commit run ({stage})"))
        if inner is None:
            return
        inner = replace(inner, chain=frame.chain)
        default_stages = [PRE_COMMIT_STAGES.get(s, s) for s in _strings(doc.get("default_stages"))]
        for repo in _as_list(doc.get("repos"))[:200]:
            if not isinstance(repo, dict):
                continue
            url = str(repo.get("repo") or "")
            for hook in _as_list(repo.get("hooks"))[:200]:
                if not isinstance(hook, dict) or not hook.get("id"):
                    continue
                hook_id = str(hook["id"])
                if hook_ids and hook_id not in hook_ids and str(hook.get("alias") or "") not in hook_ids:
                    continue
                if hook_id in skip:
                    continue
                stages = [PRE_COMMIT_STAGES.get(s, s) for s in _strings(hook.get("stages"))] or default_stages
                if stages and stage not in stages:
                    continue
                entry = str(hook.get("entry") or "")
                args = _strings(hook.get("args"))
                line = getattr(hook, "line", None)
                here = replace(inner, chain=(*frame.chain, _link(path, line, f"{hook_id} ({url})")))
                argv = tuple(entry.split() + args) if entry else (hook_id, *args)
                self.emit(ctx, "hook", hook_id, here, argv, repo=url, rev=str(repo.get("rev") or ""),
                          language=str(hook.get("language") or ""), name=str(hook.get("name") or ""))
                if url == "local" and entry and hook.get("language") in ("system", "script", "unsupported",
                                                                         "unsupported_script", None):
                    self.script(ctx, here, " ".join([entry, *args]), path, line)

    # -- Maven and Gradle --------------------------------------------------------------------
    def _run_maven(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        args = argv[1:]
        phases, goals, profiles, file = [], [], [], "pom.xml"
        index = 0
        while index < len(args):
            word = args[index]
            if word in MAVEN_VALUE_OPTIONS and index + 1 < len(args):
                if word in ("-P", "--activate-profiles"):
                    profiles.extend(args[index + 1].split(","))
                elif word in ("-f", "--file"):
                    file = args[index + 1]
                index += 1
            elif word.startswith("-P") and len(word) > 2:
                profiles.extend(word[2:].split(","))
            elif word.startswith("-"):
                pass
            elif word in MAVEN_LIFECYCLE:
                phases.append(word)
            elif ":" in word:
                goals.append(word)
            index += 1
        if not phases and not goals:  # `mvn --version`, `mvn -v`, `mvn help`: no phase runs, so no plugin does
            return
        path = _join(frame.cwd, file)
        if path and not path.endswith(".xml"):
            path = _in(path, "pom.xml")
        poms = self._maven_poms(path) if path else []
        if not poms:
            return
        top = max((MAVEN_LIFECYCLE.index(p) for p in phases), default=-1)
        requested = MAVEN_LIFECYCLE[top] if top >= 0 else None
        seen: set[str] = set()
        # processors configured once in a parent's pluginManagement run wherever the modules compile
        managed = {artifact: found for _, pom in poms for artifact, found in pom.get("managed_processors", {}).items()}
        for pom_path, pom in poms:
            inner = self.enter(ctx, frame, ("mvn", pom_path, requested or "", *goals), _link(pom_path, 1, pom_path))
            if inner is None:
                continue
            inner = replace(inner, chain=frame.chain)
            plugins = _maven_inherited(pom)
            declared = {p["artifact"] for p in plugins}
            for plugin in plugins:
                if plugin["profile"] and plugin["profile"] not in profiles and not plugin["active"]:
                    continue
                bound = _maven_bound_phase(plugin)
                reaches = None if bound is None or requested is None else MAVEN_LIFECYCLE.index(bound) <= top
                explicit = [g for g in goals if _maven_goal_matches(g, plugin)]
                if explicit:
                    reaches = True
                if bound is None and not explicit and requested is not None:
                    reaches = False if not plugin["executions"] else None
                if requested is None and not explicit:  # `mvn artifact:check-buildplan` runs that goal alone
                    reaches = False
                value = f"{plugin['group']}:{plugin['artifact']}"
                if plugin.get("parent"):  # bound by the parent POM, not written in this one
                    line = self.line_of(pom_path, 1, "<parent>")
                    link = _link(pom_path, line, f"{value} (bound by the parent {plugin['parent']})")
                else:
                    line = self.line_of(pom_path, 1, f"<artifactId>{plugin['artifact']}</artifactId>")
                    link = _link(pom_path, line, value)
                here = replace(inner, chain=(*frame.chain, link))
                self.emit(ctx, "maven-plugin", value, here, (), phase=bound, requested=requested or ",".join(goals),
                          reaches=reaches, goals=plugin["goals"], profile=plugin["profile"])
                for processor in plugin.get("processors") or managed.get(plugin["artifact"], ()):
                    self.emit(ctx, "maven-plugin", processor, replace(here, chain=(*here.chain, _link(
                        pom_path, self.line_of(pom_path, line, processor.split(":")[1]), f"{processor} (processor)"))),
                        (), phase=bound, requested=requested or ",".join(goals), reaches=reaches,
                        goals=plugin["goals"], profile=plugin["profile"])
                seen.add(plugin["artifact"])
            if requested and pom["packaging"] != "pom":
                for artifact, phase in MAVEN_IMPLICIT.items():
                    if artifact not in declared and MAVEN_LIFECYCLE.index(phase) <= top and artifact == \
                            "maven-surefire-plugin" and artifact not in seen:
                        seen.add(artifact)
                        link = _link(pom_path, 1, f"{artifact} (default lifecycle)")
                        here = replace(inner, chain=(*frame.chain, link))
                        self.emit(ctx, "maven-plugin", f"org.apache.maven.plugins:{artifact}", here, (), phase=phase,
                                  requested=requested, reaches=True, implicit=True)
        for goal in goals:
            prefix = goal.split(":")[-2] if goal.count(":") >= 2 else goal.split(":")[0]
            if not any(_maven_goal_matches(goal, p) for _, pom in poms for p in pom["plugins"]):
                artifact = goal.split(":")[1] if goal.count(":") >= 2 else prefix
                here = replace(frame, chain=(*frame.chain,))
                self.emit(ctx, "maven-plugin", artifact, here, (goal,), goal=goal, reaches=True)

    def _maven_poms(self, path: str) -> list[tuple[str, dict[str, Any]]]:
        out: list[tuple[str, dict[str, Any]]] = []
        queue = [path]
        while queue and len(out) < 30:
            current = queue.pop(0)
            if any(current == p for p, _ in out):
                continue
            pom = self._cached("pom", current, _parse_pom)
            if not pom:
                continue
            out.append((current, pom))
            for module in pom["modules"][:30]:
                child = _join(posixpath.dirname(current), module)
                if child is not None:
                    queue.append(child if child.endswith(".xml") else _in(child, "pom.xml"))
        return out

    def _run_gradle(self, ctx: Ctx, frame: Frame, argv: list[str], assigns: dict[str, str]) -> None:
        tasks, cwd, skip = [], frame.cwd, False
        for index, word in enumerate(argv[1:]):
            if skip:
                skip = False
                continue
            if word in ("-p", "--project-dir") and index + 2 < len(argv):
                cwd = _join(cwd, argv[index + 2]) or cwd
                skip = True
            elif word in ("-x", "--exclude-task", "-b", "--build-file", "-c", "--settings-file", "-I",
                          "--init-script", "-g", "--gradle-user-home", "--max-workers"):
                skip = True
            elif not word.startswith("-"):
                tasks.append(word.rsplit(":", 1)[-1])
        if not {"build", "check", "test"} & set(tasks):
            return
        files = [p for p in self.source.files
                 if p.endswith(("build.gradle", "build.gradle.kts", ".gradle.kts", ".gradle"))
                 and (not cwd or p.startswith(cwd + "/"))
                 and (p.rsplit("/", 1)[-1].startswith("build.gradle") or "/buildSrc/" in f"/{p}"
                      or "/build-logic/" in f"/{p}" or "/conventions/" in f"/{p}")][:60]
        versions = self.toml(_in(cwd, "gradle/libs.versions.toml")) or {}
        seen: set[str] = set()
        for path in files:
            plugins = self._cached("gradle", path, lambda text: _gradle_plugins(text, versions))
            if not plugins:
                continue
            inner = self.enter(ctx, frame, ("gradle", path), _link(path, 1, path))
            if inner is None:
                continue
            for plugin_id, line in plugins:
                if plugin_id in seen:
                    continue
                seen.add(plugin_id)
                here = replace(inner, chain=(*frame.chain, _link(path, line, plugin_id)))
                self.emit(ctx, "gradle-plugin", plugin_id, here, (), tasks=tasks)


def _maven_bound_phase(plugin: dict[str, Any]) -> str | None:
    phases: list[str] = []
    for execution in plugin["executions"]:
        phase = execution["phase"]
        if phase is None:
            phase = next((MAVEN_GOAL_PHASES.get(f"{plugin['artifact']}:{g}") for g in execution["goals"]
                          if MAVEN_GOAL_PHASES.get(f"{plugin['artifact']}:{g}")), None)
        if phase in MAVEN_LIFECYCLE:
            phases.append(phase)
    if phases:
        return min(phases, key=MAVEN_LIFECYCLE.index)
    if not plugin["executions"]:
        return MAVEN_IMPLICIT.get(plugin["artifact"])
    return None


def _maven_goal_matches(goal: str, plugin: dict[str, Any]) -> bool:
    parts = goal.split(":")
    if len(parts) >= 3:
        group: str = plugin["group"]
        artifact: str = plugin["artifact"]
        return parts[0] == group and parts[1] == artifact
    prefix = parts[0]
    return plugin["artifact"] in (f"maven-{prefix}-plugin", f"{prefix}-maven-plugin", prefix)


def _strip_ns(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse_pom(text: str) -> dict[str, Any] | None:
    if re.search(r"<!(DOCTYPE|ENTITY)", text[:4096], re.I):
        return None  # a pom never needs a DTD; entities are how XML bombs start
    root = ET.fromstring(text)  # noqa: S314 - DOCTYPE/ENTITY refused above
    for element in root.iter():
        element.tag = _strip_ns(element.tag) if isinstance(element.tag, str) else element.tag

    def child_text(node: ET.Element | None, name: str) -> str | None:
        found = node.find(name) if node is not None else None
        return (found.text or "").strip() if found is not None and found.text else None

    def plugins_of(build: ET.Element | None, profile: str | None, active: bool) -> list[dict[str, Any]]:
        out = []
        for plugin in (build.findall("plugins/plugin") if build is not None else [])[:200]:
            executions = []
            for execution in plugin.findall("executions/execution")[:50]:
                executions.append({"phase": child_text(execution, "phase"),
                                   "goals": [(g.text or "").strip() for g in execution.findall("goals/goal")]})
            # compiler plugins run annotation processors that check the code (Error Prone, NullAway)
            processors = [f"{child_text(path, 'groupId')}:{child_text(path, 'artifactId')}"
                          for path in plugin.findall("configuration/annotationProcessorPaths/path")[:20]
                          if child_text(path, "artifactId")]
            out.append({"group": child_text(plugin, "groupId") or "org.apache.maven.plugins",
                        "artifact": child_text(plugin, "artifactId") or "?", "executions": executions,
                        "goals": sorted({g for e in executions for g in e["goals"] or []}), "profile": profile,
                        "active": active, "processors": processors})
        return out

    plugins = plugins_of(root.find("build"), None, True)
    managed = {p["artifact"]: p["processors"] for p in plugins_of(root.find("build/pluginManagement"), None, True)
               if p["processors"]}
    for profile in root.findall("profiles/profile")[:50]:
        active = (child_text(profile.find("activation"), "activeByDefault") or "") == "true"
        plugins += plugins_of(profile.find("build"), child_text(profile, "id") or "?", active)
    parent = root.find("parent")
    parent_coord = f"{child_text(parent, 'groupId')}:{child_text(parent, 'artifactId')}" if parent is not None else None
    return {"packaging": child_text(root, "packaging") or "jar", "plugins": plugins, "parent": parent_coord,
            "modules": [(m.text or "").strip() for m in root.findall("modules/module") if m.text],
            "managed_processors": managed}


def _maven_inherited(pom: dict[str, Any]) -> list[dict[str, Any]]:
    """The pom's plugins with what a parent POM the catalog knows binds (`org.jenkins-ci.plugins:plugin`
    binds SpotBugs at verify): a plugin the pom declares too gains the parent's executions."""
    binds = catalog().maven_parent(pom["parent"]) if pom.get("parent") else ()
    if not binds:
        return list(pom["plugins"])
    plugins = [dict(p, executions=list(p["executions"])) for p in pom["plugins"]]
    for bind in binds:
        group, artifact = bind.plugin.split(":", 1)
        execution = {"phase": bind.phase, "goals": [bind.goal]}
        same = next((p for p in plugins if p["artifact"] == artifact and p["profile"] == bind.profile), None)
        if same is None:
            same = {"group": group, "artifact": artifact, "executions": [], "goals": [], "profile": bind.profile,
                    "active": bind.profile is None, "parent": pom["parent"]}
            plugins.append(same)
        same["executions"].append(execution)
        same["goals"] = sorted({*same["goals"], bind.goal})
    return plugins


_GRADLE_ID = re.compile(r"""\bid\s*(?:\(\s*)?["']([\w.\-]+)["']""")
_GRADLE_KOTLIN = re.compile(r"""\bkotlin\s*\(\s*["']([\w.\-]+)["']\s*\)""")
_GRADLE_APPLY = re.compile(r"""\bapply\s*(?:\(\s*)?plugin\s*[:=]\s*["']([\w.\-]+)["']""")
_GRADLE_ALIAS = re.compile(r"""\balias\s*\(\s*libs\.plugins\.([\w.]+)\s*\)""")
_GRADLE_BARE = re.compile(r"""^\s*`?([a-z][\w\-]*)`?\s*$""")
_GRADLE_CORE = {"java", "java-library", "application", "jacoco", "checkstyle", "pmd", "codenarc", "groovy", "scala",
                "maven-publish", "signing", "idea", "eclipse", "war", "ear", "distribution", "java-platform",
                "jvm-test-suite", "java-test-fixtures", "base", "version-catalog", "antlr", "kotlin-dsl",
                "java-gradle-plugin"}


def _gradle_plugins(text: str, versions: dict[str, Any]) -> list[tuple[str, int]]:
    text = text[:MAX_DEFINITION_CHARS]
    found: list[tuple[str, int]] = []
    aliases = _dict(versions.get("plugins"))
    in_block = False
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if re.match(r"plugins\s*\{", stripped):
            in_block, depth = True, 0
        if in_block:
            depth += line.count("{") - line.count("}")
            found += [(m, number) for m in _GRADLE_ID.findall(line)]
            found += [(f"org.jetbrains.kotlin.{m}", number) for m in _GRADLE_KOTLIN.findall(line)]
            for alias in _GRADLE_ALIAS.findall(line):
                for key in (alias.replace(".", "-"), alias, alias.replace(".", "_")):
                    spec = aliases.get(key)
                    if spec is not None:
                        plugin_id = spec.get("id") if isinstance(spec, dict) else str(spec).split(":")[0]
                        found.append((str(plugin_id), number))
                        break
                else:
                    found.append((f"libs.plugins.{alias}", number))
            bare = _GRADLE_BARE.match(stripped.replace("plugins {", "").rstrip("}"))
            if bare and bare.group(1) in _GRADLE_CORE:
                found.append((bare.group(1), number))
            if depth <= 0 and "}" in line:
                in_block = False
        found += [(m, number) for m in _GRADLE_APPLY.findall(line)]
        if len(found) > 200:
            break
    return list(dict.fromkeys(found))


# -- definition file parsers --------------------------------------------------------------------

_MAKE_VAR = re.compile(r"^(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:\?|:|::|\+|!)?=\s*(.*)$")
# The target list never ends in blanks, so there is one way to split it from the blanks before `:`.
_MAKE_RULE = re.compile(r"^([^\s:=#](?:[^\s:=#]|[ \t]+(?=[^\s:=#]))*)[ \t]*::?(?!=)[ \t]*(.*)$")
_MAKE_REF = re.compile(r"\$[({]([A-Za-z_][A-Za-z0-9_.-]*)[)}]")


def _parse_makefile(text: str, path: str, resolver: Resolver, depth: int = 0) -> MakeDb:
    db: MakeDb = {"targets": {}, "vars": {}, "default": None}
    current: list[MakeRule] = []
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        raw = lines[number]
        number += 1
        start = number
        while raw.endswith("\\") and number < len(lines):  # continuation lines
            raw = raw[:-1] + (" \\\n" if raw.startswith("\t") else " ") + lines[number]
            number += 1
        if raw.startswith("\t"):
            for rule in current:
                if len(rule["recipe"]) < 200:
                    rule["recipe"].append((start, raw[1:]))
            continue
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        words = stripped.split()
        if words[0] in ("include", "-include", "sinclude") and depth < 3:
            for name in words[1:10]:
                included = _join(posixpath.dirname(path), name)
                if included and resolver.exists(included) and included != path:
                    other = resolver.text(included)
                    if other:
                        sub = _parse_makefile(other, included, resolver, depth + 1)
                        db["vars"].update(sub["vars"])
                        for name_, rule_ in sub["targets"].items():
                            db["targets"].setdefault(name_, rule_)
            current = []
            continue
        variable = _MAKE_VAR.match(stripped)
        if variable and _assignment_first(stripped):
            db["vars"][variable.group(1)] = variable.group(2).split("#", 1)[0].strip()
            current = []
            continue
        rule_match = _MAKE_RULE.match(stripped)
        if not rule_match or stripped.startswith(("ifeq", "ifneq", "ifdef", "ifndef", "else", "endif", "define",
                                                  "endef", "export", "unexport", "vpath")):
            current = []
            continue
        names, rest = rule_match.group(1).split(), rule_match.group(2)
        prereqs, _, inline = rest.partition(";")
        if re.match(r"^\s*[A-Za-z_][\w.-]*\s*(?:\?|:|\+)?=", prereqs):
            current = []  # a target-specific variable
            continue
        current = []
        for name in names[:50]:
            rule = db["targets"].setdefault(name, {"line": start, "prereqs": [], "recipe": []})
            rule["prereqs"] += [p for p in prereqs.replace("|", " ").split() if p][:50]
            if inline.strip():
                rule["recipe"].append((start, inline.strip()))
            current.append(rule)
            if db["default"] is None and not name.startswith(".") and "%" not in name:
                db["default"] = name
    return db


def _pattern_rule(db: MakeDb, target: str) -> MakeRule | None:
    """The first pattern rule (`%:`, `docs-%:`) whose pattern matches the target, as make picks it."""
    for name, rule in db["targets"].items():
        if name.count("%") != 1:
            continue
        prefix, suffix = name.split("%")
        if target.startswith(prefix) and target.endswith(suffix) and len(target) > len(prefix) + len(suffix):
            return rule
    return None


def _assignment_first(line: str) -> bool:
    """`X := y` or `X = a:b` assign; `t: X=1` is a rule (a target-specific variable)."""
    equal = line.find("=")
    colon = re.search(r":(?!:?=)", line)
    return equal >= 0 and (colon is None or equal < colon.start())


def _make_expand(text: str, variables: dict[str, str], target: str) -> str:
    text = text.replace("$(MAKE)", "make").replace("${MAKE}", "make").replace("$@", target)
    for _ in range(4):
        expanded = _MAKE_REF.sub(lambda m: variables.get(m.group(1), m.group(0)) if m.group(1) != "MAKE" else "make",
                                 text)
        expanded = _MAKE_IF.sub(lambda m: m.group(2) if m.group(1).strip() else (m.group(3) or ""), expanded)
        if expanded == text:
            break
        text = expanded[:8000]
    return text.replace("$$", "$")


# `$(if $(PUSH),--push)` once PUSH is known (gotify's `make DOCKER_BUILD_PUSH=true build-docker`); a condition
# still holding a reference is left alone
_MAKE_IF = re.compile(r"\$\(if[ \t]+([^,()$]*),([^,()$]*)(?:,([^,()$]*))?\)")


_JUST_RECIPE = re.compile(r"^@?([A-Za-z_][\w-]*)((?:[ \t]+[^\s:=]+)*)[ \t]*:(?!=)[ \t]*(.*)$")
_JUST_VAR = re.compile(r"^(?:export\s+)?([A-Za-z_][\w-]*)\s*:=\s*(['\"])(.*)\2\s*$")
_JUST_ALIAS = re.compile(r"^alias\s+([\w-]+)\s*:=\s*([\w-]+)")


def _parse_justfile(text: str) -> dict[str, Any]:
    db: dict[str, Any] = {"recipes": {}, "vars": {}, "aliases": {}, "default": None}
    current: dict[str, Any] | None = None
    for number, line in enumerate(text.splitlines()[:20000], 1):
        if line[:1] in (" ", "\t"):
            body = line.strip()
            if current is not None and body and not body.startswith("#!") and len(current["body"]) < 200:
                current["body"].append((number, line.strip()))
            continue
        current = None
        if not line.strip() or line.startswith(("#", "[", "set ", "import ", "mod ")):
            continue
        if alias := _JUST_ALIAS.match(line):
            db["aliases"][alias.group(1)] = alias.group(2)
            continue
        if variable := _JUST_VAR.match(line):
            db["vars"][variable.group(1)] = variable.group(3)
            continue
        recipe = _JUST_RECIPE.match(line)
        if recipe:
            deps = re.findall(r"\(?\s*([A-Za-z_][\w-]*)", recipe.group(3).replace("&&", " "))
            current = {"line": number, "params": recipe.group(2).split(), "deps": deps, "body": []}
            db["recipes"][recipe.group(1)] = current
            if db["default"] is None:
                db["default"] = recipe.group(1)
    return db


def _tox_expand_envlist(value: str) -> list[str]:
    out: list[str] = []
    for item in re.split(r"[,\n]\s*(?![^{]*\})", value):
        item = item.strip()
        if not item or item.startswith("#"):
            continue
        parts = re.split(r"(\{[^}]*\})", item)
        choices = [p[1:-1].split(",") if p.startswith("{") else [p] for p in parts]
        for combo in itertools.islice(itertools.product(*choices), 200):
            out.append("".join(c.strip() for c in combo))
    return out[:500]


def _tox_factor_line(line: str, env: str) -> str | None:
    """`lint: ruff check .` applies to envs with factor lint; `!lint:` to the others."""
    match = re.match(r"^([\w.,!{}\-]+):\s+(.*)$", line)
    if not match or match.group(1).startswith(("http", "{")):
        return line
    factors = set(env.split("-"))
    for alternative in match.group(1).split(","):
        needed = alternative.split("-")
        if all((f[1:] not in factors) if f.startswith("!") else (f in factors) for f in needed):
            return match.group(2)
    return None


def _tox_substitute(text: str, posargs: list[str], lookup: Callable[[str, str], str | None]) -> str:
    def sub(match: re.Match[str]) -> str:
        inner = match.group(1)
        if inner.startswith("posargs"):
            return " ".join(posargs) if posargs else inner.partition(":")[2]
        if inner in ("envpython", "envsitepackagesdir"):
            return "python"
        if inner.startswith("env:"):
            return inner.split(":", 2)[2] if inner.count(":") >= 2 else ""
        if inner in ("toxinidir", "tox_root", "envdir", "envtmpdir", "work_dir", "toxworkdir"):
            return "."
        if inner in ("envbindir", "env_bin_dir"):
            return ""
        section = re.match(r"^\[([^\]]*)\](.+)$", inner)
        if section:
            return lookup(section.group(1), section.group(2)) or ""
        return match.group(0)

    return re.sub(r"\{([^{}]*)\}", sub, text).replace("/python ", "python ").lstrip("/")


# `exec { & dotnet test }` (psake), `& ./x.ps1`, `Invoke-Expression`: what is left is the command.
_POWERSHELL_WRAPPER = re.compile(r"^(?:[Ee]xec\s*\{\s*)?(?:&\s*)?")
_POWERSHELL_COMMAND = re.compile(r"^([A-Za-z][\w./\\-]*|\.[/\\][\w./\\-]+)(?:[ \t]|$)")  # not `$x = …`, `}`
_POWERSHELL_KEYWORDS = frozenset({"if", "else", "elseif", "foreach", "for", "while", "do", "until", "switch",
                                  "function", "param", "try", "catch", "finally", "throw", "return", "break",
                                  "continue", "trap", "begin", "process", "end", "filter", "exit", "write-host",
                                  "write-output", "write-error", "write-warning", "set-strictmode", "import-module"})


_RAKE_TASK = re.compile(r"""^[ \t]*task[ \t(]+:?["']?([\w:.-]+)["']?[ \t]*(?:=>|:)?[ \t]*(.*)$""")
_RAKE_LIBRARY_TASK = re.compile(
    r"""(RSpec::Core::RakeTask|Cucumber::Rake::Task|Rake::TestTask)\.new\(?[ \t]*:?["']?([\w:.-]*)""")
_RAKE_NAMESPACE = re.compile(r"""^[ \t]*namespace[ \t(]+:?["']?([\w.-]+)""")
# Rake::TestTask runs the test files through rake's test loader (Minitest or test-unit): the catalog knows
# that invocation as `rake_test_loader`
_RAKE_RUNS = {"RSpec::Core::RakeTask": ("rspec",), "Cucumber::Rake::Task": ("cucumber",),
              "Rake::TestTask": ("rake_test_loader",)}
_RAKE_DEFAULT_NAMES = {"RSpec::Core::RakeTask": "spec", "Cucumber::Rake::Task": "features", "Rake::TestTask": "test"}


def _parse_rakefile(text: str) -> dict[str, Any]:
    """Tasks of a Rakefile read as text, never run: `task name: %w[a b]` / `task :name => [:a]`
    prerequisites, tasks made by RSpec and Cucumber, one level of `namespace`, and StandardRB's
    `standard` task. Anything else a task does is Ruby this model does not follow."""
    tasks: dict[str, Any] = {}
    namespace = ""
    for number, line in enumerate(text.splitlines()[:5000], 1):
        if found := _RAKE_NAMESPACE.match(line):
            namespace = found.group(1) + ":"
        elif line.startswith("end"):
            namespace = ""
        if found := _RAKE_LIBRARY_TASK.search(line):
            name = namespace + (found.group(2) or _RAKE_DEFAULT_NAMES[found.group(1)])
            tasks[name] = {"line": number, "deps": [], "runs": _RAKE_RUNS[found.group(1)]}
        elif found := _RAKE_TASK.match(line):
            rest = re.sub(r"(\bdo\b|\{).*$|%w\[|=>|[\[\]'\",()]", " ", found.group(2))
            deps = re.findall(r"(?<![\w:]):?([A-Za-z_][\w:.-]*)", rest)
            name = found.group(1).rstrip(":")
            tasks.setdefault(namespace + name, {"line": number, "deps": [], "runs": ()})["deps"] += [
                d if ":" in d or not namespace else namespace + d for d in deps[:20]]
        if "standard/rake" in line:
            tasks["standard"] = {"line": number, "deps": [], "runs": ("standardrb",)}
    return tasks


GOLANGCI_CONFIGS = (".golangci.yml", ".golangci.yaml")


def _runs_string(option: str) -> bool:
    """`-c`, or flags joined with it (`-ec`, `-xc`): the shell runs the next word as a script."""
    return option.startswith("-") and not option.startswith("--") and "c" in option[1:]


def _tox_matching(known: list[str], factors: list[str]) -> list[str]:
    """The environments holding every literal factor of `factors` (`py312-tests` is two factors);
    a factor with an unresolved variable (`${PYTHON}`) matches anything."""
    wanted = {part for factor in factors for part in factor.split("-") if part and "$" not in part}
    return [env for env in known if wanted <= set(env.split("-"))] if wanted else []


def _parse_tox(path: str, text: str) -> dict[str, Any] | None:
    if path.endswith((".toml",)):
        data = tomllib.loads(text)
        tox = data.get("tool", {}).get("tox") if path.endswith("pyproject.toml") else data
        if not isinstance(tox, dict):
            return None
        if isinstance(tox.get("legacy_tox_ini"), str):
            return _parse_tox_ini(path, tox["legacy_tox_ini"], text)
        return _parse_tox_toml(path, tox, text)
    return _parse_tox_ini(path, text, text)


def _parse_tox_ini(path: str, ini_text: str, file_text: str) -> dict[str, Any] | None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read_string(ini_text)
    prefix = "tox:" if path.endswith("setup.cfg") else ""
    head = f"{prefix}tox" if parser.has_section(f"{prefix}tox") else ("tox" if parser.has_section("tox") else None)
    if path.endswith("setup.cfg") and head is None:
        return None
    envlist = _tox_expand_envlist(parser.get(head, "envlist", fallback="") or parser.get(head, "env_list", fallback="")
                                  ) if head else []
    labels: dict[str, list[str]] = {}
    if head and parser.has_option(head, "labels"):
        for line in parser.get(head, "labels").splitlines():
            name, _, value = line.partition("=")
            if value:
                labels[name.strip()] = _tox_expand_envlist(value)
    base = "testenv"
    envs: dict[str, dict[str, Any]] = {}
    for section in parser.sections():
        if section == base or section.startswith("testenv:"):
            name = section.partition(":")[2]
            at = next((i for i, t in enumerate(file_text.splitlines(), 1) if t.strip() == f"[{section}]"), None)
            envs[name] = {"section": section, "line": at}

    def lookup(section: str, key: str) -> str | None:
        return parser.get(section, key, fallback=None) if parser.has_section(section) else None

    def commands(env: str, posargs: list[str]) -> list[tuple[str, bool]]:
        sections = [f"testenv:{env}", base]
        if env not in envs:  # a generated env takes its settings from [testenv] (factor conditions apply)
            sections = [base]
        raw = next((parser.get(s, "commands") for s in sections if parser.has_option(s, "commands")), "")
        out = []
        lines = raw.replace("\\\n", " ").splitlines()
        for line in lines[:200]:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            applied = _tox_factor_line(line, env)
            if applied is None:
                continue
            applied = _tox_substitute(applied, posargs, lookup)
            ignore = applied.startswith("-")
            for part in applied.lstrip("-").strip().splitlines():
                if part.strip():
                    out.append((part.strip(), ignore))
        return out

    return {"path": path, "envlist": envlist, "labels": labels, "envs": {k: v for k, v in envs.items() if k},
            "commands": commands}


def _parse_tox_toml(path: str, tox: dict[str, Any], text: str) -> dict[str, Any] | None:
    envs_table = _dict(tox.get("env"))
    base = _dict(tox.get("env_run_base"))
    labels = {str(k): _strings(v) for k, v in (tox.get("labels") or {}).items()} \
        if isinstance(tox.get("labels"), dict) else {}

    def argv_text(command: Any, posargs: list[str]) -> str | None:
        if not isinstance(command, list):
            return None
        words = []
        for word in command:
            if isinstance(word, dict) and word.get("replace") == "posargs":
                words += posargs or _strings(word.get("default"))
            elif isinstance(word, str):
                words.append(word.replace("{posargs}", " ".join(posargs)))
        return " ".join(words) if words else None

    def commands(env: str, posargs: list[str]) -> list[tuple[str, bool]]:
        spec = _dict(envs_table.get(env))
        raw = spec.get("commands", base.get("commands"))
        ignore = bool(spec.get("ignore_errors", base.get("ignore_errors")))
        return [(t, ignore) for t in (argv_text(c, posargs) for c in _as_list(raw)[:200]) if t]

    lines = text.splitlines()
    envs = {str(k): {"line": next((i for i, t in enumerate(lines, 1) if t.strip().endswith(f"env.{k}]")), None)}
            for k in envs_table}
    return {"path": path, "envlist": _strings(tox.get("env_list") or tox.get("envlist")), "labels": labels,
            "envs": envs, "commands": commands}


def _parse_noxfile(text: str) -> dict[str, Any]:
    """Sessions of a noxfile, read with `ast` (the file is never imported or run)."""
    tree = ast.parse(text[:MAX_DEFINITION_CHARS])
    sessions: list[dict[str, Any]] = []
    defaults: list[str] | None = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(ast.unparse(t) == "nox.options.sessions" for t in node.targets):
            if isinstance(node.value, (ast.List, ast.Tuple)):
                defaults = [e.value for e in node.value.elts
                            if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        decorator = next((d for d in node.decorator_list
                          if ast.unparse(d.func if isinstance(d, ast.Call) else d) in ("nox.session", "session",
                                                                                        "nox_uv.session",
                                                                                        "nox_poetry.session")), None)
        if decorator is None:
            continue
        name, tags = node.name, []
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    name = str(keyword.value.value)
                if keyword.arg == "tags" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                    tags = [str(e.value) for e in keyword.value.elts if isinstance(e, ast.Constant)]
        param = node.args.args[0].arg if node.args.args else "session"
        lists = _literal_lists(node)
        calls: list[tuple[int, list[str], str]] = []
        for sub in ast.walk(node):
            if not (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute)
                    and isinstance(sub.func.value, ast.Name) and sub.func.value.id == param):
                continue
            attr = sub.func.attr
            if attr not in ("run", "run_always", "run_install", "notify"):
                continue
            words = []
            for arg in sub.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    words.append(arg.value)
                elif isinstance(arg, ast.Starred):  # `*coverage`, a list of words assigned in the session
                    if isinstance(arg.value, ast.Name) and arg.value.id in lists:
                        words += lists[arg.value.id]
                    continue
                else:
                    words.append("<?>")
            if words and words[0] != "<?>":
                calls.append((sub.lineno, words, "notify" if attr == "notify" else "run"))
            if len(calls) > 200:
                break
        calls.sort(key=lambda c: c[0])
        sessions.append({"name": name, "line": node.lineno, "tags": tags, "calls": calls})
    return {"sessions": sessions, "defaults": defaults}


def _literal_lists(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, list[str]]:
    """Names a session assigns a list or tuple of string constants to (`coverage = ["python", "-m",
    "coverage"]`), for `session.run(*coverage, "report")`; a name assigned twice is left out."""
    found: dict[str, list[str] | None] = {}
    for sub in ast.walk(function):
        if isinstance(sub, ast.Assign) and len(sub.targets) == 1 and isinstance(sub.targets[0], ast.Name):
            name, value = sub.targets[0].id, sub.value
            words = [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)] \
                if isinstance(value, (ast.List, ast.Tuple)) else []
            complete = isinstance(value, (ast.List, ast.Tuple)) and len(words) == len(value.elts)
            found[name] = words if complete and name not in found else None
    return {name: words for name, words in found.items() if words}


def _growing(items: list[Any]) -> Iterator[Any]:
    """Every item of a list that grows while it is read (nox `session.notify`)."""
    index = 0
    while index < len(items):
        yield items[index]
        index += 1


def _nox_selected(session: dict[str, Any], names: list[str], tags: list[str], defaults: list[str] | None) -> bool:
    if names:
        return session["name"] in names
    if tags:
        return bool(set(tags) & set(session["tags"]))
    return defaults is None or session["name"] in defaults


RUNNERS: dict[str, Callable[[Resolver, Ctx, Frame, list[str], dict[str, str]], None]] = {
    "make": Resolver._run_make, "gmake": Resolver._run_make,
    "just": Resolver._run_just,
    "circleci": Resolver._run_circleci,
    "composer": Resolver._run_composer,
    "rake": Resolver._run_rake,
    "ct": Resolver._run_ct,
    "turbo": Resolver._run_turbo,
    "golangci-lint": Resolver._run_golangci,
    "goreleaser": Resolver._run_goreleaser,
    "cibuildwheel": Resolver._run_cibuildwheel,
    "task": Resolver._run_task, "go-task": Resolver._run_task,
    "npm": Resolver._run_npm, "pnpm": Resolver._run_npm, "yarn": Resolver._run_npm, "bun": Resolver._run_npm,
    "npm-run-all": Resolver._run_npm_run_all, "npm-run-all2": Resolver._run_npm_run_all,
    "run-s": Resolver._run_npm_run_all, "run-p": Resolver._run_npm_run_all,
    "concurrently": Resolver._run_npm_run_all,
    "tox": Resolver._run_tox,
    "nox": Resolver._run_nox,
    "hatch": Resolver._run_hatch,
    "pdm": Resolver._run_pdm,
    "poe": Resolver._run_poe, "poetry": Resolver._run_poe,
    "pre-commit": Resolver._run_pre_commit, "prek": Resolver._run_pre_commit,
    "mvn": Resolver._run_maven, "mvnw": Resolver._run_maven, "mvnd": Resolver._run_maven,
    "gradle": Resolver._run_gradle, "gradlew": Resolver._run_gradle,
}


# -- CI providers -----------------------------------------------------------------------------

def _job_ctx_frame(env: dict[str, str] | None = None, can_fail: bool = True) -> tuple[Ctx, Frame]:
    return Ctx(), Frame(chain=(), env=dict(env or {}), can_fail=can_fail)


def _emit_env(res: Resolver, ctx: Ctx, frame: Frame, path: str, mapping: Any, line: int | None) -> None:
    if not isinstance(mapping, dict):
        return
    for key, value in list(mapping.items())[:100]:
        if isinstance(value, dict):
            value = value.get("value")
        at = res.line_of(path, line or 1, f"{key}:")
        res.emit(ctx, "env", str(key), replace(frame, chain=(*frame.chain, _link(path, at, f"{key}: {value}"))),
                 (), value=str(value)[:200] if value is not None else None)


def _image_name(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("image")
    return str(value) if isinstance(value, (str, int)) and str(value).strip() else None


# GitHub Actions

def _github_jobs(res: Resolver, pipeline: Pipeline) -> Iterator[tuple[CiJob, Ctx]]:
    doc = pipeline.raw
    if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), dict):
        return
    triggers = gha_triggers(doc.get("on", doc.get(True)))
    for job_id, job in list(doc["jobs"].items())[:MAX_JOBS]:
        if not isinstance(job, dict):
            continue
        ctx, frame = _job_ctx_frame()
        _github_job(res, ctx, frame, pipeline.path, str(job_id), job, doc)
        condition = str(job.get("if") or "")
        yield CiJob("github-actions", pipeline.path, str(job_id), str(job.get("name") or job_id), _line_of(job),
                    frozenset(_restrict_by_condition(set(triggers), condition)), gha_matrix_size(job.get("strategy")),
                    tuple(ctx.out)), ctx


def _line_of(node: Any, default: int = 1) -> int:
    return getattr(node, "line", default) or default


def _github_job(self: Resolver, ctx: Ctx, frame: Frame, path: str, job_id: str, job: dict[str, Any],
                doc: dict[str, Any]) -> None:
    env = {**frame.env, **_literal_env(doc.get("env")), **_literal_env(job.get("env"))}
    frame = replace(frame, env=env, can_fail=frame.can_fail and job.get("continue-on-error") is not True)
    _emit_env(self, ctx, frame, path, doc.get("env"), _line_of(doc.get("env")))
    _emit_env(self, ctx, frame, path, job.get("env"), _line_of(job.get("env"), _line_of(job)))
    container = _image_name(job.get("container"))
    if container:
        self.emit(ctx, "image", container, replace(frame, chain=(*frame.chain, _link(
            path, self.line_of(path, _line_of(job), "container"), f"container: {container}"))))
    for service in (job.get("services") or {}).values() if isinstance(job.get("services"), dict) else []:
        image = _image_name(service)
        if image:
            self.emit(ctx, "image", image, replace(frame, chain=(*frame.chain, _link(
                path, self.line_of(path, _line_of(job), image), f"service: {image}"))), service=True)
    uses = job.get("uses")
    if isinstance(uses, str):
        link = _link(path, self.line_of(path, _line_of(job), "uses:"), f"uses: {uses}")
        with_ = _dict(job.get("with"))
        if uses.startswith("./"):
            target = _join("", uses)
            called = self.yaml(target) if target else None
            inner = self.enter(ctx, frame, ("workflow", target or uses), link) if isinstance(called, dict) else None
            if inner is not None and target and isinstance(called, dict) and isinstance(called.get("jobs"), dict):
                inputs = _workflow_inputs(called.get("on", called.get(True)), with_)
                inner = replace(inner, env={**{f"inputs.{k}": v for k, v in inputs.items()}})
                for sub_id, sub in list(called["jobs"].items())[:100]:
                    if isinstance(sub, dict):
                        sub_frame = replace(inner, chain=(*inner.chain, _link(target, _line_of(sub), f"job {sub_id}")))
                        _github_job(self, ctx, sub_frame, target, str(sub_id), sub, called)
        else:
            _action(self, ctx, replace(frame, chain=(*frame.chain, link)), uses, with_)
        return
    defaults = ((job.get("defaults") or {}).get("run") if isinstance(job.get("defaults"), dict) else None) or \
        ((doc.get("defaults") or {}).get("run") if isinstance(doc.get("defaults"), dict) else None) or {}
    _github_steps(self, ctx, frame, path, job.get("steps"), defaults if isinstance(defaults, dict) else {})


def _workflow_inputs(on: Any, with_: dict[str, Any]) -> dict[str, str]:
    spec = on.get("workflow_call") if isinstance(on, dict) else None
    declared = _dict(spec.get("inputs") if isinstance(spec, dict) else None)
    values: dict[str, Any] = {str(k): v.get("default") for k, v in declared.items() if isinstance(v, dict)}
    values.update({str(k): v for k, v in with_.items()})
    return {k: text for k, v in values.items() if (text := literal(v)) is not None}


def _github_steps(self: Resolver, ctx: Ctx, frame: Frame, path: str, steps: Any, defaults: dict[str, Any]) -> None:
    for step in _as_list(steps)[:500]:
        if not isinstance(step, dict) or ctx.full():
            continue
        line = _line_of(step)
        env = {**frame.env, **_literal_env(step.get("env"))}
        here = replace(frame, env=env, can_fail=frame.can_fail and step.get("continue-on-error") is not True)
        _emit_env(self, ctx, here, path, step.get("env"), line)
        uses, run = step.get("uses"), step.get("run")
        with_ = _dict(step.get("with"))
        if isinstance(uses, str):
            link = _link(path, self.line_of(path, line, "uses:"), f"uses: {uses}")
            _action(self, ctx, replace(here, chain=(*here.chain, link)), uses, with_)
        elif run is not None:
            shell = str(step.get("shell") or defaults.get("shell") or "")
            folder = step.get("working-directory") or defaults.get("working-directory")
            cwd = _join(frame.cwd, str(folder)) if isinstance(folder, str) else frame.cwd
            step_frame = replace(here, cwd=cwd if cwd is not None else frame.cwd, pipefail=shell == "bash")
            if shell in ("pwsh", "powershell", "cmd"):
                self.powershell(ctx, step_frame, str(run), path, line)
            elif not shell or re.match(r"^(bash|sh)\b", shell):
                self.script(ctx, step_frame, str(run), path, line)


def _action(self: Resolver, ctx: Ctx, frame: Frame, uses: str, with_: dict[str, Any]) -> None:
    inputs = {str(k): str(v)[:INPUT_CHARS] for k, v in list(with_.items())[:50]}
    if uses.startswith("docker://"):
        self.emit(ctx, "image", uses[len("docker://"):], frame, inputs=inputs)
        return
    if uses.startswith("./"):
        folder = _join("", uses)
        action_path = next((p for p in (_in(folder or "", "action.yml"), _in(folder or "", "action.yaml"))
                            if self.exists(p)), None)
        action = self.yaml(action_path) if action_path else None
        runs = action.get("runs") if isinstance(action, dict) else None
        if not isinstance(runs, dict) or runs.get("using") != "composite" or action_path is None:
            self.emit(ctx, "action", uses, frame, inputs=inputs, local=True)
            return
        inner = self.enter(ctx, frame, ("action", action_path), frame.chain[-1])
        if inner is None:
            return
        declared = _dict(action.get("inputs"))  # type: ignore[union-attr]
        values = {str(k): v.get("default") for k, v in declared.items() if isinstance(v, dict)}
        values.update(with_)
        env = {**frame.env, **{f"inputs.{k}": t for k, v in values.items() if (t := literal(v)) is not None}}
        _github_steps(self, ctx, replace(inner, chain=frame.chain, env=env), action_path, runs.get("steps"), {})
        return
    name, _, ref = uses.partition("@")
    self.emit(ctx, "action", name, frame, inputs=inputs, ref=ref)
    # aggregator actions: what they run is in the repository's own configuration
    tools = {use.tool_id: use.capability for use in catalog().from_action(name)}
    if "golangci-lint" in tools:
        self.golangci_config(ctx, frame)
    if "goreleaser" in tools:
        self._run_goreleaser(ctx, frame, ["goreleaser", *str(with_.get("args") or "release").split()], {})
    if "cibuildwheel" in tools:
        self._run_cibuildwheel(ctx, frame, ["cibuildwheel"], {})
    if "hook-runner" in tools.values():
        extra = str(with_.get("extra_args") or with_.get("extra-args") or "--all-files").split()
        self._run_pre_commit(ctx, frame, ["pre-commit", "run", *extra], {})




# GitLab CI

GITLAB_RESERVED = {"stages", "variables", "default", "include", "workflow", "image", "services", "before_script",
                   "after_script", "cache", "types", "spec"}


def _gitlab_include_paths(res: Resolver, include: Any, notes: list[str]) -> list[str]:
    paths = []
    for item in _as_list(include)[:100]:
        local = None
        if isinstance(item, str):
            local = None if re.match(r"^[a-z]+://", item) else item
            if local is None:
                notes.append(f"remote include not followed: {item[:120]}")
        elif isinstance(item, dict):
            if isinstance(item.get("local"), str):
                local = item["local"]
            else:
                kind = next((k for k in ("project", "remote", "template", "component") if k in item), "include")
                notes.append(f"{kind} include not followed: {str(item.get(kind))[:120]}")
        if not local:
            continue
        pattern = local.lstrip("/")
        if any(c in pattern for c in "*?["):
            paths += [p for p in res.source.files if fnmatch.fnmatch(p, pattern)][:50]
        elif res.exists(pattern):
            paths.append(pattern)
    return paths


def _gitlab_merged(res: Resolver, path: str, doc: Any, files: list[str], notes: list[str], depth: int = 0) -> Any:
    if not isinstance(doc, dict):
        return doc
    merged: Any = safe_yaml.LineDict(line=1)
    if depth < MAX_DEPTH:
        for included in _gitlab_include_paths(res, doc.get("include"), notes):
            if included in files:
                continue
            files.append(included)
            sub = _gitlab_merged(res, included, res.yaml(included), files, notes, depth + 1)
            if isinstance(sub, dict):
                merged = _deep_merge(merged, sub)
    own = safe_yaml.LineDict({k: v for k, v in doc.items() if k != "include"}, line=1)
    return _deep_merge(merged, own)


def _gitlab_extends(doc: dict[str, Any], name: str, stack: tuple[str, ...] = ()) -> Any:
    job = doc.get(name)
    if not isinstance(job, dict) or len(stack) > 11:
        return job
    merged: Any = safe_yaml.LineDict(line=_line_of(job))
    for parent in _strings(job.get("extends")):
        if parent not in stack and parent != name:
            base = _gitlab_extends(doc, parent, (*stack, name))
            if isinstance(base, dict):
                merged = _deep_merge(merged, base)
    own = safe_yaml.LineDict({k: v for k, v in job.items() if k != "extends"}, line=_line_of(job))
    return _deep_merge(merged, own)


def _gitlab_deref(doc: dict[str, Any], value: Any, depth: int = 0) -> Any:
    """`!reference [.job, key]` replaced by what it names; references inside lists are flattened."""
    if depth > 10:
        return None
    if isinstance(value, safe_yaml.TaggedList) and value.tag == "!reference":
        keys = [str(k) for k in value]
        node: Any = _gitlab_extends(doc, keys[0]) if keys else None
        for key in keys[1:]:
            node = node.get(key) if isinstance(node, dict) else None
        return _gitlab_deref(doc, node, depth + 1)
    if isinstance(value, list):
        out = safe_yaml.LineList(line=_line_of(value, 0))
        for item in value:
            resolved = _gitlab_deref(doc, item, depth + 1)
            if isinstance(item, list) and isinstance(resolved, list):
                out.extend(resolved)  # GitLab flattens nested script lists
            else:
                out.append(resolved)
        return out
    if isinstance(value, dict):
        return safe_yaml.LineDict({k: _gitlab_deref(doc, v, depth + 1) for k, v in value.items()},
                                  line=_line_of(value, 0))
    return value


def _flat(value: Any) -> list[str]:
    out: list[str] = []
    for item in _as_list(value):
        if isinstance(item, list):
            out += _flat(item)
        elif isinstance(item, (str, int, float)) and not isinstance(item, bool):
            out.append(str(item))
    return out


def _gitlab_jobs(res: Resolver, pipeline: Pipeline) -> Iterator[tuple[CiJob, Ctx]]:
    notes: list[str] = []
    files = [pipeline.path]
    doc = _gitlab_merged(res, pipeline.path, pipeline.raw, files, notes)
    if not isinstance(doc, dict):
        return
    res.notes.extend(f"{pipeline.path}: {n}" for n in notes)
    workflow = _dict(doc.get("workflow"))
    # Without workflow rules GitLab runs branch pipelines, and a merge request shows (and, with "pipelines
    # must succeed", waits for) the pipeline of its source branch, in the fork's project for a fork.
    base = {"push", "tag", "pull_request"}
    if workflow.get("rules"):
        base = _gitlab_rule_triggers(workflow["rules"], base) or base
    default = _dict(doc.get("default"))
    global_vars = _literal_env(doc.get("variables"))
    for name in list(doc)[:MAX_JOBS]:
        if not isinstance(doc.get(name), dict) or str(name) in GITLAB_RESERVED or str(name).startswith("."):
            continue
        job = _gitlab_deref(doc, _gitlab_extends(doc, name))
        if not isinstance(job, dict) or not any(k in job for k in ("script", "trigger", "run")):
            continue
        inherit = _dict(job.get("inherit"))
        inherit_default = inherit.get("default", True)
        for key in ("image", "before_script", "after_script", "services"):
            if key in job:
                continue
            allowed = inherit_default is True or isinstance(inherit_default, list) and key in inherit_default
            if allowed and key in default:
                job[key] = _gitlab_deref(doc, default[key])
            elif allowed and key in doc:
                job[key] = _gitlab_deref(doc, doc[key])
        env = {**(global_vars if inherit.get("variables", True) is not False else {}),
               **_literal_env(job.get("variables"))}
        ctx, frame = _job_ctx_frame(env, can_fail=not job.get("allow_failure"))
        line = _line_of(doc[name])
        _emit_env(res, ctx, frame, pipeline.path, job.get("variables"), line)
        for key, service in (("image", False), *(("services", True),)):
            for image in _as_list(job.get(key))[:20]:
                image_name = _image_name(image)
                if image_name:
                    at = _locate(res, files, image_name, pipeline.path, line)
                    res.emit(ctx, "image", image_name, replace(frame, chain=(_link(*at, f"{key}: {image_name}"),)),
                             service=service)
        for key in ("before_script", "script", "after_script"):
            for text in _flat(job.get(key))[:500]:
                at_path, at_line = _locate(res, files, text, pipeline.path, line)
                res.script(ctx, frame, text, at_path, at_line, can_fail=key != "after_script")
        if job.get("when") == "manual":
            triggers = {"manual"}
        elif job.get("rules"):
            triggers = _gitlab_rule_triggers(job["rules"], base)
        elif job.get("only"):
            triggers = _gitlab_only_triggers(job["only"]) - (_gitlab_only_triggers(job["except"])
                                                            if job.get("except") else set())
        else:
            triggers = set(base)  # no rules: every pipeline the workflow creates (without one: branches, tags)
        if workflow.get("rules"):
            # workflow:rules decide which pipelines exist; where the two readings share nothing, the job's stands
            triggers = triggers & _gitlab_workflow_allows(base) or triggers
        parallel = job.get("parallel")
        size = parallel if isinstance(parallel, int) and not isinstance(parallel, bool) else 1
        if isinstance(parallel, dict):
            entries = _as_list(parallel.get("matrix"))
            size = sum(_product(e) for e in entries) if all(isinstance(e, dict) for e in entries) else 0
        yield CiJob("gitlab-ci", pipeline.path, str(name), str(name), line, frozenset(triggers), size,
                    tuple(ctx.out)), ctx


def _locate(res: Resolver, files: list[str], text: str, default_path: str, default_line: int) -> tuple[str, int]:
    """Where a script line is written: the job's own file below the job first, then every file."""
    found = res.find(default_path, default_line, text, LINE_SEARCH)
    if found is not None:
        return default_path, found
    for path in files:
        found = res.find(path, 1, text)
        if found is not None:
            return path, found
    return default_path, default_line


# CircleCI

_CIRCLE_PARAM = re.compile(r"<<\s*(pipeline\.)?parameters\.([\w-]+)\s*>>")
CIRCLE_BUILTINS = {"checkout", "setup_remote_docker", "save_cache", "restore_cache", "store_artifacts",
                   "store_test_results", "persist_to_workspace", "attach_workspace", "add_ssh_keys", "deploy"}
CIRCLE_WORKFLOW_KEYS = {"requires", "filters", "matrix", "context", "name", "type", "pre-steps", "post-steps"}


def _circleci_jobs(res: Resolver, pipeline: Pipeline) -> Iterator[tuple[CiJob, Ctx]]:
    doc = res.yaml(pipeline.path)
    if not isinstance(doc, dict):
        return
    path = pipeline.path
    orbs = {str(k): (str(v).split("@")[0] if isinstance(v, str) else f"inline:{k}")
            for k, v in (doc.get("orbs") or {}).items()} if isinstance(doc.get("orbs"), dict) else {}
    pipeline_params = {str(k): v.get("default") for k, v in (doc.get("parameters") or {}).items()
                       if isinstance(v, dict)} if isinstance(doc.get("parameters"), dict) else {}
    jobs = _dict(doc.get("jobs"))
    workflows = {k: v for k, v in (doc.get("workflows") or {}).items() if isinstance(v, dict)} \
        if isinstance(doc.get("workflows"), dict) else {}
    refs: list[tuple[str, dict[str, Any], int, set[str]]] = []
    for wf in workflows.values():
        triggers = {"push", "pull_request"}
        if any(isinstance(t, dict) and "schedule" in t for t in _as_list(wf.get("triggers"))):
            triggers = {"schedule"}
        for item in _as_list(wf.get("jobs"))[:MAX_JOBS]:
            if isinstance(item, str):
                refs.append((item, {}, res.line_of(path, _line_of(wf), item) or 1, set(triggers)))
            elif isinstance(item, dict) and item:
                name, spec = next(iter(item.items()))
                spec = spec if isinstance(spec, dict) else {}
                refs.append((str(name), spec, _line_of(spec, _line_of(item)), _circle_filters(spec, triggers)))
    if not workflows:
        refs = [(str(name), {}, _line_of(job), {"push", "pull_request"}) for name, job in jobs.items()]
    for name, spec, line, triggers in refs[:MAX_JOBS]:
        if spec.get("type") == "approval":
            continue
        ctx, frame = _job_ctx_frame()
        frame = replace(frame, chain=(_link(path, line, name),))
        for context in _strings(spec.get("context")):
            res.emit(ctx, "env", f"context:{context}", frame, context=context)
        params = {str(k): v for k, v in spec.items() if k not in CIRCLE_WORKFLOW_KEYS}
        prefix, sep, rest = name.partition("/")
        if sep and prefix in orbs:
            res.emit(ctx, "orb", orbs[prefix], frame, (name,), job=rest,
                     params={k: str(v)[:100] for k, v in params.items()})
        elif isinstance(jobs.get(name), dict):
            job = jobs[name]
            declared = {str(k): v.get("default") for k, v in (job.get("parameters") or {}).items()
                        if isinstance(v, dict)} if isinstance(job.get("parameters"), dict) else {}
            values = {**pipeline_params, **declared, **params}
            job_frame = replace(frame, chain=(*frame.chain, _link(path, _line_of(job), f"job {name}")),
                                env=_literal_env(job.get("environment")))
            _circle_executor(res, ctx, job_frame, path, job, doc, orbs)
            _circle_steps(res, ctx, job_frame, path, [*_as_list(spec.get("pre-steps")), *_as_list(job.get("steps")),
                                                    *_as_list(spec.get("post-steps"))], doc, orbs, values)
        matrix = spec.get("matrix")
        size = 1
        if isinstance(matrix, dict):
            size = _product(matrix.get("parameters"))
            if size and isinstance(matrix.get("exclude"), list):
                size = max(size - len(matrix["exclude"]), 0)
        yield CiJob("circleci", path, str(spec.get("name") or name), str(spec.get("name") or name), line,
                    frozenset(triggers), size, tuple(ctx.out)), ctx


def _circle_filters(spec: dict[str, Any], triggers: set[str]) -> set[str]:
    filters = _dict(spec.get("filters"))
    branches = _dict(filters.get("branches"))
    tags = _dict(filters.get("tags"))
    out = set(triggers)
    if "only" in branches:
        only = [b.strip("/") for b in _strings(branches["only"])]
        out.discard("pull_request")
        out.discard("push")
        if any(re.fullmatch(b, d) if b != ".*" else True for b in only for d in DEFAULT_BRANCHES
               if _safe_regex(b)):
            out.add("push")
        elif only:
            out.add("push-branches")
    ignored = [b.strip("/") for b in _strings(branches.get("ignore"))]
    if ".*" in ignored:
        out -= {"push", "pull_request", "push-branches"}
    if "only" in tags:
        out.add("tag")
    return out


def _safe_regex(pattern: str) -> bool:
    return len(pattern) < 100 and re.fullmatch(r"[\w.\-/*^$|()\[\]]*", pattern) is not None


def _circle_executor(res: Resolver, ctx: Ctx, frame: Frame, path: str, job: dict[str, Any], doc: dict[str, Any],
                     orbs: dict[str, str]) -> None:
    holder: Any = job
    executor = job.get("executor")
    name = executor.get("name") if isinstance(executor, dict) else executor
    if isinstance(name, str):
        prefix, sep, rest = name.partition("/")
        executors = _dict(doc.get("executors"))
        if sep and prefix in orbs:
            res.emit(ctx, "orb", orbs[prefix], frame, (name,), executor=rest)
            return
        holder = executors.get(name) if isinstance(executors.get(name), dict) else {}
    for image in _as_list(holder.get("docker"))[:10]:
        image_name = _image_name(image)
        if image_name:
            res.emit(ctx, "image", image_name, replace(frame, chain=(*frame.chain, _link(
                path, res.line_of(path, _line_of(image), image_name), f"image: {image_name}"))))
    machine = holder.get("machine")
    if isinstance(machine, dict) and isinstance(machine.get("image"), str):
        res.emit(ctx, "image", f"machine:{machine['image']}", frame)


def _circle_steps(res: Resolver, ctx: Ctx, frame: Frame, path: str, steps: list[Any], doc: dict[str, Any],
                  orbs: dict[str, str], params: dict[str, Any]) -> None:
    commands = _dict(doc.get("commands"))

    def substitute(text: str) -> str:
        return _CIRCLE_PARAM.sub(lambda m: str(params.get(m.group(2), m.group(0))), text)

    for step in steps[:500]:
        if ctx.full():
            return
        if isinstance(step, str):
            key, value = step, None
        elif isinstance(step, dict) and step:
            key, value = next(iter(step.items()))
        else:
            continue
        line = _line_of(step, frame.chain[-1].line or 1)
        if key == "run":
            command = value.get("command") if isinstance(value, dict) else value
            if isinstance(command, str):
                folder = value.get("working_directory") if isinstance(value, dict) else None
                cwd = _join("", folder) if isinstance(folder, str) and not folder.startswith("~") else frame.cwd
                res.script(ctx, replace(frame, cwd=cwd or ""), substitute(command), path, line)
        elif key in ("when", "unless") and isinstance(value, dict):
            _circle_steps(res, ctx, frame, path, _as_list(value.get("steps")), doc, orbs, params)
        elif key == "steps":  # `- steps: << parameters.x >>`: a steps-typed parameter, or a literal list
            named = _CIRCLE_PARAM.fullmatch(value.strip()) if isinstance(value, str) else None
            given_steps = params.get(named.group(2)) if named else value
            if isinstance(given_steps, list):
                _circle_steps(res, ctx, frame, path, given_steps, doc, orbs, params)
        elif key in commands and isinstance(commands[key], dict):
            command_def = commands[key]
            declared = {str(k): v.get("default") for k, v in (command_def.get("parameters") or {}).items()
                        if isinstance(v, dict)} if isinstance(command_def.get("parameters"), dict) else {}
            given = {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}
            link = _link(path, line, f"{key}")
            inner = res.enter(ctx, frame, ("circleci-command", path, key), link)
            if inner is not None:
                inner = replace(inner, chain=(*frame.chain, link, _link(path, _line_of(command_def), f"command {key}")))
                _circle_steps(res, ctx, inner, path, _as_list(command_def.get("steps")), doc, orbs,
                              {**params, **declared, **given})
        elif "/" in str(key) and str(key).split("/")[0] in orbs:
            here = replace(frame, chain=(*frame.chain, _link(path, line, str(key))))
            res.emit(ctx, "orb", orbs[str(key).split("/")[0]], here, (str(key),), command=str(key).split("/", 1)[1],
                     params={str(k): str(v)[:100] for k, v in value.items()} if isinstance(value, dict) else None)


# Azure Pipelines

def _azure_expand(res: Resolver, items: Any, key: str, path: str, depth: int = 0) -> list[tuple[Any, str]]:
    out: list[tuple[Any, str]] = []
    for item in _as_list(items)[:500]:
        template = item.get("template") if isinstance(item, dict) else None
        if isinstance(template, str):
            if "@" in template or depth >= MAX_DEPTH:
                res.notes.append(f"{path}: template not followed: {template[:120]}")
                continue
            target = _join("" if template.startswith("/") else posixpath.dirname(path), template)
            sub = res.yaml(target) if target else None
            if isinstance(sub, dict) and target:
                out += _azure_expand(res, sub.get(key), key, target, depth + 1)
            continue
        out.append((item, path))
    return out


def _azure_jobs(res: Resolver, pipeline: Pipeline) -> Iterator[tuple[CiJob, Ctx]]:
    path = pipeline.path
    doc = res.yaml(path)
    if not isinstance(doc, dict):
        return
    extends = doc.get("extends")
    if isinstance(extends, dict) and isinstance(extends.get("template"), str) and "@" not in extends["template"]:
        target = _join(posixpath.dirname(path), extends["template"])
        body = res.yaml(target) if target else None
        if isinstance(body, dict) and target:
            doc, path = body, target
    jobs: list[tuple[Any, str]] = []
    for stage, stage_path in _azure_expand(res, doc.get("stages"), "stages", path):
        if isinstance(stage, dict):
            jobs += _azure_expand(res, stage.get("jobs"), "jobs", stage_path)
    jobs += _azure_expand(res, doc.get("jobs"), "jobs", path)
    if doc.get("steps"):
        jobs.append((safe_yaml.LineDict({"job": "default", "steps": doc["steps"]}, line=_line_of(doc["steps"])), path))
    env = _literal_env(doc.get("variables"))
    for job, job_path in jobs[:MAX_JOBS]:
        if not isinstance(job, dict):
            continue
        ctx, frame = _job_ctx_frame({**env, **_literal_env(job.get("variables"))},
                                    can_fail=job.get("continueOnError") is not True)
        image = _image_name(job.get("container"))
        if image:
            link = _link(job_path, _line_of(job), f"container: {image}")
            res.emit(ctx, "image", image, replace(frame, chain=(link,)))
        step_lists = [job.get("steps")]
        strategy = _dict(job.get("strategy"))
        for phase in strategy.values():
            if isinstance(phase, dict):
                step_lists += [hook.get("steps") for hook in phase.values() if isinstance(hook, dict)]
        for steps in step_lists:
            for step, step_path in _azure_expand(res, steps, "steps", job_path):
                if not isinstance(step, dict):
                    continue
                here = replace(frame, can_fail=frame.can_fail and step.get("continueOnError") is not True,
                               env={**frame.env, **_literal_env(step.get("env"))})
                for key in ("script", "bash"):
                    if isinstance(step.get(key), str):
                        res.script(ctx, here, step[key], step_path, _line_of(step))
                if isinstance(step.get("task"), str):
                    inputs = _dict(step.get("inputs"))
                    res.emit(ctx, "action", step["task"], replace(here, chain=(_link(
                        step_path, _line_of(step), f"task: {step['task']}"),)),
                             inputs={str(k): str(v)[:INPUT_CHARS] for k, v in list(inputs.items())[:50]})
        matrix = strategy.get("matrix")
        size = len(matrix) if isinstance(matrix, dict) else (0 if matrix else 1)
        if isinstance(strategy.get("parallel"), int):
            size = strategy["parallel"]
        job_id = str(job.get("job") or job.get("deployment") or "job")
        yield CiJob("azure-pipelines", job_path, job_id, str(job.get("displayName") or job_id), _line_of(job),
                    pipeline.triggers, size, tuple(ctx.out)), ctx


# Jenkins

# Comments are blanked before steps are looked for (a commented-out `buildPlugin()` runs nothing).
_GROOVY_LINE_COMMENT = re.compile(r"(^|[\s;{}(,])//[^\n]*", re.M)


def _groovy_code(text: str) -> str:
    """`text` with comments replaced by spaces, newlines kept, so offsets and lines still hold."""
    parts, at = [], 0
    while (start := text.find("/*", at)) >= 0:  # a scan, not a regex: an unclosed `/*` is linear
        end = text.find("*/", start + 2)
        if end < 0:
            break
        parts += [text[at:start], re.sub(r"[^\n]", " ", text[start:end + 2])]
        at = end + 2
    code = "".join(parts) + text[at:]
    return _GROOVY_LINE_COMMENT.sub(lambda m: m.group(1) + " " * (len(m.group(0)) - len(m.group(1))), code)


def jenkins_when_triggers(triggers: set[str], when: str) -> set[str]:
    """What a declarative stage's `when` leaves of the pipeline's triggers. A multibranch pipeline builds
    branches and pull requests; `branch 'main'` is a branch build (a pull request builds as `PR-n`),
    `changeRequest()` a pull request build, `not { changeRequest() }` a branch build, `buildingTag()` /
    `tag 'v*'` a tag build. Several conditions narrow together (`allOf`, the default) or widen (`anyOf`);
    any other condition (`expression`, `environment`) is not read and leaves the triggers as they are."""
    if not when:
        return triggers
    code = re.sub(r"\bnot\s*\{\s*changeRequest\b[^}]*\}", " NOT_CHANGE_REQUEST ", when)
    found: list[set[str]] = []
    if "NOT_CHANGE_REQUEST" in code:
        found.append(triggers - {"pull_request"})
    if re.search(r"\bchangeRequest\b", code):
        found.append({"pull_request"})
    branches = re.findall(r"\bbranch\s*(?:\(\s*)?(?:pattern\s*:\s*)?['\"]([^'\"\n]+)['\"]", code)
    if branches:
        found.append({"push" if _branch_filter_hits_default(branches) else "push-branches"})
    if re.search(r"\b(buildingTag\s*\(|tag\s*(?:\(\s*)?(?:pattern\s*:\s*)?['\"])", code):
        found.append({"tag"})
    if not found:
        return triggers
    if re.search(r"\banyOf\b", code):
        return set().union(*found)
    narrowed = set(found[0])
    for more in found[1:]:
        narrowed &= more
    return narrowed


def _jenkins_jobs(res: Resolver, pipeline: Pipeline) -> Iterator[tuple[CiJob, Ctx]]:
    """The `sh`/`bat` steps ci.py found, and the calls of shared-library steps the catalog knows
    (`buildPlugin(...)`), each expanded into the command it runs, which is then followed like any
    other (Maven's lifecycle, the parent POM's bindings). A call belongs to the stage whose text holds it."""
    steps = catalog().jenkins_steps()
    calls: list[tuple[int, str]] = []
    configurations: dict[int, int] = {}  # call line -> the platform/JDK combinations it builds on
    if steps:
        code = _groovy_code(pipeline.text)
        names = "|".join(re.escape(name) for name in sorted(steps, key=len, reverse=True))
        call = re.compile(rf"(?<![\w.$])({names})(?:\s*\(|[ \t]+[A-Za-z_]\w*\s*:)")
        lines = LineIndex(code)
        for match in itertools.islice(call.finditer(code), 100):
            if not re.search(r"\b(def|void)\s*$", code[max(0, match.start() - 20):match.start()]):
                line = lines.line(match.start())
                calls.append((line, match.group(1)))
                configurations[line] = _jenkins_configurations(code[match.end():match.end() + 4000])
    stages = sorted((job.line, job.id) for job in pipeline.jobs if job.stage)
    owned: dict[str, list[tuple[int, str]]] = {}
    for line, name in calls:
        owner = next((job_id for start, job_id in reversed(stages) if start <= line), None)
        owned.setdefault(owner or "pipeline", []).append((line, name))
    jobs = list(pipeline.jobs[:MAX_JOBS])
    if "pipeline" in owned and not any(job.id == "pipeline" for job in jobs):
        jobs.insert(0, Job(id="pipeline", line=1))
    for job in jobs:
        ctx, frame = _job_ctx_frame(_literal_env(job.env))
        for step in job.steps:
            if step.run:
                res.script(ctx, frame, step.run, pipeline.path, step.line)
        for line, name in owned.get(job.id, []):
            command = steps[name]
            here = replace(frame, chain=(_link(pipeline.path, line, f"{name}(...) runs {command}"),))
            res.emit(ctx, "step", name, here, (), command=command)
            for part in split_script(command, frame.env):
                res.command(ctx, here, part)
        triggers = jenkins_when_triggers(set(pipeline.triggers), job.condition)
        combinations = max([configurations.get(line, 1) for line, _ in owned.get(job.id, [])], default=1)
        # a scripted pipeline with no stages is the library call itself: cite that line, not the file's first
        where = min(line for line, _ in owned[job.id]) if job.id == "pipeline" and owned.get(job.id) else job.line
        yield CiJob(pipeline.provider, pipeline.path, job.id, job.name or job.id, where, frozenset(triggers),
                    0 if job.matrix else combinations, tuple(ctx.out)), ctx


def _jenkins_configurations(arguments: str) -> int:
    """`buildPlugin(configurations: [[platform: 'linux', jdk: 25], [platform: 'windows', jdk: 21]])`: the
    pipeline library builds and tests on each platform/JDK combination, a matrix of 2."""
    listed = re.match(r"[^)]*?\bconfigurations\s*:\s*\[", arguments, re.S)
    if not listed:
        return 1
    return max(1, len(re.findall(r"\[\s*(?:platform|jdk)\s*:", arguments[listed.end():])))


# every other provider: the steps ci.py found

def _generic_jobs(res: Resolver, pipeline: Pipeline) -> Iterator[tuple[CiJob, Ctx]]:
    for job in pipeline.jobs[:MAX_JOBS]:
        ctx, frame = _job_ctx_frame({k: v for k, v in _literal_env(job.env).items()})
        for step in job.steps:
            if step.run:
                res.script(ctx, frame, step.run, pipeline.path, step.line)
            elif step.uses and pipeline.provider == "cloud-build":
                res.emit(ctx, "image", step.uses, replace(frame, chain=(_link(pipeline.path, step.line, step.uses),)))
        yield CiJob(pipeline.provider, pipeline.path, job.id, job.name or job.id, job.line, pipeline.triggers,
                    0 if job.matrix else 1, tuple(ctx.out)), ctx


PROVIDERS: dict[str, Callable[[Resolver, Pipeline], Iterator[tuple[CiJob, Ctx]]]] = {
    "github-actions": _github_jobs,
    "gitlab-ci": _gitlab_jobs,
    "circleci": _circleci_jobs,
    "azure-pipelines": _azure_jobs,
    "jenkins": _jenkins_jobs,
}


PIPELINE_TRIGGERS = ("push", "pull_request", "tag", "schedule")  # the vocabulary of ci.py's pipeline triggers


def with_model_triggers(pipelines: list[Pipeline], model: CiModel) -> list[Pipeline]:
    """GitLab pipelines with the triggers their jobs run on added. ci.py reads a GitLab pipeline's triggers
    from the text of the root file; its jobs, with `include:` files, templates and workflow:rules read,
    may run on more (merge requests, schedules)."""
    found: dict[str, set[str]] = {}
    for job in model.jobs:
        if job.provider == "gitlab-ci":
            found.setdefault(job.path, set()).update(t for t in job.triggers if t in PIPELINE_TRIGGERS)
    return [replace(p, triggers=p.triggers | found[p.path]) if found.get(p.path, set()) - p.triggers else p
            for p in pipelines]


def build_ci_model(source: Source, pipelines: Iterable[Pipeline]) -> CiModel:
    """The CI model of a repository: every job of every parsed pipeline with its invocations."""
    res = Resolver(source)
    jobs: list[CiJob] = []
    notes: list[str] = []
    for pipeline in pipelines:
        if not pipeline.parsed:
            continue
        builder = PROVIDERS.get(pipeline.provider, _generic_jobs)
        try:
            for job, ctx in builder(res, pipeline):
                jobs.append(job)
                kept = [n for n in ctx.notes if n.startswith("more than")] + ctx.notes[:20]
                notes += [f"{job.path} job {job.job_id}: {n}" for n in dict.fromkeys(kept)]
                if len(jobs) >= MAX_JOBS:
                    notes.append(f"more than {MAX_JOBS} jobs; the rest were not modelled")
                    break
        except (RecursionError, ValueError, TypeError, LookupError, AttributeError) as exc:  # a parsing bug: noted
            notes.append(f"{pipeline.path}: CI model incomplete ({type(exc).__name__}: {str(exc)[:100]})")
        if len(jobs) >= MAX_JOBS:
            break
    return CiModel(tuple(jobs), tuple(list(dict.fromkeys(notes + res.notes))[:500]))
