"""Hostile text in every field of a visit file stays text, in every output of the site.

A visit file is written by hand; whatever it says must show as written and never become markup:
in the packet (head title, meta description, header, body), the navigation, tabs and footer, the
visits index, the search index and its results, the calendars and ``handbook check --format
json``. The corpus below puts script injections in every text field; the site is built with the
real MkDocs (the packets are also put in the navigation, with tabs, so that every template
that prints a page title prints a hostile one) and read both as files and in Chromium.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import subprocess
import sys
import zoneinfo
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import icalendar
import pytest
import yaml
from browsing import search, serve
from conftest import ROOT, TODAY
from markupsafe import Markup
from mkdocs.theme import Theme
from sitebuild import copy_project, mkdocs_build, search_index

from generator.calendar import all_visits_calendar, visit_calendar
from generator.derive import derive
from generator.escape import html_text, plain
from generator.i18n import load_catalogue
from generator.load import load_visit
from generator.models import Policy
from generator.plugin import page_text_as_html
from generator.render import Renderer

# Each payload, if it ever became markup, would call alert, log to the console or set a
# data attribute with the marker XSS. No underscores or asterisks: Markdown fields would
# (rightly) read them as emphasis and the text would no longer show character for character.
PAYLOADS = [
    "<script>alert('XSS')</script>",
    "\"><svg onload=alert('XSS')>",
    "</title><script>alert('XSS')</script>",
    "<img src=x onerror=alert('XSS')>",
    "'><img src=x onerror=\"document.documentElement.dataset.pwned='XSS'\">",
    "&lt;/title&gt;<script>console.log('XSS')</script>",
    "</textarea></style></noscript><script>alert('XSS')</script>",
    "{{ 7 * 7 }} {% raw %} ${7*7}",
    "END:VEVENT;x,y\\z BEGIN:VEVENT",  # calendar syntax: ; , \\ must be escaped there
]
TITLE_PAYLOAD = ("</title><script>alert('XSS')</script> &lt;/title&gt;&lt;script&gt; "
                 "\"><svg onload=alert('XSS')> ;,\\")
# Fields the packet shows as Markdown: the payload must show as text, formatting still works.
MARKDOWN_FIELDS = {"background", "item-notes", "notes"}
MARKDOWN_TAIL = "\n\n**bold** and [a link](https://example.com/?q=%22%3E%3Csvg%3E)\n"


class Corpus:
    """Hostile values, one per field, each starting with its field's label."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.values: dict[str, str] = {}
        self.langs: dict[str, str] = {}  # labels shown in one packet language only

    def shown_in(self, lang: str) -> dict[str, str]:
        """The values a *lang* packet shows."""
        return {label: value for label, value in self.values.items()
                if self.langs.get(label, lang) == lang}

    def __call__(self, label: str, payload: str | None = None, *, lang: str | None = None
                 ) -> str:
        payload = payload or PAYLOADS[len(self.values) % len(PAYLOADS)]
        text = f"{self.prefix}{label} {payload}"
        if lang is not None:
            self.langs[label] = lang
        self.values[label] = text
        return text + (MARKDOWN_TAIL if label in MARKDOWN_FIELDS else "")


