"""Free text in a visit file: a plain string, shown in both packets, or ``{zh: …, en: …}``.

A packet shows its own language and falls back to the other one, which the templates mark as
untranslated (:meth:`Local.untranslated`). A plain string is stored in both languages, so it is
never marked: it is what the writer wants every reader to see (a hotel's name, a flight's
terminal).
"""

from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    WithJsonSchema,
)
from pydantic_core import CoreSchema, PydanticCustomError, PydanticKnownError, core_schema

from .common import LANGUAGES


def not_blank(value: str) -> str:
    """Required text must show something: not only spaces or invisible characters."""
    import unicodedata

    if not any(not char.isspace() and unicodedata.category(char) != "Cf" for char in value):
        raise PydanticCustomError("blank_text", "holds no visible text (only spaces or "
                                  "invisible characters).", {})
    return value


Line = Annotated[str, Field(min_length=1), AfterValidator(not_blank)]

# The languages' text as the models' fields take it (the Strict configuration's
# coerce_numbers_to_str), and as a Line: the same checks in the same order.
_TEXT = core_schema.str_schema(coerce_numbers_to_str=True)
_LINE = core_schema.no_info_after_validator_function(
    not_blank, core_schema.str_schema(min_length=1, coerce_numbers_to_str=True))


class Local:
    """One text in the site's languages; at least one of them is given.

    Not a pydantic model: a loaded project holds tens of thousands of texts (32,400 Local and
    23,400 LocalLine at 3,000 visits), and every build process reads them all, so their pages
    are copied into each process (issue 9). A model is an object and a ``__dict__`` (264 bytes);
    this slotted value is 48. pydantic still validates it (:meth:`__get_pydantic_core_schema__`)
    with the errors, locations and JSON Schema the model had: a mapping of ``zh`` and ``en``,
    unknown keys refused, numbers read as text, at least one language given. Like the frozen
    model, it is immutable and compares and hashes by its class and texts.

    Made directly (``Local(zh=…)``), the texts are taken as given, as ``model_construct``
    takes them; only a text with neither language is refused, as every method needs one.
    tests/test_local_text.py holds it to the model it was.
    """

    __slots__ = ("en", "zh")
    _text: ClassVar[CoreSchema] = _TEXT  # the schema of each language's text

    zh: str | None
    en: str | None

    def __init__(self, *, zh: str | None = None, en: str | None = None) -> None:
        if zh is None and en is None:
            raise ValueError("a text needs zh or en")
        object.__setattr__(self, "zh", zh)
        object.__setattr__(self, "en", en)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any,
                                     handler: GetCoreSchemaHandler) -> CoreSchema:
        fields = {lang: core_schema.typed_dict_field(core_schema.nullable_schema(cls._text),
                                                     required=False) for lang in LANGUAGES}
        return core_schema.no_info_wrap_validator_function(
            cls._validate, core_schema.typed_dict_schema(fields, extra_behavior="forbid"),
            serialization=core_schema.plain_serializer_function_ser_schema(cls._fields),
            ref=f"{cls.__module__}.{cls.__qualname__}")  # a model's has one: no field title

    @classmethod
    def _validate(cls, value: Any, fields: core_schema.ValidatorFunctionWrapHandler) -> Any:
        if isinstance(value, cls):  # as a model takes its own instances
            return value
        if not isinstance(value, dict):  # the model's error, not the typed dict's
            raise PydanticKnownError("model_type", {"class_name": cls.__name__})
        given = fields(value)
        zh, en = given.get("zh"), given.get("en")
        if zh is None and en is None:
            raise PydanticCustomError("local_empty", "holds neither zh nor en text.", {})
        return cls(zh=zh, en=en)

    def _fields(self) -> dict[str, str | None]:
        """What a model dump shows: both fields."""
        return {lang: getattr(self, lang) for lang in LANGUAGES}

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Local)
        return self.zh == other.zh and self.en == other.en

    def __hash__(self) -> int:
        return hash((self.zh, self.en))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(zh={self.zh!r}, en={self.en!r})"

    def __reduce__(self) -> tuple[Any, ...]:  # pickle and copy: no __dict__, no setattr
        return (_made, (type(self), self.zh, self.en))

    def __call__(self, lang: str) -> str:
        """The text in *lang*, or in the other language when *lang* has none."""
        own = self.zh if lang == "zh" else self.en
        if own is not None:
            return own
        return next(t for t in (self.zh, self.en) if t is not None)

    def untranslated(self, lang: str) -> bool:
        """True when *lang* has no text of its own and the other language's is shown."""
        return (self.zh if lang == "zh" else self.en) is None

    def source_lang(self, lang: str) -> str:
        """The language of the text shown in a *lang* packet."""
        return next(other for other in LANGUAGES if other != lang) if self.untranslated(
            lang) else lang

    def both(self, sep: str = " / ") -> str:
        """Both texts, for outputs read in either language (calendar files): "zh / en"."""
        if self.zh is None or self.en is None or self.zh == self.en:
            return self("zh")
        return f"{self.zh}{sep}{self.en}"

    def texts(self) -> list[str]:
        """The distinct texts given (one for a plain string)."""
        return list(dict.fromkeys(t for t in (self.zh, self.en) if t is not None))

    def __str__(self) -> str:  # a forgotten language choice still shows readable text
        return self.both()


class LocalLine(Local):
    """A :class:`Local` whose every given language holds visible text (a required field)."""

    __slots__ = ()
    _text = _LINE


def _made(kind: type[Local], zh: str | None, en: str | None) -> Local:
    """A text unpickled or copied."""
    return kind(zh=zh, en=en)


def _as_local(value: Any) -> Any:
    """``"text"`` → both languages; a mapping is read as ``{zh, en}``."""
    if isinstance(value, Local):
        return value
    if isinstance(value, bool) or value is None:
        raise PydanticCustomError(
            "local_type", "found {found}, but text is expected.",
            {"found": "nothing" if value is None else f"'{str(value).lower()}'"})
    if isinstance(value, str | int | float):
        return dict.fromkeys(LANGUAGES, value)
    if isinstance(value, list):
        raise PydanticCustomError("local_type", "found a list, but text is expected.", {})
    return value


def _schema(required: bool) -> dict[str, Any]:
    text: dict[str, Any] = {"type": "string", "minLength": 1} if required else {"type": "string"}
    return {"anyOf": [text, {
        "type": "object", "additionalProperties": False, "minProperties": 1,
        "properties": {lang: text for lang in LANGUAGES},
        "description": "The text in Chinese (zh) and/or English (en)"}],
        "description": "Text: a plain string shown in both languages, or {zh: …, en: …}"}


LocalText = Annotated[Local, BeforeValidator(_as_local), WithJsonSchema(_schema(False))]
"""Optional free text (notes, Markdown, titles)."""

def _as_local_line(value: Any) -> Any:
    """As :func:`_as_local`, judging a plain string where it is written (``purpose``, not
    ``purpose.zh``)."""
    if isinstance(value, str):
        if not value:
            raise PydanticCustomError("string_too_short", "is empty.", {})
        not_blank(value)
    return _as_local(value)


RequiredText = Annotated[LocalLine, BeforeValidator(_as_local_line),
                         WithJsonSchema(_schema(True))]
"""Free text that must show something in every language given (names of things, items)."""

