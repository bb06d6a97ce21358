"""Handbook tables rendered from the policy, so the handbook and the checks share one source.

A handbook page asks for a table with a marker line of its own, e.g. ``<!-- policy: tiers -->``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import escape
from .i18n import Catalogue, country_name
from .models import Policy
from .models.policy import Condition, Task

MARKER = re.compile(r"^<!--\s*policy:\s*([a-z-]+)\s*-->\s*$", re.MULTILINE)

_HEAD = {
    "tiers": {
        "zh": ["级别", "适用客人", "接待人", "必须出席的部门", "餐费上限（每人每餐）", "住宿费用",
               "用车", "礼品"],
        "en": ["Tier", "For", "Received by", "Departments that must attend",
               "Meal cap (per person per meal)", "Hotel paid by", "Car", "Gifts"],
    },
    "escorts": {
        "zh": ["客人人数", "我方陪同人数"],
        "en": ["Guests", "Our escorts"],
    },
    "vocabulary": {
        "zh": ["字段", "可以写的词", "含义"],
        "en": ["Field", "Words you can use", "Meaning"],
    },
    "lead-times": {
        "zh": ["时间", "任务", "负责部门", "适用于"],
        "en": ["When", "Task", "Owner", "Applies to"],
    },
}
_ALWAYS = {"zh": "每次来访", "en": "every visit"}
_LABELS: dict[str, dict[str, str | dict[str, str]]] = {
    "zh": {"pickup": "需要接机", "send_off": "需要送机", "hotel": "预订了酒店",
           "gifts": "有礼品", "tour": "日程有{v}", "meal": "日程有{v}", "tiers": "{v} 级",
           "diets": "有{v}的客人", "countries": "来自{v}的客人", "relationships": "客户关系：{v}",
           "visitors_over": "来访超过 {v} 人", "hotel_paid_by": "酒店由{v}支付",
           "tour_v": {"showroom": "展厅参观", "office": "办公区参观",
                      "production-line": "生产线参观", "sightseeing": "观光"},
           "meal_v": {"breakfast": "早餐", "lunch": "午餐", "dinner": "晚餐", "banquet": "宴请"},
           "payer_v": {"guest": "客人", "company": "公司"}, "or": "、", "and": "；"},
    "en": {"pickup": "pickup wanted", "send_off": "send-off wanted", "hotel": "hotel booked",
           "gifts": "gifts listed", "tour": "a {v} on the schedule",
           "meal": "a {v} on the schedule", "tiers": "tier {v}",
           "diets": "a visitor with diet {v}", "countries": "visitors from {v}",
           "relationships": "client relationship {v}", "visitors_over": "more than {v} visitors",
           "hotel_paid_by": "hotel paid by the {v}",
           "tour_v": {"showroom": "showroom visit", "office": "office tour",
                      "production-line": "production-line tour", "sightseeing": "sightseeing"},
           "meal_v": {"breakfast": "breakfast", "lunch": "lunch", "dinner": "dinner",
                      "banquet": "banquet"},
           "payer_v": {"guest": "guest", "company": "company"}, "or": " or ", "and": "; "},
}
_PAYER = {"zh": {"guest": "客人自付", "company": "公司支付"},
          "en": {"guest": "the guest", "company": "the company"}}


class UnknownTableError(KeyError):
    """A marker names a table that does not exist."""


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = [_row(head), _row(["---"] * len(head))]
    lines.extend(_row(r) for r in rows)
    return "\n".join(lines)


def tiers_table(policy: Policy, lang: str, catalogue: Catalogue | None = None) -> str:
    del catalogue
    sep = "、" if lang == "zh" else ", "
    rows = []
    for key, tier in policy.tiers.items():
        depts = sep.join(policy.departments[d].name(lang) for d in tier.must_attend
                         if d in policy.departments)
        rows.append([
            f"**{escape.inline(key)}** {escape.inline(tier.name(lang))}",
            escape.inline(tier.guests(lang)),
            escape.inline(tier.received_by(lang)),
            escape.inline(depts),
            f"{tier.meal_cap} {escape.inline(policy.currency)}",
            _PAYER[lang][tier.hotel_paid_by],
            escape.inline(tier.car(lang)),
            escape.inline(tier.gifts(lang)),
        ])
    return _table(_HEAD["tiers"][lang], rows)


def escorts_table(policy: Policy, lang: str, catalogue: Catalogue | None = None) -> str:
    del catalogue
    rows = []
    lower = 1
    for rule in policy.escorts:
        if rule.up_to is None:
            guests = f"{lower} 人及以上" if lang == "zh" else f"{lower} or more"
        elif rule.up_to == lower:
            guests = f"{lower} 人" if lang == "zh" else f"{lower}"
        else:
            guests = f"{lower}–{rule.up_to} 人" if lang == "zh" else f"{lower}–{rule.up_to}"
        rows.append([guests, str(rule.escorts)])
        lower = (rule.up_to or lower) + 1
    return _table(_HEAD["escorts"][lang], rows)


def describe_condition(condition: Condition, lang: str, policy: Policy) -> str:
    """A task's condition in words, e.g. "a showroom visit on the schedule; tier A or B"."""
    words = _LABELS[lang]
    either = str(words["or"])
    parts: list[str] = []
    for name in ("pickup", "send_off", "hotel", "gifts"):
        value = getattr(condition, name)
        if value is True:
            parts.append(str(words[name]))
        elif value is False:
            parts.append(("不" if lang == "zh" else "no ") + str(words[name]))
    for name, vocab in (("tour", "tour_v"), ("meal", "meal_v")):
        values = getattr(condition, name)
        if values:
            labels = words[vocab]
            assert isinstance(labels, dict)
            parts.append(str(words[name]).format(v=either.join(labels[v] for v in values)))
    if condition.tiers:
        parts.append(str(words["tiers"]).format(v=either.join(condition.tiers)))
    if condition.diets:
        diets = [policy.diets[d].name(lang) if d in policy.diets else d for d in condition.diets]
        parts.append(str(words["diets"]).format(v=either.join(diets)))
    if condition.countries:
        countries = [country_name(c.upper(), lang) for c in condition.countries]
        parts.append(str(words["countries"]).format(v=either.join(countries)))
    if condition.relationships:
        parts.append(str(words["relationships"]).format(v=either.join(condition.relationships)))
    if condition.visitors_over is not None:
        parts.append(str(words["visitors_over"]).format(v=condition.visitors_over))
    if condition.hotel_paid_by is not None:
        payers = words["payer_v"]
        assert isinstance(payers, dict)
        parts.append(str(words["hotel_paid_by"]).format(v=payers[condition.hotel_paid_by]))
    return str(words["and"]).join(parts) if parts else _ALWAYS[lang]


def lead_times_table(policy: Policy, lang: str, catalogue: Catalogue | None = None) -> str:
    """Every policy task: when it is due, what it is, who owns it and when it applies."""
    del catalogue
    order = {"arrival": 0, "item": 1, "item-end": 1, "departure": 2}

    def minutes(task: Task) -> int:
        scale = {"d": 1440, "h": 60, "min": 1}[task.due.unit]
        return order[task.due.anchor] * 10**7 + task.due.amount * scale

    rows: list[list[str]] = []
    for task in sorted(policy.tasks, key=minutes):
        owner = policy.departments[task.owner].name(lang) if task.owner in policy.departments \
            else task.owner
        rows.append([escape.inline(task.due.describe(lang)), escape.inline(task.text(lang)),
                     escape.inline(owner),
                     escape.inline(describe_condition(task.when, lang, policy))])
    return _table(_HEAD["lead-times"][lang], rows)


def vocabulary_table(policy: Policy, lang: str, catalogue: Catalogue | None = None) -> str:
    """The policy words a visit file may use, field by field."""
    del catalogue
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
    return _table(_HEAD["vocabulary"][lang], rows)


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
