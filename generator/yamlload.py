"""Safe YAML loading that remembers where every value came from, within limits.

Visit files are written by hand, so two YAML 1.1 surprises are switched off:

* only ``true``/``false`` (any case) are booleans, so ``country: NO`` stays Norway and
  ``yes``/``on`` stay text;
* ``14:00`` is text, not the base-60 integer 840, and ``0755`` is text, not octal 493.

Every key and value gets a :class:`Position` under its *path*, a tuple of mapping keys and
list indexes, so that validation errors can name the line and column they refer to.

Hostile or mistaken input fails with a :class:`YamlSyntaxError` that carries a position and a
plain reason, never with another exception:

* nesting is bounded (:attr:`Limits.max_depth`) and aliases may expand to at most
  :attr:`Limits.max_values` values, so a "billion laughs" file fails at once;
* an alias that refers to itself (a recursive structure) is refused;
* a scalar that its resolved type cannot take (``2026-02-30``, ``0x_``) stays text, so the
  field's validation says what is wrong with it; one with an explicit tag that cannot take it
  (``!!int abc``) is an error.

Legal YAML is accepted: merge keys (``<<: *base``) whose fields are overridden, and anchors
defined again later (an alias refers to the latest definition, as YAML 1.2 says).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

PathKey = tuple[str | int, ...]

MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass(frozen=True)
class Limits:
    """How deep a document may nest, and how many values its aliases may bring in."""

    max_depth: int = 40
    max_values: int = 20_000


DEFAULT_LIMITS = Limits()

try:  # libyaml's parser when PyYAML was built with it (much faster); the same rules either way
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


class _LimitError(yaml.MarkedYAMLError):
    """A limit or rule of this loader; ``problem`` is already a plain-language reason."""

    def __init__(self, problem: str, mark: Any, fix: str) -> None:
        super().__init__(None, None, problem, mark)
        self.fix = fix


class _Loader(Composer, SafeConstructor, Resolver, _Parser):
    """Events from libyaml, composed here (limits, anchors) and constructed safely."""

    def __init__(self, text: str, limits: Limits) -> None:
        _Parser.__init__(self, text)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.limits = limits
        self._depth = 0
        self._count = 0  # values composed so far, aliases counted as what they expand to
        self._expanded = 0  # of which aliases brought in
        self._sizes: dict[int, int] = {}  # id(node) -> values it expands to, once composed
        self._explicit: set[int] = set()  # ids of scalars written with an explicit tag

    # Composing ------------------------------------------------------------------------------

    def _expand(self, amount: int, mark: Any) -> None:
        """An alias brings in *amount* values; a large file without aliases is not limited
        here (the file-size limit bounds it)."""
        self._count += amount
        self._expanded += amount
        if self._expanded > self.limits.max_values:
            raise _LimitError(f"the file's aliases (*name) expand to more than "
                              f"{self.limits.max_values:,} values", mark,
                              "write the values out instead of repeating aliases of aliases")

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(AliasEvent):
            event: Any = self.get_event()
            target = self.anchors.get(event.anchor)
            if target is None:
                raise _LimitError(f"the alias *{event.anchor} has no anchor "
                                  f"&{event.anchor} before it", event.start_mark,
                                  f"define &{event.anchor} before using *{event.anchor}, or "
                                  "write the value out")
            size = self._sizes.get(id(target))
            if size is None:  # still being composed: the alias is inside its own anchor
                raise _LimitError(f"the alias *{event.anchor} refers to itself "
                                  f"(it stands inside &{event.anchor})", event.start_mark,
                                  f"remove *{event.anchor} from inside &{event.anchor}")
            self._expand(size, event.start_mark)
            return target
        event = self.peek_event()
        assert event is not None
        if self._depth >= self.limits.max_depth:
            raise _LimitError(f"values are nested more than "
                              f"{self.limits.max_depth} levels deep", event.start_mark,
                              NESTED_FIX)
        self._depth += 1
        before = self._count
        self._count += 1
        anchor = event.anchor  # a later anchor of the same name replaces the earlier one
        self.descend_resolver(parent, index)
        if self.check_event(ScalarEvent):
            node: Node = self.compose_scalar_node(anchor)
            if event.tag not in (None, "!"):
                self._explicit.add(id(node))
        elif self.check_event(SequenceStartEvent):
            node = self.compose_sequence_node(anchor)
        elif self.check_event(MappingStartEvent):
            node = self.compose_mapping_node(anchor)
        else:  # pragma: no cover - the parser only yields these events here
            raise _LimitError("unexpected YAML structure", event.start_mark, "")
        self.ascend_resolver()
        self._depth -= 1
        self._sizes[id(node)] = self._count - before
        return node

    # Constructing ---------------------------------------------------------------------------

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        if node.tag not in self.yaml_constructors:
            raise _LimitError(f"the tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not "
                              "used in visit files", node.start_mark,
                              "remove the tag (the word starting with !) and write the value "
                              "plainly")
        try:
            return super().construct_object(node, deep)
        except _LimitError:
            raise
        except yaml.YAMLError:  # a constructor of a known tag refused the value
            self.recursive_objects.pop(node, None)
            kind = node.tag.rsplit(":", 1)[-1]
            raise _LimitError(f"'{_short(node.value if isinstance(node, ScalarNode) else '…')}'"
                              f" cannot be read as !!{kind}", node.start_mark,
                              f"remove the tag !!{kind} and write the value plainly") from None
        except RecursionError:
            raise _LimitError("values are nested too deeply", node.start_mark,
                              NESTED_FIX) from None
        except Exception:  # a constructor refused the value (bad date, bad number, …)
            self.recursive_objects.pop(node, None)
            if isinstance(node, ScalarNode) and id(node) not in self._explicit:
                self.constructed_objects[node] = node.value  # keep it as text
                return node.value
            kind = node.tag.rsplit(":", 1)[-1]
            raise _LimitError(f"'{_short(node.value)}' cannot be read as !!{kind}",
                              node.start_mark, f"remove the tag !!{kind} and write the value "
                              "plainly (quote it if it is text)") from None


def _short(value: object, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
    # YAML 1.2 integers: no octal from a leading zero (0755 stays text, as a flight number or
    # 0500 for a budget should); 0o755 and 0x1F are the explicit forms.
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*)|0o[0-7_]+|[-+]?0x[0-9a-fA-F_]+)$"),
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
    text: str = ""

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


SYNTAX_FIX = ("fix the line shown (YAML needs spaces, not tabs, and quotes around text "
              "containing ': ' or '#')")
NESTED_FIX = "check the brackets and indentation: a visit file needs only a few levels"
CONTROL_FIX = ("delete it; in text in double quotes a backslash starts an escape (\\a, \\b, "
               "\\0, …): write the text in single quotes, or double the backslash")


class YamlSyntaxError(Exception):
    """The text cannot be loaded; carries the position, a plain reason and how to fix it.

    ``syntax`` is false for the loader's own rules (limits, aliases, tags), whose reason is
    not a YAML syntax error; ``path`` is the field the error is about, when it is known.
    """

    def __init__(self, position: Position, reason: str, fix: str = SYNTAX_FIX,
                 *, syntax: bool = True, path: PathKey = ()) -> None:
        super().__init__(reason)
        self.position = position
        self.reason = reason
        self.fix = fix
        self.syntax = syntax
        self.path = path


def _mark(node: Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _path_key(value: Any) -> str | int:
    return value if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _merge_sources(node: Node) -> list[MappingNode]:
    """The mappings a merge key (``<<``) brings in, in order of precedence."""
    if isinstance(node, MappingNode):
        return [node]
    if isinstance(node, SequenceNode):
        return [n for n in node.value if isinstance(n, MappingNode)]
    return []


def _walk(loader: _Loader, node: Node, path: PathKey, out: LoadedYaml,
          reported: set[tuple[Position, Position]]) -> None:
    out.values[path] = _mark(node)
    if isinstance(node, MappingNode):
        seen: dict[str | int, Position] = {}
        merges: list[MappingNode] = []
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                merges.extend(_merge_sources(value_node))
                continue
            key = _path_key(loader.construct_object(key_node, deep=True))
            child = (*path, key)
            if key in seen and (seen[key], _mark(key_node)) not in reported:
                reported.add((seen[key], _mark(key_node)))
                out.duplicates.append((child, seen[key], _mark(key_node)))
            seen[key] = _mark(key_node)
            out.keys[child] = _mark(key_node)
            _walk(loader, value_node, child, out, reported)
        for source in merges:  # merged fields that the mapping does not set itself
            for key_node, value_node in source.value:
                if key_node.tag == MERGE_TAG:
                    continue
                key = _path_key(loader.construct_object(key_node, deep=True))
                if key in seen:
                    continue
                seen[key] = _mark(key_node)
                out.keys[(*path, key)] = _mark(key_node)
                _walk(loader, value_node, (*path, key), out, reported)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _walk(loader, item, (*path, index), out, reported)


_HINTS = {  # PyYAML's and libyaml's wording of the same mistakes
    "found character '\\t' that cannot start any token":
        "a tab character; indent with spaces only",
    "found a tab character": "a tab character; indent with spaces only",
    "mapping values are not allowed":
        "a colon in an unexpected place; put text that contains ': ' in quotes, "
        "or check the indentation of this line",
    "could not find expected ':'":
        "a key without a colon, or a line indented differently from its neighbours",
    "could not determine a constructor for the tag":
        "a tag (a word starting with !) that visit files do not use; remove the tag",
    "expected a single document":
        "a second document (a line with ---); keep one visit per file",
    "but found another document":
        "a second document (a line with ---); keep one visit per file",
    "found unhashable key": "a list or mapping used as a key; keys are plain words",
    "exceeded maximum nesting depth": "values are nested too deeply (brackets inside brackets)",
}


def _reason(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or "invalid YAML"
    for needle, hint in _HINTS.items():
        if needle in problem or needle in (error.context or ""):
            return hint
    context = f" ({error.context})" if error.context else ""
    return f"{problem}{context}; check the indentation and quotes on this line"


def _path_at(out: LoadedYaml | None, position: Position) -> PathKey:
    """The field whose value starts at *position*, if the walk has seen it."""
    if out is None:
        return ()
    return next((path for path, where in out.values.items() if where == position), ())


def _clamp(text: str, position: Position) -> Position:
    """A position inside the text: the end of the file is its last line, not the one after."""
    lines = text.split("\n")
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()
    if position.line <= len(lines):
        return position
    return Position(max(len(lines), 1), len(lines[-1]) + 1 if lines else 1)


def _char_at(text: str, mark: Any) -> str:
    lines = text.split("\n")
    if mark is None or not 0 <= mark.line < len(lines):
        return ""
    line = lines[mark.line]
    return line[mark.column] if 0 <= mark.column < len(line) else ""


def _offset_position(text: str, offset: int) -> Position:
    before = text[:offset]
    return Position(before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)


def load_yaml(text: str, limits: Limits = DEFAULT_LIMITS) -> LoadedYaml:
    """Parse one YAML document safely, keeping positions. Raises :class:`YamlSyntaxError`.

    A document that the quick path accepts is returned as it is; anything else (an error, an
    alias beyond the limits, a merge key, an unusual tag) is loaded again by the careful path,
    whose result and messages are the reference.
    """
    if _quick_path_safe():
        try:
            return _load_quick(text, limits)
        except Exception:  # the careful path says what is wrong, and where
            pass
    return _load_careful(text, limits)


def _load_careful(text: str, limits: Limits) -> LoadedYaml:
    """The reference loader: libyaml's events composed in Python, every rule as it goes."""
    loader = _Loader(text, limits)
    out: LoadedYaml | None = None
    try:
        node = loader.get_single_node()
        if node is None:
            return LoadedYaml(data=None, text=text)
        out = LoadedYaml(data=None, text=text)
        _walk(loader, node, (), out, set())  # before construction, which rewrites merges
        out.data = loader.construct_document(node)
        return out
    except yaml.reader.ReaderError as error:
        code = error.character if isinstance(error.character, int) else ord("?")
        raise YamlSyntaxError(
            _clamp(text, _offset_position(text, error.position)),
            f"the file holds a control character (U+{code:04X}), which a visit file cannot "
            "hold", "delete it (it often comes with text copied from another program)",
            syntax=False) from None
    except _LimitError as error:
        mark = error.problem_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        position = _clamp(text, position)
        raise YamlSyntaxError(position, error.problem or "", error.fix, syntax=False,
                              path=_path_at(out, position)) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if "could not find expected ':'" in (error.problem or "") and error.context_mark:
            mark = error.context_mark  # the line with the key, not the line after it
        position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        position = _clamp(text, position)
        reason = _reason(error)
        if _char_at(text, error.problem_mark) == "\t":
            reason = _HINTS["found a tab character"]
        raise YamlSyntaxError(position, reason) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(Position(1, 1), str(error)) from None
    except RecursionError:
        raise YamlSyntaxError(Position(1, 1), "values are nested too deeply", NESTED_FIX,
                              syntax=False) from None
    finally:
        loader.dispose()


