"""Helpers to build a copy of the project with the real MkDocs, as CI and users do.

A copy takes the repository's code-side inputs (theme, MkDocs configuration, the handbook
pages in docs/) and the fixture project's visit files and policy, so that what sales and
management edit never changes what the tests see.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURE_POLICY, FIXTURE_VISITS, ROOT, TODAY

# From the repository: what a site needs besides visits and policy.
COPIED = ["docs", "theme", "mkdocs.yml", "mkdocs.en.yml", "mkdocs.base.yml"]


def copy_project(target: Path, *, visits: Path | None = FIXTURE_VISITS,
                 today: dt.date | None = TODAY) -> Path:
    """A copy of the inputs of the site (no git history, like a fresh export).

    *visits* is the folder whose files become the copy's ``visits/`` (default: the fixture
    visits); ``None`` leaves ``visits/`` empty. The policy is always the fixture policy.
    *today* is written into the copy's MkDocs configurations as the build date (see
    :func:`set_today`), so a plain ``mkdocs build`` of the copy builds as of that day;
    ``None`` leaves the configurations as they are (the build date is the real today).
    """
    target.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, dirs_exist_ok=True)
        elif source.exists():
            shutil.copy2(source, target / name)
    if visits is None:
        (target / "visits").mkdir(exist_ok=True)
    else:
        shutil.copytree(visits, target / "visits", dirs_exist_ok=True)
    (target / "policy").mkdir(exist_ok=True)
    shutil.copy2(FIXTURE_POLICY, target / "policy" / "reception.yml")
    if today is not None:
        set_today(target, today)
    return target


CONFIGS = ("mkdocs.yml", "mkdocs.en.yml")


def set_today(project: Path, today: dt.date) -> None:
    """Write *today* as the build date (``today:``) into the ``plugins: handbook:`` block of
    each language's MkDocs configuration in *project*, in place of one written before."""
    for name in CONFIGS:
        config = project / name
        lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
        start = next((n for n, line in enumerate(lines)
                      if re.fullmatch(r"[ \t]+handbook:[ \t]*\n", line)), None)
        assert start is not None, f"{name} has no 'handbook:' block under plugins"
        outer = len(lines[start]) - len(lines[start].lstrip())
        end = start + 1
        while end < len(lines) and (not lines[end].strip()
                                    or len(lines[end]) - len(lines[end].lstrip()) > outer):
            end += 1
        block = [line for line in lines[start + 1:end]
                 if not re.match(r"[ \t]+today:", line)]
        inner = next((line[:len(line) - len(line.lstrip())] for line in block
                      if line.strip()), " " * (outer + 2))
        # quoted: the option is text (YAML reads a bare 2026-11-23 as a date)
        option = f'{inner}today: "{today.isoformat()}"\n'
        config.write_text("".join([*lines[:start + 1], option, *block, *lines[end:]]),
                          encoding="utf-8")


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of *project* into *site*, as of the date in its configuration
    (the copy's, see :func:`copy_project`)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=project, env=env, capture_output=True, text=True, timeout=600)


def search_index(site: Path) -> list[dict[str, str]]:
    data = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs: list[dict[str, str]] = data["docs"]
    return docs


def git(repo: Path, *args: str, when: str | None = None) -> str:
    """Run git in *repo* with a neutral identity (and *when* as the commit date, ISO 8601);
    the user's and the system's git configuration are not read."""
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "Tests", "GIT_AUTHOR_EMAIL": "tests@example.invalid",
           "GIT_COMMITTER_NAME": "Tests", "GIT_COMMITTER_EMAIL": "tests@example.invalid"}
    if when is not None:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    run = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, f"git {' '.join(args)}: {run.stderr}"
    return run.stdout


def workflow_commands(workflow: Path, job: str) -> list[str]:
    """The ``make test`` and ``handbook …`` lines of a GitHub workflow job's ``run:`` steps, in
    order, as CI runs them (comments after `` #`` dropped)."""
    from generator.yamlload import load_yaml

    data = load_yaml(workflow.read_text(encoding="utf-8")).data
    lines = [line.split(" #")[0].strip() for step in data["jobs"][job]["steps"] if "run" in step
             for line in str(step["run"]).splitlines() if line.strip()]
    return [line for line in lines if line == "make test" or line.startswith("handbook ")]
