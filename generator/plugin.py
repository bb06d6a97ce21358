"""The MkDocs adapter: a thin layer over :mod:`generator.project`.

* ``on_config`` loads and validates the policy and every visit file, and stops the build with
  the full list of problems before MkDocs touches the site folder;
* ``on_files`` adds the generated packets, the visits index and calendars as in-memory files;
* ``on_page_markdown`` expands policy tables and shows each page's summary;
* ``on_post_build`` builds the other languages into sub-folders (one build per language);
* ``on_serve`` watches the visits, the policy, the templates and the other languages' docs.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .policy_tables import UnknownTableError, expand_markers
from .problems import Severity, format_report
from .project import Paths, Result, generated_pages, load_project

log = logging.getLogger("mkdocs.plugins.handbook")

_H1 = re.compile(r"^# .+$", re.MULTILINE)


class HandbookConfig(base.Config):
    language = c.Choice(("zh", "en"), default="zh")
    policy = c.Type(str, default="policy/reception.yml")
    visits_dir = c.Type(str, default="visits")
    templates = c.Type(str, default="theme/packet")
    messages = c.Type(str, default="theme/messages.yml")
    today = c.Optional(c.Type(str))
    alternates = c.Type(dict, default={})


class HandbookPlugin(BasePlugin[HandbookConfig]):
    """Briefing packets and policy tables for the reception handbook."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.result: Result | None = None
        self.root = Path.cwd()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        paths = Paths(self.root, Path(self.config.policy), Path(self.config.visits_dir),
                      Path(self.config.templates), Path(self.config.messages))
        result = load_project(paths, today=self.config.today)
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
            files.append(File.generated(config, src_uri, content=content))
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        assert self.result is not None and self.result.policy.model is not None
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
