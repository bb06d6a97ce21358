"""What would stop a build is reported by `handbook check` first, with file and line.

Page owners, policy-table markers, policy links to handbook pages, handbook pages at a
generated page's address, the policy's file-size limit, and a bug met while checking one file
(which must not hide the other files' problems).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TODAY
from sitebuild import copy_project

from generator import project as project_module
from generator.problems import Problem
from generator.project import Paths, load_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "p")


def problems(root: Path) -> list[Problem]:
    return load_project(Paths(root), today=TODAY, history=False).problems


def errors(root: Path) -> list[str]:
    return [p.format() for p in problems(root) if p.severity.value == "error"]


def test_fixture_project_is_clean(project: Path) -> None:
    assert errors(project) == []


def test_owners_with_an_unknown_department(project: Path) -> None:
    (project / "docs" / "owners.yml").write_text('"**": admin\nguide/**: kitchen\n',
                                                 encoding="utf-8")
    found = errors(project)
    assert len(found) == 1
    assert found[0].startswith("docs/owners.yml:2:1: error [schema] 'kitchen' is not a "
                               "department of the reception policy")


def test_owners_that_are_not_yaml(project: Path) -> None:
    (project / "docs" / "owners.yml").write_text('"**": admin\nguide/**: [\n',
                                                 encoding="utf-8")
    found = errors(project)
    assert len(found) == 1 and found[0].startswith("docs/owners.yml:2:1: error")


def test_unknown_policy_marker(project: Path) -> None:
    page = project / "docs" / "en" / "guide" / "tiers.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n<!-- policy: tierz -->\n",
                    encoding="utf-8")
    found = errors(project)
    assert len(found) == 1
    line = page.read_text(encoding="utf-8").splitlines().index("<!-- policy: tierz -->") + 1
    assert found[0].startswith(f"docs/en/guide/tiers.md:{line}:1: error [schema] the marker "
                               "names an unknown policy table 'tierz'.")


def test_policy_link_to_a_missing_page(project: Path) -> None:
    policy = project / "policy" / "reception.yml"
    text = policy.read_text(encoding="utf-8")
    assert "link: guide/tiers.md" in text
    policy.write_text(text.replace("link: guide/tiers.md", "link: guide/tires.md", 1),
                      encoding="utf-8")
    found = errors(project)
    assert found and all("links to 'guide/tires.md', but docs/" in f for f in found)
    assert {f.split(":")[0] for f in found} == {"policy/reception.yml"}


def test_policy_link_to_a_missing_heading(project: Path) -> None:
    policy = project / "policy" / "reception.yml"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("link: guide/tiers.md", "link: guide/tiers.md#nowhere", 1),
                      encoding="utf-8")
    found = errors(project)
    assert found and all("has no heading '#nowhere'" in f for f in found)


def test_handbook_page_at_a_packet_address(project: Path) -> None:
    stem = sorted((project / "visits").glob("*.yml"))[0].stem
    page = project / "docs" / "zh" / "visits" / f"{stem}.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("# x\n", encoding="utf-8")
    assert errors(project) == [
        f"docs/zh/visits/{stem}.md:1:1: error [schema] is at the address of a page generated "
        f"from the visit files (visits/{stem}.md).\n    fix: rename or move the handbook page"]


def test_policy_sets_the_file_size_limit(project: Path) -> None:
    sizes = {f"visits/{p.name}": p.stat().st_size for p in (project / "visits").glob("*.yml")}
    limit = sorted(sizes.values())[len(sizes) // 2]  # about half the files are larger
    policy = project / "policy" / "reception.yml"
    text = policy.read_text(encoding="utf-8").split("\nlimits:")[0]
    policy.write_text(text + f"\nlimits:\n  max_file_bytes: {limit}\n", encoding="utf-8")
    found = [p for p in problems(project) if p.severity.value == "error"]
    assert {p.file for p in found} == {name for name, size in sizes.items() if size > limit}
    assert all(p.message.startswith(f"the file is larger than the policy's limit of {limit:,} "
                                    "bytes") for p in found)


def test_a_bug_in_one_file_does_not_hide_the_others(project: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted((project / "visits").glob("*.yml"))
    (project / "visits" / "2026-12-30-broken.yml").write_text("tier: Z\n", encoding="utf-8")
    real = project_module.derive

    def derive(visit, stem, policy, **kw):  # type: ignore[no-untyped-def]
        if stem == files[0].stem:
            raise ZeroDivisionError("boom")
        return real(visit, stem, policy, **kw)

    monkeypatch.setattr(project_module, "derive", derive)
    result = load_project(Paths(project), today=TODAY, history=False)
    internal = [p for p in result.problems if p.rule == "internal-error"]
    assert [(p.file, p.message) for p in internal] == [(
        f"visits/{files[0].name}", "could not be checked because of an error in the handbook "
        "generator (ZeroDivisionError: boom).")]
    assert any(p.file == "visits/2026-12-30-broken.yml" for p in result.errors)
    assert len(result.facts) == len(files) - 1
