"""Property-based tests: no parser lets an exception escape, whatever the bytes.

Each parser gets arbitrary bytes (decoded with replacement, as the Source does), text built from
the fragments its format is made of, and, for the YAML-based parsers, arbitrary documents of any
shape (the parsers must not assume `steps` is a list or `jobs` a mapping). Files are served from an
in-memory `Source`, so the collectors run exactly as in a scan, without a disk.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vana_audit import safe_yaml
from vana_audit.collectors import collect_facts
from vana_audit.collectors.ci import (
    YAML_PROVIDERS,
    collect_pipelines,
    parse_github_workflow,
    parse_gitlab,
    parse_jenkinsfile,
)
from vana_audit.collectors.containers import collect_compose, collect_dockerfiles, parse_compose, parse_dockerfile
from vana_audit.collectors.iac import collect_k8s, collect_terraform, detect_iac_tools
from vana_audit.collectors.project import collect_make, collect_manifests
from vana_audit.source import Source

SCALE = int(os.environ.get("VANA_PROPERTY_SCALE", "1"))  # e.g. 20 for a long hunt; the suite stays quick by default
FAST = settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
THOROUGH = settings(max_examples=300 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class MemorySource(Source):
    """A Source over a dict of files: the same caps and problem recording, no disk."""

    def __init__(self, files: dict[str, bytes], max_file_bytes: int = 256 * 1024) -> None:
        super().__init__(max_file_bytes)
        self._data = dict(files)
        self.label = "memory"
        self.git = None

    def _list_files(self) -> list[str]:
        return list(self._data)

    def read_bytes(self, path: str) -> bytes | None:
        data = self._data.get(path)
        if data is None or self._too_big(path, len(data)):
            return None
        return data


# -- strategies -------------------------------------------------------------------------------------

decoded_bytes = st.binary(max_size=4000).map(lambda b: b.decode("utf-8", "replace"))

YAML_FRAGMENTS = [
    "on:",
    "jobs:",
    "steps:",
    "- ",
    "  ",
    "    ",
    "\n",
    "run: ",
    "uses: ",
    "name: ",
    "with:",
    "env:",
    "&a ",
    "*a",
    "<<: *a",
    "!!str ",
    "!!binary ",
    "!!python/object:os.system ",
    "!reference ",
    "!Ref ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    '"',
    "#",
    "|",
    ">-",
    "---\n",
    "...\n",
    "? ",
    ": ",
    "true",
    "null",
    "~",
    "0x1F",
    "1e400",
    ".inf",
    "2025-10-01",
    "2025-13-45T99:99:99",
    "=",
    "\t",
    "script:",
    "stages:",
    "services:",
    "image:",
    "build:",
    "ports:",
    "environment:",
    "extends:",
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "\ufeff",
    "\x00",
    "\x85",
    "\u2028",
    "1" * 5000,
    "0x" + "f" * 5000,
    "0b" + "1" * 20000,
    "0o" + "7" * 6000,
    "1_0" * 3000,
]
yaml_ish = st.lists(st.one_of(st.sampled_from(YAML_FRAGMENTS), st.text(max_size=8)), max_size=120).map("".join)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20), st.binary(max_size=10)
)  # no giant ints: safe_yaml keeps those as text (tested below)
keys = st.one_of(
    st.text(max_size=12),
    st.integers(),
    st.booleans(),
    st.none(),
    st.sampled_from(
        [
            "on",
            "jobs",
            "steps",
            "run",
            "uses",
            "with",
            "env",
            "name",
            "runs-on",
            "if",
            "permissions",
            "environment",
            "strategy",
            "matrix",
            "script",
            "stages",
            "stage",
            "when",
            "rules",
            "image",
            "services",
            "build",
            "pipelines",
            "step",
            "deploy",
            "trigger",
            "variables",
            "include",
            "push",
            "branches",
            "tags",
            "pull_request",
            "parallel",
            "before_script",
            "after_script",
            "deployment",
            "task",
            "inputs",
            "displayName",
            "pr",
            "schedules",
            "args",
            "entrypoint",
            "id",
            "command",
            "commands",
            "kind",
            "apiVersion",
            "metadata",
            "spec",
            "ports",
            "volumes",
        ]
    ),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(keys, children, max_size=6)),
    max_leaves=40,
)

DOCKER_FRAGMENTS = [
    "FROM ",
    "RUN ",
    "COPY ",
    "USER ",
    "ENV ",
    "ARG ",
    "HEALTHCHECK ",
    "CMD ",
    "ENTRYPOINT ",
    "WORKDIR ",
    "EXPOSE ",
    "LABEL ",
    "AS ",
    "--from=",
    "--mount=type=cache ",
    "\\\n",
    "`\n",
    "\n",
    "# escape=`\n",
    "# syntax=docker/dockerfile:1\n",
    "<<EOF\n",
    "<<-'EOF'\n",
    "EOF\n",
    "&& ",
    "apt-get install -y ",
    "python:3.12",
    "@sha256:",
    ":latest",
    "root",
    "0",
    "  ",
    "\t",
    "#",
]
dockerfile_ish = st.lists(st.one_of(st.sampled_from(DOCKER_FRAGMENTS), st.text(max_size=6)), max_size=80).map("".join)

JENKINS_FRAGMENTS = [
    "pipeline {",
    "agent any",
    "stages {",
    "stage('",
    'stage("',
    "')",
    '")',
    " {",
    "}",
    "\n",
    "steps {",
    "sh '",
    'sh "',
    "sh '''",
    'sh """',
    "'''",
    '"""',
    "'",
    '"',
    "bat ",
    "powershell(",
    "script: ",
    "input ",
    "input(",
    "cron('H * * * *')",
    "pollSCM(",
    "prod",
    "post { failure {",
    "  ",
    "\\",
    "${env.X}",
    "(",
    ")",
]
jenkins_ish = st.lists(st.one_of(st.sampled_from(JENKINS_FRAGMENTS), st.text(max_size=6)), max_size=80).map("".join)

