"""The packet and index renderer (generator.render), on the fixture visits, and what the built
site makes of its pages: search, calendars.

The renderer's tests are tables: each fixture visit, as written and without its optional parts,
in both languages, against the sections a packet must and must not show; each block of the
packet overridden in turn from a folder searched first. The site's tests read the session build
of the fixture project (``conftest.built_site``).
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURE_POLICY, FIXTURE_VISITS, ROOT, TODAY
from markupsafe import Markup
from sitebuild import search_index

from generator.country_notes import Note
from generator.derive import Facts, derive
from generator.models.local import Local
from generator.names import host_name
from generator.project import Paths, Result, country_tips, listed, load_project
from generator.render import Heading, RenderedPage, Renderer, Site

LANGS = ("zh", "en")
TEMPLATES = ROOT / "theme" / "packet"
MAIN = "2026-12-14-lumina-it"  # the fixture with every section
ZONE = "Asia/Shanghai"


@pytest.fixture(scope="module")
def project() -> Result:
    """The fixture visits and policy, with the handbook's pages (their country notes)."""
    result = load_project(Paths(ROOT, policy=FIXTURE_POLICY, visits=FIXTURE_VISITS),
                          today=TODAY, history=False)
    assert [p.format() for p in result.errors] == []
    return result


@pytest.fixture(scope="module")
def renderer(project: Result) -> Renderer:
    assert project.catalogue is not None and project.policy.model is not None
    return Renderer([TEMPLATES], project.catalogue, project.policy.model)


def _facts(project: Result, stem: str) -> Facts:
    return next(f for f in project.facts if f.stem == stem)


# --- Variants of the fixture visits -----------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Variant:
    """One packet to render: a fixture visit, maybe stripped of its optional parts."""

    stem: str
    stripped: bool

    @property
    def id(self) -> str:
        return f"{self.stem}{'-stripped' if self.stripped else ''}"

    def facts_and_notes(self, project: Result, lang: str) -> tuple[Facts, list[Note]]:
        facts = _facts(project, self.stem)
        if not self.stripped:
            return facts, country_tips(project, facts, lang)
        assert project.policy.model is not None
        visit = facts.visit
        bare = visit.model_copy(update={
            "client": visit.client.model_copy(update={"background": None}),
            "gifts": [], "notes": None, "hotel": None, "schedule": {}, "confidential": False,
            "visitors": [v.model_copy(update={"diet": []}) for v in visit.visitors]})
        derived = derive(bare, self.stem, project.policy.model)
        return dataclasses.replace(derived, checklist=[], findings=[], approved=[]), []


STEMS = sorted(p.stem for p in FIXTURE_VISITS.glob("*.yml"))
VARIANTS = [Variant(stem, stripped) for stem in STEMS for stripped in (False, True)]


@pytest.fixture(scope="module")
def rendered(project: Result, renderer: Renderer
             ) -> dict[tuple[str, str], tuple[Facts, list[Note], RenderedPage]]:
    out = {}
    for variant in VARIANTS:
        for lang in LANGS:
            facts, notes = variant.facts_and_notes(project, lang)
            page = renderer.packet(facts, lang, today=TODAY, zone=ZONE, notes=notes)
            out[variant.id, lang] = (facts, notes, page)
    return out


def _warnings(facts: Facts, project: Result) -> bool:
    assert project.policy.model is not None
    checks = project.policy.model.checks
    return any(checks[f.check].severity == "warning" for f in facts.findings)


def _tour_rules(facts: Facts, project: Result) -> bool:
    """Whether an item of the schedule is a tour the policy has rules for."""
    assert project.policy.model is not None
    tours = project.policy.model.tours
    return any(item.tour in tours for day in facts.days for item in day.items)


