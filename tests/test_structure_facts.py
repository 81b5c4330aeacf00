"""Facts of services, budget and town structure (experiments/validation_facts/structure.py):
the mechanisms they rest on, on a small town, and the fact functions on synthetic data."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from sim.model import TownModel
from tests.conftest import tiny_config

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "experiments"))


def _budget_path(growth: float, seed: int, years: int = 12) -> tuple[float, float]:
    """(mean investment share of the last 4 years, backlog at the end) of a small town."""
    cfg = tiny_config(years=years, seed=seed, residents=3000)
    cfg.municipality.mandatory_growth_per_year = growth
    model = TownModel(cfg)
    shares = []
    for _ in range(years):
        model.step()
        m = model.services.municipality
        invest = m.accounts["infrastructure_eur"] + m.accounts["backlog_catch_up_eur"]
        shares.append(invest / m.spending_eur)
    return float(np.mean(shares[-4:])), model.services.municipality.backlog_eur


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rising_mandatory_spending_lowers_the_investment_share_and_grows_the_backlog(seed):
    # SF18: spending the municipality must pay grows, so it runs deficits, consolidates and
    # defers infrastructure into the backlog; its investment share falls below the flat path's.
    flat_share, flat_backlog = _budget_path(0.0, seed)
    share, backlog = _budget_path(0.04, seed)
    assert share < flat_share
    assert backlog > flat_backlog


def test_exits_count_only_closures_with_time_left_and_reentry_in_the_same_municipality():
    from validation_facts.structure import MIN_YEARS_LEFT, exits_and_reentry

    years = 20
    events = [
        (2, "closure", "gp", "", 0, "losses"),  # re-entered below
        (3, "closure", "pub", "", 0, "losses"),  # re-entered only in another municipality
        (4, "shock", "grocery", "supermarket", 0, "shock"),  # re-entered as another format
        (5, "closure", "bus_line", "", 0, "too few riders"),  # no residents' service
        (years - MIN_YEARS_LEFT + 1, "closure", "bakery", "", 0, "losses"),  # too late
        (6, "opening", "gp", "", 0, "entry"),
        (7, "opening", "pub", "", 1, "entry"),
        (8, "opening", "grocery", "shop", 0, "entry"),
    ]
    assert exits_and_reentry(events, years) == (3, 1)
    # an opening before the closure is no re-entry
    assert exits_and_reentry([events[5], (9, "closure", "gp", "", 0, "x")], years) == (1, 1)


def test_size_and_added_facility_variants_compose_to_the_intended_towns():
    from reference_runs import compose
    from validation_facts.structure import centre_gp, scaled

    def town(overrides):
        return compose([*overrides, "years=1"]).town

    base = town(["town=peripheral"])
    half = town(scaled("peripheral", 0.5))
    residents = sum(p.residents or 0 for p in base.places)
    assert sum(p.residents or 0 for p in half.places) == pytest.approx(residents / 2, rel=0.01)
    assert len(half.providers) == len(base.providers)
    assert all(p.count >= 1 for p in half.providers)

    def gps(t):
        return sum(p.count for p in t.providers if p.type.value == "gp")

    assert gps(town(centre_gp("very_peripheral"))) == gps(town(["town=very_peripheral"])) + 1


def test_a_kind_exits_when_its_last_provider_closes_and_reenters_when_it_opens_again():
    from validation_facts.structure import MIN_YEARS_LEFT, type_exits

    years = 12
    counts = [{(0, "gp"): 1, (0, "pub"): 2, (0, "pool"): 1} for _ in range(years + 1)]
    for t in range(3, years + 1):
        counts[t] = {(0, "gp"): 1, (0, "pub"): 1}  # a pub closes (no exit), the pool exits
    for t in range(2, 5):
        del counts[t][(0, "gp")]  # the GP exits in year 2 and re-enters in year 5
    late = years - MIN_YEARS_LEFT + 1
    for t in range(late, years + 1):
        counts[t].pop((0, "pub"))  # the last pub closes too late to count
    assert type_exits(counts, years) == (2, 1)
