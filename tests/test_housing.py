"""Housing: vacant dwellings decay and leave the stock, prices follow vacancy, construction rules."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import tiny_config

from sim.config import ConstructionRule
from sim.model import TownModel
from sim.run import run_simulation


def test_vacant_dwellings_decay_and_leave_the_stock():
    model = TownModel(tiny_config(years=1))
    d = model.population.dwellings
    vacant = model.population.vacant_dwellings()
    occupied = np.flatnonzero(d.household >= 0)
    assert vacant.size > 0
    d.condition[vacant[:5]] = 0.16  # just above the exit threshold (0.15)
    before = d.condition.copy()
    model.flows = type(model.flows)()
    model.housing.update()
    cfg = model.config.housing
    assert np.allclose(
        d.condition[vacant[5:]],
        np.clip(before[vacant[5:]] - cfg.vacant_decay_per_year, 0, 1),
        atol=1e-6,
    )
    assert not d.in_stock[vacant[:5]].any()
    assert model.flows.dwellings_demolished == 5
    # Occupied dwellings decay slowly or are renovated, and never leave the stock.
    assert d.in_stock[occupied].all()
    assert (d.condition[occupied] >= before[occupied] - cfg.occupied_decay_per_year - 1e-6).all()


def test_prices_fall_where_vacancy_is_high_and_rise_where_it_is_low():
    cfg = tiny_config(years=1)
    cfg.town.places[0].dwellings = int(1500 / 2.3)  # tight: fewer dwellings than usual households
    cfg.town.places[1].dwellings = 400  # a village with many empty dwellings
    cfg.housing.construction_rule = ConstructionRule.none
    model = TownModel(cfg)
    for _ in range(3):
        model.flows = type(model.flows)()
        model.housing.update()
    assert model.housing.price_index[1] < 1.0 < model.housing.price_index[0]
    # Destinations keep their configured prices.
    assert model.housing.price_index[-1] == pytest.approx(1.8)


@pytest.mark.parametrize(
    ("rule", "expect_building"),
    [
        (ConstructionRule.none, False),
        (ConstructionRule.demand, True),
        (ConstructionRule.fixed, True),
    ],
)
def test_construction_rules(rule, expect_building):
    cfg = tiny_config(years=5, seed=2)
    cfg.town.places[0].dwellings = int(1500 / 2.1 / 0.995)  # below the target vacancy
    cfg.housing.construction_rule = rule
    cfg.housing.fixed_per_year = 12
    m = run_simulation(cfg).metrics
    built = m["dwellings_built"].iloc[1:]
    if rule is ConstructionRule.fixed:
        assert (built == 12).all()
    elif expect_building:
        assert built.sum() > 0
    else:
        assert built.sum() == 0


def test_demand_rule_does_not_build_in_a_slack_market():
    cfg = tiny_config(years=3, seed=2)
    for place in cfg.town.places[:2]:
        place.dwellings = int(place.residents / 2.1 / 0.8)  # 20 % vacancy
    m = run_simulation(cfg).metrics
    assert m["dwellings_built"].sum() == 0


def test_allocation_prefers_better_dwellings_and_respects_availability():
    model = TownModel(tiny_config(years=1, seed=5))
    pop = model.population
    free = pop.vacant_dwellings(model.config.housing.habitable_condition)
    got = model.housing.allocate(np.arange(free.size + 10), "test")
    assert got.size == free.size + 10
    assert (got == -1).sum() == 10
    served = got[got >= 0]
    assert np.unique(served).size == served.size == free.size
    # Better dwellings come first on average (weighted random order by condition).
    first, last = served[: served.size // 3], served[-(served.size // 3) :]
    cond = pop.dwellings.condition
    assert cond[first].mean() > cond[last].mean()


def test_allocation_prefers_the_asked_for_place():
    model = TownModel(tiny_config(years=1, seed=5))
    pop = model.population
    free = pop.vacant_dwellings(model.config.housing.habitable_condition)
    in_village = int((pop.dwellings.place[free] == 1).sum())
    got = model.housing.allocate(
        np.arange(in_village + 5),
        "test",
        prefer_places=np.ones(in_village + 5, dtype=np.int64),
        local_preference=1.0,
    )
    places = pop.dwellings.place[got]
    assert (places == 1).sum() == in_village  # all of the village's free dwellings
    assert (places != 1).sum() == 5  # the rest overflow to other places
