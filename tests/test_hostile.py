"""The hostile corpus: broken visit files that `handbook check` refuses with located problems.

Every file in ``tests/fixtures/hostile/`` is a small variation of ``_base.yml`` (a valid visit)
and states in its first lines what it expects, one line per problem::

    # expect: 12 visitors[0].diet[0] | not in the diet vocabulary

that is: a problem on line 12, about the field ``visitors[0].diet[0]`` (``-`` for a problem
about the whole file, ``*`` for any field), whose message contains the phrase. A line of ``*``
means any line (an alias bomb has no single culprit line). Cases that cannot be committed as
text files (UTF-16, NUL bytes, odd file names, a 12 MB file) are generated here from a table.

For every case: the check exits with errors, reports each expected problem, names the file and
a line and column for every problem, never raises, and finishes within two seconds.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import TODAY, Hang, deadline
from sitebuild import copy_project

from generator.problems import Problem, Severity, format_report
from generator.project import Paths, Result, load_project

CORPUS = Path(__file__).resolve().parent / "fixtures" / "hostile"
EXPECT = re.compile(r"^# expect: (?P<line>\d+|\*) (?P<field>.+?) \| (?P<phrase>.+?)\s*$")
SECONDS = 2.0  # per file, in-process
INTERNAL_ERROR = "internal-error"  # the rule of a crash the checker caught: a bug, not a pass
CLI_TIMEOUT = 180  # the whole corpus through the real command
PROBLEM_LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<column>\d+): "
                          r"(?P<severity>error|warning) \[[a-z0-9-]+\] ")


@dataclass(frozen=True)
class Expected:
    line: int | None  # None: any line
    field: str | None  # None: any field; "": the whole file
    phrase: str

    def matches(self, problem: Problem) -> bool:
        return (problem.severity is Severity.ERROR
                and (self.line is None or problem.line == self.line)
                and (self.field is None or problem.field == self.field)
                and self.phrase in problem.message)

    def __str__(self) -> str:
        line = "*" if self.line is None else self.line
        field = "*" if self.field is None else (self.field or "-")
        return f"line {line}, field {field}, '{self.phrase}'"


@dataclass(frozen=True)
class Case:
    name: str  # the file name in visits/
    data: bytes
    expected: tuple[Expected, ...]

    def __str__(self) -> str:
        return self.name


def parse_expectations(data: bytes) -> tuple[Expected, ...]:
    """The ``# expect:`` lines at the top of a corpus file (ASCII in every encoding used)."""
    found: list[Expected] = []
    for raw in data.split(b"\n"):
        if not raw.startswith(b"#"):
            break
        match = EXPECT.match(raw.decode("ascii", "replace").rstrip("\r"))
        if match:
            line, field = match["line"], match["field"]
            found.append(Expected(None if line == "*" else int(line),
                                  None if field == "*" else ("" if field == "-" else field),
                                  match["phrase"]))
    return tuple(found)


