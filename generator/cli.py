"""``handbook``: create, check, build and serve the reception handbook and its packets."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import re
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

CONFIG = "mkdocs.yml"


def find_root(start: Path | None = None) -> Path:
    """The project folder: the nearest folder upwards that holds mkdocs.yml and a policy."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG).is_file() and (folder / "policy").is_dir():
            return folder
    return here


def _today(value: str) -> str:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date; write YYYY-MM-DD") from None
    return value


@contextmanager
def _importing(module: str) -> Iterator[None]:
    """Import *module* (and what the block imports with it) with the cyclic garbage collector
    paused, then freeze what the imports made out of the collector (``gc.freeze``): tens of
    thousands of objects that stay for the whole run, which it would otherwise walk again and
    again, finding nothing to free. Nothing is done when *module* was imported before (a
    process that already ran a command, such as a test)."""
    if module in sys.modules or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


PLUGINS_ENV = "PYDANTIC_DISABLE_PLUGINS"


@contextmanager
def _without_pydantic_plugins() -> Iterator[None]:
    """No pydantic plugin takes part while the block runs: looking for one reads the metadata
    of every installed package, and the handbook uses none. A PYDANTIC_DISABLE_PLUGINS set in
    the environment is kept (set but empty: every plugin takes part)."""
    if PLUGINS_ENV in os.environ:
        yield
        return
    os.environ[PLUGINS_ENV] = "__all__"
    try:
        yield
    finally:
        os.environ.pop(PLUGINS_ENV, None)


def cmd_check(args: argparse.Namespace) -> int:
    """Check the policy and the visit files given (default: every file in visits/)."""
    with _without_pydantic_plugins():
        return _check(args)


def _check(args: argparse.Namespace) -> int:
    with _importing("generator.project"):
        from .problems import format_json, format_report
        from .project import Paths, load_project
    root = find_root()
    files = [Path(p) for p in args.paths] if args.paths else None
    missing = [p for p in files or [] if not p.exists()]
    policy = Path(args.policy).resolve() if args.policy else None
    if policy is not None and not policy.is_file():
        missing.append(Path(args.policy))
    if missing:
        for path in missing:
            print(f"{path}: no such file or folder", file=sys.stderr)
        return 2
    paths = Paths(root) if policy is None else Paths(root, policy=policy)
    result = load_project(paths, today=args.today, files=files)
    if args.format == "json":
        print(format_json(result.problems, result.checked, result.approved))
    else:
        print(format_report(result.problems, result.checked, result.approved))
    return 1 if result.errors else 0


_SLUG = re.compile(r"[^a-z0-9]+")


def cmd_new(args: argparse.Namespace) -> int:
    root = find_root()
    template = (root / "theme" / "packet" / "new-visit.yml").read_text(encoding="utf-8")
    day = dt.date.fromisoformat(args.date) if args.date else dt.date.today() + dt.timedelta(14)
    ascii_name = unicodedata.normalize("NFKD", args.company).encode("ascii", "ignore").decode()
    slug = _SLUG.sub("-", ascii_name.lower()).strip("-") or "client"
    target = Path(args.output) if args.output else root / "visits" / f"{day}-{slug}.yml"
    if target.exists():
        print(f"{target} exists already; choose another --company or --date, or edit it.",
              file=sys.stderr)
        return 1
    # The template writes the company inside double quotes: escaped as YAML (and JSON) escape
    # there, so a name with " or \ stays one string.
    quoted = json.dumps(args.company, ensure_ascii=False)[1:-1]
    text = (template.replace("{{company}}", quoted)
            .replace("{{arrival}}", f"{day}")
            .replace("{{departure}}", f"{day + dt.timedelta(days=2)}"))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"created {target}\nnext: fill in the fields marked TODO, then run: handbook check "
          f"{target}")
    return 0


def _quiet_mkdocs() -> None:
    """Show MkDocs' messages the way the mkdocs command does, without its 2.0 banner."""
    import logging

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_handbook", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._handbook = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    logging.getLogger("jieba").setLevel(logging.WARNING)


# What a build must never replace, contain or write into (besides the docs folder that the
# configuration names): the project's inputs, its code and tests, and its history.
INPUTS = ("docs", "visits", "policy", "theme", "generator", "tests", ".git")
# The one folder a build writes next to its target, while it puts the new site in place; a
# killed build leaves at most this folder (.gitignore covers it) and the next build removes it.
SWAP_PREFIX = ".handbook-build-"
PREVIEW_ENV = "HANDBOOK_PREVIEW"   # read by mkdocs.base.yml: the offline plugin's switch


