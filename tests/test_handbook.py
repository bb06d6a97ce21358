"""The handbook: both languages page for page, summaries, country data, search, the guide.

These tests are about the handbook's own pages (docs/), so they read them: page parity, front
matter, the country data, the guide's sample output and the search terms. The site is the
session build of the fixture project (``conftest.built_site``); the policy is the fixture's,
except for the copied-text guard, which reads the repository's policy because its text is
what gets published.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT
from sitebuild import copy_project, search_index

from generator.country_notes import load_notes
from generator.models import Policy
from generator.project import Paths

DOCS = ROOT / "docs"
ZH = sorted(p.relative_to(DOCS / "zh").as_posix() for p in (DOCS / "zh").rglob("*.md"))
EN = sorted(p.relative_to(DOCS / "en").as_posix() for p in (DOCS / "en").rglob("*.md"))
FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def front(lang: str, page: str) -> dict[str, object]:
    match = FRONT.match((DOCS / lang / page).read_text(encoding="utf-8"))
    assert match, f"{lang}/{page} has no front matter"
    data = yaml.safe_load(match.group(1))
    assert isinstance(data, dict)
    return data


def test_every_page_exists_in_both_languages() -> None:
    assert ZH == EN
    assert len(ZH) >= 30


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", ZH)
def test_page_has_title_summary_and_one_h1(lang: str, page: str) -> None:
    meta = front(lang, page)
    assert isinstance(meta.get("title"), str) and meta["title"]
    assert isinstance(meta.get("description"), str) and 10 <= len(meta["description"]) <= 200
    body = FRONT.sub("", (DOCS / lang / page).read_text(encoding="utf-8"))
    body = re.sub(r"^```.*?^```", "", body, flags=re.S | re.M)  # code blocks may hold '# '
    assert re.findall(r"^# (.+)$", body, re.M) == [meta["title"]]


@pytest.mark.parametrize("page", [p for p in ZH if p.startswith("countries/")])
def test_country_data_is_the_same_in_both_languages(page: str) -> None:
    zh, en = front("zh", page), front("en", page)
    for key in ("countries", "languages", "diet_defaults", "diets", "punctuality"):
        assert zh.get(key) == en.get(key), key
    assert len(zh.get("tips", [])) == len(en.get("tips", []))


def test_country_pages_cover_the_seed_regions(policy: Policy) -> None:
    notes = load_notes(DOCS / "zh", ROOT, list(policy.diets))
    assert notes.problems == []
    covered = {code for n in notes.notes for code in n.meta.countries}
    for code in ["DE", "IT", "RU", "IN", "ID", "TR", "AE", "SA", "NG", "US", "BR", "VE", "IR",
                 "AU", "NZ", "VN", "PK"]:
        assert code in covered, code
    assert any("halal" in n.meta.diets for n in notes.notes)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_policy_tables_come_from_markers(lang: str) -> None:
    tiers = (DOCS / lang / "guide" / "tiers.md").read_text(encoding="utf-8")
    prep = (DOCS / lang / "guide" / "preparation.md").read_text(encoding="utf-8")
    assert "<!-- policy: tiers -->" in tiers and "<!-- policy: escorts -->" in tiers
    assert "<!-- policy: lead-times -->" in prep
    assert "500" not in tiers.replace("<!-- policy: tiers -->", "")  # caps are not typed


def test_guide_shows_the_real_error_output(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    shutil.copytree(FIXTURES / "broken", project / "tests" / "fixtures" / "broken")
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "check",
         "tests/fixtures/broken/2026-12-08-broken.yml"],
        cwd=project, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    for lang in ("zh", "en"):
        page = (DOCS / lang / "reference" / "writing-a-visit-file.md").read_text("utf-8")
        blocks = re.findall(r"```text\n(.*?)```", page, re.S)
        assert any(result.stdout in block for block in blocks), lang


@pytest.fixture(scope="module")
def indexes(built_site: Path) -> dict[str, list[dict[str, str]]]:
    return {"zh": search_index(built_site), "en": search_index(built_site / "en")}


SEPARATOR = re.compile(r"[\s\u200b\-]+")


@pytest.mark.parametrize(("lang", "term", "page"), [
    ("zh", "接机", "guide/arrival/"),
    ("zh", "清真", "countries/muslim-guests/"),
    ("zh", "送客", "guide/departure/"),
    ("zh", "宴请", "guide/meals/"),
    ("zh", "礼品", "guide/gifts-compliance/"),
    ("en", "halal", "countries/muslim-guests/"),
    ("en", "pickup", "guide/arrival/"),
    ("en", "banquet", "guide/meals/"),
])
def test_search_index_finds_pages_by_common_terms(indexes: dict[str, list[dict[str, str]]],
                                                  lang: str, term: str, page: str) -> None:
    hits = {d["location"].split("#")[0] for d in indexes[lang]
            if term in SEPARATOR.split((d["title"] + " " + d["text"]).lower())}
    assert page in hits


def test_pages_covering_a_country_agree_on_punctuality(policy: Policy) -> None:
    notes = load_notes(DOCS / "en", ROOT, list(policy.diets)).notes
    seen: dict[str, set[str]] = {}
    for note in notes:
        for code in note.meta.countries:
            value = note.meta.punctuality_for(code)
            if value:
                seen.setdefault(code, set()).add(value)
    assert {code: values for code, values in seen.items() if len(values) > 1} == {}
    assert seen["ID"] == {"punctual"} and seen["IN"] == {"flexible"}


SEEDS = ROOT.parent / "shared" / "seeds"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.content_lint
@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seeds are in ../shared/seeds beside the repo")
def test_no_sentence_is_copied_from_the_seeds() -> None:
    """No run of 14 Chinese characters (punctuation ignored) is shared with a seed.

    Seeds partly use traditional characters; both sides are compared in simplified form.
    """
    opencc = pytest.importorskip("opencc")
    simplify = opencc.OpenCC("t2s").convert
    raw = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in SEEDS.glob("*.txt"))
    seeds = "".join(CJK.findall(simplify(raw)))
    run = 14
    copied = {}
    for path in [*sorted((DOCS / "zh").rglob("*.md")), Paths(ROOT).policy]:
        text = "".join(CJK.findall(simplify(path.read_text(encoding="utf-8"))))
        shared = {text[i:i + run] for i in range(len(text) - run + 1)
                  if text[i:i + run] in seeds}
        if shared:
            copied[path.relative_to(ROOT).as_posix()] = sorted(shared)[:3]
    assert copied == {}
