"""The initial population: people by age and sex, households, dwellings and social ties.

People are drawn per place from the Destatis 2020 age structure (or the place's own age
structure), then grouped into households so that household figures for small German
municipalities come out (ODD §5): most 18–24-year-olds live with their parents, adults form
couples by age, children are placed with a mother of a plausible age, the rest live alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import betaincinv

from sim import data
from sim.config import ConfigError
from sim.population import Origin, Role
from sim.randomness import box_muller

if TYPE_CHECKING:
    from sim.model import TownModel

MAX_CHILDREN = 5

Uniforms = Callable[[np.ndarray, int], np.ndarray]
"""``uniforms(rows, draw)``: one uniform number per row (keyed draws, or a generator's)."""


def generator_uniforms(rng: np.random.Generator) -> Uniforms:
    """Uniform numbers from a generator, in call order (the initial town's own stream)."""
    return lambda rows, draw: rng.random(np.asarray(rows).size)


def keyed_uniforms(model: TownModel, decision: str) -> Uniforms:
    """Uniform numbers keyed by (seed, decision, year, person id) for people rows."""
    return lambda rows, draw: model.uniform(decision, rows, draw)


def joint_age_sex_distribution(region: str, age_structure: dict[str, float] | None) -> np.ndarray:
    """P(sex, age) as an array (2, MAX_AGE + 1) summing to 1.

    Without ``age_structure`` this is the Destatis profile. With it, each band gets its share
    and within a band ages and sexes follow the Destatis profile.
    """
    profile = data.age_distribution(region)
    women = 42_128_512 / 83_155_031  # Destatis 31.12.2020, both sexes (age_structure csv header)
    joint = np.vstack([profile[0] * (1 - women), profile[1] * women])
    if not age_structure:
        return joint
    out = np.zeros_like(joint)
    for label, share in age_structure.items():
        low, high = data.parse_band(label)
        block = joint[:, low : high + 1]
        out[:, low : high + 1] = share * block / block.sum()
    return out / out.sum()


def synthesise(model: TownModel) -> None:
    """Create the initial people, households, dwellings and ties of ``model``.

    The initial town draws from its own stream (``synthesis``, year 0) and its people's
    attributes are keyed by their ids, so it is the same for every policy, shock and provider
    list with the same seed (sim/randomness.py).
    """
    cfg = model.config
    town = model.town
    rng = model.streams.generator("synthesis", 0)
    pop = model.population
    region = town.config.region.value
    for place in town.home_places:
        n_people = int(town.residents[place])
        _make_dwellings(model, place, int(town.dwellings[place]), rng)
        if n_people == 0:
            continue
        joint = joint_age_sex_distribution(region, town.config.places[place].age_structure)
        draws = rng.choice(joint.size, size=n_people, p=joint.ravel())
        female = draws >= joint.shape[1]
        age = (draws % joint.shape[1]).astype(np.int16)
        members, roles, partners = _form_households(age, female, cfg, rng)
        free = pop.vacant_dwellings()
        free = free[pop.dwellings.place[free] == place]
        members = _fit_to_dwellings(age, members, roles, free.size, rng)
        n_households = int(members.max()) + 1
        if n_households > free.size:
            index = int(place)
            prefix = getattr(town.config, "source", "town")
            raise ConfigError(
                f"{prefix}.places[{index}].dwellings",
                int(town.dwellings[place]),
                f"at least {n_households} dwellings for the {n_people} residents of {town.names[place]!r}",
                "The synthesised households need one dwelling each; raise dwellings or lower residents.",
            )
        # Households take the better dwellings; the worse ones stand empty (ODD §5).
        order = np.argsort(-(pop.dwellings.condition[free] + rng.normal(0, 0.05, free.size)))
        chosen = free[order[:n_households]]
        hh = pop.new_households(np.full(n_households, place), chosen)
        partner_rows = np.where(partners >= 0, partners + len(pop.people), -1)
        first = pop.next_initial_pid
        pop.add_people(
            n_people,
            pid=np.arange(first, first + n_people),
            age=age,
            female=female,
            household=hh[members],
            role=roles,
            partner=partner_rows,
            origin=Origin.initial,
        )
    _initial_attributes(model)
    build_ties(model, pop.alive_rows, generator_uniforms(rng))


def _fit_to_dwellings(
    age: np.ndarray,
    household: np.ndarray,
    roles: np.ndarray,
    capacity: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """If there are more households than dwellings, young singles live with their parents.

    In a tight market more young adults stay at home; this absorbs a small shortfall that
    random household formation can produce at places with little vacancy. Households are
    renumbered 0..H-1; a remaining shortfall is left for the caller to report.
    """
    sizes = np.bincount(household)
    deficit = sizes.size - capacity
    if deficit <= 0:
        return household
    young_single = np.flatnonzero(
        (sizes[household] == 1) & (roles == Role.adult) & (age >= 18) & (age < 35)
    )
    rng.shuffle(young_single)
    adult_age = np.full(sizes.size, -1)
    np.maximum.at(adult_age, household[roles == Role.adult], age[roles == Role.adult])
    for person in young_single.tolist():
        if deficit <= 0:
            break
        parents = np.flatnonzero((adult_age >= age[person] + 17) & (adult_age <= age[person] + 45))
        if parents.size == 0:
            continue
        household[person] = int(rng.choice(parents))
        roles[person] = Role.child
        deficit -= 1
    _, household = np.unique(household, return_inverse=True)
    return household


def _make_dwellings(model: TownModel, place: int, count: int, rng: np.random.Generator) -> None:
    if count == 0:
        return
    mean = model.config.housing.initial_condition_mean
    concentration = 10.0  # assumption: spread of initial condition (ODD §5)
    condition = (
        rng.beta(mean * concentration, (1 - mean) * concentration, size=count)
        if 0 < mean < 1
        else np.full(count, mean)
    )
    model.population.dwellings.append(count, place=place, condition=condition, vacant_years=0)


def _partnered_probability(age: np.ndarray, cfg) -> np.ndarray:
    d = cfg.demography
    prob = np.zeros(age.shape)
    prob[(age >= 20) & (age < 25)] = d.partnered_share_25_34 * 0.4
    prob[(age >= 25) & (age < 35)] = d.partnered_share_25_34
    prob[(age >= 35) & (age < 65)] = d.partnered_share_35_64
    prob[(age >= 65) & (age < 80)] = d.partnered_share_65_79
    prob[age >= 80] = d.partnered_share_80_plus
    return prob


def _form_households(
    age: np.ndarray, female: np.ndarray, cfg, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group people of one place into households.

    Returns:
        household number per person (0..H-1), role per person, partner index (local) or -1.
    """
    n = age.size
    d = cfg.demography
    roles = np.full(n, Role.adult, dtype=np.int8)
    with_parents = age < 18
    with_parents |= (age >= 18) & (age < 25) & (rng.random(n) < d.share_with_parents_18_24)
    with_parents |= (age >= 25) & (age < 30) & (rng.random(n) < d.share_with_parents_25_29)
    with_parents |= (age >= 30) & (age < 40) & (rng.random(n) < d.share_with_parents_30_39)
    roles[with_parents] = Role.child
    household = np.full(n, -1, dtype=np.int64)
    partner = np.full(n, -1, dtype=np.int64)

    adults = np.flatnonzero(~with_parents)
    partnered = adults[rng.random(adults.size) < _partnered_probability(age[adults], cfg)]
    couples_m, couples_w = match_by_age(
        partnered[~female[partnered]], partnered[female[partnered]], age, generator_uniforms(rng)
    )
    k = couples_m.size
    household[couples_m] = np.arange(k)
    household[couples_w] = np.arange(k)
    partner[couples_m] = couples_w
    partner[couples_w] = couples_m
    singles = adults[household[adults] < 0]
    household[singles] = k + np.arange(singles.size)
    n_households = k + singles.size
    # Some widowed people 75+ live with a daughter's or son's family (multi-generation).
    old_singles = singles[
        (age[singles] >= 75) & (rng.random(singles.size) < d.share_75_plus_with_children)
    ]
    if k and old_singles.size:
        younger = np.minimum(age[couples_w], age[couples_m])
        for person in old_singles.tolist():
            fits = np.flatnonzero((younger >= age[person] - 40) & (younger <= age[person] - 20))
            if fits.size:
                household[person] = int(rng.choice(fits))
        used = np.unique(household[np.concatenate([couples_m, couples_w, singles])])
        renumber = np.full(n_households, -1, dtype=np.int64)
        renumber[used] = np.arange(used.size)
        household[adults] = renumber[household[adults]]
        n_households = used.size

    # Mothers: women in couples and single women; their household takes the children.
    mother_hh = np.concatenate([household[couples_w], household[singles[female[singles]]]])
    mother_age = age[np.concatenate([couples_w, singles[female[singles]]])]
    # Single fathers and grandparents are the fallback (any adult old enough).
    fallback_hh = household[adults]
    fallback_age = age[adults]
    children_count = np.zeros(n_households, dtype=np.int64)
    buckets: dict[int, list[int]] = {}
    for h, a in zip(mother_hh.tolist(), mother_age.tolist(), strict=True):
        buckets.setdefault(a, []).append(h)
    dependants = np.flatnonzero(with_parents)
    dependants = dependants[np.argsort(-age[dependants], kind="stable")]
    gaps = rng.normal(d.mother_child_age_gap_mean, 5.0, dependants.size)
    for person, gap in zip(dependants.tolist(), gaps.tolist(), strict=True):
        child_age = int(age[person])
        target = round(child_age + gap)
        chosen = -1
        for offset in (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 8, -8, 10):
            mother = target + offset
            if mother - child_age < 17 or mother - child_age > 48:
                continue
            bucket = buckets.get(mother)
            if not bucket:
                continue
            for _ in range(4):
                h = bucket[int(rng.integers(len(bucket)))]
                if children_count[h] < MAX_CHILDREN:
                    chosen = h
                    break
            if chosen >= 0:
                break
        if chosen < 0:
            old_enough = np.flatnonzero(
                (fallback_age >= child_age + 17) & (children_count[fallback_hh] < MAX_CHILDREN)
            )
            if old_enough.size:
                chosen = int(fallback_hh[old_enough[int(rng.integers(old_enough.size))]])
        if chosen < 0:  # nobody old enough here: this person lives alone (as an adult)
            chosen = n_households
            n_households += 1
            children_count = np.append(children_count, 0)
            roles[person] = Role.adult
        household[person] = chosen
        children_count[chosen] += 1
    return household, roles, partner


def match_by_age(
    men: np.ndarray, women: np.ndarray, age: np.ndarray, uniforms: Uniforms
) -> tuple[np.ndarray, np.ndarray]:
    """Pair men and women by age rank, men about two years older (assumption, ODD §7).

    The surplus of the larger group, those with the largest keyed numbers, stays single; a
    person's rank is their age plus keyed normal noise (SD 2 years).

    Returns:
        Two arrays of equal length: the men and the women, pair by pair.
    """
    k = min(men.size, women.size)
    if men.size > k:
        men = men[np.sort(np.argsort(uniforms(men, 0), kind="stable")[:k])]
    if women.size > k:
        women = women[np.sort(np.argsort(uniforms(women, 0), kind="stable")[:k])]
    men = men[np.argsort(age[men] - 2 + 2.0 * box_muller(uniforms(men, 1), uniforms(men, 2)))]
    women = women[np.argsort(age[women] + 2.0 * box_muller(uniforms(women, 1), uniforms(women, 2)))]
    return men, women


def _initial_attributes(model: TownModel) -> None:
    """Engagement, years in town and car access of the initial population."""
    pop = model.population
    p = pop.people
    rows = pop.alive_rows
    assign_engagement(model, rows)
    # A share of the adults grew up in the town (demography.initial_native_share); the others
    # moved in at some point after 18. Children have lived there all their life.
    age = p.age[rows].astype(np.int64)
    native = (age < 18) | (
        model.uniform("native", rows) < model.config.demography.initial_native_share
    )
    moved_in = np.floor(model.uniform("native", rows, 1) * np.maximum(age - 18, 0))
    p.years_in_town[rows] = np.where(native, age, moved_in.astype(np.int64))
    p.has_car[rows] = draw_car_access(model, rows)


def draw_engagement(model: TownModel, rows: np.ndarray) -> np.ndarray:
    """Engagement propensity ~ Beta with the configured mean (Freiwilligensurvey 2019).

    The inverse of the Beta CDF at a number keyed by the person's id (``engagement``).
    """
    s = model.config.social
    a = s.engagement_mean * s.engagement_concentration
    b = (1 - s.engagement_mean) * s.engagement_concentration
    if a <= 0:
        return np.zeros(rows.size)
    if b <= 0:
        return np.ones(rows.size)
    return np.interp(model.uniform("engagement", rows), *_beta_quantiles(a, b))


STYLE_REFERENCE_AGE = 20
"""``social.project_style_share_young`` is the share among people of this age at the start."""


def project_style_probability(model: TownModel, rows: np.ndarray) -> np.ndarray:
    """Chance of a project-based engagement style ("Ehrenamt 2.0", seed-notes §03.06) by birth
    cohort: ``project_style_share_young`` for those aged 20 at the start, plus
    ``project_style_cohort_trend`` for each later birth year (minus for each earlier one)."""
    s = model.config.social
    born = model.year - model.population.people.age[rows].astype(np.int64)  # 0 = start year
    later = born + STYLE_REFERENCE_AGE  # birth years after those aged 20 at the start
    return np.clip(s.project_style_share_young + s.project_style_cohort_trend * later, 0.0, 1.0)


def draw_engagement_style(model: TownModel, rows: np.ndarray) -> np.ndarray:
    """Whether each person engages project by project rather than in formal Vereine: drawn once,
    when the person enters the model, keyed by their id (``engagement_style``)."""
    return model.uniform("engagement_style", rows) < project_style_probability(model, rows)


def assign_engagement(model: TownModel, rows: np.ndarray) -> None:
    """Engagement propensity and style of people entering the model (at the start, born, or
    moving in)."""
    p = model.population.people
    p.engagement[rows] = draw_engagement(model, rows)
    p.project_style[rows] = draw_engagement_style(model, rows)


@lru_cache(maxsize=8)
def _beta_quantiles(a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """The Beta(a, b) quantile function on a fine grid (interpolated: betaincinv per person
    is slow). Finer in the tails, where the quantile function is steep."""
    u = np.unique(np.concatenate([np.linspace(0, 1, 4097), np.geomspace(1e-9, 1e-3, 200)]))
    u = np.unique(np.concatenate([u, 1 - u]))
    return u, betaincinv(a, b, u)


def draw_car_access(model: TownModel, rows: np.ndarray) -> np.ndarray:
    """Whether each person has a car at their disposal, by age (ODD §7, work group)."""
    w = model.config.work
    age = model.population.people.age[rows]
    prob = np.zeros(age.shape)
    prob[(age >= 18) & (age < 25)] = w.car_access_18_24
    prob[(age >= 25) & (age < 75)] = w.car_access_25_74
    prob[age >= 75] = w.car_access_75_plus
    return model.uniform("car_access", rows) < prob


def build_ties(model: TownModel, rows: np.ndarray, uniforms: Uniforms | None = None) -> None:
    """Give ``rows`` social ties: neighbours at the same place and a few across places.

    Household members are tied implicitly (same household row). Each new person draws
    ``social.neighbour_ties`` partners among residents of the same place and
    ``social.cross_place_ties`` among all residents (vectorised; numbers keyed by the new
    person's id, ``ties``, unless ``uniforms`` is given).

    Partners are found by consistent hashing: every resident has a fixed position on a ring
    (a number keyed by their id), and a tie goes to the first resident at or after a random
    point of the ring. Someone leaving or arriving changes only the ties that would have gone
    to them, so paired runs keep the same ties where their towns agree (sim/randomness.py).
    """
    uniforms = uniforms or keyed_uniforms(model, "ties")
    pop = model.population
    s = model.config.social
    everyone = pop.alive_rows
    if rows.size == 0 or everyone.size < 2:
        return
    ring = pop.people.ring[everyone]
    place_of = pop.person_place(everyone)
    by_ring = np.argsort(ring)
    order = by_ring[np.argsort(place_of[by_ring], kind="stable")]  # by place, then ring
    sorted_people = everyone[order]
    position = place_of[order] + ring[order]  # place p occupies [p, p + 1)
    starts = np.searchsorted(position, np.arange(model.town.n_places), side="left")
    ends = np.searchsorted(position, np.arange(model.town.n_places) + 1.0, side="left")
    mine = pop.person_place(rows)
    a_parts, b_parts = [], []
    if s.neighbour_ties > 0:
        src = np.repeat(rows, s.neighbour_ties)
        place = np.repeat(mine, s.neighbour_ties)
        u = np.column_stack([uniforms(rows, j) for j in range(s.neighbour_ties)]).ravel()
        pick = np.searchsorted(position, place + u, side="left")
        pick = np.where(pick < ends[place], pick, starts[place])  # round the place's ring
        a_parts.append(src)
        b_parts.append(sorted_people[pick])
    if s.cross_place_ties > 0:
        src = np.repeat(rows, s.cross_place_ties)
        first = s.neighbour_ties
        u = np.column_stack([uniforms(rows, first + j) for j in range(s.cross_place_ties)])
        pick = np.searchsorted(ring[by_ring], u.ravel(), side="left") % everyone.size
        a_parts.append(src)
        b_parts.append(everyone[by_ring[pick]])
    if a_parts:
        pop.add_ties(np.concatenate(a_parts), np.concatenate(b_parts))
