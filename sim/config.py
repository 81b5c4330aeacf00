"""Typed configuration: one dataclass per config group, each field with its source and range.

Every parameter is declared with :func:`param`, which records in the field's metadata where the
default comes from (a data table, a seed-notes section, or ``assumption``) and the allowed
range. :func:`validate` walks the whole tree with full dotted paths, so an error names the
field, the bad value and what is allowed. ``docs/ODD.md`` lists the same metadata
(``python -m sim.config`` prints the table), and a test checks that no default lacks a source.

Nothing here imports Hydra: the CLI turns the composed Hydra config into these dataclasses,
while tests, notebooks and sweeps build them directly.
"""

from __future__ import annotations

import enum
import math
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from typing import Any

from sim import data


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
)
"""Components of the quality-of-life function (sim/accessibility.py); later issues add more."""


def param(
    default: Any = MISSING,
    *,
    source: str,
    min: float | None = None,
    max: float | None = None,
    unit: str = "",
    doc: str = "",
    default_factory: Any = MISSING,
    exclusive_min: bool = False,
) -> Any:
    """A config field with its source and allowed range recorded in the metadata."""
    metadata = {
        "source": source,
        "min": min,
        "max": max,
        "unit": unit,
        "doc": doc,
        "exclusive_min": exclusive_min,
    }
    if default_factory is not MISSING:
        return field(default_factory=default_factory, metadata=metadata)
    return field(default=default, metadata=metadata)


ASSUMPTION = "assumption"

# ---------------------------------------------------------------------------------------------
# town group
# ---------------------------------------------------------------------------------------------


@dataclass
class PlaceConfig:
    """One node of the region network."""

    name: str = param("", source="config", doc="unique name of the place")
    kind: PlaceKind = param(
        PlaceKind.district,
        source="config",
        doc="centre, district, village, regional_centre or metropolis",
    )
    residents: int = param(
        0, min=0, source="config", unit="persons", doc="initial residents (0 for destinations)"
    )
    dwellings: int = param(
        0, min=0, source="config", unit="dwellings", doc="initial dwelling stock"
    )
    jobs: int = param(
        0,
        min=0,
        source="config",
        unit="jobs",
        doc="jobs located here (residents of the town, commuters from it)",
    )
    broadband: float = param(
        0.5,
        min=0.0,
        max=1.0,
        source="seed-notes Q37 (2014: 20.5 % rural, 82.3 % urban households > 50 Mbit/s)",
        doc="share of dwellings with fast broadband",
    )
    municipality: str = param(
        "",
        source="config",
        doc="the municipality the place belongs to (regions of several towns); empty: the town itself",
    )
    hinterland: int = param(
        0,
        min=0,
        source="config",
        unit="persons",
        doc="people of surrounding villages outside the town who use services here (seed-notes M-X8)",
    )
    price_index: float = param(
        1.0,
        min=0.0,
        exclusive_min=True,
        source=ASSUMPTION,
        doc="housing price level, 1 = national average",
    )
    university: bool = param(
        False,
        source="config",
        doc="a university or Hochschule is here (education migration goes to the nearest one)",
    )
    internal_minutes: float = param(
        5.0,
        min=0.0,
        source=ASSUMPTION,
        unit="min",
        doc="typical trip within the place (the metropolis: trip to work or study across the city)",
    )
    age_structure: dict[str, float] | None = param(
        None,
        source="config",
        doc="optional shares by age band, e.g. {'0-17': 0.16, ..., '65+': 0.24}; default: Destatis 2020 profile",
    )


@dataclass
class EdgeConfig:
    """A road link between two places, optionally served by a bus line."""

    between: list[str] = param(default_factory=list, source="config", doc="the two place names")
    car_minutes: float = param(10.0, min=0.0, exclusive_min=True, source="config", unit="min")
    bus_minutes: float | None = param(
        None,
        min=0.0,
        exclusive_min=True,
        source="config",
        unit="min",
        doc="in-vehicle minutes if a bus line runs here",
    )
    bus_departures_per_day: int = param(0, min=0, max=200, source="config", unit="1/day")


@dataclass
class ProviderConfig:
    """Providers of one kind at one place (services, municipal services, employers)."""

    type: ServiceType = param(ServiceType.grocery, source="config", doc="kind of provider")
    place: str = param("", source="config", doc="name of a place where people live")
    count: int = param(1, min=1, max=100, source="config", doc="how many such providers")
    format: str = param("", source="config", doc="groceries only: supermarket (default) or shop")
    route: list[str] = param(
        default_factory=list,
        source="config",
        doc="bus lines only: the places the line serves, in order; each consecutive pair must be an edge with bus minutes",
    )
    staff: int | None = param(
        None, min=0, source="config", doc="employers: jobs (default from the type)"
    )


GROCERY_FORMATS = ("supermarket", "shop", "coop")


@dataclass
class TownConfig:
    """The region network: a town's places and the destinations around it."""

    name: str = param("peripheral", source="config")
    region: Region = param(
        Region.germany,
        source="Destatis life table / age structure columns",
        doc="germany, west or east",
    )
    file: str | None = param(
        None, source="config", doc="path to a planner's own-town YAML; replaces places and edges"
    )
    places: list[PlaceConfig] = param(default_factory=list, source="config")
    edges: list[EdgeConfig] = param(default_factory=list, source="config")
    providers: list[ProviderConfig] = param(
        default_factory=list,
        source="config",
        doc="services, municipal services and employers at the start",
    )

    def check(self, path: str) -> None:
        """Cross-field rules: unique names, a centre, destinations, known and connected edges."""
        if self.file is not None:
            return  # the file is checked when it is loaded (sim.town.load_town_file)
        if not self.places:
            raise ConfigError(f"{path}.places", [], "a town needs at least one place")
        names: dict[str, int] = {}
        for i, place in enumerate(self.places):
            p = f"{path}.places[{i}]"
            if not str(place.name).strip():
                raise ConfigError(f"{p}.name", place.name, "a non-empty name")
            if place.name in names:
                raise ConfigError(
                    f"{p}.name",
                    place.name,
                    "place names must be unique",
                    f"It is also used by places[{names[place.name]}].",
                )
            names[place.name] = i
            if place.kind.is_destination and place.residents > 0:
                raise ConfigError(
                    f"{p}.residents",
                    place.residents,
                    f"0 for a {place.kind.value}",
                    "Regional centres and metropolises are destinations, not simulated populations.",
                )
            if not place.kind.is_destination and place.residents > 0 and place.dwellings == 0:
                raise ConfigError(
                    f"{p}.dwellings",
                    place.dwellings,
                    "at least one dwelling where people live",
                    f"Place {place.name!r} has {place.residents} residents.",
                )
            if place.age_structure is not None:
                _check_age_structure(place.age_structure, f"{p}.age_structure")
        centres: dict[str, int] = {}
        for i, place in enumerate(self.places):
            if place.kind.is_destination:
                continue
            municipality = place.municipality or self.name
            if place.kind is PlaceKind.centre:
                if municipality in centres:
                    raise ConfigError(
                        f"{path}.places[{i}].kind",
                        "centre",
                        f"one centre per municipality; {municipality!r} already has {self.places[centres[municipality]].name!r}",
                    )
                centres[municipality] = i
        homeless = sorted(
            {(p.municipality or self.name) for p in self.places if not p.kind.is_destination}
            - set(centres)
        )
        if homeless:
            raise ConfigError(
                f"{path}.places",
                [p.name for p in self.places],
                "a town (every municipality) needs a place of kind 'centre'",
                f"No centre in: {', '.join(homeless)}.",
            )
        if not any(p.kind.is_destination for p in self.places):
            raise ConfigError(
                f"{path}.places",
                [p.name for p in self.places],
                "at least one place of kind 'regional_centre' or 'metropolis'",
                "They are where people commute, study and move to.",
            )
        if sum(p.residents for p in self.places) <= 0:
            raise ConfigError(f"{path}.places", "0 residents in total", "a town with residents")
        for i, edge in enumerate(self.edges):
            p = f"{path}.edges[{i}]"
            if len(edge.between) != 2 or edge.between[0] == edge.between[1]:
                raise ConfigError(f"{p}.between", list(edge.between), "two different place names")
            for name in edge.between:
                if name not in names:
                    raise ConfigError(
                        f"{p}.between",
                        list(edge.between),
                        f"names of places in the town; unknown place {name!r}",
                        f"Known places: {', '.join(names)}.",
                    )
            if edge.bus_departures_per_day > 0 and edge.bus_minutes is None:
                raise ConfigError(
                    f"{p}.bus_minutes", None, "bus minutes when bus_departures_per_day > 0"
                )
            if edge.bus_minutes is not None and edge.bus_departures_per_day == 0:
                raise ConfigError(
                    f"{p}.bus_departures_per_day",
                    0,
                    "at least 1 when bus_minutes is given (a bus line needs both)",
                )
        _check_connected(self, path)
        _check_providers(self, names, path)


def _check_providers(town: TownConfig, names: dict[str, int], path: str) -> None:
    bus_edges = {frozenset(e.between) for e in town.edges if e.bus_departures_per_day > 0}
    for i, provider in enumerate(town.providers):
        p = f"{path}.providers[{i}]"
        if provider.place not in names:
            raise ConfigError(
                f"{p}.place",
                provider.place,
                "the name of a place in the town",
                f"Known places: {', '.join(names)}.",
            )
        if town.places[names[provider.place]].kind.is_destination:
            raise ConfigError(
                f"{p}.place",
                provider.place,
                "a place where people live (centre, district or village)",
                "Destinations offer every service already.",
            )
        if provider.type is ServiceType.grocery:
            if provider.format not in ("", *GROCERY_FORMATS):
                raise ConfigError(
                    f"{p}.format", provider.format, f"one of {', '.join(GROCERY_FORMATS)}"
                )
        elif provider.format:
            raise ConfigError(f"{p}.format", provider.format, "empty except for groceries")
        if provider.type is ServiceType.bus_line:
            if len(provider.route) < 2:
                raise ConfigError(
                    f"{p}.route", list(provider.route), "at least two places the line serves"
                )
            for name in provider.route:
                if name not in names:
                    raise ConfigError(
                        f"{p}.route",
                        list(provider.route),
                        f"names of places; unknown place {name!r}",
                    )
            for a, b in zip(provider.route, provider.route[1:], strict=False):
                if frozenset((a, b)) not in bus_edges:
                    raise ConfigError(
                        f"{p}.route",
                        list(provider.route),
                        f"consecutive places joined by an edge with bus minutes and departures; {a}–{b} has none",
                    )
        elif provider.route:
            raise ConfigError(f"{p}.route", list(provider.route), "empty except for bus lines")


