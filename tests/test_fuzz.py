"""Property-based fuzzing of the whole pipeline: load → validate → derive → render.

Hypothesis starts from a valid visit and breaks it: raw YAML put in at any leaf or key (every
scalar type, plain, quoted and tagged, collections, anchors, very long, control and unicode
text), values of other types, keys renamed, deleted and added; the data is dumped to YAML text
in several styles. A second test puts any text (Markdown, HTML, line breaks, unicode) in the
text fields only, so that most files stay valid and reach the renderer. A third mutates the
YAML *text* itself (inserted snippets and bytes, deleted and repeated lines, changed
indentation, a cut-off end). Each file goes through
:func:`generator.load.load_visit`, then, when it is valid, :func:`generator.derive.derive` and
the packet, index and calendar renderers in both languages.

The properties: nothing raises (a problem is reported instead); every problem names the file,
a line within the file and a column, and has a message; a valid file renders in both
languages to a page with a one-line title and HTML that parses back into the templates' own
elements and the sanitised Markdown's, with no event attribute, no unsafe link and no heading
but the templates'.

Runs are reproducible (``derandomize``) and sized for ``make test`` (5,000 files in under a
minute); ``HYPOTHESIS_PROFILE=long`` runs ten times as many (50,000).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import os
import re
import tempfile
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TODAY, deadline
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sitebuild import copy_project

from generator.calendar import all_visits_calendar, visit_calendar
from generator.derive import derive
from generator.load import load_visit, visit_zone
from generator.markdown_fields import TAGS
from generator.models import Policy
from generator.problems import ProblemSink
from generator.project import Paths, Result, finding_problem, load_project
from generator.render import RenderedPage, Renderer

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
SCALE = 10 if PROFILE == "long" else 1
DATA_EXAMPLES = 2_000 * SCALE  # 2,000 + 700 + 2,300 = 5,000 files in `make test`
LEAF_EXAMPLES = 700 * SCALE  # the slowest: 70% of these files are valid and get rendered
TEXT_EXAMPLES = 2_300 * SCALE
PER_FILE_SECONDS = 5.0

BASE_FILE = Path(__file__).resolve().parent / "fixtures" / "hostile" / "_base.yml"


def _settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    print_blob=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example,
                                           HealthCheck.filter_too_much])


# The pipeline ------------------------------------------------------------------------------


class Pipeline:
    """The project's loaded policy, catalogue and country notes, and one renderer."""

    def __init__(self, root: Path, base: Result, policy: Policy, renderer: Renderer) -> None:
        self.root, self.base, self.policy, self.renderer = root, base, policy, renderer

    @property
    def visits(self) -> Path:
        return self.root / "visits"

    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example
        return "Pipeline()"


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    project = copy_project(tmp_path_factory.mktemp("fuzz"))
    for path in (project / "visits").iterdir():
        path.unlink()
    base = load_project(Paths(project), today=TODAY, history=False)
    assert base.policy.model is not None and base.catalogue is not None, base.problems
    # The fuzzed files are written to memory when possible: thousands of small writes.
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as scratch:
        root = Path(scratch)
        (root / "visits").mkdir()
        yield Pipeline(root, base, base.policy.model,
                       Renderer([base.paths.templates], base.catalogue, base.policy.model))




_LINE_BREAK = re.compile(rb"\r\n|\r|\n|\xc2\x85|\xe2\x80\xa8|\xe2\x80\xa9")


