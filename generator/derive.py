"""Derive: what a packet shows that is computed rather than copied from the visit file."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from .approvals import Approved, apply_approvals
from .budget import BudgetSummary
from .checklist import Entry, build_checklist
from .checks import Context, Finding, run_checks
from .models import Policy, Visit
from .models.local import Local
from .models.visit import Item


@dataclass(frozen=True)
class DietLine:
    """One visitor's dietary needs."""

    name: str
    needs: list[str]
    notes: Local | None


@dataclass(frozen=True)
class DietSummary:
    people: list[DietLine]
    combined: list[tuple[str, int]]  # diet word, number of visitors
    total: int


@dataclass(frozen=True)
class ScheduleDay:
    day: dt.date
    number: int  # 1 = arrival day
    items: list[Item]


@dataclass
class Facts:
    """Everything about one visit that the packet and the rules need, computed once."""

    visit: Visit
    stem: str
    first_day: dt.date
    last_day: dt.date
    days: list[ScheduleDay] = field(default_factory=list)
    diet: DietSummary | None = None
    checklist: list[Entry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # open: not approved
    approved: list[Approved] = field(default_factory=list)  # warnings the visit approved
    added: dt.date | None = None
    budget: BudgetSummary | None = None  # spending against the tier's caps (budget.py)

    @property
    def length_days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def diet_summary(visit: Visit) -> DietSummary:
    people = [DietLine(v.name, list(v.diet), v.notes) for v in visit.visitors if v.diet]
    counts: Counter[str] = Counter(word for v in visit.visitors for word in dict.fromkeys(v.diet))
    combined = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return DietSummary(people, combined, len(visit.visitors))


def schedule_days(visit: Visit) -> list[ScheduleDay]:
    start = visit.arrival.at.date()
    days = []
    for day in sorted(visit.schedule):
        items = sorted(visit.schedule[day], key=lambda item: item.at)
        days.append(ScheduleDay(day, (day - start).days + 1, items))
    return days


def meal_diets(visit: Visit, policy: Policy) -> list[tuple[str, int]]:
    """Diet words to tell a restaurant about at every meal, with how many visitors need each."""
    watched = policy.check_settings.restaurant_note_diets
    summary = diet_summary(visit).combined
    return [(word, n) for word, n in summary if not watched or word in watched]


def derive(visit: Visit, stem: str, policy: Policy, *, added: dt.date | None = None) -> Facts:
    """Compute a visit's schedule, diet summary, checklist and rule findings."""
    checklist = build_checklist(visit, policy)
    context = Context(visit, policy, checklist, added)
    findings, approved = apply_approvals(visit, policy, run_checks(context))
    return Facts(
        visit=visit,
        stem=stem,
        first_day=visit.arrival.at.date(),
        last_day=visit.departure.at.date(),
        days=schedule_days(visit),
        diet=diet_summary(visit),
        checklist=checklist,
        findings=findings,
        approved=approved,
        added=added,
        budget=context.budget,  # the budget checks' own: computed once
    )