def _check_age_structure(shares: dict[str, float], path: str) -> None:
    _check_bands(shares, path, sum_to_one=True)


def _check_bands(values: dict[str, float], path: str, sum_to_one: bool) -> None:
    """Age bands 'a-b' / 'a+' covering every age once; values >= 0 (shares: in [0, 1], sum 1)."""
    covered = []
    for label, value in values.items():
        try:
            low, high = data.parse_band(label)
        except ValueError as exc:
            raise ConfigError(
                f"{path}[{label!r}]", label, "an age band 'a-b' or 'a+' with 0 <= a <= b <= 100"
            ) from exc
        upper = 1.0 if sum_to_one else math.inf
        if isinstance(value, bool) or not (
            isinstance(value, int | float) and 0.0 <= value <= upper
        ):
            raise ConfigError(
                f"{path}[{label!r}]", value, "a share in [0, 1]" if sum_to_one else "a number >= 0"
            )
        covered.append((low, high))
    covered.sort()
    expected = 0
    for low, high in covered:
        if low != expected:
            raise ConfigError(
                path,
                dict(values),
                "bands that cover every age from 0 to the open band 'a+' without gaps or overlaps",
                f"Check the band starting at age {expected}.",
            )
        expected = high + 1
    if expected <= data.MAX_AGE:
        raise ConfigError(path, dict(values), "bands up to an open band such as '85+'")
    if sum_to_one:
        total = sum(values.values())
        if not math.isclose(total, 1.0, abs_tol=0.011):
            raise ConfigError(
                path, dict(values), f"shares that add up to 1 (they add up to {total:.3f})"
            )


def _check_connected(town: TownConfig, path: str) -> None:
    adjacency: dict[str, set[str]] = {p.name: set() for p in town.places}
    for edge in town.edges:
        a, b = edge.between
        adjacency[a].add(b)
        adjacency[b].add(a)
    start = town.places[0].name
    seen, stack = {start}, [start]
    while stack:
        for other in adjacency[stack.pop()]:
            if other not in seen:
                seen.add(other)
                stack.append(other)
    missing = [name for name in adjacency if name not in seen]
    if missing:
        raise ConfigError(
            f"{path}.edges",
            f"{len(town.edges)} edges",
            "edges that connect every place",
            f"Not reachable from {start!r}: {', '.join(missing)}. Add an edge with car_minutes to each.",
        )


# ---------------------------------------------------------------------------------------------
# demography group
# ---------------------------------------------------------------------------------------------


@dataclass
class DemographyConfig:
    """Births, deaths, leaving home, couples and separations (sim/demography.py)."""

    fertility_year: int = param(
        2019,
        source="Destatis GENESIS 12612-0008 (2019: TFR 1.54, last pre-pandemic year)",
        doc="which year's age-specific fertility rates",
    )
    share_with_parents_18_24: float = param(
        0.78,
        min=0,
        max=1,
        source="Destatis Mikrozensus 2015: 78 % of 18–24-year-olds in municipalities < 10,000 live with their parents",
        doc="initial population",
    )
    share_with_parents_25_29: float = param(
        0.25, min=0, max=1, source=ASSUMPTION, doc="initial population"
    )
    share_with_parents_30_39: float = param(
        0.06, min=0, max=1, source=ASSUMPTION, doc="initial population"
    )
    share_75_plus_with_children: float = param(
        0.25,
        min=0,
        max=1,
        source="assumption (multi-generation households of widowed parents)",
        doc="initial population, single people 75+",
    )
    leave_home_hazard_18_24: float = param(
        0.05,
        min=0,
        max=1,
        source="calibrated: keeps about 78 % of 18–24-year-olds with their parents (Mikrozensus 2015)",
        unit="1/yr",
    )
    leave_home_hazard_25_29: float = param(0.25, min=0, max=1, source=ASSUMPTION, unit="1/yr")
    leave_home_hazard_30_plus: float = param(0.35, min=0, max=1, source=ASSUMPTION, unit="1/yr")
    partnered_share_25_34: float = param(
        0.66,
        min=0,
        max=1,
        source="assumption (order of Mikrozensus shares living in a couple)",
        doc="initial population, adults not living with parents",
    )
    partnered_share_35_64: float = param(
        0.85, min=0, max=1, source="assumption (order of Mikrozensus shares living in a couple)"
    )
    partnered_share_65_79: float = param(
        0.80, min=0, max=1, source="assumption (order of Mikrozensus shares living in a couple)"
    )
    partnered_share_80_plus: float = param(0.42, min=0, max=1, source="assumption (widowhood)")
    partnering_hazard_20_24: float = param(
        0.03,
        min=0,
        max=1,
        source="calibrated: with leave_home_hazard_18_24 keeps about 78 % of 18–24-year-olds with their parents",
        unit="1/yr",
        doc="single 20–24-year-olds moving in with a partner",
    )
    partnering_hazard: float = param(
        0.10,
        min=0,
        max=1,
        source=ASSUMPTION,
        unit="1/yr",
        doc="single adults 25–59 forming a couple",
    )
    separation_hazard: float = param(
        0.008,
        min=0,
        max=1,
        source="assumption (order of the German divorce rate, < 1 % of marriages a year)",
        unit="1/yr",
    )
    initial_native_share: float = param(
        0.5,
        min=0,
        max=1,
        source="assumption (about half of the adults grew up in the town)",
        doc="initial population; the others moved in at some point after 18",
    )
    mother_child_age_gap_mean: float = param(
        31.0,
        min=15,
        max=50,
        source="Destatis: mean age of mothers at first birth 30.4 (2022), later births older",
        unit="years",
    )


# ---------------------------------------------------------------------------------------------
# work group
# ---------------------------------------------------------------------------------------------


@dataclass
class WorkConfig:
    """Life stages, jobs, commuting and car access (sim/work.py)."""

    education_share_18_24: float = param(
        0.5,
        min=0,
        max=1,
        source="assumption (training and study together)",
        doc="share of 18–24-year-olds in training or study",
    )
    employment_rate: float = param(
        0.80,
        min=0,
        max=1,
        source="about 80 % of 20–64-year-olds employed in Germany (Eurostat 2023; ext)",
    )
    retirement_age: int = param(
        66,
        min=50,
        max=80,
        source="assumption (statutory age rises from 65 to 67 for cohorts 1947–1964)",
        unit="years",
    )
    job_choice_minutes_scale: float = param(
        15.0,
        min=0.0,
        exclusive_min=True,
        source=ASSUMPTION,
        unit="min",
        doc="gravity model: P(job place) ~ jobs^job_mass_exponent x exp(-minutes / scale)",
    )
    job_mass_exponent: float = param(
        0.5,
        min=0,
        max=1,
        source="assumption (so that a metropolis does not swamp nearby towns)",
        doc="jobs enter the gravity rule as jobs^exponent",
    )
    job_change_hazard: float = param(0.08, min=0, max=1, source=ASSUMPTION, unit="1/yr")
    study_exit_hazard: float = param(
        0.25,
        min=0,
        max=1,
        source=ASSUMPTION,
        unit="1/yr",
        doc="students 21+ finish training or study; all by 25",
    )
    remote_share: float = param(
        0.12,
        min=0,
        max=1,
        source="assumption (a minority of employees work mostly from home)",
        doc="share of workers with a distant job who work from home, times the broadband share at home",
    )
    car_access_18_24: float = param(
        0.70, min=0, max=1, source="assumption (rural car availability is high; MiD 2017, ext)"
    )
    car_access_25_74: float = param(
        0.92, min=0, max=1, source="assumption (rural car availability is high; MiD 2017, ext)"
    )
    car_access_75_plus: float = param(0.65, min=0, max=1, source=ASSUMPTION)
    car_loss_hazard_80_plus: float = param(0.06, min=0, max=1, source=ASSUMPTION, unit="1/yr")


# ---------------------------------------------------------------------------------------------
# migration group
# ---------------------------------------------------------------------------------------------


