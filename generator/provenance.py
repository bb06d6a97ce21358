"""Where a page comes from: who owns it, where to edit it, when it last changed.

* **Owner**: ``docs/owners.yml`` maps page path patterns to departments of the policy, like a
  CODEOWNERS file; the last matching line wins. A packet is owned by its account owner's
  department.
* **Edit link**: MkDocs builds ``repo_url`` + ``edit_uri`` + the page's path, which for a
  generated packet would point to Markdown that does not exist in git. A packet's edit link
  points to its visit file instead (:func:`repository_edit_url`).
* **Last change**: the git revision date plugin dates a generated page with the build time; a
  packet gets the date of the last commit of its visit file (:mod:`generator.history`).

The MkDocs plugin calls these from ``on_page_context``; they hold no MkDocs state.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from .i18n import Catalogue
from .models import Policy, Visit
from .models.common import LANGUAGES
from .models.vocabulary import default_catalogue
from .problems import display_path, quote_list
from .yamlload import YamlSyntaxError, read_yaml

log = logging.getLogger("mkdocs.plugins.handbook")

OWNERS_FILE = Path("docs/owners.yml")


class OwnersError(Exception):
    """The owners map is not usable; the message names the file and line."""


@dataclass(frozen=True)
class Rule:
    pattern: str
    dept: str
    line: int
    regex: re.Pattern[str]


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A CODEOWNERS-style path pattern as a regular expression over a ``/``-separated path.

    ``*`` and ``?`` stay within one folder, ``**`` crosses folders, a pattern ending in ``/``
    covers everything under that folder, and a leading ``/`` is ignored (paths are relative).
    """
    text = pattern.strip().lstrip("/")
    if text.endswith("/"):
        text += "**"
    out = []
    for token in re.split(r"(\*\*/|\*\*|\*|\?)", text):
        if token == "**/":
            out.append("(?:.*/)?")
        elif token == "**":
            out.append(".*")
        elif token == "*":
            out.append("[^/]*")
        elif token == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(token))
    return re.compile("".join(out) + r"\Z")


@functools.lru_cache(maxsize=8)
def _read_rules(path: str, _mtime_ns: int) -> tuple[Rule, ...]:
    name = display_path(Path(path))
    try:
        source = read_yaml(Path(path))
    except YamlSyntaxError as error:
        raise OwnersError(f"{name}:{error.position.line}: this is not valid YAML: "
                          f"{error.reason}") from None
    data = source.data
    if data is None:
        return ()
    if not isinstance(data, dict):
        raise OwnersError(f"{name}: write one 'path pattern: department' line per rule")
    rules = []
    for key, value in data.items():
        line = source.position((str(key),), key=True).line
        if not isinstance(value, str):
            raise OwnersError(f"{name}:{line}: '{key}' needs one department key, found {value!r}")
        rules.append(Rule(str(key), value, line, pattern_regex(str(key))))
    return tuple(rules)


@dataclass(frozen=True)
class Owners:
    """The owners map, checked against the policy's departments."""

    rules: tuple[Rule, ...]

    @classmethod
    def load(cls, path: Path, policy: Policy) -> Owners:
        """Read *path* (no rules when it does not exist) and check every department."""
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            return cls(())
        rules = _read_rules(str(path), mtime)
        for rule in rules:
            if rule.dept not in policy.departments:
                raise OwnersError(
                    f"{display_path(path)}:{rule.line}: '{rule.dept}' is not a department of "
                    f"the reception policy; use one of: {quote_list(policy.departments)}")
        return cls(rules)

    def dept_for(self, src_uri: str) -> str | None:
        """The department owning the page at *src_uri* (the last matching rule), if any."""
        found = None
        for rule in self.rules:
            if rule.regex.match(src_uri):
                found = rule.dept
        return found


def owner_meta(policy: Policy, dept: str, lang: str, person: str | None = None,
               catalogue: Catalogue | None = None) -> dict[str, str]:
    """What the page template shows: the label and the department's name (and a person).

    The label is the catalogue's ``owner_label`` (the repository's catalogue when none is
    given), in English for a language the catalogue does not have.
    """
    name = policy.departments[dept].name(lang)
    label = (catalogue or default_catalogue()).t(lang if lang in LANGUAGES else "en",
                                                   "owner_label")
    return {"dept": dept, "label": label,
            "name": f"{name} · {person}" if person else name}


def packet_owner(visit: Visit) -> tuple[str, str] | None:
    """A packet's owner: the account owner and their department, from the visit's hosts."""
    for host in visit.hosts:
        if host.name == visit.owner:
            return host.dept, host.name
    return None


def repository_edit_url(repo_url: str | None, edit_uri: str | None, docs_dir: str,
                        target: str) -> str | None:
    """The edit link of a file at *target* (relative to the repository root).

    ``edit_uri`` points into the docs folder (``edit/main/docs/zh/``); the part before the docs
    folder's path (``edit/main/``) is the repository's edit root. ``None`` when ``edit_uri`` does
    not end with the docs folder, rather than a link that leads nowhere.
    """
    if not repo_url or not edit_uri:
        return None
    docs = docs_dir.strip("/")
    base = edit_uri.rstrip("/")
    if base != docs and not base.endswith("/" + docs):
        return None
    base = base[: len(base) - len(docs)]
    url = repo_url.rstrip("/") + "/" + base.lstrip("/") + target.lstrip("/")
    return url


def relative_posix(path: Path, root: Path) -> str | None:
    """*path* relative to *root* with ``/`` separators, or None when it lies outside."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
