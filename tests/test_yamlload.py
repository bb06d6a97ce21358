"""The YAML loader: safe, YAML 1.2-style scalars, positions and duplicate keys."""

from __future__ import annotations

import datetime as dt
import sys

import pytest
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import escape, links, yamlload
from generator.yamlload import (
    DEFAULT_LIMITS,
    Limits,
    LoadedYaml,
    Position,
    YamlSyntaxError,
    load_yaml,
)


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


# The quick path (libyaml's own composer, then one walk) must give what the careful path gives,
# or give up so that the careful path decides. ------------------------------------------------

def _nested(levels: int) -> str:
    """A mapping whose deepest value is *levels* deep (the mapping itself is the first)."""
    return "a: " + "[" * (levels - 2) + "x" + "]" * (levels - 2)


QUICK_CASES = {
    "plain": "a: 1\nb: [x, 'y', \"z\"]\nc: {d: true, e: null, f: 2026-12-08}\n",
    "aliases": "a: &x {b: 1, c: [2, 3]}\nd: *x\ne: [*x, *x]\n",
    "alias as key": "- &k name\n- {*k : v, other: 1}\n",
    "duplicates inside an alias": "a: &x {b: 1, b: 2}\nc: *x\nd: *x\n",
    "empty": "", "comments only": "# nothing\n", "document marker": "---\n", "null": "~\n",
    "a scalar": "hello\n", "a list": "- 1\n- 2\n", "a BOM": "\ufeffa: 1\n",
    "tags": "a: !!str 12\nb: !!int '12'\nc: ! 12\nd: !!bool yes\ne: !!null ''\nf: !!float '1'\n",
    "tag on a list": "a: !!str [1]\n", "unknown tag": "a: !foo x\n",
    "binary": "a: !!binary aGVsbG8=\n", "set": "a: !!set {x, y}\n", "omap": "a: !!omap [a: 1]\n",
    "list as key": "? [a, b]\n: c\n", "mapping as key": "? {a: 1}\n: c\n",
    "null keys": "~: x\nnull: y\n", "bool and text keys": "true: 1\n'True': 2\n",
    "number and text keys": "1: a\n'1': b\n", "nan keys": ".nan: a\n.nan: b\n",
    "date keys": "2026-12-14: a\n'2026-12-14': b\n2026-12-14 10:00: c\n",
    "numbers": "a: 0x1F\nb: 0o17\nc: 1_000\nd: -0\ne: +5\nf: 0755\ng: 1e3\nh: .inf\ni: 3.\n",
    "impossible date": "a: 2026-02-30\n", "offset": "a: 2026-12-14 10:00:00+02:00\n",
    "40 levels": _nested(40), "41 levels": _nested(41), "42 levels": _nested(42),
    "40 levels of keys": "\n".join(" " * i + f"k{i}:" for i in range(39)) + " x\n",
    "41 levels of keys": "\n".join(" " * i + f"k{i}:" for i in range(40)) + " x\n",
    "aliases within the limit": "a: &t x\nb: [" + ", ".join(["*t"] * 20_000) + "]\n",
    "aliases beyond the limit": "a: &t x\nb: [" + ", ".join(["*t"] * 20_001) + "]\n",
    "alias to a deep list": "a: &x [[[[1]]]]\nb: [[[[[[*x]]]]]]\n",
    "recursive list": "a: &x [1, *x]\n", "recursive mapping": "a: &x {b: *x}\n",
    "merge": "base: &b {x: 1}\nm: {<<: *b, y: 2}\n", "value key": "=: 1\n",
    "merge value": "a: <<\n",
    "undefined alias": "a: *nope\n", "anchor defined again": "a: &x 1\nb: &x 2\nc: *x\n",
    "two documents": "a: 1\n---\nb: 2\n", "tab": "a: 1\n\tb: 2\n", "control": "a: \"\\x01\"\n",
}
SMALL = Limits(max_depth=3, max_values=5)


def _same(a: object, b: object) -> bool:
    """Equal and of the same types all the way down (1 == 1.0 == True is not enough)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        return ([(type(k), repr(k)) for k in a] == [(type(k), repr(k)) for k in b]
                and all(_same(x, y) for x, y in zip(a.values(), b.values(), strict=True)))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return repr(a) == repr(b)


def assert_quick_agrees(text: str, limits: Limits = DEFAULT_LIMITS) -> bool:
    """The quick path gives the careful path's result, or gives up; True if it did not."""
    try:
        careful: LoadedYaml | YamlSyntaxError = yamlload._load_careful(text, limits)
    except YamlSyntaxError as error:
        careful = error
    try:
        quick = yamlload._load_quick(text, limits)
    except Exception:  # the careful path decides
        return False
    assert isinstance(careful, LoadedYaml), f"accepted what the careful path refuses: {careful}"
    assert _same(quick.data, careful.data)
    assert list(quick.values.items()) == list(careful.values.items())
    assert list(quick.keys.items()) == list(careful.keys.items())
    assert quick.duplicates == careful.duplicates
    return True


