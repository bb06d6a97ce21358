"""Working days: weekends, China's holidays and make-up working days, the policy's own days,
and the checklist tasks that move off a day off (and those that do not)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import visit_data, visit_from

from generator.checklist import build_checklist
from generator.models import Policy
from generator.models.policy import Task, WorkingDays
from generator.workdays import Workdays, is_working_day, previous_working_day

D = dt.date
CN: dict[str, Any] = {"weekend": ["sat", "sun"], "holidays": {"country": "CN"}}

# (case, working_days, day, is it a working day, the working day on or before it)
DAYS: list[tuple[str, dict[str, Any] | None, dt.date, bool, dt.date]] = [
    ("weekday", CN, D(2026, 12, 9), True, D(2026, 12, 9)),
    ("saturday to friday", CN, D(2026, 12, 12), False, D(2026, 12, 11)),
    ("sunday to friday", CN, D(2026, 12, 13), False, D(2026, 12, 11)),
    # National Day 2026: 1–7 October off (5 October is the day in lieu of the 3rd, a Saturday).
    ("national day week to the last working day before it", CN, D(2026, 10, 5), False,
     D(2026, 9, 30)),
    # Spring Festival 2026: 15–23 February off; Saturday 14 February is worked instead.
    ("spring festival to the make-up saturday before it", CN, D(2026, 2, 18), False,
     D(2026, 2, 14)),
    ("make-up saturday stays", CN, D(2026, 10, 10), True, D(2026, 10, 10)),
    ("make-up sunday stays", CN, D(2026, 9, 20), True, D(2026, 9, 20)),
    ("new year's day", CN, D(2027, 1, 1), False, D(2026, 12, 31)),
    ("policy day off wins over a weekday",
     {**CN, "extra_days_off": [D(2026, 12, 31)]}, D(2026, 12, 31), False, D(2026, 12, 30)),
    ("policy working day wins over a weekend",
     {**CN, "extra_working_days": [D(2026, 12, 12)]}, D(2026, 12, 12), True, D(2026, 12, 12)),
    ("policy working day wins over a holiday",
     {**CN, "extra_working_days": [D(2026, 10, 5)]}, D(2026, 10, 5), True, D(2026, 10, 5)),
    ("policy day off wins over a make-up day",
     {**CN, "extra_days_off": [D(2026, 10, 10)]}, D(2026, 10, 10), False, D(2026, 10, 9)),
    ("a one-day weekend: saturday works", {"weekend": ["sun"]}, D(2026, 12, 12), True,
     D(2026, 12, 12)),
    ("a one-day weekend: sunday to saturday", {"weekend": ["sun"]}, D(2026, 12, 13), False,
     D(2026, 12, 12)),
    ("without holidays a holiday is a weekday", {"weekend": ["sat", "sun"]}, D(2026, 10, 5),
     True, D(2026, 10, 5)),
    ("no working_days: every day works", None, D(2026, 12, 13), True, D(2026, 12, 13)),
]


@pytest.mark.parametrize(("rules", "day", "working", "on_or_before"),
                         [c[1:] for c in DAYS], ids=[c[0] for c in DAYS])
def test_working_days(rules: dict[str, Any] | None, day: dt.date, working: bool,
                      on_or_before: dt.date) -> None:
    model = None if rules is None else WorkingDays.model_validate(rules)
    days = Workdays(model)
    assert days.is_working_day(day) is working
    assert is_working_day(model, day) is working
    assert days.on_or_before(day) == on_or_before
    previous = previous_working_day(model, day)
    assert previous < day and days.is_working_day(previous)
    assert all(not days.is_working_day(day - dt.timedelta(n))
               for n in range(1, (day - previous).days))


def test_next_working_day_skips_the_holiday_week() -> None:
    days = Workdays(WorkingDays.model_validate(CN))
    assert days.next_working_day(D(2026, 9, 30)) == D(2026, 10, 8)


# --- the checklist ----------------------------------------------------------------------------

TEXT = {"zh": "任务", "en": "Task"}
T = dt.datetime


def _policy(policy: Policy, due: str, rules: dict[str, Any] | None = CN,
            **task: Any) -> Policy:
    return policy.model_copy(update={
        "working_days": None if rules is None else WorkingDays.model_validate(rules),
        "tasks": [Task.model_validate({"id": "t", "text": TEXT, "owner": "admin", "due": due,
                                       **task})]})


def _visit(arrival: str, departure: str, **changes: Any) -> dict[str, Any]:
    return visit_data(**{"arrival.at": arrival, "departure.at": departure}, **changes)


MONDAY = ("2026-12-14 09:30", "2026-12-16 18:00")
SATURDAY = ("2026-12-12 10:00", "2026-12-14 18:00")
ITEM = {"at": "11:00", "to": "12:00", "what": "Showroom", "tour": "showroom"}

# (case, due, task options, working_days, arrival and departure, expected due, moved from)
TASKS: list[tuple[str, str, dict[str, Any], dict[str, Any] | None, tuple[str, str],
                  dt.datetime, dt.datetime | None]] = [
    ("saturday to friday", "arrival -2d", {}, CN, MONDAY, T(2026, 12, 11, 18), T(2026, 12, 12, 18)),
    ("sunday to friday", "arrival -1d", {}, CN, MONDAY, T(2026, 12, 11, 18), T(2026, 12, 13, 18)),
    ("a working day stays", "arrival -3d", {}, CN, MONDAY, T(2026, 12, 11, 18), None),
    ("holiday week to the last working day before it", "arrival -3d", {}, CN,
     ("2026-10-08 09:30", "2026-10-09 18:00"), T(2026, 9, 30, 18), T(2026, 10, 5, 18)),
    ("make-up saturday stays", "arrival -2d", {}, CN, ("2026-10-12 09:30", "2026-10-13 18:00"),
     T(2026, 10, 10, 18), None),
    ("policy working day wins", "arrival -2d", {}, {**CN, "extra_working_days": ["2026-12-12"]},
     MONDAY, T(2026, 12, 12, 18), None),
    ("policy day off wins", "arrival -3d", {}, {**CN, "extra_days_off": ["2026-12-11"]}, MONDAY,
     T(2026, 12, 10, 18), T(2026, 12, 11, 18)),
    ("no working_days: nothing moves", "arrival -2d", {}, None, MONDAY, T(2026, 12, 12, 18),
     None),
    ("minutes are not moved", "arrival -30min", {}, CN, SATURDAY, T(2026, 12, 12, 9, 30), None),
    ("hours are not moved", "departure -2h", {}, CN, ("2026-12-10 10:00", "2026-12-13 15:00"),
     T(2026, 12, 13, 13), None),
    ("the anchor itself is not moved", "arrival", {}, CN, SATURDAY, T(2026, 12, 12, 10), None),
    ("an item's day offset moves", "item -1d", {"when": {"tour": ["showroom"]}}, CN,
     ("2026-12-07 09:30", "2026-12-09 18:00"), T(2026, 12, 4, 18), T(2026, 12, 6, 18)),
    ("an item's hour offset is not moved", "item -1h", {"when": {"tour": ["showroom"]}}, CN,
     SATURDAY, T(2026, 12, 12, 9), None),
    # Departure on Friday at 10:00: Saturday 18:00 moves back to Friday 18:00, still after it.
    ("after departure: earlier, still after it", "departure +1d", {}, CN,
     ("2026-12-09 09:30", "2026-12-11 10:00"), T(2026, 12, 11, 18), T(2026, 12, 12, 18)),
    # Departure on Friday at 19:00: Friday 18:00 would be before it, so Monday.
    ("after departure: never before it", "departure +1d", {}, CN,
     ("2026-12-09 09:30", "2026-12-11 19:00"), T(2026, 12, 14, 18), T(2026, 12, 12, 18)),
    ("on_day_off later: the next working day", "departure +1d", {"on_day_off": "later"}, CN,
     ("2026-12-09 09:30", "2026-12-11 10:00"), T(2026, 12, 14, 18), T(2026, 12, 12, 18)),
    # Arrival on Monday at 09:30: Sunday's task moved later would be after it, so Friday.
    ("on_day_off later: never past the arrival", "arrival -1d", {"on_day_off": "later"}, CN,
     MONDAY, T(2026, 12, 11, 18), T(2026, 12, 13, 18)),
]


@pytest.mark.parametrize(("due", "task", "rules", "times", "expected", "moved_from"),
                         [c[1:] for c in TASKS], ids=[c[0] for c in TASKS])
def test_policy_task_moves_off_days_off(policy: Policy, tmp_path: Path, due: str,
                                        task: dict[str, Any], rules: dict[str, Any] | None,
                                        times: tuple[str, str], expected: dt.datetime,
                                        moved_from: dt.datetime | None) -> None:
    arrival, departure = times
    item_day = dt.date.fromisoformat(arrival[:10])
    data = _visit(arrival, departure, schedule={item_day: [{**ITEM, "at": arrival[11:]}]})
    visit = visit_from(data, policy, tmp_path)
    [entry] = build_checklist(visit, _policy(policy, due, rules, **task))
    assert (entry.due, entry.moved_from) == (expected, moved_from)


@pytest.mark.parametrize(("due", "expected", "moved_from"), [
    ("-2d", T(2026, 12, 11, 18), T(2026, 12, 12, 18)),   # an offset moves: Saturday → Friday
    ("2026-12-12", T(2026, 12, 12, 18), None),           # a date is kept as written
    ("+1d", T(2026, 12, 15, 18), None),                  # a working day stays
], ids=["offset moves", "date kept", "working day"])
def test_visit_checklist_items(policy: Policy, tmp_path: Path, due: str, expected: dt.datetime,
                               moved_from: dt.datetime | None) -> None:
    data = _visit(*MONDAY, checklist=[{"task": "Print", "owner": "sales", "due": due}])
    visit = visit_from(data, policy, tmp_path)
    entries = build_checklist(visit, _policy(policy, "arrival -3d"))
    [own] = [e for e in entries if e.manual]
    assert (own.due, own.moved_from) == (expected, moved_from)


def test_moved_tasks_keep_their_order_and_phase(policy: Policy, tmp_path: Path) -> None:
    """A task moved to Friday sorts before one due on Friday afternoon's arrival."""
    visit = visit_from(_visit(*MONDAY), policy, tmp_path)
    custom = policy.model_copy(update={
        "working_days": WorkingDays.model_validate(CN),
        "tasks": [Task.model_validate({"id": i, "text": TEXT, "owner": "admin", "due": due})
                  for i, due in (("a", "arrival -1d"), ("b", "arrival -4d"))]})
    entries = build_checklist(visit, custom)
    assert [(e.key, e.due) for e in entries] == [("b", T(2026, 12, 10, 18)),
                                                  ("a", T(2026, 12, 11, 18))]
    assert all(e.phase.value == "before" for e in entries)
