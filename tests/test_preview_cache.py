"""The live preview's shortcuts give the pages a full build gives.

``handbook serve`` rebuilds little after a visit file is saved: ``update_project`` re-reads
only the changed files (and lists the visits folder once, :class:`~generator.project.Listing`),
``Renderer.index`` reuses the rows and month-view lines of the visits that did not change
(:class:`~generator.render.Listed`), and ``HandbookPlugin.partial_build`` writes only the
changed packets, the index and the search index. Each shortcut is checked against the long
way: the index a new renderer draws, the result ``load_project`` loads, the site a full
``mkdocs build`` of the edited project writes. All on copies of the fixture project.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURE_POLICY, FIXTURE_VISITS, ROOT, TODAY
from hypothesis import given, settings
from hypothesis import strategies as st
from sitebuild import copy_project

from generator.project import Paths, Result, listed, load_project, prepare_update, update_project
from generator.render import Heading, RenderedPage, Renderer, Site, collapse_whitespace
from generator.serve import snapshot

LANGS = ("zh", "en")
TEMPLATES = ROOT / "theme" / "packet"
OASIS = "2027-01-12-oasis-ae"      # no title: the index shows its company
LUMINA = "2026-12-14-lumina-it"    # a title in both languages


# --- Helpers -------------------------------------------------------------------------------------

def _load(visits: Path, today: dt.date = TODAY) -> Result:
    result = load_project(Paths(ROOT, policy=FIXTURE_POLICY, visits=visits), today=today,
                          history=False)
    assert [p.format() for p in result.errors] == []
    return result


def _renderer(result: Result, *search: Path) -> Renderer:
    assert result.catalogue is not None and result.policy.model is not None
    return Renderer([*search, TEMPLATES], result.catalogue, result.policy.model)


def _index(renderer: Renderer, result: Result, lang: str, site: Site | None = None,
           today: dt.date | None = None) -> RenderedPage:
    upcoming, past = listed(result)
    return renderer.index(upcoming, past, lang, today or result.today, site)


def _outline(headings: list[Heading]) -> list[Any]:
    return [(h.level, h.id, h.title, _outline(h.children)) for h in headings]


def _same_page(page: RenderedPage, expected: RenderedPage) -> None:
    assert str(page.html) == str(expected.html)
    assert _outline(page.toc) == _outline(expected.toc)
    assert (page.title, page.description, str(page.search_html)) == (
        expected.title, expected.description, str(expected.search_html))


_ROW = re.compile(r'<tr data-month=.*?</tr>', re.S)
_LINE = re.compile(r'<dd><a class="visits-days__visit".*?</dd>', re.S)
_HREF = re.compile(r'href="([^"]+)/"')


def _fragments(page: RenderedPage) -> dict[str, list[str]]:
    """Each listed visit's row and month-view lines, by its packet's address."""
    found: dict[str, list[str]] = {}
    for pattern in (_ROW, _LINE):
        for match in pattern.finditer(str(page.html)):
            href = _HREF.search(match.group(0))
            assert href is not None, match.group(0)
            found.setdefault(href.group(1), []).append(match.group(0))
    return found


@pytest.fixture
def visits(tmp_path: Path) -> Path:
    """A copy of the fixture visit files, to edit."""
    folder = tmp_path / "visits"
    shutil.copytree(FIXTURE_VISITS, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    """Replace *old* (it must be there) by *new* in the file, changing its size."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- The index's fragments -----------------------------------------------------------------------

# (case, file, text replaced, its replacement, what the visit's row or lines show after (not
# before), what the index no longer shows, whether the visit's row changes (else only its
# month-view lines do, or nothing))
EDITS = [
    ("title", OASIS, "client:\n", "title: Oasis zebra summit\nclient:\n",
     ["Oasis zebra summit"], [], True),
    ("company", OASIS, "company: Oasis Events Trading LLC", "company: Oasis Zebra Trading LLC",
     ["Oasis Zebra Trading LLC"], ["Oasis Events Trading LLC"], True),
    ("company under a title", LUMINA, "company: Lumina Eventi S.p.A.",
     "company: Lumina Zebra S.p.A.", ["Lumina Zebra S.p.A."], ["Lumina Eventi S.p.A."], False),
    ("owner", OASIS, "owner: 何静", "owner: 罗斌", ['data-owner="罗斌"'], ['data-owner="何静"'],
     True),
    ("a host's name", OASIS, "罗斌", "Zeb Ranger", ["Zeb Ranger"], [], False),
    ("a host more", OASIS, "hosts:\n",
     "hosts:\n  - {name: Zeb Ranger, role: Driver, dept: admin, languages: [en]}\n",
     ["2 + 3</td>"], [], True),
    ("the purpose (not in the index)", OASIS, "purpose: Present", "purpose: Zebras and",
     [], [], False),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("case", "stem", "old", "new", "shown", "gone", "row"), EDITS,
                         ids=[e[0] for e in EDITS])
