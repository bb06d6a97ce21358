"""The policy can express every source's tier scheme, working days and tour rules: the model
accepts each form and refuses mistakes with a message that says how to fix them, the tier table
shows whatever scheme a policy uses, the alternative policy files load, and ``handbook check
--policy FILE`` checks the visits against another policy."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURE_POLICY, ROOT, visit_data, visit_from
from pydantic import ValidationError
from sitebuild import copy_project

from generator import cli, policy_tables
from generator.budget import budget_summary
from generator.checklist import build_checklist
from generator.checks import Context, run_checks
from generator.load import load_policy
from generator.models import Policy
from generator.models.policy import Caps, Tier
from generator.problems import ProblemSink
from generator.schema_errors import report_validation_error

TIER: dict[str, Any] = {
    "name": {"zh": "测试", "en": "Test"}, "guests": {"zh": "客人", "en": "guests"},
    "received_by": {"zh": "经理", "en": "a manager"}, "hotel_paid_by": "guest",
    "car": {"zh": "车", "en": "car"}, "gifts_allowed": True, "gifts": {"zh": "可", "en": "yes"}}


def _policy_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(FIXTURE_POLICY.read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def _reported(model: type[Tier] | type[Policy], data: dict[str, Any]) -> list[str]:
    """What ``handbook check`` says about *data*: "field: message | fix" per problem."""
    try:
        model.model_validate(data)
    except ValidationError as error:
        sink = ProblemSink("policy.yml")
        report_validation_error(error, model, sink, data=data)
        return [f"{p.field}: {p.message} | {p.fix}" for p in sink.problems]
    return []


# --- tiers and caps ---------------------------------------------------------------------------

# (case, tier fields, the caps they give: {kind: (amount, actual, per, base, extra)})
SCHEMES: list[tuple[str, dict[str, Any], dict[str, tuple[Any, ...] | None]]] = [
    ("seed 002: meal_cap is every meal, per person", {"meal_cap": 500},
     {"lunch": (500, False, "person", None, 0), "breakfast": (500, False, "person", None, 0)}),
    ("separate meal caps, one for the rest",
     {"caps": {"meals": {"lunch": 300, "dinner": 400, "all": 100}}},
     {"lunch": (300, False, "person", None, 0), "dinner": (400, False, "person", None, 0),
      "banquet": (100, False, "person", None, 0)}),
    ("seed 004: a base party of 2 guests plus a figure per extra guest",
     {"caps": {"meals": {"lunch": {"amount": 300, "base_guests": 2, "extra_guest": 50}},
               "entertainment": {"amount": 700, "base_guests": 2, "extra_guest": 200}}},
     {"lunch": (300, False, "party", 2, 50), "dinner": None,
      "entertainment": (700, False, "party", 2, 200)}),
    ("seed 001: actual cost", {"caps": {"meals": {"all": "actual"}, "hotel": "actual"}},
     {"lunch": (None, True, "person", None, 0), "hotel": (None, True, "person", None, 0)}),
    ("seed 001 expense policy: hotel per person, transport per person per trip",
     {"caps": {"hotel": {"amount": 400, "per": "person"}, "transport": 500}},
     {"hotel": (400, False, "person", None, 0), "transport": (500, False, "person", None, 0),
      "lunch": None}),
    ("seed 004: a hotel per room", {"meal_cap": 1000, "caps": {"hotel": {"amount": 700,
                                                                         "per": "room"}}},
     {"hotel": (700, False, "room", None, 0), "dinner": (1000, False, "person", None, 0)}),
    ("seed 000: no caps at all", {}, {"lunch": None, "hotel": None, "transport": None,
                                      "entertainment": None}),
]


def _cap(caps: Caps, kind: str) -> tuple[Any, ...] | None:
    cap = getattr(caps, kind) if kind in ("hotel", "transport", "entertainment") \
        else caps.meal(kind)  # type: ignore[arg-type]
    if cap is None:
        return None
    return (cap.amount, cap.actual, cap.per, cap.base_guests, cap.extra_guest)


@pytest.mark.parametrize(("fields", "expected"), [c[1:] for c in SCHEMES],
                         ids=[c[0] for c in SCHEMES])
def test_tier_schemes(fields: dict[str, Any], expected: dict[str, tuple[Any, ...] | None]) -> None:
    tier = Tier.model_validate({**TIER, **fields})
    assert {kind: _cap(tier.caps, kind) for kind in expected} == expected


CAP_FORMS = ("write a number (the cap per person, e.g. 500), actual (no cap: the actual cost, "
             "approved beforehand), or a mapping such as {amount: 300, base_guests: 2, "
             "extra_guest: 50}")

# (case, tier fields, what handbook check reports: "field: message | fix")
MISTAKES: list[tuple[str, dict[str, Any], str]] = [
    ("meal_cap and caps.meals", {"meal_cap": 500, "caps": {"meals": {"lunch": 300}}},
     ": gives meal_cap and caps.meals. | write the meal caps once: meal_cap (one cap for every "
     "meal, per person) or caps.meals"),
    ("actual with an amount", {"caps": {"hotel": {"actual": True, "amount": 500}}},
     "caps.hotel: says actual (the actual cost, no cap) and also gives an amount. | keep one: "
     "remove the amount, or remove actual"),
    ("no amount", {"caps": {"hotel": {"per": "room"}}},
     f"caps.hotel: gives no amount. | {CAP_FORMS}"),
    ("a party without its size", {"caps": {"transport": {"amount": 300, "per": "party"}}},
     "caps.transport: is per party but does not say for how many guests. | add base_guests, "
     "e.g. base_guests: 2"),
    ("extra guests without a party", {"caps": {"transport": {"amount": 300, "extra_guest": 5}}},
     "caps.transport: gives base_guests or extra_guest, which only a party cap uses. | write "
     "per: party, or remove them"),
    ("a meal per room", {"caps": {"meals": {"lunch": {"amount": 300, "per": "room"}}}},
     "caps.meals: is per room, which only a hotel cap can be. | use per: person, visitor or "
     "party for meals"),
    ("entertainment per room", {"caps": {"entertainment": {"amount": 300, "per": "room"}}},
     "caps.entertainment: is per room, which only a hotel cap can be. | use per: person, "
     "visitor or party for entertainment"),
    ("a word that is not a cap", {"caps": {"hotel": "plenty"}},
     f"caps.hotel: found 'plenty', which is not a cap. | {CAP_FORMS}"),
    ("yes is not a cap", {"caps": {"hotel": True}},
     f"caps.hotel: found 'true', which is not a cap. | {CAP_FORMS}"),
    ("a negative cap", {"caps": {"transport": -5}},
     "caps.transport.amount: found '-5', but a number (0 or more) is expected. | write the "
     "amount as a plain number, e.g. amount: 1500"),
    ("a meal_cap that is not a number", {"meal_cap": "lots"},
     "meal_cap: found 'lots', but a number (0 or more) is expected. | write the amount as a "
     "plain number, e.g. meal_cap: 1500"),
]


@pytest.mark.parametrize(("fields", "reported"), [c[1:] for c in MISTAKES],
                         ids=[c[0] for c in MISTAKES])
def test_tier_mistakes(fields: dict[str, Any], reported: str) -> None:
    assert _reported(Tier, {**TIER, **fields}) == [reported]


def test_an_unknown_meal_is_named() -> None:
    [problem] = _reported(Tier, {**TIER, "caps": {"meals": {"supper": 300}}})
    assert problem.startswith("caps.meals.supper") and "supper" in problem


def test_shipped_scheme_in_the_fixture(policy: Policy) -> None:
    """The fixture (and shipped) policy: seed 002's per-person caps, a room cap for tier A."""
    assert {key: tier.meal_cap for key, tier in policy.tiers.items()} == {
        "A": 500, "B": 300, "C": 200, "D": 150}
    assert _cap(policy.tiers["A"].caps, "hotel") == (700, False, "room", None, 0)
    assert policy.tiers["B"].caps.hotel is None