TOML_FRAGMENTS = [
    "[project]\n",
    "[tool.pytest.ini_options]\n",
    "[tool.coverage.report]\n",
    "[tool.poetry]\n",
    "[tool.poetry.dependencies]\n",
    "[[tool.x]]\n",
    "[dependency-groups]\n",
    "dependencies = ",
    "optional-dependencies = ",
    "addopts = ",
    "fail_under = ",
    "scripts = ",
    "name = ",
    "[",
    "]",
    "{",
    "}",
    '"',
    "'''",
    '"""',
    ",",
    "=",
    "\n",
    "1",
    "1.5",
    "true",
    '"--cov-fail-under=80"',
    'dev = ["pytest"]',
    "inf",
    "nan",
    "1979-05-27T07:32:00Z",
    "#",
]
toml_ish = st.lists(st.one_of(st.sampled_from(TOML_FRAGMENTS), st.text(max_size=6)), max_size=60).map("".join)

INI_FRAGMENTS = [
    "[pytest]\n",
    "[tool:pytest]\n",
    "[tox]\n",
    "[testenv]\n",
    "[report]\n",
    "[coverage:report]\n",
    "[metadata]\n",
    "addopts = ",
    "commands = ",
    "fail_under = ",
    "  ",
    "\n",
    "=",
    ":",
    "%(x)s",
    "${x}",
    "pytest --cov --cov-fail-under=90",
    "[",
    "]",
    ";",
    "#",
    "\t",
    "[DEFAULT]\n",
    "x",
]
ini_ish = st.lists(st.one_of(st.sampled_from(INI_FRAGMENTS), st.text(max_size=6)), max_size=60).map("".join)

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=15)),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(
                st.text(max_size=10),
                st.sampled_from(
                    [
                        "scripts",
                        "dependencies",
                        "devDependencies",
                        "jest",
                        "coverageThreshold",
                        "workspaces",
                        "private",
                        "main",
                        "renovate",
                        "husky",
                        "lint-staged",
                        "global",
                    ]
                ),
            ),
            children,
            max_size=5,
        ),
    ),
    max_leaves=30,
)


@st.composite
def json_ish(draw: Any) -> str:
    """Valid JSON, sometimes cut short or with a character spliced in."""
    text = json.dumps(draw(json_values))
    cut = draw(st.integers(min_value=0, max_value=len(text)))
    return draw(st.sampled_from([text, text[:cut], text[:cut] + draw(st.text(max_size=3)) + text[cut:]]))


def as_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


# -- YAML -------------------------------------------------------------------------------------------


@THOROUGH
@given(st.one_of(decoded_bytes, yaml_ish))
def test_safe_yaml_load_raises_only_yaml_errors(text: str) -> None:
    try:
        safe_yaml.load_all(text)
    except (yaml.YAMLError, safe_yaml.YamlTooComplex):
        pass


