"""Problems found in visit files and the policy, and how they are printed."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from .yamlload import LoadedYaml, PathKey, Position


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file.

    ``message`` says what was found and what is allowed; ``fix`` says how to put it right.
    ``rule`` is a stable identifier (``schema`` for format errors, a check id otherwise) and
    ``link`` an optional handbook page explaining the rule.
    """

    file: str
    line: int
    column: int
    field: str
    message: str
    fix: str = ""
    severity: Severity = Severity.ERROR
    rule: str = "schema"
    link: str = ""

    def __post_init__(self) -> None:
        # What a file says is quoted in messages: never print its control characters raw.
        # One problem is one line (and its fix one more), so tools and people can read it.
        for name in ("file", "field", "message", "fix"):
            text = printable(getattr(self, name))
            object.__setattr__(self, name, " ".join(text.split("\n")) if "\n" in text else text)

    def format(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        field = f" {self.field}:" if self.field else ""
        text = f"{where}: {self.severity.value} [{self.rule}]{field} {self.message}"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


@dataclass(frozen=True)
class ApprovedProblem:
    """A warning that the visit file approved (``approvals``): not counted as a warning, but
    listed with who approved it and when, so tools can show it."""

    problem: Problem
    by: str
    on: str  # YYYY-MM-DD
    approval: str  # the approval's field, e.g. approvals[0]
    note: str = ""  # the approval's note, in English when it has English

    def as_dict(self) -> dict[str, object]:
        return {**self.problem.as_dict(), "approved_by": printable(self.by),
                "approved_on": self.on, "approval": self.approval,
                "approval_note": printable(self.note)}


def printable(text: str) -> str:
    """*text* with control characters (and lone surrogates) written as ``\\xNN``/``\\uNNNN``."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        code = ord(char)
        if char in "\n" or char.isprintable():
            out.append(char)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out)


def field_path(path: PathKey) -> str:
    """``("visitors", 1, "diet", 0)`` → ``visitors[1].diet[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest choice to *word*, compared case-insensitively, or ``None``."""
    import difflib  # only a mistake needs a suggestion

    options = list(choices)
    lowered = {c.lower(): c for c in options}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def suggestion(word: str, choices: Iterable[str]) -> str:
    guess = did_you_mean(word, choices)
    return f"Did you mean '{guess}'? " if guess else ""


def quote_list(items: Iterable[str]) -> str:
    return ", ".join(items)


class ProblemSink:
    """Collects problems for one file, turning paths into positions."""

    def __init__(self, file: str, source: LoadedYaml | None = None) -> None:
        self.file = file
        self.source = source
        self.problems: list[Problem] = []

    def position(self, path: PathKey, *, key: bool = False) -> Position:
        if self.source is None:
            return Position(1, 1)
        return self.source.position(path, key=key)

    def add(self, path: PathKey, message: str, fix: str = "", *, key: bool = False,
            severity: Severity = Severity.ERROR, rule: str = "schema", link: str = "",
            at: PathKey | None = None) -> None:
        where = self.position(at if at is not None else path, key=key)
        self.problems.append(Problem(
            file=self.file, line=where.line, column=where.column, field=field_path(path),
            message=message, fix=fix, severity=severity, rule=rule, link=link,
        ))


def _order(p: Problem) -> tuple[str, int, int, str, str]:
    return (p.file, p.line, p.column, p.field, p.message)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=_order)


def count(problems: Sequence[Problem], severity: Severity) -> int:
    return sum(1 for p in problems if p.severity is severity)


def format_report(problems: Sequence[Problem], checked: int,
                  approved: Sequence[ApprovedProblem] = ()) -> str:
    """The human report: problems grouped by file, then a one-line summary (which counts the
    approved warnings apart, when there are any)."""
    lines = [p.format() for p in sort_problems(problems)]
    errors = count(problems, Severity.ERROR)
    warnings = count(problems, Severity.WARNING)
    noun = "file" if checked == 1 else "files"
    extra = f", {len(approved)} approved" if approved else ""
    lines.append(f"checked {checked} {noun}: {errors} error(s), {warnings} warning(s){extra}")
    return "\n".join(lines)


def format_json(problems: Sequence[Problem], checked: int,
                approved: Sequence[ApprovedProblem] = ()) -> str:
    """The report for tools; ``approved`` lists the approved warnings with by and on."""
    return json.dumps({
        "checked": checked,
        "errors": count(problems, Severity.ERROR),
        "warnings": count(problems, Severity.WARNING),
        "problems": [p.as_dict() for p in sort_problems(problems)],
        "approved": [a.as_dict() for a in sorted(approved, key=lambda a: _order(a.problem))],
    }, ensure_ascii=False, indent=2)


def display_path(path: Path, root: Path | None = None) -> str:
    """A path relative to *root* (or the working directory) when possible, with / separators."""
    if os.sep != "/":  # pragma: no cover - the string shortcut below is for POSIX paths
        for base in (root, Path.cwd()):
            if base is None:
                continue
            try:
                return path.resolve().relative_to(base.resolve()).as_posix()
            except ValueError:
                continue
        return path.as_posix()
    resolved = _resolve(path)
    bases = [os.getcwd()] if root is None else [os.fspath(root), os.getcwd()]
    for name in bases:
        folder = _resolve_folder(name)
        if resolved == folder:
            return "."
        prefix = folder if folder.endswith("/") else folder + "/"
        if resolved.startswith(prefix):
            return resolved[len(prefix):]
    return path.as_posix()


def resolve(path: Path) -> Path:
    """``path.resolve()``, with the folder that holds it resolved once for all its files:
    only the file itself is looked at (when it is a link, it is resolved in full)."""
    return Path(_resolve(path))


def _resolve(path: Path) -> str:
    name = path.name
    if name in ("", "..") or os.path.islink(path):
        return str(path.resolve())
    return os.path.join(_resolve_folder(os.fspath(path.parent)), name)


def _resolve_folder(folder: str) -> str:
    if ".." in folder.split(os.sep):  # a/.. is not the folder of a when a is a link
        return str(Path(folder).resolve())
    return _real_folder(os.path.abspath(folder))


@functools.lru_cache(maxsize=256)
def _real_folder(folder: str) -> str:
    """The resolved absolute *folder* (the visits folder, the project's root), kept: every
    file in it is resolved from it."""
    return str(Path(folder).resolve())
