"""Config group ``town``: the region network's places, edges and providers, and their rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from sim.config.bands import check_age_structure
from sim.config.param import ASSUMPTION, param
from sim.config.vocabulary import ConfigError, PlaceKind, Region, ServiceType

LARGE_TOWN_RESIDENTS = 100_000
"""More residents in total than this need ``allow_large: true`` (the model is built for small
towns of 5,000-20,000 residents; memory and time grow with the population)."""

MAX_RESIDENTS = 2_000_000
"""No town, even with ``allow_large``, may have more residents in total (about 20 GB)."""

MAX_PLACE_COUNT = 2_000_000
"""Upper bound of a place's residents, dwellings and hinterland."""

MAX_JOBS = 100_000_000
"""Upper bound of a place's jobs and an employer's staff (a metropolis has a few million)."""

MAX_MINUTES = 1440.0
"""Upper bound of any travel or trip time (a day)."""

BENCHMARK_RESIDENTS = 20_000
"""The benchmark town behind :func:`size_estimate`: about 11 MB traced memory, ~210 MB resident
memory and ~1 s for 30 years per 20,000 residents (experiments/benchmark.py)."""


def size_estimate(residents: int, years: int = 30) -> str:
    """Expected memory and run time of a town of ``residents``, scaled linearly from the
    benchmark (an estimate, not a measurement)."""
    scale = residents / BENCHMARK_RESIDENTS
    return (
        f"{residents:,} residents: expect roughly {11 * scale:,.0f} MB traced memory "
        f"(~{210 * scale:,.0f} MB resident) and ~{scale * years / 30:,.0f} s for {years} years "
        f"(an estimate scaled linearly from a {BENCHMARK_RESIDENTS:,}-resident benchmark)"
    )


@dataclass
class PlaceConfig:
    """One node of the region network."""

    REQUIRED_IN_FILE: ClassVar[dict[str, str]] = {"name": "a name for every place"}

    name: str = param(
        "", unit="", role="structural", source="config", doc="unique name of the place"
    )
    kind: PlaceKind = param(
        PlaceKind.district,
        unit="",
        role="structural",
        source="config",
        doc="centre, district, village, regional_centre or metropolis",
    )
    residents: int = param(
        0,
        min=0,
        max=MAX_PLACE_COUNT,
        role="structural",
        source="config",
        unit="persons",
        doc="initial residents (0 for destinations)",
    )
    dwellings: int = param(
        0,
        min=0,
        max=MAX_PLACE_COUNT,
        role="structural",
        source="config",
        unit="dwellings",
        doc="initial dwelling stock",
    )
    jobs: int = param(
        0,
        min=0,
        max=MAX_JOBS,
        role="structural",
        source="config",
        unit="jobs",
        doc="jobs located here (residents of the town, commuters from it)",
    )
    broadband: float = param(
        0.5,
        min=0.0,
        max=1.0,
        unit="",
        role="data",
        source="seed-notes Q37 (2014: 20.5 % rural, 82.3 % urban households > 50 Mbit/s)",
        doc="share of dwellings with fast broadband",
    )
    municipality: str = param(
        "",
        unit="",
        role="structural",
        source="config",
        doc="the municipality the place belongs to (regions of several towns); empty: the town itself",
    )
    hinterland: int = param(
        0,
        min=0,
        max=MAX_PLACE_COUNT,
        role="structural",
        source="config",
        unit="persons",
        doc="people of surrounding villages outside the town who use services here (seed-notes M-X8)",
    )
    price_index: float = param(
        1.0,
        min=0.0,
        max=100.0,
        exclusive_min=True,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="housing price level, 1 = national average",
    )
    university: bool = param(
        False,
        unit="",
        role="structural",
        source="config",
        doc="a university or Hochschule is here (education migration goes to the nearest one)",
    )
    internal_minutes: float = param(
        5.0,
        min=0.0,
        max=MAX_MINUTES,
        role="uncertainty",
        source=ASSUMPTION,
        unit="min",
        doc="typical trip within the place (the metropolis: trip to work or study across the city)",
    )
    age_structure: dict[str, float] | None = param(
        None,
        unit="",
        role="structural",
        source="config",
        doc="optional shares by age band, e.g. {'0-17': 0.16, ..., '65+': 0.24}; default: Destatis 2020 profile",
    )


@dataclass
class EdgeConfig:
    """A road link between two places, optionally served by a bus line."""

    REQUIRED_IN_FILE: ClassVar[dict[str, str]] = {"car_minutes": "car minutes for every edge"}

    between: list[str] = param(
        default_factory=list, unit="", role="structural", source="config", doc="the two place names"
    )
    car_minutes: float = param(
        10.0,
        min=0.0,
        max=MAX_MINUTES,
        exclusive_min=True,
        role="structural",
        source="config",
        unit="min",
    )
    bus_minutes: float | None = param(
        None,
        min=0.0,
        max=MAX_MINUTES,
        exclusive_min=True,
        role="structural",
        source="config",
        unit="min",
        doc="in-vehicle minutes if a bus line runs here",
    )
    bus_departures_per_day: int = param(
        0, min=0, max=200, role="structural", source="config", unit="1/day"
    )


