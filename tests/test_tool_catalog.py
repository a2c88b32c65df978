"""The tool catalog: the schema holds, every entry's examples are recognised with exactly the capabilities
they list, no two tools claim one key, and the false verdicts of the audit stay fixed."""
from __future__ import annotations

import json
import shlex
from collections import Counter
from importlib import resources

import jsonschema
import pytest

from vana_audit.tools.catalog import CAPABILITIES, Catalog, Use, catalog, load_entries, normalise_image

ENTRIES = load_entries()
CAT = catalog()


def _schema() -> dict:
    return json.loads(resources.files("vana_audit").joinpath("schemas/tools.schema.json").read_text("utf-8"))


def test_schema_validates_the_catalog():
    doc = {"tools": [dict(e) for e in ENTRIES]}
    jsonschema.validate(json.loads(json.dumps(doc)), _schema())


def test_schema_capabilities_are_the_code_vocabulary():
    assert tuple(_schema()["$defs"]["capability"]["enum"]) == CAPABILITIES


def test_at_least_300_tools_with_unique_ids():
    ids = [e["id"] for e in ENTRIES]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates
    assert len(ids) >= 300, len(ids)


def test_every_recogniser_capability_is_one_of_the_tool_s():
    for entry in ENTRIES:
        own = set(entry["capabilities"])
        items = [*entry.get("commands", ()), *entry.get("actions", ()), *entry.get("orbs", ()),
                 *entry.get("images", ()), *entry.get("hooks", ()), *entry.get("config_files", ()),
                 *entry.get("maven_plugins", ()), *entry.get("gradle_plugins", ()), *entry.get("env", ())]
        items += [i for names in (entry.get("packages") or {}).values() for i in names]
        for item in items:
            if isinstance(item, dict) and "capabilities" in item:
                assert set(item["capabilities"]) <= own, f"{entry['id']}: {item} claims more than the tool"


def _claims() -> dict[str, list[tuple[str, str | None]]]:
    """Every recogniser key → the tools claiming it (hooks with their repo)."""
    claims: dict[str, list[tuple[str, str | None]]] = {}

    def add(kind: str, key: str, tool: str, extra: str | None = None) -> None:
        claims.setdefault(f"{kind}:{key}", []).append((tool, extra))

    for e in ENTRIES:
        for kind, field in (("action", "uses"), ("orb", "orb"), ("image", "image"), ("config_file", "path"),
                            ("maven_plugin", "plugin"), ("gradle_plugin", "plugin"), ("env", "name"),
                            ("maven_parent", "parent"), ("jenkins_step", "step")):
            for item in e.get(kind + "s" if kind != "env" else "env", ()):
                key = item[field] if isinstance(item, dict) else item
                add(kind, normalise_image(key) if kind == "image" else key.lower() if kind == "action" else key, e["id"])
        for item in e.get("hooks", ()):
            hook_id = item["id"] if isinstance(item, dict) else item
            add("hook", hook_id, e["id"], item.get("repo") if isinstance(item, dict) else None)
        for eco, names in (e.get("packages") or {}).items():
            for item in names:
                name = item["name"] if isinstance(item, dict) else item
                add("package", f"{'maven' if eco == 'gradle' else eco}:{name.lower()}", e["id"])
    return claims


def test_no_key_is_claimed_by_two_tools_unless_told_apart():
    """A hook id two tools use is told apart by its repository (both entries name it); any other key has
    one owner, unless both entries list it under `shared`."""
    shared = {(e["id"], k) for e in ENTRIES for k in e.get("shared", ())}
    for key, owners in _claims().items():
        tools = {t for t, _ in owners}
        if len(tools) < 2:
            continue
        if key.startswith("hook:") and all(repo for _, repo in owners):
            continue
        assert all((t, key) in shared for t in tools), f"{key} claimed by {sorted(tools)}"


def _recognise(example: dict) -> list[Use]:
    if "command" in example:
        return CAT.from_command(shlex.split(example["command"]))
    if "action" in example:
        return CAT.from_action(example["action"], example.get("with"))
    if "orb" in example:
        return CAT.from_orb(example["orb"])
    if "image" in example:
        return CAT.from_image(example["image"])
    if "hook" in example:
        return CAT.from_hook(example["hook"], example.get("repo"))
    if "config_file" in example:
        return CAT.from_config_file(example["config_file"])
    if "package" in example:
        ecosystem, name = example["package"].split(":", 1)
        return CAT.from_package(ecosystem, name)
    if "maven_plugin" in example:
        return CAT.from_maven_plugin(example["maven_plugin"])
    if "gradle_plugin" in example:
        return CAT.from_gradle_plugin(example["gradle_plugin"])
    if "maven_parent" in example:  # the parent, and the tools of the plugins it binds
        coord = example["maven_parent"]
        return CAT.from_maven_parent(coord) + [u for b in CAT.maven_parent(coord) for u in CAT.from_maven_plugin(b.plugin)]
    if "jenkins_step" in example:  # the library, and the tools of the command the step runs
        step = example["jenkins_step"]
        return CAT.from_jenkins_step(step) + CAT.from_command(shlex.split(CAT.jenkins_steps()[step]))
    if "env" in example:
        name, value = example["env"].split("=", 1)
        return CAT.from_env(name, value)
    raise AssertionError(f"example names no recogniser: {example}")