def hostile_visit(corpus: Corpus, *, day: dt.date, titled: bool) -> dict[str, Any]:
    """A valid visit with a hostile text in every text field a visit file has."""
    owner = corpus("owner")
    second = corpus("host2", lang="zh")  # the English packet shows its name_en
    day2 = day + dt.timedelta(days=1)
    data: dict[str, Any] = {
        "client": {"company": corpus("company"), "country": "DE",
                   "relationship": "customer", "background": corpus("background")},
        "purpose": corpus("purpose"),
        "tier": "C",
        "owner": owner,
        "arrival": {"at": f"{day} 09:30", "by": "flight", "number": corpus("arr-number"),
                    "place": corpus("arr-place"), "pickup": True, "meet": corpus("arr-meet"),
                    "driver": {"name": corpus("driver"), "phone": "+86 138 0000 0001",
                               "car": corpus("car"), "plate": corpus("plate")}},
        "departure": {"at": f"{day2} 18:00", "by": "train", "number": corpus("dep-number"),
                      "place": corpus("dep-place"), "send_off": True,
                      "meet": {"en": corpus("dep-meet")}},  # English only: marked in zh
        "hotel": {"name": corpus("hotel"), "check_in": day, "check_out": day2,
                  "paid_by": "guest", "phone": "+86 21 0000 0000",
                  "address": {"zh": corpus("address-zh", lang="zh"),
                              "en": corpus("address-en", lang="en")}},
        "visitors": [
            {"name": corpus("visitor"), "name_zh": corpus("visitor-zh", lang="zh"),
             "title": corpus("visitor-title"), "principal": True,
             "languages": ["en"], "diet": ["halal"], "notes": corpus("visitor-notes")},
            {"name": corpus("visitor2"), "title": corpus("visitor2-title"),
             "languages": ["de", "en"]},
        ],
        "hosts": [
            {"name": owner, "dept": "sales", "role": corpus("role"), "languages": ["en"]},
            {"name": second, "name_en": corpus("host2-en", lang="en"), "dept": "admin",
             "role": {"zh": corpus("role2-zh", lang="zh"), "en": corpus("role2", lang="en")},
             "languages": ["en"], "phone": "+86 139 0000 0002"},
        ],
        "schedule": {
            day: [
                {"at": "12:00", "what": corpus("lunch"), "where": corpus("lunch-where"),
                 "meal": "lunch", "budget": 5000, "with": [owner]},
                {"at": "14:00", "to": "16:00", "what": corpus("after-lunch"),
                 "where": corpus("where"), "notes": corpus("item-notes"), "tour": "showroom"},
            ],
            day2: [{"at": "10:00", "what": {"zh": corpus("day2")}, "with": [owner, second]}],
        },
        "gifts": [corpus("gift")],
        "checklist": [{"task": corpus("task"), "owner": "sales", "due": "-2d"}],
        "notes": corpus("notes"),
    }
    if titled:
        # the title is printed in most places: in it, what is most likely to break out there
        data = {"title": corpus("title", TITLE_PAYLOAD), **data}
    return data


PLAIN_VISIT: dict[str, Any] = {
    "client": {"company": "Plain GmbH", "country": "DE"},
    "purpose": "A visit with nothing unusual in it",
    "tier": "C",
    "owner": "李娜",
    "arrival": {"at": "2026-12-18 09:30", "by": "flight"},
    "departure": {"at": "2026-12-18 18:00", "by": "flight"},
    "visitors": [{"name": "Hans Müller", "languages": ["en"]}],
    "hosts": [{"name": "李娜", "dept": "sales", "languages": ["en"]}],
}

TITLED = "2026-12-14-hostile"    # every field hostile, its own title
UNTITLED = "2026-12-16-untitled"  # every field hostile, the title made from the company
PLAIN = "2026-12-18-plain"        # the control: the site's own scripts on a packet page
A = Corpus("A-")
B = Corpus("B-")
VISITS = {TITLED: hostile_visit(A, day=dt.date(2026, 12, 14), titled=True),
          UNTITLED: hostile_visit(B, day=dt.date(2026, 12, 16), titled=False),
          PLAIN: PLAIN_VISIT}
CORPORA = {TITLED: A, UNTITLED: B}
SEARCH_WORD = "Quokkacorp"  # in the untitled visit's company: a word search can find
VISITS[UNTITLED]["client"]["company"] = f"{SEARCH_WORD} {PAYLOADS[1]} & Co"
B.values["company"] = VISITS[UNTITLED]["client"]["company"]
LANGS = {"zh": "", "en": "en/"}
VISIT_WORD = {"zh": "来访", "en": "visit"}  # messages.yml "visit": the default title's tail


def title_of(stem: str, lang: str) -> str:
    corpus = CORPORA[stem]
    if "title" in corpus.values:
        return corpus.values["title"]
    return f"{corpus.values['company']} {VISIT_WORD[lang]}"


def write_visits(folder: Path) -> None:
    for old in folder.glob("*"):
        if old.is_file():
            old.unlink()
    for stem, data in VISITS.items():
        (folder / f"{stem}.yml").write_text(yaml.safe_dump(data, allow_unicode=True,
                                                           sort_keys=False), encoding="utf-8")


