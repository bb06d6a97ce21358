"""A sales pull request, played for real: the suite and CI must not care what visits/ holds.

The repository is copied as a clone would have it (the files git tracks, with their current
content from the working tree, in a new git repository), then, on a branch, a sales person
adds two visit files (for a country an example already uses), deletes an example, or deletes
every visit file. In the copy, as its working directory, the Check workflow's steps run in
their order: ``make test`` is the test suite itself (``python -m pytest``) and the
``handbook …`` lines are read from .github/workflows/check.yml. Everything must exit 0.

The nested suite skips this module (``HANDBOOK_NESTED=1``) and deselects the browser tests
and the hermetic modules (marked ``browser`` and ``hermetic`` by conftest): they build their
sites and corpora from fixtures (``copy_project``), so the pull request cannot change what they
see, and conftest's guard fails any test that reads visits/ or policy/ in the outer run;
everything else runs. The ``generator`` package is
installed in editable mode from the original tree, so the nested suite imports the same code:
the point is that the content does not matter, not that the code is copied.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURE_VISITS, NESTED_ENV, ROOT
from sitebuild import git, workflow_commands

from generator.yamlload import load_yaml

pytestmark = pytest.mark.skipif(os.environ.get(NESTED_ENV) == "1",
                                reason="this is the nested run of the suite")

CHECK = Path(".github") / "workflows" / "check.yml"
BIN = Path(sys.executable).parent
DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# Left out of the nested runs: they read only fixtures (see the module docstring).
NESTED_DESELECTED = "not browser and not hermetic"
# The environment of a nested run: nothing of this run's own settings.
DROPPED = ("UPDATE_GOLDEN", "PYTEST_ADDOPTS", "PYTEST_CURRENT_TEST")


def tracked_copy(target: Path) -> Path:
    """The files git tracks, as they are in the working tree, committed in a new repository
    (on the date of the original's last commit), like a fresh clone of the main branch."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                                check=True, timeout=60).stdout
        last = subprocess.run(["git", "log", "-1", "--format=%aI"], cwd=ROOT,
                              capture_output=True, text=True, check=True, timeout=60)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("the repository is not a git work tree with history")
    for name in listed.decode("utf-8").split("\0"):
        source = ROOT / name
        if not name or not source.is_file():  # deleted in the working tree
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "main", when=last.stdout.strip() or None)
    return target


def examples(project: Path) -> list[Path]:
    return sorted((project / "visits").glob("*.y*ml")) if (project / "visits").is_dir() else []


def shifted_visit(source: Path, *, arrival: dt.date, company: str, country: str) -> str:
    """The fixture *source* for another company and country, moved to start on *arrival*."""
    text = source.read_text(encoding="utf-8")
    data = load_yaml(text).data
    delta = arrival - dt.date.fromisoformat(str(data["arrival"]["at"])[:10])

    def move(match: re.Match[str]) -> str:
        day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        return (day + delta).isoformat()

    lines = []
    for line in DATE.sub(move, text).splitlines():
        if line.startswith("title:"):
            continue  # the default title names the new company
        if line.startswith("  company:"):
            line = f"  company: {company}"
        elif line.startswith("  country:"):
            line = f"  country: {country}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def add_two_visits_and_delete_one(project: Path) -> tuple[list[str], list[str]]:
    """Returns the stems added and deleted."""
    existing = examples(project)
    countries = [str(load_yaml(p.read_text(encoding="utf-8")).data["client"]["country"])
                 for p in existing]
    country = (countries[0] if countries else "DE").upper()  # a country already used
    deleted = [existing[0].stem] if existing else []
    for path in existing[:1]:
        path.unlink()
    start = dt.date.today() + dt.timedelta(days=60)  # far enough ahead for every lead time
    added = []
    for n, (fixture, company) in enumerate([("2026-12-14-lumina-it", "Harbour Lights GmbH"),
                                            ("2027-01-12-oasis-ae", "Nordwind Messebau KG")]):
        arrival = start + dt.timedelta(days=15 * n)
        slug = company.split()[0].lower()
        stem = f"{arrival.isoformat()}-{slug}-{country.lower()}"
        (project / "visits").mkdir(exist_ok=True)
        (project / "visits" / f"{stem}.yml").write_text(
            shifted_visit(FIXTURE_VISITS / f"{fixture}.yml", arrival=arrival, company=company,
                          country=country), encoding="utf-8")
        added.append(stem)
    return added, deleted


def delete_every_visit(project: Path) -> tuple[list[str], list[str]]:
    deleted = [p.stem for p in examples(project)]
    if (project / "visits").is_dir():
        shutil.rmtree(project / "visits")  # git keeps no empty folder: a clone has none
    return [], deleted


def run(args: list[str], project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=project, env=env, capture_output=True, text=True,
                          timeout=1800)


def _tail(result: subprocess.CompletedProcess[str]) -> str:
    return f"\n--- stdout ---\n{result.stdout[-6000:]}\n--- stderr ---\n{result.stderr[-4000:]}"


# One class per case: pytest-xdist (--dist loadscope) runs each class on a worker of its own,
# and conftest schedules them first, as they are the longest tests of the suite.
class TestTwoVisitsAddedOneDeleted:
    def test_the_check_workflow_passes(self, tmp_path: Path) -> None:
        play_pull_request(tmp_path, add_two_visits_and_delete_one)


class TestEveryVisitDeleted:
    def test_the_check_workflow_passes(self, tmp_path: Path) -> None:
        play_pull_request(tmp_path, delete_every_visit)


def play_pull_request(tmp_path: Path,
                      change: Callable[[Path], tuple[list[str], list[str]]]) -> None:
    project = tracked_copy(tmp_path / "clone")
    git(project, "checkout", "-q", "-b", "sales/visits")
    added, deleted = change(project)
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Visits: a sales pull request")
    assert (project / "visits").is_dir() == bool(added)

    env = {key: value for key, value in os.environ.items() if key not in DROPPED}
    env |= {NESTED_ENV: "1", "NO_MKDOCS_2_WARNING": "1",
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}  # as CI's GITHUB_PATH
    commands = workflow_commands(project / CHECK, "check")
    assert commands[0] == "make test" and "handbook check" in commands
    for command in commands:
        if command == "make test":
            args = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-n", "0",
                    "--basetemp", str(tmp_path / "nested-tmp"), "-m", NESTED_DESELECTED]
        else:
            program, *rest = command.split()
            args = [str(BIN / program), *rest]
        result = run(args, project, env)
        assert result.returncode == 0, f"`{command}` failed in the copy:{_tail(result)}"
        if command == "make test":
            assert " passed" in result.stdout and " failed" not in result.stdout, _tail(result)

    site = project / "site"
    for prefix in ("", "en/"):
        assert (site / prefix / "visits" / "index.html").is_file()
        for stem in added:
            assert (site / prefix / "visits" / stem / "index.html").is_file(), stem
        for stem in deleted:
            assert not (site / prefix / "visits" / stem).exists(), stem
