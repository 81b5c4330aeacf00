"""The civic system: change agents and initiatives of the town, one civic phase a year."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.agents.change_agent import ChangeAgent
from sim.agents.initiative import Initiative
from sim.civic.effects import CivicEffects
from sim.civic.gaps import KINDS, Gaps
from sim.civic.key_persons import KeyPersons
from sim.civic.lifecycle import LifeCycle
from sim.civic.recruitment import Recruitment
from sim.config import InitiativeType

if TYPE_CHECKING:
    from sim.events import EventLog
    from sim.model import TownModel


class CivicSystem(LifeCycle, Recruitment, Gaps, CivicEffects, KeyPersons):
    """Change agents and initiatives of the town (or of each municipality of a region).

    Attributes:
        initiatives: every initiative ever started (Mesa agents), in order.
        change_agents: resident agent -> ChangeAgent, for residents with an idea.
        civic_score: civic life per municipality (0..1) for those reached fully (members and
            those served); residents' civic life, the QoL component, is ``civic_life_of``.
    """

    def __init__(self, model: TownModel, events: EventLog) -> None:
        """No change agents yet: ``assign_ideas`` gives the initial residents their ideas."""
        self.model = model
        self.events = events
        self.cfg = model.config.civic
        self.initiatives: list[Initiative] = []
        self.change_agents: dict[Any, ChangeAgent] = {}
        self.key_pids = np.empty(0, dtype=np.int64)  # key persons (choose_key_persons)
        self.idea_weights = np.array(
            [getattr(self.cfg, k.name).idea_weight for k in KINDS], dtype=float
        )
        self.volunteer_hours = 0.0
        self.staff_load = 0.0
        self.launched_in: list[set[InitiativeType]] = [
            set() for _ in range(model.town.n_municipalities)
        ]
        self.links = self._municipality_links()
        self.civic_score = np.zeros(model.town.n_municipalities)
        self.benefits = None  # who the running initiatives reach (sim/civic/benefits.py)
        self.history: list[dict[str, Any]] = []

    # -- setup -------------------------------------------------------------------------------

    def _municipality_links(self) -> list[set[int]]:
        """Municipalities linked by a road between their places (for cross-town learning)."""
        town = self.model.town
        links: list[set[int]] = [set() for _ in range(town.n_municipalities)]
        for a, b in town.graph.edges():
            ma, mb = town.municipality[a], town.municipality[b]
            if ma >= 0 and mb >= 0 and ma != mb:
                links[ma].add(int(mb))
                links[mb].add(int(ma))
        return links

    def assign_ideas(self, rows: np.ndarray) -> None:
        """Some adults (``idea_min_age``..``idea_max_age``) among ``rows`` get an idea, more likely
        the more engaged they are."""
        p = self.model.population.people
        cfg = self.cfg
        rows = rows[
            (p.age[rows] >= cfg.idea_min_age)
            & (p.age[rows] <= cfg.idea_max_age)
            & ~p.idea_drawn[rows]
        ]
        p.idea_drawn[rows] = True
        if rows.size == 0:
            return
        multiplier = self.model.policies.effects.idea_multiplier
        mean = max(self.model.config.social.engagement_mean, 1e-6)
        chance = np.clip(
            self.cfg.change_agent_share * multiplier * p.engagement[rows] / mean, 0.0, 1.0
        )
        chosen = rows[self.model.uniform("idea", rows) < chance]
        if chosen.size == 0 or self.idea_weights.sum() <= 0:
            return
        cumulative = np.cumsum(self.idea_weights / self.idea_weights.sum())
        ideas = np.minimum(
            np.searchsorted(cumulative, self.model.uniform("idea", chosen, 1), side="right"),
            len(KINDS) - 1,
        )
        for row, idea in zip(chosen.tolist(), ideas.tolist(), strict=True):
            resident = self.model.resident_of(row)
            self.change_agents[resident] = ChangeAgent(self.model, resident, KINDS[idea])

    def on_removed(self, residents: list[Any]) -> None:
        """Residents who died or left: their change-agent role ends; they no longer initiate.
        (They leave their initiatives at the next ``prune_members``.)"""
        if not self.change_agents:
            return
        for resident in residents:
            agent = self.change_agents.pop(resident, None)
            if agent is not None:
                agent.remove()

    def prune_members(self) -> None:
        """Members who died, left town or moved to another municipality leave their
        initiatives (before the civic phase and before observation; ODD §7.10: members live
        in their initiative's municipality)."""
        pop = self.model.population
        alive = pop.people.alive
        for initiative in self.initiatives:
            if initiative.phase.active and initiative.members.size:
                members = initiative.members[alive[initiative.members]]
                home = self.model.town.municipality[pop.person_place(members)]
                initiative.members = members[home == initiative.municipality]

    def remap(self, mapping: np.ndarray) -> None:
        """People rows were renumbered: members follow (mapping old -> new, -1 dropped)."""
        for initiative in self.initiatives:
            if initiative.phase.active:
                members = mapping[initiative.members]
                initiative.members = members[members >= 0]

    # -- the year -----------------------------------------------------------------------------

    def year(self) -> None:
        """Ideas, gaps, starts, support, key persons joining, recruitment, phases, effects, civic life (in this order)."""
        p = self.model.population.people
        rows = self.model.population.alive_rows
        newly = rows[~p.idea_drawn[rows] & (p.age[rows] >= self.cfg.idea_min_age)]
        self.assign_ideas(newly)
        self.prune_members()
        gaps = self.gaps()
        self._starts(gaps)
        self._support()
        self.key_persons_join()
        self._recruit()
        self._phases()
        self._effects()
        self._civic_life()
        self._record()

    def _active(self) -> list[Initiative]:
        return [i for i in self.initiatives if i.phase.active]

    def running(
        self, kind: InitiativeType | None = None, municipality: int | None = None
    ) -> list[Initiative]:
        """Launched initiatives and institutions (optionally of a kind, in a municipality)."""
        return [
            i
            for i in self.initiatives
            if i.phase.running
            and (kind is None or i.kind is kind)
            and (municipality is None or i.municipality == municipality)
        ]

    # -- gaps and starts ------------------------------------------------------------------

    # -- observation ------------------------------------------------------------------------

    def _record(self) -> None:
        """One row per initiative that was active this year (its members: the S-curve)."""
        year = int(self.model.time)
        names = self.model.town.municipality_names
        for initiative in self.initiatives:
            if initiative.phase.active or initiative.ended_year == year:
                initiative.history.append(initiative.size)
                self.history.append(
                    {
                        "year": year,
                        "initiative_id": int(initiative.unique_id),
                        "type": initiative.kind.value,
                        "municipality": names[initiative.municipality],
                        "place": initiative.place_name,
                        "phase": initiative.phase.value,
                        "members": initiative.size,
                        "founding_members": initiative.history[0],
                        "supported": bool(initiative.supported),
                    }
                )

    def members_total(self, running_only: bool = False) -> int:
        """Distinct residents who are members of active (or running) initiatives."""
        groups = [i.members for i in (self.running() if running_only else self._active())]
        if not groups:
            return 0
        return int(np.unique(np.concatenate(groups)).size)
