"""What a coordinator reads in a packet: the top block (who comes, when and where to meet them,
who drives, who is on each item, who interprets, the hotel, the diets, what is still to do),
the contacts, each schedule item's hosts and interpreter, the budget against its caps, the
tour rules, the approved warnings, tasks moved off a day off; in both languages, with the
untranslated mark and hosts' names in pinyin in English.

Each packet is rendered with the Renderer from a small visit written here (second edition,
validated against the fixture policy) and read as people see it: the page is parsed and the
assertions are on the text of its elements, not on the template's strings. One test opens the
session build of the fixture project in Chromium to measure the top block on a desk and a
phone.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from browsing import HAVE_CHROMIUM, NO_CHROMIUM, serve
from conftest import ROOT, TODAY

from generator.derive import Facts, derive
from generator.i18n import format_date, load_catalogue
from generator.load import load_visit
from generator.models import Policy
from generator.models.policy import WorkingDays
from generator.render import Renderer
from generator.run_sheet import tel_href

LANGS = ("zh", "en")
ZONE = "Asia/Shanghai"
CATALOGUE = load_catalogue(ROOT / "theme" / "messages.yml")

# --- Reading a page as people see it --------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Node:
    """An element of a parsed page: its tag, attributes and children."""

    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[Node | str] = []

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [n for n in self.iter() if n is not self and (tag is None or n.tag == tag)
                and (cls is None or cls in n.classes())]

    def find(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.find_all(tag, cls)
        assert len(found) == 1, (tag, cls, [n.text()[:60] for n in found])
        return found[0]

    def by_id(self, ident: str) -> Node:
        (node,) = [n for n in self.iter() if n.attrs.get("id") == ident]
        return node

    def text(self) -> str:
        """The text shown, white space collapsed, without the headings' permalinks."""
        parts: list[str] = []

        def walk(node: Node) -> None:
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                elif "headerlink" not in child.classes():
                    walk(child)

        walk(self)
        return " ".join("".join(parts).split())


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(page: str) -> Node:
    parser = _Parser()
    parser.feed(page)
    parser.close()
    return parser.root


# --- Visits ---------------------------------------------------------------------------------------

# Hosts' names as each packet shows them: characters in Chinese, name_en or pinyin in English.
NAMES = {"李娜": "Li Na", "高娃": "Gao Wa", "陈刚": "Gang Chen", "王强": "Wang Qiang"}
DRIVERS = {"张师傅": "Zhang Shifu", "刘师傅": "Liu Shifu"}  # in pinyin too

