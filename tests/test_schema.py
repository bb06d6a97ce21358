"""The visit file's JSON Schema (``handbook schema``): current, and right about real files.

The committed schema is compared with the repository's policy on purpose (it is generated from
that policy, and a stale file is what these tests and the pre-commit hook catch). Everything
about vocabularies and visit files uses the fixture policy and fixture visits, with a schema
rendered from the fixture policy.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import FIXTURE_VISITS, ROOT, fixture_visits

from generator.cli import main
from generator.load import load_policy
from generator.models import Policy
from generator.project import Paths
from generator.schema import SCHEMA_PATH, render, visit_schema
from generator.yamlload import load_yaml

SCHEMA_FILE = ROOT / SCHEMA_PATH
EXAMPLES = fixture_visits()
EXAMPLE = FIXTURE_VISITS / "2026-12-14-lumina-it.yml"
MODELINE = "# yaml-language-server: $schema=../schema/visit.schema.json"


@pytest.fixture(scope="module")
def repository_policy() -> Policy:
    """The repository's own policy: only for comparing it with the committed schema."""
    paths = Paths(ROOT)
    loaded = load_policy(paths.policy, ROOT)
    assert loaded.model is not None, [p.format() for p in loaded.problems]
    return loaded.model


@pytest.fixture(scope="module")
def schema(policy: Policy) -> dict[str, Any]:
    """The schema of the fixture policy, as ``handbook schema`` would write it."""
    data: dict[str, Any] = json.loads(render(policy))
    return data


