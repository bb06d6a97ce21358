"""Render: packet and index pages as Markdown, through the Jinja2 templates in ``theme/packet``.

Every value a template prints is escaped for Markdown unless a filter marked it safe, so a
visit file cannot inject HTML or Markdown into the site (see :mod:`generator.escape`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
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
            yaml_str=lambda v: Markup(_yaml_string(str(v))),
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
        template = self._env(lang).get_template("packet.md.j2")
        return template.render(f=facts, v=facts.visit, today=today, zone=zone,
                               notes=list(notes), warnings=warnings,
                               meal_diets=meal_diets(facts.visit, policy))

    def index(self, upcoming: list[Facts], past: list[Facts], lang: str,
              today: dt.date) -> str:
        template = self._env(lang).get_template("index.md.j2")
        return template.render(upcoming=upcoming, past=past, today=today)


def _money(amount: float, currency: str) -> Markup:
    number = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    return Markup(f"{number} {currency}")


def _yaml_string(text: str) -> str:
    """A double-quoted YAML scalar, for front matter."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + " ".join(escaped.split()) + '"'
