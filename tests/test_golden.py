"""Golden files: the rendered Markdown of the fixture packets and the visits index.

The packets come from the fixture project (tests/fixtures/project: its visits, policy and
country notes) with the repository's templates and messages, so only a code or template change
can change them. The handbook pages are the repository's (the policy links to them and the
links are checked), but with the country notes of the fixture project instead of the
handbook's: editing a country page does not change a golden packet. Regenerate after an
intended change with:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

and review the diff like any other change. Goldens of visits that are no longer fixtures are
reported by ``test_no_stale_goldens``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE_POLICY, FIXTURE_PROJECT, FIXTURE_VISITS, ROOT, TODAY, fixture_visits

from generator.load import load_visit
from generator.models import Policy, Visit
from generator.project import Paths, generated_pages, load_project

GOLDEN = Path(__file__).parent / "golden"
LANGS = ("zh", "en")
FIXTURE_STEMS = [p.stem for p in fixture_visits()]
PAGES = [*FIXTURE_STEMS, "index"]


FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.S)


def golden_docs(target: Path) -> Path:
    """The repository's handbook pages with the fixture project's country notes: each
    country page keeps its title and headings (links may point at them) but no longer says
    which countries or diets it covers."""
    shutil.copytree(ROOT / "docs", target)
    for page in target.glob("*/countries/*.md"):
        text = page.read_text(encoding="utf-8-sig")
        match = FRONT.match(text)
        if match is None:
            continue
        meta = yaml.safe_load(match.group(1)) or {}
        kept = {key: meta[key] for key in ("title", "description") if key in meta}
        page.write_text("---\n" + yaml.safe_dump(kept, allow_unicode=True) + "---\n"
                        + text[match.end():], encoding="utf-8")
    shutil.copytree(FIXTURE_PROJECT / "docs", target, dirs_exist_ok=True)
    return target


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str | bytes]]:
    docs = golden_docs(tmp_path_factory.mktemp("golden") / "docs")
    paths = Paths(ROOT, policy=FIXTURE_POLICY, visits=FIXTURE_VISITS, docs=docs)
    result = load_project(paths, today=TODAY, history=False)
    assert [p.format() for p in result.errors] == []
    return {lang: generated_pages(result, lang) for lang in LANGS}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", PAGES)
def test_golden(pages: dict[str, dict[str, str | bytes]], lang: str, name: str) -> None:
    rendered = pages[lang][f"visits/{name}.md"]
    assert isinstance(rendered, str)
    golden = GOLDEN / lang / f"{name}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert golden.is_file(), f"no golden for {name}: run with UPDATE_GOLDEN=1 and review it"
    assert rendered == golden.read_text(encoding="utf-8")


def test_no_stale_goldens() -> None:
    """Every golden file belongs to a fixture page (a renamed fixture leaves none behind)."""
    for lang in LANGS:
        stale = sorted({p.stem for p in (GOLDEN / lang).glob("*.md")} - set(PAGES))
        if os.environ.get("UPDATE_GOLDEN"):
            for stem in stale:
                (GOLDEN / lang / f"{stem}.md").unlink()
            stale = []
        assert stale == [], f"golden/{lang} has pages of no fixture visit"


@pytest.fixture(scope="module")
def fixtures(policy: Policy) -> dict[str, Visit]:
    out = {}
    for path in fixture_visits():
        loaded = load_visit(path, policy, FIXTURE_PROJECT)
        assert loaded.model is not None, [p.format() for p in loaded.problems]
        out[path.stem] = loaded.model
    return out


def _meal_with_diets_then_item(visit: Visit) -> bool:
    if not any(v.diet for v in visit.visitors):
        return False
    for day in visit.schedule:
        items = sorted(visit.schedule[day], key=lambda i: i.at)
        if any(item.meal for item in items[:-1]):
            return True
    return False


def test_fixtures_cover_every_packet_section(fixtures: dict[str, Visit]) -> None:
    """Between them, the fixture visits exercise every part of a packet, so the goldens and
    the site tests see every section rendered (and one packet without the optional ones)."""
    visits = list(fixtures.values())
    assert len(visits) >= 5
    items = [item for v in visits for _day, _n, item in v.items()]
    covered = {
        "background": any(v.client.background for v in visits),
        "hotel": any(v.hotel for v in visits),
        "several days": any(len(v.schedule) >= 3 for v in visits),
        "meal with diets, then another item that day": any(
            _meal_with_diets_then_item(v) for v in visits),
        "production-line tour": any(i.tour == "production-line" for i in items),
        "banquet": any(i.meal == "banquet" for i in items),
        "item notes": any(i.notes for i in items),
        "gifts": any(v.gifts for v in visits),
        "own checklist, one done": any(any(c.done for c in v.checklist) for v in visits),
        "ticked policy tasks": any(v.done for v in visits),
        "notes in Markdown": any(v.notes and "**" in v.notes for v in visits),
        "confidential": any(v.confidential for v in visits),
        "past": any(max(v.departure.at.date(), *v.schedule) < TODAY
                    if v.schedule else v.departure.at.date() < TODAY for v in visits),
        "without hotel and schedule": any(not v.hotel and not v.schedule for v in visits),
        "one day": any(v.arrival.at.date() == v.departure.at.date() for v in visits),
    }
    assert [name for name, ok in covered.items() if not ok] == []
    countries = [v.client.country for v in visits]
    assert len(set(countries)) == len(countries), "one fixture per country keeps them apart"


def test_fixture_names_follow_the_visit_file_convention(fixtures: dict[str, Visit]) -> None:
    for stem, visit in fixtures.items():
        assert stem.startswith(visit.arrival.at.date().isoformat()), stem
        assert stem.endswith("-" + visit.client.country.lower()), stem
        dt.date.fromisoformat(stem[:10])