# --- the tier table ---------------------------------------------------------------------------

# (case, tier fields, the caps cell in English, in Chinese)
CELLS: list[tuple[str, dict[str, Any], str, str]] = [
    ("one cap for every meal", {"meal_cap": 500}, "Each meal: 500 CNY per person",
     "每餐：每人 500 CNY"),
    ("meals sharing a cap are grouped",
     {"caps": {"meals": {"lunch": 300, "dinner": 300, "banquet": 600}}},
     "Lunch, dinner: 300 CNY per person; Banquet: 600 CNY per person; Other meals: no cap",
     "午餐、晚餐：每人 300 CNY；宴请：每人 600 CNY；其他餐：未设上限"),
    ("a base party", {"caps": {"meals": {"all": {"amount": 1000, "base_guests": 2,
                                                 "extra_guest": 100}},
                               "entertainment": {"amount": 1200, "base_guests": 2}}},
     "Each meal: 1,000 CNY for up to 2 guests, +100 CNY per extra guest; Entertainment (per "
     "activity): 1,200 CNY for up to 2 guests",
     "每餐：2 位客人以内 1,000 CNY，每多一位加 100 CNY；娱乐（每次）：2 位客人以内 1,200 CNY"),
    ("actual cost and a hotel per person",
     {"caps": {"meals": {"all": "actual"}, "hotel": {"amount": 400, "per": "person"},
               "transport": {"amount": 500, "per": "visitor"}}},
     "Each meal: actual cost (approved beforehand); Hotel (per night): 400 CNY per person; "
     "Transport (per trip): 500 CNY per guest",
     "每餐：实报实销（须事先审批）；住宿（每晚）：每人 400 CNY；交通（每趟）：每位客人 500 CNY"),
    ("no caps", {}, "Each meal: no cap", "每餐：未设上限"),
]


