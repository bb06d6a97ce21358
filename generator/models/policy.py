"""The reception policy: the company's rules as data (``policy/reception.yml``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveInt

from .common import Strict, Text

Payer = Literal["guest", "company"]


class Department(Strict):
    name: Text


class Diet(Strict):
    name: Text
    restaurant: Text = Field(description="What to tell the restaurant, one short sentence.")


class Tier(Strict):
    name: Text
    guests: Text = Field(description="Which visitors get this tier.")
    received_by: Text
    must_attend: list[str] = Field(default_factory=list,
                                   description="Departments that must have a host at the visit.")
    meal_cap: PositiveInt = Field(description="Meal budget per person per meal, policy currency.")
    hotel_paid_by: Payer
    car: Text
    gifts_allowed: bool
    gifts: Text
    source: str = Field(default="", description="Where the figures come from.")


class EscortRule(Strict):
    up_to: PositiveInt | None = Field(
        default=None, description="Largest number of guests this line covers; none = no limit.")
    escorts: PositiveInt


class Policy(Strict):
    company: Text
    currency: str = "CNY"
    timezone: str = "Asia/Shanghai"
    departments: dict[str, Department]
    diets: dict[str, Diet]
    tiers: dict[str, Tier]
    escorts: list[EscortRule] = Field(min_length=1)
    relationship_tiers: dict[str, str] = Field(
        default_factory=dict, description="Tier suggested for a client relationship.")

    def escorts_for(self, guests: int) -> int:
        """How many of our people must join a meal with *guests* visitors."""
        for rule in self.escorts:
            if rule.up_to is None or guests <= rule.up_to:
                return rule.escorts
        return self.escorts[-1].escorts
