"""Shared fixtures: the repository, the fixture project, its policy, and small visit files.

Tests never read the content users edit (``visits/``, ``policy/``): they use the fixture
project in ``tests/fixtures/project`` (see its README). ``ROOT`` is the repository, for its
code-side inputs (theme, MkDocs configuration, docs).
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import signal
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import yaml

from generator.load import load_policy, load_visit
from generator.models import Policy, Visit
from generator.problems import Problem

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_PROJECT = FIXTURES / "project"
FIXTURE_VISITS = FIXTURE_PROJECT / "visits"
FIXTURE_POLICY = FIXTURE_PROJECT / "policy" / "reception.yml"
# Set in the nested test runs of tests/test_pull_request.py (which then skips itself).
NESTED_ENV = "HANDBOOK_NESTED"


class Hang(BaseException):
    """Not an Exception, so that no `except Exception` in the code under test hides it."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` in the main thread if the block takes longer than *seconds*."""

    def expired(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def fixture_visits() -> list[Path]:
    """The fixture visit files, sorted by name."""
    return sorted(FIXTURE_VISITS.glob("*.yml"))

# The smallest valid visit; tests change one thing at a time.
MINIMAL: dict[str, Any] = {
    "client": {"company": "ACME GmbH", "country": "DE", "relationship": "customer"},
    "purpose": "Audit",
    "tier": "C",
    "owner": "李娜",
    "arrival": {"at": "2026-12-08 09:30", "by": "flight"},
    "departure": {"at": "2026-12-09 18:00", "by": "flight"},
    "visitors": [{"name": "Hans Müller", "languages": ["en"]}],
    "hosts": [{"name": "李娜", "dept": "sales", "languages": ["en"]}],
}


def visit_data(**changes: Any) -> dict[str, Any]:
    """MINIMAL with changes: ``tier="A"``, ``**{"client.country": "RU"}`` (one level deep),
    or ``items=[...]`` for the schedule of the arrival day."""
    data = copy.deepcopy(MINIMAL)
    for key, value in changes.items():
        if key == "items":
            data["schedule"] = {dt.date(2026, 12, 8): value}
        elif "." in key:
            outer, inner = key.split(".")
            data[outer][inner] = value
        else:
            data[key] = value
    return data


# Modules that build every project they look at from tests/fixtures (copy_project, their own
# corpora). The guard below proves in every run that they read no user content, so the nested
# runs of tests/test_pull_request.py may leave them out without hiding a dependency.
HERMETIC = {"test_fuzz", "test_hostile", "test_agreement", "test_offline", "test_build_safety",
            "test_preview_cache",
            "test_outputs_escaped"}
# Content users edit, which no test may read in-process (subprocesses run on copies).
USER_CONTENT = (ROOT / "visits", ROOT / "policy")
# The one module that reads it on purpose: it copies the repository to play a pull request.
READS_CONTENT = {"test_pull_request"}


def pytest_configure(config: pytest.Config) -> None:
    # generator.datacache: a cache of the run's own (for this process and the handbook
    # commands tests start), not the user's ~/.cache
    os.environ.setdefault("HANDBOOK_CACHE", tempfile.mkdtemp(prefix="handbook-cache-"))
    config.addinivalue_line("markers", "browser: drives Chromium (every test that uses a "
                                       "`browser` fixture gets it)")
    config.addinivalue_line("markers", "hermetic: reads only fixtures (see conftest.HERMETIC)")
    config.addinivalue_line("markers", "content_lint: checks the content users edit on purpose "
                                       "(a rule any content must meet, not a fact of today's)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The longest tests first, so that the workers of pytest-xdist finish together.
    items.sort(key=lambda item: item.module is None
               or item.module.__name__ not in READS_CONTENT)
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if item.module is not None and item.module.__name__ in HERMETIC:
            item.add_marker(pytest.mark.hermetic)


class _ContentReads:
    """An audit hook that records every file opened under USER_CONTENT while it is on."""

    def __init__(self) -> None:
        self.on = False
        self.opened: list[str] = []
        sys.addaudithook(self)

    def __call__(self, event: str, args: tuple[object, ...]) -> None:
        if not self.on or event not in ("open", "os.listdir", "os.scandir") or not args:
            return
        target = args[0]
        if not isinstance(target, str | os.PathLike):
            return
        try:
            path = Path(os.fsdecode(target)).resolve()
        except (OSError, ValueError):
            return
        if any(path == root or root in path.parents for root in USER_CONTENT):
            self.opened.append(str(path))


_READS = _ContentReads()


@pytest.fixture(autouse=True)
def _no_user_content(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test that reads visits/ or policy/ of the repository: users change them."""
    module = request.module.__name__ if request.module is not None else ""
    if module in READS_CONTENT or request.node.get_closest_marker("content_lint"):
        yield
        return
    _READS.opened.clear()
    _READS.on = True
    try:
        yield
    finally:
        _READS.on = False
    assert not _READS.opened, (
        f"{request.node.nodeid} read content users edit (use the fixture project): "
        f"{sorted(set(_READS.opened))[:5]}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, once per test worker (see tests/browsing.py)."""
    from browsing import HAVE_CHROMIUM, NO_CHROMIUM, launch

    if not HAVE_CHROMIUM:
        pytest.skip(NO_CHROMIUM)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def policy() -> Policy:
    """The fixture copy of the reception policy (not the file management edits)."""
    loaded = load_policy(FIXTURE_POLICY, FIXTURE_PROJECT)
    assert loaded.model is not None, [p.format() for p in loaded.problems]
    return loaded.model


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One strict MkDocs build of the fixture project (both languages), shared read-only by
    every test that looks at the built site. Do not change it: copy it or build your own."""
    from sitebuild import copy_project, mkdocs_build

    project = copy_project(tmp_path_factory.mktemp("fixture-site"))
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a visit file from YAML text (dedented) and return its path."""

    def _write(text: str, name: str = "visit.yml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def check(write: Callable[[str, str], Path], policy: Policy,
          tmp_path: Path) -> Callable[[str], list[Problem]]:
    """Validate YAML text as a visit file; return its problems."""

    def _check(text: str) -> list[Problem]:
        return load_visit(write(text, "visit.yml"), policy, tmp_path).problems

    return _check


def visit_from(data: dict[str, Any], policy: Policy, tmp_path: Path) -> Visit:
    path = tmp_path / "v.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    loaded = load_visit(path, policy, tmp_path)
    assert loaded.model is not None, [p.format() for p in loaded.problems]
    return loaded.model
