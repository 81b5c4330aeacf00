"""The demography reproduces its inputs (life table, fertility) and German household figures."""

from __future__ import annotations

import numpy as np
import pytest

from sim import data
from sim.config import Config, Region
from sim.model import TownModel
from sim.population import Role


def _closed_town(
    peripheral,
    scale: float,
    fertility_year: int = 2019,
    region: Region = Region.germany,
    seed: int = 11,
) -> TownModel:
    for place in peripheral.places:
        place.residents = int(place.residents * scale)
        place.dwellings = int(place.dwellings * scale)
    peripheral.region = region
    cfg = Config(town=peripheral, years=30, seed=seed)
    cfg.migration.enabled = False
    cfg.demography.fertility_year = fertility_year
    return TownModel(cfg)


def _run_collecting(model: TownModel, years: int):
    exposure = np.zeros((2, data.MAX_AGE + 1))
    deaths = np.zeros((2, data.MAX_AGE + 1))
    women = np.zeros(data.MAX_AGE + 1)
    births = np.zeros(data.MAX_AGE + 1)
    for _ in range(years):
        model.step()
        exposure += model.flows.exposure
        deaths += model.flows.deaths_by_age
        women += model.flows.women_by_age
        births += model.flows.births_by_mother_age
    return exposure, deaths, women, births


def test_life_expectancy_of_the_table_is_what_destatis_publishes():
    # Sanity check of the e0 calculation used below.
    q = data.death_probabilities("germany")
    men, women = data.life_expectancy_reference()
    assert data.life_expectancy_from_q(q[0]) == pytest.approx(men, abs=0.15)
    assert data.life_expectancy_from_q(q[1]) == pytest.approx(women, abs=0.15)


def test_closed_population_reproduces_life_expectancy_and_fertility(peripheral):
    # 36,000 people over 30 years: about 14,000 deaths and 8,000 births.
    model = _closed_town(peripheral, scale=3.0)
    exposure, deaths, women, births = _run_collecting(model, 30)
    men_e0, women_e0 = data.life_expectancy_reference()
    q_hat = np.divide(deaths, exposure, out=np.zeros_like(deaths), where=exposure > 0)
    assert data.life_expectancy_from_q(q_hat[0]) == pytest.approx(men_e0, abs=0.5)
    assert data.life_expectancy_from_q(q_hat[1]) == pytest.approx(women_e0, abs=0.5)
    ages = np.arange(15, 50)
    tfr = float(np.sum(births[ages] / women[ages]))
    assert tfr == pytest.approx(data.total_fertility_rate(2019), abs=0.05)
    # Closed: nobody arrives or leaves.
    m = model.recorder.metrics()
    assert (m.in_migrants == 0).all() and (m.out_migrants == 0).all()


@pytest.mark.slow
@pytest.mark.parametrize(("year", "region"), [(2024, Region.east), (1990, Region.west)])
def test_closed_population_follows_the_chosen_year_and_region(peripheral, year, region):
    # Two seeds pooled: the life expectancy of one 36,000-person run varies by about 0.2 years
    # between seeds (the oldest ages are few), too close to the tolerance for one seed.
    import copy

    collected = [
        _run_collecting(
            _closed_town(
                copy.deepcopy(peripheral), scale=3.0, fertility_year=year, region=region, seed=s
            ),
            30,
        )
        for s in (11, 12)
    ]
    exposure, deaths, women, births = (sum(parts) for parts in zip(*collected, strict=True))
    ages = np.arange(15, 50)
    assert float(np.sum(births[ages] / women[ages])) == pytest.approx(
        data.total_fertility_rate(year), abs=0.05
    )
    q_hat = np.divide(deaths, exposure, out=np.zeros_like(deaths), where=exposure > 0)
    q_table = data.death_probabilities(region.value)
    for sex in (0, 1):
        assert data.life_expectancy_from_q(q_hat[sex]) == pytest.approx(
            data.life_expectancy_from_q(q_table[sex]), abs=0.5
        )


def test_fertility_year_changes_births(peripheral):
    import copy

    high = _closed_town(copy.deepcopy(peripheral), scale=1.0, fertility_year=2021, seed=3)
    low = _closed_town(copy.deepcopy(peripheral), scale=1.0, fertility_year=2024, seed=3)
    births_high = sum(_run_collecting(high, 10)[3])
    births_low = sum(_run_collecting(low, 10)[3])
    ratio = data.total_fertility_rate(2021) / data.total_fertility_rate(2024)  # 1.58 / 1.35
    assert births_high / births_low == pytest.approx(ratio, abs=0.1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_initial_households_match_german_figures(peripheral, seed):
    model = TownModel(Config(town=peripheral, years=1, seed=seed))
    pop = model.population
    sizes = pop.household_sizes()
    sizes = sizes[sizes > 0]
    # Mean household size about 2.0-2.3; fewer than a third single-person households in small
    # municipalities; 78 % of 18-24-year-olds live with their parents (shared data README).
    assert 2.0 <= sizes.mean() <= 2.3
    assert (sizes == 1).mean() < 1 / 3
    p = pop.people
    rows = pop.alive_rows
    young = rows[(p.age[rows] >= 18) & (p.age[rows] <= 24)]
    assert (p.role[young] == Role.child).mean() == pytest.approx(0.78, abs=0.04)
    children = rows[p.age[rows] < 18]
    assert (p.role[children] == Role.child).mean() > 0.98


def test_initial_age_structure_follows_destatis(peripheral):
    model = TownModel(Config(town=peripheral, years=1, seed=0))
    ages = model.population.people.age[model.population.alive_rows]
    # Destatis 31.12.2020: 16.5 % under 18, 22.0 % 65+ (age_structure_de_2020.csv), sampling noise.
    assert (ages < 18).mean() == pytest.approx(0.165, abs=0.015)
    assert (ages >= 65).mean() == pytest.approx(0.220, abs=0.015)


def test_own_age_structure_is_used(peripheral):
    peripheral.places[0].age_structure = {"0-17": 0.10, "18-64": 0.50, "65+": 0.40}
    model = TownModel(Config(town=peripheral, years=1, seed=0))
    pop = model.population
    rows = pop.alive_rows
    centre = rows[pop.person_place(rows) == 0]
    ages = pop.people.age[centre]
    assert (ages >= 65).mean() == pytest.approx(0.40, abs=0.03)
    assert (ages < 18).mean() == pytest.approx(0.10, abs=0.03)


def test_ageing_and_births_keep_household_links(peripheral):
    model = TownModel(Config(town=peripheral, years=3, seed=5))
    for _ in range(3):
        model.step()
    p = model.population.people
    newborn = model.population.alive_rows[p.age[model.population.alive_rows] == 0]
    assert newborn.size > 0
    assert (p.role[newborn] == Role.child).all()
