"""Golden files: the rendered Markdown of the example packets and the visits index.

Regenerate after an intended change with:  UPDATE_GOLDEN=1 pytest tests/test_golden.py
and review the diff like any other change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ROOT, TODAY

from generator.project import Paths, generated_pages, load_project

GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = sorted(p.stem for p in (ROOT / "visits").glob("*.yml"))


@pytest.fixture(scope="module")
def pages() -> dict[str, dict[str, str | bytes]]:
    result = load_project(Paths(ROOT), today=TODAY, history=False)
    assert result.errors == []
    return {lang: generated_pages(result, lang) for lang in ("zh", "en")}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", [*EXAMPLES, "index"])
def test_golden(pages: dict[str, dict[str, str | bytes]], lang: str, name: str) -> None:
    rendered = pages[lang][f"visits/{name}.md"]
    assert isinstance(rendered, str)
    golden = GOLDEN / lang / f"{name}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


def test_three_examples_cover_the_brief() -> None:
    assert len(EXAMPLES) >= 3
    texts = [(ROOT / "visits" / f"{e}.yml").read_text(encoding="utf-8") for e in EXAMPLES]
    assert any("production-line" in t for t in texts)
    assert any("halal" in t for t in texts)
    assert len({t.split("country: ")[1][:2] for t in texts}) == len(texts)
