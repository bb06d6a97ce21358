"""Handbook tables rendered from the policy, so the handbook and the checks share one source.

A handbook page asks for a table with a marker line of its own, e.g. ``<!-- policy: tiers -->``.
Every word of a table that is not policy data (column heads, conditions, due times) is a message
of the catalogue (``theme/messages.yml``): the project's, passed by the plugin, or the
repository's when a caller passes none.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import escape
from .budget import money
from .i18n import Catalogue, country_name
from .models import Policy
from .models.policy import Cap, Caps, Condition, Task
from .models.vocabulary import MEALS, default_catalogue

MARKER = re.compile(r"^<!--\s*policy:\s*([a-z-]+)\s*-->\s*$", re.MULTILINE)

# Column heads of each table: catalogue keys (theme/messages.yml), in column order.
_HEAD = {
    "tiers": ("table_tiers_tier", "table_tiers_for", "table_tiers_received_by",
              "table_tiers_must_attend", "table_tiers_caps", "table_tiers_hotel_paid_by",
              "table_tiers_car", "table_tiers_gifts"),
    "escorts": ("table_escorts_guests", "table_escorts_escorts"),
    "vocabulary": ("table_vocabulary_field", "table_vocabulary_words",
                   "table_vocabulary_meaning"),
    "lead-times": ("table_lead_times_when", "table_lead_times_task", "table_lead_times_owner",
                   "table_lead_times_applies_to"),
}


class UnknownTableError(KeyError):
    """A marker names a table that does not exist."""


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = [_row(head), _row(["---"] * len(head))]
    lines.extend(_row(r) for r in rows)
    return "\n".join(lines)


def _head(name: str, lang: str, catalogue: Catalogue) -> list[str]:
    return [catalogue.t(lang, key) for key in _HEAD[name]]


def describe_cap(cap: Cap | None, lang: str, currency: str, catalogue: Catalogue) -> str:
    """One cap in words: "500 CNY per person", "1,000 CNY for up to 2 guests, +100 CNY per
    extra guest", "actual cost (approved beforehand)", "no cap"."""
    if cap is None:
        return catalogue.t(lang, "cap_none")
    if cap.actual or cap.amount is None:
        return catalogue.t(lang, "cap_actual")
    amount = money(cap.amount, currency)
    if cap.per == "party":
        if cap.extra_guest:
            return catalogue.t(lang, "cap_party_extra", amount=amount, base=cap.base_guests,
                               extra=money(cap.extra_guest, currency))
        return catalogue.t(lang, "cap_party", amount=amount, base=cap.base_guests)
    return catalogue.t(lang, f"cap_{cap.per}", amount=amount)


def describe_caps(caps: Caps, lang: str, currency: str, catalogue: Catalogue) -> str:
    """A tier's caps in one cell: the meals (grouped where they share a cap), then hotel,
    transport and entertainment where the tier sets them."""
    sep = catalogue.t(lang, "table_list_sep")
    groups: list[tuple[list[str], Cap | None]] = []
    own = [meal for meal in MEALS if meal in caps.meals]
    for meal in own:
        for names, cap in groups:
            if cap == caps.meals[meal]:
                names.append(catalogue.t(lang, f"meal_{meal}"))
                break
        else:
            groups.append(([catalogue.t(lang, f"meal_{meal}")], caps.meals[meal]))
    if "all" in caps.meals or len(own) < len(MEALS):  # the meals without a cap of their own
        rest = "table_caps_other_meals" if own else "table_caps_meals_all"
        groups.append(([catalogue.t(lang, rest)], caps.meals.get("all")))
    lines = [catalogue.t(lang, "table_caps_meals", meals=sep.join(names),
                         cap=describe_cap(cap, lang, currency, catalogue))
             for names, cap in groups]
    for kind in ("hotel", "transport", "entertainment"):
        cap = getattr(caps, kind)
        if cap is not None:
            lines.append(catalogue.t(lang, f"table_caps_{kind}",
                                     cap=describe_cap(cap, lang, currency, catalogue)))
    return catalogue.t(lang, "table_caps_sep").join(line[:1].upper() + line[1:]
                                                     for line in lines)


def tiers_table(policy: Policy, lang: str, catalogue: Catalogue | None = None) -> str:
    catalogue = catalogue or default_catalogue()
    sep = catalogue.t(lang, "table_list_sep")
    rows = []
    for key, tier in policy.tiers.items():
        depts = sep.join(policy.departments[d].name(lang) for d in tier.must_attend
                         if d in policy.departments)
        rows.append([
            f"**{escape.inline(key)}** {escape.inline(tier.name(lang))}",
            escape.inline(tier.guests(lang)),
            escape.inline(tier.received_by(lang)),
            escape.inline(depts),
            escape.inline(describe_caps(tier.caps, lang, policy.currency, catalogue)),
            catalogue.t(lang, f"table_tiers_payer_{tier.hotel_paid_by}"),
            escape.inline(tier.car(lang)),
            escape.inline(tier.gifts(lang)),
        ])
    return _table(_head("tiers", lang, catalogue), rows)


