"""Render: packet and visits-index pages as HTML, through autoescaped Jinja2 templates.

Every value a template prints is HTML-escaped by Jinja (``autoescape``), so a visit file
cannot put markup on a page; the three Markdown fields become HTML through
:mod:`generator.markdown_fields` (the ``markdown`` filter), which returns sanitised
:class:`~markupsafe.Markup`. The templates are found on a search path: a site's own folder
first (the theme's ``custom_dir``, under ``handbook/``), then the project's defaults
(``theme/packet``), so a site overrides one block (``handbook/schedule.html``) the way it
overrides one of Material's partials.

Nothing here knows MkDocs: links to handbook pages and icons come in as functions
(:class:`Site`), and a rendered page is data (:class:`RenderedPage`): its title and
description as plain text, its body as HTML and its outline as :class:`Heading` objects.

A build renders thousands of packets, so the templates get what they print ready: one
environment per language, whose labels and punctuation are written into each template as it
compiles (:class:`Labels`, ``L``; :class:`Punctuation`, ``P``), helpers as filters (a filter
costs Jinja less than a call), the checklist's lines worked out in Python
(:meth:`Renderer.checklist`), and data the pages share (names of countries, languages and
dates, the tours' rules) looked up once per build.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

import jinja2
import jinja2.ext
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup, escape

from .country_notes import Note
from .derive import Facts, meal_diets
from .escape import plain
from .i18n import (
    Catalogue,
    CatalogueError,
    country_name,
    format_date,
    format_range,
    language_name,
)
from .markdown_fields import to_html
from .models import Policy, Visit
from .models.common import Text
from .models.local import Local
from .models.policy import TourRule
from .models.visit import Host, Item, Visitor
from .names import host_name, named
from .run_sheet import (
    interpreters,
    interpreters_on,
    next_task,
    open_tasks,
    route_hosts,
    tel_href,
    tour_party,
)
from .staffing import attendees

PUNCTUATION = {
    "zh": {"colon": "：", "open": "（", "close": "）", "list": "、", "semi": "；"},
    "en": {"colon": ": ", "open": " (", "close": ")", "list": ", ", "semi": "; "},
}


@dataclass(frozen=True)
class Punctuation:
    """The punctuation of one language, as the templates print it: ``P.colon`` (or
    ``P["colon"]``)."""

    colon: str
    open: str
    close: str
    list: str
    semi: str

    def __getitem__(self, key: str) -> str:
        if key not in type(self).__dataclass_fields__:
            raise KeyError(key)
        return str(getattr(self, key))


class Labels:
    """Every message of the catalogue in one language, read as an attribute: ``L.schedule``
    (or ``L["phase_" ~ phase]``). Made once per language, so a label costs a template a
    lookup, not a call; a message with placeholders (``{n}``) is filled in with ``t()``.
    A key the catalogue does not have is an error, as with ``t()``."""

    def __init__(self, catalogue: Catalogue, lang: str) -> None:
        self.__dict__.update({key: catalogue.t(lang, key) for key in catalogue.messages})

    def __getitem__(self, key: str) -> str:
        try:
            return str(self.__dict__[key])
        except KeyError:
            raise CatalogueError(f"no message '{key}' in the catalogue") from None


class _Constants(jinja2.ext.Extension):
    """Labels and punctuation written into a template when it compiles.

    The environments are one per language, so ``L.schedule``, ``P.colon`` and ``t("rule")`` (a
    message without values) mean the same text on every page: this extension puts the text in
    their place in the token stream, and Jinja joins it with the template's own text, escaped
    once, at compile time; printing a label then costs a page nothing. A key the catalogue
    lacks stops the compilation with the template's name and line. Whatever is not such a
    constant (``L[key]``, ``t(key, n=…)``) is looked up as the page renders, and a template that
    binds one of the names itself (``{% set L = … %}``, a macro argument ``t``) keeps it.
    """

    def filter_stream(self, stream: TokenStream) -> Iterable[Token]:
        tokens = list(stream)
        env = self.environment
        objects: dict[str, Any] = {"L": env.globals.get("L"), "P": env.globals.get("P")}
        lookup = {name: obj for name, obj in objects.items()
                  if obj is not None and not _bound(tokens, name, ("dot", "lbracket"))}
        messages = env.globals.get("t")
        if not callable(messages) or _bound(tokens, "t", ("lparen",)):
            messages = None
        out: list[Token] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            after = tokens[index + 1:index + 4]
            kinds = [a.type for a in after]
            value: str | None = None
            if token.type == "name" and not (out and out[-1].type == "dot"):  # not x.L
                try:
                    if token.value in lookup and kinds[:2] == ["dot", "name"]:  # L.name
                        value, index = lookup[token.value][after[1].value], index + 3
                    elif (messages is not None and token.value == "t"
                          and kinds == ["lparen", "string", "rparen"]):  # t("name")
                        value, index = messages(after[1].value), index + 4
                except (CatalogueError, LookupError) as error:
                    message = (str(error) if isinstance(error, CatalogueError)
                               else f"no punctuation {error.args[0]!r} (P.colon, P.list…)")
                    raise jinja2.TemplateSyntaxError(message, token.lineno, stream.name,
                                                     stream.filename) from None
            if value is None:
                out.append(token)
                index += 1
            else:
                out.append(Token(token.lineno, "string", value))
        return out


def _bound(tokens: list[Token], name: str, uses: tuple[str, ...]) -> bool:
    """Whether *name* appears in *tokens* other than as ``name.x`` / ``name[…]`` / ``name(…)``
    (the *uses*): as the target of a set, for, import or macro argument, say."""
    return any(token.type == "name" and token.value == name
               and (index == 0 or tokens[index - 1].type != "dot")
               and (index + 1 == len(tokens) or tokens[index + 1].type not in uses)
               for index, token in enumerate(tokens))


PACKET_TEMPLATE = "packet.html"
SEARCH_TEMPLATE = "search.html"
INDEX_TEMPLATE = "index.html"
INDEX_ROW_TEMPLATE = "index_row.html"   # one visit's row of the index's tables
INDEX_DAY_TEMPLATE = "index_day.html"   # one visit on one day of the index's month view


@dataclass(slots=True)  # not frozen: a page makes a score of these, and frozen ones are slow
class Heading:
    """One entry of a page's outline: the heading's level, its id and its plain text."""

    level: int
    id: str
    title: str
    children: list[Heading] = field(default_factory=list)


@dataclass(frozen=True)
class RenderedPage:
    title: str            # plain text
    description: str      # plain text
    html: Markup          # the page's content (what Markdown would have produced)
    toc: list[Heading]
    searchable: bool = True
    search_html: Markup = field(default_factory=Markup)  # what search indexes


def _link(target: str) -> str:
    return "../../" + target.replace(".md", "/", 1)


def _no_icon(name: str) -> Markup:
    del name
    return Markup("")


@dataclass(frozen=True)
class Site:
    """What a page needs from the site it is part of, as URLs relative to that page.

    ``link`` turns a handbook page path (``guide/tiers.md#anchor``, as the policy writes it)
    into a URL; ``calendar`` does the same for a calendar file name (``x.ics``, which the
    site keeps in its visits folder); ``packet`` gives the URL of a packet by its file stem;
    ``icon`` returns an inline SVG by name (``material/calendar-plus``). The defaults suit a
    packet at ``visits/<stem>/`` of a site with directory URLs.
    """

    link: Callable[[str], str] = _link
    calendar: Callable[[str], str] = lambda name: f"../{name}"
    packet: Callable[[str], str] = lambda stem: f"{stem}/"
    icon: Callable[[str], Markup] = _no_icon

    def context(self) -> dict[str, object]:
        return {"link": self.link, "calendar": self.calendar, "packet_url": self.packet,
                "icon": self.icon}


class Outline:
    """The headings of one page, collected as its templates print them.

    A template writes a heading with ``{{ outline.heading(2, "schedule", t("schedule")) }}``:
    that prints the heading with its id and permalink (the markup of Python-Markdown's toc
    extension, which Material styles) and adds it to the page's table of contents, nested by
    level.
    """

    def __init__(self) -> None:
        self.roots: list[Heading] = []
        self._stack: list[Heading] = []

    def heading(self, level: int, ident: str, title: object, *,
                permalink: bool = True) -> Markup:
        text = title if type(title) is str and _is_plain(title) else plain(title)
        entry = Heading(level, ident, text)
        stack = self._stack
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else self.roots).append(entry)
        stack.append(entry)
        # plain str, not Markup: an f-string formats a Markup through its Python __format__
        key = ident if _ID.fullmatch(ident) else str(escape(ident))
        shown = str(escape(text))
        if permalink:
            return Markup(f'<h{level:d} id="{key}">{shown}<a class="headerlink" href="#{key}" '
                          f'title="Permanent link">¶</a></h{level:d}>')
        return Markup(f'<h{level:d} id="{key}">{shown}</h{level:d}>')


_ID = re.compile(r"[A-Za-z0-9_-]+")  # an id as the templates make them: nothing to escape


def _is_plain(text: str) -> bool:
    """Whether :func:`~generator.escape.plain` would leave *text* as it is (a heading's title
    usually is): no control characters, no white space but single spaces inside. Every
    white space character but the space is unprintable."""
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


T = TypeVar("T")
_WEEKS = calendar.Calendar(firstweekday=calendar.MONDAY)


@dataclass(frozen=True)
class Month(Generic[T]):
    """One month of the visits index's month view.

    ``weeks`` are the month's calendar rows, Monday first, with ``None`` for the days of the
    months before and after; ``busy`` is what is on each busy day of the month, days in order.
    """

    first: dt.date  # the 1st of the month
    weeks: list[list[dt.date | None]]
    busy: dict[dt.date, list[T]]

    @property
    def key(self) -> str:
        """The month as the index's filter and anchors write it: ``2026-12``."""
        return f"{self.first:%Y-%m}"


def month_view(spans: Iterable[tuple[dt.date, dt.date, T]]) -> list[Month[T]]:
    """The months with at least one busy day, earliest first (months without one are left
    out, so a few visits years apart make a few months, not years of them).

    Each span (first day, last day, item) puts its item on every day from its first to its
    last, in the order the spans come; a span over the end of a month is in both months.
    """
    days: dict[dt.date, list[T]] = {}
    for first, last, item in spans:
        for n in range((last - first).days + 1):
            days.setdefault(first + dt.timedelta(days=n), []).append(item)
    months: dict[dt.date, dict[dt.date, list[T]]] = {}
    for day in sorted(days):
        months.setdefault(day.replace(day=1), {})[day] = days[day]
    return [Month(first, [[d if d.month == first.month else None for d in week]
                          for week in _WEEKS.monthdatescalendar(first.year, first.month)],
                  busy)
            for first, busy in months.items()]


def month_keys(first: dt.date, last: dt.date) -> list[str]:
    """The months a visit from *first* to *last* touches: ``["2026-12", "2027-01"]``."""
    keys = []
    month = first.replace(day=1)
    while month <= last:
        keys.append(f"{month:%Y-%m}")
        month = (month + dt.timedelta(days=31)).replace(day=1)
    return keys


def hosts_on(facts: Facts, day: dt.date) -> list[str]:
    """Who hosts a visit on *day*: the hosts its schedule names that day (``with:``), in the
    order of the hosts list, else all of its hosts."""
    listed = {name for d in facts.days if d.day == day for item in d.items for name in item.with_}
    hosts = [host.name for host in facts.visit.hosts]
    return [name for name in hosts if name in listed] or hosts


class Task(NamedTuple):
    """One line of a packet's checklist, as the checklist block prints it."""

    at: str                    # the time it is due ("18:00")
    owner: str                 # the owning department's name
    text: Text | Local         # the task (the policy's, or the visit file's own): print with tr
    what: Local | None         # the schedule item it is for: the item's `what`
    done: bool
    manual: bool               # one of the visit file's own tasks
    moved: str                 # "moved from Sun 6 Dec" when it left a day off, else ""
    overdue: bool
    href: str                  # the URL of its rule's handbook page from this page, or ""


class TaskDay(NamedTuple):
    day: dt.date
    label: str                 # the day, written out
    tasks: list[Task]


class TaskPhase(NamedTuple):
    key: str                   # before, during, after
    title: str
    days: list[TaskDay]


class TourText(NamedTuple):
    """A tour kind's rules (policy.tours) as the tour block writes them in one language: the
    lists joined, the route owner's department named (empty texts for what the rule lacks)."""

    title: str
    gear: str
    escorts: str
    hand_over: str
    no_photo: str
    route_owner: str           # the department's name
    route_dept: str | None     # its key, for route_hosts


def _tour_text(rule: TourRule, kind: str, lang: str, catalogue: Catalogue, p: Punctuation,
               departments: dict[str, str]) -> TourText:
    owner = rule.route_owner
    return TourText(
        catalogue.t(lang, "tour_rules", tour=catalogue.t(lang, f"tour_{kind}")),
        p.semi.join(g(lang) for g in rule.gear), rule.escorts(lang),
        p.semi.join(x(lang) for x in rule.hand_over), p.semi.join(x(lang) for x in rule.no_photo),
        departments.get(owner, owner) if owner else "", owner)


class Checklist(NamedTuple):
    """A packet's checklist as its block prints it: the phases that have tasks, and whether a
    task moved off a day off (the block then says so once)."""

    phases: list[TaskPhase]
    moved: bool


class Renderer:
    """Renders the packet and index pages of one project in either language."""

    def __init__(self, search_path: Sequence[Path], catalogue: Catalogue,
                 policy: Policy) -> None:
        self.search_path = [Path(p) for p in search_path]
        self.catalogue = catalogue
        self.policy = policy
        self._envs: dict[str, jinja2.Environment] = {}
        self._dates: dict[str, Callable[..., str]] = {}
        self._on_item: dict[str, Callable[[Visit, Item], list[str]]] = {}
        self._kept: dict[str, _Kept] = {}  # by language: what index() drew last

    def _date(self, lang: str) -> Callable[..., str]:
        """Dates in *lang* as the packets write them, each day written once per build."""
        if lang not in self._dates:
            catalogue = self.catalogue

            @functools.lru_cache(maxsize=4096)
            def written(day: dt.date, year: bool, weekday: bool) -> str:
                return format_date(day, lang, catalogue, year=year, weekday=weekday)

            def date(day: dt.date, *, year: bool = False, weekday: bool = True) -> str:
                """*day* (a date, or the day of a datetime) as the packets write it."""
                if isinstance(day, dt.datetime):
                    day = day.date()
                return written(day, year, weekday)

            self._dates[lang] = date
        return self._dates[lang]

    def _env(self, lang: str) -> jinja2.Environment:
        """One environment per language, so each template is compiled once (and each
        template that imports macros.html without context shares one module of it)."""
        if lang in self._envs:
            return self._envs[lang]
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(p) for p in self.search_path]),
            autoescape=True,
            auto_reload=False,  # one build, one set of templates: no stat per include
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=[_Constants],
        )
        catalogue = self.catalogue
        labels = Labels(catalogue, lang)
        punctuation = Punctuation(**PUNCTUATION[lang])
        date = self._date(lang)
        badge = Markup('<small class="packet-untranslated" title="{}">{}</small>').format(
            labels["untranslated_title"], labels["untranslated_mark"])

        def tr(value: Local | Text | str | None) -> str:
            """Free text of the visit file in this language; the other language's, marked,
            when it has none (``lang`` set, so it is read and hyphenated as what it is). The
            policy's texts (:class:`Text`, always in both languages) print as they are. Text
            comes back as it is, for the template to escape as it prints it (the common case,
            escaped once); the marked text as :class:`Markup`."""
            if value is None:
                return ""
            if isinstance(value, Text):
                return value(lang)
            if not isinstance(value, Local):
                return value
            if not value.untranslated(lang):
                return value(lang)
            return Markup('<span lang="{}">{}</span> {}').format(
                value.source_lang(lang), value(lang), badge)

        def markdown(value: Local | str | None) -> Markup:
            if value is None:
                return Markup("")
            if not isinstance(value, Local):
                return to_html(value)
            html = to_html(value(lang))
            if not value.untranslated(lang):
                return html
            return Markup('<div lang="{}">{}</div><p>{}</p>').format(
                value.source_lang(lang), html, badge)

        # pycountry's names and the visits' date ranges, looked up once per build and language
        country = functools.lru_cache(maxsize=None)(lambda code: country_name(code, lang))
        language = functools.lru_cache(maxsize=None)(lambda code: language_name(code, lang))
        date_range = functools.lru_cache(maxsize=4096)(
            lambda a, b: format_range(a, b, lang, catalogue))

        def languages(codes: Iterable[str]) -> str:
            return punctuation.list.join(language(code) for code in codes)

        def on_item(visit: Visit, item: Item) -> list[str]:
            """Our people at *item* as the packet names them, an interpreter with the
            languages they interpret (joined with ``P.list`` by the templates)."""
            shown = []
            for host in attendees(visit, item):
                name = host_name(host, lang)
                if host.interpreter:
                    role = (catalogue.t(lang, "interprets", languages=languages(host.languages))
                            if host.languages else labels["interpreter"])
                    name = f"{name}{punctuation.open}{role}{punctuation.close}"
                shown.append(name)
            return shown

        def money(amount: float) -> str:
            return _money(amount, self.policy.currency)

        diets = {word: diet.name(lang) for word, diet in self.policy.diets.items()}
        departments = {key: dept.name(lang) for key, dept in self.policy.departments.items()}
        tours = {kind: _tour_text(rule, kind, lang, catalogue, punctuation, departments)
                 for kind, rule in self.policy.tours.items()}

        def diet_names(words: Iterable[str]) -> list[str]:
            """The policy's names of diet words in this language, for ``| join``."""
            return [diets[word] for word in words]

        def diet_counts(counts: Iterable[tuple[str, int]]) -> list[str]:
            """Diets with how many people need each ("Halal (1)", diet_with_count), from
            (word, count) pairs such as ``f.diet.combined`` or ``meal_diets``, for
            ``| join(P.semi)``."""
            return [catalogue.t(lang, "diet_with_count", count=count, need=diets[word])
                    for word, count in counts]

        def visitor(person: Visitor) -> str:
            """A visitor's name as the packet shows it: with the Chinese name in Chinese, and
            the principal's mark."""
            name = (f"{person.name} {person.name_zh}" if lang == "zh" and person.name_zh
                    else person.name)
            if person.principal:
                name = f"{name}{punctuation.open}{labels['principal_mark']}{punctuation.close}"
            return name

        def host(person: Host) -> str:
            return host_name(person, lang)

        def named_in(name: str, visit: Visit) -> str:
            return named(visit, name, lang)

        env.globals.update(
            tr=tr,
            host_name=host,
            named=lambda visit, name: named(visit, name, lang),
            lang=lang,
            t=lambda key, **kw: catalogue.t(lang, key, **kw),
            L=labels,
            policy=self.policy,
            country=country,
            language=language,
            languages=languages,
            attendees=attendees,
            on_item=on_item,  # a page gets its own, which remembers each item's (packet())
            diet_names=diet_names,
            diet_counts=diet_counts,
            interpreters=interpreters,
            interpreters_on=interpreters_on,
            tour_party=tour_party,
            route_hosts=route_hosts,
            date=date,
            date_range=date_range,
            text=lambda bilingual: bilingual(lang),
            money=money,
            P=punctuation,
            departments=departments,
            tours=tours,
        )
        # The same helpers as filters, which a template calls directly (a global function
        # goes through Jinja's Context.call): {{ e.text | tr }}, {{ day | date }}.
        env.filters.update(
            by_phase=_by_phase,
            markdown=markdown,
            hhmm=_hhmm,
            tel=tel_href,
            tr=tr,
            date=date,
            text=lambda bilingual: bilingual(lang),
            money=money,
            language=language,
            country=country,
            visitor=visitor,
            host_name=host,
            named=named_in,
        )
        self._envs[lang] = env
        self._on_item[lang] = on_item
        return env

    def checklist(self, facts: Facts, lang: str, today: dt.date,
                  link: Callable[[str], str]) -> Checklist:
        """The checklist of *facts* by phase (before, during, after), then by the day it is
        due, each task with what its line shows worked out (its rule's URL by *link*)."""
        departments = {key: dept.name(lang) for key, dept in self.policy.departments.items()}
        date, t = self._date(lang), self.catalogue.t
        hrefs: dict[str, str] = {}
        phases: dict[str, dict[dt.date, list[Task]]] = {"before": {}, "during": {}, "after": {}}
        for e in facts.checklist:
            due, target, item = e.due, e.link, e.item
            if target and target not in hrefs:
                hrefs[target] = link(target)
            moved = t(lang, "moved_from", when=date(e.moved_from.date())) if e.moved_from else ""
            task = Task(_hhmm(due), departments.get(e.owner, e.owner), e.text,
                        item.what if item is not None else None, e.done, e.manual, moved,
                        e.overdue(today), hrefs[target] if target else "")
            phases[e.phase].setdefault(due.date(), []).append(task)
        return Checklist([TaskPhase(phase, t(lang, f"phase_{phase}"),
                                    [TaskDay(day, date(day), tasks)
                                     for day, tasks in days.items()])
                          for phase, days in phases.items() if days],
                         any(e.moved_from for e in facts.checklist))

    def packet(self, facts: Facts, lang: str, *, today: dt.date, zone: str,
               notes: Sequence[Note] = (), site: Site | None = None) -> RenderedPage:
        """The packet page of one visit in *lang*."""
        site = site or Site()
        policy = self.policy
        warnings = [
            {"message": f.message(policy, lang), "link": policy.checks[f.check].link}
            for f in facts.findings if policy.checks[f.check].severity == "warning"
        ]
        approved = [
            {"message": a.finding.message(policy, lang),
             "link": policy.checks[a.finding.check].link, "by": a.approval.by,
             "on": a.approval.on, "note": a.approval.note, "path": tuple(a.finding.path)}
            for a in facts.approved
        ]
        visit = facts.visit
        title = self.title(facts, lang)
        description = self.description(facts, lang)
        env = self._env(lang)
        outline = Outline()
        context = dict(f=facts, v=visit, title=title, today=today, zone=zone, notes=list(notes),
                       warnings=warnings, approved=approved,
                       approved_paths={a["path"] for a in approved},
                       to_do=open_tasks(facts.checklist, list(policy.departments), today),
                       next_task=next_task(facts.checklist, today),
                       checklist=self.checklist(facts, lang, today, site.link),
                       outline=outline, meal_diets=meal_diets(visit, policy), **site.context())
        context["on_item"] = _once_per_item(self._on_item[lang])  # schedule and top block
        html = _render(env, PACKET_TEMPLATE, context)
        search = _render(env, SEARCH_TEMPLATE, context)
        return RenderedPage(title, description, Markup(html), outline.roots,
                            not visit.confidential, Markup(search))

    def title(self, facts: Facts, lang: str) -> str:
        """A packet's title: the visit's own, else "<company> visit"."""
        visit = facts.visit
        if visit.title is not None:
            return plain(visit.title(lang))
        return plain(f"{visit.client.company} {self.catalogue.t(lang, 'visit')}")

    def description(self, facts: Facts, lang: str) -> str:
        """A packet's one-line summary: company, dates, purpose."""
        return plain(" · ".join((facts.visit.client.company,
                                 format_range(facts.first_day, facts.last_day, lang,
                                              self.catalogue),
                                 facts.visit.purpose(lang))))

    def index(self, upcoming: list[Facts], past: list[Facts], lang: str, today: dt.date,
              site: Site | None = None) -> RenderedPage:
        """The visits index: the tables of upcoming and past visits (each row with its
        warnings and the data-* attributes the filters of visits-filter.js read), then the
        month view (the months from this one on, then the earlier ones, latest first).

        Each visit's row and its lines of the month view are rendered by templates of their
        own (``index_row.html``, ``index_day.html``) and kept until the next call
        (:class:`Listed`), and so is each month of the month view: a live preview renders the
        index again after every edit, and an edit changes one visit, so the others' fragments
        are reused. A fragment is a function of what its template gets, and it is reused only
        when all of that is the same: the same :class:`Facts` object (a changed visit file
        makes a new one; facts and visits are never changed in place), the same packet URL
        and the same build date, for a month the same lines and heading; the language, the
        policy, the messages and the templates are the renderer's, fixed for its life.
        """
        policy, catalogue = self.policy, self.catalogue
        env = self._env(lang)
        site = site or Site(calendar=lambda name: name)
        shown = [*upcoming, *past]
        fragments = _Fragments(self._kept.get(lang) or _Kept(), env, policy, lang, today,
                               site.packet)
        warnings = {f.stem: fragments.entry(f).warnings for f in shown}
        months = month_view((f.first_day, f.last_day, f)
                            for f in sorted(shown, key=lambda f: (f.first_day, f.stem)))
        this_month = today.replace(day=1)

        def month_name(first: dt.date) -> str:
            return catalogue.t(lang, "month_label", year=first.year, month=first.month,
                               name=calendar.month_name[first.month])

        countries = {f.visit.client.country for f in shown}
        tiers = {f.visit.tier for f in shown}
        filters = [
            ("month", [(m.key, month_name(m.first)) for m in months]),
            ("tier", [(key, f"{key} · {tier.name(lang)}") for key, tier in policy.tiers.items()
                      if key in tiers]),
            ("country", sorted(((code, country_name(code, lang)) for code in countries),
                               key=lambda pair: pair[1])),
            ("owner", sorted({(f.visit.owner, fragments.entry(f).owner) for f in shown},
                             key=lambda pair: pair[1])),
        ]
        template = env.get_template(INDEX_TEMPLATE)
        outline = Outline()
        html = template.render(
            upcoming=upcoming, past=past, today=today, outline=outline, warnings=warnings,
            filters=filters, month_keys=month_keys, month_name=month_name, hosts_on=hosts_on,
            months_ahead=[m for m in months if m.first >= this_month],
            months_before=[m for m in reversed(months) if m.first < this_month],
            visit_row=fragments.row, visit_on=fragments.on_day, visits_month=fragments.month,
            **site.context())
        self._kept[lang] = fragments.fresh  # what this page showed, for the next call
        title, intro = self.catalogue.t(lang, "visits"), self.catalogue.t(lang, "visits_intro")
        return RenderedPage(title, intro, Markup(html), outline.roots, True,
                            Markup("<p>{}</p>").format(intro))


