"""Stylised facts (seed-notes §7.1) emerge from the archetypes' places and distances alone.

No rule in sim/ refers to a particular town; the three built-in towns differ only in their
places, links and starting population. Means over seeds, as the seeds claim only directions.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import Config
from sim.run import run_simulation
from sim.town import builtin_town

SEEDS = range(4)


def _runs(name: str, years: int = 20):
    return [
        run_simulation(Config(town=builtin_town(name), years=years, seed=s)).metrics for s in SEEDS
    ]


@pytest.fixture(scope="module")
def runs():
    return {name: _runs(name) for name in ("central", "peripheral", "very_peripheral")}


def _change(metrics_list) -> float:
    return float(np.mean([m.population.iloc[-1] / m.population.iloc[0] - 1 for m in metrics_list]))


@pytest.mark.slow
def test_peripheral_town_shrinks_and_ages(runs):
    # SF1: population falls over 20 years in most runs, median age rises.
    peripheral = runs["peripheral"]
    assert _change(peripheral) < 0
    assert sum(m.population.iloc[-1] < m.population.iloc[0] for m in peripheral) >= 3
    assert np.mean([m.median_age.iloc[-1] - m.median_age.iloc[0] for m in peripheral]) > 0
    assert np.mean([m.share_65_plus.iloc[-1] - m.share_65_plus.iloc[0] for m in peripheral]) > 0


@pytest.mark.slow
def test_central_town_stays_or_grows(runs):
    # SF2: near an agglomeration the population on average stays flat or grows.
    assert _change(runs["central"]) >= 0


@pytest.mark.slow
def test_decline_grows_with_distance(runs):
    # SF3: central > peripheral > very peripheral.
    assert _change(runs["central"]) > _change(runs["peripheral"]) > _change(runs["very_peripheral"])


@pytest.mark.slow
def test_net_out_migration_is_concentrated_among_young_adults(runs):
    # SF5: the most negative age-specific net migration is at 18-24 in the peripheral town.
    bands = ["under_18", "18_24", "25_29", "30_49", "50_64", "65_plus"]
    means = {
        b: np.mean([m[f"net_migration_{b}"].iloc[1:].mean() for m in runs["peripheral"]])
        for b in bands
    }
    assert min(means, key=means.get) == "18_24"
    assert means["18_24"] < 0


@pytest.mark.slow
def test_vacancy_rises_in_the_shrinking_town_and_prices_diverge(runs):
    # SF9 / SF13: hollowing out where the town shrinks, prices lower than near the metropolis.
    very = runs["very_peripheral"]
    assert np.mean([m.vacancy_rate.iloc[-1] - m.vacancy_rate.iloc[0] for m in very]) > 0
    assert np.mean([m.price_index_mean.iloc[-1] for m in very]) < np.mean(
        [m.price_index_mean.iloc[-1] for m in runs["central"]]
    )