VISIT: dict[str, Any] = {
    "title": {"zh": "ACME 腕带产线审核", "en": "ACME wristband line audit"},
    "client": {"company": "ACME GmbH", "country": "DE", "relationship": "customer"},
    "purpose": {"zh": "审核腕带产线", "en": "Audit the wristband line"},
    "tier": "A",
    "owner": "李娜",
    "timezone": "Asia/Shanghai",
    "arrival": {"at": "2026-12-08 09:30", "by": "flight", "number": "LH728",
                "place": {"zh": "浦东机场 2 号航站楼", "en": "PVG Terminal 2"}, "pickup": True,
                "meet": {"zh": "2 号航站楼国际到达 B 出口",
                         "en": "T2 international arrivals, exit B"},
                "driver": {"name": "张师傅", "phone": "+86 138 0000 0001",
                           "car": {"zh": "别克 GL8 商务车", "en": "Buick GL8 van"},
                           "plate": "沪A·12345"}},
    "departure": {"at": "2026-12-09 18:05", "by": "flight", "number": "LH729",
                  "place": {"zh": "浦东机场 2 号航站楼", "en": "PVG Terminal 2"}, "send_off": True,
                  "leave": "14:00", "meet": {"zh": "酒店大堂", "en": "Hotel lobby"},
                  "driver": {"name": "刘师傅", "phone": "+86 138 0000 0009", "plate": "沪B·54321"}},
    "hotel": {"name": "Hilton Shanghai Hongqiao", "phone": "+86 21 0000 0100",
              "address": {"zh": "上海市虹桥路 1116 号", "en": "1116 Hongqiao Road, Shanghai"},
              "check_in": "2026-12-08", "check_out": "2026-12-09", "paid_by": "company",
              "rate": 800},
    "visitors": [
        {"name": "Hans Müller", "name_zh": "汉斯·穆勒", "principal": True, "languages": ["de"],
         "diet": ["no-pork"]},
        {"name": "Olga Petrova", "languages": ["ru"], "diet": ["halal"]},
    ],
    "hosts": [
        {"name": "李娜", "role": {"zh": "客户负责人", "en": "Account owner"}, "dept": "sales",
         "phone": "+86 139 0000 0002", "languages": ["en", "de"]},
        {"name": "高娃", "role": {"zh": "翻译"}, "dept": "sales", "languages": ["ru"],
         "interpreter": True},
        {"name": "陈刚", "name_en": "Gang Chen", "dept": "factory",
         "phone": "+86 139 0000 0004"},
        {"name": "王强", "dept": "management", "phone": "+86 139 0000 0003"},
    ],
    "schedule": {
        "2026-12-08": [
            {"at": "14:00", "to": "15:00", "what": {"zh": "公司介绍", "en": "Company overview"},
             "where": {"zh": "展厅", "en": "Showroom"}, "tour": "showroom"},
            {"at": "15:00", "to": "16:30", "what": {"zh": "参观腕带产线", "en": "Line tour"},
             "where": "Plant 2", "tour": "production-line", "with": ["陈刚", "李娜", "高娃"]},
            {"at": "18:30", "to": "20:30", "what": {"zh": "欢迎晚宴", "en": "Welcome dinner"},
             "where": "老正兴", "meal": "dinner", "budget": 2500, "with": ["王强", "李娜"],
             "notes": "Halal dishes for Ms. Petrova, no pork for Mr. Müller."},
        ],
        "2026-12-09": [
            {"at": "09:00", "to": "11:30", "what": {"en": "Price negotiation"},
             "where": {"zh": "1 号会议室", "en": "Meeting room 1"}, "with": ["李娜", "高娃"]},
            {"at": "12:00", "to": "13:00", "what": {"zh": "工作午餐", "en": "Working lunch"},
             "where": "Canteen", "meal": "lunch", "with": ["李娜", "高娃"],
             "notes": "One halal meal box."},
        ],
    },
    "checklist": [
        {"task": {"zh": "打印德文版价格表", "en": "Print the price list in German"},
         "owner": "sales", "due": "-2d"},
        {"task": {"zh": "预订会议室"}, "owner": "admin", "due": "2026-12-01", "done": True},
    ],
    "approvals": [
        {"check": "meal-budget", "item": "2026-12-08 18:30", "by": "王强", "on": "2026-12-01",
         "note": {"zh": "重点客户，晚宴按总经理意见提高标准。"}},
    ],
}


def changed(**changes: Any) -> dict[str, Any]:
    """VISIT with top-level keys replaced (None removes a key)."""
    data = copy.deepcopy(VISIT)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


@pytest.fixture(scope="module")
def renderer(policy: Policy) -> Renderer:
    return Renderer([ROOT / "theme" / "packet"], CATALOGUE, policy)


def facts_of(data: dict[str, Any], policy: Policy, tmp_path: Path) -> Facts:
    path = tmp_path / "2026-12-08-acme-de.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    loaded = load_visit(path, policy, tmp_path)
    assert loaded.model is not None and loaded.problems == [], [
        p.format() for p in loaded.problems]
    return derive(loaded.model, path.stem, policy)


def render(renderer: Renderer, facts: Facts, lang: str) -> Node:
    return parse(str(renderer.packet(facts, lang, today=TODAY, zone=ZONE).html))


@pytest.fixture(scope="module")
def acme(policy: Policy, tmp_path_factory: pytest.TempPathFactory) -> Facts:
    return facts_of(VISIT, policy, tmp_path_factory.mktemp("acme"))


@pytest.fixture(scope="module")
def pages(acme: Facts, renderer: Renderer) -> dict[str, Node]:
    return {lang: render(renderer, acme, lang) for lang in LANGS}


def t(lang: str, key: str, **values: object) -> str:
    return CATALOGUE.t(lang, key, **values)


