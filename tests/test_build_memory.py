"""What `handbook build` does so that its two building processes share memory rather than
each hold a copy (issue 9's memory target): the tables both builds read are loaded before
the fork, and models share their field-name sets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from generator.build import Job
from generator.models.common import Text

_SHARE = """
import json, sys
import jieba
from generator.build import Job, share_tables
jobs = [Job(lang, None, None, None, jieba_dict) for lang, jieba_dict in json.loads(sys.argv[1])]
share_tables(jobs)
from generator import i18n
names = i18n._country_translation.cache_info().currsize == 2  # both languages' tables read
print(json.dumps([jieba.dt.initialized, "pypinyin" in sys.modules, names]))
"""


@pytest.mark.parametrize(("jobs", "expected"), [
    # Two languages: every table before the fork.
    ([["zh", ""], ["en", ""]], [True, True, True]),
    # The search names a dictionary of its own: each process loads it, not jieba's own.
    ([["zh", "theme/search/words.txt"], ["en", ""]], [False, True, True]),
    # One language: no fork, and no English packet to spell names in.
    ([["zh", ""]], [True, False, False]),
])
def test_tables_both_builds_read_are_loaded_before_the_fork(
        jobs: list[list[str]], expected: list[bool]) -> None:
    done = subprocess.run([sys.executable, "-c", _SHARE, json.dumps(jobs)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == expected


def test_a_job_names_no_dictionary_by_default(tmp_path: Path) -> None:
    assert Job("zh", tmp_path / "mkdocs.yml", tmp_path / "site", None).jieba_dict == ""


def test_models_given_the_same_fields_share_one_set_and_copies_do_not() -> None:
    first, second = Text(zh="一", en="one"), Text(zh="二", en="two")
    assert first.model_fields_set == {"zh", "en"}
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    changed = first.model_copy(update={"zh": "壹"})
    assert changed.zh == "壹" and changed.__pydantic_fields_set__ is not \
        first.__pydantic_fields_set__
    assert first.model_fields_set == second.model_fields_set == {"zh", "en"}
