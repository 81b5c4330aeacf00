"""Citizens co-produce: change agents, initiatives, diffusion to critical mass, municipal capacity.

Mechanism tests on small towns where the direction can be reasoned out (issue #4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import tiny_config, tiny_region

from sim.agents.initiative import Phase
from sim.config import (
    Config,
    InitiativeType,
    ProviderConfig,
    R4ResourcesConfig,
    ServiceType,
    ShockConfig,
    ShockKind,
)
from sim.model import TownModel
from sim.run import run_simulation

COOP, COWORKING = InitiativeType.coop_shop, InitiativeType.coworking


def _adults(model: TownModel, municipality: int = 0) -> np.ndarray:
    pop = model.population
    rows = pop.alive_rows
    rows = rows[model.town.municipality[pop.person_place(rows)] == municipality]
    return rows[pop.people.age[rows] >= 25]


def _launch(
    model: TownModel,
    kind: InitiativeType,
    members: int,
    municipality: int = 0,
    place: int | None = None,
):
    """An initiative of ``kind`` with ``members`` adult members of the municipality, launched now."""
    initiative = model.civic.start(kind, municipality, None, place=place)
    initiative.members = np.sort(
        model.rng.choice(_adults(model, municipality), members, replace=False)
    )
    model.civic._launch(initiative)
    return initiative


def _step(model: TownModel, years: int) -> None:
    for _ in range(years):
        model.step()


# -- change agents and necessity ------------------------------------------------------------


def _coop_starts_after(seed: int, closure: bool, without_gap: float = 0.0) -> int:
    """Cooperative-shop starts in the three years from year 3, with or without the grocer closing then."""
    cfg = tiny_config(years=6, seed=seed)
    cfg.town.providers = [ProviderConfig(type=ServiceType.grocery, place="Mitte", format="shop")]
    for kind in InitiativeType:  # every change agent has the shop idea: the gap is what differs
        getattr(cfg.civic, kind.name).idea_weight = 1.0 if kind is COOP else 0.0
    cfg.civic.coop_shop.start_without_gap = without_gap
    if closure:
        cfg.shock = ShockConfig(kind=ShockKind.grocer_closes, year=3, blocked_years=10)
    model = TownModel(cfg)
    _step(model, 6)
    return sum(1 for i in model.civic.initiatives if i.kind is COOP and 3 <= i.started_year <= 5)


def test_initiatives_start_more_often_after_a_closure_but_not_for_certain():
    seeds = range(12)
    with_closure = [_coop_starts_after(s, True) for s in seeds]
    # By default nobody starts a citizen shop next to a grocer (start_without_gap = 0; only
    # where the grocer closes on its own) ...
    assert sum(_coop_starts_after(s, False) for s in seeds) <= sum(with_closure) / 4
    # ... with some chance without a gap, ideas are acted on without a closure too, less often.
    without = [_coop_starts_after(s, False, without_gap=0.1) for s in seeds]
    assert np.mean(with_closure) > 1.5 * np.mean(without) > 0
    # Necessity raises the chance; the start chance stays below certainty (start_rate x boost < 1).
    cfg = Config()
    assert cfg.civic.start_rate * (1 + cfg.civic.necessity_boost) < 1


def test_change_agents_are_few_and_more_engaged_than_average():
    model = TownModel(tiny_config(residents=3000))
    agents = [a.resident.row for a in model.civic.change_agents.values()]
    adults = _adults(model)
    assert 0 < len(agents) < 0.05 * adults.size
    engagement = model.population.people.engagement
    assert engagement[agents].mean() > engagement[adults].mean()


# -- diffusion to critical mass -----------------------------------------------------------------


@pytest.fixture(scope="module")
def peripheral_runs():
    """Baseline peripheral town, 30 years, 3 seeds: the initiatives and their curves."""
    out = []
    for seed in range(3):
        cfg = Config(seed=seed)
        cfg.output.progress = False
        out.append(run_simulation(cfg))
    return out


def test_most_initiatives_fail(peripheral_runs):
    ended = [
        i
        for r in peripheral_runs
        for i in r.model.civic.initiatives
        if i.phase is not Phase.recruiting
    ]
    failed = sum(1 for i in ended if i.phase is Phase.failed)
    launched = sum(1 for i in ended if i.launched_year is not None)
    assert failed + launched == len(ended)
    assert launched > 0
    assert failed / len(ended) > 0.6


def test_recruitment_curves_of_successful_initiatives_are_s_shaped(peripheral_runs):
    curves = np.array(
        [
            i.history[:6]
            for r in peripheral_runs
            for i in r.model.civic.initiatives
            if i.launched_year is not None
            and len(i.history) >= 6
            and i.kind is not InitiativeType.participation
        ],
        dtype=float,
    )
    assert len(curves) >= 5
    mean = curves.mean(axis=0)
    growth = np.diff(mean)
    # Rising (saturation may flatten the mean of a few seeds' curves a little) ...
    assert mean[-1] > 3 * mean[0] and (growth > -0.1 * growth.max()).all()
    peak = int(np.argmax(growth))
    assert 0 < peak < len(growth) - 1  # ... slowly at first, fastest in between ...
    assert growth[-1] < 0.5 * growth[peak]  # ... and saturating


def test_recruitment_is_complex_contagion_through_ties():
    """Without ties to members (no broadcast, no office), nobody outside the network joins;
    with more members among one's ties, joining is more likely."""
    cfg = tiny_config(residents=2000)
    cfg.civic.change_agent_share = 0.0
    cfg.civic.broadcast_rate = 0.0
    model = TownModel(cfg)
    initiative = model.civic.start(InitiativeType.community_house, 0, None)
    initiative.members = np.sort(model.rng.choice(_adults(model), 40, replace=False))
    pop = model.population
    a, b = pop.live_ties()
    member = np.zeros(len(pop.people), dtype=bool)
    member[initiative.members] = True
    tied = set(b[member[a]].tolist()) | set(a[member[b]].tolist())
    housemates = set(
        np.flatnonzero(
            pop.people.alive
            & np.isin(pop.people.household, pop.people.household[initiative.members])
        ).tolist()
    )
    before = set(initiative.members.tolist())
    model.civic._recruit()
    joined = set(initiative.members.tolist()) - before
    assert joined  # some join ...
    assert joined <= tied | housemates  # ... only through ties