def name(host: str, lang: str) -> str:
    return host if lang == "zh" else (NAMES | DRIVERS)[host]


def local(value: Any, lang: str) -> str:
    """A visit file's text in *lang*, as the packet shows it (the other language's when it
    has none)."""
    if isinstance(value, dict):
        return str(value.get(lang) or next(v for v in value.values() if v))
    return str(value)


def day(text: str, lang: str) -> str:
    """A date as the packet writes it: "Tue 8 Dec", "12月8日（周二）"."""
    return format_date(dt.date.fromisoformat(text), lang, CATALOGUE)


def entries(node: Node) -> dict[str, str]:
    """The labelled lines of a block: label → text, from ``<li><strong>label</strong>…</li>``
    (the whole line) and from a ``dl`` (each ``dt`` and the ``dd`` after it)."""
    out: dict[str, str] = {}
    for li in node.find_all("li"):
        first = next((c for c in li.children if isinstance(c, Node)), None)
        if first is not None and first.tag == "strong":
            out[first.text()] = li.text()
    for dl in node.find_all("dl"):
        label = None
        for child in dl.children:
            if isinstance(child, Node) and child.tag == "dt":
                label = child.text()
            elif isinstance(child, Node) and child.tag == "dd" and label is not None:
                out[label] = child.text()
    return out


# --- The top block --------------------------------------------------------------------------------

SEP = {"zh": "、", "en": ", "}

# (what the block answers, the label it is under, the texts that line must show)
TOP: list[tuple[str, str, Any]] = [
    ("who comes", "who_comes", lambda lang, policy: [
        "Hans Müller", "Olga Petrova", t(lang, "principal_mark"),
        *(["汉斯·穆勒"] if lang == "zh" else [])]),
    ("when they arrive", "arrival", lambda lang, policy: [
        day("2026-12-08", lang) + " 09:30", "LH728", local(VISIT["arrival"]["place"], lang),
        t(lang, "pickup_yes")]),
    ("when they leave", "departure", lambda lang, policy: [
        day("2026-12-09", lang) + " 18:05", "LH729", t(lang, "car_leaves", time="14:00")]),
    ("the diets in one line", "diet", lambda lang, policy: [
        t(lang, "diet_with_count", count=1, need=policy.diets[word].name(lang))
        for word in ("no-pork", "halal")]),
    ("who interprets", "interpreters", lambda lang, policy: [
        name("高娃", lang), "俄语" if lang == "zh" else "Russian"]),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("answer", "key", "wanted"), TOP, ids=[row[0] for row in TOP])
def test_the_top_block_answers(pages: dict[str, Node], policy: Policy, lang: str, answer: str,
                               key: str, wanted: Any) -> None:
    card = pages[lang].find(cls="packet-card--visit")
    label = t(lang, key, n=len(VISIT["visitors"]))
    lines = entries(card)
    assert label in lines, (label, list(lines))
    for text in wanted(lang, policy):
        assert text in lines[label], (answer, text, lines[label])


@pytest.mark.parametrize("lang", LANGS)
def test_the_top_block_names_the_client_dates_and_purpose(pages: dict[str, Node],
                                                          lang: str) -> None:
    brief = pages[lang].find("section", "packet-brief")
    lead = " ".join(p.text() for p in brief.find_all("p", "packet-lead"))
    for text in ("ACME GmbH", local(VISIT["purpose"], lang), name("李娜", lang),
                 t(lang, "days", n=2)):
        assert text in lead, text


@pytest.mark.parametrize("lang", LANGS)
def test_the_top_block_says_who_is_on_each_item(pages: dict[str, Node], lang: str) -> None:
    run = pages[lang].find(cls="packet-run")
    lines = [li.text() for li in run.find_all("li")]
    expected = []
    for items in VISIT["schedule"].values():
        for item in items:
            people = [_person(host, lang) for host in item.get("with") or [VISIT["owner"]]]
            expected.append(f"{item['at']} {local(item['what'], lang)} — {SEP[lang].join(people)}")
    assert [_plain(line) for line in lines] == expected
    days = [p.text() for p in run.find_all("p", "packet-run__day")]
    assert days == [day(d, lang) for d in VISIT["schedule"]]


