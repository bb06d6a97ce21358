"""The real site: mkdocs build --strict of the repository, both languages, as users get it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sitebuild import copy_project, mkdocs_build, search_index


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("project"))
    # A confidential visit, to check it stays out of listings and search.
    secret = (project / "visits" / "2026-12-08-acme-de.yml").read_text(encoding="utf-8")
    secret = (secret.replace("ACME GmbH", "Nordlicht AG")
              .replace("confidential: false", "confidential: true"))
    (project / "visits" / "2026-12-15-nordlicht-de.yml").write_text(secret, encoding="utf-8")
    out = project / "site"
    result = mkdocs_build(project, out)
    assert result.returncode == 0, result.stderr
    return out


PACKETS = ["2026-12-08-acme-de", "2027-01-19-nusantara-id", "2026-11-10-volga-ru"]


@pytest.mark.parametrize("prefix", ["", "en/"])
@pytest.mark.parametrize("stem", PACKETS)
def test_packet_pages_exist(site: Path, prefix: str, stem: str) -> None:
    page = site / prefix / "visits" / stem / "index.html"
    assert page.is_file()
    assert (site / prefix / "visits" / f"{stem}.ics").is_file()


def test_packet_content_in_both_languages(site: Path) -> None:
    zh = (site / "visits" / "2026-12-08-acme-de" / "index.html").read_text(encoding="utf-8")
    en = (site / "en" / "visits" / "2026-12-08-acme-de" / "index.html").read_text("utf-8")
    for needle in ["一览", "日程", "来访人员", "我方人员", "饮食要求", "任务清单", "Hans Müller",
                   "Wristband line tour", "老正兴", "需要处理"]:
        assert needle in zh, needle
    for needle in ["At a glance", "Schedule", "Visitors", "Hosts", "Dietary needs", "Checklist",
                   "Hans Müller", "Needs attention"]:
        assert needle in en, needle
    assert '<html lang="zh"' in zh and '<html lang="en"' in en


def test_visits_index_lists_upcoming_then_past(site: Path) -> None:
    index = (site / "visits" / "index.html").read_text(encoding="utf-8")
    upcoming, past = index.split('id="已结束"')
    assert upcoming.index("ACME") < upcoming.index("Nusantara")
    assert "Volga" in past and "Volga" not in upcoming


def test_search_index_has_packets_and_chinese_terms(site: Path) -> None:
    zh = search_index(site)
    acme = [d for d in zh if d["location"].startswith("visits/2026-12-08-acme-de/")]
    assert acme, "the packet is searchable"
    text = " ".join(d["text"] + d["title"] for d in acme).replace("\u200b", "")
    assert "老正兴" in text  # a Chinese term from the visit file
    assert "清真" in text    # a Chinese label from the catalogue
    en = search_index(site / "en")
    assert any(d["location"].startswith("visits/2026-12-08-acme-de/") for d in en)


def test_confidential_packet_is_built_but_hidden(site: Path) -> None:
    page = site / "visits" / "2026-12-15-nordlicht-de" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "保密来访" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    for folder in (site, site / "en"):
        assert not [d for d in search_index(folder) if "nordlicht" in d["location"]]
        assert "Nordlicht" not in (folder / "visits" / "index.html").read_text("utf-8")
        assert "nordlicht" not in (folder / "sitemap.xml").read_text("utf-8")
        assert "Nordlicht" not in (folder / "visits" / "visits.ics").read_text("utf-8")


def test_language_switcher_stays_on_the_page(site: Path) -> None:
    zh = (site / "guide" / "tiers" / "index.html").read_text(encoding="utf-8")
    en = (site / "en" / "guide" / "tiers" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="\.\./\.\./en/guide/tiers/"\s+hreflang="en"', zh)
    assert re.search(r'href="\.\./\.\./\.\./guide/tiers/"\s+hreflang="zh"', en)
    home = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="\./\.\./"\s+hreflang="zh"', home)


def test_policy_tables_are_rendered(site: Path) -> None:
    tiers = (site / "guide" / "tiers" / "index.html").read_text(encoding="utf-8")
    assert "公司贵客" in tiers and "500 CNY" in tiers and "<!-- policy" not in tiers
    table = tiers.split("<table>")[1].split("</table>")[0]
    assert "policy/reception.yml" not in table  # the note after the marker is not a row
    prep = (site / "en" / "guide" / "preparation" / "index.html").read_text(encoding="utf-8")
    assert "5 days before arrival" in prep and "Dress the showroom" in prep


def test_broken_visit_stops_the_build_and_keeps_the_old_site(tmp_path: Path,
                                                               site: Path) -> None:
    project = copy_project(tmp_path / "project")
    broken = project / "visits" / "2026-12-20-broken.yml"
    broken.write_text("client: {company: X, country: Germany}\n", encoding="utf-8")
    out = tmp_path / "site"
    out.mkdir()
    (out / "keep.txt").write_text("previous build", encoding="utf-8")
    result = mkdocs_build(project, out)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "visits/2026-12-20-broken.yml:1:31" in result.stderr
    assert "Did you mean 'DE'?" in result.stderr
    assert (out / "keep.txt").read_text(encoding="utf-8") == "previous build"