def test_an_edit_shows_in_the_index_and_the_other_visits_stay(
        visits: Path, lang: str, case: str, stem: str, old: str, new: str, shown: list[str],
        gone: list[str], row: bool) -> None:
    result = _load(visits)
    renderer = _renderer(result)
    before = _index(renderer, result, lang)
    old_parts = _fragments(before)
    for text in shown:
        assert not any(text in part for part in old_parts[stem]), (case, text)
    for text in gone:
        assert any(text in part for part in old_parts[stem]), (case, text)
    _edit(visits / f"{stem}.yml", old, new)
    updated, changed = update_project(result)
    assert changed == {stem}
    after = _index(renderer, updated, lang)           # from what the renderer kept
    _same_page(after, _index(_renderer(updated), updated, lang))   # as a new renderer draws it
    new_parts = _fragments(after)
    for text in shown:
        assert any(text in part for part in new_parts[stem]), (case, text)
    for text in gone:
        assert text not in after.html, (case, text)
    assert old_parts.keys() == new_parts.keys()
    for key in old_parts:
        if key != stem:
            assert new_parts[key] == old_parts[key], key
    assert (new_parts[stem][0] != old_parts[stem][0]) is row, case
    if shown and not row:
        assert new_parts[stem][1:] != old_parts[stem][1:], case


@pytest.mark.parametrize("lang", LANGS)
def test_the_kept_fragments_give_the_page_a_new_renderer_gives(visits: Path,
                                                               lang: str) -> None:
    result = _load(visits)
    renderer = _renderer(result)
    first = _index(renderer, result, lang)
    _same_page(_index(renderer, result, lang), first)
    # another site (other packet addresses) and another build date: nothing kept is shown
    site = Site(calendar=lambda name: f"/C/{name}", packet=lambda stem: f"/P/{stem}/")
    moved = _index(renderer, result, lang, site)
    _same_page(moved, _index(_renderer(result), result, lang, site))
    assert 'href="/P/' in moved.html and 'href="/P/' not in first.html
    later = TODAY + dt.timedelta(days=30)
    for today in (later, TODAY):
        _same_page(_index(renderer, result, lang, today=today),
                   _index(_renderer(result), result, lang, today=today))


def test_a_removed_visit_leaves_the_index_and_what_the_renderer_keeps(visits: Path) -> None:
    result = _load(visits)
    renderer = _renderer(result)
    for lang in LANGS:
        assert OASIS in _index(renderer, result, lang).html
    kept = (visits / f"{OASIS}.yml").read_bytes()
    (visits / f"{OASIS}.yml").unlink()
    updated, changed = update_project(result)
    assert changed == {OASIS}
    for lang in LANGS:
        page = _index(renderer, updated, lang)
        assert OASIS not in page.html
        _same_page(page, _index(_renderer(updated), updated, lang))
        upcoming, past = listed(updated)
        assert set(renderer._kept[lang].visits) == {f.stem for f in [*upcoming, *past]}
    (visits / f"{OASIS}.yml").write_bytes(kept)
    again, changed = update_project(updated)
    assert changed == {OASIS}
    for lang in LANGS:
        _same_page(_index(renderer, again, lang), _index(_renderer(again), again, lang))


def test_a_site_template_draws_the_rows_and_lines(visits: Path, tmp_path: Path) -> None:
    custom = tmp_path / "handbook"
    custom.mkdir()
    (custom / "index_row.html").write_text(
        '<tr class="mine"><td>{{ f.stem }} {{ url }} {{ open | length }}</td></tr>\n',
        encoding="utf-8")
    (custom / "index_day.html").write_text(
        '<dd class="mine">{{ f.visit.client.company }} {{ day.isoformat() }}</dd>\n',
        encoding="utf-8")
    result = _load(visits)
    page = _index(_renderer(result, custom), result, "en")
    upcoming, past = listed(result)
    rows = re.findall(r'<tr class="mine"><td>(\S+) (\S+) \d+</td></tr>', page.html)
    assert rows == [(f.stem, f"{f.stem}/") for f in [*upcoming, *past]]
    assert '<dd class="mine">Oasis Events Trading LLC 2027-01-13</dd>' in page.html
    assert "visits-days__visit" not in page.html and "<tr data-month" not in page.html


