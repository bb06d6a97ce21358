"""The message catalogue of generated pages, and dates written the way each language does."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import datacache
from .models.common import LANGUAGES
from .yamlload import decode_text, load_yaml

if TYPE_CHECKING:
    import gettext


class CatalogueError(Exception):
    """The catalogue file is missing a language or is malformed."""


@dataclass(frozen=True)
class Catalogue:
    messages: dict[str, dict[str, str]]

    def t(self, lang: str, key: str, **values: object) -> str:
        try:
            text = self.messages[key][lang]
        except KeyError:
            raise CatalogueError(f"no '{lang}' text for message '{key}'") from None
        return text.format(**values) if values else text


def load_catalogue(path: Path) -> Catalogue:
    """The catalogue in the file *path*, kept by :mod:`generator.datacache` while the file
    and the generator are the same. Raises CatalogueError, OSError, UnicodeDecodeError and
    YamlSyntaxError."""
    content = path.read_bytes()
    messages = datacache.recall("catalogue", path, content)
    if isinstance(messages, dict):
        return Catalogue(messages)
    catalogue = _read_catalogue(path, content)
    datacache.remember("catalogue", path, content, catalogue.messages)
    return catalogue


def _read_catalogue(path: Path, content: bytes) -> Catalogue:
    loaded = load_yaml(decode_text(content))
    if not isinstance(loaded.data, dict):
        raise CatalogueError(f"{path}: expected a mapping of message keys")
    messages: dict[str, dict[str, str]] = {}
    for key, value in loaded.data.items():
        if not isinstance(value, dict) or any(not isinstance(value.get(lang), str)
                                              for lang in LANGUAGES):
            where = loaded.position((str(key),), key=True)
            raise CatalogueError(f"{path}:{where.line}: message '{key}' needs text for "
                                 f"{' and '.join(LANGUAGES)}")
        messages[str(key)] = {lang: value[lang] for lang in LANGUAGES}
    return Catalogue(messages)


@cache
def _country_translation(lang: str) -> gettext.NullTranslations:
    import gettext

    import pycountry

    if lang == "zh":
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"],
                                   fallback=True)
    return gettext.NullTranslations()


def country_name(code: str, lang: str) -> str:
    import pycountry  # its databases load on first use: most checks need no name

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return str(_country_translation(lang).gettext(country.name if lang == "zh" else name))


def language_name(code: str, lang: str) -> str:
    import pycountry

    language = pycountry.languages.get(alpha_2=code)
    if language is None:
        return code
    if lang == "zh":
        return str(_language_translation().gettext(language.name))
    return str(language.name)


@cache
def _language_translation() -> gettext.NullTranslations:
    import gettext

    import pycountry

    return gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["zh_CN"],
                               fallback=True)


def preload_names() -> None:
    """Read pycountry's country and language tables and their Chinese names now (about 5 MB),
    so that processes forked afterwards share them instead of each reading its own."""
    for lang in LANGUAGES:
        country_name("CN", lang)
        language_name("zh", lang)


def format_date(day: dt.date, lang: str, catalogue: Catalogue, *, year: bool = False,
                weekday: bool = True) -> str:
    wd = catalogue.t(lang, f"weekday_{day.weekday()}")
    if lang == "zh":
        text = f"{day.year}年{day.month}月{day.day}日" if year else f"{day.month}月{day.day}日"
        return f"{text}（{wd}）" if weekday else text
    text = day.strftime("%-d %b %Y" if year else "%-d %b")
    return f"{wd} {text}" if weekday else text


def format_range(start: dt.date, end: dt.date, lang: str, catalogue: Catalogue) -> str:
    first = format_date(start, lang, catalogue, year=True)
    if start == end:
        return first
    last = format_date(end, lang, catalogue, year=start.year != end.year)
    return f"{first} – {last}"
