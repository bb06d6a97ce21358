"""Links and images in the Markdown fields of a visit file, judged on the HTML they become.

A visit file's Markdown (``client.background``, ``notes``, schedule items' ``notes``) may link
to web pages, e-mail addresses and phone numbers. Anything else would either run script
(``javascript:``), load something from elsewhere (images), or point at a page that the strict
build cannot resolve (``guide/tiers.md``, ``/abs``, ``#anchor``). ``handbook check`` refuses
those, so whatever it accepts, the build publishes.

The field is converted exactly as the packet converts it (:func:`generator.escape.block`, then
Python-Markdown with the link-making extensions of the site), and the links are read from the
resulting HTML, so a reference-style link or an autolink cannot slip past a pattern.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from . import escape

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# The site's Markdown extensions that can hold or create links and images (mkdocs.base.yml):
# a link inside an admonition or a details block is a link all the same.
EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html",
              "tables", "pymdownx.details", "pymdownx.superfences"]


@dataclass(frozen=True)
class Link:
    target: str
    image: bool = False


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Link] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img":
            self.found.append(Link(values.get("src") or "", image=True))
        elif tag == "a" and values.get("href") is not None:
            href = values["href"] or ""
            if not _is_footnote(values, href):
                self.found.append(Link(href))


def _is_footnote(attrs: dict[str, str | None], href: str) -> bool:
    """Footnote references and back-links are anchors the footnotes extension makes itself."""
    classes = (attrs.get("class") or "").split()
    return href.startswith("#fn") and bool({"footnote-ref", "footnote-backref"} & set(classes))


@functools.cache
def _converter() -> Any:
    import markdown  # type: ignore[import-untyped]  # first conversion: most checks need none

    return markdown.Markdown(extensions=EXTENSIONS)


def is_safe(target: str) -> bool:
    scheme = urlsplit(target.strip()).scheme.lower()
    if scheme not in SAFE_SCHEMES:
        return False
    return scheme not in ("http", "https") or bool(urlsplit(target.strip()).netloc)


_NEUTRALISED = re.compile(r"^#unsafe-([a-z]+)-")


def _as_written(target: str) -> str:
    """The target as the file wrote it (escape.block neutralises script schemes to anchors)."""
    target = target.strip()
    if target.startswith("<") and target.endswith(">"):
        target = target[1:-1].strip()
    return _NEUTRALISED.sub(lambda m: f"{m.group(1)}:", target)


class TooDeep(Exception):
    """The Markdown nests so deeply that converting it exhausts the recursion limit."""


# Characters that can open a block inside a block: quotes (>), list items (- * + and 1.),
# definitions (:), admonitions (!!!) and details (???). Indentation nests too.
_NESTING = re.compile(r"[>*+\-:!?\d]")
FLAT = 40  # at most this much indentation and nesting characters on every line: see _flat


def _flat(source: str) -> bool:
    """Whether converting *source* (escaped Markdown) can neither make a link or an image nor
    nest deeply enough to exhaust the recursion limit, so that it need not be converted.

    Every link and image needs a ``[`` (raw HTML and autolinks need a ``<``, which
    :func:`escape.block` writes as ``&lt;``). Each level of nesting needs a nesting character
    or four columns of indentation on the line that holds the nested text, and costs at most
    three stack frames; a line within :data:`FLAT` is nowhere near the recursion limit
    (tests/test_yamlload.py measures both).
    """
    if "[" in source or "<" in source:
        return False
    for line in source.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if indent + 3 * line.count("\t", 0, indent) + len(_NESTING.findall(stripped)) > FLAT:
            return False
    return True


def unsafe_links(text: str) -> list[Link]:
    """Every image, and every link whose target is not an http(s), mailto or tel address.

    Give all the Markdown fields of one page together: a reference link in one field may be
    defined in another, as on the page. Raises :class:`TooDeep` for Markdown that the build
    could not convert either.
    """
    source = str(escape.block(text))
    if _flat(source):
        return []
    converter = _converter()
    converter.reset()
    try:
        html = converter.convert(source)
    except RecursionError:
        # The converter stopped halfway: its block parser still thinks it is inside hundreds
        # of lists (reset() does not clear that), so the next text would be misread and its
        # images and links missed. The next conversion gets a new converter.
        _converter.cache_clear()
        raise TooDeep from None
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return [Link(_as_written(link.target), link.image) for link in collector.found
            if link.image or not is_safe(link.target)]
