"""The checklist of a visit: the policy's tasks that apply, plus the file's own items.

Tasks are data (``tasks:`` in the policy). Each applies when its condition holds; a task due
relative to a schedule ``item`` is created once per item that its tour/meal condition selects.

Working days (the policy's ``working_days``, :mod:`.workdays`): a task due a number of days
from its anchor (``arrival -5d``, ``item -2d``, a visit file's ``due: -2d``) that falls on a day
off moves to the working day before, at the same time of day, or to the one after for a task
whose ``on_day_off`` is ``later``; it never moves past its anchor (a task due after the
departure stays after it). Hours and minutes from an anchor (``item -1h``, ``arrival -30min``)
and dates written in the visit file are kept as they are. The entry keeps the time it moved
from (``moved_from``).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import NamedTuple

from .models import Policy, Visit
from .models.common import Text
from .models.local import Local
from .models.policy import Condition, DayOff, DueSpec, Task
from .models.visit import Item
from .workdays import Workdays, calendar


class Phase(StrEnum):
    BEFORE = "before"
    DURING = "during"
    AFTER = "after"


class Entry(NamedTuple):
    """One line of a packet's checklist.

    A named tuple rather than a dataclass: a build holds every visit's checklist (tens of
    thousands of entries at a few thousand visits, in each process that builds a language),
    and a tuple takes a quarter of the memory of an instance with a ``__dict__`` and is made
    in a single call."""

    key: str            # task id, or "checklist[N]" for the file's own items
    text: Text | Local  # the policy's task, or the file's own item (one or two languages)
    owner: str          # department key
    due: dt.datetime    # local time of the visit
    phase: Phase
    done: bool
    link: str = ""
    item: Item | None = None
    item_day: dt.date | None = None
    manual: bool = False
    moved_from: dt.datetime | None = None  # the due time before it left a day off

    def overdue(self, today: dt.date) -> bool:
        return not self.done and self.due.date() < today

    def label(self, lang: str) -> str:
        return self.text(lang)


ScheduleItems = list[tuple[dt.date, int, Item]]  # Visit.items(): day, index in the file, item


def _has_items(items: ScheduleItems, condition: Condition) -> bool:
    return any(_item_matches(item, condition) for _, _, item in items)


def _item_matches(item: Item, condition: Condition) -> bool:
    if condition.tour and item.tour not in condition.tour:
        return False
    return not (condition.meal and item.meal not in condition.meal)


def applies(visit: Visit, condition: Condition, *, item_task: bool = False) -> bool:
    """Whether the visit-wide part of *condition* holds (items are matched separately)."""
    return _applies(visit, condition, item_task, None)


def _applies(visit: Visit, condition: Condition, item_task: bool,
             items: ScheduleItems | None) -> bool:
    """:func:`applies`, with the visit's schedule items when they are at hand. Every condition
    given must hold: the first that does not settles it."""
    if condition.pickup is not None and visit.arrival.pickup != condition.pickup:
        return False
    if condition.send_off is not None and visit.departure.send_off != condition.send_off:
        return False
    if condition.hotel is not None and (visit.hotel is not None) != condition.hotel:
        return False
    if condition.hotel_paid_by is not None and not (
            visit.hotel is not None and visit.hotel.paid_by == condition.hotel_paid_by):
        return False
    if condition.gifts is not None and bool(visit.gifts) != condition.gifts:
        return False
    if condition.tiers and visit.tier not in condition.tiers:
        return False
    if condition.diets and not any(word in condition.diets
                                   for v in visit.visitors for word in v.diet):
        return False
    if condition.countries and visit.client.country not in {c.upper()
                                                             for c in condition.countries}:
        return False
    if condition.relationships and visit.client.relationship not in condition.relationships:
        return False
    if condition.visitors_over is not None and not len(visit.visitors) > condition.visitors_over:
        return False
    if not item_task and (condition.tour or condition.meal):
        return _has_items(visit.items() if items is None else items, condition)
    return True


def due_at(spec: DueSpec, anchor: dt.datetime, workday_end: dt.time) -> dt.datetime:
    if spec.unit == "d":
        if spec.amount == 0:
            return anchor
        return dt.datetime.combine(anchor.date() + dt.timedelta(days=spec.amount), workday_end)
    delta = dt.timedelta(hours=spec.amount) if spec.unit == "h" else dt.timedelta(
        minutes=spec.amount)
    return anchor + delta


def working_due(due: dt.datetime, anchor: dt.datetime, amount: int, days: Workdays,
                on_day_off: DayOff = "earlier") -> dt.datetime:
    """*due* (``amount`` days from *anchor*), moved off a day off: to the working day before
    (``earlier``) or after (``later``), same time of day, never past the anchor's side."""
    day = due.date()
    if amount == 0 or days.is_working_day(day):
        return due
    if on_day_off == "earlier":
        moved = dt.datetime.combine(days.previous_working_day(day), due.time())
        if amount > 0 and moved < anchor:  # a task after its anchor stays after it
            moved = dt.datetime.combine(days.next_working_day(day), due.time())
    else:
        moved = dt.datetime.combine(days.next_working_day(day), due.time())
        if amount < 0 and moved > anchor:  # and one before it stays before it
            moved = dt.datetime.combine(days.previous_working_day(day), due.time())
    return moved


