"""Calendar files (RFC 5545) for one visit, for all visits and for each department's tasks.

Files, made once per build (:func:`generator.project.calendars`) and the same in every language:

* ``visits/<stem>.ics``, the packet's "Add to calendar": arrival, departure and every schedule
  item of one visit, at their local times in the visit's zone;
* ``visits/visits.ics``, the feed of all visits that are not confidential: one all-day event
  per visit, from arrival day to departure day, and the same timed events as the packet's file
  (their summaries start with the company, as several visits share the feed) for every visit
  that ended at most :data:`RECENT` ago or is still to come. The all-day event stays: a month
  view shows it as a bar across the visit's days (who is in the house, when), which the timed
  events alone do not, and it blocks no time (``TRANSP:TRANSPARENT``). Older visits keep only
  that bar, so the feed does not grow by a dozen events per visit for ever (calendar services
  fetch a subscribed feed whole, at every refresh);
* ``visits/tasks-<dept>.ics``, one per department of the policy, also when it has no task (a
  subscribed address never disappears): that department's checklist tasks of the upcoming visits
  that are not confidential, each a timed event at its due time (30 minutes, blocking no time),
  done tasks marked ✓. Events (VEVENT), not to-dos (VTODO): Google Calendar and Outlook show no
  to-do of a subscribed calendar, and every calendar app shows events.

Every event has a VTIMEZONE for its zone (:func:`_finish`, :func:`_vtimezone`), a DTSTAMP in
UTC (the moment of the build), a SEQUENCE, the place as LOCATION, and a description with who
hosts (the item's ``with``, else the visit's owner) and the packet's links in each language:
absolute URLs when the site's address is known (the first also as URL), else paths from the
site's root, ``visits/<stem>/`` (:class:`PacketLinks`). The events of a confidential visit (in its
packet's file only) are marked ``CLASS:CONFIDENTIAL``.

UIDs follow the item, not its position. What identifies a schedule item to the people who use it
is its day and what it is: a meal by its kind (``lunch``), a tour by its kind (``showroom``),
any other item by its ``what`` (a hash of the text, case and spacing ignored). Two items of the
same day with the same identity are told apart by their order in the day (``-2``, ``-3``). So:
adding or removing an item changes no other item's UID; changing an item's time, end, place,
hosts or notes (or a meal's or tour's ``what``) is a change of that item, which keeps its UID;
moving an item to another day, changing its meal or tour kind, or rewording the ``what`` of a
plain item makes it another item (the old event goes, a new one comes). A task's UID is its
policy task id (plus, for a task due per item, that item's identity); a task of the file's own
checklist is identified by its text. Renaming the visit file changes every UID of the visit.
Each file has its own UID domain (``@reception-handbook`` for a packet's file,
``@visits.reception-handbook`` for the feed of all visits, ``@tasks.reception-handbook`` for the
task feeds): an app that keeps one event per UID across all of a person's calendars would
otherwise drop or move an event of a feed because the packet's file was imported too.

SEQUENCE grows with every change, without stored state: it is the number of commits that touched
the visit file (:class:`generator.history.History`), plus, for tasks, those that touched the
policy (due rules and task texts live there). Every event of a visit gets it, so a commit raises
all of them; an app that sees a higher SEQUENCE for a UID it has updates that event in place
rather than adding one. A timestamp (LAST-MODIFIED) would need a change time for each event,
which git does not have per item. A change that is not yet committed, or one of the handbook's
own code, keeps the SEQUENCE; such events still carry a later DTSTAMP, which RFC 5546 takes as
the newer version. Outside git every SEQUENCE is 0.

Every text value may come from a visit file: it goes through :func:`generator.escape.plain`
(one line, no control characters, which RFC 5545 does not allow in text) and is a TEXT value,
which icalendar escapes (``,``, ``;``, ``\\``); a value can therefore neither end its line nor
start a property or an event of its own. Descriptions join such lines with line breaks of their
own, which icalendar writes as ``\\n``.

The files are what icalendar writes for these calendars, byte for byte, without building them
as icalendar components and calling their ``to_ical`` (15 s of one core at 1,000 visits, most
of it folding every line character by character, and writing the same values again for every
event and file). icalendar makes every value (its escaping of text, ``vDDDTypes``, ``vInt``,
``vUri``, ``Timezone.from_tzid``); each property's content line is made with the property
(:class:`Property`), once for a value that repeats (a time, a place, the build's moment, shared
by many events and files), and folded by :func:`fold`, icalendar's folding without its loop; a
file joins the lines as icalendar does (:class:`CalendarFile`). Its
:meth:`~CalendarFile.to_component` is the same calendar as icalendar components:
tests/test_calendar.py and tests/test_calendar_fold.py check that icalendar writes exactly the
same bytes for it.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import hashlib
import re
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import quote

import icalendar
from icalendar.caselessdict import canonsort_keys
from icalendar.parser import _escape_char

from .checklist import Entry
from .derive import Facts
from .escape import plain
from .models.common import Text
from .models.local import Local
from .models.policy import Policy
from .models.visit import Item

PRODID = "-//reception-handbook//visits//EN"
DOMAIN = "reception-handbook"
PACKET_DOMAIN = DOMAIN
FEED_DOMAIN = f"visits.{DOMAIN}"
TASKS_DOMAIN = f"tasks.{DOMAIN}"
DEFAULT_ZONE = str(Policy.model_fields["timezone"].default)
TASK_LENGTH = dt.timedelta(minutes=30)
RECENT = dt.timedelta(days=31)  # the feed of all visits has timed events of visits since then
# ... and until this far ahead; the task feeds hold the tasks of visits that start by then.
# The site is published every morning, so the window moves with the calendar, and a feed
# stays small enough for calendar apps that refresh it often (and for the build).
AHEAD = dt.timedelta(days=183)  # half a year
ITEM_LENGTH = dt.timedelta(hours=1)  # an item without an end, and arrival and departure
REFRESH = dt.timedelta(hours=1)  # how often subscribers are asked to fetch a feed again
_TOKEN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class PacketLinks:
    """Where the packets are, for the links in event descriptions.

    *site_url* is the site's address (``site_url`` of MkDocs), ``None`` when it is not known:
    then the links are paths from the site's root. *languages* are the site's languages, each
    with its folder in the site (the default language at the root)."""

    site_url: str | None = None
    languages: tuple[tuple[str, str], ...] = (("zh", ""), ("en", "en/"))

    def packet(self, stem: str) -> list[tuple[str, str]]:
        """Each language and the link to the packet of *stem* in it."""
        base = f"{self.site_url.rstrip('/')}/" if self.site_url else ""
        return [(lang, f"{base}{folder}visits/{quote(stem)}/") for lang, folder in self.languages]

    @property
    def absolute(self) -> bool:
        return bool(self.site_url)


ZoneOf = Callable[[Facts], zoneinfo.ZoneInfo]


def default_zone(facts: Facts) -> zoneinfo.ZoneInfo:
    """The visit's zone, else the default of the policy model, Asia/Shanghai (callers that have
    the project's policy pass :func:`generator.load.visit_zone` instead)."""
    try:
        return zoneinfo.ZoneInfo(facts.visit.timezone or DEFAULT_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(DEFAULT_ZONE)


# --- identities ------------------------------------------------------------------------------

@functools.lru_cache(maxsize=8192)  # an item's words, again for each file of the visit
def _digest(text: str) -> str:
    """A short, stable hash of *text*, with case and spacing ignored."""
    return hashlib.sha256(plain(text).casefold().encode("utf-8")).hexdigest()[:12]


def _token(word: str) -> str:
    return word if _TOKEN.match(word) else _digest(word)


def _item_identity(item: Item) -> str:
    if item.meal:
        return f"meal-{_token(item.meal)}"
    if item.tour:
        return f"tour-{_token(item.tour)}"
    return f"item-{_digest(item.what.both())}"


def _numbered(keys: Iterable[str]) -> list[str]:
    """*keys* with ``-2``, ``-3`` … added to the second and later of equal keys."""
    seen: Counter[str] = Counter()
    out = []
    for key in keys:
        seen[key] += 1
        out.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
    return out


def schedule_keys(facts: Facts) -> list[tuple[dt.date, Item, str]]:
    """Every schedule item with its identity in the visit (``20261214-meal-lunch``), in time
    order; see the module's description for the rule."""
    out: list[tuple[dt.date, Item, str]] = []
    for day in facts.days:
        keys = _numbered(_item_identity(item) for item in day.items)
        out.extend((day.day, item, f"{day.day:%Y%m%d}-{key}")
                   for item, key in zip(day.items, keys, strict=True))
    return out


def task_keys(facts: Facts) -> list[tuple[Entry, str]]:
    """Every checklist entry with its identity in the visit (``task-hotel-booking``)."""
    items = {(day, id(item)): key for day, item, key in schedule_keys(facts)}
    bases = []
    for entry in facts.checklist:
        base = f"own-{_digest(entry.label('en'))}" if entry.manual else _token(entry.key)
        if entry.item is not None and entry.item_day is not None:
            item = items.get((entry.item_day, id(entry.item))) or \
                f"{entry.item_day:%Y%m%d}-{_item_identity(entry.item)}"
            base = f"{base}-{item}"
        bases.append(f"task-{base}")
    return list(zip(facts.checklist, _numbered(bases), strict=True))


# --- writing ---------------------------------------------------------------------------------

FOLD_OCTETS = 74  # the most octets of a line's text before or after a fold (icalendar's: < 75)
_ESCAPES = b"\\^"  # a TEXT escape (\) or an RFC 6868 parameter escape (^) starts with these
_CRLF = b"\r\n"


def fold(line: bytes) -> bytes:
    """One content line (UTF-8, without its line break) folded exactly as icalendar folds it
    (``icalendar.parser.Contentline.to_ical``), without its per-character loop.

    A line of up to :data:`FOLD_OCTETS` octets stays as it is; a longer one is cut into pieces
    of at most that many octets, each as long as it can be, joined by a line break and a space
    (RFC 5545 3.1). A cut never falls inside a UTF-8 character, nor right after a ``\\`` or
    ``^`` that is not the piece's first character (that character then starts the next piece,
    with what it escapes), as icalendar does for the readers that do not unfold escapes."""
    size = len(line)
    if size <= FOLD_OCTETS:
        return line
    pieces = []
    start = 0
    while size - start > FOLD_OCTETS:
        end = start + FOLD_OCTETS
        while line[end] & 0xC0 == 0x80:  # a continuation octet: the cut goes before its start
            end -= 1
        if line[end - 1] in _ESCAPES and end - 1 > start:
            end -= 1
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)


