"""`handbook check <one file>` loads what checking needs and no more: no site builder, no
template engine, no Markdown for a file without Markdown; the policy's models are not built
when the policy comes from the cache (generator.datacache), with the same report every time;
what the imports made is frozen out of the garbage collector, in a process that starts with
the check only.

Each run is its own process (what the sales person starts), whose modules are looked at."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sitebuild import copy_project

VISIT = "visits/2026-12-02-andes-br.yml"  # no Markdown field, no country named in a message

PROBE = """
import gc, json, sys
from generator import cli
code = cli.main(sys.argv[1:])
from generator.models import Policy
print(json.dumps({"code": code, "modules": sorted(sys.modules), "frozen": gc.get_freeze_count(),
                  "policy built": Policy.__pydantic_complete__, "collector": gc.isenabled()}))
"""

# Modules of building, serving and printing the site, none of which a check uses.
NOT_FOR_A_CHECK = (
    "jinja2", "mkdocs", "material", "markdown", "pymdownx", "icalendar", "nh3", "babel",
    "playwright", "pypinyin", "holidays", "hijridate", "astral", "jieba", "ruamel",
    "generator.render", "generator.calendar", "generator.plugin", "generator.build",
    "generator.serve", "generator.pdf", "generator.schema", "generator.schema_errors",
    "generator.markdown_fields", "generator.run_sheet",
)
# Not for this file: it has no Markdown field and its messages name no country or language.
NOT_FOR_THIS_FILE = ("generator.links", "html.parser", "pycountry")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("speed"))


def check_one(project: Path, cache: str) -> tuple[dict[str, Any], str]:
    """Run the probe: the JSON it prints last, and the check's report before it."""
    env = {**os.environ, "HANDBOOK_CACHE": cache, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "check", VISIT, "--today", "2026-11-23"],
        cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    *report, last = result.stdout.splitlines()
    return json.loads(last), "\n".join(report)


def test_a_check_of_one_file_imports_nothing_it_does_not_use(project: Path,
                                                             tmp_path: Path) -> None:
    check_one(project, str(tmp_path / "cache"))  # the first run fills the cache
    probe, report = check_one(project, str(tmp_path / "cache"))
    assert probe["code"] == 0 and report.endswith("0 error(s), 0 warning(s)")
    loaded = [name for name in probe["modules"]
              if name.startswith(NOT_FOR_A_CHECK + NOT_FOR_THIS_FILE)]
    assert loaded == []


def test_the_cached_policy_gives_the_same_report_without_building_its_models(
        project: Path, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    cold, cold_report = check_one(project, cache)
    warm, warm_report = check_one(project, cache)
    off, off_report = check_one(project, "off")
    assert cold["policy built"] is True and off["policy built"] is True
    assert warm["policy built"] is False
    assert warm_report == cold_report == off_report
    assert warm["code"] == cold["code"] == off["code"] == 0
    # the modules' objects were frozen out of the collector once imported, and it runs again
    assert warm["frozen"] > 10_000 and warm["collector"] is True
    kept = [path.name.split("-")[0] for path in (tmp_path / "cache").iterdir()]
    assert kept.count("policy") == 1
    assert kept.count("catalogue") == 2  # the project's catalogue and the repository's


def test_a_check_in_a_process_that_imported_the_generator_freezes_nothing(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Freezing the imports' objects is for a process that starts with the check; a process
    that imported the generator already (a test run) keeps its collector as it was."""
    import gc

    import generator.project  # noqa: F401  (imported before, as in this test run)
    from generator import cli

    monkeypatch.chdir(project)
    frozen = gc.get_freeze_count()
    assert cli.main(["check", VISIT, "--today", "2026-11-23"]) == 0
    assert gc.get_freeze_count() == frozen and gc.isenabled()
