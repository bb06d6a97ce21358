"""Golden files: the HTML people see of the fixture packets and the visits index.

The fixture project (tests/fixtures/project: its visits, policy and country notes) is built
with the real ``mkdocs build`` (tests/sitebuild.py), in both languages, and the content of each
packet's and the index's ``<article>`` is compared with ``tests/golden/<lang>/<page>.html``,
normalised by :func:`normalise` (no edit button, no "last updated"/owner facts, whitespace
collapsed, one block element per line). Only a code, template, message or theme change can
change them: the handbook pages are the repository's (the policy links to them and the links
are checked), but with the country notes of the fixture project instead of the handbook's, so
editing a country page does not change a golden packet. Regenerate after an intended change:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

and review the diff like any other change. Goldens of visits that are no longer fixtures are
reported (and with UPDATE_GOLDEN=1 removed) by ``test_no_stale_goldens``.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE_PROJECT, TODAY, fixture_visits
from sitebuild import copy_project, mkdocs_build

from generator.load import load_visit
from generator.models import Policy, Visit

GOLDEN = Path(__file__).parent / "golden"
LANGS = {"zh": "", "en": "en/"}
FIXTURE_STEMS = [p.stem for p in fixture_visits()]
PAGES = [*FIXTURE_STEMS, "index"]

FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)


def fixture_country_notes(docs: Path) -> Path:
    """The handbook pages in *docs* with the fixture project's country notes: each country
    page keeps its title and headings (links may point at them) but no longer says which
    countries or diets it covers; the fixture notes are added."""
    for page in docs.glob("*/countries/*.md"):
        text = page.read_text(encoding="utf-8-sig")
        match = FRONT.match(text)
        if match is None:
            continue
        meta = yaml.safe_load(match.group(1)) or {}
        kept = {key: meta[key] for key in ("title", "description") if key in meta}
        page.write_text("---\n" + yaml.safe_dump(kept, allow_unicode=True) + "---\n"
                        + text[match.end():], encoding="utf-8")
    shutil.copytree(FIXTURE_PROJECT / "docs", docs, dirs_exist_ok=True)
    return docs


# --- Normalising a page ------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "path", "circle", "rect"}
# Kept on the line of the text around them: the spaces between them and the text matter.
INLINE = {"a", "abbr", "b", "br", "code", "del", "em", "i", "input", "kbd", "label", "mark",
          "s", "small", "span", "strong", "sub", "sup", "svg", "path", "circle", "rect", "time",
          "u"}


class _Node:
    def __init__(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Node | str] = []

    def classes(self) -> set[str]:
        return set((dict(self.attrs).get("class") or "").split())

    def start(self) -> str:
        attrs = "".join(f" {name}" if value is None else f' {name}="{html.escape(value)}"'
                        for name, value in self.attrs)
        return f"<{self.tag}{attrs}>"

    def inline(self) -> bool:
        return self.tag in INLINE and all(isinstance(c, str) or c.inline()
                                          for c in self.children)


def _dropped(node: _Node) -> bool:
    """What is not the page's content: the edit button and the owner / last-update facts."""
    return ("md-content__button" in node.classes()
            or (node.tag == "aside" and "md-source-file" in node.classes()))


class _Tree(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", [])
        self._open = [self.root]
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, attrs)
        self._open[-1].children.append(node)
        if tag not in VOID:
            self._open.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open[-1].children.append(_Node(tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, 0, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                return
        raise AssertionError(f"</{tag}> closes no open element")

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)


def _inline(parts: list[_Node | str]) -> str:
    """Text and inline elements as one run, each run of whitespace in the text one space."""
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(re.sub(r"\s+", " ", html.escape(part, quote=False)))
        elif not _dropped(part):
            inner = "" if part.tag in VOID else f"{_inline(part.children)}</{part.tag}>"
            out.append(part.start() + inner)
    return "".join(out)


def _lines(node: _Node, depth: int) -> list[str]:
    pad = "  " * depth
    if node.tag in VOID:
        return [pad + node.start()]
    if all(isinstance(c, str) or c.inline() for c in node.children):
        return [pad + node.start() + _inline(node.children).strip() + f"</{node.tag}>"]
    lines = [pad + node.start()]
    lines.extend(_children(node.children, depth + 1))
    return [*lines, pad + f"</{node.tag}>"]


def _children(children: list[_Node | str], depth: int) -> list[str]:
    lines: list[str] = []
    run: list[_Node | str] = []  # text and inline elements, shown on one line

    def flush() -> None:
        text = _inline(run).strip()
        if text:
            lines.append("  " * depth + text)
        run.clear()

    for child in children:
        if isinstance(child, _Node) and _dropped(child):
            continue
        if isinstance(child, str) or child.inline():
            run.append(child)
        else:
            flush()
            lines.extend(_lines(child, depth))
    flush()
    return lines


ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)


def normalise(page: str) -> str:
    """The content of a built page's ``<article>``, one block element per line (indented by
    depth; inline elements stay with their text, so the spaces around them are kept),
    whitespace collapsed, text and attributes escaped the same way everywhere (attribute
    names in lower case, as html.parser reads them: ``viewbox``), without the edit button and
    the source-file facts."""
    found = ARTICLE.findall(page)
    assert len(found) == 1, "the page has no single <article>"
    return "\n".join(_children(_Tree(found[0]).root.children, 0)) + "\n"


