"""The quicker ways a check takes give what the slower ones gave: time zone names, file text,
library versions, Chinese characters, and the message catalogue kept on disk."""

from __future__ import annotations

import importlib.metadata
import re
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

from generator import datacache, i18n
from generator.i18n import CatalogueError, load_catalogue
from generator.models.visit import is_time_zone, time_zone_names
from generator.names import has_han
from generator.yamlload import decode_text

ODD_ZONES = ["Asia/Shanghai", "UTC", "Etc/GMT+8", "posixrules", "Asia", "asia/shanghai", "",
             "Europe//Berlin", "./UTC", "../zoneinfo/UTC", "right/UTC", "posix/UTC", "Factory",
             "localtime", "zone.tab", "Asia/Shanghai ", "Mars/Olympus_Mons"]


@pytest.mark.parametrize("name", ODD_ZONES)
def test_a_time_zone_name_is_judged_as_the_full_list_judges_it(name: str) -> None:
    assert is_time_zone(name) == (name in zoneinfo.available_timezones())


def test_every_listed_time_zone_is_one() -> None:
    names = time_zone_names()
    assert len(names) > 400
    assert all(is_time_zone(name) for name in names)


@pytest.mark.parametrize("content", [
    b"a: 1\n", b"\xef\xbb\xbfa: 1\r\nb: 2\r\n", b"a: 1\rb: 2\r", b"a: \r\n\r\r\n\n",
    "名字: 李娜\n".encode(), b"\xef\xbb\xbf", b"", b"a: \xff\n", b"\xef\xbb\xbfa: \xc3\n",
])
def test_bytes_decode_as_the_file_reads(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "file.yml"
    path.write_bytes(content)
    try:
        expected = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        with pytest.raises(UnicodeDecodeError) as raised:
            decode_text(content)
        assert (raised.value.start, raised.value.reason) == (error.start, error.reason)
    else:
        assert decode_text(content) == expected


@pytest.mark.parametrize("package", ["pydantic", "pydantic_core", "PyYAML", "holidays",
                                     "pycountry", "tzdata", "reception-handbook"])
def test_a_version_is_the_one_the_metadata_gives(package: str) -> None:
    datacache.version.cache_clear()
    assert datacache.version(package) == importlib.metadata.version(package)


def test_an_absent_package_has_an_unknown_version() -> None:
    assert datacache.version("no-such-package-anywhere") == "unknown"


HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@pytest.mark.parametrize("code", [0x33FF, 0x3400, 0x4E00, 0x9FFF, 0xA000, 0xF8FF, 0xF900,
                                  0xFAFF, 0xFB00, 0x20000, 0x41, 0x3000, 0xFF21])
def test_a_chinese_character_is_found_as_the_pattern_finds_it(code: int) -> None:
    for text in (chr(code), f"Li {chr(code)}", "Hans"):
        assert has_han(text) == bool(HAN.search(text))


# The catalogue kept on disk ------------------------------------------------------------------


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HANDBOOK_CACHE", str(folder))
    datacache.folder.cache_clear()
    yield folder
    datacache.folder.cache_clear()


@pytest.fixture
def messages(tmp_path: Path) -> Path:
    path = tmp_path / "messages.yml"
    path.write_bytes((ROOT / "theme" / "messages.yml").read_bytes())
    return path


def test_the_catalogue_is_read_once_then_taken_from_the_cache(
        messages: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[Path] = []
    real = i18n._read_catalogue
    monkeypatch.setattr(i18n, "_read_catalogue",
                        lambda path, content: read.append(path) or real(path, content))
    first, second = load_catalogue(messages), load_catalogue(messages)
    assert read == [messages]
    assert second == first and len(first.messages) > 100
    messages.write_text(messages.read_text(encoding="utf-8")
                        + 'late_key: {zh: 迟, en: "late"}\n', encoding="utf-8")
    third = load_catalogue(messages)
    assert read == [messages, messages]
    assert third.t("en", "late_key") == "late" and third.messages.keys() > first.messages.keys()


def test_a_broken_catalogue_fails_every_time(messages: Path, cache: Path) -> None:
    messages.write_text("weekday_0: {zh: 一}\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(CatalogueError, match=r"messages.yml:1: message 'weekday_0' needs"):
            load_catalogue(messages)
    assert not cache.exists() or not list(cache.iterdir())
