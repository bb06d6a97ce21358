"""People's names in each packet language.

A host is named by ``name`` in the visit file (``owner`` and ``with`` refer to it), usually in
Chinese characters; the English packet shows ``name_en`` or, without it, the name in pinyin
(李娜 → Li Na), surname first as Chinese names are written in English. pypinyin reads the
characters; a few surnames are read differently from the same character in a word (曾 is
Zeng, not Ceng), so the surname is looked up first.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path

from .models import Visit
from .models.visit import Host

SURNAMES_PATH = Path(__file__).with_name("surnames.txt")


@functools.cache
def surnames() -> dict[str, str]:
    """Surnames read differently from their character's usual reading (曾 → zeng) and
    two-character surnames (欧阳 → ouyang), from ``surnames.txt``."""
    table: dict[str, str] = {}
    for line in SURNAMES_PATH.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            chars, reading = line.split()
            table[chars] = reading
    return table


def has_han(text: str) -> bool:
    """Whether *text* holds a Chinese character (CJK Unified Ideographs and their Extension
    A, CJK Compatibility Ideographs). A comparison, not a regular expression: compiling one
    of these ranges takes milliseconds."""
    return any(0x3400 <= (code := ord(char)) <= 0x9FFF or 0xF900 <= code <= 0xFAFF
               for char in text)


@functools.lru_cache(maxsize=4096)
def pinyin_name(name: str) -> str:
    """*name* in Latin letters: ``李娜`` → ``Li Na``, ``欧阳修`` → ``Ouyang Xiu``; a name
    without Chinese characters is returned as it is."""
    text = name.strip()
    if not has_han(text):
        return text
    lazy_pinyin = _pinyin()

    table = surnames()
    surname = next((s for s in (text[:2], text[:1]) if s in table), None)
    if surname is not None:
        family, given = table[surname], text[len(surname):]
    else:
        family, given = "".join(lazy_pinyin(text[:1], v_to_u=True)), text[1:]
    given_latin = "".join(lazy_pinyin(given, v_to_u=True)) if given else ""
    parts = [family.capitalize(), given_latin.capitalize()]
    return " ".join(p for p in parts if p)


def _pinyin() -> Callable[..., list[str]]:
    """pypinyin's ``lazy_pinyin``, imported on first use: pypinyin loads its dictionaries on
    import (a few tenths of a second), so only when a name in Chinese characters is spelt, not
    for every ``handbook check``. Its dictionaries are not customised here, so pypinyin is
    told not to keep a second copy of them (``PYPINYIN_NO_DICT_COPY``, about 20 MB)."""
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "true")
    from pypinyin import lazy_pinyin

    return lazy_pinyin


def preload_spelling() -> None:
    """Load pypinyin and its dictionaries now (see ``generator.build.share_tables``): it
    reads them, and learns its phrases, when it is imported."""
    _pinyin()


def host_name(host: Host, lang: str) -> str:
    """A host's name as a *lang* packet shows it."""
    if lang == "zh":
        return host.name
    return host.name_en or pinyin_name(host.name)


def named(visit: Visit, name: str, lang: str) -> str:
    """The name *name* (a host's ``name``, as ``owner`` and ``with`` write it) in *lang*."""
    host = visit.host(name)
    if host is not None:
        return host_name(host, lang)
    return name if lang == "zh" else pinyin_name(name)