def run_pipeline(pipe: Pipeline, data: bytes, name: str = "2026-12-08-fuzz.yml") -> bool:
    """Push one file through the pipeline and check the properties; True if it was valid."""
    path = pipe.visits / name
    path.write_bytes(data)
    shown = f"visits/{name}"
    last_line = len(_LINE_BREAK.findall(data)) + 1
    with deadline(PER_FILE_SECONDS):
        loaded = load_visit(path, pipe.policy, pipe.root)
        problems = list(loaded.problems)
        pages: list[RenderedPage] = []
        calendars: list[bytes] = []
        if loaded.ok and loaded.model is not None:
            facts = derive(loaded.model, path.stem, pipe.policy, added=None)
            sink = ProblemSink(loaded.name, loaded.source)
            for finding in facts.findings:
                finding_problem(finding, pipe.policy, sink)
            problems.extend(sink.problems)
            zone = visit_zone(facts.visit, pipe.policy)
            for lang in ("zh", "en"):
                notes = pipe.base.notes[lang].for_visit(facts.visit) \
                    if lang in pipe.base.notes else []
                pages.append(pipe.renderer.packet(facts, lang, today=TODAY, zone=str(zone),
                                                  notes=notes))
                pages.append(pipe.renderer.index([facts], [], lang, TODAY))
            calendars = [visit_calendar(facts, zone, TODAY),
                         all_visits_calendar([facts], "Visits", TODAY)]
    for problem in problems:
        assert problem.rule != "internal-error", problem  # a crash the checker caught
        assert problem.file == shown, problem
        assert 1 <= problem.line <= last_line, (problem, last_line)
        assert problem.column >= 1, problem
        assert problem.message.strip(), problem
    if loaded.ok:
        assert pages, "a valid file renders"
        for calendar in calendars:
            assert calendar.startswith(b"BEGIN:VCALENDAR") and b"BEGIN:VEVENT" in calendar
    elif loaded.model is None:
        assert any(p.severity.value == "error" for p in problems), \
            "a file without a model has an error that says why"
    for number, page in enumerate(pages):  # packet, index, packet, index
        assert page.title.strip() and page.title == " ".join(page.title.split()), page.title
        found = Elements(str(page.html))
        assert found.problems == [], (found.problems[:5], str(page.html)[:2000])
        ids = [ident for tag, ident in found.headings]
        assert [h.id for h in page.toc] == ids[:1] and ids[0] in ("packet", "visits")
        assert set(ids) <= set(_outline(page)), "a heading that is not in the outline"
        if number % 2 == 0:
            assert f'href="../{path.stem}.ics"' in page.html, "the packet's own calendar"
    return bool(pages)


# The elements the packet and index templates write (theme/packet/*.html); the Markdown fields
# add only the sanitiser's (generator.markdown_fields.TAGS).
TEMPLATE_TAGS = {"a", "div", "em", "h1", "h2", "h3", "hr", "input", "label", "li", "p",
                 "span", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
                 "small",  # the "untranslated" mark
                 "time",  # the top block's times
                 # the visits index: its filters, warnings and month view
                 "button", "caption", "dd", "details", "dl", "dt", "form", "option", "section",
                 "select", "summary"}
# The visits index loads its filter script, the one script a template writes.
_FILTER_SCRIPT = re.compile(r'<script src="[^"<>]*assets/javascripts/visits-filter\.js" defer>'
                            r"</script>")
VOID = {"br", "hr", "input"}


def _outline(page: RenderedPage) -> list[str]:
    out: list[str] = []
    stack = list(page.toc)
    while stack:
        heading = stack.pop()
        out.append(heading.id)
        stack.extend(heading.children)
    return out


_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)((?:\s+[a-z][a-z0-9-]*(?:="[^"]*")?)*)\s*>')
_ATTRIBUTE = re.compile(r'([a-z][a-z0-9-]*)(?:="([^"]*)")?')


class Elements:
    """Reads a rendered page back: what is wrong with its elements, and its headings.

    The templates and the sanitiser write every tag the same way (lower case, attribute values
    in double quotes, text escaped), so a tag is found by a pattern; any ``<`` that does not
    start one is a problem (a fast reader: thousands of pages per run).
    """

    def __init__(self, html: str) -> None:
        self.problems: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self._open: list[str] = []
        html = _FILTER_SCRIPT.sub("", html, count=1)
        if "<" in _TAG.sub("", html):
            self.problems.append("a '<' that starts no tag")
        for match in _TAG.finditer(html):
            closing, tag, attributes = match.groups()
            if closing:
                self.end(tag)
            else:
                self.start(tag, [(name, unescape(value) if value else value) for name, value
                                 in _ATTRIBUTE.findall(attributes)])
        if self._open:
            self.problems.append(f"never closed: {self._open}")

    def start(self, tag: str, attrs: list[tuple[str, str]]) -> None:
        if tag not in TEMPLATE_TAGS | TAGS:
            self.problems.append(f"<{tag}> is no template's nor the sanitiser's")
        for name, value in attrs:
            if name.startswith("on") or name in ("src", "srcdoc", "formaction"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "href" and re.match(r"\s*[a-z][a-z0-9+.-]*:", value, re.I) \
                    and not re.match(r"(https?|mailto|tel):", value, re.I):
                self.problems.append(f"<{tag} href={value!r}>")
            if name == "style" and not re.fullmatch(r"text-align:\s*\w+;?", value):
                self.problems.append(f"<{tag} style={value!r}>")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append((tag, dict(attrs).get("id") or ""))
        if tag not in VOID:
            self._open.append(tag)

    def end(self, tag: str) -> None:
        if not self._open or self._open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self._open[-1:] or 'nothing'}")
            if tag in self._open:
                del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]
            return
        self._open.pop()


def base_text() -> str:
    lines = BASE_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines)


