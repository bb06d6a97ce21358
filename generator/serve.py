"""``handbook serve``: MkDocs' live-reload server around a build that never fails the server.

MkDocs' own ``serve`` stops answering while a build fails: its server holds every request until
a rebuild succeeds. Here each build goes to a folder of its own, and only a complete build
replaces the folder being served, so while a visit file is broken the server keeps answering
with the last good site, the terminal shows the located report of every failed rebuild, and
saving the fix brings the new site. If the very first build fails, every address answers with
a page that shows the report until the fix is saved.
"""

from __future__ import annotations

import html
import logging
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger("mkdocs.handbook.serve")

# Inputs watched besides what the MkDocs configuration and the handbook plugin name.
WATCHED = ("docs", "visits", "policy", "theme")

PLACEHOLDER = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>The handbook could not be built</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;margin:2rem;max-width:60rem}}
pre{{white-space:pre-wrap;background:#f4f4f4;padding:1rem}}</style></head>
<body>
<h1>The handbook could not be built · 手册未能生成</h1>
<p>Fix the files named below and save them: this page shows the site once it builds. The same
report is in the terminal that runs <code>handbook serve</code>.</p>
<pre>{report}</pre>
</body>
</html>
"""


class _Errors(logging.Handler):
    """Collects the error messages MkDocs logs during one build."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _collect_errors() -> Iterator[_Errors]:
    handler = _Errors()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def _serve_url(host: str, port: int, path: str) -> str:
    mount = ("/" + path.lstrip("/")).rstrip("/") + "/"
    return f"http://{host}:{port}{mount}"


def _replace(folder: Path, new: Path, old: Path) -> None:
    """Put *new* in place of *folder* (both in the serve's own temporary folder)."""
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    new.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


class SiteBuilder:
    """Builds the site for the server; a failed build is reported, never raised."""

    def __init__(self, load: Callable[[str], MkDocsConfig], work: Path, serve_url: str) -> None:
        self.load = load
        self.work = work
        self.served = work / "site"
        self.staging = work / "build"
        self.serve_url = serve_url
        self.good_at: str | None = None   # when the site being served was built
        self.served.mkdir(parents=True, exist_ok=True)

    def config(self) -> MkDocsConfig:
        config = self.load(str(self.staging))
        config.site_url = self.serve_url
        return config

    def __call__(self, config: MkDocsConfig | None = None) -> None:
        from mkdocs.commands.build import build
        from mkdocs.exceptions import Abort, ConfigurationError

        log.info("Building documentation...")
        with _collect_errors() as errors:
            try:
                if config is None:
                    config = self.config()
                build(config, serve_url=self.serve_url)
            except Abort as error:
                # A visit-file or policy error: MkDocs has just logged the located report.
                self._failed(errors.messages, None if errors.messages else str(error))
                return
            except ConfigurationError as error:
                self._failed(errors.messages, f"the configuration is not valid: {error}")
                return
            except Exception as error:  # a template or a page the build cannot handle
                self._failed(errors.messages, f"{type(error).__name__}: {error}")
                return
        _replace(self.served, self.staging, self.work / "old")
        self.good_at = time.strftime("%H:%M:%S")
        log.info(f"Serving the new site on {self.serve_url}")

    def _failed(self, logged: list[str], reason: str | None) -> None:
        if reason:
            log.error(reason)
        shutil.rmtree(self.staging, ignore_errors=True)
        if self.good_at is None:
            report = "\n\n".join([*logged, *([reason] if reason else [])])
            page = PLACEHOLDER.format(report=html.escape(report))
            (self.served / "index.html").write_text(page, encoding="utf-8")
            log.error(f"The site could not be built; {self.serve_url} shows why until the "
                      "files are fixed. Watching for changes.")
        else:
            log.error(f"The site was not rebuilt; still serving the last good site (built at "
                      f"{self.good_at}). Fix the file and save it to rebuild.")

    def error_page(self, code: int) -> bytes | None:
        """The body for a 404 or 500: the site's 404 page, or the report before a first build."""
        if self.good_at is None:
            placeholder = self.served / "index.html"
            return placeholder.read_bytes() if placeholder.is_file() else None
        page = self.served / "404.html"
        if code in (404, 500) and page.is_file():
            return page.read_bytes()
        return None


def _stop_on_sigterm() -> None:
    """Let a terminated server clean up its temporary folder like an interrupted one."""
    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    with suppress(ValueError):  # not in the main thread
        signal.signal(signal.SIGTERM, handler)


def serve(config_file: Path, root: Path, dev_addr: str, today: str | None = None) -> None:
    """Serve the site at *dev_addr* until interrupted. Raises ConfigurationError only when the
    MkDocs configuration cannot be read at start (nothing to serve)."""
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    def load(site_dir: str) -> MkDocsConfig:
        config = load_config(config_file=str(config_file), site_dir=site_dir, dev_addr=dev_addr)
        plugin = config.plugins.get("handbook")
        if today and plugin is not None:
            plugin.config.today = today  # the build date, for every language's build
        return config

    work = Path(tempfile.mkdtemp(prefix="handbook-serve-"))
    try:
        config = load(str(work / "build"))
        host, port = config.dev_addr
        url = _serve_url(host, port, urlsplit(config.site_url or "/").path)
        builder = SiteBuilder(load, work, url)
        config.site_url = url
        config.plugins.on_startup(command="serve", dirty=False)
        try:
            server = LiveReloadServer(builder=builder, host=host, port=port,
                                      root=str(builder.served),
                                      mount_path=urlsplit(url).path)
            server.error_handler = builder.error_page
            builder(config)
            _watch(server, config, builder, root)
            _stop_on_sigterm()
            try:
                server.serve()  # type: ignore[no-untyped-call]
            except KeyboardInterrupt:
                log.info("Shutting down...")
            finally:
                server.shutdown()
        finally:
            config.plugins.on_shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _watch(server: Any, config: MkDocsConfig, builder: SiteBuilder, root: Path) -> None:
    """Watch what MkDocs' serve watches, what the plugins ask for, and the project's inputs."""
    from mkdocs.exceptions import ConfigurationError

    server.watch(config.docs_dir)
    for path in [*(root / name for name in WATCHED), *root.glob("mkdocs*.yml")]:
        if path.exists():
            server.watch(str(path))
    try:
        config.plugins.on_serve(server, config=config, builder=builder)
    except (ConfigurationError, OSError) as error:
        log.warning(f"Not every input is watched: {error}")
    for item in config.watch:
        server.watch(item)
