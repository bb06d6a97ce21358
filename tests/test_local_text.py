"""Free text in two languages (generator/models/local.py) as a slotted value, not a pydantic
model (issue 9: the loaded project's memory): it validates, compares, hashes, copies and
reports mistakes as the model did."""

from __future__ import annotations

import copy
import json
import pickle
import sys
from collections.abc import Callable
from typing import Annotated, Any, Self

import pytest
from pydantic import BaseModel, BeforeValidator, TypeAdapter, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from generator.models import stored
from generator.models.common import Strict
from generator.models.local import (
    Line,
    Local,
    LocalLine,
    LocalText,
    RequiredText,
    _as_local,
    _as_local_line,
)
from generator.problems import Problem

TEXT = TypeAdapter(LocalText)
LINE = TypeAdapter(RequiredText)


class _Reference:
    """The pydantic models Local and LocalLine were, as the reference the classes must agree
    with (named alike: an error names the class)."""

    class Local(Strict):
        zh: str | None = None
        en: str | None = None

        @model_validator(mode="after")
        def _one_language(self) -> Self:
            if self.zh is None and self.en is None:
                raise PydanticCustomError("local_empty", "holds neither zh nor en text.", {})
            return self

    class LocalLine(Local):
        zh: Line | None = None
        en: Line | None = None


MODEL_TEXT = TypeAdapter(Annotated[_Reference.Local, BeforeValidator(_as_local)])
MODEL_LINE = TypeAdapter(Annotated[_Reference.LocalLine, BeforeValidator(_as_local_line)])

INPUTS = [  # what a visit file can hold where text is expected
    "Showroom", "", " ", "\u200b", "\u200b ", "\t", 2027, 3.5, -0.0, True, False, None, [], ["a"],
    {}, {"zh": "展厅"}, {"en": "Showroom"}, {"zh": "展厅", "en": "Showroom"}, {"zh": ""},
    {"en": " "}, {"zh": None}, {"zh": None, "en": None}, {"zh": 12}, {"en": 1.5}, {"zh": True},
    {"zh": ["a"]}, {"zh": {"a": "b"}}, {"fr": "x"}, {"zh": "x", "fr": "y"}, {"ZH": "x"},
    {1: "x"}, {"zh": " ", "fr": "x"}, {"zh": "", "en": ""}, {"zh": b"hello"}, b"hello",
    {"zh": float("nan")}, 1 + 2j, {"a"},
]


def _outcome(adapter: TypeAdapter[Any], value: Any) -> Any:
    """The texts validated, or each error's location, type, message and context."""
    try:
        text = adapter.validate_python(value)
    except ValidationError as error:
        return [(e["loc"], e["type"], e["msg"], e.get("ctx")) for e in error.errors()]
    return (text.zh, text.en)


@pytest.mark.parametrize("value", INPUTS, ids=repr)
@pytest.mark.parametrize(("new", "model"), [(TEXT, MODEL_TEXT), (LINE, MODEL_LINE)],
                         ids=["LocalText", "RequiredText"])
def test_validates_as_the_model_did(new: TypeAdapter[Any], model: TypeAdapter[Any],
                                    value: Any) -> None:
    assert _outcome(new, value) == _outcome(model, value)


def test_the_reference_model_can_tell_them_apart() -> None:
    """The comparison above can fail: text the model refuses differs from text it takes."""
    assert _outcome(MODEL_LINE, {"zh": ""}) != _outcome(MODEL_TEXT, {"zh": ""})
    assert _outcome(TEXT, {"zh": ""}) == ("", None)
    assert _outcome(LINE, {"zh": ""})[0][:2] == (("zh",), "string_too_short")


def text(value: Any, adapter: TypeAdapter[Any] = TEXT) -> Local:
    made: Local = adapter.validate_python(value)
    return made


