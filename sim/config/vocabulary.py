"""The model's vocabulary: kinds of places, services, initiatives, shocks, life stages, and
ConfigError. Used everywhere; imports nothing from the project.
"""

from __future__ import annotations

import enum
from typing import Any


class ConfigError(ValueError):
    """A configuration value is not allowed. Raised before the first simulated year.

    Attributes:
        field: dotted path of the offending field, e.g. ``town.places[2].residents``.
        value: the value given.
        allowed: what would be accepted.
    """

    def __init__(self, field: str, value: Any, allowed: str, hint: str = "") -> None:
        self.field, self.value, self.allowed = field, value, allowed
        message = f"{field} = {value!r} is not allowed: {allowed}."
        if hint:
            message += f" {hint}"
        self.hint = hint
        super().__init__(message)

    def __reduce__(self):
        # Rebuild from all four parts, so the error survives pickling (parallel sweeps).
        return (type(self), (self.field, self.value, self.allowed, self.hint))


class PlaceKind(enum.Enum):
    """What a node of the region network is (model brief, Entities)."""

    centre = "centre"
    district = "district"
    village = "village"
    regional_centre = "regional_centre"
    metropolis = "metropolis"

    @property
    def is_destination(self) -> bool:
        """Destinations (regional centre, metropolis) are not simulated populations."""
        return self in (PlaceKind.regional_centre, PlaceKind.metropolis)


class Region(enum.Enum):
    """Which Destatis columns to use for the life table and the initial age structure."""

    germany = "germany"
    west = "west"
    east = "east"


class ConstructionRule(enum.Enum):
    """How new dwellings are added (see HousingConfig)."""

    none = "none"
    demand = "demand"
    fixed = "fixed"


class LifeStage(enum.IntEnum):
    """Life stage of a resident (model brief, Residents). Stored as int8 in the people table."""

    child = 0  # 0–5
    pupil = 1  # 6–17
    student = 2  # 18–24 in training or study
    local_worker = 3
    commuter = 4
    remote_worker = 5
    not_employed = 6
    retired = 7


class ServiceType(enum.Enum):
    """Kinds of providers (issue #3). Employers (crafts, manufacturer) do not serve residents."""

    grocery = "grocery"
    bakery = "bakery"
    gp = "gp"
    pharmacy = "pharmacy"
    pub = "pub"
    bank = "bank"
    post = "post"
    primary_school = "primary_school"
    kindergarten = "kindergarten"
    pool = "pool"
    bus_line = "bus_line"
    crafts = "crafts"
    manufacturer = "manufacturer"


class Operator(enum.Enum):
    """Who runs a kind of provider: an owner who retires, a company, or the municipality."""

    private = "private"
    corporate = "corporate"
    municipal = "municipal"


class InitiativeType(enum.Enum):
    """Citizens' initiatives (issue #4), each tied to the study's action patterns (seed-notes §4)."""

    coop_shop = "coop_shop"  # co-produce / appropriate space: a cooperative village shop
    citizen_bus = "citizen_bus"  # co-produce: volunteer drivers (Bürgerbus)
    pool_coop = "pool_coop"  # protest + co-produce: takes over the pool (Nörten-Hardenberg)
    community_house = "community_house"  # appropriate space: a meeting place in a vacant building
    coworking = "coworking"  # make things: coworking space or makerspace
    energy_coop = "energy_coop"  # self-supply: an energy cooperative
    senior_cohousing = "senior_cohousing"  # build together: senior co-housing on a vacant plot
    participation = "participation"  # co-decide


class ShockKind(enum.Enum):
    """Exogenous shocks (config group ``shock``)."""

    none = "none"
    gp_retires = "gp_retires"
    grocer_closes = "grocer_closes"
    employer_leaves = "employer_leaves"
    school_closes = "school_closes"
    bus_cut = "bus_cut"


SHOCK_TARGET = {
    ShockKind.gp_retires: ServiceType.gp,
    ShockKind.grocer_closes: ServiceType.grocery,
    ShockKind.employer_leaves: ServiceType.manufacturer,
    ShockKind.school_closes: ServiceType.primary_school,
    ShockKind.bus_cut: ServiceType.bus_line,
}
"""Which kind of provider each shock closes."""


QOL_COMPONENT_NAMES = (
    "commute",
    "regional_centre_access",
    "metropolis_access",
    "housing_cost",
    "housing_condition",
    "local_services",
    "civic_life",
    "infrastructure",
)
"""Components of the quality-of-life function (sim/accessibility.py); later issues add more."""
