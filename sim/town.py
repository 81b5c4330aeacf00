"""The region network: places, links, travel times by mode; built-in towns and own-town files.

A :class:`Town` is built once from a :class:`~sim.config.TownConfig`. It holds per-place arrays
(index = place number) and two all-pairs travel-time matrices, by car and without a car (bus
where a line runs, otherwise walking), so every later computation is array indexing. Travel
times are recomputed only when the network changes (:meth:`Town.recompute_travel_times`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from sim.config import ConfigError, PlaceKind, QolConfig, TownConfig
from sim.config.town import LARGE_TOWN_RESIDENTS, size_estimate
from sim.townfile import load_town_file  # re-exported: sim.town.load_town_file

logger = logging.getLogger(__name__)

CAR, NO_CAR = 0, 1
"""Mode index of the travel-time matrices."""

CITIZEN_BUS_SLOWDOWN = 1.3
"""A citizen bus takes 1.3 x the car minutes (stops, detours; assumption, ODD §7.11)."""


class Town:
    """Places and travel times of one region network.

    Attributes:
        config: the town configuration it was built from.
        graph: networkx graph, nodes 0..P-1 with attributes ``name`` and ``kind``; edges carry
            ``car_minutes`` and optionally ``bus_minutes`` and ``bus_departures_per_day``.
        names: place names by index.
        kinds: PlaceKind by index.
        minutes: array (2, P, P) of door-to-door minutes, ``[CAR]`` and ``[NO_CAR]``; the
            diagonal is the trip within a place.
        home_places: indices of places where residents live (not destinations).
        centre: index of the (first municipality's) centre.
        centres: index of each municipality's centre.
        municipality: municipality index per place (-1 for destinations).
        metropolis, regional_centre: index of the nearest such destination by car, or -1.
    """

    def __init__(self, config: TownConfig, qol: QolConfig | None = None) -> None:
        self.config = config
        self._qol = qol or QolConfig()
        places = config.places
        self.names: list[str] = [p.name for p in places]
        self.index: dict[str, int] = {name: i for i, name in enumerate(self.names)}
        self.kinds: list[PlaceKind] = [p.kind for p in places]
        self.residents = np.array([p.residents for p in places], dtype=np.int64)
        if self.residents.sum() > LARGE_TOWN_RESIDENTS:  # only with allow_large (TownConfig.check)
            logger.warning(
                "kleinstadt: %s is a large town for this model; %s.",
                config.name,
                size_estimate(int(self.residents.sum())),
            )
        self.dwellings = np.array([p.dwellings for p in places], dtype=np.int64)
        self.jobs = np.array([p.jobs for p in places], dtype=float)
        self.hinterland = np.array([p.hinterland for p in places], dtype=float)
        self.broadband = np.array([p.broadband for p in places], dtype=float)
        self.price_index = np.array([p.price_index for p in places], dtype=float)
        self.university = np.array([p.university for p in places], dtype=bool)
        self.internal_minutes = np.array([p.internal_minutes for p in places], dtype=float)
        self.is_destination = np.array([k.is_destination for k in self.kinds], dtype=bool)
        self.home_places = np.flatnonzero(~self.is_destination)
        # Municipalities (a region may hold several towns): index per place, -1 for destinations.
        names = []
        for p in places:
            if not p.kind.is_destination and (p.municipality or config.name) not in names:
                names.append(p.municipality or config.name)
        self.municipality_names: list[str] = names
        self.municipality = np.array(
            [
                -1 if p.kind.is_destination else names.index(p.municipality or config.name)
                for p in places
            ],
            dtype=np.int64,
        )
        self.centres = np.array(
            [
                next(
                    i
                    for i, p in enumerate(places)
                    if p.kind is PlaceKind.centre and (p.municipality or config.name) == m
                )
                for m in names
            ],
            dtype=np.int64,
        )
        self.centre = int(self.centres[0])

        self.graph = nx.Graph()
        for i, place in enumerate(places):
            self.graph.add_node(i, name=place.name, kind=place.kind.value)
        for edge in config.edges:
            a, b = (self.index[n] for n in edge.between)
            attrs: dict[str, Any] = {"car_minutes": float(edge.car_minutes)}
            if edge.bus_departures_per_day > 0:
                attrs["bus_minutes"] = float(edge.bus_minutes)
                attrs["bus_departures_per_day"] = int(edge.bus_departures_per_day)
            self.graph.add_edge(a, b, **attrs)
        self.recompute_travel_times()
        self.metropolis = self._nearest_of_kind(PlaceKind.metropolis)
        self.regional_centre = self._nearest_of_kind(PlaceKind.regional_centre)
        # Where a town without one of the two destinations turns instead.
        self.regional_centre_or_metropolis = (
            self.regional_centre if self.regional_centre >= 0 else self.metropolis
        )
        self.metropolis_or_regional_centre = (
            self.metropolis if self.metropolis >= 0 else self.regional_centre
        )

    @property
    def n_municipalities(self) -> int:
        """Number of municipalities (1 for a single town)."""
        return len(self.municipality_names)

    def places_of(self, municipality: int) -> np.ndarray:
        """Place indices of a municipality."""
        return np.flatnonzero(self.municipality == municipality)

    @property
    def n_places(self) -> int:
        """Number of places, destinations included."""
        return len(self.names)

    def _nearest_of_kind(self, kind: PlaceKind) -> int:
        candidates = [i for i, k in enumerate(self.kinds) if k is kind]
        if not candidates:
            return -1
        return min(candidates, key=lambda i: self.minutes[CAR, self.centre, i])

    def set_bus(self, a: str, b: str, running: bool) -> bool:
        """Run or stop the bus on the link a–b (minutes and departures from the config).

        Returns True if that changed anything; call the model's ``network_changed()`` then.
        """
        i, j = self.index[a], self.index[b]
        attrs = self.graph.edges[i, j]
        if running == ("bus_departures_per_day" in attrs):
            return False
        if running:
            edge = next(e for e in self.config.edges if set(e.between) == {a, b})
            attrs["bus_minutes"] = float(edge.bus_minutes) * attrs.get("minutes_factor", 1.0)
            attrs["bus_departures_per_day"] = int(edge.bus_departures_per_day)
        else:
            attrs.pop("bus_minutes", None)
            attrs.pop("bus_departures_per_day", None)
        return True

    def set_citizen_bus(self, a: int, b: int, initiative: int, departures: int) -> None:
        """A citizen bus (initiative ``initiative``) runs on the link a–b with ``departures``
        a day, or stops (``departures`` 0). Call the model's ``network_changed()`` after.

        It drives at 1.3 x the car minutes (stops, detours; assumption).
        """
        attrs = self.graph.edges[a, b]
        runs = attrs.setdefault("citizen_bus", {})
        if departures > 0:
            runs[initiative] = departures
        else:
            runs.pop(initiative, None)

    def recompute_travel_times(self) -> None:
        """All-pairs shortest door-to-door minutes by car and without a car.

        Without a car an edge with a bus line costs its bus minutes plus half the headway
        (departures spread over ``qol.bus_service_hours``, at most ``qol.bus_max_wait_minutes``);
        an edge without one is walked
        (car minutes x ``qol.walking_factor``). Waiting is counted on each bus edge, i.e. a
        path over two edges counts one change.
        """
        n = self.n_places
        walk = self._qol.walking_factor
        hours = self._qol.bus_service_hours
        for _, _, attrs in self.graph.edges(data=True):
            no_car = attrs["car_minutes"] * walk
            if attrs.get("bus_departures_per_day", 0) > 0:  # a bus runs on this link
                wait = min(
                    0.5 * hours * 60.0 / attrs["bus_departures_per_day"],
                    self._qol.bus_max_wait_minutes,
                )
                no_car = min(no_car, attrs["bus_minutes"] + wait)
            citizen = sum(attrs.get("citizen_bus", {}).values())
            if citizen > 0:  # a citizen bus (sim/civic.py)
                wait = min(0.5 * hours * 60.0 / citizen, self._qol.bus_max_wait_minutes)
                no_car = min(no_car, CITIZEN_BUS_SLOWDOWN * attrs["car_minutes"] + wait)
            attrs["no_car_minutes"] = no_car
        minutes = np.zeros((2, n, n))
        for mode, weight in ((CAR, "car_minutes"), (NO_CAR, "no_car_minutes")):
            lengths = dict(nx.all_pairs_dijkstra_path_length(self.graph, weight=weight))
            for i in range(n):
                for j, value in lengths[i].items():
                    minutes[mode, i, j] = value
        np.fill_diagonal(minutes[CAR], self.internal_minutes)
        np.fill_diagonal(minutes[NO_CAR], self.internal_minutes * self._qol.no_car_internal_factor)
        self.minutes = minutes

    def layout(self) -> dict[int, np.ndarray]:
        """Deterministic 2-D positions whose distances follow car minutes (classical MDS).

        Used for maps and as the positions of the Mesa ``Network`` space; no random draw.
        """
        n = self.n_places
        if n == 1:
            return {0: np.zeros(2)}
        d2 = self.minutes[CAR] ** 2
        np.fill_diagonal(d2, 0.0)
        centring = np.eye(n) - np.full((n, n), 1.0 / n)
        gram = -0.5 * centring @ d2 @ centring
        values, vectors = np.linalg.eigh(gram)
        top = np.argsort(values)[::-1][:2]
        coords = vectors[:, top] * np.sqrt(np.maximum(values[top], 0.0))
        coords *= np.where(
            coords[np.argmax(np.abs(coords), axis=0), [0, 1]] < 0, -1.0, 1.0
        )  # fixed orientation
        return {i: coords[i] for i in range(n)}


# ---------------------------------------------------------------------------------------------
# Built-in towns and own-town files (read by sim/townfile.py)
# ---------------------------------------------------------------------------------------------


def config_dir() -> Path:
    """The folder with config.yaml and the config groups (repo's configs/, or packaged)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_configs", here.parent / "configs"):
        if (candidate / "config.yaml").is_file():
            return candidate
    raise FileNotFoundError("kleinstadt's configs/ folder was not found next to the package")


def builtin_towns() -> list[str]:
    """Names of the built-in towns (configs/town/*.yaml, the own-town example excluded)."""
    return sorted(
        p.stem for p in (config_dir() / "town").glob("*.yaml") if not p.stem.startswith("example")
    )


def builtin_town(name: str = "peripheral") -> TownConfig:
    """A built-in town archetype as a TownConfig (same file Hydra's ``town=<name>`` uses)."""
    path = config_dir() / "town" / f"{name}.yaml"
    if not path.is_file():
        raise ConfigError(
            "town",
            name,
            f"one of the built-in towns {', '.join(builtin_towns())}, or town.file=<your file>",
        )
    return load_town_file(path)


def resolve_town(config: TownConfig) -> TownConfig:
    """The town to simulate: ``config`` itself, the contents of ``config.file`` if set, or the
    built-in town of ``config.name`` if nothing but the name is given (``TownConfig()``: the
    built-in peripheral town, the same as Hydra's default ``town: peripheral``).

    Raises:
        ConfigError: the file or the built-in town does not exist or is invalid.
    """
    if config.file is not None:
        return load_town_file(config.file)
    if config.is_builtin_reference:
        if config.name not in builtin_towns():
            raise ConfigError(
                "town.places",
                [],
                "a town needs at least one place",
                f"A town with nothing but a name is the built-in town of that name, and {config.name!r} is none of {', '.join(builtin_towns())}.",
            )
        return builtin_town(config.name)
    return config
