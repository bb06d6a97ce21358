"""Working days: which days the company works, from the policy's ``working_days``.

A day is a working day unless it is a day off: a weekend day or a public holiday. A make-up
working day (tiaoxiu: a weekend day worked in exchange for a longer holiday) is a working day.
The policy's own ``extra_days_off`` and ``extra_working_days`` win over all of these.

Public holidays and make-up working days come from the ``holidays`` package (its
``weekend_workdays`` are the make-up days, for the years the State Council has announced); a
year it does not know yet gets the package's estimate, which the policy corrects with its extra
days. A policy without ``working_days`` works every day, so nothing moves.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from .datacache import cached
from .models.policy import WEEKDAYS, WorkingDays

# How far previous_working_day/next_working_day look before giving up: a year and a half of
# days off in a row is a mistake in the policy, not a holiday.
_HORIZON = 550


@functools.cache
def _year(country: str, subdivision: str | None, year: int) -> tuple[frozenset[dt.date],
                                                                     frozenset[dt.date]]:
    """The public holidays and the make-up working days of *country* in *year* (cached on
    disk per version of the package, :mod:`.datacache`: it imports every country to give
    them)."""

    def compute() -> list[list[str]]:
        import holidays

        found = holidays.country_holidays(country, subdiv=subdivision, years=year)
        days_off = sorted(day.isoformat() for day in found if day.year == year)
        # The package keeps make-up days of every year it built in one set: this year's.
        made_up = sorted(day.isoformat() for day in getattr(found, "weekend_workdays", ())
                         if day.year == year)
        return [days_off, made_up]

    days_off, made_up = cached("holidays", f"{country}-{subdivision or ''}-{year}", compute)
    return (frozenset(map(dt.date.fromisoformat, days_off)),
            frozenset(map(dt.date.fromisoformat, made_up)))


@dataclass(frozen=True)
class Workdays:
    """The working-day calendar of a policy's ``working_days`` (None: every day works)."""

    rules: WorkingDays | None
    # Days already judged: a build asks about the same few hundred days for every visit.
    _known: dict[dt.date, bool] = field(default_factory=dict, init=False, repr=False,
                                        compare=False)
    _steps: dict[tuple[dt.date, int], dt.date] = field(default_factory=dict, init=False,
                                                       repr=False, compare=False)

    def is_working_day(self, day: dt.date) -> bool:
        known = self._known.get(day)
        if known is None:
            known = self._known[day] = self._judge(day)
        return known

    def _judge(self, day: dt.date) -> bool:
        rules = self.rules
        if rules is None:
            return True
        if day in rules.extra_working_days:
            return True
        if day in rules.extra_days_off:
            return False
        if rules.holidays is not None:
            days_off, made_up = _year(rules.holidays.country.upper(),
                                      rules.holidays.subdivision, day.year)
            if day in made_up:
                return True
            if day in days_off:
                return False
        return WEEKDAYS[day.weekday()] not in rules.weekend

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day before *day* (*day* itself is not considered)."""
        return self._step(day, -1)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day after *day* (*day* itself is not considered)."""
        return self._step(day, 1)

    def on_or_before(self, day: dt.date) -> dt.date:
        """*day* if it is a working day, else the working day before it."""
        return day if self.is_working_day(day) else self.previous_working_day(day)

    def _step(self, day: dt.date, direction: int) -> dt.date:
        key = (day, direction)
        found = self._steps.get(key)
        if found is None:
            found = self._steps[key] = self._walk(day, direction)
        return found

    def _walk(self, day: dt.date, direction: int) -> dt.date:
        candidate = day
        for _ in range(_HORIZON):
            candidate += dt.timedelta(days=direction)
            if self.is_working_day(candidate):
                return candidate
        return day  # no working day within reach: leave the date as it is


_CALENDARS: dict[int, tuple[WorkingDays | None, Workdays]] = {}


def calendar(rules: WorkingDays | None) -> Workdays:
    """The :class:`Workdays` of *rules*, made once per rules object (its answers are kept), so
    that every visit of a build shares one calendar."""
    found = _CALENDARS.get(id(rules))
    if found is not None and found[0] is rules:
        return found[1]
    if len(_CALENDARS) >= 16:  # policies of earlier loads (a live preview, the tests)
        _CALENDARS.clear()
    days = Workdays(rules)
    _CALENDARS[id(rules)] = (rules, days)
    return days


def is_working_day(rules: WorkingDays | None, day: dt.date) -> bool:
    """Whether *day* is a working day under *rules* (a policy's ``working_days``)."""
    return Workdays(rules).is_working_day(day)


def previous_working_day(rules: WorkingDays | None, day: dt.date) -> dt.date:
    """The last working day before *day* under *rules*."""
    return Workdays(rules).previous_working_day(day)
