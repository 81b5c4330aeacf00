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
from sim.randomness import child_ids
from sim.synthesis import assign_engagement

if TYPE_CHECKING:
    from sim.model import TownModel

AGE_GAP, AGE_GAP_SD = 2.0, 2.0
"""Men are about two years older than their female partners (assumption, ODD §7.1)."""

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
    dies = model.uniform("death", rows) < model.death_q[sex, age]
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
    mothers = women[model.uniform("birth", women) < rate]
    model.flows.note_fertility_exposure(p.age[women], p.age[mothers])
    n = mothers.size
    if n == 0:
        return
    female = model.uniform("birth", mothers, 1) < FEMALE_SHARE_AT_BIRTH
    sex = female.astype(np.int64)
    # Infant deaths fall mostly in the first weeks: q_0 applies within the birth year. Babies
    # who die are counted as births and deaths but never become residents.
    infant = model.uniform("birth", mothers, 2) < model.death_q[sex, 0]
    model.flows.births += n
    model.flows.note_exposure(sex, np.zeros(n, dtype=np.int64))
    model.flows.note_deaths(sex[infant], np.zeros(int(infant.sum()), dtype=np.int64))
    survivors = ~infant
    k = int(survivors.sum())
    if k == 0:
        return
    babies = pop.add_people(
        k,
        pid=child_ids(p.pid[mothers[survivors]], model.year, salt=0),
        age=0,
        female=female[survivors],
        household=p.household[mothers[survivors]],
        role=Role.child,
        stage=LifeStage.child,
        years_in_town=0,
        origin=Origin.born_here,
    )
    p = pop.people  # the columns were extended
    assign_engagement(model, babies)
    model.awaiting_ties.append(babies)  # their ties are made with the newcomers' (step 11)


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
    leavers = candidates[model.uniform("leave_home", candidates) < hazard]
    if leavers.size == 0:
        return
    dwellings = model.housing.allocate(
        p.pid[leavers], "leave_home", prefer_places=pop.person_place(leavers)
    )
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
    rows = pop.alive_rows
    single = rows[(p.partner[rows] < 0) & (p.age[rows] >= 20) & (p.age[rows] < 60)]
    hazard = np.where(p.age[single] < 25, d.partnering_hazard_20_24, d.partnering_hazard)
    seekers = single[model.uniform("couple", single) < hazard]
    men, women = match_partners(model, seekers[~p.female[seekers]], seekers[p.female[seekers]])
    if men.size == 0:
        return
    keep = p.household[men] != p.household[women]
    men, women = men[keep], women[keep]
    both_with_parents = (p.role[men] == Role.child) & (p.role[women] == Role.child)
    # Couples who both still live with their parents need a dwelling: allocate in one go.
    needing = np.flatnonzero(both_with_parents)
    dwellings = model.housing.allocate(
        p.pid[women[needing]], "couple_home", prefer_places=pop.person_place(women[needing])
    )
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


def match_partners(
    model: TownModel, men: np.ndarray, women: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pair this year's seekers by keyed preferences.

    Each woman ranks the men by a keyed clock, shorter the closer a man is to the usual age
    gap (men about ``AGE_GAP`` years older, spread ``AGE_GAP_SD``; assumption, ODD §7.1). In
    rounds, every unmatched woman proposes to her first choice among the free men; a man with
    several proposals takes the woman who comes first in a keyed order. Her clocks are keyed
    by her id and each man's, so one seeker more or less in a paired run changes few pairs
    (matching by age rank would shift every later pair).

    Returns:
        Two arrays of equal length: the men and the women, pair by pair.
    """
    p = model.population.people
    if men.size == 0 or women.size == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    u = model.streams.pair_uniforms("partner", model.year, p.pid[women], p.pid[men])
    gap = (p.age[men][None, :] - p.age[women][:, None].astype(float) - AGE_GAP) / AGE_GAP_SD
    log_clock = np.log(np.maximum(-np.log1p(-u), 1e-300)) + 0.5 * gap**2  # (women, men)
    priority = np.lexsort((p.pid[women], model.uniform("couple_order", women)))
    rank = np.empty(women.size, dtype=np.int64)
    rank[priority] = np.arange(women.size)
    husband = np.full(women.size, -1, dtype=np.int64)
    taken = np.zeros(men.size, dtype=bool)
    while True:
        single = np.flatnonzero(husband < 0)
        if single.size == 0 or taken.all():
            break
        choice = np.argmin(np.where(taken[None, :], np.inf, log_clock[single]), axis=1)
        # Per man, the proposing woman who comes first in the keyed order wins.
        order = np.lexsort((rank[single], choice))
        first = np.concatenate([[True], choice[order][1:] != choice[order][:-1]])
        winners = single[order[first]]
        husband[winners] = choice[order[first]]
        taken[choice[order[first]]] = True
    matched = np.flatnonzero(husband >= 0)
    return men[husband[matched]], women[matched]


def separations(model: TownModel) -> None:
    """Couples separate; one partner moves to a free dwelling in town, children stay."""
    pop = model.population
    p = pop.people
    rows = pop.alive_rows
    in_couple = rows[(p.partner[rows] > rows)]  # each couple once
    splitting = in_couple[
        model.uniform("separation", in_couple) < model.config.demography.separation_hazard
    ]
    if splitting.size == 0:
        return
    leaving = np.where(
        model.uniform("separation", splitting, 1) < 0.5, splitting, p.partner[splitting]
    )
    dwellings = model.housing.allocate(
        p.pid[leaving], "separation_home", prefer_places=pop.person_place(leaving)
    )
    leaving, dwellings = leaving[dwellings >= 0], dwellings[dwellings >= 0]
    if leaving.size == 0:
        return
    staying = p.partner[leaving]
    p.partner[leaving] = -1
    p.partner[staying] = -1
    hh = pop.new_households(pop.dwellings.place[dwellings], dwellings)
    pop.move_people(leaving, hh, Role.adult)
    model.flows.separations += leaving.size
