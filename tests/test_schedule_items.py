"""No schedule item vanishes: in the built site, every item of every fixture visit is its own
``<li>`` under its own day in the packet's schedule section, in both languages.

An item written after a meal with dietary needs used to be glued into the meal's "Tell the
restaurant" paragraph (a missing blank line in the template), so the reader never saw it as an
item. The HTML is read with the standard library's parser, not with patterns over Markdown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, fixture_visits

from generator.i18n import load_catalogue
from generator.yamlload import load_yaml

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
LANGS = {"zh": "", "en": "en/"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        """The text a reader sees, without the headings' permalink sign."""
        parts = [c if isinstance(c, str) else c.text() for c in self.children
                 if isinstance(c, str) or "headerlink" not in (c.attrs.get("class") or "")]
        return "".join(parts)

    def elements(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]

    def find_all(self, tag: str) -> list[Node]:
        found = []
        for child in self.elements():
            if child.tag == tag:
                found.append(child)
            found.extend(child.find_all(tag))
        return found


class _TreeBuilder(HTMLParser):
    """A small, forgiving DOM: closing tags close back to the matching open element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def schedule_section(page: Node, heading: str) -> list[Node]:
    """The elements after the ``<h2>`` titled *heading*, up to the next ``<h2>``."""
    for container in [page, *page.find_all("article"), *page.find_all("div")]:
        elements = container.elements()
        starts = [i for i, e in enumerate(elements)
                  if e.tag == "h2" and e.text().strip() == heading]
        if starts:
            rest = elements[starts[0] + 1:]
            end = next((i for i, e in enumerate(rest) if e.tag == "h2"), len(rest))
            return rest[:end]
    raise AssertionError(f"no <h2>{heading}</h2> in the page")


def days_and_items(section: list[Node]) -> list[tuple[str, list[str]]]:
    """Each day heading of the section with the texts of its list's own ``<li>`` items."""
    days: list[tuple[str, list[str]]] = []
    for element in section:
        if element.tag == "h3":
            days.append((element.text().strip(), []))
        elif element.tag == "ul":
            assert days, "a list before the first day heading"
            days[-1][1].extend(" ".join(li.text().split())
                               for li in element.elements() if li.tag == "li")
    return days


def _text(value: Any, lang: str) -> str:
    """A free-text field as the packet of *lang* shows it: a string, or a {zh, en} map."""
    if isinstance(value, dict):
        other = "en" if lang == "zh" else "zh"
        return str(value.get(lang) or value.get(other))
    return str(value)


def _hhmm(value: Any) -> str:
    hours, minutes = str(value).strip().split(":")
    return f"{int(hours):02d}:{minutes}"


def schedule_of(path: Path, lang: str) -> list[list[tuple[str, str]]]:
    """(time, what) of each item, per day, in the order the packet shows them."""
    data = load_yaml(path.read_text(encoding="utf-8")).data
    schedule = data.get("schedule") or {}
    days = []
    for day in sorted(schedule, key=lambda d: d if isinstance(d, dt.date) else str(d)):
        items = sorted(schedule[day], key=lambda item: _hhmm(item["at"]))
        days.append([(_hhmm(item["at"]), " ".join(_text(item["what"], lang).split()))
                     for item in items])
    return days


@pytest.fixture(scope="module")
def catalogue() -> Any:
    return load_catalogue(ROOT / "theme" / "messages.yml")


def test_the_fixtures_have_a_meal_with_diets_followed_by_an_item() -> None:
    """The case that used to break: otherwise this test could not fail for it."""
    found = False
    for path in fixture_visits():
        data = load_yaml(path.read_text(encoding="utf-8")).data
        if not any(v.get("diet") for v in data["visitors"]):
            continue
        for items in (data.get("schedule") or {}).values():
            ordered = sorted(items, key=lambda item: _hhmm(item["at"]))
            found |= any("meal" in item for item in ordered[:-1])
    assert found


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", fixture_visits(), ids=lambda p: p.stem)
def test_every_schedule_item_is_its_own_list_item(built_site: Path, catalogue: Any,
                                                  path: Path, lang: str) -> None:
    html = (built_site / LANGS[lang] / "visits" / path.stem / "index.html").read_text("utf-8")
    section = schedule_section(parse(html), catalogue.t(lang, "schedule"))
    shown = days_and_items(section)
    expected = schedule_of(path, lang)
    assert len(shown) == len(expected), [day for day, _ in shown]
    if not expected:
        assert catalogue.t(lang, "no_schedule") in " ".join(e.text() for e in section)
    for (day, lis), items in zip(shown, expected, strict=True):
        assert len(lis) == len(items), (day, lis)
        for li, (at, what) in zip(lis, items, strict=True):
            assert li.startswith(at), (day, li)
            assert what in li, (day, what, li)
            others = [w for t, w in items if (t, w) != (at, what) and w not in what]
            assert not [w for w in others if w in li], (day, li)