def test_the_quick_path_is_there() -> None:
    assert yamlload._quick_path_safe(), "PyYAML without libyaml, or libyaml without a limit " \
        "on nesting: every file takes the careful path (slow, but just as correct)"


@pytest.mark.parametrize("limits", [DEFAULT_LIMITS, SMALL], ids=["default", "small"])
@pytest.mark.parametrize("text", list(QUICK_CASES.values()), ids=list(QUICK_CASES))
def test_the_quick_path_agrees_with_the_careful_one(text: str, limits: Limits) -> None:
    assert_quick_agrees(text, limits)


@pytest.mark.parametrize("name", ["40 levels", "aliases within the limit", "aliases",
                                  "duplicates inside an alias", "date keys", "plain"])
def test_the_quick_path_takes_ordinary_files(name: str) -> None:
    assert assert_quick_agrees(QUICK_CASES[name])


def test_the_quick_path_agrees_on_every_fixture() -> None:
    quick = 0
    files = sorted(FIXTURES.glob("*/*.yml")) + sorted(FIXTURES.glob("project/*/*.yml"))
    for path in files:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            continue
        quick += assert_quick_agrees(text)
    assert quick > len(files) // 2  # most fixtures are ordinary files


_WORDS = ["a", "b", "name", "'1'", "1", "true", "null", "2026-12-08", "'x y'", "14:00", "0755",
          "!!str 5", "!!int '7'", "2026-02-30", "&p v", "*p", "<<", "[]", "{}", "[1, *p]",
          "&q {k: v}", "*q", "{<<: *q, k: w}", "\"\\x07\"", "? x", "=", "- z", "~", "!x y"]


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(_WORDS), st.sampled_from(_WORDS),
                          st.booleans()), min_size=1, max_size=25),
       st.sampled_from([DEFAULT_LIMITS, SMALL]))
def test_the_quick_path_agrees_on_generated_files(
        lines: list[tuple[int, str, str, bool]], limits: Limits) -> None:
    text = "".join(f"{'  ' * indent}{'- ' if item else ''}{key}: {value}\n"
                   for indent, key, value, item in lines)
    assert_quick_agrees(text, limits)


# The link check converts no Markdown that can hold no link and cannot nest deeply
# (generator.links._flat): what it skips, the conversion would have passed. -------------------

def _stack_depth_of(text: str) -> tuple[int, list[links.Link]]:
    """The deepest Python stack while converting *text* (escaped, as the check does) and every
    link and image of the HTML, without the shortcut."""
    links.unsafe_links("[warm](up)")  # the converter is built once (imports, extensions)
    depth = [0, 0]

    def profile(frame: object, event: str, arg: object) -> None:
        if event == "call":
            depth[0] += 1
            depth[1] = max(depth)
        elif event == "return":
            depth[0] -= 1

    converter = links._converter()
    converter.reset()
    sys.setprofile(profile)
    try:
        html = converter.convert(str(escape.block(text)))
    finally:
        sys.setprofile(None)
    collector = links._Collector()
    collector.feed(html)
    collector.close()
    return depth[1], collector.found


_MARKDOWN = ["> ", ">", "- ", "* ", "+ ", "1. ", "2) ", ": ", ":   ", "!!! note\n", "??? note\n",
             "???+ note\n", "    ", "\t", "  ", "\n", "\n\n", "x ", "word ", "**b** ", "_i_ ",
             "`c` ", "```\ncode\n```\n", "| a | b |\n|---|---|\n", "term\n", "---\n", "***\n",
             "# title\n", "https://example.com ", "a@b.example ", "&amp; ", "{: .x}\n", "*[x]"]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(_MARKDOWN), max_size=150))
def test_markdown_the_link_check_skips_holds_no_link_and_nests_little(parts: list[str]) -> None:
    text = "".join(parts)
    if not links._flat(str(escape.block(text))):
        return
    depth, found = _stack_depth_of(text)
    assert found == []
    assert depth <= 3 * links.FLAT + 30, depth  # far below the recursion limit (1,000)


@pytest.mark.parametrize("text", [
    "- " * 600 + "x",  # a list in a list in a list …, on one line
    "* " * 600 + "x",
    "1. " * 600 + "x",
])
def test_over_deep_markdown_is_still_refused(text: str) -> None:
    assert not links._flat(str(escape.block(text)))
    with pytest.raises(links.TooDeep):
        links.unsafe_links(text)
    # and the next file's Markdown is read as it is, not as if inside the lists left open
    assert links.unsafe_links("![x](data:image/png;base64,AAA)") == [
        links.Link("data:image/png;base64,AAA", image=True)]


@pytest.mark.parametrize("text", [
    "Organiser of **trade fairs** in Milan; buys lanyards since 2023.\n\n- about 400,000 a year",
    "1. Keep the small meeting room free from 12:30 to 13:00.\n2. No photos in Plant 3.",
    "!!! note\n    Bring the chart.",
])
def test_ordinary_markdown_without_links_is_not_converted(text: str) -> None:
    assert links._flat(str(escape.block(text)))
    assert links.unsafe_links(text) == []
    assert _stack_depth_of(text)[1] == []
