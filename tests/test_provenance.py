"""Page owners (docs/owners.yml), packet edit links and git dates: generator.provenance.

``test_every_page_has_an_owner_and_every_line_is_used`` reads the handbook's own docs/owners.yml
and pages on purpose: it keeps that map in step with the pages. Everything else uses fixtures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURE_VISITS, ROOT, fixture_visits

from generator.models import Policy, Visit
from generator.provenance import (
    OWNERS_FILE,
    Owners,
    OwnersError,
    git_date,
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


class _Util:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def get_git_commit_timestamp(self, path: str) -> tuple[str, int]:
        self.asked.append(path)
        return "abc123", 1_700_000_000

    def get_date_formats_for_timestamp(self, stamp: int, locale: str,
                                       add_spans: bool) -> dict[str, str]:
        text = f"{stamp}/{locale}"
        return {"date": f"<span>{text}</span>" if add_spans else text}


class _GitPlugin:
    def __init__(self) -> None:
        self.util = _Util()
        self.config: dict[str, Any] = {"locale": "zh", "type": "date"}


def test_git_date_asks_the_plugin_about_the_visit_file() -> None:
    plugin = _GitPlugin()
    dates = git_date(plugin, Path("visits/a.yml"))
    assert plugin.util.asked == ["visits/a.yml"]
    assert dates == {"git_revision_date_localized": "<span>1700000000/zh</span>",
                     "git_revision_date_localized_raw_date": "1700000000/zh"}


def test_git_date_without_the_plugin_keeps_the_build_date() -> None:
    assert git_date(None, Path("visits/a.yml")) is None
