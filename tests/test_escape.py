"""Nothing a visit file says can inject HTML, scripts or Markdown structure into a page."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import markdown
import pytest
from conftest import ROOT

from generator import escape
from generator.derive import derive
from generator.i18n import load_catalogue
from generator.load import load_visit
from generator.models import Policy
from generator.render import Renderer

EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition", "def_list", "footnotes",
              "abbr", "toc", "pymdownx.tasklist", "pymdownx.superfences", "pymdownx.details"]

HOSTILE = """\
title: "<script>alert(1)</script> | # Title"
client:
  company: "ACME <img src=x onerror=alert(1)> | x"
  country: DE
  background: |
    # Not a heading
    <iframe src="https://evil.example"></iframe>
    [click](javascript:alert(1)) and {: onclick="alert(1)" }
    **bold stays bold**
purpose: "[link](https://example.com) *stars* _under_ `code`"
tier: C
owner: "Li | Na"
arrival: {at: 2026-12-08 09:30}
departure: {at: 2026-12-09 18:00}
visitors:
  - {name: "Eve <b>bold</b>", title: "| cell | break", notes: "{: .evil onclick=x}"}
hosts:
  - {name: "Li | Na", dept: sales, role: "<svg onload=alert(1)>"}
schedule:
  2026-12-08:
    - {at: "14:00", what: "!!! danger \\"x\\"", where: "<a href=javascript:alert(1)>x</a>"}
gifts: ["<script>gift()</script>"]
notes: |
  <script>steal()</script>
  Normal *emphasis* works.
"""


@pytest.fixture(scope="module")
def html(policy: Policy, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "hostile.yml"
    path.write_text(HOSTILE, encoding="utf-8")
    loaded = load_visit(path, policy, folder)
    assert loaded.model is not None, [p.format() for p in loaded.problems]
    renderer = Renderer(ROOT / "theme" / "packet", load_catalogue(
        ROOT / "theme" / "messages.yml"), policy)
    facts = derive(loaded.model, "hostile", policy)
    text = renderer.packet(facts, "en", today=dt.date(2026, 11, 23), zone="Asia/Shanghai")
    body = text.split("---\n", 2)[2]
    return markdown.markdown(body, extensions=EXTENSIONS)


@pytest.mark.parametrize("tag", ["script", "iframe", "img", "svg", "b"])
def test_no_element_gets_through(html: str, tag: str) -> None:
    assert re.search(rf"<{tag}[\s>]", html) is None


@pytest.mark.parametrize("attribute", ["onerror", "onload", "onclick"])
def test_no_event_attribute_gets_through(html: str, attribute: str) -> None:
    tags = re.findall(r"<[a-z][^>]*>", html)
    assert not [t for t in tags if f"{attribute}=" in t]


def test_no_script_links_or_injected_classes(html: str) -> None:
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]
    assert 'class="evil"' not in html


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_text_is_shown_as_written(html: str) -> None:
    text = _text(html)
    assert "<script>alert(1)</script> | # Title" in text
    assert "Eve <b>bold</b>" in text
    assert "[link](https://example.com) *stars* _under_ `code`" in text


def test_markdown_fields_keep_formatting_but_not_structure(html: str) -> None:
    assert "<strong>bold stays bold</strong>" in html
    assert "<em>emphasis</em>" in html
    assert "<h1>Not a heading</h1>" not in html
    assert 'class="admonition danger"' not in html


def test_table_cells_stay_in_place(html: str) -> None:
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        assert row.count("<td") in (0, 3, 5)


def test_inline_escape_round_trip() -> None:
    raw = "a*b_c|d[e](f)#g<h>&i`j"
    rendered = markdown.markdown(escape.inline(raw), extensions=EXTENSIONS)
    assert rendered.startswith("<p>") and _text(rendered) == raw
