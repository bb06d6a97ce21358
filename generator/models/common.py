"""Pieces shared by the policy and visit models."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

LANGUAGES = ("zh", "en")


class Strict(BaseModel):
    """Base model: unknown keys are errors, numbers are accepted where text is expected."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True)


class Text(Strict):
    """A sentence or label in both site languages."""

    zh: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _as_list(value: Any) -> Any:
    """Accept a single value where a list is expected: ``diet: halal`` → ``[halal]``."""
    if value is None:
        return []
    if isinstance(value, str | int | float | dict):
        return [value]
    return value


def listify(inner: Any) -> Any:
    return Annotated[list[inner], BeforeValidator(_as_list)]
