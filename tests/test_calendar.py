"""The calendar files (:mod:`generator.calendar`), read as calendar apps read them.

Every file the fixture project makes is parsed by two independent parsers: icalendar (which
writes them) and ical (a separate RFC 5545 implementation, strict about what it accepts), and
both must read the same events. Local times are checked against UTC through the file's own
VTIMEZONE, not only through the zone's name. UIDs and SEQUENCE are checked across two builds: a
copy of the fixture visits is changed (an item inserted, an item moved, a commit made) and built
again. The department feeds must hold exactly that department's tasks of the upcoming visits that
are not confidential; a confidential visit appears in no shared file; hostile text stays text.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import icalendar
import pytest
import yaml
from conftest import FIXTURE_VISITS, TODAY
from ical.calendar_stream import IcsCalendarStream
from ical.timezone import IcsTimezoneInfo
from sitebuild import copy_project, git

from generator.calendar import RECENT, CalendarFile
from generator.escape import plain
from generator.history import file_history
from generator.load import visit_zone
from generator.project import Paths, Result, calendars, listed, load_project
from generator.yamlload import load_yaml

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 23, 9, 41, 7, tzinfo=dt.timezone(dt.timedelta(hours=8)))
NOW_UTC = "20261123T014107Z"
SITE = "https://handbook.example.com/reception/"
MAIN = "2026-12-14-lumina-it"          # upcoming, Asia/Shanghai
SECRET = "2026-12-02-andes-br"         # confidential
PAST = "2026-10-20-bosphorus-tr"       # ended before the build date


# --- building -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the site's inputs with the fixture visits and policy (no git history)."""
    return copy_project(tmp_path_factory.mktemp("calendar-project"))


def load(project: Path, visits: Path | None = None, policy: Path | None = None, *,
         history: bool = False) -> Result:
    paths = Paths(project, visits=visits or project / "visits",
                  policy=policy or Path("policy/reception.yml"))
    result = load_project(paths, today=TODAY, history=history)
    assert result.errors == [], [p.format() for p in result.errors]
    return result


def build(project: Path, visits: Path | None = None, policy: Path | None = None, *,
          history: bool = False, site_url: str | None = None,
          now: dt.datetime = NOW) -> dict[str, bytes]:
    return calendars(load(project, visits, policy, history=history), site_url=site_url,
                     now=now)


@pytest.fixture(scope="module")
def files(project: Path) -> dict[str, bytes]:
    return build(project, site_url=SITE)


def visits_copy(target: Path, **changes: Any) -> Path:
    """The fixture visits in *target*, each file named in *changes* replaced by the YAML of
    ``change(data)`` (the file's data, changed in place)."""
    shutil.copytree(FIXTURE_VISITS, target)
    for stem, change in changes.items():
        path = target / f"{stem}.yml"
        data = load_yaml(path.read_text(encoding="utf-8")).data  # YAML 1.2: "on" is a key
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
    return target


def write_visit(folder: Path, stem: str, data: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.yml").write_text(yaml.safe_dump(data, allow_unicode=True,
                                                       sort_keys=False), encoding="utf-8")


# --- reading, twice -----------------------------------------------------------------------

@dataclass(frozen=True)
class Seen:
    """What a parser read of one event."""

    start: dt.datetime | dt.date  # a datetime in UTC, or the day of an all-day event
    end: dt.datetime | dt.date
    stamp: dt.datetime
    sequence: int
    summary: str
    description: str
    location: str | None
    url: str | None


def _utc(value: Any) -> Any:
    return value.astimezone(UTC) if isinstance(value, dt.datetime) else value


def read_icalendar(data: bytes) -> dict[str, Seen]:
    cal = icalendar.Calendar.from_ical(data)
    seen = {}
    for event in cal.walk("VEVENT"):
        uid = str(event["uid"])
        assert uid not in seen, f"two events with the UID {uid}"
        seen[uid] = Seen(_utc(event.decoded("dtstart")), _utc(event.decoded("dtend")),
                         event.decoded("dtstamp"), int(event.decoded("sequence")),
                         str(event["summary"]), str(event.get("description", "")),
                         str(event["location"]) if "location" in event else None,
                         str(event["url"]) if "url" in event else None)
    return seen