# -- municipal capacity -----------------------------------------------------------------------


def _office_success(office: bool, seeds=range(4)) -> float:
    launched = ended = 0
    for seed in seeds:
        cfg = tiny_config(years=12, seed=seed, residents=2500)
        cfg.civic.change_agent_share = 0.03
        cfg.policy.r4_municipal_resources = R4ResourcesConfig(
            enabled=True, extra_staff_fte=0.0, coordination_office=office, yearly_cost_eur=0.0
        )
        model = TownModel(cfg)
        _step(model, 12)
        done = [i for i in model.civic.initiatives if i.phase is not Phase.recruiting]
        ended += len(done)
        launched += sum(1 for i in done if i.launched_year is not None)
    return launched / ended


def test_a_coordination_office_raises_the_share_reaching_critical_mass():
    assert _office_success(True) > _office_success(False) + 0.15


@pytest.mark.parametrize(("extra_fte", "ceiling"), [(0.0, 2), (0.25, 3), (0.5, 4), (1.5, 8)])
def test_thin_staff_caps_supported_initiatives_and_more_staff_lifts_the_ceiling(extra_fte, ceiling):
    cfg = tiny_config(residents=2500)  # civic_staff_fte 0.5 / 0.25 FTE per initiative: 2
    cfg.civic.change_agent_share = 0.0
    if extra_fte:
        cfg.policy.r4_municipal_resources = R4ResourcesConfig(
            enabled=True, extra_staff_fte=extra_fte, coordination_office=False
        )
    model = TownModel(cfg)
    model.step()  # year 1: the lever is active
    for initiative in model.civic.initiatives:
        initiative.phase = Phase.failed
    for kind in list(InitiativeType)[:6]:
        model.civic.start(kind, 0, None)
    model.civic._support()
    supported = sum(i.supported for i in model.civic.initiatives if i.phase.active)
    assert model.civic.capacity(0) == pytest.approx(ceiling)
    assert supported == min(ceiling, 6)
    assert model.civic.staff_load == pytest.approx(6 / ceiling)


