"""Checks: the policy rules a visit can break, each with an id the policy configures.

A check function looks at a visit and yields :class:`Finding` objects: where (a field path)
and the values for the message. The policy (``checks:``) gives each id its severity, its
message in both languages and the handbook page with the rule.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .budget import BudgetKind, BudgetSummary, budget_summary, money
from .checklist import Entry, Phase
from .i18n import country_name, language_name
from .models import Policy, Visit
from .models.common import Text
from .models.local import Local
from .models.visit import Host, Item, Visitor
from .models.vocabulary import default_catalogue
from .names import named
from .ramadan import fast_of
from .staffing import attendees, covered, escorts
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

    @functools.cached_property
    def budget(self) -> BudgetSummary:
        """The visit's budget (budget.py), worked out once for the four budget checks."""
        return budget_summary(self.visit, self.policy)


def _join(parts: list[Text], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(p(lang) for p in parts)


def _texts(parts: list[Text]) -> Text:
    return Text(zh=_join(parts, "zh"), en=_join(parts, "en"))


def joined(words: list[str]) -> Text:
    """Words (codes, times: the same in both languages) listed the way each language lists."""
    return _texts([Text(zh=w, en=w) for w in words])


def _hhmm(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M")


def _item_path(day: dt.date, index: int, *rest: str) -> PathKey:
    return ("schedule", str(day), index, *rest)


def _with_path(day: dt.date, index: int, item: Item) -> PathKey:
    """An item's ``with``, or the item itself when it names nobody (the owner attends)."""
    return _item_path(day, index, "with") if item.with_ else _item_path(day, index)


def _label(key: str, **values: Value) -> Text:
    """Catalogue message *key* in both languages (Text and Local values taken in each)."""
    catalogue = default_catalogue()

    def one(lang: str) -> str:
        return catalogue.t(lang, key, **{k: (v(lang) if isinstance(v, Text | Local) else v)
                                         for k, v in values.items()})

    return Text(zh=one("zh"), en=one("en"))


def _at(day: dt.date, item: Item) -> Text:
    """“Lunch” (2026-12-09 12:00), in each language."""
    return _label("check_item_at", item=item.what, when=f"{day} {item.at:%H:%M}")


def _people(ctx: Context, hosts: list[Host]) -> Text:
    """Our people's names as each packet writes them (Chinese, or name_en / pinyin)."""
    return _texts([Text(zh=named(ctx.visit, h.name, "zh"), en=named(ctx.visit, h.name, "en"))
                   for h in hosts])


def _languages(codes: list[str]) -> Text:
    return _texts([Text(zh=language_name(c, "zh"), en=language_name(c, "en")) for c in codes])


def _guests(visitors: list[Visitor], detail: Callable[[Visitor], Text] | None = None) -> Text:
    """Visitors' names, each with *detail* in brackets when given: Irina (Russian)."""
    if detail is None:
        return _texts([Text(zh=v.name, en=v.name) for v in visitors])
    return _texts([_label("check_name_detail", name=v.name, detail=detail(v))
                   for v in visitors])


def _outside(ctx: Context, day: dt.date, item: Item) -> bool:
    """True when *item* lies outside the visit (what ``schedule-outside-visit`` reports)."""
    arrival, departure = ctx.visit.arrival.at, ctx.visit.departure.at
    start = dt.datetime.combine(day, item.at)
    end = dt.datetime.combine(day, item.to) if item.to else start
    return not arrival.date() <= day <= departure.date() or start > departure or end < arrival


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
        ours = escorts(ctx.visit, item)
        if ours < needed:
            yield Finding("meal-escorts", _item_path(day, index, "with"),
                          {"item": item.what, "guests": guests, "needed": needed,
                           "escorts": ours})


def escorts_excess(ctx: Context) -> Iterator[Finding]:
    """A meal with far more of our people than the escort ratio asks for (seed 001's thrift
    principle: no lavish receptions, not too many hosts)."""
    guests = len(ctx.visit.visitors)
    needed = ctx.policy.escorts_for(guests)
    factor = ctx.policy.check_settings.escorts_excess_factor
    most = math.floor(factor * needed)
    for day, index, item in ctx.items:
        if item.meal is None:
            continue
        ours = escorts(ctx.visit, item)
        if ours > most:
            yield Finding("escorts-excess", _with_path(day, index, item),
                          {"item": item.what, "guests": guests, "needed": needed,
                           "escorts": ours, "most": most, "factor": f"{factor:g}"})


def _over(ctx: Context, kind: BudgetKind, check: str, name: str) -> Iterator[Finding]:
    """A finding for every *kind* line of the visit's budget above its cap (budget.py)."""
    currency = ctx.policy.currency
    for line in ctx.budget.of(kind):
        if not line.over or line.amount is None or line.cap is None:
            continue
        yield Finding(check, line.path, {
            name: line.label, "budget": money(line.amount, currency),
            "limit": money(line.cap, currency), "people": line.count,
            "cap": money(line.unit, currency) if line.unit is not None else "",
            "basis": line.basis, "tier": ctx.visit.tier})


def meal_budget(ctx: Context) -> Iterator[Finding]:
    """A meal whose budget is above its tier's cap for the people at it."""
    yield from _over(ctx, "meal", "meal-budget", "item")


def hotel_budget(ctx: Context) -> Iterator[Finding]:
    """A company-paid hotel whose rate × rooms × nights is above the tier's hotel cap."""
    yield from _over(ctx, "hotel", "hotel-budget", "hotel")


def transport_budget(ctx: Context) -> Iterator[Finding]:
    """An arrival or departure transfer above the tier's cap per trip."""
    yield from _over(ctx, "transport", "transport-budget", "transfer")


def entertainment_budget(ctx: Context) -> Iterator[Finding]:
    """An activity (not a meal) whose budget is above the tier's entertainment cap."""
    yield from _over(ctx, "entertainment", "entertainment-budget", "item")


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


def _judged(ctx: Context) -> list[tuple[dt.date | None, int | None, Item | None]]:
    """The schedule items, or one stand-in for the whole visit when it has none."""
    return list(ctx.items) or [(None, None, None)]


def interpreter_needed(ctx: Context) -> Iterator[Finding]:
    """Per schedule item: guests who share no language with our people at it (the hosts in
    its ``with``, else the owner). A visit without schedule items is judged on the owner."""
    visit = ctx.visit
    for day, index, item in _judged(ctx):
        hosts = attendees(visit, item)
        spoken = covered(hosts)
        lost = [v for v in visit.visitors if v.languages and not spoken.intersection(v.languages)]
        if not lost:
            continue
        if day is None or index is None or item is None:
            path: PathKey = ("owner",)
            where = _label("check_visit_unscheduled")
        else:
            path, where = _with_path(day, index, item), _at(day, item)
        yield Finding("interpreter-needed", path, {
            "item": where, "hosts": _people(ctx, hosts),
            "guests": _guests(lost, lambda v: _languages(list(v.languages))),
            "languages": _languages(list(dict.fromkeys(c for v in lost for c in v.languages)))})


def interpreter_unused(ctx: Context) -> Iterator[Finding]:
    """A host marked as an interpreter who attends no schedule item (a visit without schedule
    items is not judged: nobody can be on an item yet)."""
    visit = ctx.visit
    present = {host.name for _, _, item in ctx.items for host in attendees(visit, item)}
    if not ctx.items:
        return
    for index, host in enumerate(visit.hosts):
        if host.interpreter and host.name not in present:
            yield Finding("interpreter-unused", ("hosts", index, "interpreter"), {
                "name": Text(zh=named(visit, host.name, "zh"), en=named(visit, host.name, "en")),
                "languages": _languages(list(host.languages))})


def _diet_words(ctx: Context, diet: str) -> list[str]:
    """What counts as mentioning *diet* in a note, lowercased."""
    words = ctx.policy.check_settings.diet_note_words.get(diet)
    if not words:
        known = ctx.policy.diets.get(diet)
        words = [diet, *(known.name.zh, known.name.en)] if known else [diet]
    return [w.casefold() for w in words if w.strip()]


def meal_diet_note(ctx: Context) -> Iterator[Finding]:
    """A meal item that does not mention a watched diet a visitor has: not in its notes, nor
    in its what or where ("Dinner at a halal restaurant" says it)."""
    watched = ctx.policy.check_settings.meal_note_diets
    present = [w for w in watched if any(w in v.diet for v in ctx.visit.visitors)]
    if not present:
        return
    for day, index, item in ctx.items:
        if item.meal is None:
            continue
        said = " ".join(text for part in (item.what, item.where, item.notes) if part
                        for text in part.texts()).casefold()
        missing = [d for d in present if not any(w in said for w in _diet_words(ctx, d))]
        if not missing:
            continue
        guests = [v for v in ctx.visit.visitors if any(d in v.diet for d in missing)]
        names = [ctx.policy.diets[d].name if d in ctx.policy.diets else Text(zh=d, en=d)
                 for d in missing]
        path = _item_path(day, index, "notes") if item.notes else _item_path(day, index)
        yield Finding("meal-diet-note", path, {
            "item": item.what, "when": f"{day} {item.at:%H:%M}", "diets": _texts(names),
            "guests": _guests(guests),
            "words": joined(list(dict.fromkeys(w for d in missing for w in _diet_words(ctx, d))))})


def banquet_diet_note(ctx: Context) -> Iterator[Finding]:
    """The first edition's check, for policies that still configure it: a banquet without
    notes when a visitor has a diet of ``banquet_note_diets``. A policy that switches on
    ``meal-diet-note``, which judges every meal, gets nothing from this one."""
    rule = ctx.policy.checks.get("meal-diet-note")
    if rule is not None and rule.severity != "off":
        return
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
        if _outside(ctx, day, item):
            yield Finding("schedule-outside-visit", _item_path(day, index, "at"),
                          {"item": item.what, "when": _hhmm(dt.datetime.combine(day, item.at)),
                           "arrival": _hhmm(arrival), "departure": _hhmm(departure)})


def pickup_schedule(ctx: Context) -> Iterator[Finding]:
    """With a pickup, an item that starts before the visitors can be there: after the arrival
    time but before it plus ``after_landing`` minutes. An item at the arrival time is the
    pickup itself; one before it is ``schedule-outside-visit``'s."""
    arrival = ctx.visit.arrival
    if not arrival.pickup:
        return
    minutes = ctx.policy.check_settings.after_landing.get(arrival.by, 0)
    ready = arrival.at + dt.timedelta(minutes=minutes)
    for day, index, item in ctx.items:
        start = dt.datetime.combine(day, item.at)
        if arrival.at < start < ready and not _outside(ctx, day, item):
            yield Finding("pickup-schedule", _item_path(day, index, "at"), {
                "item": item.what, "start": _hhmm(start), "arrival": _hhmm(arrival.at),
                "minutes": minutes, "ready": _hhmm(ready)})


@dataclass(frozen=True)
class _Leave:
    """When the visitors leave for the airport or station on the departure day, and why."""

    at: dt.datetime
    source: Text
    path: PathKey


def _last_on_departure_day(ctx: Context) -> tuple[dt.date, int, Item, dt.datetime] | None:
    """The item of the departure day that ends last (its start when it has no end), among
    those that are not outside the visit."""
    last: tuple[dt.date, int, Item, dt.datetime] | None = None
    for day, index, item in ctx.items:
        if day != ctx.visit.departure.at.date() or _outside(ctx, day, item):
            continue
        end = dt.datetime.combine(day, item.to or item.at)
        if last is None or end >= last[3]:
            last = (day, index, item, end)
    return last


def _leave(ctx: Context) -> _Leave | None:
    departure = ctx.visit.departure
    if departure.leave is not None:
        return _Leave(dt.datetime.combine(departure.at.date(), departure.leave),
                      _label("check_leave_given"), ("departure", "leave"))
    last = _last_on_departure_day(ctx)
    if last is None:
        return None
    day, index, item, end = last
    key = "check_leave_item_end" if item.to else "check_leave_item_start"
    return _Leave(end, _label(key, item=item.what),
                  _item_path(day, index, "to" if item.to else "at"))


def _international(ctx: Context) -> bool:
    given = ctx.visit.departure.international
    if given is not None:
        return given
    return ctx.visit.client.country != ctx.policy.check_settings.home_country.upper()


def send_off_late(ctx: Context) -> Iterator[Finding]:
    """The visitors leave for the airport or station later than the policy's minimum before
    the departure (``leave_before_flight``, ``leave_before_train``)."""
    departure, settings = ctx.visit.departure, ctx.policy.check_settings
    if departure.by == "flight":
        lead = settings.leave_before_flight
        minutes = lead.international if _international(ctx) else lead.domestic
    elif departure.by == "train":
        minutes = settings.leave_before_train
    else:
        return
    leave = _leave(ctx)
    latest = departure.at - dt.timedelta(minutes=minutes)
    if leave is None or leave.at <= latest:
        return
    yield Finding("send-off-late", leave.path, {
        "leave": f"{leave.at:%H:%M}", "source": leave.source, "latest": _hhmm(latest),
        "minutes": minutes, "departs": _hhmm(departure.at),
        "number": Text(zh=f" {departure.number} ", en=f" {departure.number}")
        if departure.number else Text(zh="", en=""),
        "place": _label(f"check_place_{departure.by}"), "by": _label(f"check_by_{departure.by}")})


def send_off_schedule(ctx: Context) -> Iterator[Finding]:
    """With ``departure.leave``, an item of the departure day still going on when the car
    leaves: it starts before the leave time and ends after it. (An item that starts at or
    after it may be the drive itself or the farewell at the airport; one after the departure
    is ``schedule-outside-visit``'s.)"""
    departure = ctx.visit.departure
    if departure.leave is None:
        return
    leave = dt.datetime.combine(departure.at.date(), departure.leave)
    for day, index, item in ctx.items:
        if day != departure.at.date() or item.to is None or _outside(ctx, day, item):
            continue
        start, end = dt.datetime.combine(day, item.at), dt.datetime.combine(day, item.to)
        if start < leave < end:
            yield Finding("send-off-schedule", _item_path(day, index, "to"), {
                "item": item.what, "end": f"{end:%H:%M}", "leave": f"{leave:%H:%M}"})


def ramadan_daylight_meal(ctx: Context) -> Iterator[Finding]:
    """A meal between dawn and sunset on a day of Ramadan when a visitor keeps the fast."""
    fasting = [v for v in ctx.visit.visitors if v.ramadan]
    if not fasting:
        return
    settings = ctx.policy.check_settings
    zone = ctx.visit.timezone or ctx.policy.timezone
    for day, index, item in ctx.items:
        if item.meal is None:
            continue
        fast = fast_of(day, settings.site.latitude, settings.site.longitude, zone,
                       settings.fajr_depression)
        start = dt.datetime.combine(day, item.at)
        end = dt.datetime.combine(day, item.to) if item.to else None
        if fast is not None and fast.covers(start, end):
            yield Finding("ramadan-daylight-meal", _item_path(day, index, "at"), {
                "item": item.what, "when": _hhmm(start), "guests": _guests(fasting),
                "dawn": f"{fast.dawn:%H:%M}", "sunset": f"{fast.sunset:%H:%M}"})


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
    "escorts-excess": escorts_excess,
    "meal-budget": meal_budget,
    "hotel-budget": hotel_budget,
    "transport-budget": transport_budget,
    "entertainment-budget": entertainment_budget,
    "hotel-payer": hotel_payer,
    "hotel-risk-country": hotel_risk_country,
    "gifts-not-allowed": gifts_not_allowed,
    "interpreter-needed": interpreter_needed,
    "interpreter-unused": interpreter_unused,
    "meal-diet-note": meal_diet_note,
    "banquet-diet-note": banquet_diet_note,  # deprecated: meal-diet-note replaces it
    "ramadan-daylight-meal": ramadan_daylight_meal,
    "schedule-overlap": schedule_overlap,
    "schedule-outside-visit": schedule_outside_visit,
    "pickup-schedule": pickup_schedule,
    "send-off-late": send_off_late,
    "send-off-schedule": send_off_schedule,
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
