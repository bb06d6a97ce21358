"""Calendar files (RFC 5545) for one visit and for all visits, written with icalendar.

Every text value may come from a visit file: it goes through
:func:`generator.escape.plain` (one line, no control characters, which RFC 5545 does not allow
in text) and is added as ``vText``, which icalendar escapes (``,``, ``;``, ``\\``); a value
can therefore neither end its line nor start a property or an event of its own.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar

from .derive import Facts
from .escape import plain

PRODID = "-//reception-handbook//visits//EN"


def _calendar(name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    # An X- property has no known type: without vText icalendar would write it unescaped.
    cal.add("x-wr-calname", _text(name))
    return cal


def _text(value: object) -> icalendar.vText:
    return icalendar.vText(plain(value))


def _stamp(today: dt.date) -> dt.datetime:
    return dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC)


def visit_calendar(facts: Facts, zone: zoneinfo.ZoneInfo, today: dt.date) -> bytes:
    """Every schedule item of one visit, plus arrival and departure, in local time."""
    visit = facts.visit
    cal = _calendar(visit.title or visit.client.company)
    moments: list[tuple[str, dt.datetime, dt.datetime | None, str, str | None]] = [
        ("arrival", visit.arrival.at, None, f"Arrival: {visit.client.company}",
         visit.arrival.place),
        ("departure", visit.departure.at, None, f"Departure: {visit.client.company}",
         visit.departure.place),
    ]
    for day in facts.days:
        for index, item in enumerate(day.items):
            start = dt.datetime.combine(day.day, item.at)
            end = dt.datetime.combine(day.day, item.to) if item.to else None
            moments.append((f"{day.day:%Y%m%d}-{index}", start, end, item.what, item.where))
    for key, start, end, summary, place in moments:
        event = icalendar.Event()
        event.add("uid", f"{facts.stem}-{key}@reception-handbook")
        event.add("dtstamp", _stamp(today))
        event.add("dtstart", start.replace(tzinfo=zone))
        event.add("dtend", (end or start + dt.timedelta(hours=1)).replace(tzinfo=zone))
        event.add("summary", _text(summary))
        if place:
            event.add("location", _text(place))
        cal.add_component(event)
    return bytes(cal.to_ical())


def all_visits_calendar(visits: list[Facts], name: str, today: dt.date) -> bytes:
    """One all-day event per visit, arrival day to departure day."""
    cal = _calendar(name)
    for facts in visits:
        event = icalendar.Event()
        event.add("uid", f"{facts.stem}@reception-handbook")
        event.add("dtstamp", _stamp(today))
        event.add("dtstart", facts.first_day)
        event.add("dtend", facts.last_day + dt.timedelta(days=1))
        event.add("summary", _text(facts.visit.title or f"{facts.visit.client.company} visit"))
        event.add("description", _text(f"{facts.visit.client.company} "
                                       f"({facts.visit.client.country}), tier "
                                       f"{facts.visit.tier}, owner {facts.visit.owner}"))
        cal.add_component(event)
    return bytes(cal.to_ical())