def _by_vtimezone(value: Any, zones: dict[str, IcsTimezoneInfo]) -> Any:
    """*value* in UTC through the VTIMEZONE of the file that has its zone's TZID."""
    if not isinstance(value, dt.datetime):
        return value
    tzid = str(value.tzinfo)
    assert tzid in zones, f"no VTIMEZONE for {tzid}"
    return value.replace(tzinfo=zones[tzid]).astimezone(UTC)


def read_ical(data: bytes) -> dict[str, Seen]:
    cal = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    zones = {tz.tz_id: IcsTimezoneInfo.from_timezone(tz) for tz in cal.timezones}
    seen = {}
    for event in cal.events:
        assert event.uid is not None and event.uid not in seen
        start, end = _by_vtimezone(event.dtstart, zones), _by_vtimezone(event.dtend, zones)
        assert start == _utc(event.dtstart) and end == _utc(event.dtend), \
            "the VTIMEZONE and the zone database disagree"
        assert isinstance(event.dtstamp, dt.datetime)
        seen[event.uid] = Seen(start, end, event.dtstamp, event.sequence or 0,
                               event.summary or "", event.description or "", event.location,
                               str(event.url) if event.url else None)
    return seen


def read(data: bytes) -> dict[str, Seen]:
    """The events of a calendar file, as both parsers read them (they must agree)."""
    first, second = read_icalendar(data), read_ical(data)
    assert first == second
    return first