@dataclass(slots=True, eq=False)
class Listed:
    """One visit as the visits index shows it, kept from one render of the index to the next.

    An entry is for one :class:`Facts` object, packet URL and build date (another of any makes
    another entry), so the entries a month of the month view shows say whether it changed.
    ``facts`` is held, so no other object can take its id while the entry lives; ``warnings``
    (its open warnings' messages) and ``owner`` (the owner as the owner filter names them)
    follow from it and the renderer's policy. ``row`` and ``days`` (by day) are its rendered
    fragments, each drawn when first needed."""

    facts: Facts
    warnings: list[str]
    owner: str
    url: str
    today: dt.date
    row: Markup | None = None
    days: dict[dt.date, Markup] = field(default_factory=dict)


# A month of the month view as drawn: its heading, the build date and the entries of each
# busy day (the HTML depends on nothing else), and the HTML.
_MonthKey = tuple[str, dt.date, tuple[tuple[dt.date, tuple[Listed, ...]], ...]]


@dataclass
class _Kept:
    """What one render of the visits index drew, in one language: the visits' entries by
    stem, the months by their first day."""

    visits: dict[str, Listed] = field(default_factory=dict)
    months: dict[dt.date, tuple[_MonthKey, Markup]] = field(default_factory=dict)


class _Fragments:
    """The fragments of one render of the visits index (a row per visit, a line per visit
    and busy day, a section per month), from what the last render kept (*kept*) where they
    are still right, else rendered; ``fresh`` holds what this render drew."""

    def __init__(self, kept: _Kept, env: jinja2.Environment, policy: Policy, lang: str,
                 today: dt.date, packet_url: Callable[[str], str]) -> None:
        self.kept = kept
        self.fresh = _Kept()
        self.env, self.policy, self.lang, self.today = env, policy, lang, today
        self.packet_url = packet_url
        self.base = dict(env.globals)  # merged into each fragment's context (see _render)
        self.templates: dict[str, jinja2.Template] = {}

    def entry(self, f: Facts) -> Listed:
        """*f*'s entry for this render's packet URL and build date."""
        found = self.fresh.visits.get(f.stem)
        if found is not None and found.facts is f:
            return found  # checked already in this render
        url = self.packet_url(f.stem)
        kept = self.kept.visits.get(f.stem)
        if kept is not None and kept.facts is f:
            found = kept if (kept.url, kept.today) == (url, self.today) else Listed(
                f, kept.warnings, kept.owner, url, self.today)
        else:
            policy, lang = self.policy, self.lang
            found = Listed(f, [finding.message(policy, lang) for finding in f.findings
                               if policy.checks[finding.check].severity == "warning"],
                           named(f.visit, f.visit.owner, lang), url, self.today)
        self.fresh.visits[f.stem] = found
        return found

    def row(self, f: Facts) -> Markup:
        """*f*'s row of the tables (``index_row.html``)."""
        found = self.entry(f)
        if found.row is None:
            found.row = self._render(INDEX_ROW_TEMPLATE, f=f, open=found.warnings,
                                     url=found.url, today=self.today, month_keys=month_keys)
        return found.row

    def on_day(self, f: Facts, day: dt.date) -> Markup:
        """*f*'s line under *day* in the month view (``index_day.html``)."""
        found = self.entry(f)
        html = found.days.get(day)
        if html is None:
            html = found.days[day] = self._render(INDEX_DAY_TEMPLATE, f=f, day=day,
                                                  url=found.url, today=self.today,
                                                  hosts_on=hosts_on)
        return html

    def month(self, block: Callable[[Month[Facts], str], Markup], m: Month[Facts],
              heading: str) -> Markup:
        """The section of month *m* (with *heading*'s HTML, or none), drawn by *block* (the
        index's ``month_block`` macro) unless the last render drew it with the same heading,
        build date and entries."""
        key: _MonthKey = (str(heading), self.today, tuple(
            (day, tuple(self.entry(f) for f in visits)) for day, visits in m.busy.items()))
        found = self.kept.months.get(m.first)
        if found is None or found[0] != key:
            found = (key, Markup(block(m, heading)))
        self.fresh.months[m.first] = found
        return found[1]

    def _render(self, name: str, **context: Any) -> Markup:
        """The template *name* with *context* and the environment's globals, nothing else: a
        fragment depends on nothing its entry does not check. Each template is looked up when
        first needed (a site's own index.html may draw its rows itself)."""
        template = self.templates.get(name)
        if template is None:
            template = self.templates[name] = self.env.get_template(name)
        return Markup(_run(self.env, template, {**self.base, **context}))


