"""Change agents: residents with an idea for an initiative (seed-notes §3.2, §6.2 Kristof)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.config import InitiativeType

if TYPE_CHECKING:
    from sim.agents.resident import Resident
    from sim.model import TownModel


class ChangeAgent(mesa.Agent):
    """A resident in the role of a change agent: engaged, with an idea for an initiative.

    The agent is the role; the person is ``resident`` (a :class:`~sim.agents.resident.Resident`
    agent). It exists while the resident lives in the town and keeps the idea.

    Attributes:
        resident: the person.
        idea: the kind of initiative they would start.
        ready_year: the first year they may start (again) after a start.
    """

    def __init__(self, model: TownModel, resident: Resident, idea: InitiativeType) -> None:
        super().__init__(model)
        self.resident = resident
        self.idea = idea
        self.ready_year = 0

    @property
    def row(self) -> int:
        """The resident's row in the people table."""
        return self.resident.row

    def __repr__(self) -> str:
        return f"ChangeAgent({self.idea.value}, {self.resident!r})"