def _walk(node: Any) -> Any:
    yield node
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


@FAST
@given(
    st.sampled_from(["1" * 5000, "0x" + "f" * 5000, "-" + "9" * 4400, "0b" + "1" * 20000, "1_0" * 3000, "12"]),
    st.sampled_from(["a: {}\n", "? {}\n: a\n", "- {}\n", "a: [{}, 1]\n"]),
)
def test_safe_yaml_never_yields_an_integer_too_long_to_print(number: str, template: str) -> None:
    """Python refuses str() of an int past 4300 digits; such a number must come back as its text."""
    for node in _walk(safe_yaml.load(template.format(number))):
        str(node)


def _nested_dashes(size: int) -> str:
    return ("- " * 31 + "-\n") * (size // 64)


def test_a_long_file_of_nested_dashes_is_refused_while_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refused while composing, before any Python object is built (checking the bounds on the built
    document took about 30 s); the time itself is in benchmarks/bench_bounds.py."""

    def build(*_: Any) -> Any:
        raise AssertionError("a document was built")

    monkeypatch.setattr(safe_yaml._Loader, "construct_document", build)
    with pytest.raises(safe_yaml.YamlTooComplex, match="nodes"):
        safe_yaml.load_all(_nested_dashes(1_900_000))


def _alias_graph(levels: int) -> str:
    """Each anchor holds two aliases of the one before: 2**levels leaves in 2 * levels nodes."""
    names = [f"n{i}" for i in range(levels)]
    return "\n".join(["n0: &n0 [x, x]"] + [f"{b}: &{b} [*{a}, *{a}]" for a, b in zip(names, names[1:], strict=False)]) + "\n"


def test_an_alias_graph_is_refused_before_any_object_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    def build(*_: Any) -> Any:
        raise AssertionError("a document was built")

    monkeypatch.setattr(safe_yaml._Loader, "construct_document", build)
    for text in (_alias_graph(40), "a: &a [*a]\n", "- &a {k: [x, *a]}\n"):
        with pytest.raises(safe_yaml.YamlTooComplex):
            safe_yaml.load_all(text)


def test_an_alias_graph_under_the_limits_loads() -> None:
    doc = safe_yaml.load(_alias_graph(10))
    assert len(list(_walk(doc))) > 2 ** 10


def test_yaml_errors_never_quote_the_file() -> None:
    for text in ("a: !!float secret-1\n", "a: !!bool secret-1\n", "a: !!map secret-1\n", "a: *secret-1\n",
                 "a: !!int [secret-1]\n", "\x00secret-1"):
        try:
            safe_yaml.load_all(text)
        except Exception as exc:  # noqa: BLE001 - every kind must describe itself without the text
            message = safe_yaml.describe_error(exc)
            assert "secret" not in message.lower() and "\n" not in message, (text, message)
        else:
            raise AssertionError(f"{text!r} loaded")


def test_any_unknown_tag_loads_as_its_plain_value() -> None:
    assert safe_yaml.load("a: !<secret-1> 1\nb: !Ref x\nc: !!python/object:os.system [1]\n") == {
        "a": "1", "b": "x", "c": [1]}


# -- CI pipelines --------------------------------------------------------------------------------------


@THOROUGH
@given(documents)
def test_parse_github_workflow_accepts_any_document_shape(doc: Any) -> None:
    parse_github_workflow(".github/workflows/ci.yml", "", doc)
    parse_github_workflow(".github/workflows/ci.yml", "", {"on": "push", "jobs": doc})
    parse_github_workflow(".github/workflows/ci.yml", "", {"jobs": {"a": doc}})
    parse_github_workflow(".github/workflows/ci.yml", "", {"jobs": {"a": {"steps": doc}}})
    parse_github_workflow(".github/workflows/ci.yml", "", {"jobs": {"a": {"steps": [doc]}}})


@THOROUGH
@given(documents, st.one_of(decoded_bytes, yaml_ish))
def test_parse_gitlab_accepts_any_document_shape(doc: Any, text: str) -> None:
    parse_gitlab(".gitlab-ci.yml", text, doc)
    parse_gitlab(".gitlab-ci.yml", text, {"test": doc})
    parse_gitlab(".gitlab-ci.yml", text, {"test": {"script": doc, "rules": doc, "environment": doc}})


@FAST
@given(documents)
def test_every_other_yaml_pipeline_parser_accepts_any_document_shape(doc: Any) -> None:
    for path, parser in YAML_PROVIDERS.items():
        for shaped in (
            doc,
            {"jobs": doc},
            {"jobs": {"a": doc}},
            {"stages": [{"jobs": [doc]}]},
            {"pipelines": {"default": [{"step": doc}]}},
            {"steps": [doc]},
            {"jobs": [doc]},
        ):
            parser(path, "", shaped)


@THOROUGH
@given(st.one_of(decoded_bytes, jenkins_ish))
def test_parse_jenkinsfile_accepts_any_text(text: str) -> None:
    parse_jenkinsfile("Jenkinsfile", text)


@FAST
@given(
    st.dictionaries(
        st.sampled_from(
            list(YAML_PROVIDERS)
            + [".github/workflows/ci.yml", "Jenkinsfile", ".github/workflows/x.yaml", ".tekton/p.yml"]
        ),
        st.one_of(st.binary(max_size=2000), yaml_ish.map(as_bytes), jenkins_ish.map(as_bytes)),
        max_size=6,
    )
)
def test_collect_pipelines_survives_any_bytes(files: dict[str, bytes]) -> None:
    source = MemorySource(files)
    collect_pipelines(source, source.files)


# -- containers ----------------------------------------------------------------------------------------


@THOROUGH
@given(st.one_of(decoded_bytes, dockerfile_ish))
def test_parse_dockerfile_accepts_any_text(text: str) -> None:
    parsed = parse_dockerfile("Dockerfile", text)
    assert all(i.line >= 1 for i in parsed.instructions)


@THOROUGH
@given(documents)
def test_parse_compose_accepts_any_document_shape(doc: Any) -> None:
    parse_compose("docker-compose.yml", doc)
    parse_compose("docker-compose.yml", {"services": doc})
    parse_compose("docker-compose.yml", {"services": {"web": doc}, "volumes": doc})


@FAST
@given(st.binary(max_size=3000), st.one_of(yaml_ish, dockerfile_ish))
def test_container_collectors_survive_any_bytes(data: bytes, text: str) -> None:
    source = MemorySource(
        {
            "Dockerfile": data,
            "app/Dockerfile.dev": as_bytes(text),
            "docker-compose.yml": data,
            "compose.yaml": as_bytes(text),
        }
    )
    collect_dockerfiles(source, source.files)
    collect_compose(source, source.files)


# -- infrastructure as code ----------------------------------------------------------------------------

HCL_FRAGMENTS = [
    "terraform {",
    'backend "s3" {',
    "cloud {",
    "required_version = ",
    "required_providers {",
    'resource "aws_s3_bucket" "b" {',
    "}",
    "{",
    "\n",
    "  ",
    '"',
    'version = "~> 5.0"',
    'dynamodb_table = "locks"',
    "<<EOT\n",
    "EOT\n",
    "#",
    "//",
    "/*",
    "*/",
    "${var.x}",
]
hcl_ish = st.lists(st.one_of(st.sampled_from(HCL_FRAGMENTS), st.text(max_size=6)), max_size=80).map("".join)
K8S_HEAD = st.sampled_from(
    [
        "",
        "apiVersion: apps/v1\nkind: Deployment\n",
        "apiVersion: v1\nkind: Pod\n",
        "kind: Rollout\napiVersion: argoproj.io/v1alpha1\n",
    ]
)


@FAST
@given(st.one_of(decoded_bytes, hcl_ish), K8S_HEAD, st.one_of(decoded_bytes, yaml_ish), st.binary(max_size=500))
def test_terraform_and_kubernetes_collection_survive_any_bytes(hcl: str, head: str, body: str, raw: bytes) -> None:
    files = {
        "main.tf": as_bytes(hcl),
        "infra/x.tofu": raw,
        "k8s/deploy.yaml": as_bytes(head + body),
        "chart/Chart.yaml": b"name: c\n",
        "chart/templates/d.yaml": as_bytes(head + body),
        "k8s/raw.yml": raw,
    }
    source = MemorySource(files)
    tools = detect_iac_tools(source.files)
    collect_terraform(source, source.files)
    collect_k8s(source, source.files, tools)


# -- package manifests and test configuration -----------------------------------------------------------


@THOROUGH
@given(
    st.one_of(json_ish(), decoded_bytes),
    st.one_of(toml_ish, decoded_bytes),
    st.one_of(ini_ish, decoded_bytes),
    st.one_of(ini_ish, decoded_bytes),
    st.one_of(ini_ish, decoded_bytes),
)
def test_manifests_and_test_configuration_survive_any_text(
    package: str, pyproject: str, setup_cfg: str, tox: str, pytest_ini: str
) -> None:
    files = {
        "package.json": package,
        "pyproject.toml": pyproject,
        "setup.cfg": setup_cfg,
        "tox.ini": tox,
        "pytest.ini": pytest_ini,
        "web/package.json": package,
        "jest.config.js": package,
        "vitest.config.ts": pyproject,
        "requirements.txt": setup_cfg,
        ".coveragerc": tox,
    }
    source = MemorySource({path: as_bytes(text) for path, text in files.items()})
    collect_manifests(source, source.files)


@FAST
@given(json_values)
def test_package_json_of_any_json_shape(value: Any) -> None:
    for data in (
        value,
        {"scripts": value},
        {"jest": value},
        {"jest": {"coverageThreshold": value}},
        {"dependencies": value, "devDependencies": value},
    ):
        source = MemorySource({"package.json": json.dumps(data).encode()})
        collect_manifests(source, source.files)


MAKE_FRAGMENTS = [
    "all:",
    "test:",
    "deploy:",
    ".PHONY: ",
    "\t",
    "\n",
    " ",
    "=",
    ":=",
    "::",
    "%:",
    "$(X)",
    "# deploy: x",
    "ifeq (",
    "endif",
    "define x",
    "endef",
    "include x.mk",
    ";",
    "\\\n",
    "export X",
]
make_ish = st.lists(st.one_of(st.sampled_from(MAKE_FRAGMENTS), st.text(max_size=6)), max_size=80).map("".join)


@FAST
@given(st.one_of(decoded_bytes, make_ish))
def test_makefile_collection_survives_any_text(text: str) -> None:
    source = MemorySource({"Makefile": as_bytes(text), "build/rules.mk": as_bytes(text)})
    collect_make(source, source.files)


# -- everything at once ---------------------------------------------------------------------------------

WELL_KNOWN = [
    ".github/workflows/ci.yml",
    ".gitlab-ci.yml",
    "Jenkinsfile",
    "Dockerfile",
    "docker-compose.yml",
    "main.tf",
    "k8s/app.yaml",
    "package.json",
    "pyproject.toml",
    "setup.cfg",
    "tox.ini",
    "pytest.ini",
    "Makefile",
    "README.md",
    ".pre-commit-config.yaml",
    ".github/dependabot.yml",
    ".gitignore",
    "CODEOWNERS",
    "prometheus.yml",
    "alerts.rules.yml",
    "src/app.py",
    ".env",
    "chart/Chart.yaml",
    "chart/values.yaml",
    "skaffold.yaml",
    "renovate.json",
    ".github/CODEOWNERS",
]


@settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(WELL_KNOWN),
        st.one_of(
            st.binary(max_size=1500), yaml_ish.map(as_bytes), json_ish().map(as_bytes), dockerfile_ish.map(as_bytes)
        ),
        min_size=1,
        max_size=12,
    )
)
def test_collect_facts_survives_any_bytes_in_any_well_known_file(files: dict[str, bytes]) -> None:
    collect_facts(MemorySource(files))


SHELL_FRAGMENTS = ["pytest", " ", "\n", ";", "&&", "||", "|", "X=", "$(", ")", "`", "${{ github.ref }}", "${{", "}}",
                   '"', "'", "(", "\\", "set -e", "true", "$VAR", "=", "\x01", "0", "if ", "then", "fi"]


_FRAGMENTS = st.lists(st.sampled_from(SHELL_FRAGMENTS), max_size=20).map("".join)


@FAST
@given(_FRAGMENTS, st.sampled_from(["", '"']), _FRAGMENTS, _FRAGMENTS)
def test_split_script_never_raises_on_shell_fragments(before: str, quote: str, inside: str, after: str) -> None:
    """Substitutions nest expressions and assignments run them (`X="$(cmd ${{ x }})"`): no mix of fragments
    around and inside one may escape as an error."""
    from vana_audit.collectors.shell import split_script

    for command in split_script(f"{before}\nX={quote}$({inside}){quote}\n{after}"):
        assert command.argv and command.line >= 1
