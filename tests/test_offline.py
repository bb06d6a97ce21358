"""The site asks no other host for anything, the preview opens from a folder, and the 404 pages'
language links work, checked in the built HTML and in a real browser (Debian's Chromium)."""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from browsing import HAVE_CHROMIUM, search
from conftest import TODAY, visit_data
from sitebuild import copy_project, mkdocs_build

browser_only = pytest.mark.skipif(not HAVE_CHROMIUM,
                                  reason="Debian's chromium is not installed (apt-get install "
                                         "chromium); .ci/run installs it")
# A visit of the tests' own, so that a packet with a known word exists whatever visits/ holds.
STEM = "2026-12-08-quokka-instruments"
WORD = "Quokka"
SITE_URL = "https://handbook.example.test/reception/"
LOCAL_SCHEMES = {"data", "blob", "about"}    # no network involved


def _project(folder: Path) -> Path:
    project = copy_project(folder)
    data = visit_data(**{"client.company": f"{WORD} Instruments"})
    (project / "visits" / f"{STEM}.yml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as published: a normal strict build, without site_url."""
    project = _project(tmp_path_factory.mktemp("offline"))
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project / "site"


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The review artifact, built as the check workflow builds it."""
    project = _project(tmp_path_factory.mktemp("preview"))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("HANDBOOK_PREVIEW", None)
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "build", "--preview", "--today",
         TODAY.isoformat()], cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return project / "site-preview"


@pytest.fixture(scope="module")
def site_with_url(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A normal build of a project that sets site_url (a site under a sub-path)."""
    project = _project(tmp_path_factory.mktemp("site-url"))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"\nsite_url: {SITE_URL}\n",
                      encoding="utf-8")
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project / "site"


# Serving a built site ---------------------------------------------------------------------------

class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, with the language's 404.html for what is missing (as GitHub Pages and
    most servers are set up), under an optional path prefix."""

    prefix = "/"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def translate_path(self, path: str) -> str:
        path = urllib.parse.urlsplit(path).path
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "missing" / "\0")
        return super().translate_path("/" + path[len(self.prefix):])

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        root = Path(self.directory)
        path = urllib.parse.urlsplit(self.path).path[len(self.prefix):]
        page = root / "en" / "404.html" if path.startswith("en/") else root / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@functools.cache
def _serve(site: Path, prefix: str = "/") -> str:
    handler = type("Handler", (_Handler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}{prefix}"


class Recorder:
    """A browser tab that records the URL of every request it (and its workers) makes."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page = self.context.new_page()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[Recorder]:
    recorder = Recorder(browser)
    yield recorder
    recorder.close()


def _switch_language(page: Any, lang: str) -> None:
    page.locator(".md-header__option .md-select > button").hover()
    with page.expect_navigation():
        page.locator(f'a.md-select__link[hreflang="{lang}"]').click()


def _first_packet(page: Any) -> Any:
    """The first packet link of the visits index on *page*."""
    link = page.locator("article table a[href*='-']").first
    link.wait_for()
    return link


def _is_a_page(page: Any) -> bool:
    """A handbook page, not a directory listing or an error."""
    return bool(page.locator("article.md-content__inner h1").count() > 0)


# Zero requests to other hosts -------------------------------------------------------------------

_ATTR = re.compile(r'<(?:script|img|iframe|source|audio|video)\b[^>]*\ssrc="([^"]*)"'
                   r'|<link\b[^>]*\shref="([^"]*)"[^>]*>', re.S)


