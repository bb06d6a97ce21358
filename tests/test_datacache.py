"""generator.datacache: slow library facts computed once per library version, kept on disk,
never a reason for a run to fail."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import datacache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HANDBOOK_CACHE", str(folder))
    datacache.folder.cache_clear()
    yield folder
    datacache.folder.cache_clear()


def test_a_value_is_computed_once_and_read_back(cache: Path) -> None:
    calls: list[int] = []

    def compute() -> list[str]:
        calls.append(1)
        return ["2026-10-01", "2026-10-02"]

    assert datacache.cached("holidays", "CN-2026", compute) == ["2026-10-01", "2026-10-02"]
    assert datacache.cached("holidays", "CN-2026", compute) == ["2026-10-01", "2026-10-02"]
    assert calls == [1]
    [entry] = cache.iterdir()
    assert entry.name == f"holidays-{datacache.version('holidays')}-CN-2026.json"
    assert json.loads(entry.read_text(encoding="utf-8")) == ["2026-10-01", "2026-10-02"]


def test_another_version_computes_afresh(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    datacache.cached("holidays", "k", lambda: [1])
    monkeypatch.setattr(datacache, "version", lambda package: "999")
    assert datacache.cached("holidays", "k", lambda: [2]) == [2]
    assert len(list(cache.iterdir())) == 2


def test_a_broken_entry_is_computed_again(cache: Path) -> None:
    datacache.cached("pycountry", "codes", lambda: ["DE"])
    [entry] = cache.iterdir()
    entry.write_text("{half", encoding="utf-8")
    assert datacache.cached("pycountry", "codes", lambda: ["DE", "FR"]) == ["DE", "FR"]
    assert json.loads(entry.read_text(encoding="utf-8")) == ["DE", "FR"]


def test_a_folder_that_cannot_be_written_only_means_computing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("HANDBOOK_CACHE", str(blocked / "cache"))
    datacache.folder.cache_clear()
    try:
        assert datacache.cached("holidays", "k", lambda: [3]) == [3]
    finally:
        datacache.folder.cache_clear()


def test_off_switches_the_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDBOOK_CACHE", "off")
    monkeypatch.chdir(tmp_path)
    datacache.folder.cache_clear()
    try:
        assert datacache.folder() is None
        assert datacache.cached("holidays", "k", lambda: [4]) == [4]
    finally:
        datacache.folder.cache_clear()
    assert os.listdir(tmp_path) == []


def test_the_cached_facts_are_the_libraries_own(cache: Path) -> None:
    """What the visit model and the working days read through the cache equals what the
    libraries say (a cold cache and a warm one)."""
    import holidays
    import pycountry

    from generator.models import visit
    from generator.workdays import _year

    for _ in range(2):  # cold, then from disk
        visit.country_codes.cache_clear()
        visit.language_codes.cache_clear()
        _year.cache_clear()
        assert visit.country_codes() == {c.alpha_2 for c in pycountry.countries}
        assert "de" in visit.language_codes() and "zh" in visit.language_codes()
        days_off, made_up = _year("CN", None, 2026)
        china = holidays.country_holidays("CN", years=2026)
        assert days_off == {d for d in china if d.year == 2026}
        assert made_up == {d for d in china.weekend_workdays if d.year == 2026}
