"""The settings of the policy's checks (``check_settings:`` in the policy)."""

from typing import Annotated, Self

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from .common import Strict, empty_dict, empty_list, listify
from .vocabulary import Transport

Minutes = Annotated[int, Field(ge=0, le=24 * 60)]


class FlightLead(Strict):
    """How long before a flight the car leaves for the airport, in minutes."""

    international: Minutes = 240
    domestic: Minutes = 180


class Site(Strict):
    """Where the company receives its visitors: sunrise and sunset are computed there."""

    latitude: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)] = Field(
        description="Degrees north (negative: south).")
    longitude: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] = Field(
        description="Degrees east (negative: west).")


# Made without validating (a literal): validating would build the model's validator, which
# no check needs when the policy comes from generator.datacache.
SHANGHAI = Site.model_construct(latitude=31.23, longitude=121.47)
AFTER_LANDING: dict[Transport, int] = {"flight": 90, "train": 30}


class CheckSettings(Strict):
    hotel_risk_countries: listify(str) = Field(  # type: ignore[valid-type]
        default_factory=empty_list,
        description="Countries whose clients may see a host-paid hotel as a bribe.")
    banquet_note_diets: listify(str) = Field(  # type: ignore[valid-type]
        default_factory=lambda: ["halal"],
        description="Deprecated, read by the old check banquet-diet-note only: diets that "
        "need a note on a banquet item. meal_note_diets (check meal-diet-note) replaces it.")
    restaurant_note_diets: listify(str) = Field(  # type: ignore[valid-type]
        default_factory=empty_list,
        description="Diets listed under every meal item; empty means all diets.")
    meal_note_diets: listify(str) = Field(  # type: ignore[valid-type]
        default_factory=lambda: ["halal"],
        description="Diets that every meal item must mention (in its notes, what or where) "
        "when a visitor has them (check meal-diet-note).")
    diet_note_words: dict[str, listify(str)] = Field(  # type: ignore[valid-type]
        default_factory=empty_dict,
        description="Words that count as mentioning a diet in a meal item (any case); a "
        "diet not listed is found by its key and its names in the policy's diets.")
    home_country: str = Field(
        default="CN", description="The company's country (ISO 3166): a departure is "
        "international when the client's country is another one and departure.international "
        "does not say.")
    escorts_excess_factor: Annotated[float, Field(ge=1, allow_inf_nan=False)] = Field(
        default=2, description="A meal with more than this many times the escorts the "
        "policy's escorts table asks for has too many of our people (thrift principle).")
    leave_before_flight: FlightLead = Field(
        default_factory=FlightLead,
        description="Minutes before a flight that the car leaves for the airport at the "
        "latest.")
    leave_before_train: Minutes = Field(
        default=90, description="Minutes before a train that the car leaves for the station "
        "at the latest.")
    after_landing: dict[Transport, Minutes] = Field(
        default_factory=lambda: dict(AFTER_LANDING),
        description="Minutes from the arrival time (by flight, train, …) until picked-up "
        "visitors can be at the first item; a transport not listed: 0.")
    site: Site = Field(default=SHANGHAI, description="Where the visits take place, for "
                       "sunrise and sunset (check ramadan-daylight-meal).")
    fajr_depression: Annotated[float, Field(gt=0, le=30, allow_inf_nan=False)] = Field(
        default=18, description="Degrees of the sun below the horizon at dawn (fajr), when "
        "the Ramadan fast begins.")

    @model_validator(mode="after")
    def _country_code(self) -> Self:
        code = self.home_country.strip()
        if len(code) != 2 or not code.isalpha():
            raise PydanticCustomError(
                "home_country", "home_country is '{found}', which is not a two-letter ISO "
                "3166 country code: write e.g. CN.", {"found": self.home_country})
        return self