def _person(host: str, lang: str) -> str:
    """A host on an item as the packet names them: the interpreter with their languages."""
    shown = name(host, lang)
    if host == "高娃":
        interprets = t(lang, "interprets", languages="俄语" if lang == "zh" else "Russian")
        shown += ("（" + interprets + "）") if lang == "zh" else f" ({interprets})"
    return shown


def _plain(text: str) -> str:
    """A line without the untranslated mark (tested on its own below)."""
    return " ".join(text.replace(t("zh", "untranslated_mark"), "")
                    .replace(t("en", "untranslated_mark"), "").split())


@pytest.mark.parametrize("lang", LANGS)
def test_the_top_block_says_what_is_still_to_do(pages: dict[str, Node], acme: Facts,
                                                policy: Policy, lang: str) -> None:
    todo = pages[lang].find(cls="packet-todo")
    counts = todo.find_all("p")[0].text()  # the open tasks by department
    open_tasks = [e for e in acme.checklist if not e.done]
    assert open_tasks and any(e.done for e in acme.checklist)
    for dept, department in policy.departments.items():
        count = sum(e.owner == dept for e in open_tasks)
        shown = re.search(rf"{re.escape(department.name(lang))} (\d+)", counts)
        assert (int(shown.group(1)) if shown else 0) == count, (dept, counts)
    coming = min((e for e in open_tasks if not e.overdue(TODAY)), key=lambda e: e.due)
    nxt = todo.find("p", "packet-todo__next").text()
    assert _plain(nxt).endswith(coming.label(lang))
    assert f"{day(coming.due.date().isoformat(), lang)} {coming.due:%H:%M}" in nxt
    assert todo.find("p", "packet-todo__next").find("a").attrs["href"] == "#checklist"


@pytest.mark.parametrize("lang", LANGS)
def test_overdue_tasks_are_counted_by_department(acme: Facts, renderer: Renderer,
                                                 policy: Policy, lang: str) -> None:
    """Read the day before the visit: each department's overdue tasks are counted, in words
    with an icon, and the next task is one not yet due."""
    today = dt.date(2026, 12, 7)
    page = parse(str(renderer.packet(acme, lang, today=today, zone=ZONE).html))
    todo = page.find(cls="packet-todo")
    late: dict[str, int] = {}
    for entry in acme.checklist:
        if not entry.done and entry.due.date() < today:
            late[entry.owner] = late.get(entry.owner, 0) + 1
    assert late  # otherwise this test could not fail
    marks = todo.find_all("strong", "packet-overdue")
    assert [m.text() for m in marks] == [
        t(lang, "overdue_n", n=late[dept]) for dept in policy.departments if dept in late]
    nxt = todo.find("p", "packet-todo__next").text()
    coming = min((e for e in acme.checklist if not e.done and e.due.date() >= today),
                 key=lambda e: (e.due, e.key))
    assert f"{day(coming.due.date().isoformat(), lang)} {coming.due:%H:%M}" in nxt


def test_a_visit_without_open_tasks_says_so(policy: Policy, renderer: Renderer,
                                            tmp_path: Path) -> None:
    facts = facts_of(VISIT, policy, tmp_path)
    facts.checklist = [e._replace(done=True) for e in facts.checklist]
    for lang in LANGS:
        todo = render(renderer, facts, lang).find(cls="packet-todo")
        assert t(lang, "to_do_none") in todo.text()
        assert not todo.find_all("p", "packet-todo__next")


# --- Contacts -------------------------------------------------------------------------------------

CONTACTS: list[tuple[str, Any]] = [
    ("a host's company phone", lambda lang: (name("李娜", lang), ["+86 139 0000 0002"])),
    ("a host without a phone", lambda lang: (name("高娃", lang), [t(lang, "no_phone")])),
    ("the arrival driver", lambda lang: (t(lang, "driver_arrival"), [
        name("张师傅", lang), "+86 138 0000 0001", local(VISIT["arrival"]["driver"]["car"], lang),
        "沪A·12345"])),
    ("where the driver waits", lambda lang: (t(lang, "meet_arrival"), [
        local(VISIT["arrival"]["meet"], lang)])),
    ("the departure driver", lambda lang: (t(lang, "driver_departure"), [
        name("刘师傅", lang), "+86 138 0000 0009", "沪B·54321"])),
    ("where the car collects them", lambda lang: (t(lang, "meet_departure"), [
        local(VISIT["departure"]["meet"], lang), "14:00"])),
    ("the hotel", lambda lang: (t(lang, "hotel"), [
        "Hilton Shanghai Hongqiao", "+86 21 0000 0100", local(VISIT["hotel"]["address"], lang),
        t(lang, "paid_by_company")])),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("what", "row"), CONTACTS, ids=[c[0] for c in CONTACTS])