def phase_of(when: dt.datetime, visit: Visit) -> Phase:
    if when < visit.arrival.at:
        return Phase.BEFORE
    if when <= visit.departure.at:
        return Phase.DURING
    return Phase.AFTER


def _due(task: Task, anchor: dt.datetime, policy: Policy,
         days: Workdays) -> tuple[dt.datetime, dt.datetime | None]:
    """When *task* is due from *anchor*, and the time it was moved from (None: not moved)."""
    due = due_at(task.due, anchor, policy.workday_end)
    if task.due.unit != "d":
        return due, None
    moved = working_due(due, anchor, task.due.amount, days, task.on_day_off)
    return moved, (due if moved != due else None)


def _task_entries(task: Task, visit: Visit, policy: Policy,
                  items: ScheduleItems | None = None,
                  days: Workdays | None = None) -> list[Entry]:
    done = task.id in visit.done
    days = days or calendar(policy.working_days)
    if task.due.anchor in ("item", "item-end"):
        if not _applies(visit, task.when, True, items):
            return []
        entries = []
        for day, _, item in visit.items() if items is None else items:
            if not _item_matches(item, task.when):
                continue
            start = dt.datetime.combine(day, item.at)
            end = dt.datetime.combine(day, item.to) if item.to else start
            anchor = start if task.due.anchor == "item" else end
            due, moved_from = _due(task, anchor, policy, days)
            entries.append(Entry(task.id, task.text, task.owner, due, phase_of(due, visit),
                                 done, task.link, item, day, False, moved_from))
        return entries
    if not _applies(visit, task.when, False, items):
        return []
    anchor = visit.arrival.at if task.due.anchor == "arrival" else visit.departure.at
    due, moved_from = _due(task, anchor, policy, days)
    return [Entry(task.id, task.text, task.owner, due, phase_of(due, visit), done, task.link,
                  None, None, False, moved_from)]


def manual_due(due: dt.date | int, visit: Visit, policy: Policy) -> dt.datetime:
    """A visit file's own ``due``: a date as written, or days from the arrival day (moved off a
    day off like a policy task's), at the policy's ``workday_end``."""
    return _manual_due(due, visit, policy, calendar(policy.working_days))[0]


def _manual_due(due: dt.date | int, visit: Visit, policy: Policy,
                days: Workdays) -> tuple[dt.datetime, dt.datetime | None]:
    if isinstance(due, dt.date):
        return dt.datetime.combine(due, policy.workday_end), None
    when = dt.datetime.combine(visit.arrival.at.date() + dt.timedelta(days=due),
                               policy.workday_end)
    moved = working_due(when, visit.arrival.at, due, days)
    return moved, (when if moved != when else None)


def build_checklist(visit: Visit, policy: Policy) -> list[Entry]:
    """Policy tasks and the file's own checklist items, in due order."""
    items = visit.items()  # sorted once, not once per task
    days = calendar(policy.working_days)  # shared by every visit of the policy
    entries = [e for task in policy.tasks
               for e in _task_entries(task, visit, policy, items, days)]
    for index, item in enumerate(visit.checklist):
        due, moved_from = _manual_due(item.due, visit, policy, days)
        entries.append(Entry(f"checklist[{index}]", item.task, item.owner, due,
                             phase_of(due, visit), item.done, manual=True,
                             moved_from=moved_from))
    order = {Phase.BEFORE: 0, Phase.DURING: 1, Phase.AFTER: 2}
    return sorted(entries, key=lambda e: (order[e.phase], e.due, e.key))
