"""The visits index (theme/packet/index.html, ``Renderer.index``): counts in the headings, each
row's filter attributes and warnings, the month view (``generator.render.month_view``), and the
filters of ``visits-filter.js`` in a real browser, served and opened from a folder.

The month helpers are tested on tables of dates; the page on the fixture visits
(tests/fixtures/project), rendered directly and built with the real MkDocs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsing import HAVE_CHROMIUM, NO_CHROMIUM, serve
from conftest import FIXTURE_POLICY, FIXTURE_VISITS, ROOT, TODAY
from sitebuild import copy_project

from generator.derive import Facts
from generator.names import named
from generator.project import Paths, Result, listed, load_project
from generator.render import Month, Renderer, hosts_on, month_keys, month_view

LANGS = ("zh", "en")
TEMPLATES = ROOT / "theme" / "packet"
D = dt.date


# --- The month helpers -------------------------------------------------------------------------

def _busy(months: list[Month[str]]) -> dict[str, dict[int, list[str]]]:
    """Months by key, each with its busy days' numbers and items."""
    return {m.key: {day.day: items for day, items in m.busy.items()} for m in months}


# (case, spans, the busy days of each month)
Span = tuple[dt.date, dt.date, str]
MONTH_CASES: list[tuple[str, list[Span], dict[str, dict[int, list[str]]]]] = [
    ("nothing", [], {}),
    ("one day", [(D(2026, 12, 14), D(2026, 12, 14), "a")], {"2026-12": {14: ["a"]}}),
    ("three days", [(D(2026, 12, 14), D(2026, 12, 16), "a")],
     {"2026-12": {14: ["a"], 15: ["a"], 16: ["a"]}}),
    ("first and last day of a month", [(D(2027, 1, 1), D(2027, 1, 1), "a"),
                                       (D(2027, 1, 31), D(2027, 1, 31), "b")],
     {"2027-01": {1: ["a"], 31: ["b"]}}),
    ("over a month's end", [(D(2027, 1, 30), D(2027, 2, 2), "a")],
     {"2027-01": {30: ["a"], 31: ["a"]}, "2027-02": {1: ["a"], 2: ["a"]}}),
    ("over the year's end", [(D(2026, 12, 31), D(2027, 1, 1), "a")],
     {"2026-12": {31: ["a"]}, "2027-01": {1: ["a"]}}),
    ("over three months", [(D(2027, 1, 31), D(2027, 3, 1), "a")],
     {"2027-01": {31: ["a"]}, "2027-02": {n: ["a"] for n in range(1, 29)},
      "2027-03": {1: ["a"]}}),
    ("leap day", [(D(2028, 2, 28), D(2028, 3, 1), "a")],
     {"2028-02": {28: ["a"], 29: ["a"]}, "2028-03": {1: ["a"]}}),
    ("no leap day in 2027", [(D(2027, 2, 28), D(2027, 3, 1), "a")],
     {"2027-02": {28: ["a"]}, "2027-03": {1: ["a"]}}),
    ("months without visits left out, earliest first",
     [(D(2027, 3, 5), D(2027, 3, 5), "late"), (D(2026, 10, 20), D(2026, 10, 20), "early")],
     {"2026-10": {20: ["early"]}, "2027-03": {5: ["late"]}}),
    ("two visits on a day, in the order given", [(D(2026, 12, 14), D(2026, 12, 15), "a"),
                                                 (D(2026, 12, 15), D(2026, 12, 15), "b")],
     {"2026-12": {14: ["a"], 15: ["a", "b"]}}),
]


@pytest.mark.parametrize(("spans", "expected"), [case[1:] for case in MONTH_CASES],
                         ids=[case[0] for case in MONTH_CASES])