def test_contacts(pages: dict[str, Node], lang: str, what: str, row: Any) -> None:
    label, wanted = row(lang)
    lines = entries(pages[lang].find(cls="packet-contacts"))
    assert label in lines, (what, label, list(lines))
    for text in wanted:
        assert text in lines[label], (what, text, lines[label])


@pytest.mark.parametrize("lang", LANGS)
def test_every_phone_is_a_tel_link_of_digits(pages: dict[str, Node], lang: str) -> None:
    contacts = pages[lang].find(cls="packet-contacts")
    links = [a for a in contacts.find_all("a") if a.attrs.get("href", "").startswith("tel:")]
    phones = [h["phone"] for h in VISIT["hosts"] if "phone" in h] + [
        VISIT["arrival"]["driver"]["phone"], VISIT["departure"]["driver"]["phone"],
        VISIT["hotel"]["phone"]]
    assert sorted(a.text() for a in links) == sorted(phones)
    for a in links:
        href = str(a.attrs["href"])
        assert re.fullmatch(r"tel:\+?[0-9]+", href), href
        assert href == "tel:" + re.sub(r"[^0-9+]", "", a.text())


def test_one_driver_both_ways_is_named_once(policy: Policy, renderer: Renderer,
                                            tmp_path: Path) -> None:
    departure = {**VISIT["departure"], "driver": VISIT["arrival"]["driver"]}
    facts = facts_of(changed(departure=departure), policy, tmp_path)
    for lang in LANGS:
        lines = entries(render(renderer, facts, lang).find(cls="packet-contacts"))
        assert t(lang, "driver_both") in lines
        assert t(lang, "driver_arrival") not in lines and t(lang, "driver_departure") not in lines


def test_a_pickup_without_a_driver_says_none_is_named(policy: Policy, renderer: Renderer,
                                                      tmp_path: Path) -> None:
    arrival = {k: v for k, v in VISIT["arrival"].items() if k != "driver"}
    facts = facts_of(changed(arrival=arrival, hotel=None), policy, tmp_path)
    for lang in LANGS:
        lines = entries(render(renderer, facts, lang).find(cls="packet-contacts"))
        assert lines[t(lang, "driver_arrival")].endswith(t(lang, "driver_missing"))
        assert lines[t(lang, "hotel")].endswith(t(lang, "no_hotel"))


@pytest.mark.parametrize(("phone", "href"), [
    ("+86 138 0000 0001", "tel:+8613800000001"),
    ("+49 (0)30 1234 5678", "tel:+493012345678"),       # the trunk zero goes
    ("+1 (415) 555-0100 x7", "tel:+14155550100"),       # so does an extension
    ("021-6000.0000 ext. 12", "tel:02160000000"),
    ("(0755) 8888 0000", "tel:075588880000"),           # a local number keeps its zero
])
def test_tel_links(phone: str, href: str) -> None:
    assert tel_href(phone) == href


# --- The schedule ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_each_item_names_its_hosts_and_interpreter(pages: dict[str, Node], lang: str) -> None:
    items = pages[lang].find_all("ul", "packet-schedule")
    shown = [li.find("span", "packet-with").text() for ul in items
             for li in ul.children if isinstance(li, Node) and li.tag == "li"]
    colon = "：" if lang == "zh" else ": "
    expected = [t(lang, "with") + colon + SEP[lang].join(
        _person(host, lang) for host in item.get("with") or [VISIT["owner"]])
        for items_of_day in VISIT["schedule"].values() for item in items_of_day]
    assert shown == expected


# --- The budget -----------------------------------------------------------------------------------

def _money(amount: float) -> str:
    return f"{amount:,.0f} CNY"


