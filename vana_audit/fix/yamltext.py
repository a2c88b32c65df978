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
    """The document, parsed by the safe loader: a generated file that does not parse is a bug."""
    return yaml.safe_load(text)


def round_trip_load(text: str) -> Any:
    from ruamel.yaml import YAML

    loader = YAML(typ="rt")
    loader.preserve_quotes = True
    return loader.load(text)


def round_trip_dump(data: Any) -> str:
    from ruamel.yaml import YAML

    dumper = YAML(typ="rt")
    dumper.preserve_quotes = True
    dumper.indent(mapping=2, sequence=4, offset=2)
    dumper.width = 4096
    out = io.StringIO()
    dumper.dump(data, out)
    return out.getvalue()


def loads_fragment(text: str) -> Any:
    """A generated fragment (YAML text) as round-trip nodes, to insert into a loaded document."""
    return round_trip_load(text)
