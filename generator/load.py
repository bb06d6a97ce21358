"""Load → validate: read the policy and visit files into models, collecting every problem."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from .models import Policy, Visit
from .problems import Problem, ProblemSink, Severity, display_path, quote_list, suggestion
from .schema_errors import report_validation_error
from .yamlload import LoadedYaml, PathKey, YamlSyntaxError, read_yaml

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


def _load_model(path: Path, name: str, model: type[M],
                context: dict[str, object] | None = None) -> Loaded[M]:
    sink = ProblemSink(name)
    try:
        source = read_yaml(path)
    except YamlSyntaxError as error:
        sink.problems.append(Problem(name, error.position.line, error.position.column, "",
                                     f"this is not valid YAML: {error.reason}.",
                                     "fix the line shown (YAML needs spaces, not tabs, and "
                                     "quotes around text containing ': ' or '#')"))
        return Loaded(path, name, None, None, sink.problems)
    except UnicodeDecodeError:
        sink.add((), "the file is not UTF-8 text.", "save it as UTF-8 in your editor")
        return Loaded(path, name, None, None, sink.problems)
    except OSError as error:
        sink.add((), f"cannot be read: {error.strerror}.", "check the path and permissions")
        return Loaded(path, name, None, None, sink.problems)
    sink.source = source
    for dup_path, first, _second in source.duplicates:
        sink.add(dup_path, f"'{dup_path[-1]}' appears twice in the same place "
                 f"(first on line {first.line}).",
                 "merge the two entries into one; YAML would silently keep only the last",
                 key=True, at=dup_path)
    if not isinstance(source.data, dict):
        sink.add((), "the file is empty or is not a mapping of fields.",
                 "start from the template: handbook new")
        return Loaded(path, name, None, source, sink.problems)
    todo = _todo_paths(source.data, ())
    for todo_path in todo:
        sink.add(todo_path, "still says TODO.", "fill in the real value, or delete the line "
                 "if the field is optional")
    try:
        result = model.model_validate(source.data, context=context)
    except ValidationError as error:
        report_validation_error(error, model, sink, skip=set(todo))
        return Loaded(path, name, None, source, sink.problems)
    if todo:
        return Loaded(path, name, None, source, sink.problems)
    return Loaded(path, name, result, source, sink.problems)


def _todo_paths(data: object, path: PathKey) -> list[PathKey]:
    """Paths of values left as the template's placeholder TODO."""
    if isinstance(data, str):
        return [path] if data.strip() == "TODO" else []
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in _todo_paths(value, (*path, str(key)))]
    if isinstance(data, list):
        return [p for i, value in enumerate(data) for p in _todo_paths(value, (*path, i))]
    return []


def load_policy(path: Path, root: Path | None = None) -> Loaded[Policy]:
    loaded = _load_model(path, display_path(path, root), Policy)
    if loaded.model is not None:
        _check_policy(loaded.model, ProblemSink(loaded.name, loaded.source), loaded)
    return loaded


def _check_policy(policy: Policy, sink: ProblemSink, loaded: Loaded[Policy]) -> None:
    try:
        zoneinfo.ZoneInfo(policy.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        sink.add(("timezone",), f"unknown time zone '{policy.timezone}'.",
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
    """Expand folders to the visit files inside them, sorted; files are kept as given."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.is_file() and _is_visit(p)))
        else:
            out.append(path)
    return out


def _is_visit(path: Path) -> bool:
    return path.suffix.lower() in VISIT_SUFFIXES and not path.name.startswith((".", "_"))


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
        key = path.stem.lower()
        if key in seen:
            problems.append(Problem(
                display_path(path, root), 1, 1, "",
                f"has the same name as {display_path(seen[key], root)}; both would become the "
                f"page visits/{path.stem}/.", "rename one of them"))
        seen.setdefault(key, path)
    return problems


def load_visit(path: Path, policy: Policy, root: Path | None = None) -> Loaded[Visit]:
    loaded = _load_model(path, display_path(path, root), Visit, {"policy": policy})
    if loaded.model is not None:
        sink = ProblemSink(loaded.name, loaded.source)
        check_visit(loaded.model, policy, sink)
        loaded.problems.extend(sink.problems)
    return loaded


def visit_zone(visit: Visit, policy: Policy) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(visit.timezone or policy.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(policy.timezone)


def check_visit(visit: Visit, policy: Policy, sink: ProblemSink) -> None:
    """The rules of the visit-file contract that need the policy or several fields."""
    if visit.timezone is not None:
        try:
            zoneinfo.ZoneInfo(visit.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            sink.add(("timezone",), f"found '{visit.timezone}', which is not a time zone name.",
                     "use an IANA name such as Asia/Shanghai or Europe/Berlin, or leave it out")
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