def test_month_view_puts_each_visit_on_each_of_its_days(
        spans: list[tuple[dt.date, dt.date, str]],
        expected: dict[str, dict[int, list[str]]]) -> None:
    months = month_view(spans)
    assert _busy(months) == expected
    assert list(_busy(months)) == sorted(expected)
    for month in months:
        assert month.first.day == 1
        assert all(day.replace(day=1) == month.first for day in month.busy)


# (month, its weeks: the day numbers, Monday first, 0 outside the month)
WEEK_CASES: list[tuple[dt.date, list[list[int]]]] = [
    (D(2026, 12, 1), [[0, 1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12, 13],
                      [14, 15, 16, 17, 18, 19, 20], [21, 22, 23, 24, 25, 26, 27],
                      [28, 29, 30, 31, 0, 0, 0]]),
    # starts on a Monday, 28 days: exactly four weeks
    (D(2027, 2, 1), [[1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11, 12, 13, 14],
                     [15, 16, 17, 18, 19, 20, 21], [22, 23, 24, 25, 26, 27, 28]]),
    # starts on a Sunday: six rows
    (D(2026, 3, 1), [[0, 0, 0, 0, 0, 0, 1], [2, 3, 4, 5, 6, 7, 8], [9, 10, 11, 12, 13, 14, 15],
                     [16, 17, 18, 19, 20, 21, 22], [23, 24, 25, 26, 27, 28, 29],
                     [30, 31, 0, 0, 0, 0, 0]]),
    # a leap February starting on a Tuesday
    (D(2028, 2, 1), [[0, 1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12, 13],
                     [14, 15, 16, 17, 18, 19, 20], [21, 22, 23, 24, 25, 26, 27],
                     [28, 29, 0, 0, 0, 0, 0]]),
]


@pytest.mark.parametrize(("first", "weeks"), WEEK_CASES, ids=[f"{c[0]:%Y-%m}" for c in WEEK_CASES])
def test_month_weeks_start_on_monday(first: dt.date, weeks: list[list[int]]) -> None:
    (month,) = month_view([(first, first, "x")])
    assert [[0 if day is None else day.day for day in week] for week in month.weeks] == weeks
    for week in month.weeks:
        assert [day.weekday() for day in week if day is not None] == [
            n for n, day in enumerate(week) if day is not None]


@pytest.mark.parametrize(("first", "last", "keys"), [
    (D(2026, 12, 14), D(2026, 12, 16), ["2026-12"]),
    (D(2026, 12, 31), D(2027, 1, 1), ["2026-12", "2027-01"]),
    (D(2027, 1, 31), D(2027, 3, 1), ["2027-01", "2027-02", "2027-03"]),
    (D(2028, 2, 29), D(2028, 2, 29), ["2028-02"]),
])
def test_month_keys(first: dt.date, last: dt.date, keys: list[str]) -> None:
    assert month_keys(first, last) == keys


# --- The page, rendered from the fixture visits ------------------------------------------------

@pytest.fixture(scope="module")
def project() -> Result:
    result = load_project(Paths(ROOT, policy=FIXTURE_POLICY, visits=FIXTURE_VISITS),
                          today=TODAY, history=False)
    assert [p.format() for p in result.errors] == []
    return result


@pytest.fixture(scope="module")
def renderer(project: Result) -> Renderer:
    assert project.catalogue is not None and project.policy.model is not None
    return Renderer([TEMPLATES], project.catalogue, project.policy.model)


def _warnings(facts: Facts, project: Result, lang: str) -> list[str]:
    policy = project.policy.model
    assert policy is not None
    return [f.message(policy, lang) for f in facts.findings
            if policy.checks[f.check].severity == "warning"]


ROW = re.compile(r'<tr data-month="([^"]*)" data-tier="([^"]*)" data-country="([^"]*)" '
                 r'data-owner="([^"]*)"><td>.*?<a href="([^"]+)/">(.*?)</tr>', re.S)