# --- Without a build: the serialisers --------------------------------------------------------

NASTY = ["---", "...", "a\n---\nb", "x: y # z", "\x85 NEL", "\u2028 LS", "\x00\x07\x1b",
         "'\"\\", "\ufeffBOM", "中文 😀", "- [a]", "{a: b}", "&amp; <b>", "true", "2026-12-08"]


@pytest.mark.parametrize("value", NASTY)
def test_page_text_is_escaped_once_and_reads_back_as_written(value: str) -> None:
    # A generated page's title and description are set by the plugin (no front matter), then
    # escaped once for the templates that print them as they are.
    packet = {"stem": "2026-12-08-x", "confidential": False}
    page = SimpleNamespace(title=value, meta={"title": value, "description": f"{value} · x",
                                              "packet": dict(packet)})
    page_text_as_html(page)  # type: ignore[arg-type]
    for shown, written in ((page.title, value), (page.meta["title"], value),
                           (page.meta["description"], f"{value} · x")):
        assert isinstance(shown, Markup)
        assert html.unescape(shown) == written
        assert "<" not in shown and html_text(shown) == shown  # escaped once, and only once
    assert page.meta["packet"] == packet  # data, not text for a template


def test_plain_text_is_one_line_without_control_characters() -> None:
    assert plain(" a\n\tb\r\n c\x00\x07\x1b\x7f\x9f d\x85e\u2028f ") == "a b c d e f"
    assert plain("<b>&amp;</b>") == "<b>&amp;</b>"  # plain text is not markup: kept as is


def test_html_text_escapes_once() -> None:
    once = html_text("</title><b a=\"1\">&amp;")
    assert once == "&lt;/title&gt;&lt;b a=&#34;1&#34;&gt;&amp;amp;"
    assert html_text(once) == once
    assert html.unescape(once) == "</title><b a=\"1\">&amp;"


@pytest.mark.parametrize("meta", [{}, {"title": html_text(TITLE_PAYLOAD)}])
def test_head_title_of_a_generated_page_is_never_unescaped(meta: dict[str, Any]) -> None:
    # Material's own block pipes page.title through striptags, which unescapes it: escaped
    # "</title><script>" would come out live. main.html prints it with `e` instead.
    theme = Theme(name="material", custom_dir=str(ROOT / "theme" / "overrides"))
    template = theme.get_env().get_template("main.html")
    page = SimpleNamespace(meta=meta, title=html_text(TITLE_PAYLOAD), is_homepage=False,
                           file=SimpleNamespace(generated_by="handbook"))
    context = template.new_context({"page": page, "config": {"site_name": "Site"}})
    head = "".join(template.blocks["htmltitle"](context)).strip()
    assert head == f"<title>{html_text(TITLE_PAYLOAD)} - Site</title>"
    assert Document(head).text("title") == [f"{TITLE_PAYLOAD} - Site"]


def test_head_title_from_a_heading_is_never_unescaped() -> None:
    # A handbook page titled by its first heading: MkDocs gives that title as HTML.
    theme = Theme(name="material", custom_dir=str(ROOT / "theme" / "overrides"))
    template = theme.get_env().get_template("main.html")
    heading = "Use <code>&lt;/title&gt;&lt;script&gt;</code> &amp; more"
    page = SimpleNamespace(meta={}, title=heading, is_homepage=False,
                           file=SimpleNamespace(generated_by=None))
    context = template.new_context({"page": page, "config": {"site_name": "Site"}})
    head = "".join(template.blocks["htmltitle"](context)).strip()
    assert Document(head).text("title") == ["Use </title><script> & more - Site"]
    assert [e.tag for e in Document(head).elements] == ["title"]


@pytest.fixture(scope="module")
def renderer(policy: Policy) -> Renderer:
    return Renderer([ROOT / "theme" / "packet"],
                    load_catalogue(ROOT / "theme" / "messages.yml"), policy)


