"""Benchmark: what the handbook costs as visits pile up, next to the floor MkDocs itself sets.

    make bench                                   # 100 and 1000 visits
    make bench SIZES="100 1000 3000"             # other sizes
    .venv/bin/python benchmarks/bench_build.py 100 1000 3000
    .venv/bin/python benchmarks/bench_build.py 100 --no-serve   # without the live preview
    .venv/bin/python benchmarks/bench_build.py --quick          # smoke run: 20 visits, no serve

For each size N it copies the project (docs, policy, theme, mkdocs*.yml) to a temporary folder,
adds N synthetic visit files bench-0001.yml ... (variations of the fixture visits in
tests/fixtures/project/visits) and measures, each command in its own process:

  build       wall time of `handbook build --today 2026-11-23 -d <tmp>/site` (both languages,
              measured as a black box), and its peak memory.
  floor       the same site without the handbook: a second copy whose mkdocs*.yml have the
              `handbook` plugin removed (theme, search, Markdown extensions, git dates, offline
              and nav kept; visits/index.md becomes a plain page) plus N one-paragraph pages
              per language (docs/<lang>/floor/p0001.md ..., not in the nav), built as the
              handbook builds: `python -m mkdocs build --strict -q` for zh and en, started at
              the same time; wall time until both end. It is what any MkDocs site of that many
              pages costs; "ratio" is build / floor, the handbook's own overhead.
  peak        memory: /proc is polled every 50 ms, the memory of every live process of the
              command's tree is summed, the largest sum is shown (MiB). Each process counts
              its proportional share (PSS, /proc/<pid>/smaps_rollup) of the pages it shares
              with others: forked build processes share most of their memory with their
              parent, and adding up their RSS would count those pages several times. Where
              the kernel has no smaps_rollup, RSS is used.
  check one   `handbook check visits/bench-0001.yml --today 2026-11-23`, median of 3 runs: what
              an account owner waits for after saving one file.
  check all   `handbook check --today 2026-11-23`: every visit file.
  preview     `handbook serve` on a free port: once the packet of bench-0001 answers, its
              `purpose:` line gets a new word three times; the delay runs from the write until
              the word shows in both the zh packet (/visits/bench-0001/) and the en packet
              (/en/visits/bench-0001/), polled every 20 ms. Median and max; "no update" when
              the word does not show within 60 s.
  packet      what a phone downloads for one packet: median and max size of the built
              site/visits/*/index.html and site/en/visits/*/index.html (KB = 1024 bytes).
  search      size of site/search/search_index.json and site/en/search/search_index.json
              (MB = 1024 KB), which the browser downloads on the first search.

At the end the targets are printed next to the figures, "ok" or "over" (or "n/a" when the
sizes run do not include what a target needs). The live preview is judged by its max, the
search index at 1000 visits per language, and the packet page by its median: the size of a
packet grows with its visit (a week of items and forty tasks cannot fit any fixed size), and
the issue that set the target measured the page by its median ("today 46 KB median"). The
largest page and the share of pages over 30 KB are printed with it. The exit status is 0
when every command ran, even if a target is missed, and 1 if a command failed (its last
output lines are printed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("docs", "policy", "theme", "mkdocs.yml", "mkdocs.en.yml", "mkdocs.base.yml")
CONFIGS = {"zh": "mkdocs.yml", "en": "mkdocs.en.yml"}
# The synthetic visits vary the test fixtures, not visits/ (content users change or empty).
SAMPLES = ROOT / "tests" / "fixtures" / "project" / "visits"
TODAY = "2026-11-23"
HANDBOOK = (sys.executable, "-m", "generator.cli")
MKDOCS = (sys.executable, "-m", "mkdocs")
DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
PURPOSE = re.compile(r"^purpose:.*(?:\n[ \t]+\S.*)*", re.MULTILINE)
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
KB, MB = 1024, 1024 * 1024
SAMPLE_EVERY = 0.05        # s, memory polling
POLL_EVERY = 0.02          # s, live preview polling
COMMAND_TIMEOUT = 3600.0   # s, any one measured command
SERVE_START_TIMEOUT = 600.0
PREVIEW_TIMEOUT = 60.0
PREVIEW_TRIES = 3
TAIL_LINES = 25
DEFAULT_SIZES = (100, 1000)
QUICK_SIZE = 20

FLOOR_TEXT = {
    "zh": "第 {n} 页：来访客户的接待安排、日程、人员、饮食和准备清单，用来衡量同样多的页面在"
          "同样的主题、搜索和 Markdown 扩展下构建需要多久。",
    "en": "Page {n}: the arrangements, schedule, people, diets and checklist of a visit, used "
          "to measure how long as many pages take with the same theme, search and Markdown "
          "extensions.",
}
VISITS_PAGE = {"zh": "# 来访\n\n来访简报的列表。\n", "en": "# Visits\n\nThe list of packets.\n"}


# --- the projects ---------------------------------------------------------------------------

def copy_project(target: Path) -> None:
    """Copy what a build reads (not visits/ or generator/: the code runs from the venv)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)


