"""TownModel: a Kleinstadt's residents on its region network, one step per year."""

from __future__ import annotations

import logging

import mesa
import numpy as np
from mesa.discrete_space import Network

from sim import accessibility, data, demography, migration, work
from sim.agents.resident import Resident
from sim.config import Config
from sim.housing import HousingMarket
from sim.metrics import Recorder, YearFlows
from sim.population import Population
from sim.synthesis import synthesise
from sim.town import Town, resolve_town

log = logging.getLogger(__name__)


class TownModel(mesa.Model):
    """The town: its places, people, households, dwellings and their yearly processes.

    Args:
        config: a validated :class:`~sim.config.Config`. The seed is ``config.seed``; every
            random draw comes from ``self.rng`` (numpy) or ``self.random``.

    Attributes:
        town: the region network (places, travel times).
        space: the same network as a Mesa ``Network`` space (cells are places).
        population: columnar people, households, dwellings and ties.
        housing: the housing market (allocation, prices, construction).
        qol: quality of life per people row (NaN for rows no longer in town).
        flows: what happened in the current year.
        recorder: yearly metrics and age-sex counts; year 0 is the initial state.
    """

    def __init__(self, config: Config) -> None:
        super().__init__(rng=config.seed)
        self.config = config
        self.town = Town(resolve_town(config.town), config.qol)
        self.space = Network(self.town.graph, layout=self.town.layout(), random=self.random)
        region = self.town.config.region.value
        self.death_q = data.death_probabilities(region)
        self.fertility = data.fertility_rates(config.demography.fertility_year)

        self._residents: list[Resident | None] = []
        self.population = Population(
            on_added=self._add_agents,
            on_removed=self._remove_agents,
            on_compacted=self._renumber_agents,
        )
        self.housing = HousingMarket(self)
        self.alumni = migration.AlumniPool()
        self.flows = YearFlows()

        self.qol_weights = accessibility.weight_matrix(self)
        self.job_probabilities = work.job_choice_probabilities(self)
        self.study_place = work.study_places(self)

        synthesise(self)
        work.update_work(self, self.population.alive_rows)
        self.network_changed()
        self.recorder = Recorder()
        self.recorder.record(self)
        log.debug("initial town %s: %d residents", self.town.config.name, self.population.size)

    # -- the year ------------------------------------------------------------------------------

    def step(self) -> None:
        """One year, in this order (ODD §3)."""
        self.flows = YearFlows()
        self.population.compact()
        # 1. Demography
        demography.age_one_year(self)
        self.alumni.age_one_year()
        demography.deaths(self)
        demography.births(self)
        demography.leave_parental_home(self)
        demography.form_couples(self)
        demography.separations(self)
        # 2. Work
        work.update_work(self)
        # 3. Housing
        self.housing.update()
        # 4. Accessibility and quality of life
        self.qol = accessibility.quality_of_life(self)
        # 5. Migration
        if self.config.migration.enabled:
            self.tie_counts = self.population.tie_counts()
            migration.out_migration(self)
            migration.in_migration(self)
        # 6. Observation (newcomers get their quality of life first)
        self.qol = accessibility.update_quality_of_life(self, self.qol)
        self.recorder.record(self)

    def network_changed(self) -> None:
        """Recompute what depends on travel times: call after places or links change."""
        self.town.recompute_travel_times()
        self.job_probabilities = work.job_choice_probabilities(self)
        self.study_place = work.study_places(self)
        self.university_minutes = work.minutes_to_university(self)
        self.alternative_qol = accessibility.alternative_qol(self)
        self.qol = accessibility.quality_of_life(self)

    # -- agents ----------------------------------------------------------------------------

    @property
    def residents(self) -> mesa.agentset.AgentSet:
        """All Resident agents (a Mesa AgentSet)."""
        return self.agents_by_type.get(Resident, mesa.agentset.AgentSet([], random=self.random))

    def resident_of(self, row: int) -> Resident:
        """The agent of people-table row ``row``."""
        agent = self._residents[row]
        if agent is None:
            raise KeyError(f"row {row} is not a resident")
        return agent

    def _add_agents(self, rows: np.ndarray) -> None:
        self._residents.extend(Resident(self, int(r)) for r in rows)

    def _remove_agents(self, rows: np.ndarray) -> None:
        for r in rows.tolist():
            agent = self._residents[r]
            if agent is not None:
                agent.remove()
                self._residents[r] = None

    def _renumber_agents(self, mapping: np.ndarray) -> None:
        kept = [agent for agent in self._residents if agent is not None]
        for agent, row in zip(kept, mapping[:-1][mapping[:-1] >= 0].tolist(), strict=True):
            agent.row = row
        self._residents = kept
        self.qol = self.qol[mapping[:-1] >= 0]
