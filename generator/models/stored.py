"""A validated model as JSON and back, without validating it again.

:func:`dump` writes a model made by validation (the policy) as plain JSON data, and
:func:`load` makes the same model from that data with ``model_construct``: every model with
the same field values and the same fields set, every value of the same type. Only the types a
policy holds are written (models, lists, ``dict`` with text keys, text, whole and decimal
numbers, true/false, nothing, dates and times of day); anything else raises
:class:`Unstorable`, and the caller validates as usual.

The data is trusted: it is what :func:`dump` wrote (:mod:`generator.datacache` keeps it, tied
to the file's content and to the generator's code). Models are named by module and class, and
only the classes of ``generator.models`` are made.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from typing import Any

from pydantic import BaseModel

PACKAGE = __name__.rpartition(".")[0]  # generator.models


class Unstorable(ValueError):
    """A value that :func:`dump` cannot write so that :func:`load` makes it exactly."""


def dump(value: Any) -> Any:
    """*value* as JSON data (see the module's docstring)."""
    kind = type(value)
    if value is None or kind is str or kind is bool or kind is int:
        return value
    if kind is float:
        if not math.isfinite(value):
            raise Unstorable("a number that JSON cannot hold")
        return value
    if kind is list:
        return [dump(item) for item in value]
    if kind is dict:
        if any(type(key) is not str for key in value):
            raise Unstorable("a mapping whose keys are not all text")
        return {"dict": {key: dump(item) for key, item in value.items()}}
    if kind is dt.date:
        return {"date": value.isoformat()}
    if kind is dt.time:
        if value.tzinfo is not None:
            raise Unstorable("a time of day with a time zone")
        return {"time": value.isoformat()}
    if isinstance(value, BaseModel):
        return _dump_model(value)
    raise Unstorable(f"a value of type {kind.__name__}")


def _dump_model(model: BaseModel) -> dict[str, Any]:
    kind = type(model)
    fields = kind.model_fields
    if (not kind.__module__.startswith(f"{PACKAGE}.") or "<" in kind.__qualname__
            or model.__pydantic_extra__ or model.__pydantic_private__
            or list(vars(model)) != list(fields)):
        raise Unstorable(f"a {kind.__name__} that is more than its fields")
    return {"model": f"{kind.__module__}:{kind.__qualname__}",
            "fields": {name: dump(getattr(model, name)) for name in fields},
            "set": sorted(model.model_fields_set)}


def load(data: Any) -> Any:
    """The value that :func:`dump` wrote as *data*; ValueError if it did not write it."""
    return _Loader().value(data)


_PLAIN = (str, int, float, bool, type(None))


class _Loader:
    """One :func:`load`: plain values in a list or a mapping are taken without a call, and
    each model class is looked up once."""

    def __init__(self) -> None:
        self.classes: dict[str, tuple[type[BaseModel], Any]] = {}

    def value(self, data: Any) -> Any:
        kind = type(data)
        if kind is list:
            return [item if type(item) in _PLAIN else self.value(item) for item in data]
        if kind is not dict:
            if kind in _PLAIN:
                return data
            raise ValueError("not data that dump wrote")
        if "model" in data and len(data) == 3:
            return self.model(data["model"], data["fields"], data["set"])
        if len(data) != 1:
            raise ValueError("not data that dump wrote")
        if "dict" in data:
            return {key: item if type(item) in _PLAIN else self.value(item)
                    for key, item in data["dict"].items()}
        if "date" in data:
            return dt.date.fromisoformat(data["date"])
        if "time" in data:
            return dt.time.fromisoformat(data["time"])
        raise ValueError("not data that dump wrote")

    def model(self, name: str, data: dict[str, Any], given: list[str]) -> BaseModel:
        found = self.classes.get(name)
        if found is None:
            kind = _model_class(name)
            found = self.classes[name] = (kind, kind.model_fields.keys())
        kind, names = found
        fields = {key: item if type(item) in _PLAIN else self.value(item)
                  for key, item in data.items()}
        if fields.keys() != names:
            raise ValueError(f"not the fields of {kind.__name__}")
        return kind.model_construct(set(given), **fields)


def _model_class(name: str) -> type[BaseModel]:
    module_name, _, qualname = name.partition(":")
    module = sys.modules.get(module_name) if module_name.startswith(f"{PACKAGE}.") else None
    kind = getattr(module, qualname, None)
    if not (isinstance(kind, type) and issubclass(kind, BaseModel)):
        raise ValueError(f"{name} is not a model of {PACKAGE}")
    return kind
