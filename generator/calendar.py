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
(one line, no control characters, which RFC 5545 does not allow in text) and is added as
``vText``, which icalendar escapes (``,``, ``;``, ``\\``); a value can therefore neither end its
line nor start a property or an event of its own. Descriptions join such lines with line breaks
of their own, which icalendar writes as ``\\n``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

import icalendar

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


# --- events ----------------------------------------------------------------------------------

def _text(value: object) -> icalendar.vText:
    return icalendar.vText(plain(value))


def _lines(lines: Iterable[str | None]) -> icalendar.vText:
    """Lines of text (each made :func:`plain`), joined by line breaks."""
    return icalendar.vText("\n".join(plain(line) for line in lines if line and plain(line)))


def _stamp(when: dt.date | dt.datetime) -> dt.datetime:
    """The DTSTAMP of every event: the build's moment in UTC; a date alone is its midnight UTC
    (for output that is the same on every run)."""
    if isinstance(when, dt.datetime):
        if when.tzinfo is None:
            raise ValueError("the build's moment needs a time zone (e.g. datetime.now(UTC))")
        return when.astimezone(dt.UTC).replace(microsecond=0)
    return dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC)


def _calendar(name: str, *, feed: bool = False) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # An X- property has no known type: without vText icalendar would write it unescaped.
    cal.add("x-wr-calname", _text(name))
    if feed:  # RFC 7986, and what Apple Calendar and Outlook read instead
        cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
    return cal


def _packet_lines(facts: Facts, links: PacketLinks) -> list[str]:
    return [f"简报 Packet ({lang}): {url}" for lang, url in links.packet(facts.stem)]


def _visit_line(facts: Facts) -> str:
    visit = facts.visit
    title = visit.title.both() if visit.title else f"{visit.client.company} visit"
    return f"来访 Visit: {title}"


def _both(text: Local | None) -> str | None:
    return text.both() if text is not None else None


@dataclass(frozen=True)
class _Moment:
    """A timed event of a visit, in its local time."""

    key: str
    start: dt.datetime
    end: dt.datetime | None
    summary: str
    place: str | None
    hosts: list[str]
    detail: str | None = None


def _moments(facts: Facts) -> list[_Moment]:
    """Arrival, departure and every schedule item of a visit."""
    visit = facts.visit
    company = visit.client.company
    owner = [visit.owner]
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
                               list(item.with_) or owner))
    return moments


@dataclass
class _Used:
    """The zones and years of a calendar's timed events: what its VTIMEZONEs cover."""

    zones: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)


def _timed(event: icalendar.Event, start: dt.datetime, end: dt.datetime | None,
           zone: zoneinfo.ZoneInfo, length: dt.timedelta, used: _Used) -> None:
    finish = end if end is not None and end > start else start + length
    event.add("dtstart", start.replace(tzinfo=zone))
    event.add("dtend", finish.replace(tzinfo=zone))
    used.zones.add(str(zone.key))
    used.years.update((start.year, finish.year))


def _common(event: icalendar.Event, uid: str, stamp: dt.datetime, sequence: int,
            facts: Facts, links: PacketLinks) -> None:
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", max(0, sequence))
    if links.absolute:
        event.add("url", links.packet(facts.stem)[0][1])
    if facts.visit.confidential:
        event.add("class", "CONFIDENTIAL")


def _moment_event(facts: Facts, moment: _Moment, zone: zoneinfo.ZoneInfo, stamp: dt.datetime,
                  sequence: int, links: PacketLinks, domain: str, summary: str,
                  used: _Used) -> icalendar.Event:
    event = icalendar.Event()
    _common(event, f"{facts.stem}-{moment.key}@{domain}", stamp, sequence, facts, links)
    _timed(event, moment.start, moment.end, zone, ITEM_LENGTH, used)
    event.add("summary", _text(summary))
    if moment.place:
        event.add("location", _text(moment.place))
    event.add("description", _lines([
        f"接待 Host: {', '.join(plain(name) for name in moment.hosts)}",
        f"交通 Transport: {moment.detail}" if moment.detail else None,
        _visit_line(facts),
        *_packet_lines(facts, links)]))
    return event


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


