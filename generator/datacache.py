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

Files the generator reads on every run (the policy, the message catalogue) are kept too, as
what they give: :func:`recall` and :func:`remember` hold one entry per kind and file, which is
used only while the file's bytes and the generator are the same (:func:`code_stamp`: its own
source and the versions of Python and of the libraries that read and validate the files).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import re
import sys
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
    """The installed version of *package*, else "unknown".

    Read from the header of its metadata, where the version is one line: parsing the whole
    file as ``importlib.metadata.version`` does takes milliseconds (it holds the README)."""
    try:
        found = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
    for line in (found.read_text("METADATA") or found.read_text("PKG-INFO") or "").splitlines():
        if not line.strip():  # the header ends at the first empty line
            break
        name, colon, value = line.partition(":")
        if colon and name.strip().lower() == "version":
            return value.strip()
    return found.version


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
    _write(path, value)
    return value


def _write(path: Path, value: Any) -> None:
    """Write *value* as the JSON file *path*: into a temporary file renamed into place; a
    folder that cannot be written means nothing is kept."""
    import tempfile

    try:
        text = json.dumps(value, allow_nan=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         suffix=".tmp") as handle:
            handle.write(text)
        os.replace(handle.name, path)
    except (OSError, ValueError):
        pass


@functools.cache
def code_stamp() -> str:
    """A digest of the generator's source files (every .py file of the package) and of the
    versions of Python and of the libraries that read and validate the files: a change to
    any of them changes it."""
    import pydantic
    import pydantic_core
    import yaml

    digest = hashlib.sha256(f"{sys.version}\0{pydantic.VERSION}\0{pydantic_core.__version__}"
                            f"\0{yaml.__version__}\0{version('holidays')}".encode())
    package = Path(__file__).resolve().parent
    for path in _sources(package):
        digest.update(f"\0{path.relative_to(package).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _sources(folder: Path) -> list[Path]:
    """The .py files in *folder* and its subfolders, in a fixed order."""
    found: list[Path] = []
    for name in sorted(os.listdir(folder)):
        path = folder / name
        if name.endswith(".py"):
            found.append(path)
        elif name != "__pycache__" and path.is_dir():
            found.extend(_sources(path))
    return found


def _entry(kind: str, source: Path) -> Path | None:
    where = folder()
    if where is None:
        return None
    named = hashlib.sha256(str(source.resolve()).encode("utf-8", "surrogateescape"))
    return where / _SAFE.sub("_", f"{kind}-{named.hexdigest()[:20]}.json")


def _stamp(content: bytes) -> str:
    return f"{hashlib.sha256(content).hexdigest()}-{code_stamp()}"


def recall(kind: str, source: Path, content: bytes) -> Any:
    """What :func:`remember` kept for the file *source* while it held *content*, or None
    (nothing kept, the file or the generator changed since, or the cache is off)."""
    path = _entry(kind, source)
    if path is None:
        return None
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("stamp") != _stamp(content):
        return None
    return entry.get("value")


def remember(kind: str, source: Path, content: bytes, value: Any) -> None:
    """Keep *value* (JSON data, not None) for the file *source* holding *content*; it replaces
    what was kept for that file before."""
    path = _entry(kind, source)
    if path is not None:
        _write(path, {"stamp": _stamp(content), "value": value})
