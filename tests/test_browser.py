"""The site in a real browser (Debian's Chromium, headless), the way staff use it on a phone.

The site is the session build of the fixture project (``conftest.built_site``). The search
cases look for handbook pages (docs/): they test that Material's search, with Chinese word
segmentation, works in a browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsing import HAVE_CHROMIUM, search, serve
from conftest import FIXTURE_VISITS

from generator.yamlload import load_yaml

pytestmark = pytest.mark.skipif(not HAVE_CHROMIUM,
                                reason="Debian's chromium is not installed (apt-get install "
                                       "chromium); .ci/run installs it")
PHONE = {"width": 390, "height": 844}
MAIN = "2026-12-14-lumina-it"   # the fixture packet with every section


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def test_packet_on_a_phone(page: Any, base_url: str, tmp_path: Path) -> None:
    data = load_yaml((FIXTURE_VISITS / f"{MAIN}.yml").read_text(encoding="utf-8")).data
    flight = str(data["arrival"]["number"])
    page.goto(base_url + f"visits/{MAIN}/")
    glance = page.locator(".packet-brief")  # the top block: arrival line with the flight
    assert glance.is_visible()
    assert flight in glance.inner_text()
    box = glance.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    # nothing wider than the screen except inside horizontally scrollable tables
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= PHONE["width"]
    page.screenshot(path=str(tmp_path / "packet-phone.png"), full_page=False)


def test_language_switch_keeps_the_page(page: Any, base_url: str) -> None:
    page.goto(base_url + f"visits/{MAIN}/")
    link = page.locator('a.md-select__link[hreflang="en"]')
    page.goto(page.evaluate("(a) => a.href", link.element_handle()))
    assert page.url == base_url + f"en/visits/{MAIN}/"
    assert page.locator("h2#at-a-glance, .admonition-title:has-text('At a glance')").count() > 0
    back = page.locator('a.md-select__link[hreflang="zh"]')
    page.goto(page.evaluate("(a) => a.href", back.element_handle()))
    assert page.url == base_url + f"visits/{MAIN}/"


@pytest.mark.parametrize(("lang", "query", "expected"), [
    ("", "清真", "countries/muslim-guests/"),
    ("", "接机", "guide/arrival/"),
    ("en/", "halal", "countries/muslim-guests/"),
    ("en/", "banquet", "guide/meals/"),
])
def test_search(page: Any, base_url: str, lang: str, query: str, expected: str) -> None:
    page.goto(base_url + lang)
    hrefs = search(page, query)
    assert hrefs, f"no search results for {query!r}"
    assert any(expected in h for h in hrefs), hrefs
