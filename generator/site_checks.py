"""What a build needs from the handbook itself, checked by ``handbook check`` before a build.

Everything a user writes goes through one error channel (file:line:column, field, fix), so a
mistake in the page owners, a policy-table marker, a policy link or a page that clashes with
a generated one is reported by ``handbook check`` instead of stopping the build.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from .load import Loaded
from .models import Policy, Visit
from .models.common import LANGUAGES
from .problems import Problem, ProblemSink, display_path, quote_list

_OWNERS_MESSAGE = re.compile(r"^[^:]*?(?::(\d+))?: (.*)$", re.S)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*(?:\{[^}]*#([\w-]+)[^}]*\})?\s*#*\s*$", re.M)
GENERATED = ("visits/index.md",)


def owners_problems(root: Path, policy: Policy) -> list[Problem]:
    from .provenance import OWNERS_FILE, Owners, OwnersError  # a whole-project check only

    path = root / OWNERS_FILE
    name = display_path(path, root)
    try:
        Owners.load(path, policy)
    except OwnersError as error:
        match = _OWNERS_MESSAGE.match(str(error))
        line = int(match.group(1)) if match and match.group(1) else 1
        reason = match.group(2) if match else str(error)
        return [Problem(name, line, 1, "", reason,
                        f"each line is 'path pattern: department', with a department of the "
                        f"policy: {quote_list(policy.departments)}")]
    except (OSError, UnicodeDecodeError) as error:
        return [Problem(name, 1, 1, "", f"cannot be read: {error}.", "save it as UTF-8 text")]
    return []


def marker_problems(docs: Path, root: Path) -> list[Problem]:
    """``<!-- policy: NAME -->`` markers that name no table."""
    from .policy_tables import MARKER, TABLES  # a whole-project check only

    problems: list[Problem] = []
    for lang in LANGUAGES:
        for page in sorted((docs / lang).rglob("*.md")):
            text = _read(page)
            for match in MARKER.finditer(text):
                if match.group(1) in TABLES:
                    continue
                line = text.count("\n", 0, match.start()) + 1
                problems.append(Problem(
                    display_path(page, root), line, 1, "",
                    f"the marker names an unknown policy table '{match.group(1)}'.",
                    f"use one of: {quote_list(TABLES)}"))
    return problems


def _read(page: Path) -> str:
    try:
        return page.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""


@functools.cache
def _slug() -> Any:
    from pymdownx.slugs import slugify  # type: ignore[import-untyped]  # only for anchors

    return slugify(case="lower")


def _anchors(text: str) -> set[str]:
    found = set()
    for title, explicit in _HEADING.findall(text):
        found.add(explicit or _slug()(title, "-"))
    return found


def policy_link_problems(policy: Loaded[Policy], docs: Path) -> list[Problem]:
    """Policy tasks and checks link to handbook pages; each page must exist in each language."""
    if policy.model is None:
        return []
    sink = ProblemSink(policy.name, policy.source)
    links: list[tuple[tuple[str | int, ...], str]] = [
        (("tasks", index, "link"), task.link) for index, task in enumerate(policy.model.tasks)]
    links += [(("checks", key, "link"), rule.link) for key, rule in policy.model.checks.items()]
    for path, link in links:
        if not link:
            continue
        page, _, anchor = link.partition("#")
        for lang in LANGUAGES:
            target = docs / lang / page
            if not target.is_file():
                sink.add(path, f"links to '{link}', but docs/{lang}/{page} does not exist.",
                         "link to an existing handbook page, e.g. guide/tiers.md")
            elif anchor and anchor not in _anchors(_read(target)):
                sink.add(path, f"links to '{link}', but docs/{lang}/{page} has no heading "
                         f"'#{anchor}'.", "link to the page alone, or to one of its headings")
    return sink.problems


def clash_problems(visits: list[Loaded[Visit]], docs: Path, root: Path) -> list[Problem]:
    """Handbook pages at the address of a generated page (a packet or the visits index)."""
    problems: list[Problem] = []
    generated = [*GENERATED, *(f"visits/{v.path.stem}.md" for v in visits)]
    for lang in LANGUAGES:
        folders: dict[str, bool] = {}  # a page can only be in a folder that exists: one look
        for uri in generated:
            folder = uri.rpartition("/")[0]
            if folder not in folders:
                folders[folder] = (docs / lang / folder).is_dir()
            if not folders[folder]:
                continue
            page = docs / lang / uri
            if page.is_file():
                problems.append(Problem(
                    display_path(page, root), 1, 1, "",
                    f"is at the address of a page generated from the visit files "
                    f"({uri}).", "rename or move the handbook page"))
    return problems