class Property(NamedTuple):
    """One property of a component: its name, its value as :meth:`icalendar.Component.add`
    takes it (a Python value, which icalendar makes a ``vText``, ``vDDDTypes`` …, or such an
    icalendar value), and the content line icalendar writes for it (folded, with its line
    break), made once when the property is."""

    name: str
    value: Any
    line: bytes


def _octets(text: str | bytes) -> bytes:
    """*text* as ``Contentline.from_parts`` puts it in a line: UTF-8, and bytes without a
    leading byte order mark (it reads them as UTF-8-SIG)."""
    if isinstance(text, str):
        return text.encode("utf-8")
    return text[len(codecs.BOM_UTF8):] if text.startswith(codecs.BOM_UTF8) else text


def _line(name: str, ical: Any) -> bytes:
    """The content line of the icalendar value *ical* as property *name*: what
    ``Contentline.from_parts`` makes of it (``NAME;PARAMETERS:VALUE``, or ``NAME:VALUE`` when
    the parameters write nothing), without its decoding and encoding again, folded by
    :func:`fold`, with its line break."""
    values = _octets(ical.to_ical())
    params = _octets(ical.params.to_ical(sorted=True)) if ical.params else b""
    head = name.encode("utf-8")
    content = b"%s;%s:%s" % (head, params, values) if params else b"%s:%s" % (head, values)
    if b"\n" in content:  # as icalendar refuses it: it would end the line (a TEXT is escaped)
        raise ValueError(f"a line break in the value of {name}: {content!r}")
    return fold(content) + _CRLF