# (section, what shows it in the page, whether the packet has its data)
Has = Callable[[Facts, list[Note], Result], bool]
SECTIONS: list[tuple[str, str, Has]] = [
    ("summary", 'class="packet-card packet-card--visit"', lambda f, n, p: True),
    ("at a glance", 'class="packet-brief"', lambda f, n, p: True),
    ("contacts", '<h3 id="contacts"', lambda f, n, p: True),
    ("on each item", '<h3 id="on-each-item"', lambda f, n, p: True),
    ("to do", '<h3 id="to-do"', lambda f, n, p: True),
    ("open tasks", 'class="packet-todo__next"',
     lambda f, n, p: any(not e.done and not e.overdue(TODAY) for e in f.checklist)),
    ("approved", 'class="admonition success packet-approved"', lambda f, n, p: bool(f.approved)),
    ("confidential", 'class="admonition danger"', lambda f, n, p: f.visit.confidential),
    ("warnings", 'class="admonition warning packet-warnings"', lambda f, n, p: _warnings(f, p)),
    ("background", '<h2 id="background"', lambda f, n, p: bool(f.visit.client.background)),
    ("schedule", '<h2 id="schedule"', lambda f, n, p: True),
    ("schedule days", '<h3 id="day-1"', lambda f, n, p: bool(f.days)),
    ("tour rules", 'class="packet-tour"', lambda f, n, p: _tour_rules(f, p)),
    ("budget", '<h2 id="budget"', lambda f, n, p: bool(f.budget and f.budget.lines)),
    ("visitors", '<h2 id="visitors"', lambda f, n, p: bool(f.visit.visitors)),
    ("hosts", '<h2 id="hosts"', lambda f, n, p: bool(f.visit.hosts)),
    ("dietary", '<h2 id="dietary"', lambda f, n, p: True),
    ("dietary people", 'class="admonition tip"',
     lambda f, n, p: bool(f.diet is not None and f.diet.people)),
    ("tips", '<h2 id="country-tips"', lambda f, n, p: bool(n)),
    ("checklist", '<h2 id="checklist"', lambda f, n, p: bool(f.checklist)),
    ("gifts", '<h2 id="gifts"', lambda f, n, p: bool(f.visit.gifts)),
    ("notes", '<h2 id="notes"', lambda f, n, p: bool(f.visit.notes)),
    ("calendar", 'class="md-button"', lambda f, n, p: True),
]
OPTIONAL = [name for name, _, has in SECTIONS
            if name not in ("summary", "at a glance", "contacts", "on each item", "to do",
                            "schedule", "visitors", "hosts", "dietary", "calendar")]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("variant", VARIANTS, ids=[v.id for v in VARIANTS])
@pytest.mark.parametrize(("section", "marker", "has"), SECTIONS,
                         ids=[s[0] for s in SECTIONS])
def test_a_section_shows_when_its_data_is_there_and_only_then(
        rendered: dict[tuple[str, str], tuple[Facts, list[Note], RenderedPage]],
        project: Result, variant: Variant, lang: str, section: str, marker: str,
        has: Has) -> None:
    facts, notes, page = rendered[variant.id, lang]
    assert (marker in page.html) is has(facts, notes, project)


def test_the_variants_show_every_optional_section_and_leave_each_out(
        rendered: dict[tuple[str, str], tuple[Facts, list[Note], RenderedPage]],
        project: Result) -> None:
    """Otherwise the table above would not test "only then" for some section."""
    seen: dict[str, set[bool]] = {name: set() for name in OPTIONAL}
    for facts, notes, _page in rendered.values():
        for name, _marker, has in SECTIONS:
            if name in seen:
                seen[name].add(has(facts, notes, project))
    assert {name: values for name, values in seen.items() if values != {True, False}} == {}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("variant", VARIANTS, ids=[v.id for v in VARIANTS])
def test_each_section_shows_its_data(
        rendered: dict[tuple[str, str], tuple[Facts, list[Note], RenderedPage]],
        variant: Variant, lang: str) -> None:
    facts, notes, page = rendered[variant.id, lang]
    text = html.unescape(re.sub(r"<[^>]+>", " ", page.html))
    visit = facts.visit
    for value in [visit.client.company, visit.purpose(lang), *(v.name for v in visit.visitors),
                  *(host_name(h, lang) for h in visit.hosts), *(g(lang) for g in visit.gifts),
                  *(item.what(lang) for day in facts.days for item in day.items),
                  *(note.meta.title for note in notes),
                  *(tip for note in notes for tip in note.meta.tips)]:
        assert value in text, value
    assert len(re.findall(r'<h3 id="day-\d+"', page.html)) == len(facts.days)
    if visit.hotel is not None:
        assert visit.hotel.name(lang) in text
    assert len(re.findall(r'<input type="checkbox"', page.html)) == len(facts.checklist)
    assert page.title and page.title in text
    assert page.searchable is not visit.confidential