@dataclass
class MigrationConfig:
    """Who leaves, who arrives (sim/migration.py)."""

    enabled: bool = param(True, source="config", doc="false gives a closed population")
    rate_18_24: float = param(
        0.09,
        min=0,
        max=1,
        source="bpb Sozialbericht 2024 (2021): moves across district borders, 18–24 about 9 % a year",
        unit="1/yr",
    )
    rate_25_29: float = param(
        0.10, min=0, max=1, source="bpb Sozialbericht 2024: 25–29 about 10 % a year", unit="1/yr"
    )
    rate_30_49: float = param(
        0.04, min=0, max=1, source="bpb Sozialbericht 2024: 30–49 about 4 % a year", unit="1/yr"
    )
    rate_50_plus: float = param(
        0.01, min=0, max=1, source="bpb Sozialbericht 2024: 50+ about 1 % a year", unit="1/yr"
    )
    female_youth_factor: float = param(
        1.3,
        min=0,
        source="assumption (young women leave rural regions more often than young men; shared data README)",
        doc="multiplies the rate of women 18–29",
    )
    qol_gap_sensitivity: float = param(
        3.0,
        min=0,
        source=ASSUMPTION,
        doc="rate x exp(s * (gap - reference)); gap = best alternative QoL - own QoL",
    )
    qol_gap_reference: float = param(
        0.10, source="calibrated assumption: the gap at which a resident moves at the national rate"
    )
    attachment_effect: float = param(
        0.8,
        min=0,
        source="assumption (seed-notes Q78: strong attachment)",
        doc="rate x exp(-e * (attachment - reference))",
    )
    attachment_reference: float = param(
        0.8,
        min=0,
        max=1,
        source="assumption: attachment of a typical resident (most have lived in town for decades)",
    )
    attachment_halflife_years: float = param(
        7.0, min=0.0, exclusive_min=True, source=ASSUMPTION, unit="years"
    )
    household_tie_effect: float = param(
        0.2,
        min=0,
        source=ASSUMPTION,
        doc="rate x exp(-e * (members moving along - 1)), at most 3 along; a couple is the reference",
    )
    social_tie_effect: float = param(
        0.4, min=0, source=ASSUMPTION, doc="rate x exp(-e * (local ties share - reference))"
    )
    social_tie_reference: float = param(
        0.7,
        min=0,
        max=1,
        source="assumption: local-ties share of a typical resident (ties / (ties + social.neighbour_ties))",
    )
    engagement_effect: float = param(
        0.3,
        min=0,
        source="assumption on size; direction seed-notes Q25 (socially active groups left)",
        doc="rate x exp(e * (propensity - mean))",
    )
    education_hazard: float = param(
        0.25,
        min=0,
        max=1,
        source=ASSUMPTION,
        unit="1/yr",
        doc="18–21-year-olds in education who would move to study if the university is far",
    )
    education_commute_limit_minutes: float = param(
        60.0, min=0, source="assumption (about an hour one way)", unit="min"
    )
    return_hazard: float = param(
        0.03,
        min=0,
        max=1,
        source=ASSUMPTION,
        unit="1/yr",
        doc="education leavers aged 24–40 coming back, at the reference attractiveness",
    )
    in_rate_family: float = param(
        0.010,
        min=0,
        max=1,
        source="assumption (gross in-migration of the order of out-migration, bpb 2024)",
        unit="persons per resident and year",
    )
    in_rate_young_adult: float = param(
        0.006, min=0, max=1, source=ASSUMPTION, unit="persons per resident and year"
    )
    in_rate_retiree: float = param(
        0.005, min=0, max=1, source=ASSUMPTION, unit="persons per resident and year"
    )
    in_rate_remote_worker: float = param(
        0.003,
        min=0,
        max=1,
        source="assumption; gated by broadband (seed-notes M-G1)",
        unit="persons per resident and year",
    )
    attractiveness_sensitivity: float = param(
        5.0, min=0, source=ASSUMPTION, doc="arrivals x exp(s * (reference - gap))"
    )
    proximity_elasticity: float = param(
        0.15,
        min=0,
        source="assumption (most moves are short; distance decay of migration)",
        doc="arrivals x (potential / reference)^e, potential = sum over destinations of jobs^0.5 x exp(-car minutes from the centre / scale)",
    )
    proximity_scale_minutes: float = param(
        30.0, min=0.0, exclusive_min=True, source=ASSUMPTION, unit="min"
    )
    proximity_reference: float = param(
        150.0,
        min=0.0,
        exclusive_min=True,
        source="calibrated assumption: about the potential of a town 25 min from a 40,000-job regional centre and 70 min from a metropolis",
    )
    housing_half_vacancy: float = param(
        0.02,
        min=0.0,
        exclusive_min=True,
        source=ASSUMPTION,
        doc="arrivals x v / (v + this), v = habitable vacancy rate",
    )


# ---------------------------------------------------------------------------------------------
# housing group
# ---------------------------------------------------------------------------------------------


@dataclass
class HousingConfig:
    """Dwellings, vacancy, decay, prices and construction (sim/housing.py)."""

    initial_condition_mean: float = param(0.8, min=0, max=1, source=ASSUMPTION)
    vacant_decay_per_year: float = param(
        0.04,
        min=0,
        max=1,
        source="assumption (seed-notes M-H1: vacant dwellings decay)",
        unit="1/yr",
    )
    occupied_decay_per_year: float = param(0.01, min=0, max=1, source=ASSUMPTION, unit="1/yr")
    renovation_hazard: float = param(
        0.08,
        min=0,
        max=1,
        source=ASSUMPTION,
        unit="1/yr",
        doc="occupied dwellings below renovation_threshold are renovated to renovated_condition",
    )
    renovation_threshold: float = param(0.6, min=0, max=1, source=ASSUMPTION)
    renovated_condition: float = param(0.9, min=0, max=1, source=ASSUMPTION)
    habitable_condition: float = param(
        0.3, min=0, max=1, source=ASSUMPTION, doc="below this nobody moves in"
    )
    exit_condition: float = param(
        0.15, min=0, max=1, source=ASSUMPTION, doc="below this a vacant dwelling leaves the stock"
    )
    natural_vacancy: float = param(
        0.03, min=0, max=1, source="assumption (a 2–3 % fluctuation reserve is the usual benchmark)"
    )
    price_response: float = param(
        0.25, min=0, source=ASSUMPTION, doc="price x exp(r * (natural vacancy - vacancy)) each year"
    )
    price_floor: float = param(0.5, min=0.0, exclusive_min=True, source=ASSUMPTION)
    price_cap: float = param(3.0, min=0.0, exclusive_min=True, source=ASSUMPTION)
    construction_rule: ConstructionRule = param(
        ConstructionRule.demand,
        source=ASSUMPTION,
        doc="none, demand (build where vacancy < target) or fixed (a fixed number a year)",
    )
    target_vacancy: float = param(0.03, min=0, max=1, source=ASSUMPTION)
    max_build_rate: float = param(
        0.015, min=0, max=1, source=ASSUMPTION, unit="share of stock per year"
    )
    fixed_per_year: int = param(
        0, min=0, source="config", unit="dwellings per year", doc="with rule 'fixed'"
    )


# ---------------------------------------------------------------------------------------------
# qol group
# ---------------------------------------------------------------------------------------------


def _default_qol_weights() -> dict[str, dict[str, float]]:
    # Which components matter at which life stage (assumption; seed-notes §3.1 "Needs").
    # Shares within a stage; they are normalised to sum to 1.
    c, rc, m, cost, cond, svc, civ = (
        "commute",
        "regional_centre_access",
        "metropolis_access",
        "housing_cost",
        "housing_condition",
        "local_services",
        "civic_life",
    )
    return {
        "child": {rc: 0.2, m: 0.1, cost: 0.2, cond: 0.2, svc: 0.3, civ: 0.05},
        "pupil": {rc: 0.3, m: 0.15, cost: 0.1, cond: 0.15, svc: 0.3, civ: 0.1},
        "student": {c: 0.3, rc: 0.1, m: 0.3, cost: 0.15, svc: 0.15, civ: 0.1},
        "local_worker": {c: 0.2, rc: 0.1, m: 0.25, cost: 0.1, cond: 0.15, svc: 0.2, civ: 0.05},
        "commuter": {c: 0.25, rc: 0.1, m: 0.2, cost: 0.1, cond: 0.15, svc: 0.2, civ: 0.05},
        "remote_worker": {rc: 0.1, m: 0.25, cost: 0.2, cond: 0.2, svc: 0.25, civ: 0.1},
        "not_employed": {rc: 0.2, m: 0.15, cost: 0.2, cond: 0.15, svc: 0.3, civ: 0.1},
        "retired": {rc: 0.2, m: 0.05, cost: 0.15, cond: 0.2, svc: 0.4, civ: 0.1},
    }


def _default_service_weights() -> dict[str, dict[str, float]]:
    # Which services matter at which life stage (assumption; seed-notes §3.1 "Needs").
    working = {
        "grocery": 0.3,
        "gp": 0.15,
        "kindergarten": 0.1,
        "primary_school": 0.1,
        "pharmacy": 0.05,
        "bakery": 0.05,
        "pub": 0.1,
        "bank": 0.05,
        "post": 0.05,
        "pool": 0.05,
    }
    return {
        "child": {"kindergarten": 0.5, "gp": 0.3, "grocery": 0.2},
        "pupil": {"primary_school": 0.4, "pool": 0.2, "gp": 0.2, "grocery": 0.2},
        "student": {"grocery": 0.4, "pub": 0.3, "gp": 0.1, "bank": 0.1, "bakery": 0.1},
        "local_worker": dict(working),
        "commuter": dict(working),
        "remote_worker": dict(working),
        "not_employed": {
            "grocery": 0.35,
            "gp": 0.25,
            "pharmacy": 0.1,
            "post": 0.1,
            "bank": 0.1,
            "pub": 0.1,
        },
        "retired": {
            "gp": 0.35,
            "grocery": 0.25,
            "pharmacy": 0.2,
            "bank": 0.05,
            "post": 0.05,
            "bakery": 0.05,
            "pub": 0.05,
        },
    }


@dataclass
class QolConfig:
    """Quality of life (sim/accessibility.py): weights by life stage and distance scales."""

    weights: dict[str, dict[str, float]] = param(
        default_factory=_default_qol_weights,
        source="assumption (seed-notes §3.1 needs by life stage)",
        doc="stage -> component -> weight",
    )
    commute_scale_minutes: float = param(
        40.0,
        min=0.0,
        exclusive_min=True,
        source=ASSUMPTION,
        unit="min",
        doc="score exp(-minutes / scale)",
    )
    regional_centre_scale_minutes: float = param(
        30.0,
        min=0.0,
        exclusive_min=True,
        source="assumption (Thünen treats 15 min as acceptable for basic services)",
        unit="min",
    )
    metropolis_scale_minutes: float = param(
        60.0, min=0.0, exclusive_min=True, source=ASSUMPTION, unit="min"
    )
    no_car_internal_factor: float = param(
        2.0,
        min=1.0,
        source="assumption (short trips within a place on foot or by bike)",
        doc="without a car, a trip within a place takes this many times the car minutes",
    )
    walking_factor: float = param(
        6.6,
        min=1.0,
        source="Thünen: average car speed 33 km/h; walking 5 km/h (assumption)",
        doc="walking minutes = car minutes x factor",
    )
    service_weights: dict[str, dict[str, float]] = param(
        default_factory=lambda: _default_service_weights(),
        source="assumption (seed-notes §3.1 needs by life stage)",
        doc="stage -> kind of service -> weight inside the local_services component",
    )
    service_scale_minutes: float = param(
        15.0,
        min=0.0,
        exclusive_min=True,
        source="Thünen: 15 minutes is the acceptable maximum travel time to basic services (shared data README)",
        unit="min",
        doc="access score exp(-minutes / scale)",
    )
    alternative_service_minutes: float = param(
        5.0, min=0.0, source="assumption (in a city, basic services are close)", unit="min"
    )
    bus_service_hours: float = param(
        16.0,
        min=1.0,
        max=24.0,
        source=ASSUMPTION,
        unit="h/day",
        doc="waiting time = half the headway over these hours",
    )
    bus_max_wait_minutes: float = param(
        15.0,
        min=0.0,
        source="assumption (with sparse timetables people time their trips to the timetable; the inconvenience counts at most a quarter hour)",
        unit="min",
    )
    alternative_condition: float = param(
        0.8,
        min=0,
        max=1,
        source=ASSUMPTION,
        doc="dwelling condition a mover expects at a destination",
    )


