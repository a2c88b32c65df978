"""`compose.*` signals: Docker Compose files and their services."""
from __future__ import annotations

import re
from typing import Any

from ..facts import ComposeFile, ComposeService
from ..secrets import in_test_folder
from ..signal_core import Signal, Signals, ev, found, listing, signal

DEV_COMPOSE = re.compile(r"(^|[./_-])(dev|development|local|test|tests|ci|override|debug)([./_-]|$)", re.I)
SECRET_FILE = re.compile(
    r"(^|/)(\.env(\.[\w.-]{1,200})?|[\w.-]{1,200}\.env|[\w.-]{1,200}\.(pem|key|p12|pfx|jks|keystore)|id_(rsa|ecdsa|ed25519)|"
    r"credentials|[\w.-]{0,100}credentials[\w.-]{0,100}\.json|[\w.-]{0,100}service[-_]?account[\w.-]{0,100}\.json|\.?secrets?(/|$)|[\w.-]{0,100}secret[\w.-]{0,100}\.(json|ya?ml|txt)|"
    r"\.npmrc|\.pypirc|\.netrc|\.docker/config\.json|\.aws/credentials|kubeconfig)$",
    re.I,
)
DANGEROUS_CAPS = {"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "DAC_READ_SEARCH"}


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
        if in_test_folder(c.path):
            continue  # a test harness on a throwaway runner (kamal's Docker-in-Docker deploy targets)
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