# --- The outline ---------------------------------------------------------------------------------

def _walk(headings: list[Heading], parent: Heading | None = None
          ) -> Iterator[tuple[Heading | None, Heading]]:
    for heading in headings:
        yield parent, heading
        yield from _walk(heading.children, heading)


def _pages(rendered: dict[tuple[str, str], tuple[Facts, list[Note], RenderedPage]],
           project: Result, renderer: Renderer) -> list[tuple[str, RenderedPage]]:
    pages = [(f"{key[0]}-{key[1]}", page) for key, (_, _, page) in rendered.items()]
    upcoming, past = listed(project)
    for lang in LANGS:
        pages.append((f"index-{lang}", renderer.index(upcoming, past, lang, TODAY)))
        pages.append((f"empty-index-{lang}", renderer.index([], [], lang, TODAY)))
    return pages


def test_every_heading_of_the_outline_is_a_heading_of_the_page_with_its_id(
        rendered: dict[tuple[str, str], tuple[Facts, list[Note], RenderedPage]],
        project: Result, renderer: Renderer) -> None:
    for name, page in _pages(rendered, project, renderer):
        headings = [h for _, h in _walk(page.toc)]
        ids = [h.id for h in headings]
        assert len(set(ids)) == len(ids), (name, ids)
        for h in headings:
            found = re.findall(rf'<h{h.level} id="{re.escape(h.id)}"[^>]*>(.*?)</h{h.level}>',
                               page.html)
            assert len(found) == 1, (name, h)
            shown = html.unescape(re.sub(r"<[^>]+>", "", found[0])).replace("¶", "")
            assert shown == h.title, (name, h)
        # and no heading on the page is missing from the outline
        assert len(re.findall(r"<h[1-6][\s>]", page.html)) == len(headings), name


def test_the_outline_nests_h2_under_h1_and_h3_under_h2(
        rendered: dict[tuple[str, str], tuple[Facts, list[Note], RenderedPage]],
        project: Result, renderer: Renderer) -> None:
    for name, page in _pages(rendered, project, renderer):
        assert [h.level for h in page.toc] == [1], name
        for parent, heading in _walk(page.toc):
            if parent is not None:
                assert heading.level == parent.level + 1, (name, parent.id, heading.id)
        levels = {h.level for _, h in _walk(page.toc)}
        assert levels <= {1, 2, 3}, name


@pytest.mark.parametrize("lang", LANGS)
def test_outline_of_a_full_packet(
        rendered: dict[tuple[str, str], tuple[Facts, list[Note], RenderedPage]],
        lang: str) -> None:
    facts, notes, page = rendered[MAIN, lang]
    (root,) = page.toc
    assert (root.id, root.title) == ("packet", page.title)
    outline = {h.id: [c.id for c in h.children] for h in root.children}
    assert list(outline) == ["at-a-glance", "background", "schedule", "budget", "visitors",
                             "hosts", "dietary", "country-tips", "checklist", "gifts", "notes"]
    assert outline["at-a-glance"] == ["contacts", "on-each-item", "to-do"]
    assert outline["schedule"] == [f"day-{d.number}" for d in facts.days]
    assert outline["country-tips"] == [f"tips-{n}" for n in range(1, len(notes) + 1)]
    phases = {e.phase for e in facts.checklist}
    assert outline["checklist"] == [f"checklist-{p}" for p in ("before", "during", "after")
                                    if p in phases]


@pytest.mark.parametrize("lang", LANGS)
def test_index_lists_upcoming_then_past_with_links_to_the_packets(
        project: Result, renderer: Renderer, lang: str) -> None:
    upcoming, past = listed(project)
    assert upcoming and past
    page = renderer.index(upcoming, past, lang, TODAY)
    assert [(h.id, [c.id for c in h.children]) for h in page.toc] == [
        ("visits", ["upcoming", "past", "by-month"])]  # month view: tests/test_visits_index.py
    before, after = str(page.html).split('<h2 id="past"')
    assert [f.stem for f in upcoming] == re.findall(r'<a href="([^"]+)/">', before)
    assert [f.stem for f in past] == re.findall(r'<a href="([^"]+)/">', after)
    assert not [f for f in project.facts if f.visit.confidential
                and f.stem in page.html], "confidential visits are not listed"