def synthetic_visit(example: str, n: int) -> str:
    """Fixture text with its dates moved by up to a year and a company of its own."""
    shift = dt.timedelta(days=n % 365)
    text = DATE.sub(lambda m: (dt.date.fromisoformat(m.group(0)) + shift).isoformat(), example)
    return text.replace("company: ", f"company: Client {n:04d} ", 1)


def make_project(target: Path, visits: int) -> None:
    """The project plus visits/bench-0001.yml ... bench-<visits>.yml."""
    copy_project(target)
    folder = target / "visits"
    folder.mkdir()
    examples = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.yml"))]
    for n in range(1, visits + 1):
        text = synthetic_visit(examples[(n - 1) % len(examples)], n)
        (folder / f"bench-{n:04d}.yml").write_text(text, encoding="utf-8")


def without_plugin(text: str, name: str = "handbook") -> str:
    """The YAML text with the `name:` entry (and its options) taken out of `plugins:`."""
    kept: list[str] = []
    in_plugins = skipping = False
    for line in text.splitlines(keepends=True):
        body = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if skipping and (not body or indent > 2):
            if not body:
                kept.append(line)   # a blank line stays (and the entry may go on after it)
            continue
        skipping = False
        if body and indent == 0 and not body.startswith("#"):
            in_plugins = body.startswith("plugins:")
        if in_plugins and indent == 2 and body.startswith(f"{name}:"):
            skipping = True
            continue
        kept.append(line)
    return "".join(kept)


def make_floor(target: Path, pages: int) -> None:
    """The project without its plugin, plus `pages` plain pages per language."""
    copy_project(target)
    for config in ("mkdocs.base.yml", *CONFIGS.values()):
        path = target / config
        text = without_plugin(path.read_text(encoding="utf-8"))
        if re.search(r"^\s+handbook:", text, re.MULTILINE):
            raise RuntimeError(f"could not remove the handbook plugin from {config}")
        path.write_text(text, encoding="utf-8")
    for lang in CONFIGS:
        docs = target / "docs" / lang
        (docs / "visits").mkdir(exist_ok=True)
        (docs / "visits" / "index.md").write_text(VISITS_PAGE[lang], encoding="utf-8")
        (docs / "floor").mkdir()
        for n in range(1, pages + 1):
            text = FLOOR_TEXT[lang].format(n=n) + "\n"
            (docs / "floor" / f"p{n:04d}.md").write_text(text, encoding="utf-8")


# --- running and measuring ------------------------------------------------------------------

def environment() -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "HANDBOOK_PREVIEW": "false"}
    env.pop("HANDBOOK_TODAY", None)   # --today says it
    return env


def children() -> dict[int, list[int]]:
    """Every live process's children, from /proc/<pid>/stat."""
    found: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        found.setdefault(parent, []).append(int(entry.name))
    return found


def rss(pid: int) -> int:
    """The process's proportional set size (PSS) in bytes, else its RSS, else 0."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(roots: Iterable[int]) -> int:
    """Bytes resident in the roots and all their live descendants."""
    tree = children()
    pending, seen, total = list(roots), set[int](), 0
    while pending:
        pid = pending.pop()
        if pid not in seen:
            seen.add(pid)
            total += rss(pid)
            pending.extend(tree.get(pid, []))
    return total


class PeakMemory(threading.Thread):
    """Samples the processes' trees every SAMPLE_EVERY seconds; `peak` is the largest sum."""

    def __init__(self, roots: Sequence[int]) -> None:
        super().__init__(daemon=True)
        self.roots = list(roots)
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while True:
            self.peak = max(self.peak, tree_rss(self.roots))
            if self.done.wait(SAMPLE_EVERY):
                return

    def stop(self) -> float:
        self.done.set()
        self.join()
        return self.peak / MB


@dataclass
class Run:
    """One measured command (or commands started together)."""

    label: str
    seconds: float
    peak_mib: float
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def tail(path: Path) -> str:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join("    " + line for line in lines[-TAIL_LINES:]) or "    (no output)"


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process's group, then SIGKILL if it has not ended within 10 s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