# ---------------------------------------------------------------------------------------------
# social group
# ---------------------------------------------------------------------------------------------


@dataclass
class SocialConfig:
    """The seeded social network and engagement propensity (sim/social.py)."""

    neighbour_ties: int = param(
        4,
        min=0,
        max=50,
        source="assumption (seed-notes Q75: above 3,000–4,000 people not everyone knows everyone)",
        unit="ties per resident",
    )
    cross_place_ties: int = param(1, min=0, max=50, source=ASSUMPTION, unit="ties per resident")
    engagement_mean: float = param(
        0.40,
        min=0,
        max=1,
        source="Freiwilligensurvey 2019: 39.7 % of people 14+ volunteer (shared data README)",
    )
    engagement_concentration: float = param(
        4.0, min=0.0, exclusive_min=True, source=ASSUMPTION, doc="Beta(a, b) with a + b = this"
    )


# ---------------------------------------------------------------------------------------------
# services group
# ---------------------------------------------------------------------------------------------


@dataclass
class ServiceTypeConfig:
    """Economics and needs of one kind of provider (sources per kind in SERVICE_SOURCES)."""

    operator: Operator = param(Operator.private, source="config")
    spend_per_person_eur: float = param(
        0.0,
        min=0,
        unit="EUR/yr",
        source=ASSUMPTION,
        doc="yearly revenue per user at need 1 (users: residents weighted by need_by_age)",
    )
    variable_cost_share: float = param(
        0.5, min=0, max=1, source=ASSUMPTION, doc="costs that scale with revenue"
    )
    break_even_population: float | None = param(
        None,
        min=0.0,
        exclusive_min=True,
        source=ASSUMPTION,
        doc="users at which a provider breaks even; sets the fixed cost unless fixed_cost_eur is given",
    )
    fixed_cost_eur: float | None = param(
        None,
        min=0,
        unit="EUR/yr",
        source=ASSUMPTION,
        doc="fixed yearly cost (None: (1 - variable share) x spend x break-even users)",
    )
    cost_per_user_eur: float = param(
        0.0, min=0, unit="EUR/yr", source=ASSUMPTION, doc="municipal services: cost per user"
    )
    need_by_age: dict[str, float] = param(
        default_factory=lambda: {"0+": 1.0},
        source=ASSUMPTION,
        doc="relative need by age band; normalised so that the German average person has need 1",
    )
    staff_fixed: float = param(1.0, min=0, unit="jobs", source=ASSUMPTION)
    staff_per_1000_users: float = param(0.0, min=0, unit="jobs", source=ASSUMPTION)
    online_exposure: float = param(
        0.0,
        min=0,
        max=1,
        source=ASSUMPTION,
        doc="share of spending that online trade can take (times services.online_share)",
    )
    leakage_max: float = param(
        0.0,
        min=0,
        max=1,
        source=ASSUMPTION,
        doc="share spent in the regional centre by people living right next to it (decays with minutes)",
    )
    anchor: ServiceType | None = param(
        None, source=ASSUMPTION, doc="a kind of provider this one depends on at its place"
    )
    anchor_share: float = param(
        0.0,
        min=0,
        max=1,
        source=ASSUMPTION,
        doc="share of revenue lost while no anchor is open at the place",
    )
    succession_base: float = param(
        0.5,
        min=0,
        max=1,
        source=ASSUMPTION,
        doc="private: chance to find a successor at zero margin in an average town",
    )
    loss_years: int = param(
        3,
        min=1,
        max=50,
        source=ASSUMPTION,
        doc="years of losses (or below min_users) before closing",
    )
    min_users: float = param(
        0.0, min=0, source=ASSUMPTION, doc="municipal: users below which it closes after loss_years"
    )
    legal_min_population: int = param(
        0,
        min=0,
        source=ASSUMPTION,
        doc="kept (and reopened) while the town has more residents than this",
    )
    voluntary: bool = param(
        False, source=ASSUMPTION, doc="municipal: cut first when the debt rule forces cuts"
    )
    serves_residents: bool = param(
        True, source="config", doc="counts for access, travel minutes and quality of life"
    )
    hinterland_share: float = param(
        0.0,
        min=0,
        max=1,
        source=ASSUMPTION,
        doc="share of the hinterland's need that comes to providers in town",
    )
    entry_rate: float = param(
        1.0,
        min=0,
        max=1,
        source=ASSUMPTION,
        doc="multiplies services.entrepreneurial_climate for this kind",
    )

    def check(self, path: str) -> None:
        """Need weights by age band (every kind, the shop and coop formats included)."""
        _check_bands(self.need_by_age, f"{path}.need_by_age", sum_to_one=False)


def _svc(**kwargs: Any) -> Any:
    return field(default_factory=lambda: ServiceTypeConfig(**kwargs))


SERVICE_SOURCES: dict[str, dict[str, str]] = {
    "grocery": {
        "spend_per_person_eur": "assumption (order of food-retail spending per head in Germany)",
        "variable_cost_share": "assumption (gross margin about a quarter)",
        "break_even_population": "BVL; Handelsverband Bayern: a supermarket needs at least about 5,000 people in its catchment (shared data README)",
        "online_exposure": "assumption; online food retail is still minor outside cities (seed-notes Q65)",
        "leakage_max": "assumption (shopping in the regional centre, seed-notes §2.6)",
    },
    "grocery_coop": {
        "break_even_population": "Dorfladen rule of thumb: 100–150 customers and 1,000 EUR a day (Imakomm 2020); volunteers and members' loyalty halve the shop's threshold (assumption)",
        "entry_rate": "opened only by a cooperative-shop initiative",
    },
    "grocery_shop": {
        "spend_per_person_eur": "assumption (top-up shopping near home)",
        "break_even_population": "assumption from the village-shop rule of thumb: 100–150 customers and 1,000 EUR a day (Imakomm 2020, shared data README)",
        "succession_base": "assumption (owners of small shops rarely find successors)",
    },
    "gp": {
        "spend_per_person_eur": "assumption (statutory GP fees per patient and year)",
        "break_even_population": "KBV planning ratio: about one GP per 1,600 inhabitants (shared data README)",
        "succession_base": "assumption (rural GP succession is hard; 40.8 % of GPs are 60 or older, KBV 2024)",
        "entry_rate": "assumption (few young GPs settle in rural areas; admission follows KBV planning)",
        "need_by_age": "assumption (GP contacts rise with age)",
    },
    "pharmacy": {
        "break_even_population": "Thünen-Institut 2013 / DAZ 2023: about 3,800 potential customers per pharmacy",
        "anchor_share": "assumption (prescriptions from GPs at the same place)",
        "online_exposure": "assumption (mail-order pharmacies)",
        "need_by_age": "assumption (medication use rises with age)",
    },
    "bank": {
        "online_exposure": "assumption (online banking replaces branch visits, seed-notes §2.6)"
    },
    "post": {
        "legal_min_population": "Post-Universaldienstleistungsverordnung: a post outlet in every municipality over 2,000 inhabitants (shared data README)",
        "entry_rate": "outlets exist by the legal requirement, not by market entry",
    },
    "primary_school": {
        "min_users": "Kultusministerien: minimum class sizes 13–20 by Land; 4 grades x 13 (shared data README)",
        "need_by_age": "issue #3: school for 6–10-year-olds",
    },
    "kindergarten": {
        "need_by_age": "assumption (about a third of 1–2-year-olds and nine in ten 3–5-year-olds in day care, Destatis; ext)",
        "legal_min_population": "assumption (legal entitlement to a day-care place from age 1: kept while the town has residents)",
    },
    "pool": {
        "spend_per_person_eur": "sector reports: ticket revenue covers under a third of a pool's running costs (shared data README); calibrated to about 30 %",
        "voluntary": "a voluntary municipal task, cut first under budget pressure (seed-notes §2.2, Nörten-Hardenberg)",
    },
    "bus_line": {
        "min_users": "assumption; seed-notes M-V1: below a demand threshold line-based buses are no longer financed",
        "voluntary": "seed-notes V-C2: lines are cut when they cannot be financed",
    },
    "crafts": {"succession_base": "assumption (succession is a known problem of craft firms)"},
    "manufacturer": {
        "staff_fixed": "assumption (a 'hidden champion' with a few hundred jobs, seed-notes Q11)"
    },
}
"""Where each kind's non-default values come from (used by the ODD parameter table)."""

_AGE_RETAIL = {"0-17": 0.6, "18+": 1.0}