def unfolded(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")


def tzids(data: bytes) -> tuple[set[str], set[str]]:
    """The TZIDs the file's properties use, and those it has a VTIMEZONE for."""
    lines = unfolded(data)
    used = {m.group(1) for line in lines for m in [re.match(r"^[A-Z-]+;TZID=([^:;]+)", line)]
            if m}
    defined = {line[len("TZID:"):] for line in lines if line.startswith("TZID:")}
    return used, defined


# --- every file ---------------------------------------------------------------------------

def test_the_build_makes_the_files(files: dict[str, bytes]) -> None:
    stems = [p.stem for p in sorted(FIXTURE_VISITS.glob("*.yml"))]
    depts = ["sales", "admin", "factory", "management", "finance", "marketing", "hr",
             "reception"]
    assert sorted(files) == sorted([f"{s}.ics" for s in stems] + ["visits.ics"]
                                   + [f"tasks-{d}.ics" for d in depts])


def test_every_file_reads_the_same_in_both_parsers(files: dict[str, bytes]) -> None:
    for name, data in files.items():
        events = read(data)
        assert events or name.startswith("tasks-"), name
        used, defined = tzids(data)
        assert used <= defined, (name, used - defined)
        assert defined, f"{name}: a calendar needs a component; an empty feed has a VTIMEZONE"
        for uid, event in events.items():
            assert event.stamp == NOW.astimezone(UTC), (name, uid)
            if isinstance(event.start, dt.datetime):  # timed: in UTC, else a day
                assert event.start.tzinfo is UTC, (name, uid)
            assert event.end > event.start, (name, uid)
        for line in unfolded(data):
            if line.startswith("DTSTAMP"):
                assert line == f"DTSTAMP:{NOW_UTC}", line  # UTC, the build's moment


def test_an_item_at_14_in_shanghai_is_at_6_utc(files: dict[str, bytes]) -> None:
    for name in (f"{MAIN}.ics", "visits.ics"):
        events = read(files[name])
        welcome = [e for e in events.values() if "Welcome and company overview" in e.summary]
        assert len(welcome) == 1, name
        assert welcome[0].start == dt.datetime(2026, 12, 14, 6, 0, tzinfo=UTC)
        assert welcome[0].end == dt.datetime(2026, 12, 14, 7, 0, tzinfo=UTC)
        assert welcome[0].location == "Showroom"
    assert "DTSTART;TZID=Asia/Shanghai:20261214T140000" in unfolded(files[f"{MAIN}.ics"])


def _dst_visit() -> dict[str, Any]:
    """A visit in Berlin over the night the clocks go forward (2027-03-28)."""
    return {
        "client": {"company": "Spree Bänder GmbH", "country": "DE"},
        "purpose": "Audit", "tier": "C", "owner": "李娜", "timezone": "Europe/Berlin",
        "arrival": {"at": "2027-03-27 09:30", "by": "flight", "place": "BER"},
        "departure": {"at": "2027-03-29 18:00", "by": "flight", "place": "BER"},
        "visitors": [{"name": "Hans Müller", "languages": ["en"]}],
        "hosts": [{"name": "李娜", "dept": "sales", "languages": ["en"]},
                  {"name": "王强", "dept": "admin", "languages": ["en"]}],
        "schedule": {
            dt.date(2027, 3, 27): [{"at": "14:00", "to": "15:30", "what": "Line audit",
                                    "with": ["王强"]}],
            dt.date(2027, 3, 29): [{"at": "14:00", "what": "Closing talk"}],
        },
    }


def test_local_times_follow_daylight_saving_time_in_each_zone(project: Path,
                                                              tmp_path: Path) -> None:
    visits = visits_copy(tmp_path / "visits")
    write_visit(visits, "2027-03-27-spree-de", _dst_visit())
    built = build(project, visits)
    events = read(built["2027-03-27-spree-de.ics"])
    starts = {e.summary: e.start for e in events.values()}
    assert starts["Line audit"] == dt.datetime(2027, 3, 27, 13, 0, tzinfo=UTC)  # CET, +01:00
    assert starts["Closing talk"] == dt.datetime(2027, 3, 29, 12, 0, tzinfo=UTC)  # CEST
    assert starts["Arrival: Spree Bänder GmbH"] == dt.datetime(2027, 3, 27, 8, 30, tzinfo=UTC)
    combined = read(built["visits.ics"])
    assert {"Spree Bänder GmbH: Line audit", "Spree Bänder GmbH: Closing talk"} <= {
        e.summary for e in combined.values()}
    used, defined = tzids(built["visits.ics"])
    assert used == defined == {"Asia/Shanghai", "Europe/Berlin"}
    # the tasks of a Berlin visit are due in Berlin time too
    sales = read(built["tasks-sales.ics"])
    due = [e.start for uid, e in sales.items() if uid.startswith("2027-03-27-spree-de-")]
    # 18:00, the policy's end of the workday, in CET or CEST
    assert due and all(isinstance(d, dt.datetime) and (d.hour, d.minute) in ((16, 0), (17, 0))
                       for d in due), due


def test_the_build_moment_is_any_zone_written_in_utc(project: Path) -> None:
    moment = dt.datetime(2026, 11, 22, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    built = build(project, now=moment)
    assert "DTSTAMP:20261123T043000Z" in unfolded(built[f"{MAIN}.ics"])
    assert all(e.stamp == moment for data in built.values() for e in read(data).values())


# --- descriptions and links ---------------------------------------------------------------

def test_events_say_who_hosts_and_link_the_packet(files: dict[str, bytes]) -> None:
    events = read(files[f"{MAIN}.ics"])
    by_summary = {e.summary: e for e in events.values()}
    packet = f"{SITE}visits/{MAIN}/"
    for event in events.values():
        assert event.url == packet
        assert f"Packet (zh): {packet}" in event.description
        assert f"Packet (en): {SITE}en/visits/{MAIN}/" in event.description
    assert "Host: 黄涛, 吴芳" in by_summary["Lanyard line walk-through"].description  # with
    assert "Host: 吴芳" in by_summary["Arrival: Lumina Eventi S.p.A."].description    # owner
    assert by_summary["Lanyard line walk-through"].location == "Plant 3"


def test_without_a_site_address_links_are_paths_from_the_site_root(project: Path) -> None:
    built = build(project)
    for name in (f"{MAIN}.ics", "visits.ics", "tasks-admin.ics"):
        for event in read(built[name]).values():
            assert event.url is None
            assert re.search(r"Packet \(zh\): visits/[\w-]+/(\n|$)", event.description)
            assert re.search(r"Packet \(en\): en/visits/[\w-]+/(\n|$)", event.description)


# --- the feed of all visits ---------------------------------------------------------------

def test_the_feed_of_all_visits_has_each_visits_day_plan(
        project: Path, files: dict[str, bytes]) -> None:
    result = load(project)
    feed = read(files["visits.ics"])
    shown = [f for f in result.facts if not f.visit.confidential]
    bars = {uid: e for uid, e in feed.items() if not isinstance(e.start, dt.datetime)}
    assert sorted(bars) == sorted(f"{f.stem}@visits.reception-handbook" for f in shown)
    for facts in shown:
        bar = bars[f"{facts.stem}@visits.reception-handbook"]
        assert (bar.start, bar.end) == (facts.first_day, facts.last_day + dt.timedelta(days=1))
        timed = [e for uid, e in feed.items()
                 if uid.startswith(f"{facts.stem}-") and isinstance(e.start, dt.datetime)]
        if facts.last_day < TODAY - RECENT:
            assert timed == [], "long past visits keep only their bar"
            continue
        own = read(files[f"{facts.stem}.ics"])
        assert sorted(e.start for e in timed) == sorted(e.start for e in own.values())
        assert len(timed) == 2 + sum(len(day.items) for day in facts.days)


# --- department feeds and confidentiality -------------------------------------------------

def test_each_department_feed_has_exactly_its_tasks_of_upcoming_listed_visits(
        project: Path, files: dict[str, bytes]) -> None:
    result = load(project)
    assert result.policy.model is not None
    policy = result.policy.model
    upcoming, past = listed(result)
    assert MAIN in [f.stem for f in upcoming] and PAST in [f.stem for f in past]
    total = 0
    for dept in policy.departments:
        expected = Counter(
            (facts.stem, entry.due.replace(tzinfo=visit_zone(facts.visit, policy))
             .astimezone(UTC), plain(entry.label("zh")))
            for facts in upcoming for entry in facts.checklist if entry.owner == dept)
        seen = Counter((uid.split("-task-")[0], e.start, e.summary.removeprefix("✓ ")
                        .rsplit(" · ", 1)[0]) for uid, e in read(files[f"tasks-{dept}.ics"])
                       .items())
        assert seen == expected, dept
        total += sum(expected.values())
    assert total > 20  # the fixture visits have tasks for several departments
    admin = read(files["tasks-admin.ics"])
    done = [e for e in admin.values() if e.summary.startswith("✓ ")]
    assert done and all("Done" in e.description for e in done)


def test_a_confidential_visit_is_in_no_shared_file(files: dict[str, bytes]) -> None:
    secret = read(files[f"{SECRET}.ics"])
    assert secret, "its own packet's calendar still has its events"
    names = ["Andes Bilheteria", "Joint venture talks", SECRET]
    for name, data in files.items():
        if name == f"{SECRET}.ics":
            continue
        text = "".join(unfolded(data))
        assert not [n for n in names if n in text], name
    assert all(line != "CLASS:CONFIDENTIAL" for name, data in files.items()
               if name != f"{SECRET}.ics" for line in unfolded(data))
    assert "CLASS:CONFIDENTIAL" in unfolded(files[f"{SECRET}.ics"])


def test_a_department_without_tasks_gets_a_valid_empty_feed(files: dict[str, bytes]) -> None:
    data = files["tasks-hr.ics"]
    assert read(data) == {}
    assert tzids(data)[1] == {"Asia/Shanghai"}
    assert "X-WR-CALNAME:任务清单：人力资源部 · Checklist: HR" in unfolded(data)


# --- UIDs follow the item -----------------------------------------------------------------

def _uids(data: bytes) -> dict[str, str]:
    """Summary → UID (the summaries of one visit's file are distinct)."""
    events = read(data)
    by_summary = {e.summary: uid for uid, e in events.items()}
    assert len(by_summary) == len(events)
    return by_summary


def test_inserting_items_keeps_the_uids_of_the_others(project: Path, tmp_path: Path) -> None:
    before = build(project)

    def insert(data: dict[str, Any]) -> None:
        day = data["schedule"][dt.date(2026, 12, 14)]
        day.insert(0, {"at": "08:00", "what": "Breakfast briefing", "meal": "breakfast"})
        day.insert(2, {"at": "12:00", "what": "Quick lunch", "meal": "lunch"})
        data["schedule"][dt.date(2026, 12, 15)].insert(0, {"at": "08:30", "what": "Plant gate"})
        data["checklist"].insert(0, {"task": "Order name badges", "owner": "reception",
                                     "due": "-3d"})

    after = build(project, visits_copy(tmp_path / "visits", **{MAIN: insert}))
    for name in (f"{MAIN}.ics", "visits.ics", "tasks-reception.ics", "tasks-admin.ics"):
        old, new = read(before[name]), read(after[name])
        assert set(old) <= set(new), (name, set(old) - set(new))
        for uid in old:
            assert (old[uid].start, old[uid].summary) == (new[uid].start, new[uid].summary)
    own = set(read(after[f"{MAIN}.ics"])) - set(read(before[f"{MAIN}.ics"]))
    assert len(own) == 3
    tasks = set(read(after["tasks-reception.ics"])) - set(read(before["tasks-reception.ics"]))
    assert len(tasks) == 1


def test_changing_an_item_keeps_its_uid(project: Path, tmp_path: Path) -> None:
    before = _uids(build(project)[f"{MAIN}.ics"])

    def change(data: dict[str, Any]) -> None:
        first, second = data["schedule"][dt.date(2026, 12, 14)], \
            data["schedule"][dt.date(2026, 12, 15)]
        first[1].update({"at": "13:30", "where": "Showroom B", "what": "Welcome, company film"})
        second[0].update({"at": "09:30", "to": "12:00", "with": ["吴芳"]})    # a plain item
        second[1]["what"] = "Working lunch with the plant manager"           # a meal

    after = _uids(build(project, visits_copy(tmp_path / "visits", **{MAIN: change}))
                  [f"{MAIN}.ics"])
    assert after["Welcome, company film"] == before["Welcome and company overview"]  # a tour
    assert after["Line qualification test"] == before["Line qualification test"]
    assert after["Working lunch with the plant manager"] == before["Working lunch"]
    assert set(after.values()) == set(before.values())


def test_another_day_or_other_words_make_another_item(project: Path, tmp_path: Path) -> None:
    before = _uids(build(project)[f"{MAIN}.ics"])

    def change(data: dict[str, Any]) -> None:
        moved = data["schedule"][dt.date(2026, 12, 15)].pop(2)   # Qualification report
        data["schedule"][dt.date(2026, 12, 16)].insert(0, moved)
        data["schedule"][dt.date(2026, 12, 14)][0]["what"] = "Hotel check-in"  # plain item

    after = _uids(build(project, visits_copy(tmp_path / "visits", **{MAIN: change}))
                  [f"{MAIN}.ics"])
    assert after["Qualification report and volumes"] != \
        before["Qualification report and volumes"]
    # the fixture names this item in both languages: a calendar shows "zh / en"
    pickup = "接机并入住酒店 / Airport pickup and hotel check-in"
    assert after["Hotel check-in"] != before[pickup]
    kept = set(before) - {"Qualification report and volumes", pickup}
    assert {after[s] for s in kept} == {before[s] for s in kept}


def test_items_of_one_kind_on_one_day_are_told_apart_by_order(project: Path,
                                                              tmp_path: Path) -> None:
    def add(data: dict[str, Any]) -> None:
        data["schedule"][dt.date(2026, 12, 14)].append(
            {"at": "16:45", "what": "Second look at the samples", "tour": "showroom"})

    built = build(project, visits_copy(tmp_path / "visits", **{MAIN: add}))
    uids = _uids(built[f"{MAIN}.ics"])
    assert uids["Welcome and company overview"] == \
        f"{MAIN}-20261214-tour-showroom@reception-handbook"
    assert uids["Second look at the samples"] == \
        f"{MAIN}-20261214-tour-showroom-2@reception-handbook"


def test_each_file_has_its_own_uid_domain(files: dict[str, bytes]) -> None:
    domains = {name: {uid.rsplit("@", 1)[1] for uid in read(data)}
               for name, data in files.items() if read(data)}
    assert domains[f"{MAIN}.ics"] == {"reception-handbook"}
    assert domains["visits.ics"] == {"visits.reception-handbook"}
    assert domains["tasks-admin.ics"] == {"tasks.reception-handbook"}


# --- SEQUENCE grows with every commit -----------------------------------------------------

def _repository(tmp_path: Path, project: Path) -> tuple[Path, Path, Path]:
    """A git repository with the fixture visits and the fixture policy, one commit."""
    repo = tmp_path / "repo"
    visits = visits_copy(repo / "visits")
    policy = repo / "policy" / "reception.yml"
    policy.parent.mkdir()
    shutil.copy2(project / "policy" / "reception.yml", policy)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "visits and policy", when="2026-11-01T10:00:00+08:00")
    return repo, visits, policy


def _edit(path: Path, change: Any) -> None:
    data = load_yaml(path.read_text(encoding="utf-8")).data
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_committed_change_raises_the_sequence_and_keeps_the_uids(
        project: Path, tmp_path: Path) -> None:
    repo, visits, policy = _repository(tmp_path, project)
    first = build(project, visits, policy, history=True)
    assert {e.sequence for e in read(first[f"{MAIN}.ics"]).values()} == {1}

    def later_lunch(data: dict[str, Any]) -> None:
        data["schedule"][dt.date(2026, 12, 15)][1].update({"at": "12:00", "to": "13:00"})

    _edit(visits / f"{MAIN}.yml", later_lunch)
    git(repo, "commit", "-q", "-am", "lunch at noon", when="2026-11-02T10:00:00+08:00")
    second = build(project, visits, policy, history=True,
                   now=NOW + dt.timedelta(hours=1))
    for name in (f"{MAIN}.ics", "visits.ics"):
        old, new = read(first[name]), read(second[name])
        assert set(old) == set(new), name
        mine = [uid for uid in new if uid.startswith(f"{MAIN}")]
        assert mine and all(new[uid].sequence == old[uid].sequence + 1 for uid in mine)
        lunch = next(uid for uid in mine if "-20261215-meal-lunch" in uid)
        assert new[lunch].start == old[lunch].start + dt.timedelta(minutes=30)
        others = [uid for uid in new if not uid.startswith(f"{MAIN}")]
        assert all(new[uid].sequence == old[uid].sequence == 1 for uid in others)
    # a change of the policy (a due rule) raises the tasks' SEQUENCE, not the items'
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("due: arrival -5d", "due: arrival -6d", 1), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "earlier itinerary", when="2026-11-03T10:00:00+08:00")
    third = build(project, visits, policy, history=True)
    old_tasks, new_tasks = read(second["tasks-sales.ics"]), read(third["tasks-sales.ics"])
    assert set(old_tasks) == set(new_tasks)
    assert all(new_tasks[uid].sequence == old_tasks[uid].sequence + 1 for uid in new_tasks)
    assert {e.sequence for e in read(third[f"{MAIN}.ics"]).values()} == {2}