def _escaped(name: str, text: str) -> Property:
    """A TEXT property (a ``vText``): its line has the text escaped as ``vText.to_ical`` does
    (icalendar's escaping, without making a ``vText`` that only the line would use).

    Not cached: for what seldom repeats (a UID, a summary, a description)."""
    value = _octets(_escape_char(text).encode("utf-8"))
    return Property(name, text, fold(b"%s:%s" % (name.encode("utf-8"), value)) + _CRLF)


# Values that repeat, made once: the build's moment, SEQUENCEs, times, places, packet links.
# Bounded, for a process that builds again and again (the live preview).

@functools.lru_cache(maxsize=4096)
def _text(name: str, text: str) -> Property:
    """A TEXT property that repeats (a place, ``TRANSP``, ``CLASS`` …), made once."""
    return _escaped(name, text)


@functools.lru_cache(maxsize=8192)
def _time(name: str, local: dt.datetime, zone: zoneinfo.ZoneInfo) -> Property:
    """A local time (naive *local*) in *zone*, written with the zone's TZID (by a
    ``vDatetime``, which the ``vDDDTypes`` of ``Component.add`` makes anew to write itself)."""
    value = local.replace(tzinfo=zone)
    return Property(name, value, _line(name, icalendar.vDatetime(value)))


