"""``handbook``: create, check, build and serve the reception handbook and its packets."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import shutil
import sys
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from .problems import format_json, format_report
from .project import TODAY_ENV, Paths, load_project

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


def cmd_check(args: argparse.Namespace) -> int:
    root = find_root()
    files = [Path(p) for p in args.paths] if args.paths else None
    missing = [p for p in files or [] if not p.exists()]
    if missing:
        for path in missing:
            print(f"{path}: no such file or folder", file=sys.stderr)
        return 2
    result = load_project(Paths(root), today=args.today, files=files)
    if args.format == "json":
        print(format_json(result.problems, result.checked))
    else:
        print(format_report(result.problems, result.checked))
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
    text = (template.replace("{{company}}", args.company)
            .replace("{{arrival}}", f"{day}")
            .replace("{{departure}}", f"{day + dt.timedelta(days=2)}"))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"created {target}\nnext: fill in the fields marked TODO, then run: handbook check "
          f"{target}")
    return 0


def _quiet_mkdocs() -> None:
    """Show MkDocs' messages the way the mkdocs command does, without its 2.0 banner."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_handbook", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._handbook = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    logging.getLogger("jieba").setLevel(logging.WARNING)


def cmd_build(args: argparse.Namespace) -> int:
    """Build both languages into a temporary folder, then swap it into place."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    _quiet_mkdocs()
    root = find_root()
    if args.today:
        os.environ[TODAY_ENV] = args.today
    target = Path(args.site_dir).resolve() if args.site_dir else root / "site"
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=target.parent))
    try:
        config = load_config(config_file=str(root / CONFIG), site_dir=str(staging),
                             strict=not args.no_strict)
        build(config)
    except (Abort, ConfigurationError, PluginError) as error:
        shutil.rmtree(staging, ignore_errors=True)
        reason = "" if "Aborted with" in str(error) else f": {error}"
        print(f"build failed (see the messages above); {target} was left as it was{reason}",
              file=sys.stderr)
        return 1
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = target.with_name(target.name + ".old")
    if target.exists():
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    print(f"built {target}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    _quiet_mkdocs()
    root = find_root()
    if args.today:
        os.environ[TODAY_ENV] = args.today
    try:
        serve(config_file=str(root / CONFIG), dev_addr=args.dev_addr, open_in_browser=False)
    except (Abort, ConfigurationError, PluginError) as error:
        print(f"cannot serve: {error}", file=sys.stderr)
        return 1
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Write the visit file's JSON Schema for editors, or with --check say if it is stale."""
    from .load import load_policy
    from .problems import Severity, display_path
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
    check.set_defaults(func=cmd_check)

    build = sub.add_parser("build", help="build both languages into site/ (strict)")
    build.add_argument("--today", type=_today, help="build date for upcoming/past and overdue")
    build.add_argument("-d", "--site-dir", help="output folder (default: site/)")
    build.add_argument("--no-strict", action="store_true", help="do not fail on warnings")
    build.set_defaults(func=cmd_build)

    serve = sub.add_parser("serve", help="serve the site with live reload")
    serve.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", metavar="IP:PORT")
    serve.add_argument("--today", type=_today)
    serve.set_defaults(func=cmd_serve)

    schema = sub.add_parser("schema", help="write the visit file's JSON Schema for editors")
    schema.add_argument("-o", "--output", help="file to write (default: schema/visit.schema.json)")
    schema.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the file is out of date")
    schema.set_defaults(func=cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
