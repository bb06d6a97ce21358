"""The project: where policy, visits and templates live, and the pages they produce.

This is the whole pipeline (load → validate → derive → render) with no MkDocs in it; the
MkDocs plugin and the CLI are thin adapters over :class:`Project`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .checks import Finding
from .derive import Facts, derive
from .history import History, file_history
from .i18n import Catalogue, CatalogueError, load_catalogue
from .load import (
    VISIT_SUFFIXES,
    Loaded,
    folder_problems,
    load_policy,
    load_visit,
    visit_files,
    visit_zone,
)
from .models import Policy, Visit
from .models.common import LANGUAGES
from .problems import ApprovedProblem, Problem, ProblemSink, Severity, display_path
from .site_checks import clash_problems

if TYPE_CHECKING:
    from .country_notes import Note, Notes


def resolve_today(value: str | dt.date | None, policy: Policy | None = None) -> dt.date:
    """The build date: a given value, else today in the policy's time zone."""
    if isinstance(value, dt.date):
        return value
    text = value
    if text:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"the build date '{text}' is not a date; write YYYY-MM-DD") from None
    import zoneinfo

    zone = zoneinfo.ZoneInfo(policy.timezone if policy else "Asia/Shanghai")
    return dt.datetime.now(zone).date()


@dataclass(frozen=True)
class Paths:
    """Where the project's inputs live; every path is relative to ``root`` unless absolute."""

    root: Path
    policy: Path = Path("policy/reception.yml")
    visits: Path = Path("visits")
    templates: Path = Path("theme/packet")
    messages: Path = Path("theme/messages.yml")
    docs: Path = Path("docs")  # one folder per language: docs/zh, docs/en

    def __post_init__(self) -> None:
        for name in ("policy", "visits", "templates", "messages", "docs"):
            value = getattr(self, name)
            if not value.is_absolute():
                object.__setattr__(self, name, self.root / value)


@dataclass
class Result:
    """What loading the project found: the policy, every visit file and every problem."""

    paths: Paths
    today: dt.date
    policy: Loaded[Policy]
    visits: list[Loaded[Visit]] = field(default_factory=list)
    facts: list[Facts] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    catalogue: Catalogue | None = None
    notes: dict[str, Notes] = field(default_factory=dict)
    history: dict[str, History] | None = None
    # What update_project needs: the problems found before the visit files, and the size and
    # modification time of each visit file when it was checked.
    base_problems: list[Problem] = field(default_factory=list)
    stats: dict[Path, tuple[int, int]] = field(default_factory=dict)
    # The warnings each visit file approved (its approvals), not counted among the problems.
    approved_by_file: dict[Path, list[ApprovedProblem]] = field(default_factory=dict)
    # The visits folder as update_project found it, for the next update (see Listing).
    listing: Listing | None = None

    @property
    def approved(self) -> list[ApprovedProblem]:
        return [a for found in self.approved_by_file.values() for a in found]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def checked(self) -> int:
        return 1 + len(self.visits)


def finding_problem(finding: Finding, policy: Policy, sink: ProblemSink) -> None:
    rule = policy.checks[finding.check]
    severity = Severity.ERROR if rule.severity == "error" else Severity.WARNING
    sink.add(finding.path, finding.message(policy, "en"), severity=severity,
             rule=finding.check, link=rule.link)


def load_project(paths: Paths, *, today: str | dt.date | None = None,
                 files: list[Path] | None = None,
                 history: dict[str, History] | bool | None = True) -> Result:
    """Load and validate the policy, the country notes and the visit files.

    *files* defaults to every file in ``visits/``, and then the handbook's own inputs (country
    notes, ``docs/owners.yml``, policy markers and links) are checked too; given *files*, only
    the policy and those files are (what a sales person checking a visit file can fix).
    *history* maps file names to when they were
    first added and last changed (``True``: ask git; ``False`` or ``None``: unknown, so no
    lead-time check and no "last updated" date).
    """
    policy = load_policy(paths.policy, paths.root)
    result = Result(paths, dt.date.min, policy, problems=list(policy.problems))
    try:
        result.today = resolve_today(today, policy.model)
    except ValueError as error:
        result.problems.append(Problem("--today", 1, 1, "", str(error), "e.g. --today 2026-12-01"))
        return result
    try:
        result.catalogue = load_catalogue(paths.messages)
    except (CatalogueError, OSError) as error:
        result.problems.append(Problem(display_path(paths.messages, paths.root), 1, 1, "",
                                       str(error), "give every message both zh and en"))
    if policy.model is None:
        return result
    if files is None:  # the whole project: the handbook's own inputs too
        from .country_notes import load_notes
        from .site_checks import marker_problems, owners_problems, policy_link_problems

        for lang in LANGUAGES:
            notes = load_notes(paths.docs / lang, paths.root, list(policy.model.diets))
            result.notes[lang] = notes
            result.problems.extend(notes.problems)
        result.problems.extend(owners_problems(paths.root, policy.model))
        result.problems.extend(marker_problems(paths.docs, paths.root))
        result.problems.extend(policy_link_problems(policy, paths.docs))
    known = (file_history(paths.visits) if paths.visits.is_dir() else None) \
        if history is True else (history or None)
    result.history = known
    # No visits/ folder (git keeps no empty folder) is no visit, not an unreadable file.
    default = [paths.visits] if paths.visits.is_dir() else []
    targets = visit_files(files if files is not None else default)
    scanned = paths.visits if files is None else None  # only a whole folder has strays
    result.base_problems = list(result.problems)
    _load_visits(result, targets, scanned)
    return result


