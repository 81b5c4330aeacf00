"""The municipal purse: consolidation plans, the property tax, the maintenance backlog, the
equalisation grants and the order of voluntary cuts (sim/budget.py, sim/agents/municipality.py).

Mechanism tests on tiny towns where the direction can be reasoned out.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import tiny_config

from sim import accessibility
from sim.config import Config, ConfigError, ProviderConfig, ServiceType
from sim.model import TownModel
from sim.run import run_simulation
from sim.town import builtin_town

POOL, BUS = ServiceType.pool, ServiceType.bus_line


def _town_with_pool_and_bus(**municipality) -> Config:
    cfg = tiny_config(years=12)
    cfg.town.providers = [
        ProviderConfig(type=ServiceType.primary_school, place="Mitte"),
        ProviderConfig(type=POOL, place="Mitte"),
        ProviderConfig(type=BUS, place="Mitte", route=["Dorf", "Mitte"]),
    ]
    cfg.services.bus_line.min_users = 0.0  # the line is cut by the budget only
    for name, value in municipality.items():
        setattr(cfg.municipality, name, value)
    return cfg


def _no_measures(cfg: Config) -> Config:
    """The same town whose council takes no consolidation measure."""
    m = cfg.municipality
    m.property_tax_step = 0.0
    m.investment_deferral_share = 0.0
    m.cut_decision_rate = 0.0
    return cfg


def test_a_plan_starts_when_the_debt_passes_its_limit_and_brings_it_down():
    def debt_path(measures: bool) -> tuple[list[float], list[bool]]:
        cfg = tiny_config(years=15, seed=3)
        cfg.municipality.initial_debt_per_resident_eur = 3000.0  # twice the limit
        cfg.municipality.deficit_limit_share = 1.0  # only the debt starts a plan
        if not measures:
            _no_measures(cfg)
        model = TownModel(cfg)
        municipality = model.services.municipality
        debts, plans = [], []
        for _ in range(15):
            model.step()
            debts.append(municipality.debt_per_resident_eur)
            plans.append(municipality.consolidating)
        return debts, plans

    debts, plans = debt_path(measures=True)
    assert plans[0]  # the limit is passed in the first year
    unchecked, _ = debt_path(measures=False)
    assert debts[-1] < unchecked[-1]
    assert debts[-1] < debts[0]  # the plan repays the debt above the limit
    limit = Config().municipality.debt_limit_per_resident_eur
    assert debts[-1] < 1.5 * limit


def test_no_plan_while_the_budget_is_within_its_limits():
    cfg = tiny_config(years=3, seed=1)
    cfg.municipality.initial_debt_per_resident_eur = 0.0
    cfg.municipality.deficit_limit_share = 1.0
    model = TownModel(cfg)
    for _ in range(3):
        model.step()
        assert not model.services.municipality.consolidating
    assert model.services.municipality.property_tax_multiplier == pytest.approx(
        cfg.municipality.property_tax_multiplier_initial
    )


def test_a_plan_raises_the_hebesatz_within_its_step_and_maximum():
    cfg = tiny_config(years=8, seed=2)
    cfg.municipality.initial_debt_per_resident_eur = 6000.0
    cfg.municipality.property_tax_multiplier_max = 560.0
    model = TownModel(cfg)
    municipality = model.services.municipality
    path = [municipality.property_tax_multiplier]
    for _ in range(8):
        model.step()
        path.append(municipality.property_tax_multiplier)
    steps = np.diff(path)
    assert (steps >= 0).all() and (steps <= cfg.municipality.property_tax_step).all()
    assert path[-1] == 560.0  # a large debt takes it to the maximum, not beyond


def test_a_higher_hebesatz_raises_housing_costs_at_its_places_only():
    model = TownModel(tiny_config(years=1))
    municipality = model.services.municipality
    homes, destinations = model.town.home_places, np.flatnonzero(model.town.is_destination)
    before = model.housing.cost_index().copy()
    prices = model.housing.price_index.copy()
    qol_before = accessibility.quality_of_life(model)
    municipality.property_tax_multiplier = 800.0
    municipality.set_housing_cost()
    after = model.housing.cost_index()
    assert (after[homes] > before[homes]).all()
    assert np.array_equal(after[destinations], before[destinations])
    assert np.array_equal(model.housing.price_index, prices)  # the market price level is untouched
    qol_after = accessibility.quality_of_life(model)
    rows = model.population.alive_rows
    assert (qol_after[rows] <= qol_before[rows]).all() and (
        qol_after[rows] < qol_before[rows]
    ).any()


def test_a_town_with_a_higher_hebesatz_is_less_attractive_to_live_in():
    def qol_at_start(multiplier: float) -> float:
        cfg = tiny_config(years=1, seed=4)
        cfg.municipality.property_tax_multiplier_initial = multiplier
        return float(np.nanmean(TownModel(cfg).qol))

    assert qol_at_start(900.0) < qol_at_start(400.0)


def test_a_maintenance_backlog_lowers_infrastructure_quality_and_quality_of_life():
    model = TownModel(tiny_config(years=1))
    municipality = model.services.municipality
    quality = municipality.infrastructure_quality
    assert quality == pytest.approx(0.5)  # the national average backlog at the start
    qol_before = accessibility.quality_of_life(model)
    municipality.backlog_eur *= 2
    assert municipality.infrastructure_quality < quality
    rows = model.population.alive_rows
    qol_after = accessibility.quality_of_life(model)
    assert (qol_after[rows] < qol_before[rows]).all()


def test_a_plan_defers_investment_into_the_backlog():
    def backlog_after(deferral: float) -> float:
        cfg = tiny_config(years=4, seed=5)
        cfg.municipality.initial_debt_per_resident_eur = 4000.0
        cfg.municipality.investment_deferral_share = deferral
        model = TownModel(cfg)
        start = model.services.municipality.backlog_eur
        for _ in range(4):
            model.step()
        return model.services.municipality.backlog_eur - start

    assert backlog_after(0.3) > 0
    assert backlog_after(0.3) > backlog_after(0.0)


def test_grants_follow_the_population_with_the_lag():
    def grants_over_budgets(lag: int) -> list[float]:
        cfg = tiny_config(years=1)
        cfg.municipality.grant_lag_years = lag
        model = TownModel(cfg)
        municipality = model.services.municipality
        residents = municipality.residents
        # Until now the town had twice its residents: the grants' population falls after `lag`.
        municipality.population_history = [2 * residents] * 5
        own = model.services.providers_of(0)
        grants = []
        for year in range(1, 5):
            municipality.run_budget(own, year)
            grants.append(municipality.grants_eur)
        return grants

    immediate = grants_over_budgets(0)
    lagged = grants_over_budgets(2)
    assert immediate[0] == pytest.approx(immediate[-1])  # today's population from the start
    assert lagged[0] == pytest.approx(lagged[1])  # the old population for two budgets
    assert lagged[1] > lagged[2]
    assert lagged[2] == pytest.approx(immediate[0])
    cfg = Config().municipality
    residents = TownModel(tiny_config(years=1)).services.municipality.residents
    assert lagged[0] - immediate[0] == pytest.approx(
        cfg.grant_rate * cfg.grant_need_per_resident_eur * residents
    )


def test_own_tax_increases_do_not_lower_the_grants():
    model = TownModel(tiny_config(years=1))
    municipality = model.services.municipality
    own = model.services.providers_of(0)
    municipality.run_budget(own, 1)
    grants, income = municipality.grants_eur, municipality.income_eur
    municipality.property_tax_multiplier = 700.0
    municipality.run_budget(own, 1)
    assert municipality.grants_eur == pytest.approx(grants)
    assert municipality.income_eur > income


def test_voluntary_cuts_follow_the_stated_order_after_the_lag():
    def cuts(order: list[str], lag: int) -> list[tuple[int, str]]:
        cfg = _town_with_pool_and_bus(
            cut_order=order,
            cut_lag_years=lag,
            cut_decision_rate=1.0,
            property_tax_step=0.0,  # the tax cannot close the gap: the plan must cut
            mandatory_spending_per_resident_eur=1500.0,  # nor can the cuts: the plan goes on
        )
        result = run_simulation(cfg)
        events = result.events
        cut = events[events["reason"].str.contains("consolidation")]
        plan_start = int(
            result.metrics.loc[result.metrics.municipalities_consolidating > 0].year.min()
        )
        return [(int(y) - plan_start, t) for y, t in zip(cut.year, cut.provider_type, strict=True)]

    assert cuts(["bus_line", "pool"], lag=2) == [(2, "bus_line"), (4, "pool")]
    assert cuts(["pool", "bus_line"], lag=3) == [(3, "pool"), (6, "bus_line")]
    # A kind not in the order is never cut.
    assert [t for _, t in cuts(["bus_line"], lag=1)] == ["bus_line"]


def test_cut_order_must_name_voluntary_services_once():
    for order, field in (
        (["sauna"], "municipality.cut_order[0]"),
        (["pool", "pool"], "municipality.cut_order[1]"),
        (["gp"], "municipality.cut_order[0]"),
    ):
        with pytest.raises(ConfigError) as error:
            cfg = Config()
            cfg.municipality.cut_order = order
            from sim.config import validate

            validate(cfg)
        assert error.value.field == field


def test_the_purse_reports_its_outputs():
    m = run_simulation(tiny_config(years=2)).metrics
    for column in ("property_tax_multiplier", "maintenance_backlog_eur", "grants_eur"):
        assert column in m.columns and m[column].notna().all()
    assert (m["grants_eur"].iloc[1:] >= 0).all()
    assert m["infrastructure_quality"].between(0, 1).all()


@pytest.mark.slow
def test_debt_stays_bounded_in_the_very_peripheral_town_and_a_growing_town_has_surpluses():
    limit = Config().municipality.debt_limit_per_resident_eur
    for seed in (0, 1):
        m = run_simulation(
            Config(town=builtin_town("very_peripheral"), years=30, seed=seed)
        ).metrics
        assert m["municipal_debt_per_resident_eur"].max() <= 1.5 * limit
        assert m["property_tax_multiplier"].is_monotonic_increasing
        assert m["property_tax_multiplier"].iloc[-1] > m["property_tax_multiplier"].iloc[0]
    m = run_simulation(Config(town=builtin_town("central"), years=30, seed=0)).metrics
    assert m["population"].iloc[-1] > m["population"].iloc[0]
    assert (m["municipal_balance_eur"].iloc[1:] > 0).mean() > 0.5
