"""Sources of divergence: employers' fortunes, relocations, the job-growth lever, key persons."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import ConfigError, ProviderConfig, ServiceType
from sim.model import TownModel
from tests.conftest import tiny_config


def employer_config(seed: int = 0, years: int = 5, staff: int = 30, **economy):
    """The tiny town with one manufacturer; every employers' source off unless given."""
    cfg = tiny_config(years=years, seed=seed)
    cfg.town.providers = [ProviderConfig(type=ServiceType.manufacturer, place="Mitte", staff=staff)]
    e = cfg.economy
    e.firm_growth_sd = e.local_jobs_growth_sd = e.major_closure_rate = e.relocation_rate = 0.0
    for name, value in economy.items():
        setattr(e, name, value)
    return cfg


def local_jobs(model: TownModel) -> float:
    """The other local jobs plus the manufacturers' staff (shops opening add their own)."""
    homes = model.town.home_places
    return float(model.services.base_jobs[homes].sum()) + sum(p.staff for p in manufacturers(model))


def manufacturers(model: TownModel) -> list:
    return model.services.open_of(ServiceType.manufacturer)


def test_without_variance_employers_jobs_stay_constant():
    model = TownModel(employer_config())
    before = (local_jobs(model), [p.staff for p in manufacturers(model)])
    for _ in range(5):
        model.step()
    assert (local_jobs(model), [p.staff for p in manufacturers(model)]) == before
    assert model.employers.relocations == [] and model.employers.closures == []


def test_firm_fortunes_move_staff_by_about_their_sd():
    sd = 0.1
    logs = []
    for seed in range(12):
        model = TownModel(employer_config(seed=seed, firm_growth_sd=sd))
        (firm,) = manufacturers(model)
        model.step()
        logs.append(np.log(firm.staff / 30))
    assert 0.5 * sd < np.std(logs, ddof=1) < 1.6 * sd
    assert len({round(x, 9) for x in logs}) == len(logs)  # each seed its own fortune


def test_local_jobs_move_together_with_their_own_stream():
    cfg = employer_config(local_jobs_growth_sd=0.1)
    model = TownModel(cfg)
    homes = model.town.home_places
    base0 = model.services.base_jobs[homes].copy()
    model.step()
    ratio = model.services.base_jobs[homes] / base0
    assert np.allclose(ratio, ratio[0]) and ratio[0] != 1.0  # one factor for the municipality


def test_with_relocation_certain_a_firm_arrives_and_jobs_rise():
    cfg = employer_config(relocation_rate=1.0, city_labour_tightness=1.0)
    model = TownModel(cfg)
    jobs0 = local_jobs(model)
    model.step()
    assert len(manufacturers(model)) == 2
    ((year, _place, staff),) = model.employers.relocations
    assert (
        year == 1 and cfg.economy.relocation_staff_min <= staff <= cfg.economy.relocation_staff_max
    )
    assert local_jobs(model) == pytest.approx(jobs0 + staff)
    assert any("relocated" in e["reason"] for e in model.events if e["kind"] == "opening")


def test_relocations_rise_with_city_labour_tightness():
    counts = {}
    for tightness in (0.0, 1.0, 5.0):
        counts[tightness] = sum(
            len(m.employers.relocations)
            for m in (
                _run(
                    employer_config(
                        seed=s, years=6, relocation_rate=0.1, city_labour_tightness=tightness
                    )
                )
                for s in range(4)
            )
        )
    assert counts[0.0] == 0 < counts[5.0] and counts[1.0] < counts[5.0]


def test_with_closure_certain_the_largest_employer_closes():
    cfg = employer_config(major_closure_rate=1.0)
    cfg.town.providers.append(ProviderConfig(type=ServiceType.manufacturer, place="Dorf", staff=10))
    model = TownModel(cfg)
    jobs0 = local_jobs(model)
    model.step()
    assert [p.staff for p in manufacturers(model)] == [10]
    assert local_jobs(model) == pytest.approx(jobs0 - 30)


def test_the_job_growth_lever_adds_its_share_over_its_years():
    cfg = employer_config(
        years=7, job_growth_share=0.2, job_growth_start_year=2, job_growth_years=4
    )
    model = TownModel(cfg)
    jobs0 = local_jobs(model)
    series = []
    for _ in range(7):
        model.step()
        series.append(local_jobs(model))
    assert series[0] == pytest.approx(jobs0)  # not yet in year 1
    assert series[1] == pytest.approx(jobs0 * 1.05)
    assert series[4] == pytest.approx(jobs0 * 1.2) and series[6] == pytest.approx(jobs0 * 1.2)


def test_relocation_staff_bounds_are_checked():
    cfg = employer_config()
    cfg.economy.relocation_staff_min = 500
    with pytest.raises(ConfigError, match="relocation_staff_min"):
        cfg.__post_init__()


def _run(cfg) -> TownModel:
    model = TownModel(cfg)
    for _ in range(cfg.years):
        model.step()
    return model


# -- key persons ------------------------------------------------------------------------------


def key_config(seed: int, per_10000: float, years: int = 8):
    cfg = tiny_config(years=years, seed=seed, residents=3000)
    k = cfg.civic.key_persons
    k.per_10000_adults, k.join_chance, k.recruitment_boost = per_10000, 1.0, 1.0
    return cfg


def test_key_persons_are_well_connected_skilled_adults_and_vary_in_number():
    counts = []
    for seed in range(6):
        model = TownModel(key_config(seed, per_10000=50.0))
        rows = model.civic.key_rows()
        counts.append(rows.size)
        degree = model.tie_counts[0]
        adults = model.population.alive_rows[
            model.population.people.age[model.population.alive_rows] >= 20
        ]
        assert np.all(degree[rows] >= np.quantile(degree[adults], 0.75))
        assert all(model.resident_of(r) in model.civic.change_agents for r in rows)
    assert len(set(counts)) > 1 and min(counts) > 0  # Poisson: towns differ in their number


def test_key_persons_raise_the_chance_that_initiatives_launch():
    launched = {0.0: 0, 100.0: 0}
    for per_10000 in launched:
        for seed in range(6):
            model = _run(key_config(seed, per_10000))
            launched[per_10000] += sum(i.launched_year is not None for i in model.civic.initiatives)
    assert launched[100.0] > launched[0.0]


def test_more_employer_jobs_bring_more_newcomers_and_arrivals_factor_is_one_at_start():
    arrivals = {}
    for share in (0.0, 1.0):
        total = 0
        for seed in range(4):
            cfg = employer_config(
                seed=seed, years=6, job_growth_share=share, arrivals_jobs_elasticity=1.0
            )
            model = TownModel(cfg)
            assert model.employers.arrivals_factor(0) == 1.0
            for _ in range(cfg.years):
                model.step()
                total += model.flows.in_migrants
        arrivals[share] = total
    assert arrivals[1.0] > arrivals[0.0]


@pytest.mark.slow
def test_the_attribution_assigns_every_decision_to_a_source():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "experiments"))
    import divergence

    table, everything, unassigned = divergence.attribution("peripheral", seeds=2, years=2)
    assert unassigned == set()
    assert list(table["source"]) == ["all sources", *divergence.SOURCES]
    assert len(everything) == 2 and everything[0] != everything[1]
