"""The visit file: one YAML file per visit, written by sales (see the visit-file spec)."""

import datetime as dt
import functools
import re
import unicodedata
import zoneinfo
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from ..datacache import cached
from ..problems import did_you_mean, quote_list
from .common import Strict, empty_dict, empty_list, listify
from .local import Line, LocalText, RequiredText
from .vocabulary import Meal, Payer, Relationship, Tour, Transport

FIRST_YEAR, LAST_YEAR = 2000, 2099
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_OFFSET = re.compile(r"^([+-]?\d{1,3})\s*d$", re.IGNORECASE)


@functools.cache
def _country_names() -> dict[str, str]:
    import pycountry  # imported when its databases are needed: to name a mistake

    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names[value.lower()] = country.alpha_2
    return names


def _not_text(value: Any, what: str) -> None:
    if isinstance(value, dict | list):
        kind = "a mapping" if isinstance(value, dict) else "a list"
        standard = "ISO 3166 country" if what == "country" else "ISO 639-1 language"
        raise PydanticCustomError(f"{what}_code", f"found {kind}, which is not a two-letter "
                                  f"{standard} code.", {})


@functools.cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (cached on disk: pycountry parses its whole database)."""

    def compute() -> list[str]:
        import pycountry

        return sorted(c.alpha_2 for c in pycountry.countries)

    return frozenset(cached("pycountry", "countries-alpha-2", compute))


@functools.cache
def language_codes() -> frozenset[str]:
    """ISO 639-1 codes, the languages with a two-letter code (cached like the countries)."""

    def compute() -> list[str]:
        import pycountry

        return sorted(code for lang in pycountry.languages
                      if (code := getattr(lang, "alpha_2", None)))

    return frozenset(cached("pycountry", "languages-alpha-2", compute))


def parse_country(value: Any) -> str:
    _not_text(value, "country")
    text = str(value).strip()
    if len(text) == 2 and text.upper() in country_codes():
        return text.upper()
    names = _country_names()
    guess = names.get(text.lower())
    if guess is None:
        close = did_you_mean(text, names)
        guess = names[close.lower()] if close else None
    hint = f" Did you mean '{guess}'?" if guess else ""
    raise PydanticCustomError(
        "country_code",
        "found '{found}', which is not a two-letter ISO 3166 country code.{hint}",
        {"found": text, "hint": hint},
    )


@functools.cache
def _language_names() -> dict[str, str]:
    """Names and three-letter codes of the languages that have a two-letter code, lowercased."""
    import pycountry

    names: dict[str, str] = {}
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if not code:
            continue
        for attr in ("name", "common_name", "inverted_name", "alpha_3", "bibliographic"):
            value = getattr(language, attr, None)
            if value:
                names.setdefault(str(value).lower(), code)
    return names


def parse_language(value: Any) -> str:
    _not_text(value, "language")
    text = str(value).strip()
    if len(text) == 2 and text.lower() in language_codes():
        return text.lower()
    code = _language_names().get(text.lower())
    hint = f" Did you mean '{code}'?" if code else ""
    raise PydanticCustomError(
        "language_code",
        "found '{found}', which is not a two-letter ISO 639-1 language code "
        "(en, de, ru, ar, …).{hint}",
        {"found": text, "hint": hint},
    )


def check_year(value: dt.date) -> dt.date:
    """Dates of a visit lie in this century: year 0001 or 9999 is a typing mistake."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError(
            "visit_year", "found '{date}', whose year is not between {first} and {last}.",
            {"date": f"{value.year:04d}-{value.month:02d}-{value.day:02d}",
             "first": FIRST_YEAR, "last": LAST_YEAR})
    return value


