"""Migration: who leaves the town, who comes back, and which newcomers arrive.

Out-migration (ODD §7.6). Every adult has a yearly propensity to leave: the German
gross-mobility rate of their age band, multiplied by

- ``female_youth_factor`` for women 18–29 (whether they live alone, with parents or a partner),
- exp(s (gap - reference)): the gap is the best alternative's quality of life minus the
  household's own (mean over the members who would move along), scored by the same function
  (sim/accessibility.py); an adult child's own gap,
- exp(-e (attachment - reference)), attachment = 1 - 0.5^(years in town / half-life),
- exp(-e (local ties share - reference)) and exp(e (engagement - mean)).

Deciding units are households (all members but adult children move together) and adult
children living with their parents (alone). A household's rate is the mean propensity of its
deciding adults (those under 65, or all if none is) times exp(-e (members moving along - 1))
for the partner and children who would move too. Every multiplier is 1 for a reference
resident (a couple, long in town, with typical ties and the reference gap), who therefore
moves at the German rate of their age band.

Young people in training or study (18–21) may also move to study, more likely the further the
nearest university is (added to their propensity). Young leavers who grew up here join an "alumni" pool and may return.

In-migration: newcomer households of each type arrive in numbers proportional to the town's
population, its proximity to the destinations' labour markets ((potential / reference)^e,
see :func:`proximity_potential`), exp(s (reference - gap for that type)), and v / (v + half)
of the habitable vacancy v. No rule refers to a particular town: archetypes differ only through places,
distances and starting population.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import pdtr

from sim.accessibility import place_qol_for_stage
from sim.config import AgeDistribution, LifeStage
from sim.population import Origin, Role
from sim.randomness import box_muller, combine, mix, name_key, tagged_ids
from sim.synthesis import assign_engagement, draw_car_access
from sim.town import CAR
from sim.work import update_work

if TYPE_CHECKING:
    from sim.model import TownModel

ALUMNI_MAX_AGE = 45
RETURN_AGES = (24, 40)
EDUCATION_AGES = (18, 21)
EDUCATION_SIGMOID_MINUTES = 10.0


@dataclass
class AlumniPool:
    """People who grew up in the town and left young; they may come back (returnees).

    ``municipality`` remembers where they grew up (a region has several).
    """

    age: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int16))
    female: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))
    municipality: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int16))
    pid: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))  # when they left

    def add(
        self, age: np.ndarray, female: np.ndarray, municipality: np.ndarray, pid: np.ndarray
    ) -> None:
        self.age = np.concatenate([self.age, age.astype(np.int16)])
        self.female = np.concatenate([self.female, female.astype(bool)])
        self.municipality = np.concatenate([self.municipality, municipality.astype(np.int16)])
        self.pid = np.concatenate([self.pid, pid.astype(np.int64)])

    def _keep(self, keep: np.ndarray) -> None:
        self.age, self.female, self.municipality, self.pid = (
            self.age[keep],
            self.female[keep],
            self.municipality[keep],
            self.pid[keep],
        )

    def age_one_year(self) -> None:
        self.age = self.age + 1
        self._keep(self.age <= ALUMNI_MAX_AGE)

    def take(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Remove members ``index`` from the pool; returns their age, sex and former id."""
        keep = np.ones(self.age.size, dtype=bool)
        keep[index] = False
        taken = self.age[index], self.female[index], self.pid[index]
        self._keep(keep)
        return taken

    def __len__(self) -> int:
        return int(self.age.size)


def base_rate(model: TownModel, age: np.ndarray) -> np.ndarray:
    """German gross out-migration rate by age (bpb Sozialbericht 2024): 0 below 18."""
    m = model.config.migration
    rate = np.zeros(age.shape)
    rate[(age >= 18) & (age < 25)] = m.rate_18_24
    rate[(age >= 25) & (age < 30)] = m.rate_25_29
    rate[(age >= 30) & (age < 50)] = m.rate_30_49
    rate[age >= 50] = m.rate_50_plus
    return rate


