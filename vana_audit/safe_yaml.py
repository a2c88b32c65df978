"""YAML loading for untrusted files: safe constructors only, caps on size, depth and expansion.

Mappings come back as `LineDict`, a dict that remembers the line it started on, so findings can
point at `path:line` without a second parse.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

try:  # the C loader is several times faster; fall back when libyaml is missing
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader  # type: ignore[misc]

MAX_NODES = 200_000  # nodes visited after alias expansion
MAX_DEPTH = 64


class YamlTooComplex(ValueError):
    pass


class LineDict(dict):
    """A mapping that knows the 1-based line it started on."""

    __slots__ = ("line",)

    def __init__(self, *args: Any, line: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = line


class LineList(list):
    __slots__ = ("line",)

    def __init__(self, *args: Any, line: int = 0) -> None:
        super().__init__(*args)
        self.line = line


class TaggedList(LineList):
    """A sequence under an unknown tag (GitLab's `!reference [.job, script]`): still a list, and
    the tag is kept so a reader can tell a reference from a plain list."""

    __slots__ = ("tag",)

    def __init__(self, *args: Any, line: int = 0, tag: str = "") -> None:
        super().__init__(*args, line=line)
        self.tag = tag


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode):  # type: ignore[no-untyped-def]
    data = LineDict(line=node.start_mark.line + 1)
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=False)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        data[key] = loader.construct_object(value_node, deep=False)


def _construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode):  # type: ignore[no-untyped-def]
    data = LineList(line=node.start_mark.line + 1)
    yield data
    data.extend(loader.construct_object(child, deep=False) for child in node.value)


def _construct_timestamp_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)  # type: ignore[return-value]


MAX_INT_BITS = 4096  # far past any real number; str() of a larger int raises ValueError in Python 3.11+


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | str:
    """An integer, or its text when it is too long to be one (int() and str() refuse 4300+ digits)."""
    try:
        value = yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:
        return loader.construct_scalar(node)  # type: ignore[return-value]
    return value if value.bit_length() <= MAX_INT_BITS else loader.construct_scalar(node)  # type: ignore[return-value]


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:omap", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
# Unknown tags (GitLab's !reference, CloudFormation's !Ref) load as their plain value.
_Loader.add_multi_constructor("!", lambda loader, suffix, node: _construct_unknown(loader, node))
_Loader.add_multi_constructor("tag:", lambda loader, suffix, node: _construct_unknown(loader, node))


def _construct_unknown(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return LineDict(loader.construct_mapping(node), line=node.start_mark.line + 1)
    if isinstance(node, yaml.SequenceNode):
        return TaggedList(loader.construct_sequence(node), line=node.start_mark.line + 1, tag=str(node.tag))
    return loader.construct_scalar(node)


def _check_bounds(document: Any) -> None:
    """Walk the loaded document once; aliases make it a DAG, so count every visit."""
    budget = MAX_NODES
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        node, depth = stack.pop()
        budget -= 1
        if budget < 0:
            raise YamlTooComplex(f"more than {MAX_NODES} nodes after alias expansion")
        if depth > MAX_DEPTH:
            raise YamlTooComplex(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


def load_all(text: str) -> list[Any]:
    """Load every document of a YAML stream; raise yaml.YAMLError or YamlTooComplex."""
    try:
        docs = list(yaml.load_all(text, Loader=_Loader))
    except RecursionError as exc:
        raise YamlTooComplex("nested too deeply to parse") from exc
    for doc in docs:
        _check_bounds(doc)
    return docs


def load(text: str) -> Any:
    docs = load_all(text)
    return docs[0] if docs else None


def describe_error(exc: Exception) -> str:
    """One line naming what went wrong and where, for a problem entry."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if mark is not None:
        return f"invalid YAML at line {mark.line + 1}: {problem}"
    if isinstance(exc, YamlTooComplex):
        return f"YAML refused: {exc}"
    return f"invalid YAML: {problem}"


def walk_mappings(node: Any) -> Iterator[dict[str, Any]]:
    """Every mapping in a parsed document (or list of documents), depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk_mappings(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk_mappings(value)