def not_a_number(value: Any) -> Any:
    """A date written as a number (20261208, 1733650200) is a mistake, not a Unix time."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError("date_number", "found '{found}', which is not a date.",
                                  {"found": str(value)})
    return value


def check_local(value: dt.datetime) -> dt.datetime:
    """A local date and time: an offset (+02:00, Z) would be ambiguous next to ``timezone``."""
    if value.tzinfo is not None:
        raise PydanticCustomError(
            "offset_datetime", "found a date and time with a UTC offset ({offset}); times in "
            "a visit file are local times without an offset.",
            {"offset": value.strftime("%z") or str(value.tzinfo)})
    return value


@functools.cache
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_time_zone(name: str) -> bool:
    """Whether *name* is one of :func:`time_zone_names`, most often without listing them all
    (which opens every file of the system's time zone folder: tens of milliseconds)."""
    return (name != "posixrules" and name in _tzdata_zones()) or name in time_zone_names()


@functools.cache
def _tzdata_zones() -> frozenset[str]:
    """The zones the ``tzdata`` package lists, read as ``zoneinfo.available_timezones`` reads
    them: its answer is these and the zone files found on the system's ``zoneinfo.TZPATH``,
    less ``posixrules``."""
    from importlib import resources

    try:
        with resources.files("tzdata").joinpath("zones").open("r") as handle:
            return frozenset(zone for line in handle if (zone := line.strip()))
    except (ImportError, FileNotFoundError):
        return frozenset()


# A region alone is not a zone: suggest its best-known zone rather than the closest spelling.
_REGION_EXAMPLES = {"asia": "Asia/Shanghai", "europe": "Europe/Berlin",
                    "america": "America/New_York", "africa": "Africa/Lagos",
                    "australia": "Australia/Sydney", "pacific": "Pacific/Auckland",
                    "etc": "Etc/UTC", "indian": "Indian/Maldives", "atlantic": "Atlantic/Azores"}


def check_time_zone(value: str) -> str:
    if not is_time_zone(value):
        region = value.strip().strip("/").lower()
        if region in _REGION_EXAMPLES:
            hint = (f" It names a region, not a zone: write the zone, e.g. "
                    f"'{_REGION_EXAMPLES[region]}'.")
        else:
            close = did_you_mean(value, time_zone_names())
            hint = f" Did you mean '{close}'?" if close else ""
        raise PydanticCustomError(
            "time_zone", "found '{found}', which is not a time zone name.{hint}",
            {"found": value, "hint": hint})
    return value


def parse_time(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    text = str(value).strip()
    if text != unicodedata.normalize("NFKC", text) and _TIME.match(
            unicodedata.normalize("NFKC", text)):
        raise PydanticCustomError(  # typed with a Chinese input method: １４：００
            "time_hhmm", "found '{found}', written with full-width digits or colon. Write "
            "the time with half-width characters, e.g. \"14:00\".", {"found": text})
    match = _TIME.match(text)
    if not match:
        raise PydanticCustomError(
            "time_hhmm",
            "found '{found}', which is not a time of day. Write HH:MM on the 24-hour clock, "
            "in quotes, e.g. \"09:30\" or \"14:00\".",
            {"found": text},
        )
    return dt.time(int(match.group(1)), int(match.group(2)))


def parse_due(value: Any) -> dt.date | int:
    if isinstance(value, dt.datetime):
        return check_year(value.date())
    if isinstance(value, dt.date):
        return check_year(value)
    text = str(value).strip()
    match = _OFFSET.match(text)
    if match and not isinstance(value, int | float):
        return int(match.group(1))
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return check_year(day)
        if _DATE_LIKE.match(text):
            raise PydanticCustomError(
                "due", "found '{found}', which is not a date. Write a real date (2026-12-01) or "
                "a number of days from the arrival day followed by d (-5d, +2d).",
                {"found": text})
    raise PydanticCustomError(
        "due",
        "found '{found}'. Write a date (2026-12-01) or a number of days from the arrival "
        "day followed by d (-5d, -1d, +2d).",
        {"found": str(value)},
    )


def _vocabulary(kind: str, label: str, fix: str) -> Any:
    """A validator that checks a word against one of the policy's vocabularies.

    The policy is passed as validation context (``{"policy": policy}``); without it (for
    example when writing the JSON Schema) any word is accepted.
    """

    def check(value: str, info: ValidationInfo) -> str:
        policy = (info.context or {}).get("policy")
        if policy is None:
            return value
        allowed = policy.vocabulary(kind)
        if value in allowed:
            return value
        guess = did_you_mean(value, allowed)
        hint = f" Did you mean '{guess}'?" if guess else ""
        raise PydanticCustomError(
            "vocabulary", "found '{found}', which is not {label}.{hint}",
            {"found": value, "label": label, "hint": hint,
             "fix": fix.format(allowed=quote_list(allowed))},
        )

    return AfterValidator(check)


TierKey = Annotated[str, BeforeValidator(lambda v: v if v is None else str(v)),
                    _vocabulary("tiers", "a tier of the reception policy",
                                "use one of: {allowed}")]
DeptKey = Annotated[str, _vocabulary("departments", "a department of the reception policy",
                                     "use one of: {allowed}")]
TaskId = Annotated[str, _vocabulary("tasks", "a task of the reception policy",
                                    "use task ids from the packet's checklist: {allowed}")]
DietWord = Annotated[str, _vocabulary("diets", "in the diet vocabulary",
                                      "use words from: {allowed}; put anything else in notes")]

Country = Annotated[
    str, BeforeValidator(parse_country),
    WithJsonSchema({"type": "string", "pattern": "^[A-Za-z]{2}$",
                    "description": "ISO 3166-1 alpha-2 country code, e.g. DE"}),
]
Language = Annotated[
    str, BeforeValidator(parse_language),
    WithJsonSchema({"type": "string", "pattern": "^[A-Za-z]{2}$",
                    "description": "ISO 639-1 language code, e.g. en"}),
]
TimeOfDay = Annotated[
    dt.time, BeforeValidator(parse_time),
    WithJsonSchema({"type": "string", "pattern": "^([01]?[0-9]|2[0-3]):[0-5][0-9]$",
                    "description": "Local time HH:MM, 24-hour clock"}),
]
Due = Annotated[
    dt.date | int, BeforeValidator(parse_due),
    WithJsonSchema({"anyOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "pattern": "^[+-]?[0-9]{1,3}[dD]$"},
    ], "description": "A date, or days from the arrival day such as -5d or +2d"}),
]
VisitDate = Annotated[
    dt.date, BeforeValidator(not_a_number), AfterValidator(check_year),
    WithJsonSchema({"type": "string", "format": "date",
                    "description": "A date, YYYY-MM-DD"}),
]
TimeZone = Annotated[
    str, AfterValidator(check_time_zone),
    WithJsonSchema({"type": "string",
                    "description": "An IANA time zone name, e.g. Asia/Shanghai"}),
]
Budget = Annotated[float, Field(ge=0, allow_inf_nan=False)]
LocalDateTime = Annotated[
    dt.datetime, BeforeValidator(not_a_number), AfterValidator(check_local),
    AfterValidator(check_year),
    WithJsonSchema({"type": "string",
                    "pattern": ("^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[ T]"
                                "[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?$"),
                    "description": "Local date and time, YYYY-MM-DD HH:MM"}),
]


_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-./]{3,24}[0-9](\s*(ext\.?|x)\s*[0-9]{1,6})?$")


