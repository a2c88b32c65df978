"""YAML loading for untrusted files: safe constructors only, caps on size, depth and expansion.

Mappings come back as `LineDict`, a dict that remembers the line it started on, so findings can
point at `path:line` without a second parse.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:  # the pure-Python fallback has the same constructor API; mypy checks against the C loader
    _BaseLoader = yaml.CSafeLoader
else:
    try:  # the C loader is several times faster; fall back when libyaml is missing
        _BaseLoader = yaml.CSafeLoader
    except AttributeError:  # pragma: no cover
        _BaseLoader = yaml.SafeLoader

MAX_NODES = 200_000  # in a whole stream, aliases expanded
MAX_DEPTH = 64


class YamlTooComplex(ValueError):
    pass


class LineDict(dict[Any, Any]):
    """A mapping that knows the 1-based line it started on."""

    __slots__ = ("line",)

    def __init__(self, *args: Any, line: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = line


class LineList(list[Any]):
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


class _Loader(_BaseLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Iterator[LineDict]:
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


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> Iterator[LineList]:
    data = LineList(line=node.start_mark.line + 1)
    yield data
    data.extend(loader.construct_object(child, deep=False) for child in node.value)


def _construct_timestamp_as_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


MAX_INT_BITS = 4096  # far past any real number; str() of a larger int raises ValueError in Python 3.11+


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int | str:
    """An integer, or its text when it is too long to be one (int() and str() refuse 4300+ digits)."""
    try:
        value = yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:
        return loader.construct_scalar(node)
    return value if value.bit_length() <= MAX_INT_BITS else loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:omap", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
# Unknown tags (GitLab's !reference, CloudFormation's !Ref, `!<anything>`) load as their plain value.
_Loader.add_multi_constructor("", lambda loader, suffix, node: _construct_unknown(loader, node))


def _construct_unknown(loader: _Loader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return LineDict(loader.construct_mapping(node), line=node.start_mark.line + 1)
    if isinstance(node, yaml.SequenceNode):
        return TaggedList(loader.construct_sequence(node), line=node.start_mark.line + 1, tag=str(node.tag))
    assert isinstance(node, yaml.ScalarNode)  # the third and last kind of node
    return loader.construct_scalar(node)


# Bounds are checked before any Python object is built: the C composer turns the text into a node
# graph in which an alias is one shared node, and `_measure` visits each distinct node once while
# counting an alias at its expanded size. Composing costs time in proportion to the text (about
# 0.1 s for 64 KB of `- - - -` lines, 7 s for 1.9 MB), so a longer text first goes through
# `_precheck`, which counts on the parser's event stream and stops at the limit.
PRECHECK_CHARS = 64 * 1024

_STEPS = {  # event type -> (nodes, depth) it adds
    yaml.ScalarEvent: (1, 0), yaml.AliasEvent: (1, 0),
    yaml.SequenceStartEvent: (1, 1), yaml.MappingStartEvent: (1, 1),
    yaml.SequenceEndEvent: (0, -1), yaml.MappingEndEvent: (0, -1),
}


def _precheck(text: str) -> None:
    """Count nodes (an alias as one) and depth on the event stream, building nothing; stop at a limit."""
    nodes = depth = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        step = _STEPS.get(type(event))
        if step:
            nodes, depth = nodes + step[0], depth + step[1]
            if nodes > MAX_NODES or depth > MAX_DEPTH:
                raise YamlTooComplex(f"more than {MAX_NODES} nodes" if nodes > MAX_NODES
                                     else f"nested deeper than {MAX_DEPTH} levels")


def _measure(node: yaml.Node, depth: int, seen: dict[int, tuple[int, int]]) -> tuple[int, int]:
    """(nodes, height) of the node found at `depth`, aliases expanded; `seen` keeps each collection's."""
    if isinstance(node, yaml.ScalarNode):
        return 1, 0
    known = seen.get(id(node))
    if known is None:
        if depth > MAX_DEPTH:  # also ends a cycle (an alias inside its own anchor)
            raise YamlTooComplex(f"nested deeper than {MAX_DEPTH} levels")
        size, height = 1, 0
        for child in (n for pair in node.value for n in pair) if isinstance(node, yaml.MappingNode) else node.value:
            child_size, child_height = _measure(child, depth + 1, seen)
            size, height = size + child_size, max(height, child_height + 1)
            if size > MAX_NODES:
                raise YamlTooComplex(f"more than {MAX_NODES} nodes after alias expansion")
        known = seen[id(node)] = (size, height)
    if depth + known[1] > MAX_DEPTH:
        raise YamlTooComplex(f"nested deeper than {MAX_DEPTH} levels")
    return known


def load_all(text: str) -> list[Any]:
    """Load every document of a YAML stream; raise yaml.YAMLError or YamlTooComplex.

    MAX_NODES bounds the whole stream, aliases expanded; MAX_DEPTH bounds each document."""
    if len(text) > PRECHECK_CHARS:
        _precheck(text)
    loader = _Loader(text)
    docs, nodes = [], 0
    try:
        while loader.check_node():
            node = loader.get_node()
            assert node is not None  # check_node() said there is one
            nodes += _measure(node, 0, {})[0]
            if nodes > MAX_NODES:
                raise YamlTooComplex(f"more than {MAX_NODES} nodes after alias expansion")
            docs.append(loader.construct_document(node))
    except RecursionError as exc:
        raise YamlTooComplex("nested too deeply to parse") from exc
    finally:
        loader.dispose()
    return docs


def load(text: str) -> Any:
    docs = load_all(text)
    return docs[0] if docs else None


def load_config(text: str) -> Any:
    """The configuration document of a file: the first, or the one after a header document that holds
    only `spec:` (a GitLab CI/CD component's `spec: inputs:` header, then `---`, then the pipeline)."""
    docs = load_all(text)
    if len(docs) > 1 and isinstance(docs[0], dict) and set(docs[0]) == {"spec"}:
        return docs[1]
    return docs[0] if docs else None


def describe_error(exc: Exception) -> str:
    """One line naming what went wrong and where, for a problem entry; never the file's content.

    libyaml's messages are fixed phrases; a value that does not fit its explicit tag (`!!float abc`)
    fails in Python with a message quoting the value, so only its kind is named."""
    if isinstance(exc, YamlTooComplex):
        return f"YAML refused: {exc}"
    if isinstance(exc, yaml.reader.ReaderError):
        return f"invalid YAML at character {exc.position}: {exc.reason}"
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark
        return f"invalid YAML{f' at line {mark.line + 1}' if mark else ''}: {exc.problem or 'cannot parse'}"
    return f"invalid YAML: a value does not fit its tag ({type(exc).__name__})"


def walk_mappings(node: Any) -> Iterator[dict[str, Any]]:
    """Every mapping in a parsed document (or list of documents), depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk_mappings(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk_mappings(value)
