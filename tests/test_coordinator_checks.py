"""The checks a coordinator wants: transfers against the schedule, diets at meals, Ramadan.

One row per rule case (fires, does not fire, boundary), each a small visit validated with the
fixture policy, with the expected field and English message of every finding of that check.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from checking import found
from conftest import visit_data as visit

from generator.models import Policy
from generator.ramadan import fast_of, in_ramadan

D1, D2 = dt.date(2026, 12, 8), dt.date(2026, 12, 9)   # arrival 09:30, departure 18:00
HALAL = [{"name": "Aylin", "diet": ["halal"]}]
FLIGHT = {"at": "2026-12-09 18:00", "by": "flight", "number": "LH729"}


def leaving(**departure: Any) -> dict[str, Any]:
    return {**FLIGHT, **departure}


def on_d2(*items: dict[str, Any]) -> dict[dt.date, list[dict[str, Any]]]:
    return {D2: list(items)}


def late(leave: str, source: str, latest: str, minutes: int, *, place: str = "airport",
         by: str = "flight LH729", departs: str = "2026-12-09 18:00") -> str:
    return (f"They leave for the {place} at {leave} ({source}), but the {by} at {departs} needs "
            f"them to leave by {latest}, {minutes} minutes before. Set an earlier "
            "departure.leave, or end the day's items sooner.")


def early(item: str, start: str, arrival: str, ready: str, minutes: int) -> str:
    return (f"“{item}” starts at {start}, but the visitors arrive at {arrival} and, once picked "
            f"up, can be there at {ready} at the earliest ({minutes} minutes later). Start it at "
            f"{ready} or later.")


def running(item: str, end: str, leave: str) -> str:
    return (f"“{item}” ends at {end}, but the car to the departure leaves at {leave} "
            f"(departure.leave). End the item by {leave}, or make the car leave later.")


def no_diet(item: str, when: str, diets: str, guests: str, words: str = "halal, 清真") -> str:
    return (f"Nothing in “{item}” ({when}) mentions {diets} (for {guests}): write in the item's "
            f"notes how the restaurant handles it, with one of the words {words}.")


def fasting(guests: str, item: str, when: str, dawn: str, sunset: str) -> str:
    return (f"Fasting for Ramadan: {guests}. “{item}” ({when}) falls in the day's fast, from "
            f"dawn ({dawn}) to sunset ({sunset}). Move the meal after sunset (or before dawn), "
            "and ask the guests first.")


PICKUP = {"at": "2026-12-08 09:30", "by": "flight", "pickup": True}
TRAIN_PICKUP = {**PICKUP, "by": "train"}
RAMADAN_DAY = dt.date(2026, 2, 25)  # 8 Ramadan 1447 (Umm al-Qura)


def in_february(day: dt.date, *items: dict[str, Any], ramadan: bool = True,
                **changes: Any) -> dict[str, Any]:
    """A visit from 2026-02-17 to 2026-02-26 (Ramadan 1447 begins on 02-18), items on *day*."""
    return visit(**{"arrival.at": "2026-02-17 09:30", "departure.at": "2026-02-26 18:00"},
                 visitors=[{"name": "Aylin", "ramadan": ramadan}, {"name": "Hans"}],
                 schedule={day: list(items)}, **changes)


def meal(at: str, what: str = "Lunch", kind: str = "lunch", **more: Any) -> dict[str, Any]:
    return {"at": at, "what": what, "meal": kind, **more}


# (case, check, visit, check_settings changed, expected (field, English message) findings)
ROWS: list[tuple[str, str, dict[str, Any], dict[str, Any] | None, list[tuple[str, str]]]] = [
    # send-off-late: a client from DE flies internationally (240 minutes), from CN domestically.
    ("send-off-late-fires", "send-off-late", visit(departure=leaving(leave="14:01")), None,
     [("departure.leave", late("14:01", "departure.leave", "2026-12-09 14:00", 240))]),
    ("send-off-late-boundary", "send-off-late", visit(departure=leaving(leave="14:00")), None,
     []),
    ("send-off-late-domestic-client", "send-off-late",
     visit(**{"client.country": "CN"}, departure=leaving(leave="15:00")), None, []),
    ("send-off-late-domestic-client-fires", "send-off-late",
     visit(**{"client.country": "CN"}, departure=leaving(leave="15:01")), None,
     [("departure.leave", late("15:01", "departure.leave", "2026-12-09 15:00", 180))]),
    ("send-off-late-international-given", "send-off-late",
     visit(**{"client.country": "CN"}, departure=leaving(leave="15:00", international=True)),
     None, [("departure.leave", late("15:00", "departure.leave", "2026-12-09 14:00", 240))]),
    ("send-off-late-domestic-given", "send-off-late",
     visit(departure=leaving(leave="15:00", international=False)), None, []),
    ("send-off-late-minutes-from-settings", "send-off-late",
     visit(departure=leaving(leave="14:00")),
     {"leave_before_flight": {"international": 300, "domestic": 180}},
     [("departure.leave", late("14:00", "departure.leave", "2026-12-09 13:00", 300))]),
    ("send-off-late-last-item-ends", "send-off-late",
     visit(departure=FLIGHT, schedule=on_d2(
         {"at": "09:00", "to": "10:00", "what": "Talks"},
         {"at": "13:00", "to": "16:30", "what": "Sign the contract"})), None,
     [("schedule.2026-12-09[1].to",
       late("16:30", "when “Sign the contract” ends", "2026-12-09 14:00", 240))]),
    ("send-off-late-last-item-starts", "send-off-late",
     visit(departure=FLIGHT, schedule=on_d2({"at": "14:30", "what": "Drive to the airport"})),
     None, [("schedule.2026-12-09[0].at",
             late("14:30", "when “Drive to the airport” starts", "2026-12-09 14:00", 240))]),
    ("send-off-late-leave-wins-over-items", "send-off-late",
     visit(departure=leaving(leave="13:30"),
           schedule=on_d2({"at": "13:30", "to": "15:00", "what": "Drive to the airport"})),
     None, []),
    ("send-off-late-nothing-to-judge", "send-off-late",
     visit(departure=FLIGHT, items=[{"at": "16:00", "to": "17:00", "what": "Talks"}]), None, []),
    ("send-off-late-train-fires", "send-off-late",
     visit(departure={"at": "2026-12-09 18:00", "by": "train", "leave": "16:31"}), None,
     [("departure.leave", late("16:31", "departure.leave", "2026-12-09 16:30", 90,
                               place="station", by="train"))]),
    ("send-off-late-train-boundary", "send-off-late",
     visit(departure={"at": "2026-12-09 18:00", "by": "train", "leave": "16:30"}), None, []),
    ("send-off-late-by-car", "send-off-late",
     visit(departure={"at": "2026-12-09 18:00", "by": "car", "leave": "17:50"}), None, []),

    # pickup-schedule: picked up at 09:30 from a flight, they can be anywhere from 11:00.
    ("pickup-schedule-fires", "pickup-schedule",
     visit(arrival=PICKUP, items=[{"at": "10:30", "to": "12:00", "what": "Talks"}]), None,
     [("schedule.2026-12-08[0].at",
       early("Talks", "2026-12-08 10:30", "2026-12-08 09:30", "2026-12-08 11:00", 90))]),
    ("pickup-schedule-boundary", "pickup-schedule",
     visit(arrival=PICKUP, items=[{"at": "11:00", "what": "Talks"}]), None, []),
    ("pickup-schedule-the-pickup-item", "pickup-schedule",
     visit(arrival=PICKUP, items=[{"at": "09:30", "to": "11:00", "what": "Airport pickup"}]),
     None, []),
    ("pickup-schedule-no-pickup", "pickup-schedule",
     visit(items=[{"at": "10:30", "what": "Talks"}]), None, []),
    ("pickup-schedule-train-fires", "pickup-schedule",
     visit(arrival=TRAIN_PICKUP, items=[{"at": "09:50", "what": "Talks"}]), None,
     [("schedule.2026-12-08[0].at",
       early("Talks", "2026-12-08 09:50", "2026-12-08 09:30", "2026-12-08 10:00", 30))]),
    ("pickup-schedule-train-boundary", "pickup-schedule",
     visit(arrival=TRAIN_PICKUP, items=[{"at": "10:00", "what": "Talks"}]), None, []),
    ("pickup-schedule-minutes-from-settings", "pickup-schedule",
     visit(arrival=PICKUP, items=[{"at": "11:00", "what": "Talks"}]),
     {"after_landing": {"flight": 120}},
     [("schedule.2026-12-08[0].at",
       early("Talks", "2026-12-08 11:00", "2026-12-08 09:30", "2026-12-08 11:30", 120))]),
    ("pickup-schedule-by-car-has-no-margin", "pickup-schedule",
     visit(arrival={**PICKUP, "by": "car"}, items=[{"at": "09:31", "what": "Talks"}]), None, []),
    # An item before the arrival is schedule-outside-visit's alone: not reported twice.
    ("pickup-schedule-before-arrival-not-twice", "pickup-schedule",
     visit(arrival=PICKUP, items=[{"at": "08:00", "to": "09:00", "what": "Breakfast"}]), None,
     []),
    ("pickup-schedule-before-arrival-is-outside", "schedule-outside-visit",
     visit(arrival=PICKUP, items=[{"at": "08:00", "to": "09:00", "what": "Breakfast"}]), None,
     [("schedule.2026-12-08[0].at", "“Breakfast” is at 2026-12-08 08:00, outside the visit "
       "from arrival (2026-12-08 09:30) to departure (2026-12-09 18:00). Check the date and "
       "time.")]),

    # send-off-schedule: the car leaves at 14:00 while an item of the day still goes on.
    ("send-off-schedule-fires", "send-off-schedule",
     visit(departure=leaving(leave="14:00"),
           schedule=on_d2({"at": "13:00", "to": "15:00", "what": "Talks"})), None,
     [("schedule.2026-12-09[0].to", running("Talks", "15:00", "14:00"))]),
    ("send-off-schedule-boundary", "send-off-schedule",
     visit(departure=leaving(leave="14:00"),
           schedule=on_d2({"at": "13:00", "to": "14:00", "what": "Talks"})), None, []),
    ("send-off-schedule-the-drive-itself", "send-off-schedule",
     visit(departure=leaving(leave="14:00"),
           schedule=on_d2({"at": "14:00", "to": "15:00", "what": "Drive to the airport"})),
     None, []),
    ("send-off-schedule-without-leave", "send-off-schedule",
     visit(departure=FLIGHT, schedule=on_d2({"at": "13:00", "to": "15:00", "what": "Talks"})),
     None, []),
    ("send-off-schedule-other-day", "send-off-schedule",
     visit(departure=leaving(leave="14:00"),
           items=[{"at": "13:00", "to": "15:00", "what": "Talks"}]), None, []),

    # meal-diet-note: every meal item says how a halal guest is fed.
    ("meal-diet-note-fires", "meal-diet-note", visit(visitors=HALAL, items=[meal("12:00")]),
     None, [("schedule.2026-12-08[0]", no_diet("Lunch", "2026-12-08 12:00", "halal", "Aylin"))]),
    ("meal-diet-note-notes-miss-it", "meal-diet-note",
     visit(visitors=HALAL, items=[meal("12:00", notes="Window table.")]), None,
     [("schedule.2026-12-08[0].notes",
       no_diet("Lunch", "2026-12-08 12:00", "halal", "Aylin"))]),
    ("meal-diet-note-chinese-word", "meal-diet-note",
     visit(visitors=HALAL, items=[meal("12:00", notes="清真菜已订好。")]), None, []),
    ("meal-diet-note-any-case", "meal-diet-note",
     visit(visitors=HALAL, items=[meal("12:00", notes={"en": "HALAL menu agreed."})]), None,
     []),
    ("meal-diet-note-said-in-where", "meal-diet-note",
     visit(visitors=HALAL, items=[meal("18:30", "Dinner", "dinner",
                                       where="Xibei halal restaurant")]), None, []),
    ("meal-diet-note-every-meal-kind", "meal-diet-note",
     visit(visitors=HALAL, items=[meal("09:40", "Breakfast", "breakfast"),
                                  meal("18:30", "Banquet", "banquet", notes="Halal.")]), None,
     [("schedule.2026-12-08[0]",
       no_diet("Breakfast", "2026-12-08 09:40", "halal", "Aylin"))]),
    ("meal-diet-note-not-a-meal", "meal-diet-note",
     visit(visitors=HALAL, items=[{"at": "14:00", "what": "Talks"}]), None, []),
    ("meal-diet-note-no-such-guest", "meal-diet-note", visit(items=[meal("12:00")]), None, []),
    ("meal-diet-note-diet-not-watched", "meal-diet-note",
     visit(visitors=[{"name": "Kevin", "diet": ["vegetarian"]}], items=[meal("12:00")]), None,
     []),
    ("meal-diet-note-watched-by-settings", "meal-diet-note",
     visit(visitors=[*HALAL, {"name": "Kevin", "diet": ["vegetarian"]}],
           items=[meal("12:00", notes="Halal meal boxes.")]),
     {"meal_note_diets": ["halal", "vegetarian"]},
     [("schedule.2026-12-08[0].notes", no_diet("Lunch", "2026-12-08 12:00", "vegetarian",
                                               "Kevin", words="vegetarian, 素食"))]),
    ("meal-diet-note-words-from-settings", "meal-diet-note",
     visit(visitors=HALAL, items=[meal("12:00", notes="Zabiha meat only.")]),
     {"diet_note_words": {"halal": ["zabiha"]}}, []),

    # ramadan-daylight-meal: 2026-02-25 in Shanghai, dawn (18°) 05:05, sunset 17:49.
    ("ramadan-lunch-fires", "ramadan-daylight-meal", in_february(RAMADAN_DAY, meal("12:00")),
     None, [("schedule.2026-02-25[0].at",
             fasting("Aylin", "Lunch", "2026-02-25 12:00", "05:05", "17:49"))]),
    ("ramadan-dinner-at-sunset", "ramadan-daylight-meal",
     in_february(RAMADAN_DAY, meal("17:49", "Dinner", "dinner")), None, []),
    ("ramadan-dinner-before-sunset", "ramadan-daylight-meal",
     in_february(RAMADAN_DAY, meal("17:48", "Dinner", "dinner")), None,
     [("schedule.2026-02-25[0].at",
       fasting("Aylin", "Dinner", "2026-02-25 17:48", "05:05", "17:49"))]),
    ("ramadan-breakfast-ends-by-dawn", "ramadan-daylight-meal",
     in_february(RAMADAN_DAY, meal("04:30", "Breakfast", "breakfast", to="05:05")), None, []),
    ("ramadan-breakfast-past-dawn", "ramadan-daylight-meal",
     in_february(RAMADAN_DAY, meal("04:30", "Breakfast", "breakfast", to="05:30")), None,
     [("schedule.2026-02-25[0].at",
       fasting("Aylin", "Breakfast", "2026-02-25 04:30", "05:05", "17:49"))]),
    ("ramadan-not-fasting", "ramadan-daylight-meal",
     in_february(RAMADAN_DAY, meal("12:00"), ramadan=False), None, []),
    ("ramadan-day-before-it-begins", "ramadan-daylight-meal",
     in_february(dt.date(2026, 2, 17), meal("12:00")), None, []),
    ("ramadan-first-day", "ramadan-daylight-meal",
     in_february(dt.date(2026, 2, 18), meal("12:00")), None,
     [("schedule.2026-02-18[0].at",
       fasting("Aylin", "Lunch", "2026-02-18 12:00", "05:12", "17:43"))]),
    ("ramadan-not-a-meal", "ramadan-daylight-meal",
     in_february(RAMADAN_DAY, {"at": "12:00", "what": "Talks"}), None, []),
    ("ramadan-outside-the-month", "ramadan-daylight-meal",
     visit(visitors=[{"name": "Aylin", "ramadan": True}], items=[meal("12:00")]), None, []),
    # The site and the visit's time zone: in Dubai the sun sets at 18:18 that day.
    ("ramadan-site-and-zone", "ramadan-daylight-meal",
     in_february(RAMADAN_DAY, meal("18:00", "Dinner", "dinner"), timezone="Asia/Dubai"),
     {"site": {"latitude": 25.2, "longitude": 55.27}},
     [("schedule.2026-02-25[0].at",
       fasting("Aylin", "Dinner", "2026-02-25 18:00", "05:29", "18:18"))]),
    ("ramadan-shanghai-dinner-after-sunset", "ramadan-daylight-meal",
     in_february(RAMADAN_DAY, meal("18:00", "Dinner", "dinner")), None, []),
    ("ramadan-dawn-depression-from-settings", "ramadan-daylight-meal",
     in_february(RAMADAN_DAY, meal("05:10", "Breakfast", "breakfast")),
     {"fajr_depression": 15}, []),
]


@pytest.mark.parametrize(("check", "data", "settings", "expected"),
                         [row[1:] for row in ROWS], ids=[row[0] for row in ROWS])
def test_coordinator_check(policy: Policy, tmp_path: Path, check: str, data: dict[str, Any],
                           settings: dict[str, Any] | None,
                           expected: list[tuple[str, str]]) -> None:
    assert found(data, policy, tmp_path, check, settings) == expected


def test_ramadan_calendar_and_sun() -> None:
    """Umm al-Qura's range ends in 2077 (visits may be later: not judged), and a place where
    the sun does not rise that day has no daylight fast to judge."""
    assert in_ramadan(dt.date(2026, 3, 19)) and not in_ramadan(dt.date(2026, 3, 20))
    assert not in_ramadan(dt.date(2099, 1, 1))
    polar_night = dt.date(2030, 1, 14)  # 10 Ramadan 1451
    assert in_ramadan(polar_night)
    assert fast_of(polar_night, 78.2, 15.6, "Arctic/Longyearbyen", 18) is None
    fast = fast_of(RAMADAN_DAY, 31.23, 121.47, "Asia/Shanghai", 18)
    assert fast is not None and fast.dawn < fast.sunset
