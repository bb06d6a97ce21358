"""Handbook tables rendered from the policy, so the handbook and the checks share one source.

A handbook page asks for a table with a marker line of its own, e.g. ``<!-- policy: tiers -->``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import escape
from .i18n import Catalogue
from .models import Policy

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


TABLES: dict[str, Callable[[Policy, str, Catalogue | None], str]] = {
    "tiers": tiers_table,
    "escorts": escorts_table,
}


def expand_markers(markdown: str, policy: Policy, lang: str,
                   catalogue: Catalogue | None = None) -> str:
    """Replace every ``<!-- policy: NAME -->`` line with its table. Unknown names raise."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in TABLES:
            raise UnknownTableError(name)
        return TABLES[name](policy, lang, catalogue)

    return MARKER.sub(replace, markdown)