def update_project(previous: Result) -> tuple[Result, set[str]]:
    """*previous* with the visit files re-read that changed since it was loaded.

    For a live preview: only call it when nothing but visit files changed (the policy, the
    messages, the templates and the docs are taken from *previous*). Returns the new result
    and the stems of the visits added, changed or removed.

    A file is re-read when its size or modification time changed. The visits folder is read
    once (its names, and each visit file's size and time); when it holds the same names as at
    the last update, its visit files and the folder's own problems (stray files, names that
    clash) are the same too, and are taken from that update (:class:`Listing`).
    """
    paths = previous.paths
    result = Result(paths, previous.today, previous.policy, catalogue=previous.catalogue,
                    notes=previous.notes, history=previous.history,
                    base_problems=previous.base_problems,
                    problems=list(previous.base_problems))
    entries, stats = _scan(paths.visits)
    listing = previous.listing
    if listing is None or entries is None or listing.entries != entries:
        targets = visit_files([paths.visits] if paths.visits.is_dir() else [])
        listing = Listing(entries, targets, folder_problems(paths.visits, targets, paths.root))
    result.listing = listing
    targets = listing.targets
    now = {path: stats.get(path.name) or _stat(path) for path in targets}
    reuse = {v.path: v for v in previous.visits
             if v.path in now and previous.stats.get(v.path) == now[v.path]}
    facts = {f.stem: f for f in previous.facts}
    result.problems.extend(listing.problems)
    _load_checked(result, targets, reuse, facts, now)
    result.approved_by_file.update((path, previous.approved_by_file[path]) for path in reuse
                                   if path in previous.approved_by_file)
    changed = {path.stem for path in targets if path not in reuse}
    changed |= {path.stem for path in previous.stats} - {path.stem for path in targets}
    return result, changed


def prepare_update(result: Result) -> None:
    """List the visits folder for the next :func:`update_project` of *result* (its
    :class:`Listing`), so that the first update of a live preview is as quick as the next
    ones. The listing is what the folder holds now, whatever *result* read."""
    entries, _ = _scan(result.paths.visits)
    if entries is None:
        return
    with contextlib.suppress(OSError):  # the folder went away meanwhile: the update will see
        targets = visit_files([result.paths.visits])
        result.listing = Listing(entries, targets,
                                 folder_problems(result.paths.visits, targets, result.paths.root))


@dataclass(frozen=True)
class Listing:
    """The visits folder as an update found it: what it held (``entries``: the working folder,
    which the problems' file names are relative to, then each entry's name and whether it is
    a file, sorted), hence its visit files (``targets``, as :func:`visit_files` lists them) and
    the folder's problems (:func:`folder_problems`). Both follow from the entries alone, so an
    update that finds the same entries takes them from here."""

    entries: tuple[str, tuple[tuple[str, bool], ...]] | None
    targets: list[Path]
    problems: list[Problem]


def _scan(folder: Path) -> tuple[tuple[str, tuple[tuple[str, bool], ...]] | None,
                                 dict[str, tuple[int, int]]]:
    """The entries of the visits *folder* (see :class:`Listing`) and the size and modification
    time of each visit file in it, by name, in one pass; no entries (``None``) when it is not
    a readable folder or holds a symbolic link (whose target may change under the same name:
    such a folder is listed anew each time)."""
    found: list[tuple[str, bool]] = []
    stats: dict[str, tuple[int, int]] = {}
    try:
        with os.scandir(folder) as scan:
            for entry in scan:
                if entry.is_symlink():
                    return None, {}
                is_file = entry.is_file()
                found.append((entry.name, is_file))
                if is_file and entry.name.lower().endswith(VISIT_SUFFIXES):
                    info = entry.stat()
                    stats[entry.name] = (info.st_size, info.st_mtime_ns)
    except OSError:
        return None, {}
    return (os.getcwd(), tuple(sorted(found))), stats