@pytest.fixture(scope="module")
def facts(policy: Policy, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("hostile-visits")
    write_visits(folder)
    out = {}
    for stem in VISITS:
        loaded = load_visit(folder / f"{stem}.yml", policy, folder)
        assert loaded.model is not None, [p.format() for p in loaded.problems]
        out[stem] = derive(loaded.model, stem, policy)
    return out


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("stem", [TITLED, UNTITLED])
def test_packet_title_and_description_hold_the_text_as_written(
        renderer: Renderer, facts: dict[str, Any], stem: str, lang: str) -> None:
    page = renderer.packet(facts[stem], lang, today=TODAY, zone="Asia/Shanghai")
    assert page.title == title_of(stem, lang)
    values = CORPORA[stem].values
    assert page.description.startswith(values["company"] + " · ")
    assert page.description.endswith(" · " + values["purpose"])
    assert page.searchable
    assert page.toc[0].title == title_of(stem, lang)  # the outline's text is plain text too


def test_no_schedule_item_vanishes_after_a_meal_with_diets(
        renderer: Renderer, facts: dict[str, Any]) -> None:
    body = str(renderer.packet(facts[TITLED], "en", today=TODAY, zone="Asia/Shanghai").html)
    schedule = body[body.index('id="schedule"'):body.index('id="visitors"')]
    items = re.findall(r"<li>(.*?)</li>", schedule, re.S)
    starts = [re.search(r"<strong>(\d\d:\d\d)", item) for item in items]
    assert [m.group(1) for m in starts if m] == ["12:00", "14:00", "10:00"]
    lunch = next(item for item in items if "12:00" in item)
    assert "Tell the restaurant" in lunch and "14:00" not in lunch


def _text_value(raw: Any) -> str:
    """An X- property's value as TEXT (RFC 5545 3.3.11), which icalendar leaves escaped."""
    escapes = {"\\\\": "\\", "\\;": ";", "\\,": ",", "\\n": "\n", "\\N": "\n"}
    return re.sub(r"\\[\\;,nN]", lambda m: escapes[m.group(0)], raw.to_ical().decode())


def _events(data: bytes) -> list[Any]:
    calendar = icalendar.Calendar.from_ical(data)
    events: list[Any] = calendar.walk("VEVENT")
    return events


def test_calendar_text_reads_back_as_written(facts: dict[str, Any]) -> None:
    zone = zoneinfo.ZoneInfo("Asia/Shanghai")
    data = visit_calendar(facts[TITLED], zone, TODAY)
    events = _events(data)
    values = A.values
    moments = 2 + sum(len(items) for items in VISITS[TITLED]["schedule"].values())
    assert len(events) == moments  # no text started an event of its own
    summaries = {str(e["summary"]) for e in events}
    assert {values["lunch"], values["after-lunch"], values["day2"],
            f"Arrival: {values['company']}", f"Departure: {values['company']}"} == summaries
    places = {str(e["location"]) for e in events if "location" in e}
    assert {values["arr-place"], values["dep-place"], values["lunch-where"],
            values["where"]} == places
    assert _text_value(icalendar.Calendar.from_ical(data)["x-wr-calname"]) == values["title"]
    for line in data.decode().split("\r\n"):  # every line is a property or a folded line
        assert re.match(r"^([A-Z-]+[;:]| )", line) or line == "", line


def test_combined_calendar_text_reads_back_as_written(facts: dict[str, Any]) -> None:
    hostile = f"Visits {PAYLOADS[0]};,\\ \x00\x07\r\nBEGIN:VEVENT\rX-A:b"
    data = all_visits_calendar([facts[TITLED], facts[UNTITLED]], hostile, TODAY)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r(?!\n)", data.decode())
    assert "X-WR-CALNAME:Visits <script>alert('XSS')</script>\\;\\,\\\\ BEGIN:VEVENT X-A:b" \
        in data.decode().replace("\r\n ", "")
    # the all-day event of each visit (its timed events are those of the visit's calendar)
    events = [e for e in _events(data) if not isinstance(e.decoded("dtstart"), dt.datetime)]
    assert len(events) == 2
    assert {str(e["summary"]) for e in events} == {A.values["title"],
                                                   f"{B.values['company']} visit"}
    description = str(next(e for e in events if str(e["summary"]) == A.values["title"])
                      ["description"]).split("\n")[0]  # then the packet's links
    assert description.startswith(A.values["company"] + " (DE)")
    assert description.endswith(f"owner {A.values['owner']}")
    assert _text_value(icalendar.Calendar.from_ical(data)["x-wr-calname"]) == plain(hostile)


def test_check_json_carries_the_text_as_written(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    write_visits(project / "visits")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "handbook"), "check", "--format", "json",
         f"visits/{TITLED}.yml"], cwd=project, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["errors"] == 0, report
    messages = " ".join(p["message"] for p in report["problems"])
    assert A.values["lunch"] in messages  # the meal-budget warning quotes the item


