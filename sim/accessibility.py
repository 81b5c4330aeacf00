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

from sim.budget import infrastructure_score
from sim.config import Config, LifeStage, ServiceType
from sim.e2sfca import SupplyDemandAccess
from sim.town import CAR, NO_CAR

if TYPE_CHECKING:
    from sim.agents.provider import Provider
    from sim.model import TownModel
    from sim.town import Town

DEMAND_KINDS = tuple(
    k for k in ServiceType if k not in (ServiceType.bus_line, ServiceType.manufacturer)
)
"""Kinds whose users choose the nearest open provider (all but bus lines and the manufacturer)."""

Channel = tuple[ServiceType, str]
"""A kind and, for groceries, a format: each has its own nearest provider."""

CHANNELS: tuple[Channel, ...] = tuple(
    (kind, fmt)
    for kind in DEMAND_KINDS
    for fmt in (("supermarket", "shop") if kind is ServiceType.grocery else ("",))
)
SUPERMARKET: Channel = (ServiceType.grocery, "supermarket")
SHOP: Channel = (ServiceType.grocery, "shop")


class Accessibility:
    """Who reaches which open provider how fast, and the quality-of-life cache built on it.

    The service system tells it which providers are open (``refresh``); quality of life reads
    ``access_score``, built on the supply-and-demand access of ``supply_demand`` (E2SFCA,
    sim/e2sfca.py); services and civic life read the nearest minutes.

    Attributes:
        channel_minutes, channel_place: channel -> array (2, P): minutes to, and place of, the
            nearest open provider (or destination, place -1) by mode from each place.
        nearest_minutes: kind -> array (2, P): minutes to the nearest open provider of the kind.
        supply_demand: E2SFCA access, ratios and loads by kind (sim/e2sfca.py).
        access_score: array (stages, 2, P): the local_services component of quality of life.
        version: counts refreshes (a key of ``place_qol_cache``).
        place_qol_cache: QoL of a newcomer at each place, by (year, version, stage, mode).
    """

    def __init__(self, town: Town, config: Config, model: TownModel) -> None:
        self.town = town
        self.cfg = config.services
        self.qol = config.qol
        self.version = 0
        self.channel_minutes: dict[Channel, np.ndarray] = {}
        self.channel_place: dict[Channel, np.ndarray] = {}
        self.nearest_minutes: dict[ServiceType, np.ndarray] = {}
        self.access_score = np.zeros((len(LifeStage), 2, town.n_places))
        self.place_qol_cache: dict[tuple, np.ndarray] = {}
        self._serving, self._service_weights, self._no_service_needs = self._access_weights()
        self.supply_demand = SupplyDemandAccess(model, self._serving)
        self._providers: list[Provider] = []

    def clear_cache(self) -> None:
        """Forget the places' QoL (jobs, travel times or civic life changed)."""
        self.place_qol_cache.clear()

    def refresh(self, providers: list[Provider], channels: set[Channel] | None = None) -> None:
        """Nearest open provider (or destination) per channel, mode and place; QoL access table.

        Args:
            providers: the open providers.
            channels: only these changed (default: all, e.g. after travel times changed).
        """
        town = self.town
        self.version += 1
        self._providers = list(providers)
        if channels is None or not self.channel_minutes:
            channels = set(CHANNELS)
        if not channels:
            return
        destinations = np.flatnonzero(town.is_destination)
        for channel in sorted(channels, key=CHANNELS.index):
            kind, fmt = channel
            places = sorted(
                {p.place for p in providers if p.kind is kind and p.channel_format == fmt}
            )
            # Destinations offer everything except a village shop's top-up role.
            fallback = [] if channel == SHOP else destinations.tolist()
            candidates = np.array(places + fallback, dtype=np.int64)
            if candidates.size == 0:
                self.channel_minutes[channel] = np.full((2, town.n_places), np.inf)
                self.channel_place[channel] = np.full((2, town.n_places), -1, dtype=np.int64)
                continue
            minutes = town.minutes[:, :, candidates]  # (2, P, C)
            choice = np.argmin(minutes, axis=2)  # ties: a provider in town before a destination
            self.channel_minutes[channel] = np.take_along_axis(minutes, choice[:, :, None], axis=2)[
                :, :, 0
            ]
            self.channel_place[channel] = np.where(choice < len(places), candidates[choice], -1)
        for kind in {c[0] for c in channels}:
            self.nearest_minutes[kind] = np.min(
                [self.channel_minutes[c] for c in CHANNELS if c[0] is kind], axis=0
            )
        if any(getattr(self.cfg, c[0].name).serves_residents for c in channels):
            self._refresh_access_score()

    def _access_weights(self) -> tuple[list[ServiceType], np.ndarray, np.ndarray]:
        """Kinds that serve residents, their QoL weights by stage (rows sum to 1), and the
        stages that need none of them."""
        qol = self.qol
        serving = [k for k in DEMAND_KINDS if getattr(self.cfg, k.name).serves_residents]
        weights = np.zeros((len(LifeStage), len(serving)))
        for stage in LifeStage:
            for j, kind in enumerate(serving):
                weights[stage, j] = qol.service_weights.get(stage.name, {}).get(kind.name, 0.0)
        totals = weights.sum(axis=1, keepdims=True)
        normalised = np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)
        return serving, normalised, totals[:, 0] == 0

    def update_demand(self) -> None:
        """Take the residents' demand now and recompute the supply-and-demand access (once a
        year before quality of life; supply changes reuse this snapshot)."""
        self.supply_demand.snapshot_demand()
        self.version += 1
        self._refresh_access_score()

    def _refresh_access_score(self) -> None:
        """The local_services QoL component by (stage, mode, place): the stage's weighted mean
        of 1 - exp(-A_kind / qol.access_scale) over the kinds, A from E2SFCA (sim/e2sfca.py)."""
        table = self.supply_demand
        table.compute(self._providers)
        scores = table.score(table.access)  # (K, 2, P)
        scores[:, :, self.town.is_destination] = table.destination_score()[None, :, None]
        self.access_score = np.einsum("sk,kmp->smp", self._service_weights, scores)
        self.access_score[self._no_service_needs] = 1.0

    def travel_minutes(
        self, kind: ServiceType, counts: np.ndarray, threshold: float | None = None
    ) -> float:
        """Mean minutes to the nearest open provider by each resident's mode, weighted by
        ``counts`` (residents by place and mode, (P, 2)); with ``threshold``: the share of
        residents further away than that."""
        total = counts.sum()
        if total == 0:
            return float("nan")
        minutes = self.nearest_minutes[kind].T  # (P, 2)
        if threshold is None:
            return float((counts * minutes).sum() / total)
        return float(counts[minutes > threshold].sum() / total)