@dataclass
class ProviderConfig:
    """Providers of one kind at one place (services, municipal services, employers)."""

    REQUIRED_IN_FILE: ClassVar[dict[str, str]] = {
        "type": "a type and a place for every provider",
        "place": "a type and a place for every provider",
    }

    type: ServiceType = param(
        ServiceType.grocery, unit="", role="structural", source="config", doc="kind of provider"
    )
    place: str = param(
        "", unit="", role="structural", source="config", doc="name of a place where people live"
    )
    count: int = param(
        1,
        min=1,
        max=100,
        unit="",
        role="structural",
        source="config",
        doc="how many such providers",
    )
    format: str = param(
        "",
        unit="",
        role="structural",
        source="config",
        doc="groceries only: supermarket (default) or shop",
    )
    route: list[str] = param(
        default_factory=list,
        unit="",
        role="structural",
        source="config",
        doc="bus lines only: the places the line serves, in order; each consecutive pair must be an edge with bus minutes",
    )
    staff: int | None = param(
        None,
        min=0,
        max=MAX_JOBS,
        unit="",
        role="structural",
        source="config",
        doc="employers: jobs (default from the type)",
    )


GROCERY_FORMATS = ("supermarket", "shop", "coop")


@dataclass
class TownConfig:
    """The region network: a town's places and the destinations around it.

    A TownConfig that gives nothing but a name (no places, edges, providers, region or file)
    stands for the built-in town of that name, so ``TownConfig()`` is the built-in peripheral
    town; ``sim.town.resolve_town`` loads it (configs/town/<name>.yaml) before a run.
    """

    REQUIRED_IN_FILE: ClassVar[dict[str, str]] = {
        "places": "a list of places (name, kind, residents, dwellings, ...)"
    }
    """Keys a town file must give, and what the error says if one is missing (sim/townfile.py)."""

    name: str = param("peripheral", unit="", role="structural", source="config")
    region: Region = param(
        Region.germany,
        unit="",
        role="data",
        source="Destatis life table / age structure columns",
        doc="germany, west or east",
    )
    file: str | None = param(
        None,
        unit="",
        role="structural",
        source="config",
        doc="path to a planner's own-town YAML; replaces places and edges",
    )
    places: list[PlaceConfig] = param(
        default_factory=list, unit="", role="structural", source="config"
    )
    edges: list[EdgeConfig] = param(
        default_factory=list, unit="", role="structural", source="config"
    )
    providers: list[ProviderConfig] = param(
        default_factory=list,
        unit="",
        role="structural",
        source="config",
        doc="services, municipal services and employers at the start",
    )
    allow_large: bool = param(
        False,
        unit="",
        role="structural",
        source="config",
        doc=f"allow more than {LARGE_TOWN_RESIDENTS:,} residents in total (the model is built for small towns; the run logs its expected memory and time)",
    )

    @property
    def is_builtin_reference(self) -> bool:
        """Only a name is given: the built-in town of that name (see the class docstring)."""
        return (
            self.file is None
            and not self.places
            and not self.edges
            and not self.providers
            and self.region is Region.germany
        )

    @property
    def is_resolved(self) -> bool:
        """The places and edges are here (not in a file or a built-in town still to load)."""
        return self.file is None and not self.is_builtin_reference

    def check(self, path: str) -> None:
        """Cross-field rules: unique names, a centre, destinations, known and connected edges."""
        if not self.is_resolved:
            return  # checked when the file or built-in town is loaded (sim.town.resolve_town)
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
                check_age_structure(place.age_structure, f"{p}.age_structure")
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
        total = sum(p.residents for p in self.places)
        if total <= 0:
            raise ConfigError(f"{path}.places", "0 residents in total", "a town with residents")
        _check_size(total, self.allow_large, path)
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


def _check_size(total: int, allow_large: bool, path: str) -> None:
    """More than 100,000 residents only with allow_large; never more than MAX_RESIDENTS."""
    if total > MAX_RESIDENTS:
        raise ConfigError(
            f"{path}.places",
            f"{total:,} residents in total",
            f"at most {MAX_RESIDENTS:,} residents in total, even with allow_large",
            f"kleinstadt simulates every resident; {size_estimate(total)}.",
        )
    if total > LARGE_TOWN_RESIDENTS and not allow_large:
        raise ConfigError(
            f"{path}.places",
            f"{total:,} residents in total",
            f"at most {LARGE_TOWN_RESIDENTS:,} residents in total unless allow_large is true",
            "kleinstadt is built for small towns (5,000-20,000 residents). To run a larger one "
            "anyway, put `allow_large: true` at the top of the town file (TownConfig("
            f"allow_large=True) in Python); {size_estimate(total)}.",
        )


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
