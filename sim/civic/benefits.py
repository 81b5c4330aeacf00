"""Civic life by group: who an initiative's benefits reach (issue 12, seed-notes SF31).

An initiative's civic weight reaches its members and the residents it serves fully (the
villages within its outreach of a cooperative shop, community house or senior cohousing; the
places on a citizen bus route; the whole municipality for a pool), everyone else of its
municipality in part (``civic.nonmember_benefit_share``). Decisions reflect who takes part:
when members are mostly older long-time residents (narrow, ``CivicEffects.breadth``), young
people and newcomers who are not members or served get less (``civic.elite_capture``). A broad
participation process running in the municipality (Phase Null) makes every initiative's
decisions as broad as itself. Civic life of a resident = 1 - exp(-their weight x
(reference / residents)^0.5 / civic.scale); vectorised over people rows, looping only over the
few running initiatives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.config import InitiativeType
from sim.town import CAR

if TYPE_CHECKING:
    from sim.agents.initiative import Initiative
    from sim.model import TownModel
    from sim.population import People

SERVED_BY_PLACE = (
    InitiativeType.coop_shop,
    InitiativeType.community_house,
    InitiativeType.senior_cohousing,
)
"""Kinds that serve the residents within their outreach minutes of their place."""


def is_broad(model: TownModel, rows: np.ndarray) -> np.ndarray:
    """Young people and newcomers among ``rows`` (``civic.broad_age_below``,
    ``civic.broad_years_in_town_below``): the groups narrow participation leaves out (SF31)."""
    p = model.population.people
    cfg = model.config.civic
    return (p.age[rows] < cfg.broad_age_below) | (
        p.years_in_town[rows] < cfg.broad_years_in_town_below
    )


def served_places(model: TownModel, initiative: Initiative) -> np.ndarray:
    """Places whose residents an initiative serves (bool over places)."""
    town = model.town
    served = np.zeros(town.n_places, dtype=bool)
    kind = initiative.kind
    if kind in SERVED_BY_PLACE:
        minutes = town.minutes[CAR, :, initiative.place]
        served |= minutes <= initiative.settings.outreach_minutes
        served[initiative.place] = True
    elif kind is InitiativeType.citizen_bus:
        served[initiative.route or [initiative.place]] = True
    elif kind is InitiativeType.pool_coop:
        served[town.places_of(initiative.municipality)] = True
    served &= town.municipality == initiative.municipality
    return served


@dataclass
class CivicBenefits:
    """The running initiatives' reach, fixed at the civic phase, scored for any residents.

    Attributes:
        municipality, weight, breadth: per running initiative (breadth 0..1 of its decisions).
        served: (initiatives, places) whether it serves the residents of a place.
        initiatives: the running initiatives; their members are read when scoring (they change
            only in the civic phase, and follow the people table's renumbering).
        people: the people table (for the membership matrix ``members``).
        size_factor: per municipality, (reference / residents)^0.5 / civic.scale.
        place_municipality: per place, its municipality (-1: a destination).
        share, capture: ``civic.nonmember_benefit_share``, ``civic.elite_capture``.
    """

    municipality: np.ndarray
    weight: np.ndarray
    breadth: np.ndarray
    served: np.ndarray
    initiatives: list[Initiative]
    people: People
    size_factor: np.ndarray
    place_municipality: np.ndarray
    share: float
    capture: float

    def weights(self, home: np.ndarray, rows: np.ndarray | None, broad: np.ndarray) -> np.ndarray:
        """Civic weight reaching each situation (home place, people row or None, broad)."""
        total = np.zeros(home.size)
        for i, initiative in enumerate(self.initiatives):
            reached = self.served[i, home]
            if rows is not None:
                reached |= np.isin(rows, initiative.members)
            part = self.share * np.where(broad, 1.0 - self.capture * (1.0 - self.breadth[i]), 1.0)
            inside_m = self.place_municipality[home] == self.municipality[i]
            total += self.weight[i] * np.where(reached, 1.0, part) * inside_m
        return total

    @property
    def members(self) -> np.ndarray:
        """(initiatives, people rows) membership, as a matrix."""
        table = np.zeros((len(self.initiatives), len(self.people)), dtype=bool)
        for i, initiative in enumerate(self.initiatives):
            table[i, initiative.members] = True
        return table

    def score(self, home: np.ndarray, rows: np.ndarray | None, broad: np.ndarray) -> np.ndarray:
        """Civic life (0..1) of each situation; 0 outside the municipalities."""
        m = self.place_municipality[home]
        factor = np.where(m >= 0, self.size_factor[np.maximum(m, 0)], 0.0)
        return 1.0 - np.exp(-self.weights(home, rows, broad) * factor)


def build_benefits(
    model: TownModel, running: list[Initiative], weights: list[float], breadths: list[float]
) -> CivicBenefits:
    """The benefits table of the running initiatives (their civic weights and breadths)."""
    town = model.town
    cfg = model.config.civic
    served = np.zeros((len(running), town.n_places), dtype=bool)
    for i, initiative in enumerate(running):
        served[i] = served_places(model, initiative)
    populations = model.municipality_population()
    size = np.sqrt(cfg.civic_reference_population / np.maximum(populations, 1)) / cfg.civic_scale
    return CivicBenefits(
        municipality=np.array([i.municipality for i in running], dtype=np.int64),
        weight=np.array(weights, dtype=float),
        breadth=np.array(breadths, dtype=float),
        served=served,
        initiatives=list(running),
        people=model.population.people,
        size_factor=size,
        place_municipality=town.municipality,
        share=cfg.nonmember_benefit_share,
        capture=cfg.elite_capture,
    )