@dataclass
class Situations:
    """A batch of situations to score; arrays of equal length.

    Attributes:
        stage: LifeStage per situation.
        mode: CAR or NO_CAR.
        home: place index of the home.
        job: place index of work or study (-1 if none).
        condition: condition of the dwelling (0..1).
        supported: informal support (a household adult with a car drives or runs errands for
            one without), or None (nobody: movers and hypothetical residents).
        rows: people rows of residents, or None (hypothetical newcomers).
    """

    stage: np.ndarray
    mode: np.ndarray
    home: np.ndarray
    job: np.ndarray
    condition: np.ndarray
    supported: np.ndarray | None = None
    rows: np.ndarray | None = None


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
    """Affordability 1 / (1 + cost): 0.5 at the national average, higher where cheaper.

    The cost is the price level times the property tax's factor (``HousingMarket.cost_index``).
    Deliberately flat at low prices: cheap housing alone does not make a remote town
    attractive (seed-notes SF7, SF13).
    """
    price = model.housing.cost_index()[s.home]
    return 1.0 / (1.0 + price)


def housing_condition_score(model: TownModel, s: Situations) -> np.ndarray:
    """Condition of the dwelling."""
    return s.condition


def local_services_score(model: TownModel, s: Situations) -> np.ndarray:
    """Supply-and-demand access to the services the life stage needs (sim/e2sfca.py).

    The weighted mean of 1 - exp(-A / qol.access_scale) over the kinds in
    ``qol.service_weights[stage]``, A the E2SFCA access of the resident's mode and home place;
    at a destination A is ``qol.destination_access_ratio`` at ``qol.alternative_service_minutes``.
    Someone without a car with informal support gets the share
    ``qol.informal_support_share`` of the car's score instead of their own: a lift, which
    raises the level but not the closures' toll, since the car's score loses too. The
    marginality culture (seed-notes §6.1, SF17) then fills the share
    ``qol.marginality_buffer`` x t / (t + k) of what is still lacking, t the resident's ties
    outside the household and k ``social.neighbour_ties``: neighbours, family and friends
    partly substitute a lost service, so those with local ties lose less when one closes.
    Hypothetical residents (alternatives, newcomers) have no such ties.
    Tables are kept by :class:`Accessibility` (``model.access``), refreshed when a provider
    opens or closes, the network changes, or once a year when demand is taken anew.
    """
    table = model.access.access_score
    own = table[s.stage, s.mode, s.home]
    if s.supported is not None and s.supported.any():
        share = model.config.qol.informal_support_share
        by_car = table[s.stage, CAR, s.home]
        own = np.where(s.supported, (1.0 - share) * own + share * by_car, own)
    buffer = model.config.qol.marginality_buffer
    if buffer > 0 and s.rows is not None:
        own = own + buffer * model.local_ties_share(s.rows) * (1.0 - own)
    return own


