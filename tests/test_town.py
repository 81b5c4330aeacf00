"""The region network: travel times by mode, layout, recomputation when links change."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import tiny_config, tiny_town

from sim.config import QolConfig
from sim.model import TownModel
from sim.town import CAR, NO_CAR, Town


def test_car_minutes_are_shortest_paths():
    town = Town(tiny_town())
    i = town.index
    assert town.minutes[CAR, i["Dorf"], i["Kreisstadt"]] == pytest.approx(8 + 25)
    assert town.minutes[CAR, i["Mitte"], i["Metropole"]] == pytest.approx(40)
    assert town.minutes[CAR, i["Mitte"], i["Mitte"]] == pytest.approx(5)  # internal trip
    assert np.allclose(town.minutes[CAR], town.minutes[CAR].T)


def test_without_a_car_people_take_the_bus_or_walk():
    qol = QolConfig()
    town = Town(tiny_town(), qol)
    i = town.index
    wait = min(0.5 * qol.bus_service_hours * 60 / 8, qol.bus_max_wait_minutes)  # 8 departures a day
    assert town.minutes[NO_CAR, i["Mitte"], i["Dorf"]] == pytest.approx(14 + wait)
    # No bus to the metropolis: walking 40 car minutes takes 6.6 times as long.
    walk = 40 * qol.walking_factor
    bus_route = (
        town.minutes[NO_CAR, i["Mitte"], i["Kreisstadt"]]
        + town.minutes[NO_CAR, i["Kreisstadt"], i["Metropole"]]
    )
    assert town.minutes[NO_CAR, i["Mitte"], i["Metropole"]] == pytest.approx(min(walk, bus_route))
    assert town.minutes[NO_CAR, i["Mitte"], i["Mitte"]] == pytest.approx(
        5 * qol.no_car_internal_factor
    )


def test_cutting_a_bus_line_raises_minutes_without_car_only():
    model = TownModel(tiny_config(years=1))
    i = model.town.index
    before = model.town.minutes.copy()
    edge = model.town.graph.edges[i["Mitte"], i["Dorf"]]
    edge.pop("bus_minutes")
    edge.pop("bus_departures_per_day")
    model.network_changed()
    after = model.town.minutes
    assert np.allclose(after[CAR], before[CAR])
    assert after[NO_CAR, i["Mitte"], i["Dorf"]] > before[NO_CAR, i["Mitte"], i["Dorf"]]


def test_layout_is_deterministic_and_follows_minutes():
    a, b = Town(tiny_town()).layout(), Town(tiny_town()).layout()
    assert all(np.allclose(a[k], b[k]) for k in a)
    i = Town(tiny_town()).index
    near = np.linalg.norm(a[i["Mitte"]] - a[i["Dorf"]])
    far = np.linalg.norm(a[i["Mitte"]] - a[i["Metropole"]])
    assert far > near


def test_destinations_and_centre():
    town = Town(tiny_town())
    assert town.names[town.centre] == "Mitte"
    assert town.names[town.metropolis] == "Metropole"
    assert town.names[town.regional_centre] == "Kreisstadt"
    assert [town.names[p] for p in town.home_places] == ["Mitte", "Dorf"]