@pytest.fixture(scope="module")
def schema_file(schema: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "visit.schema.json"
    path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _jsonable(value: Any) -> Any:
    """YAML-loaded data as a JSON document holds it: dates become their ISO text."""
    if isinstance(value, dict):
        return {_jsonable(k) if isinstance(k, dt.date) else str(k): _jsonable(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):  # also datetime
        return value.isoformat()
    return value


def _errors(schema: dict[str, Any], text: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    data = _jsonable(load_yaml(text).data)
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(data)]


def _check_jsonschema() -> str:
    found = (shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
             or shutil.which("check-jsonschema"))
    assert found, "check-jsonschema is missing: pip install -e '.[dev]'"
    return found


# The committed file -------------------------------------------------------------------------

@pytest.mark.content_lint  # the committed schema follows the committed policy
def test_committed_schema_is_current(repository_policy: Policy) -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render(repository_policy), (
        "schema/visit.schema.json is stale: run `handbook schema` and commit the result")


@pytest.mark.content_lint  # the committed schema follows the committed policy
def test_schema_check_passes_on_the_repository(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["schema", "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


@pytest.mark.content_lint  # the committed schema follows the committed policy
def test_schema_check_fails_on_a_stale_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    stale = tmp_path / "visit.schema.json"
    data = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    del data["$defs"]["Visitor"]["properties"]["diet"]   # as if the policy had changed since
    stale.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["schema", "--check", "-o", str(stale)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert main(["schema", "--check", "-o", str(tmp_path / "missing.json")]) == 1


@pytest.mark.content_lint  # the committed schema follows the committed policy
def test_schema_command_writes_the_committed_text(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    target = tmp_path / "out" / "visit.schema.json"
    assert main(["schema", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == SCHEMA_FILE.read_text(encoding="utf-8")
    assert main(["schema", "--check", "-o", str(target)]) == 0


def test_schema_is_valid_json_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


# The policy's vocabularies, for autocomplete ------------------------------------------------

def test_vocabularies_come_from_the_policy(schema: dict[str, Any], policy: Policy) -> None:
    defs = schema["$defs"]
    assert schema["properties"]["tier"]["enum"] == list(policy.tiers)
    assert defs["Host"]["properties"]["dept"]["enum"] == list(policy.departments)
    assert defs["ChecklistItem"]["properties"]["owner"]["enum"] == list(policy.departments)
    diet = defs["Visitor"]["properties"]["diet"]["anyOf"]
    assert diet[0]["items"]["enum"] == list(policy.diets)
    assert diet[1]["enum"] == list(policy.diets)
    assert "halal" in policy.diets and "sales" in policy.departments


def test_vocabularies_follow_another_policy(policy: Policy) -> None:
    departments = {"sales": policy.departments["sales"], "qa": policy.departments["admin"]}
    other = policy.model_copy(update={"departments": departments})
    enum = visit_schema(other)["$defs"]["Host"]["properties"]["dept"]["enum"]
    assert enum == ["sales", "qa"]


# Real files -----------------------------------------------------------------------------------

def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 3
    assert EXAMPLE in EXAMPLES


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_are_valid(schema: dict[str, Any], path: Path) -> None:
    assert _errors(schema, path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", [*EXAMPLES, ROOT / "theme" / "packet" / "new-visit.yml"],
                         ids=lambda p: p.name)
def test_files_point_editors_to_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == MODELINE
    target = first.split("$schema=", 1)[1]
    # resolved from where visit files live in a project: its visits/ folder
    assert (SCHEMA_FILE.parents[1] / "visits" / target).resolve() == SCHEMA_FILE


def test_check_jsonschema_accepts_the_examples_as_yaml(schema_file: Path) -> None:
    """An independent validator that reads the YAML itself, as an editor does: dates such as
    ``check_in: 2026-12-08``, ``at: 2026-12-08 09:30`` and schedule keys must pass."""
    run = subprocess.run([_check_jsonschema(), "--schemafile", str(schema_file),
                          *map(str, EXAMPLES)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


def test_check_jsonschema_rejects_a_broken_file(tmp_path: Path, schema_file: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "diet: [vegetarian, gluten-free]" in text
    broken.write_text(text.replace("diet: [vegetarian, gluten-free]",
                                   "diet: [vegetarian, gluten-fre]"), encoding="utf-8")
    run = subprocess.run([_check_jsonschema(), "--schemafile", str(schema_file), str(broken)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "gluten-fre" in run.stdout


def _drop_client(text: str) -> str:
    lines = text.splitlines(keepends=True)
    start = lines.index("client:\n")
    end = next(i for i in range(start + 1, len(lines))
               if lines[i].strip() and not lines[i].startswith(" "))  # blank lines are inside
    return "".join(lines[:start] + lines[end:])


BROKEN: dict[str, tuple[Callable[[str], str], str]] = {
    "unknown diet word": (lambda t: t.replace("diet: [vegetarian, gluten-free]",
                                              "diet: [vegetarian, gluten-fre]"),
                          "visitors.0.diet"),
    "missing client": (_drop_client, "'client' is a required property"),
    "unknown department": (lambda t: t.replace("dept: factory", "dept: plant"),
                           "hosts.2.dept"),
    "unknown tier": (lambda t: t.replace("tier: A\n", "tier: Z\n"), "tier"),
    "unknown checklist owner": (lambda t: t.replace("owner: admin", "owner: office"),
                                "checklist.1.owner"),
    "misspelt key": (lambda t: t.replace("purpose:", "purpos:"), "purpos"),
    "time without colon": (lambda t: t.replace('{at: "09:00"', '{at: "9.00"'), "at"),
    "arrival without time": (lambda t: t.replace("at: 2026-12-14 09:30", "at: 2026-12-14"),
                             "arrival.at"),
    "schedule key not a date": (lambda t: t.replace("  2026-12-15:", "  next day:"),
                                "next day"),
}


@pytest.mark.parametrize("case", BROKEN, ids=str)
def test_broken_files_are_rejected(schema: dict[str, Any], case: str) -> None:
    change, expected = BROKEN[case]
    original = EXAMPLE.read_text(encoding="utf-8")
    text = change(original)
    assert text != original, "the example changed; update this test's edit"
    errors = _errors(schema, text)
    assert errors, f"{case}: the schema accepted a broken file"
    assert any(expected in e for e in errors), errors


def test_schema_accepts_what_the_model_accepts(schema: dict[str, Any], policy: Policy) -> None:
    """A single word for a list and a number for text are fine for handbook check, so the
    editor must not underline them either."""
    from generator.models import Visit

    text = (EXAMPLE.read_text(encoding="utf-8")
            .replace("diet: [halal, no-alcohol]", "diet: halal")
            .replace("where: Meeting room 1,", "where: 101,")
            .replace("gifts: [{zh: 刺绣真丝挂绳套装, en: Embroidered silk lanyard set}, "
                     "Biluochun tea]", "gifts:"))
    assert text.count("\n") == EXAMPLE.read_text(encoding="utf-8").count("\n")
    assert "diet: halal" in text and "where: 101," in text and "gifts:\n" in text
    assert _errors(schema, text) == []
    Visit.model_validate(load_yaml(text).data, context={"policy": policy})