EQUAL = [  # (one, other, equal): by class and texts, as models compared by their fields
    (text("Showroom"), text({"zh": "Showroom", "en": "Showroom"}), True),
    (text(2027), text("2027"), True),                      # a number is its text
    (text({"zh": "展厅"}), text({"zh": "展厅", "en": None}), True),
    (text({"zh": "展厅"}), text({"en": "展厅"}), False),
    (text({"zh": "展厅"}), text("展厅"), False),             # one language is not both
    (text("Showroom"), text("Showroom", LINE), False),     # another class, as models
    (text("Showroom", LINE), text({"zh": "Showroom", "en": "Showroom"}, LINE), True),
    (text("Showroom"), "Showroom", False),                 # not a string
    (text({"zh": "a", "en": "b"}), ("a", "b"), False),     # nor a tuple
]


@pytest.mark.parametrize(("one", "other", "equal"), EQUAL)
def test_equality_and_hashing_by_value(one: Local, other: object, equal: bool) -> None:
    assert (one == other) is equal
    assert (one != other) is not equal
    assert (other == one) is equal
    if equal:
        assert hash(one) == hash(other)
        assert len({one, other}) == 1
        assert {one: 1}[other] == 1  # type: ignore[index]


CHANGES: list[tuple[str, Callable[[Local], None]]] = [
    ("set zh", lambda t: setattr(t, "zh", "改")),
    ("set en", lambda t: setattr(t, "en", "changed")),
    ("set another", lambda t: setattr(t, "fr", "changé")),
    ("delete zh", lambda t: delattr(t, "zh")),
    ("delete en", lambda t: delattr(t, "en")),
]


@pytest.mark.parametrize("kind", [TEXT, LINE], ids=["Local", "LocalLine"])
@pytest.mark.parametrize(("what", "change"), CHANGES, ids=[c[0] for c in CHANGES])
def test_immutable(kind: TypeAdapter[Any], what: str, change: Callable[[Local], None]) -> None:
    shown = text({"zh": "展厅", "en": "Showroom"}, kind)
    before = hash(shown)
    with pytest.raises(AttributeError, match="immutable"):
        change(shown)
    assert (shown.zh, shown.en, hash(shown)) == ("展厅", "Showroom", before)


@pytest.mark.parametrize("kind", [TEXT, LINE], ids=["Local", "LocalLine"])
def test_small(kind: TypeAdapter[Any]) -> None:
    """The point of the class: no __dict__, a third of a model's 264 bytes or less."""
    shown = text({"zh": "展厅", "en": "Showroom"}, kind)
    assert not hasattr(shown, "__dict__")
    assert sys.getsizeof(shown) <= 64


@pytest.mark.parametrize(("value", "kind", "shown"), [
    ({"zh": "展厅"}, TEXT, "Local(zh='展厅', en=None)"),
    ("Showroom", LINE, "LocalLine(zh='Showroom', en='Showroom')"),
    (2027, TEXT, "Local(zh='2027', en='2027')"),
])
def test_repr_names_the_class_and_texts(value: Any, kind: TypeAdapter[Any], shown: str) -> None:
    assert repr(text(value, kind)) == shown


def _pickled(shown: Local) -> Local:
    made: Local = pickle.loads(pickle.dumps(shown))
    return made


@pytest.mark.parametrize("value", [{"zh": "展厅"}, {"en": "Showroom"}, "Showroom",
                                   {"zh": "展厅", "en": "Showroom"}])
@pytest.mark.parametrize("kind", [TEXT, LINE], ids=["Local", "LocalLine"])
@pytest.mark.parametrize("again", [_pickled, copy.copy, copy.deepcopy],
                         ids=["pickle", "copy", "deepcopy"])
def test_pickled_and_copied_alike(value: Any, kind: TypeAdapter[Any],
                                  again: Callable[[Local], Local]) -> None:
    shown = text(value, kind)
    made = again(shown)
    assert type(made) is type(shown) and made == shown
    assert (made.zh, made.en) == (shown.zh, shown.en)


