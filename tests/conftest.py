"""Shared helpers: hand-built tiny towns whose behaviour can be reasoned out."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import numpy as np
import pytest

from sim.config import Config, EdgeConfig, PlaceConfig, PlaceKind, ServiceType, TownConfig
from sim.town import builtin_town

if TYPE_CHECKING:
    from sim.model import TownModel


def destinations() -> list[PlaceConfig]:
    """A regional centre (Kreisstadt) and a metropolis (Metropole) with a university."""
    return [
        PlaceConfig(
            name="Kreisstadt",
            kind=PlaceKind.regional_centre,
            jobs=30_000,
            price_index=1.1,
            internal_minutes=15,
        ),
        PlaceConfig(
            name="Metropole",
            kind=PlaceKind.metropolis,
            jobs=800_000,
            price_index=1.8,
            university=True,
            internal_minutes=25,
        ),
    ]


def tiny_town(
    residents: int = 1500,
    dwellings: int | None = None,
    metropolis_minutes: float = 40.0,
    second_place: bool = True,
) -> TownConfig:
    """A centre (and optionally a village) with a regional centre and a metropolis."""
    dwellings = dwellings if dwellings is not None else int(residents / 2.1 / 0.92)
    places = [
        PlaceConfig(
            name="Mitte",
            kind=PlaceKind.centre,
            residents=residents,
            dwellings=dwellings,
            jobs=residents // 3,
        )
    ]
    edges = []
    if second_place:
        places.append(
            PlaceConfig(
                name="Dorf",
                kind=PlaceKind.village,
                residents=residents // 4,
                dwellings=int(dwellings / 4),
                jobs=20,
            )
        )
        edges.append(
            EdgeConfig(
                between=["Mitte", "Dorf"], car_minutes=8, bus_minutes=14, bus_departures_per_day=8
            )
        )
    places += destinations()
    edges += [
        EdgeConfig(
            between=["Mitte", "Kreisstadt"],
            car_minutes=25,
            bus_minutes=40,
            bus_departures_per_day=10,
        ),
        EdgeConfig(between=["Mitte", "Metropole"], car_minutes=metropolis_minutes),
    ]
    return TownConfig(name="tiny", places=places, edges=edges)


def tiny_config(years: int = 5, seed: int = 0, **town_kwargs) -> Config:
    cfg = Config(town=tiny_town(**town_kwargs), years=years, seed=seed)
    cfg.output.progress = False
    return cfg


@pytest.fixture
def config() -> Config:
    """A small valid configuration (tiny town, 5 years)."""
    return tiny_config()


@pytest.fixture(scope="session")
def _peripheral() -> TownConfig:
    return builtin_town("peripheral")


@pytest.fixture
def peripheral(_peripheral) -> TownConfig:
    """The built-in peripheral town (a fresh copy per test)."""
    return copy.deepcopy(_peripheral)


def tiny_region(residents: int = 1500, linked: bool = True) -> TownConfig:
    """Two small municipalities (Adorf, Bedorf), each a single centre, linked by a road."""
    dwellings = int(residents / 2.1 / 0.92)
    places = [
        PlaceConfig(
            name=name,
            municipality=name,
            kind=PlaceKind.centre,
            residents=residents,
            dwellings=dwellings,
            jobs=residents // 3,
        )
        for name in ("Adorf", "Bedorf")
    ]
    places += destinations()
    edges = [
        EdgeConfig(
            between=["Adorf", "Kreisstadt"],
            car_minutes=25,
            bus_minutes=40,
            bus_departures_per_day=10,
        ),
        EdgeConfig(
            between=["Bedorf", "Kreisstadt"],
            car_minutes=25,
            bus_minutes=40,
            bus_departures_per_day=10,
        ),
        EdgeConfig(between=["Kreisstadt", "Metropole"], car_minutes=45),
    ]
    if linked:
        edges.append(EdgeConfig(between=["Adorf", "Bedorf"], car_minutes=12))
    return TownConfig(name="tiny_region", places=places, edges=edges)


def closure_qol(
    kind: ServiceType,
    seed: int,
    years: int = 2,
    support_share: float | None = None,
    marginality_buffer: float | None = None,
) -> tuple[TownModel, np.ndarray, np.ndarray]:
    """A tiny town (2,000 residents) whose only GP practice and grocery are in the centre: the
    model, everyone's QoL before and after its provider of ``kind`` closes."""
    from sim.accessibility import quality_of_life
    from sim.config import ProviderConfig
    from sim.model import TownModel

    cfg = tiny_config(years=years, seed=seed, residents=2000)
    cfg.town.providers = [
        ProviderConfig(type=ServiceType.gp, place="Mitte"),
        ProviderConfig(type=ServiceType.grocery, place="Mitte"),
    ]
    if support_share is not None:
        cfg.qol.informal_support_share = support_share
    if marginality_buffer is not None:
        cfg.qol.marginality_buffer = marginality_buffer
    model = TownModel(cfg)
    before = quality_of_life(model)
    services = model.services
    services.close(services.open_of(kind)[0], "test")
    services.refresh_access()
    return model, before, quality_of_life(model)