def test_hosts_on_a_day_are_the_ones_its_schedule_names(project: Result) -> None:
    lumina = next(f for f in project.facts if f.stem == "2026-12-14-lumina-it")
    assert hosts_on(lumina, D(2026, 12, 14)) == ["吴芳", "郑伟", "黄涛"]
    assert hosts_on(lumina, D(2026, 12, 16)) == ["吴芳", "郑伟"]
    # a day the schedule does not cover: every host
    assert hosts_on(lumina, D(2026, 12, 17)) == [h.name for h in lumina.visit.hosts]


@pytest.mark.parametrize("lang", LANGS)
def test_index_rows_counts_and_warnings(project: Result, renderer: Renderer, lang: str) -> None:
    assert project.catalogue is not None
    upcoming, past = listed(project)
    page = str(renderer.index(upcoming, past, lang, TODAY).html)
    t = project.catalogue.t
    assert f'<h2 id="upcoming">{t(lang, "upcoming_n", n=len(upcoming))}<' in page
    assert f'<h2 id="past">{t(lang, "past_n", n=len(past))}<' in page
    assert f'data-heading="{t(lang, "upcoming_n", n="{n}")}"' in page
    rows = ROW.findall(page)
    shown = [*upcoming, *past]
    assert [stem for *_, stem, _ in rows] == [f.stem for f in shown]
    for (months, tier, country, owner, _stem, rest), facts in zip(rows, shown, strict=True):
        visit = facts.visit
        assert months.split() == month_keys(facts.first_day, facts.last_day)
        assert (tier, country, html.unescape(owner)) == (visit.tier, visit.client.country,
                                                          visit.owner)
        messages = _warnings(facts, project, lang)
        assert rest.count("<li>") == len(messages)
        if messages:
            assert f"⚠ {len(messages)}</summary>" in rest
            for message in messages:
                assert message in html.unescape(rest)
        else:
            assert "visit-warnings" not in rest
    assert any(_warnings(f, project, lang) for f in shown)
    assert not all(_warnings(f, project, lang) for f in shown)
    # the filters offer what the rows hold, and the script is there to use them
    for name, values in [("month", {m for r in rows for m in r[0].split()}),
                         ("tier", {r[1] for r in rows}), ("country", {r[2] for r in rows}),
                         ("owner", {r[3] for r in rows})]:
        select = re.search(rf'<select id="visits-filter-{name}" name="{name}">(.*?)</select>',
                           page, re.S)
        assert select is not None, name
        options = re.findall(r'<option value="([^"]*)">', select.group(1))
        assert options[0] == "" and set(options[1:]) == values and len(options) == len(values) + 1
    assert re.search(r'<form class="visits-filter"[^>]* hidden', page)
    assert page.count('visits-filter.js" defer></script>') == 1


@pytest.mark.parametrize("lang", LANGS)
def test_month_view_lists_each_day_with_its_visits_and_hosts(
        project: Result, renderer: Renderer, lang: str) -> None:
    upcoming, past = listed(project)
    page = str(renderer.index(upcoming, past, lang, TODAY).html)
    view = page.split('<h2 id="by-month"', 1)[1]
    ahead, before = view.split('<details class="visits-months-before"', 1)
    this_month = TODAY.replace(day=1)
    for facts in [*upcoming, *past]:
        day = facts.first_day
        while day <= facts.last_day:
            part = ahead if day.replace(day=1) >= this_month else before
            entry = re.search(rf'<dt id="on-{day.isoformat()}">.*?</dt>\n(.*?)(?:<dt|</dl>)',
                              part, re.S)
            assert entry is not None, (facts.stem, day)
            names = [html.escape(named(facts.visit, n, lang)) for n in hosts_on(facts, day)]
            sep = "、" if lang == "zh" else ", "
            assert (f'href="{facts.stem}/">{html.escape(facts.visit.client.company)}</a> · '
                    f'{sep.join(names)}</dd>') in entry.group(1)
            assert f'<td class="busy"><a href="#on-{day.isoformat()}">{day.day}</a>' in part
            day += dt.timedelta(days=1)
    # upcoming months have headings, soonest first; earlier ones are collapsed, latest first
    ahead_ids = re.findall(r'<h3 id="month-(\d{4}-\d\d)"', ahead)
    assert ahead_ids == sorted(ahead_ids) and ahead_ids
    assert all(key >= f"{TODAY:%Y-%m}" for key in ahead_ids)
    assert "<h3" not in before and "<caption>" in before


