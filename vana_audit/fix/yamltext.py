"""Writing YAML by hand, safely: every value that comes from the repository is a double-quoted scalar
(JSON string syntax is valid YAML), and existing YAML files are edited through a ruamel.yaml round trip
that keeps their comments and key order."""

from __future__ import annotations

import io
import json
from typing import Any

import yaml


def q(value: str) -> str:
    """A YAML double-quoted scalar for any text: quotes, backslashes, `#`, `:` and `${{` are inert."""
    return json.dumps(value, ensure_ascii=False)


def check_yaml(text: str) -> Any:
    """The (last) document, parsed by the safe loader: a generated file that does not parse is a bug.
    GitLab files may start with a `spec:` header document; the pipeline is the last one."""
    documents = list(yaml.safe_load_all(text))
    return documents[-1] if documents else None


def _yaml() -> Any:
    from ruamel.yaml import YAML

    handler = YAML(typ="rt")
    handler.preserve_quotes = True
    handler.indent(mapping=2, sequence=4, offset=2)
    handler.width = 4096
    return handler


def round_trip_load(text: str) -> Any:
    return _yaml().load(text)


def round_trip_load_all(text: str) -> list[Any]:
    return list(_yaml().load_all(text))


def round_trip_dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def round_trip_dump_all(documents: list[Any]) -> str:
    out = io.StringIO()
    _yaml().dump_all(documents, out)
    return out.getvalue()


def loads_fragment(text: str) -> Any:
    """A generated fragment (YAML text) as round-trip nodes, to insert into a loaded document."""
    return round_trip_load(text)