def parse_phone(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PydanticCustomError("phone", "found {found}, which is not a phone number.",
                                  {"found": "a mapping" if isinstance(value, dict) else
                                   "a list" if isinstance(value, list) else f"'{value}'"})
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not _PHONE.match(text):
        raise PydanticCustomError("phone", "found '{found}', which is not a phone number.",
                                  {"found": str(value)})
    return text


Phone = Annotated[
    str, BeforeValidator(parse_phone),
    WithJsonSchema({"type": "string", "pattern": "^\\+?[0-9][0-9 ()./-]{3,24}[0-9]",
                    "description": "A phone number with its country code, in quotes, e.g. "
                                   "\"+86 139 0000 0002\""}),
]


def _refuse_private(kind: str) -> Any:
    """A guest's phone, e-mail or passport number: refused wherever it is written."""

    def refuse(value: Any) -> Any:
        raise PydanticCustomError(
            "guest_private",
            "holds the guest's {kind}. A visit file is read by everyone who can open the "
            "handbook, so it holds no guest's phone number, e-mail address or passport number.",
            {"kind": kind})

    return Annotated[Any, BeforeValidator(refuse), Field(exclude=True), WithJsonSchema({
        "not": {}, "description": f"Never: a guest's {kind} is kept in the client file "
                                  "(CRM), not in a visit file."})]


ItemRef = Annotated[
    str, BeforeValidator(lambda v: _item_ref(v)),
    WithJsonSchema({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{1,2}:[0-9]{2}$",
                    "description": "A schedule item: its day and start, \"YYYY-MM-DD HH:MM\""}),
]


def _item_ref(value: Any) -> str:
    """``"2026-12-09 12:00"`` (quoted or read by YAML as a date and time) → that text."""
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    text = str(value).strip()
    day, _, clock = text.partition(" ")
    try:
        when = dt.date.fromisoformat(day)
        at = parse_time(clock.strip())
    except (ValueError, PydanticCustomError):
        raise PydanticCustomError(
            "item_ref", "found '{found}', which does not name a schedule item.",
            {"found": text}) from None
    return f"{when:%Y-%m-%d} {at:%H:%M}"


class Client(Strict):
    company: Line = Field(description="The client's company name.")
    country: Country = Field(description="The client's country, a two-letter ISO 3166 code "
                             "(DE, US, TR); the packet adds that country's tips.")
    relationship: Relationship = Field(
        default="customer", description="What the client is to us: dealer-unsigned may not "
        "tour the production line; government suggests the top tier.")
    background: LocalText | None = Field(
        default=None, description="Who they are and our history with them; Markdown.")


class Driver(Strict):
    """Who drives the visitors (second edition)."""

    name: Line = Field(description="The driver's name.")
    phone: Phone | None = Field(default=None, description="The driver's work phone, in quotes.")
    car: LocalText | None = Field(default=None, description="The car, e.g. Buick GL8 van.")
    plate: str | None = Field(default=None, description="The number plate.")


class Arrival(Strict):
    at: LocalDateTime = Field(description="When they land or their train arrives: local date "
                              "and time in the visit's time zone.")
    by: Transport = Field(default="flight", description="flight, train, car or other.")
    number: str | None = Field(default=None, description="Flight or train number, e.g. LH728.")
    place: LocalText | None = Field(default=None,
                                    description="Airport terminal or station.")
    pickup: bool = Field(default=False, description="true: we collect them (the packet adds "
                         "the driver's tasks).")
    meet: LocalText | None = Field(default=None, description="Where the driver waits for "
                                   "them, e.g. T2 arrivals, exit B; shown in the contacts.")
    driver: Driver | None = Field(default=None, description="Who drives them: name, phone, "
                                  "car, plate; shown in the packet's contacts.")
    budget: Budget | None = Field(
        default=None, description="What this transfer costs, in the policy currency; "
        "compared with the tier's transport cap.")


class Departure(Strict):
    at: LocalDateTime = Field(description="When the flight or train leaves: local date and "
                              "time, after the arrival.")
    by: Transport = Field(default="flight", description="flight, train, car or other.")
    number: str | None = Field(default=None, description="Flight or train number, e.g. LH729.")
    place: LocalText | None = Field(default=None,
                                    description="Airport terminal or station.")
    send_off: bool = Field(default=False,
                           description="true: we take them to the airport or station.")
    meet: LocalText | None = Field(default=None, description="Where the car collects them, "
                                   "e.g. the hotel lobby; shown in the contacts.")
    driver: Driver | None = Field(default=None, description="Who drives them: name, phone, "
                                  "car, plate; shown in the packet's contacts.")
    leave: TimeOfDay | None = Field(
        default=None, description="When the car leaves for the airport or station, HH:MM on "
        "the departure day; compared with the flight or train time.")
    international: bool | None = Field(
        default=None, description="true for an international flight, which needs an earlier "
        "start; default: true when the client's country is not the policy's (China).")
    budget: Budget | None = Field(
        default=None, description="What this transfer costs, in the policy currency; "
        "compared with the tier's transport cap.")


class Hotel(Strict):
    name: RequiredText = Field(description="The hotel's name.")
    check_in: VisitDate | None = Field(default=None, description="Check-in date.")
    check_out: VisitDate | None = Field(default=None,
                                        description="Check-out date, not before check-in.")
    paid_by: Payer = Field(default="guest", description="Who pays the rooms: guest or "
                           "company; the tier says which.")
    phone: Phone | None = Field(default=None, description="The hotel's phone, in quotes; "
                                "shown in the packet's contacts.")
    address: LocalText | None = Field(default=None, description="The hotel's address; shown "
                                      "in the packet's contacts.")
    rate: Budget | None = Field(
        default=None, description="Price per room per night, in the policy currency; a "
        "company-paid hotel is compared with the tier's hotel cap.")
    rooms: Annotated[int, Field(ge=1)] | None = Field(
        default=None, description="Rooms booked (default: one per visitor).")


class Visitor(Strict):
    name: Line = Field(description="The guest's full name.")
    name_zh: Line | None = Field(default=None, description="The name in Chinese characters, "
                                 "shown beside the name in the Chinese packet.")
    title: LocalText | None = Field(default=None, description="Job title.")
    principal: bool = Field(default=False,
                            description="true for the principal guest (at most one).")
    languages: listify(Language) = Field(  # type: ignore[valid-type]
        default_factory=empty_list, description="Languages the guest speaks, ISO 639-1 codes; "
        "decide where an interpreter is needed.")
    diet: listify(DietWord) = Field(  # type: ignore[valid-type]
        default_factory=empty_list,
        description="Diet words of the policy; anything else goes in notes.")
    ramadan: bool = Field(default=False, description="true: keeps the Ramadan fast, so no "
                          "daytime meals during Ramadan.")
    notes: LocalText | None = Field(default=None, description="Anything else the hosts "
                                    "should know about this guest.")
    phone: _refuse_private("phone number") = None  # type: ignore[valid-type]
    mobile: _refuse_private("phone number") = None  # type: ignore[valid-type]
    email: _refuse_private("e-mail address") = None  # type: ignore[valid-type]
    passport: _refuse_private("passport number") = None  # type: ignore[valid-type]


class Host(Strict):
    name: Line = Field(description="The name as written in owner and with, usually in "
                       "Chinese characters.")
    name_en: Line | None = Field(default=None, description="The name for the English packet "
                                 "(default: name in pinyin, e.g. Li Na).")
    role: LocalText | None = Field(default=None,
                                   description="Role in this visit, e.g. Account owner.")
    dept: DeptKey = Field(description="A department of the policy.")
    phone: Phone | None = Field(default=None, description="A company phone, in quotes; shown "
                                "in the packet's contacts.")
    languages: listify(Language) = Field(  # type: ignore[valid-type]
        default_factory=empty_list,
        description="Languages this host speaks besides Chinese, ISO 639-1 codes.")
    interpreter: bool = Field(default=False, description="true: interprets for the languages "
                              "listed at the items that name this host in with.")


class Item(Strict):
    at: TimeOfDay = Field(description="Start time, HH:MM in quotes.")
    to: TimeOfDay | None = Field(default=None, description="End time, not before at.")
    what: RequiredText = Field(description="What happens.")
    where: LocalText | None = Field(default=None, description="Where it happens.")
    meal: Meal | None = Field(default=None, description="Makes the item a meal: breakfast, "
                              "lunch, dinner or banquet.")
    budget: Budget | None = Field(
        default=None, description="Total budget for the meal or activity, in the policy "
        "currency; compared with the tier's cap.")
    tour: Tour | None = Field(default=None, description="Makes the item a tour: showroom, "
                              "office, production-line or sightseeing.")
    with_: listify(str) = Field(  # type: ignore[valid-type]
        default_factory=empty_list, alias="with", description="Our people at this item: names of "
        "hosts. Without it, the owner counts as the one who attends.")
    notes: LocalText | None = Field(default=None,
                                    description="Details for this item; Markdown.")

    model_config = Strict.model_config | {"populate_by_name": True}


class ChecklistItem(Strict):
    task: RequiredText = Field(description="The task.")
    owner: DeptKey = Field(description="The department that does it.")
    due: Due = Field(description="A date, kept as written, or days from the arrival day "
                     "(-2d), moved to the working day before when that is a day off.")
    done: bool = Field(default=False, description="true once it is done.")


CheckId = Annotated[str, _vocabulary("checks", "a check of the reception policy",
                                     "use a check id from the packet's warnings: {allowed}")]


class Approval(Strict):
    """A warning that was accepted, by whom and when (second edition)."""

    check: CheckId = Field(description="The id of the accepted warning's check, e.g. "
                           "meal-budget.")
    item: ItemRef | None = Field(default=None, description="The schedule item the warning "
                                 "names; without it, every warning of that check.")
    by: Line = Field(description="Who approved it: a host's name or another person's.")
    on: VisitDate = Field(description="When it was approved.")
    note: LocalText | None = Field(default=None,
                                   description="Why, or where the approval is filed.")


class Visit(Strict):
    """One visit file."""

    title: RequiredText | None = Field(default=None, description="Short title of the packet; "
                                       "default: the company name and \"visit\".")
    client: Client = Field(description="The client company.")
    purpose: RequiredText = Field(description="One sentence: why they come.")
    tier: TierKey = Field(description="A tier of the reception policy.")
    owner: str = Field(description="Our account owner: the name of one of the hosts.")
    timezone: TimeZone | None = Field(default=None, description="Time zone of the times in "
                                      "this file (default: the policy's).")
    arrival: Arrival = Field(description="When and how they arrive.")
    departure: Departure = Field(description="When and how they leave.")
    hotel: Hotel | None = Field(default=None, description="The hotel, if one is booked.")
    visitors: list[Visitor] = Field(min_length=1, description="The guests, at least one.")
    hosts: list[Host] = Field(min_length=1, description="Our people, at least one.")
    schedule: dict[VisitDate, list[Item]] = Field(
        default_factory=empty_dict, description="Each day (YYYY-MM-DD) and its items.")
    gifts: listify(RequiredText) = Field(  # type: ignore[valid-type]
        default_factory=empty_list, description="Gifts we give.")
    checklist: list[ChecklistItem] = Field(
        default_factory=empty_list, description="Our own tasks, beyond those the policy derives.")
    done: listify(TaskId) = Field(  # type: ignore[valid-type]
        default_factory=empty_list,
        description="Ids of the policy's tasks already done; ticks them in the packet.")
    approvals: list[Approval] = Field(
        default_factory=empty_list, description="Warnings accepted: which check, which item, who "
        "approved it and when.")
    notes: LocalText | None = Field(default=None, description="Markdown, shown in the packet.")
    confidential: bool = Field(
        default=False, description="true: the packet stays out of search, the visits "
        "listing and the combined calendar (the page still opens by its link).")

    @property
    def principal(self) -> Visitor | None:
        return next((v for v in self.visitors if v.principal), None)

    def host(self, name: str) -> Host | None:
        return next((h for h in self.hosts if h.name == name), None)

    def items(self) -> list[tuple[dt.date, int, Item]]:
        """Schedule items in time order, with their day and index in the file."""
        out: list[tuple[dt.date, int, Item]] = []
        for day in sorted(self.schedule):
            indexed = list(enumerate(self.schedule[day]))
            indexed.sort(key=lambda pair: pair[1].at)
            out.extend((day, index, item) for index, item in indexed)
        return out
