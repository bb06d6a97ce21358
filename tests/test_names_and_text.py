"""Names and free text in the packet's language (second edition): hosts' names in pinyin for
the English packet, and a visit file's text in one or both languages."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from generator.models.local import LocalText, RequiredText
from generator.models.visit import Host
from generator.names import host_name, pinyin_name

PINYIN = [  # (name as written, English packet)
    ("李娜", "Li Na"),
    ("王强", "Wang Qiang"),
    ("欧阳修", "Ouyang Xiu"),        # two-character surname
    ("司马光", "Sima Guang"),
    ("曾国藩", "Zeng Guofan"),       # a surname read differently from the word (ceng)
    ("单田芳", "Shan Tianfang"),     # (dan)
    ("吕布", "Lü Bu"),               # ü kept
    ("张师傅", "Zhang Shifu"),
    ("Hans Müller", "Hans Müller"),  # no Chinese characters: as written
    (" 高娃 ", "Gao Wa"),
]


@pytest.mark.parametrize(("name", "latin"), PINYIN)
def test_pinyin_names(name: str, latin: str) -> None:
    assert pinyin_name(name) == latin


@pytest.mark.parametrize(("fields", "zh", "en"), [
    ({"name": "李娜", "dept": "sales"}, "李娜", "Li Na"),
    ({"name": "李娜", "name_en": "Lina Li", "dept": "sales"}, "李娜", "Lina Li"),  # name_en wins
    ({"name": "Ann Smith", "dept": "sales"}, "Ann Smith", "Ann Smith"),
])
def test_host_names_per_language(fields: dict[str, str], zh: str, en: str) -> None:
    host = Host.model_validate(fields)
    assert (host_name(host, "zh"), host_name(host, "en")) == (zh, en)


TEXT = TypeAdapter(LocalText)
LINE = TypeAdapter(RequiredText)

SHOWN = [  # (as written, zh packet, en packet, untranslated in zh, untranslated in en)
    ("Showroom", "Showroom", "Showroom", False, False),   # a plain string: both, never marked
    ({"zh": "展厅", "en": "Showroom"}, "展厅", "Showroom", False, False),
    ({"zh": "展厅"}, "展厅", "展厅", False, True),           # English falls back, marked
    ({"en": "Showroom"}, "Showroom", "Showroom", True, False),
    (2027, "2027", "2027", False, False),                 # a number reads as text
]


@pytest.mark.parametrize(("written", "zh", "en", "zh_marked", "en_marked"), SHOWN)
def test_text_in_each_language(written: object, zh: str, en: str, zh_marked: bool,
                               en_marked: bool) -> None:
    text = TEXT.validate_python(written)
    assert (text("zh"), text("en")) == (zh, en)
    assert (text.untranslated("zh"), text.untranslated("en")) == (zh_marked, en_marked)
    # the fallback's language is the other one, so a page can mark it with lang=
    assert text.source_lang("zh") == ("en" if zh_marked else "zh")
    assert text.source_lang("en") == ("zh" if en_marked else "en")


def test_both_languages_for_calendars() -> None:
    assert TEXT.validate_python({"zh": "展厅", "en": "Showroom"}).both() == "展厅 / Showroom"
    assert TEXT.validate_python("Showroom").both() == "Showroom"
    assert TEXT.validate_python({"en": "Showroom"}).both() == "Showroom"


@pytest.mark.parametrize("written", [{}, {"zh": None}, [], True, None])
def test_text_that_is_not_text(written: object) -> None:
    with pytest.raises(ValueError):
        TEXT.validate_python(written)


@pytest.mark.parametrize("written", ["", " ", "\u200b", {"zh": " "}, {"zh": "展厅", "en": ""}])
def test_required_text_shows_something_in_every_language_given(written: object) -> None:
    with pytest.raises(ValueError):
        LINE.validate_python(written)
