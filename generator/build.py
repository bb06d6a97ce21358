"""``handbook build``: validate once, then build every language side by side.

The project (policy, visit files, country notes) is loaded and validated once, in this
process. This process then builds the default language into ``<staging>/site`` while forked
processes (which share the loaded project, not copy or load it again) build each other
language into ``<staging>/<lang>``, which moves into ``site/<lang>/`` when all have finished.
This process then writes the calendar files, the same in every language, once, when it is the
only one left: beside the builds, their memory would come on top of two whole sites'. Where
processes cannot be forked the calendars are written and the languages built one after the
other, with the same result."""

from __future__ import annotations

import functools
import gc
import multiprocessing
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .problems import Severity, format_report
from .project import Result, load_project

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


@dataclass(frozen=True)
class Job:
    lang: str
    config_file: Path
    site_dir: Path
    site_url: str | None
    jieba_dict: str = ""  # the search plugin's own jieba dictionary, if its configuration has one


class BuildFailed(Exception):
    """A language's build failed; MkDocs has logged why."""


def _configure(job: Job, result: Result, strict: bool) -> MkDocsConfig:
    from mkdocs.config import load_config

    from .plugin import HandbookPlugin

    overrides: dict[str, Any] = {"site_dir": str(job.site_dir), "strict": strict}
    if job.site_url:
        overrides["site_url"] = job.site_url
    config = load_config(config_file=str(job.config_file), **overrides)
    plugin = config.plugins.get("handbook")
    if isinstance(plugin, HandbookPlugin):
        plugin.preloaded = result
        plugin.build_alternates = False
        plugin.write_calendars = False  # write_calendars() does, while the languages build
    return config


def _build_one(job: Job, result: Result, strict: bool) -> int:
    """Build one language; 0 when it worked, 1 when MkDocs refused (it has said why)."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    try:
        build(_configure(job, result, strict))
    except (Abort, ConfigurationError, PluginError) as error:
        if "Aborted with" not in str(error):
            print(f"the {job.lang} build failed: {error}", file=sys.stderr)
        return 1
    return 0


def _guarded(name: str, work: Callable[[], int]) -> int:
    """*work*'s exit code; a bug in it is said in one line with *name*, never a traceback."""
    try:
        return work()
    except Exception as error:
        print(f"{name} stopped: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


def _exit_with(work: Callable[[], int]) -> None:
    """The body of a forked process: run *work*, flush what it printed, exit with its code."""
    code = work()
    sys.stdout.flush()
    sys.stderr.flush()
    raise SystemExit(code)


def _build_job(job: Job, result: Result, strict: bool) -> int:
    return _guarded(f"the {job.lang} build", lambda: _build_one(job, result, strict))


def _write_job(result: Result, folder: Path, site_url: str | None) -> int:
    def work() -> int:
        write_calendars(result, folder, site_url)
        return 0

    return _guarded("writing the calendar files", work)


def jobs_for(primary: MkDocsConfig, staging: Path) -> list[Job]:
    """The default language into ``staging/site``, each alternate into ``staging/<lang>``."""
    root = Path(primary.config_file_path or "mkdocs.yml").resolve().parent
    plugin = primary.plugins.get("handbook")
    options = getattr(plugin, "config", None)
    alternates: dict[str, str] = dict(getattr(options, "alternates", None) or {})
    site_url = (primary.site_url or "").rstrip("/")
    search = getattr(primary.plugins.get("search"), "config", None)
    jobs = [Job(str(getattr(options, "language", "zh")), Path(str(primary.config_file_path)),
                staging / "site", primary.site_url,
                str(getattr(search, "jieba_dict", None) or ""))]
    for lang, config_file in alternates.items():
        jobs.append(Job(lang, root / config_file, staging / lang,
                        f"{site_url}/{lang}/" if site_url else None))
    return jobs


def load(primary: MkDocsConfig, today: str | None) -> Result:
    """Load and validate the project the primary configuration's plugin names."""
    from .plugin import HandbookPlugin

    plugin = primary.plugins.get("handbook")
    if not isinstance(plugin, HandbookPlugin):
        raise BuildFailed("the configuration has no 'handbook' plugin")
    return load_project(plugin.paths(primary), today=today or plugin.build_date)


def report(result: Result) -> None:
    """Print the problems: errors stop the build, warnings are shown once for all languages."""
    if result.errors:
        print(format_report(result.problems, result.checked, result.approved), file=sys.stderr)
        print("the visit files or the policy have errors; nothing was built.", file=sys.stderr)
        return
    for problem in result.problems:
        if problem.severity is Severity.WARNING:
            print(f"INFO    -  {problem.format()}", file=sys.stderr)


def build_languages(jobs: list[Job], result: Result, strict: bool, calendars: Path) -> bool:
    """Build every job and write the calendar files into *calendars*; True when all
    succeeded.

    Where the system can fork, this process builds the first language while forked processes
    build the others (the loaded project is shared with them, not copied or loaded again),
    then writes the calendar files.
    """
    if len(jobs) > 1 and "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
        share_tables(jobs)
        # The loaded project moves out of the collector's sight: it lives until the build
        # ends, and scanning it (in each process) would also write to every one of its
        # objects, so the forked processes would each copy the memory they share.
        gc.collect()
        _release_free_memory()
        gc.freeze()
        helpers = [context.Process(target=_exit_with, name=f"handbook-build-{job.lang}",
                                   args=(functools.partial(_build_job, job, result, strict),))
                   for job in jobs[1:]]
        try:
            for process in helpers:
                process.start()
            ok = _build_job(jobs[0], result, strict) == 0
            for process in helpers:
                process.join()
        finally:
            gc.unfreeze()
        ok = ok and all(process.exitcode == 0 for process in helpers)
        # Last, in this process alone: writing them beside the builds (in a process of its
        # own or in a builder) would add their memory to that of two whole sites.
        return ok and _write_job(result, calendars, jobs[0].site_url) == 0
    if _write_job(result, calendars, jobs[0].site_url) != 0:
        return False
    return all(_build_job(job, result, strict) == 0 for job in jobs)


def _release_free_memory() -> None:
    """Give the memory that loading freed back to the system (glibc's ``malloc_trim``; a
    no-op elsewhere): about 20 MB at 3,000 visits that the forked processes would otherwise
    inherit and each copy as they reuse it."""
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library's, already loaded
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)


