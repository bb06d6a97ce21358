"""Derived checklists: every task condition, due-time arithmetic, phases, done and overdue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY, visit_from
from conftest import visit_data as visit_with

from generator.checklist import Phase, applies, build_checklist
from generator.models import Policy
from generator.models.policy import Condition, Task

SHOWROOM = {"at": "14:00", "to": "15:00", "what": "Showroom", "tour": "showroom"}
LINE = {"at": "15:00", "to": "16:00", "what": "Line tour", "tour": "production-line",
        "with": ["李娜"]}
LUNCH = {"at": "12:00", "to": "13:00", "what": "Lunch", "meal": "lunch"}
BANQUET = {"at": "18:30", "to": "20:30", "what": "Banquet", "meal": "banquet",
           "notes": "Halal menu agreed."}




HOTEL = {"name": "Hilton", "paid_by": "guest"}
# (condition, visit that meets it, visit that does not)
CONDITIONS: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    ("pickup", {"pickup": True}, visit_with(**{"arrival.pickup": True}), visit_with()),
    ("send_off", {"send_off": True}, visit_with(**{"departure.send_off": True}), visit_with()),
    ("hotel", {"hotel": True}, visit_with(hotel=HOTEL), visit_with()),
    ("hotel_paid_by", {"hotel_paid_by": "company"},
     visit_with(hotel={**HOTEL, "paid_by": "company"}), visit_with(hotel=HOTEL)),
    ("gifts", {"gifts": True}, visit_with(gifts=["Tea"]), visit_with()),
    ("tour", {"tour": ["production-line"]}, visit_with(items=[LINE]),
     visit_with(items=[SHOWROOM])),
    ("meal", {"meal": ["banquet"]}, visit_with(items=[BANQUET]), visit_with(items=[LUNCH])),
    ("tiers", {"tiers": ["A", "B"]}, visit_with(tier="B"), visit_with(tier="C")),
    ("diets", {"diets": ["halal"]},
     visit_with(visitors=[{"name": "Aylin", "diet": ["halal"]}]), visit_with()),
    ("countries", {"countries": ["RU"]}, visit_with(**{"client.country": "RU"}), visit_with()),
    ("relationships", {"relationships": ["government"]},
     visit_with(**{"client.relationship": "government"}), visit_with()),
    ("visitors_over", {"visitors_over": 1},
     visit_with(visitors=[{"name": "A"}, {"name": "B"}]), visit_with()),
]


@pytest.mark.parametrize(("condition", "meets", "misses"),
                         [c[1:] for c in CONDITIONS], ids=[c[0] for c in CONDITIONS])
def test_condition(policy: Policy, tmp_path: Path, condition: dict[str, Any],
                   meets: dict[str, Any], misses: dict[str, Any]) -> None:
    cond = Condition.model_validate(condition)
    assert applies(visit_from(meets, policy, tmp_path), cond)
    assert not applies(visit_from(misses, policy, tmp_path), cond)


def test_every_condition_field_is_covered() -> None:
    assert {c[0] for c in CONDITIONS} == set(Condition.model_fields)


def _policy_with(policy: Policy, *tasks: dict[str, Any]) -> Policy:
    return policy.model_copy(update={"tasks": [Task.model_validate(t) for t in tasks]})


TEXT = {"zh": "任务", "en": "Task"}


@pytest.mark.parametrize(("due", "expected", "phase"), [
    ("arrival -5d", dt.datetime(2026, 12, 3, 18, 0), Phase.BEFORE),
    ("arrival -30min", dt.datetime(2026, 12, 8, 9, 0), Phase.BEFORE),
    ("arrival", dt.datetime(2026, 12, 8, 9, 30), Phase.DURING),
    ("departure +2d", dt.datetime(2026, 12, 11, 18, 0), Phase.AFTER),
    ("departure -1h", dt.datetime(2026, 12, 9, 17, 0), Phase.DURING),
])
def test_due_times(policy: Policy, tmp_path: Path, due: str, expected: dt.datetime,
                   phase: Phase) -> None:
    custom = _policy_with(policy, {"id": "t", "text": TEXT, "owner": "admin", "due": due})
    [entry] = build_checklist(visit_from(visit_with(), policy, tmp_path), custom)
    assert (entry.due, entry.phase) == (expected, phase)


def test_item_tasks_are_created_per_matching_item(policy: Policy, tmp_path: Path) -> None:
    custom = _policy_with(policy, {"id": "lights", "text": TEXT, "owner": "admin",
                                   "due": "item -3min", "when": {"tour": ["showroom"]}})
    second = {**SHOWROOM, "at": "16:00", "to": "17:00"}
    visit = visit_from(visit_with(items=[SHOWROOM, LINE, second]), policy, tmp_path)
    entries = build_checklist(visit, custom)
    assert [(e.due.time(), e.item.what("en") if e.item else None) for e in entries] == [
        (dt.time(13, 57), "Showroom"), (dt.time(15, 57), "Showroom")]


def test_done_ticks_policy_tasks_and_own_items(policy: Policy, tmp_path: Path) -> None:
    data = visit_with(done=["visit-report"], checklist=[
        {"task": "Print", "owner": "sales", "due": "-2d", "done": True},
        {"task": "Call", "owner": "sales", "due": "2026-11-20"}])
    entries = {e.key: e for e in build_checklist(visit_from(data, policy, tmp_path), policy)}
    assert entries["visit-report"].done
    assert not entries["thank-you-mail"].done
    assert entries["checklist[0]"].done and entries["checklist[0]"].manual
    assert entries["checklist[0]"].due == dt.datetime(2026, 12, 6, 18, 0)
    assert entries["checklist[1]"].overdue(TODAY)
    assert not entries["checklist[0]"].overdue(TODAY)  # done is never overdue


def test_shipped_policy_names_the_seed_tasks(policy: Policy) -> None:
    ids = {t.id for t in policy.tasks}
    assert {"showroom-dressing", "itinerary-to-admin", "gift-request", "gift-handover",
            "management-attendance", "factory-cleaning", "route-walk", "arrangement-sheet",
            "confirm-arrival", "brief-driver", "sales-materials", "drinks-fruit", "pickup-call",
            "showroom-air", "showroom-lights", "welcome-screen", "photographer",
            "thank-you-mail", "follow-up-call", "visit-report", "client-archive"} <= ids
    for task in policy.tasks:
        assert task.owner in policy.departments, task.id
        assert task.link, task.id
