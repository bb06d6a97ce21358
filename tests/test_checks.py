"""Every check: a visit that triggers it, one that does not, and the exact message."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from checking import findings, found
from conftest import ROOT, visit_from
from conftest import visit_data as visit

from generator.approvals import APPROVAL_CHECKS
from generator.checks import CHECKS, Context, run_checks
from generator.models import Policy
from generator.models.common import Text
from generator.models.policy import CheckRule

TWO_HOSTS = [{"name": "李娜", "dept": "sales", "languages": ["en"]},
             {"name": "王强", "dept": "management"}]
TWO_VISITORS = [{"name": "Hans", "languages": ["en"]}, {"name": "Aylin", "languages": ["en"]}]
LINE = {"at": "15:00", "to": "16:00", "what": "Line tour", "tour": "production-line",
        "with": ["李娜"]}

# (check id, visit that triggers it, visit that does not, expected English message)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("dealer-unsigned-line",
     visit(**{"client.relationship": "dealer-unsigned"}, items=[LINE]),
     visit(**{"client.relationship": "dealer"}, items=[LINE]),
     "“Line tour” is a production-line tour, but the client is a dealer without a signed "
     "contract, who may not see the production line. Make it a showroom visit or show the line "
     "video instead."),
    ("line-escort-missing",
     visit(items=[{**LINE, "with": []}]), visit(items=[LINE]),
     "The production-line tour “Line tour” names no escort: list who goes with them in with."),
    ("hosts-fewer-than-visitors",
     visit(visitors=TWO_VISITORS), visit(visitors=TWO_VISITORS, hosts=TWO_HOSTS),
     "1 hosts for 2 visitors: we should be at least as many as they are. Add hosts."),
    ("tier-attendance",
     visit(tier="A"), visit(tier="A", hosts=TWO_HOSTS),
     "A tier A visit needs someone from: Management. Add them to hosts."),
    ("tier-suggested",
     visit(**{"client.relationship": "government"}, tier="C", hosts=TWO_HOSTS),
     visit(**{"client.relationship": "government"}, tier="A", hosts=TWO_HOSTS),
     "A “government” client is usually received at tier A, but this visit is tier C. Check "
     "the tier."),
    ("meal-escorts",
     visit(visitors=[{"name": f"V{i}"} for i in range(6)],
           hosts=[*TWO_HOSTS, *({"name": f"H{i}", "dept": "sales"} for i in range(4))],
           items=[{"at": "12:00", "what": "Lunch", "meal": "lunch", "with": ["李娜"]}]),
     visit(visitors=[{"name": f"V{i}"} for i in range(6)],
           hosts=[*TWO_HOSTS, *({"name": f"H{i}", "dept": "sales"} for i in range(4))],
           items=[{"at": "12:00", "what": "Lunch", "meal": "lunch", "with": ["李娜", "王强"]}]),
     "“Lunch”: 6 guests need at least 2 of our people, but only 1 are listed. Add hosts to "
     "with."),
    ("meal-budget",
     visit(items=[{"at": "12:00", "what": "Lunch", "meal": "lunch", "budget": 401}]),
     visit(items=[{"at": "12:00", "what": "Lunch", "meal": "lunch", "budget": 400}]),
     "“Lunch” has a budget of 401 CNY, above the tier C limit of 400 CNY (200 CNY per person × 2)."
     " Lower it, or get the excess approved before the visit."),
    ("hotel-payer",
     visit(hotel={"name": "Hilton", "paid_by": "company"}),
     visit(hotel={"name": "Hilton", "paid_by": "guest"}),
     "At tier C guests pay their own hotel, but this visit says the company pays. Change to "
     "paid_by: guest, or get approval first."),
    ("hotel-risk-country",
     visit(**{"client.country": "RU"}, tier="A", hosts=TWO_HOSTS,
           hotel={"name": "Hilton", "paid_by": "company"}),
     visit(**{"client.country": "DE"}, tier="A", hosts=TWO_HOSTS,
           hotel={"name": "Hilton", "paid_by": "company"}),
     "The company pays the hotel for guests from Russian Federation: some clients have seen a "
     "host-paid room as a bribe. Ask about their company's rules first."),
    ("gifts-not-allowed",
     visit(tier="D", gifts=["Tea"]), visit(tier="C", gifts=["Tea"]),
     "Tier D visits get no gifts, but gifts are listed. Remove them, or get a leader's "
     "approval first."),
    ("interpreter-needed",
     visit(visitors=[{"name": "Irina", "languages": ["ru"]}]),
     visit(visitors=[{"name": "Irina", "languages": ["ru", "en"]}]),
     "The visit (no schedule items yet, so the owner alone): our people there (Li Na) share no "
     "language with Irina (Russian). Have someone who speaks one of their languages there (in "
     "the item's with), or book an interpreter (a host with interpreter: true and the language "
     "in languages)."),
    ("schedule-overlap",
     visit(items=[{"at": "14:00", "to": "15:30", "what": "Talks"},
                  {"at": "15:00", "what": "Tour"}]),
     visit(items=[{"at": "14:00", "to": "15:00", "what": "Talks"},
                  {"at": "15:00", "what": "Tour"}]),
     "“Tour” (15:00) starts before “Talks” ends (15:30). Adjust the times."),
    ("schedule-outside-visit",
     visit(items=[{"at": "07:00", "to": "08:00", "what": "Breakfast talk"}]),
     visit(items=[{"at": "09:00", "to": "10:00", "what": "Pickup"}]),
     "“Breakfast talk” is at 2026-12-08 07:00, outside the visit from arrival "
     "(2026-12-08 09:30) to departure (2026-12-09 18:00). Check the date and time."),
]


@pytest.mark.parametrize(("check", "triggers", "passes", "message"), CASES,
                         ids=[c[0] for c in CASES])
def test_check(policy: Policy, tmp_path: Path, check: str, triggers: dict[str, Any],
               passes: dict[str, Any], message: str) -> None:
    hit = [f for f in findings(triggers, policy, tmp_path) if f.check == check]
    assert [f.message(policy, "en") for f in hit] == [message]
    assert hit[0].message(policy, "zh")  # a Chinese message exists and formats
    assert [f for f in findings(passes, policy, tmp_path) if f.check == check] == []


def test_lead_time_missed(policy: Policy, tmp_path: Path) -> None:
    early = findings(visit(), policy, tmp_path, added=dt.date(2026, 11, 1))
    assert [f for f in early if f.check == "lead-time-missed"] == []
    late = [f for f in findings(visit(), policy, tmp_path, added=dt.date(2026, 12, 7))
            if f.check == "lead-time-missed"]
    assert [f.message(policy, "en") for f in late] == [
        "This file was added on 2026-12-07, after these tasks were due: itinerary-to-admin, "
        "reception-plan. Do them now, or agree a plan with their owners."]
    done = visit(done=["itinerary-to-admin", "reception-plan"])
    assert [f for f in findings(done, policy, tmp_path, added=dt.date(2026, 12, 7))
            if f.check == "lead-time-missed"] == []


# Checks whose table lives in another test module, and the one kept for old policies only.
TESTED_ELSEWHERE = {"hotel-budget": "test_budget.py", "transport-budget": "test_budget.py",
                    "entertainment-budget": "test_budget.py",
                    "pickup-schedule": "test_coordinator_checks.py",
                    "send-off-late": "test_coordinator_checks.py",
                    "send-off-schedule": "test_coordinator_checks.py",
                    "meal-diet-note": "test_coordinator_checks.py",
                    "ramadan-daylight-meal": "test_coordinator_checks.py",
                    "approval-unmatched": "test_approvals.py",
                    "approval-of-error": "test_approvals.py"}
DEPRECATED = {"banquet-diet-note"}  # meal-diet-note replaces it; see test_banquet_diet_note


def test_every_check_is_tested_and_configured(policy: Policy) -> None:
    tested = ({c[0] for c in CASES} | {row[1] for row in STAFFING} | {"lead-time-missed"}
              | set(TESTED_ELSEWHERE) | DEPRECATED)
    assert tested == set(CHECKS) | set(APPROVAL_CHECKS)
    for check, module in TESTED_ELSEWHERE.items():
        assert f'"{check}"' in (ROOT / "tests" / module).read_text(encoding="utf-8"), check
    assert set(policy.checks) == (set(CHECKS) | set(APPROVAL_CHECKS)) - DEPRECATED


def test_severity_comes_from_policy(policy: Policy, tmp_path: Path) -> None:
    data = visit(visitors=[{"name": "Irina", "languages": ["ru"]}])
    off = policy.model_copy(update={"checks": {
        **policy.checks,
        "interpreter-needed": policy.checks["interpreter-needed"].model_copy(
            update={"severity": "off"})}})
    v = visit_from(data, policy, tmp_path)
    assert [f.check for f in run_checks(Context(v, off, [], None))
            if f.check == "interpreter-needed"] == []


# --- per-item staffing: who attends an item is its with, else the owner ----------------------

LI = {"name": "李娜", "dept": "sales", "languages": ["en"]}          # the owner
WANG = {"name": "王强", "dept": "management"}                       # Chinese only
GAO = {"name": "高娃", "dept": "sales", "languages": ["ru"], "interpreter": True}
IRINA = {"name": "Irina", "languages": ["ru"]}
AHMED = {"name": "Ahmed", "languages": ["ar"]}
STAFF = [LI, WANG, GAO]
GUESTS_6 = [{"name": f"V{i}"} for i in range(6)]                  # the escorts table: 2
HOSTS_6 = [LI, WANG, *({"name": f"H{i}", "dept": "sales"} for i in range(4))]


def item(at: str, what: str, *with_: str, **more: Any) -> dict[str, Any]:
    return {"at": at, "what": what, **({"with": list(with_)} if with_ else {}), **more}


def lunch(*with_: str) -> dict[str, Any]:
    return item("12:00", "Lunch", *with_, meal="lunch")


NO_SHARED = ("Have someone who speaks one of their languages there (in the item's with), or "
             "book an interpreter (a host with interpreter: true and the language in "
             "languages).")
UNUSED = ("Gao Wa is an interpreter (interpreter: true) but is on no schedule item: add them to "
          "the with of the items where guests need them, or remove interpreter: true.")


def excess(escorts: int, guests: int, needed: int, most: int, factor: str = "2") -> str:
    return (f"“Lunch” has {escorts} of our people for {guests} guests, where the policy asks for "
            f"{needed}: more than {most} ({factor} times that). Thrift principle: not too many "
            "hosts at a meal. Take people off the item's with, or record an approval in "
            "approvals.")


# (case, check, visit, check_settings changed, expected (field, English message) findings)
STAFFING: list[tuple[str, str, dict[str, Any], dict[str, Any] | None, list[tuple[str, str]]]] = [
    ("interpreter-item-with-fires", "interpreter-needed",
     visit(visitors=[IRINA], hosts=STAFF, items=[item("10:00", "Talks", "王强")]), None,
     [("schedule.2026-12-08[0].with", "“Talks” (2026-12-08 10:00): our people there (Wang "
       "Qiang) share no language with Irina (Russian). " + NO_SHARED)]),
    ("interpreter-on-item-covers", "interpreter-needed",
     visit(visitors=[IRINA], hosts=STAFF, items=[item("10:00", "Talks", "王强", "高娃")]),
     None, []),
    # The old rule asked whether any host spoke Russian: 高娃 does, but is not at this item.
    ("interpreter-item-without-with-is-the-owner", "interpreter-needed",
     visit(visitors=[IRINA], hosts=STAFF, items=[item("10:00", "Talks")]), None,
     [("schedule.2026-12-08[0]", "“Talks” (2026-12-08 10:00): our people there (Li Na) share "
       "no language with Irina (Russian). " + NO_SHARED)]),
    ("interpreter-only-the-uncovered-item", "interpreter-needed",
     visit(visitors=[IRINA], hosts=STAFF,
           items=[item("10:00", "Talks", "李娜", "高娃"), item("14:00", "Tour", "李娜")]), None,
     [("schedule.2026-12-08[1].with", "“Tour” (2026-12-08 14:00): our people there (Li Na) "
       "share no language with Irina (Russian). " + NO_SHARED)]),
    ("interpreter-guests-of-one-item-together", "interpreter-needed",
     visit(visitors=[IRINA, AHMED, {"name": "Hans", "languages": ["de", "en"]}], hosts=STAFF,
           items=[item("10:00", "Talks", "李娜", "王强")]), None,
     [("schedule.2026-12-08[0].with", "“Talks” (2026-12-08 10:00): our people there (Li Na, "
       "Wang Qiang) share no language with Irina (Russian), Ahmed (Arabic). " + NO_SHARED)]),
    ("interpreter-guest-speaks-chinese", "interpreter-needed",
     visit(visitors=[{"name": "Kevin", "languages": ["id", "zh"]}], hosts=STAFF,
           items=[item("10:00", "Talks", "王强")]), None, []),
    ("interpreter-guest-languages-unknown", "interpreter-needed",
     visit(visitors=[{"name": "Kevin"}], hosts=STAFF, items=[item("10:00", "Talks", "王强")]),
     None, []),
    ("interpreter-no-schedule-owner-speaks", "interpreter-needed",
     visit(visitors=[IRINA], hosts=[{**LI, "languages": ["en", "ru"]}]), None, []),

    ("interpreter-unused-fires", "interpreter-unused",
     visit(hosts=STAFF, items=[item("10:00", "Talks", "李娜")]), None,
     [("hosts[2].interpreter", UNUSED)]),
    ("interpreter-unused-on-an-item", "interpreter-unused",
     visit(hosts=STAFF, items=[item("10:00", "Talks", "李娜"), item("14:00", "Tour", "高娃")]),
     None, []),
    ("interpreter-unused-owner-attends-items-without-with", "interpreter-unused",
     visit(owner="高娃", hosts=STAFF, items=[item("10:00", "Talks")]), None, []),
    ("interpreter-unused-not-judged-without-schedule", "interpreter-unused",
     visit(hosts=STAFF), None, []),

    ("meal-escorts-item-with", "meal-escorts",
     visit(visitors=GUESTS_6, hosts=HOSTS_6, items=[lunch("李娜")]), None,
     [("schedule.2026-12-08[0].with", "“Lunch”: 6 guests need at least 2 of our people, but "
       "only 1 are listed. Add hosts to with.")]),
    ("meal-escorts-boundary", "meal-escorts",
     visit(visitors=GUESTS_6, hosts=HOSTS_6, items=[lunch("李娜", "王强")]), None, []),
    # Six hosts on the visit, but an item without with is the owner's alone.
    ("meal-escorts-without-with-counts-the-owner", "meal-escorts",
     visit(visitors=GUESTS_6, hosts=HOSTS_6, items=[lunch()]), None,
     [("schedule.2026-12-08[0].with", "“Lunch”: 6 guests need at least 2 of our people, but "
       "only 1 are listed. Add hosts to with.")]),
    ("meal-escorts-four-guests-need-one", "meal-escorts",
     visit(visitors=GUESTS_6[:4], hosts=HOSTS_6, items=[lunch()]), None, []),

    ("escorts-excess-fires", "escorts-excess",
     visit(hosts=STAFF, items=[lunch("李娜", "王强", "高娃")]), None,
     [("schedule.2026-12-08[0].with", excess(3, 1, 1, 2))]),
    ("escorts-excess-boundary", "escorts-excess",
     visit(hosts=STAFF, items=[lunch("李娜", "王强")]), None, []),
    ("escorts-excess-six-guests", "escorts-excess",
     visit(visitors=GUESTS_6, hosts=HOSTS_6, items=[lunch("李娜", "王强", "H0", "H1", "H2")]),
     None, [("schedule.2026-12-08[0].with", excess(5, 6, 2, 4))]),
    ("escorts-excess-six-guests-boundary", "escorts-excess",
     visit(visitors=GUESTS_6, hosts=HOSTS_6, items=[lunch("李娜", "王强", "H0", "H1")]),
     None, []),
    ("escorts-excess-factor-from-settings", "escorts-excess",
     visit(hosts=STAFF, items=[lunch("李娜", "王强", "高娃")]),
     {"escorts_excess_factor": 3}, []),
    ("escorts-excess-fractional-factor", "escorts-excess",
     visit(visitors=GUESTS_6, hosts=HOSTS_6, items=[lunch("李娜", "王强", "H0", "H1")]),
     {"escorts_excess_factor": 1.5}, [("schedule.2026-12-08[0].with", excess(4, 6, 2, 3, "1.5"))]),
    ("escorts-excess-not-a-meal", "escorts-excess",
     visit(hosts=STAFF, items=[item("10:00", "Talks", "李娜", "王强", "高娃")]), None, []),
]


@pytest.mark.parametrize(("check", "data", "settings", "expected"),
                         [row[1:] for row in STAFFING], ids=[row[0] for row in STAFFING])
def test_staffing(policy: Policy, tmp_path: Path, check: str, data: dict[str, Any],
                  settings: dict[str, Any] | None, expected: list[tuple[str, str]]) -> None:
    assert found(data, policy, tmp_path, check, settings) == expected


def test_banquet_diet_note_for_old_policies(policy: Policy, tmp_path: Path) -> None:
    """A first-edition policy configures banquet-diet-note (banquets without any note) and no
    meal-diet-note; it keeps working. Where both are on, meal-diet-note alone reports."""
    rule = CheckRule(severity="warning", link="countries/muslim-guests.md", message=Text(
        zh="宴请“{item}”有 {diets} 客人，但没有备注。",
        en="The banquet “{item}” has guests who need {diets} food but no note."))
    old = {k: v for k, v in policy.checks.items() if k != "meal-diet-note"}
    first_edition = policy.model_copy(update={"checks": {**old, "banquet-diet-note": rule}})
    halal = [{"name": "Aylin", "diet": ["halal"]}]
    banquet = {"at": "18:30", "what": "Banquet", "meal": "banquet"}
    cases = [
        (visit(visitors=halal, items=[banquet]), first_edition,
         ["The banquet “Banquet” has guests who need halal food but no note."]),
        (visit(visitors=halal, items=[{**banquet, "notes": "Agreed with the restaurant."}]),
         first_edition, []),
        (visit(visitors=halal, items=[{**banquet, "meal": "lunch"}]), first_edition, []),
        (visit(items=[banquet]), first_edition, []),
        (visit(visitors=halal, items=[banquet]),
         policy.model_copy(update={"checks": {**policy.checks, "banquet-diet-note": rule}}), []),
    ]
    for data, judged, expected in cases:
        v = visit_from(data, policy, tmp_path)
        assert [f.message(judged, "en") for f in run_checks(Context(v, judged, [], None))
                if f.check == "banquet-diet-note"] == expected
