"""Access that counts supply and demand: the enhanced two-step floating catchment area.

E2SFCA (Luo & Qi 2009, Health & Place 15: 1100–1107) with the selection weights of the
three-step variant (3SFCA, Wan, Zou & Sternberg 2012, IJGIS 26: 1073–1089), computed for
every kind of service at once with numpy on the place network, with demand split by mode
(the multi-mode variant of Mao & Nekorchuk 2013: each (place, mode) is a demand location
with its own travel times):

0. a place's demand is shared among the places offering the kind that it reaches:
   G_kmij = W_m(t_mij) / sum_l W_m(t_mil) over the places l offering kind k (destinations
   included; ``qol.access_selection_weights``, without them G = 1 and this is plain E2SFCA,
   where a closure leaves the neighbours' load unchanged);
1. every place j with providers of kind k gets a provider-to-demand ratio

       R_kj = S_kj / max(sum_{i,m} G_kmij * W_m(t_mij) * D_kmi, 1)

   where S_kj is the capacity of the open providers at j (users each is built to serve:
   ``qol.service_capacity``), D_kmi the need-weighted residents of place i with mode m
   (``services.<kind>.need_by_age``) plus the hinterland's users (by car,
   ``services.<kind>.hinterland_share``), t_mij the door-to-door minutes by mode (without a
   car: walking or the bus where a line runs) and W_m the step decay of mode m
   (``qol.access_zones_car``, ``qol.access_zones_no_car``). A catchment counts at least one
   user, so a provider nobody reaches yet has a finite ratio (its capacity);
2. each (place, mode) sums the ratios it reaches: A_kmi = sum_j G_kmij * W_m(t_mij) * R_kj.

The destinations (regional centre, metropolis) are providers of every kind with a fixed
ratio ``qol.destination_access_ratio``: the town's demand is small beside the city's own.
Capacities are the planning or break-even catchments, so A = 1 means provision at the
national norm; a second GP at the same place doubles its place's ratio, and a closure moves
its users' demand onto the providers that still reach them (their load S / ... rises).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import data
from sim.config import ServiceType
from sim.town import CAR, NO_CAR

if TYPE_CHECKING:
    from sim.agents.provider import Provider
    from sim.model import TownModel


def step_decay(minutes: np.ndarray, zones: list) -> np.ndarray:
    """Weight of each travel time: the weight of the first zone whose upper edge is at least
    the minutes (``[[edge, weight], ...]``, edges increasing), 0 beyond the last zone."""
    edges = np.array([float(z[0]) for z in zones])
    weights = np.array([float(z[1]) for z in zones] + [0.0])
    return weights[np.searchsorted(edges, minutes, side="left")]


def e2sfca(
    supply: np.ndarray,
    demand: np.ndarray,
    decay: np.ndarray,
    fixed: np.ndarray | None = None,
    fixed_ratio: float = 1.0,
    selection: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ratios, catchment demand and access for K kinds at once.

    Args:
        supply: (K, J) capacity at each supply place.
        demand: (K, M, I) demand of each (mode, place).
        decay: (M, I, J) weight of the trip from demand place i to supply place j by mode m.
        fixed: (J,) places whose ratio is ``fixed_ratio`` for every kind (destinations).
        selection: weight both steps by Wan et al.'s (2012) selection weights
            G_kmij = W_mij / sum_l W_mil over the places l offering kind k (3SFCA), so that
            demand is shared among the providers a place reaches instead of counted at each;
            False: Luo & Qi's E2SFCA (G = 1).

    Returns:
        ratio (K, J): capacity per weighted demand (0 without supply, ``fixed_ratio`` at fixed
        places); catchment (K, J): the weighted demand each place's providers see; access
        (K, M, I).
    """
    offered = supply > 0
    if fixed is not None:
        offered = offered | fixed[None, :]
    weights = decay[None] * offered[:, None, None, :]  # (K, M, I, J)
    if selection:
        total = weights.sum(axis=3, keepdims=True)
        weights = weights * np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
    catchment = np.einsum("kmi,kmij->kj", demand, weights)
    ratio = np.where(supply > 0, supply / np.maximum(catchment, 1.0), 0.0)
    if fixed is not None:
        ratio[:, fixed] = fixed_ratio
    access = np.einsum("kj,kmij->kmi", ratio, weights)
    return ratio, catchment, access


def capacity_key(provider: Provider) -> str:
    """The ``qol.service_capacity`` entry of a provider (village and cooperative shops share one)."""
    if provider.kind is ServiceType.grocery and provider.channel_format == "shop":
        return "grocery_shop"
    return provider.kind.name