@dataclass
class ServicesConfig:
    """Providers' economics, demand, entry and succession (sim/services.py)."""

    grocery: ServiceTypeConfig = _svc(
        operator=Operator.corporate,
        spend_per_person_eur=2300.0,
        variable_cost_share=0.75,
        break_even_population=5000.0,
        need_by_age=_AGE_RETAIL,
        staff_fixed=8.0,
        staff_per_1000_users=2.0,
        online_exposure=0.3,
        leakage_max=0.35,
        loss_years=2,
        hinterland_share=0.5,
    )
    grocery_shop: ServiceTypeConfig = _svc(
        operator=Operator.private,
        spend_per_person_eur=900.0,
        variable_cost_share=0.75,
        break_even_population=700.0,
        need_by_age=_AGE_RETAIL,
        staff_fixed=3.0,
        online_exposure=0.3,
        leakage_max=0.35,
        succession_base=0.3,
    )
    grocery_coop: ServiceTypeConfig = _svc(
        operator=Operator.corporate,
        spend_per_person_eur=900.0,
        variable_cost_share=0.75,
        break_even_population=350.0,
        need_by_age=_AGE_RETAIL,
        staff_fixed=1.0,
        online_exposure=0.3,
        leakage_max=0.35,
        loss_years=3,
        entry_rate=0.0,
    )
    bakery: ServiceTypeConfig = _svc(
        operator=Operator.private,
        spend_per_person_eur=220.0,
        variable_cost_share=0.55,
        break_even_population=1500.0,
        need_by_age=_AGE_RETAIL,
        staff_fixed=4.0,
        leakage_max=0.15,
        succession_base=0.4,
        hinterland_share=0.2,
    )
    gp: ServiceTypeConfig = _svc(
        operator=Operator.private,
        spend_per_person_eur=250.0,
        variable_cost_share=0.2,
        break_even_population=1600.0,
        need_by_age={"0-17": 0.7, "18-49": 0.7, "50-64": 1.1, "65-79": 1.6, "80+": 2.0},
        staff_fixed=2.0,
        staff_per_1000_users=1.5,
        leakage_max=0.1,
        succession_base=0.35,
        hinterland_share=0.5,
        entry_rate=0.2,
    )
    pharmacy: ServiceTypeConfig = _svc(
        operator=Operator.private,
        spend_per_person_eur=780.0,
        variable_cost_share=0.75,
        break_even_population=3800.0,
        need_by_age={"0-17": 0.3, "18-49": 0.5, "50-64": 1.0, "65-79": 2.0, "80+": 2.6},
        staff_fixed=3.0,
        staff_per_1000_users=0.5,
        online_exposure=0.3,
        leakage_max=0.2,
        anchor=ServiceType.gp,
        anchor_share=0.5,
        succession_base=0.45,
        hinterland_share=0.5,
        entry_rate=0.5,
    )
    pub: ServiceTypeConfig = _svc(
        operator=Operator.private,
        spend_per_person_eur=150.0,
        variable_cost_share=0.5,
        break_even_population=1200.0,
        need_by_age={"0-17": 0.0, "18-29": 1.6, "30-64": 1.1, "65+": 0.7},
        staff_fixed=3.0,
        leakage_max=0.15,
        succession_base=0.3,
    )
    bank: ServiceTypeConfig = _svc(
        operator=Operator.corporate,
        spend_per_person_eur=120.0,
        variable_cost_share=0.2,
        break_even_population=4000.0,
        need_by_age={"0-17": 0.0, "18-64": 1.0, "65+": 1.3},
        staff_fixed=4.0,
        online_exposure=1.0,
        leakage_max=0.2,
        hinterland_share=0.3,
    )
    post: ServiceTypeConfig = _svc(
        operator=Operator.corporate,
        spend_per_person_eur=50.0,
        variable_cost_share=0.5,
        break_even_population=2000.0,
        need_by_age={"0-17": 0.2, "18+": 1.0},
        staff_fixed=2.0,
        legal_min_population=2000,
        entry_rate=0.0,
    )
    primary_school: ServiceTypeConfig = _svc(
        operator=Operator.municipal,
        fixed_cost_eur=150000.0,
        cost_per_user_eur=800.0,
        need_by_age={"0-5": 0.0, "6-10": 1.0, "11+": 0.0},
        staff_fixed=3.0,
        staff_per_1000_users=55.0,
        min_users=52.0,
        loss_years=3,
    )
    kindergarten: ServiceTypeConfig = _svc(
        operator=Operator.municipal,
        fixed_cost_eur=60000.0,
        cost_per_user_eur=5000.0,
        need_by_age={"0-0": 0.0, "1-2": 0.35, "3-5": 0.92, "6+": 0.0},
        staff_fixed=2.0,
        staff_per_1000_users=120.0,
        min_users=15.0,
        loss_years=3,
        legal_min_population=1,
    )
    pool: ServiceTypeConfig = _svc(
        operator=Operator.municipal,
        spend_per_person_eur=15.0,
        fixed_cost_eur=600000.0,
        need_by_age={"0-17": 2.0, "18-64": 1.0, "65+": 0.5},
        staff_fixed=6.0,
        leakage_max=0.2,
        voluntary=True,
        hinterland_share=0.3,
    )
    bus_line: ServiceTypeConfig = _svc(
        operator=Operator.municipal,
        spend_per_person_eur=80.0,
        fixed_cost_eur=150000.0,
        staff_fixed=3.0,
        min_users=150.0,
        loss_years=3,
        voluntary=True,
        serves_residents=False,
    )
    crafts: ServiceTypeConfig = _svc(
        operator=Operator.private,
        spend_per_person_eur=400.0,
        variable_cost_share=0.6,
        break_even_population=1000.0,
        staff_fixed=6.0,
        leakage_max=0.3,
        succession_base=0.45,
        serves_residents=False,
        hinterland_share=0.5,
    )
    manufacturer: ServiceTypeConfig = _svc(
        operator=Operator.corporate, staff_fixed=250.0, loss_years=5, serves_residents=False
    )
    online_share: dict[int, float] = param(
        default_factory=lambda: {0: 0.13, 30: 0.25},
        source="assumption; seed-notes Q59–Q61 (online trade grew 40-fold 1999–2016, 25 % plausible for 2020)",
        doc="exogenous online share by simulated year, linear in between",
    )
    leakage_scale_minutes: float = param(
        20.0,
        min=0.0,
        exclusive_min=True,
        source=ASSUMPTION,
        unit="min",
        doc="leakage x exp(-minutes to the regional centre / scale)",
    )
    entrepreneurial_climate: float = param(
        0.3,
        min=0,
        max=1,
        source=ASSUMPTION,
        doc="yearly chance that a viable gap (best place per kind) is taken by an entrant",
    )
    entry_margin: float = param(
        0.05, min=-1, max=1, source=ASSUMPTION, doc="profit margin an entrant expects at least"
    )
    retirement_hazard_60_64: float = param(0.10, min=0, max=1, source=ASSUMPTION, unit="1/yr")
    retirement_hazard_65_69: float = param(0.30, min=0, max=1, source=ASSUMPTION, unit="1/yr")
    retirement_hazard_70_plus: float = param(0.50, min=0, max=1, source=ASSUMPTION, unit="1/yr")
    successor_margin_effect: float = param(
        4.0,
        min=0,
        source=ASSUMPTION,
        doc="logit(successor) = logit(base) + e x margin + a x attractiveness",
    )
    successor_attractiveness_effect: float = param(5.0, min=0, source=ASSUMPTION)
    gp_share_60_plus: float = param(
        0.408,
        min=0,
        max=1,
        source="Destatis/BÄK 2024: 40.8 % of GPs are 60 or older (shared data README)",
        doc="initial owner ages of GP practices",
    )
    manufacturer_labour_ratio: float = param(
        12.0,
        min=0,
        source=ASSUMPTION,
        doc="working-age residents (25–64) the town needs per manufacturing job; below it for loss_years the employer leaves",
    )


# ---------------------------------------------------------------------------------------------
# municipality group
# ---------------------------------------------------------------------------------------------


@dataclass
class MunicipalityConfig:
    """The municipal budget and its rules (sim/agents/municipality.py)."""

    income_tax_per_resident_eur: float = param(
        450.0,
        min=0,
        unit="EUR/yr",
        source="assumption (order of the municipal share of income tax per inhabitant)",
    )
    transfers_per_resident_eur: float = param(
        500.0,
        min=0,
        unit="EUR/yr",
        source="calibrated assumption: with mandatory spending, the built-in peripheral town starts with a roughly balanced budget (state transfers, seed-notes M-X13)",
    )
    equalisation_share: float = param(
        0.5,
        min=0,
        max=1,
        source="assumption (fiscal equalisation fills part of the gap between needs and own income)",
    )
    business_tax_rate: float = param(
        0.14,
        min=0,
        max=1,
        source="Gewerbesteuer 3.5 % x a multiplier of about 400 % = about 14 % of trade profit",
    )
    business_tax_per_employer_job_eur: float = param(
        1500.0, min=0, unit="EUR/yr", source=ASSUMPTION
    )
    mandatory_spending_per_resident_eur: float = param(
        540.0,
        min=0,
        unit="EUR/yr",
        source="calibrated assumption (administration and social spending per inhabitant; see transfers_per_resident_eur)",
    )
    mandatory_growth_per_year: float = param(
        0.0,
        min=-0.2,
        max=0.2,
        source="assumption; scenario of seed-notes Q28 (social spending rose from 18 % to 24 % of spending 2000–2014)",
    )
    infrastructure_per_dwelling_eur: float = param(
        450.0,
        min=0,
        unit="EUR/yr",
        source="assumption; seed-notes M-H1 (networks do not shrink when people leave)",
        doc="per dwelling the networks serve: the initial stock plus greenfield construction (decayed dwellings keep theirs; infill adds none)",
    )
    interest_rate: float = param(0.02, min=0, max=0.5, source=ASSUMPTION)
    initial_debt_per_resident_eur: float = param(800.0, min=0, unit="EUR", source=ASSUMPTION)
    debt_limit_per_resident_eur: float = param(
        1500.0,
        min=0,
        unit="EUR",
        source="assumption (above it the supervisory authority forces a consolidation plan)",
    )
    civic_staff_fte: float = param(
        0.5,
        min=0,
        unit="FTE",
        source="assumption (a thin 'Personaldecke': no dedicated post for civic projects, seed-notes §3.5, [004])",
        doc="staff for supporting citizens' initiatives",
    )
    fte_per_supported_initiative: float = param(
        0.25, min=0.0, exclusive_min=True, unit="FTE", source=ASSUMPTION
    )
    cost_per_fte_eur: float = param(
        70000.0, min=0, unit="EUR/yr", source="assumption (about TVöD E10 with employer costs)"
    )