# (the line, planned, cap, over by) for tier A of the fixture policy: meals 500 per person
# (visitors and our people at the table), the hotel 700 per room per night (one room per visitor).
BUDGET = [
    ("hotel", "Hilton Shanghai Hongqiao", 800 * 2 * 1, 700 * 2 * 1, 200),
    ("meal", {"zh": "欢迎晚宴", "en": "Welcome dinner"}, 2500, 500 * (2 + 2), 500),
    ("meal", {"zh": "工作午餐", "en": "Working lunch"}, None, 500 * (2 + 2), None),
]


@pytest.mark.parametrize("lang", LANGS)
def test_budget_lines_against_their_caps_and_the_total(pages: dict[str, Node],
                                                       lang: str) -> None:
    page = pages[lang]
    heading = page.by_id("budget")
    assert heading.text() == t(lang, "budget")
    table = next(n for n in page.find_all("table") if n.find_all("td") and
                 t(lang, "budget_planned") in n.find("thead").text())
    rows = table.find("tbody").find_all("tr")
    assert len(rows) == len(BUDGET)
    for row, (kind, label, planned, cap, over) in zip(rows, BUDGET, strict=True):
        cells = [td.text() for td in row.find_all("td")]
        assert cells[0] == f"{t(lang, 'budget_kind_' + kind)} · {local(label, lang)}"
        assert cells[2].startswith(_money(planned) if planned else t(lang, "budget_no_figure"))
        assert cells[3].startswith(_money(cap))
        marks = row.find_all("strong", "packet-over__mark")
        if over:  # in words, not only in colour
            assert [m.text() for m in marks] == [t(lang, "budget_over_by", amount=_money(over))]
            assert "packet-over" in row.classes()
        else:
            assert not marks and "packet-over" not in row.classes()
    total = page.find("p", "packet-budget-total").text()
    planned_total = sum(p for _, _, p, _, _ in BUDGET if p)
    cap_total = sum(c for _, _, _, c, _ in BUDGET)
    assert t(lang, "budget_total_of", total=_money(planned_total), cap=_money(cap_total)) in total
    # the approved dinner says so on its line; the hotel, not approved, does not
    assert t(lang, "approved_mark") in rows[1].find_all("td")[2].text()
    assert t(lang, "approved_mark") not in rows[0].find_all("td")[2].text()


# --- Tours ----------------------------------------------------------------------------------------

def _tour_blocks(page: Node) -> dict[str, Node]:
    """Each schedule item's tour block by the item's time."""
    out = {}
    for li in page.find_all("li"):
        if li.children and isinstance(li.children[0], Node) and li.children[0].tag == "strong":
            block = [c for c in li.children if isinstance(c, Node) and "packet-tour" in c.classes()]
            if block:
                out[li.children[0].text()[:5]] = block[0]
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_the_tour_block_of_a_production_line(pages: dict[str, Node], policy: Policy,
                                             lang: str) -> None:
    rule = policy.tours["production-line"]
    block = _tour_blocks(pages[lang])["15:00"]
    lines = entries(block)
    gear = lines[t(lang, "tour_gear")]
    assert t(lang, "tour_gear_for", total=5, guests=2, ours=3) in gear  # 2 visitors + 3 of ours
    assert all(g(lang) in gear for g in rule.gear)
    assert lines[t(lang, "tour_escorts")] == rule.escorts(lang)
    assert all(x(lang) in lines[t(lang, "tour_hand_over")] for x in rule.hand_over)
    assert all(x(lang) in lines[t(lang, "tour_no_photo")] for x in rule.no_photo)
    assert rule.route_owner == "factory"
    colon = "：" if lang == "zh" else ": "
    assert lines[t(lang, "tour_route_owner")] == (
        policy.departments["factory"].name(lang) + colon + name("陈刚", lang))


@pytest.mark.parametrize("lang", LANGS)
def test_a_tour_whose_route_owner_is_not_on_the_item(pages: dict[str, Node], policy: Policy,
                                                     lang: str) -> None:
    rule = policy.tours["showroom"]
    block = _tour_blocks(pages[lang])["14:00"]
    lines = entries(block)
    assert t(lang, "tour_gear") not in lines  # the showroom asks for no gear
    assert rule.route_owner is not None
    route = lines[t(lang, "tour_route_owner")]
    assert route.startswith(policy.departments[rule.route_owner].name(lang))
    assert t(lang, "tour_route_nobody") in route


