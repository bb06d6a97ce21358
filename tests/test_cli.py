"""The handbook command as users run it: exit codes, text and JSON reports, scaffolding, build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, fixture_visits
from sitebuild import copy_project

BROKEN = "tests/fixtures/broken/2026-12-08-broken.yml"


def handbook(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the fixture project, with the broken fixtures where the repository has them.
    Read-only: tests that change files make their own copy."""
    target = copy_project(tmp_path_factory.mktemp("cli"))
    shutil.copytree(FIXTURES / "broken", target / "tests" / "fixtures" / "broken")
    return target


def test_check_fixtures_passes_with_warnings(project: Path) -> None:
    result = handbook("check", "--today", "2026-11-23", cwd=project)
    assert result.returncode == 0, result.stdout
    warnings = [line for line in result.stdout.splitlines() if ": warning [" in line]
    files = len(fixture_visits()) + 1  # and the policy
    assert result.stdout.splitlines()[-1] == (  # lumina's banquet budget is approved
        f"checked {files} files: 0 error(s), {len(warnings)} warning(s), 1 approved")
    # the fixtures hold these on purpose: over-budget meals (lumina's approved, so not a
    # warning), and a tier without its department
    assert not any("2026-12-14-lumina-it.yml" in w and "warning [meal-budget]" in w
                   for w in warnings)
    assert any("2027-01-12-oasis-ae.yml" in w and "warning [meal-budget]" in w
               for w in warnings)
    assert any("2027-02-03-southern-cross-au.yml" in w and "warning [tier-attendance]" in w
               for w in warnings)


def test_check_of_an_empty_visits_folder_passes(tmp_path: Path) -> None:
    empty = copy_project(tmp_path / "p", visits=None)
    result = handbook("check", "--today", "2026-11-23", cwd=empty)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "checked 1 file: 0 error(s), 0 warning(s)"


def test_check_broken_file_exits_1_with_location_and_fix(project: Path) -> None:
    result = handbook("check", BROKEN, cwd=project)
    assert result.returncode == 1
    assert ("tests/fixtures/broken/2026-12-08-broken.yml:15:12: error [schema] "
            "visitors[0].diet[0]: found 'hallal'") in result.stdout
    assert "    fix: " in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_check_json_matches_text(project: Path) -> None:
    result = handbook("check", "--format", "json", "tests/fixtures/broken", cwd=project)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["errors"] == 6 and report["checked"] == 2
    first = report["problems"][0]
    assert set(first) == {"file", "line", "column", "field", "message", "fix", "severity",
                          "rule", "link"}
    assert first["severity"] == "error"


def test_check_reports_errors_of_all_files(tmp_path: Path, project: Path) -> None:
    a = tmp_path / "a.yml"
    b = tmp_path / "b.yml"
    a.write_text("tier: A\n", encoding="utf-8")
    b.write_text("client: [\n", encoding="utf-8")
    result = handbook("check", str(a), str(b), cwd=project)
    assert result.returncode == 1
    assert "a.yml:1:1: error [schema] client: required field 'client' is missing." in result.stdout
    assert "b.yml:1:10: error [schema] this is not valid YAML" in result.stdout


def test_check_missing_path(project: Path) -> None:
    result = handbook("check", "visits/nope.yml", cwd=project)
    assert result.returncode == 2
    assert "visits/nope.yml: no such file or folder" in result.stderr


def test_bad_today_is_a_usage_error(project: Path) -> None:
    result = handbook("check", "--today", "tomorrow", cwd=project)
    assert result.returncode == 2
    assert "'tomorrow' is not a date; write YYYY-MM-DD" in result.stderr


def test_new_writes_a_template_that_check_explains(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    result = handbook("new", "--company", "Anatolia Tekstil A.Ş.", "--date", "2027-03-02",
                      cwd=project)
    assert result.returncode == 0, result.stderr
    created = project / "visits" / "2027-03-02-anatolia-tekstil-a-s.yml"
    assert created.is_file()
    text = created.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert 'company: "Anatolia Tekstil A.Ş."' in text
    check = handbook("check", str(created), cwd=project)
    assert check.returncode == 1
    assert "client.country: still says TODO." in check.stdout
    again = handbook("new", "--company", "Anatolia Tekstil A.Ş.", "--date", "2027-03-02",
                     cwd=project)
    assert again.returncode == 1 and "exists already" in again.stderr


@pytest.mark.parametrize("valid", [True, False])
def test_build_swaps_in_a_complete_site_or_keeps_the_old_one(tmp_path: Path,
                                                            valid: bool) -> None:
    project = copy_project(tmp_path / "p")
    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text("old", encoding="utf-8")  # a previous build
    (site / "old.txt").write_text("old", encoding="utf-8")
    if not valid:
        (project / "visits" / "bad.yml").write_text("tier: Z\n", encoding="utf-8")
    result = handbook("build", "--today", "2026-11-23", cwd=project)
    if valid:
        assert result.returncode == 0, result.stderr
        assert not (site / "old.txt").exists()
        assert (site / "visits" / "index.html").is_file()
        assert (site / "en" / "visits" / "index.html").is_file()
    else:
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert "bad.yml" in result.stderr and "left as it was" in result.stderr
        assert (site / "old.txt").read_text(encoding="utf-8") == "old"
    assert [p.name for p in project.iterdir() if p.name.startswith(".site-")] == []


def test_visits_folder_mistakes(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    visits = project / "visits"
    (visits / "notes.txt").write_text("call Hans\n", encoding="utf-8")
    stem = fixture_visits()[0].stem
    upper = (visits / f"{stem}.yml").read_text(encoding="utf-8")
    (visits / f"{stem.upper()}.YAML").write_text(upper, encoding="utf-8")
    result = handbook("check", "--today", "2026-11-23", cwd=project)
    assert result.returncode == 1
    assert ("visits/notes.txt:1:1: warning [not-a-visit-file] is not a visit file (visit files "
            "end in .yml), so it is ignored.") in result.stdout
    assert (f"visits/{stem}.yml:1:1: error [schema] has the same name as "
            f"visits/{stem.upper()}.YAML; both would become the page "
            f"visits/{stem}/.") in result.stdout