def test_an_index_of_its_own_needs_no_fragment_templates(visits: Path, tmp_path: Path) -> None:
    own = tmp_path / "own"   # a site's templates from before the fragments, index.html alone
    own.mkdir()
    (own / "index.html").write_text(
        "{% for f in upcoming %}<p>{{ f.stem }} {{ warnings[f.stem] | length }}</p>"
        "{% endfor %}\n", encoding="utf-8")
    result = _load(visits)
    assert result.catalogue is not None and result.policy.model is not None
    renderer = Renderer([own], result.catalogue, result.policy.model)
    upcoming, _ = listed(result)
    for _ in range(2):
        page = _index(renderer, result, "en")
        assert re.findall(r"<p>(\S+) \d+</p>", page.html) == [f.stem for f in upcoming]


def test_a_fragment_that_prints_the_build_date_is_drawn_again_for_another(
        visits: Path, tmp_path: Path) -> None:
    custom = tmp_path / "handbook"
    custom.mkdir()
    (custom / "index_row.html").write_text(
        "<tr><td>{{ f.stem }} {{ today.isoformat() }}</td></tr>\n", encoding="utf-8")
    (custom / "index_day.html").write_text(
        "<dd>{{ f.stem }} {{ day.isoformat() }} {{ today.isoformat() }}</dd>\n",
        encoding="utf-8")
    result = _load(visits)
    renderer = _renderer(result, custom)
    for today in (TODAY, TODAY + dt.timedelta(days=1), TODAY):
        page = _index(renderer, result, "zh", today=today)
        _same_page(page, _index(_renderer(result, custom), result, "zh", today=today))
        assert f"{OASIS} {today.isoformat()}</td>" in page.html


# --- update_project: the same result as loading anew ---------------------------------------------

def _rename(folder: Path, old: str, new: str) -> None:
    (folder / old).rename(folder / new)


def _outside(folder: Path, name: str) -> Path:
    """A copy of the fixture visit *name* next to the visits *folder*, for links to point at."""
    target = folder.parent / "elsewhere" / name
    target.parent.mkdir(exist_ok=True)
    shutil.copy(FIXTURE_VISITS / name, target)
    return target


def _link(folder: Path, target: Path) -> None:
    link = folder / "2027-01-21-linked.yml"
    link.unlink(missing_ok=True)
    link.symlink_to(target)


def _nothing(folder: Path) -> None:
    del folder


Change = Callable[[Path], object]
# (case, what the visits folder holds besides the fixture visits, what is done to it, the
# stems update_project reports)
FOLDER_CHANGES: list[tuple[str, Change, Change, set[str]]] = [
    ("nothing", _nothing, _nothing, set()),
    ("an edit", _nothing,
     lambda f: _edit(f / f"{OASIS}.yml", "purpose: Present", "purpose: Show"), {OASIS}),
    ("a stray file", _nothing,
     lambda f: (f / "notes.txt").write_text("x\n", encoding="utf-8"), set()),
    ("a stray file goes", lambda f: (f / "notes.txt").write_text("x\n", encoding="utf-8"),
     lambda f: (f / "notes.txt").unlink(), set()),
    ("a new visit", _nothing,
     lambda f: shutil.copy(f / f"{OASIS}.yml", f / "2027-01-20-oasis-two.yml"),
     {"2027-01-20-oasis-two"}),
    ("a removed visit", _nothing, lambda f: (f / f"{OASIS}.yml").unlink(), {OASIS}),
    ("a renamed visit", _nothing,
     lambda f: _rename(f, f"{OASIS}.yml", "2027-01-12-oasis-uae.yml"),
     {OASIS, "2027-01-12-oasis-uae"}),
    ("a name that clashes", _nothing,
     lambda f: shutil.copy(f / f"{OASIS}.yml", f / f"{OASIS}.yaml"), {OASIS}),
    ("a name no page address can hold", _nothing,
     lambda f: shutil.copy(f / f"{OASIS}.yml", f / "2027-01-12 oasis.yml"),
     {"2027-01-12 oasis"}),
    ("a link", _nothing, lambda f: _link(f, _outside(f, f"{OASIS}.yml")),
     {"2027-01-21-linked"}),
    ("a link to a visit in the folder",  # the same file twice: checked once
     lambda f: _link(f, _outside(f, f"{OASIS}.yml")), lambda f: _link(f, f / f"{OASIS}.yml"),
     {"2027-01-21-linked"}),
    ("a link to another file", lambda f: _link(f, _outside(f, f"{OASIS}.yml")),
     lambda f: _link(f, _outside(f, f"{LUMINA}.yml")), {"2027-01-21-linked"}),
]