# A small valid visit, so that most files are quick to load and the fuzzing goes far.
SMALL = """\
client: {company: ACME GmbH, country: DE, background: Since 2021.}
purpose: Audit
tier: C
owner: 李娜
arrival: {at: 2026-12-08 09:30, pickup: true}
departure: {at: 2026-12-09 18:00}
hotel: {name: Hilton, check_in: 2026-12-08, check_out: 2026-12-09}
visitors:
  - {name: Hans Müller, principal: true, languages: [en], diet: [halal]}
hosts:
  - {name: 李娜, dept: sales, languages: [en]}
schedule:
  2026-12-08:
    - {at: "12:00", to: "13:00", what: Lunch, meal: lunch, budget: 300, with: [李娜], notes: Halal.}
checklist:
  - {task: Print, owner: sales, due: -2d}
notes: See [the offer](https://example.com/offer).
"""


BASES = st.sampled_from(["small", "small", "small", "full"])  # mostly the quick one


@functools.cache
def _base_data(which: str) -> dict[str, Any]:
    data = yaml.safe_load(base_text() if which == "full" else SMALL)
    assert isinstance(data, dict)
    return data


def base_data(which: str = "full") -> dict[str, Any]:
    """A valid visit as data (a fresh copy each time): the full base or the small one."""
    return copy.deepcopy(_base_data(which))


def test_the_base_visit_goes_through_the_whole_pipeline(pipeline: Pipeline) -> None:
    """The control: the unmutated files load without an error and render."""
    for text in (base_text(), SMALL):
        assert run_pipeline(pipeline, text.encode())
    for which in ("full", "small"):
        dumped = yaml.safe_dump(base_data(which), allow_unicode=True, sort_keys=False)
        assert run_pipeline(pipeline, dumped.encode())


# Raw YAML snippets -------------------------------------------------------------------------

