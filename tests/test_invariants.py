"""Property tests: the model's invariants hold after every phase, in generated small towns.

Hypothesis draws the town (size, a village or not, two municipalities or one), the seed and
some behavioural settings; every phase of every year is then checked with
``sim.invariants.violations`` (people, households, dwellings, ties, initiatives' members),
and every year with the conservation of people and of money.
"""

from __future__ import annotations

import numpy as np
from conftest import tiny_region, tiny_town
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.config import Config
from sim.invariants import violations
from sim.model import TownModel

MEMBER_PHASES = {"civic", "observation"}  # members who moved away leave at these phases


@st.composite
def configs(draw) -> Config:
    residents = draw(st.integers(300, 1500))
    if draw(st.booleans()):
        town = tiny_region(residents=residents, linked=draw(st.booleans()))
    else:
        town = tiny_town(residents=residents, second_place=draw(st.booleans()))
    # Room for every synthesised household: the fixtures' 8 % vacancy at 2.1 persons a household
    # is too tight for a village of about 100 (456 residents, seed 1468: 60 households for 59
    # dwellings), which the synthesis rightly refuses with a ConfigError. Tight housing is not
    # what this test is about.
    for place in town.places:
        if place.residents:
            place.dwellings = max(place.dwellings, -(-place.residents * 10 // 18))  # ceil(r / 1.8)
    cfg = Config(town=town, years=4, seed=draw(st.integers(0, 10_000)))
    cfg.output.progress = False
    cfg.civic.change_agent_share = draw(st.sampled_from([0.01, 0.05]))
    cfg.demography.separation_hazard = draw(st.sampled_from([0.005, 0.05]))
    return cfg


def _run_checked(cfg: Config) -> TownModel:
    model = TownModel(cfg)
    broken = violations(model)
    assert not broken, f"initial town: {broken}"

    def check(phase: str) -> None:
        found = violations(model, members=phase in MEMBER_PHASES)
        assert not found, f"year {model.year}, after {phase}: {found}"

    model.after_phase = check
    for _ in range(cfg.years):
        model.step()
    return model


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_invariants_hold_after_every_phase(cfg):
    model = _run_checked(cfg)
    m = model.recorder.metrics()
    # Conservation of people: the change is births - deaths + arrivals - departures.
    change = m["population"].diff().iloc[1:]
    flows = (m["births"] - m["deaths"] + m["in_migrants"] - m["out_migrants"]).iloc[1:]
    assert (change == flows).all()
    # Conservation of money: the debt changes by minus the balance, every year.
    debt_change = m["municipal_debt_eur"].diff().iloc[1:]
    assert np.allclose(debt_change, -m["municipal_balance_eur"].iloc[1:], rtol=1e-9, atol=1e-3)
    # No negative stocks.
    stocks = [c for c in m.columns if c.startswith("services_open_")]
    assert (m[[*stocks, "population", "households", "dwellings"]] >= 0).all().all()


def test_members_who_move_to_another_municipality_leave_their_initiative():
    """Regression (issue 9): moves by couples, leaving home or separation across a municipal
    border kept the person in their old municipality's initiative (ODD §7.10)."""
    for seed in range(4):
        cfg = Config(town=tiny_region(), years=6, seed=seed)
        cfg.output.progress = False
        cfg.civic.change_agent_share = 0.05
        cfg.demography.separation_hazard = 0.05
        _run_checked(cfg)
