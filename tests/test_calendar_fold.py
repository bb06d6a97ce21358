"""The calendar files' own writer (:mod:`generator.calendar`) against icalendar's.

The files are written from each property's content line, made once, and folded by
:func:`generator.calendar.fold` instead of icalendar's per-character loop. Both must give
icalendar's bytes exactly: the fold for any line (ASCII, CJK, emoji, the escapes ``\\`` and
``^`` it keeps with what they escape), and a component or a whole calendar for any values
(:meth:`Block.to_ical` against icalendar's ``to_ical`` of :meth:`Block.component`). The whole
files of the fixture project are compared in tests/test_calendar.py.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar.parser import Contentline

from generator import calendar
from generator.calendar import FOLD_OCTETS, Block, CalendarFile, fold


def _settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


LINE_EXAMPLES = 1000
COMPONENT_EXAMPLES = 200  # icalendar's own writing of long texts is the slow part


def icalendar_fold(line: str) -> bytes:
    """How icalendar folds one content line (the public path: a content line's to_ical)."""
    return bytes(Contentline(line).to_ical())


# --- the fold ------------------------------------------------------------------------------

A = "A" * 73  # one octet short of a full piece
CASES = [
    # what, the line, its pieces (joined by CRLF and a space)
    ("a line of 74 octets stays whole", "A" * 74, ["A" * 74]),
    ("75 octets: the last moves on", "A" * 75, ["A" * 74, "A"]),
    ("a long line: pieces of 74 octets", "B" * 200, ["B" * 74, "B" * 74, "B" * 52]),
    ("an escape is not cut from what it escapes", A + "\\,x", [A, "\\,x"]),
    ("nor a parameter's ^ escape", A + "^nx", [A, "^nx"]),
    ("an escape well inside a piece changes nothing", "A" * 72 + "\\,xy",
     ["A" * 72 + "\\,", "xy"]),
    ("a backslash before a CJK character moves with it", "A" * 72 + "\\中",
     ["A" * 72, "\\中"]),
    ("24 CJK characters are 72 octets; the 25th does not fit", "中" * 25,
     ["中" * 24, "中"]),
    ("a CJK character is not cut", A + "中x", [A, "中x"]),
    ("74 octets ending in a CJK character stay whole", "A" * 71 + "中", ["A" * 71 + "中"]),
    ("an emoji (4 octets) is not cut", "A" * 71 + "😀x", ["A" * 71, "😀x"]),
    ("two-octet letters", "é" * 40, ["é" * 37, "é" * 3]),
    ("a short CJK line stays whole", "SUMMARY:接待", ["SUMMARY:接待"]),
]


@pytest.mark.parametrize(("line", "pieces"), [(line, pieces) for _, line, pieces in CASES],
                         ids=[what for what, _, _ in CASES])
def test_fold_cuts_where_icalendar_cuts(line: str, pieces: list[str]) -> None:
    expected = "\r\n ".join(pieces).encode("utf-8")
    assert fold(line.encode("utf-8")) == expected
    assert icalendar_fold(line) == expected  # the table is icalendar's behaviour
    assert all(len(piece.encode("utf-8")) <= FOLD_OCTETS for piece in pieces)


# Characters of every UTF-8 length and the escapes, often; then anything but a line break.
CHARACTERS = st.one_of(
    st.sampled_from([*'aZ09 ,;:\\^"\t\r', "中", "文", "é", "ß", "😀", "\u200b", "\ufeff"]),
    st.characters(exclude_categories=("Cs",), exclude_characters="\n"),
)
LINES = st.text(CHARACTERS, max_size=400)


@_settings(LINE_EXAMPLES)
@given(line=LINES)
def test_fold_is_icalendars_fold(line: str) -> None:
    assert fold(line.encode("utf-8")) == icalendar_fold(line)


@_settings(LINE_EXAMPLES)
@given(head=st.integers(min_value=0, max_value=80), tail=LINES)
def test_fold_is_icalendars_fold_at_every_offset(head: int, tail: str) -> None:
    """The same with the interesting characters at every position near a cut."""
    line = "X" * head + tail
    assert fold(line.encode("utf-8")) == icalendar_fold(line)


# --- components ----------------------------------------------------------------------------

ZONES = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"]
# Text values: also line breaks and icalendar's "\N" (a line break too, once escaped).
TEXTS = st.lists(st.one_of(CHARACTERS, st.sampled_from(["\n", "\\N", "\r\n"])),
                 max_size=300).map("".join)
LOCAL = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2090, 12, 31))