def test_history_counts_the_commits_of_each_file(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "visits").mkdir(parents=True)
    a, b = repo / "visits" / "a.yml", repo / "visits" / "b.yml"
    git(repo, "init", "-q", "-b", "main")
    for n, when in enumerate(("2026-10-01", "2026-10-05", "2026-10-09")):
        a.write_text(f"version {n}\n", encoding="utf-8")
        if n == 1:
            b.write_text("b\n", encoding="utf-8")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"change {n}", when=f"{when}T12:00:00+00:00")
    history = file_history(repo / "visits")
    assert history is not None
    assert (history["a.yml"].commits, history["b.yml"].commits) == (3, 1)
    assert history["a.yml"].added == dt.date(2026, 10, 1)
    assert history["a.yml"].changed == dt.date(2026, 10, 9)


def test_outside_git_every_sequence_is_zero(files: dict[str, bytes]) -> None:
    assert {e.sequence for data in files.values() for e in read(data).values()} == {0}


# --- hostile text -------------------------------------------------------------------------

# What a visit file may hold (the loader refuses other control characters, and CR).
HOSTILE = [
    "END:VEVENT\nBEGIN:VEVENT\nUID:evil@x",
    "x;TZID=Evil/Zone:20261208T000000,y\\z",
    "<script>alert('XSS')</script>",
    "tab\tand  spaces",
    "bidi \u202eRTL\u200b zero-width",
]