EXAMPLES = [(e["id"], n, x) for e in ENTRIES for n, x in enumerate(e["examples"])]


@pytest.mark.parametrize(("tool_id", "n", "example"), EXAMPLES, ids=[f"{t}-{n}" for t, n, _ in EXAMPLES])
def test_example_is_recognised_with_its_capabilities(tool_id, n, example):
    uses = _recognise(example)
    mine = {u.capability for u in uses if u.tool_id == tool_id}
    expected = set(example["capabilities"])
    if expected:
        assert mine - {None} == expected, f"{tool_id}: {example} → {uses}"
    else:  # [] = not this tool's capability at all (a negative example) or present-only (None)
        assert mine <= {None}, f"{tool_id}: {example} → {uses}"
    others = {u.tool_id for u in uses} - {tool_id}
    assert others == set(example.get("also", ())), f"{tool_id}: {example} also names {others}"


def test_every_entry_has_a_positive_example():
    for entry in ENTRIES:
        assert any(x["capabilities"] for x in entry["examples"]) or any(
            _recognise(x) for x in entry["examples"]), entry["id"]


def test_every_capability_has_tools():
    for capability in CAPABILITIES:
        assert CAT.tools_with(capability), capability
    with pytest.raises(ValueError):
        CAT.tools_with("deploy-ish")


# -- the false verdicts of the audit, and wrapper removal -------------------------------------------

def _caps(uses: list[Use], tool: str | None = None) -> set[str | None]:
    return {u.capability for u in uses if tool is None or u.tool_id == tool}


def test_authorization_bearer_header_is_not_the_bearer_scanner():
    for text in ('curl -H "Authorization: Bearer $TOKEN" https://api.example.com',
                 'echo "Authorization: Bearer abc"', "Authorization: Bearer x"):
        assert not any(u.tool_id == "bearer" for u in CAT.from_command(shlex.split(text)))
    assert _caps(CAT.from_command(["bearer", "scan", "."]), "bearer") == {"sast"}


def test_setup_helm_is_not_a_deploy():
    uses = CAT.from_action("azure/setup-helm@v4")
    assert "deploy" not in _caps(uses)
    assert not any(u.tool_id == "azure" for u in uses)


def test_pulling_an_image_is_not_publishing():
    for text in ("docker pull ghcr.io/acme/build-image:1.2", "docker run --rm ghcr.io/acme/builder make",
                 "docker login ghcr.io -u x --password-stdin"):
        assert "publish" not in _caps(CAT.from_command(shlex.split(text))), text
    assert CAT.from_image("ghcr.io/acme/build-image:1.2") == []
    assert "publish" in _caps(CAT.from_command(shlex.split("docker push ghcr.io/acme/app:1.2")))
    assert "publish" in _caps(CAT.from_command(shlex.split("docker buildx build --push -t ghcr.io/a/b .")))
    assert "publish" not in _caps(CAT.from_command(shlex.split("docker buildx build --load -t a/b .")))


def test_skaffold_run_deploys_without_progressive_delivery():
    caps = _caps(CAT.from_command(["skaffold", "run", "-p", "prod"]))
    assert "deploy" in caps and "progressive-delivery" not in caps


def test_npm_test_is_an_indirection_and_the_placeholder_script_runs_no_tool():
    assert CAT.from_command(["npm", "test"]) == []
    assert CAT.from_command(["npm", "run", "test"]) == []
    assert CAT.from_command(["yarn", "test"]) == []
    # "test": "echo \"Error: no test specified\" && exit 1" splits into two simple commands
    assert CAT.from_command(shlex.split('echo "Error: no test specified"')) == []
    assert CAT.from_command(["exit", "1"]) == []


def test_dotnet_publish_is_a_build_not_a_registry_publish():
    assert _caps(CAT.from_command(["dotnet", "publish", "-c", "Release"])) == {"build"}


def test_dry_runs_do_not_deploy():
    assert "deploy" not in _caps(CAT.from_command(shlex.split("kubectl apply --dry-run=client -f k8s/")))
    assert "deploy" not in _caps(CAT.from_command(shlex.split("helm upgrade --install app ./chart --dry-run")))