# The quick path --------------------------------------------------------------------------------
#
# libyaml composes the node graph in C (yaml._yaml.CParser.get_single_node), and one walk over
# the graph then enforces this loader's rules, records the positions and builds the data the way
# SafeConstructor would. Whenever that walk meets something it does not handle exactly like the
# careful path (a merge key, an alias beyond the limits or inside its own anchor, nesting deeper
# than the limit, a tag other than the plain scalar, list and mapping tags, a value a constructor
# refuses, a key that is a list or a mapping), it gives up and the careful path loads the text
# again: it alone decides what is wrong and what the message says. libyaml itself refuses
# nesting beyond 1,000 levels, so the C composer's recursion is bounded (checked once, below).

STR_TAG = "tag:yaml.org,2002:str"
SEQ_TAG = "tag:yaml.org,2002:seq"
MAP_TAG = "tag:yaml.org,2002:map"


class _GiveUp(Exception):
    """The quick path does not handle this document: load it carefully."""


_RESOLVED: dict[str, str] = {}  # plain scalar -> its implicit tag (there are no path resolvers)
_RESOLVE: Any = Resolver.resolve


class _Composer(_Parser, Resolver):
    """libyaml's parser and composer, with this loader's implicit types (see _Loader)."""

    yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

    def __init__(self, text: str) -> None:
        _Parser.__init__(self, text)
        Resolver.__init__(self)

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None  # there are no path resolvers (checked in _quick_path_safe)

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            if not implicit[0]:  # quoted or block text: no implicit type
                return STR_TAG
            tag = _RESOLVED.get(value)
            if tag is None:
                tag = str(_RESOLVE(self, kind, value, implicit))
                if len(value) <= 64 and len(_RESOLVED) < 20_000:
                    _RESOLVED[value] = tag
            return tag
        return SEQ_TAG if kind is SequenceNode else MAP_TAG