def _inputs(root: Path, config: MkDocsConfig) -> list[Path]:
    """The folders a build must leave alone: INPUTS and those the configuration names."""
    found = [root / name for name in INPUTS]
    found.append(Path(config.docs_dir))
    handbook = config.plugins.get("handbook")
    options = getattr(handbook, "config", None)
    for name in ("visits_dir", "templates"):
        value = getattr(options, name, None)
        if isinstance(value, str):
            found.append(root / value)
    for name in ("policy", "messages"):
        value = getattr(options, name, None)
        if isinstance(value, str):
            found.append((root / value).parent)
    return [path.resolve() for path in found if path.resolve() != root]


def _looks_like_site(folder: Path) -> bool:
    return (folder / "index.html").is_file() or (folder / "sitemap.xml").is_file()


def unsafe_target(target: Path, root: Path, inputs: Sequence[Path]) -> str | None:
    """Why a build must not replace *target* (an absolute, resolved path), or None.

    A build replaces its target folder with the new site, so the target must not be the
    project or hold any of it, must not be an input or lie inside one, and, if it exists with
    content, must be a previous site.
    """
    if target == root:
        return "it is the project folder"
    if root.is_relative_to(target):
        return "it contains the project folder"
    for path in inputs:
        if target == path:
            return f"it is the project's {_display(path, root)} folder"
    for path in inputs:
        if path.is_relative_to(target):
            return f"it contains the project's {_display(path, root)} folder"
    for path in inputs:
        if target.is_relative_to(path):
            return f"it lies inside the project's {_display(path, root)} folder"
    if target.exists() and not target.is_dir():
        return "it is a file"
    if target.is_dir() and any(target.iterdir()) and not _looks_like_site(target):
        return ("it is a folder with other content (no index.html or sitemap.xml of a "
                "previous build)")
    return None


def _display(path: Path, root: Path) -> str:
    """*path* relative to the project if it is inside it, else absolute."""
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return str(path)


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def install_site(built: Path, target: Path) -> None:
    """Move the finished site *built* to *target*, replacing what was there.

    The site is first moved (or, from another file system, copied) into one folder next to the
    target, then swapped in with two renames; that folder is removed at the end, and at the
    start of the next build if a kill left it behind.
    """
    import shutil

    swap = target.parent / f"{SWAP_PREFIX}{target.name}"
    _remove(swap)
    swap.mkdir(parents=True)
    new, old = swap / "new", swap / "old"
    try:
        built.rename(new)
    except OSError:  # the system's temporary folder is on another file system
        shutil.copytree(built, new, symlinks=True)
    if target.exists() or target.is_symlink():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(swap)


