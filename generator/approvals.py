"""Approvals: the warnings a visit file records as accepted (visit-file spec, "Approvals").

An approval names a check and, optionally, a schedule item (``"YYYY-MM-DD HH:MM"``, the day
and start of the item). It approves every finding of that check, or, with an item, those whose
path lies under that item (``("schedule", "<day>", index, ...)``). Only warnings can be
approved: an approval of an error leaves the error in place and says so. An approval that
matches no finding is a warning itself, saying what is open instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .checks import Finding, joined
from .models import Policy, Visit
from .models.common import Text
from .models.visit import Approval
from .models.vocabulary import default_catalogue
from .yamlload import PathKey

UNMATCHED = "approval-unmatched"
OF_ERROR = "approval-of-error"
APPROVAL_CHECKS = (UNMATCHED, OF_ERROR)
"""The checks this module runs (after every other check); the policy configures them."""

CLOSE = dt.timedelta(days=1)
"""How near an open item's time must be to an approval's to be suggested."""


@dataclass(frozen=True)
class Approved:
    """A warning and the approval that accepted it."""

    finding: Finding
    approval: Approval
    index: int  # where the approval is: approvals[index]


def item_key(path: PathKey, visit: Visit) -> str | None:
    """``"YYYY-MM-DD HH:MM"`` of the schedule item *path* lies under, or None."""
    if len(path) < 3 or path[0] != "schedule" or not isinstance(path[2], int):
        return None
    try:
        day = dt.date.fromisoformat(str(path[1]))
    except ValueError:
        return None
    items = visit.schedule.get(day, [])
    if not 0 <= path[2] < len(items):
        return None
    return f"{day} {items[path[2]].at:%H:%M}"


def _label(key: str, **values: str | Text) -> Text:
    """Catalogue message *key* in both languages (Text values taken in each)."""
    catalogue = default_catalogue()

    def one(lang: str) -> str:
        return catalogue.t(lang, key, **{k: (v(lang) if isinstance(v, Text) else v)
                                         for k, v in values.items()})

    return Text(zh=one("zh"), en=one("en"))


def _join(first: Text, second: Text) -> Text:
    return Text(zh=first.zh + second.zh, en=first.en + second.en)


def _when(key: str) -> dt.datetime:
    return dt.datetime.strptime(key, "%Y-%m-%d %H:%M")


def _nearest(wanted: str, keys: list[str]) -> str | None:
    """The key of *keys* nearest in time to *wanted*, if it is within :data:`CLOSE`."""
    if not keys:
        return None
    target = _when(wanted)
    best = min(keys, key=lambda k: (abs(_when(k) - target), k))
    return best if abs(_when(best) - target) <= CLOSE else None


def _what_is_open(approval: Approval, visit: Visit, policy: Policy,
                  findings: list[Finding]) -> Text:
    """Why *approval* matches nothing, and what of its check is open instead."""
    rule = policy.checks.get(approval.check)
    if rule is None or rule.severity == "off":
        return _label("check_approval_off")
    same = [f for f in findings if f.check == approval.check]
    if not same:
        return _label("check_approval_none")
    keys = sorted({k for f in same if (k := item_key(f.path, visit)) is not None})
    if approval.item is None or not keys:  # without item every finding would have matched
        return _label("check_approval_not_item")
    scheduled = {f"{day} {item.at:%H:%M}" for day, _, item in visit.items()}
    key = "check_approval_elsewhere" if approval.item in scheduled else \
        "check_approval_no_item"
    text = _label(key, item=approval.item, items=joined(keys))
    guess = _nearest(approval.item, keys)
    return _join(text, _label("check_approval_mean", item=guess)) if guess else text


def _matches(approval: Approval, finding: Finding, visit: Visit) -> bool:
    if finding.check != approval.check:
        return False
    return approval.item is None or item_key(finding.path, visit) == approval.item


def _switched_on(policy: Policy, check: str) -> bool:
    rule = policy.checks.get(check)
    return rule is not None and rule.severity != "off"


def apply_approvals(visit: Visit, policy: Policy,
                    findings: list[Finding]) -> tuple[list[Finding], list[Approved]]:
    """The findings still open (with the approvals' own findings after them) and the approved
    ones, each with the first approval that matched it."""
    approved: list[Approved] = []
    taken: set[int] = set()
    own: list[Finding] = []
    for index, approval in enumerate(visit.approvals):
        matched = [n for n, f in enumerate(findings) if _matches(approval, f, visit)]
        named = _label("check_approval_item", item=approval.item) if approval.item else \
            Text(zh="", en="")
        if not matched:
            own.append(Finding(UNMATCHED, ("approvals", index), {
                "check": approval.check, "item": named,
                "open": _what_is_open(approval, visit, policy, findings)}))
            continue
        rule = policy.checks.get(approval.check)
        if rule is not None and rule.severity == "error":
            own.append(Finding(OF_ERROR, ("approvals", index, "check"), {
                "check": approval.check, "item": named, "by": approval.by}))
            continue
        for n in matched:
            if n not in taken:
                taken.add(n)
                approved.append(Approved(findings[n], approval, index))
    still_open = [f for n, f in enumerate(findings) if n not in taken]
    return still_open + [f for f in own if _switched_on(policy, f.check)], approved
