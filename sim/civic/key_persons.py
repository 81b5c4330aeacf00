"""Key persons: the actor constellation of a town (seed-notes M-X4, SF28).

At the start a few adults are key persons: their number is Poisson with mean
``civic.key_persons.per_10000_adults`` per 10,000 adults (towns of one type differ in it),
drawn from those in the top quarter by number of ties (``degree_quantile``) whose skill, a
keyed uniform number, is in the top ``skill_share``; among those, the more engaged are more
likely chosen (a keyed weighted race). All draws use the decision ``key_persons``, so
experiments can switch this source alone (experiments/divergence.py).

A key person has an idea (becomes a change agent, if not one already). Every year, with
probability ``join_chance``, a key person who is in no active initiative joins a recruiting
initiative of their municipality (the one answering the largest gap; they pull the others along). An
initiative with a key person among its members recruits at (1 + ``recruitment_boost``) times
its rate, through ties and outreach. Key persons who die or leave are gone; nobody replaces
them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.agents.change_agent import ChangeAgent
from sim.agents.initiative import Phase
from sim.civic.gaps import KINDS

if TYPE_CHECKING:
    from collections.abc import Callable

    from sim.agents.initiative import Initiative
    from sim.config import CivicConfig
    from sim.model import TownModel

DECISION = "key_persons"


class KeyPersons:
    """Part of :class:`~sim.civic.CivicSystem`: the key persons and their effect.

    Attributes:
        key_pids: stable ids (``people.pid``) of the key persons chosen at the start.
    """

    model: TownModel
    cfg: CivicConfig
    change_agents: dict[Any, ChangeAgent]
    idea_weights: np.ndarray
    _active: Callable[[], list[Initiative]]
    key_pids: np.ndarray

    def choose_key_persons(self) -> None:
        """Choose the key persons among the initial adults (once, at the start)."""
        model = self.model
        cfg = self.cfg.key_persons
        pop = model.population
        p = pop.people
        rows = pop.alive_rows
        rows = rows[(p.age[rows] >= self.cfg.idea_min_age) & (p.age[rows] <= self.cfg.idea_max_age)]
        self.key_pids = np.empty(0, dtype=np.int64)
        if rows.size == 0 or cfg.per_10000_adults <= 0:
            return
        count = int(model.generator(DECISION).poisson(cfg.per_10000_adults * rows.size / 10000))
        if count == 0:
            return
        degree = model.tie_counts[0][rows]
        skill = model.uniform(DECISION, rows)
        eligible = (degree >= np.quantile(degree, cfg.degree_quantile)) & (
            skill >= 1.0 - cfg.skill_share
        )
        candidates = rows[eligible]
        chosen = candidates[
            model.streams.choose(
                DECISION, model.year, p.pid[candidates], count, p.engagement[candidates], draw=1
            )
        ]
        self.key_pids = np.sort(p.pid[chosen])
        if self.idea_weights.sum() <= 0:
            return
        cumulative = np.cumsum(self.idea_weights / self.idea_weights.sum())
        ideas = np.minimum(
            np.searchsorted(cumulative, model.uniform(DECISION, chosen, 2), side="right"),
            len(KINDS) - 1,
        )
        for row, idea in zip(chosen.tolist(), ideas.tolist(), strict=True):
            resident = model.resident_of(row)
            if resident not in self.change_agents:
                self.change_agents[resident] = ChangeAgent(model, resident, KINDS[idea])

    def key_persons_join(self) -> None:
        """Key persons join a recruiting initiative of their municipality (before recruitment)."""
        rows = self.key_rows()
        if rows.size == 0:
            return
        active = self._active()
        recruiting = [i for i in active if i.phase is Phase.recruiting]
        if not recruiting:
            return
        busy = np.concatenate([i.members for i in active])
        rows = rows[~np.isin(rows, busy)]  # one initiative at a time
        municipality = self.model.person_municipality(rows)
        joins = self.model.uniform(DECISION, rows, 3) < self.cfg.key_persons.join_chance
        for row, m in zip(rows[joins].tolist(), municipality[joins].tolist(), strict=True):
            options = [i for i in recruiting if i.municipality == m]
            if options:
                chosen = max(options, key=lambda i: (i.necessity, -i.unique_id))
                chosen.members = np.union1d(chosen.members, [row])

    def key_rows(self) -> np.ndarray:
        """Rows of the key persons still living in the town."""
        p = self.model.population.people
        if self.key_pids.size == 0:
            return np.empty(0, dtype=np.int64)
        return np.flatnonzero(p.alive & np.isin(p.pid, self.key_pids))

    def key_person_factor(self, initiative: Initiative) -> float:
        """Recruitment multiplier: 1 + boost if a key person is a member, else 1."""
        if self.key_pids.size == 0 or initiative.members.size == 0:
            return 1.0
        pids = self.model.population.people.pid[initiative.members]
        has_key = bool(np.isin(pids, self.key_pids).any())
        return 1.0 + self.cfg.key_persons.recruitment_boost if has_key else 1.0