def civic_life_score(model: TownModel, s: Situations) -> np.ndarray:
    """What citizens' initiatives add for this resident (0 without any; sim/civic/benefits.py).

    Members and those an initiative serves get its full weight, others a share, young people
    and newcomers less when its decisions are narrow (SF31); hypothetical newcomers count as
    newcomers who are not members. Destinations score 0: their civic offer is part of
    metropolis access.
    """
    return model.civic.civic_life_of(s.home, s.rows)


QOL_COMPONENTS: dict[str, Callable[[TownModel, Situations], np.ndarray]] = {
    "commute": commute_score,
    "regional_centre_access": regional_centre_score,
    "metropolis_access": metropolis_score,
    "housing_cost": housing_cost_score,
    "housing_condition": housing_condition_score,
    "local_services": local_services_score,
    "civic_life": civic_life_score,
    "infrastructure": infrastructure_score,  # the maintenance backlog (sim/budget.py)
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


def informal_support(model: TownModel, rows: np.ndarray) -> np.ndarray:
    """Whether each of ``rows`` has informal support: no car of their own, but an adult of
    their household (a partner, a grown child at home, a parent) has one (seed-notes SF17)."""
    pop = model.population
    p = pop.people
    alive = pop.alive_rows
    drivers = alive[p.has_car[alive] & (p.age[alive] >= model.config.qol.support_min_age)]
    has_driver = np.zeros(len(pop.households), dtype=bool)
    has_driver[p.household[drivers]] = True
    return ~p.has_car[rows] & has_driver[p.household[rows]]


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
        supported=informal_support(model, rows),
        rows=rows,
    )


def quality_of_life(model: TownModel) -> np.ndarray:
    """QoL of every row of the people table (NaN for rows not living in the town)."""
    model.access.update_demand()
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
    has_trip = np.isin(stages, (LifeStage.student, LifeStage.local_worker, LifeStage.commuter))
    best = np.full((len(LifeStage), 2), -np.inf)
    for d in destinations:
        for mode in (CAR, NO_CAR):
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
    cache = model.access.place_qol_cache
    key = (int(model.time), model.access.version, int(stage), mode)
    if condition is None and key in cache:
        return cache[key]
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
        if len(cache) > 64:
            cache.clear()
        cache[key] = result
    return result
