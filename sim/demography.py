"""Yearly demography: ageing, deaths, births, leaving home, couples and separations.

Timing within a year (ODD §3): everyone present ages by one year first, so ``age`` is the age
reached during the year, the convention of the Destatis fertility rates (year-of-birth
method). A person of age x then dies with the life table's q_x; a woman of age x gives birth
with the year's rate f_x; a newborn dies in its birth year with q_0. Measured over a closed
population, these rules reproduce the life table's e0 and the year's total fertility rate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import data
from sim.config import LifeStage
from sim.population import Origin, Role
from sim.synthesis import build_ties, draw_engagement, match_by_age

if TYPE_CHECKING:
    from sim.model import TownModel

FEMALE_SHARE_AT_BIRTH = 100 / 205.5
"""About 105.5 boys are born per 100 girls in Germany (Destatis)."""


def age_one_year(model: TownModel) -> None:
    """Everyone living in the town turns one year older and one year longer in town."""
    p = model.population.people
    alive = p.alive
    p.age[alive] += 1
    p.years_in_town[alive] += 1


def deaths(model: TownModel) -> None:
    """Each resident dies with the life table's q at their age and sex."""
    pop = model.population
    p = pop.people
    rows = pop.alive_rows
    age = np.minimum(p.age[rows], data.MAX_AGE).astype(np.int64)
    sex = p.female[rows].astype(np.int64)
    dies = model.rng.random(rows.size) < model.death_q[sex, age]
    model.flows.note_exposure(sex, age)
    model.flows.note_deaths(sex[dies], age[dies])
    pop.remove_people(rows[dies])


def births(model: TownModel) -> None:
    """Women give birth with the age-specific rate; the baby joins the mother's household."""
    pop = model.population
    p = pop.people
    rows = pop.alive_rows
    women = rows[p.female[rows] & (p.age[rows] >= 15) & (p.age[rows] <= 49)]
    rate = model.fertility[p.age[women]]
    mothers = women[model.rng.random(women.size) < rate]
    model.flows.note_fertility_exposure(p.age[women], p.age[mothers])
    n = mothers.size
    if n == 0:
        return
    female = model.rng.random(n) < FEMALE_SHARE_AT_BIRTH
    sex = female.astype(np.int64)
    # Infant deaths fall mostly in the first weeks: q_0 applies within the birth year. Babies
    # who die are counted as births and deaths but never become residents.
    infant = model.rng.random(n) < model.death_q[sex, 0]
    model.flows.births += n
    model.flows.note_exposure(sex, np.zeros(n, dtype=np.int64))
    model.flows.note_deaths(sex[infant], np.zeros(int(infant.sum()), dtype=np.int64))
    survivors = ~infant
    k = int(survivors.sum())
    if k == 0:
        return
    babies = pop.add_people(
        k,
        age=0,
        female=female[survivors],
        household=p.household[mothers[survivors]],
        role=Role.child,
        stage=LifeStage.child,
        engagement=draw_engagement(model, k),
        years_in_town=0,
        origin=Origin.born_here,
    )
    build_ties(model, babies)


def leave_parental_home(model: TownModel) -> None:
    """Adult children move into a dwelling of their own in town, if one is free."""
    pop = model.population
    p = pop.people
    d = model.config.demography
    rows = pop.alive_rows
    candidates = rows[(p.role[rows] == Role.child) & (p.age[rows] >= 18)]
    age = p.age[candidates]
    hazard = np.where(
        age < 25,
        d.leave_home_hazard_18_24,
        np.where(age < 30, d.leave_home_hazard_25_29, d.leave_home_hazard_30_plus),
    )
    leavers = candidates[model.rng.random(candidates.size) < hazard]
    if leavers.size == 0:
        return
    dwellings = model.housing.allocate(leavers.size, prefer_places=pop.person_place(leavers))
    served = dwellings >= 0
    model.flows.blocked_household_formations += int((~served).sum())
    leavers, dwellings = leavers[served], dwellings[served]
    if leavers.size == 0:
        return
    hh = pop.new_households(pop.dwellings.place[dwellings], dwellings)
    pop.move_people(leavers, hh, Role.adult)
    model.flows.new_households += leavers.size


