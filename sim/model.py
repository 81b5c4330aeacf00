"""TownModel: a Kleinstadt's residents on its region network, one step per year."""

from __future__ import annotations

import logging
from collections.abc import Callable

import mesa
import numpy as np
from mesa.discrete_space import Network

from sim import accessibility, budget, data, demography, migration, synthesis, work
from sim.accessibility import Accessibility
from sim.agents.resident import Resident
from sim.civic import CivicSystem
from sim.config import Config, LifeStage
from sim.employers import Employers
from sim.events import EventLog
from sim.housing import HousingMarket
from sim.local_events import LocalEvents
from sim.metrics import Recorder, YearFlows
from sim.policies import Policies
from sim.population import Origin, Population
from sim.randomness import Streams
from sim.services import ServiceSystem
from sim.shocks import Shocks
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
        events: the event log (openings, closures, successions, shocks, initiatives).
        access: who reaches which provider how fast; the places' QoL cache.
        policies: the levers of ``config.policy`` and this year's effects.
        civic: change agents and initiatives.
        services: providers, municipalities, bus lines, jobs.
        shocks: the configured shock.
        employers: the employers' fortunes, closures and relocations (sim/employers.py).
        recorder: yearly metrics and age-sex counts; year 0 is the initial state.
    """

    def __init__(self, config: Config) -> None:
        super().__init__(rng=config.seed)
        self.config = config
        self.streams = Streams(config.seed)  # random numbers keyed by decision (ODD §4)
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
        # The systems start empty; they are filled below, in the order of their random draws.
        self.events = EventLog()
        self.awaiting_ties: list[np.ndarray] = []  # rows born or arrived this year
        # Called with the phase's name after every phase of step() (tests check invariants).
        self.after_phase: Callable[[str], None] = lambda phase: None
        self.access = Accessibility(self.town, config, self)
        self.policies = Policies(self)  # the levers of config.policy
        self.civic = CivicSystem(self, self.events)  # change agents and initiatives
        self.services = ServiceSystem(self, self.access, self.events, self.network_changed)

        synthesise(self)
        self.housing.start_network()
        self.services.open_initial()  # providers, the municipality, bus lines, jobs
        self.shocks = Shocks(config.shock, self.town, self.services)
        self.employers = Employers(self)  # employers' fortunes, closures, relocations
        self.local_events = LocalEvents(self)  # news that moves a town's image (newcomers)
        self.refresh_tie_counts()  # ties per person (refreshed every year)
        self.civic.assign_ideas(self.population.alive_rows)
        self.civic.choose_key_persons()  # after the ideas: a key person without one gets one
        self.network_changed()
        work.update_work(self, self.population.alive_rows)
        self.qol = accessibility.quality_of_life(self)
        self.recorder = Recorder()
        self.recorder.record(self)
        log.debug("initial town %s: %d residents", self.town.config.name, self.population.size)

    # -- the year ------------------------------------------------------------------------------

    def step(self) -> None:
        """One year, in this order (ODD §3)."""
        self.flows = YearFlows()
        done = self.after_phase
        self.awaiting_ties = []
        self.population.compact()  # 1. Housekeeping
        self.policies.year()  # 2. Levers active this year: their effects, actions and costs
        done("policies")
        # 3. Demography
        demography.age_one_year(self)
        self.alumni.age_one_year()
        for process in (
            demography.deaths,
            demography.births,
            demography.leave_parental_home,
            demography.form_couples,
            demography.separations,
        ):
            process(self)
            done(process.__name__)
        # 4. Work
        work.update_work(self)
        done("work")
        # 5. Housing
        self.housing.update()
        done("housing")
        # 6. Services: shocks, employers' fortunes, demand and accounts, closures, successions, entries
        year = int(self.time)
        self.services.begin_year()
        self.shocks.year(year)
        self.employers.year(year, blocked=self.shocks.blocked(year))
        self.local_events.year(year)
        self.services.year(
            attractiveness=self.town_attractiveness(),  # after the shock, before successions
            effects=self.policies.effects,
            blocked=self.shocks.blocked(year),
        )
        done("services")
        # 7. Civic life: change agents, initiatives, their effects
        self.refresh_tie_counts()  # used by recruitment, migration and quality of life
        self.civic.year()
        self.access.clear_cache()  # civic life is part of a place's QoL
        done("civic")
        # 8. The municipal budgets; jobs follow the providers still open
        lost_jobs = budget.year(
            self.services,
            year,
            populations=self.municipality_population(),
            policy_cost_eur=self.policies.cost_eur,
            civic_income_eur=[
                self.civic.municipal_income_eur(m) for m in range(self.town.n_municipalities)
            ],
        )
        self.refresh_job_choice()
        for place, staff in lost_jobs:
            self.lose_local_jobs(place, staff)
        done("budget")
        # 9. Accessibility and quality of life
        self.qol = accessibility.quality_of_life(self)
        # 10. Migration
        if self.config.migration.enabled:
            migration.out_migration(self)
            done("out_migration")
            remote_pull = [
                self.civic.remote_worker_pull(m) for m in range(self.town.n_municipalities)
            ]
            migration.in_migration(self, remote_pull)
            done("in_migration")
        # 11. Observation: this year's newborns and newcomers get their social ties (in one
        # go: sim/synthesis.build_ties) and their quality of life
        if self.awaiting_ties:
            rows = np.concatenate(self.awaiting_ties)
            synthesis.build_ties(self, rows[self.population.people.alive[rows]])
        self.qol = accessibility.update_quality_of_life(self, self.qol)
        self.civic.prune_members()  # those who left this year are no longer members
        self.recorder.record(self)
        done("observation")

    def refresh_tie_counts(self) -> None:
        """Count everyone's ties now (``tie_counts``: all, and those outside the household)."""
        self.tie_counts = self.population.tie_counts()
        self._tie_counts_numbering = self.population.renumberings

    def local_ties_share(self, rows: np.ndarray) -> np.ndarray:
        """Per row: its ties outside its household t as t / (t + k), k =
        ``social.neighbour_ties`` (at least 1), from this year's counts (``tie_counts``, taken
        in the civic phase); rows added since (this year's newborns and newcomers) count 0.

        Raises:
            RuntimeError: the rows were renumbered since the counts were taken (the counts
                would belong to other people).
        """
        if self._tie_counts_numbering != self.population.renumberings:
            raise RuntimeError(
                "tie counts taken before the people rows were renumbered: "
                "call refresh_tie_counts() first"
            )
        _, local = self.tie_counts
        k = max(self.config.social.neighbour_ties, 1)
        counts = np.zeros(rows.size, dtype=local.dtype)
        known = rows < local.size
        counts[known] = local[rows[known]]
        return counts / (counts + k)

    def network_changed(self) -> None:
        """Recompute what depends on travel times: call after places or links change.

        Residents' quality of life is recomputed in the next QoL phase.
        """
        self.town.recompute_travel_times()
        self.access.clear_cache()
        self.refresh_job_choice()
        self.study_place = work.study_places(self)
        self.university_minutes = work.minutes_to_university(self)
        self.services.refresh_access()
        self.alternative_qol = accessibility.alternative_qol(self)

    def refresh_job_choice(self) -> None:
        """Job-choice probabilities after jobs or travel times changed."""
        self.job_probabilities = work.job_choice_probabilities(self)
        self.access.clear_cache()

    def lose_local_jobs(self, place: int, jobs: float) -> None:
        """``jobs`` residents working at ``place`` lose their job and look for a new one."""
        p = self.population.people
        rows = self.population.alive_rows
        workers = rows[(p.job_place[rows] == place) & (p.stage[rows] == LifeStage.local_worker)]
        count = min(round(jobs), workers.size)
        if count:
            chosen = self.streams.choose(
                f"job_loss/{place}", self.year, self.population.people.pid[workers], count
            )
            work.assign_work(self, workers[chosen], decision="job_loss")

    def town_attractiveness(self) -> float:
        """QoL gain of a family moving here over its best alternative (see sim/migration.py)."""
        _, _, habitable = self.housing.stock_by_place()
        weights = np.zeros(self.town.n_places)
        weights[self.town.home_places] = np.maximum(habitable[self.town.home_places], 1)
        return migration.attractiveness(self, Origin.family, weights)

    def place_population(self) -> np.ndarray:
        """Residents per place: array (P,)."""
        return self.place_mode_counts().sum(axis=1)

    def person_municipality(self, rows: np.ndarray | None = None) -> np.ndarray:
        """The municipality each person lives in (all rows if ``rows`` is None)."""
        return self.town.municipality[self.population.person_place(rows)]

    def municipality_population(self) -> np.ndarray:
        """Residents per municipality."""
        counts = self.place_population()
        homes = self.town.home_places
        return np.bincount(
            self.town.municipality[homes],
            weights=counts[homes],
            minlength=self.town.n_municipalities,
        ).astype(np.int64)

    def place_mode_counts(self) -> np.ndarray:
        """Residents by place and mode (car, no car): array (P, 2); cached per population state."""
        cached = getattr(self, "_place_mode_cache", None)
        if cached is not None and cached[0] == self.population.version:
            return cached[1]
        p = self.population.people
        rows = self.population.alive_rows
        key = self.population.person_place(rows) * 2 + np.where(p.has_car[rows], 0, 1)
        counts = np.bincount(key, minlength=self.town.n_places * 2).reshape(self.town.n_places, 2)
        self._place_mode_cache = (self.population.version, counts)
        return counts

    # -- random numbers keyed by decision (sim/randomness.py) ---------------------------------

    @property
    def year(self) -> int:
        """The simulated year: 0 while the town is built, then 1, 2, … within each step."""
        return int(self.time)

    def uniform(self, decision: str, rows: np.ndarray, draw: int = 0) -> np.ndarray:
        """One uniform number in [0, 1) per person row, keyed by (seed, decision, year, pid)."""
        return self.streams.uniform(decision, self.year, self.population.people.pid[rows], draw)

    def generator(self, decision: str, *keys: int) -> np.random.Generator:
        """A generator for a town-level draw of ``decision`` this year (and further keys)."""
        return self.streams.generator(decision, self.year, *keys)

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
        people = self.population.people  # each newcomer's fixed place on the ring of ties
        people.ring[rows] = self.streams.uniform("tie ring", 0, people.pid[rows])
        self._residents.extend(Resident(self, int(r)) for r in rows)

    def _remove_agents(self, rows: np.ndarray) -> None:
        removed = []
        for r in rows.tolist():
            agent = self._residents[r]
            if agent is not None:
                agent.remove()
                self._residents[r] = None
                removed.append(agent)
        self.civic.on_removed(removed)

    def _renumber_agents(self, mapping: np.ndarray) -> None:
        kept = [agent for agent in self._residents if agent is not None]
        for agent, row in zip(kept, mapping[:-1][mapping[:-1] >= 0].tolist(), strict=True):
            agent.row = row
        self._residents = kept
        self.qol = self.qol[mapping[:-1] >= 0]
        self.civic.remap(mapping)