def test_site_links_come_from_the_site(project: Result, renderer: Renderer) -> None:
    site = Site(link=lambda target: f"/L/{target}", calendar=lambda name: f"/C/{name}",
                packet=lambda stem: f"/P/{stem}", icon=lambda name: Markup(f"<i>{name}</i>"))
    facts = _facts(project, MAIN)
    page = renderer.packet(facts, "en", today=TODAY, zone=ZONE,
                           notes=country_tips(project, facts, "en"), site=site)
    assert f'href="/C/{MAIN}.ics"><i>material/calendar-plus</i>' in page.html
    assert 'href="/L/guide/' in page.html and 'href="../../' not in page.html
    upcoming, past = listed(project)
    index = renderer.index(upcoming, past, "en", TODAY, site)
    assert f'href="/P/{upcoming[0].stem}"' in index.html
    assert 'href="/C/visits.ics"><i>material/calendar-month</i>' in index.html


# --- Overriding one block ------------------------------------------------------------------------

MARKER = '<p class="site-override">the site\'s own {name}</p>'
# (block, what only that block writes)
BLOCKS = [
    ("summary.html", ['class="packet-brief"', 'id="background"', 'id="contacts"']),
    ("contacts.html", ['id="contacts"', 'href="tel:']),
    ("run.html", ['id="on-each-item"', 'id="to-do"']),
    ("schedule.html", ['id="schedule"', 'id="day-1"', 'class="packet-tour"']),
    ("budget.html", ['id="budget"']),
    ("people.html", ['id="visitors"', 'id="hosts"']),
    ("diets.html", ['id="dietary"']),
    ("tips.html", ['id="country-tips"']),
    ("checklist.html", ['id="checklist"', 'type="checkbox"']),
    ("notes.html", ['id="gifts"', 'id="notes"']),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("block", "own"), BLOCKS, ids=[b[0] for b in BLOCKS])
def test_an_override_replaces_only_its_block(project: Result, renderer: Renderer,
                                             tmp_path: Path, lang: str, block: str,
                                             own: list[str]) -> None:
    assert (TEMPLATES / block).is_file()
    custom = tmp_path / "handbook"
    custom.mkdir()
    marker = MARKER.format(name=block)
    (custom / block).write_text(marker, encoding="utf-8")
    (custom / "unused.html").write_text("<p>never included</p>", encoding="utf-8")
    assert project.catalogue is not None and project.policy.model is not None
    overridden = Renderer([custom, TEMPLATES], project.catalogue, project.policy.model)
    facts = _facts(project, MAIN)
    notes = country_tips(project, facts, lang)
    default = str(renderer.packet(facts, lang, today=TODAY, zone=ZONE, notes=notes).html)
    page = overridden.packet(facts, lang, today=TODAY, zone=ZONE, notes=notes)
    before, after = str(page.html).split(marker)
    assert default.startswith(before) and default.endswith(after)
    replaced = default[len(before):len(default) - len(after)]
    for fragment in own:
        assert fragment in replaced and fragment not in page.html, fragment
    assert "never included" not in page.html
    # the outline loses the block's headings and nothing else
    default_ids = [h.id for _, h in _walk(renderer.packet(
        facts, lang, today=TODAY, zone=ZONE, notes=notes).toc)]
    ids = [h.id for _, h in _walk(page.toc)]
    assert ids == [i for i in default_ids if f'id="{i}"' not in replaced]


def test_an_override_is_autoescaped_and_sees_the_same_context(
        project: Result, tmp_path: Path) -> None:
    (tmp_path / "people.html").write_text(
        '{{ outline.heading(2, "people", t("visitors_table")) }}\n'
        "<p>{{ v.visitors | map(attribute='name') | join(', ') }} &amp; {{ '<b>' }}</p>\n",
        encoding="utf-8")
    assert project.catalogue is not None and project.policy.model is not None
    page = Renderer([tmp_path, TEMPLATES], project.catalogue, project.policy.model).packet(
        _facts(project, MAIN), "en", today=TODAY, zone=ZONE)
    assert "<p>Giulia Romano, Marco Bianchi &amp; &lt;b&gt;</p>" in page.html
    assert "people" in [h.id for _, h in _walk(page.toc)]