PLAIN = [
    "word", "two words", "12", "-0", "+1", "007", "0o17", "0x1F", "0x_", "-0b_", "0b101",
    "1_000", "1e3", "1.5e+3", ".5", "1.", ".inf", "-.inf", ".nan", "NaN", "true", "False",
    "yes", "no", "on", "off", "y", "n", "NO", "~", "null", "Null", "", "2026-12-08",
    "2026-02-30", "2026-13-01", "2026-1-5", "0001-01-01", "9999-12-31", "2100-01-01",
    "2026-12-08 09:30", "2026-12-08 09:30:00", "2026-12-08T09:30:00Z",
    "2026-12-08 09:30:00+08:00", "2026-12-08 24:00", "2026-12-08t09:30:00.123456",
    "09:30", "9:5", "25:00", "1:2:3", "190:20:30", "-2d", "+2d", "999d", "-5 D", "<<", "=",
    "-", "--", "---", "...", "a: b", "a #b", "|", ">", "%", "@", "`x`", "?", "*", "&", "!",
    "[", "]", "{", "}", ",", "#", "'", '"', "\\", "a\\nb", "TODO", "Asia", "Etc", "UTC",
    "Asia/Shanghai", "A", "B", "E", "sales", "halal", "de", "DE", "zz", "customer",
    "javascript:alert(1)", "[x](javascript:alert(1))", "![i](https://e.x/i.png)",
    "[p](../guide/tiers.md)", "<script>alert(1)</script>", "{{ x }}", "{% raw %}", "|a|b|",
]
QUOTED = [
    "'single ''quoted'''", '"double \\"quoted\\""', '"\\a bel"', '"\\e[31m esc"', '"nul \\0"',
    '"c1 \\x9b"', '"nel \\N"', '"ls \\L ps \\P"', '"nbsp \\_"', '"tab \\t"', '"cr \\r lf \\n"',
    '"\\ud800 lone surrogate"', '"\\U0001F600"', '"\\u200b\\u200f\\u202e"', '"\\x7f"',
    '"C:\\archive"', "'C:\\archive'", '""', "''", '"   "', '"2026-12-08"', '"09:30"',
    '"-2d"', '"true"', '"12"', '"unterminated', "'unterminated",
]
TAGGED = [
    "!!str 12", "!!str 2026-12-08", "!!int abc", "!!int 12", "!!float x", "!!float 1.5",
    "!!bool x", "!!bool true", "!!null x", "!!timestamp x", "!!timestamp 2026-12-08",
    "!!binary aGVsbG8=", "!!binary '@@@'", "!!binary /w==", "!!set {a, b}", "!!omap [a: 1]",
    "!!pairs [a: 1]", "!!seq [a]", "!!map {a: 1}", "!!seq x", "!!map x", "!foo bar", "!foo",
    "!<tag:example.com,2026:x> y", "!!python/name:os.system", "!!python/object:os.system x",
    "!!python/object/apply:os.system [echo]", "!!merge x", "!!value x", "! x",
]
COLLECTIONS = [
    "[]", "{}", "[a, [b]]", "{a: 1}", "{a: [1, {b: c}]}", "[a, b", "{a: 1", "&a [1]",
    "*undefined", "&a [*a]", "{<<: {a: 1}}", "{<<: 5}", "[&x a, *x, *x]", "{? [a]: b}",
    "{a: 1, a: 2}", "[" * 60 + "]" * 60, "{a: " * 60 + "b" + "}" * 60, "[{}, [], '', ~]",
    "{name: x, dept: sales}", "[{at: '10:00', what: x}]", "{zh: 中文, en: English}",
]
BLOCKS = ["|\nline one\nline two", ">\nfolded\ntext", "|-\n# heading\n---", "|+\nkeep\n\n",
          "|2\n  indented", "\n- a\n- b", "\nk: v\nl: w", "|\n\tTab"]
LONG = ["x" * 20_000, "word " * 5_000, "李" * 5_000, "[" + "1, " * 5_000 + "1]"]
SNIPPETS = PLAIN + QUOTED + TAGGED + COLLECTIONS + BLOCKS + LONG

KEY_SNIPPETS = [
    '"visitors[0]"', "function-after", "function-plain-validator", "2026-12-08", "12", "~",
    "? [a]", "!!int 1", "<<", "&k key", '"a\\u0007b"', "Tier", "vistors", "", '""', "'x'",
    "name", "at", "phone", "email", "passport", "[key]", "a b", "é", "李娜",
]

FIELD_NAMES = [
    "title", "client", "company", "country", "relationship", "background", "purpose", "tier",
    "owner", "timezone", "arrival", "departure", "at", "by", "number", "place", "pickup",
    "send_off", "hotel", "name", "check_in", "check_out", "paid_by", "visitors", "principal",
    "languages", "diet", "notes", "hosts", "role", "dept", "schedule", "to", "what", "where",
    "meal", "budget", "tour", "with", "gifts", "checklist", "task", "due", "done",
    "confidential",
]

text_values = st.text(max_size=30) | st.text(
    st.characters(min_codepoint=0, max_codepoint=0x3000), max_size=60)
scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | text_values | st.dates() | st.datetimes()
           | st.datetimes(timezones=st.just(dt.timezone(dt.timedelta(hours=-5))))
           | st.binary(max_size=20) | st.sampled_from(["2026-12-08", "09:30", "-2d", "sales",
                                                       "halal", "en", "DE", "A", "李娜"]))
keys = st.text(max_size=12) | st.sampled_from(FIELD_NAMES) | st.integers(-5, 5) | st.dates()
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(keys, inner, max_size=3), max_leaves=6)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


