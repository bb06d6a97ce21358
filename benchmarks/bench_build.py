"""Benchmark: how long checking and building take, and how much memory, as visits pile up.

    .venv/bin/python benchmarks/bench_build.py            # 100 and 1000 visits
    .venv/bin/python benchmarks/bench_build.py 50 500     # other sizes

It copies the project to a temporary folder, adds N synthetic visit files (variations of the
fixture visits in tests/fixtures/project/visits), then measures in separate processes:
  check  - handbook check (load, validate, derive, run the checks) of every file
  build  - the full strict build of both languages (what CI publishes)
and prints wall time and peak memory (max RSS) for each. Targets (on the 2-core CI machine):
check of 1000 visits under 15 s; build of 1000 visits under 120 s and 2 GiB.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ["docs", "policy", "theme", "mkdocs.yml", "mkdocs.en.yml", "mkdocs.base.yml"]
# The synthetic visits vary the test fixtures, not visits/ (content users change or empty).
SAMPLES = ROOT / "tests" / "fixtures" / "project" / "visits"
DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
TARGETS = {"check": (15.0, None), "build": (120.0, 2048.0)}  # seconds, MiB at 1000 visits


def make_project(target: Path, visits: int) -> None:
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    (target / "visits").mkdir()
    examples = sorted(SAMPLES.glob("*.yml"))
    for n in range(visits):
        example = examples[n % len(examples)]
        text = example.read_text(encoding="utf-8")
        shift = dt.timedelta(days=n % 365)
        text = DATE.sub(lambda m, by=shift: (dt.date.fromisoformat(m.group(0)) + by).isoformat(),
                        text)
        text = text.replace("company: ", f"company: Client {n:04d} ", 1)
        (target / "visits" / f"bench-{n:04d}.yml").write_text(text, encoding="utf-8")


def measure(args: list[str], cwd: Path) -> tuple[float, float, int]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "HANDBOOK_TODAY": "2026-11-23"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024, result.returncode


def main(sizes: list[int]) -> int:
    python = sys.executable
    print(f"{'visits':>7} {'step':<6} {'seconds':>8} {'peak MiB':>9}  exit")
    failed = False
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp)
            make_project(project, size)
            steps = {
                "check": [python, "-m", "generator.cli", "check"],
                "build": [python, "-m", "mkdocs", "build", "--strict", "-q", "-d",
                          str(project / "site")],
            }
            for step, args in steps.items():
                seconds, mib, code = measure(args, project)
                print(f"{size:>7} {step:<6} {seconds:>8.1f} {mib:>9.0f}  {code}")
                limit_s, limit_mib = TARGETS[step]
                if size == 1000 and (seconds > limit_s or (limit_mib and mib > limit_mib)):
                    print(f"        over target: {limit_s} s"
                          + (f", {limit_mib:.0f} MiB" if limit_mib else ""))
                    failed = True
                failed = failed or code not in (0, 1)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main([int(a) for a in sys.argv[1:]] or [100, 1000]))
