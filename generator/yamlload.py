"""Safe YAML loading that remembers where every value came from.

Visit files are written by hand, so two YAML 1.1 surprises are switched off:

* only ``true``/``false`` (any case) are booleans, so ``country: NO`` stays Norway and
  ``yes``/``on`` stay text;
* ``14:00`` is text, not the base-60 integer 840.

Every key and value gets a :class:`Position` under its *path*, a tuple of mapping keys and
list indexes, so that validation errors can name the line and column they refer to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    column: int


# libyaml's parser when PyYAML was built with it (much faster); the same rules either way.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader with YAML 1.2-style booleans and no sexagesimal numbers."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:bool",
                                                              "tag:yaml.org,2002:int",
                                                              "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?"
        r"|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


@dataclass
class LoadedYaml:
    """A parsed document and the positions of its keys and values."""

    data: Any
    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)
    duplicates: list[tuple[PathKey, Position, Position]] = field(default_factory=list)

    def position(self, path: PathKey, *, key: bool = False) -> Position:
        """The best position for *path*: the key or value itself, else its nearest parent."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), Position(1, 1))


class YamlSyntaxError(Exception):
    """The text is not valid YAML; carries the position and a plain-language reason."""

    def __init__(self, position: Position, reason: str) -> None:
        super().__init__(reason)
        self.position = position
        self.reason = reason


def _mark(node: Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _path_key(value: Any) -> str | int:
    return value if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _walk(loader: _Loader, node: Node, path: PathKey, out: LoadedYaml) -> None:
    out.values[path] = _mark(node)
    if isinstance(node, MappingNode):
        seen: dict[str | int, Position] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = _path_key(loader.construct_object(key_node, deep=True))
            child = (*path, key)
            if key in seen:
                out.duplicates.append((child, seen[key], _mark(key_node)))
            seen[key] = _mark(key_node)
            out.keys[child] = _mark(key_node)
            _walk(loader, value_node, child, out)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _walk(loader, item, (*path, index), out)
    elif isinstance(node, ScalarNode):
        return


def _reason(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or "invalid YAML"
    hints = {  # PyYAML's and libyaml's wording of the same mistakes
        "found character '\\t' that cannot start any token":
            "a tab character; indent with spaces only",
        "found a tab character": "a tab character; indent with spaces only",
        "mapping values are not allowed":
            "a colon in an unexpected place; put text that contains ': ' in quotes, "
            "or check the indentation of this line",
        "could not find expected ':'":
            "a key without a colon, or a line indented differently from its neighbours",
        "found undefined alias": "an alias (*name) with no matching anchor (&name)",
    }
    for needle, hint in hints.items():
        if needle in problem:
            return hint
    context = f" ({error.context})" if error.context else ""
    return f"{problem}{context}; check the indentation and quotes on this line"


def load_yaml(text: str) -> LoadedYaml:
    """Parse one YAML document safely, keeping positions. Raises :class:`YamlSyntaxError`."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return LoadedYaml(data=None)
        data = loader.construct_document(node)
        out = LoadedYaml(data=data)
        _walk(loader, node, (), out)
        return out
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        raise YamlSyntaxError(position, _reason(error)) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(Position(1, 1), str(error)) from None
    finally:
        loader.dispose()


def read_yaml(path: Path) -> LoadedYaml:
    """Read and parse a UTF-8 YAML file (a BOM is accepted)."""
    text = path.read_text(encoding="utf-8-sig")
    return load_yaml(text)