def finish(process: subprocess.Popen[bytes], deadline: float) -> int | None:
    """The exit code, or None (and the group killed) if it runs past the deadline."""
    try:
        return process.wait(timeout=max(0.0, deadline - time.perf_counter()))
    except subprocess.TimeoutExpired:
        stop_group(process)
        return None


def run_together(label: str, commands: Sequence[Sequence[str]], cwd: Path) -> Run:
    """Start the commands at the same time; wall time until all end, peak memory of all."""
    with tempfile.TemporaryDirectory(prefix="bench-log-") as logs:
        outputs = [Path(logs) / f"{i}.log" for i in range(len(commands))]
        start = time.perf_counter()
        processes = []
        for args, output in zip(commands, outputs, strict=True):
            with output.open("wb") as sink:
                processes.append(subprocess.Popen(
                    list(args), cwd=cwd, env=environment(), stdout=sink,
                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True))
        memory = PeakMemory([p.pid for p in processes])
        memory.start()
        codes = [finish(p, start + COMMAND_TIMEOUT) for p in processes]
        seconds = time.perf_counter() - start
        peak = memory.stop()
        failures = [failure(args, code, output)
                    for args, code, output in zip(commands, codes, outputs, strict=True)
                    if code != 0]
    return Run(label, seconds, peak, failures)


def failure(args: Sequence[str], code: int | None, output: Path) -> str:
    shown = " ".join(args)
    for prefix, name in ((" ".join(HANDBOOK), "handbook"), (" ".join(MKDOCS), "mkdocs")):
        shown = shown.replace(prefix, name, 1)
    why = f"timed out after {COMMAND_TIMEOUT:.0f} s" if code is None else f"exit {code}"
    return f"{shown}: {why}; last lines of its output:\n{tail(output)}"


def run_build(project: Path) -> Run:
    args = [*HANDBOOK, "build", "--today", TODAY, "-d", str(project / "site")]
    return run_together("build", [args], project)


def run_floor(floor: Path) -> Run:
    commands = [[*MKDOCS, "build", "--strict", "-q", "-f", config, "-d",
                 str(floor / f"site-{lang}")] for lang, config in CONFIGS.items()]
    return run_together("floor", commands, floor)


def run_checks(project: Path) -> tuple[Run, Run]:
    """One file (median of 3 runs) and all files."""
    one = [*HANDBOOK, "check", "visits/bench-0001.yml", "--today", TODAY]
    runs = [run_together("check one", [one], project) for _ in range(3)]
    median = Run("check one", statistics.median(r.seconds for r in runs),
                 max(r.peak_mib for r in runs), [f for r in runs for f in r.failures][:1])
    every = run_together("check all", [[*HANDBOOK, "check", "--today", TODAY]], project)
    return median, every


# --- the live preview -----------------------------------------------------------------------

@dataclass
class Preview:
    delays: list[float] = field(default_factory=list)
    note: str = ""               # "no update", or why it could not be measured
    failures: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fetch(url: str) -> tuple[int, str]:
    """Status and body; 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            status: int = response.status
            return status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, OSError):
        return 0, ""


def wait_for(test: Callable[[], bool], deadline: float, alive: Callable[[], bool]) -> bool:
    while time.perf_counter() < deadline and alive():
        if test():
            return True
        time.sleep(POLL_EVERY)
    return False


def set_purpose(visit: Path, word: str) -> None:
    """Put *word* in the visit's one `purpose:` line (and drop any continuation lines)."""
    text = visit.read_text(encoding="utf-8")
    new, count = PURPOSE.subn(f"purpose: Check the live preview {word}.", text, count=1)
    if count != 1:
        raise RuntimeError(f"{visit.name} has no purpose: line")
    visit.write_text(new, encoding="utf-8")


def shows(url: str, word: str) -> bool:
    return word in fetch(url)[1]


def one_update(urls: Sequence[str], visit: Path, alive: Callable[[], bool]) -> float | None:
    """Seconds from the write until every URL shows the new word, or None after 60 s."""
    word = f"benchword{uuid.uuid4().hex[:12]}"
    start = time.perf_counter()
    set_purpose(visit, word)
    deadline = start + PREVIEW_TIMEOUT
    for url in urls:
        if not wait_for(functools.partial(shows, url, word), deadline, alive):
            return None
    return time.perf_counter() - start


def measure_preview(project: Path, log: Path) -> Preview:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    urls = [f"{base}/visits/bench-0001/", f"{base}/en/visits/bench-0001/"]
    args = [*HANDBOOK, "serve", "-a", f"127.0.0.1:{port}", "--today", TODAY]
    with log.open("wb") as sink:
        server = subprocess.Popen(args, cwd=project, env=environment(), stdout=sink,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  start_new_session=True)
    try:
        return preview_with(server, urls, project / "visits" / "bench-0001.yml", log)
    finally:
        stop_group(server)


