"""Who of our people attends a schedule item, and which languages they cover.

The visit-file spec (second edition, "Interpreters and per-item staffing"): the hosts named in
an item's ``with`` attend it; an item without ``with`` is attended by the visit's owner. Hosts
speak Chinese and their ``languages``; a host with ``interpreter: true`` interprets for the
languages listed, which covers a guest who speaks one of them just as well.
"""

from __future__ import annotations

from .models import Visit
from .models.visit import Host, Item

HOME_LANGUAGE = "zh"


def attendees(visit: Visit, item: Item | None) -> list[Host]:
    """Our people at *item* (``None``: a visit without schedule items, judged on the owner)."""
    names = item.with_ if item is not None and item.with_ else [visit.owner]
    found = (visit.host(name) for name in dict.fromkeys(names))
    return [host for host in found if host is not None]


def covered(hosts: list[Host]) -> set[str]:
    """The languages *hosts* speak or interpret for (always Chinese)."""
    return {HOME_LANGUAGE} | {code for host in hosts for code in host.languages}


def escorts(visit: Visit, item: Item) -> int:
    """How many of our people attend *item*."""
    return len(attendees(visit, item))