# --- The built site ---------------------------------------------------------------------------

def _put_packets_in_navigation(project: Path) -> None:
    """Packets first in the navigation, with tabs: every template that prints a page title
    (navigation, tabs, previous/next footer) then prints a hostile one."""
    base = project / "mkdocs.base.yml"
    text = base.read_text(encoding="utf-8")
    text, count = re.subn(r"^(\s*)features:\s*\n", r"\g<0>\1  - navigation.tabs\n", text,
                          count=1, flags=re.M)
    assert count == 1, "mkdocs.base.yml has no theme.features list"
    base.write_text(text, encoding="utf-8")
    entries = "".join(f"  - visits/{stem}.md\n" for stem in (TITLED, UNTITLED))
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        config = project / name
        text = config.read_text(encoding="utf-8")
        text, count = re.subn(r"^nav:\s*\n", r"\g<0>" + entries, text, count=1, flags=re.M)
        assert count == 1, f"{name} has no nav"
        config.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("hostile-site"))
    write_visits(project / "visits")
    _put_packets_in_navigation(project)
    built = project / "site"
    result = mkdocs_build(project, built)
    assert result.returncode == 0, result.stderr
    return built


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag, self.attrs, self.text = tag, attrs, ""


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}


class Document(HTMLParser):
    """Every element of a page with its attributes and its text (as a browser shows it)."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data

    def find(self, tag: str, **attrs: str) -> list[Element]:
        """Elements by tag and attributes (``class_`` matches when it has all those classes)."""
        def matches(e: Element, key: str, value: str) -> bool:
            found = e.attrs.get(key.rstrip("_").replace("_", "-")) or ""
            return set(value.split()) <= set(found.split()) if key == "class_" else found == value

        return [e for e in self.elements
                if e.tag == tag and all(matches(e, k, v) for k, v in attrs.items())]

    def text(self, tag: str, **attrs: str) -> list[str]:
        return [" ".join(e.text.replace("¶", "").split()) for e in self.find(tag, **attrs)]


def injected(doc: Document) -> list[str]:
    """Elements that can only have come from visit text."""
    bad = []
    for e in doc.elements:
        events = [name for name in e.attrs if name.lower().startswith("on")]
        if events or (e.tag == "img" and e.attrs.get("src") == "x") \
                or (e.tag == "script" and "XSS" in e.text) or "XSS" in str(e.attrs.get("src")):
            bad.append(f"<{e.tag} {e.attrs}>")
    return bad


def page_of(site: Path, lang: str, path: str) -> Document:
    return Document((site / LANGS[lang] / path / "index.html").read_text(encoding="utf-8"))


def visible_text(doc: Document) -> str:
    body = doc.find("body")[0].text
    return " ".join(body.split())


@pytest.mark.parametrize("lang", LANGS)
def test_no_page_of_the_site_carries_injected_markup(site: Path, lang: str) -> None:
    root = site / LANGS[lang]
    pages = [p for p in root.rglob("*.html") if lang == "en" or "en" not in p.relative_to(
        root).parts]
    assert len(pages) > 10
    for path in pages:
        assert injected(Document(path.read_text(encoding="utf-8"))) == [], path


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("stem", [TITLED, UNTITLED])
def test_packet_shows_every_text_as_written(site: Path, lang: str, stem: str) -> None:
    doc = page_of(site, lang, f"visits/{stem}")
    title = title_of(stem, lang)
    assert doc.text("title")[0].startswith(f"{title} - ")
    assert doc.text("div", data_md_component="header-topic") == [title]
    assert doc.text("h1") == [title]
    values = CORPORA[stem].values
    description = doc.find("meta", name="description")[0].attrs["content"] or ""
    assert description.startswith(values["company"] + " · ")
    assert description.endswith(" · " + values["purpose"])
    body = visible_text(doc)
    for label, value in CORPORA[stem].shown_in(lang).items():
        assert " ".join(value.split()) in body, label


@pytest.mark.parametrize("lang", LANGS)
def test_navigation_tabs_and_footer_show_titles_as_written(site: Path, lang: str) -> None:
    first, second = title_of(TITLED, lang), title_of(UNTITLED, lang)
    doc = page_of(site, lang, f"visits/{UNTITLED}")
    assert first in doc.text("a", class_="md-tabs__link")
    nav = " ".join(doc.text("nav", class_="md-nav--primary"))
    assert first in nav and second in nav
    footer = " ".join(doc.text("nav", class_="md-footer__inner"))
    assert first in footer
    previous = doc.find("a", class_="md-footer__link--prev")[0]
    assert previous.attrs["aria-label"] is not None
    assert previous.attrs["aria-label"].endswith(first)  # escaped once: read back as written
    assert second in page_of(site, lang, f"visits/{TITLED}").text(
        "a", class_="md-footer__link--next")[0]


@pytest.mark.parametrize("lang", LANGS)
def test_visits_index_lists_titles_as_written(site: Path, lang: str) -> None:
    doc = page_of(site, lang, "visits")
    links: dict[object, str] = {}
    for e in doc.find("a"):  # the table's link first; the month view links by company
        links.setdefault(e.attrs.get("href"), " ".join(e.text.split()))
    assert links[f"{TITLED}/"] == title_of(TITLED, lang)
    assert links[f"{UNTITLED}/"] == title_of(UNTITLED, lang)  # the packet's title


@pytest.mark.parametrize("lang", LANGS)
def test_search_index_holds_html_escaped_once(site: Path, lang: str) -> None:
    docs = search_index(site / LANGS[lang])
    for stem in (TITLED, UNTITLED):
        entries = [d for d in docs if d["location"].startswith(f"visits/{stem}/")]
        assert entries, stem
        page = next(d for d in entries if d["location"] == f"visits/{stem}/")
        # Material shows title and text with innerHTML: they are HTML, escaped once.
        for entry in entries:
            for key in ("title", "text"):
                tags = set(re.findall(r"</?([a-zA-Z][a-zA-Z0-9]*)", entry[key]))
                assert tags <= {"p", "code", "pre", "li", "ol", "ul", "sub", "sup"}, entry
        assert html.unescape(page["title"]).replace("\u200b", "") == title_of(stem, lang)
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", " ".join(
            d["text"] for d in entries))).replace("\u200b", "").split())
        # what search holds of a packet (theme/packet/search.html): not the gifts, roles,
        # visitors' notes and checklist, which stay on the page
        for label in ("company", "purpose", "visitor", "visitor-title", "visitor2", "host2",
                      "arr-number", "arr-place", "dep-place", "hotel", "lunch", "lunch-where",
                      "after-lunch", "where", "day2", "background", "notes"):
            assert " ".join(CORPORA[stem].values[label].split()) in text, label


@pytest.mark.parametrize("lang", LANGS)
def test_packet_has_only_the_sites_own_scripts(site: Path, lang: str) -> None:
    def scripts(stem: str) -> list[tuple[str | None, str]]:
        doc = page_of(site, lang, f"visits/{stem}")
        return [(e.attrs.get("src"), e.text) for e in doc.find("script")]

    assert scripts(PLAIN)
    assert scripts(TITLED) == scripts(PLAIN) == scripts(UNTITLED)


# --- The built site in Chromium ---------------------------------------------------------------

TRAPS = """
window.__fired = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__fired.push(name + ":" + args.join(" ")); };
}
window.addEventListener("error", (event) => {
  window.__fired.push("error:" + (event.message || (event.target && event.target.tagName)));
}, true);
"""

INSPECT = """() => {
  const onAttributes = [];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      if (a.name.toLowerCase().startsWith("on")) onAttributes.push(el.tagName + " " + a.name);
    }
  }
  return {
    fired: window.__fired || ["traps not installed"],
    pwned: document.documentElement.dataset.pwned || null,
    onAttributes,
    svgOnload: document.querySelectorAll("svg[onload]").length,
    imgX: document.querySelectorAll("img[src='x']").length,
    scripts: [...document.scripts].map((s) => [s.getAttribute("src"), s.textContent]),
    title: document.title,
    topic: (document.querySelector("[data-md-component=header-topic]") || {}).innerText,
    h1: (document.querySelector("article h1") || {}).innerText,
    body: document.body.innerText,
  };
}"""


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


class Tab:
    """A browser page with the traps installed and everything it reported."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.add_init_script(TRAPS)
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda message: self.console.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def inspect(self) -> dict[str, Any]:
        state: dict[str, Any] = self.page.evaluate(INSPECT)
        assert state["fired"] == [] and state["pwned"] is None
        assert self.dialogs == [] and self.errors == []
        assert not [m for m in self.console if "XSS" in m]
        assert state["onAttributes"] == [] and state["svgOnload"] == 0 and state["imgX"] == 0
        assert not [s for s in state["scripts"] if "XSS" in f"{s[0]} {s[1]}"]
        return state


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    tab = Tab(browser)
    yield tab
    tab.context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_in_chromium_packets_show_the_text_and_run_nothing(
        tab: Tab, base_url: str, lang: str) -> None:
    tab.page.goto(f"{base_url}{LANGS[lang]}visits/{PLAIN}/")
    own_scripts = tab.inspect()["scripts"]
    for stem in (TITLED, UNTITLED):
        tab.page.goto(f"{base_url}{LANGS[lang]}visits/{stem}/")
        tab.page.wait_for_timeout(300)  # let an injected image fail and its handler run
        state = tab.inspect()
        assert state["scripts"] == own_scripts
        title = title_of(stem, lang)
        assert state["title"].startswith(f"{title} - ")
        assert " ".join(state["topic"].split()) == title
        assert " ".join(state["h1"].split()).rstrip("¶").strip() == title
        body = " ".join(state["body"].split())
        for label, value in CORPORA[stem].shown_in(lang).items():
            assert " ".join(value.split()) in body, label