_SCALAR_BUILDERS: dict[str, Any] = {
    tag: SafeConstructor.yaml_constructors[tag]
    for tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
                "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")
}
_SCALAR_CONSTRUCTOR = SafeConstructor()  # the "self" of those constructors (stateless for scalars)
_QUICK: list[bool] = []
_POSITIONS: dict[tuple[int, int], Position] = {}  # positions are immutable: shared, not remade


def _position(mark: Any) -> Position:
    key = (mark.line, mark.column)
    found = _POSITIONS.get(key)
    if found is None:
        found = Position(mark.line + 1, mark.column + 1)
        if len(_POSITIONS) < 50_000:
            _POSITIONS[key] = found
    return found


def _quick_path_safe() -> bool:
    """Whether the quick path may be used: libyaml is there and bounds the nesting itself."""
    if not _QUICK:
        _QUICK.append(_Parser.__module__ == "yaml._yaml" and not _Loader.yaml_path_resolvers
                      and _nesting_is_bounded())
    return _QUICK[0]


def _nesting_is_bounded() -> bool:
    """Whether libyaml refuses nesting beyond its limit (1,000) in block and flow collections,
    so that its composer, which recurses in C, never goes deeper."""
    # Block levels, then flow levels on top of them (they count towards the same limit).
    for probe in ("- " * 1_100 + "x", "- " * 995 + "[" * 10):
        try:
            _Parser(probe).raw_parse()
        except yaml.YAMLError as error:
            if "maximum nesting depth" not in str(error):
                return False
        else:
            return False
    return True


