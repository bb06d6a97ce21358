"""Free text in a visit file: a plain string, shown in both packets, or ``{zh: …, en: …}``.

A packet shows its own language and falls back to the other one, which the templates mark as
untranslated (:meth:`Local.untranslated`). A plain string is stored in both languages, so it is
never marked: it is what the writer wants every reader to see (a hotel's name, a flight's
terminal).
"""

from typing import Annotated, Any, Self

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from .common import LANGUAGES, Strict


def not_blank(value: str) -> str:
    """Required text must show something: not only spaces or invisible characters."""
    import unicodedata

    if not any(not char.isspace() and unicodedata.category(char) != "Cf" for char in value):
        raise PydanticCustomError("blank_text", "holds no visible text (only spaces or "
                                  "invisible characters).", {})
    return value


Line = Annotated[str, Field(min_length=1), AfterValidator(not_blank)]


class Local(Strict):
    """One text in the site's languages; at least one of them is given."""

    zh: str | None = None
    en: str | None = None

    @model_validator(mode="after")
    def _one_language(self) -> Self:
        if self.zh is None and self.en is None:
            raise PydanticCustomError(
                "local_empty", "holds neither zh nor en text.", {})
        return self

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

    zh: Line | None = None
    en: Line | None = None


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