@pytest.mark.parametrize(("fields", "english", "chinese"), [c[1:] for c in CELLS],
                         ids=[c[0] for c in CELLS])
def test_tier_table_shows_the_scheme(policy: Policy, fields: dict[str, Any], english: str,
                                     chinese: str) -> None:
    custom = policy.model_copy(update={"tiers": {"X": Tier.model_validate({**TIER, **fields})}})
    for lang, cell in (("en", english), ("zh", chinese)):
        table = policy_tables.tiers_table(custom, lang)
        cells = [c.strip() for c in table.splitlines()[2].strip("|").split(" | ")]
        column = policy_tables._HEAD["tiers"].index("table_tiers_caps")
        assert _unescape(cells[column]) == cell


def _unescape(cell: str) -> str:
    return re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), cell)


def test_escorts_table_says_or_more(policy: Policy) -> None:
    assert policy_tables.escorts_table(policy, "en").splitlines()[-1] == \
        "| 11 or more | 3 or more |"
    assert policy_tables.escorts_table(policy, "zh").splitlines()[-1] == \
        "| 11 人及以上 | 3 人及以上 |"
    assert policy_tables.escorts_table(policy, "en").splitlines()[2] == "| 1–4 | 1 |"


# --- working days, tours, and what the policy's sections refer to -----------------------------

DEPTS = "sales, admin, factory, management, finance, marketing, hr, reception"
LINE_RULE = {"escorts": {"zh": "前后", "en": "front and back"}}