def _load_quick(text: str, limits: Limits) -> LoadedYaml:
    composer = _Composer(text)
    try:
        root = composer.get_single_node()
    finally:
        composer.dispose()
    out = LoadedYaml(data=None, text=text)
    if root is None:
        return out
    if "&" not in text:  # no anchor, so no alias (one would be undefined): the graph is a tree
        out.data = _build_tree(root, out, limits.max_depth)
    else:
        out.data = _build_graph(root, out, limits)
    return out


def _scalar(node: Any) -> Any:
    """A scalar's value, as SafeConstructor makes it, for the tags the quick path handles."""
    tag = node.tag
    if tag == STR_TAG:
        return node.value
    builder = _SCALAR_BUILDERS.get(tag)
    if builder is None:
        raise _GiveUp
    return builder(_SCALAR_CONSTRUCTOR, node)


def _build_tree(root: Any, out: LoadedYaml, max_depth: int) -> Any:
    """The data of a document without anchors, its positions and duplicate keys recorded.

    Scalars, most of the nodes, are handled in their list or mapping, without a call.
    """
    values, keys, duplicates = out.values, out.keys, out.duplicates
    reported: set[tuple[Position, Position]] = set()
    positions = _POSITIONS
    position = _position
    scalar = _scalar

    def build(node: Any, path: PathKey, depth: int) -> Any:
        if depth > max_depth:
            raise _GiveUp
        mark = node.start_mark
        values[path] = positions.get((mark.line, mark.column)) or position(mark)
        kind = type(node)
        if kind is ScalarNode:
            return node.value if node.tag == STR_TAG else scalar(node)
        deeper = depth + 1
        if deeper > max_depth and node.value:
            raise _GiveUp
        if kind is MappingNode:
            if node.tag != MAP_TAG:
                raise _GiveUp
            mapping: dict[Any, Any] = {}
            seen: dict[str | int, Position] = {}
            for key_node, value_node in node.value:
                if type(key_node) is not ScalarNode:
                    raise _GiveUp  # a list or a mapping as a key
                tag = key_node.tag
                if tag == STR_TAG:
                    key_data = key = key_node.value
                else:
                    if tag == MERGE_TAG:
                        raise _GiveUp
                    key_data = scalar(key_node)
                    key = (key_data if isinstance(key_data, int)
                           and not isinstance(key_data, bool) else str(key_data))
                child = (*path, key)
                mark = key_node.start_mark
                where = positions.get((mark.line, mark.column)) or position(mark)
                if key in seen and (seen[key], where) not in reported:
                    reported.add((seen[key], where))
                    duplicates.append((child, seen[key], where))
                seen[key] = where
                keys[child] = where
                if type(value_node) is ScalarNode:
                    mark = value_node.start_mark
                    values[child] = positions.get((mark.line, mark.column)) or position(mark)
                    mapping[key_data] = (value_node.value if value_node.tag == STR_TAG
                                         else scalar(value_node))
                else:
                    mapping[key_data] = build(value_node, child, deeper)
            return mapping
        if kind is SequenceNode:
            if node.tag != SEQ_TAG:
                raise _GiveUp
            items: list[Any] = []
            for index, item in enumerate(node.value):
                child = (*path, index)
                if type(item) is ScalarNode:
                    mark = item.start_mark
                    values[child] = positions.get((mark.line, mark.column)) or position(mark)
                    items.append(item.value if item.tag == STR_TAG else scalar(item))
                else:
                    items.append(build(item, child, deeper))
            return items
        raise _GiveUp  # pragma: no cover - the composer makes only these nodes

    return build(root, (), 1)