def _hostile_visit() -> dict[str, Any]:
    owner = f"李娜 {HOSTILE[0]}"
    return {
        "title": f"Title {HOSTILE[1]}",
        "client": {"company": f"Company {HOSTILE[2]}", "country": "DE"},
        "purpose": "Audit", "tier": "C", "owner": owner,
        "arrival": {"at": "2026-12-08 09:30", "by": "flight", "number": f"LH {HOSTILE[4]}",
                    "place": f"Place {HOSTILE[3]}"},
        "departure": {"at": "2026-12-09 18:00", "by": "flight"},
        "visitors": [{"name": "Hans Müller", "languages": ["en"]}],
        "hosts": [{"name": owner, "dept": "sales", "languages": ["en"]}],
        "schedule": {dt.date(2026, 12, 8): [
            {"at": "12:00", "what": f"Lunch {HOSTILE[1]}", "where": f"Where {HOSTILE[0]}",
             "meal": "lunch", "with": [owner]},
            {"at": "14:00", "what": f"What {HOSTILE[4]}", "where": f"Where {HOSTILE[2]}"},
        ]},
        "checklist": [{"task": f"Task {HOSTILE[0]}", "owner": "reception", "due": "-2d"}],
    }


def test_hostile_text_stays_text(project: Path, tmp_path: Path) -> None:
    visits = visits_copy(tmp_path / "visits")
    stem = "2026-12-08-hostile-de"
    data = _hostile_visit()
    write_visit(visits, stem, data)
    built = build(project, visits, site_url=SITE)
    company = plain(data["client"]["company"])
    items = data["schedule"][dt.date(2026, 12, 8)]
    own = read(built[f"{stem}.ics"])
    assert sorted(e.summary for e in own.values()) == sorted(
        [f"Arrival: {company}", f"Departure: {company}", *(plain(i["what"]) for i in items)])
    assert {e.location for e in own.values()} == {
        plain(data["arrival"]["place"]), plain(items[0]["where"]), plain(items[1]["where"]),
        None}
    lunch = next(e for e in own.values() if e.summary == plain(items[0]["what"]))
    assert f"接待 Host: {plain(data['owner'])}" in lunch.description.split("\n")
    combined = read(built["visits.ics"])
    assert f"{company}: {plain(items[1]['what'])}" in {e.summary for e in combined.values()}
    tasks = read(built["tasks-reception.ics"])
    assert [e.summary for uid, e in tasks.items() if uid.startswith(stem)] == [
        f"{plain(data['checklist'][0]['task'])} · {company}"]
    for name, content in built.items():
        text = content.decode("utf-8")
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028]|\r(?!\n)", text), name
        for line in text.split("\r\n"):  # a property, a folded line, or the end
            assert re.match(r"^([A-Z-]+[;:]| )", line) or line == "", (name, line)
        assert "UID:evil@x" not in unfolded(content), name
        assert "Evil/Zone" not in tzids(content)[0], name