@functools.lru_cache(maxsize=1024)
def _date(name: str, day: dt.date) -> Property:
    return Property(name, day, _line(name, icalendar.vDDDTypes(day)))


@functools.lru_cache(maxsize=64)
def _utc(name: str, moment: dt.datetime) -> Property:
    """A moment in UTC (*moment* has the zone UTC)."""
    return Property(name, moment, _line(name, icalendar.vDDDTypes(moment)))


@functools.lru_cache(maxsize=256)
def _integer(name: str, number: int) -> Property:
    return Property(name, number, _line(name, icalendar.vInt(number)))


@functools.lru_cache(maxsize=4096)
def _uri(name: str, uri: str) -> Property:
    return Property(name, uri, _line(name, icalendar.vUri(uri)))


def _typed(name: str, value: Any) -> Property:
    """A property whose value is already an icalendar value."""
    return Property(name, value, _line(name, value))


@functools.lru_cache(maxsize=64)
def _order(kind: type[icalendar.Component], names: tuple[str, ...]) -> tuple[int, ...]:
    """The positions of properties named *names* (in the order they were added) in the order
    icalendar writes them (``Component.sorted_keys``: its canonical order, then by name; the
    values of one name in the order they were added)."""
    ranked = canonsort_keys(list(dict.fromkeys(names)), kind.canonical_order)
    return tuple(i for name in ranked for i, other in enumerate(names) if other == name)


@dataclass(frozen=True)
class Block:
    """A component without subcomponents (an event, or the calendar's own properties): its
    kind and its properties, in the order they were added."""

    kind: type[icalendar.Component]
    properties: tuple[Property, ...]

    def component(self) -> icalendar.Component:
        """The same as an icalendar component, each property added as it was here."""
        out = self.kind()
        for prop in self.properties:
            out.add(prop.name, prop.value)
        return out

    def lines(self) -> bytes:
        """Its properties' content lines, in icalendar's order."""
        props = self.properties
        return b"".join(props[i].line for i in _order(self.kind, tuple(p.name for p in props)))

    def to_ical(self) -> bytes:
        """As icalendar writes the component: ``BEGIN``, its properties, ``END``."""
        name = (self.kind.name or "").encode("ascii")
        return b"".join((b"BEGIN:", name, _CRLF, self.lines(), b"END:", name, _CRLF))


