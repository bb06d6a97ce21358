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
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection
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


@dataclass(frozen=True)
class Language:
    """One language's build: its configuration, where it is served, its folder in the site."""

    lang: str
    config_file: Path
    url: str          # the address it is served at
    folder: str       # "" for the default language, "en" for the English site


def _worker(conn: Connection, language: Language, dev_addr: str, today: str | None) -> None:
    """A process that builds one language on request and keeps what it loaded between builds.

    Each request is ``(site_dir, partial)``; the answer ``(ok, messages)``. A partial build
    re-reads only the visit files that changed and writes only their pages (and the visits
    index) into the site it built before; it is asked for only when nothing else changed.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from .plugin import HandbookPlugin
    from .problems import format_report
    from .project import prepare_update, update_project

    state: Any = None   # the plugin of the last full build: what a partial build updates
    started = False
    # Errors go to the server, which shows each once; the terminal gets the rest as before.
    for handler in logging.getLogger("mkdocs").handlers:
        handler.addFilter(lambda record: record.levelno < logging.ERROR)
    if language.folder:  # the default language's build shows the visit files' warnings
        logging.getLogger("mkdocs.plugins.handbook").setLevel(logging.WARNING)
    while True:
        request = conn.recv()
        if request is None:
            break
        site_dir, partial = request
        with _collect_errors() as errors:
            try:
                if partial and isinstance(state, HandbookPlugin) and state.result is not None:
                    result, changed = update_project(state.result)
                    if result.errors:
                        conn.send((False, [format_report(result.problems, result.checked)]))
                        continue
                    state.partial_build(result, changed, Path(site_dir), feeds=False)
                    conn.send((True, []))
                    try:  # answered: nothing may raise from here on
                        state.write_feeds()
                    except Exception as error:
                        log.warning(f"The calendar feeds were not updated: {error}")
                    continue
                config = load_config(config_file=str(language.config_file), site_dir=site_dir,
                                     dev_addr=dev_addr)
                config.site_url = language.url
                if not started:
                    config.plugins.on_startup(command="serve", dirty=False)
                    started = True
                plugin = config.plugins.get("handbook")
                if isinstance(plugin, HandbookPlugin):
                    plugin.build_alternates = False
                    if today:
                        plugin.config.today = today
                state = None
                build(config, serve_url=language.url)
                state = plugin
                conn.send((True, []))
                # While the server serves the new site; the answer is sent, so nothing may
                # raise from here on (the server reads one answer per request).
                if isinstance(plugin, HandbookPlugin) and plugin.result is not None:
                    try:
                        prepare_update(plugin.result)
                    except Exception as error:  # the next save reads the folder itself
                        log.warning(f"The visits folder was not listed ahead: {error}")
            except Exception as error:  # reported by the server, never raised
                state = None  # the next build is a full one
                messages = list(errors.messages)
                if not messages or "Aborted with" not in str(error):
                    messages.append(f"{type(error).__name__}: {error}")
                conn.send((False, messages))


class Worker:
    """The server's side of a :func:`_worker` process."""

    def __init__(self, language: Language, dev_addr: str, today: str | None) -> None:
        methods = multiprocessing.get_all_start_methods()
        context: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.language = language
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, language, dev_addr, today),
                                       name=f"handbook-serve-{language.lang}")
        self.process.start()

    def start(self, site_dir: Path, partial: bool) -> None:
        self.conn.send((str(site_dir), partial))

    def wait(self) -> tuple[bool, list[str]]:
        try:
            ok, messages = self.conn.recv()
        except EOFError:
            return False, [f"the {self.language.lang} build process ended unexpectedly"]
        return bool(ok), list(messages)

    def stop(self) -> None:
        with suppress(OSError, ValueError):
            self.conn.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=5)


