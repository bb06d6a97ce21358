"""When each visit file was first added to git and when it last changed, from one ``git log``.

The first-added date starts a visit's lead time; the last-changed date is the packet's "last
updated"; the number of commits that touched the file is the SEQUENCE of its calendar events
(:mod:`generator.calendar`: it grows with every committed change, and no state is stored). One
call covers the whole visits folder (newest commit first): the first date seen for a file is its
last change, the last date seen its first addition, and each time it is seen one commit. A
merge commit lists no files, so it counts for none. A file git does not know
yet (new and uncommitted) counts as added and changed today. Outside a git work tree nothing is
known: the lead-time check is skipped and packets show no date.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class History:
    added: dt.date
    changed: dt.date
    commits: int = 1  # the commits that touched the file (renames are not followed)


def file_history(folder: Path) -> dict[str, History] | None:
    """Map of file name → its history, or ``None`` outside a git work tree."""
    try:
        log = subprocess.run(
            ["git", "-c", "core.quotepath=off", "log", "--no-renames", "--format=%x00%as",
             "--name-only", "--", "."],
            cwd=folder, capture_output=True, text=True, check=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    changed: dict[str, dt.date] = {}
    added: dict[str, dt.date] = {}
    commits: dict[str, int] = {}
    day: dt.date | None = None
    for line in log.stdout.splitlines():
        if line.startswith("\x00"):
            day = dt.date.fromisoformat(line[1:])
        elif line.strip() and day is not None:
            name = line.strip().rpartition("/")[2]  # git writes paths with "/"
            changed.setdefault(name, day)
            added[name] = day
            commits[name] = commits.get(name, 0) + 1
    return {name: History(added[name], changed[name], commits[name]) for name in changed}
