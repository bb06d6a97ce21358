"""The template ``handbook new`` writes (theme/packet/new-visit.yml): what a sales person starts
from. ``handbook check`` names each TODO still in it and passes it once they are answered, also
with its commented-out examples switched on; every key in it is a field of the visit model, and
every value the writer must replace is marked TODO."""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from pydantic import BaseModel
from sitebuild import copy_project

from generator.cli import main
from generator.models import Visit
from generator.models.common import LANGUAGES
from generator.models.local import Local
from generator.problems import Problem, Severity
from generator.project import Paths, load_project
from generator.yamlload import load_yaml

TEMPLATE = ROOT / "theme" / "packet" / "new-visit.yml"
# What cli.py fills in: the company, the arrival day and the departure day (two days later).
PLACEHOLDERS = {"company", "arrival", "departure"}
# A commented-out example line: "# " before a key ("  # rate: 650") or a list item
# ("  # - name: 高娃"). Explanations start with a capital letter or a non-key word.
_EXAMPLE = re.compile(r"^(?P<indent>[ \t]*)# (?P<yaml>[ \t]*(?:[a-z_]+:(?: |$)|- ))", re.M)


def uncomment(text: str) -> str:
    """*text* with every commented-out example line switched on."""
    return _EXAMPLE.sub(r"\g<indent>\g<yaml>", text)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the fixture project with an empty visits/ folder (the fixture policy)."""
    return copy_project(tmp_path_factory.mktemp("new"), visits=None)


def new_visit(project: Path, company: str, day: dt.date, kind: str,
              monkeypatch: pytest.MonkeyPatch) -> Path:
    """``handbook new`` for *company* arriving on *day*, into a file of its own."""
    monkeypatch.chdir(project)
    target = project / "visits" / f"{day}-{kind}-{len(list(project.glob('visits/*.yml')))}.yml"
    assert main(["new", "--company", company, "--date", day.isoformat(),
                 "-o", str(target)]) == 0
    return target


def check(project: Path, path: Path, today: dt.date) -> list[Problem]:
    result = load_project(Paths(project), today=today, files=[path], history=False)
    return result.problems


def _shown(problems: list[Problem]) -> list[str]:
    return [p.format() for p in problems]


CASES = [  # company, arrival day (weekday, weekend, Chinese holidays around it)
    ("ACME GmbH", dt.date(2026, 12, 8)),
    ("Anatolia Tekstil A.Ş.", dt.date(2027, 3, 2)),
    ("Smith, Jones & Co.", dt.date(2026, 12, 12)),
    ("北京长城贸易有限公司", dt.date(2027, 2, 8)),
    ("Société Générale d'Équipement", dt.date(2026, 10, 1)),
    ("ACME: Europe #1", dt.date(2026, 12, 8)),      # YAML's ': ' and ' #' in plain text
    ("[Brand] & *Star* Ltd", dt.date(2026, 12, 8)),  # YAML's flow and alias characters
    ('The "Best" \\ Co', dt.date(2026, 12, 8)),     # the quotes' own escapes
]


# What a sales person writes over each TODO, by key (one name for the host, the owner and,
# in a test, the visitor and the hotel: the owner must be a host).
ANSWERS = {"country": "DE", "purpose": "{zh: 审核产线, en: Audit the line}", "owner": "李娜",
           "number": "LH728", "place": "PVG Terminal 2", "meet": "Exit B", "name": "李娜",
           "title": "Head of Purchasing"}
_TODO = re.compile(r"^(?P<lead>[ \t]*(?:- )?(?P<key>[a-z_]+): )TODO\b", re.M)


def answer_todos(text: str) -> str:
    """*text* with every ``key: TODO`` answered (an unknown key is a KeyError: a new TODO
    needs its answer here)."""
    return _TODO.sub(lambda m: m.group("lead") + ANSWERS[m.group("key")], text)


def todo_paths(problems: list[Problem]) -> list[str]:
    return [p.field for p in problems if p.message == "still says TODO."]


@pytest.mark.parametrize(("company", "day"), CASES, ids=[c for c, _ in CASES])
def test_new_file_asks_for_each_todo_and_passes_once_answered(
        project: Path, company: str, day: dt.date, monkeypatch: pytest.MonkeyPatch) -> None:
    created = new_visit(project, company, day, "as-written", monkeypatch)
    problems = check(project, created, day - dt.timedelta(days=14))
    # as written, the only problems are the values still to fill in, each named once
    assert todo_paths(problems) == _shown_paths(problems)
    assert sorted(todo_paths(problems)) == sorted(TODO_PATHS)
    created.write_text(answer_todos(created.read_text(encoding="utf-8")), encoding="utf-8")
    problems = check(project, created, day - dt.timedelta(days=14))
    assert _shown(problems) == []
    loaded = load_yaml(created.read_text(encoding="utf-8"))
    visit = Visit.model_validate(loaded.data)
    assert visit.client.company == company
    assert visit.title is not None and company in visit.title("zh")
    assert company in visit.title("en")
    assert visit.arrival.at.date() == day
    assert visit.departure.at.date() == day + dt.timedelta(days=2)
    assert visit.hotel is not None
    assert (visit.hotel.check_in, visit.hotel.check_out) == (day, day + dt.timedelta(days=2))
    assert sorted(visit.schedule) == [day, day + dt.timedelta(days=2)]


def _shown_paths(problems: list[Problem]) -> list[str]:
    return [p.field for p in problems]


TODO_PATHS = ["client.country", "purpose", "owner", "arrival.number", "arrival.place",
              "arrival.meet", "departure.number", "departure.place", "departure.meet",
              "hotel.name", "visitors[0].name", "visitors[0].title", "hosts[0].name"]


@pytest.mark.parametrize(("company", "day"), CASES[:2], ids=[c for c, _ in CASES[:2]])
def test_new_file_with_every_example_switched_on_has_no_errors(
        project: Path, company: str, day: dt.date, monkeypatch: pytest.MonkeyPatch) -> None:
    created = new_visit(project, company, day, "examples", monkeypatch)
    text = answer_todos(uncomment(created.read_text(encoding="utf-8")))
    created.write_text(text, encoding="utf-8")
    errors = [p for p in check(project, created, day - dt.timedelta(days=14))
              if p.severity is Severity.ERROR]
    assert _shown(errors) == []
    visit = Visit.model_validate(load_yaml(text).data)
    assert visit.arrival.driver is not None and visit.departure.driver is not None
    assert any(host.interpreter for host in visit.hosts)
    assert visit.approvals and visit.approvals[0].check == "meal-budget"
    assert visit.hotel is not None and visit.hotel.rate is not None


def test_uncomment_switches_on_examples_only() -> None:
    text = ("# A visit file.\n#   handbook check visits/X.yml\n# Guide: the page.\n"
            "hotel:\n  # rate: 650     # per night\n  name: X\n"
            "hosts:\n  # - name: 高娃\n  #   interpreter: true\n"
            "  diet: []   # vegan,\n             # no-seafood, gluten-free\n")
    assert uncomment(text) == (
        "# A visit file.\n#   handbook check visits/X.yml\n# Guide: the page.\n"
        "hotel:\n  rate: 650     # per night\n  name: X\n"
        "hosts:\n  - name: 高娃\n    interpreter: true\n"
        "  diet: []   # vegan,\n             # no-seafood, gluten-free\n")


def _field_names(model: type[BaseModel | Local]) -> dict[str, Any]:
    """Key → annotation, with aliases (``with``) as written in a file; a text's languages."""
    if issubclass(model, Local):  # no model, but written as one: {zh: …, en: …}
        return dict.fromkeys(LANGUAGES, str)
    return {(info.alias or name): info.annotation for name, info in model.model_fields.items()}


