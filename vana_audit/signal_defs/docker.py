"""`docker.*` signals: Dockerfiles and the images they build."""
from __future__ import annotations

import re
from typing import Any

from ..collectors.containers import final_stage, is_dev_dockerfile
from ..facts import ComposeService, Dockerfile, Instruction
from ..secrets import clip
from ..signal_core import Signal, Signals, ev, found, listing, rx, signal
from ._shared import PIPE_TO_SHELL, _shipped_dockerfiles, secret_named


@signal("docker.root_user", "production Dockerfiles whose final stage runs as root")
def docker_root(s: Signals) -> Signal:
    hits = []
    for d in _shipped_dockerfiles(s.facts):
        stages = d.stages
        if not stages:
            continue
        last_from = stages[-1].line
        users = [i for i in d.of("USER") if i.line > last_from]
        if not users or users[-1].args.split(":")[0] in ("root", "0"):
            where = users[-1] if users else stages[-1]
            hits.append(
                ev(d.path, where.line, f"{where.cmd} {where.args}" + ("" if users else " (no USER: runs as root)"))
            )
    return listing(hits)


@signal("docker.healthcheck_missing", "Dockerfiles of services without a HEALTHCHECK")
def docker_no_healthcheck(s: Signals) -> Signal:
    return listing(
        ev(d.path, None, "no HEALTHCHECK")
        for d in _shipped_dockerfiles(s.facts)
        if not d.of("HEALTHCHECK") and d.stages
    )


@signal("docker.unpinned_base", "base images without a version tag or digest, or on :latest")
def docker_unpinned(s: Signals) -> Signal:
    hits = []
    for d in _shipped_dockerfiles(s.facts):
        stage_names = {i.args.split()[-1].lower() for i in d.stages if " as " in i.args.lower()}
        for i in d.stages:
            image = next((a for a in i.args.split() if not a.startswith("--")), "")
            if image.lower() in stage_names or image == "scratch" or "$" in image:
                continue  # a stage, or a reference built from ARGs (`build_${TARGETARCH}`, `library/$BASE`)
            if "@sha256:" in image:
                continue
            tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
            if not tag or tag == "latest":
                hits.append(ev(d.path, i.line, f"FROM {i.args}"))
    return listing(hits)
ARCHIVE = re.compile(r"\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$", re.I)


def production_dockerfiles(facts: Any) -> list[Dockerfile]:
    """Dockerfiles of shipped images: dev containers, `*.dev` and test/e2e/docs images left out."""
    return [d for d in facts.dockerfiles if not is_dev_dockerfile(d.path)]


def _directories(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[:n]) for n in range(len(parts), -1, -1)]


# -- Dockerfile ---------------------------------------------------------------------------------

SERVER_CMD = re.compile(
    r"(uvicorn|gunicorn|hypercorn|daphne|granian|waitress|flask run|runserver|fastapi run|"
    r"npm\W+start|next\W+start|node\b|bun\b|deno\b|nginx|httpd|caddy|java\b|-jar\b|\bserve\b|"
    r"server|puma|rails\W+s|php-fpm|dotnet\b)",
    re.I,
)


def serves_network(d: Dockerfile) -> bool:
    """The final image is a network service: it EXPOSEs a port or starts a server."""
    final = final_stage(d)
    return any(i.cmd == "EXPOSE" for i in final) or any(
        i.cmd in ("CMD", "ENTRYPOINT") and SERVER_CMD.search(i.args) for i in final
    )


@signal("docker.service_images", "runtime Dockerfiles whose image serves on the network (EXPOSE or a server command)")
def service_images(s: Signals) -> Signal:
    return found(
        ev(d.path) for d in s.facts.dockerfiles if d.stages and not is_dev_dockerfile(d.path) and serves_network(d)
    )


@signal("docker.missing_healthcheck", "network-service Dockerfiles whose final image declares no HEALTHCHECK")
def missing_healthcheck(s: Signals) -> Signal:
    hits = []
    for d in s.facts.dockerfiles:
        if not d.stages or is_dev_dockerfile(d.path) or not serves_network(d):
            continue
        if not any(i.cmd == "HEALTHCHECK" for i in final_stage(d)):
            last = d.stages[-1]
            hits.append(ev(d.path, last.line, f"FROM {last.args} (final stage has no HEALTHCHECK)"))
    return listing(hits)


@signal("docker.runtime_dockerfiles", "Dockerfiles that build a shipped image (not dev or test images)")
def runtime_dockerfiles(s: Signals) -> Signal:
    return found(ev(d.path) for d in s.facts.dockerfiles if d.stages and not is_dev_dockerfile(d.path))


BROAD_SOURCES = {".", "./", "*", "./*", "./.", "$PWD"}


def _sources(instruction: Instruction) -> list[str]:
    args = [a for a in instruction.args.split() if not a.startswith("--")]
    if instruction.args.lstrip().startswith("["):  # JSON form
        args = re.findall(r'"([^"]*)"', instruction.args)
    return args[:-1]


