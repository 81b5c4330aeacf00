"""Residents: one Mesa agent per person living in the town."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.config import LifeStage
from sim.population import Origin, Role

if TYPE_CHECKING:
    from sim.model import TownModel


class Resident(mesa.Agent):
    """A person living in the town.

    The person's state is a row of the model's people table (``model.population.people``), so
    yearly hazards are computed for all residents at once; the agent is the handle through
    which code (and users in a notebook or the app) looks at one person. Attributes are read
    from the table on access, so they are always current.

    Attributes:
        row: this person's row in the people table (renumbered when the table is compacted).
    """

    def __init__(self, model: TownModel, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def _people(self):
        return self.model.population.people

    @property
    def age(self) -> int:
        """Age in completed years (reached during the current year)."""
        return int(self._people.age[self.row])

    @property
    def is_female(self) -> bool:
        return bool(self._people.female[self.row])

    @property
    def household(self) -> int:
        """Row of the household in ``model.population.households``."""
        return int(self._people.household[self.row])

    @property
    def role(self) -> Role:
        return Role(int(self._people.role[self.row]))

    @property
    def home_place(self) -> str:
        """Name of the place the person lives at."""
        place = self.model.population.households.place[self.household]
        return self.model.town.names[int(place)]

    @property
    def has_car(self) -> bool:
        return bool(self._people.has_car[self.row])

    @property
    def life_stage(self) -> LifeStage:
        return LifeStage(int(self._people.stage[self.row]))

    @property
    def engagement_propensity(self) -> float:
        return float(self._people.engagement[self.row])

    @property
    def years_in_town(self) -> int:
        return int(self._people.years_in_town[self.row])

    @property
    def origin(self) -> Origin:
        return Origin(int(self._people.origin[self.row]))

    @property
    def quality_of_life(self) -> float:
        """This year's quality of life (0..1), see sim/accessibility.py."""
        return float(self.model.qol[self.row])

    @property
    def ties(self) -> list[Resident]:
        """Residents this person has a social tie with."""
        pop = self.model.population
        a, b = pop.live_ties()
        others = list(b[a == self.row]) + list(a[b == self.row])
        return [self.model.resident_of(int(r)) for r in others]

    def __repr__(self) -> str:
        return f"Resident(id={self.unique_id}, age={self.age}, {'f' if self.is_female else 'm'}, {self.home_place}, {self.life_stage.name})"