def form_couples(model: TownModel) -> None:
    """Single adults 20–59 meet a partner in town and move in together.

    Seekers are drawn with ``demography.partnering_hazard_20_24`` (under 25) or
    ``demography.partnering_hazard`` and matched by age rank (men about
    two years older). Two people still with their parents need a free dwelling; otherwise the
    smaller household moves into the larger one (the moved-out household is dissolved).
    """
    pop = model.population
    p = pop.people
    d = model.config.demography
    rng = model.rng
    rows = pop.alive_rows
    single = rows[(p.partner[rows] < 0) & (p.age[rows] >= 20) & (p.age[rows] < 60)]
    hazard = np.where(p.age[single] < 25, d.partnering_hazard_20_24, d.partnering_hazard)
    seekers = single[rng.random(single.size) < hazard]
    men, women = match_by_age(seekers[~p.female[seekers]], seekers[p.female[seekers]], p.age, rng)
    if men.size == 0:
        return
    keep = p.household[men] != p.household[women]
    men, women = men[keep], women[keep]
    both_with_parents = (p.role[men] == Role.child) & (p.role[women] == Role.child)
    # Couples who both still live with their parents need a dwelling: allocate in one go.
    needing = np.flatnonzero(both_with_parents)
    dwellings = model.housing.allocate(needing.size, prefer_places=pop.person_place(women[needing]))
    model.flows.blocked_household_formations += int((dwellings < 0).sum())
    served = np.zeros(men.size, dtype=bool)
    served[needing[dwellings >= 0]] = True
    dwellings = dwellings[dwellings >= 0]
    if dwellings.size:
        hh = pop.new_households(pop.dwellings.place[dwellings], dwellings)
        couples = needing[served[needing]]
        pop.move_people(
            np.concatenate([men[couples], women[couples]]), np.concatenate([hh, hh]), Role.adult
        )
    # One of the two still lives with their parents: they move in with the other (batched).
    one_home = ~both_with_parents & ((p.role[men] == Role.child) | (p.role[women] == Role.child))
    man_moves = one_home & (p.role[men] == Role.child)
    movers = np.where(man_moves, men, women)[one_home]
    hosts = np.where(man_moves, women, men)[one_home]
    left = [pop.move_people(movers, p.household[hosts], Role.adult, settle=False)]
    # Both have households of their own: the smaller household moves into the larger one.
    # A household in two such pairs this year would need an order; those few pairs wait.
    own_homes = ~both_with_parents & ~one_home
    hm, hw = p.household[men], p.household[women]
    sizes = pop.household_sizes()
    man_hosts = sizes[hm] >= sizes[hw]
    host = np.where(man_hosts, hm, hw)
    moving = np.where(man_hosts, hw, hm)
    involved = np.concatenate([host[own_homes], moving[own_homes]])
    counts = np.bincount(involved, minlength=len(pop.households))
    own_homes &= (counts[host] == 1) & (counts[moving] == 1)
    if own_homes.any():
        target = np.full(len(pop.households), -1, dtype=np.int64)
        target[moving[own_homes]] = host[own_homes]
        rows = pop.alive_rows
        members = rows[target[p.household[rows]] >= 0]
        left.append(
            pop.move_people(
                members, target[p.household[members]], p.role[members].copy(), settle=False
            )
        )
    pop.settle(np.concatenate(left))
    formed = served | one_home | own_homes
    p.partner[men[formed]] = women[formed]
    p.partner[women[formed]] = men[formed]
    model.flows.couples_formed += int(formed.sum())


def separations(model: TownModel) -> None:
    """Couples separate; one partner moves to a free dwelling in town, children stay."""
    pop = model.population
    p = pop.people
    rng = model.rng
    rows = pop.alive_rows
    in_couple = rows[(p.partner[rows] > rows)]  # each couple once
    splitting = in_couple[rng.random(in_couple.size) < model.config.demography.separation_hazard]
    if splitting.size == 0:
        return
    leaving = np.where(rng.random(splitting.size) < 0.5, splitting, p.partner[splitting])
    dwellings = model.housing.allocate(leaving.size, prefer_places=pop.person_place(leaving))
    leaving, dwellings = leaving[dwellings >= 0], dwellings[dwellings >= 0]
    if leaving.size == 0:
        return
    staying = p.partner[leaving]
    p.partner[leaving] = -1
    p.partner[staying] = -1
    hh = pop.new_households(pop.dwellings.place[dwellings], dwellings)
    pop.move_people(leaving, hh, Role.adult)
    model.flows.separations += leaving.size