def test_normalise_keeps_the_text_and_the_spaces_around_inline_elements() -> None:
    page = ('<html><article class="md-content__inner md-typeset">\n'
            '<a class="md-content__button md-icon" href="e" rel="edit"><svg><path d="M1"/></svg>'
            '</a>\n<h1 id="x">T &amp; &#39;t&#39;<a class="headerlink" href="#x">&para;</a></h1>'
            '\n<ul>\n  <li><strong>A</strong>:   b <em>c</em>\n<p>p &lt;b&gt;</p></li>\n</ul>\n'
            '<input type="checkbox" disabled>'
            '<aside class="md-source-file"><span>Last update: today</span></aside>\n'
            '</article></html>')
    assert normalise(page) == (
        '<h1 id="x">T &amp; \'t\'<a class="headerlink" href="#x">¶</a></h1>\n'
        "<ul>\n"
        "  <li>\n"
        "    <strong>A</strong>: b <em>c</em>\n"
        "    <p>p &lt;b&gt;</p>\n"
        "  </li>\n"
        "</ul>\n"
        '<input type="checkbox" disabled>\n')


# --- The goldens -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    project = copy_project(tmp_path_factory.mktemp("golden") / "project", today=TODAY)
    fixture_country_notes(project / "docs")
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    out: dict[str, dict[str, str]] = {}
    for lang, prefix in LANGS.items():
        out[lang] = {}
        for name in PAGES:
            folder = site / prefix / "visits" / ("" if name == "index" else name)
            out[lang][name] = normalise((folder / "index.html").read_text(encoding="utf-8"))
    return out


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", PAGES)
def test_golden(pages: dict[str, dict[str, str]], lang: str, name: str) -> None:
    rendered = pages[lang][name]
    golden = GOLDEN / lang / f"{name}.html"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert golden.is_file(), f"no golden for {name}: run with UPDATE_GOLDEN=1 and review it"
    assert rendered == golden.read_text(encoding="utf-8")


def test_no_stale_goldens() -> None:
    """Every golden file belongs to a fixture page (a renamed fixture leaves none behind), and
    every golden is HTML (the Markdown goldens of the old renderer are gone)."""
    for lang in LANGS:
        files = [p for p in (GOLDEN / lang).iterdir() if p.is_file()]
        stale = sorted(p.name for p in files if p.suffix != ".html" or p.stem not in PAGES)
        if os.environ.get("UPDATE_GOLDEN"):
            for name in stale:
                (GOLDEN / lang / name).unlink()
            stale = []
        assert stale == [], f"golden/{lang} has pages of no fixture visit"


@pytest.fixture(scope="module")
def fixtures(policy: Policy) -> dict[str, Visit]:
    out = {}
    for path in fixture_visits():
        loaded = load_visit(path, policy, FIXTURE_PROJECT)
        assert loaded.model is not None, [p.format() for p in loaded.problems]
        out[path.stem] = loaded.model
    return out


def _meal_with_diets_then_item(visit: Visit) -> bool:
    if not any(v.diet for v in visit.visitors):
        return False
    for day in visit.schedule:
        items = sorted(visit.schedule[day], key=lambda i: i.at)
        if any(item.meal for item in items[:-1]):
            return True
    return False


def test_fixtures_cover_every_packet_section(fixtures: dict[str, Visit]) -> None:
    """Between them, the fixture visits exercise every part of a packet, so the goldens and
    the site tests see every section rendered (and one packet without the optional ones)."""
    visits = list(fixtures.values())
    assert len(visits) >= 5
    items = [item for v in visits for _day, _n, item in v.items()]
    covered = {
        "background": any(v.client.background for v in visits),
        "hotel": any(v.hotel for v in visits),
        "several days": any(len(v.schedule) >= 3 for v in visits),
        "meal with diets, then another item that day": any(
            _meal_with_diets_then_item(v) for v in visits),
        "production-line tour": any(i.tour == "production-line" for i in items),
        "banquet": any(i.meal == "banquet" for i in items),
        "item notes": any(i.notes for i in items),
        "gifts": any(v.gifts for v in visits),
        "own checklist, one done": any(any(c.done for c in v.checklist) for v in visits),
        "ticked policy tasks": any(v.done for v in visits),
        "notes in Markdown": any(v.notes and "**" in v.notes("en") for v in visits),
        "confidential": any(v.confidential for v in visits),
        "past": any(max(v.departure.at.date(), *v.schedule) < TODAY
                    if v.schedule else v.departure.at.date() < TODAY for v in visits),
        "without hotel and schedule": any(not v.hotel and not v.schedule for v in visits),
        "one day": any(v.arrival.at.date() == v.departure.at.date() for v in visits),
    }
    assert [name for name, ok in covered.items() if not ok] == []
    countries = [v.client.country for v in visits]
    assert len(set(countries)) == len(countries), "one fixture per country keeps them apart"


def test_fixture_names_follow_the_visit_file_convention(fixtures: dict[str, Visit]) -> None:
    for stem, visit in fixtures.items():
        assert stem.startswith(visit.arrival.at.date().isoformat()), stem
        assert stem.endswith("-" + visit.client.country.lower()), stem
        dt.date.fromisoformat(stem[:10])
