"""A visit's spending against its tier's caps: meals, hotel, transport and entertainment.

The tier's caps (``tiers.<key>.caps`` in the policy, :class:`~.models.policy.Caps`) say how
much may be spent per meal, per night, per trip and per activity: per person, per visitor, per
room, for a base party of guests plus an amount per guest beyond it, or the actual cost. This
module works out each cap for the visit (how many people, rooms and nights it covers) and lists
every line in a :class:`BudgetSummary` for the packet and the budget checks.

Every meal on the schedule is a line, with or without a planned figure. Hotel, transport and
entertainment lines appear only where the visit gives a figure: a company-paid hotel with a
``rate``, a transfer with a ``budget``, a schedule item that is not a meal with a ``budget``.
The words of each line's basis ("500 CNY per person × 4") are messages of the catalogue
(``budget_basis_*`` in ``theme/messages.yml``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from . import staffing
from .models.common import LANGUAGES, Text
from .models.local import Local
from .models.policy import Cap, Tier
from .models.vocabulary import default_catalogue
from .yamlload import PathKey

if TYPE_CHECKING:
    from .i18n import Catalogue
    from .models import Policy, Visit
    from .models.visit import Item

BudgetKind = Literal["meal", "hotel", "transport", "entertainment"]
KINDS: tuple[BudgetKind, ...] = ("meal", "hotel", "transport", "entertainment")


@dataclass(frozen=True)
class Limit:
    """A cap worked out for one line: the amount (None: no cap), how it was computed, and how
    many people or rooms it counts."""

    cap: float | None
    basis: Text
    count: int
    actual: bool = False  # the actual cost is paid (no cap, approved beforehand)


@dataclass(frozen=True)
class BudgetLine:
    """One line of a visit's budget: what it is, what is planned and what the tier allows."""

    kind: BudgetKind
    day: dt.date
    index: int | None       # the schedule item's index in the file (None: hotel, transport)
    label: Text | Local     # what the visit calls it
    amount: float | None    # planned, policy currency (None: no figure yet)
    cap: float | None       # None: no cap, or the actual cost
    basis: Text             # how the cap was computed, in both languages
    over: bool              # the planned amount exceeds the cap
    path: PathKey = ()      # where the figure is, or would go, in the visit file
    count: int = 0          # the people, guests or rooms the cap counts
    unit: float | None = None  # the cap's own amount (per person, per room, or the base)


@dataclass(frozen=True)
class BudgetSummary:
    lines: list[BudgetLine]
    total: float            # the planned amounts added up
    total_cap: float | None  # the caps added up; None when any line has no cap
    currency: str

    def of(self, kind: BudgetKind) -> list[BudgetLine]:
        return [line for line in self.lines if line.kind == kind]

    @property
    def over(self) -> list[BudgetLine]:
        return [line for line in self.lines if line.over]


def money(amount: float, currency: str) -> str:
    """``1500`` → "1,500 CNY"; cents only when there are any."""
    whole = round(amount, 2) == round(amount)
    return f"{amount:,.0f} {currency}" if whole else f"{amount:,.2f} {currency}"


def _text(catalogue: Catalogue, key: str, **values: object) -> Text:
    """A catalogue message in both languages; Text values are taken in each one."""
    def one(lang: str) -> str:
        return catalogue.t(lang, key, **{k: (v(lang) if isinstance(v, Text) else v)
                                         for k, v in values.items()})
    zh, en = (one(lang) for lang in LANGUAGES)
    return Text(zh=zh, en=en)


def limit(cap: Cap | None, *, guests: int, ours: int = 0, rooms: int = 0,
          nights: int | None = None, currency: str,
          catalogue: Catalogue | None = None) -> Limit:
    """The cap of one line: *cap* (a tier's) for *guests* visitors and *ours* of our people
    (meals and activities); a hotel's for its *rooms*, times its *nights*."""
    catalogue = catalogue or default_catalogue()
    if cap is None:
        return Limit(None, _text(catalogue, "budget_basis_none"), 0)
    if cap.actual or cap.amount is None:
        return Limit(None, _text(catalogue, "budget_basis_actual"), 0, actual=True)
    unit = money(cap.amount, currency)
    if cap.per == "party":
        base = cap.base_guests or 0
        more = max(0, guests - base)
        total = cap.amount + more * cap.extra_guest
        basis = _text(catalogue, "budget_basis_party", cap=unit, base=base) if more == 0 else \
            _text(catalogue, "budget_basis_party_extra", cap=unit, base=base, more=more,
                  extra=money(cap.extra_guest, currency))
        count = guests
    else:
        count = {"person": guests + ours, "visitor": guests, "room": rooms}[cap.per]
        total = cap.amount * count
        basis = _text(catalogue, f"budget_basis_{cap.per}", cap=unit, n=count)
    if nights is not None:  # a hotel: per night
        total *= nights
        basis = _text(catalogue, f"budget_basis_nights_{'one' if nights == 1 else 'other'}",
                      basis=basis, nights=nights)
    return Limit(total, basis, count)