def place_mode_age_counts(model: TownModel) -> np.ndarray:
    """Residents by place, mode and single age: array (P, 2, MAX_AGE + 1)."""
    pop = model.population
    rows = pop.alive_rows
    p = pop.people
    size = data.MAX_AGE + 1
    mode = np.where(p.has_car[rows], CAR, NO_CAR)
    key = (pop.person_place(rows) * 2 + mode) * size + np.minimum(p.age[rows], data.MAX_AGE)
    n = model.town.n_places
    return np.bincount(key, minlength=n * 2 * size).reshape(n, 2, size)


class SupplyDemandAccess:
    """E2SFCA tables of the kinds residents use, recomputed when supply, travel times or the
    demand snapshot change.

    Attributes:
        kinds: the kinds, in the order of the first axis of the tables.
        access: (K, 2, P) A by kind, mode and home place.
        ratio: (K, P) capacity per weighted demand at each place (0 where none).
        load: (K, P) weighted demand per capacity at each place with providers (NaN where none).
    """

    def __init__(self, model: TownModel, kinds: list[ServiceType]) -> None:
        self.model = model
        self.kinds = kinds
        self.qol = model.config.qol
        self.services = model.config.services
        n = model.town.n_places
        self.access = np.zeros((len(kinds), 2, n))
        self.ratio = np.zeros((len(kinds), n))
        self.load = np.full((len(kinds), n), np.nan)
        self._demand: np.ndarray | None = None

    def decay(self) -> np.ndarray:
        """(2, P, P) step decay by mode of the current travel times."""
        minutes = self.model.town.minutes
        return np.stack(
            [
                step_decay(minutes[CAR], self.qol.access_zones_car),
                step_decay(minutes[NO_CAR], self.qol.access_zones_no_car),
            ]
        )

    def snapshot_demand(self) -> None:
        """Take the residents' demand now (the tables then use it until the next snapshot)."""
        model = self.model
        counts = place_mode_age_counts(model)  # (P, 2, A)
        need = model.services.need
        hinterland = model.town.hinterland
        demand = np.zeros((len(self.kinds), 2, model.town.n_places))
        for k, kind in enumerate(self.kinds):
            demand[k] = (counts @ need[kind]).T
            demand[k, CAR] += hinterland * getattr(self.services, kind.name).hinterland_share
        self._demand = demand

    def compute(self, providers: list[Provider]) -> None:
        """Recompute the tables for the open ``providers``."""
        if self._demand is None:
            self.snapshot_demand()
        town = self.model.town
        index = {kind: k for k, kind in enumerate(self.kinds)}
        supply = np.zeros((len(self.kinds), town.n_places))
        capacity = self.qol.service_capacity
        for p in providers:
            k = index.get(p.kind)
            if k is not None:
                supply[k, p.place] += capacity[capacity_key(p)]
        self.ratio, catchment, self.access = e2sfca(
            supply,
            self._demand,
            self.decay(),
            fixed=town.is_destination,
            fixed_ratio=self.qol.destination_access_ratio,
            selection=self.qol.access_selection_weights,
        )
        self.load = np.where(supply > 0, catchment / np.where(supply > 0, supply, 1.0), np.nan)

    def score(self, access: np.ndarray) -> np.ndarray:
        """Quality-of-life score of access A: 1 - exp(-A / qol.access_scale)."""
        return 1.0 - np.exp(-access / self.qol.access_scale)

    def destination_score(self) -> np.ndarray:
        """(2,) score of every kind at a destination by mode: its fixed ratio at
        ``qol.alternative_service_minutes``."""
        minutes = self.qol.alternative_service_minutes
        weights = np.array(
            [
                step_decay(np.array(minutes), self.qol.access_zones_car),
                step_decay(np.array(minutes), self.qol.access_zones_no_car),
            ]
        )
        return self.score(self.qol.destination_access_ratio * weights)


def mean_access(kind: ServiceType, model: TownModel) -> float:
    """``access_<kind>``: E2SFCA access A of the kind, mean over residents (by their mode and
    home place; 1 = provision at the national planning norm)."""
    table = model.access.supply_demand
    if kind not in table.kinds:
        return float("nan")
    counts = model.place_mode_counts()  # (P, 2)
    total = counts.sum()
    if total == 0:
        return float("nan")
    return float((table.access[table.kinds.index(kind)].T * counts).sum() / total)
