"""The reception policy: the company's rules as data (``policy/reception.yml``)."""

import datetime as dt
import functools
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import (
    BeforeValidator,
    Field,
    PositiveInt,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .check_settings import CheckSettings
from .common import Strict, Text, empty_dict, empty_list, listify
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

    def describe(self, lang: str, catalogue: "Catalogue | None" = None) -> str:
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
        default_factory=empty_list, description="A schedule item with one of these tours.")
    meal: listify(Meal) = Field(  # type: ignore[valid-type]
        default_factory=empty_list, description="A schedule item with one of these meals.")
    tiers: listify(str) = Field(default_factory=empty_list)  # type: ignore[valid-type]
    diets: listify(str) = Field(  # type: ignore[valid-type]
        default_factory=empty_list, description="A visitor with one of these diets.")
    countries: listify(str) = Field(default_factory=empty_list)  # type: ignore[valid-type]
    relationships: listify(Relationship) = Field(  # type: ignore[valid-type]
        default_factory=empty_list)
    visitors_over: int | None = Field(default=None, description="More than N visitors.")


DayOff = Literal["earlier", "later"]


class Task(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    text: Text
    owner: str
    due: Due
    when: Condition = Field(default_factory=Condition)
    on_day_off: DayOff = Field(
        default="earlier",
        description="Where a task due in days goes when that day is not a working day: "
        "earlier (the working day before: a deadline) or later (the working day after: a task "
        "that must not be done before its day). It never moves past its anchor.")
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


CapBasis = Literal["person", "visitor", "party", "room"]
Amount = Annotated[float, Field(gt=0, allow_inf_nan=False)]


def mistake(message: str, fix: str, **values: Any) -> PydanticCustomError:
    """A policy mistake: what is wrong and how to fix it. Its error type is the one whose
    message and ``fix`` the loader reports as written (schema_errors.py)."""
    return PydanticCustomError("vocabulary", message, {**values, "fix": fix.format(**values)})


_CAP_FORMS = ("write a number (the cap per person, e.g. 500), actual (no cap: the actual cost, "
              "approved beforehand), or a mapping such as {{amount: 300, base_guests: 2, "
              "extra_guest: 50}}")


def _parse_cap(value: Any) -> Any:
    """``500`` → 500 per person; ``actual`` → the actual cost; a mapping as written (with
    ``base_guests`` and no ``per``, the amount is for that party)."""
    if isinstance(value, bool):
        raise mistake("found '{found}', which is not a cap.", _CAP_FORMS,
                      found=str(value).lower())
    if isinstance(value, int | float):
        return {"amount": value}
    if isinstance(value, str):
        if value.strip().lower() == "actual":
            return {"actual": True}
        raise mistake("found '{found}', which is not a cap.", _CAP_FORMS, found=value)
    if isinstance(value, dict) and "base_guests" in value and "per" not in value:
        return {**value, "per": "party"}
    return value


class Cap(Strict):
    """A spending cap in the policy currency: per person, per visitor, per room, or for a base
    party of guests plus an amount for each guest beyond it; or the actual cost.

    What a cap counts: *person* is everyone the cost covers (at a meal or an activity the
    guests and our people there; for a hotel or a transfer the guests), *visitor* the guests
    only, *room* the rooms booked (hotels), *party* ``amount`` for up to ``base_guests``
    visitors and ``extra_guest`` for each visitor beyond them. The period is the kind's: per
    meal, per night, per trip, per activity.
    """

    amount: Amount | None = Field(default=None, description="The cap, policy currency.")
    actual: bool = Field(default=False, description="No cap: the actual cost is paid, "
                         "approved beforehand.")
    per: CapBasis = "person"
    base_guests: PositiveInt | None = Field(
        default=None, description="How many visitors the amount covers (per: party).")
    extra_guest: Annotated[float, Field(ge=0, allow_inf_nan=False)] = Field(
        default=0, description="Added for each visitor beyond base_guests (per: party).")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.actual:
            if self.amount is not None or self.base_guests is not None or self.extra_guest:
                raise mistake("says actual (the actual cost, no cap) and also gives an amount.",
                              "keep one: remove the amount, or remove actual")
            return self
        if self.amount is None:
            raise mistake("gives no amount.", _CAP_FORMS)
        if self.per == "party" and self.base_guests is None:
            raise mistake("is per party but does not say for how many guests.",
                          "add base_guests, e.g. base_guests: 2")
        if self.per != "party" and (self.base_guests is not None or self.extra_guest):
            raise mistake("gives base_guests or extra_guest, which only a party cap uses.",
                          "write per: party, or remove them")
        return self


CapField = Annotated[Cap, BeforeValidator(_parse_cap)]
MealKey = Literal["all"] | Meal


def _no_rooms(value: Cap | None, what: str) -> Cap | None:
    if value is not None and value.per == "room":
        raise mistake("is per room, which only a hotel cap can be.",
                      "use per: person, visitor or party for {what}", what=what)
    return value


class Caps(Strict):
    """A tier's spending caps. A kind without a cap has none in the policy."""

    meals: dict[MealKey, CapField] = Field(
        default_factory=empty_dict, description="Per meal: by meal (breakfast, lunch, dinner, "
        "banquet), or all for every meal without its own.")
    hotel: CapField | None = Field(default=None, description="Per night.")
    transport: CapField | None = Field(default=None, description="Per trip (arrival or "
                                       "departure transfer).")
    entertainment: CapField | None = Field(
        default=None, description="Per activity (sightseeing, an evening out).")

    @field_validator("meals", mode="after")
    @classmethod
    def _meals_per_person(cls, value: dict[str, Cap]) -> dict[str, Cap]:
        for cap in value.values():
            _no_rooms(cap, "meals")
        return value

    @field_validator("transport", "entertainment", mode="after")
    @classmethod
    def _not_per_room(cls, value: Cap | None, info: ValidationInfo) -> Cap | None:
        return _no_rooms(value, str(info.field_name))

    def meal(self, meal: Meal) -> Cap | None:
        """The cap of *meal*: its own, else the one for all meals, else none."""
        return self.meals.get(meal) or self.meals.get("all")


class Tier(Strict):
    name: Text
    guests: Text = Field(description="Which visitors get this tier.")
    received_by: Text
    must_attend: list[str] = Field(default_factory=empty_list,
                                   description="Departments that must have a host at the visit.")
    meal_cap: PositiveInt | None = Field(
        default=None, description="Shorthand: one cap for every meal, per person, policy "
        "currency (caps.meals for anything else).")
    caps: Caps = Field(default_factory=Caps, description="Meal, hotel, transport and "
                       "entertainment caps.")
    hotel_paid_by: Payer
    car: Text
    gifts_allowed: bool
    gifts: Text
    source: str = Field(default="", description="Where the figures come from.")

    @model_validator(mode="before")
    @classmethod
    def _meal_cap_shorthand(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get("meal_cap") is None:
            return data
        if isinstance(data["meal_cap"], bool) or not isinstance(data["meal_cap"], int | float):
            return data  # the meal_cap field reports what is wrong with it
        caps = data.get("caps")
        if isinstance(caps, dict) and caps.get("meals"):
            raise mistake("gives meal_cap and caps.meals.",
                          "write the meal caps once: meal_cap (one cap for every meal, per "
                          "person) or caps.meals")
        if caps is not None and not isinstance(caps, dict | Caps):
            return data  # the caps field reports what is wrong with it
        if isinstance(caps, Caps):
            caps = caps.model_dump(exclude_defaults=True)
        return {**data, "caps": {**(caps or {}), "meals": {"all": data["meal_cap"]}}}


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


WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday()
_DAY_NAMES = {f"{day}{rest}": day for day, rest in zip(
    WEEKDAYS, ("day", "sday", "nesday", "rsday", "day", "urday", "day"), strict=True)}


def _weekday(value: Any) -> Any:
    """``Saturday``, ``SAT`` → ``sat``."""
    if isinstance(value, str):
        word = value.strip().lower()
        return _DAY_NAMES.get(word, word)
    return value


Weekday = Annotated[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                    BeforeValidator(_weekday)]


@functools.cache
def _holiday_countries() -> frozenset[str]:
    """The country codes the ``holidays`` package knows, from its registry (which, unlike
    ``list_supported_countries``, imports no country's module), cached on disk per version
    (:mod:`generator.datacache`: importing the package takes a tenth of a second)."""
    from ..datacache import cached

    def compute() -> list[str]:
        try:
            from holidays.registry import COUNTRIES
        except ImportError:  # pragma: no cover - a future layout of the package
            import holidays

            return sorted(holidays.list_supported_countries())
        return sorted(names[1] for names in COUNTRIES.values())

    return frozenset(cached("holidays", "countries", compute))


class HolidaySource(Strict):
    """A country's public holidays and make-up working days (weekend days worked in exchange
    for a longer holiday), from the ``holidays`` package."""

    country: str = Field(description="ISO 3166 country code, e.g. CN.")
    subdivision: str | None = Field(default=None, description="A province or state, if the "
                                    "holidays differ by region.")

    @model_validator(mode="after")
    def _known(self) -> Self:
        code = self.country.upper()
        if code not in _holiday_countries():
            raise mistake("found '{found}', which is not a country the holidays package "
                          "knows.", "write a two-letter ISO 3166 country code, e.g. CN",
                          found=self.country)
        if self.subdivision is None:
            return self
        import holidays  # imports every country's module (about a second): only when needed

        subdivisions: list[str] = holidays.list_supported_countries().get(code, [])
        if self.subdivision not in subdivisions:
            known = ", ".join(subdivisions) or "none"
            raise mistake("found subdivision '{found}', which is not a subdivision of "
                          "{country} (known: {known}).",
                          "use a known one, or remove subdivision for the national holidays",
                          found=self.subdivision, country=code, known=known)
        return self


def _day_list(value: Any) -> Any:
    if isinstance(value, dt.date | str):
        return [value]
    return value


Days = Annotated[list[dt.date], BeforeValidator(_day_list)]


class WorkingDays(Strict):
    """Which days are working days: not a weekend day, not a public holiday, unless it is a
    make-up working day; the policy's own days off and working days win over both."""

    weekend: list[Weekday] = Field(default_factory=lambda: list[Weekday](["sat", "sun"]))
    holidays: HolidaySource | None = Field(
        default=None, description="Public holidays and make-up working days of a country.")
    extra_days_off: Days = Field(default_factory=empty_list,
                                 description="The company's own days off (YYYY-MM-DD).")
    extra_working_days: Days = Field(
        default_factory=empty_list, description="Days worked although they are a weekend day or a "
        "holiday (YYYY-MM-DD).")

    @model_validator(mode="after")
    def _sane(self) -> Self:
        if set(WEEKDAYS) <= set(self.weekend):
            raise mistake("names every day of the week as weekend, so no day would be a "
                          "working day.", "list only the days off, e.g. weekend: [sat, sun]")
        both = sorted(set(self.extra_days_off) & set(self.extra_working_days))
        if both:
            raise mistake("lists {days} both as a day off and as a working day.",
                          "keep each date in one of extra_days_off and extra_working_days",
                          days=", ".join(day.isoformat() for day in both))
        return self


class TourRule(Strict):
    """What a tour of one kind asks of guests and escorts (seed 003's tour rules, seed 000's
    positions); the packet's tour block shows it."""

    gear: list[Text] = Field(default_factory=empty_list,
                             description="Protective gear each person wears.")
    hand_over: list[Text] = Field(default_factory=empty_list,
                                  description="What guests hand in before entering.")
    no_photo: list[Text] = Field(
        default_factory=empty_list,
        description="Where photos and filming are not allowed without approval.")
    escorts: Text = Field(description="Where our people walk during the tour.")
    route_owner: str | None = Field(default=None,
                                    description="The department that owns the route.")
    source: str = ""


class Policy(Strict):
    company: Text
    currency: str = "CNY"
    timezone: str = "Asia/Shanghai"
    departments: dict[str, Department]
    diets: dict[str, Diet]
    tiers: dict[str, Tier]
    escorts: list[EscortRule] = Field(min_length=1)
    relationship_tiers: dict[str, str] = Field(
        default_factory=empty_dict, description="Tier suggested for a client relationship.")
    workday_end: Clock = Field(default=dt.time(18, 0),
                               description="When a task due on a day is due.")
    working_days: WorkingDays | None = Field(
        default=None, description="Weekend, holidays and make-up working days; a task due "
        "on a day off moves to a working day. None: every day is a working day.")
    tours: dict[Tour, TourRule] = Field(default_factory=empty_dict,
                                        description="Rules of each kind of tour.")
    tasks: list[Task] = Field(default_factory=empty_list)
    checks: dict[str, CheckRule] = Field(default_factory=empty_dict)
    check_settings: CheckSettings = Field(default_factory=CheckSettings)
    limits: Limits = Field(default_factory=Limits)

    @field_validator("tours", mode="after")
    @classmethod
    def _route_owners(cls, value: dict[str, TourRule],
                      info: ValidationInfo) -> dict[str, TourRule]:
        departments = info.data.get("departments")
        if departments is None:
            return value
        for tour, rule in value.items():
            if rule.route_owner is not None and rule.route_owner not in departments:
                raise mistake("tour '{tour}' names route_owner '{found}', which is not a "
                              "department of the policy.", "use one of: {known}", tour=tour,
                              found=rule.route_owner, known=", ".join(departments))
        return value

    @field_validator("tasks", mode="after")
    @classmethod
    def _task_words(cls, value: list[Task], info: ValidationInfo) -> list[Task]:
        """Every task's owner is a department and every tier its condition names a tier."""
        departments, tiers = info.data.get("departments"), info.data.get("tiers")
        for task in value:
            if departments is not None and task.owner not in departments:
                raise mistake("task '{task}' has owner '{found}', which is not a department "
                              "of the policy.", "use one of: {known}", task=task.id,
                              found=task.owner, known=", ".join(departments))
            unknown = [t for t in task.when.tiers if tiers is not None and t not in tiers]
            if unknown:
                raise mistake("task '{task}' applies to tier '{found}' (when.tiers), which is "
                              "not a tier of the policy.", "use one of: {known}", task=task.id,
                              found=unknown[0], known=", ".join(tiers or {}))
        return value

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
