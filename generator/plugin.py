"""The MkDocs adapter: a thin layer over :mod:`generator.project`.

* ``on_config`` loads and validates the policy and every visit file, and stops the build with
  the full list of problems before MkDocs touches the site folder;
* ``on_files`` adds the generated packets, the visits index and calendars as in-memory files;
* ``on_page_markdown`` makes the title and description of generated pages HTML (escaped once,
  see :func:`page_text_as_html`), expands policy tables and shows each page's summary;
* ``on_post_build`` builds the other languages into sub-folders (one build per language);
* ``on_serve`` watches the visits, the policy, the templates and the other languages' docs.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import base, load_config
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .escape import html_text
from .policy_tables import UnknownTableError, expand_markers
from .problems import Severity, format_report
from .project import TODAY_ENV, Paths, Result, fingerprint, generated_pages, load_project

log = logging.getLogger("mkdocs.plugins.handbook")

# The last loaded project, shared by the language builds of one `mkdocs build` or serve cycle.
_LOADED: dict[tuple[object, ...], Result] = {}

_H1 = re.compile(r"^# .+$", re.MULTILINE)


def page_text_as_html(page: Page) -> None:
    """The one place where a generated page's page-level text becomes HTML.

    A packet's title and description come from its visit file. Material prints ``page.title``
    and the front matter's strings as they are (MkDocs' templates do not autoescape): in the
    head's ``<title>`` and ``<meta name="description">``, the header, the navigation, tabs and
    the previous/next footer; the search plugin indexes the title as HTML, which its script
    shows with ``innerHTML``. So every top-level string of a generated page's front matter and
    its title are replaced here, before any of them is read, by their HTML-escaped text as
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


class HandbookConfig(base.Config):  # type: ignore[no-untyped-call]
    language = c.Choice(("zh", "en"), default="zh")
    policy = c.Type(str, default="policy/reception.yml")
    visits_dir = c.Type(str, default="visits")
    templates = c.Type(str, default="theme/packet")
    messages = c.Type(str, default="theme/messages.yml")
    today = c.Optional(c.Type(str))
    alternates = c.Type(dict, default={})


class HandbookPlugin(BasePlugin[HandbookConfig]):  # type: ignore[no-untyped-call]
    """Briefing packets and policy tables for the reception handbook."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.result: Result | None = None
        self.root = Path.cwd()
        self._owners: Any = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        logging.getLogger("jieba").setLevel(logging.WARNING)
        self._owners = None
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        paths = Paths(self.root, Path(self.config.policy), Path(self.config.visits_dir),
                      Path(self.config.templates), Path(self.config.messages))
        key = (paths, self.config.today, os.environ.get(TODAY_ENV), fingerprint(paths))
        result = _LOADED.get(key)
        if result is None:  # the other language's build of the same inputs loads nothing again
            result = load_project(paths, today=self.config.today)
            _LOADED.clear()
            _LOADED[key] = result
        warnings = [p for p in result.problems if p.severity is Severity.WARNING]
        if result.errors:
            report = format_report(result.problems, result.checked)
            raise PluginError(f"the visit files or the policy have errors; nothing was "
                              f"built.\n{report}")
        for problem in warnings:
            log.info(problem.format())
        self.result = result
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.result is not None
        for src_uri, content in generated_pages(self.result, self.config.language).items():
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(f"docs/{self.config.language}/{src_uri} is generated from "
                                  "the visit files; remove or rename the file in docs.")
            # Packets are reached from the visits index, not the navigation (a nav listing
            # every packet would make the build quadratic in the number of visits).
            inclusion = (InclusionLevel.INCLUDED if src_uri == "visits/index.md"
                         else InclusionLevel.NOT_IN_NAV)
            files.append(File.generated(config, src_uri, content=content, inclusion=inclusion))
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        assert self.result is not None and self.result.policy.model is not None
        if page.file.generated_by:
            page_text_as_html(page)
        try:
            markdown = expand_markers(markdown, self.result.policy.model, self.config.language,
                                      self.result.catalogue)
        except UnknownTableError as error:
            raise PluginError(f"{page.file.src_uri}: unknown policy table '{error.args[0]}' "
                              "in a <!-- policy: … --> marker") from None
        summary = page.meta.get("description")
        if summary and not page.file.generated_by:
            markdown = _H1.sub(lambda m: f"{m.group(0)}\n\n{summary}\n{{ .page-summary }}\n",
                               markdown, count=1)
        return markdown

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        for lang, config_file in self.config.alternates.items():
            path = (self.root / config_file).resolve()
            site_url = (config.site_url or "").rstrip("/")
            overrides: dict[str, Any] = {
                "site_dir": str(Path(config.site_dir) / lang),
                "strict": config.strict,
            }
            if site_url:
                overrides["site_url"] = f"{site_url}/{lang}/"
            log.info(f"Building the '{lang}' site from {config_file}")
            other = load_config(config_file=str(path), **overrides)
            mkdocs_build(other)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
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

    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig,
                        nav: Any) -> Any:
        """Edit link, last change and owner of a page (see :mod:`generator.provenance`).

        A packet's edit link and last-change date come from its visit file in ``visits/``, not
        from the generated Markdown; every page gets its owner from ``docs/owners.yml``.
        """
        from . import provenance as pv

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
        packet = page.meta.get("packet") if page.file.generated_by else None
        if isinstance(packet, dict) and packet.get("stem"):
            stem = str(packet["stem"])
            loaded = next((v for v in self.result.visits if v.path.stem == stem), None)
            source = (loaded.path if loaded is not None
                      else self.root / self.config.visits_dir / f"{stem}.yml")
            target = pv.relative_posix(source, self.root)
            docs = pv.relative_posix(Path(config.docs_dir), self.root)
            page.edit_url = (pv.repository_edit_url(config.repo_url, config.edit_uri, docs, target)
                             if target and docs else None)
            dates = pv.git_date(config.plugins.get("git-revision-date-localized"), source)
            if dates:
                page.meta.update(dates)
            found = pv.packet_owner(loaded.model) if loaded and loaded.model else None
            if found:
                dept, person = found
        if dept is not None and dept in policy.departments:
            page.meta["handbook_owner"] = pv.owner_meta(policy, dept, self.config.language, person)
        return context
