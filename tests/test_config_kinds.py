"""The configuration kinds the collectors file paths under are catalog data (tools.yaml's
`config_kinds`): the schema holds, the code's predicates and the catalog name the same kinds, and the
lookups the collectors use are built from it."""
from __future__ import annotations

import json
from importlib import resources

import jsonschema

from vana_audit.collectors.iac import detect_iac_tools
from vana_audit.collectors.meta import CONFIG_PREDICATES, collect_config_files
from vana_audit.tools.catalog import catalog, load_document


def test_schema_validates_the_config_kinds() -> None:
    schema = json.loads(resources.files("vana_audit").joinpath("schemas/tools.schema.json").read_text("utf-8"))
    jsonschema.validate(json.loads(json.dumps(load_document())), schema)


def test_every_predicate_is_a_catalog_kind_without_names() -> None:
    kinds = {k.kind: k for k in catalog().config_kinds.values() if k.facts == "config_files"}
    assert set(CONFIG_PREDICATES) <= set(kinds)
    assert all(not kinds[k].names and not kinds[k].paths for k in CONFIG_PREDICATES)
    unclassified = {k for k, kind in kinds.items() if not kind.names and not kind.paths} - set(CONFIG_PREDICATES)
    assert not unclassified, f"catalog kinds nothing classifies: {unclassified}"


def test_iac_kinds_are_the_result_vocabulary() -> None:
    schema = json.loads(resources.files("vana_audit").joinpath("schemas/result.schema.json").read_text("utf-8"))
    enum = set(schema["properties"]["inventory"]["properties"]["iac_tools"]["items"]["enum"])
    kinds = {k.kind for k in catalog().config_kinds.values() if k.facts == "iac_tools"}
    assert kinds == enum
    assert set(detect_iac_tools(["main.tf", "chart/Chart.yaml", "cdk.json", "serverless.yml"])) <= kinds


def test_names_and_paths_classify_files() -> None:
    found = collect_config_files(["vercel.json", "web/vercel.json", ".github/dependabot.yml", "x/.github/dependabot.yml",
                                  ".pre-commit-config.yaml", "sub/.pre-commit-config.yaml", "ops/prometheus.yml"])
    assert found["vercel"] == ["vercel.json", "web/vercel.json"]
    assert found["dependabot"] == [".github/dependabot.yml"]
    assert found["pre-commit"] == [".pre-commit-config.yaml"]  # a path: at the root only
    assert found["prometheus"] == ["ops/prometheus.yml"]


def test_kind_capabilities() -> None:
    tools = catalog()
    assert tools.kinds_with("deploy", "iac_tools") == ("skaffold", "serverless", "helm", "kustomize")
    assert set(tools.kinds_with("iac", "iac_tools")) == {"terraform", "opentofu", "terragrunt", "pulumi", "cdk", "ansible",
                                                         "cloudformation"}
    assert set(tools.kubernetes_kinds()) == {"kubernetes", "helm", "kustomize", "skaffold"}
