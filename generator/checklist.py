"""The checklist of a visit: the policy's tasks that apply, plus the file's own items.

Tasks are data (``tasks:`` in the policy). Each applies when its condition holds; a task due
relative to a schedule ``item`` is created once per item that its tour/meal condition selects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from .models import Policy, Visit
from .models.common import Text
from .models.policy import Condition, DueSpec, Task
from .models.visit import Item


class Phase(StrEnum):
    BEFORE = "before"
    DURING = "during"
    AFTER = "after"


@dataclass(frozen=True)
class Entry:
    """One line of a packet's checklist."""

    key: str            # task id, or "checklist[N]" for the file's own items
    text: Text | str    # bilingual for policy tasks, as written for the file's own items
    owner: str          # department key
    due: dt.datetime    # local time of the visit
    phase: Phase
    done: bool
    link: str = ""
    item: Item | None = None
    item_day: dt.date | None = None
    manual: bool = False

    def overdue(self, today: dt.date) -> bool:
        return not self.done and self.due.date() < today

    def label(self, lang: str) -> str:
        return self.text(lang) if isinstance(self.text, Text) else self.text


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


def phase_of(when: dt.datetime, visit: Visit) -> Phase:
    if when < visit.arrival.at:
        return Phase.BEFORE
    if when <= visit.departure.at:
        return Phase.DURING
    return Phase.AFTER


def _task_entries(task: Task, visit: Visit, policy: Policy,
                  items: ScheduleItems | None = None) -> list[Entry]:
    done = task.id in visit.done
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
            due = due_at(task.due, anchor, policy.workday_end)
            entries.append(Entry(task.id, task.text, task.owner, due, phase_of(due, visit),
                                 done, task.link, item, day))
        return entries
    if not _applies(visit, task.when, False, items):
        return []
    anchor = visit.arrival.at if task.due.anchor == "arrival" else visit.departure.at
    due = due_at(task.due, anchor, policy.workday_end)
    return [Entry(task.id, task.text, task.owner, due, phase_of(due, visit), done, task.link)]


def manual_due(due: dt.date | int, visit: Visit, policy: Policy) -> dt.datetime:
    day = due if isinstance(due, dt.date) else visit.arrival.at.date() + dt.timedelta(days=due)
    return dt.datetime.combine(day, policy.workday_end)


def build_checklist(visit: Visit, policy: Policy) -> list[Entry]:
    """Policy tasks and the file's own checklist items, in due order."""
    items = visit.items()  # sorted once, not once per task
    entries = [e for task in policy.tasks for e in _task_entries(task, visit, policy, items)]
    for index, item in enumerate(visit.checklist):
        due = manual_due(item.due, visit, policy)
        entries.append(Entry(f"checklist[{index}]", item.task, item.owner, due,
                             phase_of(due, visit), item.done, manual=True))
    order = {Phase.BEFORE: 0, Phase.DURING: 1, Phase.AFTER: 2}
    return sorted(entries, key=lambda e: (order[e.phase], e.due, e.key))