def test_supported_initiatives_never_exceed_the_staff_over_a_run():
    cfg = tiny_config(years=10, residents=2500)
    cfg.civic.change_agent_share = 0.06
    result = run_simulation(cfg)
    rows = result.initiatives[result.initiatives.phase.isin(["recruiting", "launched"])]
    per_year = rows.groupby("year")["supported"].sum()
    assert per_year.max() <= 2
    assert (result.metrics["municipal_staff_load"] > 1).any()  # demand exceeded the staff


# -- what initiatives do ----------------------------------------------------------------------------


def test_a_cooperative_shop_survives_where_a_commercial_grocer_at_the_same_demand_fails():
    years = 8
    shop_cfg = tiny_config(years=years, residents=700, second_place=False)
    shop_cfg.civic.change_agent_share = 0.0
    shop_cfg.town.providers = [
        ProviderConfig(type=ServiceType.grocery, place="Mitte", format="shop")
    ]
    shop_model = TownModel(shop_cfg)
    shop = shop_model.services.providers[0]
    _step(shop_model, 1)
    assert shop.profit_eur < 0
    _step(shop_model, years - 1)
    assert shop not in shop_model.services.providers

    coop_cfg = tiny_config(years=years, residents=700, second_place=False)
    coop_cfg.civic.change_agent_share = 0.0
    coop_model = TownModel(coop_cfg)
    initiative = _launch(coop_model, COOP, 150, place=0)
    coop = initiative.provider
    assert coop is not None and coop.format == "coop"
    _step(coop_model, years)
    assert coop in coop_model.services.providers and coop.profit_eur > 0
    assert initiative.phase is Phase.institution


def _village_shop(backer_engagement_min: float, seed: int) -> tuple:
    """A cooperative shop started by a villager of Dorf (no grocer; Mitte's is 8 min away)."""
    cfg = tiny_config(years=3, seed=seed, residents=6000)  # Dorf: 1,500 residents
    cfg.civic.change_agent_share = 0.0
    cfg.civic.coop_shop.backer_engagement_min = backer_engagement_min
    # Mitte keeps its grocer (a supermarket: a village shop there might close, and then its
    # customers would be unserved too and rightly join)
    cfg.town.providers = [ProviderConfig(type=ServiceType.grocery, place="Mitte")]
    model = TownModel(cfg)
    dorf = int(model.town.index["Dorf"])
    pop = model.population
    rows = pop.alive_rows
    villagers = rows[(pop.person_place(rows) == dorf) & (pop.people.age[rows] >= 30)]
    founder = villagers[np.argmax(pop.people.engagement[villagers])]
    initiative = model.civic.start(COOP, 0, model.resident_of(int(founder)), place=dorf)
    initiative.necessity = 1.0  # the village's last grocer has just closed
    _step(model, 3)
    members = initiative.members
    home = model.population.person_place(members) if members.size else members
    return initiative, home, dorf, int(model.town.index["Mitte"])


def test_a_village_without_a_grocer_and_enough_backers_can_launch_a_cooperative_shop():
    launched = 0
    for seed in range(3):
        initiative, home, dorf, mitte = _village_shop(0.2, seed)
        launched += initiative.phase.running
        assert initiative.provider is None or initiative.provider.place == dorf
        # Meetings and canvassing reach the villagers it serves, not the centre's residents
        # (they have a grocer; a few join through their ties).
        assert (home == dorf).mean() > 0.75 and (home == mitte).sum() < (home == dorf).sum() / 4
    assert launched >= 2
    for seed in range(3):  # nobody engaged enough to buy a share: it fails
        initiative, _, _, _ = _village_shop(1.0, seed)
        assert initiative.phase is Phase.failed


