"""Page owners (docs/owners.yml), packet edit links and last-change dates.

Owners and edit links are :mod:`generator.provenance`; a packet's "last update" is the day of
its visit file's last commit, from :mod:`generator.history` (one ``git log``), checked here on
a temporary git repository whose commits have known dates, down to the built page.
``test_every_page_has_an_owner_and_every_line_is_used`` reads the handbook's own docs/owners.yml
and pages on purpose: it keeps that map in step with the pages. Everything else uses fixtures.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURE_VISITS, ROOT, TODAY, fixture_visits
from sitebuild import copy_project, git, mkdocs_build

from generator.history import History, file_history
from generator.models import Policy, Visit
from generator.project import Paths, load_project
from generator.provenance import (
    OWNERS_FILE,
    Owners,
    OwnersError,
    owner_meta,
    packet_owner,
    pattern_regex,
    repository_edit_url,
)
from generator.yamlload import load_yaml

MAIN = "2026-12-14-lumina-it"


def _pages() -> set[str]:
    pages = set()
    for lang in ("zh", "en"):
        docs = ROOT / "docs" / lang
        pages |= {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")}
    # generated pages: the index and a packet
    return pages | {"visits/index.md", f"visits/{fixture_visits()[0].stem}.md"}


@pytest.mark.parametrize(("pattern", "path", "matches"), [
    ("**", "guide/tiers.md", True),
    ("**", "index.md", True),
    ("countries/**", "countries/iran.md", True),
    ("countries/**", "guide/iran.md", False),
    ("countries/", "countries/iran.md", True),
    ("/countries/", "countries/iran.md", True),
    ("guide/*.md", "guide/tiers.md", True),
    ("guide/*.md", "guide/sub/tiers.md", False),
    ("**/index.md", "index.md", True),
    ("**/index.md", "countries/index.md", True),
    ("guide/t?ers.md", "guide/tiers.md", True),
    ("guide/tiers.md", "guide/tiers.mdx", False),
    ("guide/tiers.md", "en/guide/tiers.md", False),
    ("a+b.md", "a+b.md", True),
])
def test_patterns(pattern: str, path: str, matches: bool) -> None:
    assert bool(pattern_regex(pattern).match(path)) is matches


def test_last_matching_line_wins(tmp_path: Path, policy: Policy) -> None:
    owners_file = tmp_path / "owners.yml"
    owners_file.write_text('"**": admin\nguide/**: sales\nguide/tiers.md: management\n',
                           encoding="utf-8")
    owners = Owners.load(owners_file, policy)
    assert owners.dept_for("index.md") == "admin"
    assert owners.dept_for("guide/meals.md") == "sales"
    assert owners.dept_for("guide/tiers.md") == "management"


def test_unknown_department_names_the_line(tmp_path: Path, policy: Policy) -> None:
    owners_file = tmp_path / "owners.yml"
    owners_file.write_text('"**": admin\nguide/**: kitchen\n', encoding="utf-8")
    with pytest.raises(OwnersError, match=r"owners.yml:2: 'kitchen' is not a department.*sales"):
        Owners.load(owners_file, policy)


@pytest.mark.parametrize("text", ["- admin\n", "guide/**: [admin, sales]\n", "a: [\n"])
def test_malformed_maps_are_errors(tmp_path: Path, policy: Policy, text: str) -> None:
    owners_file = tmp_path / "owners.yml"
    owners_file.write_text(text, encoding="utf-8")
    with pytest.raises(OwnersError, match=r"owners\.yml"):
        Owners.load(owners_file, policy)


def test_missing_map_means_no_owners(tmp_path: Path, policy: Policy) -> None:
    assert Owners.load(tmp_path / "none.yml", policy).dept_for("index.md") is None


def test_every_page_has_an_owner_and_every_line_is_used(policy: Policy) -> None:
    owners = Owners.load(ROOT / OWNERS_FILE, policy)
    pages = _pages()
    assert {page for page in pages if owners.dept_for(page) is None} == set()
    unused = [rule.pattern for rule in owners.rules
              if not any(rule.regex.match(page) for page in pages)]
    assert unused == [], "docs/owners.yml has lines that match no page (renamed pages?)"


def test_owner_is_named_in_the_page_language(policy: Policy) -> None:
    assert owner_meta(policy, "sales", "zh") == {"dept": "sales", "label": "负责部门",
                                                 "name": "销售部"}
    assert owner_meta(policy, "sales", "en", "李娜")["name"] == "Sales · 李娜"


def test_packet_owner_is_the_account_owner(policy: Policy) -> None:
    data = load_yaml((FIXTURE_VISITS / f"{MAIN}.yml").read_text(encoding="utf-8"))
    visit = Visit.model_validate(data.data, context={"policy": policy})
    assert packet_owner(visit) == ("sales", "吴芳")
    # the owner's department, not the first host's
    other = visit.model_copy(update={"hosts": [*visit.hosts[1:], visit.hosts[0]]})
    assert packet_owner(other) == ("sales", "吴芳")
    assert other.hosts[0].dept != "sales"


@pytest.mark.parametrize(("edit_uri", "docs", "expected"), [
    ("edit/main/docs/zh/", "docs/zh", "https://git.example/o/r/edit/main/visits/a.yml"),
    ("edit/main/docs/en", "docs/en", "https://git.example/o/r/edit/main/visits/a.yml"),
    ("/-/edit/main/docs/zh/", "docs/zh", "https://git.example/o/r/-/edit/main/visits/a.yml"),
    ("docs/zh/", "docs/zh", "https://git.example/o/r/visits/a.yml"),
    ("edit/main/handbook/", "docs/zh", None),      # edit_uri not into the docs folder
    ("edit/main/xdocs/zh/", "docs/zh", None),
    (None, "docs/zh", None),
])
def test_repository_edit_url(edit_uri: str | None, docs: str, expected: str | None) -> None:
    assert repository_edit_url("https://git.example/o/r/", edit_uri, docs,
                               "visits/a.yml") == expected


def test_repository_edit_url_needs_a_repository() -> None:
    assert repository_edit_url(None, "edit/main/docs/zh/", "docs/zh", "visits/a.yml") is None


# Last change: generator.history on a repository with known commit dates ----------------------

ADDED = "2026-10-01T01:30:00+08:00"    # 2026-09-30 in UTC: the day is the committer's own
CHANGED = "2026-11-05T22:45:00+08:00"
CHANGED_STEM = "2026-12-14-lumina-it"  # committed on ADDED, changed on CHANGED
KEPT_STEM = "2027-01-12-oasis-ae"      # committed on ADDED only


def _history_repo(target: Path) -> Path:
    """A project with two visit files in git: both added in a first commit, one of them
    changed in a second commit on another day; and a third file that git does not know."""
    visits = target.parent / f"{target.name}-visits"
    visits.mkdir(parents=True)
    for stem in (CHANGED_STEM, KEPT_STEM):
        shutil.copy2(FIXTURE_VISITS / f"{stem}.yml", visits / f"{stem}.yml")
    project = copy_project(target, visits=visits)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "handbook and two visits", when=ADDED)
    changed = project / "visits" / f"{CHANGED_STEM}.yml"
    changed.write_text(changed.read_text(encoding="utf-8") + "# second thoughts\n",
                       encoding="utf-8")
    git(project, "commit", "-q", "-am", "a visit changes", when=CHANGED)
    return project


@pytest.fixture(scope="module")
def history_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _history_repo(tmp_path_factory.mktemp("history") / "project")


def test_history_gives_each_file_its_first_and_last_commit_day(history_repo: Path) -> None:
    (history_repo / "visits" / "2027-03-01-new-de.yml").write_text("x: 1\n", encoding="utf-8")
    try:
        history = file_history(history_repo / "visits")
    finally:
        (history_repo / "visits" / "2027-03-01-new-de.yml").unlink()
    assert history == {
        f"{CHANGED_STEM}.yml": History(added=dt.date(2026, 10, 1), changed=dt.date(2026, 11, 5),
                                       commits=2),
        f"{KEPT_STEM}.yml": History(added=dt.date(2026, 10, 1), changed=dt.date(2026, 10, 1),
                                    commits=1),
    }  # a file git does not know has no history (the loader counts it as added today)


def test_history_outside_git_is_unknown(tmp_path: Path) -> None:
    (tmp_path / "visits").mkdir()
    assert file_history(tmp_path / "visits") is None
    project = copy_project(tmp_path / "project")
    assert load_project(Paths(project), today=TODAY).history is None


@pytest.mark.parametrize(("history", "expected"), [
    (True, {f"{CHANGED_STEM}.yml": dt.date(2026, 11, 5), f"{KEPT_STEM}.yml": dt.date(2026, 10, 1)}),
    (False, None),
    (None, None),
    ({f"{KEPT_STEM}.yml": History(dt.date(2026, 9, 1), dt.date(2026, 9, 2))},
     {f"{KEPT_STEM}.yml": dt.date(2026, 9, 2)}),
])
def test_load_project_takes_the_history_it_is_given_or_asks_git(
        history_repo: Path, history: dict[str, History] | bool | None,
        expected: dict[str, dt.date] | None) -> None:
    result = load_project(Paths(history_repo), today=TODAY, history=history)
    assert result.errors == []
    changed = None if result.history is None else {
        name: h.changed for name, h in result.history.items()}
    assert changed == expected


UPDATED = {"zh": ("", "最后更新："), "en": ("en/", "Last update: ")}


def _shown_day(day: dt.date, lang: str) -> str:
    return (f"{day.year}年{day.month}月{day.day}日" if lang == "zh"
            else f"{day.day} {day.strftime('%b')} {day.year}")


def _source_facts(page: Path) -> str:
    found = re.search(r'<aside class="md-source-file">(.*?)</aside>',
                      page.read_text(encoding="utf-8"), re.S)
    assert found, f"{page} has no last-update block"
    return " ".join(re.sub(r"<svg.*?</svg>|<[^>]+>", " ", found.group(1), flags=re.S).split())


@pytest.fixture(scope="module")
def history_site(history_repo: Path) -> Path:
    site = history_repo / "site"
    result = mkdocs_build(history_repo, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.mark.parametrize("lang", UPDATED)
@pytest.mark.parametrize(("stem", "day"), [(CHANGED_STEM, dt.date(2026, 11, 5)),
                                           (KEPT_STEM, dt.date(2026, 10, 1))])
def test_packet_shows_the_day_of_its_visit_files_last_commit(
        history_site: Path, lang: str, stem: str, day: dt.date) -> None:
    prefix, label = UPDATED[lang]
    facts = _source_facts(history_site / prefix / "visits" / stem / "index.html")
    assert f"{label}{_shown_day(day, lang)}" in facts, facts
    assert facts.count(label.strip(" ：:")) == 1, facts  # not also the build date


@pytest.mark.parametrize("lang", UPDATED)
def test_visits_index_shows_the_build_date(history_site: Path, lang: str) -> None:
    """The visits index is the list as of the build date (the configuration's, TODAY); the
    git revision date plugin, which skips the visits folder, would give the build's clock."""
    prefix, label = UPDATED[lang]
    facts = _source_facts(history_site / prefix / "visits" / "index.html")
    assert f"{label}{_shown_day(TODAY, lang)}" in facts, facts
    assert facts.count(label.strip(" ：:")) == 1, facts
