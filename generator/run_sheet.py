"""What the person who runs a visit looks up in its packet: who interprets on each schedule
item, how many people a tour equips and who owns its route, which tasks are still open, by
department, and phone numbers as links.

Who attends an item is :func:`generator.staffing.attendees` (the hosts in ``with``, else the
visit's owner: the visit-file spec, second edition), the same people the checks count.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .checklist import Entry
from .models import Visit
from .models.visit import Host, Item
from .staffing import attendees


def interpreters_on(visit: Visit, item: Item) -> list[Host]:
    """The hosts at *item* who interpret (``interpreter: true``)."""
    return [host for host in attendees(visit, item) if host.interpreter]


def interpreters(visit: Visit) -> list[Host]:
    """Every host of the visit who interprets, in the order of the hosts list."""
    return [host for host in visit.hosts if host.interpreter]


@dataclass(frozen=True)
class TourParty:
    """Who walks a tour: the visitors and our people on the item."""

    guests: int
    ours: int

    @property
    def total(self) -> int:
        return self.guests + self.ours


def tour_party(visit: Visit, item: Item) -> TourParty:
    return TourParty(len(visit.visitors), len(attendees(visit, item)))


def route_hosts(visit: Visit, item: Item, dept: str | None) -> list[Host]:
    """The hosts at *item* from department *dept* (the tour's route owner)."""
    if dept is None:
        return []
    return [host for host in attendees(visit, item) if host.dept == dept]


@dataclass(frozen=True)
class DepartmentTasks:
    """One department's open tasks, earliest first, and how many of them are overdue."""

    owner: str  # department key
    open: list[Entry]
    overdue: int


def open_tasks(checklist: list[Entry], departments: list[str],
               today: dt.date) -> list[DepartmentTasks]:
    """The open tasks of *checklist* by department, departments in the policy's order (an
    owner the policy does not list comes last)."""
    by_owner: dict[str, list[Entry]] = {}
    for entry in sorted(checklist, key=lambda e: (e.due, e.key)):
        if not entry.done:
            by_owner.setdefault(entry.owner, []).append(entry)
    order = {key: n for n, key in enumerate(departments)}
    return [DepartmentTasks(owner, by_owner[owner],
                            sum(e.overdue(today) for e in by_owner[owner]))
            for owner in sorted(by_owner, key=lambda key: (order.get(key, len(order)), key))]


def next_task(checklist: list[Entry], today: dt.date) -> Entry | None:
    """The open task due next: the earliest open one that is not overdue (None: none left)."""
    coming = [e for e in checklist if not e.done and not e.overdue(today)]
    return min(coming, key=lambda e: (e.due, e.key)) if coming else None


_EXTENSION = re.compile(r"\s*(ext\.?|x)\s*[0-9]+$", re.IGNORECASE)


def tel_href(phone: str) -> str:
    """A ``tel:`` link for *phone* as a visit file writes it: digits and a leading + only.

    An extension (``ext. 12``, ``x12``) is left out, since its digits would be dialled as part
    of the number; so is a trunk zero in brackets after the country code (``+49 (0)30 …``).
    """
    number = _EXTENSION.sub("", phone.strip())
    if number.startswith("+"):
        number = re.sub(r"\(\s*0\s*\)", "", number)
    digits = re.sub(r"[^0-9]", "", number)
    return f"tel:{'+' if number.startswith('+') else ''}{digits}"