def snapshot(roots: list[Path]) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file under *roots* (files or folders), by path;
    links to files count as files, links to folders are not followed."""
    found: dict[str, tuple[int, int]] = {}
    for root in roots:
        if root.is_file():
            with suppress(OSError):
                info = root.stat()
                found[str(root)] = (info.st_size, info.st_mtime_ns)
        elif root.is_dir():
            _walk(str(root), found)
    return found


def _walk(folder: str, found: dict[str, tuple[int, int]]) -> None:
    """The files under *folder* into *found*: one directory read per folder, and the
    directory's own answer for what each entry is (no look at every path), as the server
    snapshots the inputs before every build."""
    try:
        scan = os.scandir(folder)
    except OSError:
        return
    with scan:
        for entry in scan:
            try:
                if entry.is_dir(follow_symlinks=False):
                    _walk(entry.path, found)
                elif entry.is_file():
                    info = entry.stat()
                    found[entry.path] = (info.st_size, info.st_mtime_ns)
            except OSError:
                continue


class SiteBuilder:
    """Builds the site for the server, one worker per language; a failed build is reported,
    never raised.

    A full build goes to a folder of its own and replaces the served site when every language
    has built. When only visit files changed since the last good build, each worker updates the
    served site in place instead (only the changed packets and the visits index), which takes
    a fraction of a second even with thousands of visits; if that fails, nothing was written.
    """

    def __init__(self, workers: list[Worker], work: Path, serve_url: str,
                 inputs: list[Path], visits: Path) -> None:
        self.workers = workers
        self.work = work
        self.served = work / "site"
        self.staging = work / "build"
        self.serve_url = serve_url
        self.inputs = inputs
        self.visits = visits
        self.good_at: str | None = None   # when the site being served was built
        self.built: dict[str, tuple[int, int]] = {}   # the inputs of the site being served
        self.served.mkdir(parents=True, exist_ok=True)

    def _partial(self, now: dict[str, tuple[int, int]]) -> bool:
        if self.good_at is None:
            return False
        changed = {path for path in now.keys() | self.built.keys()
                   if now.get(path) != self.built.get(path)}
        return all(Path(path).is_relative_to(self.visits) for path in changed)

    def __call__(self, config: MkDocsConfig | None = None) -> None:
        del config  # each worker loads its own
        log.info("Building documentation...")
        now = snapshot(self.inputs)
        partial = self._partial(now)
        base = self.served if partial else self.staging / "site"
        shutil.rmtree(self.staging, ignore_errors=True)
        for worker in self.workers:
            folder = worker.language.folder
            worker.start(base / folder if partial or not folder else self.staging / folder,
                         partial)
        answers = [worker.wait() for worker in self.workers]
        if not all(ok for ok, _ in answers):
            messages: list[str] = []
            for _, logged in answers:
                messages.extend(m for m in logged if m not in messages)
            self._failed(messages, None)
            return
        if not partial:
            for worker in self.workers[1:]:
                folder = worker.language.folder
                (self.staging / folder).rename(self.staging / "site" / folder)
            _replace(self.served, self.staging / "site", self.work / "old")
        self.built = now
        self.good_at = time.strftime("%H:%M:%S")
        log.info(f"Serving the new site on {self.serve_url}")

    def _failed(self, logged: list[str], reason: str | None) -> None:
        for message in logged:
            log.error(message)
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

    server_class = _server_class()
    work = Path(tempfile.mkdtemp(prefix="handbook-serve-"))
    workers: list[Worker] = []
    try:
        config = load_config(config_file=str(config_file), site_dir=str(work / "build"),
                             dev_addr=dev_addr)
        host, port = config.dev_addr
        url = _serve_url(host, port, urlsplit(config.site_url or "/").path)
        config.site_url = url
        plugin = config.plugins.get("handbook")
        options = getattr(plugin, "config", None)
        alternates: dict[str, str] = dict(getattr(options, "alternates", None) or {})
        languages = [Language(str(getattr(options, "language", "zh")), config_file, url, "")]
        languages += [Language(lang, root / file, f"{url}{lang}/", lang)
                      for lang, file in alternates.items()]
        workers = [Worker(language, dev_addr, today) for language in languages]
        visits = (root / str(getattr(options, "visits_dir", "visits"))).resolve()
        inputs = [p.resolve() for p in [*(root / n for n in WATCHED), *root.glob("mkdocs*.yml")]
                  if p.exists()]
        builder = SiteBuilder(workers, work, url, inputs, visits)
        config.plugins.on_startup(command="serve", dirty=False)
        try:
            # Polled every 0.2 s rather than MkDocs' 0.5 s: a preview shows an edit in a second.
            server = server_class(builder=builder, host=host, port=port,
                                      root=str(builder.served), mount_path=urlsplit(url).path,
                                      polling_interval=0.2)
            server.error_handler = builder.error_page
            builder()
            _watch(server, config, builder, root)
            _stop_on_sigterm()
            try:
                server.serve()
            except KeyboardInterrupt:
                log.info("Shutting down...")
            finally:
                server.shutdown()
        finally:
            config.plugins.on_shutdown()
    finally:
        for worker in workers:
            worker.stop()
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


def watched_once(paths: list[str]) -> list[str]:
    """*paths* (absolute) without those inside another of them that is a folder, each once."""
    folders = [Path(p) for p in paths if Path(p).is_dir()]
    return [path for path in dict.fromkeys(paths)
            if not any(Path(path) != folder and Path(path).is_relative_to(folder)
                       for folder in folders)]


def _server_class() -> type[Any]:
    from mkdocs.livereload import LiveReloadServer

    class Server(LiveReloadServer):
        """MkDocs' live-reload server, with each folder watched once.

        It polls every watched path on a timer of its own, walking it whole: a folder inside
        another watched folder (docs/zh in docs, theme/packet in theme) would be walked twice
        every 0.2 s, time a preview's rebuild waits for. The paths are gathered as they are
        named and watched when the server starts."""

        def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
            if not recursive:
                super().watch(path, func, recursive=False)
                return
            pending: list[str] = self.__dict__.setdefault("_pending", [])
            pending.append(os.path.abspath(path))

        def serve(self, *, open_in_browser: bool = False) -> None:
            for path in watched_once(self.__dict__.pop("_pending", [])):
                super().watch(path)
            super().serve(open_in_browser=open_in_browser)  # type: ignore[no-untyped-call]

    return Server
