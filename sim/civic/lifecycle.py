"""The life cycle of an initiative: start, launch or failure, staffing, decline, institution.

Change agents start initiatives (more likely where there is a gap, and where a linked town
has proven the kind); at its deadline an initiative launches if it has its critical mass and
start capital, or fails; a launched one needs volunteer hours, loses members, burns out when
overloaded and declines, or becomes an institution after some years (seed-notes §6.2–6.3).
Launching and ending change the town through the other systems: a cooperative shop or pool
(services), a citizen bus (the network), a community house or senior cohousing (housing).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from sim.agents.change_agent import ChangeAgent
from sim.agents.initiative import Initiative, Phase
from sim.civic.gaps import KIND_INDEX, KINDS
from sim.config import CivicConfig, InitiativeType, ServiceType

if TYPE_CHECKING:
    from sim.events import EventLog
    from sim.model import TownModel


class LifeCycle:
    """Part of :class:`~sim.civic.CivicSystem`: starts, phases, launches and ends."""

    model: TownModel
    cfg: CivicConfig
    events: EventLog
    initiatives: list[Initiative]
    change_agents: dict[Any, ChangeAgent]
    launched_in: list[set[InitiativeType]]
    links: list[set[int]]

    def _learning(self, municipality: int, kind: InitiativeType) -> float:
        """Cross-town learning factor: a kind running or proven in a linked town."""
        boost = max(self.cfg.cross_town_learning, self.model.policies.effects.learning_boost)
        if boost <= 0:
            return 1.0
        proven = any(kind in self.launched_in[other] for other in self.links[municipality])
        return 1.0 + boost if proven else 1.0

    def _starts(self, gaps: np.ndarray) -> None:
        """Change agents start initiatives; a gap raises the chance (never to certainty)."""
        model = self.model
        year = int(model.time)
        effects = model.policies.effects
        busy = {(i.municipality, i.kind) for i in self._active()}
        agents = [a for a in self.change_agents.values() if a.ready_year <= year]
        if not agents:
            return
        # Chances for all agents at once (they do not depend on this year's starts) ...
        rows = np.fromiter((a.row for a in agents), dtype=np.int64, count=len(agents))
        draws = model.uniform("start", rows)
        municipality = model.person_municipality(rows)
        kind_index = np.fromiter(
            (KIND_INDEX[a.idea] for a in agents), dtype=np.int64, count=len(agents)
        )
        factor = np.array(
            [[effects.start(k) * self._learning(m, k) for k in KINDS] for m in range(gaps.shape[0])]
        )
        # Without a gap, some kinds are rarely or never started (a citizen shop where a grocer
        # is near): civic.<kind>.start_without_gap.
        without_gap = np.array([getattr(self.cfg, k.name).start_without_gap for k in KINDS])
        gap = gaps[municipality, kind_index]
        chance = (
            self.cfg.start_rate
            * (np.where(gap > 0, 1.0, without_gap[kind_index]) + self.cfg.necessity_boost * gap)
            * factor[municipality, kind_index]
        )
        # ... then, in order, those whose draw falls below their chance start unless their
        # municipality already has an active initiative of the kind.
        for i in np.flatnonzero(draws < np.minimum(chance, self.cfg.start_chance_max)).tolist():
            agent, m, kind = agents[i], int(municipality[i]), agents[i].idea
            if (m, kind) in busy:
                continue
            agent.ready_year = year + self.cfg.cooldown_years
            initiative = self.start(kind, m, agent.resident)
            initiative.necessity = float(gaps[m, KIND_INDEX[kind]])
            busy.add((m, kind))

    def start(
        self,
        kind: InitiativeType,
        municipality: int,
        initiator: Any | None,
        place: int | None = None,
    ) -> Initiative:
        """Start an initiative: the initiator and a few of their ties who are open to it."""
        model = self.model
        pop = model.population
        p = pop.people
        place = self._place_for(kind, municipality) if place is None else place
        members: list[int] = []
        if initiator is not None:
            row = initiator.row
            members.append(row)
            a, b = pop.live_ties()
            friends = np.concatenate([b[a == row], a[b == row]])
            friends = friends[
                (p.engagement[friends] >= self.cfg.founder_engagement_min)
                & (model.person_municipality(friends) == municipality)
            ]
            if friends.size:
                take = min(self.cfg.seed_members, friends.size)
                chosen = model.streams.choose(
                    "founding", model.year, p.pid[friends], take, draw=KIND_INDEX[kind]
                )
                members += friends[chosen].tolist()
        initiative = Initiative(
            model,
            kind,
            getattr(self.cfg, kind.name),
            municipality,
            place,
            np.unique(np.array(members, dtype=np.int64)),
        )
        self.initiatives.append(initiative)
        self.model.flows.initiatives["started"] += 1
        self._event(
            "started", initiative, "change agent" if initiator is not None else "municipality"
        )
        return initiative

    def ensure_participation(self) -> None:
        """Phase Null: each municipality runs a broad participation process (starts one if none)."""
        for m in range(self.model.town.n_municipalities):
            if not any(
                i.kind is InitiativeType.participation and i.municipality == m
                for i in self._active()
            ):
                self.start(
                    InitiativeType.participation, m, None, place=int(self.model.town.centres[m])
                )

    # -- phases --------------------------------------------------------------------------

    def _needs(self, initiative: Initiative) -> tuple[float, float]:
        """Critical mass and yearly volunteer hours, after levers and institutional status."""
        effort = (
            self.model.policies.effects.citizen_bus_effort
            if initiative.kind is InitiativeType.citizen_bus
            else 1.0
        )
        return initiative.needs(effort, self.cfg.institution_hours_factor)

    def _phases(self) -> None:
        """Launch or fail at the deadline; staffing, burnout, decline; institutions."""
        model = self.model
        p = model.population.people
        year = int(model.time)
        cfg = self.cfg
        running = self.running()
        memberships = np.bincount(
            np.concatenate([i.members for i in running])
            if running
            else np.empty(0, dtype=np.int64),
            minlength=len(p),
        )
        self.volunteer_hours = 0.0
        for initiative in self._active():
            critical, hours = self._needs(initiative)
            if initiative.phase is Phase.recruiting:
                capital_needed = initiative.settings.start_capital_eur * (
                    1.0 - model.policies.effects.capital_share_covered
                )
                capital = initiative.size * initiative.settings.member_share_eur
                if initiative.size >= critical and capital >= capital_needed:
                    self._launch(initiative)
                elif year - initiative.started_year + 1 >= initiative.settings.window_years:
                    self._end(
                        initiative,
                        Phase.failed,
                        "critical mass not reached"
                        if initiative.size < critical
                        else "start capital not raised",
                    )
                continue
            # Launched or institution: members drop out; do the others give enough hours?
            # Keyed by member and kind: the same person in the same initiative type draws the
            # same number in paired runs (sim/randomness.py).
            k = KIND_INDEX[initiative.kind]
            initiative.members = initiative.members[
                model.uniform("member_turnover", initiative.members, k) >= cfg.member_turnover
            ]
            # Project-based members ("Ehrenamt 2.0", seed-notes §03.06) help a new initiative
            # as a project, but not a formal, long-running one for good: each year a share of
            # them leaves an institution (a geometric term), unless the ehrenamt_2_0 lever lets
            # them stay without membership.
            term_exit = cfg.project_term_exit_rate * model.policies.effects.project_term_factor
            if term_exit > 0 and initiative.phase is Phase.institution:
                project = p.project_style[initiative.members]
                initiative.members = initiative.members[
                    ~project | (model.uniform("project_term", initiative.members, k) >= term_exit)
                ]
            shares = np.maximum(memberships[initiative.members], 1)
            offered = float(
                np.sum(p.engagement[initiative.members] * cfg.hours_per_member / shares)
            )
            self.volunteer_hours += min(hours, offered)
            load = hours / offered if offered > 0 else np.inf
            if load > 1.0:
                initiative.understaffed_years += 1
                quit_rate = min(
                    cfg.burnout_rate
                    * (load - 1.0)
                    * (cfg.support_burnout if initiative.supported else 1.0),
                    cfg.burnout_quit_max,
                )
                initiative.members = initiative.members[
                    model.uniform("burnout", initiative.members, k) >= quit_rate
                ]
            else:
                initiative.understaffed_years = 0
            if initiative.phase is Phase.launched:
                if initiative.understaffed_years >= cfg.decline_years:
                    self._end(initiative, Phase.declined, "not enough volunteer hours")
                elif (
                    year - initiative.launched_year >= cfg.institution_years
                    and initiative.understaffed_years == 0
                ):
                    initiative.phase = Phase.institution
                    self.model.flows.initiatives["institutionalised"] += 1
                    self._event(
                        "institutionalised", initiative, f"{cfg.institution_years} years running"
                    )
            elif initiative.size < cfg.institution_min_share * critical:
                self._end(initiative, Phase.declined, "too few members left")

    def _launch(self, initiative: Initiative) -> None:
        model = self.model
        initiative.phase = Phase.launched
        initiative.launched_year = int(model.time)
        self.launched_in[initiative.municipality].add(initiative.kind)
        self.model.flows.initiatives["launched"] += 1
        self._event("launched", initiative, "critical mass reached")
        services = model.services
        kind = initiative.kind
        if kind is InitiativeType.coop_shop:
            initiative.provider = services.open_civic(
                ServiceType.grocery, initiative.place, "coop", initiative
            )
        elif kind is InitiativeType.pool_coop:
            pools = [
                pv
                for pv in services.providers_of(initiative.municipality)
                if pv.kind is ServiceType.pool
            ]
            initiative.provider = (
                pools[0]
                if pools
                else services.open_civic(ServiceType.pool, initiative.place, "", initiative)
            )
            initiative.provider.operated_by = initiative
        elif kind is InitiativeType.citizen_bus:
            centre = int(model.town.centres[initiative.municipality])
            if initiative.place != centre:
                path = nx.shortest_path(
                    model.town.graph, initiative.place, centre, weight="car_minutes"
                )
                initiative.route = [int(x) for x in path]
                for u, v in itertools.pairwise(path):
                    model.town.set_citizen_bus(
                        u, v, initiative.unique_id, self.cfg.citizen_bus_departures
                    )
                model.network_changed()
        elif kind is InitiativeType.community_house:
            initiative.dwellings = model.housing.appropriate(initiative.place, 1)
        elif kind is InitiativeType.senior_cohousing:
            initiative.dwellings = model.housing.senior_cohousing(
                initiative.place, self.cfg.cohousing_households, initiative.municipality
            )

    def _end(self, initiative: Initiative, phase: Phase, reason: str) -> None:
        model = self.model
        was_running = initiative.phase.running
        initiative.phase = phase
        initiative.ended_year = int(model.time)
        self.model.flows.initiatives[phase.value] += 1
        self._event(phase.value, initiative, reason)
        if not was_running:
            return
        services = model.services
        if initiative.provider is not None:
            if initiative.kind is InitiativeType.pool_coop:
                initiative.provider.operated_by = None
            elif initiative.provider in services.providers:
                services.close(initiative.provider, "cooperative ended")
            initiative.provider = None
        if initiative.route:
            for u, v in itertools.pairwise(initiative.route):
                model.town.set_citizen_bus(u, v, initiative.unique_id, 0)
            model.network_changed()
        if initiative.dwellings.size and initiative.kind is InitiativeType.community_house:
            model.housing.release(initiative.dwellings)
            initiative.dwellings = np.empty(0, dtype=np.int64)

    def _event(self, kind: str, initiative: Initiative, reason: str) -> None:
        self.events.add(
            int(self.model.time),
            kind,
            initiative.kind.value,
            "initiative",
            initiative.place_name,
            reason,
            int(initiative.unique_id),
        )
