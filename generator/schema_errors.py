"""Turn pydantic validation errors into problems a person can fix."""

from __future__ import annotations

from typing import Any, TypeGuard

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .models.common import LANGUAGES
from .models.local import Local
from .problems import ProblemSink, did_you_mean, quote_list, suggestion
from .yamlload import PathKey

# Examples shown when a field is missing or has the wrong type, by field name.
EXAMPLES: dict[str, str] = {
    "company": "company: ACME GmbH",
    "country": "country: DE",
    "purpose": "purpose: Audit the wristband line",
    "tier": "tier: B",
    "owner": "owner: 李娜",
    "at": "at: 2026-12-08 09:30",
    "name": "name: Hans Müller",
    "dept": "dept: sales",
    "what": "what: Company presentation",
    "task": "task: Print the price list",
    "due": "due: -2d",
    "visitors": "visitors: [{name: Hans Müller}]",
    "hosts": "hosts: [{name: 李娜, dept: sales}]",
    "client": "client: {company: ACME GmbH, country: DE}",
    "arrival": "arrival: {at: 2026-12-08 09:30}",
    "departure": "departure: {at: 2026-12-10 18:05}",
    "check": "check: meal-budget",
    "by": "by: 李娜 (who approved it)",
    "on": "on: 2026-12-01 (the day it was approved)",
}