@dataclass(frozen=True)
class CalendarFile:
    """One calendar file: the calendar's properties, the spans of its VTIMEZONEs (zone, first
    year, year after the last; :func:`_vtimezone`) and its events.

    :meth:`to_ical` writes it as icalendar writes :meth:`to_component` (every property of a
    component, then its subcomponents), byte for byte, from the content lines each property
    made once: a value seen again (the build's moment, a time, a place) is not written again,
    and no component is built."""

    head: Block
    zones: tuple[tuple[str, int, int], ...]
    events: tuple[Block, ...]

    def to_component(self) -> icalendar.Calendar:
        cal = self.head.component()
        assert isinstance(cal, icalendar.Calendar)
        for zone in self.zones:
            cal.add_component(_vtimezone(*zone))
        for event in self.events:
            cal.add_component(event.component())
        return cal

    def to_ical(self) -> bytes:
        return b"".join((b"BEGIN:VCALENDAR\r\n", self.head.lines(),
                         *(_vtimezone_ical(*zone) for zone in self.zones),
                         *(event.to_ical() for event in self.events), b"END:VCALENDAR\r\n"))


# --- events ----------------------------------------------------------------------------------

# plain() of text that repeats: a place, a task's words, a due time.
_plain = functools.lru_cache(maxsize=8192)(plain)


def _plain_lines(lines: Iterable[str | None]) -> tuple[str, ...]:
    """Each line made :func:`plain`, the empty ones left out."""
    return tuple(text for line in lines if line and (text := _plain(line)))


def _lines(lines: Iterable[str | None], plain_lines: Iterable[str] = ()) -> str:
    """Lines of text (each made :func:`plain`, the empty ones left out), then *plain_lines*
    (already so: :func:`plain` changes nothing made plain), joined by line breaks."""
    return "\n".join((*_plain_lines(lines), *plain_lines))


def _stamp(when: dt.date | dt.datetime) -> dt.datetime:
    """The DTSTAMP of every event: the build's moment in UTC; a date alone is its midnight UTC
    (for output that is the same on every run)."""
    if isinstance(when, dt.datetime):
        if when.tzinfo is None:
            raise ValueError("the build's moment needs a time zone (e.g. datetime.now(UTC))")
        return when.astimezone(dt.UTC).replace(microsecond=0)
    return dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC)