def base_text() -> str:
    """The valid visit of ``_base.yml``, without its explanatory comment."""
    lines = (CORPUS / "_base.yml").read_text(encoding="utf-8").splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines)


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.split("\n"), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in the text")


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _padded(size: int) -> bytes:
    """The base visit with notes long enough to make the file *size* bytes."""
    head = base_text().encode("utf-8") + b"x_padding: |\n"
    line = b"  " + b"padding " * 12 + b"\n"
    body = line * ((size - len(head)) // len(line) + 1)
    return (head + body)[:size - 1] + b"\n"


def _raw(old: str, new: bytes) -> tuple[bytes, int]:
    """The base with *old* replaced by raw bytes, and the line of the change."""
    text = base_text()
    before, after = text.split(old, 1)
    return before.encode() + new + after.encode(), before.count("\n") + 1


def generated_cases() -> list[Case]:
    """Cases written from a table: encodings, raw control bytes, sizes, file names."""
    base = base_text()
    cases: list[Case] = []

    def add(name: str, data: bytes, *expected: tuple[int | None, str | None, str]) -> None:
        cases.append(Case(name, data, tuple(Expected(*e) for e in expected)))

    # Encodings other than UTF-8 (a UTF-8 BOM is legal: see the tricky corpus).
    add("encoding-utf16-le-bom.yml", codecs.BOM_UTF16_LE + base.encode("utf-16-le"),
        (1, "", "UTF-8"))
    add("encoding-utf16-be-bom.yml", codecs.BOM_UTF16_BE + base.encode("utf-16-be"),
        (1, "", "UTF-8"))
    add("encoding-utf32-le-bom.yml", codecs.BOM_UTF32_LE + base.encode("utf-32-le"),
        (1, "", "UTF-8"))
    # UTF-16 without a BOM decodes as UTF-8 full of NULs: it is still an encoding problem.
    add("encoding-utf16-no-bom.yml", base.encode("utf-16-le"), (None, "", "UTF-8"))
    data, line = _raw("Hans Müller", "Hans M\u00fcller".encode("utf-8")[:6] + b"\xed\xa0\x80ller")
    add("encoding-surrogate.yml", data, (line, "", "UTF-8"))
    add("encoding-stray-byte.yml", b"# caf\xe9 with the client\n" + base.encode(),
        (1, "", "UTF-8"))
    # Raw control characters (YAML itself refuses them).
    for name, old, new in [
        ("raw-nul.yml", "purpose: Audit the", b"purpose: Audit\x00 the"),
        ("raw-bel.yml", "  company: Contoso", b"  company: Contoso\x07"),
        ("raw-esc-block.yml", "  Ms. Y", b"  \x1b[2J Ms. Y"),
        ("raw-c1-pad.yml", "  - name: Hans", "  - name: \u0080Hans".encode()),
        ("raw-c1-csi.yml", "title: Contoso", "title: \u009bContoso".encode()),
        ("raw-del.yml", "  place: PVG", b"  place: \x7fPVG"),
    ]:
        data, line = _raw(old, new)
        add(name, data, (line, None, "control character"))
    # Nothing in the file.
    add("empty-zero-bytes.yml", b"", (1, "", "empty"))
    add("empty-whitespace.yml", b"\n   \n\n", (None, "", "empty"))
    add("empty-bom-only.yml", codecs.BOM_UTF8, (1, "", "empty"))
    # Too large: refused before it is parsed (the default limit is 1 MB).
    add("size-12-mb.yml", _padded(12 * 1024 * 1024), (1, "", "larger than"))
    add("size-just-over-1-mib.yml", _padded(1024 * 1024 + 1), (1, "", "larger than"))
    # Many aliases, each small: the expanded size counts, not the nesting.
    many = _replace(base, "gifts: [Longjing tea]",
                    "gifts: [&t Longjing tea" + ", *t" * 30_000 + "]")
    add("alias-many.yml", many.encode(), (line_of(many, "gifts: [&t"), None, "aliases"))
    # File names: a packet's address is visits/<name>/.
    for name in ["2026-12-08-acme#1.yml", "2026-12-08-100%.yml", "2026-12-08-acme?.yml",
                 "2026-12-08-acme(1).yml", "2026-12-08 acme.yml", "2026-12-08-acme&co.yml",
                 "2026-12-08-o'brien.yml"]:
        add(name, base.encode(), (1, "", "file name"))
    for name in ["index.yml", "visits.yml", "index.yaml", "Visits.yaml"]:
        add(name, base.encode(), (1, "", "reserved"))
    return cases


def corpus_cases() -> list[Case]:
    return [Case(path.name, path.read_bytes(), parse_expectations(path.read_bytes()))
            for path in sorted(CORPUS.glob("*.yml")) if not path.name.startswith("_")]


CORPUS_CASES = corpus_cases()
GENERATED_CASES = generated_cases()




@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("hostile"))
    load_project(Paths(root), today=TODAY, history=False)  # warm up caches (pycountry, zones)
    return root


def check_alone(project: Path, name: str, data: bytes,
                seconds: float = SECONDS) -> Result:
    """Check *data* as the only file of the project's visits/, in-process, within *seconds*."""
    visits = project / "visits"
    shutil.rmtree(visits, ignore_errors=True)
    visits.mkdir()
    (visits / name).write_bytes(data)
    try:
        with deadline(seconds):
            return load_project(Paths(project), today=TODAY, history=False)
    except Hang as error:
        pytest.fail(f"{name}: the check {error} (a hang or a runaway input)")
    except Exception:
        pytest.fail(f"{name}: the check raised instead of reporting a problem:\n"
                    f"{traceback.format_exc()}")