def _finish(cal: icalendar.Calendar, used: _Used, fallback: zoneinfo.ZoneInfo,
            stamp: dt.datetime) -> bytes:
    """*cal* as bytes, with a VTIMEZONE for every zone its events use (RFC 5545 3.2.19), from
    the first year of the events to the end of the last, before the events; a calendar without
    events gets its fallback zone's (RFC 5545 wants at least one component in a calendar).

    :meth:`icalendar.Calendar.add_missing_timezones` does the same, but computes each zone
    anew (about 70 ms for a zone without daylight saving time, once per file) and walks every
    event twice to find the zones: here each zone is computed once per span of years and shared
    by every file of the build, and the zones are noted as the events are made.
    """
    zones = sorted(used.zones) if cal.subcomponents else [str(fallback.key)]
    first, last = min(used.years, default=stamp.year), max(used.years, default=stamp.year) + 1
    for position, tzid in enumerate(zones):
        cal.subcomponents.insert(position, _vtimezone(tzid, first, last))
    return bytes(cal.to_ical())


# --- files -----------------------------------------------------------------------------------

def visit_calendar(facts: Facts, zone: zoneinfo.ZoneInfo, when: dt.date | dt.datetime, *,
                   links: PacketLinks | None = None, sequence: int = 0) -> bytes:
    """Every schedule item of one visit, plus arrival and departure, in local time.

    *when* is the build's moment (an aware datetime; a date is its midnight UTC), *sequence*
    the visit file's number of commits."""
    links = links or PacketLinks()
    stamp, used = _stamp(when), _Used()
    cal = _calendar(facts.visit.title.both() if facts.visit.title
                    else facts.visit.client.company)
    for moment in _moments(facts):
        cal.add_component(_moment_event(facts, moment, zone, stamp, sequence, links,
                                        PACKET_DOMAIN, moment.summary, used))
    return _finish(cal, used, zone, stamp)


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
    cal = _calendar(name, feed=True)
    for facts in visits:
        visit = facts.visit
        sequence = (sequences or {}).get(facts.stem, 0)
        zone = zone_of(facts)
        event = icalendar.Event()
        _common(event, f"{facts.stem}@{FEED_DOMAIN}", stamp, sequence, facts, links)
        event.add("dtstart", facts.first_day)
        event.add("dtend", facts.last_day + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        event.add("summary", _text(visit.title.both() if visit.title
                                         else f"{visit.client.company} visit"))
        event.add("description", _lines([
            f"{visit.client.company} ({visit.client.country}), tier {visit.tier}, "
            f"owner {visit.owner}",
            *_packet_lines(facts, links)]))
        cal.add_component(event)
        if timed_since is not None and facts.last_day < timed_since:
            continue
        if timed_until is not None and facts.first_day > timed_until:
            continue
        for moment in _moments(facts):
            summary = moment.summary if moment.key in ("arrival", "departure") \
                else f"{visit.client.company}: {moment.summary}"
            cal.add_component(_moment_event(facts, moment, zone, stamp, sequence, links,
                                            FEED_DOMAIN, summary, used))
    return _finish(cal, used, zoneinfo.ZoneInfo(DEFAULT_ZONE), stamp)


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
    cals = {dept: (_calendar(feed.name, feed=True), _Used()) for dept, feed in feeds.items()}
    for facts in visits:
        visit = facts.visit
        zone = zone_of(facts)
        sequence = (sequences or {}).get(facts.stem, 0)
        for entry, key in task_keys(facts):
            if entry.owner not in cals:
                continue
            cal, used = cals[entry.owner]
            names = feeds[entry.owner].dept_name
            event = icalendar.Event()
            _common(event, f"{facts.stem}-{key}@{TASKS_DOMAIN}", stamp, sequence, facts, links)
            _timed(event, entry.due, None, zone, TASK_LENGTH, used)
            event.add("transp", "TRANSPARENT")
            mark = "✓ " if entry.done else ""
            event.add("summary", _text(f"{mark}{entry.label('zh')} · {visit.client.company}"))
            item = entry.item
            event.add("description", _lines([
                entry.label("en") if entry.label("en") != entry.label("zh") else None,
                "已完成 Done" if entry.done else None,
                f"负责 Owner: {f'{names.zh} {names.en}' if names else entry.owner}",
                f"截止 Due: {entry.due:%Y-%m-%d %H:%M} ({zone.key})",
                f"活动 Item: {entry.item_day:%Y-%m-%d} {item.at:%H:%M} {item.what.both()}"
                if item is not None and entry.item_day is not None else None,
                _visit_line(facts),
                *_packet_lines(facts, links)]))
            cal.add_component(event)
    home = fallback or zoneinfo.ZoneInfo(DEFAULT_ZONE)
    return {dept: _finish(cal, used, home, stamp) for dept, (cal, used) in cals.items()}