def test_a_cooperative_shop_without_enough_members_fails_and_opens_nothing():
    cfg = tiny_config(years=4, residents=700, second_place=False)
    cfg.civic.change_agent_share = 0.0
    cfg.civic.join_rate = 0.0
    cfg.civic.broadcast_rate = 0.0
    model = TownModel(cfg)
    initiative = model.civic.start(COOP, 0, None, place=0)
    initiative.members = np.sort(model.rng.choice(_adults(model), 60, replace=False))  # < 100
    _step(model, 3)
    assert initiative.phase is Phase.failed
    assert not any(p.kind is ServiceType.grocery for p in model.services.providers)
    reasons = [e["reason"] for e in model.events if e.get("provider_id") == initiative.unique_id]
    assert "critical mass not reached" in reasons


def test_overloaded_volunteers_burn_out_and_the_cooperative_declines_and_its_shop_closes():
    cfg = tiny_config(years=6, residents=700, second_place=False)
    cfg.civic.change_agent_share = 0.0
    cfg.civic.hours_per_member = 5.0  # 150 members x ~5 h << 3,000 h a shop needs
    model = TownModel(cfg)
    initiative = _launch(model, COOP, 150, place=0)
    shop = initiative.provider
    start_size = initiative.size
    _step(model, 4)
    assert initiative.phase is Phase.declined
    assert shop not in model.services.providers
    history = initiative.history
    assert min(history[1:]) < 0.8 * start_size  # members left under the load


def test_an_institution_survives_a_bad_year_that_a_young_initiative_does_not():
    cfg = tiny_config(years=10, residents=1500)
    model = TownModel(cfg)
    young = _launch(model, InitiativeType.community_house, 60)
    assert young.phase is Phase.launched
    _step(model, cfg.civic.institution_years + 1)
    assert young.phase is Phase.institution  # five healthy years


def test_coworking_brings_nothing_without_broadband():
    for broadband, expect_pull in ((0.3, False), (0.95, True)):
        cfg = tiny_config(residents=2000)
        cfg.town.places[0].broadband = broadband
        model = TownModel(cfg)
        assert model.civic.remote_worker_pull(0) == 1.0  # nothing without a coworking space
        _launch(model, COWORKING, 20)
        assert bool(model.civic.remote_worker_pull(0) > 1.0) == expect_pull


def test_remote_workers_arrive_in_proportion_to_the_pull(monkeypatch):
    def arrivals(pull: float) -> int:
        total = 0
        for seed in range(4):
            cfg = tiny_config(years=5, seed=seed, residents=2000)
            cfg.town.places[0].broadband = 0.95
            model = TownModel(cfg)
            monkeypatch.setattr(model.civic, "remote_worker_pull", lambda m, pull=pull: pull)
            for _ in range(5):
                model.step()
                total += model.flows.in_by_origin.get("remote_worker", 0)
        return total

    assert arrivals(3.0) > 1.5 * arrivals(1.0)


def test_a_citizen_bus_gives_people_without_a_car_a_way_to_the_centre():
    cfg = tiny_config(residents=1500)
    cfg.town.edges[0].bus_minutes = None  # no bus between the village and the centre
    cfg.town.edges[0].bus_departures_per_day = 0
    model = TownModel(cfg)
    town = model.town
    village, centre = town.index["Dorf"], town.index["Mitte"]
    before = town.minutes[1, village, centre]
    _launch(model, InitiativeType.citizen_bus, 30, place=village)
    after = town.minutes[1, village, centre]
    assert after < before


# -- regions and cross-town learning --------------------------------------------------------


def _first_coop_in_neighbour(seed: int, boost: float, linked: bool = True, years: int = 12) -> int:
    cfg = Config(town=tiny_region(linked=linked), years=years, seed=seed)
    cfg.output.progress = False
    cfg.civic.cross_town_learning = boost
    model = TownModel(cfg)
    _launch(model, COOP, 150, municipality=0)  # proven in Adorf
    for _ in range(years):
        model.step()
        started = [
            i.started_year
            for i in model.civic.initiatives
            if i.kind is COOP and i.municipality == 1
        ]
        if started:
            return started[0]
    return years + 1  # not within the horizon


