"""The Ramadan fast of one day: whether the day is in Ramadan, and from dawn to sunset.

Ramadan is the ninth month of the Hijri calendar, read here in the Umm al-Qura calendar
(``hijridate``), which covers 1924-08-01 to 2077-11-16; a day outside it is not judged. The
fast lasts from dawn (fajr: the sun a number of degrees below the horizon, 18° by default)
to sunset, computed with ``astral`` at the policy's site in the visit's time zone.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass

RAMADAN = 9  # the month's number in the Hijri calendar


@dataclass(frozen=True)
class Fast:
    """One day's fast, in local time."""

    day: dt.date
    dawn: dt.datetime  # naive local times, comparable with a visit's times
    sunset: dt.datetime

    def covers(self, start: dt.datetime, end: dt.datetime | None) -> bool:
        """True when a meal from *start* (to *end*) falls in daylight: it does not end by
        dawn (a meal before dawn, suhoor) and does not start at or after sunset (iftar)."""
        if start >= self.sunset:
            return False
        if end is not None and end > start:
            return end > self.dawn
        return start >= self.dawn


@functools.lru_cache(maxsize=1024)
def in_ramadan(day: dt.date) -> bool:
    """True when *day* is in Ramadan (Umm al-Qura); False outside the calendar's range."""
    from hijridate import Gregorian

    try:
        return Gregorian(day.year, day.month, day.day).to_hijri().month == RAMADAN
    except (OverflowError, ValueError):
        return False


@functools.lru_cache(maxsize=1024)
def fast_of(day: dt.date, latitude: float, longitude: float, zone: str,
            depression: float) -> Fast | None:
    """*day*'s fast at the given place, or None when *day* is not in Ramadan or the sun does
    not rise, set or reach the dawn depression there that day (far north or south)."""
    if not in_ramadan(day):
        return None
    from astral import Observer
    from astral.sun import dawn, sunset

    observer = Observer(latitude=latitude, longitude=longitude)
    try:
        tz = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # the policy's zone is checked apart
        return None
    try:
        begins = dawn(observer, date=day, tzinfo=tz, depression=depression)
        ends = sunset(observer, date=day, tzinfo=tz)
    except ValueError:  # astral: the sun never reaches that elevation on this day
        return None
    return Fast(day, _minute(begins), _minute(ends))


def _minute(moment: dt.datetime) -> dt.datetime:
    """*moment* as a naive local time, rounded to the minute as it is shown."""
    local = moment.replace(tzinfo=None)
    return (local + dt.timedelta(seconds=30)).replace(second=0, microsecond=0)