def _build_graph(root: Any, out: LoadedYaml, limits: Limits) -> Any:
    """The data of a document with anchors: aliases within the limits, none recursive."""
    values, keys, duplicates = out.values, out.keys, out.duplicates
    reported: set[tuple[Position, Position]] = set()
    built: dict[int, tuple[Any, int]] = {}  # id(node) -> (data, values it expands to)
    active: set[int] = set()  # collections being built: an alias to one is recursive
    max_depth, budget = limits.max_depth, limits.max_values
    expanded = 0  # values that aliases bring in
    position = _position
    scalar = _scalar

    def alias(node: Any, path: PathKey) -> tuple[Any, int]:
        nonlocal expanded
        found = built[id(node)]
        expanded += found[1]
        if expanded > budget:
            raise _GiveUp
        walk(node, path)
        return found

    def build(node: Any, path: PathKey, depth: int) -> tuple[Any, int]:
        nonlocal expanded
        node_id = id(node)
        if node_id in built:
            return alias(node, path)
        if node_id in active or depth > max_depth:
            raise _GiveUp
        values[path] = position(node.start_mark)
        kind = type(node)
        result: tuple[Any, int]
        if kind is ScalarNode:
            result = (scalar(node), 1)
        elif kind is SequenceNode:
            if node.tag != SEQ_TAG:
                raise _GiveUp
            active.add(node_id)
            items: list[Any] = []
            size = 1
            for index, item in enumerate(node.value):
                data, count = build(item, (*path, index), depth + 1)
                items.append(data)
                size += count
            active.discard(node_id)
            result = (items, size)
        elif kind is MappingNode:
            if node.tag != MAP_TAG:
                raise _GiveUp
            active.add(node_id)
            mapping: dict[Any, Any] = {}
            seen: dict[str | int, Position] = {}
            size = 1
            for key_node, value_node in node.value:
                if type(key_node) is not ScalarNode or key_node.tag == MERGE_TAG:
                    raise _GiveUp  # a merge key, or a list or mapping as a key
                key_id = id(key_node)
                if key_id in built:  # an alias as a key: it brings in one value
                    expanded += 1
                    if expanded > budget:
                        raise _GiveUp
                    key_data = built[key_id][0]
                    size += 1
                else:
                    if depth + 1 > max_depth:
                        raise _GiveUp
                    key_data = scalar(key_node)
                    built[key_id] = (key_data, 1)
                    size += 1
                key = (key_data if isinstance(key_data, int) and not isinstance(key_data, bool)
                       else str(key_data))
                child = (*path, key)
                where = position(key_node.start_mark)
                if key in seen and (seen[key], where) not in reported:
                    reported.add((seen[key], where))
                    duplicates.append((child, seen[key], where))
                seen[key] = where
                keys[child] = where
                data, count = build(value_node, child, depth + 1)
                size += count
                mapping[key_data] = data
            active.discard(node_id)
            result = (mapping, size)
        else:  # pragma: no cover - the composer makes only these nodes
            raise _GiveUp
        built[node_id] = result
        return result

    def walk(node: Any, path: PathKey) -> None:
        """Positions under an alias, as the careful path's _walk records them."""
        values[path] = position(node.start_mark)
        kind = type(node)
        if kind is MappingNode:
            seen: dict[str | int, Position] = {}
            for key_node, value_node in node.value:
                key_data = built[id(key_node)][0]
                key = (key_data if isinstance(key_data, int) and not isinstance(key_data, bool)
                       else str(key_data))
                child = (*path, key)
                where = position(key_node.start_mark)
                if key in seen and (seen[key], where) not in reported:
                    reported.add((seen[key], where))
                    duplicates.append((child, seen[key], where))
                seen[key] = where
                keys[child] = where
                walk(value_node, child)
        elif kind is SequenceNode:
            for index, item in enumerate(node.value):
                walk(item, (*path, index))

    return build(root, (), 1)[0]