def _misspell(word: str, draw: st.DrawFn) -> str:
    if not word:
        return "x"
    index = draw(st.integers(0, len(word) - 1))
    kind = draw(st.sampled_from(["drop", "double", "swap", "upper", "space"]))
    if kind == "drop":
        return word[:index] + word[index + 1:] or "x"
    if kind == "double":
        return word[:index] + word[index] + word[index:]
    if kind == "swap" and index + 1 < len(word):
        return word[:index] + word[index + 1] + word[index] + word[index + 2:]
    if kind == "upper":
        return word.capitalize()
    return word + " "


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    """The base visit's data with 1 to 4 mutations, dumped to YAML text."""
    data: Any = base_data(draw(BASES))
    raw: dict[str, str] = {}

    def sentinel(snippet: str) -> str:
        token = f"zqx{len(raw)}zqx"
        raw[token] = snippet
        return token

    for _ in range(draw(st.integers(1, 4))):
        paths = list(_paths(data))
        where = draw(st.sampled_from(paths))
        if not where:
            if isinstance(data, dict):
                key = draw(keys | st.sampled_from(KEY_SNIPPETS).map(sentinel))
                data[key] = draw(values | st.sampled_from(SNIPPETS).map(sentinel))
            else:
                data = {"client": data}
            continue
        parent: Any = data
        for part in where[:-1]:
            parent = parent[part]
        last = where[-1]
        current = parent[last]
        op = draw(st.sampled_from(["raw", "raw", "raw", "value", "value", "delete", "rename",
                                   "wrap", "unwrap", "empty", "dup", "add"]))
        if op == "raw":
            parent[last] = sentinel(draw(st.sampled_from(SNIPPETS)))
        elif op == "value":
            parent[last] = draw(values)
        elif op == "delete":
            del parent[last]
        elif op == "rename" and isinstance(parent, dict):
            choices = [st.sampled_from(FIELD_NAMES), keys,
                       st.sampled_from(KEY_SNIPPETS).map(sentinel)]
            if isinstance(last, str):
                choices.append(st.just(_misspell(last, draw)))
            new = draw(st.one_of(choices))
            parent[new] = parent.pop(last)
        elif op == "wrap":
            parent[last] = [current]
        elif op == "unwrap" and isinstance(current, list | dict) and current:
            parent[last] = current[0] if isinstance(current, list) else next(iter(
                current.values()))
        elif op == "empty":
            parent[last] = draw(st.sampled_from([{}, [], "", None, 0]))
        elif op == "dup" and isinstance(parent, list):
            parent.insert(int(last), copy.deepcopy(current))
        elif op == "add" and isinstance(current, dict):
            current[draw(keys | st.sampled_from(KEY_SNIPPETS).map(sentinel))] = draw(
                values | st.sampled_from(SNIPPETS).map(sentinel))
        elif op == "add" and isinstance(current, list):
            current.append(draw(values | st.sampled_from(SNIPPETS).map(sentinel)))
    try:
        text = yaml.dump(data, Dumper=DUMPER, allow_unicode=draw(st.booleans()),
                         sort_keys=False,
                         default_flow_style=draw(st.sampled_from([False, None, True])),
                         width=draw(st.sampled_from([80, 10_000])))
    except (yaml.YAMLError, ValueError, TypeError):  # a value PyYAML cannot write
        text = yaml.safe_dump(base_data(), allow_unicode=True, sort_keys=False)
    for token, snippet in raw.items():
        text = _put(text, token, snippet)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "crlf"]))
    if encoding == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8", "surrogatepass")
    return text.encode(encoding if encoding != "crlf" else "utf-8", "surrogatepass")


DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _put(text: str, token: str, snippet: str) -> str:
    """Replace the sentinel *token* with a raw snippet, indenting its continuation lines."""
    at = text.find(token)
    if at < 0:
        return text
    line_start = text.rfind("\n", 0, at) + 1
    indent = len(text[line_start:at]) - len(text[line_start:at].lstrip(" ")) + 2
    lines = snippet.split("\n")
    placed = lines[0] + "".join("\n" + " " * indent + line for line in lines[1:])
    return text[:at] + placed + text[at + len(token):]


@_settings(DATA_EXAMPLES)
@given(data=mutated_files())
def test_mutated_visit_data_never_breaks_the_pipeline(pipeline: Pipeline, data: bytes) -> None:
    run_pipeline(pipeline, data)


