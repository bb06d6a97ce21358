"""The loader's shortcuts give what the long way gives (issue 9: loading 1,000 visit files).

* :func:`generator.problems.display_path` and :func:`~generator.problems.resolve` resolve a
  file's folder once: the results equal ``Path.resolve()``'s, links included.
* a visit file without a backslash, a control character or ``TODO`` is not scanned for them:
  one that holds any is, and every finding is the same.
* a policy's working-day calendar is shared and remembers its answers: they equal a fresh
  calendar's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURE_POLICY, FIXTURE_PROJECT, FIXTURE_VISITS
from pydantic import BaseModel, ConfigDict

from generator.checklist import Entry, Phase, build_checklist
from generator.load import _load_scanned, _scan, load_policy, load_visit, visit_files
from generator.models.policy import WorkingDays
from generator.problems import display_path, resolve
from generator.workdays import Workdays, calendar


def _long_way(path: Path, root: Path | None) -> str:
    """display_path as it was written before the shortcut."""
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """root/visits/a.yml, a link to it, a linked folder, and a file outside the root."""
    root = tmp_path / "root"
    (root / "visits").mkdir(parents=True)
    (root / "visits" / "a.yml").write_text("purpose: x\n", encoding="utf-8")
    (root / "visits" / "link.yml").symlink_to(root / "visits" / "a.yml")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "b.yml").write_text("purpose: y\n", encoding="utf-8")
    (root / "linked").symlink_to(tmp_path / "elsewhere")
    (root / "visits" / "out.yml").symlink_to(tmp_path / "elsewhere" / "b.yml")
    return root


# (case, path relative to the tree's root or absolute when it starts with /, root: "root",
#  "none" or "sub")
PATHS = [
    ("a plain file", "visits/a.yml", "root"),
    ("a link to a file in the folder", "visits/link.yml", "root"),
    ("a link to a file outside the root", "visits/out.yml", "root"),
    ("a file in a linked folder", "linked/b.yml", "root"),
    ("a path through ..", "linked/../visits/a.yml", "root"),
    ("a missing file", "visits/missing.yml", "root"),
    ("the root itself", ".", "root"),
    ("no root given", "visits/a.yml", "none"),
    ("a root the file is not under", "linked/b.yml", "sub"),
]


@pytest.mark.parametrize(("relative", "root_kind"), [c[1:] for c in PATHS],
                         ids=[c[0] for c in PATHS])
def test_display_path_matches_resolve(tree: Path, relative: str, root_kind: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree.parent)
    root = {"root": tree, "none": None, "sub": tree / "visits"}[root_kind]
    for path in (tree / relative, Path("root") / relative):  # absolute and relative
        assert display_path(path, root) == _long_way(path, root)
        assert resolve(path) == path.resolve()


def test_visit_files_counts_a_linked_file_once(tree: Path) -> None:
    files = visit_files([tree / "visits", tree / "visits" / "a.yml"])
    # link.yml is a.yml, and out.yml is a file of its own (elsewhere/b.yml).
    assert [p.name for p in files] == ["a.yml", "out.yml"]


class _Anything(BaseModel):
    model_config = ConfigDict(extra="allow")


# (case, file text, problems expected: (field, words in the message))
TEXTS = [
    ("plain text", 'purpose: "a visit"\nnotes: [one, two]\n', []),
    ("TODO left", "purpose: TODO\nnotes: [ok]\n", [("purpose", "TODO")]),
    ("TODO in a list", "notes: [ok, '  TODO ']\n", [("notes[1]", "TODO")]),
    ("an escaped control character", 'purpose: "a\\x01b"\n', [("purpose", "U+0001")]),
    ("an escaped TODO", 'purpose: "\\x54ODO"\n', [("purpose", "TODO")]),
    ("an escaped control character in a key", '"k\\x02": v\n', [("k\\x02", "U+0002")]),
    ("a backslash, nothing wrong", 'purpose: "a\\\\b"\n', []),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in TEXTS],
                         ids=[c[0] for c in TEXTS])
def test_scan_shortcut_finds_the_same(tmp_path: Path, text: str,
                                      expected: list[tuple[str, str]]) -> None:
    path = tmp_path / "v.yml"
    path.write_text(text, encoding="utf-8")
    loaded, strings = _load_scanned(path, "v.yml", _Anything)
    found = [(p.field, p.message) for p in loaded.problems]
    assert len(found) == len(expected), found
    for (field, message), (want_field, words) in zip(found, expected, strict=True):
        assert field == want_field and words in message
    assert loaded.source is not None
    long_way: list[Any] = []
    _scan(loaded.source.data, (), [], [], long_way)
    assert strings == long_way
    assert strings  # every case holds text


CN: dict[str, Any] = {"weekend": ["sat", "sun"], "holidays": {"country": "CN"},
                      "extra_days_off": ["2026-12-31"], "extra_working_days": ["2026-12-12"]}


def test_shared_calendar_answers_as_a_fresh_one() -> None:
    rules = WorkingDays.model_validate(CN)
    shared = calendar(rules)
    assert calendar(rules) is shared
    assert calendar(WorkingDays.model_validate(CN)) is not shared  # other rules, own calendar
    start = dt.date(2026, 9, 1)
    days = [start + dt.timedelta(n) for n in range(200)]
    for _ in range(2):  # the second time from what the calendar remembers
        for day in days:
            fresh = Workdays(rules)
            assert shared.is_working_day(day) is fresh.is_working_day(day)
            assert shared.previous_working_day(day) == fresh.previous_working_day(day)
            assert shared.next_working_day(day) == fresh.next_working_day(day)
    assert not shared.is_working_day(dt.date(2026, 12, 31))
    assert shared.is_working_day(dt.date(2026, 12, 12))
    assert calendar(None).is_working_day(dt.date(2026, 10, 1))



def test_checklist_entries_are_compact_and_whole() -> None:
    """Every entry is a compact record (no per-instance __dict__: a build holds tens of
    thousands) whose fields all hold what they should."""
    policy = load_policy(FIXTURE_POLICY, FIXTURE_PROJECT).model
    assert policy is not None
    checked = 0
    for path in sorted(FIXTURE_VISITS.glob("*.yml")):
        visit = load_visit(path, policy, FIXTURE_PROJECT).model
        if visit is None:
            continue
        for entry in build_checklist(visit, policy):
            assert not hasattr(entry, "__dict__")
            assert entry == Entry(**entry._asdict())
            assert isinstance(entry.due, dt.datetime) and isinstance(entry.phase, Phase)
            assert entry.owner in policy.departments
            assert (entry.item is None) == (entry.item_day is None)
            checked += 1
    assert checked > 20
