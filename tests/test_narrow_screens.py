"""Phones: at 390 px the packet's visitors and hosts tables and the visits index show each row
as a card (theme/overrides/assets/stylesheets/handbook.css), in both languages.

Checked with the boxes of the elements, not with pixels: every visitor's Diet and Notes cell
lies within the viewport, nothing scrolls sideways (neither the page nor a table's scroll
wrapper), each card shows its column names from theme/messages.yml, and a screen reader still
finds a table with its column heads. The screenshots (``packet-<lang>-<stem>.png``,
``index-<lang>.png``, ``wide-<lang>.png``) are left in pytest's tmp dir to look at after a change.

The site is the session build of the fixture project (``conftest.built_site``); long titles,
notes and words are written into a packet's cells in the browser (the layout is the CSS's).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from browsing import HAVE_CHROMIUM, NO_CHROMIUM, serve
from conftest import FIXTURE_VISITS, ROOT, fixture_visits

from generator.yamlload import load_yaml

pytestmark = pytest.mark.skipif(not HAVE_CHROMIUM, reason=NO_CHROMIUM)
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
LANGS = {"zh": "", "en": "en/"}
MESSAGES = yaml.safe_load((ROOT / "theme" / "messages.yml").read_text(encoding="utf-8"))
STEMS = [p.stem for p in fixture_visits()]
SLACK = 0.5  # px: boxes are fractional

# What a 390 px screen finds hard: long titles, roles and notes, and one long unbroken word.
LONG = {
    "title": "Senior Vice President, Global Procurement and Supplier Quality Engineering",
    "notes": "Allergic to peanuts and tree nuts; carries an epinephrine pen. Reference "
             "PASSPORTC01X00T47DE20261208ACMEGMBHESCORTREQUIRED.",
    "role": "Account owner and interpreter for the whole visit, including the banquet",
}
# Write *long* text into given cells of each body row of a table: {column index: key of LONG}.
LENGTHEN = """(table, [columns, long]) => {
  for (const row of table.tBodies[0].rows)
    for (const [n, key] of Object.entries(columns)) row.cells[n].textContent = long[key];
}"""


def _visit(stem: str) -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(
        (FIXTURE_VISITS / f"{stem}.yml").read_text(encoding="utf-8")).data
    return data


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


# The cells of a table as the browser lays them out, one list per body row.
CELLS = """table => [...table.tBodies[0].rows].map(row => [...row.cells].map(td => {
  const box = td.getBoundingClientRect();
  return {label: td.getAttribute("data-label"), text: td.textContent.trim(),
          display: getComputedStyle(td).display,
          before: getComputedStyle(td, "::before").content,
          left: box.left, right: box.right, height: box.height};
}))"""
HEADS = "table => [...table.tHead.rows[0].cells].map(th => th.textContent.trim())"


def _shoot_people(page: Any, path: Path) -> None:
    """A screenshot of the visitors and hosts, from the first heading to the last card."""
    top = page.evaluate("() => document.getElementById('visitors').getBoundingClientRect().top"
                        " + window.scrollY")
    bottom = _table(page, "hosts").evaluate("t => t.getBoundingClientRect().bottom"
                                            " + window.scrollY")
    page.screenshot(path=str(path), full_page=True,
                    clip={"x": 0, "y": top, "width": PHONE["width"], "height": bottom - top + 16})


def _table(page: Any, heading: str) -> Any:
    """The first table after the heading with the id *heading*."""
    return page.locator(f"xpath=//h2[@id='{heading}']/following::table[1]")


def _no_sideways_scroll(page: Any) -> None:
    widths = page.evaluate("""() => ({
      page: document.documentElement.scrollWidth, body: document.body.scrollWidth,
      view: window.innerWidth,
      wraps: [...document.querySelectorAll('.md-typeset__scrollwrap')]
        .map(w => w.scrollWidth - w.clientWidth)})""")
    assert widths["page"] <= widths["view"] == PHONE["width"], widths
    assert widths["body"] <= widths["view"], widths
    assert all(extra <= 0 for extra in widths["wraps"]), widths  # no table scrolls sideways


def _cards(table: Any, lang: str, keys: list[str]) -> list[list[dict[str, Any]]]:
    """Check that the rows of *table* are cards on the phone; return their cells.

    The first column heads are the messages *keys* (theme/messages.yml); the first cell is
    the card's title (no label), every other cell is labelled with its column's head, shows
    the label unless it is empty, and lies across the width of the screen.
    """
    heads = table.evaluate(HEADS)
    assert heads[:len(keys)] == [MESSAGES[key][lang] for key in keys]
    assert table.locator("thead").evaluate("e => e.getBoundingClientRect().height") <= 1
    rows: list[list[dict[str, Any]]] = table.evaluate(CELLS)
    assert rows
    for row in rows:
        assert [cell["label"] for cell in row] == [None, *heads[1:]], row
        for cell in row:
            assert cell["display"] != "table-cell", cell
            assert cell["left"] >= -SLACK and cell["right"] <= PHONE["width"] + SLACK, cell
            if cell["label"] is not None:
                shown = cell["label"] in cell["before"]
                assert shown == bool(cell["text"]), cell  # the label, unless the cell is empty
                assert bool(cell["height"]) == bool(cell["text"]), cell
    return rows


def _check_visitors(page: Any, lang: str, visitors: list[dict[str, Any]]) -> None:
    """The visitors' cards: one per visitor, each Diet and Notes cell within the viewport."""
    table = _table(page, "visitors")
    rows = _cards(table, lang, ["name", "title", "languages", "diet", "notes"])
    assert len(rows) == len(visitors)
    for n, (row, visitor) in enumerate(zip(rows, visitors, strict=True), start=1):
        assert row[0]["text"].startswith(visitor["name"])
        assert bool(row[3]["text"]) == bool(visitor.get("diet")), row[3]
        assert row[4]["text"] == (visitor.get("notes") or "").strip(), row[4]
        for column in (4, 5):  # Diet, Notes
            cell = table.locator(f"tbody > tr:nth-child({n}) > td:nth-child({column})")
            cell.scroll_into_view_if_needed()
            box = cell.bounding_box()
            assert box is not None, (visitor["name"], column)
            assert box["x"] >= -SLACK and box["x"] + box["width"] <= PHONE["width"] + SLACK, box
            assert box["y"] >= -SLACK and box["y"] + box["height"] <= PHONE["height"] + SLACK, box
    # still a table for a screen reader: its heads, and cells named without the visible label
    diet = MESSAGES["diet"][lang]
    assert table.get_by_role("columnheader", name=diet, exact=True).count() == 1
    assert table.get_by_role("row").count() == len(visitors) + 1
    first_diet = rows[0][3]["text"]
    if first_diet:
        assert table.get_by_role("cell", name=first_diet, exact=True).count() >= 1


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("lang", LANGS)
def test_packet_tables_are_cards(phone: Any, base_url: str, lang: str, stem: str,
                                 tmp_path: Path) -> None:
    data = _visit(stem)
    phone.goto(base_url + LANGS[lang] + f"visits/{stem}/")
    _check_visitors(phone, lang, data["visitors"])
    hosts = _cards(_table(phone, "hosts"), lang, ["name", "role", "department"])
    assert len(hosts) == len(data["hosts"])
    _no_sideways_scroll(phone)
    _shoot_people(phone, tmp_path / f"packet-{lang}-{stem}.png")


