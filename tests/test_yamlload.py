"""The YAML loader: safe, YAML 1.2-style scalars, positions and duplicate keys."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.yamlload import Position, YamlSyntaxError, load_yaml


@pytest.mark.parametrize(("text", "value"), [
    ("country: NO", "NO"),            # Norway, not false
    ("pickup: yes", "yes"),           # text; pydantic decides what a bool field accepts
    ("at: 14:00", "14:00"),           # not the base-60 integer 840
    ("at: 09:30", "09:30"),
    ("pickup: true", True),
    ("pickup: False", False),
    ("budget: 1500", 1500),
    ("number: 0755", "0755"),       # not octal 493: a flight number or a budget as written
    ("budget: 0o17", 15),           # YAML 1.2's explicit octal
    ("budget: 12.5", 12.5),
    ("day: 2026-12-08", dt.date(2026, 12, 8)),
])
def test_scalars(text: str, value: object) -> None:
    assert load_yaml(text).data == {text.split(":")[0]: value}


def test_positions_of_keys_and_values() -> None:
    loaded = load_yaml("a:\n  b: [x, y]\n  c:\n    - d: 1\n")
    assert loaded.values[("a", "b", 1)] == Position(2, 10)
    assert loaded.keys[("a", "c")] == Position(3, 3)
    assert loaded.values[("a", "c", 0, "d")] == Position(4, 10)
    # an unknown path falls back to its nearest known parent
    assert loaded.position(("a", "c", 0, "zzz")) == Position(4, 7)


def test_duplicate_keys_are_recorded() -> None:
    loaded = load_yaml("a: 1\nb: 2\na: 3\n")
    assert loaded.duplicates == [(("a",), Position(1, 1), Position(3, 1))]


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(YamlSyntaxError):
        load_yaml("x: !!python/object/apply:os.system ['true']")


def test_syntax_error_has_position_and_plain_reason() -> None:
    with pytest.raises(YamlSyntaxError) as info:
        load_yaml("a: 1\n\tb: 2\n")
    assert info.value.position == Position(2, 1)
    assert "tab" in info.value.reason