def _stat(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (-1, -1)
    return (info.st_size, info.st_mtime_ns)


def _load_visits(result: Result, targets: list[Path], scanned: Path | None,
                 reuse: dict[Path, Loaded[Visit]] | None = None,
                 facts: dict[str, Facts] | None = None) -> None:
    """Check each of *targets* (or take it from *reuse*) and add it to *result*."""
    result.problems.extend(folder_problems(scanned, targets, result.paths.root))
    _load_checked(result, targets, reuse, facts)


def _load_checked(result: Result, targets: list[Path],
                  reuse: dict[Path, Loaded[Visit]] | None = None,
                  facts: dict[str, Facts] | None = None,
                  stats: dict[Path, tuple[int, int]] | None = None) -> None:
    """Each of *targets* checked (or taken from *reuse*) into *result*, then the handbook
    pages at the address of one of their packets. *stats*: each file's size and modification
    time, taken before it is read (else they are looked up now)."""
    paths, policy = result.paths, result.policy.model
    assert policy is not None
    known = result.history
    added = None if known is None else {name: h.added for name, h in known.items()}
    with _collector_paused():
        _load_each(result, targets, reuse, facts, added, stats)
    result.problems.extend(clash_problems(result.visits, paths.docs, paths.root))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while thousands of files load: what they leave is
    freed as it goes (reference counts), and a full collection in the middle of the load
    would walk everything loaded so far, several times (about a tenth of the load)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_each(result: Result, targets: list[Path], reuse: dict[Path, Loaded[Visit]] | None,
               facts: dict[str, Facts] | None, added: dict[str, dt.date] | None,
               stats: dict[Path, tuple[int, int]] | None = None) -> None:
    paths, policy = result.paths, result.policy.model
    assert policy is not None
    for path in targets:
        result.stats[path] = stats[path] if stats is not None else _stat(path)
        old = (reuse or {}).get(path)
        if old is not None:
            loaded = old
            if facts is not None and path.stem in facts and old.ok:
                result.facts.append(facts[path.stem])
        else:
            try:
                loaded = _check_visit_file(path, policy, paths.root, added, result)
            except Exception as error:  # a bug must not hide the other files' problems
                loaded = Loaded(path, display_path(path, paths.root), None, None, [
                    internal_error(display_path(path, paths.root), error)])
        result.visits.append(loaded)
        result.problems.extend(loaded.problems)


def _check_visit_file(path: Path, policy: Policy, root: Path, added: dict[str, dt.date] | None,
                      result: Result) -> Loaded[Visit]:
    """Load, validate and derive one visit file; its facts join *result* when it is clean."""
    loaded = load_visit(path, policy, root)
    if loaded.ok and loaded.model is not None:
        day = None if added is None else added.get(path.name, result.today)
        facts = derive(loaded.model, path.stem, policy, added=day)
        sink = ProblemSink(loaded.name, loaded.source)
        for finding in facts.findings:
            finding_problem(finding, policy, sink)
        loaded.problems.extend(sink.problems)
        result.approved_by_file[path] = approved_problems(facts, policy, sink)
        if loaded.ok:
            result.facts.append(facts)
    # Every problem of the file is placed now: the positions of its YAML nodes (about 40% of
    # what a loaded visit holds) are not needed again, and a build keeps thousands of visits.
    loaded.source = None
    return loaded


def approved_problems(facts: Facts, policy: Policy, sink: ProblemSink) -> list[ApprovedProblem]:
    """The warnings *facts* approved, placed in the file as ``handbook check`` would print
    them (*sink* is the file's), with who approved each and when."""
    found = ProblemSink(sink.file, sink.source)
    for approved in facts.approved:
        finding_problem(approved.finding, policy, found)
    return [ApprovedProblem(problem, a.approval.by, a.approval.on.isoformat(),
                            f"approvals[{a.index}]",
                            a.approval.note("en") if a.approval.note else "")
            for problem, a in zip(found.problems, facts.approved, strict=True)]


def internal_error(name: str, error: BaseException) -> Problem:
    """A bug met while checking a file, reported like any problem (rule ``internal-error``)."""
    return Problem(name, 1, 1, "", f"could not be checked because of an error in the handbook "
                   f"generator ({type(error).__name__}: {error}).",
                   "this is a bug, not a mistake in the file: please report it with the file "
                   "attached", rule="internal-error")


def fingerprint(paths: Paths) -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of every input file: equal means nothing changed."""
    files: list[Path] = [paths.policy, paths.messages]
    for folder, pattern in ((paths.visits, "*"), (paths.templates, "*"),
                            (paths.docs, "*/countries/*.md")):
        if folder.is_dir():
            files.extend(sorted(folder.glob(pattern)))
    out = []
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        out.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(out)


def listed(result: Result) -> tuple[list[Facts], list[Facts]]:
    """The visits the index lists (not confidential): upcoming soonest first, past latest
    first."""
    shown = [f for f in result.facts if not f.visit.confidential]
    upcoming = sorted((f for f in shown if f.last_day >= result.today),
                      key=lambda f: (f.first_day, f.stem))
    past = sorted((f for f in shown if f.last_day < result.today),
                  key=lambda f: (f.first_day, f.stem), reverse=True)
    return upcoming, past


def calendars(result: Result, only: set[str] | None = None, *, site_url: str | None = None,
              now: dt.datetime | None = None, shared: bool = True) -> dict[str, bytes]:
    """The calendar files of :func:`calendar_files`, by file name."""
    return dict(calendar_files(result, only, site_url=site_url, now=now, shared=shared))


def calendar_files(result: Result, only: set[str] | None = None, *,
                   site_url: str | None = None, now: dt.datetime | None = None,
                   shared: bool = True) -> Iterator[tuple[str, bytes]]:
    """The calendar files, the same for every language, one by one (name and content, so a
    caller writes each as it comes and never holds thousands at once): one per visit
    (``<stem>.ics``; *only*: just those visits'), the feed of all listed visits
    (``visits.ics``) and one task feed per department of the policy (``tasks-<dept>.ics``,
    its tasks of the listed visits that start in the next ``calendar.AHEAD`` days), see
    :mod:`generator.calendar`.

    *site_url* is the site's address, for absolute packet links (else they are paths from the
    site's root); *now* the build's moment (default: now), every event's DTSTAMP. Only call
    this for a result without errors."""
    import re
    import zoneinfo

    from .calendar import (
        AHEAD,
        RECENT,
        PacketLinks,
        TaskFeed,
        all_visits_calendar,
        task_calendars,
        visit_calendar,
    )

    assert result.policy.model is not None and result.catalogue is not None
    policy, catalogue = result.policy.model, result.catalogue
    moment = now or dt.datetime.now(dt.UTC)
    links = PacketLinks(site_url or None, tuple(
        (lang, "" if n == 0 else f"{lang}/") for n, lang in enumerate(LANGUAGES)))

    def zone(facts: Facts) -> zoneinfo.ZoneInfo:
        return visit_zone(facts.visit, policy)

    # SEQUENCE: the commits that touched the visit file (and, for tasks, the policy file).
    history = result.history or {}
    names = {loaded.path.stem: loaded.path.name for loaded in result.visits}
    commits = {facts.stem: found.commits if (found := history.get(
        names.get(facts.stem, f"{facts.stem}.yml"))) is not None else 0
        for facts in result.facts}
    policy_history = file_history(result.paths.policy.parent) \
        if result.history is not None and result.paths.policy.parent.is_dir() else None
    rules = (policy_history or {}).get(result.paths.policy.name)
    task_commits = {stem: n + (rules.commits if rules is not None else 0)
                    for stem, n in commits.items()}

    for facts in result.facts:
        if only is None or facts.stem in only:
            yield f"{facts.stem}.ics", visit_calendar(facts, zone(facts), moment, links=links,
                                                      sequence=commits[facts.stem])
    if not shared:  # only the visits' own files (the live preview writes the feeds apart)
        return
    shown = [f for f in result.facts if not f.visit.confidential]
    name = " · ".join(catalogue.t(lang, "visits") for lang in LANGUAGES)
    yield "visits.ics", all_visits_calendar(
        sorted(shown, key=lambda f: (f.first_day, f.stem)), name, moment, zone_of=zone,
        links=links, sequences=commits, timed_since=result.today - RECENT,
        timed_until=result.today + AHEAD)
    upcoming = [f for f in listed(result)[0] if f.first_day <= result.today + AHEAD]
    feeds = {key: TaskFeed(" · ".join(
        catalogue.t(lang, "checklist") + ("：" if lang == "zh" else ": ") + dept.name(lang)
        for lang in LANGUAGES), dept.name)
        for key, dept in policy.departments.items()
        if re.fullmatch(r"[A-Za-z0-9_-]+", key)}  # a safe file name: keys are words ("admin")
    tasks = task_calendars(upcoming, feeds, moment, zone_of=zone, links=links,
                           sequences=task_commits, fallback=zoneinfo.ZoneInfo(policy.timezone))
    for key, content in tasks.items():
        yield f"tasks-{key}.ics", content


def country_tips(result: Result, facts: Facts, lang: str) -> list[Note]:
    """The country notes a packet shows, in *lang*."""
    notes = result.notes.get(lang)
    return notes.for_visit(facts.visit) if notes is not None else []
