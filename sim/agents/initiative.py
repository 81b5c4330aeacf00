"""Citizens' initiatives: from an idea through recruitment to a launched service or a failure."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.config import InitiativeType, InitiativeTypeConfig

if TYPE_CHECKING:
    from sim.agents.provider import Provider
    from sim.model import TownModel


class Phase(enum.Enum):
    """Where an initiative is in its life (seed-notes §6.2, Kristof's path)."""

    recruiting = "recruiting"  # looking for supporters until critical mass or the deadline
    launched = "launched"  # runs its service with volunteer hours
    institution = "institution"  # has lasted long enough to be part of the town
    failed = "failed"  # did not reach critical mass in time
    declined = "declined"  # could not staff itself (or its shop failed)

    @property
    def active(self) -> bool:
        return self in (Phase.recruiting, Phase.launched, Phase.institution)

    @property
    def running(self) -> bool:
        """Launched or an institution: it delivers its service."""
        return self in (Phase.launched, Phase.institution)


class Initiative(mesa.Agent):
    """One initiative: its members (rows of the people table), phase and effects.

    The civic system (sim/civic/) recruits members for all initiatives at once and moves
    them through their phases (sim/civic/lifecycle.py); the initiative holds its state and
    its own rules (``needs``).

    Attributes:
        kind: the kind of initiative.
        settings: ``civic.<kind>``.
        municipality, place: where it works.
        members: people rows of its members.
        phase: see :class:`Phase`.
        started_year, launched_year: simulated years.
        supported: whether the municipality supports it this year.
        understaffed_years: consecutive years with more hours needed than offered.
        history: members at the founding, then at the end of each year (the recruitment curve).
        provider: the shop or pool it runs, if any.
    """

    def __init__(
        self,
        model: TownModel,
        kind: InitiativeType,
        settings: InitiativeTypeConfig,
        municipality: int,
        place: int,
        members: np.ndarray,
    ) -> None:
        super().__init__(model)
        self.kind = kind
        self.settings = settings
        self.municipality = municipality
        self.place = place
        self.members = np.asarray(members, dtype=np.int64)
        self.phase = Phase.recruiting
        self.started_year = int(model.time)
        self.launched_year: int | None = None
        self.ended_year: int | None = None
        self.supported = False
        self.understaffed_years = 0
        self.history: list[int] = [int(self.members.size)]
        self.provider: Provider | None = None
        self.route: list[int] = []
        self.dwellings: np.ndarray = np.empty(0, dtype=np.int64)
        self.necessity = 0.0  # the gap (0..1) that prompted the start

    @property
    def size(self) -> int:
        """Number of members."""
        return int(self.members.size)

    def needs(self, effort: float, institution_hours_factor: float) -> tuple[float, float]:
        """Critical mass and yearly volunteer hours.

        Args:
            effort: multiplies both (a lever that makes a citizen bus easier to run).
            institution_hours_factor: an institution needs this share of the hours.
        """
        settings = self.settings
        hours = settings.volunteer_hours * effort
        if self.phase is Phase.institution:
            hours *= institution_hours_factor
        return settings.critical_mass * effort, hours

    @property
    def place_name(self) -> str:
        return self.model.town.names[self.place]

    def __repr__(self) -> str:
        return f"Initiative({self.kind.value} at {self.place_name}, {self.phase.value}, {self.size} members)"
