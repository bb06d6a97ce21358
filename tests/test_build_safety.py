"""`handbook build` and `handbook serve` cannot hurt the project.

A build replaces its target folder, so it refuses targets that would take the project, an
input or unrelated files with them, and it stages outside the repository. `handbook serve`
keeps answering with the last good site while a file is broken, and says why.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, TODAY, visit_data
from sitebuild import copy_project

from generator.cli import SWAP_PREFIX, install_site, unsafe_target

REFUSED = "refusing to build into"


def _env(tmp: Path) -> dict[str, str]:
    """The environment of a `handbook` run, with its own system temporary folder."""
    tmp.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(tmp)}


def handbook(*args: str, cwd: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd,
                          env=_env(tmp), capture_output=True, text=True, timeout=600)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under *folder* with a hash of its content."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def add_visit(project: Path, stem: str, **changes: object) -> Path:
    path = project / "visits" / f"{stem}.yml"
    path.write_text(yaml.safe_dump(visit_data(**changes), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project with a git folder, uncommitted work and a visit file."""
    project = copy_project(tmp_path / "work" / "project")
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (project / "notes-not-committed.md").write_text("work in progress\n", encoding="utf-8")
    add_visit(project, "2026-12-08-quokka-instruments",
              **{"client.company": "Quokka Instruments"})
    return project


# Refused targets -------------------------------------------------------------------------------

@pytest.mark.parametrize(("target", "why"), [
    (".", "it is the project folder"),
    ("visits", "it is the project's visits folder"),
    ("..", "it contains the project folder"),
    ("../..", "it contains the project folder"),
    (".git", "it is the project's .git folder"),
    ("docs/zh", "it is the project's docs/zh folder"),
    ("docs/zh/site", "it lies inside the project's docs folder"),
    ("theme/site", "it lies inside the project's theme folder"),
    ("../unrelated", "it is a folder with other content"),
    ("notes-not-committed.md", "it is a file"),
])
def test_build_refuses_a_target_that_would_destroy_something(project: Path, tmp_path: Path,
                                                             target: str, why: str) -> None:
    unrelated = project.parent / "unrelated"
    unrelated.mkdir()
    (unrelated / "letter.txt").write_text("keep me\n", encoding="utf-8")
    before, around = snapshot(project), snapshot(unrelated)
    temp = tmp_path / "tmp"
    result = handbook("build", "--today", TODAY.isoformat(), "-d", target, cwd=project,
                      tmp=temp)
    assert result.returncode == 2, result.stderr
    message = result.stderr.strip()
    assert message.startswith(REFUSED) and why in message, message
    assert "nothing was changed" in message
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    assert snapshot(project) == before
    assert snapshot(unrelated) == around
    assert list(temp.iterdir()) == []        # no staging folder left in the system temp either


def test_unsafe_target_rules(tmp_path: Path) -> None:
    root = (tmp_path / "project").resolve()
    inputs = [root / "visits", root / "docs", root / ".git"]
    for folder in inputs:
        folder.mkdir(parents=True)
    site = root / "site"
    assert unsafe_target(site, root, inputs) is None                  # new folder
    site.mkdir()
    assert unsafe_target(site, root, inputs) is None                  # empty folder
    (site / "index.html").write_text("<html></html>", encoding="utf-8")
    (site / "old.css").write_text("", encoding="utf-8")
    assert unsafe_target(site, root, inputs) is None                  # a previous site
    (site / "index.html").unlink()
    assert unsafe_target(site, root, inputs) is not None              # no longer looks like one
    (site / "sitemap.xml").write_text("<urlset/>", encoding="utf-8")
    assert unsafe_target(site, root, inputs) is None
    assert unsafe_target(tmp_path / "elsewhere" / "new", root, inputs) is None
    assert unsafe_target(root / "visits", root, inputs) == "it is the project's visits folder"
    assert unsafe_target(root / "docs" / "x", root, inputs) == ("it lies inside the project's "
                                                                 "docs folder")
    assert unsafe_target(tmp_path.resolve(), root, inputs) == "it contains the project folder"


# Staging and swapping -----------------------------------------------------------------------

def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()
                  if p.name.startswith((SWAP_PREFIX, ".site-", "handbook-build-")))


