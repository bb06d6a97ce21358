"""Escaping of visit-file text on its way into generated Markdown.

Everything a visit file can put on a page goes through one of these:

* :func:`inline` for plain values (names, titles, places): HTML is neutralised and every
  character Markdown or its extensions would act on is backslash-escaped, so the value shows
  exactly as written. Newlines become spaces, so the value cannot break out of a table cell or
  list item.
* :func:`block` for the fields the spec declares as Markdown (``background``, ``notes``):
  Markdown formatting is kept, raw HTML is shown as text, and heading marks are shown as
  text so they cannot break the page outline.
"""

from __future__ import annotations

import re

from markupsafe import Markup

# Characters Markdown or one of its extensions may act on. They are written as numeric
# character references, which no Markdown rule interprets, whatever extensions are enabled.
_MD_SPECIAL = frozenset("\\`*_{}[]()#+-.!|~^=:$@%")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}


def _html(text: str) -> str:
    return "".join(_HTML.get(ch, ch) for ch in text)


def inline(value: object) -> Markup:
    """Plain text, safe anywhere inline (including table cells)."""
    text = " ".join(str(value).split())
    return Markup("".join(_HTML.get(ch) or (f"&#{ord(ch)};" if ch in _MD_SPECIAL else ch)
                          for ch in text))


_HEADING = re.compile(r"^(\s{0,3})(#{1,6})(\s)", re.MULTILINE)
_SETEXT = re.compile(r"^(\s{0,3})(=+|-{2,})\s*$", re.MULTILINE)
_UNSAFE_LINK = re.compile(r"(?i)(\]\(\s*<?|\]:\s*<?|<)\s*(javascript|vbscript|data|file):")


def block(value: object, *, indent: str = "") -> Markup:
    """Markdown kept as Markdown, with raw HTML and heading marks shown as plain text."""
    text = str(value).replace("\r\n", "\n").strip("\n")
    text = _UNSAFE_LINK.sub(lambda m: f"{m.group(1)}#unsafe-{m.group(2).lower()}-", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _HEADING.sub(lambda m: f"{m.group(1)}\\{m.group(2)}{m.group(3)}", text)
    text = _SETEXT.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)
    text = text.replace("{", "&#123;")
    if indent:
        text = "\n".join(indent + line if line.strip() else "" for line in text.split("\n"))
    return Markup(text)


def attribute(value: object) -> Markup:
    """A value inside a quoted HTML attribute or link target."""
    return Markup(_html(str(value)))
