"""Pieces shared by the policy and visit models.

Every model is built (its validator made) when it is first used, not when its module is
imported (``defer_build``): a check whose policy comes from :mod:`generator.datacache` never
builds the policy's models. The model modules do without ``from __future__ import
annotations``, so that pydantic finds their annotations evaluated already.
"""

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

LANGUAGES = ("zh", "en")


# One set of field names per distinct combination (see Strict.model_post_init).
_FIELD_SETS: dict[frozenset[str], set[str]] = {}


class Strict(BaseModel):
    """Base model: unknown keys are errors, numbers are accepted where text is expected."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True,
                              defer_build=True)

    def model_post_init(self, context: Any, /) -> None:
        """Share the set of the fields the input gave with every model that gave the same.

        pydantic keeps that set on each instance, and at a few thousand visits the sets take
        about a quarter of the loaded project's memory, in each process that builds a
        language. Models are frozen, so nothing adds to a set after validation; a copy
        (``model_copy``) copies the set before changing it."""
        given = self.__pydantic_fields_set__
        shared = _FIELD_SETS.setdefault(frozenset(given), given)
        if shared is not given:
            object.__setattr__(self, "__pydantic_fields_set__", shared)


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
