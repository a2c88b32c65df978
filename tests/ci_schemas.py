"""Validate a file `vana-audit fix` generates against the JSON Schema of the tool that reads it.

The schemas are vendored, byte-identical, in tests/schemas/ (see its README.md for source, commit and
license). Nothing is fetched: a `$ref` to another schema resolves from a local registry of the vendored
files only, and an unknown reference fails instead of going to the network."""
from __future__ import annotations

import json
import re
from fnmatch import fnmatch
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource

SCHEMAS = Path(__file__).parent / "schemas"

# Path pattern of a generated file -> schema file, first match wins (the consumers' own file names).
_BY_PATH = (
    (".github/workflows/*.yml", "github-workflow.json"),
    (".github/workflows/*.yaml", "github-workflow.json"),
    (".github/dependabot.yml", "dependabot-2.0.json"),
    (".github/dependabot.yaml", "dependabot-2.0.json"),
    (".github/ISSUE_TEMPLATE/*.yml", "github-issue-forms.json"),
    (".github/ISSUE_TEMPLATE/*.yaml", "github-issue-forms.json"),
    (".gitlab-ci.yml", "gitlab-ci.json"),
    ("*.gitlab-ci.yml", "gitlab-ci.json"),
    (".pre-commit-config.yaml", "pre-commit-config.json"),
    (".pre-commit-config.yml", "pre-commit-config.json"),
)


class _Yaml12Loader(yaml.SafeLoader):
    """Booleans as YAML 1.2 and the runners read them: `on:` is the key "on", not True."""


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                    list("tTfF"))


def schema_name(path: str) -> str | None:
    """The vendored schema a generated file is checked against, None for a file no schema covers."""
    return next((name for pattern, name in _BY_PATH if fnmatch(path, pattern)), None)


@cache
def _load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return document


@cache
def _registry() -> Registry:
    resources = []
    for file in sorted(SCHEMAS.glob("*.json")):
        schema = _load(file.name)
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def validate_generated(path: str, text: str) -> None:
    """Raise jsonschema.ValidationError (every error listed) if `text`, the content of generated file
    `path`, is not valid for its consumer; a path no vendored schema covers is not checked."""
    name = schema_name(path)
    if name is None:
        return
    schema = _load(name)
    document = json.loads(text) if path.endswith(".json") else yaml.load(text, Loader=_Yaml12Loader)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, registry=_registry())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        detail = "\n".join(f"  at {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}"
                           for e in errors)
        raise jsonschema.ValidationError(f"{path} is not valid against {name}:\n{detail}")
