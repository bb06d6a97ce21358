"""One source for words and labels.

* The fixed words of visit files and of the policy (tours, meals, relationships, transport,
  payers, due anchors and units) are defined once, in ``generator/models/vocabulary.py``; the
  visit model, the policy model and the JSON Schema use exactly those words.
* Every word has a Chinese and an English label in the message catalogue
  (``theme/messages.yml``) under each key pattern that shows it.
* No Chinese text is written in the generator's code outside the catalogue, except the few
  things listed (and justified) in ``ALLOWED_CJK``.
"""

from __future__ import annotations

import ast
import json
import re
import types
import typing
from typing import Any, get_args, get_origin

import pytest
from conftest import ROOT

from generator import policy_tables, provenance
from generator.checklist import Phase
from generator.country_notes import Punctuality
from generator.i18n import Catalogue, load_catalogue
from generator.models import policy as policy_model
from generator.models import visit as visit_model
from generator.models import vocabulary as vocab
from generator.models.common import LANGUAGES
from generator.models.policy import Condition, DueSpec
from generator.schema import SCHEMA_PATH, render

GENERATOR = ROOT / "generator"
TEMPLATES = ROOT / "theme" / "packet"

# Every vocabulary of the code: the words of vocabulary.py, and three word lists that live next
# to the code that decides them (a checklist's phase, a country note's punctuality, weekdays).
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "relationship": vocab.RELATIONSHIPS,
    "transport": vocab.TRANSPORTS,
    "meal": vocab.MEALS,
    "tour": vocab.TOURS,
    "payer": vocab.PAYERS,
    "anchor": vocab.ANCHORS,
    "due unit": vocab.DUE_UNITS,
}
LABEL_KEYS: dict[str, tuple[str, ...]] = {
    **vocab.LABEL_KEYS,
    "phase_{}": tuple(phase.value for phase in Phase),
    "punctuality_{}": get_args(Punctuality),
    "weekday_{}": tuple(str(day) for day in range(7)),
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(ROOT / "theme" / "messages.yml")


def _literals(annotation: Any) -> list[Any]:
    """The Literal types inside a field's annotation (``Meal | None``, ``list[Tour]``)."""
    if get_origin(annotation) is typing.Literal:
        return [annotation]
    found: list[Any] = []
    for arg in get_args(annotation):
        found.extend(_literals(arg))
    return found


# --- the words --------------------------------------------------------------------------------


def test_each_word_list_is_its_literal() -> None:
    pairs = [(vocab.Relationship, vocab.RELATIONSHIPS), (vocab.Transport, vocab.TRANSPORTS),
             (vocab.Meal, vocab.MEALS), (vocab.Tour, vocab.TOURS), (vocab.Payer, vocab.PAYERS),
             (vocab.Anchor, vocab.ANCHORS), (vocab.DueUnit, vocab.DUE_UNITS)]
    for literal, words in pairs:
        assert get_args(literal) == words
        assert len(set(words)) == len(words), words
    for pattern, words in vocab.LABEL_KEYS.items():
        assert pattern.count("{}") == 1, pattern
        assert any(words is known for known in VOCABULARIES.values()), pattern


# (module, model, field) → the vocabulary type the field must use.
FIELDS: list[tuple[types.ModuleType, str, str, Any]] = [
    (visit_model, "Client", "relationship", vocab.Relationship),
    (visit_model, "Arrival", "by", vocab.Transport),
    (visit_model, "Departure", "by", vocab.Transport),
    (visit_model, "Hotel", "paid_by", vocab.Payer),
    (visit_model, "Item", "meal", vocab.Meal),
    (visit_model, "Item", "tour", vocab.Tour),
    (policy_model, "Condition", "tour", vocab.Tour),
    (policy_model, "Condition", "meal", vocab.Meal),
    (policy_model, "Condition", "relationships", vocab.Relationship),
    (policy_model, "Condition", "hotel_paid_by", vocab.Payer),
    (policy_model, "Tier", "hotel_paid_by", vocab.Payer),
    (policy_model, "DueSpec", "anchor", vocab.Anchor),
    (policy_model, "DueSpec", "unit", vocab.DueUnit),
]


@pytest.mark.parametrize(("module", "model", "name", "literal"), FIELDS,
                         ids=[f"{m}.{f}" for _, m, f, _ in FIELDS])
def test_model_fields_use_the_vocabulary(module: types.ModuleType, model: str, name: str,
                                         literal: Any) -> None:
    annotation = getattr(module, model).model_fields[name].annotation
    assert _literals(annotation) == [literal]
    assert any(found is literal for found in _literals(annotation))


def test_models_import_the_vocabulary_objects() -> None:
    """The names the models use are the vocabulary's objects, not copies."""
    for name in ("Relationship", "Transport", "Meal", "Tour", "Payer"):
        assert getattr(visit_model, name) is getattr(vocab, name), name
    for name in ("Relationship", "Meal", "Tour", "Payer", "Anchor", "DueUnit"):
        assert getattr(policy_model, name) is getattr(vocab, name), name
    assert visit_model.Tour is policy_model.Tour
    assert visit_model.Meal is policy_model.Meal
    assert visit_model.Relationship is policy_model.Relationship
    assert visit_model.Payer is policy_model.Payer


def test_no_model_spells_a_word_list_again() -> None:
    """Outside vocabulary.py, no model module writes a Literal of a vocabulary's words."""
    words = {frozenset(ws) for ws in VOCABULARIES.values()}
    for path in sorted((GENERATOR / "models").glob("*.py")):
        if path.name == "vocabulary.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                    and node.value.id == "Literal"):
                continue
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            spelled = {item.value for item in items if isinstance(item, ast.Constant)}
            assert not any(spelled & vocabulary for vocabulary in words), (
                f"{path.name}:{node.lineno} spells vocabulary words {sorted(spelled)}; import "
                "them from generator/models/vocabulary.py")


def test_due_pattern_reads_every_anchor_and_unit() -> None:
    for anchor in vocab.ANCHORS:
        for unit in vocab.DUE_UNITS:
            spec = policy_model.Task.model_validate(
                {"id": "x", "text": {"zh": "x", "en": "x"}, "owner": "sales",
                 "due": f"{anchor} -2{unit}"}).due
            assert (spec.anchor, spec.amount, spec.unit) == (anchor, -2, unit)


# --- the schema -------------------------------------------------------------------------------

SCHEMA_FIELDS = [(model, name, get_args(literal)) for module, model, name, literal in FIELDS
                 if module is visit_model]


def _enum(schema: dict[str, Any], model: str, name: str) -> list[str]:
    prop = schema["$defs"][model]["properties"][name]
    options = [prop, *prop.get("anyOf", [])]
    enums = [option["enum"] for option in options if "enum" in option]
    assert len(enums) == 1, prop
    found: list[str] = enums[0]
    return found


@pytest.mark.parametrize(("model", "name", "words"), SCHEMA_FIELDS,
                         ids=[f"{m}.{f}" for m, f, _ in SCHEMA_FIELDS])
def test_schema_enums_are_the_vocabulary(policy: policy_model.Policy, model: str, name: str,
                                         words: tuple[str, ...]) -> None:
    committed = json.loads((ROOT / SCHEMA_PATH).read_text(encoding="utf-8"))
    generated = json.loads(render(policy))
    assert _enum(committed, model, name) == list(words)
    assert _enum(generated, model, name) == list(words)


# --- the labels -------------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", sorted(LABEL_KEYS))
def test_every_word_has_both_labels(catalogue: Catalogue, pattern: str) -> None:
    missing = []
    for word in LABEL_KEYS[pattern]:
        key = pattern.format(word)
        for lang in LANGUAGES:
            text = catalogue.messages.get(key, {}).get(lang, "")
            if not text.strip():
                missing.append(f"{key}.{lang}")
    assert not missing, f"theme/messages.yml needs: {', '.join(missing)}"


def test_templates_label_only_known_vocabularies() -> None:
    """A template that labels a word (``t("meal_" ~ item.meal)``) uses a known key pattern."""
    prefixes = {pattern.removesuffix("{}") for pattern in LABEL_KEYS if pattern.endswith("{}")}
    used: set[str] = set()
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file() and path.suffix in {".html", ".j2", ".md"}:
            text = path.read_text(encoding="utf-8")
            used.update(re.findall(r"""\bt\(\s*["']([a-z_-]+_)["']\s*~""", text))
    assert used, "no labelled words found in the templates: has the t() call changed?"
    assert used <= prefixes, (f"templates label words under {sorted(used - prefixes)}; list the "
                              "key pattern and its words in vocabulary.LABEL_KEYS")


def test_default_catalogue_is_the_repository_one(catalogue: Catalogue) -> None:
    assert vocab.CATALOGUE_PATH == ROOT / "theme" / "messages.yml"
    assert vocab.default_catalogue().messages == catalogue.messages


def test_every_due_time_reads_from_the_catalogue(catalogue: Catalogue) -> None:
    """Every anchor, unit, sign and plural renders, with or without a catalogue passed."""
    for lang in LANGUAGES:
        for anchor in vocab.ANCHORS:
            for unit in vocab.DUE_UNITS:
                for amount in (-3, -1, 0, 1, 2):
                    spec = DueSpec(anchor=anchor, amount=amount, unit=unit)
                    text = spec.describe(lang, catalogue)
                    assert text == spec.describe(lang)
                    assert catalogue.t(lang, f"due_anchor_{anchor}") in text
    assert DueSpec(anchor="arrival", amount=-5).describe("en") == "5 days before arrival"
    assert DueSpec(anchor="item", amount=-1, unit="h").describe("en") == "1 hour before the item"
    assert DueSpec(anchor="departure").describe("en") == "at departure"
    assert DueSpec(anchor="arrival", amount=-5).describe("zh") == "抵达前 5 天"
    assert DueSpec(anchor="item-end", amount=30, unit="min").describe("zh") == "活动结束后 30 分钟"
    assert DueSpec(anchor="departure").describe("zh") == "离开时"


def test_every_condition_reads_from_the_catalogue(catalogue: Catalogue,
                                                  policy: policy_model.Policy) -> None:
    every = Condition(pickup=True, send_off=False, hotel=True, gifts=False,
                      tour=list(vocab.TOURS), meal=list(vocab.MEALS), tiers=["A"],
                      relationships=list(vocab.RELATIONSHIPS), visitors_over=3)
    for lang in LANGUAGES:
        text = policy_tables.describe_condition(every, lang, policy, catalogue)
        for word in (*vocab.TOURS, *vocab.MEALS):
            prefix = "tour" if word in vocab.TOURS else "meal"
            assert catalogue.t(lang, f"{prefix}_{word}") in text
        for payer in vocab.PAYERS:
            paid = policy_tables.describe_condition(Condition(hotel_paid_by=payer), lang,
                                                    policy, catalogue)
            assert paid == catalogue.t(lang, "cond_hotel_paid_by",
                                       v=catalogue.t(lang, f"payer_{payer}"))
        assert (policy_tables.describe_condition(Condition(), lang, policy)
                == catalogue.t(lang, "cond_always"))
    assert policy_tables.describe_condition(
        Condition(tour=["showroom"], tiers=["A", "B"]), "en", policy) == \
        "a showroom visit on the schedule; tier A or B"


def test_tables_read_from_the_catalogue(catalogue: Catalogue,
                                        policy: policy_model.Policy) -> None:
    """Each table's head is its catalogue keys; a catalogue passed in is the one used."""
    for name, table in policy_tables.TABLES.items():
        for lang in LANGUAGES:
            text = table(policy, lang, catalogue)
            assert text == table(policy, lang, None)
            head = text.splitlines()[0]
            assert head == "| " + " | ".join(
                catalogue.t(lang, key) for key in policy_tables._HEAD[name]) + " |"
    changed = Catalogue({key: {lang: f"<{key}>" for lang in LANGUAGES}
                         for key in catalogue.messages})
    tiers = policy_tables.tiers_table(policy, "en", changed)
    assert "<table_tiers_tier>" in tiers
    assert any(f"<table_tiers_payer_{payer}>" in tiers for payer in vocab.PAYERS)
    assert "<table_escorts_guests>" in policy_tables.escorts_table(policy, "zh", changed)


def test_owner_label_reads_from_the_catalogue(catalogue: Catalogue,
                                              policy: policy_model.Policy) -> None:
    dept = next(iter(policy.departments))
    for lang in LANGUAGES:
        meta = provenance.owner_meta(policy, dept, lang)
        assert meta["label"] == catalogue.t(lang, "owner_label")
    assert provenance.owner_meta(policy, dept, "fr")["label"] == catalogue.t("en", "owner_label")
    changed = Catalogue({"owner_label": {"zh": "甲", "en": "A"}})
    assert provenance.owner_meta(policy, dept, "zh", catalogue=changed)["label"] == "甲"


# --- no labels in the code --------------------------------------------------------------------

# Chinese characters and full-width punctuation.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")

# Runs of Chinese text that the code may hold, per file: none of them is a label of a page.
ALLOWED_CJK: dict[str, set[str]] = {
    # Calendar files are one file for both languages, so each fixed word is written in both
    # at once ("接待 Host:"); not a per-language label. Follow-up: catalogue messages that
    # join both languages.
    "calendar.py": {"来访", "简报", "接待", "交通", "已完成", "负责", "截止", "活动"},
    # The PDF's header and footer (WORDS in pdf.py). Follow-up: move them to the catalogue.
    "pdf.py": {"仅供内部使用", "保密", "截至", "第", "页"},
    # Punctuation: the colon between "任务清单" and a department in a task feed's name.
    "project.py": {"："},
    # Punctuation: the templates' punctuation table (PUNCTUATION: colon, brackets, list and
    # semicolon separators) is typography, chosen per language like the English ": " and ", ".
    "render.py": {"：", "（", "）", "、", "；"},
    # Punctuation: the list separator that joins bilingual names in check messages.
    "checks.py": {"、"},
    # Date formatting: 2026年12月8日（周二）is how a date is written in Chinese, the
    # counterpart of strftime's "%-d %b %Y"; the weekday names themselves are catalogue
    # messages (weekday_0 … weekday_6).
    "i18n.py": {"年", "月", "日", "（", "）"},
    # Error-message examples: a host's name in a sample visit-file line ("owner: 李娜") is
    # data a user writes, not a label.
    "schema_errors.py": {"李娜"},
    # The development server's error page when the build failed. Its heading is in both
    # languages in one line and cannot come from the catalogue: a broken catalogue is one of
    # the failures the page reports.
    "serve.py": {"手册未能生成"},
    # Examples of names in Chinese characters and their pinyin, in the docstrings of the
    # module that spells hosts' names for the English packet (its surname table is a data
    # file, surnames.txt).
    "names.py": {"李娜", "欧阳修", "曾", "欧阳"},
}


def _cjk_runs() -> dict[str, list[tuple[int, str]]]:
    """Chinese text in every string literal (docstrings and f-string parts included) of
    generator/**/*.py, by file name relative to generator/. Comments are not literals."""
    found: dict[str, list[tuple[int, str]]] = {}
    for path in sorted(GENERATOR.rglob("*.py")):
        name = path.relative_to(GENERATOR).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for run in CJK.findall(node.value):
                    found.setdefault(name, []).append((node.lineno, run))
    return found


def test_no_chinese_labels_in_the_code() -> None:
    unexpected = [f"generator/{name}:{line}: {run!r}"
                  for name, runs in _cjk_runs().items()
                  for line, run in runs if run not in ALLOWED_CJK.get(name, set())]
    assert not unexpected, ("Chinese text in the code; put labels in theme/messages.yml and "
                            "read them with Catalogue.t (or justify an allowance here):\n"
                            + "\n".join(unexpected))


def test_each_allowance_is_still_needed() -> None:
    """An allowance whose text left the code goes too, so the list stays short and true."""
    runs = {name: {run for _, run in found} for name, found in _cjk_runs().items()}
    stale = [f"{name}: {run!r}" for name, allowed in ALLOWED_CJK.items()
             for run in sorted(allowed - runs.get(name, set()))]
    assert not stale, "remove from ALLOWED_CJK: " + ", ".join(stale)


# Dicts keyed by both site languages are a second catalogue. Allowed: punctuation tables.
ALLOWED_LANGUAGE_DICTS = {("render.py", "PUNCTUATION"),
                          ("pdf.py", "WORDS")}  # follow-up: the PDF's words to the catalogue


def test_no_bilingual_dicts_in_the_code() -> None:
    found = []
    for path in sorted(GENERATOR.rglob("*.py")):
        name = path.relative_to(GENERATOR).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets = {id(node.value): ast.unparse(node.targets[0]) for node in ast.walk(tree)
                   if isinstance(node, ast.Assign) and len(node.targets) == 1}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Dict):
                continue
            keys = {key.value for key in node.keys if isinstance(key, ast.Constant)}
            if set(LANGUAGES) <= keys and (name, targets.get(id(node))) \
                    not in ALLOWED_LANGUAGE_DICTS:
                found.append(f"generator/{name}:{node.lineno}")
    assert not found, f"labels keyed by language outside theme/messages.yml: {found}"