def test_no_confidential_visit_anywhere_on_the_index(project: Result, renderer: Renderer,
                                                     built_site: Path) -> None:
    secret = [f for f in project.facts if f.visit.confidential]
    assert secret
    upcoming, past = listed(project)
    pages = {lang: str(renderer.index(upcoming, past, lang, TODAY).html) for lang in LANGS}
    pages |= {f"built-{lang}": (built_site / prefix / "visits" / "index.html").read_text(
        encoding="utf-8") for lang, prefix in [("zh", ""), ("en", "en")]}
    for name, page in pages.items():
        text = html.unescape(page)
        for facts in secret:
            visit = facts.visit
            for value in [facts.stem, visit.client.company,
                          *(visit.title.texts() if visit.title else []),
                          f"on-{facts.first_day.isoformat()}"]:
                assert not value or value not in text, (name, value)


@pytest.mark.parametrize("lang", LANGS)
def test_the_built_index_loads_the_script_of_the_site(built_site: Path, lang: str) -> None:
    folder = built_site / ("" if lang == "zh" else "en") / "visits"
    page = (folder / "index.html").read_text(encoding="utf-8")
    (src,) = re.findall(r'<script src="([^"]*visits-filter\.js)" defer>', page)
    assert not src.startswith(("/", "http")) and (folder / src).resolve().is_file(), src


def test_an_empty_index_has_no_filters_and_no_month_view(renderer: Renderer) -> None:
    page = str(renderer.index([], [], "en", TODAY).html)
    assert "visits-filter" not in page and "by-month" not in page
    assert page.count("<p>None.</p>") == 2


def test_the_page_stays_small_with_a_thousand_visits(project: Result,
                                                     renderer: Renderer) -> None:
    """1,000 visits (the fixtures moved by a day each): the page grows by the rows and the
    busy days, not by the months; each month is there once."""
    shown = [f for f in project.facts if not f.visit.confidential]
    many = []
    for n in range(1000):
        facts = shown[n % len(shown)]
        shift = dt.timedelta(days=n % 400 - 100)
        many.append(dataclasses.replace(facts, stem=f"bench-{n:04d}",
                                        first_day=facts.first_day + shift,
                                        last_day=facts.last_day + shift))
    upcoming = sorted((f for f in many if f.last_day >= TODAY), key=lambda f: f.first_day)
    past = sorted((f for f in many if f.last_day < TODAY), key=lambda f: f.first_day,
                  reverse=True)
    page = str(renderer.index(upcoming, past, "zh", TODAY).html)
    months = {key for f in many for key in month_keys(f.first_day, f.last_day)}
    assert page.count('<table class="visits-month__grid">') == len(months) <= 24
    assert len(page.encode()) < 2_000 * len(many), len(page.encode())


# --- The filters in a browser ------------------------------------------------------------------

