"""Helpers to build a copy of the repository with the real MkDocs, as CI and users do."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, TODAY

COPIED = ["docs", "visits", "policy", "theme", "mkdocs.yml", "mkdocs.en.yml",
          "mkdocs.base.yml"]


def copy_project(target: Path) -> Path:
    """A copy of the inputs of the site (no git history, like a fresh export)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.exists():
            shutil.copy2(source, target / name)
    return target


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HANDBOOK_TODAY": TODAY.isoformat(), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=project, env=env, capture_output=True, text=True, timeout=600)


def search_index(site: Path) -> list[dict[str, str]]:
    data = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs: list[dict[str, str]] = data["docs"]
    return docs
