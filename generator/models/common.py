"""Pieces shared by the policy and visit models.

Every model is built (its validator made) when it is first used, not when its module is
imported (``defer_build``): a check whose policy comes from :mod:`generator.datacache` never
builds the policy's models. The model modules do without ``from __future__ import
annotations``, so that pydantic finds their annotations evaluated already.
"""

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

LANGUAGES = ("zh", "en")


class Strict(BaseModel):
    """Base model: unknown keys are errors, numbers are accepted where text is expected."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True,
                              defer_build=True)


class Text(Strict):
    """A sentence or label in both site languages."""

    zh: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def empty_list() -> list[Any]:
    """A new empty list, the default of a list field. (Not ``default_factory=list``: pydantic
    inspects a factory's signature, which for a built-in type means parsing its text
    signature, a quarter of a millisecond each time.)"""
    return []


def empty_dict() -> dict[Any, Any]:
    """A new empty mapping, the default of a mapping field (see :func:`empty_list`)."""
    return {}


def _as_list(value: Any) -> Any:
    """Accept a single value where a list is expected: ``diet: halal`` → ``[halal]``."""
    if value is None:
        return []
    if isinstance(value, str | int | float | dict):
        return [value]
    return value


def listify(inner: Any) -> Any:
    return Annotated[list[inner], BeforeValidator(_as_list)]