@pytest.mark.parametrize("lang", LANGS)
def test_in_chromium_the_visits_index_shows_the_titles(
        tab: Tab, base_url: str, lang: str) -> None:
    tab.page.goto(f"{base_url}{LANGS[lang]}visits/")
    tab.page.wait_for_timeout(300)
    body = " ".join(tab.inspect()["body"].split())
    assert title_of(TITLED, lang) in body and B.values["company"] in body


@pytest.mark.parametrize("lang", LANGS)
def test_in_chromium_search_results_show_the_text(tab: Tab, base_url: str, lang: str) -> None:
    tab.page.goto(f"{base_url}{LANGS[lang]}")
    # on a wide screen the search box is in the header
    assert search(tab.page, SEARCH_WORD, open_box=False), \
        f"no search results for {SEARCH_WORD!r}"
    tab.page.wait_for_timeout(300)
    tab.inspect()
    # the index separates Chinese words with zero-width spaces (Material's jieba segmentation)
    titles = [" ".join(t.replace("\u200b", "").split()) for t in
              tab.page.locator(".md-search-result__article h1").all_inner_texts()]
    assert title_of(UNTITLED, lang) in titles, titles
    shown = " ".join(tab.page.locator(".md-search-result").inner_text().replace(
        "\u200b", "").split())
    assert B.values["company"] in shown


@pytest.mark.parametrize("lang", LANGS)
def test_in_chromium_search_highlighting_keeps_the_text(
        tab: Tab, base_url: str, lang: str) -> None:
    # search.highlight marks the query's words on the page it opens (?h=…)
    tab.page.goto(f"{base_url}{LANGS[lang]}visits/{TITLED}/?h=script+svg+onerror+title")
    tab.page.wait_for_timeout(300)
    state = tab.inspect()
    assert tab.page.locator("article mark").count() > 0
    assert A.values["notes"] in " ".join(state["body"].split())