_TASK = re.compile(
    r'(<li class="task-list-item"><label class="task-list-control"><input type="checkbox"'
    r' disabled(?: checked)?/?><span class="task-list-indicator"></span>)</label>'
    r"((?:(?!</li>|<ul|<ol|<p>|<div)[\s\S])*)")


def _render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """``env.get_template(name).render(context)``, with the environment's globals merged into
    the context as a plain dict: Template.render copies them out of a ChainMap key by key,
    which a page does twice, thousands of times a build."""
    return _run(env, env.get_template(name), {**env.globals, **context})


def _run(env: jinja2.Environment, template: jinja2.Template, context: dict[str, Any]) -> str:
    """*template* rendered with *context* as its whole context (globals already merged)."""
    try:
        return env.concat(template.root_render_func(template.new_context(context, shared=True)))
    except Exception:
        env.handle_exception()
        raise  # handle_exception raises; this keeps the type checker informed


def _once_per_item(people: Callable[[Visit, Item], list[str]]
                   ) -> Callable[[Visit, Item], list[str]]:
    """*people* (``on_item``) for one page: the schedule and the top block name the people of
    each item, worked out once."""
    seen: dict[int, list[str]] = {}

    def on_item(visit: Visit, item: Item) -> list[str]:
        key = id(item)  # the page's items live as long as the page
        if key not in seen:
            seen[key] = people(visit, item)
        return seen[key]

    return on_item