# --- The built site: search and calendars --------------------------------------------------------

def _packet_text(site: Path, lang: str, stem: str) -> str:
    """All the search index holds of one packet, as text (Chinese words are separated by
    zero-width spaces in the index: they go)."""
    docs = search_index(site / ("" if lang == "zh" else "en"))
    entries = [d for d in docs if d["location"].startswith(f"visits/{stem}/")]
    assert entries, f"{stem} is not in the {lang} search index"
    text = " ".join(f"{d['title']} {d['text']}" for d in entries)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("\u200b", "").split())


def _searched(*values: Any, lang: str | None = None) -> list[str]:
    """The values as search holds them: white space collapsed; a visit file's free text
    (:class:`Local`) in *lang*, the language of the index."""
    return [" ".join(str(v(lang) if lang and isinstance(v, Local) else v).split())
            for v in values if v]


@pytest.mark.parametrize("lang", LANGS)
def test_search_finds_the_packets_people_places_and_purpose(
        built_site: Path, project: Result, renderer: Renderer, lang: str) -> None:
    facts = _facts(project, MAIN)
    visit = facts.visit
    text = _packet_text(built_site, lang, MAIN)
    wanted = _searched(visit.client.company, renderer.title(facts, lang), visit.purpose,
                       *(v.name for v in visit.visitors), *(h.name for h in visit.hosts),
                       *(item.where for _d, _n, item in visit.items()),
                       visit.hotel.name if visit.hotel else None, visit.arrival.place,
                       lang=lang)
    assert len(wanted) > 8
    assert [value for value in wanted if value not in text] == []


@pytest.mark.parametrize("lang", LANGS)
def test_search_leaves_out_the_checklist_tips_diets_and_warnings(
        built_site: Path, project: Result, lang: str) -> None:
    assert project.policy.model is not None
    policy = project.policy.model
    facts = _facts(project, MAIN)
    text = _packet_text(built_site, lang, MAIN)
    notes = country_tips(project, facts, lang)
    assert facts.checklist and notes and facts.diet is not None and facts.diet.combined
    hidden = {
        "checklist": _searched(*(e.label(lang) for e in facts.checklist)),
        "tips": _searched(*(tip for note in notes for tip in note.meta.tips)),
        "diets": _searched(*(policy.diets[word].restaurant(lang)
                             for word, _count in facts.diet.combined)),
        "warnings": _searched(*(f.message(policy, lang) for f in facts.findings
                                if policy.checks[f.check].severity == "warning")),
    }
    assert all(hidden.values()), hidden
    assert {block: [v for v in values if v in text] for block, values in hidden.items()} == {
        block: [] for block in hidden}
    # the control: the same texts are on the page itself
    page = html.unescape((built_site / ("" if lang == "zh" else "en") / "visits" / MAIN /
                          "index.html").read_text(encoding="utf-8"))
    shown = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert [v for values in hidden.values() for v in values if v not in shown] == []


CALENDAR_LINK = re.compile(r'<a class="md-button" href="([^"]+\.ics)"')


@pytest.mark.parametrize(("prefix", "page", "calendar"), [
    ("", f"visits/{MAIN}/", f"visits/{MAIN}.ics"),
    ("en/", f"visits/{MAIN}/", f"visits/{MAIN}.ics"),
    ("", "visits/", "visits/visits.ics"),
    ("en/", "visits/", "visits/visits.ics"),
])
def test_calendar_links_lead_to_the_one_set_of_calendars(
        built_site: Path, prefix: str, page: str, calendar: str) -> None:
    folder = built_site / prefix / page
    links = CALENDAR_LINK.findall((folder / "index.html").read_text(encoding="utf-8"))
    assert len(links) == 1, links
    target = (folder / links[0]).resolve()
    assert target == (built_site / calendar).resolve()
    assert target.is_file() and target.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_the_english_site_has_no_calendars_of_its_own(built_site: Path) -> None:
    assert sorted((built_site / "visits").glob("*.ics"))
    assert list((built_site / "en").rglob("*.ics")) == []


