"""Search ranks the handbook page on a topic first: what a reception coordinator types, in both
languages, typed into the real search box (Chromium), and the handbook's words for jieba.

The site is the session build of the fixture project (``conftest.built_site``): the
repository's handbook pages, theme and configuration with the fixture visits, whose packets
mention many of the same words. How the ranking is made (jieba's user dictionary, the
``search: boost`` of the pages and packets) and why: theme/search/README.md.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import pytest
from browsing import HAVE_CHROMIUM, NO_CHROMIUM, search, serve
from conftest import ROOT
from sitebuild import search_index

DICTIONARY = ROOT / "theme" / "search" / "jieba-user.txt"
ZH_DOCS = ROOT / "docs" / "zh"
# A line of jieba's user dictionary, as jieba.load_userdict reads it: word, frequency, POS tag.
LINE = re.compile(r"(?P<word>\S+) (?P<freq>[1-9][0-9]*)(?: (?P<tag>[a-z]+))?")
HAN = re.compile(r"[\u4e00-\u9fff]+")


class Case(NamedTuple):
    query: str
    expected: str       # the page's path under the language's root
    within: int = 3     # among the first results


# query → the handbook page a coordinator is looking for. Issue 11 named the first two of
# each language: they must come first.
ZH = [
    Case("清真", "countries/muslim-guests/", 1),
    Case("接机", "guide/arrival/", 1),
    Case("送机", "guide/departure/"),
    Case("礼品", "guide/gifts-compliance/"),
    Case("宴请座次", "guide/meals/"),
    Case("宴请", "guide/meals/"),
    Case("着装", "guide/dress-manners/"),
    Case("俄罗斯", "countries/russia/"),
    Case("保密", "reference/confidentiality/"),
    Case("来访文件", "reference/writing-a-visit-file/"),
    Case("字段", "reference/writing-a-visit-file/"),
    Case("接待级别", "guide/tiers/"),
    Case("名片", "guide/meetings/"),
    Case("展厅", "guide/tour/"),
    Case("生产线", "guide/tour/"),
    Case("拍照", "guide/tour/"),
    Case("斋月", "countries/muslim-guests/"),
    Case("前台", "guide/front-desk/"),
    Case("访客登记", "guide/front-desk/"),
    Case("敬酒", "guide/meals/"),
    Case("入住", "guide/arrival/"),
    Case("费用审批", "guide/gifts-compliance/"),
    Case("回访", "guide/departure/"),
    Case("来访报告", "guide/departure/"),
    Case("感谢邮件", "guide/departure/"),
]
EN = [
    Case("halal", "countries/muslim-guests/", 1),
    Case("airport pickup", "guide/arrival/", 1),
    Case("gifts", "guide/gifts-compliance/"),
    Case("banquet seating", "guide/meals/"),
    Case("banquet", "guide/meals/"),
    Case("toast", "guide/meals/"),
    Case("dress code", "guide/dress-manners/"),
    Case("Russia", "countries/russia/"),
    Case("confidential", "reference/confidentiality/"),
    Case("visit file", "reference/writing-a-visit-file/"),
    Case("reception tier", "guide/tiers/"),
    Case("business cards", "guide/meetings/"),
    Case("showroom", "guide/tour/"),
    Case("production line", "guide/tour/"),
    Case("photos", "guide/tour/"),
    Case("Ramadan", "countries/muslim-guests/"),
    Case("prayer", "countries/muslim-guests/"),
    Case("front desk", "guide/front-desk/"),
    Case("visitor registration", "guide/front-desk/"),
    Case("hotel check-in", "guide/arrival/"),
    Case("expense approval", "guide/gifts-compliance/"),
    Case("follow-up call", "guide/departure/"),
    Case("visit report", "guide/departure/"),
    Case("see off", "guide/departure/"),
]
CASES = [("", case) for case in ZH] + [("en/", case) for case in EN]


# -- the dictionary -------------------------------------------------------------------------

def _dictionary() -> list[re.Match[str]]:
    lines = DICTIONARY.read_text(encoding="utf-8").splitlines()
    bad = [f"line {n}: {line!r}" for n, line in enumerate(lines, 1) if not LINE.fullmatch(line)]
    assert not bad, f"{DICTIONARY.name}: not 'word frequency [tag]' (jieba reads no comments)"\
                    f": {bad}"
    return [m for line in lines if (m := LINE.fullmatch(line))]


@pytest.fixture(scope="module")
def jieba_tokenizers() -> tuple[Any, Any]:
    """jieba as Material's search plugin uses it (jieba.cut, HMM on): its own dictionary, and
    with the handbook's user dictionary. Own instances: the global one is left alone."""
    jieba = pytest.importorskip("jieba")
    jieba.setLogLevel(logging.WARNING)
    plain, handbook = jieba.Tokenizer(), jieba.Tokenizer()
    plain.initialize()
    handbook.initialize()
    handbook.load_userdict(str(DICTIONARY))
    return plain, handbook