def _calendar(name: str, *, feed: bool = False) -> Block:
    props = [
        _text("PRODID", PRODID),
        _text("VERSION", "2.0"),
        _text("CALSCALE", "GREGORIAN"),
        # An X- property has no known type: a vText, so that it is escaped.
        _typed("X-WR-CALNAME", icalendar.vText(plain(name))),
    ]
    if feed:  # RFC 7986, and what Apple Calendar and Outlook read instead
        props.append(_typed("REFRESH-INTERVAL",
                            icalendar.vDDDTypes(REFRESH, params={"VALUE": "DURATION"})))
        props.append(_typed("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH)))
    return Block(icalendar.Calendar, tuple(props))


def _visit_line(facts: Facts) -> str:
    visit = facts.visit
    title = visit.title.both() if visit.title else f"{visit.client.company} visit"
    return f"来访 Visit: {title}"


def _both(text: Local | None) -> str | None:
    return text.both() if text is not None else None


@dataclass(frozen=True)
class _Shared:
    """What every event of a visit has in one file: its properties but the UID, the times and
    the texts (DTSTAMP, SEQUENCE, the packet's URL, CLASS), and the last lines of its
    description (the visit, the packet's links)."""

    properties: tuple[Property, ...]
    visit_line: tuple[str, ...]  # the visit's title, already plain()
    packet_lines: tuple[str, ...]  # the packet's links, already plain()


def _shared(facts: Facts, stamp: dt.datetime, sequence: int, links: PacketLinks) -> _Shared:
    packets = links.packet(facts.stem)
    props = [_utc("DTSTAMP", stamp), _integer("SEQUENCE", max(0, sequence))]
    if links.absolute:
        props.append(_uri("URL", packets[0][1]))
    if facts.visit.confidential:
        props.append(_text("CLASS", "CONFIDENTIAL"))
    return _Shared(tuple(props), _plain_lines([_visit_line(facts)]),
                   _plain_lines(f"简报 Packet ({lang}): {url}" for lang, url in packets))


@dataclass(frozen=True)
class _Moment:
    """A timed event of a visit, in its local time."""

    key: str
    start: dt.datetime
    end: dt.datetime | None
    summary: str
    place: str | None
    hosts: tuple[str, ...]
    detail: str | None = None


def _moments(facts: Facts) -> list[_Moment]:
    """Arrival, departure and every schedule item of a visit."""
    visit = facts.visit
    company = visit.client.company
    owner = (visit.owner,)
    moments = [
        _Moment("arrival", visit.arrival.at, None, f"Arrival: {company}",
                _both(visit.arrival.place), owner,
                " ".join(str(v) for v in (visit.arrival.by, visit.arrival.number) if v)),
        _Moment("departure", visit.departure.at, None, f"Departure: {company}",
                _both(visit.departure.place), owner,
                " ".join(str(v) for v in (visit.departure.by, visit.departure.number) if v)),
    ]
    for day, item, key in schedule_keys(facts):
        start = dt.datetime.combine(day, item.at)
        end = dt.datetime.combine(day, item.to) if item.to else None
        moments.append(_Moment(key, start, end, item.what.both(), _both(item.where),
                               tuple(item.with_) or owner))
    return moments


@dataclass
class _Used:
    """The zones and years of a calendar's timed events: what its VTIMEZONEs cover."""

    zones: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)


def _timed(start: dt.datetime, end: dt.datetime | None, zone: zoneinfo.ZoneInfo,
           length: dt.timedelta, used: _Used) -> tuple[Property, Property]:
    finish = end if end is not None and end > start else start + length
    used.zones.add(str(zone.key))
    used.years.update((start.year, finish.year))
    return _time("DTSTART", start, zone), _time("DTEND", finish, zone)


def _moment_event(facts: Facts, moment: _Moment, zone: zoneinfo.ZoneInfo, shared: _Shared,
                  domain: str, summary: str, used: _Used) -> Block:
    props = [_escaped("UID", f"{facts.stem}-{moment.key}@{domain}"), *shared.properties,
             *_timed(moment.start, moment.end, zone, ITEM_LENGTH, used),
             _escaped("SUMMARY", plain(summary))]
    if moment.place:
        props.append(_text("LOCATION", _plain(moment.place)))
    props.append(_moment_description(moment.hosts, moment.detail,
                                     (*shared.visit_line, *shared.packet_lines)))
    return Block(icalendar.Event, tuple(props))


@functools.lru_cache(maxsize=8192)
def _moment_description(hosts: tuple[str, ...], detail: str | None,
                        tail: tuple[str, ...]) -> Property:
    """Who hosts, the transport, then *tail* (plain lines): the same for the items of a visit
    with the same hosts, and in the packet's file and the feed."""
    return _escaped("DESCRIPTION", _lines([
        f"接待 Host: {', '.join(plain(name) for name in hosts)}",
        f"交通 Transport: {detail}" if detail else None], tail))


@functools.lru_cache(maxsize=64)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """The VTIMEZONE of *tzid* from the start of *first_year* to the start of *last_year*.

    icalendar writes each observance's first onset as its DTSTART only, which RFC 5545 allows,
    but some readers take the onsets from RRULE and RDATE alone and then read the zone as UTC
    (the ical package; ical4j before 2026): the first onset is repeated as an RDATE, which
    changes nothing for the others."""
    zone = icalendar.Timezone.from_tzid(tzid, first_date=dt.date(first_year, 1, 1),
                                        last_date=dt.date(last_year, 1, 1))
    for observance in zone.subcomponents:
        onsets = [observance.DTSTART, *(start for start, _ in observance.rdates)]
        observance.pop("RDATE", None)
        observance.add("rdate", onsets)
    return zone


@functools.lru_cache(maxsize=64)
def _vtimezone_ical(tzid: str, first_year: int, last_year: int) -> bytes:
    """:func:`_vtimezone` as icalendar writes it."""
    return bytes(_vtimezone(tzid, first_year, last_year).to_ical())


def _finish(head: Block, events: list[Block], used: _Used, fallback: zoneinfo.ZoneInfo,
            stamp: dt.datetime) -> bytes:
    """The calendar of *head* and *events* as bytes, with a VTIMEZONE for every zone its events
    use (RFC 5545 3.2.19), from the first year of the events to the end of the last, before the
    events; a calendar without events gets its fallback zone's (RFC 5545 wants at least one
    component in a calendar).

    :meth:`icalendar.Calendar.add_missing_timezones` does the same, but computes each zone
    anew (about 70 ms for a zone without daylight saving time, once per file) and walks every
    event twice to find the zones: here each zone is computed once per span of years and shared
    by every file of the build, and the zones are noted as the events are made.
    """
    zones = sorted(used.zones) if events else [str(fallback.key)]
    first, last = min(used.years, default=stamp.year), max(used.years, default=stamp.year) + 1
    return CalendarFile(head, tuple((tzid, first, last) for tzid in zones),
                        tuple(events)).to_ical()


# --- files -----------------------------------------------------------------------------------

def visit_calendar(facts: Facts, zone: zoneinfo.ZoneInfo, when: dt.date | dt.datetime, *,
                   links: PacketLinks | None = None, sequence: int = 0) -> bytes:
    """Every schedule item of one visit, plus arrival and departure, in local time.

    *when* is the build's moment (an aware datetime; a date is its midnight UTC), *sequence*
    the visit file's number of commits."""
    links = links or PacketLinks()
    stamp, used = _stamp(when), _Used()
    head = _calendar(facts.visit.title.both() if facts.visit.title
                     else facts.visit.client.company)
    shared = _shared(facts, stamp, sequence, links)
    events = [_moment_event(facts, moment, zone, shared, PACKET_DOMAIN, moment.summary, used)
              for moment in _moments(facts)]
    return _finish(head, events, used, zone, stamp)


def all_visits_calendar(visits: Sequence[Facts], name: str, when: dt.date | dt.datetime, *,
                        zone_of: ZoneOf = default_zone, links: PacketLinks | None = None,
                        sequences: Mapping[str, int] | None = None,
                        timed_since: dt.date | None = None,
                        timed_until: dt.date | None = None) -> bytes:
    """The feed of *visits* (the caller leaves confidential ones out): one all-day event per
    visit, arrival day to departure day, and the timed events (arrival, departure, every
    schedule item) in the visit's zone of each visit that did not end before *timed_since* and
    does not start after *timed_until*.
    *sequences* maps a visit's stem to its SEQUENCE."""
    links = links or PacketLinks()
    stamp, used = _stamp(when), _Used()
    events: list[Block] = []
    for facts in visits:
        visit = facts.visit
        shared = _shared(facts, stamp, (sequences or {}).get(facts.stem, 0), links)
        events.append(Block(icalendar.Event, (
            _escaped("UID", f"{facts.stem}@{FEED_DOMAIN}"), *shared.properties,
            _date("DTSTART", facts.first_day),
            _date("DTEND", facts.last_day + dt.timedelta(days=1)),
            _text("TRANSP", "TRANSPARENT"),
            _escaped("SUMMARY", plain(visit.title.both() if visit.title
                                     else f"{visit.client.company} visit")),
            _escaped("DESCRIPTION", _lines([
                f"{visit.client.company} ({visit.client.country}), tier {visit.tier}, "
                f"owner {visit.owner}"], shared.packet_lines)))))
        if timed_since is not None and facts.last_day < timed_since:
            continue
        if timed_until is not None and facts.first_day > timed_until:
            continue
        zone = zone_of(facts)
        for moment in _moments(facts):
            summary = moment.summary if moment.key in ("arrival", "departure") \
                else f"{visit.client.company}: {moment.summary}"
            events.append(_moment_event(facts, moment, zone, shared, FEED_DOMAIN, summary,
                                        used))
    return _finish(_calendar(name, feed=True), events, used, zoneinfo.ZoneInfo(DEFAULT_ZONE),
                   stamp)


@dataclass(frozen=True)
class TaskFeed:
    """One department's task feed: its calendar's name and the department's names."""

    name: str
    dept_name: Text | None = None


def task_calendars(visits: Sequence[Facts], feeds: Mapping[str, TaskFeed],
                   when: dt.date | dt.datetime, *, zone_of: ZoneOf = default_zone,
                   links: PacketLinks | None = None, sequences: Mapping[str, int] | None = None,
                   fallback: zoneinfo.ZoneInfo | None = None) -> dict[str, bytes]:
    """The feed of each department of *feeds* (by its key): its checklist tasks of *visits*
    (the caller picks the upcoming ones that are not confidential), each at its due time in the
    visit's zone. *sequences* maps a visit's stem to its SEQUENCE (visit file and policy
    commits); *fallback* is the zone of a feed without tasks."""
    links = links or PacketLinks()
    stamp = _stamp(when)
    cals: dict[str, tuple[list[Block], _Used]] = {dept: ([], _Used()) for dept in feeds}
    owners = {dept: plain(f"负责 Owner: {f'{names.zh} {names.en}' if names else dept}")
              for dept, feed in feeds.items() for names in [feed.dept_name]}
    for facts in visits:
        visit = facts.visit
        zone = zone_of(facts)
        shared = _shared(facts, stamp, (sequences or {}).get(facts.stem, 0), links)
        for entry, key in task_keys(facts):
            if entry.owner not in cals:
                continue
            events, used = cals[entry.owner]
            mark = "✓ " if entry.done else ""
            zh, en = entry.label("zh"), entry.label("en")
            item = entry.item
            events.append(Block(icalendar.Event, (
                _escaped("UID", f"{facts.stem}-{key}@{TASKS_DOMAIN}"), *shared.properties,
                *_timed(entry.due, None, zone, TASK_LENGTH, used),
                _text("TRANSP", "TRANSPARENT"),
                _escaped("SUMMARY", plain(f"{mark}{zh} · {visit.client.company}")),
                _escaped("DESCRIPTION", "\n".join((
                    *_plain_lines([en if en != zh else None,
                                   "已完成 Done" if entry.done else None]),
                    owners[entry.owner],
                    *_plain_lines([
                        f"截止 Due: {entry.due:%Y-%m-%d %H:%M} ({zone.key})",
                        f"活动 Item: {entry.item_day:%Y-%m-%d} {item.at:%H:%M} "
                        f"{item.what.both()}"
                        if item is not None and entry.item_day is not None else None]),
                    *shared.visit_line, *shared.packet_lines))))))
    home = fallback or zoneinfo.ZoneInfo(DEFAULT_ZONE)
    return {dept: _finish(_calendar(feeds[dept].name, feed=True), events, used, home, stamp)
            for dept, (events, used) in cals.items()}
