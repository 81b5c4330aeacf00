"""Policy levers: each changes the mechanism it names, from its start year, at its cost (issue #4)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from conftest import tiny_config, tiny_region

from sim import policies
from sim.agents.initiative import Phase
from sim.config import (
    LEVER_TYPES,
    BroadbandConfig,
    CitizenBusSupportConfig,
    Config,
    ConfigError,
    InfillFirstConfig,
    InitiativeType,
    PhaseNullConfig,
    PolicyConfig,
    R2EntrepreneurshipConfig,
    R3FinancingConfig,
    R5LearningConfig,
    R6CrossTownConfig,
    RegionalExpressConfig,
    ServiceType,
)
from sim.model import TownModel
from sim.run import run_simulation


def _model(
    policy: PolicyConfig | None = None, years: int = 5, seed: int = 0, town=None, **kwargs
) -> TownModel:
    cfg = (
        tiny_config(years=years, seed=seed, **kwargs)
        if town is None
        else Config(town=town, years=years, seed=seed)
    )
    cfg.output.progress = False
    if policy is not None:
        cfg.policy = policy
    return TownModel(cfg)


def _step(model: TownModel, years: int) -> None:
    for _ in range(years):
        model.step()


def test_every_lever_has_a_class_with_its_source_and_claimed_direction():
    assert set(policies.LEVERS) == set(LEVER_TYPES)
    for name, cls in policies.LEVERS.items():
        doc = inspect.getdoc(cls) or ""
        assert "Source:" in doc and "Claimed direction:" in doc, name
        assert "seed-notes" in doc, name


def test_a_lever_acts_from_its_start_year_and_costs_while_active():
    policy = PolicyConfig(
        name="late_broadband",
        broadband=BroadbandConfig(
            enabled=True, start_year=3, yearly_cost_eur=50_000, target_share=0.9, rollout_years=2
        ),
    )
    model = _model(policy, years=6)
    before = model.town.broadband[model.town.home_places].copy()
    costs = []
    for _ in range(6):
        model.step()
        costs.append(model.policies.cost_eur)
    assert costs == [0, 0, 50_000, 50_000, 50_000, 50_000]
    assert model.recorder.metrics()["policy_cost_eur"].tolist() == [0, *costs]  # year 0 first
    after = model.town.broadband[model.town.home_places]
    assert np.allclose(after, np.maximum(before, 0.9))  # rolled out over two years


def test_the_policy_cost_is_booked_in_the_municipal_budgets_split_by_population():
    policy = PolicyConfig(
        name="all", **{name: cls(enabled=True) for name, cls in LEVER_TYPES.items()}
    )
    model = _model(policy, town=tiny_region(), years=2)
    model.step()
    total = model.policies.cost_eur
    expected = sum(policies.LEVERS[n](c).cost_eur(model) for n, c in policy.levers().items())
    assert total == pytest.approx(expected) and total > 0
    booked = [m.accounts["policy_cost_eur"] for m in model.services.municipalities]
    assert sum(booked) == pytest.approx(total)
    assert all(b > 0 for b in booked)


def test_r2_entrepreneurship_brings_more_successions():
    def successions(policy: PolicyConfig | None) -> tuple[int, int]:
        handed, closed = 0, 0
        for seed in range(3):
            cfg = Config(seed=seed, years=15)
            cfg.output.progress = False
            cfg.civic.change_agent_share = 0.0
            if policy is not None:
                cfg.policy = policy
            result = run_simulation(cfg)
            events = result.events
            handed += int((events.kind == "succession").sum())
            closed += int(events.reason.str.contains("without successor").sum())
        return handed, closed

    with_r2 = successions(
        PolicyConfig(name="r2", r2_entrepreneurship=R2EntrepreneurshipConfig(enabled=True))
    )
    without = successions(None)
    assert with_r2[0] > without[0]
    assert with_r2[1] < without[1]


def test_r3_loans_let_an_initiative_launch_that_could_not_raise_its_capital():
    def phase(policy: PolicyConfig | None) -> Phase:
        cfg = tiny_config(years=3, residents=1500)
        cfg.civic.change_agent_share = 0.0
        cfg.civic.coop_shop.member_share_eur = 400.0  # 100 members x 400 = 40,000 < 70,000
        cfg.civic.join_rate = 0.0
        cfg.civic.broadcast_rate = 0.0
        if policy is not None:
            cfg.policy = policy
        model = TownModel(cfg)
        initiative = model.civic.start(InitiativeType.coop_shop, 0, None, place=0)
        pop = model.population
        adults = pop.alive_rows[pop.people.age[pop.alive_rows] >= 25]
        initiative.members = np.sort(model.rng.choice(adults, 110, replace=False))
        _step(model, 2)
        return initiative.phase if initiative.launched_year is None else Phase.launched

    assert phase(None) is Phase.failed
    assert (
        phase(
            PolicyConfig(
                name="r3",
                r3_financing_cooperation=R3FinancingConfig(enabled=True, capital_share_covered=0.5),
            )
        )
        is Phase.launched
    )


def test_r3_shared_services_lower_municipal_service_costs():
    def deficits(policy):
        model = _model(policy, years=1, residents=3000)
        for kind in (ServiceType.primary_school, ServiceType.kindergarten, ServiceType.pool):
            model.services.open_provider(kind, 0, initial=True)
        model.step()
        return sum(p.cost_eur for p in model.services.providers if p.is_municipal)

    saving = 0.2
    assert deficits(
        PolicyConfig(
            name="r3",
            r3_financing_cooperation=R3FinancingConfig(enabled=True, shared_services_saving=saving),
        )
    ) < deficits(None)


def test_r5_learning_places_make_young_people_more_engaged_and_attached():
    def young(policy):
        model = _model(policy, years=3, residents=3000)
        _step(model, 3)
        p = model.population.people
        rows = model.population.alive_rows
        rows = rows[(p.age[rows] >= 15) & (p.age[rows] <= 25) & (p.years_in_town[rows] >= 3)]
        return p.engagement[rows].mean(), p.years_in_town[rows].mean()

    with_r5, without = (
        young(PolicyConfig(name="r5", r5_learning_places=R5LearningConfig(enabled=True))),
        young(None),
    )
    assert with_r5[0] > without[0] + 0.05
    assert with_r5[1] > without[1]


def test_r6_cross_town_learning_works_only_in_a_region():
    policy = PolicyConfig(
        name="r6", r6_cross_town_learning=R6CrossTownConfig(enabled=True, learning_boost=2.0)
    )
    with pytest.raises(ConfigError, match="region of several municipalities"):
        Config(town=tiny_config().town, policy=policy)
    model = _model(policy, town=tiny_region())
    model.civic.launched_in[0].add(InitiativeType.coop_shop)
    assert model.civic._learning(1, InitiativeType.coop_shop) == 1.0  # not before year 1
    model.step()
    model.civic.launched_in[0].add(InitiativeType.coop_shop)
    assert model.civic._learning(1, InitiativeType.coop_shop) == pytest.approx(3.0)
    assert model.civic._learning(1, InitiativeType.pool_coop) == 1.0  # only proven types


def test_infill_first_keeps_vacant_dwellings_and_builds_no_new_land():
    def stock(policy):
        cfg = tiny_config(years=12, residents=1500, dwellings=1000)  # high vacancy
        cfg.output.progress = False
        if policy is not None:
            cfg.policy = policy
        result = run_simulation(cfg)
        m = result.metrics
        return int(m["dwellings_demolished"].sum()), int(m["dwellings"].iloc[-1])

    infill = stock(PolicyConfig(name="infill", infill_first=InfillFirstConfig(enabled=True)))
    baseline = stock(None)
    assert infill[0] < baseline[0]  # fewer dwellings decay out of the stock
    assert infill[1] > baseline[1]


def test_infill_first_renovates_before_building_and_builds_less_where_the_market_is_tight():
    def built(policy):
        cfg = tiny_config(years=6, residents=1500, dwellings=720, metropolis_minutes=20)  # tight
        cfg.output.progress = False
        if policy is not None:
            cfg.policy = policy
        model = TownModel(cfg)
        start = len(model.population.dwellings)
        _step(model, 6)
        return len(model.population.dwellings) - start

    baseline = built(None)
    assert baseline > 0
    assert (
        built(PolicyConfig(name="infill", infill_first=InfillFirstConfig(enabled=True)))
        < 0.7 * baseline
    )  # no greenfield: infill plots only


def test_citizen_bus_support_lowers_the_volunteers_needed():
    model = _model(
        PolicyConfig(
            name="cbs", citizen_bus_support=CitizenBusSupportConfig(enabled=True, effort_factor=0.7)
        )
    )
    model.step()
    bus = model.civic.start(InitiativeType.citizen_bus, 0, None)
    shop = model.civic.start(InitiativeType.coop_shop, 0, None)
    cfg = model.config.civic
    assert model.civic._needs(bus) == pytest.approx(
        (0.7 * cfg.citizen_bus.critical_mass, 0.7 * cfg.citizen_bus.volunteer_hours)
    )
    assert model.civic._needs(shop) == pytest.approx(
        (cfg.coop_shop.critical_mass, cfg.coop_shop.volunteer_hours)
    )


def test_phase_null_starts_broad_participation_in_every_municipality():
    model = _model(
        PolicyConfig(name="p0", phase_null=PhaseNullConfig(enabled=True)), town=tiny_region()
    )
    model.config.civic.change_agent_share = 0.0
    model.step()
    running = {
        i.municipality
        for i in model.civic.initiatives
        if i.kind is InitiativeType.participation and i.phase.active
    }
    assert running == {0, 1}


def _remote_arrivals(policy: PolicyConfig | None) -> int:
    """Remote workers arriving in 8 years over 4 seeds, broadband capped at 20 % at the start."""
    total = 0
    for seed in range(4):
        model = _model(policy, years=8, seed=seed, residents=2000)
        model.town.broadband[:] = np.minimum(model.town.broadband, 0.2)
        for _ in range(8):
            model.step()
            total += model.flows.in_by_origin.get("remote_worker", 0)
    return total


def test_broadband_lever_brings_remote_workers():
    remote = _remote_arrivals
    assert remote(
        PolicyConfig(
            name="bb", broadband=BroadbandConfig(enabled=True, target_share=0.95, rollout_years=1)
        )
    ) > 1.5 * remote(None)


def test_regional_express_shortens_trips_to_the_centres_only_from_its_start_year():
    express = PolicyConfig(
        name="ex", regional_express=RegionalExpressConfig(enabled=True, start_year=2)
    )
    model = _model(express, years=3)
    town = model.town
    inside = np.flatnonzero(~town.is_destination)
    before = town.minutes.copy()
    model.step()  # year 1: not yet
    assert np.array_equal(town.minutes, before)
    model.step()  # year 2: the links to the centres take 0.7 of their minutes
    to_centres = town.minutes[:, inside][:, :, town.is_destination]
    assert np.all(to_centres < before[:, inside][:, :, town.is_destination])
    within = np.ix_([0, 1], inside, inside)
    assert np.array_equal(town.minutes[within], before[within])


def test_regional_express_brings_more_remote_workers_with_broadband_than_without():
    """SF23: broadband and transport links together bring more than the sum of their effects."""

    def remote(broadband: bool, express: bool) -> int:
        return _remote_arrivals(
            PolicyConfig(
                name="p",
                broadband=BroadbandConfig(enabled=broadband, target_share=0.95, rollout_years=1),
                regional_express=RegionalExpressConfig(enabled=express),
            )
        )

    none, bb, ex, both = (remote(b, e) for b, e in ((0, 0), (1, 0), (0, 1), (1, 1)))
    assert ex > none and both - ex > bb - none


def test_initiative_counts_include_the_starts_of_phase_null():
    cfg = Config(town=tiny_region(), years=3, seed=0)
    cfg.output.progress = False
    cfg.policy = PolicyConfig(name="p0", phase_null=PhaseNullConfig(enabled=True))
    result = run_simulation(cfg)
    started = result.events[result.events.kind == "started"].groupby("year").size()
    counted = result.metrics.set_index("year")["initiatives_started"].iloc[1:]
    assert (counted == started.reindex(counted.index, fill_value=0)).all()
    assert started.loc[1] >= 2  # both municipalities start a participation process in year 1