def preview_with(server: subprocess.Popen[bytes], urls: Sequence[str], visit: Path,
                 log: Path) -> Preview:
    def alive() -> bool:
        return server.poll() is None

    result = Preview()
    up = wait_for(lambda: fetch(urls[0])[0] == 200,
                  time.perf_counter() + SERVE_START_TIMEOUT, alive)
    if not up:
        why = "ended" if not alive() else f"did not answer {urls[0]} in {SERVE_START_TIMEOUT} s"
        result.failures.append(f"handbook serve {why}; last lines of its output:\n{tail(log)}")
        result.note = "serve failed"
        return result
    for _ in range(PREVIEW_TRIES):
        delay = one_update(urls, visit, alive)
        if delay is None:
            result.note = "no update" if alive() else "serve ended"
            if not alive():
                result.failures.append(f"handbook serve ended:\n{tail(log)}")
            return result
        result.delays.append(delay)
        time.sleep(1.0)   # let the watcher settle before the next save
    return result


# --- what a phone downloads -----------------------------------------------------------------

def packet_sizes(site: Path) -> list[float]:
    """KB of every packet page, both languages."""
    pages = [*site.glob("visits/*/index.html"), *site.glob("en/visits/*/index.html")]
    return [page.stat().st_size / KB for page in pages]


def index_sizes(site: Path) -> dict[str, float]:
    """MB of each language's search index (missing: not there)."""
    found = {"zh": site / "search" / "search_index.json",
             "en": site / "en" / "search" / "search_index.json"}
    return {lang: path.stat().st_size / MB for lang, path in found.items() if path.is_file()}


# --- one size -------------------------------------------------------------------------------

@dataclass
class Figures:
    size: int
    build: Run
    floor: Run
    check_one: Run
    check_all: Run
    preview: Preview | None
    packets: list[float]
    indexes: dict[str, float]

    @property
    def failures(self) -> list[str]:
        runs = (self.build, self.floor, self.check_one, self.check_all)
        found = [f for run in runs for f in run.failures]
        return found + (self.preview.failures if self.preview else [])

    @property
    def ratio(self) -> float | None:
        if self.build.ok and self.floor.ok and self.floor.seconds > 0:
            return self.build.seconds / self.floor.seconds
        return None


def measure(size: int, serve: bool) -> Figures:
    with tempfile.TemporaryDirectory(prefix=f"bench-{size}-") as tmp:
        project, floor = Path(tmp) / "project", Path(tmp) / "floor"
        make_project(project, size)
        make_floor(floor, size)
        build = run_build(project)
        floor_run = run_floor(floor)
        check_one, check_all = run_checks(project)
        site = project / "site"
        packets, indexes = (packet_sizes(site), index_sizes(site)) if build.ok else ([], {})
        preview = None
        if serve and build.ok:
            preview = measure_preview(project, Path(tmp) / "serve.log")
        elif serve:
            preview = Preview(note="not run (the build failed)")
    return Figures(size, build, floor_run, check_one, check_all, preview, packets, indexes)


# --- printing -------------------------------------------------------------------------------

def run_text(run: Run) -> str:
    state = "" if run.ok else "   FAILED"
    return f"{run.seconds:8.2f} s   peak {run.peak_mib:6.0f} MiB{state}"


def preview_text(preview: Preview | None) -> str:
    if preview is None:
        return "not run (--no-serve)"
    if not preview.delays:
        return preview.note
    median, worst = statistics.median(preview.delays), max(preview.delays)
    more = f", then {preview.note}" if preview.note else ""
    return f"{median:.2f} s median, {worst:.2f} s max of {len(preview.delays)}{more}"


def packets_text(sizes: list[float]) -> str:
    if not sizes:
        return "none built"
    return (f"{statistics.median(sizes):.1f} KB median, {max(sizes):.1f} KB max "
            f"({len(sizes)} pages, zh + en)")


def indexes_text(indexes: dict[str, float]) -> str:
    return ", ".join(f"{lang} {mb:.2f} MB" for lang, mb in indexes.items()) or "none built"


def print_figures(figures: Figures) -> None:
    ratio = f"{figures.ratio:.2f}" if figures.ratio is not None else "n/a"
    rows = [
        ("build (handbook build, zh + en)", run_text(figures.build)),
        ("floor (mkdocs zh + en, no plugin)", run_text(figures.floor)),
        ("ratio build / floor", ratio),
        ("check one file (median of 3)", run_text(figures.check_one)),
        ("check all files", run_text(figures.check_all)),
        ("live preview (save to zh + en)", preview_text(figures.preview)),
        ("packet page", packets_text(figures.packets)),
        ("search index", indexes_text(figures.indexes)),
    ]
    print(f"\n== {figures.size} visits ==")
    for name, value in rows:
        print(f"  {name:<36} {value}")
    sys.stdout.flush()


def verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "n/a"
    return "ok" if value <= limit else "over"


def target_rows(results: dict[int, Figures]) -> list[tuple[str, str, str]]:
    """(target, figure, ok/over/n/a) for every target the sizes allow."""
    rows: list[tuple[str, str, str]] = []
    at1000, at3000 = results.get(1000), results.get(3000)
    ratio = at1000.ratio if at1000 else None
    rows.append(("1000 visits: build <= 1.5 x floor",
                 f"{ratio:.2f} x" if ratio is not None else "needs 1000", verdict(ratio, 1.5)))
    scale = None
    if at1000 and at3000 and at1000.build.ok and at3000.build.ok:
        scale = at3000.build.seconds / at1000.build.seconds
    rows.append(("3000 visits: build <= 3.2 x 1000's",
                 f"{scale:.2f} x" if scale is not None else "needs 1000 and 3000",
                 verdict(scale, 3.2)))
    peak = at3000.build.peak_mib if at3000 and at3000.build.ok else None
    rows.append(("3000 visits: build peak < 500 MiB",
                 f"{peak:.0f} MiB" if peak is not None else "needs 3000", verdict(peak, 500)))
    for size, figures in results.items():
        rows.extend(size_rows(size, figures))
    return rows


def size_rows(size: int, figures: Figures) -> list[tuple[str, str, str]]:
    one = figures.check_one.seconds if figures.check_one.ok else None
    rows = [(f"{size} visits: check one file < 0.5 s", fmt(one, "s", 2), verdict(one, 0.5))]
    if figures.preview is not None:
        delays = figures.preview.delays
        worst = max(delays) if delays and not figures.preview.note else None
        shown = fmt(worst, "s max", 2) if worst is not None else figures.preview.note
        rows.append((f"{size} visits: live preview < 1 s", shown, verdict(worst, 1.0)))
    page = statistics.median(figures.packets) if figures.packets else None
    over = sum(kb >= 30.0 for kb in figures.packets)
    shown = (f"{page:.1f} KB median ({max(figures.packets):.1f} max, {over} of "
             f"{len(figures.packets)} over)") if page is not None else "n/a"
    rows.append((f"{size} visits: packet page < 30 KB (median)", shown, verdict(page, 30.0)))
    if size == 1000:
        for lang in CONFIGS:
            mb = figures.indexes.get(lang)
            rows.append((f"1000 visits: search index {lang} < 4 MB", fmt(mb, "MB", 2),
                         verdict(mb, 4.0)))
    return rows


def fmt(value: float | None, unit: str, digits: int) -> str:
    return "n/a" if value is None else f"{value:.{digits}f} {unit}"


def print_targets(results: dict[int, Figures]) -> None:
    print("\n== targets ==")
    rows = target_rows(results)
    width = max((len(figure) for _, figure, _ in rows), default=0)
    for target, figure, state in rows:
        print(f"  {target:<44} {figure:<{width}} {state}")


def print_failures(results: dict[int, Figures]) -> bool:
    failed = False
    for size, figures in results.items():
        for text in figures.failures:
            if not failed:
                print("\n== failed commands ==")
            failed = True
            print(f"  [{size} visits] {text}")
    return failed


# --- main -----------------------------------------------------------------------------------

def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__
                                     else None)
    parser.add_argument("sizes", nargs="*", type=int,
                        help="numbers of visits (default: 100 1000)")
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke run: {QUICK_SIZE} visits, no live preview")
    parser.add_argument("--no-serve", action="store_true", help="skip the live preview")
    args = parser.parse_args(argv)
    if any(size < 1 for size in args.sizes):
        parser.error("sizes must be at least 1 (bench-0001 is measured)")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    sizes = [QUICK_SIZE] if args.quick else (args.sizes or list(DEFAULT_SIZES))
    serve = not (args.quick or args.no_serve)
    print(f"handbook benchmark: sizes {' '.join(map(str, sizes))}, --today {TODAY}, "
          f"{os.cpu_count()} cores, live preview {'on' if serve else 'off'}")
    results: dict[int, Figures] = {}
    for size in sizes:
        results[size] = measure(size, serve)
        print_figures(results[size])
    print_targets(results)
    return 1 if print_failures(results) else 0


if __name__ == "__main__":
    sys.exit(main())