def qol_gaps(model: TownModel) -> np.ndarray:
    """Per people row: best alternative QoL minus own QoL (NaN for rows not in town)."""
    p = model.population.people
    mode = np.where(p.has_car, 0, 1)
    return model.alternative_qol[p.stage.astype(np.int64), mode] - model.qol


def out_migration(model: TownModel) -> None:
    """Every adult has a propensity to leave; households and adult children decide."""
    pop = model.population
    p = pop.people
    rows = pop.alive_rows
    if rows.size == 0:
        return
    gap = qol_gaps(model)
    n_hh = len(pop.households)

    # Members who would move along with a household: everyone except adult children; the
    # household weighs their quality of life (adult children decide for themselves).
    moves_along = (p.role[rows] == Role.adult) | (p.age[rows] < 18)
    along = np.bincount(p.household[rows], weights=moves_along, minlength=n_hh)
    hh_gap = np.bincount(
        p.household[rows], weights=np.where(moves_along, gap[rows], 0.0), minlength=n_hh
    ) / np.maximum(along, 1)

    adults = rows[p.role[rows] == Role.adult]
    adult_children = rows[(p.role[rows] == Role.child) & (p.age[rows] >= 18)]
    # Each adult's own propensity (age band, sex, attachment, ties, engagement, study), with
    # the household's mean gap; the household's rate is the mean over its deciding adults
    # (those under 65, or all if none is: a widowed grandparent living with the family does
    # not decide for it), times the tie of the members who would move along.
    adult_rate = person_rates(model, adults, hh_gap[p.household[adults]])
    household = p.household[adults]
    has_young = np.bincount(household, weights=p.age[adults] < 65, minlength=n_hh) > 0
    weight = ((p.age[adults] < 65) | ~has_young[household]).astype(float)
    hh_rate = np.bincount(household, weights=weight * adult_rate, minlength=n_hh) / np.maximum(
        np.bincount(household, weights=weight, minlength=n_hh), 1e-12
    )
    extra = np.minimum(along - 1, 3)
    hh_rate *= np.exp(-model.config.migration.household_tie_effect * (extra - 1))

    # One draw per household, keyed by its oldest deciding adult (paired runs stay paired).
    age_key = np.where(weight > 0, 256, 0) + np.minimum(p.age[adults], 255)
    order = np.argsort(household.astype(np.int64) * 1024 + (1023 - age_key))
    ordered = adults[order]
    first = np.concatenate([[True], p.household[ordered][1:] != p.household[ordered][:-1]])
    deciders = ordered[first]
    units = np.concatenate([deciders, adult_children])
    is_household = np.arange(units.size) < deciders.size
    rate = np.concatenate(
        [hh_rate[p.household[deciders]], person_rates(model, adult_children, gap[adult_children])]
    )
    leaves = model.uniform("leave_town", units) < 1.0 - np.exp(-rate)
    leaving = np.zeros(n_hh, dtype=bool)
    leaving[p.household[units[leaves & is_household]]] = True
    movers = np.concatenate(
        [
            rows[leaving[p.household[rows]] & ((p.role[rows] == Role.adult) | (p.age[rows] < 18))],
            units[leaves & ~is_household],
        ]
    )
    movers = np.unique(movers)
    if movers.size == 0:
        return
    grew_up_here = (p.years_in_town[movers] >= 10) & (p.age[movers] >= 18) & (p.age[movers] < 30)
    young_natives = movers[grew_up_here]
    model.alumni.add(
        p.age[young_natives],
        p.female[young_natives],
        model.person_municipality(young_natives),
        p.pid[young_natives],
    )
    model.flows.note_out(p.age[movers])
    model.flows.out_engagement += float(p.engagement[movers].sum())
    pop.remove_people(movers)