def share_tables(jobs: list[Job]) -> None:
    """Load, before the fork, the large read-only tables that each language's build would
    otherwise load for itself, so that the processes share one copy of them.

    - jieba's dictionary (about 50 MB in memory): Material's search cuts the Chinese text of
      every language's pages into words. Not when the configuration names a dictionary of its
      own: setting one makes each process load it again anyway.
    - pypinyin's (about 40 MB), when another language is built: its packets spell the Chinese
      names of hosts, drivers and approvers in Latin letters.
    - pycountry's countries and languages with their Chinese names (about 5 MB): every
      language's packets name the client's country and the visitors' languages.

    The processes then only read the tables, so their memory pages stay shared."""
    if not any(job.jieba_dict for job in jobs):
        try:
            import jieba
        except ImportError:  # Material's search indexes Chinese without it
            pass
        else:
            jieba.initialize()
    if len(jobs) > 1:
        from .i18n import preload_names
        from .names import preload_spelling

        preload_spelling()
        preload_names()


def write_calendars(result: Result, folder: Path, site_url: str | None = None) -> None:
    """The calendar files, the same for every language, written once (*site_url*: the site's
    address, for absolute packet links)."""
    from .project import calendar_files

    folder.mkdir(parents=True, exist_ok=True)
    for name, content in calendar_files(result, site_url=site_url):
        (folder / name).write_bytes(content)


def assemble(jobs: list[Job], calendars: Path) -> Path:
    """Move each alternate's site into the default language's site, and the calendar files
    into its visits folder; returns that site."""
    site = jobs[0].site_dir
    (site / "visits").mkdir(parents=True, exist_ok=True)
    for path in calendars.iterdir():
        path.rename(site / "visits" / path.name)
    for job in jobs[1:]:
        target = site / job.lang
        if target.exists():
            import shutil

            shutil.rmtree(target)
        job.site_dir.rename(target)
    return site