def test_built_pages_load_nothing_from_elsewhere(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert 'data-md-component="source"' not in html, path   # the GitHub API widget
        assert "fonts.googleapis.com" not in html and "unpkg.com" not in html, path
        for found in _ATTR.finditer(html):
            url = found.group(1) or found.group(2)
            tag = found.group(0)
            if found.group(2) and not re.search(r'rel="(stylesheet|icon|preload|modulepreload|'
                                                r'manifest)"', tag):
                continue  # rel=canonical / alternate are not fetched
            assert not urllib.parse.urlsplit(url).netloc, f"{path}: {tag}"


@browser_only
def test_the_site_requests_only_its_own_host(site: Path, tab: Recorder) -> None:
    base = _serve(site)
    host = urllib.parse.urlsplit(base).netloc
    page = tab.page
    for lang in ("", "en/"):
        page.goto(base + lang)
        assert _is_a_page(page)
        links = page.locator("nav.md-nav--primary a.md-nav__link[href]")
        hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
        handbook_page = next(h for h in hrefs if h.endswith("/") and h not in (".", "./")
                             and "visits" not in h)
        page.goto(urllib.parse.urljoin(page.url, handbook_page))
        assert _is_a_page(page) and page.url != base + lang
        page.goto(base + lang + "visits/")
        with page.expect_navigation():
            _first_packet(page).click()
        assert _is_a_page(page) and "/visits/" in page.url
        hrefs = search(page, WORD, open_box=False)
        assert any(f"visits/{STEM}/" in h for h in hrefs), hrefs
    page.wait_for_load_state("networkidle")
    assert any(url.endswith("search/search_index.json") for url in tab.requests), tab.requests
    assert any(url.endswith("en/search/search_index.json") for url in tab.requests)
    elsewhere = [url for url in tab.requests
                 if urllib.parse.urlsplit(url).scheme not in LOCAL_SCHEMES
                 and urllib.parse.urlsplit(url).netloc != host]
    assert elsewhere == []


# The preview, opened from a folder ------------------------------------------------------------

def test_preview_links_lead_to_files_not_folders(preview: Path) -> None:
    """Opened from file://, a link to a folder shows a directory listing: every link of the
    preview leads to an existing file."""
    checked = 0
    for path in sorted(preview.rglob("*.html")):
        if path.name == "404.html":  # served by a web server only
            continue
        for href in re.findall(r'<a\s[^>]*?href="([^"]*)"', path.read_text(encoding="utf-8")):
            parts = urllib.parse.urlsplit(href)
            if parts.scheme or not parts.path:
                continue
            target = (path.parent / urllib.parse.unquote(parts.path)).resolve()
            assert target.is_file(), f"{path.relative_to(preview)} links to {href}"
            checked += 1
    assert checked > 100
    assert (preview / "search" / "search_index.js").is_file()
    assert (preview / "en" / "search" / "search_index.js").is_file()
    assert (preview / "visits" / f"{STEM}.html").is_file()


@browser_only
def test_preview_works_from_file_urls(preview: Path, tab: Recorder) -> None:
    page = tab.page
    root = preview.as_uri() + "/"
    page.goto(root + "index.html")
    assert _is_a_page(page)
    with page.expect_navigation():
        page.locator("nav.md-nav--primary a.md-nav__link[href$='visits/index.html']").first.click()
    assert page.url == root + "visits/index.html" and _is_a_page(page)
    with page.expect_navigation():
        _first_packet(page).click()
    packet = page.url
    assert packet.startswith(root + "visits/") and packet.endswith(".html") and _is_a_page(page)
    stem = packet.rsplit("/", 1)[1]

    _switch_language(page, "en")
    assert page.url == root + "en/visits/" + stem and _is_a_page(page)
    assert page.evaluate("document.documentElement.lang") == "en"
    _switch_language(page, "zh")
    assert page.url == packet and page.evaluate("document.documentElement.lang") == "zh"

    for lang in ("", "en/"):
        page.goto(root + lang + "index.html")
        hrefs = search(page, WORD, open_box=False)
        ours = [h for h in hrefs if f"visits/{STEM}.html" in h]
        assert ours, hrefs
        with page.expect_navigation():
            page.locator(".md-search-result__item a").first.click()
        assert page.url.startswith(root + lang) and _is_a_page(page)
    assert tab.requests and all(url.startswith(("file://", "data:", "blob:", "about:"))
                                for url in tab.requests), tab.requests


# The 404 pages' language links -----------------------------------------------------------------

def _language_links(html: str) -> dict[str, str]:
    return dict((lang, href) for href, lang in re.findall(
        r'<a href="([^"]*)" hreflang="([^"]*)" class="md-select__link">', html))


@pytest.mark.parametrize("page", ["404.html", "en/404.html"])
def test_404_language_links_without_site_url(site: Path, page: str) -> None:
    links = _language_links((site / page).read_text(encoding="utf-8"))
    assert links == {"zh": "/", "en": "/en/"}


@pytest.mark.parametrize("page", ["404.html", "en/404.html"])
def test_404_language_links_with_site_url(site_with_url: Path, page: str) -> None:
    path = urllib.parse.urlsplit(SITE_URL).path
    links = _language_links((site_with_url / page).read_text(encoding="utf-8"))
    assert links == {"zh": path, "en": path + "en/"}


@browser_only
@pytest.mark.parametrize("with_url", [False, True])
def test_404_language_links_in_the_browser(site: Path, site_with_url: Path, tab: Recorder,
                                           with_url: bool) -> None:
    base = (_serve(site_with_url, urllib.parse.urlsplit(SITE_URL).path) if with_url
            else _serve(site))
    page = tab.page
    for missing, lang, home in [("no/such/page/", "en", "en/"), ("a/b/c/d/e.html", "zh", ""),
                                ("en/no/such/page/", "zh", ""), ("en/x/y.html", "en", "en/")]:
        response = page.goto(base + missing)
        assert response is not None and response.status == 404
        _switch_language(page, lang)
        assert page.url == base + home, missing
        assert page.evaluate("document.documentElement.lang") == lang
        assert _is_a_page(page)
