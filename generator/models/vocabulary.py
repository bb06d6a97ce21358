"""The fixed words of visit files and of the policy, defined once, and where their labels live.

Each word list is a ``Literal`` type (what the pydantic models and so the JSON Schema use)
and a tuple of its words derived from it (what code and tests iterate over). The visit model
(:mod:`.visit`) and the policy model (:mod:`.policy`) import these types; neither spells a
word list itself.

The words' labels, in both site languages, are messages of the catalogue
(``theme/messages.yml``), one key per word: :data:`LABEL_KEYS` lists, for each key pattern,
the words that need one (``meal_{}`` → ``meal_lunch``). The packet templates build the same
keys (``t("meal_" ~ item.meal)``), so a word added here needs its labels there, which
``tests/test_vocabulary.py`` checks.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    from ..i18n import Catalogue

Relationship = Literal[
    "customer", "prospect", "dealer", "dealer-unsigned", "supplier", "government", "other"
]
"""What the client is to the company (``client.relationship``, policy ``relationships``)."""

Transport = Literal["flight", "train", "car", "other"]
"""How visitors arrive and leave (``arrival.by``, ``departure.by``)."""

Meal = Literal["breakfast", "lunch", "dinner", "banquet"]
"""A schedule item's meal (``schedule.*.meal``, policy condition ``meal``)."""

Tour = Literal["showroom", "office", "production-line", "sightseeing"]
"""A schedule item's tour (``schedule.*.tour``, policy condition ``tour``)."""

Payer = Literal["guest", "company"]
"""Who pays the hotel (``hotel.paid_by``, a tier's ``hotel_paid_by``, condition
``hotel_paid_by``)."""

Anchor = Literal["arrival", "departure", "item", "item-end"]
"""What a policy task's due time counts from (``due: arrival -5d``)."""

DueUnit = Literal["d", "h", "min"]
"""The unit of a due time's offset: days, hours, minutes."""

RELATIONSHIPS: tuple[str, ...] = get_args(Relationship)
TRANSPORTS: tuple[str, ...] = get_args(Transport)
MEALS: tuple[str, ...] = get_args(Meal)
TOURS: tuple[str, ...] = get_args(Tour)
PAYERS: tuple[str, ...] = get_args(Payer)
ANCHORS: tuple[str, ...] = get_args(Anchor)
DUE_UNITS: tuple[str, ...] = get_args(DueUnit)

# Catalogue key pattern → the words that need a message under it ("{}" is the word).
LABEL_KEYS: dict[str, tuple[str, ...]] = {
    "rel_{}": RELATIONSHIPS,            # packet: the client's relationship
    "by_{}": TRANSPORTS,                # packet: arrival and departure
    "meal_{}": MEALS,                   # packet schedule; lead-time table conditions
    "tour_{}": TOURS,                   # packet schedule; lead-time table conditions
    "paid_by_{}": PAYERS,               # packet: "paid by the guest"
    "payer_{}": PAYERS,                 # lead-time table: "hotel paid by the {payer}"
    "table_tiers_payer_{}": PAYERS,     # tier table's hotel column
    "due_anchor_{}": ANCHORS,           # lead-time table: "5 days before arrival"
    "due_unit_{}_one": DUE_UNITS,       # … one day
    "due_unit_{}_other": DUE_UNITS,     # … 5 days
}

CATALOGUE_PATH = Path(__file__).resolve().parents[2] / "theme" / "messages.yml"


@functools.cache
def default_catalogue() -> Catalogue:
    """The repository's catalogue, for callers that do not pass the project's own.

    Loaded once, on first use. The MkDocs plugin and the renderer pass the catalogue the
    project loaded (``Result.catalogue``); this keeps older callers working meanwhile.
    """
    from ..i18n import load_catalogue

    return load_catalogue(CATALOGUE_PATH)