def _same_result(result: Result, expected: Result) -> None:
    assert [p.format() for p in result.problems] == [p.format() for p in expected.problems]
    assert [v.path for v in result.visits] == [v.path for v in expected.visits]
    assert [f.stem for f in result.facts] == [f.stem for f in expected.facts]
    assert result.stats == expected.stats


@pytest.mark.parametrize("prepared", [False, True], ids=["first update", "prepared"])
@pytest.mark.parametrize(("case", "before", "change", "stems"), FOLDER_CHANGES,
                         ids=[c[0] for c in FOLDER_CHANGES])
def test_update_gives_what_loading_anew_gives(visits: Path, case: str, before: Change,
                                               change: Change, stems: set[str],
                                               prepared: bool) -> None:
    (visits / "README.md").write_text("not a visit, and no warning\n", encoding="utf-8")
    before(visits)
    result = load_project(Paths(ROOT, policy=FIXTURE_POLICY, visits=visits), today=TODAY,
                          history=False)
    if prepared:
        prepare_update(result)
    # twice: the second update takes the folder's listing from the first
    first, changed = update_project(result)
    assert changed == set()
    _same_result(first, result)
    change(visits)
    updated, changed = update_project(first)
    assert changed == stems, case
    _same_result(updated, load_project(Paths(ROOT, policy=FIXTURE_POLICY, visits=visits),
                                       today=TODAY, history=False))
    # and back: the folder's problems go with what caused them
    again, _ = update_project(updated)
    _same_result(again, updated)


def test_a_stray_file_is_reported_after_an_update_until_it_goes(visits: Path) -> None:
    result = _load(visits)
    prepare_update(result)
    stray = visits / "notes.txt"
    stray.write_text("x\n", encoding="utf-8")
    updated, _ = update_project(result)
    assert [p.rule for p in updated.problems].count("not-a-visit-file") == 1
    stray.unlink()
    cleared, _ = update_project(updated)
    assert [p.rule for p in cleared.problems].count("not-a-visit-file") == 0


# --- The server's snapshot -----------------------------------------------------------------------

def _reference(roots: list[Path]) -> dict[str, tuple[int, int]]:
    """What snapshot() returned before it read folders with os.scandir."""
    found: dict[str, tuple[int, int]] = {}
    for root in roots:
        paths = [root] if root.is_file() else (p for p in root.rglob("*") if p.is_file())
        for path in paths:
            info = path.stat()
            found[str(path)] = (info.st_size, info.st_mtime_ns)
    return found


def test_snapshot_sees_every_file_as_before(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "a" / "b").mkdir(parents=True)
    (tree / "a" / "b" / "deep.md").write_text("deep", encoding="utf-8")
    (tree / ".hidden").write_text("h", encoding="utf-8")
    (tree / "top.yml").write_text("top", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "f.txt").write_text("f", encoding="utf-8")
    (tree / "file-link").symlink_to(outside / "f.txt")
    (tree / "folder-link").symlink_to(outside)         # not followed
    (tree / "broken-link").symlink_to(tmp_path / "missing")
    single = tmp_path / "mkdocs.yml"
    single.write_text("site_name: x", encoding="utf-8")
    roots = [tree, single, tmp_path / "missing"]
    found = snapshot(roots)
    assert found == _reference(roots)
    assert {Path(p).name for p in found} == {"deep.md", ".hidden", "top.yml", "file-link",
                                             "mkdocs.yml"}
    (tree / "a" / "b" / "deep.md").write_text("deeper", encoding="utf-8")
    assert snapshot(roots) != found


# --- Collapsing a page's white space ------------------------------------------------------------

_BLANKS = re.compile(r"[ \t]*\n\s*")   # what collapse_whitespace did with an expression
_KEEP = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.S | re.I)


def _collapsed(page: str) -> str:
    parts = _KEEP.split(page)
    return "".join(_BLANKS.sub("\n", part) if n % 3 == 0 else part if n % 3 == 1 else ""
                   for n, part in enumerate(parts))


