"""Paired runs: random numbers keyed by decision, identical until configurations differ."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
from conftest import tiny_config
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.config import PolicyConfig, ProviderConfig, ServiceType, ShockKind
from sim.model import TownModel
from sim.pairing import paired_statistics, seeds_needed
from sim.randomness import Streams, child_ids
from sim.run import run_simulation


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    year=st.integers(0, 60),
    ids=st.lists(st.integers(0, 2**62), min_size=1, max_size=40, unique=True),
)
def test_a_keyed_number_depends_only_on_seed_decision_year_and_id(seed, year, ids):
    streams = Streams(seed)
    ids = np.array(ids, dtype=np.int64)
    u = streams.uniform("death", year, ids)
    assert ((u >= 0) & (u < 1)).all()
    # The same entity gets the same number whoever else is asked alongside it.
    assert u[0] == streams.uniform("death", year, ids[:1])[0]
    assert np.array_equal(u[::-1], streams.uniform("death", year, ids[::-1]))
    # Other decisions, years and draws are other numbers.
    assert not np.array_equal(u, streams.uniform("birth", year, ids))
    assert not np.array_equal(u, streams.uniform("death", year + 1, ids))
    assert not np.array_equal(u, streams.uniform("death", year, ids, draw=1))


def test_keyed_numbers_are_uniform_and_independent_across_decisions():
    streams = Streams(3)
    ids = np.arange(200_000)
    a = streams.uniform("death", 5, ids)
    b = streams.uniform("birth", 5, ids)
    assert abs(a.mean() - 0.5) < 0.005 and abs(a.var() - 1 / 12) < 0.002
    counts = np.histogram(a, bins=20, range=(0, 1))[0]
    assert counts.min() > 0.95 * ids.size / 20
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.01
    normal = streams.normal("x", 1, ids)
    assert abs(normal.mean()) < 0.01 and abs(normal.std() - 1) < 0.01


def test_choose_takes_the_k_earliest_clocks_and_stays_coupled():
    streams = Streams(1)
    ids = np.arange(1000)
    chosen = set(ids[streams.choose("pick", 2, ids, 50)].tolist())
    fewer = ids[ids != 7]  # one candidate less changes the choice by at most one
    chosen_fewer = set(fewer[streams.choose("pick", 2, fewer, 50)].tolist())
    assert len(chosen ^ chosen_fewer) <= 2
    weights = np.where(ids < 500, 10.0, 1.0)
    heavy = ids[streams.choose("pick", 3, ids, 100, weights=weights)]
    assert (heavy < 500).mean() > 0.8


def test_new_ids_are_distinct_from_initial_ids_and_from_each_other():
    mothers = np.arange(50_000)
    babies = child_ids(mothers, 3, salt=0)
    assert np.unique(babies).size == babies.size
    assert (babies >= 2**61).all()
    assert not np.array_equal(babies, child_ids(mothers, 4, salt=0))


def _town_config(years: int, seed: int):
    """The tiny town with a GP, a grocer, a bakery and a pub in its centre."""
    cfg = tiny_config(years=years, seed=seed, residents=2000)
    cfg.town.providers = [
        ProviderConfig(type=kind, place="Mitte")
        for kind in (ServiceType.gp, ServiceType.grocery, ServiceType.bakery, ServiceType.pub)
    ]
    return cfg


def _run(cfg):
    cfg.output.progress = False
    return run_simulation(cfg)


def _assert_years_equal(a, b, years):
    for table in ("metrics", "population"):
        x, y = getattr(a, table), getattr(b, table)
        pd.testing.assert_frame_equal(
            x[x.year.isin(years)].reset_index(drop=True),
            y[y.year.isin(years)].reset_index(drop=True),
        )
    ea, eb = a.events, b.events
    pd.testing.assert_frame_equal(
        ea[ea.year.isin(years)].reset_index(drop=True),
        eb[eb.year.isin(years)].reset_index(drop=True),
    )


def test_runs_are_identical_until_the_shock_year():
    for seed in range(3):
        base = _run(_town_config(years=7, seed=seed))
        cfg = _town_config(years=7, seed=seed)
        cfg.shock.kind = ShockKind.gp_retires
        cfg.shock.year = 4
        cfg.shock.blocked_years = 3
        shocked = _run(cfg)
        _assert_years_equal(base, shocked, range(4))
        assert not base.metrics.equals(shocked.metrics)  # the shock did something


def test_runs_are_identical_until_a_levers_start_year():
    for seed in range(3):
        base = _run(_town_config(years=6, seed=seed))
        cfg = _town_config(years=6, seed=seed)
        cfg.policy = PolicyConfig(name="r4_late")
        cfg.policy.r4_municipal_resources.enabled = True
        cfg.policy.r4_municipal_resources.start_year = 3
        late = _run(cfg)
        _assert_years_equal(base, late, range(3))


def test_adding_a_provider_does_not_reshuffle_the_people():
    cfg = _town_config(years=1, seed=4)
    more = copy.deepcopy(cfg)
    more.town.providers.append(ProviderConfig(type=ServiceType.gp, place="Mitte"))
    a, b = TownModel(cfg), TownModel(more)
    pa, pb = a.population.people, b.population.people
    for column in ("pid", "age", "female", "household", "partner", "has_car", "engagement"):
        assert np.array_equal(getattr(pa, column), getattr(pb, column)), column
    assert np.array_equal(a.population.tie_a, b.population.tie_a)
    # Only access changed: quality of life does not fall with a second practice.
    assert b.qol[a.population.alive_rows].mean() >= a.qol[a.population.alive_rows].mean()


def test_pairing_cancels_most_of_the_noise_of_a_shock():
    seeds = range(8)
    base, shocked = [], []
    for seed in seeds:
        base.append(_run(_town_config(years=8, seed=seed)).metrics["population"].iloc[-1])
        cfg = _town_config(years=8, seed=seed)
        cfg.shock.kind = ShockKind.gp_retires
        cfg.shock.year = 3
        shocked.append(_run(cfg).metrics["population"].iloc[-1])
    stats = paired_statistics(shocked, base)
    assert stats["sd_paired"] < stats["sd_unpaired"] / 2
    assert stats["variance_reduction"] > 4


def test_seeds_needed_follows_students_t():
    assert seeds_needed(0.0, 10) == 2
    n = seeds_needed(100.0, 50.0)
    assert 17 <= n <= 19  # (1.96 * 100 / 50)^2 = 15.4, more with Student's t
    stats = paired_statistics([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert stats["sd_paired"] == 0 and np.isinf(stats["variance_reduction"])


def test_pair_numbers_depend_only_on_the_two_ids():
    streams = Streams(2)
    a = streams.pair_uniforms("partner", 3, np.array([5, 9]), np.array([1, 2, 3]))
    b = streams.pair_uniforms("partner", 3, np.array([9]), np.array([3, 1]))
    assert a[1, 2] == b[0, 0] and a[1, 0] == b[0, 1]
    assert not np.allclose(a[0], a[1])


def test_partners_are_matched_with_the_usual_age_gap_and_stay_coupled():
    from sim.demography import AGE_GAP, match_partners

    model = TownModel(tiny_config(years=1, seed=2))
    model.step()
    p = model.population.people
    rows = model.population.alive_rows
    single = rows[(p.partner[rows] < 0) & (p.age[rows] >= 20) & (p.age[rows] < 60)]
    men, women = single[~p.female[single]], single[p.female[single]]
    m, w = match_partners(model, men, women)
    assert m.size == min(men.size, women.size) and np.unique(m).size == m.size
    gaps = p.age[m].astype(float) - p.age[w]
    assert abs(np.median(gaps) - AGE_GAP) <= 2 and np.mean(np.abs(gaps - AGE_GAP)) < 6
    # One man fewer: most women keep their partner.
    m2, w2 = match_partners(model, men[1:], women)
    before = dict(zip(w.tolist(), m.tolist(), strict=True))
    after = dict(zip(w2.tolist(), m2.tolist(), strict=True))
    kept = sum(before.get(k) == v for k, v in after.items())
    assert kept >= 0.8 * len(after)


def test_poisson_counts_are_the_inverse_cdf_of_one_keyed_number():
    from scipy.stats import poisson

    from sim.migration import poisson_quantile

    for mean in (0.3, 3.0, 40.0, 400.0):
        for u in (0.01, 0.3, 0.5, 0.9, 0.999999):
            assert poisson_quantile(u, mean) == int(poisson.ppf(u, mean))
    assert poisson_quantile(0.0, 5.0) == 0 and poisson_quantile(0.7, 0.0) == 0
    # Monotone in the mean: a slightly larger expectation never brings fewer households.
    counts = [poisson_quantile(0.42, m) for m in np.linspace(1, 50, 200)]
    assert set(np.diff(counts).tolist()) <= {0, 1}