def read_yaml(path: Path, limits: Limits = DEFAULT_LIMITS) -> LoadedYaml:
    """Read and parse a UTF-8 YAML file (a BOM is accepted)."""
    text = path.read_text(encoding="utf-8-sig")
    return load_yaml(text, limits)


def decode_text(content: bytes) -> str:
    """The bytes of a file as :func:`read_yaml` reads its text: UTF-8 with or without a BOM,
    every line ending (\\r\\n, \\r) as \\n. Raises UnicodeDecodeError."""
    return content.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


class DeferredYaml(LoadedYaml):
    """The :class:`LoadedYaml` of a *text* known to load, parsed when first used.

    A policy that :mod:`generator.datacache` gives back is valid, so its positions are only
    needed to place a problem that a later check finds (a link to a missing page)."""

    def __init__(self, text: str, limits: Limits = DEFAULT_LIMITS) -> None:
        # No fields yet: reading one (data, values, keys, duplicates, text) parses the text.
        self._pending = (text, limits)

    def __getattr__(self, name: str) -> Any:  # only called for attributes not yet set
        if name not in _LOADED_FIELDS or "_pending" not in self.__dict__:
            raise AttributeError(name)
        loaded = load_yaml(*self.__dict__["_pending"])
        del self.__dict__["_pending"]
        self.__dict__.update(vars(loaded))
        return getattr(self, name)


_LOADED_FIELDS = frozenset(LoadedYaml.__dataclass_fields__)