browser_only = pytest.mark.skipif(not HAVE_CHROMIUM, reason=NO_CHROMIUM)
STEM = re.compile(r"([^/]+?)(?:/|\.html)$")


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The review build (``handbook build --preview``), opened from a folder."""
    project = copy_project(tmp_path_factory.mktemp("visits-index-preview"))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("HANDBOOK_PREVIEW", None)
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", "--preview", "--today",
         TODAY.isoformat()], cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return project / "site-preview"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def _visible(page: Any, section: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        f".visits-list:has(#{section}) tbody tr td:nth-child(2) a",
        "links => links.filter(a => a.offsetParent !== null).map(a => a.getAttribute('href'))")
    return sorted({m.group(1) for h in hrefs if (m := STEM.search(h))})


def _expect(facts: list[Facts], choice: dict[str, str]) -> list[str]:
    def keep(f: Facts) -> bool:
        values = {"month": month_keys(f.first_day, f.last_day), "tier": [f.visit.tier],
                  "country": [f.visit.client.country], "owner": [f.visit.owner]}
        return all(value in values[name] for name, value in choice.items())
    return sorted(f.stem for f in facts if keep(f))


# what to select, in turn (each case starts from "all")
CHOICES: list[dict[str, str]] = [
    {"tier": "A"},
    {"month": "2026-10"},
    {"month": "2027-01"},
    {"country": "AU"},
    {"owner": "何静"},
    {"month": "2027-01", "tier": "D"},   # nothing matches
]


def _check_filters(page: Any, url: str, project: Result, lang: str) -> None:
    assert project.catalogue is not None
    t = project.catalogue.t
    upcoming, past = listed(project)
    page.goto(url)
    form = page.locator("form.visits-filter")
    assert form.is_visible()
    assert _visible(page, "upcoming") == sorted(f.stem for f in upcoming)
    assert _visible(page, "past") == sorted(f.stem for f in past)
    for choice in CHOICES:
        page.locator(".visits-filter button[type=reset]").click()
        for name, value in choice.items():
            page.get_by_label(t(lang, name), exact=True).select_option(value)
        for key, facts in [("upcoming", upcoming), ("past", past)]:
            expected = _expect(facts, choice)
            assert _visible(page, key) == expected, (choice, key)
            heading = page.locator(f"h2#{key}").inner_text().replace("¶", "").strip()
            assert heading == t(lang, f"{key}_n", n=len(expected)), choice
            none = page.locator(f".visits-list:has(#{key}) .visits-none")
            assert none.is_visible() is (not expected), (choice, key)
        shown = len(_expect(upcoming, choice)) + len(_expect(past, choice))
        status = page.locator(".visits-filter__status").inner_text()
        assert status == t(lang, "visits_shown", shown=shown, total=len(upcoming) + len(past))
    page.locator(".visits-filter button[type=reset]").click()
    assert _visible(page, "upcoming") == sorted(f.stem for f in upcoming)
    assert page.locator("h2#past").inner_text().startswith(t(lang, "past_n", n=len(past)))
    assert page.locator(".visits-filter__status").inner_text() == ""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@browser_only
@pytest.mark.parametrize("lang", LANGS)
def test_filters_in_the_served_site(page: Any, built_site: Path, project: Result,
                                    lang: str) -> None:
    with serve(built_site) as base:
        _check_filters(page, base + ("" if lang == "zh" else "en/") + "visits/", project, lang)


@browser_only
@pytest.mark.parametrize("lang", LANGS)
def test_filters_in_the_preview_from_a_folder(page: Any, preview: Path, project: Result,
                                              lang: str) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    root = preview.as_uri() + "/" + ("" if lang == "zh" else "en/")
    _check_filters(page, root + "visits/index.html", project, lang)
    assert any(url.endswith("visits-filter.js") for url in requests)
    assert all(url.startswith(("file://", "data:", "blob:", "about:")) for url in requests)


@browser_only
def test_without_javascript_every_visit_shows(browser: Any, built_site: Path,
                                              project: Result) -> None:
    upcoming, past = listed(project)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        with serve(built_site) as base:
            page.goto(base + "visits/")
            assert not page.locator("form.visits-filter").is_visible()
            assert page.locator("table:not([class]) tbody tr:visible").count() == len(
                upcoming) + len(past)
            assert page.locator(".visits-none:visible").count() == 0
            assert page.locator(".visits-days dd:visible").count() > 0
    finally:
        context.close()