# --- Labels written in when a template compiles -------------------------------------------------

# (template, what it shows in zh, the label's text, whether the compiled template holds that text
# itself, or looks the label up as the page renders)
CONSTANTS: list[tuple[str, str, str, bool]] = [
    ('{{ L.schedule }}', "日程", "日程", True),
    ('{{ P.colon }}', "：", "：", True),
    ('{{ t("rule") }}', "规则", "规则", True),
    ('{{ P["list"] }}', "、", "、", False),                   # P[...]: looked up
    ('{{ t("day_n", n=2) }}', "第 2 天", "第", False),        # a message with values
    ('{{ L["phase_" ~ "before"] }}', "来访前", "来访前", False),  # a key made as it renders
    ('{% set L = {"schedule": "mine"} %}{{ L.schedule }}', "mine", "日程", False),  # bound
    ('{% macro shown(t) %}{{ t }}{% endmacro %}{{ shown("given") }}{{ t("rule") }}',
     "given规则", "规则", False),                              # t is an argument here
    ('{% set d = {"L": "x"} %}{{ d.L }}{{ L.schedule }}', "x日程", "日程", True),  # d.L is d's
]


@pytest.mark.parametrize(("source", "shown", "label", "folded"), CONSTANTS,
                         ids=[c[0] for c in CONSTANTS])
def test_labels_are_written_into_a_template_when_it_compiles(
        project: Result, tmp_path: Path, source: str, shown: str, label: str,
        folded: bool) -> None:
    assert project.catalogue is not None and project.policy.model is not None
    (tmp_path / "packet.html").write_text(source, encoding="utf-8")
    custom = Renderer([tmp_path, TEMPLATES], project.catalogue, project.policy.model)
    page = custom.packet(_facts(project, MAIN), "zh", today=TODAY, zone=ZONE)
    assert str(page.html) == shown
    code = custom._env("zh").compile(source, raw=True)
    assert (repr(label)[1:-1] in code or label in code) is folded, code


def test_an_unknown_label_stops_the_compilation_at_its_line(project: Result,
                                                            tmp_path: Path) -> None:
    assert project.catalogue is not None and project.policy.model is not None
    (tmp_path / "packet.html").write_text("<p>{{ L.schedule }}</p>\n<p>{{ L.no_such_label }}</p>",
                                          encoding="utf-8")
    custom = Renderer([tmp_path, TEMPLATES], project.catalogue, project.policy.model)
    with pytest.raises(Exception, match="no_such_label") as raised:
        custom.packet(_facts(project, MAIN), "en", today=TODAY, zone=ZONE)
    assert getattr(raised.value, "lineno", None) == 2
    assert "packet.html" in str(getattr(raised.value, "filename", ""))


def test_blocks_import_the_macros_without_context() -> None:
    """An import with context runs macros.html again on every page; without, once a build."""
    imports = {path.name: re.findall(r"{%-?\s*import\s+\"macros.html\"[^%]*%}",
                                     path.read_text(encoding="utf-8"))
               for path in TEMPLATES.glob("*.html")}
    found = [statement for found in imports.values() for statement in found]
    assert found and not [s for s in found if "context" in s], imports


# --- Icons as CSS -------------------------------------------------------------------------------

MATERIAL_ICONS = Path(__import__("material").__file__).parent / "templates" / ".icons"
OUR_ICONS = ROOT / "theme" / "overrides" / ".icons"
HANDBOOK_CSS = ROOT / "theme" / "overrides" / "assets" / "stylesheets" / "handbook.css"


def _overridden_icons() -> dict[str, Path]:
    return {path.relative_to(OUR_ICONS).with_suffix("").as_posix(): path
            for path in sorted(OUR_ICONS.rglob("*.svg"))}


