"""The real site: mkdocs build --strict of the fixture project, both languages, as users get it.

The site is the session build of ``conftest.built_site`` (the repository's docs, theme and
configuration with the fixture visits and policy). The checks on ``guide/tiers`` and
``guide/preparation`` read handbook pages: they test the policy-table markers and the language
switch, which those pages are the real users of.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import FIXTURE_PROJECT, TODAY, fixture_visits
from sitebuild import copy_project, mkdocs_build, search_index

from generator.i18n import country_name
from generator.load import load_visit
from generator.models import Policy, Visit

PACKETS = [p.stem for p in fixture_visits()]
MAIN = "2026-12-14-lumina-it"          # the fixture with every section
CONFIDENTIAL = "2026-12-02-andes-br"


@pytest.fixture(scope="module")
def site(built_site: Path) -> Path:
    return built_site


@pytest.fixture(scope="module")
def visits(policy: Policy) -> dict[str, Visit]:
    out = {}
    for path in fixture_visits():
        loaded = load_visit(path, policy, FIXTURE_PROJECT)
        assert loaded.model is not None, [p.format() for p in loaded.problems]
        out[path.stem] = loaded.model
    return out


def test_the_named_fixtures_exist(visits: dict[str, Visit]) -> None:
    assert MAIN in visits and not visits[MAIN].confidential
    assert visits[CONFIDENTIAL].confidential


@pytest.mark.parametrize("prefix", ["", "en/"])
@pytest.mark.parametrize("stem", PACKETS)
def test_packet_pages_exist(site: Path, prefix: str, stem: str) -> None:
    page = site / prefix / "visits" / stem / "index.html"
    assert page.is_file()
    # one calendar per visit, written once by the Chinese build; the English site links to it
    assert (site / "visits" / f"{stem}.ics").is_file()
    assert not (site / "en" / "visits" / f"{stem}.ics").exists()


def test_packet_content_in_both_languages(site: Path, visits: dict[str, Visit]) -> None:
    # as a reader sees it: Markdown escapes such as &#45; resolved
    zh = html.unescape((site / "visits" / MAIN / "index.html").read_text(encoding="utf-8"))
    en = html.unescape((site / "en" / "visits" / MAIN / "index.html").read_text("utf-8"))
    visit = visits[MAIN]
    principal = visit.principal
    assert principal is not None
    tour = next(i for _d, _n, i in visit.items() if i.tour == "production-line")
    banquet = next(i for _d, _n, i in visit.items() if i.meal == "banquet")
    assert banquet.where
    for needle in ["一览", "日程", "来访人员", "我方人员", "饮食要求", "任务清单", principal.name,
                   tour.what("zh"), banquet.where("zh"), "需要处理"]:
        assert needle in zh, needle
    for needle in ["At a glance", "Schedule", "Visitors", "Hosts", "Dietary needs", "Checklist",
                   principal.name, tour.what("en"), "Needs attention"]:
        assert needle in en, needle
    assert '<html lang="zh"' in zh and '<html lang="en"' in en


def test_visits_index_lists_upcoming_then_past(site: Path, visits: dict[str, Visit]) -> None:
    index = (site / "visits" / "index.html").read_text(encoding="utf-8")
    upcoming, past = index.split('id="past"')
    listed = {s: v for s, v in visits.items() if not v.confidential}
    coming = [s for s, v in sorted(listed.items(), key=lambda sv: sv[1].arrival.at)
              if v.departure.at.date() >= TODAY]
    gone = [s for s, v in listed.items() if v.departure.at.date() < TODAY]
    assert len(coming) >= 2 and gone, "the fixtures have upcoming and past visits"
    positions = [upcoming.index(f'href="{stem}/"') for stem in coming]
    assert positions == sorted(positions), "upcoming visits are in date order"
    for stem in gone:
        assert f'href="{stem}/"' in past and stem not in upcoming


def test_search_index_has_packets_and_chinese_terms(site: Path,
                                                    visits: dict[str, Visit]) -> None:
    zh = search_index(site)
    main = [d for d in zh if d["location"].startswith(f"visits/{MAIN}/")]
    assert main, "the packet is searchable"
    text = " ".join(d["text"] + d["title"] for d in main).replace("\u200b", "")
    banquet = next(i for _d, _n, i in visits[MAIN].items() if i.meal == "banquet")
    assert banquet.where and banquet.where("zh") in text  # a Chinese term from the visit file
    country = country_name(visits[MAIN].client.country, "zh")
    assert country == "意大利" and country in text  # a Chinese word the handbook supplies
    en = search_index(site / "en")
    assert any(d["location"].startswith(f"visits/{MAIN}/") for d in en)


def test_confidential_packet_is_built_but_hidden(site: Path, visits: dict[str, Visit]) -> None:
    page = site / "visits" / CONFIDENTIAL / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "保密来访" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    company = visits[CONFIDENTIAL].client.company
    slug = CONFIDENTIAL[len("2026-12-02-"):]
    for folder in (site, site / "en"):
        assert not [d for d in search_index(folder) if slug in d["location"]]
        assert company not in (folder / "visits" / "index.html").read_text("utf-8")
        assert slug not in (folder / "sitemap.xml").read_text("utf-8")
    # the calendar of all visits, one for both languages
    assert company not in (site / "visits" / "visits.ics").read_text("utf-8")


def test_language_switcher_stays_on_the_page(site: Path) -> None:
    zh = (site / "guide" / "tiers" / "index.html").read_text(encoding="utf-8")
    en = (site / "en" / "guide" / "tiers" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="\.\./\.\./en/guide/tiers/"\s+hreflang="en"', zh)
    assert re.search(r'href="\.\./\.\./\.\./guide/tiers/"\s+hreflang="zh"', en)
    home = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="\./\.\./"\s+hreflang="zh"', home)


@pytest.mark.parametrize("page", ["index.html", f"visits/{MAIN}/index.html"])
def test_theme_configuration_is_json_with_chinese_as_itself(site: Path, page: str) -> None:
    """Material's page configuration (its search labels) holds Chinese text as characters,
    not \\u escapes (half the bytes), and is still JSON that cannot end its script element."""
    import json

    text = (site / page).read_text(encoding="utf-8")
    found = re.search(r'<script id="__config" type="application/json">(.*?)</script>', text,
                      re.S)
    assert found is not None
    raw = found.group(1)
    assert "\\u" not in raw and "<" not in raw and ">" not in raw
    labels = json.loads(raw)["translations"]
    assert any(re.search(r"[\u4e00-\u9fff]", label) for label in labels.values())


def test_policy_tables_are_rendered(site: Path, policy: Policy) -> None:
    tiers = (site / "guide" / "tiers" / "index.html").read_text(encoding="utf-8")
    first = next(iter(policy.tiers.values()))
    assert first.name.zh in tiers and f"{first.meal_cap} {policy.currency}" in tiers
    assert "<!-- policy" not in tiers
    table = tiers.split("<table>")[1].split("</table>")[0]
    assert "policy/reception.yml" not in table  # the note after the marker is not a row
    prep = (site / "en" / "guide" / "preparation" / "index.html").read_text(encoding="utf-8")
    dressing = next(t for t in policy.tasks if t.id == "showroom-dressing")
    assert (dressing.due.anchor, dressing.due.amount, dressing.due.unit) == ("arrival", -5, "d")
    assert "5 days before arrival" in prep and dressing.text.en.split(":")[0] in prep


def test_broken_visit_stops_the_build_and_keeps_the_old_site(tmp_path: Path) -> None:
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


@pytest.mark.parametrize("written", ['"2026-11-23"', "2026-11-23"])
def test_build_date_option_reads_a_date_as_people_write_it(tmp_path: Path, written: str) -> None:
    """``today:`` under ``plugins: handbook:`` in mkdocs.yml, quoted or not (YAML reads a bare
    2026-11-23 as a date)."""
    from mkdocs.config import load_config

    from generator.plugin import HandbookPlugin

    project = copy_project(tmp_path / "project", today=None)
    config_file = project / "mkdocs.yml"
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(text.replace("  handbook:\n", f"  handbook:\n    today: {written}\n",
                                        1), encoding="utf-8")
    config = load_config(config_file=str(config_file))
    plugin = config.plugins["handbook"]
    assert isinstance(plugin, HandbookPlugin)
    config.plugins.on_config(config)
    assert plugin.result is not None and plugin.result.today == TODAY