def test_items_without_tour_rules_have_no_tour_block(pages: dict[str, Node]) -> None:
    for lang in LANGS:
        assert sorted(_tour_blocks(pages[lang])) == ["14:00", "15:00"]


# --- Approved warnings ----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_an_approved_warning_moves_to_the_approved_list(pages: dict[str, Node], acme: Facts,
                                                        policy: Policy, renderer: Renderer,
                                                        tmp_path: Path, lang: str) -> None:
    (approved,) = acme.approved
    message = approved.finding.message(policy, lang)
    box = pages[lang].find("div", "packet-approved")
    assert box.find("p", "admonition-title").text() == t(lang, "approved") + (
        "（1）" if lang == "zh" else " (1)")
    line = box.find("li").text()
    assert message in line
    assert t(lang, "approved_by", by=name("王强", lang), on=day("2026-12-01", lang)) in line
    assert "重点客户，晚宴按总经理意见提高标准。" in line
    warnings = pages[lang].find_all("div", "warning")
    assert all(message not in w.text() for w in warnings)
    # without the approval the same message is a warning again
    bare = render(renderer, facts_of(changed(approvals=None), policy, tmp_path), lang)
    assert not bare.find_all("div", "packet-approved")
    assert message in bare.find("div", "warning").text()


# --- Moved tasks ----------------------------------------------------------------------------------

def _moved_note(lang: str) -> re.Pattern[str]:
    """The note of a moved task, whatever the day: "moved from Sun 6 Dec"."""
    before, after = CATALOGUE.messages["moved_from"][lang].split("{when}")
    return re.compile(re.escape(before) + ".+?" + re.escape(after))


def test_a_task_moved_off_a_day_off_says_from_when(policy: Policy, tmp_path: Path) -> None:
    """With Saturday and Sunday off, the visit's own "-2d" task (two days before Tue 8 Dec:
    Sun 6 Dec) is due on the Friday before, and its line says where it came from; each moved
    task says so, and the checklist's introduction says once why tasks move."""
    weekends = policy.model_copy(update={"working_days": WorkingDays(weekend=["sat", "sun"])})
    facts = facts_of(VISIT, weekends, tmp_path)
    (entry,) = [e for e in facts.checklist if e.key == "checklist[0]"]
    assert entry.moved_from is not None and entry.moved_from.date() == dt.date(2026, 12, 6)
    assert entry.due.date() == dt.date(2026, 12, 4)
    renderer = Renderer([ROOT / "theme" / "packet"], CATALOGUE, weekends)
    for lang in LANGS:
        page = render(renderer, facts, lang)
        tasks = {li.text(): li for li in page.find_all("li") if li.find_all("input")}
        mine = [text for text in tasks if entry.label(lang) in text]
        assert len(mine) == 1
        assert t(lang, "moved_from", when=day("2026-12-06", lang)) in mine[0]
        moved = [text for text in tasks if _moved_note(lang).search(text)]
        assert len(moved) == sum(e.moved_from is not None for e in facts.checklist) > 1
        # the note follows the task's label (its tick box's name), not inside it
        assert all(not _moved_note(lang).search(label.text())
                   for li in tasks.values() for label in li.find_all("label"))
        intro = page.by_id("checklist")
        assert t(lang, "checklist_moved") in _after(page, intro).text()
        # every day of the checklist is a working day
        assert all(e.due.weekday() < 5 for e in facts.checklist if e.moved_from)
    # without working days nothing moves, and no line says so
    plain = facts_of(VISIT, policy, tmp_path)
    assert all(e.moved_from is None for e in plain.checklist)
    page = render(Renderer([ROOT / "theme" / "packet"], CATALOGUE, policy), plain, "en")
    assert not [li for li in page.find_all("li") if _moved_note("en").search(li.text())]
    assert t("en", "checklist_moved") not in _after(page, page.by_id("checklist")).text()