def _found(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "'true'" if value else "'false'"
    text = str(value)
    return f"'{text if len(text) <= 60 else text[:59] + '…'}'"


def _unwrap(annotation: Any, part: str | int) -> Any:
    """The annotation one step down *part* from *annotation* (through lists, dicts, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields = annotation.model_fields
        field = fields.get(str(part)) or next(
            (f for f in fields.values() if f.alias == part), None)
        return field.annotation if field is not None else None
    origin = getattr(annotation, "__origin__", None)
    args = [a for a in getattr(annotation, "__args__", ()) or () if a is not type(None)]
    if origin is list and args:
        return args[0] if isinstance(part, int) else _unwrap(args[0], part)
    if origin is dict and len(args) == 2:
        return args[1]
    for arg in args:
        found = _unwrap(arg, part)
        if found is not None:
            return found
    metadata_origin = getattr(annotation, "__metadata__", None)
    if metadata_origin is not None:
        return _unwrap(annotation.__origin__, part)
    return None


def _owns_keys(annotation: Any) -> TypeGuard[type[BaseModel | Local]]:
    """A class whose keys a file writes: a model, or a text in two languages (``zh``, ``en``:
    a :class:`~generator.models.local.Local`, which is no model)."""
    return isinstance(annotation, type) and issubclass(annotation, BaseModel | Local)


def _model_at(model: type[BaseModel], loc: PathKey) -> type[BaseModel | Local] | None:
    """The model class (or text class) that owns the last element of *loc*, for listing
    allowed keys."""
    current: Any = model
    for part in loc[:-1]:
        current = _unwrap(current, part)
        if current is None:
            return None
    while not _owns_keys(current):
        args = [a for a in getattr(current, "__args__", ()) or () if a is not type(None)]
        models = [a for a in args if _owns_keys(a)]
        if models:
            return models[0]
        if not args:
            return None
        current = args[0]
    return current


def _keys_of(model: type[BaseModel | Local]) -> list[str]:
    """The keys a user may write in *model* (not those that exist only to be refused)."""
    if issubclass(model, Local):
        return list(LANGUAGES)
    return [f.alias or name for name, f in model.model_fields.items() if not f.exclude]


def _clean_loc(loc: tuple[int | str, ...], data: Any) -> tuple[PathKey, bool]:
    """The real path of an error in *data*, and whether the error is about a key.

    pydantic's locations mix the keys and indexes of the input with markers of its own
    (``function-after[…]``, ``list[…]``, ``[key]``); a step is kept only when the input really
    has it, so a user's key that looks like a marker (``a[b``) is still found.
    """
    out: list[str | int] = []
    is_key = False
    current: Any = data
    for part in loc:
        if part == "[key]":
            is_key = True
            continue
        if isinstance(current, dict):
            key = _find_key(current, part)
            if key is _MISSING:
                if isinstance(part, str) and ("[" in part or part.startswith("function-")):
                    continue  # pydantic's marker of a union or validator
                out.append(part)
                current = None
                continue
            out.append(_path_part(key))
            current = current[key]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            out.append(part)
            current = current[part]
        elif isinstance(part, str) and ("[" in part or part.startswith("function-")):
            continue
        else:
            out.append(part)
            current = None
    return tuple(out), is_key


_MISSING = object()


def _find_key(mapping: dict[Any, Any], part: int | str) -> Any:
    """The key of *mapping* that pydantic's location *part* names, or ``_MISSING``."""
    if part in mapping:
        return part
    for key in mapping:
        if str(key) == str(part) or repr(key) == part:
            return key
    return _MISSING


def _path_part(key: Any) -> str | int:
    return key if isinstance(key, int) and not isinstance(key, bool) else str(key)


# Words people write for a vocabulary word, mapped to the word the file needs.
SYNONYMS = {
    "plane": "flight", "air": "flight", "airplane": "flight", "fly": "flight",
    "rail": "train", "railway": "train", "taxi": "car", "bus": "car", "drive": "car",
    "client": "customer", "buyer": "customer", "distributor": "dealer", "gov": "government",
    "factory": "production-line", "workshop": "production-line", "line": "production-line",
    "supper": "dinner", "feast": "banquet",
}


def _looks_like_date(value: Any) -> bool:
    import datetime as dt

    return isinstance(value, dt.date)


def _describe(error: ErrorDetails, model: type[BaseModel], path: PathKey,
              misspelt: list[str] | None = None) -> tuple[str, str]:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    name = str(path[-1]) if path and isinstance(path[-1], str) else ""
    example = EXAMPLES.get(name, "")
    if kind == "missing":
        guess = did_you_mean(name, misspelt or [])
        if guess:
            return (f"required field '{name}' is missing. Is '{guess}' meant to be it?",
                    f"rename '{guess}' to '{name}'")
        fix = f"add it, e.g.  {example}" if example else f"add '{name}:' here"
        return f"required field '{name}' is missing.", fix
    if kind == "extra_forbidden":
        owner = _model_at(model, path)
        allowed = _keys_of(owner) if owner else []
        hint = suggestion(name, allowed)
        return (f"unknown field '{name}'. {hint}".rstrip(),
                f"rename or remove it; fields allowed here: {quote_list(allowed)}")
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        choices = [c.strip() for c in expected.replace(" or ", ",").split(",") if c.strip()]
        synonym = SYNONYMS.get(str(value).strip().lower())
        hint = (f"Did you mean '{synonym}'?" if synonym in choices
                else suggestion(str(value), choices))
        return (f"found {_found(value)}. {hint}".rstrip(),
                f"use one of: {quote_list(choices)}")
    if kind == "vocabulary":
        return error["msg"], str(ctx.get("fix", ""))
    fixes = {
        "country_code": "write the country's two-letter code, e.g. DE, US, TR, AE",
        "language_code": "write two-letter language codes, e.g. [de, en]",
        "time_hhmm": 'quote the time: at: "14:00"',
        "due": "e.g.  due: -2d  or  due: 2026-12-01",
        "visit_year": "check the year; write the date as YYYY-MM-DD, e.g. 2026-12-08",
        "offset_datetime": "remove the offset and write the local time, e.g. 2026-12-08 09:30; "
                           "set timezone: (e.g. Europe/Berlin) if the visit is not in the "
                           "policy's time zone",
        "time_zone": "use an IANA name such as Asia/Shanghai or Europe/Berlin, or leave it out",
        "guest_private": "delete this line: guests' phone numbers, e-mail addresses and passport "
                         "details are kept in the client file (CRM), where access is controlled; "
                         "the packet lists only our hosts' and drivers' phones",
        "local_empty": "write the text under zh: (Chinese) and/or en: (English), or write it "
                       "directly after the colon to show it in both packets",
        "local_type": "write the text after the colon, or a map {zh: …, en: …}",
        "phone": 'write digits with the country code, in quotes, e.g. phone: "+86 139 0000 0002"',
        "item_ref": 'name the item by its day and start, in quotes: item: "2026-12-09 12:00"',
    }
    if kind == "time_hhmm" and name:
        return error["msg"], f'quote the time: {name}: "14:00"'
    if kind in fixes:
        return error["msg"], fixes[kind]
    if kind in ("bool_type", "bool_parsing"):
        return f"found {_found(value)}, which is not true or false.", "write true or false"
    if kind.startswith("datetime"):
        return (f"found {_found(value)}, which is not a date and time.",
                "write the local date and time as YYYY-MM-DD HH:MM, e.g. 2026-12-08 09:30")
    if kind.startswith("date"):
        return (f"found {_found(value)}, which is not a date.",
                "write the date as YYYY-MM-DD, e.g. 2026-12-08")
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        wanted = {"list_type": "a list", "dict_type": "a mapping of keys to values"}.get(
            kind, "a mapping of fields (key: value lines)")
        fix = f"e.g.  {example}" if example else "check the indentation under this key"
        return f"found {_found(value)}, but {wanted} is expected here.", fix
    if kind in ("string_type", "string_too_short"):
        if kind == "string_too_short" or value is None:
            return "is empty.", "write a value, or remove the line if the field is optional"
        return f"found {_found(value)}, but text is expected.", "write plain text"
    if kind == "too_short":
        return "is empty.", "add at least one entry"
    if kind == "blank_text":
        return error["msg"], "write the text, or delete the line if the field is optional"
    if kind == "date_number":
        return error["msg"], "write the date as YYYY-MM-DD, e.g. 2026-12-08"
    if kind == "invalid_key":
        hint = (" A date here looks like a day of the schedule: indent it under schedule:."
                if _looks_like_date(value) else "")
        return (f"unknown field '{value}'.{hint}",
                "fields are words; check the indentation of this line")
    if kind == "finite_number":
        return (f"found {_found(value)}, but a finite amount is expected.",
                "write the amount as a plain number, e.g. budget: 1500")
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "greater_than_equal",
                "greater_than"):
        if name == "rooms":
            return (f"found {_found(value)}, but a whole number of rooms (1 or more) is "
                    "expected.", "write how many rooms are booked, e.g. rooms: 2")
        amount = {"rate": "rate: 650"}.get(name, f"{name or 'budget'}: 1500")
        return (f"found {_found(value)}, but a number (0 or more) is expected.",
                f"write the amount as a plain number, e.g. {amount}")
    return f"found {_found(value)}: {error['msg']}.", ""


