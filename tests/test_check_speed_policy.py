"""A validated policy kept on disk and made again without validating (generator.models.stored,
generator.datacache.recall/remember, load.load_policy): the same model, value for value and
type for type, and never a stale one."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURE_POLICY
from pydantic import BaseModel

from generator import datacache, load
from generator.models import Policy, stored
from generator.models.common import Text
from generator.models.policy import Cap, DueSpec
from generator.models.visit import Visitor
from generator.yamlload import read_yaml

# The fixture policy as the handbook reads it (yaml.safe_dump writes it back unchanged).
FIXTURE_DATA: dict[str, Any] = read_yaml(FIXTURE_POLICY).data


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HANDBOOK_CACHE", str(folder))
    datacache.folder.cache_clear()
    yield folder
    datacache.folder.cache_clear()


def same(a: Any, b: Any, where: str = "policy") -> None:
    """*a* and *b* alike in every value, type, field order and set of fields given."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, BaseModel):
        assert list(vars(a)) == list(vars(b)), where
        assert a.model_fields_set == b.model_fields_set, f"{where}: fields set"
        assert (a.__pydantic_extra__, a.__pydantic_private__) == (
            b.__pydantic_extra__, b.__pydantic_private__), where
        for name in vars(a):
            same(getattr(a, name), getattr(b, name), f"{where}.{name}")
    elif isinstance(a, dict):
        assert [(type(k), k) for k in a] == [(type(k), k) for k in b], f"{where}: keys"
        for key in a:
            same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, list):
        assert len(a) == len(b), f"{where}: length"
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{index}]")
    else:
        assert a == b, where


def variant(**changes: Any) -> dict[str, Any]:
    """The fixture policy's data with top-level keys replaced (None: removed)."""
    data = copy.deepcopy(FIXTURE_DATA)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def tier_a(**changes: Any) -> dict[str, Any]:
    tiers = copy.deepcopy(FIXTURE_DATA["tiers"])
    first = next(iter(tiers))
    tiers[first] = {**tiers[first], **changes}
    return tiers


# Policies that between them use every kind of value a policy holds.
POLICIES: dict[str, dict[str, Any]] = {
    "fixture": variant(),
    "working days": variant(working_days={
        "weekend": ["Saturday", "SUN"], "holidays": {"country": "CN"},
        "extra_days_off": "2026-12-31", "extra_working_days": ["2026-10-10", "2027-01-04"]}),
    "caps of every form": variant(tiers=tier_a(meal_cap=None, caps={
        "meals": {"all": 300, "banquet": {"amount": 800, "base_guests": 2, "extra_guest": 50}},
        "hotel": {"amount": 650.5, "per": "room"}, "transport": "actual",
        "entertainment": {"amount": 200, "per": "visitor"}})),
    "check settings": variant(check_settings={
        "hotel_risk_countries": "RU", "meal_note_diets": ["halal", "vegetarian"],
        "diet_note_words": {"halal": ["清真", "halal"]}, "home_country": "CN",
        "escorts_excess_factor": 3, "leave_before_flight": {"international": 200},
        "leave_before_train": 60, "after_landing": {"flight": 75},
        "site": {"latitude": 22.5, "longitude": 114}, "fajr_depression": 15}),
    "clock and limits": variant(workday_end="17:30", limits={"max_text_chars": 800}),
}


@pytest.mark.parametrize("name", POLICIES)
def test_a_stored_policy_is_made_again_exactly(name: str, tmp_path: Path,
                                                cache: Path) -> None:
    path = tmp_path / "reception.yml"
    path.write_text(yaml.safe_dump(POLICIES[name], allow_unicode=True), encoding="utf-8")
    loaded = load.load_policy(path, tmp_path)
    assert loaded.model is not None, [p.format() for p in loaded.problems]
    again = stored.load(json.loads(json.dumps(stored.dump(loaded.model))))
    same(again, loaded.model)


def test_the_fixture_policy_holds_floats_dates_and_times() -> None:
    """The table above is worth something only if the policies hold those types."""
    text = json.dumps(stored.dump(Policy.model_validate(POLICIES["working days"])))
    assert '{"date": "2026-12-31"}' in text and '{"time": "18:00:00"}' in text
    caps = Policy.model_validate(POLICIES["caps of every form"])
    assert any(type(tier.caps.hotel.amount) is float for tier in caps.tiers.values()
               if tier.caps.hotel is not None)


@pytest.mark.parametrize(("value", "why"), [
    ((1, 2), "tuple"), ({1, 2}, "set"), ({1: "a"}, "keys"), (float("nan"), "number"),
    (dt.time(9, 0, tzinfo=dt.UTC), "time zone"), (dt.datetime(2026, 1, 1), "datetime"),
    (b"x", "bytes"), (Path("x"), "PosixPath"),
])
def test_what_cannot_be_made_exactly_is_not_stored(value: Any, why: str) -> None:
    with pytest.raises(stored.Unstorable, match=why):
        stored.dump({"field": [value]})


def test_a_model_of_another_package_is_not_stored() -> None:
    class Outside(BaseModel):
        x: int = 1

    with pytest.raises(stored.Unstorable):
        stored.dump(Outside())


