"""``handbook pdf``: briefing packets as PDF files, in both languages, printed by Chromium.

The site is built as ``handbook build`` builds it, into the system's temporary folder; it is
served on 127.0.0.1 and Chromium, driven by playwright (the ``pdf`` extra), prints each packet
page with the site's print style (``theme/overrides/assets/stylesheets/print.css``) and a
header and footer of its own on every page: the visit's name, "internal use only" and the page
number. The page of the site is what is printed, so the PDF says what the site says.

Which visits: the ones named (a visit file or its name, confidential and past ones too), or
by default every upcoming visit that the visits index lists (not confidential, not over by the
build date). What is missing (playwright, a Chromium, a Chinese font) is said in one message
that names what to install.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .derive import Facts
from .models.common import LANGUAGES
from .project import Result, listed

# Where Chromium is looked for: Debian's package, then `chromium` on the PATH, then the build
# that `playwright install chromium` downloads.
DEBIAN_CHROMIUM = "/usr/bin/chromium"
NO_PLAYWRIGHT = ("handbook pdf needs playwright, which drives Chromium: "
                 "pip install 'reception-handbook[pdf]' (in this project: "
                 ".venv/bin/pip install -e '.[pdf]')")
NO_BROWSER = ("handbook pdf needs Chromium, and none was found (not /usr/bin/chromium, no "
              "'chromium' on the PATH, no browser of playwright's own). Install one: on Debian "
              "or Ubuntu, apt-get install chromium; elsewhere, playwright install chromium")
NO_CJK_FONT = ("warning: no Chinese font is installed (fc-list :lang=zh lists none), so the "
               "Chinese PDFs will show empty boxes instead of Chinese text; install one: on "
               "Debian or Ubuntu, apt-get install fonts-noto-cjk")
ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-gpu"]
# The page's margins: the header and the footer are printed in the top and bottom ones.
MARGIN = {"top": "15mm", "bottom": "14mm", "left": "13mm", "right": "13mm"}
# The print style's own page furniture (its @page margin boxes, for Ctrl+P) gives way to the
# header and footer below, which also carry the visit's name.
MARGIN_BOXES = ("top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
                "bottom-left-corner", "bottom-left", "bottom-center", "bottom-right",
                "bottom-right-corner", "left-top", "left-middle", "left-bottom", "right-top",
                "right-middle", "right-bottom")
NO_MARGIN_BOXES = "@page { " + " ".join(f"@{box} {{ content: none; }}"
                                         for box in MARGIN_BOXES) + " }"
# The header's and footer's words; the mark is in both languages, the page's first.
WORDS = {
    "zh": {"internal": "仅供内部使用 · Internal use only", "confidential": "保密",
           "as_of": "截至 {date}", "page": "第 {page} / {pages} 页"},
    "en": {"internal": "Internal use only · 仅供内部使用", "confidential": "Confidential",
           "as_of": "As of {date}", "page": "Page {page} of {pages}"},
}
# Page numbers: Chromium fills in these two classes on every page.
PAGE_NUMBER = '<span class="pageNumber"></span>'
TOTAL_PAGES = '<span class="totalPages"></span>'
# Chromium prints the header and footer at its own tiny default size, without the page's
# style: everything is set inline, in the print style's fonts (print.css says why WenQuanYi).
BAR = ("width:100%;margin:0 13mm;display:flex;justify-content:space-between;gap:6mm;"
       "font-family:Helvetica,Arial,'WenQuanYi Micro Hei',sans-serif;font-size:7.5pt;"
       "color:#444;"
       "-webkit-print-color-adjust:exact")


class PdfUnavailable(Exception):
    """What is needed to print is missing; the message says what to install."""


class UnknownVisit(Exception):
    """A visit named on the command line is not in the visits folder."""


@dataclass(frozen=True)
class Packet:
    """One packet page to print: the visit's file name (stem), its language and where the
    page is in the site (relative to the site's root)."""

    stem: str
    lang: str
    confidential: bool
    default: bool = True  # the site's default language, at its root (the others in lang/)

    @property
    def url_path(self) -> str:
        prefix = "" if self.default else f"{self.lang}/"
        return f"{prefix}visits/{self.stem}/"

    @property
    def file_name(self) -> str:
        return f"{self.stem}.{self.lang}.pdf"


# ---------------------------------------------------------------------------------------------
# What is needed: playwright, a Chromium, a Chinese font


def sync_playwright() -> Any:
    """playwright's ``sync_playwright``, or :class:`PdfUnavailable` saying how to install it."""
    try:
        from playwright.sync_api import sync_playwright as start
    except ImportError:
        raise PdfUnavailable(NO_PLAYWRIGHT) from None
    return start


def system_browser() -> str | None:
    """Debian's Chromium, or a ``chromium`` on the PATH."""
    for candidate in (DEBIAN_CHROMIUM, shutil.which("chromium")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def bundled_browser() -> str | None:
    """The Chromium that ``playwright install chromium`` downloaded, if it did."""
    with sync_playwright()() as playwright:
        path = str(playwright.chromium.executable_path or "")
    return path if path and os.path.isfile(path) else None


def find_browser() -> str:
    """The Chromium to print with, or :class:`PdfUnavailable` saying what to install."""
    sync_playwright()  # playwright first: without it, no browser can be driven
    found = system_browser() or bundled_browser()
    if found is None:
        raise PdfUnavailable(NO_BROWSER)
    return found


def font_warning() -> str | None:
    """A warning when fontconfig knows no Chinese font (Chinese would print as empty boxes);
    None when there is one, or where there is no fontconfig to ask (Windows, macOS)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True,
                               text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if found.returncode != 0:
        return None
    return None if found.stdout.strip() else NO_CJK_FONT


# ---------------------------------------------------------------------------------------------
# Which packets


def visit_name(argument: str) -> str:
    """A visit's name (its file's stem) from what the user typed: the name, a file name or a
    path to the file."""
    name = Path(argument).name
    for suffix in (".yml", ".yaml"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def choose(result: Result, names: Sequence[str]) -> list[Facts]:
    """The visits to print: those *names* name, in that order (each once), or by default the
    upcoming visits of the visits index (not confidential, not over), soonest first."""
    if not names:
        upcoming, _past = listed(result)
        return upcoming
    by_stem = {facts.stem: facts for facts in result.facts}
    chosen: list[Facts] = []
    unknown: list[str] = []
    for argument in names:
        facts = by_stem.get(visit_name(argument))
        if facts is None:
            unknown.append(argument)
        elif facts not in chosen:
            chosen.append(facts)
    if unknown:
        raise UnknownVisit(", ".join(unknown))
    return chosen


def packets(visits: Sequence[Facts], languages: Sequence[str] = LANGUAGES) -> list[Packet]:
    """Each visit's packet in each of *languages*, the site's default language first."""
    return [Packet(facts.stem, lang, facts.visit.confidential, default=n == 0)
            for facts in visits for n, lang in enumerate(languages)]


# ---------------------------------------------------------------------------------------------
# Header, footer, printing


def header_template(title: str, packet: Packet) -> str:
    words = WORDS[packet.lang]
    name = html.escape(title)
    if packet.confidential:
        name = f'<b style="color:#b00">{html.escape(words["confidential"])}</b> · {name}'
    return (f'<div style="{BAR}"><span style="overflow:hidden;text-overflow:ellipsis;'
            f'white-space:nowrap">{name}</span><span style="white-space:nowrap">'
            f'{html.escape(words["internal"])}</span></div>')


def footer_template(packet: Packet, today: dt.date) -> str:
    words = WORDS[packet.lang]
    as_of = html.escape(words["as_of"].format(date=today.isoformat()))
    page = html.escape(words["page"]).format(page=PAGE_NUMBER, pages=TOTAL_PAGES)
    return (f'<div style="{BAR}"><span>{as_of}</span>'
            f'<span style="white-space:nowrap">{page}</span></div>')


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve *site* on a free port of 127.0.0.1 while the block runs; yields its root URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, name="handbook-pdf-server",
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def print_packets(site: Path, todo: Sequence[Packet], output: Path, *, browser: str,
                  today: dt.date, paper: str = "A4") -> list[Path]:
    """Print each packet of the built *site* into *output*; returns the files written.

    Each file is written next to its final name and renamed into place, so a file in
    *output* is always a whole PDF."""
    output.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with serve(site) as base, sync_playwright()() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser, args=ARGS)
        try:
            page = chromium.new_page()
            for packet in todo:
                page.goto(base + packet.url_path, wait_until="load")
                page.add_style_tag(content=NO_MARGIN_BOXES)
                title = page.locator("article h1").first.inner_text().strip()
                target = output / packet.file_name
                partial = output / f".{packet.file_name}.part"
                try:
                    page.pdf(path=str(partial), format=paper, print_background=True,
                             display_header_footer=True,
                             header_template=header_template(title, packet),
                             footer_template=footer_template(packet, today),
                             margin=MARGIN)
                    partial.replace(target)
                finally:
                    partial.unlink(missing_ok=True)
                written.append(target)
        finally:
            chromium.close()
    return written


# ---------------------------------------------------------------------------------------------
# The command


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def run(config_file: Path, names: Sequence[str], output: Path, *, today: str | None,
        paper: str = "A4") -> int:
    """``handbook pdf``: 0 when every PDF was written; 1 when something to print with is
    missing or the project does not build; 2 when a named visit does not exist."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    from . import build

    try:
        browser = find_browser()
    except PdfUnavailable as error:
        print(error, file=sys.stderr)
        return 1
    warning = font_warning()
    if warning:
        print(warning, file=sys.stderr)
    os.environ["HANDBOOK_PREVIEW"] = "false"  # a served site (mkdocs.base.yml's offline plugin)
    staging = Path(tempfile.mkdtemp(prefix="handbook-pdf-"))
    try:
        try:
            config = load_config(config_file=str(config_file), site_dir=str(staging / "site"),
                                 strict=False)
        except ConfigurationError as error:
            print(f"cannot print: {error}", file=sys.stderr)
            return 1
        try:
            result = build.load(config, today)
        except build.BuildFailed as error:
            print(f"cannot print: {error}", file=sys.stderr)
            return 1
        build.report(result)
        if result.errors:
            return 1
        try:
            visits = choose(result, names)
        except UnknownVisit as error:
            known = ", ".join(sorted(f.stem for f in result.facts)) or "none"
            print(f"no such visit: {error}; the visits are: {known}", file=sys.stderr)
            return 2
        if not visits:
            print(f"no upcoming visit to print (as of {result.today}); name one to print a "
                  "past or confidential visit: handbook pdf VISIT", file=sys.stderr)
            return 0
        jobs = build.jobs_for(config, staging)
        if not build.build_languages(jobs, result, strict=False,
                                     calendars=staging / "calendars"):
            print("cannot print: the site did not build (see the messages above)",
                  file=sys.stderr)
            return 1
        site = build.assemble(jobs, staging / "calendars")
        languages = [job.lang for job in jobs]
        try:
            written = print_packets(site, packets(visits, languages), output, browser=browser,
                                    today=result.today, paper=paper)
        except Exception as error:  # playwright's Error: Chromium would not start or print
            first = str(error).strip().splitlines()[0] if str(error).strip() else ""
            print(f"Chromium ({browser}) could not print: {type(error).__name__}: {first}",
                  file=sys.stderr)
            return 1
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for path in written:
        print(f"wrote {_shown(path)}")
    return 0
