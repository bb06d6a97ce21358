"""The MkDocs adapter: a thin layer over :mod:`generator.project` and :mod:`generator.render`.

* ``on_config`` loads and validates the policy and every visit file (or takes the result the
  ``handbook`` command loaded already, see :attr:`HandbookPlugin.preloaded`), and stops the
  build with the full list of problems before MkDocs touches the site folder;
* ``on_files`` adds one empty page per packet and the visits index, and the calendar files
  (only in the build that writes them, see the ``calendars`` option);
* ``on_page_markdown`` gives generated pages their title and description (escaped once, see
  :func:`page_text_as_html`), expands policy tables and shows each handbook page's summary;
* ``on_page_context``, as each page is written, renders a generated page's HTML from the
  facts through the templates (in place of the empty Markdown) with its table of contents;
  while Material's search plugin indexes the page, the page's content is what
  ``search.html`` renders: the facts people search for, as one entry;
* ``on_post_build`` builds the other languages into sub-folders, when MkDocs runs alone
  (``handbook build`` builds them side by side itself);
* ``on_serve`` watches the visits, the policy, the templates and the other languages' docs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config import base, load_config
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from .derive import Facts
from .escape import html_text
from .policy_tables import UnknownTableError, expand_markers
from .problems import Severity, format_report
from .project import Paths, Result, calendars, country_tips, listed, load_project
from .render import Heading, Renderer, Site, collapse_whitespace, label_task_lists

log = logging.getLogger("mkdocs.plugins.handbook")

_H1 = re.compile(r"^# .+$", re.MULTILINE)
INDEX = "visits/index.md"
OVERRIDES = "handbook"   # templates in the theme's custom_dir/handbook/ replace the defaults


def page_text_as_html(page: Page) -> None:
    """The one place where a generated page's page-level text becomes HTML.

    A packet's title and description come from its visit file. Material prints ``page.title``
    and the front matter's strings as they are (MkDocs' templates do not autoescape): in the
    head's ``<title>`` and ``<meta name="description">``, the header, the navigation, tabs and
    the previous/next footer; the search plugin indexes the title as HTML, which its script
    shows with ``innerHTML``. So every top-level string of a generated page's meta and its
    title are replaced here, before any of them is read, by their HTML-escaped text as
    :class:`~markupsafe.Markup`: printed as it is, it shows the text as written, and templates
    that escape (``| e``) leave it alone, so nothing is escaped twice. Never pipe these values
    through ``striptags`` (it unescapes: ``&lt;/title&gt;`` would become a live tag); the
    ``htmltitle`` block in ``theme/overrides/main.html`` avoids Material's use of it.
    """
    for key, value in page.meta.items():
        if isinstance(value, str):
            page.meta[key] = html_text(value)
    if page.title is not None:
        page.title = html_text(page.title)


def toc_tokens(headings: list[Heading]) -> list[Any]:
    """Headings as the tokens MkDocs builds a table of contents from (``name`` is HTML)."""
    return [{"level": h.level, "id": h.id, "name": str(html_text(h.title)),
             "children": toc_tokens(h.children)} for h in headings]


class HandbookConfig(base.Config):  # type: ignore[no-untyped-call]
    language = c.Choice(("zh", "en"), default="zh")
    policy = c.Type(str, default="policy/reception.yml")
    visits_dir = c.Type(str, default="visits")
    templates = c.Type(str, default="theme/packet")
    messages = c.Type(str, default="theme/messages.yml")
    # The build date (YYYY-MM-DD, quoted or not); by default today in the policy's time zone.
    today = c.Optional(c.Type((str, dt.date)))
    alternates = c.Type(dict, default={})
    # Where the calendar files are, relative to this site's root: empty means this build
    # writes them (into visits/); the English site, at en/, links to the Chinese site's: ../
    calendars = c.Type(str, default="")


class HandbookPlugin(BasePlugin[HandbookConfig]):  # type: ignore[no-untyped-call]
    """Briefing packets and policy tables for the reception handbook."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.result: Result | None = None
        # A result the caller loaded already (the handbook command, or the build of the other
        # language): validated once, used by every language. Set it before the build.
        self.preloaded: Result | None = None
        # Whether on_post_build builds the alternates (MkDocs alone) or the caller does, and
        # whether this build writes the calendar files (when the calendars option says it is
        # the one) or the caller does.
        self.build_alternates = True
        self.write_calendars = True
        self.root = Path.cwd()
        self._owners: Any = None
        self._renderer: Renderer | None = None
        self._packets: dict[str, Facts] = {}
        self._sources: dict[str, Path] = {}  # a packet's visit file, by stem
        self._calendar_process: Any = None
        self._feeds_due: tuple[Result, Path] | None = None  # for write_feeds
        self._shown: str | None = None

    # -- loading -------------------------------------------------------------------------

    @property
    def build_date(self) -> str | dt.date | None:
        value = self.config.today
        return value if isinstance(value, str | dt.date) else None

    def paths(self, config: MkDocsConfig) -> Paths:
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        return Paths(self.root, Path(self.config.policy), Path(self.config.visits_dir),
                     Path(self.config.templates), Path(self.config.messages))

    @event_priority(100)  # before Material's search plugin loads jieba's dictionaries
    def _search_paths(self, config: MkDocsConfig) -> MkDocsConfig:
        """Material reads jieba_dict(_user) from the working folder: resolve them from the
        folder of mkdocs.yml, like docs_dir, so that the build works from any folder."""
        logging.getLogger("jieba").setLevel(logging.WARNING)
        search = config.plugins.get("material/search") or config.plugins.get("search")
        options: Any = getattr(search, "config", None)
        root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        for key in ("jieba_dict", "jieba_dict_user"):
            value = options.get(key) if options is not None else None
            if isinstance(value, str) and value and not Path(value).is_absolute():
                options[key] = str(root / value)
        return config

    def _on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._owners = None
        paths = self.paths(config)
        result = self.preloaded
        reported = result is not None and result.paths == paths  # the caller showed them
        if result is None or not reported:
            result = load_project(paths, today=self.build_date)
        if result.errors:
            report = format_report(result.problems, result.checked, result.approved)
            raise PluginError(f"the visit files or the policy have errors; nothing was "
                              f"built.\n{report}")
        for problem in [] if reported else result.problems:
            if problem.severity is Severity.WARNING:
                log.info(problem.format())
        self.result = result
        assert result.policy.model is not None and result.catalogue is not None
        search = [Path(config.theme.custom_dir) / OVERRIDES] if config.theme.custom_dir else []
        self._renderer = Renderer([*search, paths.templates], result.catalogue,
                                  result.policy.model)
        self._icons = _Icons([Path(d) for d in config.theme.dirs])
        return config

    # -- pages ---------------------------------------------------------------------------

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.result is not None
        existing = {file.src_uri for file in files}
        self._set_packets(self.result)
        for src_uri in [*self._packets, INDEX]:
            if src_uri in existing:
                raise PluginError(f"docs/{self.config.language}/{src_uri} is generated from "
                                  "the visit files; remove or rename the file in docs.")
            # Packets are reached from the visits index, not the navigation (a nav listing
            # every packet would make the build quadratic in the number of visits).
            inclusion = (InclusionLevel.INCLUDED if src_uri == INDEX
                         else InclusionLevel.NOT_IN_NAV)
            files.append(File.generated(config, src_uri, content="", inclusion=inclusion))
        if not self.config.calendars and self.write_calendars:
            for name, content in calendars(self.result, site_url=config.site_url).items():
                files.append(File.generated(config, f"visits/{name}", content=content))
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        assert self.result is not None and self.result.policy.model is not None
        if page.file.generated_by and self._generated(page.file.src_uri):
            self._page_meta(page)
            page_text_as_html(page)
            return ""
        try:
            markdown = expand_markers(markdown, self.result.policy.model, self.config.language,
                                      self.result.catalogue)
        except UnknownTableError as error:
            raise PluginError(f"{page.file.src_uri}: unknown policy table '{error.args[0]}' "
                              "in a <!-- policy: … --> marker") from None
        summary = page.meta.get("description")
        if summary:
            markdown = _H1.sub(lambda m: f"{m.group(0)}\n\n{summary}\n{{ .page-summary }}\n",
                               markdown, count=1)
        return markdown

    def _set_packets(self, result: Result) -> None:
        self._packets = {f"visits/{facts.stem}.md": facts for facts in result.facts}
        self._sources = {loaded.path.stem: loaded.path for loaded in result.visits}

    def _generated(self, src_uri: str) -> bool:
        return src_uri == INDEX or src_uri in self._packets

    def _page_meta(self, page: Page) -> None:
        """Title, description and search settings of a generated page, from the facts."""
        assert self.result is not None and self._renderer is not None
        lang = self.config.language
        facts = self._packets.get(page.file.src_uri)
        catalogue = self._renderer.catalogue
        if facts is None:
            page.meta = {"title": catalogue.t(lang, "visits"),
                         "description": catalogue.t(lang, "visits_intro")}
            return
        visit = facts.visit
        page.meta = {"title": self._renderer.title(facts, lang),
                     "description": self._renderer.description(facts, lang),
                     "search": {"boost": 0.5},  # after handbook pages (theme/search/README.md)
                     "packet": {"stem": facts.stem, "confidential": visit.confidential}}
        if visit.confidential:
            page.meta["search"] = {"exclude": True}

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        if page.file.generated_by and self._generated(page.file.src_uri):
            # Rendered when the page is written (_render_generated): MkDocs reads every page
            # before it writes the first, and thousands of packets' HTML need not wait in
            # memory meanwhile.
            return ""
        return label_task_lists(html)

    def _render(self, page: Page) -> tuple[str, str]:
        """A generated page's HTML (its table of contents set on *page*) and what search
        indexes of it."""
        assert self.result is not None and self._renderer is not None
        site = self._site(page, self.files)
        lang = self.config.language
        facts = self._packets.get(page.file.src_uri)
        if facts is None:
            upcoming, past = listed(self.result)
            rendered = self._renderer.index(upcoming, past, lang, self.result.today, site)
        else:
            rendered = self._renderer.packet(
                facts, lang, today=self.result.today, zone=str(_zone(facts, self.result)),
                notes=country_tips(self.result, facts, lang), site=site)
        page.toc = get_toc(toc_tokens(rendered.toc))
        return str(rendered.html), str(rendered.search_html)

    @event_priority(100)  # before the search plugin indexes page.content
    def _render_generated(self, context: Any, *, page: Page, config: MkDocsConfig,
                          nav: Any) -> Any:
        """Render a generated page, and give search what it indexes of it
        (theme/packet/search.html) until the search plugin has run."""
        if page.file.generated_by and self._generated(page.file.src_uri):
            self._shown, page.content = self._render(page)
        return context

    @event_priority(-100)  # after the search plugin
    def _restore_page_html(self, context: Any, *, page: Page, config: MkDocsConfig,
                           nav: Any) -> Any:
        if self._shown is not None:
            page.content, self._shown = self._shown, None
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if page.file.generated_by and self._generated(page.file.src_uri):
            # Written, a generated page's HTML is not needed again (a partial build renders
            # it anew): thousands of packets need not stay in memory until the build ends.
            page.content = ""
            page.toc = get_toc([])
            return collapse_whitespace(output)
        return output

    def _site(self, page: Page, files: Files) -> Site:
        """Links from *page*: to handbook pages, calendars, packets; and icons."""
        here = page.url

        def link(target: str) -> str:
            path, _, anchor = target.partition("#")
            file = files.get_file_from_path(path)
            url = get_relative_url(file.url if file is not None else path, here)
            return f"{url}#{anchor}" if anchor else url

        def calendar(name: str) -> str:
            if not self.config.calendars:
                return get_relative_url(f"visits/{name}", here)
            depth = here.count("/")
            return "../" * depth + self.config.calendars.rstrip("/") + f"/visits/{name}"

        def packet(stem: str) -> str:
            # src_uris, not get_file_from_path: a stem needs no normalising (load.py's _STEM),
            # and the index asks for every visit's
            file = files.src_uris.get(f"visits/{stem}.md")
            return get_relative_url(file.url, here) if file is not None else f"{stem}/"

        return Site(link=link, calendar=calendar, packet=packet, icon=self._icons)

    # -- the other languages, serving, page facts ----------------------------------------

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.build_alternates:
            return
        from mkdocs.commands.build import build as mkdocs_build

        for lang, config_file in self.config.alternates.items():
            other = load_alternate(self.root / config_file, config, lang)
            plugin = other.plugins.get("handbook")
            if isinstance(plugin, HandbookPlugin):
                plugin.preloaded = self.result  # validated once, for every language
            log.info(f"Building the '{lang}' site from {config_file}")
            mkdocs_build(other)

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.nav = nav  # kept, with the files and the environment, for partial_build
        return nav

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.env, self.files, self.mkdocs_config = env, files, config
        # Material's pages carry their configuration as JSON (its search labels in the site's
        # language): Chinese text written as itself takes half the bytes of \u escapes. Jinja's
        # tojson still escapes <, >, & and ' for HTML whatever this says.
        env.policies["json.dumps_kwargs"] = {**env.policies["json.dumps_kwargs"],
                                             "ensure_ascii": False}
        return env

    def partial_build(self, result: Result, changed: set[str], site_dir: Path, *,
                      feeds: bool = True) -> None:
        """Rebuild, after a full build by this plugin's build, only the packets of *changed*
        visits and the visits index into *site_dir* (the site that build made, perhaps moved).

        For the live preview. It uses MkDocs' own functions for reading and writing one page
        (``_populate_page`` and ``_build_page`` of ``mkdocs.commands.build``: private, but
        MkDocs 1.x is pinned and will not change), so every plugin sees these pages as in a
        full build; the search index keeps the other pages' entries and is written again.
        The pages come first: the changed visits' calendar files follow, and the shared feeds
        (seconds of work at thousands of visits) are written by a process of their own
        (:meth:`write_feeds`; with *feeds* false, the caller starts it when it likes, so that
        answering the server does not wait for the process to start).
        """
        from mkdocs.commands import build as mk

        config, files, nav, env = self.mkdocs_config, self.files, self.nav, self.env
        if str(site_dir) != config.site_dir:
            config.site_dir = str(site_dir)
            for moved in files:
                moved.dest_dir = str(site_dir)
                moved.__dict__.pop("abs_dest_path", None)  # a cached property of File
        self.result = result
        self._set_packets(result)
        search = config.plugins.get("material/search") or config.plugins.get("search")
        index = getattr(search, "search_index", None)
        rebuilt: list[File] = []
        gone: list[str] = []  # the addresses of removed packets, each ending in "/"
        for stem in sorted(changed):
            src_uri = f"visits/{stem}.md"
            file: File | None = files.get_file_from_path(src_uri)
            if src_uri not in self._packets:
                if file is not None:
                    files.remove(file)
                    for path in (Path(file.abs_dest_path), site_dir / "visits" / f"{stem}.ics"):
                        path.unlink(missing_ok=True)
                    with contextlib.suppress(OSError):  # its folder, unless something is left
                        Path(file.abs_dest_path).parent.rmdir()
                gone.append(file.url if file is not None else f"visits/{stem}/")
                continue
            if file is None:
                file = File.generated(config, src_uri, content="",
                                      inclusion=InclusionLevel.NOT_IN_NAV)
                files.append(file)
            rebuilt.append(file)
        index_file: File | None = files.get_file_from_path(INDEX)
        if index_file is not None:
            rebuilt.append(index_file)
        if index is not None:  # the pages rebuilt add their entries again as they are built
            urls = {built.url for built in rebuilt}
            index.entries = [e for e in index.entries
                             if e["location"].split("#")[0] not in urls
                             and not e["location"].startswith(tuple(gone))]
        doc_files = files.documentation_pages()
        for built in rebuilt:
            # The index keeps its page, which the navigation holds (its title, its place, the
            # previous and next pages); a packet, in no navigation, gets a new one.
            page = (built.page if built is index_file and built.page is not None
                    else Page(None, built, config))
            mk._populate_page(page, config, files)
            mk._build_page(page, config, doc_files, nav, env)
        if search is not None and index is not None:
            search.on_post_build(config=config)
        if not self.config.calendars:  # this site has the calendar files
            folder = site_dir / "visits"
            folder.mkdir(parents=True, exist_ok=True)
            for name, content in calendars(result, only=changed, shared=False,
                                           site_url=self.mkdocs_config.site_url).items():
                (folder / name).write_bytes(content)  # the changed visits' own
            self._feeds_due = (result, folder)
            if feeds:
                self.write_feeds()

    def write_feeds(self) -> None:
        """The shared calendar feeds (all visits, one per department) of the last partial
        build, which take seconds at thousands of visits: in a process of their own at a
        lower priority, so the pages never wait for them (nor for the processor). A newer edit
        replaces a feed process still running. Nothing when no partial build left them due."""
        import multiprocessing

        due, self._feeds_due = self._feeds_due, None
        if due is None:
            return
        result, folder = due
        site_url = self.mkdocs_config.site_url
        running = self._calendar_process
        if running is not None and running.is_alive():
            running.terminate()
            running.join()
        if "fork" not in multiprocessing.get_all_start_methods():
            _write_feeds(result, folder, site_url)
            return
        process = multiprocessing.get_context("fork").Process(
            target=_write_feeds, args=(result, folder, site_url, FEEDS_NICENESS),
            name="handbook-feeds")
        process.start()
        self._calendar_process = process

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        watched = [self.config.visits_dir, self.config.policy, self.config.templates,
                   self.config.messages, "theme/overrides"]
        for config_file in self.config.alternates.values():
            other = load_config(config_file=str(self.root / config_file))
            watched.extend([str(other.docs_dir), config_file])
        for item in watched:
            path = self.root / item
            if path.exists():
                server.watch(str(path))
        return server

    def _page_facts(self, context: Any, *, page: Page, config: MkDocsConfig,
                    nav: Any) -> Any:
        """Edit link, last change and owner of a page (see :mod:`generator.provenance`).

        A packet's edit link and last-change date come from its visit file in ``visits/``, not
        from the generated page; every page gets its owner from ``docs/owners.yml``.
        """
        from . import provenance as pv
        from .i18n import format_date

        assert self.result is not None and self.result.policy.model is not None
        policy = self.result.policy.model
        owners = self._owners
        if owners is None:  # read once per build, not once per page
            try:
                owners = self._owners = pv.Owners.load(self.root / pv.OWNERS_FILE, policy)
            except pv.OwnersError as error:
                raise PluginError(str(error)) from None
        dept = owners.dept_for(page.file.src_uri)
        person = None
        facts = self._packets.get(page.file.src_uri) if page.file.generated_by else None
        if page.file.generated_by and page.file.src_uri == INDEX and self.result.catalogue:
            # the list as of the build date (the git revision date plugin skips the visits
            # folder: its dates for thousands of generated pages would all be the build time)
            page.meta["handbook_changed"] = format_date(
                self.result.today, self.config.language, self.result.catalogue, year=True,
                weekday=False)
        if facts is not None:
            source = self._sources.get(facts.stem,
                                       self.root / self.config.visits_dir / f"{facts.stem}.yml")
            target = pv.relative_posix(source, self.root)
            docs = pv.relative_posix(Path(config.docs_dir), self.root)
            page.edit_url = (pv.repository_edit_url(config.repo_url, config.edit_uri, docs, target)
                             if target and docs else None)
            history = (self.result.history or {}).get(source.name)
            if history is not None and self.result.catalogue is not None:
                page.meta["handbook_changed"] = format_date(
                    history.changed, self.config.language, self.result.catalogue, year=True,
                    weekday=False)
            found = pv.packet_owner(facts.visit)
            if found:
                dept, person = found
        if dept is not None and dept in policy.departments:
            page.meta["handbook_owner"] = pv.owner_meta(policy, dept, self.config.language, person,
                                                        catalogue=self.result.catalogue)
        return context

    on_page_context = CombinedEvent(_render_generated, _page_facts, _restore_page_html)
    on_config = CombinedEvent(_search_paths, _on_config)