# ---------------------------------------------------------------------------------------------
# shock group
# ---------------------------------------------------------------------------------------------


@dataclass
class ShockConfig:
    """An exogenous shock (config group ``shock``, default none)."""

    kind: ShockKind = param(
        ShockKind.none,
        source="config",
        doc="none, gp_retires, grocer_closes, employer_leaves, school_closes or bus_cut",
    )
    year: int = param(5, min=1, source="config", doc="simulated year in which it happens")
    count: int = param(1, min=1, source="config", doc="how many providers of the kind close")
    blocked_years: int = param(
        0, min=0, source="config", doc="years without successor or entrant of that kind afterwards"
    )
    place: str | None = param(
        None, source="config", doc="close providers at this place (default: the centre first)"
    )


# ---------------------------------------------------------------------------------------------
# civic group
# ---------------------------------------------------------------------------------------------


@dataclass
class InitiativeTypeConfig:
    """What one kind of initiative needs and does (sources per kind in INITIATIVE_SOURCES)."""

    critical_mass: int = param(
        20,
        min=1,
        source=ASSUMPTION,
        unit="members",
        doc="members needed within the window to launch",
    )
    window_years: int = param(
        2, min=1, max=20, source=ASSUMPTION, unit="years", doc="time to reach critical mass"
    )
    volunteer_hours: float = param(
        500.0,
        min=0,
        source=ASSUMPTION,
        unit="h/yr",
        doc="hours its members must give once launched",
    )
    start_capital_eur: float = param(
        0.0,
        min=0,
        source=ASSUMPTION,
        unit="EUR",
        doc="to be raised from members' shares before launch",
    )
    member_share_eur: float = param(
        700.0,
        min=0,
        unit="EUR",
        source="Dorfladen: 70,000 EUR from at least 100 members (shared data README)",
        doc="capital a member brings",
    )
    idea_weight: float = param(
        1.0, min=0, source=ASSUMPTION, doc="relative frequency of this idea among change agents"
    )
    civic_weight: float = param(
        0.3, min=0, source=ASSUMPTION, doc="contribution to civic life while launched"
    )


def _ini(**kwargs: Any) -> Any:
    return field(default_factory=lambda: InitiativeTypeConfig(**kwargs))


INITIATIVE_SOURCES: dict[str, dict[str, str]] = {
    "coop_shop": {
        "critical_mass": "Dorfladen-Netzwerk: at least 100 member-shareholders (shared data README)",
        "start_capital_eur": "about 70,000 EUR start capital (shared data README)",
        "window_years": "start-up takes 6–18 months (shared data README)",
    },
    "citizen_bus": {
        "critical_mass": "Pro Bürgerbus NRW 2019: an average association has 64 members, 27 of them drivers (shared data README); the drivers are the critical mass",
        "volunteer_hours": "Pro Bürgerbus NRW 2019: 2,311 driver-hours a year (shared data README)",
    },
    "pool_coop": {
        "critical_mass": "assumption (Nörten-Hardenberg: a cooperative offered the municipality to run the pool, seed-notes §2.2)"
    },
    "energy_coop": {
        "member_share_eur": "assumption (members of energy cooperatives invest more than a shop share)"
    },
    "senior_cohousing": {
        "member_share_eur": "assumption (members finance their own flats; this is their share of the common costs)"
    },
}
"""Where each kind's non-default values come from (used by the ODD parameter table)."""


@dataclass
class CivicConfig:
    """Change agents, initiatives and their diffusion (sim/civic.py; seed-notes §3.2–3.5, §4, §6.2)."""

    coop_shop: InitiativeTypeConfig = _ini(
        critical_mass=100,
        window_years=2,
        volunteer_hours=3000.0,
        start_capital_eur=70000.0,
        member_share_eur=700.0,
        idea_weight=1.0,
        civic_weight=0.3,
    )
    citizen_bus: InitiativeTypeConfig = _ini(
        critical_mass=27, window_years=2, volunteer_hours=2311.0, idea_weight=1.0, civic_weight=0.3
    )
    pool_coop: InitiativeTypeConfig = _ini(
        critical_mass=120,
        window_years=2,
        volunteer_hours=4000.0,
        start_capital_eur=30000.0,
        member_share_eur=300.0,
        idea_weight=0.5,
        civic_weight=0.3,
    )
    community_house: InitiativeTypeConfig = _ini(
        critical_mass=25, window_years=3, volunteer_hours=800.0, idea_weight=1.5, civic_weight=1.0
    )
    coworking: InitiativeTypeConfig = _ini(
        critical_mass=15, window_years=2, volunteer_hours=300.0, idea_weight=1.0, civic_weight=0.3
    )
    energy_coop: InitiativeTypeConfig = _ini(
        critical_mass=50,
        window_years=3,
        volunteer_hours=200.0,
        start_capital_eur=100000.0,
        member_share_eur=2000.0,
        idea_weight=1.0,
        civic_weight=0.2,
    )
    senior_cohousing: InitiativeTypeConfig = _ini(
        critical_mass=15,
        window_years=3,
        volunteer_hours=400.0,
        start_capital_eur=50000.0,
        member_share_eur=5000.0,
        idea_weight=0.7,
        civic_weight=0.3,
    )
    participation: InitiativeTypeConfig = _ini(
        critical_mass=20, window_years=2, volunteer_hours=300.0, idea_weight=1.0, civic_weight=0.5
    )
    change_agent_share: float = param(
        0.01,
        min=0,
        max=1,
        source="assumption (change agents are few, seed-notes §6.2 Kristof)",
        doc="share of adults 20–70 with an idea, in proportion to their engagement propensity",
    )
    start_rate: float = param(
        0.03,
        min=0,
        max=1,
        source=ASSUMPTION,
        unit="1/yr",
        doc="chance a change agent starts an initiative in a year without a gap",
    )
    necessity_boost: float = param(
        4.0,
        min=0,
        source="assumption; direction seed-notes M-D2, SF26 (engagement after a closure is more likely)",
        doc="start chance x (1 + boost x gap), gap 0..1",
    )
    cooldown_years: int = param(
        3,
        min=0,
        source=ASSUMPTION,
        doc="a change agent waits this long after starting before starting again",
    )
    seed_members: int = param(
        4, min=0, source=ASSUMPTION, doc="ties of the initiator who join at the start"
    )
    join_rate: float = param(
        0.5,
        min=0,
        max=1,
        source=ASSUMPTION,
        doc="P(join) = rate x propensity x share^h / (share^h + threshold^h) per year",
    )
    join_threshold: float = param(
        0.12,
        min=0.0,
        exclusive_min=True,
        max=1,
        source="assumption (complex contagion: joining needs several involved ties, Centola)",
        doc="share of a person's ties involved at which the pull is half",
    )
    join_exponent: float = param(2.0, min=1.0, source="assumption (complex contagion)")
    broadcast_rate: float = param(
        0.005,
        min=0,
        max=1,
        source="assumption (public meetings and the local press reach the engaged at the initiative's place)",
        doc="yearly chance an engaged resident (propensity >= 0.5) of the place joins, x propensity x min(1, members / critical mass) x (1 + necessity boost x gap at the start)",
    )
    target_size_factor: float = param(
        2.0,
        min=1,
        source=ASSUMPTION,
        doc="a launched initiative recruits up to this many times its critical mass (more only when understaffed)",
    )
    join_rate_launched: float = param(
        0.3,
        min=0,
        max=1,
        source=ASSUMPTION,
        doc="recruitment of launched initiatives relative to recruiting ones",
    )
    hours_per_member: float = param(
        120.0,
        min=0,
        unit="h/yr",
        source="assumption (order of the Freiwilligensurvey's hours of engaged people)",
        doc="hours a member with propensity 1 gives a year, shared over their initiatives",
    )
    member_turnover: float = param(
        0.1,
        min=0,
        max=1,
        source="assumption (volunteers drop out for many reasons; launched initiatives must keep recruiting)",
        unit="1/yr",
    )
    burnout_rate: float = param(
        0.4,
        min=0,
        max=1,
        source="assumption (volunteers are not an unlimited substitute, seed-notes §9.10)",
        doc="members quit with rate x (load - 1) when needed hours exceed offered hours",
    )
    decline_years: int = param(
        2, min=1, source=ASSUMPTION, doc="years understaffed before a launched initiative declines"
    )
    institution_years: int = param(
        5, min=1, source=ASSUMPTION, doc="healthy years after launch to become an institution"
    )
    institution_hours_factor: float = param(
        0.5,
        min=0,
        max=1,
        source="assumption (rules, paid part-time staff)",
        doc="volunteer hours an institution still needs",
    )
    support_recruitment: float = param(
        1.5,
        min=1,
        source="assumption; direction seed-notes R4 (support multiplies success)",
        doc="recruitment multiplier for initiatives the municipality supports",
    )
    support_burnout: float = param(
        0.5,
        min=0,
        max=1,
        source="assumption; direction seed-notes R4",
        doc="burnout multiplier for supported initiatives",
    )
    matching_rate: float = param(
        0.02,
        min=0,
        max=1,
        source="assumption (a coordination office matches volunteers to projects, seed-notes [004] Stellwerk Altena)",
        doc="yearly chance that an engaged resident (propensity >= 0.5) without a tie to it joins, with a coordination office",
    )
    civic_scale: float = param(
        8.0,
        min=0.0,
        exclusive_min=True,
        source=ASSUMPTION,
        doc="civic life = 1 - exp(-sum of weights x (10,000 / residents)^0.5 / scale)",
    )
    cross_town_learning: float = param(
        0.0,
        min=0,
        source="assumption; without exchange (R6) proven types do not spread faster",
        doc="start and recruitment x (1 + this) for a type launched in a linked town",
    )
    coworking_pull: float = param(
        0.3,
        min=0,
        source="assumption; broadband gate seed-notes M-G1; modest, as the sources doubt that pioneers stay ([000] 'länger als einen Sommer?')",
        doc="remote-worker arrivals x (1 + pull x gate), gate = max(0, broadband - 0.5) / 0.5",
    )
    participation_engagement_gain: float = param(
        0.03,
        min=0,
        max=1,
        source="assumption; direction seed-notes SF31, [002] theses 3–4 (participation raises trust and engagement)",
        unit="1/yr",
        doc="added yearly to the engagement propensity of members of a running participation process (up to 1); who gains depends on who takes part",
    )
    cohousing_households: int = param(
        10, min=0, source=ASSUMPTION, doc="senior households (70+) a co-housing project takes in"
    )
    citizen_bus_departures: int = param(6, min=1, source=ASSUMPTION, unit="1/day")
    pool_coop_cost_share: float = param(
        0.4,
        min=0,
        max=1,
        source="assumption (volunteers and members carry part of a pool's deficit)",
        doc="share of the pool's deficit the cooperative carries",
    )
    energy_income_eur: float = param(
        40000.0,
        min=0,
        unit="EUR/yr",
        source="assumption; seed-notes M-E2 (self-supply brings revenue)",
        doc="municipal revenue from an energy cooperative (leases, taxes)",
    )


