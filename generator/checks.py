"""Checks: the policy rules a visit can break, each with an id the policy configures.

A check function looks at a visit and yields :class:`Finding` objects: where (a field path)
and the values for the message. The policy (``checks:``) gives each id its severity, its
message in both languages and the handbook page with the rule.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .checklist import Entry, Phase
from .i18n import country_name, language_name
from .models import Policy, Visit
from .models.common import Text
from .models.local import Local
from .models.visit import Item
from .yamlload import PathKey

Value = str | int | Text | Local


@dataclass(frozen=True)
class Finding:
    check: str
    path: PathKey
    values: dict[str, Value] = field(default_factory=dict)

    def message(self, policy: Policy, lang: str) -> str:
        rule = policy.checks[self.check]
        values = {k: (v(lang) if isinstance(v, Text | Local) else v)
                  for k, v in self.values.items()}
        return rule.message(lang).format(**values)


@dataclass(frozen=True)
class Context:
    visit: Visit
    policy: Policy
    checklist: list[Entry]
    added: dt.date | None  # when the file was first committed, if known

    @functools.cached_property
    def items(self) -> list[tuple[dt.date, int, Item]]:
        """The visit's schedule items in time order (Visit.items()), sorted once for all checks."""
        return self.visit.items()


def _join(parts: list[Text], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(p(lang) for p in parts)


def _texts(parts: list[Text]) -> Text:
    return Text(zh=_join(parts, "zh"), en=_join(parts, "en"))


def _hhmm(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M")


def _item_path(day: dt.date, index: int, *rest: str) -> PathKey:
    return ("schedule", str(day), index, *rest)


def _escorts(ctx: Context, with_: list[str]) -> int:
    """Our people at an item: those named in ``with``, or every host when none is named."""
    return len(with_) if with_ else len(ctx.visit.hosts)


def dealer_unsigned_line(ctx: Context) -> Iterator[Finding]:
    if ctx.visit.client.relationship != "dealer-unsigned":
        return
    for day, index, item in ctx.items:
        if item.tour == "production-line":
            yield Finding("dealer-unsigned-line", _item_path(day, index, "tour"),
                          {"item": item.what})


def line_escort_missing(ctx: Context) -> Iterator[Finding]:
    for day, index, item in ctx.items:
        if item.tour == "production-line" and not item.with_:
            yield Finding("line-escort-missing", _item_path(day, index), {"item": item.what})


def hosts_fewer_than_visitors(ctx: Context) -> Iterator[Finding]:
    hosts, visitors = len(ctx.visit.hosts), len(ctx.visit.visitors)
    if hosts < visitors:
        yield Finding("hosts-fewer-than-visitors", ("hosts",),
                      {"hosts": hosts, "visitors": visitors})


def tier_attendance(ctx: Context) -> Iterator[Finding]:
    tier = ctx.policy.tiers[ctx.visit.tier]
    present = {h.dept for h in ctx.visit.hosts}
    missing = [ctx.policy.departments[d].name for d in tier.must_attend if d not in present]
    if missing:
        yield Finding("tier-attendance", ("hosts",),
                      {"tier": ctx.visit.tier, "depts": _texts(missing)})


def tier_suggested(ctx: Context) -> Iterator[Finding]:
    relationship = ctx.visit.client.relationship
    suggested = ctx.policy.relationship_tiers.get(relationship)
    if suggested and suggested != ctx.visit.tier:
        yield Finding("tier-suggested", ("tier",), {"relationship": relationship,
                                                      "suggested": suggested,
                                                      "tier": ctx.visit.tier})


def meal_escorts(ctx: Context) -> Iterator[Finding]:
    guests = len(ctx.visit.visitors)
    needed = ctx.policy.escorts_for(guests)
    for day, index, item in ctx.items:
        if item.meal is None:
            continue
        escorts = _escorts(ctx, item.with_)
        if escorts < needed:
            yield Finding("meal-escorts", _item_path(day, index, "with"),
                          {"item": item.what, "guests": guests, "needed": needed,
                           "escorts": escorts})


def meal_budget(ctx: Context) -> Iterator[Finding]:
    tier = ctx.policy.tiers[ctx.visit.tier]
    currency = ctx.policy.currency
    for day, index, item in ctx.items:
        if item.meal is None or item.budget is None:
            continue
        people = len(ctx.visit.visitors) + _escorts(ctx, item.with_)
        limit = tier.meal_cap * people
        if item.budget > limit:
            yield Finding("meal-budget", _item_path(day, index, "budget"),
                          {"item": item.what, "budget": f"{item.budget:,.0f} {currency}",
                           "limit": f"{limit:,} {currency}", "people": people,
                           "cap": f"{tier.meal_cap} {currency}", "tier": ctx.visit.tier})


def hotel_payer(ctx: Context) -> Iterator[Finding]:
    hotel = ctx.visit.hotel
    tier = ctx.policy.tiers[ctx.visit.tier]
    if hotel and hotel.paid_by == "company" and tier.hotel_paid_by == "guest":
        yield Finding("hotel-payer", ("hotel", "paid_by"), {"tier": ctx.visit.tier})


def hotel_risk_country(ctx: Context) -> Iterator[Finding]:
    hotel = ctx.visit.hotel
    risky = {c.upper() for c in ctx.policy.check_settings.hotel_risk_countries}
    country = ctx.visit.client.country
    if hotel and hotel.paid_by == "company" and country in risky:
        name = Text(zh=country_name(country, "zh"), en=country_name(country, "en"))
        yield Finding("hotel-risk-country", ("hotel", "paid_by"), {"country": name})


def gifts_not_allowed(ctx: Context) -> Iterator[Finding]:
    if ctx.visit.gifts and not ctx.policy.tiers[ctx.visit.tier].gifts_allowed:
        yield Finding("gifts-not-allowed", ("gifts",), {"tier": ctx.visit.tier})


def interpreter_needed(ctx: Context) -> Iterator[Finding]:
    spoken = {"zh"} | {code for host in ctx.visit.hosts for code in host.languages}
    for index, visitor in enumerate(ctx.visit.visitors):
        if visitor.languages and not spoken.intersection(visitor.languages):
            names = [Text(zh=language_name(c, "zh"), en=language_name(c, "en"))
                     for c in visitor.languages]
            yield Finding("interpreter-needed", ("visitors", index, "languages"),
                          {"name": visitor.name, "languages": _texts(names)})


def banquet_diet_note(ctx: Context) -> Iterator[Finding]:
    watched = ctx.policy.check_settings.banquet_note_diets
    present = [w for w in watched if any(w in v.diet for v in ctx.visit.visitors)]
    if not present:
        return
    diets = _texts([ctx.policy.diets[w].name for w in present if w in ctx.policy.diets])
    for day, index, item in ctx.items:
        if item.meal == "banquet" and not item.notes:
            yield Finding("banquet-diet-note", _item_path(day, index),
                          {"item": item.what, "diets": diets})


def schedule_overlap(ctx: Context) -> Iterator[Finding]:
    for day in sorted(ctx.visit.schedule):
        indexed = sorted(enumerate(ctx.visit.schedule[day]), key=lambda pair: pair[1].at)
        for (_, before), (index, after) in itertools.pairwise(indexed):
            end = before.to or before.at
            if after.at < end or after.at == before.at:
                yield Finding("schedule-overlap", _item_path(day, index, "at"),
                              {"item": after.what, "start": after.at.strftime("%H:%M"),
                               "other": before.what, "end": end.strftime("%H:%M")})


def schedule_outside_visit(ctx: Context) -> Iterator[Finding]:
    arrival, departure = ctx.visit.arrival.at, ctx.visit.departure.at
    for day, index, item in ctx.items:
        start = dt.datetime.combine(day, item.at)
        end = dt.datetime.combine(day, item.to) if item.to else start
        outside_days = not arrival.date() <= day <= departure.date()
        if outside_days or start > departure or end < arrival:
            yield Finding("schedule-outside-visit", _item_path(day, index, "at"),
                          {"item": item.what, "when": _hhmm(start), "arrival": _hhmm(arrival),
                           "departure": _hhmm(departure)})


def lead_time_missed(ctx: Context) -> Iterator[Finding]:
    if ctx.added is None:
        return
    added = ctx.added
    late = [e for e in ctx.checklist
            if e.phase is Phase.BEFORE and not e.done and not e.manual and e.due.date() < added]
    if late:
        ids = list(dict.fromkeys(e.key for e in late))
        yield Finding("lead-time-missed", (), {"added": added.isoformat(),
                                               "tasks": ", ".join(ids)})


CHECKS: dict[str, Callable[[Context], Iterator[Finding]]] = {
    "dealer-unsigned-line": dealer_unsigned_line,
    "line-escort-missing": line_escort_missing,
    "hosts-fewer-than-visitors": hosts_fewer_than_visitors,
    "tier-attendance": tier_attendance,
    "tier-suggested": tier_suggested,
    "meal-escorts": meal_escorts,
    "meal-budget": meal_budget,
    "hotel-payer": hotel_payer,
    "hotel-risk-country": hotel_risk_country,
    "gifts-not-allowed": gifts_not_allowed,
    "interpreter-needed": interpreter_needed,
    "banquet-diet-note": banquet_diet_note,
    "schedule-overlap": schedule_overlap,
    "schedule-outside-visit": schedule_outside_visit,
    "lead-time-missed": lead_time_missed,
}


def run_checks(ctx: Context) -> list[Finding]:
    """Every finding of every check the policy has switched on."""
    findings: list[Finding] = []
    for check_id, check in CHECKS.items():
        rule = ctx.policy.checks.get(check_id)
        if rule is None or rule.severity == "off":
            continue
        findings.extend(check(ctx))
    return findings
