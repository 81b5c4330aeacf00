"""Quality of life: one function, made of named components, weighted by life stage.

``QOL_COMPONENTS`` maps a component name to a function that scores a batch of "situations"
(who lives where, by which mode, working where, in what dwelling) on 0..1. The quality of
life of a resident is the stage's weighted mean of the components (weights in
``config.qol.weights``). Later capabilities (services, civic life) add entries here and
weights in the config; nothing else has to change.

The same function scores the alternatives a resident or a newcomer compares the town with:
a situation at the regional centre or the metropolis (its internal trips, its prices). The
gap between the best alternative and the town drives migration (sim/migration.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.config import LifeStage
from sim.town import CAR, NO_CAR

if TYPE_CHECKING:
    from sim.model import TownModel


@dataclass
class Situations:
    """A batch of situations to score; arrays of equal length.

    Attributes:
        stage: LifeStage per situation.
        mode: CAR or NO_CAR.
        home: place index of the home.
        job: place index of work or study (-1 if none).
        condition: condition of the dwelling (0..1).
    """

    stage: np.ndarray
    mode: np.ndarray
    home: np.ndarray
    job: np.ndarray
    condition: np.ndarray


def _exp_score(minutes: np.ndarray, scale: float) -> np.ndarray:
    return np.exp(-minutes / scale)


def commute_score(model: TownModel, s: Situations) -> np.ndarray:
    """Trip to work or study: exp(-minutes / commute scale); 1 without a trip."""
    minutes = model.town.minutes[s.mode, s.home, np.maximum(s.job, 0)]
    return np.where(s.job >= 0, _exp_score(minutes, model.config.qol.commute_scale_minutes), 1.0)


def regional_centre_score(model: TownModel, s: Situations) -> np.ndarray:
    """Reach of the regional centre (jobs, secondary schools, specialists, shopping)."""
    target = model.town.regional_centre_or_metropolis
    return _exp_score(
        model.town.minutes[s.mode, s.home, target], model.config.qol.regional_centre_scale_minutes
    )


def metropolis_score(model: TownModel, s: Situations) -> np.ndarray:
    """Reach of the metropolis (university, big labour market, culture)."""
    target = model.town.metropolis_or_regional_centre
    return _exp_score(
        model.town.minutes[s.mode, s.home, target], model.config.qol.metropolis_scale_minutes
    )


def housing_cost_score(model: TownModel, s: Situations) -> np.ndarray:
    """Affordability 1 / (1 + price): 0.5 at the national average price, higher where cheaper.

    Deliberately flat at low prices: cheap housing alone does not make a remote town
    attractive (seed-notes SF7, SF13).
    """
    price = model.housing.price_index[s.home]
    return 1.0 / (1.0 + price)


def housing_condition_score(model: TownModel, s: Situations) -> np.ndarray:
    """Condition of the dwelling."""
    return s.condition


def local_services_score(model: TownModel, s: Situations) -> np.ndarray:
    """Reach of the services the life stage needs (nearest open provider of each kind).

    The weighted mean of exp(-minutes / qol.service_scale_minutes) over the kinds in
    ``qol.service_weights[stage]``; at a destination every service is
    ``qol.alternative_service_minutes`` away. Tables are kept by sim/services.py and
    refreshed only when a provider opens or closes or the network changes.
    """
    return model.services.access_score[s.stage, s.mode, s.home]


def civic_life_score(model: TownModel, s: Situations) -> np.ndarray:
    """What citizens' initiatives add to the municipality (0 without any; sim/civic.py).

    Destinations score 0: their civic offer is part of metropolis access.
    """
    municipality = model.town.municipality[s.home]
    if model.civic is None:
        return np.zeros(s.home.size)
    return np.where(municipality >= 0, model.civic.civic_score[np.maximum(municipality, 0)], 0.0)


QOL_COMPONENTS: dict[str, Callable[[TownModel, Situations], np.ndarray]] = {
    "commute": commute_score,
    "regional_centre_access": regional_centre_score,
    "metropolis_access": metropolis_score,
    "housing_cost": housing_cost_score,
    "housing_condition": housing_condition_score,
    "local_services": local_services_score,
    "civic_life": civic_life_score,
}


def weight_matrix(model: TownModel) -> np.ndarray:
    """Weights as an array (stage, component), each row summing to 1."""
    weights = np.zeros((len(LifeStage), len(QOL_COMPONENTS)))
    for stage in LifeStage:
        for j, name in enumerate(QOL_COMPONENTS):
            weights[stage, j] = model.config.qol.weights[stage.name].get(name, 0.0)
    return weights / weights.sum(axis=1, keepdims=True)


def score(model: TownModel, s: Situations) -> np.ndarray:
    """Quality of life (0..1) of each situation."""
    weights = model.qol_weights[s.stage]
    total = np.zeros(s.stage.size)
    for j, component in enumerate(QOL_COMPONENTS.values()):
        column = weights[:, j]
        if column.any():
            total += column * component(model, s)
    return total


def resident_situations(model: TownModel, rows: np.ndarray) -> Situations:
    """The situations of residents ``rows`` as they live now."""
    pop = model.population
    p = pop.people
    hh = p.household[rows]
    dwelling = pop.households.dwelling[hh]
    return Situations(
        stage=p.stage[rows].astype(np.int64),
        mode=np.where(p.has_car[rows], CAR, NO_CAR),
        home=pop.households.place[hh].astype(np.int64),
        job=p.job_place[rows].astype(np.int64),
        condition=pop.dwellings.condition[dwelling].astype(float),
    )


def quality_of_life(model: TownModel) -> np.ndarray:
    """QoL of every row of the people table (NaN for rows not living in the town)."""
    rows = model.population.alive_rows
    out = np.full(len(model.population.people), np.nan)
    out[rows] = score(model, resident_situations(model, rows))
    return out


def update_quality_of_life(model: TownModel, qol: np.ndarray) -> np.ndarray:
    """``qol`` extended to rows added since it was computed, NaN for rows that left.

    Within a year only arrivals change anyone's situation after QoL is computed (housing
    and travel times were updated before), so only their rows are scored.
    """
    pop = model.population
    out = np.full(len(pop.people), np.nan)
    out[: qol.size] = qol
    out[~pop.people.alive] = np.nan
    new = np.flatnonzero(pop.people.alive & np.isnan(out))
    if new.size:
        out[new] = score(model, resident_situations(model, new))
    return out


def alternative_qol(model: TownModel) -> np.ndarray:
    """Best QoL a person could have at a destination, by (stage, mode): array (stages, 2).

    At a destination d a worker or student works there (its internal trip), the dwelling is
    in ``qol.alternative_condition`` and prices are d's.
    """
    town = model.town
    destinations = np.flatnonzero(town.is_destination)
    stages = np.arange(len(LifeStage))
    best = np.full((len(LifeStage), 2), -np.inf)
    for d in destinations:
        for mode in (CAR, NO_CAR):
            has_trip = np.isin(
                stages, (LifeStage.student, LifeStage.local_worker, LifeStage.commuter)
            )
            s = Situations(
                stage=stages,
                mode=np.full(stages.size, mode),
                home=np.full(stages.size, d),
                job=np.where(has_trip, d, -1),
                condition=np.full(stages.size, model.config.qol.alternative_condition),
            )
            best[:, mode] = np.maximum(best[:, mode], score(model, s))
    return best


def place_qol_for_stage(
    model: TownModel, stage: LifeStage, mode: int = CAR, condition: np.ndarray | None = None
) -> np.ndarray:
    """QoL of a newcomer of ``stage`` at each place (working locally where it has jobs).

    Workers are assumed to take the most likely job for their home place and mode. Results
    are cached per year and services state unless ``condition`` is given; whatever else they
    depend on clears the cache when it changes (job choice, civic life).
    """
    key = (
        int(model.time),
        model.services.version if model.services is not None else -1,
        int(stage),
        mode,
    )
    if condition is None and key in model.place_qol_cache:
        return model.place_qol_cache[key]
    town = model.town
    places = np.arange(town.n_places)
    has_trip = stage in (LifeStage.student, LifeStage.local_worker, LifeStage.commuter)
    job = np.argmax(model.job_probabilities[mode], axis=1) if has_trip else np.full(places.size, -1)
    s = Situations(
        stage=np.full(places.size, int(stage)),
        mode=np.full(places.size, mode),
        home=places,
        job=job,
        condition=np.full(places.size, model.config.qol.alternative_condition)
        if condition is None
        else condition,
    )
    result = score(model, s)
    if condition is None:
        if len(model.place_qol_cache) > 64:
            model.place_qol_cache.clear()
        model.place_qol_cache[key] = result
    return result
