"""Load → validate: read the policy and visit files into models, collecting every problem."""

from __future__ import annotations

import datetime as dt
import gc
import re
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from .models import Policy, Visit
from .models.local import Local
from .models.visit import is_time_zone
from .problems import (
    Problem,
    ProblemSink,
    Severity,
    display_path,
    field_path,
    quote_list,
    resolve,
    suggestion,
)
from .yamlload import (
    CONTROL_FIX,
    DeferredYaml,
    LoadedYaml,
    PathKey,
    Position,
    YamlSyntaxError,
    decode_text,
    load_yaml,
    read_yaml,
)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

VISIT_SUFFIXES = (".yml", ".yaml")


@dataclass
class Loaded(Generic[T]):
    """A file, its model (``None`` when it has errors) and what was found wrong with it."""

    path: Path
    name: str
    model: T | None
    source: LoadedYaml | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.model is not None and not any(
            p.severity is Severity.ERROR for p in self.problems)


def _load_scanned(path: Path, name: str, model: type[M],
                  context: dict[str, object] | None = None,
                  max_bytes: int | None = None, content: bytes | None = None,
                  ) -> tuple[Loaded[M], list[tuple[PathKey, str]]]:
    """The file loaded and validated, and its text values (for the length limits); *content*
    is the file's bytes when they were read already."""
    sink = ProblemSink(name)
    try:
        if not path.is_file():  # a device or a pipe would never end; a folder is no file
            sink.add((), "is not a regular file, so it cannot be a visit file.",
                     "give the path of a .yml file, or of the folder that holds them")
            return (Loaded(path, name, None, None, sink.problems), [])
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            sink.add((), f"the file is larger than the policy's limit of {max_bytes:,} bytes "
                     f"({size:,} bytes); a visit file is a few KB.",
                     "keep one visit per file and remove pasted documents or data; the limit "
                     "is limits.max_file_bytes in the policy")
            return (Loaded(path, name, None, None, sink.problems), [])
        source = read_yaml(path) if content is None else load_yaml(decode_text(content))
    except YamlSyntaxError as error:
        message = (f"this is not valid YAML: {error.reason}." if error.syntax
                   else f"{error.reason}.")
        sink.problems.append(Problem(name, error.position.line, error.position.column,
                                     field_path(error.path), message, error.fix))
        return (Loaded(path, name, None, None, sink.problems), [])
    except UnicodeDecodeError as error:
        where = _offset_position(path, error.start)
        sink.problems.append(Problem(name, where.line, where.column, "",
                                     "the file is not UTF-8 text (it was saved in another "
                                     "encoding, such as UTF-16, GBK or Latin-1).",
                                     "save it as UTF-8 in your editor (VS Code: the encoding "
                                     "in the status bar → Save with Encoding → UTF-8)"))
        return (Loaded(path, name, None, None, sink.problems), [])
    except OSError as error:
        sink.add((), f"cannot be read: {error.strerror}.", "check the path and permissions")
        return (Loaded(path, name, None, None, sink.problems), [])
    sink.source = source
    for dup_path, first, _second in source.duplicates:
        sink.add(dup_path, f"'{dup_path[-1]}' appears twice in the same place "
                 f"(first on line {first.line}).",
                 "merge the two entries into one; YAML would silently keep only the last",
                 key=True, at=dup_path)
    if source.data is None:
        sink.add((), "the file is empty (it holds no fields).",
                 "start from the template: handbook new")
        return (Loaded(path, name, None, source, sink.problems), [])
    if not isinstance(source.data, dict):
        sink.add((), "the file is not a mapping of fields (key: value lines).",
                 "start from the template: handbook new")
        return (Loaded(path, name, None, source, sink.problems), [])
    controls: list[tuple[PathKey, str]] = []
    todo: list[PathKey] = []
    strings: list[tuple[PathKey, str]] = []
    text = source.text
    if "\\" in text or "TODO" in text or _CONTROL.search(text):
        _scan(source.data, (), controls, todo, strings)
    else:  # without an escape, a value holds only what the text does: no control, no TODO
        _collect_strings(source.data, (), strings)
    for control_path, char in controls:
        sink.add(control_path, f"contains a control character (U+{ord(char):04X}), "
                 "which cannot be shown on a page.", CONTROL_FIX)
    for todo_path in todo:
        sink.add(todo_path, "still says TODO.", "fill in the real value, or delete the line "
                 "if the field is optional")
    skip = set(todo) | {p for p, _ in controls}
    try:
        result = model.model_validate(source.data, context=context)
    except ValidationError as error:
        from .schema_errors import report_validation_error  # only files with errors need it

        report_validation_error(error, model, sink, skip=skip, data=source.data)
        return (Loaded(path, name, None, source, sink.problems), strings)
    if todo or controls:
        return (Loaded(path, name, None, source, sink.problems), strings)
    return (Loaded(path, name, result, source, sink.problems), strings)


