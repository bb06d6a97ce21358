"""Nothing a visit file says can inject HTML, scripts or page structure into a packet.

Two layers keep it so (see :mod:`generator.markdown_fields` and :mod:`generator.render`):

* the three Markdown fields (``client.background``, ``notes``, a schedule item's ``notes``)
  become HTML through Python-Markdown without raw HTML and without headings, then nh3; the
  tables below give, for each kind of input, the HTML it must and must never become;
* every other value is printed by autoescaped templates, so it shows as written; the rendered
  packet of a visit with hostile text in every field is read back as a browser would.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import pytest
from conftest import ROOT

import generator.markdown_fields as markdown_fields
from generator.derive import derive
from generator.escape import html_text, plain
from generator.i18n import load_catalogue
from generator.load import load_visit
from generator.markdown_fields import raw_html, to_html
from generator.models import Policy
from generator.render import Renderer

# --- The Markdown fields: to_html ---------------------------------------------------------------

HEADINGS = [f"<h{n}" for n in range(1, 7)]
# (case, Markdown as a visit file writes it, HTML that must be in the output, HTML that never may)
FIELDS = [
    # raw HTML is text: shown as written, never an element
    ("inline html", "<b>bold</b>", ["<p>&lt;b&gt;bold&lt;/b&gt;</p>"], ["<b>"]),
    ("script", "<script>alert(1)</script>", ["&lt;script&gt;alert(1)&lt;/script&gt;"],
     ["<script"]),
    ("html block", "<div>\nblock\n</div>", ["<p>&lt;div&gt;\nblock\n&lt;/div&gt;</p>"],
     ["<div"]),
    ("event attribute", "<img src=x onerror=alert(1)>",
     ["<p>&lt;img src=x onerror=alert(1)&gt;</p>"], ["<img"]),
    ("html link", '<a href="javascript:x">a</a>', ['&lt;a href="javascript:x"&gt;a&lt;/a&gt;'],
     ["<a "]),
    ("html comment", "<!-- hidden -->", ["<p>&lt;!-- hidden --&gt;</p>"], ["<!--"]),
    ("line break tag", "line<br>break", ["<p>line&lt;br&gt;break</p>"], ["<br"]),
    # headings stay text: a field cannot add to the page outline
    ("# heading", "# Not a heading", ["<p># Not a heading</p>"], HEADINGS),
    ("### heading", "### Not a heading ###", ["<p>### Not a heading ###</p>"], HEADINGS),
    ("= underline", "Not a heading\n=====", ["<p>Not a heading\n=====</p>"], HEADINGS),
    ("- underline", "Not a heading\n-----", ["<p>Not a heading</p>"], HEADINGS),
    ("heading in a quote", "> # Not a heading", ["<p># Not a heading</p>"], HEADINGS),
    ("heading in a list", "- # Not a heading", ["<li># Not a heading</li>"], HEADINGS),
    ("heading in a note", '!!! note "N"\n    # Not a heading', ["<p># Not a heading</p>"],
     HEADINGS),
    ("heading after text", "Text\n\n## Not a heading\n\nMore",
     ["<p>## Not a heading</p>"], HEADINGS),
    # code shows < and & as written (nothing is escaped before Markdown sees it)
    ("code span", "`a < b && c`", ["<code>a &lt; b &amp;&amp; c</code>"], ["&amp;lt;"]),
    ("code span with tag", "`<b>` and `&amp;`", ["<code>&lt;b&gt;</code>",
                                                "<code>&amp;amp;</code>"], ["<b>"]),
    ("fenced code", "```\n<x> & y\n```", ["<pre><code>&lt;x&gt; &amp; y\n</code></pre>"],
     ["<x>", "&amp;amp;"]),
    ("fenced code with language", "```python\nif a < b: pass\n```",
     ['<code class="language-python">if a &lt; b: pass\n</code>'], []),
    ("text with < and &", "a & b < c > d", ["<p>a &amp; b &lt; c &gt; d</p>"], ["&amp;amp;"]),
    # Markdown's own markup is what the fields are for: kept
    ("emphasis", "**bold** and _em_", ["<p><strong>bold</strong> and <em>em</em></p>"], []),
    ("list", "- one\n- two", ["<ul>\n<li>one</li>\n<li>two</li>\n</ul>"], []),
    ("table", "| a | b |\n|:-|-:|\n| 1 | 2 |",
     ['<th style="text-align:left">a</th>', '<td style="text-align:right">2</td>'], []),
    ("admonition", '!!! note "Bring"\n    Badges', ['<div class="admonition note">',
                                                   '<p class="admonition-title">Bring</p>'],
     []),
    ("details", '???+ note "Open"\n    Inside', ['<details class="note" open',
                                              "<summary>Open</summary>"], []),
    ("definition list", "Term\n:   Meaning", ["<dt>Term</dt>", "<dd>Meaning</dd>"], []),
    ("quote", "> quoted", ["<blockquote>\n<p>quoted</p>\n</blockquote>"], []),
    # the site's other extensions are not the fields': their syntax stays text
    ("toc marker", "[TOC]", ["<p>[TOC]</p>"], ['class="toc"']),
    ("abbreviation", "*[HTML]: Hypertext", ["<p>*[HTML]: Hypertext</p>"], ["<abbr"]),
    ("emoji", "Thanks :smile:", ["<p>Thanks :smile:</p>"], ["<img", "<svg"]),
    ("attribute list", "Text {: onclick=alert(1) .evil }", ["{: onclick=alert(1) .evil }"],
     ['onclick="', 'class="evil"']),
    ("task list", "- [x] done", ["<li>[x] done</li>"], ["<input"]),
    ("images", "![a](https://example.com/x.png)", [], ["<img", "example.com"]),
    ("windows line ends", "one\r\n\r\ntwo", ["<p>one</p>\n<p>two</p>"], ["\r"]),
]


@pytest.mark.parametrize(("source", "present", "absent"),
                         [case[1:] for case in FIELDS], ids=[case[0] for case in FIELDS])
def test_markdown_field(source: str, present: list[str], absent: list[str]) -> None:
    html = str(to_html(source))
    for fragment in present:
        assert fragment in html
    for fragment in absent:
        assert fragment not in html


@pytest.mark.parametrize("text", [None, "", "  \n\t"])
def test_no_text_is_no_html(text: str | None) -> None:
    assert to_html(text) == ""


def test_raw_html_is_step_one_alone() -> None:
    # Python-Markdown's output before the sanitiser: links are there as written, for the check
    assert raw_html("[x](javascript:alert(1))") == '<p><a href="javascript:alert(1)">x</a></p>'
    assert raw_html("<b>x</b>") == "<p>&lt;b&gt;x&lt;/b&gt;</p>"


# Link targets, as [text](target): (case, target, whether the link keeps it)
LINKS = [
    ("https", "https://example.com/a?b=1", True),
    ("http", "http://example.com", True),
    ("mailto", "mailto:sales@example.com", True),
    ("tel", "tel:+86-10-1234", True),
    ("javascript", "javascript:alert(1)", False),
    ("javascript, mixed case", "JaVaScRiPt:alert(1)", False),
    ("javascript, character reference", "&#106;avascript:alert(1)", False),
    ("javascript, encoded colon", "javascript&colon;alert(1)", False),
    ("javascript, tab reference", "java&#9;script:alert(1)", False),
    ("javascript, in brackets", "<javascript:alert(1)>", False),
    ("javascript, control character", "\x01javascript:alert(1)", False),
    ("vbscript", "vbscript:msgbox(1)", False),
    ("data", "data:text/html;base64,PHNjcmlwdD4=", False),
    ("file", "file:///etc/passwd", False),
    ("ftp", "ftp://example.com/x", False),
    ("relative page", "guide/tiers.md", False),
    ("absolute path", "/guide/tiers/", False),
    ("other host without scheme", "//evil.example/x", False),
    ("anchor", "#schedule", False),
    ("no host", "http://", False),
]


def _hrefs(html: str) -> list[str | None]:
    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.hrefs: list[str | None] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "a":
                self.hrefs.append(dict(attrs).get("href"))

    parser = Links()
    parser.feed(html)
    parser.close()
    return parser.hrefs


@pytest.mark.parametrize(("target", "kept"), [case[1:] for case in LINKS],
                         ids=[case[0] for case in LINKS])
@pytest.mark.parametrize("form", ["inline", "reference"])
def test_only_safe_links_survive(target: str, kept: bool, form: str) -> None:
    source = (f"[text]({target})" if form == "inline"
              else f"[text][ref]\n\n[ref]: {target}")
    html = str(to_html(source))
    assert "text" in html
    hrefs = [h for h in _hrefs(html) if h is not None]
    if kept:
        assert hrefs == [target]
        assert 'rel="noopener noreferrer"' in html
    else:
        assert hrefs == [], html


@pytest.mark.parametrize(("source", "href"), [
    ("<https://example.com/x>", "https://example.com/x"),
    ("<sales@example.com>", "mailto:sales@example.com"),
])
def test_autolinks_are_links(source: str, href: str) -> None:
    assert _hrefs(str(to_html(source))) == [href]


def test_a_link_title_cannot_open_an_attribute() -> None:
    html = str(to_html('[x](https://example.com "t" onclick="alert(1)")'))
    assert re.findall(r"<a ([^>]*)>", html) == [
        'href="https://example.com" title="t&quot; onclick=&quot;alert(1)" '
        'rel="noopener noreferrer"']


# What nh3 removes if Markdown ever let something through: (case, HTML, kept, removed)
SANITISED = [
    ("script and its text", "<script>steal()</script>ok", "ok", ["<script", "steal"]),
    ("style and its text", "<style>body{display:none}</style>ok", "ok", ["<style", "display"]),
    ("image", "<img src=x onerror=alert(1)>", "", ["<img", "onerror"]),
    ("iframe", "<iframe src='https://evil.example'></iframe>t", "t", ["<iframe", "evil"]),
    ("svg", "<svg onload=alert(1)><circle/></svg>", "", ["<svg", "onload"]),
    ("form", "<form action='https://evil.example'><input name=a></form>", "",
     ["<form", "<input"]),
    ("object", "<object data=x></object>", "", ["<object"]),
    ("base", "<base href='https://evil.example'>", "", ["<base"]),
    ("meta refresh", "<meta http-equiv=refresh content='0;url=https://evil.example'>", "",
     ["<meta"]),
    ("stylesheet", "<link rel=stylesheet href=https://evil.example/x.css>", "", ["<link"]),
    ("heading", "<h1 id=x>Heading</h1>", "Heading", ["<h1", 'id="x"']),
    ("link scheme and events", "<a href='javascript:x' onclick='y'>a</a>",
     '<a rel="noopener noreferrer">a</a>', ["javascript", "onclick"]),
    ("link target", "<a href='https://example.com' target='_blank'>a</a>",
     '<a href="https://example.com" rel="noopener noreferrer">a</a>', ["target="]),
    ("attributes not listed", "<div class='admonition note' id='x' onmouseover='y'>d</div>",
     '<div class="admonition note">d</div>', ['id="x"', "onmouseover"]),
    ("data attributes", "<span data-x=1 class=c>s</span>", "<span>s</span>", ["data-x", "class"]),
    ("style on a paragraph", "<p style='position:fixed'>p</p>", "<p>p</p>", ["style"]),
    ("style properties but alignment",
     "<table><tr><td style='color:red;text-align:left'>c</td></tr></table>",
     '<td style="text-align:left">c</td>', ["color"]),
    ("events on kept elements", "<details open class=note ontoggle=alert(1)>"
     "<summary>s</summary></details>", '<summary>s</summary>', ["ontoggle"]),
    ("comments", "<!-- secret -->t", "t", ["secret"]),
]


@pytest.mark.parametrize(("html", "kept", "removed"), [case[1:] for case in SANITISED],
                         ids=[case[0] for case in SANITISED])
def test_the_sanitiser_removes_anything_else(html: str, kept: str, removed: list[str]) -> None:
    markdown_fields._to_html.cache_clear()  # the conversion is memoised by text
    with mock.patch.object(markdown_fields, "raw_html", lambda text: text):
        cleaned = str(to_html(html))
    markdown_fields._to_html.cache_clear()
    assert kept in cleaned
    for fragment in removed:
        assert fragment not in cleaned


def test_plain_and_html_text() -> None:
    assert plain(" a\n\tb\x00 c ") == "a b c"
    assert html_text("<b>&") == "&lt;b&gt;&amp;"
    assert html_text(html_text("<b>")) == "&lt;b&gt;"  # escaped once


# --- A rendered packet: every field hostile -----------------------------------------------------

HOSTILE = """\
title: "<script>alert(1)</script> | # Title"
client:
  company: "ACME <img src=x onerror=alert(1)> | x"
  country: DE
  background: |
    # Not a heading
    <iframe src="https://evil.example"></iframe>
    Setext attempt
    ==============
    Use `<b>` & `a && b` {: onclick="alert(1)" }
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
    - {at: "14:00", what: "!!! danger \\"x\\"", where: "<a href=javascript:alert(1)>x</a>",
       notes: "## Item heading <b>x</b>"}
