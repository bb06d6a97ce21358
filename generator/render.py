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
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import jinja2
from markupsafe import Markup, escape

from .country_notes import Note
from .derive import Facts, meal_diets
from .escape import plain
from .i18n import Catalogue, country_name, format_date, format_range, language_name
from .markdown_fields import to_html
from .models import Policy
from .models.common import Text
from .models.local import Local
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
PACKET_TEMPLATE = "packet.html"
SEARCH_TEMPLATE = "search.html"
INDEX_TEMPLATE = "index.html"


@dataclass(frozen=True)
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
        text = plain(title)
        entry = Heading(level, ident, text)
        while self._stack and self._stack[-1].level >= level:
            self._stack.pop()
        (self._stack[-1].children if self._stack else self.roots).append(entry)
        self._stack.append(entry)
        key = escape(ident)
        link = (f'<a class="headerlink" href="#{key}" title="Permanent link">&para;</a>'
                if permalink else "")
        return Markup(f'<h{level:d} id="{key}">{escape(text)}{link}</h{level:d}>')


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


class Renderer:
    """Renders the packet and index pages of one project in either language."""

    def __init__(self, search_path: Sequence[Path], catalogue: Catalogue,
                 policy: Policy) -> None:
        self.search_path = [Path(p) for p in search_path]
        self.catalogue = catalogue
        self.policy = policy
        self._envs: dict[str, jinja2.Environment] = {}

    def _env(self, lang: str) -> jinja2.Environment:
        """One environment per language, so each template is compiled once."""
        if lang in self._envs:
            return self._envs[lang]
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(p) for p in self.search_path]),
            autoescape=True,
            auto_reload=False,  # one build, one set of templates: no stat per include
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        catalogue = self.catalogue
        badge = Markup('<small class="packet-untranslated" title="{}">{}</small>').format(
            catalogue.t(lang, "untranslated_title"), catalogue.t(lang, "untranslated_mark"))

        def tr(value: Local | Text | str | None) -> Markup:
            """Free text of the visit file in this language; the other language's, marked,
            when it has none (``lang`` set, so it is read and hyphenated as what it is). The
            policy's texts (:class:`Text`, always in both languages) print as they are."""
            if value is None:
                return Markup("")
            if isinstance(value, Text):
                return escape(value(lang))
            if not isinstance(value, Local):
                return escape(value)
            if not value.untranslated(lang):
                return escape(value(lang))
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

        env.globals.update(
            tr=tr,
            host_name=lambda host: host_name(host, lang),
            named=lambda visit, name: named(visit, name, lang),
            lang=lang,
            t=lambda key, **kw: catalogue.t(lang, key, **kw),
            policy=self.policy,
            country=lambda code: country_name(code, lang),
            language=lambda code: language_name(code, lang),
            languages=lambda codes: PUNCTUATION[lang]["list"].join(
                language_name(code, lang) for code in codes),
            attendees=attendees,
            interpreters=interpreters,
            interpreters_on=interpreters_on,
            tour_party=tour_party,
            route_hosts=route_hosts,
            date=lambda d, **kw: format_date(d, lang, catalogue, **kw),
            date_range=lambda a, b: format_range(a, b, lang, catalogue),
            text=lambda bilingual: bilingual(lang),
            money=lambda amount: _money(amount, self.policy.currency),
            P=PUNCTUATION[lang],
            departments={key: dept.name(lang) for key, dept in self.policy.departments.items()},
        )
        env.filters.update(
            by_phase=_by_phase,
            markdown=markdown,
            hhmm=lambda v: v.strftime("%H:%M"),
            tel=tel_href,
        )
        self._envs[lang] = env
        return env

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
                       outline=outline, meal_diets=meal_diets(visit, policy), **site.context())
        html = env.get_template(PACKET_TEMPLATE).render(context)
        search = env.get_template(SEARCH_TEMPLATE).render(context)
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
        month view (the months from this one on, then the earlier ones, latest first)."""
        policy, catalogue = self.policy, self.catalogue
        shown = [*upcoming, *past]
        warnings = {f.stem: [finding.message(policy, lang) for finding in f.findings
                             if policy.checks[finding.check].severity == "warning"]
                    for f in shown}
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
            ("owner", sorted({(f.visit.owner, named(f.visit, f.visit.owner, lang))
                              for f in shown}, key=lambda pair: pair[1])),
        ]
        template = self._env(lang).get_template(INDEX_TEMPLATE)
        outline = Outline()
        html = template.render(
            upcoming=upcoming, past=past, today=today, outline=outline, warnings=warnings,
            filters=filters, month_keys=month_keys, month_name=month_name, hosts_on=hosts_on,
            months_ahead=[m for m in months if m.first >= this_month],
            months_before=[m for m in reversed(months) if m.first < this_month],
            **(site or Site(calendar=lambda name: name)).context())
        title, intro = self.catalogue.t(lang, "visits"), self.catalogue.t(lang, "visits_intro")
        return RenderedPage(title, intro, Markup(html), outline.roots, True,
                            Markup("<p>{}</p>").format(intro))


_TASK = re.compile(
    r'(<li class="task-list-item"><label class="task-list-control"><input type="checkbox"'
    r' disabled(?: checked)?/?><span class="task-list-indicator"></span>)</label>'
    r"((?:(?!</li>|<ul|<ol|<p>|<div)[\s\S])*)")


def label_task_lists(html: str) -> str:
    """Handbook task lists with each tick box named by its item's text.

    pymdownx.tasklist (custom_checkbox) puts the box in a label of its own, before the text,
    so a screen reader announces an unnamed box; the item's text (up to a nested list or
    paragraph) moves into the label, which looks the same."""
    if "task-list-control" not in html:
        return html
    return _TASK.sub(r"\1\2</label>", html)


_KEEP = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.S | re.I)
_BLANKS = re.compile(r"[ \t]*\n\s*")


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
        out.append(_BLANKS.sub("\n", parts[index]))
        if index + 1 < len(parts):
            out.append(parts[index + 1])  # a kept element, as it is
        index += 3
    return "".join(out)


def _by_phase(entries: Sequence[Any]) -> list[tuple[str, list[tuple[dt.date, list[Any]]]]]:
    """Checklist entries by phase (before, during, after), then by the day they are due."""
    phases: dict[str, dict[dt.date, list[Any]]] = {"before": {}, "during": {}, "after": {}}
    for entry in entries:
        phases[str(entry.phase)].setdefault(entry.due.date(), []).append(entry)
    return [(phase, list(days.items())) for phase, days in phases.items() if days]


def _money(amount: float, currency: str) -> str:
    number = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    return f"{number} {currency}"