def _tier(visit: Visit, policy: Policy) -> Tier:
    return policy.tiers[visit.tier]


def meal_limit(visit: Visit, policy: Policy, item: Item,
               catalogue: Catalogue | None = None) -> Limit:
    """The cap of a meal item, for the visitors and our people at it."""
    if item.meal is None:
        raise ValueError("meal_limit needs a schedule item with a meal")
    return limit(_tier(visit, policy).caps.meal(item.meal), guests=len(visit.visitors),
                 ours=staffing.escorts(visit, item), currency=policy.currency, catalogue=catalogue)


def entertainment_limit(visit: Visit, policy: Policy, item: Item,
                        catalogue: Catalogue | None = None) -> Limit:
    """The cap of an activity (sightseeing, an evening out), per activity."""
    return limit(_tier(visit, policy).caps.entertainment, guests=len(visit.visitors),
                 ours=staffing.escorts(visit, item), currency=policy.currency, catalogue=catalogue)


def hotel_nights(visit: Visit) -> int:
    """Nights booked: check-in to check-out, else arrival day to departure day; at least 1."""
    hotel = visit.hotel
    start = (hotel.check_in if hotel and hotel.check_in else None) or visit.arrival.at.date()
    end = (hotel.check_out if hotel and hotel.check_out else None) or visit.departure.at.date()
    return max(1, (end - start).days)


def hotel_rooms(visit: Visit) -> int:
    """Rooms booked: as the file says, else one per visitor."""
    rooms = visit.hotel.rooms if visit.hotel is not None else None
    return rooms or len(visit.visitors)


def hotel_limit(visit: Visit, policy: Policy, catalogue: Catalogue | None = None) -> Limit:
    """The cap of the hotel stay: per night, for the rooms or guests booked."""
    return limit(_tier(visit, policy).caps.hotel, guests=len(visit.visitors),
                 rooms=hotel_rooms(visit), nights=hotel_nights(visit),
                 currency=policy.currency, catalogue=catalogue)


def transport_limit(visit: Visit, policy: Policy, catalogue: Catalogue | None = None) -> Limit:
    """The cap of one transfer (arrival or departure), for the visitors carried."""
    return limit(_tier(visit, policy).caps.transport, guests=len(visit.visitors),
                 currency=policy.currency, catalogue=catalogue)


def _line(kind: BudgetKind, day: dt.date, index: int | None, label: Text | Local,
          amount: float | None, found: Limit, path: PathKey, unit: float | None) -> BudgetLine:
    over = amount is not None and found.cap is not None and \
        round(amount, 2) > round(found.cap, 2)
    return BudgetLine(kind, day, index, label, amount, found.cap, found.basis, over, path,
                      found.count, unit)


def _unit(cap: Cap | None) -> float | None:
    return None if cap is None or cap.actual else cap.amount


def budget_summary(visit: Visit, policy: Policy,
                   catalogue: Catalogue | None = None) -> BudgetSummary:
    """Every budget line of *visit* under its tier's caps, in the order of the visit."""
    catalogue = catalogue or default_catalogue()
    caps = _tier(visit, policy).caps
    lines: list[BudgetLine] = []
    arrival, departure = visit.arrival, visit.departure
    if arrival.budget is not None:
        lines.append(_line("transport", arrival.at.date(), None,
                           _text(catalogue, "budget_arrival"), arrival.budget,
                           transport_limit(visit, policy, catalogue), ("arrival", "budget"),
                           _unit(caps.transport)))
    hotel = visit.hotel
    if hotel is not None and hotel.paid_by == "company" and hotel.rate is not None:
        nights, rooms = hotel_nights(visit), hotel_rooms(visit)
        lines.append(_line("hotel", hotel.check_in or arrival.at.date(), None, hotel.name,
                           hotel.rate * rooms * nights, hotel_limit(visit, policy, catalogue),
                           ("hotel", "rate"), _unit(caps.hotel)))
    for day, index, item in visit.items():
        path: PathKey = ("schedule", str(day), index, "budget")
        if item.meal is not None:
            lines.append(_line("meal", day, index, item.what, item.budget,
                               meal_limit(visit, policy, item, catalogue), path,
                               _unit(caps.meal(item.meal))))
        elif item.budget is not None:
            lines.append(_line("entertainment", day, index, item.what, item.budget,
                               entertainment_limit(visit, policy, item, catalogue), path,
                               _unit(caps.entertainment)))
    if departure.budget is not None:
        lines.append(_line("transport", departure.at.date(), None,
                           _text(catalogue, "budget_departure"), departure.budget,
                           transport_limit(visit, policy, catalogue), ("departure", "budget"),
                           _unit(caps.transport)))
    total = sum(line.amount for line in lines if line.amount is not None)
    capped = [line.cap for line in lines]
    total_cap = None if any(cap is None for cap in capped) else \
        sum(cap for cap in capped if cap is not None)
    return BudgetSummary(lines, total, total_cap, policy.currency)
