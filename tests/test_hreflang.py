"""The language alternates in each page's head (<link rel="alternate" hreflang>) and the sitemaps,
built with and without site_url, as search engines and link previews read them.

Without site_url the site is the session build of the fixture project (``conftest.built_site``);
with it, a copy of the fixture project whose mkdocs.base.yml sets a site_url with a path.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from sitebuild import copy_project, mkdocs_build

SITE_URL = "https://handbook.example.com/reception/"
ROOTS = {"zh": "", "en": "en/"}     # each language's folder in the built site
CONFIDENTIAL = "2026-12-02-andes-br"  # the confidential fixture visit
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class _Head(html.parser.HTMLParser):
    """The alternates (hreflang → href), the canonical link and the language switch's links."""

    def __init__(self) -> None:
        super().__init__()
        self.alternates: list[tuple[str, str]] = []
        self.canonical: str | None = None
        self.switch: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            self.alternates.append((a["hreflang"], a.get("href", "")))
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href")
        elif tag == "a" and "md-select__link" in a.get("class", "").split():
            self.switch[a.get("hreflang", "")] = a.get("href", "")


def _head(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _pages(site: Path) -> dict[str, list[str]]:
    """Each language's pages, as paths under its root ("" for the home page, "guide/tiers/"),
    without the error page."""
    out: dict[str, list[str]] = {lang: [] for lang in ROOTS}
    for path in sorted(site.rglob("index.html")):
        rel = path.parent.relative_to(site).as_posix()
        rel = "" if rel == "." else rel + "/"
        if rel.startswith(("assets/", "search/", "en/assets/", "en/search/")):
            continue
        lang = "en" if rel.startswith("en/") else "zh"
        out[lang].append(rel.removeprefix(ROOTS[lang]))
    return out


def _target(site: Path, url_path: str) -> tuple[str, str] | None:
    """(language, page under its root) of a path under the site's root, if such a page exists."""
    path = url_path.split("#")[0]
    file = site / path / "index.html" if path == "" or path.endswith("/") else site / path
    if not file.is_file():
        return None
    lang = "en" if path.startswith("en/") else "zh"
    return lang, path.removeprefix(ROOTS[lang])


@pytest.fixture(scope="module")
def site_with_url(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("hreflang"))
    base = project / "mkdocs.base.yml"
    base.write_text(f"site_url: {SITE_URL}\n" + base.read_text(encoding="utf-8"),
                    encoding="utf-8")
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_the_fixture_build_has_no_site_url(built_site: Path) -> None:
    assert not _head(built_site / "index.html").canonical


@pytest.mark.parametrize("with_url", [False, True], ids=["relative", "site_url"])
def test_alternates_are_the_same_page_in_each_language(
        built_site: Path, site_with_url: Path, with_url: bool) -> None:
    site = site_with_url if with_url else built_site
    pages = _pages(site)
    assert set(pages["zh"]) == set(pages["en"]), "both languages have the same pages"
    assert len(pages["zh"]) > 30
    problems = []
    for lang, paths in pages.items():
        for page in paths:
            here = ROOTS[lang] + page
            head = _head(site / here / "index.html")
            langs = [hreflang for hreflang, _ in head.alternates]
            if sorted(langs) != sorted(ROOTS):
                problems.append(f"{here}: alternates for {langs}")
                continue
            for hreflang, href in head.alternates:
                if with_url:
                    if not href.startswith(SITE_URL):
                        problems.append(f"{here}: {hreflang} → {href} is not under {SITE_URL}")
                        continue
                    path = href.removeprefix(SITE_URL)
                else:
                    if urlsplit(href).scheme or href.startswith("/"):
                        problems.append(f"{here}: {hreflang} → {href} is not relative")
                        continue
                    path = urlsplit(urljoin("http://site/" + here, href)).path.lstrip("/")
                    # the same address as the language switch in the header
                    if head.switch.get(hreflang) != href:
                        problems.append(f"{here}: {hreflang} → {href}, the switch → "
                                        f"{head.switch.get(hreflang)}")
                if _target(site, path) != (hreflang, page):
                    problems.append(f"{here}: {hreflang} → {href} ({path}) is not {page} in "
                                    f"{hreflang}: {_target(site, path)}")
            if with_url:
                own = dict(head.alternates)[lang]
                if head.canonical != own:
                    problems.append(f"{here}: canonical {head.canonical}, own alternate {own}")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("with_url", [False, True], ids=["relative", "site_url"])
def test_error_pages_have_no_alternates(built_site: Path, site_with_url: Path,
                                        with_url: bool) -> None:
    site = site_with_url if with_url else built_site
    for root in ROOTS.values():
        assert _head(site / root / "404.html").alternates == []


def _sitemap(site: Path, lang: str) -> list[tuple[str, str | None]]:
    tree = ET.parse(site / ROOTS[lang] / "sitemap.xml")
    assert tree.getroot().tag == f"{SITEMAP}urlset"
    return [(url.findtext(f"{SITEMAP}loc") or "", url.findtext(f"{SITEMAP}lastmod"))
            for url in tree.getroot().iter(f"{SITEMAP}url")]


def test_the_sitemaps_list_every_page_but_confidential_packets(site_with_url: Path) -> None:
    pages = _pages(site_with_url)
    for lang, root in ROOTS.items():
        listed = _sitemap(site_with_url, lang)
        locs = [loc for loc, _ in listed]
        assert len(locs) == len(set(locs))
        assert all(loc.startswith(SITE_URL + root) for loc in locs), locs[:3]
        expected = {SITE_URL + root + page for page in pages[lang]
                    if page != f"visits/{CONFIDENTIAL}/"}
        assert set(locs) == expected, (set(locs) ^ expected)
        for loc, lastmod in listed:
            assert lastmod and dt.date.fromisoformat(lastmod), (loc, lastmod)


def test_without_site_url_the_sitemaps_are_empty(built_site: Path) -> None:
    for lang in ROOTS:
        assert _sitemap(built_site, lang) == []
        text = (built_site / ROOTS[lang] / "sitemap.xml").read_text(encoding="utf-8")
        assert "site_url" in text and not re.search(r"\n\s*\n\s*\n", text)