# --- the writer: what icalendar writes, byte for byte ---------------------------------------

def _with_every_kind_of_visit(tmp_path: Path) -> Path:
    """The fixture visits, a visit in Berlin over a change of the clocks and a hostile one whose
    texts start with a byte order mark (which icalendar's writing drops)."""
    visits = visits_copy(tmp_path / "visits")
    write_visit(visits, "2027-03-27-spree-de", _dst_visit())
    hostile = _hostile_visit()
    hostile["title"] = f"\ufeff{hostile['title']}"
    hostile["arrival"]["place"] = f"\ufeff{hostile['arrival']['place']}"
    hostile["schedule"][dt.date(2026, 12, 8)][1]["what"] = "\ufeffWhat \\N, ; ^ \\"
    write_visit(visits, "2026-12-08-hostile-de", hostile)
    return visits


@pytest.mark.parametrize("site_url", [None, SITE])
def test_the_files_are_what_icalendar_writes_of_their_components(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        site_url: str | None) -> None:
    """Each file is written from its properties' lines (calendar.CalendarFile.to_ical); the
    same calendar as icalendar components, written by icalendar, must give the same bytes."""
    visits = _with_every_kind_of_visit(tmp_path)
    written = build(project, visits, site_url=site_url)
    references: list[bytes] = []

    def by_icalendar(file: CalendarFile) -> bytes:
        references.append(bytes(file.to_component().to_ical()))
        return references[-1]

    monkeypatch.setattr(CalendarFile, "to_ical", by_icalendar)
    expected = build(project, visits, site_url=site_url)
    assert len(references) == len(expected) == len(written)
    assert written.keys() == expected.keys()
    for name, data in written.items():
        assert data == expected[name], name
    assert len({"Asia/Shanghai", "Europe/Berlin"} & tzids(written["visits.ics"])[1]) == 2


# --- in the built site --------------------------------------------------------------------

def test_the_site_has_the_feeds_once_for_both_languages(built_site: Path) -> None:
    folder = built_site / "visits"
    feeds = sorted(p.name for p in folder.glob("tasks-*.ics"))
    assert feeds == sorted(f"tasks-{d}.ics" for d in
                           ["sales", "admin", "factory", "management", "finance",
                            "marketing", "hr", "reception"])
    for name in [*feeds, "visits.ics", f"{MAIN}.ics"]:
        data = (folder / name).read_bytes()
        read(data)
        assert tzids(data)[0] <= tzids(data)[1], name
    assert not list((built_site / "en").rglob("*.ics"))


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_the_visits_index_links_every_department_feed(built_site: Path, prefix: str) -> None:
    folder = built_site / prefix / "visits"
    page = (folder / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]*tasks-[\w-]+\.ics)">', page)
    targets = {(folder / link).resolve() for link in links}
    assert targets == {p.resolve() for p in (built_site / "visits").glob("tasks-*.ics")}
    assert len(links) == len(targets) == 8  # one per department of the fixture policy