def report_validation_error(error: ValidationError, model: type[BaseModel],
                            sink: ProblemSink, skip: set[PathKey] | None = None,
                            data: Any = None) -> None:
    """Add one problem per pydantic error, except at *skip* paths (already reported).

    *data* is the input that was validated, to tell its keys from pydantic's markers.
    """
    seen: set[tuple[PathKey, str]] = set()
    extras: dict[PathKey, list[str]] = {}
    for detail in error.errors():
        if detail["type"] == "extra_forbidden":
            path, _ = _clean_loc(detail["loc"], data)
            if path:
                extras.setdefault(path[:-1], []).append(str(path[-1]))
    for detail in error.errors():
        path, is_key = _clean_loc(detail["loc"], data)
        if skip and path in skip:
            continue
        if (path, detail["type"]) in seen:
            continue
        seen.add((path, detail["type"]))
        message, fix = _describe(detail, model, path, extras.get(path[:-1]))
        if is_key:
            message = f"found the key {message.removeprefix('found ')}"
        key = detail["type"] in ("extra_forbidden", "invalid_key") or is_key
        at = path[:-1] if detail["type"] == "missing" else None
        misspelt = did_you_mean(str(path[-1]), extras.get(path[:-1], [])) if path else None
        if detail["type"] == "missing" and misspelt:  # point at the key that was meant
            at, key = (*path[:-1], misspelt), True
        sink.add(path, message, fix, key=key, at=at)