# Control characters other than tab and newline, and lone surrogates: no page can show them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _bad_char(text: str) -> str | None:
    """The first control character (or lone surrogate) in *text*, if any."""
    match = _CONTROL.search(text)
    return match.group() if match else None


def _scan(data: object, path: PathKey, controls: list[tuple[PathKey, str]],
          todo: list[PathKey], strings: list[tuple[PathKey, str]]) -> None:
    """One walk over the data, in order: keys and text values holding a control character
    (with the character), values left as the template's placeholder TODO, and every text
    value (for the length limits)."""
    if isinstance(data, str):
        _scan_text(data, path, controls, todo, strings)
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, int) and not isinstance(key, bool):
                child = (*path, key)
                text = str(key)
            else:
                text = str(key)
                child = (*path, text)
            match = _CONTROL.search(text)
            if match:
                controls.append((child, match.group()))
            if isinstance(value, str):  # most values: the same as _scan_text, without a call
                match = _CONTROL.search(value)
                if match:
                    controls.append((child, match.group()))
                if value.strip() == "TODO":
                    todo.append(child)
                strings.append((child, value))
            elif isinstance(value, dict | list):
                _scan(value, child, controls, todo, strings)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            if isinstance(value, str):
                _scan_text(value, (*path, index), controls, todo, strings)
            elif isinstance(value, dict | list):
                _scan(value, (*path, index), controls, todo, strings)


def _collect_strings(data: object, path: PathKey, strings: list[tuple[PathKey, str]]) -> None:
    """Every text value of *data* with its path, in the order of :func:`_scan`."""
    if isinstance(data, dict):
        for key, value in data.items():
            child = (*path, key if isinstance(key, int) and not isinstance(key, bool)
                     else str(key))
            if isinstance(value, str):
                strings.append((child, value))
            elif isinstance(value, dict | list):
                _collect_strings(value, child, strings)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            if isinstance(value, str):
                strings.append(((*path, index), value))
            elif isinstance(value, dict | list):
                _collect_strings(value, (*path, index), strings)
    elif isinstance(data, str):
        strings.append((path, data))


def _scan_text(text: str, path: PathKey, controls: list[tuple[PathKey, str]],
               todo: list[PathKey], strings: list[tuple[PathKey, str]]) -> None:
    match = _CONTROL.search(text)
    if match:
        controls.append((path, match.group()))
    if text.strip() == "TODO":
        todo.append(path)
    strings.append((path, text))


def _key(key: object) -> str | int:
    return key if isinstance(key, int) and not isinstance(key, bool) else str(key)


def _offset_position(path: Path, offset: int) -> Position:
    """Line and column of a byte offset in a file that is not valid UTF-8."""
    try:
        data = path.read_bytes()[:offset]
    except OSError:
        return Position(1, 1)
    return Position(data.count(b"\n") + 1, offset - (data.rfind(b"\n") + 1) + 1)


def load_policy(path: Path, root: Path | None = None) -> Loaded[Policy]:
    """The policy file loaded and validated. A policy that validated without a problem is
    kept by :mod:`generator.datacache` and given back while the file and the generator are
    the same (validating it means building the policy's models first: most of a check)."""
    name = display_path(path, root)
    content = _read_bytes(path)
    model = None if content is None else _recall_policy(path, content)
    if model is not None and content is not None:
        loaded = Loaded(path, name, model, DeferredYaml(decode_text(content)))
    else:
        loaded = _load_scanned(path, name, Policy, content=content)[0]
        if loaded.model is not None and not loaded.problems and content is not None:
            _remember_policy(path, content, loaded.model)
    if loaded.model is not None:
        _check_policy(loaded.model, ProblemSink(loaded.name, loaded.source), loaded)
    return loaded


def _read_bytes(path: Path) -> bytes | None:
    """The bytes of the regular file *path*, or None (then loading it says what is wrong)."""
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None


