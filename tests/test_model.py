"""Determinism, conservation of people, agents in step with the table, the output contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
from conftest import tiny_config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.agents import Resident
from sim.model import TownModel
from sim.run import run_simulation

CONTRACT_COLUMNS = [
    "year", "population", "households", "births", "deaths", "in_migrants", "out_migrants",
    "net_migration", "net_migration_18_24", "net_migration_25_29", "net_migration_30_49",
    "net_migration_50_64", "net_migration_65_plus", "mean_age", "median_age", "share_under_18",
    "share_65_plus", "women_per_100_men_18_29", "women_per_100_men_18_24", "dwellings", "vacancy_rate", "qol_mean",
]  # fmt: skip


def test_same_seed_gives_identical_outputs():
    a = run_simulation(tiny_config(years=6, seed=3))
    b = run_simulation(tiny_config(years=6, seed=3))
    pd.testing.assert_frame_equal(a.metrics, b.metrics)
    pd.testing.assert_frame_equal(a.population, b.population)


def test_different_seeds_differ():
    a = run_simulation(tiny_config(years=6, seed=1)).metrics
    b = run_simulation(tiny_config(years=6, seed=2)).metrics
    assert not a[["population", "births", "deaths", "in_migrants", "out_migrants"]].equals(
        b[["population", "births", "deaths", "in_migrants", "out_migrants"]]
    )


def test_regression_pin_exact_sequence_of_one_seeded_run():
    # A regression pin (the only kind of test that may inspect one trajectory): any change to
    # the rules or the random streams shows up here. When a change is meant to alter the model,
    # update these numbers in the same commit. Floating-point trajectories can differ between
    # CPUs; if this alone fails on a machine while the property tests pass, suspect that.
    metrics = run_simulation(tiny_config(years=3, seed=7)).metrics
    flows = metrics[
        ["population", "births", "deaths", "in_migrants", "out_migrants"]
    ].values.tolist()
    assert flows == [[1875, 0, 0, 0, 0], [1821, 23, 17, 25, 85], [1787, 21, 31, 28, 52], [1716, 16, 40, 20, 67]]  # fmt: skip


def test_metrics_contract_columns_and_year_zero():
    metrics = run_simulation(tiny_config(years=3)).metrics
    missing = [c for c in CONTRACT_COLUMNS if c not in metrics.columns]
    assert not missing
    assert metrics["year"].tolist() == [0, 1, 2, 3]
    first = metrics.iloc[0]
    assert first[["births", "deaths", "in_migrants", "out_migrants"]].sum() == 0
    assert metrics["net_migration"].equals(metrics["in_migrants"] - metrics["out_migrants"])
    bands = ["under_18", "18_24", "25_29", "30_49", "50_64", "65_plus"]
    assert (
        metrics[[f"net_migration_{b}" for b in bands]].sum(axis=1) == metrics["net_migration"]
    ).all()


def test_population_table_matches_metrics():
    result = run_simulation(tiny_config(years=3))
    per_year = result.population.groupby("year")["count"].sum()
    assert per_year.tolist() == result.metrics["population"].tolist()
    assert set(result.population["sex"]) == {"male", "female"}


def _check_conservation(result) -> None:
    m = result.metrics
    for t in range(1, len(m)):
        expected = (
            m.population[t - 1] + m.births[t] + m.in_migrants[t] - m.deaths[t] - m.out_migrants[t]
        )
        assert m.population[t] == expected, f"year {t}: {m.population[t]} != {expected}"


def test_people_are_conserved_every_year():
    _check_conservation(run_simulation(tiny_config(years=10, seed=5)))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    residents=st.integers(300, 2500),
    vacancy=st.floats(0.02, 0.3),
    metropolis_minutes=st.floats(15, 150),
    migration=st.booleans(),
)
def test_conservation_and_shares_hold_for_any_small_town(
    seed, residents, vacancy, metropolis_minutes, migration
):
    cfg = tiny_config(
        years=4,
        seed=seed,
        residents=residents,
        dwellings=int(residents / 2.0 / (1 - vacancy)) + 20,
        metropolis_minutes=metropolis_minutes,
    )
    cfg.migration.enabled = migration
    result = run_simulation(cfg)
    _check_conservation(result)
    m = result.metrics
    for column in (
        "vacancy_rate",
        "share_under_18",
        "share_65_plus",
        "qol_mean",
        "habitable_vacancy_rate",
        "commuter_share",
        "share_18_24_with_parents",
    ):
        assert m[column].between(0, 1).all(), column
    assert (m["dwellings"] > 0).all()
    if not migration:
        assert (m["in_migrants"] == 0).all() and (m["out_migrants"] == 0).all()


def test_every_resident_is_one_mesa_agent_in_step_with_the_table():
    model = TownModel(tiny_config(years=8))
    for _ in range(8):
        model.step()
        rows = model.population.alive_rows
        residents = model.residents
        assert len(residents) == rows.size == model.population.size
        assert sorted(a.row for a in residents) == rows.tolist()
    agent = next(iter(model.residents))
    assert isinstance(agent, Resident)
    assert agent.age == model.population.people.age[agent.row]
    assert agent.home_place in model.town.names
    assert 0.0 <= agent.quality_of_life <= 1.0
    assert all(isinstance(t, Resident) for t in agent.ties)


def test_households_and_dwellings_stay_consistent():
    model = TownModel(tiny_config(years=10, seed=4))
    for _ in range(10):
        model.step()
    pop = model.population
    p, h, d = pop.people, pop.households, pop.dwellings
    rows = pop.alive_rows
    live_households = np.unique(p.household[rows])
    assert h.alive[live_households].all(), "a resident lives in a dissolved household"
    dwellings = h.dwelling[live_households]
    assert (dwellings >= 0).all() and np.unique(dwellings).size == dwellings.size
    assert (d.household[dwellings] == live_households).all()
    assert d.in_stock[dwellings].all()
    # Every household has an adult, partners point at each other and share a household.
    adults = np.bincount(p.household[rows][p.role[rows] == 0], minlength=len(h))
    assert (adults[live_households] > 0).all()
    partnered = rows[p.partner[rows] >= 0]
    assert (p.partner[p.partner[partnered]] == partnered).all()
    assert (p.household[p.partner[partnered]] == p.household[partnered]).all()
    assert p.alive[p.partner[partnered]].all()


def test_space_is_a_mesa_network_of_the_places():
    from mesa.discrete_space import Network

    model = TownModel(tiny_config(years=1))
    assert isinstance(model.space, Network)
    assert len(model.space.all_cells) == model.town.n_places
