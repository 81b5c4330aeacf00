"""Civic life by group (issue 12 item 4): who an initiative's benefits reach, elite capture
and Phase Null, and informal support buffering a closure (seed-notes SF17, SF31).

Mechanism tests on small towns where the direction can be reasoned out.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import closure_qol, tiny_config

from sim.accessibility import resident_situations
from sim.civic.benefits import is_broad
from sim.config import InitiativeType, PhaseNullConfig, PolicyConfig, ServiceType
from sim.model import TownModel

HOUSE = InitiativeType.community_house
ENERGY = InitiativeType.energy_coop


def _launch(model: TownModel, kind: InitiativeType, members: np.ndarray, place: int):
    initiative = model.civic.start(kind, 0, None, place=place)
    initiative.members = np.sort(members)
    model.civic._launch(initiative)
    return initiative


def _residents(model: TownModel, place: str) -> np.ndarray:
    rows = model.population.alive_rows
    return rows[model.population.person_place(rows) == model.town.index[place]]


@pytest.mark.parametrize("seed", range(3))
def test_members_and_those_served_get_more_civic_life_than_others(seed):
    # A community house in the village (outreach 0: it serves the village) with 30 members
    # from the centre: members and villagers get its full weight, other centre residents a share.
    cfg = tiny_config(years=1, seed=seed, residents=2000)
    cfg.civic.change_agent_share = 0.0
    model = TownModel(cfg)
    dorf = model.town.index["Dorf"]
    mitte_rows = _residents(model, "Mitte")
    adults = mitte_rows[model.population.people.age[mitte_rows] >= 25]
    members = model.rng.choice(adults, 30, replace=False)
    _launch(model, HOUSE, members, dorf)
    model.civic._civic_life()
    others = np.setdiff1d(mitte_rows, members)
    civic = model.civic.civic_life_of
    place = model.population.person_place
    member_score = civic(place(members), members)
    other_score = civic(place(others), others)
    villagers = _residents(model, "Dorf")
    served_score = civic(place(villagers), villagers)
    assert np.allclose(member_score, served_score.max())
    assert np.allclose(served_score, served_score[0]) and served_score[0] > 0
    assert other_score.max() < member_score.min()
    assert other_score.min() > 0  # the rest of the town gets a share, not nothing
    # with a full share everyone gets the same
    model.config.civic.nonmember_benefit_share = 1.0
    model.config.civic.elite_capture = 0.0
    model.civic._civic_life()
    assert np.allclose(civic(place(others), others), member_score[0])


def _gap(phase_null: bool, seed: int, years: int = 6) -> float:
    """Civic life of the core minus that of young people and newcomers, after ``years``, in a
    town whose energy cooperative (it serves no place in particular) was founded by older
    long-time residents (narrow)."""
    cfg = tiny_config(years=years, seed=seed, residents=2000, second_place=False)
    cfg.civic.change_agent_share = 0.0
    if phase_null:
        cfg.policy = PolicyConfig(name="phase_null", phase_null=PhaseNullConfig(enabled=True))
    model = TownModel(cfg)
    p = model.population.people
    rows = model.population.alive_rows
    core = rows[~is_broad(model, rows) & (p.age[rows] >= 45)]
    _launch(model, ENERGY, model.rng.choice(core, 60, replace=False), model.town.index["Mitte"])
    for _ in range(years):
        model.step()
    rows = model.population.alive_rows
    civic = model.civic.civic_life_of(model.population.person_place(rows), rows)
    broad = is_broad(model, rows)
    return float(civic[~broad].mean() - civic[broad].mean())


def test_narrow_participation_leaves_youth_and_newcomers_behind_and_phase_null_narrows_it():
    seeds = range(4)
    narrow = np.array([_gap(False, s) for s in seeds])
    broad = np.array([_gap(True, s) for s in seeds])
    assert (narrow > 0).all()
    assert broad.mean() < narrow.mean()
    assert (broad < narrow).sum() >= 3


def _closure_loss_by_support(seed: int, kind: ServiceType) -> tuple[float, float]:
    """Mean QoL loss when the town's only provider of ``kind`` (in the centre) closes, of its
    local users without a car (living in the centre) with and without informal support,
    compared within the same life stage.

    Only there: in the village, those without a car and without support could hardly reach the
    centre's provider before and have little to lose (a floor), while the supported lose the
    short drive; informal support raises their level, not their drop."""
    model, before, after = closure_qol(kind, seed, years=1)
    rows = model.population.alive_rows
    s = resident_situations(model, rows)
    no_car = ~model.population.people.has_car[rows]
    loss = before[rows] - after[rows]
    with_support, without = [], []
    no_car &= s.home == model.town.index["Mitte"]
    for stratum in {(int(a), int(b)) for a, b in zip(s.stage[no_car], s.home[no_car], strict=True)}:
        same = no_car & (s.stage == stratum[0]) & (s.home == stratum[1])
        yes, no = same & s.supported, same & ~s.supported
        if yes.sum() >= 5 and no.sum() >= 5:  # comparable people on both sides
            with_support.append(loss[yes].mean())
            without.append(loss[no].mean())
    assert with_support, "no stratum with people on both sides"
    return float(np.mean(with_support)), float(np.mean(without))


@pytest.mark.parametrize("kind", [ServiceType.gp, ServiceType.grocery])
def test_informal_support_lowers_the_qol_loss_of_a_closure_for_those_who_have_it(kind):
    for seed in range(3):
        supported, unsupported = _closure_loss_by_support(seed, kind)
        assert 0 < supported < unsupported


def test_civic_life_by_group_survives_renumbering_of_people_rows():
    # Dropping the rows of people who left renumbers everyone: members keep their civic life.
    cfg = tiny_config(years=4, seed=1, residents=2000)
    cfg.civic.change_agent_share = 0.0
    model = TownModel(cfg)
    rows = model.population.alive_rows
    core = rows[~is_broad(model, rows) & (model.population.people.age[rows] >= 45)]
    _launch(model, ENERGY, model.rng.choice(core, 60, replace=False), model.town.index["Mitte"])
    for _ in range(3):
        model.step()
    assert (~model.population.people.alive).any()  # someone died or left: rows to drop
    place = model.population.person_place
    before = model.civic.civic_life_of(
        place(model.population.alive_rows), model.population.alive_rows
    )
    assert model.population.compact(force=True)
    rows = model.population.alive_rows
    remapped = model.civic.civic_life_of(place(rows), rows)
    assert np.allclose(np.sort(remapped), np.sort(before))
    # the table's members are the initiatives' members, renumbered the same way
    table = model.civic.benefits.members
    for i, initiative in enumerate(model.civic.running()):
        assert np.array_equal(np.flatnonzero(table[i]), np.sort(initiative.members))