def _after(page: Node, node: Node) -> Node:
    """The element that follows *node* among its parent's children."""
    parent = next(n for n in page.iter() if node in n.children)
    siblings = [c for c in parent.children if isinstance(c, Node)]
    return siblings[siblings.index(node) + 1]


# --- Languages and names --------------------------------------------------------------------------

# (field, the packet's language, the text): the visit file has it in the other language only
UNTRANSLATED = [
    ("a host's role", "en", "翻译"),
    ("an item's what", "zh", "Price negotiation"),
    ("an approval's note", "en", "重点客户，晚宴按总经理意见提高标准。"),
    ("a checklist task", "en", "预订会议室"),
]


@pytest.mark.parametrize(("field", "lang", "text"), UNTRANSLATED,
                         ids=[u[0] for u in UNTRANSLATED])
def test_text_in_the_other_language_is_marked(pages: dict[str, Node], field: str, lang: str,
                                              text: str) -> None:
    page = pages[lang]
    other = "zh" if lang == "en" else "en"
    spans = [s for s in page.find_all("span") if s.attrs.get("lang") == other
             and s.text() == text]
    assert spans, field
    for span in spans:
        parent = next(n for n in page.iter() if span in n.children)
        marks = [c for c in parent.children if isinstance(c, Node)
                 and "packet-untranslated" in c.classes()]
        assert marks and marks[0].text() == t(lang, "untranslated_mark"), field
    # the packet in the text's own language shows it unmarked
    own = pages[other]
    assert not [s for s in own.find_all("span") if s.text() == text and s.attrs.get("lang")]


@pytest.mark.parametrize("lang", LANGS)
def test_hosts_names_in_each_language(pages: dict[str, Node], lang: str) -> None:
    brief = pages[lang].find("section", "packet-brief").text()
    schedule = " ".join(ul.text() for ul in pages[lang].find_all("ul", "packet-schedule"))
    for host, latin in NAMES.items():
        shown = host if lang == "zh" else latin
        assert shown in brief and shown in schedule, shown
        if lang == "en":  # pinyin (or name_en), never the characters
            assert host not in brief and host not in schedule, host
    if lang == "en":
        assert "Li Na" in brief and "Gang Chen" in brief  # pinyin; name_en as written


def test_visit_text_is_escaped(policy: Policy, renderer: Renderer, tmp_path: Path) -> None:
    hostile = "<b>exit B</b> & <script>alert(1)</script>"
    arrival = {**VISIT["arrival"], "meet": hostile,
               "driver": {**VISIT["arrival"]["driver"], "name": "<i>Zhang</i>"}}
    facts = facts_of(changed(arrival=arrival), policy, tmp_path)
    for lang in LANGS:
        page = render(renderer, facts, lang)
        contacts = page.find(cls="packet-contacts")
        assert not contacts.find_all("b") and not contacts.find_all("script")
        assert not contacts.find_all("i")
        assert hostile in contacts.text() and "<i>Zhang</i>" in contacts.text()


# --- In a browser: the top block on one screen ----------------------------------------------------

SCREENS = {"desk": ({"width": 1280, "height": 800}, 1.0), "phone": ({"width": 390, "height": 844},
                                                                  2.0)}


@pytest.mark.skipif(not HAVE_CHROMIUM, reason=NO_CHROMIUM)
@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_top_block_fits_the_first_screen(browser: Any, built_site: Path, lang: str,
                                             screen: str, tmp_path: Path) -> None:
    """The fixture packet with every section (three days, nine items): the top block ends
    within the first screen of a desk and within two of a phone, and nothing scrolls
    sideways. The screenshots are left in pytest's tmp dir."""
    viewport, screens = SCREENS[screen]
    phone = screen == "phone"
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    try:
        page = context.new_page()
        with serve(built_site) as url:
            page.goto(url + ("" if lang == "zh" else "en/") + "visits/2026-12-14-lumina-it/")
            bottom = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                                   "'.packet-brief .packet-card')].map(card => "
                                   "card.getBoundingClientRect().bottom + window.scrollY))")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            page.screenshot(path=str(tmp_path / f"top-{lang}-{screen}.png"))
        assert bottom <= viewport["height"] * screens, bottom
        assert width <= viewport["width"]
    finally:
        context.close()