# (case, change to the fixture policy's data, what handbook check reports; None: valid)
POLICIES: list[tuple[str, dict[str, Any], str | None]] = [
    ("working days with China's holidays",
     {"working_days": {"weekend": ["sat", "sun"], "holidays": {"country": "cn"},
                       "extra_days_off": ["2026-12-31"], "extra_working_days": "2026-12-12"}},
     None),
    ("every day a weekend day",
     {"working_days": {"weekend": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}},
     "working_days: names every day of the week as weekend, so no day would be a working day."
     " | list only the days off, e.g. weekend: [sat, sun]"),
    ("a day both off and worked",
     {"working_days": {"extra_days_off": ["2026-12-31"], "extra_working_days": ["2026-12-31"]}},
     "working_days: lists 2026-12-31 both as a day off and as a working day. | keep each date "
     "in one of extra_days_off and extra_working_days"),
    ("an unknown holiday country", {"working_days": {"holidays": {"country": "XX"}}},
     "working_days.holidays: found 'XX', which is not a country the holidays package knows. | "
     "write a two-letter ISO 3166 country code, e.g. CN"),
    ("an unknown subdivision", {"working_days": {"holidays": {"country": "CN",
                                                              "subdivision": "ZZ"}}},
     "working_days.holidays: found subdivision 'ZZ', which is not a subdivision of CN (known: "
     "none). | use a known one, or remove subdivision for the national holidays"),
    ("weekdays by name", {"working_days": {"weekend": ["Saturday", "SUN"]}}, None),
    ("a misspelt weekday", {"working_days": {"weekend": ["sta"]}},
     "working_days.weekend[0]: found 'sta'. Did you mean 'sat'? | use one of: mon, tue, "
     "wed, thu, fri, sat, sun"),
    ("a tour's route owner that is not a department",
     {"tours": {"production-line": {**LINE_RULE, "route_owner": "plant"}}},
     "tours: tour 'production-line' names route_owner 'plant', which is not a department of "
     f"the policy. | use one of: {DEPTS}"),
    ("a tour without its escorts", {"tours": {"showroom": {"gear": []}}},
     "tours.showroom.escorts: required field 'escorts' is missing. | add 'escorts:' here"),
    ("a task owned by no department",
     {"tasks": [{"id": "x", "text": {"zh": "x", "en": "x"}, "owner": "legal",
                 "due": "arrival -1d"}]},
     "tasks: task 'x' has owner 'legal', which is not a department of the policy. | use one "
     f"of: {DEPTS}"),
    ("a task for a tier that does not exist",
     {"tasks": [{"id": "x", "text": {"zh": "x", "en": "x"}, "owner": "sales",
                 "due": "arrival -1d", "when": {"tiers": ["E"]}}]},
     "tasks: task 'x' applies to tier 'E' (when.tiers), which is not a tier of the policy. | "
     "use one of: A, B, C, D"),
    ("a task's on_day_off", {"tasks": [{"id": "x", "text": {"zh": "x", "en": "x"},
                                        "owner": "sales", "due": "arrival -1d",
                                        "on_day_off": "never"}]},
     "tasks[0].on_day_off: found 'never'. | use one of: earlier, later"),
]


@pytest.mark.parametrize(("change", "reported"), [c[1:] for c in POLICIES],
                         ids=[c[0] for c in POLICIES])
def test_policy_sections(change: dict[str, Any], reported: str | None) -> None:
    assert _reported(Policy, {**_policy_data(), **change}) == ([] if reported is None
                                                                else [reported])


def test_a_tour_that_is_not_a_tour_word() -> None:
    [problem] = _reported(Policy, {**_policy_data(), "tours": {"garden": LINE_RULE}})
    assert problem.startswith("tours.garden") and "garden" in problem


def test_tour_rules_of_the_fixture(policy: Policy) -> None:
    """Seed 003's rules and seed 000's positions for the production line."""
    line = policy.tours["production-line"]
    assert [g.en for g in line.gear] == ["a safety helmet (required in every production "
                                         "workshop)"]
    assert "watches" in line.hand_over[0].en and "手表" in line.hand_over[0].zh
    assert len(line.no_photo) == 2 and "approval" in line.no_photo[0].en
    assert "one of ours in front and one behind" in line.escorts.en
    assert line.route_owner == "factory" and "seed 003" in line.source
    assert set(policy.tours) == {"production-line", "showroom", "office"}
    assert policy.departments["marketing"].name.zh == "市场部"


# --- the alternative policy files -------------------------------------------------------------

ALTERNATIVES = {
    "seed-000-three-classes.yml": ("seed 000", {"A", "B", "C"}),
    "seed-001-star-rating.yml": ("seed 001", {"3-star", "4-star", "5-star"}),
    "seed-004-three-levels.yml": ("seed 004", {"ordinary", "senior", "special"}),
}
FOLDER = ROOT / "policy" / "alternatives"


def _load(path: Path) -> Policy:
    loaded = load_policy(path, ROOT)
    assert loaded.model is not None, [p.format() for p in loaded.problems]
    return loaded.model