FEEDS_NICENESS = 10  # how much a feed process of the live preview yields to the pages


def _write_feeds(result: Result, folder: Path, site_url: str | None,
                 niceness: int = 0) -> None:
    """The shared calendar feeds of *result* into *folder*, each file replaced whole; in a
    process of its own, first lowering its priority by *niceness*."""
    if niceness:
        with contextlib.suppress(OSError):
            os.nice(niceness)
    for name, content in calendars(result, only=set(), site_url=site_url).items():
        temporary = folder / f".{name}.tmp"
        temporary.write_bytes(content)
        temporary.replace(folder / name)


def _zone(facts: Facts, result: Result) -> object:
    from .load import visit_zone

    assert result.policy.model is not None
    return visit_zone(facts.visit, result.policy.model)


def load_alternate(config_file: Path, primary: MkDocsConfig, lang: str) -> MkDocsConfig:
    """The configuration of another language, built into *lang*/ under the primary site."""
    site_url = (primary.site_url or "").rstrip("/")
    overrides: dict[str, Any] = {"site_dir": str(Path(primary.site_dir) / lang),
                                 "strict": primary.strict}
    if site_url:
        overrides["site_url"] = f"{site_url}/{lang}/"
    return load_config(config_file=str(config_file), **overrides)


class _Icons:
    """Inline SVG icons from the theme's folders (``material/calendar-plus``), read once."""

    def __init__(self, dirs: list[Path]) -> None:
        self.dirs = dirs

    @functools.cache  # noqa: B019 - one instance per build, a handful of icons
    def __call__(self, name: str) -> Markup:
        for folder in self.dirs:
            path = folder / ".icons" / f"{name}.svg"
            if path.is_file():
                return Markup('<span class="twemoji">{}</span>').format(
                    Markup(path.read_text(encoding="utf-8").strip()))
        return Markup("")