def _models_in(annotation: Any) -> list[type[BaseModel | Local]]:
    """The models (and text classes) that *annotation* names."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel | Local):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _mapping_values(annotation: Any) -> Any:
    """The value type of a ``dict[K, V]`` annotation (also inside ``… | None``), else None."""
    if typing.get_origin(annotation) is dict:
        return typing.get_args(annotation)[1]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        found = [_mapping_values(arg) for arg in typing.get_args(annotation)]
        return next((value for value in found if value is not None), None)
    return None


def unknown_keys(data: Any, annotation: Any, path: str = "") -> list[str]:
    """Every key in *data* that is not a field of the model(s) *annotation* names."""
    if isinstance(data, list):
        return [key for n, value in enumerate(data)
                for key in unknown_keys(value, annotation, f"{path}[{n}]")]
    if not isinstance(data, dict):
        return []
    mapping = _mapping_values(annotation)
    if mapping is not None:  # a mapping that is not a model: the schedule (day → items)
        return [key for day, value in data.items()
                for key in unknown_keys(value, mapping, f"{path}.{day}")]
    models = _models_in(annotation)
    if any(issubclass(m, Local) for m in models) and set(data) <= {"zh", "en"}:
        return []  # text in two languages
    fields: dict[str, Any] = {}
    for model in models:
        fields.update(_field_names(model))
    found: list[str] = []
    for key, value in data.items():
        where = f"{path}.{key}".lstrip(".")
        if key in fields:
            found += unknown_keys(value, fields[key], where)
        else:
            found.append(where)
    return found


def filled(text: str) -> str:
    return (text.replace("{{company}}", "ACME GmbH").replace("{{arrival}}", "2026-12-08")
            .replace("{{departure}}", "2026-12-10"))


@pytest.mark.parametrize("examples", [False, True], ids=["as-written", "examples-on"])
def test_every_key_in_the_template_is_a_field_of_the_model(examples: bool) -> None:
    text = filled(TEMPLATE.read_text(encoding="utf-8"))
    data = load_yaml(uncomment(text) if examples else text).data
    assert unknown_keys(data, Visit) == []


def test_unknown_keys_finds_a_misspelt_key() -> None:
    """The walker above can fail: a wrong key at any depth is reported with its path."""
    data = load_yaml(filled(TEMPLATE.read_text(encoding="utf-8"))).data
    data["hotel"]["rates"] = 650
    data["hosts"][0]["name_zh"] = "李娜"
    data["schedule"][dt.date(2026, 12, 8)][0]["who"] = ["李娜"]
    data["schedule"][dt.date(2026, 12, 8)][0]["where"] = {"zh": "展厅", "fr": "Salle"}
    assert unknown_keys(data, Visit) == ["hotel.rates", "hosts[0].name_zh",
                                         "schedule.2026-12-08[0].where.fr",
                                         "schedule.2026-12-08[0].who"]


def test_template_uses_only_the_placeholders_cli_fills() -> None:
    used = set(re.findall(r"\{\{(\w+)\}\}", TEMPLATE.read_text(encoding="utf-8")))
    assert used == PLACEHOLDERS


# Values the writer must replace: each one's line says TODO.
MUST_REPLACE = [
    ("client", "country"), ("client", "relationship"), ("purpose",), ("tier",), ("owner",),
    ("arrival", "at"), ("arrival", "number"), ("arrival", "place"), ("arrival", "meet"),
    ("departure", "at"), ("departure", "leave"), ("hotel", "name"),
    ("visitors", 0, "name"), ("visitors", 0, "title"), ("visitors", 0, "languages"),
    ("hosts", 0, "name"),
]


@pytest.mark.parametrize("path", MUST_REPLACE, ids=lambda p: ".".join(map(str, p)))
def test_values_to_replace_are_marked_todo(path: tuple[str | int, ...]) -> None:
    text = filled(TEMPLATE.read_text(encoding="utf-8"))
    loaded = load_yaml(text)
    line = loaded.position(path, key=True).line
    assert "TODO" in text.splitlines()[line - 1], text.splitlines()[line - 1]


def test_template_keeps_guests_private_data_out() -> None:
    """No guest phone, e-mail or passport line, not even commented out; the header says where
    such data is kept."""
    text = uncomment(filled(TEMPLATE.read_text(encoding="utf-8")))
    data = load_yaml(text).data
    for visitor in data["visitors"]:
        assert not {"phone", "mobile", "email", "passport"} & set(visitor)
    header = TEMPLATE.read_text(encoding="utf-8").split("\ntitle:", 1)[0]
    assert "CRM" in header and "passport" in header

