"""What `handbook build` does so that its two building processes share memory rather than
each hold a copy (issue 9's memory target): the tables both builds read are loaded before
the fork, models share their field-name sets, and the calendar files are written when the
builds are over."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, visit_data, visit_from

from generator.build import Job
from generator.models import Policy
from generator.models.common import Text
from generator.names import needs_spelling


def _host(**fields: Any) -> dict[str, Any]:
    return {"role": "Account owner", "dept": "sales", "languages": ["en"], **fields}


@pytest.mark.parametrize(("hosts", "spelt"), [
    ([_host(name="林浩")], True),                               # Chinese, no name_en
    ([_host(name="林浩", name_en="Lin Hao")], False),           # the file names it in English
    ([_host(name="Anna Weber")], False),                        # already in Latin letters
    ([_host(name="Anna Weber"), _host(name="马丽")], True),     # one host is enough
])
def test_needs_spelling(hosts: list[dict[str, Any]], spelt: bool, policy: Policy,
                        tmp_path: Path) -> None:
    data = visit_data(hosts=hosts, owner=hosts[0]["name"])
    assert needs_spelling([visit_from(data, policy, tmp_path)]) is spelt


_SHARE = """
import json, sys, types
import jieba
from generator.build import Job, share_tables
from generator.names import needs_spelling
jobs = [Job(lang, None, None, None, jieba_dict) for lang, jieba_dict in json.loads(sys.argv[1])]
visit = types.SimpleNamespace(hosts=[types.SimpleNamespace(name=sys.argv[2], name_en=None)])
share_tables(jobs, types.SimpleNamespace(facts=[types.SimpleNamespace(visit=visit)]))
print(json.dumps([jieba.dt.initialized, "pypinyin" in sys.modules]))
"""


@pytest.mark.parametrize(("jobs", "host", "expected"), [
    # Two languages, a name to spell: both tables before the fork.
    ([["zh", ""], ["en", ""]], "林浩", [True, True]),
    # The search names a dictionary of its own: each process loads it, not jieba's own.
    ([["zh", "theme/search/words.txt"], ["en", ""]], "林浩", [False, True]),
    # No name to spell: pypinyin stays unloaded.
    ([["zh", ""], ["en", ""]], "Anna Weber", [True, False]),
    # One language: no fork, and no English packet to spell names in.
    ([["zh", ""]], "林浩", [True, False]),
])
def test_tables_both_builds_read_are_loaded_before_the_fork(
        jobs: list[list[str]], host: str, expected: list[bool]) -> None:
    done = subprocess.run([sys.executable, "-c", _SHARE, json.dumps(jobs), host], cwd=ROOT,
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