@pytest.mark.parametrize("lang", LANGS)
def test_long_words_stay_on_the_screen(phone: Any, base_url: str, lang: str,
                                       tmp_path: Path) -> None:
    stem = "2026-12-14-lumina-it"  # the fixture packet with every section
    phone.goto(base_url + LANGS[lang] + f"visits/{stem}/")
    _table(phone, "visitors").evaluate(LENGTHEN, [{1: "title", 4: "notes"}, LONG])
    _table(phone, "hosts").evaluate(LENGTHEN, [{1: "role"}, LONG])
    visitors = [{**v, "notes": LONG["notes"]} for v in _visit(stem)["visitors"]]
    _check_visitors(phone, lang, visitors)
    _cards(_table(phone, "hosts"), lang, ["name", "role", "department"])
    _no_sideways_scroll(phone)
    _shoot_people(phone, tmp_path / f"wide-{lang}.png")


@pytest.mark.parametrize("lang", LANGS)
def test_visits_index_is_cards(phone: Any, base_url: str, lang: str, tmp_path: Path) -> None:
    phone.goto(base_url + LANGS[lang] + "visits/")
    keys = ["date", "company", "country", "tier", "owner", "headcount"]
    tables = phone.locator("article table:not([class])")
    assert tables.count() >= 1
    for n in range(tables.count()):
        for row in _cards(tables.nth(n), lang, keys):  # and any later column, labelled too
            assert row[1]["text"], row  # the client, a link to the packet
    _no_sideways_scroll(phone)
    phone.screenshot(path=str(tmp_path / f"index-{lang}.png"), full_page=True)
    # a row the visits filter hides stays hidden in the cards
    row = tables.first.locator("tbody > tr").first
    row.evaluate("tr => { tr.hidden = true; }")
    assert row.is_hidden()


@pytest.mark.parametrize("lang", LANGS)
def test_wide_screens_keep_the_tables(browser: Any, base_url: str, lang: str) -> None:
    """The cards are for narrow screens only: on a desk the tables are Material's tables."""
    context = browser.new_context(viewport=DESK)
    page = context.new_page()
    try:
        for path, heading in [(f"visits/{STEMS[0]}/", "visitors"),
                              (f"visits/{STEMS[0]}/", "hosts"), ("visits/", "upcoming")]:
            page.goto(base_url + LANGS[lang] + path)
            table = _table(page, heading)
            assert table.evaluate("t => getComputedStyle(t).display") == "inline-block"
            assert table.locator("thead").bounding_box()["height"] > 10
            rows = table.evaluate(CELLS)
            for row in rows:
                assert {cell["display"] for cell in row} == {"table-cell"}
                assert not any(cell["label"] in cell["before"] for cell in row if cell["label"])
    finally:
        context.close()