def assert_reported(case: Case, problems: list[Problem], shown: str) -> None:
    """The case's file has errors, each expected one among them, every problem well formed."""
    report = format_report(problems, 1)
    assert "Traceback" not in report
    assert any(p.severity is Severity.ERROR for p in problems), \
        f"{case.name}: no error reported; the check accepts the file.\n{report}"
    crashes = [p.format() for p in problems if p.rule == INTERNAL_ERROR]
    assert not crashes, f"{case.name}: the generator crashed on it:\n" + "\n".join(crashes)
    for problem in problems:
        assert problem.file == shown, f"{case.name}: a problem names another file:\n{report}"
        assert problem.line >= 1 and problem.column >= 1, problem
        assert problem.message.strip(), problem
        assert PROBLEM_LINE.match(problem.format()), problem.format()
    missing = [str(e) for e in case.expected if not any(e.matches(p) for p in problems)]
    assert not missing, (f"{case.name}: expected problem(s) not reported: {missing}\n"
                         f"reported:\n{report}")


def test_the_corpus_is_large_and_every_file_says_what_it_expects() -> None:
    assert len(CORPUS_CASES) >= 60
    for case in CORPUS_CASES:
        assert case.expected, f"{case.name} has no '# expect:' line"
    names = [c.name for c in CORPUS_CASES + GENERATED_CASES]
    assert len(names) == len(set(n.lower() for n in names))


def test_the_base_visit_passes(project: Path) -> None:
    """The control: without the variation, the same file is accepted with nothing to report."""
    result = check_alone(project, "2026-12-08-base.yml", base_text().encode())
    assert not result.problems, format_report(result.problems, 2)


@pytest.mark.parametrize("case", CORPUS_CASES + GENERATED_CASES, ids=str)
def test_check_refuses_the_file(project: Path, case: Case) -> None:
    result = check_alone(project, case.name, case.data)
    assert_reported(case, result.problems, f"visits/{case.name}")


def test_a_file_below_the_size_limit_is_read(project: Path) -> None:
    """The size limit refuses large files only: 900 kB of visitors' notes (each note within
    the text limit) is a strange but legal visit."""
    base = base_text()
    note = "a long note " * 80  # 960 characters, below the 1,000 of one-line text
    visitor = f"  - name: Guest {{n}}\n    notes: {note}\n"
    count = 900_000 // len(visitor.format(n=1000).encode())
    visitors = "".join(visitor.format(n=n) for n in range(count))
    data = _replace(base, "visitors:\n", "visitors:\n" + visitors).encode()
    assert 850_000 < len(data) < 1_000_000
    result = check_alone(project, "2026-12-08-long-notes.yml", data, seconds=10)
    assert not result.errors, format_report(result.problems, 2)


def test_text_beyond_the_policy_limits_is_refused(project: Path) -> None:
    """A page is built in time: one-line text up to 1,000 characters, Markdown up to 10,000,
    and at most 500 square brackets in the Markdown fields together (the policy sets them)."""
    base = base_text()
    head, _ = base.split("notes: |\n", 1)
    cases = {
        "notes": (head + "notes: " + "x" * 10_001 + "\nconfidential: false\n",
                  "is 10,001 characters long, more than the 10,000 a Markdown field may hold."),
        "purpose": (_replace(base, "purpose:", "purpose: " + "y" * 1_001 + "\nx_purpose:"),
                    "is 1,001 characters long, more than the 1,000 a one-line text may hold."),
        "brackets": (head + "notes: '" + "[" * 501 + "'\nconfidential: false\n",
                     "square brackets, more than the 500 a visit file may hold."),
    }
    for name, (text, phrase) in cases.items():
        field = "notes" if name == "brackets" else name
        result = check_alone(project, f"2026-12-08-limit-{name}.yml", text.encode(), seconds=5)
        assert any(phrase in p.message and p.field == field for p in result.errors), \
            format_report(result.problems, 2)


