"""The reception policy: the company's rules as data (``policy/reception.yml``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PositiveInt, WithJsonSchema
from pydantic_core import PydanticCustomError

from .check_settings import CheckSettings
from .common import Strict, Text, listify
from .vocabulary import (
    ANCHORS,
    DUE_UNITS,
    Anchor,
    DueUnit,
    Meal,
    Payer,
    Relationship,
    Tour,
    default_catalogue,
)

if TYPE_CHECKING:
    from ..i18n import Catalogue

Severity = Literal["error", "warning", "off"]


def _alternatives(words: tuple[str, ...]) -> str:
    """A regex of *words* (letters and hyphens, which need no escaping, also not in the JSON
    Schema's regex dialect), longest first so that ``item-end`` is not read as ``item``."""
    assert all(re.fullmatch(r"[a-z-]+", word) for word in words), words
    return "|".join(sorted(words, key=len, reverse=True))


_DUE = re.compile(
    rf"^({_alternatives(ANCHORS)})\s*(?:([+-]\d+)\s*({_alternatives(DUE_UNITS)}))?$")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class DueSpec(Strict):
    """When a task is due: an anchor and an offset, written ``arrival -5d`` or ``item -1h``.

    ``arrival``/``departure`` are the visit's arrival and departure; ``item``/``item-end`` the
    start or end of each schedule item the task's condition selects (one task per item). An
    offset in days falls on that day at the policy's ``workday_end``; hours and minutes are
    counted from the anchor's exact time.
    """

    anchor: Anchor
    amount: int = 0
    unit: DueUnit = "d"

    def describe(self, lang: str, catalogue: Catalogue | None = None) -> str:
        """The due time in words, e.g. "5 days before arrival", from the catalogue's
        ``due_*`` messages (the repository's catalogue when none is given)."""
        if catalogue is None:
            catalogue = default_catalogue()
        anchor = catalogue.t(lang, f"due_anchor_{self.anchor}")
        if self.amount == 0:
            return catalogue.t(lang, "due_at", anchor=anchor)
        n = abs(self.amount)
        unit = catalogue.t(lang, f"due_unit_{self.unit}_{'one' if n == 1 else 'other'}")
        return catalogue.t(lang, "due_before" if self.amount < 0 else "due_after",
                           anchor=anchor, n=n, unit=unit)


def _parse_due(value: Any) -> Any:
    if isinstance(value, dict | DueSpec):
        return value
    match = _DUE.match(str(value).strip())
    if not match:
        raise PydanticCustomError(
            "due_spec",
            "found '{found}'. Write an anchor and an optional offset: arrival -5d, "
            "departure +2d, item -1h, arrival -30min.", {"found": str(value)})
    anchor, amount, unit = match.groups()
    return {"anchor": anchor, "amount": int(amount or 0), "unit": unit or "d"}


Due = Annotated[DueSpec, BeforeValidator(_parse_due),
                WithJsonSchema({"type": "string", "pattern": _DUE.pattern})]


def _parse_clock(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    match = _CLOCK.match(str(value).strip())
    if not match:
        raise PydanticCustomError("time_hhmm", "found '{found}'; write HH:MM, e.g. \"18:00\"",
                                  {"found": str(value)})
    return dt.time(int(match.group(1)), int(match.group(2)))


Clock = Annotated[dt.time, BeforeValidator(_parse_clock)]


class Condition(Strict):
    """When a task applies. Every condition given must hold; lists mean "any of these"."""

    pickup: bool | None = None
    send_off: bool | None = None
    hotel: bool | None = Field(default=None, description="A hotel is booked.")
    hotel_paid_by: Payer | None = None
    gifts: bool | None = Field(default=None, description="The visit lists gifts.")
    tour: listify(Tour) = Field(  # type: ignore[valid-type]
        default_factory=list, description="A schedule item with one of these tours.")
    meal: listify(Meal) = Field(  # type: ignore[valid-type]
        default_factory=list, description="A schedule item with one of these meals.")
    tiers: listify(str) = Field(default_factory=list)  # type: ignore[valid-type]
    diets: listify(str) = Field(  # type: ignore[valid-type]
        default_factory=list, description="A visitor with one of these diets.")
    countries: listify(str) = Field(default_factory=list)  # type: ignore[valid-type]
    relationships: listify(Relationship) = Field(  # type: ignore[valid-type]
        default_factory=list)
    visitors_over: int | None = Field(default=None, description="More than N visitors.")


class Task(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    text: Text
    owner: str
    due: Due
    when: Condition = Field(default_factory=Condition)
    link: str = Field(default="", description="Handbook page that requires the task.")
    source: str = ""


class CheckRule(Strict):
    severity: Severity
    message: Text = Field(description="What is wrong and what to change; {placeholders}.")
    link: str = ""


class Department(Strict):
    name: Text


class Diet(Strict):
    name: Text
    restaurant: Text = Field(description="What to tell the restaurant, one short sentence.")


class Tier(Strict):
    name: Text
    guests: Text = Field(description="Which visitors get this tier.")
    received_by: Text
    must_attend: list[str] = Field(default_factory=list,
                                   description="Departments that must have a host at the visit.")
    meal_cap: PositiveInt = Field(description="Meal budget per person per meal, policy currency.")
    hotel_paid_by: Payer
    car: Text
    gifts_allowed: bool
    gifts: Text
    source: str = Field(default="", description="Where the figures come from.")


class EscortRule(Strict):
    up_to: PositiveInt | None = Field(
        default=None, description="Largest number of guests this line covers; none = no limit.")
    escorts: PositiveInt


class Limits(Strict):
    """Bounds on what one visit file may hold, so a mistaken or hostile file fails fast."""

    max_file_bytes: PositiveInt = Field(
        default=1_000_000, description="Largest visit file accepted, in bytes (a visit is a "
        "few KB).")
    max_text_chars: PositiveInt = Field(
        default=1_000, description="Longest one-line text (a name, a title, an item).")
    max_markdown_chars: PositiveInt = Field(
        default=10_000, description="Longest Markdown field (background, notes).")
    max_markdown_brackets: PositiveInt = Field(
        default=500, description="Most square brackets in a visit's Markdown fields together "
        "(Markdown's link syntax slows down sharply with thousands of them).")


class Policy(Strict):
    company: Text
    currency: str = "CNY"
    timezone: str = "Asia/Shanghai"
    departments: dict[str, Department]
    diets: dict[str, Diet]
    tiers: dict[str, Tier]
    escorts: list[EscortRule] = Field(min_length=1)
    relationship_tiers: dict[str, str] = Field(
        default_factory=dict, description="Tier suggested for a client relationship.")
    workday_end: Clock = Field(default=dt.time(18, 0),
                               description="When a task due on a day is due.")
    tasks: list[Task] = Field(default_factory=list)
    checks: dict[str, CheckRule] = Field(default_factory=dict)
    check_settings: CheckSettings = Field(default_factory=CheckSettings)
    limits: Limits = Field(default_factory=Limits)

    def vocabulary(self, kind: str) -> list[str]:
        """The words a visit file may use for *kind* (tiers, departments, diets, tasks)."""
        if kind == "tasks":
            return [task.id for task in self.tasks]
        return list(getattr(self, kind))

    def escorts_for(self, guests: int) -> int:
        """How many of our people must join a meal with *guests* visitors."""
        for rule in self.escorts:
            if rule.up_to is None or guests <= rule.up_to:
                return rule.escorts
        return self.escorts[-1].escorts