def test_the_dictionary_is_one_word_a_line_and_lowers_no_frequency(
        jieba_tokenizers: tuple[Any, Any]) -> None:
    plain, _ = jieba_tokenizers
    entries = _dictionary()
    words = [m["word"] for m in entries]
    assert len(words) == len(set(words)), "a word listed twice"
    assert all(HAN.fullmatch(w) for w in words), [w for w in words if not HAN.fullmatch(w)]
    # a lower frequency than jieba's own would change how jieba cuts text that is not ours
    lowered = [f"{m['word']} {m['freq']} < {plain.FREQ[m['word']]}" for m in entries
               if int(m["freq"]) < (plain.FREQ.get(m["word"]) or 0)]
    assert not lowered, lowered


def _titles_and_sections() -> Iterator[tuple[str, str]]:
    """(page, text) for the title and every level-2 heading of the Chinese handbook pages."""
    for path in sorted(ZH_DOCS.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        page = path.relative_to(ZH_DOCS).as_posix()
        title = re.search(r"\A---\n(?:.*\n)*?title: *(.+)\n", text)
        if title:
            yield page, title.group(1)
        body = re.sub(r"^(```|~~~).*?^\1", "", text, flags=re.M | re.S)
        for heading in re.findall(r"^## +(.+?)(?: +\{[^}]*\})? *$", body, flags=re.M):
            yield page, heading


def test_titles_and_sections_segment_into_whole_words(jieba_tokenizers: tuple[Any, Any]) -> None:
    """With the handbook's dictionary, jieba cuts every page title and section heading into
    words it knows (none guessed by its HMM from single characters), and no word of the
    dictionary is cut in two (as 字段 was 字/段, 展厅 开展/厅)."""
    _, handbook = jieba_tokenizers
    words = {m["word"] for m in _dictionary()}
    problems = []
    for page, heading in _titles_and_sections():
        for run in HAN.findall(heading):
            tokens = list(handbook.cut(run))
            bounds, end = set(), 0
            for token in tokens:
                end += len(token)
                bounds.add(end)
            guessed = [t for t in tokens if not handbook.FREQ.get(t)]
            split = [w for w in words for m in re.finditer(w, run)
                     if any(b in bounds for b in range(m.start() + 1, m.end()))]
            if guessed or split:
                problems.append(f"{page}: {heading!r} → {'/'.join(tokens)}"
                                f" (unknown: {guessed}, cut: {split})")
    assert not problems, ("add the words to theme/search/jieba-user.txt (see its README):\n"
                          + "\n".join(problems))


def test_the_built_index_uses_the_dictionary(built_site: Path,
                                             jieba_tokenizers: tuple[Any, Any]) -> None:
    """The Chinese index's section titles are cut as jieba with the handbook's dictionary cuts
    them: Material found the file (a path it reads from the folder MkDocs runs in)."""
    plain, handbook = jieba_tokenizers
    differ = 0
    for doc in search_index(built_site):
        title = doc["title"].replace("\u200b", "")
        ours = HAN.sub(lambda m: "\u200b" + "\u200b".join(handbook.cut(m.group(0))) + "\u200b",
                       title).strip("\u200b")
        theirs = HAN.sub(lambda m: "\u200b" + "\u200b".join(plain.cut(m.group(0))) + "\u200b",
                         title).strip("\u200b")
        assert doc["title"] == ours, (doc["location"], doc["title"].split("\u200b"))
        differ += ours != theirs
    assert differ, "no title is cut differently with the dictionary: the test shows nothing"


def test_handbook_pages_outrank_packets(built_site: Path) -> None:
    """Topic pages carry a boost above 1 (their front matter), packets one below (the
    handbook plugin): a page on a topic comes before a packet that mentions it."""
    for prefix in ("", "en/"):
        boosts: dict[str, set[float]] = {"guide": set(), "packet": set()}
        for doc in search_index(built_site / prefix):
            kind = ("packet" if re.match(r"visits/[^/#]+/", doc["location"])
                    else doc["location"].split("/")[0])
            boosts.setdefault(kind, set()).add(float(doc.get("boost", 1)))
        assert boosts["packet"] and boosts["guide"], (prefix, boosts)
        assert max(boosts["packet"]) < 1 < min(boosts["guide"]), (prefix, boosts)


# -- the search box ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def pages(browser: Any, base_url: str) -> Iterator[dict[str, Any]]:
    """One desktop tab per language, on its home page: the index is loaded once."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tabs = {}
    for prefix in ("", "en/"):
        tabs[prefix] = context.new_page()
        tabs[prefix].goto(base_url + prefix)
    yield tabs
    context.close()


# Per result (one a page): its first link, the title shown and the best score among its entries.
RESULTS = """() => [...document.querySelectorAll('.md-search-result__item')].map(li => {
  const link = li.querySelector('a'), title = li.querySelector('article h1, article h2')
  const scores = [...li.querySelectorAll('article[data-md-score]')].map(a => +a.dataset.mdScore)
  return [link ? link.href : '', title ? title.textContent.trim() : '', Math.max(0, ...scores)]
})"""


def _results(page: Any, query: str) -> list[tuple[str, str, float]]:
    """The result list for *query*, one (page path, title, score) per page, best first."""
    page.bring_to_front()    # a tab in the background renders late, or not at all
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    box.press("End")        # empty the list, so that the results read below are the new ones
    page.wait_for_function("() => !document.querySelector('.md-search-result__item')")
    search(page, query, open_box=False)
    return [(urlsplit(href).path, title, score)
            for href, title, score in page.evaluate(RESULTS)]


@pytest.mark.skipif(not HAVE_CHROMIUM, reason=NO_CHROMIUM)
@pytest.mark.parametrize(("prefix", "case"), CASES,
                         ids=[f"{p or 'zh/'}{c.query}" for p, c in CASES])
def test_the_handbook_page_comes_first(pages: dict[str, Any], prefix: str, case: Case) -> None:
    results = _results(pages[prefix], case.query)
    expected = "/" + prefix + case.expected
    rank = next((n for n, (path, _, _) in enumerate(results, 1) if path == expected), None)
    shown = "\n".join(f"  {n}. {path}  {title!r}  (score {score:g})"
                      for n, (path, title, score) in enumerate(results[:5], 1))
    assert rank is not None and rank <= case.within, (
        f"{case.query!r}: {expected} should be among the first {case.within}, "
        f"{'is ' + str(rank) if rank else 'is not in the results'}; the first results:\n"
        f"{shown or '  (none)'}")


def test_enough_queries() -> None:
    assert len(ZH) >= 12 and len(EN) >= 12
    assert len({c.query for c in ZH}) == len(ZH) and len({c.query for c in EN}) == len(EN)