gifts: ["<script>gift()</script>"]
notes: |
  <script>steal()</script>
  Normal *emphasis* works.
"""

# What each plain field shows, character for character
SHOWN = ["<script>alert(1)</script> | # Title", "ACME <img src=x onerror=alert(1)> | x",
         "[link](https://example.com) *stars* _under_ `code`", "Eve <b>bold</b>",
         "| cell | break", "{: .evil onclick=x}", "Li | Na", "<svg onload=alert(1)>",
         '!!! danger "x"', "<a href=javascript:alert(1)>x</a>", "<script>gift()</script>"]
# What the Markdown fields show as text
SHOWN_IN_MARKDOWN = ["# Not a heading", '<iframe src="https://evil.example"></iframe>',
                     "Setext attempt ==============", "<b>", "a && b",
                     '{: onclick="alert(1)" }', "## Item heading <b>x</b>",
                     "<script>steal()</script>"]


class Page(HTMLParser):
    """The elements of a rendered page (tag and attributes) and its text as a browser shows it."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.chunks).replace("¶", "").split())

    def tags(self) -> set[str]:
        return {tag for tag, _ in self.elements}


@pytest.fixture(scope="module")
def packet(policy: Policy, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("hostile")
    path = folder / "hostile.yml"
    path.write_text(HOSTILE, encoding="utf-8")
    loaded = load_visit(path, policy, folder)
    assert loaded.model is not None, [p.format() for p in loaded.problems]
    renderer = Renderer([ROOT / "theme" / "packet"],
                        load_catalogue(ROOT / "theme" / "messages.yml"), policy)
    facts = derive(loaded.model, "hostile", policy)
    return {lang: str(renderer.packet(facts, lang, today=dt.date(2026, 11, 23),
                                      zone="Asia/Shanghai").html) for lang in ("zh", "en")}


LANGS = ["zh", "en"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("tag", ["script", "iframe", "img", "svg", "b", "style", "form"])
def test_no_element_gets_through(packet: dict[str, str], lang: str, tag: str) -> None:
    assert tag not in Page(packet[lang]).tags()


@pytest.mark.parametrize("lang", LANGS)
def test_no_event_attribute_script_link_or_injected_class(packet: dict[str, str],
                                                          lang: str) -> None:
    for tag, attrs in Page(packet[lang]).elements:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        assert not (attrs.get("href") or "").lower().startswith(("javascript", "data")), attrs
        assert "evil" not in (attrs.get("class") or "")


@pytest.mark.parametrize("lang", LANGS)
def test_text_is_shown_as_written(packet: dict[str, str], lang: str) -> None:
    text = Page(packet[lang]).text
    for value in [*SHOWN, *SHOWN_IN_MARKDOWN]:
        assert value in text, value


@pytest.mark.parametrize("lang", LANGS)
def test_markdown_fields_keep_formatting_but_not_structure(packet: dict[str, str],
                                                           lang: str) -> None:
    html = packet[lang]
    assert "<strong>bold stays bold</strong>" in html
    assert "<em>emphasis</em>" in html
    assert "<code>&lt;b&gt;</code>" in html and "<code>a &amp;&amp; b</code>" in html
    # the only headings are the template's, with the template's ids
    headings = [(tag, attrs.get("id")) for tag, attrs in Page(html).elements
                if re.fullmatch(r"h[1-6]", tag)]
    assert headings and all(ident for _, ident in headings)
    assert not [ident for _, ident in headings if ident and "heading" in ident]
    assert not re.search(r"<h[1-6][^>]*>[^<]*(Not a heading|Setext|Item heading)", html)
    assert 'class="admonition danger"' not in html  # "!!! danger" was a plain field


@pytest.mark.parametrize("lang", LANGS)
def test_table_cells_stay_in_place(packet: dict[str, str], lang: str) -> None:
    for row in re.findall(r"<tr>(.*?)</tr>", packet[lang], re.S):
        assert row.count("<td") in (0, 3, 5)
        assert row.count("<th") in (0, 3, 5)


def test_a_packet_template_cannot_be_given_markup(tmp_path: Path, policy: Policy) -> None:
    """Autoescape is on for every template the renderer reads, overrides included."""
    (tmp_path / "people.html").write_text("<p>{{ v.visitors[0].name }}</p>", encoding="utf-8")
    renderer = Renderer([tmp_path, ROOT / "theme" / "packet"],
                        load_catalogue(ROOT / "theme" / "messages.yml"), policy)
    path = tmp_path / "v.yml"
    path.write_text(HOSTILE, encoding="utf-8")
    loaded = load_visit(path, policy, tmp_path)
    assert loaded.model is not None
    html = str(renderer.packet(derive(loaded.model, "v", policy), "en",
                               today=dt.date(2026, 11, 23), zone="Asia/Shanghai").html)
    assert "<p>Eve &lt;b&gt;bold&lt;/b&gt;</p>" in html