@pytest.mark.parametrize("data", [
    {"model": "os:system", "fields": {}, "set": []},
    {"model": "generator.models.policy:re", "fields": {}, "set": []},
    {"model": "generator.models.common:Text", "fields": {"zh": "甲"}, "set": ["zh"]},
    {"model": "generator.models.common:Text", "fields": {"zh": "甲", "en": "a", "x": 1},
     "set": []},
    {"dict": {}, "date": "2026-01-01"},
    {"unknown": 1},
    {"tuple": [1, 2]},
])
def test_data_that_dump_did_not_write_is_refused(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        stored.load(data)


def test_models_are_made_with_the_fields_given() -> None:
    text = Text(zh="甲", en="A")
    due = DueSpec.model_validate({"anchor": "arrival"})
    cap = Cap.model_validate({"amount": 300})
    visitor = Visitor.model_validate({"name": "Hans Müller"})
    for model in (text, due, cap, visitor):
        same(stored.load(json.loads(json.dumps(stored.dump(model)))), model, type(model).__name__)
    assert stored.load(stored.dump(due)).model_fields_set == {"anchor"}


# load_policy and the cache ------------------------------------------------------------------


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy" / "reception.yml"
    path.parent.mkdir()
    path.write_bytes(FIXTURE_POLICY.read_bytes())
    return path


def no_validation(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every policy file that load_policy validates (instead of taking it from the
    cache), validating it as before."""
    validated: list[Path] = []
    real: Callable[..., Any] = load._load_scanned

    def recording(path: Path, *args: Any, **kwargs: Any) -> Any:
        validated.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(load, "_load_scanned", recording)
    return validated


def test_a_policy_is_validated_once_then_taken_from_the_cache(
        policy_file: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    validated = no_validation(monkeypatch)
    first = load.load_policy(policy_file, policy_file.parent.parent)
    second = load.load_policy(policy_file, policy_file.parent.parent)
    assert validated == [policy_file]
    assert first.model is not None and second.model is not None
    same(second.model, first.model)
    assert (second.name, second.problems) == (first.name, first.problems) == (
        "policy/reception.yml", [])
    assert second.source is not None and first.source is not None
    assert second.source.position(("tasks", 0, "due")) == first.source.position(
        ("tasks", 0, "due"))
    assert [entry.name.split("-")[0] for entry in cache.iterdir()] == ["policy"]


@pytest.mark.parametrize("change", ["policy file", "generator", "cache off"])
def test_a_changed_policy_or_generator_is_validated_again(
        change: str, policy_file: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    validated = no_validation(monkeypatch)
    load.load_policy(policy_file)
    if change == "policy file":
        text = policy_file.read_text(encoding="utf-8")
        policy_file.write_text(text.replace("currency: CNY", "currency: EUR"), encoding="utf-8")
    elif change == "generator":
        monkeypatch.setattr(datacache, "code_stamp", lambda: "another generator")
    else:
        monkeypatch.setenv("HANDBOOK_CACHE", "off")
        datacache.folder.cache_clear()
    again = load.load_policy(policy_file)
    assert validated == [policy_file, policy_file]
    assert again.model is not None
    assert again.model.currency == ("EUR" if change == "policy file" else "CNY")


def test_the_cache_off_writes_nothing(policy_file: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANDBOOK_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    datacache.folder.cache_clear()
    try:
        assert load.load_policy(policy_file).model is not None
    finally:
        datacache.folder.cache_clear()
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


@pytest.mark.parametrize(("edit", "field"), [
    (lambda text: text.replace("timezone: Asia/Shanghai", "timezone: Asia/Shanghi"),
     "timezone"),
    (lambda text: text.replace("currency: CNY", "currency: CNY\ncurrency: EUR"), "currency"),
    (lambda text: text.replace("currency: CNY", "currency: [CNY]"), "currency"),
])
def test_a_policy_with_problems_gives_the_same_problems_every_time(
        edit: Callable[[str], str], field: str, policy_file: Path, cache: Path) -> None:
    policy_file.write_text(edit(policy_file.read_text(encoding="utf-8")), encoding="utf-8")
    first = load.load_policy(policy_file, policy_file.parent.parent)
    second = load.load_policy(policy_file, policy_file.parent.parent)
    assert first.problems and second.problems == first.problems
    assert first.problems[0].field == field
    assert (first.model is None) == (second.model is None)


def test_a_time_zone_checked_again_on_a_cached_policy(
        policy_file: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the system says about time zones is not kept: the cached policy is checked again."""
    assert load.load_policy(policy_file).model is not None
    monkeypatch.setattr(load, "is_time_zone", lambda name: False)
    again = load.load_policy(policy_file, policy_file.parent.parent)
    assert again.model is None
    assert [(p.field, p.line) for p in again.problems] == [("timezone", 20)]


@pytest.mark.parametrize("entry", ["{half", "[]", '{"stamp": "x", "value": 1}'])
def test_a_broken_or_foreign_entry_means_validating(
        entry: str, policy_file: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load.load_policy(policy_file)
    [path] = cache.iterdir()
    if entry.startswith('{"stamp"'):
        kept = json.loads(path.read_text(encoding="utf-8"))
        entry = json.dumps({"stamp": kept["stamp"], "value": {"model": "os:system",
                                                              "fields": {}, "set": []}})
    path.write_text(entry, encoding="utf-8")
    validated = no_validation(monkeypatch)
    again = load.load_policy(policy_file)
    assert validated == [policy_file] and again.model is not None