def _recall_policy(path: Path, content: bytes) -> Policy | None:
    from . import datacache
    from .models import stored

    data = datacache.recall("policy", path, content)
    if data is None:
        return None
    try:
        model = stored.load(data)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return model if isinstance(model, Policy) else None


def _remember_policy(path: Path, content: bytes, policy: Policy) -> None:
    from . import datacache
    from .models import stored

    try:
        data = stored.dump(policy)
    except stored.Unstorable:
        return
    datacache.remember("policy", path, content, data)


def _check_policy(policy: Policy, sink: ProblemSink, loaded: Loaded[Policy]) -> None:
    if not is_time_zone(policy.timezone):
        sink.add(("timezone",), f"found '{policy.timezone}', which is not a time zone name.",
                 "use an IANA name such as Asia/Shanghai")
    for key, tier in policy.tiers.items():
        for index, dept in enumerate(tier.must_attend):
            if dept not in policy.departments:
                sink.add(("tiers", key, "must_attend", index), f"unknown department '{dept}'. "
                         f"{suggestion(dept, policy.departments)}".rstrip(),
                         f"use one of: {quote_list(policy.departments)}")
    for relationship, tier_key in policy.relationship_tiers.items():
        if tier_key not in policy.tiers:
            sink.add(("relationship_tiers", relationship), f"unknown tier '{tier_key}'.",
                     f"use one of: {quote_list(policy.tiers)}")
    loaded.problems.extend(sink.problems)
    if sink.problems:
        loaded.model = None