def cmd_build(args: argparse.Namespace) -> int:
    """Validate once, build every language in the system's temporary folder (side by side),
    then move the site into place."""
    import shutil
    import tempfile

    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    from . import build

    _quiet_mkdocs()
    root = find_root()
    os.environ[PREVIEW_ENV] = "true" if args.preview else "false"
    default = root / ("site-preview" if args.preview else "site")
    target = Path(args.site_dir).resolve() if args.site_dir else default
    staging = Path(tempfile.mkdtemp(prefix="handbook-build-"))
    try:
        try:
            config = load_config(config_file=str(root / CONFIG), site_dir=str(staging / "site"),
                                 strict=not args.no_strict)
        except ConfigurationError as error:
            print(f"build failed: {error}", file=sys.stderr)
            return 1
        reason = unsafe_target(target, root, _inputs(root, config))
        if reason:
            print(f"refusing to build into {target}: {reason}, and a build replaces its "
                  "whole target folder; nothing was changed, choose another folder with -d.",
                  file=sys.stderr)
            return 2
        try:
            result = build.load(config, args.today)
        except build.BuildFailed as error:
            print(f"build failed: {error}", file=sys.stderr)
            return 1
        build.report(result)
        if result.errors:
            print(f"build failed; {target} was left as it was", file=sys.stderr)
            return 1
        jobs = build.jobs_for(config, staging)
        calendars = staging / "calendars"
        if not build.build_languages(jobs, result, strict=not args.no_strict,
                                     calendars=calendars):
            print(f"build failed (see the messages above); {target} was left as it was",
                  file=sys.stderr)
            return 1
        try:
            install_site(build.assemble(jobs, calendars), target)
        except OSError as error:
            print(f"the site was built but could not be put in {target}: {error}",
                  file=sys.stderr)
            return 1
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    kind = "preview (open index.html from the folder)" if args.preview else "site"
    print(f"built the {kind} in {target}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from mkdocs.exceptions import ConfigurationError

    from .serve import serve

    _quiet_mkdocs()
    root = find_root()
    os.environ[PREVIEW_ENV] = "false"
    try:
        serve(root / CONFIG, root, args.dev_addr, today=args.today)
    except ConfigurationError as error:
        print(f"cannot serve: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # the address is taken, or not this machine's
        print(f"cannot serve on {args.dev_addr}: {error.strerror or error}", file=sys.stderr)
        return 1
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    """Print packets as PDF files (generator/pdf.py); the optional ``pdf`` extra drives
    Chromium."""
    from . import pdf

    _quiet_mkdocs()
    root = find_root()
    output = Path(args.output) if args.output else root / "pdf"
    return pdf.run(root / CONFIG, args.visits, output, today=args.today, paper=args.paper)


def cmd_schema(args: argparse.Namespace) -> int:
    """Write the visit file's JSON Schema for editors, or with --check say if it is stale."""
    with _importing("generator.schema"):
        from .load import load_policy
        from .problems import Severity, display_path, format_report
        from .project import Paths
        from .schema import SCHEMA_PATH, is_current, render

    root = find_root()
    paths = Paths(root)
    target = Path(args.output) if args.output else root / SCHEMA_PATH
    policy = load_policy(paths.policy, root)
    if policy.model is None:
        errors = [p for p in policy.problems if p.severity is Severity.ERROR]
        print(format_report(errors, 1), file=sys.stderr)
        return 1
    text = render(policy.model)
    shown = display_path(target.resolve(), root)
    if args.check:
        if is_current(target, text):
            print(f"{shown} is up to date")
            return 0
        print(f"{shown} is out of date with the visit model or the policy; "
              "run: handbook schema", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {shown}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="handbook",
        description="Reception handbook and visit briefing packets.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new = sub.add_parser("new", help="create a visit file from the commented template")
    new.add_argument("--company", required=True, help="client company name")
    new.add_argument("--date", type=_today, help="arrival date, YYYY-MM-DD (default: in 2 weeks)")
    new.add_argument("-o", "--output", help="file to write (default: visits/DATE-COMPANY.yml)")
    new.set_defaults(func=cmd_new)

    check = sub.add_parser("check", help="validate visit files and the policy")
    check.add_argument("paths", nargs="*", help="visit files or folders (default: visits/)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--today", type=_today, help="the date to check against (YYYY-MM-DD)")
    check.add_argument("--policy", metavar="FILE",
                       help="validate this policy file and check the visits against it "
                            "(default: policy/reception.yml), e.g. one of "
                            "policy/alternatives/")
    check.set_defaults(func=cmd_check)

    build = sub.add_parser("build", help="build both languages into site/ (strict)")
    build.add_argument("--today", type=_today, help="build date for upcoming/past and overdue")
    build.add_argument("-d", "--site-dir",
                       help="output folder, replaced by the new site: a new or empty folder, "
                            "or a previous site (default: site/, with --preview site-preview/)")
    build.add_argument("--preview", action="store_true",
                       help="build a preview to open from a folder (file://): pages end in "
                            ".html and search works without a server")
    build.add_argument("--no-strict", action="store_true", help="do not fail on warnings")
    build.set_defaults(func=cmd_build)

    serve = sub.add_parser("serve", help="serve the site with live reload")
    serve.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", metavar="IP:PORT")
    serve.add_argument("--today", type=_today)
    serve.set_defaults(func=cmd_serve)

    pdf = sub.add_parser("pdf", help="print packets as PDF files, in both languages",
                         description="Print briefing packets as PDF files, one per visit and "
                                     "language (STEM.zh.pdf, STEM.en.pdf), with Chromium.")
    pdf.add_argument("visits", nargs="*", metavar="VISIT",
                     help="a visit file or its name, e.g. 2026-12-08-acme-de (default: every "
                          "upcoming visit of the visits index: not confidential, not over)")
    pdf.add_argument("-o", "--output", help="folder for the PDF files (default: pdf/)")
    pdf.add_argument("--today", type=_today, help="build date for upcoming/past and overdue")
    pdf.add_argument("--paper", choices=("A4", "Letter"), default="A4",
                     help="paper size (default: A4)")
    pdf.set_defaults(func=cmd_pdf)

    schema = sub.add_parser("schema", help="write the visit file's JSON Schema for editors")
    schema.add_argument("-o", "--output", help="file to write (default: schema/visit.schema.json)")
    schema.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the file is out of date")
    schema.set_defaults(func=cmd_schema)
    return parser


def _safe_output() -> None:
    """Never fail on printing: a terminal that is not UTF-8 gets \\u escapes for the rest."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    _safe_output()
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