def test_build_stages_outside_the_project_and_leaves_nothing(project: Path,
                                                             tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    stale = project / f"{SWAP_PREFIX}site"        # what a build killed while swapping leaves
    (stale / "new").mkdir(parents=True)
    (stale / "new" / "index.html").write_text("half", encoding="utf-8")
    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text("old site", encoding="utf-8")
    result = handbook("build", "--today", TODAY.isoformat(), cwd=project, tmp=temp)
    assert result.returncode == 0, result.stderr
    assert "quokka-instruments" in (site / "visits" / "index.html").read_text(encoding="utf-8")
    assert (site / "en" / "index.html").is_file()
    assert _leftovers(project) == []
    assert _leftovers(temp) == []
    assert {p.name for p in project.iterdir()} == {
        ".git", "docs", "mkdocs.base.yml", "mkdocs.en.yml", "mkdocs.yml",
        "notes-not-committed.md", "policy", "site", "theme", "visits"}


def test_a_killed_build_leaves_nothing_in_the_project(project: Path, tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    before = {p.name for p in project.iterdir()}
    build = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "build", "--today", TODAY.isoformat()],
        cwd=project, env=_env(temp), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True)
    try:
        deadline = time.monotonic() + 300
        # Kill it while MkDocs writes pages into the staging folder.
        while not list(temp.glob("handbook-build-*/site/assets")):
            assert build.poll() is None, build.communicate()[1]
            assert time.monotonic() < deadline, "the build did not start writing"
            time.sleep(0.05)
        build.kill()
        build.wait(timeout=60)
    finally:
        if build.poll() is None:
            build.kill()
        if build.stderr:
            build.stderr.close()
    assert {p.name for p in project.iterdir()} == before


