"""The fields a visit file writes in Markdown, as the HTML a packet shows.

The spec declares three fields as Markdown: ``client.background``, ``notes`` and a schedule
item's ``notes``. Everything else a visit file holds is plain text, which the packet templates
escape (they autoescape). A Markdown field becomes HTML here, and only here, in two steps:

1. Python-Markdown with a small set of extensions and with three of its rules switched off:
   raw HTML (``<b>`` shows as text, as written), and ``#`` and underlined headings (a line
   starting with ``#`` stays a line of text, so a field cannot add to the page outline).
   Nothing else needs escaping beforehand, so code spans show ``<`` and ``&`` as written.
2. :func:`nh3.clean` (the Ammonia sanitiser) keeps only the tags and attributes listed below
   and only ``http``, ``https``, ``mailto`` and ``tel`` links: whatever step 1 let through
   by mistake cannot run script or load anything.

``handbook check`` reads the links of a field from the same HTML (:mod:`generator.links`), so
what it accepts is exactly what the packet shows.
"""

from __future__ import annotations

import functools
from typing import Any

from markupsafe import Markup

# Extensions for text a person writes in a visit file: lists, tables, notes boxes, fenced code.
EXTENSIONS = ["admonition", "def_list", "fenced_code", "sane_lists", "tables",
              "pymdownx.details"]

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "hr", "i", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
ATTRIBUTES = {
    "a": {"href", "title"},
    "div": {"class"},        # admonitions: <div class="admonition note">
    "p": {"class"},          # admonition titles: <p class="admonition-title">
    "details": {"class", "open"},
    "th": {"align", "style"},
    "td": {"align", "style"},
    "code": {"class"},       # fenced code: <code class="language-python">
}
SCHEMES = frozenset({"http", "https", "mailto", "tel"})


class TooDeep(Exception):
    """The Markdown nests so deeply that converting it exhausts the recursion limit."""


@functools.cache
def _converter() -> Any:
    import markdown  # type: ignore[import-untyped]  # first use: most files have none

    md = markdown.Markdown(extensions=EXTENSIONS)
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.parser.blockprocessors.deregister("hashheader")
    md.parser.blockprocessors.deregister("setextheader")
    return md


def raw_html(text: str) -> str:
    """Step 1 alone: the field converted by Python-Markdown (for the link check)."""
    converter = _converter()
    converter.reset()
    try:
        return str(converter.convert(text.replace("\r\n", "\n")))
    except RecursionError:
        # reset() leaves the block parser inside the unclosed lists: start a new converter.
        _converter.cache_clear()
        raise TooDeep from None


def to_html(text: str | None) -> Markup:
    """The field as safe HTML for a packet (empty for no text)."""
    if not text or not text.strip():
        return Markup("")
    return _to_html(text)


@functools.lru_cache(maxsize=256)  # a packet shows a field twice: on the page, in search
def _to_html(text: str) -> Markup:
    import nh3

    # url_relative="deny": a link without a scheme (/x, //host/x, #x, page.md) has none of
    # the four, so it goes too (url_schemes alone lets every relative link through).
    html = nh3.clean(raw_html(text), tags=set(TAGS), attributes=ATTRIBUTES,
                     url_schemes=set(SCHEMES), url_relative="deny",
                     link_rel="noopener noreferrer", strip_comments=True,
                     filter_style_properties={"text-align"})
    return Markup(html)
