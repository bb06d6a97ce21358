"""The JSON Schema of a visit file, for editors (``handbook schema``).

The schema is generated from the pydantic model :class:`~generator.models.Visit` and enriched
with the reception policy's vocabularies (tier keys, department keys, diet words) as ``enum``,
so that an editor with a YAML language server autocompletes them and underlines a wrong word
while the file is being written. Visit files point to it on their first line::

    # yaml-language-server: $schema=../schema/visit.schema.json

``handbook check`` stays the authority: it applies the cross-field rules a schema cannot
express (the owner must be a host, departure after arrival, …). The schema accepts what the
model accepts (a single word where a list is expected, a number where text is expected), so an
editor never underlines a file that ``handbook check`` passes.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from .models import Policy, Visit
from .models.common import Text, _as_list

SCHEMA_PATH = Path("schema/visit.schema.json")
DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Which fields take a word from which vocabulary of the policy: (model, field) → policy attribute.
# The visit model checks these words against the policy at validation time; the schema lists
# them so that editors can offer them.
VOCABULARIES: dict[tuple[str, str], str] = {
    ("Visit", "tier"): "tiers",
    ("Host", "dept"): "departments",
    ("ChecklistItem", "owner"): "departments",
    ("Visitor", "diet"): "diets",
}

_LABELS = {
    "tiers": "A reception tier of the policy (policy/reception.yml)",
    "departments": "A department of the policy (policy/reception.yml)",
    "diets": "A word of the policy's diet vocabulary (policy/reception.yml); anything else goes "
             "in notes",
}


class SchemaError(Exception):
    """The model and this module disagree (a field was renamed or removed)."""


def _models(root: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """The model and every model reachable from its fields, each once."""
    seen: set[type[BaseModel]] = set()
    todo: list[Any] = [root]
    while todo:
        item = todo.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            if item in seen:
                continue
            seen.add(item)
            yield item
            todo.extend(field.annotation for field in item.model_fields.values())
        else:
            todo.extend(get_args(item))


def _definition(schema: dict[str, Any], model: str) -> dict[str, Any]:
    if model == Visit.__name__:
        return schema
    try:
        found: dict[str, Any] = schema["$defs"][model]
    except KeyError:
        raise SchemaError(f"the schema has no definition for the model {model}") from None
    return found


def _property(schema: dict[str, Any], model: str, name: str) -> dict[str, Any]:
    try:
        found: dict[str, Any] = _definition(schema, model)["properties"][name]
    except KeyError:
        raise SchemaError(f"the model {model} has no field {name!r}") from None
    return found


def _word_schema(prop: dict[str, Any]) -> dict[str, Any]:
    """The schema of one word: the property itself, or its items for a list."""
    if prop.get("type") == "array":
        items: dict[str, Any] = prop["items"]
        return items
    return prop


def _names(entry: object) -> str:
    name = getattr(entry, "name", None)
    if isinstance(name, Text):
        return name.en if name.en == name.zh else f"{name.en} · {name.zh}"
    return ""


def _add_vocabularies(schema: dict[str, Any], policy: Policy) -> None:
    for (model, name), kind in VOCABULARIES.items():
        vocabulary: dict[str, object] = getattr(policy, kind)
        word = _word_schema(_property(schema, model, name))
        word["enum"] = list(vocabulary)
        listing = "; ".join(f"{key} = {_names(entry)}" for key, entry in vocabulary.items())
        word["description"] = f"{_LABELS[kind]}: {listing}."


def _accept_single_values(schema: dict[str, Any]) -> None:
    """Fields that take a list also take a single value or nothing, as the model does."""
    for model in _models(Visit):
        for name, field in model.model_fields.items():
            if not any(getattr(meta, "func", None) is _as_list for meta in field.metadata):
                continue
            prop = _property(schema, model.__name__, field.alias or name)
            keep: dict[str, Any] = {
                k: prop.pop(k) for k in ("title", "description", "default") if k in prop}
            array = dict(prop)
            prop.clear()
            prop.update(keep)
            prop["anyOf"] = [array, copy.deepcopy(array["items"]), {"type": "null"}]


def _accept_numbers_as_text(node: Any) -> None:
    """Free text also takes a number (``where: 101``): the model turns numbers into text."""
    if isinstance(node, list):
        for item in node:
            _accept_numbers_as_text(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "string" and not {"enum", "const", "pattern", "format"} & set(node):
        node["type"] = ["string", "number"]
    for value in node.values():
        _accept_numbers_as_text(value)


def visit_schema(policy: Policy) -> dict[str, Any]:
    """The JSON Schema of a visit file under *policy*."""
    generated = Visit.model_json_schema(by_alias=True)
    _add_vocabularies(generated, policy)
    _accept_single_values(generated)
    _accept_numbers_as_text(generated)
    generated["title"] = "Visit file"
    generated["description"] = (
        "One visit of the reception handbook (visits/*.yml). Check a file with: handbook check "
        "FILE. Field reference: the handbook page 'Writing a visit file'.")
    return {
        "$schema": DIALECT,
        "$comment": "Generated by `handbook schema` from generator/models/visit.py and "
                    "policy/reception.yml; do not edit. Run `handbook schema` after changing "
                    "either.",
        **generated,
    }


def render(policy: Policy) -> str:
    """The schema as the text that is committed: stable key order, UTF-8, final newline."""
    return json.dumps(visit_schema(policy), indent=2, ensure_ascii=False) + "\n"


def is_current(path: Path, text: str) -> bool:
    """Whether the file at *path* holds exactly *text*."""
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False