@_settings(COMPONENT_EXAMPLES)
@given(uid=TEXTS, summary=TEXTS, description=TEXTS, location=TEXTS,
       url=LINES.map(lambda text: text.replace("\r", "")),  # vUri refuses CR and LF
       start=LOCAL, zone=st.sampled_from(ZONES), day=st.dates(),
       stamp=LOCAL.map(lambda moment: moment.replace(tzinfo=dt.UTC)),
       sequence=st.integers(0, 10**6),
       confidential=st.booleans())
def test_an_event_is_written_as_icalendar_writes_it(
        uid: str, summary: str, description: str, location: str, url: str,
        start: dt.datetime, zone: str, day: dt.date, stamp: dt.datetime, sequence: int,
        confidential: bool) -> None:
    tz = zoneinfo.ZoneInfo(zone)
    props = [calendar._escaped("UID", uid), calendar._utc("DTSTAMP", stamp),
             calendar._integer("SEQUENCE", sequence), calendar._uri("URL", url),
             *([calendar._text("CLASS", "CONFIDENTIAL")] if confidential else []),
             calendar._time("DTSTART", start, tz), calendar._date("DTEND", day),
             calendar._text("TRANSP", "TRANSPARENT"), calendar._escaped("SUMMARY", summary),
             calendar._text("LOCATION", location),
             calendar._escaped("DESCRIPTION", description)]
    event = Block(icalendar.Event, tuple(props))
    assert event.to_ical() == event.component().to_ical()


@_settings(COMPONENT_EXAMPLES)
@given(name=TEXTS, feed=st.booleans(), events=st.integers(0, 3), first=st.integers(2026, 2027),
       zones=st.lists(st.sampled_from(ZONES), min_size=1, max_size=3, unique=True),
       summary=TEXTS)
def test_a_calendar_is_written_as_icalendar_writes_it(
        name: str, feed: bool, events: int, first: int, zones: list[str],
        summary: str) -> None:
    blocks = tuple(Block(icalendar.Event, (
        calendar._escaped("UID", f"{n}@example"), calendar._escaped("SUMMARY", summary),
        calendar._time("DTSTART", dt.datetime(first, 3, 1 + n, 9), zoneinfo.ZoneInfo(zone))))
        for n, zone in enumerate(zones[:events]))
    file = CalendarFile(calendar._calendar(name, feed=feed),
                        tuple((zone, first, first + 1) for zone in sorted(zones)), blocks)
    assert file.to_ical() == file.to_component().to_ical()


def test_properties_follow_icalendars_order_whatever_the_order_they_were_added_in() -> None:
    props = [calendar._escaped("DESCRIPTION", "d"), calendar._text("LOCATION", "l"),
             calendar._escaped("UID", "u"), calendar._escaped("SUMMARY", "s"),
             calendar._integer("SEQUENCE", 2), calendar._text("CLASS", "PUBLIC")]
    for shift in range(len(props)):
        event = Block(icalendar.Event, tuple(props[shift:] + props[:shift]))
        lines = event.to_ical().decode("utf-8").split("\r\n")
        assert [line.split(":")[0] for line in lines] == [
            "BEGIN", "SUMMARY", "UID", "SEQUENCE", "CLASS", "DESCRIPTION", "LOCATION", "END",
            ""]
        assert event.to_ical() == event.component().to_ical()