def label_task_lists(html: str) -> str:
    """Handbook task lists with each tick box named by its item's text.

    pymdownx.tasklist (custom_checkbox) puts the box in a label of its own, before the text,
    so a screen reader announces an unnamed box; the item's text (up to a nested list or
    paragraph) moves into the label, which looks the same."""
    if "task-list-control" not in html:
        return html
    return _TASK.sub(r"\1\2</label>", html)


_KEEP = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.S | re.I)


def collapse_whitespace(page: str) -> str:
    """*page* without the indentation and blank lines of its templates.

    A run of white space that holds a line break shows as one space in HTML, exactly as one
    line break does, so nothing on the page changes; only ``pre``, ``textarea``, ``script``
    and ``style`` elements, where white space is kept, are left as they are. It makes a packet
    page about a fifth smaller, for phones on the move.
    """
    parts = _KEEP.split(page)
    out: list[str] = []
    index = 0
    while index < len(parts):
        _collapse_lines(parts[index], out)
        if index + 1 < len(parts):
            out.append(parts[index + 1])  # a kept element, as it is
        index += 3
    return "".join(out)


def _collapse_lines(text: str, out: list[str]) -> None:
    r"""*text* into *out* with each run of white space that holds a line break made one line
    break: the spaces and tabs before the run's first line break go, and every white space
    character after it. That is ``re.sub(r"[ \t]*\n\s*", "\n", text)``, done line by line:
    the expression, tried at every character, took a millisecond of each packet's build.
    ``str.isspace`` and ``str.lstrip`` know the white space that ``\s`` knows."""
    lines = text.split("\n")
    last = len(lines) - 1
    head = lines[0]
    number = 1
    while number <= last:
        out.append(head.rstrip(" \t"))
        out.append("\n")
        while number < last and (not lines[number] or lines[number].isspace()):
            number += 1  # a blank line, and the line break after it, are in the run
        head = lines[number].lstrip()
        number += 1
    out.append(head)


def _by_phase(entries: Sequence[Any]) -> list[tuple[str, list[tuple[dt.date, list[Any]]]]]:
    """Checklist entries by phase (before, during, after), then by the day they are due."""
    phases: dict[str, dict[dt.date, list[Any]]] = {"before": {}, "during": {}, "after": {}}
    for entry in entries:
        phases[str(entry.phase)].setdefault(entry.due.date(), []).append(entry)
    return [(phase, list(days.items())) for phase, days in phases.items() if days]


def _hhmm(value: dt.time | dt.datetime) -> str:
    """A time as the packets write it: 09:30 (faster than strftime, which a page calls often)."""
    return f"{value.hour:02d}:{value.minute:02d}"


def _money(amount: float, currency: str) -> str:
    number = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    return f"{number} {currency}"