def person_rates(model: TownModel, rows: np.ndarray, gap: np.ndarray) -> np.ndarray:
    """Yearly out-migration rate (not yet a probability) of each adult in ``rows``.

    The German rate of the person's age band, times ``female_youth_factor`` for women 18–29,
    times the exponential multipliers of the gap, attachment, local ties and engagement (each
    1 at its reference), plus the education-migration hazard for 18–21-year-olds in training
    or study whose university is far (also times the female factor).
    """
    p = model.population.people
    m = model.config.migration
    age = p.age[rows]
    rate = base_rate(model, age)
    attachment = 1.0 - np.power(0.5, p.years_in_town[rows] / m.attachment_halflife_years)
    ties_share = model.local_ties_share(rows)
    log_multiplier = (
        m.qol_gap_sensitivity * (gap - m.qol_gap_reference)
        - m.attachment_effect * (attachment - m.attachment_reference)
        - m.social_tie_effect * (ties_share - m.social_tie_reference)
        + m.engagement_effect * (p.engagement[rows] - model.config.social.engagement_mean)
    )
    rate = rate * np.exp(log_multiplier)
    in_education = (
        (p.stage[rows] == LifeStage.student)
        & (age >= EDUCATION_AGES[0])
        & (age <= EDUCATION_AGES[1])
    )
    mode = np.where(p.has_car[rows], 0, 1)
    uni_minutes = model.university_minutes[mode, model.population.person_place(rows)]
    far = 1.0 / (
        1.0 + np.exp(-(uni_minutes - m.education_commute_limit_minutes) / EDUCATION_SIGMOID_MINUTES)
    )
    rate = rate + np.where(in_education, m.education_hazard * far, 0.0)
    young_women = p.female[rows] & (age >= 18) & (age < 30)
    return np.where(young_women, rate * m.female_youth_factor, rate)


# ---------------------------------------------------------------------------------------------
# In-migration
# ---------------------------------------------------------------------------------------------

NEWCOMER_STAGES: dict[Origin, tuple[LifeStage, ...]] = {
    Origin.family: (LifeStage.commuter, LifeStage.commuter, LifeStage.child),
    Origin.young_adult: (LifeStage.local_worker,),
    Origin.retiree: (LifeStage.retired,),
    Origin.remote_worker: (LifeStage.remote_worker,),
    Origin.returnee: (LifeStage.commuter,),
}
"""Whose quality of life a newcomer household of each type weighs (assumption, ODD §7.6)."""


def attractiveness(model: TownModel, origin: Origin, weights: np.ndarray) -> float:
    """Town QoL minus best alternative QoL for a newcomer type, averaged over its members.

    Town QoL is averaged over places with ``weights`` (free habitable dwellings).
    """
    if weights.sum() <= 0:
        return -np.inf
    values = []
    for stage in NEWCOMER_STAGES[origin]:
        here = place_qol_for_stage(model, stage, CAR)
        values.append(np.average(here, weights=weights) - model.alternative_qol[stage, CAR])
    return float(np.mean(values))


def proximity_potential(model: TownModel, municipality: int = 0) -> float:
    """Gravity potential of a municipality for movers: sum of jobs^0.5 x exp(-minutes / scale).

    Summed over the destinations (regional centre, metropolis), car minutes from the
    municipality's centre. Most migrants move a short distance, so a town near a large labour
    market has more potential newcomers (issue #2: arrivals depend on travel time to the
    metropolis and the regional centre).
    """
    town = model.town
    dest = np.flatnonzero(town.is_destination)
    minutes = town.minutes[CAR, town.centres[municipality], dest]
    mass = np.power(town.jobs[dest], 0.5)
    return float(np.sum(mass * np.exp(-minutes / model.config.migration.proximity_scale_minutes)))


def in_migration(model: TownModel, remote_pull: list[float]) -> None:
    """Returnees from the alumni pool and newcomer households of each type arrive.

    Computed per municipality (one for a single town): its population, its centre's
    proximity, its attractiveness and its free dwellings; newcomers settle in its places.

    Args:
        remote_pull: per municipality, the multiplier on remote-worker arrivals from its
            coworking spaces (civic life, ``CivicSystem.remote_worker_pull``).
    """
    groups: list[tuple[Origin, np.ndarray, np.ndarray, tuple[np.ndarray, ...] | None]] = []
    populations = model.municipality_population()
    stock, _, habitable = model.housing.stock_by_place()  # dwellings are taken only in _settle
    for municipality in range(model.town.n_municipalities):
        groups += _arrivals(
            model,
            municipality,
            int(populations[municipality]),
            stock,
            habitable,
            remote_pull[municipality],
        )
    _settle(model, groups)