# Any text in the text fields: files that stay valid and reach the renderer -------------------

TEXT_FIELDS = frozenset({"title", "company", "background", "purpose", "number", "place", "name",
                         "role", "what", "where", "notes", "task"})
HARD_TEXT = ["<b>x</b>", "<script>alert(1)</script>", "a\nb", "line\n# heading\n---\n===",
             "{{ x }} {% y %} {# z #}", "[x](https://example.com)", "| a | b |\n|---|---|",
             "```\ncode\n```", "    indented code", "> quote", "- item\n- item", "1. one",
             "!!! note\n    body", "*[x]: y", "[^1]\n\n[^1]: n", ":smile:", "\\", "x" * 3000,
             "---\ntitle: x\n---", "&amp; &lt; &#60;", "\u202e\u200b\u200f", "\u2028\u2029"]


@st.composite
def text_leaf_files(draw: st.DrawFn) -> bytes:
    """A valid visit with 1 to 6 of its text values replaced by any text."""
    data = base_data(draw(BASES))
    paths = [p for p in _paths(data) if p and (
        (isinstance(p[-1], str) and p[-1] in TEXT_FIELDS and p[0] != "hosts")
        or (len(p) == 2 and p[0] == "gifts"))]
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.sampled_from(paths))
        parent: Any = data
        for part in where[:-1]:
            parent = parent[part]
        parent[where[-1]] = draw(st.text(min_size=1, max_size=80)
                                 | st.sampled_from(HARD_TEXT + PLAIN)
                                 | st.lists(st.sampled_from(HARD_TEXT), min_size=2,
                                            max_size=5).map("\n".join))
    text = yaml.dump(data, Dumper=DUMPER, allow_unicode=draw(st.booleans()), sort_keys=False)
    return text.encode("utf-8", "surrogatepass")


@_settings(LEAF_EXAMPLES)
@given(data=text_leaf_files())
def test_any_text_in_text_fields_renders_safely(pipeline: Pipeline, data: bytes) -> None:
    run_pipeline(pipeline, data)


# Mutated text -------------------------------------------------------------------------------


@st.composite
def mutated_texts(draw: st.DrawFn) -> bytes:
    """The base visit's YAML text with 1 to 5 edits to the text itself."""
    text = (SMALL if draw(BASES) == "small" else base_text()).encode()
    for _ in range(draw(st.integers(1, 5))):
        lines = text.split(b"\n")
        op = draw(st.sampled_from(["insert", "insert", "insert-bytes", "delete", "dup-line",
                                   "swap-lines", "indent", "truncate", "replace-value",
                                   "repeat-line"]))
        index = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "insert":
            at = draw(st.integers(0, len(text)))
            snippet = draw(st.sampled_from(SNIPPETS + KEY_SNIPPETS) | text_values)
            text = text[:at] + snippet.encode("utf-8", "surrogatepass") + text[at:]
        elif op == "insert-bytes":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.binary(min_size=1, max_size=8)) + text[at:]
        elif op == "delete":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif op == "dup-line":
            lines.insert(index, lines[index])
            text = b"\n".join(lines)
        elif op == "swap-lines" and len(lines) > 1:
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
            text = b"\n".join(lines)
        elif op == "indent":
            change = draw(st.sampled_from([b" ", b"  ", b"\t", b"    "]))
            lines[index] = change + lines[index] if draw(st.booleans()) \
                else lines[index][len(change):]
            text = b"\n".join(lines)
        elif op == "truncate":
            text = text[:draw(st.integers(0, len(text)))]
        elif op == "replace-value" and b": " in lines[index]:
            key = lines[index].split(b": ", 1)[0]
            value = draw(st.sampled_from(SNIPPETS) | text_values)
            lines[index] = key + b": " + value.replace("\n", " ").encode("utf-8",
                                                                        "surrogatepass")
            text = b"\n".join(lines)
        elif op == "repeat-line":
            lines[index:index + 1] = [lines[index]] * draw(st.integers(2, 200))
            text = b"\n".join(lines)
    return text


@_settings(TEXT_EXAMPLES)
@given(data=mutated_texts())
def test_mutated_visit_text_never_breaks_the_pipeline(pipeline: Pipeline, data: bytes) -> None:
    run_pipeline(pipeline, data)
