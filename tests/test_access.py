"""Access that counts supply and demand (E2SFCA, sim/e2sfca.py) and how quality of life answers.

The oracle is PySAL's ``access`` package (the field's reference implementation); the
mechanism tests use hand-built tiny towns where the direction can be reasoned out.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from access import Access, weights
from conftest import closure_qol, tiny_config
from pandas.errors import Pandas4Warning

from sim.accessibility import resident_situations
from sim.config import Config, ConfigError, ProviderConfig, ServiceType, ShockKind
from sim.e2sfca import e2sfca, mean_access, place_mode_age_counts, step_decay
from sim.model import TownModel
from sim.town import CAR, NO_CAR, builtin_town

GP = ServiceType.gp
ZONES = [[10, 1.0], [20, 0.68], [30, 0.22]]


def pysal_access(
    demand: np.ndarray,
    supply: np.ndarray,
    minutes: np.ndarray,
    sites: np.ndarray,
    selection: bool,
) -> np.ndarray:
    """PySAL access's E2SFCA (or 3SFCA with ``selection``) with Luo & Qi's zones; demand
    (M, I), supply (J,), minutes (M, I, J); every (mode, place) is a demand location and the
    places ``sites`` (J,) bool are the supply locations. Returns access (M, I)."""
    modes, places, _ = minutes.shape
    loc = [f"{m}_{i}" for m in range(modes) for i in range(places)]
    site_index = np.flatnonzero(sites)
    demand_df = pd.DataFrame({"pop": demand.ravel()}, index=pd.Index(loc, name="loc"))
    supply_df = pd.DataFrame(
        {"cap": supply[site_index]}, index=pd.Index([f"s{j}" for j in site_index], name="loc")
    )
    cost = pd.DataFrame(
        [
            (f"{m}_{i}", f"s{j}", float(minutes[m, i, j]))
            for m in range(modes)
            for i in range(places)
            for j in site_index
        ],
        columns=["origin", "dest", "cost"],
    )
    model = Access(
        demand_df=demand_df,
        demand_index=True,
        demand_value="pop",
        supply_df=supply_df,
        supply_index=True,
        supply_value="cap",
        cost_df=cost,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    decay = weights.step_fn(dict(ZONES))
    if selection:
        with warnings.catch_warnings():  # PySAL's 3SFCA uses DataFrame.drop(inplace=True)
            warnings.simplefilter("ignore", Pandas4Warning)
            result = model.three_stage_fca(weight_fn=decay)
    else:
        result = model.enhanced_two_stage_fca(weight_fn=decay)
    return result.iloc[:, 0].reindex(loc).fillna(0.0).to_numpy().reshape(modes, places)


@pytest.mark.parametrize("selection", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_e2sfca_matches_pysal_access_on_a_random_small_case(seed, selection):
    rng = np.random.default_rng(seed)
    modes, places = 2, 6
    minutes = rng.uniform(0, 40, (modes, places, places))
    demand = rng.uniform(10, 800, (modes, places))
    supply = np.where(rng.uniform(size=places) < 0.6, rng.uniform(500, 3000, places), 0.0)
    supply[0] = 1600.0  # at least one provider
    _, _, access = e2sfca(
        supply[None], demand[None], step_decay(minutes, ZONES), selection=selection
    )
    expected = pysal_access(demand, supply, minutes, supply > 0, selection)
    np.testing.assert_allclose(access[0], expected, rtol=1e-9)


@pytest.mark.parametrize("selection", [False, True])
def test_the_models_gp_access_matches_pysal_access_on_the_peripheral_town(selection):
    # The model's own demand (need by age, hinterland by car), capacities and travel times by
    # mode (walking, buses); destinations offer the kind at ratio 0 here.
    cfg = Config(town=builtin_town("peripheral"), years=1, seed=0)
    cfg.qol.destination_access_ratio = 0.0
    cfg.qol.access_selection_weights = selection
    model = TownModel(cfg)
    table = model.access.supply_demand
    k = table.kinds.index(GP)
    counts = place_mode_age_counts(model)
    demand = (counts @ model.services.need[GP]).T
    demand[CAR] += model.town.hinterland * cfg.services.gp.hinterland_share
    supply = np.zeros(model.town.n_places)
    for provider in model.services.open_of(GP):
        supply[provider.place] += cfg.qol.service_capacity["gp"]
    sites = (supply > 0) | model.town.is_destination
    expected = pysal_access(demand, supply, model.town.minutes, sites, selection)
    np.testing.assert_allclose(table.access[k], expected, rtol=1e-9, atol=1e-12)


def _gp_town(*places: str, seed: int = 0, residents: int = 1500) -> TownModel:
    cfg = tiny_config(years=2, seed=seed, residents=residents)
    cfg.town.providers = [ProviderConfig(type=GP, place=p) for p in places]
    return TownModel(cfg)


@pytest.mark.parametrize(("seed", "residents"), [(0, 1500), (1, 3000), (2, 800)])
def test_a_second_gp_at_the_same_place_raises_access_at_year_0(seed, residents):
    one = _gp_town("Mitte", seed=seed, residents=residents)
    two = _gp_town("Mitte", "Mitte", seed=seed, residents=residents)
    k = one.access.supply_demand.kinds.index(GP)
    mitte = one.town.index["Mitte"]
    for mode in (CAR, NO_CAR):
        a1 = one.access.supply_demand.access[k, mode, mitte]
        a2 = two.access.supply_demand.access[k, mode, mitte]
        assert a2 > a1 > 0
    assert mean_access(GP, two) > mean_access(GP, one)
    # and it shows in quality of life (SF16: the redundancy a small town lacks)
    assert np.nanmean(two.qol) > np.nanmean(one.qol)


@pytest.mark.parametrize("seed", range(3))
def test_a_closure_raises_the_neighbours_load_and_lowers_its_users_access(seed):
    model = _gp_town("Mitte", "Dorf", seed=seed)
    table = model.access.supply_demand
    k = table.kinds.index(GP)
    mitte, dorf = model.town.index["Mitte"], model.town.index["Dorf"]
    load_before = table.load[k, mitte]
    access_before = table.access[k, :, dorf].copy()
    services = model.services
    services.close(next(p for p in services.open_of(GP) if p.place == dorf), "test")
    services.refresh_access()
    assert table.load[k, mitte] > load_before
    assert np.isnan(table.load[k, dorf])
    assert (table.access[k, :, dorf] < access_before).all()


def _closure_losses(seed: int, support_share: float | None = None) -> pd.DataFrame:
    """QoL loss of every resident when the only GP practice (in the centre) closes."""
    model, before, after = closure_qol(GP, seed, support_share=support_share)
    rows = model.population.alive_rows
    p = model.population.people
    situations = resident_situations(model, rows)
    return pd.DataFrame(
        {
            "loss": before[rows] - after[rows],
            "age": p.age[rows],
            "car": p.has_car[rows],
            "supported": situations.supported,
            "child_in_household": np.bincount(
                p.household[rows[p.age[rows] < 18]], minlength=len(model.population.households)
            )[p.household[rows]]
            > 0,
        }
    )


@pytest.mark.parametrize("seed", range(3))
def test_a_closure_lowers_the_qol_of_its_users_most_for_no_car_and_old_less_with_support(seed):
    d = _closure_losses(seed)
    adults = d[d.age >= 18]
    assert (d.loss >= -1e-12).all() and d.loss.mean() > 0.005  # measurable for everyone
    # without a car (and without support) more than with one
    no_car = adults[~adults.car & ~adults.supported].loss.mean()
    assert no_car > adults[adults.car].loss.mean()
    # the old more than working-age adults
    assert d[d.age >= 65].loss.mean() > d[(d.age >= 18) & (d.age < 65)].loss.mean()
    # families: children lose too
    assert d[d.age < 18].loss.mean() > 0
    # informal support buffers: without a car, with support less than without
    without_car = d[~d.car]
    assert (
        without_car[without_car.supported].loss.mean()
        < without_car[~without_car.supported].loss.mean()
    )


def test_stronger_informal_support_buffers_a_closure_monotonically():
    # SF17: the QoL drop of supported residents without a car falls as the share rises.
    losses = []
    for share in (0.0, 0.5, 1.0):
        d = _closure_losses(0, support_share=share)
        losses.append(d[d.supported].loss.mean())
    assert losses[0] > losses[1] > losses[2] > 0


@pytest.mark.parametrize("kind", [GP, ServiceType.grocery])
def test_the_marginality_buffer_lowers_a_closures_loss_for_those_with_local_ties(kind):
    # SF17 (seed-notes §6.1, 3 (i)): neighbours, family and friends partly substitute a lost
    # service. The same town (the buffer changes no draw before the closure) at 0 / 0.5 / 1.
    losses = {}
    for buffer in (0.0, 0.5, 1.0):
        model, before, after = closure_qol(kind, 0, marginality_buffer=buffer)
        rows = model.population.alive_rows
        losses[buffer] = before[rows] - after[rows]
    ties = model.local_ties_share(rows)
    hit = losses[0.0] > 1e-9
    assert hit.mean() > 0.5 and (ties[hit] > 0).mean() > 0.5
    with_ties, without = hit & (ties > 0), hit & (ties == 0)
    # those with local ties lose less the stronger the buffer, and still lose something
    assert (losses[0.5][with_ties] < losses[0.0][with_ties]).all()
    assert (losses[1.0][with_ties] < losses[0.5][with_ties]).all()
    assert (losses[1.0][with_ties] > 0).all()
    # those without local ties have nobody to help: their loss is unchanged
    assert np.allclose(losses[1.0][without], losses[0.0][without])
    # more ties, more help: those with more ties than the median keep a smaller share of
    # their loss than those with fewer
    kept = losses[1.0][with_ties] / losses[0.0][with_ties]
    many = ties[with_ties] > np.median(ties[with_ties])
    assert many.any() and (~many).any()
    assert kept[many].mean() < kept[~many].mean()


def test_quality_of_life_reads_this_years_tie_counts_also_after_rows_were_renumbered():
    # The marginality buffer reads each resident's ties from the counts of the civic phase:
    # they must be this year's, for the people the rows now hold.
    cfg = tiny_config(years=4, seed=2, residents=2000)
    cfg.qol.marginality_buffer = 0.5
    model = TownModel(cfg)
    checked = []

    def check(phase: str) -> None:
        if phase == "budget":  # the last phase before quality of life
            assert np.array_equal(model.tie_counts[1], model.population.tie_counts()[1])
            checked.append(model.year)

    model.after_phase = check
    for _ in range(4):
        model.population.compact(force=True)  # as step() does when many rows are dead
        model.step()
    assert checked == [1, 2, 3, 4] and model.population.renumberings >= 4


def test_tie_counts_from_before_a_renumbering_are_refused():
    model = TownModel(tiny_config(years=2, seed=1, residents=2000))
    model.step()
    model.population.compact(force=True)
    with pytest.raises(RuntimeError, match="renumbered"):
        model.local_ties_share(model.population.alive_rows)
    model.refresh_tie_counts()
    assert model.local_ties_share(model.population.alive_rows).size > 0


def test_access_columns_are_written_per_kind_of_service(config):
    model = TownModel(config)
    row = model.recorder.rows[-1]
    assert row["access_gp"] > 0 and np.isfinite(row["access_grocery"])
    assert "access_bus_line" not in row and "access_crafts" not in row


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("access_zones_car", [[20, 1.0], [10, 0.5]], "qol.access_zones_car"),
        ("access_zones_no_car", [[10, 1.5]], "qol.access_zones_no_car[0][1]"),
        ("service_capacity", {"gp": -1.0}, "qol.service_capacity.gp"),
        ("service_capacity", {"dentist": 10.0}, "qol.service_capacity.dentist"),
    ],
)
def test_bad_access_settings_are_refused_with_the_field(field, value, path):
    cfg = Config()
    if field == "service_capacity":
        value = {**cfg.qol.service_capacity, **value}
    setattr(cfg.qol, field, value)
    with pytest.raises(ConfigError) as err:
        Config(**{f: getattr(cfg, f) for f in ("town", "qol")})
    assert err.value.field == path


def test_a_kind_without_capacity_is_refused():
    cfg = Config()
    del cfg.qol.service_capacity["pharmacy"]
    with pytest.raises(ConfigError) as err:
        Config(qol=cfg.qol)
    assert err.value.field == "qol.service_capacity"


def _group_qol(model: TownModel) -> dict[str, float]:
    """Mean QoL of all residents, of those 65+, and of adults without a car."""
    rows = model.population.alive_rows
    p = model.population.people
    qol = model.qol[rows]
    adult = p.age[rows] >= 18
    return {
        "all": float(np.mean(qol)),
        "old": float(np.mean(qol[p.age[rows] >= 65])),
        "no_car": float(np.mean(qol[adult & ~p.has_car[rows]])),
        "car": float(np.mean(qol[adult & p.has_car[rows]])),
    }


@pytest.mark.slow
def test_a_closure_still_lowers_qol_years_later_with_prices_and_civic_life_at_work():
    # The only GP practice retires in year 2 and nobody may open one for 10 years; prices,
    # migration and citizens' initiatives run as usual. Six years on, on paired seeds, the
    # residents' QoL is still below the same town without the shock, most for the old and
    # those without a car.
    gaps = []
    for seed in range(3):
        groups = []
        for kind in (ShockKind.none, ShockKind.gp_retires):
            cfg = tiny_config(years=8, seed=seed, residents=3000)
            cfg.town.providers = [
                ProviderConfig(type=GP, place="Mitte"),
                ProviderConfig(type=ServiceType.grocery, place="Mitte"),
            ]
            cfg.shock.kind, cfg.shock.year, cfg.shock.blocked_years = kind, 2, 10
            s = cfg.services  # without the shock the practice stays: no retirement on its own
            s.retirement_hazard_60_64 = s.retirement_hazard_65_69 = s.retirement_hazard_70_plus = 0
            model = TownModel(cfg)
            for _ in range(8):
                model.step()
            groups.append(_group_qol(model))
        gaps.append({k: groups[0][k] - groups[1][k] for k in groups[0]})
    mean = {k: float(np.mean([g[k] for g in gaps])) for k in gaps[0]}
    assert all(g["all"] > 0.005 for g in gaps)
    assert mean["old"] > mean["all"]
    assert mean["no_car"] > mean["car"]