@pytest.mark.parametrize(("command", "tool"), [
    ("sudo -E env CI=1 jest --ci", "jest"),
    ("FOO=1 BAR=2 pytest", "pytest"),
    ("time npx --yes eslint .", "eslint"),
    ("npx -p @lhci/cli@0.13 lhci autorun", "lighthouse-ci"),
    ("pnpm dlx prettier --check .", "prettier"),
    ("pnpm exec vitest run", "vitest"),
    ("yarn dlx eslint .", "eslint"),
    ("yarn exec jest", "jest"),
    ("bunx vitest run", "vitest"),
    ("uvx --from ruff==0.6.0 ruff check", "ruff"),
    ("uv tool run mypy src", "mypy"),
    ("uv run --with pytest-xdist pytest -n 4", "pytest"),
    ("poetry run mypy .", "mypy"),
    ("pipx run --spec pip-audit==2.7 pip-audit", "pip-audit"),
    ("python3 -m mypy src", "mypy"),
    ("python3.12 -X dev -m pytest", "pytest"),
    ("bundle exec rspec spec/", "rspec"),
    ("go run github.com/golangci/golangci-lint/cmd/golangci-lint@v1.61.0 run ./...", "golangci-lint"),
    ("go run golang.org/x/vuln/cmd/govulncheck@latest ./...", "govulncheck"),
    ("dotnet tool run dotnet-stryker", "stryker-net"),
    ("./mvnw -B verify", "maven"),
    ("mvnw.cmd test", "maven"),
    ("./gradlew --no-daemon build", "gradle"),
    ("./node_modules/.bin/jest --coverage", "jest"),
    ("/usr/local/bin/trivy image alpine:3", "trivy"),
    ("timeout 10m k6 run load.js", "k6"),
    ("xvfb-run -a cypress run", "cypress"),
    ("exec gitleaks detect --no-banner", "gitleaks"),
])
def test_wrappers_are_removed(command, tool):
    assert any(u.tool_id == tool and u.capability for u in CAT.from_command(shlex.split(command))), command


@pytest.mark.parametrize("command", [
    "hatch run test:cov", "go run ./cmd/server", "go run main.go", "python script.py", "python -c 'import x'",
    "npx", "sudo", "env", "uv run", "", "echo pytest", "bash -c 'pytest'", "cat .golangci.yml",
])
def test_no_tool_where_there_is_none(command):
    uses = CAT.from_command(shlex.split(command))
    assert not [u for u in uses if u.capability], uses


def test_image_names_are_normalised():
    assert normalise_image("docker.io/library/alpine:3.20@sha256:abc") == "alpine"
    assert normalise_image("index.docker.io/aquasec/trivy:0.50.0") == "aquasec/trivy"
    assert normalise_image("localhost:5000/team/img") == "localhost:5000/team/img"
    assert {u.tool_id for u in CAT.from_image("docker.io/aquasec/trivy:0.55.0")} == {"trivy"}
    assert CAT.image_command("aquasec/trivy@sha256:0123") == "trivy"
    assert CAT.from_action("docker://aquasec/trivy:0.55.0") == CAT.from_image("aquasec/trivy:0.55.0")


def test_action_matching_is_by_path_prefix_without_ref():
    assert _caps(CAT.from_action("github/codeql-action/analyze@v3")) == {"sast"}
    assert not [u for u in CAT.from_action("github/codeql-action/upload-sarif@v3") if u.capability]
    assert _caps(CAT.from_action("Aquasecurity/Trivy-Action@0.28.0", {"image-ref": "app:ci"})) - {None} == {"container-scan"}
    assert CAT.from_action("./.github/actions/deploy") == []
    assert CAT.from_action("aquasecurity/trivy-action-fork@v1") == []


def test_env_counts_only_when_truthy():
    assert _caps(CAT.from_env("VALIDATE_GITLEAKS", "true"), "gitleaks") == {"secret-scan"}
    assert _caps(CAT.from_env("VALIDATE_GITLEAKS", True), "gitleaks") == {"secret-scan"}
    for value in ("false", "0", "", None, False):
        assert CAT.from_env("VALIDATE_GITLEAKS", value) == []
    assert _caps(CAT.from_env("NPM_CONFIG_PROVENANCE", "true"), "npm") == {"provenance"}


def test_hooks_with_a_shared_id_are_told_apart_by_repo():
    claims = {k: v for k, v in _claims().items() if k.startswith("hook:") and len({t for t, _ in v}) > 1}
    for key, owners in claims.items():
        for tool, repo in owners:
            assert {u.tool_id for u in CAT.from_hook(key[5:], repo)} == {tool}


def test_packages_are_normalised_per_ecosystem():
    assert {u.tool_id for u in CAT.from_package("pip", "Pytest_Cov")} == {"pytest-cov"}
    assert {u.tool_id for u in CAT.from_package("pypi", "sentry-sdk[flask]")} == {"sentry"}
    assert {u.tool_id for u in CAT.from_package("gradle", "io.sentry:sentry")} == {"sentry"}


def test_a_catalog_can_be_built_from_entries():
    cat = Catalog([{"id": "x", "name": "X", "capabilities": ["lint"], "docs": "https://x",
                    "commands": [{"argv": ["xlint"]}], "examples": [{"command": "xlint", "capabilities": ["lint"]}]}])
    assert cat.from_command(["xlint", "."]) == [Use("x", "lint", "command:xlint")]
    assert len(cat) == 1 and cat.tool("x").name == "X"
