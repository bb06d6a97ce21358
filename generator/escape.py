"""Escaping of visit-file text on its way into generated pages.

Everything a visit file can put on a page goes through one of these:

* :func:`plain` for page-level text (a page's title and description, calendar summaries):
  one line, whitespace collapsed, control characters dropped. It is data, not markup: the
  front matter stores it with a YAML serialiser, icalendar escapes it for a calendar, and
  :func:`html_text` escapes it for HTML.
* :func:`html_text` for text the theme prints into HTML as it is (MkDocs' templates do not
  autoescape): the title and description of a generated page. It returns
  :class:`~markupsafe.Markup`, so escaping it again (Jinja's ``e``) changes nothing: the text is
  escaped once and only once, whichever template prints it.
* :func:`inline` for plain values put into Markdown (the policy tables of the handbook pages,
  :mod:`generator.policy_tables`): HTML is neutralised and every character Markdown or its
  extensions would act on is written as a character reference, so the value shows exactly as
  written. Newlines become spaces, so the value cannot break out of a table cell or list item.
* :func:`block` for Markdown kept as Markdown with raw HTML and heading marks shown as text
  (what the link check of :mod:`generator.links` reads).

Packets are no longer Markdown: their templates autoescape, and the Markdown fields of a visit
file become HTML through :mod:`generator.markdown_fields`.
"""

from __future__ import annotations

import re

import markupsafe
from markupsafe import Markup

# Characters Markdown or one of its extensions may act on. They are written as numeric
# character references, which no Markdown rule interprets, whatever extensions are enabled.
_MD_SPECIAL = frozenset("\\`*_{}[]()#+-.!|~^=:$@%")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def plain(value: object) -> str:
    """One line of text: runs of whitespace become one space, other control characters go."""
    return " ".join(_CONTROL.sub("", str(value)).split())


def html_text(value: object) -> Markup:
    """Text for HTML, escaped once: a :class:`~markupsafe.Markup` is already HTML."""
    if isinstance(value, Markup):
        return value
    return markupsafe.escape(str(value))


def inline(value: object) -> Markup:
    """Plain text, safe anywhere inline (including table cells)."""
    text = plain(value)
    return Markup("".join(_HTML.get(ch) or (f"&#{ord(ch)};" if ch in _MD_SPECIAL else ch)
                          for ch in text))


# A line of = or - under a paragraph makes it a heading, also inside quotes and lists.
_SETEXT = re.compile(r"^([ \t>]*)(=+|-+)[ \t]*$", re.MULTILINE)
_ABBREVIATION = re.compile(r"^([ \t>]*)\*\[", re.MULTILINE)  # *[term]: … defines an abbreviation
_EMOJI = re.compile(r":([a-z0-9_+-]+):")  # :smile: would become an image from a CDN
_UNSAFE_LINK = re.compile(r"(?i)(\]\(\s*<?|\]:\s*<?|<)\s*(javascript|vbscript|data|file):")


def block(value: object) -> Markup:
    """Markdown kept as Markdown, with raw HTML and heading marks shown as plain text."""
    text = str(value).replace("\r\n", "\n").strip("\n")
    text = _UNSAFE_LINK.sub(lambda m: f"{m.group(1)}#unsafe-{m.group(2).lower()}-", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    # Every # as a character reference: a heading needs one at the start of a line, also in
    # a quote, a list item or an admonition, and "#1 supplier" is a heading to Markdown.
    text = text.replace("#", "&#35;")
    text = _SETEXT.sub(lambda m: f"{m.group(1)}&#{ord(m.group(2)[0])};{m.group(2)[1:]}", text)
    text = _ABBREVIATION.sub(lambda m: f"{m.group(1)}&#42;[", text)
    text = text.replace("[TOC]", "&#91;TOC]")  # the table-of-contents marker
    text = _EMOJI.sub(lambda m: f"&#58;{m.group(1)}:", text)
    text = text.replace("{", "&#123;")
    return Markup(text)