def _arrivals(
    model: TownModel,
    municipality: int,
    population: int,
    stock: np.ndarray,
    habitable: np.ndarray,
    remote_pull: float,
) -> list:
    """Arriving households of one municipality: (origin, dwellings, returnees) per type."""
    m = model.config.migration
    town = model.town
    year = model.year
    places = town.places_of(municipality)
    free = np.zeros(town.n_places)
    free[places] = habitable[places]
    vacancy = float(free.sum() / max(stock[places].sum(), 1))
    housing_factor = vacancy / (vacancy + m.housing_half_vacancy)
    proximity = (
        proximity_potential(model, municipality) / m.proximity_reference
    ) ** m.proximity_elasticity
    broadband = float(np.average(town.broadband, weights=free)) if free.sum() > 0 else 0.0

    arrivals: list[tuple[Origin, int]] = []
    jobs = model.employers.arrivals_factor(municipality)  # local labour demand (sim/employers.py)
    image = model.local_events.arrivals_factor(municipality)  # the news (sim/local_events.py)
    rates = {
        Origin.family: m.in_rate_family * jobs * image,
        Origin.young_adult: m.in_rate_young_adult * jobs * image,
        Origin.retiree: m.in_rate_retiree * image,
        Origin.remote_worker: m.in_rate_remote_worker * broadband * remote_pull * image,
    }
    for origin, rate in rates.items():
        gain = attractiveness(model, origin, free)
        expected = (
            rate
            * population
            * proximity
            * np.exp(m.attractiveness_sensitivity * (gain + m.qol_gap_reference))
            * housing_factor
        )
        mean_size = getattr(m.newcomers, origin.name).mean_size()  # persons per household
        # Inverse CDF of one keyed number: a slightly different expectation in a paired run
        # changes the count by at most about one household, and the same households come.
        u = model.streams.uniform("arrivals", year, np.array([municipality * 16 + int(origin)]))
        arrivals.append((origin, poisson_quantile(u[0], expected / mean_size)))

    # Returnees: pool members from this municipality of returning age, same attractiveness response.
    gain = attractiveness(model, Origin.returnee, free)
    alumni = model.alumni
    eligible = np.flatnonzero(
        (alumni.age >= RETURN_AGES[0])
        & (alumni.age <= RETURN_AGES[1])
        & (alumni.municipality == municipality)
    )
    p_return = 1.0 - np.exp(
        -m.return_hazard
        * np.exp(m.attractiveness_sensitivity * (gain + m.qol_gap_reference))
        * housing_factor
    )
    u_return = model.streams.uniform("return", year, alumni.pid[eligible])
    returning = eligible[u_return < p_return]

    # Each arriving household has a stable key: (year, municipality, origin, its number) for
    # newcomers, the former id for returnees; paired runs bring the same households as far as
    # their counts agree (sim/randomness.py). Types are interleaved in a keyed random order so
    # that a shortage of dwellings does not favour the first type.
    origins = [origin for origin, n in arrivals for _ in range(n)] + [
        Origin.returnee
    ] * returning.size
    if not origins:
        return []
    keys = np.concatenate(
        [
            *(_household_keys(year, municipality, origin, np.arange(n)) for origin, n in arrivals),
            _household_keys(year, municipality, Origin.returnee, alumni.pid[returning]),
        ]
    )
    order = np.lexsort((keys, model.streams.uniform("arrival_order", year, keys)))
    queue = [origins[i] for i in order]
    keys = keys[order]
    weights = np.zeros(town.n_places)
    weights[places] = np.exp(
        m.attractiveness_sensitivity * place_qol_for_stage(model, LifeStage.commuter, CAR)[places]
    )
    dwellings = model.housing.allocate(keys.view(np.int64), "arrival", place_weights=weights)
    model.flows.arrivals_blocked += int((dwellings < 0).sum())
    served = np.array([int(o) for o in queue], dtype=np.int64)
    served[dwellings < 0] = -1
    groups = []
    for origin in (*rates.keys(), Origin.returnee):
        slots = np.flatnonzero(served == int(origin))
        if slots.size:
            returnees = None
            if origin is Origin.returnee:  # those whose household found a dwelling, in order
                key_of = _household_keys(year, municipality, Origin.returnee, alumni.pid[returning])
                by_key = np.argsort(key_of)
                found = by_key[np.searchsorted(key_of[by_key], keys[slots])]
                returnees = alumni.take(returning[found])
            groups.append((origin, dwellings[slots], keys[slots], returnees))
    return groups


