"""Dockerfiles (parsed into instructions) and compose files (services)."""
from __future__ import annotations

import re
from typing import Any

from .. import safe_yaml
from ..facts import ComposeFile, ComposeService, Dockerfile, Instruction
from ..secrets import clip
from ..source import Source


def is_dockerfile(path: str) -> bool:
    base = path.rsplit("/", 1)[-1]
    lower = base.lower()
    if lower.endswith(_TEMPLATE_SUFFIXES):  # Dockerfile.j2: rendered into a Dockerfile, not one itself
        return False
    return (lower in ("dockerfile", "containerfile") or lower.startswith("dockerfile.")
            or lower.endswith(".dockerfile") or lower.startswith("containerfile."))


_TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".template", ".in", ".erb", ".mustache")


# Images built for development, tests or CI are not shipped: a dev container, `Dockerfile.dev`,
# `dev.Dockerfile`, a Dockerfile under test/, e2e/, docs/, or a CI folder (build-environment images,
# container actions). Production-image rules leave them out.
DEV_DOCKERFILE_NAME = re.compile(
    r"(^|[./_-])(dev|devel|develop|development|local|test|tests|testing|ci|debug|e2e|"
    r"playwright|cypress|selenium|gitpod|devcontainer)([./_-]|$)",
    re.I,
)
DEV_DOCKERFILE_DIR = re.compile(
    r"(^|/)(\.devcontainer|\.gitpod|dev|test|tests|testing|testdata|test[-_]data|fixtures|e2e|integration[-_]tests?|"
    r"playwright|cypress|selenium|"
    r"docs?|ci|\.ci|\.github|\.gitlab|\.gitlab-ci|\.circleci|\.buildkite|\.woodpecker|\.gitea|\.forgejo|"
    r"\.azure-pipelines|\.tekton|"
    # tooling and packaging: argo-helm's scripts/release-analysis, httpie's extras/packaging/linux build container
    r"scripts|hack|tools|packaging)/",
    re.I,
)
CI_FOLDERS = frozenset({"ci", ".ci", ".github", ".gitlab", ".gitlab-ci", ".circleci", ".buildkite", ".woodpecker",
                        ".gitea", ".forgejo", ".azure-pipelines", ".tekton"})


def dev_dockerfile_reason(path: str) -> str | None:
    """Why a Dockerfile builds a development or test image rather than a shipped one (None: shipped)."""
    folder = DEV_DOCKERFILE_DIR.search(path)
    if folder:
        name = folder.group(2)
        if name.lower() in (".devcontainer", ".gitpod"):
            return "a dev container"
        if name.lower() in CI_FOLDERS:
            return f"a CI build image under {name}/"
        return f"under {name}/"
    name = path.rsplit("/", 1)[-1]
    match = DEV_DOCKERFILE_NAME.search(name)
    return f"named as a {match.group(2).lower()} image" if match else None


def is_dev_dockerfile(path: str) -> bool:
    return dev_dockerfile_reason(path) is not None


def final_stage(d: Dockerfile) -> list[Instruction]:
    """The instructions of the image a Dockerfile produces: its last stage (all of them without a FROM)."""
    stages = d.stages
    if not stages:
        return list(d.instructions)
    return [i for i in d.instructions if i.line >= stages[-1].line]


def starts_something(d: Dockerfile) -> bool:
    """The final image runs something of its own: CMD, ENTRYPOINT, EXPOSE or HEALTHCHECK in its last stage.
    One with none of these is a toolbox or playground (guzzle's `FROM php` + COPY), a CI or test image."""
    return any(i.cmd in ("CMD", "ENTRYPOINT", "EXPOSE", "HEALTHCHECK") for i in final_stage(d))


def is_compose_file(path: str) -> bool:
    base = path.rsplit("/", 1)[-1].lower()
    return base.endswith((".yml", ".yaml")) and (
        base.startswith("docker-compose") or base.startswith("compose.") or base.startswith("compose-")
        or base.startswith("podman-compose"))


