"""When each visit file was first added to git: the start of its lead time.

One ``git log`` call covers the whole visits folder. A file git does not know yet (new and
uncommitted) counts as added today. Outside a git work tree nothing is known and the
lead-time check is skipped.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path


def first_added(folder: Path) -> dict[str, dt.date] | None:
    """Map of file name → date first committed, or ``None`` outside a git work tree."""
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder,
                             capture_output=True, text=True, check=True, timeout=30)
        log = subprocess.run(
            ["git", "log", "--diff-filter=A", "--format=%x00%as", "--name-only", "--", "."],
            cwd=folder, capture_output=True, text=True, check=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    root = Path(top.stdout.strip())
    added: dict[str, dt.date] = {}
    day: dt.date | None = None
    for line in log.stdout.splitlines():
        if line.startswith("\x00"):
            day = dt.date.fromisoformat(line[1:])
        elif line.strip() and day is not None:
            name = (root / line.strip()).name
            # git log lists newest first: the last date seen is the first addition.
            added[name] = day
    return added