# ---------------------------------------------------------------------------------------------
# policy group
# ---------------------------------------------------------------------------------------------


@dataclass
class LeverConfig:
    """What every lever has: whether it is used, when it starts, what it costs a year."""

    enabled: bool = param(
        False,
        source="config",
        doc="the lever is part of the policy (policy files set it; policy.<lever>.enabled=true adds it)",
    )
    start_year: int = param(1, min=1, source="config")
    yearly_cost_eur: float = param(0.0, min=0, unit="EUR/yr", source=ASSUMPTION)


@dataclass
class R1InnovationConfig(LeverConfig):
    """R1 innovation-friendly structures: back change agents; coworking, makerspace, digital lab."""

    yearly_cost_eur: float = param(
        60000.0, min=0, unit="EUR/yr", source="assumption (a post and rooms)"
    )
    idea_multiplier: float = param(
        1.5, min=1, source="assumption; direction seed-notes R1", doc="more residents with an idea"
    )
    start_multiplier: float = param(
        1.5,
        min=1,
        source="assumption; direction seed-notes R1",
        doc="starts of coworking, community houses and participation",
    )


@dataclass
class R2EntrepreneurshipConfig(LeverConfig):
    """R2 entrepreneurship: capital and advice for start-ups, space entrepreneurs, succession help."""

    yearly_cost_eur: float = param(50000.0, min=0, unit="EUR/yr", source=ASSUMPTION)
    succession_bonus: float = param(
        0.15,
        min=0,
        max=1,
        source="assumption; direction seed-notes R2",
        doc="added to every kind's succession base",
    )
    climate_multiplier: float = param(
        1.5,
        min=1,
        source="assumption; direction seed-notes R2",
        doc="entrepreneurial climate x this",
    )


@dataclass
class R3FinancingConfig(LeverConfig):
    """R3 new financing and cooperation: zero-interest loans, grants, rooms, inter-municipal sharing."""

    yearly_cost_eur: float = param(30000.0, min=0, unit="EUR/yr", source=ASSUMPTION)
    capital_share_covered: float = param(
        0.5,
        min=0,
        max=1,
        source="assumption; direction seed-notes R3",
        doc="share of initiatives' start capital covered by loans and grants",
    )
    shared_services_saving: float = param(
        0.1,
        min=0,
        max=1,
        source="assumption; direction seed-notes R3 (inter-municipal sharing)",
        doc="municipal services' fixed costs x (1 - this)",
    )


@dataclass
class R4ResourcesConfig(LeverConfig):
    """R4 resources for the municipality: staff and a coordination office for civic projects."""

    extra_staff_fte: float = param(
        1.5,
        min=0,
        unit="FTE",
        source="assumption; direction seed-notes R4, [002] thesis 5 (a dedicated post)",
    )
    coordination_office: bool = param(
        True,
        source="seed-notes R4 (coordination office, Stellwerk Altena)",
        doc="matches volunteers to projects",
    )


@dataclass
class R5LearningConfig(LeverConfig):
    """R5 municipalities as places of learning: schools, library, youth participation."""

    yearly_cost_eur: float = param(40000.0, min=0, unit="EUR/yr", source=ASSUMPTION)
    engagement_gain: float = param(
        0.05,
        min=0,
        max=1,
        source="assumption; direction seed-notes R5",
        doc="added yearly to the engagement propensity of 14–25-year-olds (up to 1)",
    )
    attachment_years: float = param(
        2.0,
        min=0,
        source="assumption; direction seed-notes R5 (attachment)",
        doc="extra years in town credited to young people each year (stronger attachment)",
    )


@dataclass
class R6CrossTownConfig(LeverConfig):
    """R6 learning across small towns: proven initiative types spread between linked towns."""

    yearly_cost_eur: float = param(20000.0, min=0, unit="EUR/yr", source=ASSUMPTION)
    learning_boost: float = param(
        2.0,
        min=0,
        source="assumption; direction seed-notes R6, SF33",
        doc="civic.cross_town_learning while the lever runs",
    )


@dataclass
class BroadbandConfig(LeverConfig):
    """Broadband roll-out: the gate for remote work and coworking (seed-notes M-G1)."""

    yearly_cost_eur: float = param(
        80000.0,
        min=0,
        unit="EUR/yr",
        source="assumption (municipal share of a subsidised roll-out)",
    )
    target_share: float = param(0.95, min=0, max=1, source=ASSUMPTION)
    rollout_years: int = param(3, min=1, source=ASSUMPTION)


@dataclass
class InfillFirstConfig(LeverConfig):
    """Infill before greenfield: no new building land; vacancy management (seed-notes M-H1, H-O5)."""

    yearly_cost_eur: float = param(30000.0, min=0, unit="EUR/yr", source=ASSUMPTION)
    vacant_decay_factor: float = param(
        0.5, min=0, max=1, source="assumption (managed vacant buildings decay slower)"
    )
    reactivation_rate: float = param(
        0.1,
        min=0,
        max=1,
        source=ASSUMPTION,
        doc="yearly share of decayed vacant dwellings renovated where the market is tight",
    )


@dataclass
class CitizenBusSupportConfig(LeverConfig):
    """Support for citizen buses and demand-responsive transport (seed-notes M-V2)."""

    yearly_cost_eur: float = param(
        25000.0, min=0, unit="EUR/yr", source="assumption (vehicle and dispatch)"
    )
    effort_factor: float = param(
        0.7,
        min=0,
        max=1,
        source=ASSUMPTION,
        doc="critical mass and volunteer hours of citizen buses x this",
    )


@dataclass
class PhaseNullConfig(LeverConfig):
    """Early participation ('Phase Null'): the municipality starts broad participation."""

    yearly_cost_eur: float = param(20000.0, min=0, unit="EUR/yr", source=ASSUMPTION)
    breadth: float = param(
        0.8,
        min=0,
        max=1,
        source="assumption; direction seed-notes SF31",
        doc="share of recruits reached by broad invitation rather than through ties",
    )