def visit_files(paths: list[Path]) -> list[Path]:
    """Expand folders to the visit files inside them, sorted; files are kept as given, each
    once (the same file named twice is checked once)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir() and not _is_visit(path):
            out.extend(sorted(p for p in path.iterdir() if p.is_file() and _is_visit(p)))
        else:
            out.append(path)
    seen: set[Path] = set()
    unique = []
    for path in out:
        key = resolve(path)  # the folder resolved once, not for every file in it
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def _is_visit(path: Path) -> bool:
    return path.suffix.lower() in VISIT_SUFFIXES and not path.name.startswith((".", "_"))


# A packet's address is visits/<file name>/: letters (any script), digits, - and _ only, so
# that the address needs no escaping, and no name ends like a generated file (x.ics, x.html).
_STEM = re.compile(r"^[^\W_][\w-]*$")
RESERVED_STEMS = ("index", "visits")  # visits/index.md and visits/visits.ics are generated


def name_problems(path: Path, root: Path | None = None) -> list[Problem]:
    """What is wrong with the file name of a visit file (it becomes the packet's address)."""
    stem = path.stem
    if stem.lower() in RESERVED_STEMS:
        return [Problem(display_path(path, root), 1, 1, "",
                        f"the file name '{path.name}' is reserved: the site "
                        f"generates visits/{stem.lower()} itself.",
                        "rename the file as YYYY-MM-DD-company.yml, e.g. "
                        "2026-12-08-acme-gmbh.yml")]
    if not _STEM.match(stem):
        bad = sorted({c for c in stem if not (c.isalnum() or c in "-_")})
        shown_chars = " ".join(repr(c) for c in bad) or "its first character"
        return [Problem(display_path(path, root), 1, 1, "",
                        f"the file name '{path.name}' has characters a page "
                        f"address cannot hold as they are: {shown_chars}.",
                        "use letters, digits and '-' only, e.g. 2026-12-08-acme-gmbh.yml")]
    return []


def folder_problems(folder: Path | None, files: list[Path],
                    root: Path | None = None) -> list[Problem]:
    """Files in the visits *folder* that would be skipped, and visit files that would clash."""
    problems: list[Problem] = []
    if folder is not None and folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file() and not _is_visit(path) and not path.name.startswith(".") \
                    and path.name.lower() != "readme.md":
                problems.append(Problem(
                    display_path(path, root), 1, 1, "",
                    "is not a visit file (visit files end in .yml), so it is ignored.",
                    "rename it to .yml if it describes a visit, or move it out of visits/",
                    severity=Severity.WARNING, rule="not-a-visit-file"))
    seen: dict[str, Path] = {}
    for path in files:
        problems.extend(name_problems(path, root))
        key = path.stem.lower()
        if key in seen:
            problems.append(Problem(
                display_path(path, root), 1, 1, "",
                f"has the same name as {display_path(seen[key], root)}; both would become the "
                f"page visits/{path.stem}/.", "rename one of them"))
        seen.setdefault(key, path)
    return problems


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused for the duration.

    Loading one file makes thousands of short-lived objects (YAML nodes and marks, validation
    temporaries) that reference counting frees; each time they pile up, the collector would
    otherwise scan them, and every few times everything loaded so far. Any cycle made in the
    meantime is collected once it runs again.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def load_visit(path: Path, policy: Policy, root: Path | None = None) -> Loaded[Visit]:
    with _collector_paused():
        return _load_visit(path, policy, root)


def _load_visit(path: Path, policy: Policy, root: Path | None) -> Loaded[Visit]:
    loaded, strings = _load_scanned(path, display_path(path, root), Visit, {"policy": policy},
                                    max_bytes=policy.limits.max_file_bytes)
    sized = True
    if loaded.source is not None and isinstance(loaded.source.data, dict):
        sink = ProblemSink(loaded.name, loaded.source)
        check_schedule_days(loaded.source.data, sink)
        sized = _check_lengths(strings, policy, sink)
        loaded.problems.extend(sink.problems)
    if loaded.model is not None:
        sink = ProblemSink(loaded.name, loaded.source)
        check_visit(loaded.model, policy, sink)
        if sized:  # Markdown beyond the limits is not converted, not even to check it
            check_links(loaded.model, sink)
        loaded.problems.extend(sink.problems)
    return loaded


def _is_markdown(path: PathKey) -> bool:
    if path and path[-1] in ("zh", "en"):  # one language of a two-language field
        path = path[:-1]
    return (path in (("client", "background"), ("notes",))
            or (len(path) == 4 and path[0] == "schedule" and path[3] == "notes"))


def check_lengths(data: dict[Any, Any], policy: Policy, sink: ProblemSink) -> bool:
    """Text within the policy's limits (a page is built in time); False when a limit is hit."""
    strings: list[tuple[PathKey, str]] = []
    _scan(data, (), [], [], strings)
    return _check_lengths(strings, policy, sink)


def _check_lengths(strings: list[tuple[PathKey, str]], policy: Policy, sink: ProblemSink) -> bool:
    limits = policy.limits
    ok = True
    brackets = 0
    text_limit, markdown_limit = limits.max_text_chars, limits.max_markdown_chars
    for path, text in strings:
        # Every Markdown field is a "notes" or a "background": the rest need no closer look.
        markdown = (path[-1] in ("notes", "background", "zh", "en")) and _is_markdown(path)
        limit = markdown_limit if markdown else text_limit
        if markdown:
            brackets += text.count("[")
        if len(text) > limit:
            ok = False
            sink.add(path, f"is {len(text):,} characters long, more than the {limit:,} a "
                     f"{'Markdown field' if markdown else 'one-line text'} may hold.",
                     "shorten it; long documents belong in a shared folder, linked with "
                     "[text](https://…)" if markdown else "shorten it; put details in notes")
    if ok and brackets > limits.max_markdown_brackets:
        ok = False
        sink.add(("notes",), f"the Markdown fields hold {brackets:,} square brackets, more than "
                 f"the {limits.max_markdown_brackets:,} a visit file may hold.",
                 "remove the brackets that are not links (a link is [text](https://…))")
    return ok


def check_schedule_days(data: dict[Any, Any], sink: ProblemSink) -> None:
    """Two keys of ``schedule`` that name the same day (one would silently replace the other)."""
    schedule = data.get("schedule")
    if not isinstance(schedule, dict):
        return
    first: dict[dt.date, Any] = {}
    for key in schedule:
        day = _day_of(key)
        if day is None:
            continue
        if day in first:
            sink.add(("schedule", _key(key)), f"'{key}' and '{first[day]}' are the same day; "
                     "YAML would keep only one of them.",
                     "put all of that day's items under one date, written YYYY-MM-DD",
                     key=True)
        else:
            first[day] = key
    return


def _day_of(key: object) -> dt.date | None:
    if isinstance(key, dt.datetime):
        return key.date()
    if isinstance(key, dt.date):
        return key
    if isinstance(key, str):
        try:
            return dt.datetime.fromisoformat(key.strip()).date()
        except ValueError:
            return None
    return None


def _texts(path: PathKey, text: Local | None) -> list[tuple[PathKey, str]]:
    """A Markdown field's texts with their paths: the field itself for one text (a plain
    string), ``field.zh`` and ``field.en`` for two."""
    if text is None:
        return []
    if len(text.texts()) == 1:
        return [(path, text.texts()[0])]
    return [((*path, lang), value) for lang, value in (("zh", text.zh), ("en", text.en))
            if value is not None]


def check_links(visit: Visit, sink: ProblemSink) -> None:
    """Links and images in the Markdown fields, judged on the HTML they become.

    The fields are converted together, as one page holds them all (a reference link may be
    defined in another field), and each finding is placed in the field that holds it.
    """
    fields: list[tuple[PathKey, str]] = [
        *_texts(("client", "background"), visit.client.background),
        *_texts(("notes",), visit.notes)]
    for day, items in visit.schedule.items():
        for index, item in enumerate(items):
            fields.extend(_texts(("schedule", str(day), index, "notes"), item.notes))
    if not fields:
        return
    from .links import TooDeep, unsafe_links  # (and an HTML parser) only for Markdown fields

    try:
        found_links = unsafe_links("\n\n".join(text for _, text in fields))
    except TooDeep:
        path = max(fields, key=lambda f: len(f[1]))[0]
        sink.add(path, "nests lists, quotes or blocks so deeply that the page cannot be built.",
                 "write it flatter: a visit's notes need only a few levels")
        return
    for found in found_links:
        needle = found.target.lower()
        path = next((p for p, text in fields if needle and needle in text.lower()), fields[0][0])
        where = _locate(sink.source, path, found.target)
        if found.image:
            message = (f"has an image ('{_clip(found.target)}'); packets show no images, "
                       "which would load from another site.")
            fix = "remove the image, or link to it with [text](https://…)"
        else:
            message = (f"has a link to '{_clip(found.target)}', which is not a web address; "
                       "links in a visit file must start with https://, http://, mailto: "
                       "or tel:.")
            fix = ("write the full address (https://…); to point at a handbook page, name "
                   "the page in words")
        sink.problems.append(Problem(sink.file, where.line, where.column, field_path(path),
                                     message, fix))


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _locate(source: LoadedYaml | None, path: PathKey, needle: str) -> Position:
    """The line and column of *needle* inside the value at *path* (a multi-line field)."""
    if source is None:
        return Position(1, 1)
    start = source.position(path)
    lines = source.text.splitlines()
    needle = needle.lower()
    for number in range(start.line - 1, len(lines)):
        column = lines[number].lower().find(needle) if needle else -1
        if column >= 0:
            return Position(number + 1, column + 1)
    return start


def visit_zone(visit: Visit, policy: Policy) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(visit.timezone or policy.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return zoneinfo.ZoneInfo(policy.timezone)


def check_visit(visit: Visit, policy: Policy, sink: ProblemSink) -> None:
    """The rules of the visit-file contract that need the policy or several fields."""
    principals = [i for i, v in enumerate(visit.visitors) if v.principal]
    for index in principals[1:]:
        sink.add(("visitors", index, "principal"), "more than one visitor is marked as the "
                 f"principal guest (the first is visitors[{principals[0]}]).",
                 "keep 'principal: true' on one visitor only")
    host_names = [h.name for h in visit.hosts]
    if visit.owner not in host_names:
        sink.add(("owner",), f"'{visit.owner}' is not one of the hosts. "
                 f"{suggestion(visit.owner, host_names)}".rstrip(),
                 "add the owner to hosts, or correct the spelling")
    for day, items in visit.schedule.items():
        for index, item in enumerate(items):
            base = ("schedule", str(day), index)
            if item.to is not None and item.to < item.at:
                sink.add((*base, "to"), f"ends at {item.to:%H:%M}, before it starts at "
                         f"{item.at:%H:%M}.", "correct 'to', or split an item that runs past "
                         "midnight into two days")
            for w_index, name in enumerate(item.with_):
                if name not in host_names:
                    sink.add((*base, "with", w_index), f"'{name}' is not one of the hosts. "
                             f"{suggestion(name, host_names)}".rstrip(),
                             "add this person to hosts, or correct the spelling")
    if visit.departure.at < visit.arrival.at:
        sink.add(("departure", "at"), f"departure ({visit.departure.at:%Y-%m-%d %H:%M}) is "
                 f"before arrival ({visit.arrival.at:%Y-%m-%d %H:%M}).",
                 "check both dates; times are local to the visit's time zone")
    hotel = visit.hotel
    if hotel and hotel.check_in and hotel.check_out and hotel.check_out < hotel.check_in:
        sink.add(("hotel", "check_out"), f"check-out ({hotel.check_out}) is before check-in "
                 f"({hotel.check_in}).", "swap or correct the dates")