def test_swap_folder_is_ignored_by_git() -> None:
    for name in (f"{SWAP_PREFIX}site", "site-preview"):
        run = subprocess.run(["git", "check-ignore", "--no-index", "-q", f"{name}/x"],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, f"{name}/ is not in .gitignore"


def test_install_site_replaces_the_target(tmp_path: Path) -> None:
    built = tmp_path / "staging" / "site"
    (built / "en").mkdir(parents=True)
    (built / "index.html").write_text("new", encoding="utf-8")
    (built / "en" / "index.html").write_text("new en", encoding="utf-8")
    target = tmp_path / "out" / "site"
    target.mkdir(parents=True)
    (target / "index.html").write_text("old", encoding="utf-8")
    (target / "gone.txt").write_text("old", encoding="utf-8")
    install_site(built, target)
    assert snapshot(target) == {
        "en/index.html": hashlib.sha256(b"new en").hexdigest(),
        "index.html": hashlib.sha256(b"new").hexdigest()}
    assert sorted(p.name for p in target.parent.iterdir()) == ["site"]
    # into a folder that does not exist yet
    again = tmp_path / "staging" / "again"
    again.mkdir()
    (again / "index.html").write_text("x", encoding="utf-8")
    install_site(again, tmp_path / "new" / "deeper" / "site")
    assert (tmp_path / "new" / "deeper" / "site" / "index.html").read_text() == "x"


# handbook serve ---------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """`handbook serve` in a subprocess, with its terminal output collected as it comes."""

    def __init__(self, project: Path, temp: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.temp = temp
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{self.port}",
             "--today", TODAY.isoformat()],
            cwd=project, env=_env(temp), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, encoding="utf-8")
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, condition: Callable[[], bool], what: str, seconds: float = 300) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            assert self.process.poll() is None, f"serve exited:\n{self.output}"
            assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{self.output}"
            time.sleep(0.2)

    def get(self, path: str = "") -> tuple[int, str]:
        """Status and body; a server that holds the request fails the test after 20 s."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=20) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def answers(self, path: str, text: str) -> Callable[[], bool]:
        def check() -> bool:
            try:
                status, body = self.get(path)
            except OSError:  # not listening yet
                return False
            return status == 200 and text in body
        return check

    def count(self, pattern: str) -> int:
        return len(re.findall(pattern, self.output))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=60)
        self.reader.join(timeout=10)


@pytest.fixture
def server_in(tmp_path: Path) -> Iterator[Callable[[Path], Server]]:
    started: list[Server] = []

    def start(project: Path) -> Server:
        server = Server(project, tmp_path / "tmp")
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def _without_livereload(page: str) -> str:
    """The page without the script the server adds to it (it differs on every request)."""
    return re.sub(r"<script>\s*var livereload = .*?</script>", "", page, flags=re.S)


BROKEN = r"visits/2026-12-09-broken\.yml:\d+:\d+: error"


def test_serve_keeps_the_last_good_site_while_a_file_is_broken(project: Path,
                                                               server_in: Callable[[Path],
                                                                                   Server]
                                                               ) -> None:
    server = server_in(project)
    server.wait_for(server.answers("visits/", "quokka-instruments"), "the first build")
    status, good = server.get()
    assert status == 200

    broken = add_visit(project, "2026-12-09-broken", tier="Z",
                       **{"client.company": "Wombat Works"})
    server.wait_for(lambda: server.count("still serving the last good site") == 1,
                    "the failed rebuild")
    assert server.count(BROKEN) == 1, server.output          # the located report, once
    status, page = server.get()
    assert status == 200
    assert _without_livereload(page) == _without_livereload(good)
    assert "wombat-works" not in server.get("visits/")[1]

    broken.write_text(broken.read_text(encoding="utf-8").replace("tier: Z", "tier: Y"),
                      encoding="utf-8")
    server.wait_for(lambda: server.count("still serving the last good site") == 2,
                    "the second failed rebuild")
    assert server.count(BROKEN) == 2, server.output
    assert server.get()[0] == 200

    add_visit(project, "2026-12-09-broken", **{"client.company": "Wombat Works"})
    server.wait_for(server.answers("visits/", "2026-12-09-broken"), "the fixed site")
    assert server.get("visits/2026-12-09-broken/")[0] == 200
    server.stop()
    assert "Traceback" not in server.output
    assert list(server.temp.glob("handbook-serve-*")) == []


def test_serve_with_a_broken_file_at_start_says_why_and_waits(project: Path,
                                                              server_in: Callable[[Path],
                                                                                  Server]
                                                              ) -> None:
    broken = add_visit(project, "2026-12-09-broken", tier="<b>Z</b>")
    server = server_in(project)
    server.wait_for(server.answers("", "could not be built"), "the placeholder page")
    assert server.count(BROKEN) == 1, server.output
    status, page = server.get()
    assert status == 200
    assert re.search(BROKEN, page), page                   # the report, in the browser too
    assert "&lt;b&gt;Z&lt;/b&gt;" in page and "<b>Z</b>" not in page
    assert "could not be built" in server.get("en/visits/")[1]   # every address shows it

    broken.unlink()
    server.wait_for(server.answers("visits/", "quokka-instruments"), "the fixed site")
    assert "could not be built" not in server.get()[1]
    assert "Traceback" not in server.output


def test_serve_shows_an_edit_and_a_removal_in_both_languages(project: Path,
                                                               server_in: Callable[[Path],
                                                                                   Server]
                                                               ) -> None:
    """The live preview's own path (only visit files changed): the edited packet in zh and
    en, with its table of contents, the index with the new company, and a removed visit gone
    from the site and the index."""
    add_visit(project, "2026-12-10-numbat-optics", **{"client.company": "Numbat Optics"})
    server = server_in(project)
    server.wait_for(server.answers("visits/", "numbat-optics"), "the first build")
    before = server.get("visits/2026-12-08-quokka-instruments/")[1]
    assert 'href="#schedule"' in before  # the packet's table of contents

    add_visit(project, "2026-12-08-quokka-instruments",
              **{"client.company": "Quokka Lenses", "purpose": "Review the zebra prototypes"})
    for path in ("visits/2026-12-08-quokka-instruments/",
                 "en/visits/2026-12-08-quokka-instruments/"):
        server.wait_for(server.answers(path, "zebra prototypes"), f"the edit in {path}")
        status, page = server.get(path)
        assert status == 200 and 'href="#schedule"' in page, page[:2000]
        assert "Quokka Lenses" in page
    server.wait_for(server.answers("visits/", "Quokka Lenses"), "the edit in the index")
    assert "Quokka Instruments" not in server.get("visits/")[1]
    assert "Quokka Lenses" in server.get("en/visits/")[1]

    (project / "visits" / "2026-12-10-numbat-optics.yml").unlink()
    server.wait_for(lambda: "numbat-optics" not in server.get("visits/")[1], "the removal")
    assert server.get("visits/2026-12-10-numbat-optics/")[0] == 404
    assert server.get("en/visits/2026-12-10-numbat-optics/")[0] == 404
    assert "numbat-optics" not in server.get("en/visits/")[1]
    server.stop()
    assert "Traceback" not in server.output