def test_made_directly_it_needs_a_language() -> None:
    assert Local(zh="展厅") == text({"zh": "展厅"})
    with pytest.raises(ValueError, match="zh or en"):
        Local()


def test_a_text_is_taken_as_it_is() -> None:
    """As a model takes its own instances: a Local passes a LocalText, a LocalLine both; a
    Local is no LocalLine (its texts were never checked to show something)."""
    shown = text({"zh": " "})
    assert TEXT.validate_python(shown) is shown
    line = text("展厅", LINE)
    assert type(shown) is Local and type(line) is LocalLine and isinstance(line, Local)
    assert TEXT.validate_python(line) is line and LINE.validate_python(line) is line
    with pytest.raises(ValidationError, match="instance of LocalLine"):
        LINE.validate_python(shown)


class _Holder(BaseModel):
    text: LocalText | None = None
    line: RequiredText


def test_a_model_holding_texts_dumps_them_as_a_model_did() -> None:
    holder = _Holder.model_validate({"text": {"zh": "展厅"}, "line": 2027})
    both = {"text": {"zh": "展厅", "en": None}, "line": {"zh": "2027", "en": "2027"}}
    assert holder.model_dump() == both
    assert json.loads(holder.model_dump_json()) == both


def test_json_schema_has_no_field_title() -> None:
    """The text's schema has a ref, as a model's had: fields of text get no title (the
    committed schema stays the same; tests/test_schema.py compares it)."""
    properties = _Holder.model_json_schema()["properties"]
    assert "title" not in properties["line"] and "title" not in properties["text"]


def test_the_stored_policy_refuses_a_text() -> None:
    """generator.models.stored writes models and plain values only; a policy holds Text, not
    Local, and a Local found in one would be validated again rather than stored wrongly."""
    with pytest.raises(stored.Unstorable, match="Local"):
        stored.dump([text({"zh": "展厅"})])


FIX_EMPTY = "write a value, or remove the line if the field is optional"
FIX_BLANK = "write the text, or delete the line if the field is optional"
FIX_TYPE = "write the text after the colon, or a map {zh: …, en: …}"
FIX_NEITHER = ("write the text under zh: (Chinese) and/or en: (English), or write it directly "
               "after the colon to show it in both packets")
FIX_KEY = "rename or remove it; fields allowed here: zh, en"

BASE = """\
client:
  company: ACME GmbH
  country: DE
  relationship: customer
purpose: Audit
tier: C
owner: 李娜
arrival:
  at: 2026-12-08 09:30
departure:
  at: 2026-12-09 18:00
hotel:
  name: Hilton
visitors:
  - name: Hans Müller
    languages: [en]
hosts:
  - {name: 李娜, dept: sales, languages: [en]}
schedule:
  2026-12-08:
    - at: "14:00"
      what: Presentation
notes: Bring the samples
"""

PURPOSE, HOTEL, WHAT, NOTES = "purpose: Audit", "  name: Hilton", "      what: Presentation", \
    "notes: Bring the samples"