@dataclass
class PolicyConfig:
    """A policy: a name and its levers (those with ``enabled: true``). Config group ``policy``."""

    name: str = param("baseline", source="config")
    r1_innovation_structures: R1InnovationConfig = param(
        default_factory=R1InnovationConfig, source="config"
    )
    r2_entrepreneurship: R2EntrepreneurshipConfig = param(
        default_factory=R2EntrepreneurshipConfig, source="config"
    )
    r3_financing_cooperation: R3FinancingConfig = param(
        default_factory=R3FinancingConfig, source="config"
    )
    r4_municipal_resources: R4ResourcesConfig = param(
        default_factory=R4ResourcesConfig, source="config"
    )
    r5_learning_places: R5LearningConfig = param(default_factory=R5LearningConfig, source="config")
    r6_cross_town_learning: R6CrossTownConfig = param(
        default_factory=R6CrossTownConfig, source="config"
    )
    broadband: BroadbandConfig = param(default_factory=BroadbandConfig, source="config")
    infill_first: InfillFirstConfig = param(default_factory=InfillFirstConfig, source="config")
    citizen_bus_support: CitizenBusSupportConfig = param(
        default_factory=CitizenBusSupportConfig, source="config"
    )
    phase_null: PhaseNullConfig = param(default_factory=PhaseNullConfig, source="config")

    def levers(self) -> dict[str, LeverConfig]:
        """The levers in use, by name."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name != "name" and getattr(self, f.name).enabled
        }

    def check(self, path: str) -> None:
        """A lever that is off but has parameters changed is a mistake, not something to ignore."""
        for f in fields(self):
            if f.name == "name":
                continue
            lever = getattr(self, f.name)
            if lever.enabled:
                continue
            default = type(lever)()
            for g in fields(lever):
                if g.name != "enabled" and getattr(lever, g.name) != getattr(default, g.name):
                    raise ConfigError(
                        f"{path}.{f.name}.{g.name}",
                        getattr(lever, g.name),
                        f"the default ({getattr(default, g.name)}) while the lever is off",
                        f"Policy {self.name!r} does not use {f.name}; add {path}.{f.name}.enabled=true to use it.",
                    )


LEVER_TYPES: dict[str, type[LeverConfig]] = {
    f.name: f.default_factory for f in fields(PolicyConfig) if f.name != "name"
}
"""Lever name -> its parameters (every lever of PolicyConfig)."""


# ---------------------------------------------------------------------------------------------
# output group and root
# ---------------------------------------------------------------------------------------------


@dataclass
class OutputConfig:
    """What a run writes besides the tables."""

    plots: bool = param(True, source="config", doc="write population.png")
    progress: bool = param(
        True, source="config", doc="show a progress bar when a run takes more than a second"
    )


@dataclass
class Config:
    """A whole run: the town, the years, the seed and every submodel's parameters."""

    years: int = param(30, min=1, max=500, source="config", unit="years")
    seed: int = param(0, min=0, source="config")
    town: TownConfig = field(default_factory=lambda: default_town())
    demography: DemographyConfig = field(default_factory=DemographyConfig)
    work: WorkConfig = field(default_factory=WorkConfig)
    migration: MigrationConfig = field(default_factory=MigrationConfig)
    housing: HousingConfig = field(default_factory=HousingConfig)
    qol: QolConfig = field(default_factory=QolConfig)
    social: SocialConfig = field(default_factory=SocialConfig)
    services: ServicesConfig = field(default_factory=ServicesConfig)
    municipality: MunicipalityConfig = field(default_factory=MunicipalityConfig)
    shock: ShockConfig = field(default_factory=ShockConfig)
    civic: CivicConfig = field(default_factory=CivicConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    output: OutputConfig = field(default_factory=OutputConfig)

    def __post_init__(self) -> None:
        validate(self)

    def check(self, path: str) -> None:
        """Rules that span fields."""
        if self.demography.fertility_year not in data.fertility_years():
            raise ConfigError(
                "demography.fertility_year",
                self.demography.fertility_year,
                f"one of {data.fertility_years()}",
            )
        if self.housing.exit_condition > self.housing.habitable_condition:
            raise ConfigError(
                "housing.exit_condition",
                self.housing.exit_condition,
                f"at most housing.habitable_condition ({self.housing.habitable_condition})",
            )
        if (
            self.housing.construction_rule is ConstructionRule.fixed
            and self.housing.fixed_per_year == 0
        ):
            raise ConfigError(
                "housing.fixed_per_year",
                0,
                "at least 1 with construction_rule=fixed",
                "For no construction use housing.construction_rule=none.",
            )
        if self.housing.price_floor > self.housing.price_cap:
            raise ConfigError(
                "housing.price_floor",
                self.housing.price_floor,
                f"at most housing.price_cap ({self.housing.price_cap})",
            )
        stages = {s.name for s in LifeStage}
        for stage, weights in self.qol.weights.items():
            if stage not in stages:
                raise ConfigError(
                    f"qol.weights.{stage}", stage, f"a life stage: {', '.join(sorted(stages))}"
                )
            for component, weight in weights.items():
                if component not in QOL_COMPONENT_NAMES:
                    raise ConfigError(
                        f"qol.weights.{stage}.{component}",
                        component,
                        f"a QoL component: {', '.join(QOL_COMPONENT_NAMES)}",
                    )
                if not (isinstance(weight, int | float) and weight >= 0):
                    raise ConfigError(f"qol.weights.{stage}.{component}", weight, "a weight >= 0")
            if sum(weights.values()) <= 0:
                raise ConfigError(
                    f"qol.weights.{stage}", dict(weights), "at least one positive weight"
                )
        missing = stages - set(self.qol.weights)
        if missing:
            raise ConfigError(
                "qol.weights",
                sorted(self.qol.weights),
                f"weights for every life stage; missing {', '.join(sorted(missing))}",
            )
        serving = {t.name for t in ServiceType if getattr(self.services, t.name).serves_residents}
        for stage, weights in self.qol.service_weights.items():
            if stage not in stages:
                raise ConfigError(
                    f"qol.service_weights.{stage}",
                    stage,
                    f"a life stage: {', '.join(sorted(stages))}",
                )
            for kind, weight in weights.items():
                if kind not in serving:
                    raise ConfigError(
                        f"qol.service_weights.{stage}.{kind}",
                        kind,
                        f"a kind of service residents use: {', '.join(sorted(serving))}",
                    )
                if isinstance(weight, bool) or not (
                    isinstance(weight, int | float) and weight >= 0
                ):
                    raise ConfigError(
                        f"qol.service_weights.{stage}.{kind}", weight, "a weight >= 0"
                    )
        for kind in ServiceType:
            settings = getattr(self.services, kind.name)
            if (
                settings.operator is not Operator.municipal
                and settings.break_even_population is None
                and settings.fixed_cost_eur is None
                and kind is not ServiceType.manufacturer
            ):
                raise ConfigError(
                    f"services.{kind.name}.break_even_population",
                    None,
                    "a number of users, or fixed_cost_eur",
                )
        for year, share in self.services.online_share.items():
            if isinstance(year, bool) or not isinstance(year, int) or year < 0:
                raise ConfigError(f"services.online_share[{year!r}]", year, "a simulated year >= 0")
            if isinstance(share, bool) or not (
                isinstance(share, int | float) and 0.0 <= share <= 1.0
            ):
                raise ConfigError(f"services.online_share[{year}]", share, "a share in [0, 1]")
        if not self.services.online_share:
            raise ConfigError("services.online_share", {}, "at least one year: share entry")
        for name, lever in self.policy.levers().items():
            if lever.start_year > self.years:
                raise ConfigError(
                    f"policy.{name}.start_year",
                    lever.start_year,
                    f"a year of the run, 1..{self.years}",
                    "Raise years or start the lever earlier.",
                )
        if self.policy.r6_cross_town_learning.enabled and self.town.file is None:
            municipalities = {
                p.municipality or self.town.name
                for p in self.town.places
                if not p.kind.is_destination
            }
            if len(municipalities) < 2:
                raise ConfigError(
                    "policy",
                    self.policy.name,
                    "on this town a policy without r6_cross_town_learning; R6 needs a region of several municipalities (e.g. town=region)",
                    f"Town {self.town.name!r} is a single municipality; cross-town learning needs towns to learn from.",
                )
        shock = self.shock
        if shock.kind is not ShockKind.none:
            if shock.year > self.years:
                raise ConfigError(
                    "shock.year",
                    shock.year,
                    f"a year of the run, 1..{self.years}",
                    "Raise years or move the shock.",
                )
            names = [p.name for p in self.town.places]
            if self.town.file is None and shock.place is not None and shock.place not in names:
                raise ConfigError(
                    "shock.place", shock.place, f"a place of the town: {', '.join(names)}"
                )


def default_town() -> TownConfig:
    """The built-in peripheral town (configs/town/peripheral.yaml)."""
    from sim.town import builtin_town  # here, not at the top: sim.town imports this module

    return builtin_town("peripheral")


def validate(node: Any, path: str = "") -> None:
    """Check every field of a config tree against its declared range, then cross-field rules.

    Raises:
        ConfigError: naming the first offending field by its dotted path.
    """
    for f in fields(node):
        value = getattr(node, f.name)
        here = f"{path}.{f.name}" if path else f.name
        if is_dataclass(value):
            validate(value, here)
            continue
        if isinstance(value, list) and value and is_dataclass(value[0]):
            for i, item in enumerate(value):
                validate(item, f"{here}[{i}]")
            continue
        _check_range(f.metadata, here, value)
    check = getattr(node, "check", None)
    if check is not None:
        check(path)


def _check_range(meta: Any, path: str, value: Any) -> None:
    low, high = meta.get("min"), meta.get("max")
    if low is None and high is None:
        return
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ConfigError(path, value, "a number")
    exclusive = meta.get("exclusive_min", False)
    too_low = low is not None and (value <= low if exclusive else value < low)
    too_high = high is not None and value > high
    if too_low or too_high:
        parts = []
        if low is not None:
            parts.append(f"{'>' if exclusive else '>='} {low}")
        if high is not None:
            parts.append(f"<= {high}")
        raise ConfigError(path, value, "a value " + " and ".join(parts))


def parameter_table(node: Any = None, path: str = "") -> list[dict[str, Any]]:
    """Every scalar parameter with its default, unit, range and source (for docs/ODD.md)."""
    if node is None:
        node = Config.__new__(Config)
        for f in fields(Config):
            setattr(
                node, f.name, f.default_factory() if f.default_factory is not MISSING else f.default
            )
    rows = []
    for f in fields(node):
        value = getattr(node, f.name)
        here = f"{path}.{f.name}" if path else f.name
        if here.startswith("town") or here.startswith("output") or here == "policy.name":
            continue  # town values are inputs per archetype; output is not a model parameter
        if is_dataclass(value):
            rows.extend(parameter_table(value, here))
            continue
        meta = f.metadata
        shown = value.value if isinstance(value, enum.Enum) else value
        source = meta.get("source", "")
        parts = here.split(".")
        if len(parts) == 3 and parts[0] == "services":
            source = SERVICE_SOURCES.get(parts[1], {}).get(parts[2], source)
        if len(parts) == 3 and parts[0] == "civic":
            source = INITIATIVE_SOURCES.get(parts[1], {}).get(parts[2], source)
        allowed = []
        if meta.get("min") is not None:
            allowed.append(f"{'>' if meta.get('exclusive_min') else '>='} {meta['min']}")
        if meta.get("max") is not None:
            allowed.append(f"<= {meta['max']}")
        rows.append(
            {
                "parameter": here,
                "default": shown,
                "unit": meta.get("unit", ""),
                "allowed": ", ".join(allowed),
                "source": source,
                "meaning": meta.get("doc", ""),
            }
        )
    return rows


def markdown_table() -> str:
    """The parameter table as Markdown (docs/ODD.md section 7)."""
    rows = parameter_table()
    lines = [
        "| parameter | default | unit | allowed | meaning | source / status |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        default = r["default"]
        if isinstance(default, dict) and all(not isinstance(v, dict) for v in default.values()):
            default = ", ".join(f"{k}: {v}" for k, v in default.items())
        elif isinstance(default, dict):
            default = "see `sim/config.py`"
        elif default is None:
            default = "–"
        lines.append(
            f"| `{r['parameter']}` | {default} | {r['unit']} | {r['allowed']} | {r['meaning']} | {r['source']} |"
        )
    return "\n".join(lines)


ODD_TABLE_START = "<!-- parameter-table:start (generated by: python -m sim.config --write-odd) -->"
ODD_TABLE_END = "<!-- parameter-table:end -->"


def write_odd_table(path: str = "docs/ODD.md") -> None:
    """Replace the parameter table in docs/ODD.md with the one generated from this module."""
    from pathlib import Path

    doc = Path(path)
    text = doc.read_text(encoding="utf-8")
    start, end = text.index(ODD_TABLE_START), text.index(ODD_TABLE_END)
    doc.write_text(
        text[: start + len(ODD_TABLE_START)] + "\n" + markdown_table() + "\n" + text[end:],
        encoding="utf-8",
    )


if __name__ == "__main__":
    import sys

    if "--write-odd" in sys.argv:
        write_odd_table()
    else:
        print(markdown_table())