def poisson_quantile(u: float, mean: float) -> int:
    """The smallest k with P(Poisson(mean) <= k) >= u: the inverse CDF, monotone in the mean."""
    if mean <= 0:
        return 0
    ks = np.arange(0, int(mean + 12 * np.sqrt(mean) + 20))
    return int(min(np.searchsorted(pdtr(ks, mean), u, side="left"), ks.size - 1))


def _household_keys(
    year: int, municipality: int, origin: Origin, numbers: np.ndarray
) -> np.ndarray:
    """Stable 64-bit keys of arriving households (uint64)."""
    base = combine(name_key("arriving household"), year, municipality, int(origin))
    return mix(np.asarray(numbers).astype(np.uint64) ^ base)


def _compose(
    model: TownModel,
    origin: Origin,
    keys: np.ndarray,
    returnees: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
) -> dict[str, np.ndarray]:
    """Members of the arriving households ``keys``: household number, age, sex, role, partner,
    and each member's stable id. Every number is keyed by the household's key."""
    n = keys.size
    year = model.year

    def u(draw: int) -> np.ndarray:
        return model.streams.uniform("newcomer", year, keys, draw)

    def normal(draw: int) -> np.ndarray:
        return box_muller(u(draw), u(draw + 1))

    def binomial(trials: int, p: float, draw: int) -> np.ndarray:
        return sum((u(draw + t) < p).astype(np.int64) for t in range(trials))

    c = model.config.migration.newcomers
    if origin is Origin.returnee:
        ages, first_female, _ = returnees
        couple = u(2) < c.returnee_couple_share
        first_age = ages.astype(float)
        with_children = couple & (first_age >= c.returnee_children_min_age)
        kids = np.where(
            with_children & (u(4) < c.returnee_children_share), 1 + binomial(1, 0.5, 5), 0
        )
    else:
        t = getattr(c, origin.name)
        couple = u(2) < t.couple_share
        if t.age_distribution is AgeDistribution.normal:
            first_age = np.clip(t.age_mean + t.age_sd * normal(0), t.age_min, t.age_max)
        else:
            first_age = t.age_min + (t.age_max - t.age_min) * u(0)
        first_female = u(3) < t.first_female_share
        extra = binomial(t.children_extra_trials, t.children_extra_share, 5)
        kids = np.where(couple & (u(4) < t.children_share), 1 + extra, 0)
    first_age = np.floor(first_age).astype(np.int64)
    gap = np.where(first_female, 1, -1) * c.partner_age_gap + c.partner_age_sd * normal(10)
    second_age = np.maximum(18, first_age + np.round(gap).astype(np.int64))
    mother_age = np.where(first_female, first_age, second_age)

    size = 1 + couple + kids
    hh = np.repeat(np.arange(n), size)
    position = np.arange(hh.size) - np.repeat(np.cumsum(size) - size, size)
    age = np.where(
        position == 0, first_age[hh], np.where((position == 1) & couple[hh], second_age[hh], 0)
    )
    # Each member's id: a hash of the household's key and their position in it (a returnee
    # gets a new id: ids are never reused).
    member_keys = mix(keys[hh] + position.astype(np.uint64) + np.uint64(1))
    pid = tagged_ids(member_keys, tag_bit=62)

    def member_u(draw: int) -> np.ndarray:
        return model.streams.uniform("newcomer member", year, pid, draw)

    female = np.where(
        position == 0,
        first_female[hh],
        np.where(
            (position == 1) & couple[hh], ~first_female[hh], member_u(0) < c.child_female_share
        ),
    )
    is_kid = position >= 1 + couple[hh]
    max_kid_age = np.clip(mother_age[hh] - c.mother_age_at_first_child, 0, c.child_max_age)
    age = np.where(is_kid, np.floor(member_u(1) * (max_kid_age + 1)), age).astype(np.int16)
    role = np.where(is_kid, Role.child, Role.adult).astype(np.int8)
    first_index = np.cumsum(size) - size
    partner = np.full(hh.size, -1, dtype=np.int64)
    couple_hh = np.flatnonzero(couple)
    partner[first_index[couple_hh]] = first_index[couple_hh] + 1
    partner[first_index[couple_hh] + 1] = first_index[couple_hh]
    origin_col = np.full(hh.size, int(origin), dtype=np.int8)
    if origin is Origin.returnee:
        origin_col[position > 0] = Origin.partner
    return {
        "household": hh,
        "age": age,
        "female": female,
        "role": role,
        "partner": partner,
        "origin": origin_col,
        "is_kid": is_kid,
        "position": position,
        "pid": pid,
    }