def test_each_overridden_icon_is_a_css_mask_of_materials_icon() -> None:
    """Each icon of theme/overrides/.icons is an empty <svg class="icon-NAME"> whose rule in
    handbook.css paints Material's icon of the same name (its path data, without the
    comment): when Material changes an icon, this says which rule to write again."""
    icons = _overridden_icons()
    assert {"material/alert", "material/magnify", "material/handshake"} <= set(icons)
    css = HANDBOOK_CSS.read_text(encoding="utf-8")
    classes = set()
    for name, path in icons.items():
        cls = "icon-" + name.rsplit("/", 1)[-1]
        assert path.read_text(encoding="utf-8").strip() == f'<svg class="{cls}"></svg>', name
        classes.add(cls)
        original = (MATERIAL_ICONS / f"{name}.svg").read_text(encoding="utf-8").strip()
        svg = re.sub(r"<!--.*?-->", "", original)
        size = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
        assert size is not None, name
        width, height = size.groups()
        ratio = "" if width == height else f" aspect-ratio: {width} / {height};"  # else 1
        rule = f".{cls} {{ --icon: url('data:image/svg+xml;charset=utf-8,{svg}');{ratio} }}"
        assert rule in css.splitlines(), f"handbook.css needs, for {name}:\n{rule}"
    assert len(classes) == len(icons), "two icons would share a class"


class _Tagless(yaml.SafeLoader):
    """The MkDocs configuration without its Python tags (!!python/name: …)."""


_Tagless.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)
_Tagless.add_constructor("!ENV", lambda *_: None)


def test_materials_css_icons_do_not_name_an_overridden_icon() -> None:
    """Material imports the icons that theme.icon.admonition, .annotation and .tag name and
    turns them into CSS itself: an overridden one (an empty <svg>) would show nothing."""
    config = yaml.load((ROOT / "mkdocs.base.yml").read_text(encoding="utf-8"), Loader=_Tagless)
    icon = (config.get("theme") or {}).get("icon") or {}
    named = [icon.get("annotation"), *(icon.get("admonition") or {}).values(),
             *(icon.get("tag") or {}).values()]
    assert [name for name in named if name in _overridden_icons()] == []


def _packet_pages(site: Path) -> list[Path]:
    return [site / prefix / "visits" / stem / "index.html"
            for prefix in ("", "en") for stem in STEMS]


def test_packet_pages_inline_no_icon_and_list_their_sections(built_site: Path) -> None:
    """What a phone downloads: no inline SVG path (every icon of the header, navigation,
    packet and footer is a CSS mask), and a table of contents of the packet's sections (its
    h2 headings, in order), not of every day and card under them."""
    for page in _packet_pages(built_site):
        text = page.read_text(encoding="utf-8")
        assert "<path" not in text, page
        toc = re.search(r'<nav class="md-nav md-nav--secondary".*?</nav>', text, re.S)
        assert toc is not None, page
        listed_ids = re.findall(r'href="#([^"]+)"', toc.group(0))
        article = text[text.index("<article"):text.index("</article>")]
        assert listed_ids == re.findall(r'<h2 id="([^"]+)"', article), page
        assert "day-1" not in listed_ids


def test_the_documented_context_is_the_context(project: Result, renderer: Renderer,
                                               tmp_path: Path) -> None:
    """The comment at the top of packet.html names every variable, global and filter of its
    own that a block sees (an override relies on it)."""
    import jinja2

    comment = (TEMPLATES / "packet.html").read_text(encoding="utf-8").split("-#}", 1)[0]
    documented = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", comment))
    assert project.catalogue is not None and project.policy.model is not None
    (tmp_path / "packet.html").write_text("{{ names() }}", encoding="utf-8")
    custom = Renderer([tmp_path, TEMPLATES], project.catalogue, project.policy.model)
    env = custom._env("en")
    env.globals["names"] = jinja2.pass_context(lambda context: " ".join(sorted(context.keys())))
    page = custom.packet(_facts(project, MAIN), "en", today=TODAY, zone=ZONE)
    shown = set(str(page.html).split()) - {"names", "range", "dict", "lipsum", "cycler",
                                           "joiner", "namespace"}  # Jinja's own
    own_filters = set(env.filters) - set(jinja2.Environment().filters)
    assert {"tr", "date", "L", "checklist"} <= shown | own_filters
    assert sorted((shown | own_filters) - documented) == []


# --- Country tips: a line an earlier page showed is not repeated --------------------------