@signal("docker.no_dockerignore", "Dockerfiles that copy their whole build context with no .dockerignore")
def no_dockerignore(s: Signals) -> Signal:
    ignores = set(s.facts.dockerignore)
    hits = []
    for d in production_dockerfiles(s.facts):
        own = f"{d.path}.dockerignore"
        candidates = {own} | {
            f"{directory}/.dockerignore" if directory else ".dockerignore" for directory in _directories(d.path)
        }
        if candidates & ignores or s.facts.has_file(own):
            continue
        broad = next(
            (
                i
                for i in d.instructions
                if i.cmd in ("COPY", "ADD")
                and "--from" not in i.args
                and any(src in BROAD_SOURCES for src in _sources(i))
            ),
            None,
        )
        if broad is not None:
            hits.append(ev(d.path, broad.line, f"{broad.cmd} {broad.args}"))
    return listing(hits)


BUILD_STEP = rx(
    r"\b(pip install|pip3 install|uv (sync|pip install)|poetry install|pipenv install|npm (ci|install|run build)|"
    r"yarn( install| build)?\b|pnpm (install|build|run build)|go build|cargo build|mvn\b|gradle|gradlew|"
    r"dotnet (publish|build)|apt-get install|apk add|yum install|dnf install|make\b|gcc|bundle install|"
    r"composer install|next build|tsc\b)"
)


@signal("docker.single_stage_builds", "runtime Dockerfiles that install or compile in a single stage")
def single_stage(s: Signals) -> Signal:
    hits = []
    for d in s.facts.dockerfiles:
        if len(d.stages) != 1 or is_dev_dockerfile(d.path):
            continue
        if any(i.cmd == "RUN" and BUILD_STEP.search(i.args) for i in d.instructions):
            hits.append(ev(d.path, d.stages[0].line, f"FROM {d.stages[0].args} (single stage with build steps)"))
    return listing(hits)


@signal("docker.add_instead_of_copy", "ADD used where COPY would do (local files or unverified URLs)")
def add_instead_of_copy(s: Signals) -> Signal:
    hits = []
    for d in production_dockerfiles(s.facts):
        for i in d.of("ADD"):
            args = [a for a in i.args.split() if not a.startswith("--")]
            if "--checksum" in i.args or len(args) < 2:
                continue
            sources = args[:-1]
            if all(ARCHIVE.search(src) and not src.startswith(("http://", "https://")) for src in sources):
                continue  # a local archive ADD extracts on purpose
            hits.append(ev(d.path, i.line, f"ADD {i.args}"))
    return listing(hits)


_APT = re.compile(r"\bapt(-get)?\s+(?:-\S+\s+){0,10}install\b([^;&|]{0,500})")
_APK = re.compile(r"\bapk\s+(?:-\S+\s+){0,10}add\b([^;&|]{0,500})")
_PIP = re.compile(r"\b(?:pip3?|python3? -m pip|uv pip)\s+install\b([^;&|]{0,500})")
_NPM_G = re.compile(r"\bnpm\s+(?:install|i)\s+(?:-\S+\s+){0,10}(?:-g|--global)\b([^;&|]{0,500})")
_GEM = re.compile(r"\bgem\s+install\b([^;&|]{0,500})")


def _packages(args: str) -> list[str]:
    return [a for a in args.split() if not a.startswith(("-", "$", "\\")) and a not in (".", "&&")]


def _unpinned_in(run: str) -> list[str]:
    unpinned: list[str] = []
    for m in _APT.finditer(run):
        unpinned += [p for p in _packages(m.group(2)) if "=" not in p and not p.endswith(".deb")]
    for m in _APK.finditer(run):
        unpinned += [p for p in _packages(m.group(1)) if "=" not in p]
    for m in _PIP.finditer(run):
        args = m.group(1)
        if re.search(r"(^|\s)(-r|--requirement|-c|--constraint|--require-hashes|-e|--editable)\b", args):
            continue
        unpinned += [p for p in _packages(args) if not re.search(r"==|@\s*(https?|git)|\.whl$|\.tar\.gz$|^\.|^/", p)]
    for m in _NPM_G.finditer(run):
        unpinned += [p for p in _packages(m.group(1)) if not re.search(r".@\d", p)]
    for m in _GEM.finditer(run):
        if not re.search(r"(-v|--version)\s", m.group(1)):
            unpinned += _packages(m.group(1))[:1]
    return unpinned


@signal("docker.unpinned_installs", "RUN lines that install unpinned packages or pipe a download into a shell")
def unpinned_installs(s: Signals) -> Signal:
    hits = []
    for d in production_dockerfiles(s.facts):
        for i in d.of("RUN"):
            unpinned = _unpinned_in(i.args)
            if unpinned:
                hits.append(ev(d.path, i.line, f"unpinned: {', '.join(unpinned[:4])}"))
            elif PIPE_TO_SHELL.search(i.args):
                hits.append(ev(d.path, i.line, "download piped into a shell: " + clip(i.args, 120)))
    return listing(hits)


