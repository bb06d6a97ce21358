"""Country and diet notes, read from the handbook's own pages (``docs/<lang>/countries/``).

Each country page carries structured front matter (the countries it covers, usual languages,
an interpreter hint, diets to ask about, punctuality and short tips). Packets show the tips of
the pages that cover the client's country, and of the pages whose ``diets`` a visitor has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from .models.common import Strict, listify
from .models.visit import Country, Language, Visit
from .problems import Problem, ProblemSink, display_path
from .yamlload import LoadedYaml, YamlSyntaxError, load_yaml

_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.DOTALL)
FOLDER = "countries"


Punctuality = Literal["punctual", "flexible"]


class NoteMeta(Strict):
    title: str
    description: str = ""
    countries: listify(Country) = Field(default_factory=list)  # type: ignore[valid-type]
    languages: listify(Language) = Field(default_factory=list)  # type: ignore[valid-type]
    interpreter: str = ""
    diet_defaults: listify(str) = Field(default_factory=list)  # type: ignore[valid-type]
    diets: listify(str) = Field(default_factory=list)  # type: ignore[valid-type]
    punctuality: Punctuality | dict[Punctuality, listify(Country)] | None = Field(  # type: ignore[valid-type]
        default=None,
        description="One value for the whole page, or a value per list of countries.")
    tips: listify(str) = Field(default_factory=list)  # type: ignore[valid-type]
    search: dict[str, float | bool] | None = None  # Material's search: {boost: N}, {exclude: true}

    def punctuality_for(self, country: str) -> str | None:
        """The punctuality note that applies to visitors from *country*."""
        if isinstance(self.punctuality, dict):
            return next((value for value, codes in self.punctuality.items()
                         if country in codes), None)
        return self.punctuality


@dataclass(frozen=True)
class Note:
    page: str  # path under the docs folder, e.g. countries/russia.md
    meta: NoteMeta


@dataclass
class Notes:
    notes: list[Note]
    problems: list[Problem]

    def for_visit(self, visit: Visit) -> list[Note]:
        """Notes for the client's country, then notes for the visitors' diets."""
        country = [n for n in self.notes if visit.client.country in n.meta.countries]
        diets = {word for v in visit.visitors for word in v.diet}
        diet = [n for n in self.notes if diets.intersection(n.meta.diets)]
        return country + [n for n in diet if n not in country]


def _front_matter(text: str) -> str | None:
    match = _FRONT.match(text)
    return match.group(1) if match else None


def load_notes(docs: Path, root: Path | None = None,
               diet_words: list[str] | None = None) -> Notes:
    """Read every country page's front matter, validating it like a visit file."""
    folder = docs / FOLDER
    notes: list[Note] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return Notes(notes, problems)
    for path in sorted(folder.glob("*.md")):
        name = display_path(path, root)
        text = path.read_text(encoding="utf-8-sig")
        front = _front_matter(text)
        if front is None or path.name == "index.md":
            continue
        try:
            loaded: LoadedYaml = load_yaml(front)
        except YamlSyntaxError as error:
            problems.append(Problem(name, error.position.line + 1, error.position.column, "",
                                    f"the front matter is not valid YAML: {error.reason}."))
            continue
        sink = ProblemSink(name, loaded)
        try:
            meta = NoteMeta.model_validate(loaded.data)
        except ValidationError as error:
            from .schema_errors import report_validation_error  # only pages with errors

            report_validation_error(error, NoteMeta, sink, data=loaded.data)
            problems.extend(_shift(sink.problems))
            continue
        for field_name in ("diet_defaults", "diets"):
            for index, word in enumerate(getattr(meta, field_name)):
                if diet_words is not None and word not in diet_words:
                    sink.add((field_name, index), f"found '{word}', which is not in the diet "
                             "vocabulary.", f"use words from: {', '.join(diet_words)}")
        problems.extend(_shift(sink.problems))
        if meta.countries or meta.diets:
            notes.append(Note(path.relative_to(docs).as_posix(), meta))
    return Notes(notes, problems)


def _shift(problems: list[Problem]) -> list[Problem]:
    """Front matter starts on line 2 of the page (after the opening ---)."""
    from dataclasses import replace

    return [replace(p, line=p.line + 1) for p in problems]