def _note(page: str, title: str, **meta: Any) -> Note:
    from generator.country_notes import NoteMeta

    return Note(page, NoteMeta.model_validate({"title": title, "countries": ["IT"], **meta}))


def _tips_sections(page: RenderedPage) -> list[list[str]]:
    """The lines under each country-tips heading, as text, in order."""
    html_text = str(page.html)
    start = html_text.index('id="country-tips"')
    end = html_text.index("<h2", start)
    sections = html_text[start:end].split('<h3 id="tips-')[1:]
    return [[" ".join(re.sub(r"<[^>]+>", "", li).split())
             for li in re.findall(r"<li>(.*?)</li>", section)] for section in sections]


PUNCTUAL = ("punctuality", "punctuality_punctual")  # a label and its value, both from the catalogue
FLEXIBLE = ("punctuality", "punctuality_flexible")

TIP_CASES = [
    pytest.param(
        [dict(tips=["Lunch is short.", "Clean the route."]),
         dict(tips=["Talk football.", "Lunch is short."])],
        [["Lunch is short.", "Clean the route."], ["Talk football."]],
        id="a-shared-tip-once"),
    pytest.param(
        [dict(tips=["A"], punctuality="punctual"), dict(tips=["B"], punctuality="punctual")],
        [["A", PUNCTUAL], ["B"]],
        id="the-same-punctuality-once"),
    pytest.param(
        [dict(tips=["A"], punctuality="punctual"), dict(tips=["B"], punctuality="flexible")],
        [["A", PUNCTUAL], ["B", FLEXIBLE]],
        id="different-punctuality-both"),
    pytest.param(
        [dict(tips=["A"], diet_defaults=["vegetarian"]),
         dict(tips=["A"], diet_defaults=["vegetarian"])],
        [["A", ("ask_about", "vegetarian")], []],
        id="a-page-with-nothing-new-keeps-its-heading-only"),
    pytest.param(
        [dict(tips=["A"], diet_defaults=["vegetarian"]),
         dict(tips=["B"], diet_defaults=["vegetarian", "halal"])],
        [["A", ("ask_about", "vegetarian")], ["B", ("ask_about", "vegetarian", "halal")]],
        id="other-diets-to-ask-about-are-new"),
    pytest.param(
        [dict(tips=["Lunch is short."]), dict(tips=["Lunch is short!"])],
        [["Lunch is short."], ["Lunch is short!"]],
        id="only-the-same-text-is-the-same-tip"),
    pytest.param(
        [dict(tips=["A"], interpreter="Italian"), dict(tips=["B"], interpreter="Italian")],
        [["A", ("interpreter", "=Italian")], ["B"]],
        id="the-same-interpreter-hint-once"),
]


def _line(project: Result, line: str | tuple[str, ...]) -> str:
    """A tip as the English packet prints it: text as it is; (label, value, ...) as
    "Label: value, value", each value a catalogue key, a diet word or "=text"."""
    if isinstance(line, str):
        return line
    assert project.catalogue is not None and project.policy.model is not None
    diets = project.policy.model.diets
    label, *values = line
    shown = []
    for value in values:
        if value.startswith("="):
            shown.append(value[1:])
        elif value in diets:
            shown.append(diets[value].name("en"))
        else:
            shown.append(project.catalogue.t("en", value))
    return f"{project.catalogue.t('en', label)}: {', '.join(shown)}"


@pytest.mark.parametrize(("metas", "expected"), TIP_CASES)
def test_country_tips_do_not_repeat_a_line(project: Result, renderer: Renderer,
                                          metas: list[dict[str, Any]],
                                          expected: list[list[str | tuple[str, ...]]]) -> None:
    notes = [_note(f"countries/page-{n}.md", f"Page {n}", **meta)
             for n, meta in enumerate(metas, start=1)]
    page = renderer.packet(_facts(project, MAIN), "en", today=TODAY, zone=ZONE, notes=notes)
    assert _tips_sections(page) == [[_line(project, line) for line in lines] for lines in expected]
    html_text = str(page.html)
    for n in range(1, len(metas) + 1):  # every page keeps its heading and its link
        assert f'id="tips-{n}"' in html_text and f'page-{n}' in html_text, n
