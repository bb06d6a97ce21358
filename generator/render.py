"""Render: packet and index pages as Markdown, through the Jinja2 templates in ``theme/packet``.

Every value a template prints is escaped for Markdown unless a filter marked it safe, so a
visit file cannot inject HTML or Markdown into the site (see :mod:`generator.escape`). A
page's front matter (its title and description) is data, built here as a dict and written by
the YAML library (:func:`front_matter`); the MkDocs plugin escapes it for HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml
from markupsafe import Markup

from . import escape
from .country_notes import Note
from .derive import Facts, meal_diets
from .i18n import Catalogue, country_name, format_date, format_range, language_name
from .models import Policy

PUNCTUATION = {
    "zh": {"colon": Markup("："), "open": Markup("（"), "close": Markup("）"),
           "list": Markup("、"), "semi": Markup("；")},
    "en": {"colon": Markup(": "), "open": Markup(" ("), "close": Markup(")"),
           "list": Markup(", "), "semi": Markup("; ")},
}


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    return escape.inline(value)


@dataclass(frozen=True)
class Renderer:
    templates: Path
    catalogue: Catalogue
    policy: Policy
    _envs: dict[str, jinja2.Environment] = field(default_factory=dict, compare=False,
                                                 repr=False)

    def _env(self, lang: str) -> jinja2.Environment:
        """One environment per language, so each template is compiled once per build."""
        if lang in self._envs:
            return self._envs[lang]
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.templates),
            autoescape=False,
            finalize=_finalize,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        t: Callable[..., str] = lambda key, **kw: self.catalogue.t(lang, key, **kw)  # noqa: E731
        env.globals.update(
            lang=lang,
            t=t,
            policy=self.policy,
            country=lambda code: country_name(code, lang),
            language=lambda code: language_name(code, lang),
            date=lambda d, **kw: format_date(d, lang, self.catalogue, **kw),
            date_range=lambda a, b: format_range(a, b, lang, self.catalogue),
            text=lambda bilingual: bilingual(lang),
            money=lambda amount: _money(amount, self.policy.currency),
            space=Markup(" "),
            P=PUNCTUATION[lang],
        )
        env.filters.update(
            md=lambda v, indent="": escape.block(v, indent=indent),
            attr=escape.attribute,
            hhmm=lambda v: Markup(v.strftime("%H:%M")),
        )
        self._envs[lang] = env
        return env

    def packet(self, facts: Facts, lang: str, *, today: dt.date, zone: str,
               notes: Sequence[Note] = ()) -> str:
        """The packet page of one visit in *lang*."""
        policy = self.policy
        warnings = [
            {"message": f.message(policy, lang), "link": policy.checks[f.check].link}
            for f in facts.findings if policy.checks[f.check].severity == "warning"
        ]
        visit = facts.visit
        title = self.title(facts, lang)
        description = " · ".join((visit.client.company,
                                  format_range(facts.first_day, facts.last_day, lang,
                                               self.catalogue),
                                  visit.purpose))
        meta: dict[str, object] = {"title": title, "description": escape.plain(description)}
        if visit.confidential:
            meta["search"] = {"exclude": True}
        meta["packet"] = {"stem": facts.stem, "confidential": visit.confidential}
        template = self._env(lang).get_template("packet.md.j2")
        return front_matter(meta) + "\n" + template.render(
            f=facts, v=visit, title=title, today=today, zone=zone, notes=list(notes),
            warnings=warnings, meal_diets=meal_diets(visit, policy))

    def title(self, facts: Facts, lang: str) -> str:
        """A packet's title: the visit's own, else "<company> visit"."""
        visit = facts.visit
        return escape.plain(visit.title or
                            f"{visit.client.company} {self.catalogue.t(lang, 'visit')}")

    def index(self, upcoming: list[Facts], past: list[Facts], lang: str,
              today: dt.date) -> str:
        meta = {"title": self.catalogue.t(lang, "visits"),
                "description": self.catalogue.t(lang, "visits_intro")}
        template = self._env(lang).get_template("index.md.j2")
        body = template.render(upcoming=upcoming, past=past, today=today)
        return front_matter(meta) + "\n" + body


# The loader MkDocs reads front matter with (mkdocs.utils.meta): libyaml's when available.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def front_matter(data: Mapping[str, object]) -> str:
    """YAML front matter for *data*, written by the YAML library and read back to be sure.

    Long values are not folded, and a value with line breaks continues on indented lines, so
    no line of a value can close the block. Unicode is written as it is; if a value would not
    survive that (PyYAML writes U+0085 raw, which a reader takes for a line break), the block
    is written again with every non-ASCII character escaped, which always reads back.
    """
    text = ""
    for allow_unicode in (True, False):
        text = yaml.safe_dump(dict(data), allow_unicode=allow_unicode, sort_keys=False,
                              width=1 << 30)
        try:
            if yaml.load(text, Loader=_LOADER) == data:
                break
        except yaml.YAMLError:
            continue
    return f"---\n{text}---\n"


def _money(amount: float, currency: str) -> Markup:
    number = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    return Markup(f"{number} {currency}")