_HEREDOC = re.compile(r"<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")


def parse_dockerfile(path: str, text: str) -> Dockerfile:
    """Instructions with their first line; continuation lines, comments and heredocs handled."""
    instructions: list[Instruction] = []
    lines = text.splitlines()
    escape = "\\"
    if lines and re.match(r"#\s*escape\s*=\s*`", lines[0]):
        escape = "`"
    index = 0
    while index < len(lines):
        raw = lines[index]
        start = index + 1
        index += 1
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        parts = [stripped]
        while parts[-1].endswith(escape) and index < len(lines):
            parts[-1] = parts[-1][:-1]
            following = lines[index].strip()
            index += 1
            if following.startswith("#"):
                parts.append(escape)  # comment lines inside a continuation are dropped
                continue
            parts.append(following)
        joined = " ".join(p for p in parts if p != escape).strip()
        heredoc = _HEREDOC.search(joined)
        if heredoc:
            terminator = heredoc.group(1)
            body = []
            while index < len(lines) and lines[index].strip() != terminator:
                body.append(lines[index])
                index += 1
            index += 1
            joined += "\n" + "\n".join(body)
        cmd, _, args = joined.partition(" ")
        if re.fullmatch(r"[A-Za-z]+", cmd):
            instructions.append(Instruction(cmd.upper(), args.strip(), start))
    return Dockerfile(path, tuple(instructions))


MAX_INSTRUCTIONS = 5000
MAX_ARGS_CHARS = 32_000  # one instruction's arguments; many signals run regexes over them


def collect_dockerfiles(source: Source, files: list[str]) -> list[Dockerfile]:
    found = []
    for path in files:
        if is_dockerfile(path):
            text = source.read_text(path)
            if text is not None:
                found.append(_bounded(source, parse_dockerfile(path, text)))
    return found


def _bounded(source: Source, dockerfile: Dockerfile) -> Dockerfile:
    instructions = dockerfile.instructions
    if not any(i.cmd == "FROM" and i.args for i in instructions):
        source.problem(dockerfile.path, "no FROM instruction naming a base image: not a usable Dockerfile")
    if len(instructions) > MAX_INSTRUCTIONS:
        source.problem(dockerfile.path, f"more than {MAX_INSTRUCTIONS} instructions; the rest were not read")
        instructions = instructions[:MAX_INSTRUCTIONS]
    if any(len(i.args) > MAX_ARGS_CHARS for i in instructions):
        source.problem(dockerfile.path, f"instructions longer than {MAX_ARGS_CHARS} characters were cut")
        instructions = tuple(Instruction(i.cmd, clip(i.args, MAX_ARGS_CHARS), i.line) for i in instructions)
    return dockerfile if instructions is dockerfile.instructions else Dockerfile(dockerfile.path, instructions)


def parse_compose(path: str, doc: Any) -> ComposeFile | None:
    if not isinstance(doc, dict):
        return None
    services = doc.get("services")
    if not isinstance(services, dict):  # compose v1: services at the top level
        services = {k: v for k, v in doc.items() if isinstance(v, dict) and ("image" in v or "build" in v)}
    parsed = tuple(ComposeService(str(name), getattr(spec, "line", 1), spec)
                   for name, spec in services.items() if isinstance(spec, dict))
    return ComposeFile(path, parsed, {k: v for k, v in doc.items() if k != "services"})


def collect_compose(source: Source, files: list[str]) -> list[ComposeFile]:
    found = []
    for path in files:
        if not is_compose_file(path):
            continue
        text = source.read_text(path)
        if text is None:
            continue
        try:
            doc = safe_yaml.load(text)
        except Exception as exc:
            source.problem(path, safe_yaml.describe_error(exc))
            continue
        compose = parse_compose(path, doc)
        if compose is not None:
            found.append(compose)
    return found