def _settle(
    model: TownModel,
    groups: list[tuple[Origin, np.ndarray, np.ndarray, tuple[np.ndarray, ...] | None]],
) -> None:
    """Create the arriving households of all types in their dwellings, in one batch."""
    pop = model.population
    if not groups:
        return
    columns: dict[str, list[np.ndarray]] = {
        k: []
        for k in (
            "household",
            "age",
            "female",
            "role",
            "partner",
            "origin",
            "years",
            "remote",
            "dwellings",
            "pid",
        )
    }
    n_households = n_people = 0
    for origin, dwellings, keys, returnees in groups:
        comp = _compose(model, origin, keys, returnees)
        columns["household"].append(comp["household"] + n_households)
        columns["partner"].append(np.where(comp["partner"] >= 0, comp["partner"] + n_people, -1))
        for key in ("age", "female", "role", "origin", "pid"):
            columns[key].append(comp[key])
        first = comp["position"] == 0
        columns["years"].append(
            np.where(first, 18, 0) if origin is Origin.returnee else np.zeros(first.size)
        )  # returnees grew up here
        columns["remote"].append(
            first if origin is Origin.remote_worker else np.zeros(first.size, dtype=bool)
        )
        columns["dwellings"].append(dwellings)
        n_households += dwellings.size
        n_people += comp["age"].size
    merged = {k: np.concatenate(v) for k, v in columns.items()}
    dwellings = merged["dwellings"]
    hh = pop.new_households(pop.dwellings.place[dwellings], dwellings)
    base = len(pop.people)
    age = merged["age"]
    rows = pop.add_people(
        age.size,
        pid=merged["pid"],
        age=age,
        female=merged["female"],
        household=hh[merged["household"]],
        role=merged["role"],
        partner=np.where(merged["partner"] >= 0, merged["partner"] + base, -1),
        years_in_town=merged["years"],
        origin=merged["origin"],
    )
    p = pop.people
    p.has_car[rows] = draw_car_access(model, rows)
    assign_engagement(model, rows)
    update_work(model, rows)
    # Remote workers keep their job at the metropolis and work from home (issue #2 newcomer type).
    workers = rows[merged["remote"] & (age >= 18) & (age < model.config.work.retirement_age)]
    pop.people.stage[workers] = LifeStage.remote_worker
    pop.people.job_place[workers] = model.town.metropolis_or_regional_centre
    model.awaiting_ties.append(rows)  # ties are made for all of the year's newcomers at once
    for origin in dict.fromkeys(
        o for o, _, _, _ in groups
    ):  # a region has a group per municipality
        members = merged["origin"] == int(origin)
        if origin is Origin.returnee:  # with the partners and children who came along
            members |= merged["origin"] == int(Origin.partner)
        model.flows.note_in(age[members], origin)
