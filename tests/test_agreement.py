"""`handbook check` and the strict build agree: what check accepts builds, what it refuses fails.

* ``tests/fixtures/tricky/``: legal visit files that are hard on the renderer (script tags,
  pipes, braces, backslashes, Markdown, emoji, right-to-left and zero-width characters, very
  long texts, merge keys, a BOM, CRLF, unicode file names, …). Check passes each with no error,
  and one strict build of a project holding all of them succeeds with every packet page in
  both languages, showing the company as written.
* ``tests/fixtures/hostile/`` (see ``test_hostile.py``): every file check refuses also makes the
  build fail, with the file's name in the output and no traceback: once for the whole corpus
  in one project, and once alone for each of a handful of representative files, among them
  those that used to pass check and fail only the build (unsafe links, reserved and odd file
  names, two schedule keys for the same day).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import TODAY
from sitebuild import copy_project, mkdocs_build
from test_hostile import CORPUS_CASES, GENERATED_CASES, Case, check_alone

from generator.load import load_visit
from generator.models import Policy
from generator.problems import format_report
from generator.project import Paths, load_project

TRICKY_DIR = Path(__file__).resolve().parent / "fixtures" / "tricky"
TRICKY = sorted(TRICKY_DIR.glob("*.yml"))

# Built alone: one case of each kind, and every kind that check used to pass.
REPRESENTATIVE = [
    "link-javascript-notes.yml",  # a javascript: link (check passed, the build failed)
    "link-missing-page.yml",  # a link to a page that does not exist (idem)
    "link-absolute-path.yml",  # an absolute path (idem)
    "dup-same-day-datetime.yml",  # a day silently dropped
    "ctrl-bel-purpose.yml",  # a control character that broke the front matter
    "offset-arrival-plus.yml",  # a traceback in the build
    "tz-region-asia.yml",  # a traceback in the build
    "index.yml",  # overwrote the generated listing
    "visits.yml",  # overwrote the generated calendar
    "2026-12-08-acme#1.yml",  # a page address that breaks links
]


def _output(run: subprocess.CompletedProcess[str]) -> str:
    return run.stdout + run.stderr


def _replace_visits(project: Path, files: dict[str, bytes]) -> None:
    visits = project / "visits"
    shutil.rmtree(visits, ignore_errors=True)
    visits.mkdir()
    for name, data in files.items():
        (visits / name).write_bytes(data)


class _Text(HTMLParser):
    """The visible text of a page (not scripts, styles or attributes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def page_text(page: Path) -> str:
    parser = _Text()
    parser.feed(page.read_text(encoding="utf-8"))
    return " ".join("".join(parser.parts).split())


# The tricky corpus: legal and published -----------------------------------------------------


def test_the_tricky_corpus_is_large_enough() -> None:
    assert len(TRICKY) >= 15
    assert any(not p.name.isascii() for p in TRICKY), "a unicode file name"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("agreement"))
    load_project(Paths(root), today=TODAY, history=False)  # warm up caches
    return root


@pytest.mark.parametrize("path", TRICKY, ids=lambda p: p.name)
def test_check_accepts_the_tricky_file(project: Path, path: Path) -> None:
    result = check_alone(project, path.name, path.read_bytes())
    assert len(result.visits) == 1
    assert not result.errors, format_report(result.problems, 2)
    assert result.facts, "the visit is derived, ready to render"


@pytest.fixture(scope="module")
def tricky_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("tricky"))
    _replace_visits(root, {p.name: p.read_bytes() for p in TRICKY})
    return root


def test_the_command_accepts_the_tricky_corpus_together(tricky_project: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "generator.cli", "check", "--today", TODAY.isoformat()],
        cwd=tricky_project, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert run.returncode == 0, _output(run)
    assert run.stdout.splitlines()[-1].startswith(
        f"checked {len(TRICKY) + 1} files: 0 error(s)"), run.stdout


@pytest.fixture(scope="module")
def tricky_site(tricky_project: Path) -> Path:
    site = tricky_project / "site"
    run = mkdocs_build(tricky_project, site)
    assert run.returncode == 0, _output(run)[-6000:]
    assert "Traceback" not in _output(run)
    return site


@pytest.mark.parametrize("prefix", ["", "en/"], ids=["zh", "en"])
def test_every_tricky_packet_is_published(tricky_site: Path, prefix: str) -> None:
    missing = [p.name for p in TRICKY
               if not (tricky_site / prefix / "visits" / p.stem / "index.html").is_file()]
    assert not missing, f"no packet page in {prefix or 'zh/'}: {missing}"


@pytest.mark.parametrize("path", TRICKY, ids=lambda p: p.name)
def test_tricky_packet_shows_the_company_as_written(tricky_site: Path, tricky_project: Path,
                                                   policy: Policy, path: Path) -> None:
    loaded = load_visit(tricky_project / "visits" / path.name, policy, tricky_project)
    assert loaded.model is not None, format_report(loaded.problems, 1)
    company = " ".join(loaded.model.client.company.split())
    for prefix in ("", "en/"):
        text = page_text(tricky_site / prefix / "visits" / path.stem / "index.html")
        assert company in text, f"{prefix or 'zh/'}{path.stem}: '{company}' is not shown"


# The hostile corpus: refused, and the build fails --------------------------------------------


def _cases() -> dict[str, Case]:
    return {c.name: c for c in CORPUS_CASES + GENERATED_CASES}


def test_check_refuses_every_representative_file(project: Path) -> None:
    """The files built alone below are refused by check too (the agreement's other half)."""
    cases = _cases()
    for name in REPRESENTATIVE:
        result = check_alone(project, name, cases[name].data)
        assert result.errors, f"{name}: check accepts it\n{format_report(result.problems, 2)}"


def test_the_build_of_the_whole_hostile_corpus_fails_naming_every_file(
        tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    cases = _cases()
    _replace_visits(root, {name: case.data for name, case in cases.items()})
    run = mkdocs_build(root, root / "site")
    output = _output(run)
    assert run.returncode != 0, output[-3000:]
    assert "Traceback" not in output, output[-6000:]
    assert "[internal-error]" not in output, output[-6000:]  # a crash the checker caught
    unnamed = [name for name in cases if f"visits/{name}" not in output]
    assert not unnamed, f"the build output does not name: {unnamed}\n{output[-3000:]}"
    assert not (root / "site" / "index.html").exists(), "nothing is built from broken input"


@pytest.mark.parametrize("name", REPRESENTATIVE)
def test_a_refused_file_alone_fails_the_build(tmp_path: Path, name: str) -> None:
    root = copy_project(tmp_path / "project")
    _replace_visits(root, {name: _cases()[name].data})
    run = mkdocs_build(root, root / "site")
    output = _output(run)
    assert run.returncode != 0, f"{name} builds\n{output[-3000:]}"
    assert "Traceback" not in output, output[-6000:]
    assert "[internal-error]" not in output, output[-6000:]
    assert name in output, f"the build output does not name {name}\n{output[-3000:]}"