@signal("docker.uncleaned_caches", "RUN lines that leave package manager caches in the image")
def uncleaned_caches(s: Signals) -> Signal:
    hits = []
    for d in production_dockerfiles(s.facts):
        no_pip_cache = any(
            i.cmd in ("ENV", "ARG")
            and re.search(r"PIP_NO_CACHE_DIR\s*[= ]\s*[\"']?(1|true|on|yes|off|0)", i.args, re.I)
            for i in d.instructions
        )
        for i in d.of("RUN"):
            run, problems = i.args, []
            cache_mount = "--mount=type=cache" in run
            if (
                _APT.search(run)
                and not cache_mount
                and not re.search(r"rm\s+-[rf]+\s+[^;&]{0,300}?/var/lib/apt/lists", run)
            ):
                problems.append("apt lists not removed")
            if _APK.search(run) and "--no-cache" not in run and not cache_mount and "rm -rf /var/cache/apk" not in run:
                problems.append("apk add without --no-cache")
            if (
                _PIP.search(run)
                and "--no-cache-dir" not in run
                and not no_pip_cache
                and not cache_mount
                and not re.search(r"\buv pip install\b", run)
            ):
                problems.append("pip install without --no-cache-dir")
            if (
                re.search(r"\b(yum|dnf|microdnf)\s+(-\S+\s+){0,10}install\b", run)
                and not re.search(r"\b(yum|dnf|microdnf) clean all", run)
                and not cache_mount
            ):
                problems.append("yum/dnf cache not cleaned")
            if problems:
                hits.append(ev(d.path, i.line, "; ".join(problems)))
    return listing(hits)


def _masked(name: str) -> str:
    return f"{name}=****"


def _env_pairs(instruction: Instruction) -> list[tuple[str, str]]:
    args = instruction.args.strip()
    if not args:
        return []
    if instruction.cmd == "ENV" and "=" not in args.split()[0]:
        name, _, value = args.partition(" ")  # legacy `ENV NAME value`
        return [(name, value.strip())]
    pairs = []
    for token in re.findall(r"""([A-Za-z_][A-Za-z0-9_]*)(?:=("[^"]*"|'[^']*'|\S*))?""", args):
        pairs.append((token[0], token[1].strip("\"'")))
    return pairs


def _compose_env(svc: ComposeService) -> list[tuple[str, str]]:
    env = svc.spec.get("environment")
    if isinstance(env, dict):
        return [(str(k), "" if v is None else str(v)) for k, v in env.items()]
    if isinstance(env, list):
        return [(str(e).partition("=")[0], str(e).partition("=")[2]) for e in env]
    return []


@signal("docker.secret_config", "Dockerfiles or compose files pass secret-named settings (ENV, ARG, environment)")
def secret_config(s: Signals) -> Signal:
    hits = [
        ev(d.path, i.line, f"{i.cmd} {name}")
        for d in s.facts.dockerfiles
        for i in d.instructions
        if i.cmd in ("ENV", "ARG")
        for name, _ in _env_pairs(i)
        if secret_named(name)
    ]
    hits += [
        ev(c.path, svc.line, f"{svc.name}: environment {name}")
        for c in s.facts.compose_files
        for svc in c.services
        for name, _ in _compose_env(svc)
        if secret_named(name)
    ]
    return found(hits)


# Values everyone knows (a local database's `POSTGRES_PASSWORD: postgres`): a weak default, not a leaked secret.
_DEV_DEFAULTS = frozenset({"postgres", "password", "example", "changeme", "change-me", "change_me", "secret", "root",
                           "admin", "test", "dev", "development", "mysql", "pass", "guest", "1234", "123456",
                           "password123", "mariadb", "redis", "mongo", "rabbitmq", "minio", "minioadmin"})


def _dev_default(value: str) -> bool:
    return value.strip().strip("'\"").lower() in _DEV_DEFAULTS


@signal("docker.secrets_in_env", "secrets baked into images (ENV/ARG) or written into compose environment")
def secrets_in_env(s: Signals) -> Signal:
    hits = []
    for d in s.facts.dockerfiles:
        for i in d.instructions:
            if i.cmd not in ("ENV", "ARG"):
                continue
            for name, value in _env_pairs(i):
                if not secret_named(name):
                    continue
                if i.cmd == "ENV" and (not value or value.startswith("/") or _dev_default(value)):
                    continue  # an empty placeholder, a path to a mounted secret, or a well-known default
                why = ("build args are kept in the image history" if i.cmd == "ARG"
                       else "visible to anyone who pulls the image")
                hits.append(
                    ev(
                        d.path,
                        i.line,
                        f"{i.cmd} {_masked(name) if value else name} "
                        f"({why})",
                    )
                )
    for c in s.facts.compose_files:
        for svc in c.services:
            env = svc.spec.get("environment")
            for name, value in _compose_env(svc):
                if secret_named(name) and value and not value.startswith(("$", "/")) and not _dev_default(value):
                    hits.append(ev(c.path, getattr(env, "line", svc.line), f"{svc.name}: environment {_masked(name)}"))
    return listing(hits)
