"""A visit's budget against its tier's caps: each kind of cap, the summary's lines and totals,
and the four budget checks with their messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import visit_data, visit_from

from generator.budget import budget_summary, limit, money
from generator.checklist import build_checklist
from generator.checks import Context, Finding, run_checks
from generator.derive import derive
from generator.models import Policy
from generator.models.policy import Cap, Tier

PARTY = {"amount": 300, "base_guests": 2, "extra_guest": 50}

# (case, cap as written in a policy, guests, our people, rooms, nights, cap, English basis)
LIMITS: list[tuple[str, Any, int, int, int, int | None, float | None, str]] = [
    ("per person counts everyone at the table", 500, 2, 2, 0, None, 2000,
     "500 CNY per person × 4"),
    ("per guest counts the visitors", {"amount": 300, "per": "visitor"}, 3, 2, 0, None, 900,
     "300 CNY per guest × 3"),
    ("a party of the base size", PARTY, 2, 1, 0, None, 300, "300 CNY for up to 2 guests"),
    ("a smaller party", PARTY, 1, 1, 0, None, 300, "300 CNY for up to 2 guests"),
    ("a party beyond the base", PARTY, 5, 2, 0, None, 450,
     "300 CNY for 2 guests + 3 more × 50 CNY"),
    ("a hotel per room and night", {"amount": 700, "per": "room"}, 3, 0, 2, 3, 4200,
     "700 CNY per room × 2 × 3 nights"),
    ("a hotel per person and night", {"amount": 400, "per": "person"}, 3, 0, 2, 1, 1200,
     "400 CNY per person × 3 × 1 night"),
    ("a hotel for a party", {"amount": 700, "base_guests": 2, "extra_guest": 300}, 3, 0, 3, 2,
     2000, "700 CNY for 2 guests + 1 more × 300 CNY × 2 nights"),
    ("actual cost", "actual", 4, 2, 0, None, None, "actual cost, approved beforehand"),
    ("no cap", None, 4, 2, 0, None, None, "no cap in the policy"),
    ("cents", 81.5, 2, 0, 0, None, 163, "81.50 CNY per person × 2"),
]


@pytest.mark.parametrize(("written", "guests", "ours", "rooms", "nights", "cap", "basis"),
                         [c[1:] for c in LIMITS], ids=[c[0] for c in LIMITS])
def test_limit(written: Any, guests: int, ours: int, rooms: int, nights: int | None,
               cap: float | None, basis: str) -> None:
    model = None if written is None else Tier.model_validate(
        {**TIER, "caps": {"hotel": written}}).caps.hotel
    found = limit(model, guests=guests, ours=ours, rooms=rooms, nights=nights, currency="CNY")
    assert (found.cap, found.basis.en) == (cap, basis)
    assert found.basis.zh and found.basis.zh != found.basis.en
    assert found.actual is (written == "actual")


def test_basis_in_chinese() -> None:
    party = Cap.model_validate({**PARTY, "per": "party"})
    assert limit(party, guests=4, currency="CNY").basis.zh == "2 位客人 300 CNY，另加 2 位 × 50 CNY"
    assert limit(Cap(amount=500), guests=1, ours=1, currency="CNY").basis.zh == \
        "每人 500 CNY × 2 人"


@pytest.mark.parametrize(("amount", "text"), [(1500, "1,500 CNY"), (401.0, "401 CNY"),
                                              (81.5, "81.50 CNY"), (0.005, "0.01 CNY")])
def test_money(amount: float, text: str) -> None:
    assert money(amount, "CNY") == text


# --- the summary of a visit -------------------------------------------------------------------

TIER: dict[str, Any] = {
    "name": {"zh": "测试", "en": "Test"}, "guests": {"zh": "客人", "en": "guests"},
    "received_by": {"zh": "经理", "en": "a manager"}, "hotel_paid_by": "company",
    "car": {"zh": "车", "en": "car"}, "gifts_allowed": True, "gifts": {"zh": "可", "en": "yes"}}


def with_tier(policy: Policy, **caps: Any) -> Policy:
    """The fixture policy with tier C replaced by one with *caps*."""
    tier = Tier.model_validate({**TIER, "caps": caps})
    return policy.model_copy(update={"tiers": {**policy.tiers, "C": tier}})


LUNCH = {"at": "12:00", "what": "Lunch", "meal": "lunch", "budget": 400}
DINNER = {"at": "18:30", "what": "Dinner", "meal": "dinner"}
TOUR = {"at": "14:00", "to": "16:00", "what": "City tour", "tour": "sightseeing", "budget": 900}
TALKS = {"at": "09:30", "to": "11:00", "what": "Talks"}
HOTEL = {"name": "Hilton", "paid_by": "company", "rate": 600, "check_in": "2026-12-08",
         "check_out": "2026-12-09"}


def test_summary_lines_and_totals(policy: Policy, tmp_path: Path) -> None:
    custom = with_tier(policy, meals={"lunch": 250, "all": 150},
                       hotel={"amount": 700, "per": "room"}, transport=500,
                       entertainment=PARTY)
    data = visit_data(items=[TALKS, LUNCH, TOUR, DINNER], hotel=HOTEL,
                      **{"arrival.budget": 300, "departure.budget": 600})
    summary = budget_summary(visit_from(data, custom, tmp_path), custom)
    rows = [(line.kind, line.label("en"), line.amount, line.cap, line.over, line.path)
            for line in summary.lines]
    day = "2026-12-08"
    assert rows == [
        ("transport", "Arrival transfer", 300, 500, False, ("arrival", "budget")),
        ("hotel", "Hilton", 600, 700, False, ("hotel", "rate")),
        ("meal", "Lunch", 400, 500, False, ("schedule", day, 1, "budget")),      # 250 × 2
        ("entertainment", "City tour", 900, 300, True, ("schedule", day, 2, "budget")),
        ("meal", "Dinner", None, 300, False, ("schedule", day, 3, "budget")),    # all: 150 × 2
        ("transport", "Departure transfer", 600, 500, True, ("departure", "budget")),
    ]
    assert summary.total == 300 + 600 + 400 + 900 + 600
    assert summary.total_cap == 500 + 700 + 500 + 300 + 300 + 500
    assert summary.currency == "CNY"
    assert [line.label("en") for line in summary.over] == ["City tour", "Departure transfer"]
    assert [line.day for line in summary.of("meal")] == [dt.date(2026, 12, 8)] * 2


@pytest.mark.parametrize(("hotel", "lines"), [
    ({**HOTEL}, 1),
    ({**HOTEL, "paid_by": "guest"}, 0),          # the guest pays: not the company's budget
    ({k: v for k, v in HOTEL.items() if k != "rate"}, 0),   # no figure
], ids=["company pays", "guest pays", "no rate"])
def test_hotel_line_only_for_a_company_paid_rate(policy: Policy, tmp_path: Path,
                                                 hotel: dict[str, Any], lines: int) -> None:
    v = visit_from(visit_data(hotel=hotel), policy, tmp_path)
    assert len(budget_summary(v, policy).of("hotel")) == lines


def test_hotel_rooms_and_nights(policy: Policy, tmp_path: Path) -> None:
    custom = with_tier(policy, hotel={"amount": 700, "per": "room"})
    data = visit_data(hotel={"name": "Hilton", "paid_by": "company", "rate": 650, "rooms": 2},
                      visitors=[{"name": "A"}, {"name": "B"}, {"name": "C"}],
                      **{"departure.at": "2026-12-11 18:00"})
    [line] = budget_summary(visit_from(data, custom, tmp_path), custom).of("hotel")
    assert (line.amount, line.cap, line.count, line.basis.en) == (
        650 * 2 * 3, 700 * 2 * 3, 2, "700 CNY per room × 2 × 3 nights")
    one_per_visitor = visit_data(hotel={**HOTEL, "rate": 500},
                                 visitors=[{"name": "A"}, {"name": "B"}])
    [line] = budget_summary(visit_from(one_per_visitor, custom, tmp_path), custom).of("hotel")
    assert (line.amount, line.cap) == (500 * 2, 700 * 2)


def test_uncapped_lines_leave_no_total_cap(policy: Policy, tmp_path: Path) -> None:
    actual = with_tier(policy, meals={"all": "actual"})
    v = visit_from(visit_data(items=[LUNCH]), actual, tmp_path)
    summary = budget_summary(v, actual)
    [line] = summary.lines
    assert (line.cap, line.over, line.basis.en) == (None, False,
                                                    "actual cost, approved beforehand")
    assert (summary.total, summary.total_cap) == (400, None)
    none = with_tier(policy)
    assert budget_summary(visit_from(visit_data(items=[LUNCH]), none, tmp_path),
                          none).lines[0].basis.en == "no cap in the policy"


def test_no_figures_no_extra_lines(policy: Policy, tmp_path: Path) -> None:
    v = visit_from(visit_data(items=[TALKS, {**TOUR, "budget": None}, DINNER]), policy,
                   tmp_path)
    summary = budget_summary(v, policy)
    assert [line.kind for line in summary.lines] == ["meal"]
    assert (summary.total, summary.total_cap) == (0, 400)


def test_facts_carry_the_budget(policy: Policy, tmp_path: Path) -> None:
    v = visit_from(visit_data(items=[LUNCH]), policy, tmp_path)
    facts = derive(v, "x", policy)
    assert facts.budget == budget_summary(v, policy)


# --- the checks -------------------------------------------------------------------------------

CAPS: dict[str, Any] = {"meals": {"lunch": 150, "dinner": PARTY},
                        "hotel": {"amount": 700, "per": "room"}, "transport": 500,
                        "entertainment": PARTY}
TWO = [{"name": "Hans", "languages": ["en"]}, {"name": "Aylin", "languages": ["en"]}]

# (check, visit that triggers it, visit that does not, expected English message)
CHECKS: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("meal-budget",  # 3 visitors and 1 host at 150 each
     visit_data(items=[{**LUNCH, "budget": 601}], visitors=[*TWO, {"name": "Li"}]),
     visit_data(items=[{**LUNCH, "budget": 600}], visitors=[*TWO, {"name": "Li"}]),
     "“Lunch” has a budget of 601 CNY, above the tier C limit of 600 CNY (150 CNY per person × 4)."
     " Lower it, or get the excess approved before the visit."),
    ("hotel-budget",
     visit_data(hotel={**HOTEL, "rate": 701}), visit_data(hotel={**HOTEL, "rate": 700}),
     "The hotel “Hilton” comes to 701 CNY, above the tier C limit of 700 CNY (700 CNY per room "
     "× 1 × 1 night). Lower hotel.rate or hotel.rooms, or get the excess approved before the "
     "visit."),
    ("transport-budget",
     visit_data(**{"departure.budget": 1001}, visitors=TWO),
     visit_data(**{"departure.budget": 1000}, visitors=TWO),
     "“Departure transfer” has a budget of 1,001 CNY, above the tier C limit of 1,000 CNY "
     "(500 CNY per person × 2). Lower its budget, or get the excess approved before the "
     "visit."),
    ("entertainment-budget",
     visit_data(items=[{**TOUR, "budget": 301}], visitors=TWO),
     visit_data(items=[{**TOUR, "budget": 300}], visitors=TWO),
     "“City tour” has a budget of 301 CNY, above the tier C limit for entertainment of 300 CNY "
     "(300 CNY for up to 2 guests). Lower it, or get the excess approved before the visit."),
]


def _findings(data: dict[str, Any], policy: Policy, tmp_path: Path) -> list[Finding]:
    v = visit_from(data, policy, tmp_path)
    return run_checks(Context(v, policy, build_checklist(v, policy), None))


@pytest.mark.parametrize(("check", "triggers", "passes", "message"), CHECKS,
                         ids=[c[0] for c in CHECKS])
def test_budget_check(policy: Policy, tmp_path: Path, check: str, triggers: dict[str, Any],
                      passes: dict[str, Any], message: str) -> None:
    custom = with_tier(policy, **CAPS)
    hit = [f for f in _findings(triggers, custom, tmp_path) if f.check == check]
    assert [f.message(custom, "en") for f in hit] == [message]
    assert hit[0].message(custom, "zh")
    assert [f for f in _findings(passes, custom, tmp_path) if f.check == check] == []


def test_budget_checks_are_configured(policy: Policy) -> None:
    for check in ("meal-budget", "hotel-budget", "transport-budget", "entertainment-budget"):
        rule = policy.checks[check]
        assert (rule.severity, rule.link) == ("warning", "guide/tiers.md")


def test_no_finding_without_a_cap(policy: Policy, tmp_path: Path) -> None:
    custom = with_tier(policy, meals={"all": "actual"})
    data = visit_data(items=[{**LUNCH, "budget": 99999}, {**TOUR, "budget": 99999}],
                      hotel={**HOTEL, "rate": 99999}, **{"arrival.budget": 99999})
    assert [f.check for f in _findings(data, custom, tmp_path) if f.check.endswith("-budget")] \
        == []


def test_meal_budget_values_include_the_basis(policy: Policy, tmp_path: Path) -> None:
    custom = with_tier(policy, **CAPS)
    dinner = {**DINNER, "budget": 500}  # a party cap: 300 for 2 guests, +50 for the third
    data = visit_data(items=[dinner], visitors=[*TWO, {"name": "Li"}])
    [hit] = [f for f in _findings(data, custom, tmp_path) if f.check == "meal-budget"]
    basis = hit.values["basis"]
    assert not isinstance(basis, str | int)
    assert basis("en") == "300 CNY for 2 guests + 1 more × 50 CNY"
    assert (hit.values["limit"], hit.values["cap"], hit.values["people"]) == ("350 CNY",
                                                                           "300 CNY", 3)
    assert hit.path == ("schedule", "2026-12-08", 0, "budget")
