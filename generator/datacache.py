"""A small cache on disk for facts that a library computes slowly but that only change with
its version: China's holidays of a year (the ``holidays`` package imports every country to
give them), the two-letter country and language codes (``pycountry`` parses its whole ISO
databases). ``handbook check`` of one file pays for those on every run otherwise.

Entries are JSON files under ``$XDG_CACHE_HOME/reception-handbook`` (``~/.cache/...``; the
environment variable ``HANDBOOK_CACHE`` names another folder, ``HANDBOOK_CACHE=off`` switches
the cache off), named by what they hold and the library's version, so a new version computes
afresh. A folder that cannot be written, or an entry that cannot be read, only means the value
is computed; a write goes to a temporary file renamed into place, so a parallel build never
reads half an entry.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@functools.cache
def folder() -> Path | None:
    chosen = os.environ.get("HANDBOOK_CACHE")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reception-handbook"


@functools.cache
def version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def cached(package: str, key: str, compute: Callable[[], Any]) -> Any:
    """*compute()*'s JSON value, from the cache when *package*'s version computed it before."""
    where = folder()
    if where is None:
        return compute()
    path = where / _SAFE.sub("_", f"{package}-{version(package)}-{key}.json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = compute()
    try:
        where.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=where, delete=False,
                                         suffix=".tmp") as handle:
            json.dump(value, handle)
        os.replace(handle.name, path)
    except OSError:
        pass
    return value
