"""Dockerfile and compose signals: what hadolint, checkov and Trivy's misconfiguration checks look for."""

from __future__ import annotations

import re
from typing import Any

from ..collectors.containers import dev_dockerfile_reason, is_dev_dockerfile
from ..facts import ComposeFile, ComposeService, Dockerfile, Instruction
from ..secrets import clip
from ..signals import Signal, Signals, ev, found, listing, rx, signal
from .workflow_security import PIPE_TO_SHELL

DEV_COMPOSE = re.compile(r"(^|[./_-])(dev|development|local|test|tests|ci|override|debug)([./_-]|$)", re.I)
SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|APIKEY|PRIVATE_?KEY|ACCESS_?KEY|"
    r"CLIENT_?SECRET|CREDENTIALS?|AUTH_?KEY|SIGNING_?KEY|ENCRYPTION_?KEY|DSN)",
    re.I,
)
NOT_A_SECRET = re.compile(
    r"(_FILE|_PATH|_DIR|_URL|_URI|_ENDPOINT|_HOST|_HEADER|_NAME|_ID|_TTL|_EXPIR\w{0,20}|_TIMEOUT|"
    r"_LENGTH|_TYPE|_ALGORITHM|_ISSUER|_AUDIENCE|_LIFETIME|_COOKIE)$",
    re.I,
)
ARCHIVE = re.compile(r"\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$", re.I)
SECRET_FILE = re.compile(
    r"(^|/)(\.env(\.[\w.-]{1,200})?|[\w.-]{1,200}\.env|[\w.-]{1,200}\.(pem|key|p12|pfx|jks|keystore)|id_(rsa|ecdsa|ed25519)|"
    r"credentials|[\w.-]{0,100}credentials[\w.-]{0,100}\.json|[\w.-]{0,100}service[-_]?account[\w.-]{0,100}\.json|\.?secrets?(/|$)|[\w.-]{0,100}secret[\w.-]{0,100}\.(json|ya?ml|txt)|"
    r"\.npmrc|\.pypirc|\.netrc|\.docker/config\.json|\.aws/credentials|kubeconfig)$",
    re.I,
)
DANGEROUS_CAPS = {"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "DAC_READ_SEARCH"}


def production_dockerfiles(facts: Any) -> list[Dockerfile]:
    """Dockerfiles of shipped images: dev containers, `*.dev` and test/e2e/docs images left out."""
    return [d for d in facts.dockerfiles if not is_dev_dockerfile(d.path)]


def _final_stage(d: Dockerfile) -> list[Instruction]:
    stages = d.stages
    if not stages:
        return list(d.instructions)
    return [i for i in d.instructions if i.line >= stages[-1].line]


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
    final = _final_stage(d)
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
        if not any(i.cmd == "HEALTHCHECK" for i in _final_stage(d)):
            last = d.stages[-1]
            hits.append(ev(d.path, last.line, f"FROM {last.args} (final stage has no HEALTHCHECK)"))
    return listing(hits)


@signal("build.dev_dockerfiles", "Dockerfiles of dev or test images (dev containers, *.dev, under test/, e2e/, docs/)")
def dev_dockerfiles(s: Signals) -> Signal:
    return listing(
        ev(d.path, None, f"not a production image: {dev_dockerfile_reason(d.path)}")
        for d in s.facts.dockerfiles
        if is_dev_dockerfile(d.path)
    )


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


def _secret_named(name: str) -> bool:
    return bool(SECRET_NAME.search(name)) and not NOT_A_SECRET.search(name)


@signal("docker.secret_config", "Dockerfiles or compose files pass secret-named settings (ENV, ARG, environment)")
def secret_config(s: Signals) -> Signal:
    hits = [
        ev(d.path, i.line, f"{i.cmd} {name}")
        for d in s.facts.dockerfiles
        for i in d.instructions
        if i.cmd in ("ENV", "ARG")
        for name, _ in _env_pairs(i)
        if _secret_named(name)
    ]
    hits += [
        ev(c.path, svc.line, f"{svc.name}: environment {name}")
        for c in s.facts.compose_files
        for svc in c.services
        for name, _ in _compose_env(svc)
        if _secret_named(name)
    ]
    return found(hits)


@signal("docker.secrets_in_env", "secrets baked into images (ENV/ARG) or written into compose environment")
def secrets_in_env(s: Signals) -> Signal:
    hits = []
    for d in s.facts.dockerfiles:
        for i in d.instructions:
            if i.cmd not in ("ENV", "ARG"):
                continue
            for name, value in _env_pairs(i):
                if not _secret_named(name):
                    continue
                if i.cmd == "ENV" and (not value or value.startswith("/")):
                    continue  # an empty placeholder or a path to a mounted secret
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
                if _secret_named(name) and value and not value.startswith(("$", "/")):
                    hits.append(ev(c.path, getattr(env, "line", svc.line), f"{svc.name}: environment {_masked(name)}"))
    return listing(hits)


# -- compose --------------------------------------------------------------------------------------


@signal("compose.present", "compose files define services")
def compose_present(s: Signals) -> Signal:
    return found(ev(c.path, None, f"{len(c.services)} service(s)") for c in s.facts.compose_files if c.services)


def _compose_groups(s: Signals) -> list[list[ComposeFile]]:
    """Compose files of one directory are merged by `docker compose` (compose.yml + compose.override.yml)."""
    groups: dict[str, list[ComposeFile]] = {}
    for c in s.facts.compose_files:
        groups.setdefault(c.path.rsplit("/", 1)[0] if "/" in c.path else "", []).append(c)
    return list(groups.values())


def _service_keys(group: list[ComposeFile]) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    for c in group:
        for svc in c.services:
            keys.setdefault(svc.name, set()).update(map(str, svc.spec))
    return keys


def _depended_on(group: list[ComposeFile]) -> set[str]:
    names: set[str] = set()
    for c in group:
        for svc in c.services:
            deps = svc.spec.get("depends_on")
            if isinstance(deps, (dict, list)):
                names |= {str(k) for k in deps}
    return names


@signal("compose.missing_healthchecks", "compose services built here or depended on, without a healthcheck")
def compose_missing_healthchecks(s: Signals) -> Signal:
    hits = []
    for group in _compose_groups(s):
        needed, keys = _depended_on(group), _service_keys(group)
        definitions: dict[str, list[tuple[ComposeFile, ComposeService]]] = {}
        for c in group:
            for svc in c.services:
                definitions.setdefault(svc.name, []).append((c, svc))
        for name, defs in definitions.items():
            merged = keys[name]
            if "healthcheck" in merged or not ("build" in merged or name in needed):
                continue
            c, svc = next(((c, svc) for c, svc in defs if "build" in svc.spec), defs[0])  # cite the file that builds it
            why = "built from this repository" if "build" in merged else "other services depend on it"
            hits.append(ev(c.path, svc.line, f"{name}: no healthcheck ({why})"))
    return listing(hits)


def _has_limits(spec: dict[str, Any]) -> bool:
    deploy = spec["deploy"] if isinstance(spec.get("deploy"), dict) else {}
    resources = deploy["resources"] if isinstance(deploy.get("resources"), dict) else {}
    limits = resources["limits"] if isinstance(resources.get("limits"), dict) else {}
    return bool(limits) or any(k in spec for k in ("mem_limit", "cpus", "cpu_quota", "memswap_limit"))


def _is_dev_compose(path: str) -> bool:
    return bool(DEV_COMPOSE.search(path.rsplit("/", 1)[-1]))


@signal("compose.runtime_files", "compose files that are not development or test overrides")
def compose_runtime_files(s: Signals) -> Signal:
    return found(ev(c.path) for c in s.facts.compose_files if c.services and not _is_dev_compose(c.path))


@signal("compose.missing_limits", "services of non-development compose files without CPU/memory limits")
def compose_missing_limits(s: Signals) -> Signal:
    hits = []
    for group in _compose_groups(s):
        runtime = [c for c in group if not _is_dev_compose(c.path)]
        limited = {svc.name for c in runtime for svc in c.services if _has_limits(svc.spec)}
        reported: set[str] = set()
        for c in runtime:
            for svc in c.services:
                if svc.name not in limited and svc.name not in reported:
                    hits.append(ev(c.path, svc.line, f"{svc.name}: no deploy.resources.limits or mem_limit"))
                    reported.add(svc.name)
    return listing(hits)


def _volumes(svc: ComposeService) -> list[tuple[str, int | None]]:
    """(host source, line) of bind mounts."""
    volumes = svc.spec.get("volumes")
    if not isinstance(volumes, list):
        return []
    line = getattr(volumes, "line", None)
    result = []
    for index, volume in enumerate(volumes):
        if isinstance(volume, dict):
            source = str(volume.get("source") or "")
            result.append((source, getattr(volume, "line", None) or line))
        else:
            text = str(volume)
            source = text.split(":", 1)[0] if ":" in text else ""
            result.append((source, (line + index) if line else None))
    return result


@signal(
    "compose.host_privileges", "compose services that run privileged, share host namespaces or mount the Docker socket"
)
def host_privileges(s: Signals) -> Signal:
    hits = []
    for c in s.facts.compose_files:
        for svc in c.services:
            spec = svc.spec
            reasons = []
            if spec.get("privileged") is True or str(spec.get("privileged")).lower() == "true":
                reasons.append("privileged: true")
            for key in ("network_mode", "pid", "ipc", "userns_mode"):
                if str(spec.get(key, "")).lower() == "host":
                    reasons.append(f"{key}: host")
            caps = spec["cap_add"] if isinstance(spec.get("cap_add"), list) else []
            reasons += [f"cap_add: {cap}" for cap in caps if str(cap).upper().removeprefix("CAP_") in DANGEROUS_CAPS]
            opts = spec["security_opt"] if isinstance(spec.get("security_opt"), list) else []
            reasons += [f"security_opt: {o}" for o in opts if "unconfined" in str(o)]
            for source, _line in _volumes(svc):
                if source.rstrip("/").endswith("docker.sock"):
                    reasons.append(f"mounts {source}")
            if reasons:
                hits.append(ev(c.path, svc.line, f"{svc.name}: " + "; ".join(reasons)))
    return listing(hits)


@signal("compose.secret_file_mounts", "compose services that bind-mount .env files, keys or credentials")
def secret_file_mounts(s: Signals) -> Signal:
    hits = []
    for c in s.facts.compose_files:
        for svc in c.services:
            for source, line in _volumes(svc):
                if (
                    source
                    and SECRET_FILE.search(source.rstrip("/"))
                    and not source.endswith((".example", ".template", ".sample"))
                ):
                    hits.append(ev(c.path, line or svc.line, f"{svc.name}: volume {source}"))
    return listing(hits)