def test_a_long_file_without_aliases_is_not_blamed_on_aliases(project: Path) -> None:
    """3,000 visitors written out (150 kB, below the size limit) hold no alias: whether the
    check accepts them or refuses the file as too large, it must not speak of aliases."""
    visitors = "".join(f"  - {{name: Guest {i}, languages: [en], diet: [halal]}}\n"
                       for i in range(3000))
    text = _replace(base_text(), "visitors:\n", "visitors:\n" + visitors)
    assert "*" not in text.split("visitors:", 1)[1].split("hosts:", 1)[0]
    result = check_alone(project, "2026-12-08-large-group.yml", text.encode(), seconds=10)
    blamed = [p.format() for p in result.problems if "alias" in p.message + p.fix]
    assert not blamed, "\n".join(blamed)


def test_the_size_limit_comes_from_the_policy(project: Path) -> None:
    policy = project / "policy" / "reception.yml"
    original = policy.read_text(encoding="utf-8")
    base = base_text().encode()
    limit = len(base) + 100
    if re.search(r"(?m)^limits:", original):
        changed = re.sub(r"(?m)^(\s+max_file_bytes:\s*)\d+", rf"\g<1>{limit}", original)
    else:
        changed = original + f"\nlimits:\n  max_file_bytes: {limit}\n"
    policy.write_text(changed, encoding="utf-8")
    try:
        small = check_alone(project, "2026-12-08-small.yml", base)
        assert not small.errors, format_report(small.problems, 2)
        large = check_alone(project, "2026-12-08-large.yml", _padded(limit + 1))
        case = Case("2026-12-08-large.yml", b"", (Expected(1, "", "larger than"),))
        assert_reported(case, large.problems, "visits/2026-12-08-large.yml")
        size = next(p for p in large.problems if "larger than" in p.message)
        assert str(limit) in size.message.replace(",", ""), size.message  # names the limit
    finally:
        policy.write_text(original, encoding="utf-8")


# The real command over the whole corpus ----------------------------------------------------


def _handbook(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, "-m", "generator.cli", "check", "--today", TODAY.isoformat(), *args],
            cwd=project, capture_output=True, text=True, timeout=CLI_TIMEOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    except subprocess.TimeoutExpired:
        pytest.fail(f"handbook check did not finish within {CLI_TIMEOUT} s (a hang)")


@pytest.fixture(scope="module")
def cli_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("hostile-cli"))
    folder = root / "hostile"
    shutil.copytree(CORPUS, folder)
    for case in GENERATED_CASES:
        (folder / case.name).write_bytes(case.data)
    return root


def test_cli_reports_every_file_of_the_corpus(cli_project: Path) -> None:
    run = _handbook(cli_project, "--format", "json", "hostile")
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    cases = CORPUS_CASES + GENERATED_CASES
    assert report["checked"] == len(cases) + 1  # the policy too
    by_file: dict[str, list[Problem]] = {}
    for item in report["problems"]:
        problem = Problem(**{**item, "severity": Severity(item["severity"])})
        by_file.setdefault(problem.file, []).append(problem)
    assert set(by_file) <= {f"hostile/{c.name}" for c in cases}, set(by_file)
    failures = []
    for case in cases:
        try:
            assert_reported(case, by_file.get(f"hostile/{case.name}", []),
                            f"hostile/{case.name}")
        except AssertionError as error:
            failures.append(str(error).split("\n")[0])
    assert not failures, "\n".join(failures)


def test_cli_text_report_is_one_located_line_per_problem(cli_project: Path) -> None:
    run = _handbook(cli_project, "hostile")
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    assert f"[{INTERNAL_ERROR}]" not in run.stdout
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert re.fullmatch(r"checked \d+ files: [1-9]\d* error\(s\), \d+ warning\(s\)", lines[-1])
    files = set()
    for line in lines[:-1]:
        if line.startswith("    fix: "):
            continue
        match = PROBLEM_LINE.match(line)
        assert match, f"not a FILE:LINE:COLUMN line: {line!r}"
        files.add(match["file"])
    expected: Callable[[Case], str] = lambda c: f"hostile/{c.name}"  # noqa: E731
    assert files == {expected(c) for c in CORPUS_CASES + GENERATED_CASES}