def escorts_table(policy: Policy, lang: str, catalogue: Catalogue | None = None) -> str:
    catalogue = catalogue or default_catalogue()
    rows = []
    lower = 1
    for rule in policy.escorts:
        if rule.up_to is None:
            guests = catalogue.t(lang, "table_escorts_open", lower=lower)
        elif rule.up_to == lower:
            guests = catalogue.t(lang, "table_escorts_one", n=lower)
        else:
            guests = catalogue.t(lang, "table_escorts_range", lower=lower, upper=rule.up_to)
        # The open-ended line is a floor ("3 or more" above 10 guests, seed 002 篇六).
        escorts = catalogue.t(lang, "table_escorts_at_least", n=rule.escorts) \
            if rule.up_to is None else str(rule.escorts)
        rows.append([guests, escorts])
        lower = (rule.up_to or lower) + 1
    return _table(_head("escorts", lang, catalogue), rows)


def describe_condition(condition: Condition, lang: str, policy: Policy,
                       catalogue: Catalogue | None = None) -> str:
    """A task's condition in words, e.g. "a showroom visit on the schedule; tier A or B"."""
    catalogue = catalogue or default_catalogue()

    def t(key: str, **values: object) -> str:
        return catalogue.t(lang, key, **values)

    either = t("cond_or")
    parts: list[str] = []
    for name in ("pickup", "send_off", "hotel", "gifts"):
        value = getattr(condition, name)
        if value is True:
            parts.append(t(f"cond_{name}"))
        elif value is False:
            parts.append(t("cond_not", v=t(f"cond_{name}")))
    for name in ("tour", "meal"):  # the words' own labels: tour_showroom, meal_lunch, …
        values = getattr(condition, name)
        if values:
            parts.append(t(f"cond_{name}", v=either.join(t(f"{name}_{v}") for v in values)))
    if condition.tiers:
        parts.append(t("cond_tiers", v=either.join(condition.tiers)))
    if condition.diets:
        diets = [policy.diets[d].name(lang) if d in policy.diets else d for d in condition.diets]
        parts.append(t("cond_diets", v=either.join(diets)))
    if condition.countries:
        countries = [country_name(c.upper(), lang) for c in condition.countries]
        parts.append(t("cond_countries", v=either.join(countries)))
    if condition.relationships:
        parts.append(t("cond_relationships", v=either.join(condition.relationships)))
    if condition.visitors_over is not None:
        parts.append(t("cond_visitors_over", v=condition.visitors_over))
    if condition.hotel_paid_by is not None:
        parts.append(t("cond_hotel_paid_by", v=t(f"payer_{condition.hotel_paid_by}")))
    return t("cond_and").join(parts) if parts else t("cond_always")


def lead_times_table(policy: Policy, lang: str, catalogue: Catalogue | None = None) -> str:
    """Every policy task: when it is due, what it is, who owns it and when it applies."""
    catalogue = catalogue or default_catalogue()
    order = {"arrival": 0, "item": 1, "item-end": 1, "departure": 2}

    def minutes(task: Task) -> int:
        scale = {"d": 1440, "h": 60, "min": 1}[task.due.unit]
        return order[task.due.anchor] * 10**7 + task.due.amount * scale

    rows: list[list[str]] = []
    for task in sorted(policy.tasks, key=minutes):
        owner = policy.departments[task.owner].name(lang) if task.owner in policy.departments \
            else task.owner
        rows.append([escape.inline(task.due.describe(lang, catalogue)),
                     escape.inline(task.text(lang)), escape.inline(owner),
                     escape.inline(describe_condition(task.when, lang, policy, catalogue))])
    return _table(_head("lead-times", lang, catalogue), rows)


def vocabulary_table(policy: Policy, lang: str, catalogue: Catalogue | None = None) -> str:
    """The policy words a visit file may use, field by field."""
    catalogue = catalogue or default_catalogue()
    rows: list[list[str]] = []
    for key, tier in policy.tiers.items():
        rows.append(["`tier`", f"`{key}`", escape.inline(tier.name(lang))])
    for key, dept in policy.departments.items():
        rows.append(["`hosts[].dept`, `checklist[].owner`", f"`{key}`",
                     escape.inline(dept.name(lang))])
    for key, diet in policy.diets.items():
        rows.append(["`visitors[].diet`", f"`{key}`", escape.inline(diet.restaurant(lang))])
    for task in policy.tasks:
        rows.append(["`done`", f"`{task.id}`", escape.inline(task.text(lang))])
    return _table(_head("vocabulary", lang, catalogue), rows)


TABLES: dict[str, Callable[[Policy, str, Catalogue | None], str]] = {
    "tiers": tiers_table,
    "escorts": escorts_table,
    "lead-times": lead_times_table,
    "vocabulary": vocabulary_table,
}


def expand_markers(markdown: str, policy: Policy, lang: str,
                   catalogue: Catalogue | None = None) -> str:
    """Replace every ``<!-- policy: NAME -->`` line with its table. Unknown names raise."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in TABLES:
            raise UnknownTableError(name)
        # Blank lines around the table, so text written next to the marker stays outside it.
        return f"\n{TABLES[name](policy, lang, catalogue)}\n"

    return MARKER.sub(replace, markdown)