MISTAKES = [  # (line, written instead, first error as reported (None: valid), its fix)
    (PURPOSE, 'purpose: ""', "5:10 purpose: is empty.", FIX_EMPTY),
    (PURPOSE, 'purpose: " "', "5:10 purpose: holds no visible text (only spaces or invisible "
     "characters).", FIX_BLANK),
    (PURPOSE, 'purpose: "\\u200b"', "5:10 purpose: holds no visible text (only spaces or "
     "invisible characters).", FIX_BLANK),
    (PURPOSE, "purpose:", "5:9 purpose: found nothing, but text is expected.", FIX_TYPE),
    (PURPOSE, "purpose: null", "5:10 purpose: found nothing, but text is expected.", FIX_TYPE),
    (PURPOSE, "purpose: {}", "5:10 purpose: holds neither zh nor en text.", FIX_NEITHER),
    (PURPOSE, "purpose: {zh: }", "5:10 purpose: holds neither zh nor en text.", FIX_NEITHER),
    (PURPOSE, "purpose: [Audit]", "5:10 purpose: found a list, but text is expected.",
     FIX_TYPE),
    (PURPOSE, "purpose: {fr: Audit}", "5:11 purpose.fr: unknown field 'fr'.", FIX_KEY),
    (PURPOSE, "purpose: {Zh: Audit}", "5:11 purpose.Zh: unknown field 'Zh'. Did you mean 'zh'?",
     FIX_KEY),
    (PURPOSE, 'purpose: {zh: ""}', "5:15 purpose.zh: is empty.", FIX_EMPTY),
    (PURPOSE, 'purpose: {zh: 审核, en: " "}', "5:23 purpose.en: holds no visible text (only "
     "spaces or invisible characters).", FIX_BLANK),
    (PURPOSE, "purpose: 2027", None, None),
    (PURPOSE, "purpose: {en: 2027}", None, None),
    (PURPOSE, "purpose: true", "5:10 purpose: found 'true', but text is expected.", FIX_TYPE),
    (PURPOSE, "purpose: false", "5:10 purpose: found 'false', but text is expected.", FIX_TYPE),
    (PURPOSE, "purpose: {zh: true}", "5:15 purpose.zh: found 'true', but text is expected.",
     "write plain text"),
    (PURPOSE, "purpose: 2026-12-08", "5:10 purpose: found '2026-12-08', but a mapping of fields "
     "(key: value lines) is expected here.", "e.g.  purpose: Audit the wristband line"),
    (HOTEL, "  name: {zh: 希尔顿, fr: Hilton}", "13:19 hotel.name.fr: unknown field 'fr'.",
     FIX_KEY),
    (HOTEL, '  name: {en: ""}', "13:14 hotel.name.en: is empty.", FIX_EMPTY),
    (WHAT, "      what: {}", "22:13 schedule.2026-12-08[0].what: holds neither zh nor en text.",
     FIX_NEITHER),
    (WHAT, "      what: {zh: [a]}", "22:18 schedule.2026-12-08[0].what.zh: found a list, but "
     "text is expected.", "write plain text"),
    (NOTES, 'notes: ""', None, None),                      # optional text may be empty
    (NOTES, 'notes: {zh: ""}', None, None),
    (NOTES, "notes:", None, None),
    (NOTES, "notes: 3.5", None, None),
    (NOTES, "notes: {}", "23:8 notes: holds neither zh nor en text.", FIX_NEITHER),
    (NOTES, "notes: {zh: , en: }", "23:8 notes: holds neither zh nor en text.", FIX_NEITHER),
    (NOTES, "notes: {de: Muster}", "23:9 notes.de: unknown field 'de'.", FIX_KEY),
    (NOTES, "notes: [a, b]", "23:8 notes: found a list, but text is expected.", FIX_TYPE),
    (NOTES, "notes: true", "23:8 notes: found 'true', but text is expected.", FIX_TYPE),
]


@pytest.mark.parametrize(("old", "new", "expected", "fix"), MISTAKES,
                         ids=[f"{m[1].strip()}" for m in MISTAKES])
def test_mistakes_are_reported_where_they_are(check: Callable[[str], list[Problem]], old: str,
                                              new: str, expected: str | None,
                                              fix: str | None) -> None:
    assert old in BASE
    errors = [p for p in check(BASE.replace(old, new, 1)) if p.severity.value == "error"]
    if expected is None:
        assert [p.format() for p in errors] == []
        return
    assert errors, "expected an error"
    where, _, message = expected.partition(" ")
    line, column = where.split(":")
    assert (errors[0].line, errors[0].column) == (int(line), int(column))
    assert errors[0].format().split("\n    fix: ")[0] == (
        f"visit.yml:{where}: error [schema] {message}")
    assert errors[0].fix == fix
