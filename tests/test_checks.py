"""Every check: a visit that triggers it, one that does not, and the exact message."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import visit_data as visit
from conftest import visit_from

from generator.checklist import build_checklist
from generator.checks import CHECKS, Context, Finding, run_checks
from generator.models import Policy

D1 = dt.date(2026, 12, 8)




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
     "“Lunch” has a budget of 401 CNY, above the tier C limit of 400 CNY (2 people × 200 CNY)."
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
     "Irina speaks only Russian, which none of the hosts speaks: book an interpreter, or list "
     "a host who speaks it (languages)."),
    ("banquet-diet-note",
     visit(visitors=[{"name": "Aylin", "diet": ["halal"]}],
           items=[{"at": "18:30", "what": "Banquet", "meal": "banquet"}]),
     visit(visitors=[{"name": "Aylin", "diet": ["halal"]}],
           items=[{"at": "18:30", "what": "Banquet", "meal": "banquet",
                   "notes": "Halal menu agreed with the restaurant."}]),
     "The banquet “Banquet” has guests who need halal food but no note: say in the item's "
     "notes how the restaurant will handle it."),
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


def findings(data: dict[str, Any], policy: Policy, tmp_path: Path,
             added: dt.date | None = None) -> list[Finding]:
    v = visit_from(data, policy, tmp_path)
    return run_checks(Context(v, policy, build_checklist(v, policy), added))


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
        "This file was added on 2026-12-07, after these tasks were due: itinerary-to-admin. "
        "Do them now, or agree a plan with their owners."]
    done = visit(done=["itinerary-to-admin"])
    assert [f for f in findings(done, policy, tmp_path, added=dt.date(2026, 12, 7))
            if f.check == "lead-time-missed"] == []


def test_every_check_is_tested_and_configured(policy: Policy) -> None:
    tested = {c[0] for c in CASES} | {"lead-time-missed"}
    assert tested == set(CHECKS)
    assert set(policy.checks) == set(CHECKS)


def test_severity_comes_from_policy(policy: Policy, tmp_path: Path) -> None:
    data = visit(visitors=[{"name": "Irina", "languages": ["ru"]}])
    off = policy.model_copy(update={"checks": {
        **policy.checks,
        "interpreter-needed": policy.checks["interpreter-needed"].model_copy(
            update={"severity": "off"})}})
    v = visit_from(data, policy, tmp_path)
    assert [f.check for f in run_checks(Context(v, off, [], None))
            if f.check == "interpreter-needed"] == []