# (case, page, collapsed)
COLLAPSES = [
    ("nothing to do", "<p>a b</p>", "<p>a b</p>"),
    ("indentation", "<ul>\n    <li>a</li>\n  </ul>", "<ul>\n<li>a</li>\n</ul>"),
    ("blank lines", "a  \t\n\n  \n\t b\n", "a\nb\n"),
    ("spaces before a line break only", "a b  \n", "a b\n"),
    ("a no-break space before the break stays", "a\xa0 \nb", "a\xa0\nb"),
    ("white space after the break goes", "a\n\xa0\u3000\r\x0bb", "a\nb"),
    ("at the start and the end", " \n a \n ", "\na\n"),
    ("kept elements", "<pre>\n  x\n\n</pre>\n  <script>\n  y </script>",
     "<pre>\n  x\n\n</pre>\n<script>\n  y </script>"),
]


@pytest.mark.parametrize(("case", "page", "collapsed"), COLLAPSES, ids=[c[0] for c in COLLAPSES])
def test_collapse_whitespace(case: str, page: str, collapsed: str) -> None:
    assert collapse_whitespace(page) == collapsed == _collapsed(page), case


@settings(max_examples=3000, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from([" ", "\t", "\n", "\r", "\xa0", "\u3000", "\x0b", "\x1c",
                                 "\u2028", "\x85", "a", "漢", "<pre>", "</pre>"]),
                max_size=40).map("".join))
def test_collapse_whitespace_does_what_the_expression_did(page: str) -> None:
    assert collapse_whitespace(page) == _collapsed(page)


# --- The partial build: the site a full build writes ---------------------------------------------

def _build(project: Path, lang: str, site: Path) -> Any:
    """A full build of one language of *project* in this process; its handbook plugin."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.plugin import HandbookPlugin

    config = load_config(config_file=str(project / ("mkdocs.yml" if lang == "zh"
                                                    else "mkdocs.en.yml")),
                         site_dir=str(site))
    plugin = config.plugins.get("handbook")
    assert isinstance(plugin, HandbookPlugin)
    plugin.build_alternates = False
    build(config)
    return plugin


_STAMP = re.compile(r"^DTSTAMP:.*$", re.M)   # when a calendar file was written
_GIT_DATE = re.compile(r'(git-revision-date-localized-plugin-date" title=")[^"]*')


def _pages(site: Path) -> dict[str, str]:
    """The HTML pages of *site*, each without the moment of its build (a generated page's
    "last updated" is when it was built)."""
    return {p.relative_to(site).as_posix(): _GIT_DATE.sub(r"\1", p.read_text(encoding="utf-8"))
            for p in site.rglob("*.html")}


def _entries(site: Path) -> tuple[Any, list[str]]:
    data = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return data["config"], sorted(json.dumps(e, sort_keys=True) for e in data["docs"])


@pytest.mark.parametrize("lang", LANGS)
def test_a_partial_build_writes_the_site_a_full_build_writes(tmp_path: Path, lang: str,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    project = copy_project(tmp_path / "project")
    monkeypatch.chdir(project)
    served = tmp_path / "served"
    plugin = _build(project, lang, served)
    prepare_update(plugin.result)
    oasis = project / "visits" / f"{OASIS}.yml"
    _edit(oasis, "company: Oasis Events Trading LLC", "company: Oasis Zebra Trading LLC")
    _edit(oasis, "purpose: Present", "purpose: Okapi and")
    (project / "visits" / f"{LUMINA}.yml").unlink()
    result, changed = update_project(plugin.result)
    assert changed == {OASIS, LUMINA}
    plugin.partial_build(result, changed, served)
    result, changed = update_project(plugin.result)   # nothing changed: the same site
    assert changed == set()
    plugin.partial_build(result, changed, served, feeds=False)   # as handbook serve does
    plugin.write_feeds()
    process = plugin._calendar_process
    if process is not None:
        process.join(60)
    full = _build(project, lang, tmp_path / "full")
    assert full is not plugin
    shown, expected = _pages(served), _pages(tmp_path / "full")
    assert shown.keys() == expected.keys()
    assert [name for name in shown if shown[name] != expected[name]] == []
    assert "Oasis Zebra Trading LLC" in shown["visits/index.html"]
    assert f"visits/{LUMINA}/index.html" not in shown
    assert _entries(served) == _entries(tmp_path / "full")
    assert "Okapi" in (served / "search" / "search_index.json").read_text(encoding="utf-8")
    assert sorted(os.listdir(served / "visits")) == sorted(os.listdir(tmp_path / "full" / "visits"))
    calendars = {p.name: _STAMP.sub("", p.read_text(encoding="utf-8"))
                 for p in (served / "visits").glob("*.ics")}
    assert calendars == {p.name: _STAMP.sub("", p.read_text(encoding="utf-8"))
                         for p in (tmp_path / "full" / "visits").glob("*.ics")}
    assert ("visits.ics" in calendars) is (lang == "zh")   # the English site links to these