@pytest.mark.content_lint  # the shipped alternatives must stay valid and complete
@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_alternative_policy_files(name: str) -> None:
    seed, tiers = ALTERNATIVES[name]
    path = FOLDER / name
    alternative, shipped = _load(path), _load(ROOT / "policy" / "reception.yml")
    assert set(alternative.tiers) == tiers
    # complete: every check configured, every task and department of the shipped policy
    assert set(alternative.checks) == set(shipped.checks)
    assert [t.id for t in alternative.tasks] == [t.id for t in shipped.tasks]
    assert set(alternative.departments) == set(shipped.departments)
    assert set(alternative.relationship_tiers.values()) <= tiers
    header = path.read_text(encoding="utf-8").split("\ncompany:")[0]
    assert seed in header and "handbook check --policy policy/alternatives/" + name in header
    assert "policy/reception.yml" in header and "`policy:` option" in header


@pytest.mark.content_lint
def test_folder_holds_the_named_alternatives() -> None:
    assert {p.name for p in FOLDER.glob("*.yml")} == set(ALTERNATIVES)


@pytest.mark.content_lint
def test_seed_004_meal_budget_counts_the_extra_guests(tmp_path: Path) -> None:
    policy = _load(FOLDER / "seed-004-three-levels.yml")
    data = visit_data(tier="ordinary", visitors=[{"name": f"V{i}", "languages": ["en"]}
                                                 for i in range(4)],
                      items=[{"at": "12:00", "what": "Lunch", "meal": "lunch", "budget": 401},
                             {"at": "18:00", "what": "Dinner", "meal": "dinner", "budget": 500}])
    v = visit_from(data, policy, tmp_path)
    [lunch, dinner] = budget_summary(v, policy).lines
    assert (lunch.cap, dinner.cap) == (400, 500)  # 300 / 400 for 2 guests, + 2 × 50
    [hit] = [f for f in run_checks(Context(v, policy, build_checklist(v, policy), None))
             if f.check == "meal-budget"]
    assert hit.message(policy, "en") == (
        "“Lunch” has a budget of 401 CNY, above the tier ordinary limit of 400 CNY (300 CNY for "
        "2 guests + 2 more × 50 CNY). Lower it, or get the excess approved before the visit.")


@pytest.mark.content_lint
def test_seed_001_five_star_is_the_actual_cost(tmp_path: Path) -> None:
    policy = _load(FOLDER / "seed-001-star-rating.yml")
    data = visit_data(tier="5-star", items=[{"at": "12:00", "what": "Lunch", "meal": "lunch",
                                             "budget": 9000}])
    summary = budget_summary(visit_from(data, policy, tmp_path), policy)
    assert [(line.cap, line.over, line.basis.en) for line in summary.lines] == [
        (None, False, "actual cost, approved beforehand")]


# --- handbook check --policy ------------------------------------------------------------------

LUNCH = {"at": "12:00", "what": "Lunch", "meal": "lunch", "budget": 300}


def _project(tmp_path: Path) -> Path:
    project = copy_project(tmp_path / "p", visits=None)
    visit = visit_data(items=[LUNCH])  # tier C: 2 people × 200 under the fixture policy
    visit["schedule"] = {str(day): items for day, items in visit["schedule"].items()}
    (project / "visits" / "2026-12-08-acme-de.yml").write_text(
        yaml.safe_dump(visit, allow_unicode=True), encoding="utf-8")
    return project


def test_check_with_another_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path)
    strict = _policy_data()
    strict["tiers"]["C"]["meal_cap"] = 100
    other = tmp_path / "other.yml"
    other.write_text(yaml.safe_dump(strict, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(project)
    assert cli.main(["check", "--today", "2026-11-23"]) == 0
    assert "meal-budget" not in capsys.readouterr().out
    assert cli.main(["check", "--today", "2026-11-23", "--policy", str(other)]) == 0
    out = capsys.readouterr().out
    assert "warning [meal-budget]" in out and "limit of 200 CNY (100 CNY per person × 2)" in out


def test_check_with_a_broken_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path)
    broken = _policy_data()
    broken["tiers"]["C"]["caps"] = {"hotel": {"amount": 300, "per": "party"}}
    other = tmp_path / "broken.yml"
    other.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(project)
    assert cli.main(["check", "--policy", str(other)]) == 1
    out = capsys.readouterr().out
    assert "broken.yml" in out and "tiers.C.caps.hotel" in out and "add base_guests" in out


def test_check_with_a_missing_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(_project(tmp_path))
    assert cli.main(["check", "--policy", "nowhere.yml"]) == 2
    assert "nowhere.yml: no such file or folder" in capsys.readouterr().err
