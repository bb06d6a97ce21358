"""The settings of the policy's checks (``check_settings:`` in the policy)."""

from __future__ import annotations

from pydantic import Field

from .common import Strict, listify


class CheckSettings(Strict):
    hotel_risk_countries: listify(str) = Field(  # type: ignore[valid-type]
        default_factory=list,
        description="Countries whose clients may see a host-paid hotel as a bribe.")
    banquet_note_diets: listify(str) = Field(  # type: ignore[valid-type]
        default_factory=lambda: ["halal"],
        description="Diets that need a note on a banquet item.")
    restaurant_note_diets: listify(str) = Field(  # type: ignore[valid-type]
        default_factory=list,
        description="Diets listed under every meal item; empty means all diets.")