def test_cross_town_learning_shortens_the_time_until_a_proven_type_appears_in_linked_towns():
    seeds = range(12)
    learning = np.mean([_first_coop_in_neighbour(s, 2.0) for s in seeds])
    without = np.mean([_first_coop_in_neighbour(s, 0.0) for s in seeds])
    unlinked = np.mean([_first_coop_in_neighbour(s, 2.0, linked=False) for s in seeds])
    assert learning < without - 2
    assert learning < unlinked - 2  # only towns linked by a road learn from each other


def test_a_region_keeps_each_municipality_its_own_budget_and_initiatives():
    cfg = Config(town=tiny_region(), years=5, seed=1)
    cfg.output.progress = False
    cfg.civic.change_agent_share = 0.03
    result = run_simulation(cfg)
    table = result.municipalities
    assert set(table["municipality"]) == {"Adorf", "Bedorf"}
    last = table[table.year == 5].set_index("municipality")
    assert last["population"].sum() == result.metrics["population"].iloc[-1]
    model = result.model
    for initiative in model.civic.initiatives:
        if initiative.phase.active:  # members live in the initiative's municipality
            homes = model.town.municipality[model.population.person_place(initiative.members)]
            assert (homes == initiative.municipality).all()


# -- determinism, conservation and the contract -------------------------------------------------


def test_runs_with_initiatives_are_deterministic_and_conserve_people():
    def run():
        cfg = Config(town=tiny_region(), years=8, seed=3)
        cfg.output.progress = False
        cfg.civic.change_agent_share = 0.03
        return run_simulation(cfg)

    a, b = run(), run()
    pd.testing.assert_frame_equal(a.metrics, b.metrics)
    pd.testing.assert_frame_equal(a.initiatives, b.initiatives)
    m = a.metrics
    change = m["population"].diff().iloc[1:]
    flows = (m["births"] - m["deaths"] + m["in_migrants"] - m["out_migrants"]).iloc[1:]
    assert (change == flows).all()
    alive = set(a.model.population.alive_rows.tolist())
    for initiative in a.model.civic.initiatives:
        if initiative.phase.active:
            assert set(initiative.members.tolist()) <= alive


def test_civic_metrics_and_events_contract(peripheral_runs):
    result = peripheral_runs[0]
    columns = {
        "initiatives_active",
        "initiatives_started",
        "initiatives_failed",
        "initiatives_institutionalised",
        "volunteers",
        "engagement_rate",
        "volunteer_hours",
        "municipal_staff_load",
        "policy_cost_eur",
        *(f"initiatives_active_{k.value}" for k in InitiativeType),
    }
    assert columns <= set(result.metrics.columns)
    kinds = set(result.events["kind"])
    assert {"started", "failed", "launched", "institutionalised"} <= kinds
    started = result.events[result.events.kind == "started"]
    assert set(started["provider_type"]) <= {k.value for k in InitiativeType}
    assert started["place"].isin(result.model.town.names).all()
    assert result.metrics["initiatives_started"].sum() == len(started)


def test_participation_makes_those_who_take_part_more_engaged():
    cfg = tiny_config(years=3, residents=1500)
    cfg.civic.change_agent_share = 0.0
    model = TownModel(cfg)
    process = _launch(model, InitiativeType.participation, 30)
    p = model.population.people
    members = process.members.copy()
    others = np.setdiff1d(_adults(model), members)
    before_members, before_others = p.engagement[members].copy(), p.engagement[others].copy()
    model.step()
    stayed = members[np.isin(members, process.members)]
    gained = p.engagement[stayed] - before_members[np.isin(members, stayed)]
    assert (gained > 0).all() or np.allclose(p.engagement[stayed], 1.0)
    untouched = p.alive[others] & ~np.isin(others, process.members)  # never took part
    assert untouched.sum() > 1000
    assert np.allclose(p.engagement[others[untouched]], before_others[untouched])
