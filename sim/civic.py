"""Citizens co-produce: change agents, initiatives, diffusion to critical mass, effects.

The source study's thesis: small-town quality of life is carried by its citizens ("bürgergetragene
Urbanität", seed-notes §2.0). Change agents notice gaps and start initiatives; initiatives
recruit through the social network (complex contagion: joining needs several involved ties);
below critical mass by their deadline they fail; launched ones need volunteer hours, burn out
when overloaded and decline, or become institutions after some years (seed-notes §3.2–3.5,
§4, §6.2–6.3, §7.5). Nothing here guarantees success: volunteering is voluntary.

Effects work through the model's existing mechanisms: a cooperative shop is a grocery provider
with a lower break-even; a citizen bus adds bus service on links; a pool cooperative keeps
the pool open and carries part of its deficit; coworking draws remote workers where broadband
allows; the others add to civic life (a quality-of-life component), a municipal income or
housing for seniors.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from sim.agents.change_agent import ChangeAgent
from sim.agents.initiative import Initiative, Phase
from sim.config import InitiativeType, ServiceType
from sim.town import CAR, NO_CAR

if TYPE_CHECKING:
    from sim.events import EventLog
    from sim.model import TownModel

KINDS = tuple(InitiativeType)
KIND_INDEX = {kind: i for i, kind in enumerate(KINDS)}
GAP_YEARS = 3
"""A closure counts as a gap for this many years (assumption)."""


class CivicSystem:
    """Change agents and initiatives of the town (or of each municipality of a region).

    Attributes:
        initiatives: every initiative ever started (Mesa agents), in order.
        change_agents: resident agent -> ChangeAgent, for residents with an idea.
        civic_score: civic life per municipality (0..1), the QoL component.
    """

    def __init__(self, model: TownModel, events: EventLog) -> None:
        """No change agents yet: ``assign_ideas`` gives the initial residents their ideas."""
        self.model = model
        self.events = events
        self.cfg = model.config.civic
        self.initiatives: list[Initiative] = []
        self.change_agents: dict[Any, ChangeAgent] = {}
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
        """Some adults 20–70 among ``rows`` get an idea, more likely the more engaged they are."""
        p = self.model.population.people
        rows = rows[(p.age[rows] >= 20) & (p.age[rows] <= 70) & ~p.idea_drawn[rows]]
        p.idea_drawn[rows] = True
        if rows.size == 0:
            return
        multiplier = self.model.policies.effects.idea_multiplier
        mean = max(self.model.config.social.engagement_mean, 1e-6)
        chance = np.clip(
            self.cfg.change_agent_share * multiplier * p.engagement[rows] / mean, 0.0, 1.0
        )
        chosen = rows[self.model.rng.random(rows.size) < chance]
        if chosen.size == 0 or self.idea_weights.sum() <= 0:
            return
        ideas = self.model.rng.choice(
            len(KINDS), size=chosen.size, p=self.idea_weights / self.idea_weights.sum()
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
        """Members who died or left leave their initiatives (before the civic phase and
        before observation)."""
        alive = self.model.population.people.alive
        for initiative in self.initiatives:
            if initiative.phase.active and initiative.members.size:
                initiative.members = initiative.members[alive[initiative.members]]

    def remap(self, mapping: np.ndarray) -> None:
        """People rows were renumbered: members follow (mapping old -> new, -1 dropped)."""
        for initiative in self.initiatives:
            if initiative.phase.active:
                members = mapping[initiative.members]
                initiative.members = members[members >= 0]

    # -- the year -----------------------------------------------------------------------------

    def year(self) -> None:
        """Ideas, gaps, starts, support, recruitment, phases, effects, civic life (in this order)."""
        p = self.model.population.people
        rows = self.model.population.alive_rows
        newly = rows[~p.idea_drawn[rows] & (p.age[rows] >= 20)]
        self.assign_ideas(newly)
        self.prune_members()
        gaps = self.gaps()
        self._starts(gaps)
        self._support()
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

    def gaps(self) -> np.ndarray:
        """Necessity per municipality and kind (0..1): what a change agent would respond to."""
        model = self.model
        town = model.town
        services = model.services
        n = town.n_municipalities
        year = int(model.time)
        recent: set[tuple[int, str]] = set()  # (municipality, provider type) closed lately
        for event in reversed(self.events):  # events are appended in year order
            if year - event["year"] >= GAP_YEARS:
                break
            if event["kind"] in ("closure", "shock"):
                recent.add(
                    (int(town.municipality[town.index[event["place"]]]), event["provider_type"])
                )
        homes = town.home_places
        of_place = town.municipality[homes]

        def by_municipality(per_place: np.ndarray) -> np.ndarray:
            return np.bincount(of_place, weights=per_place[homes], minlength=n)

        grocery_minutes = model.access.nearest_minutes[ServiceType.grocery][CAR]
        unserved = by_municipality(model.place_population() * (grocery_minutes > 10))
        p = model.population.people
        rows = model.population.alive_rows
        municipality = model.person_municipality(rows)
        place = model.population.person_place(rows)
        far_no_car = (
            ~p.has_car[rows]
            & (p.age[rows] >= 6)
            & (town.minutes[NO_CAR, place, town.centres[municipality]] > 30)
        )
        far = np.bincount(municipality[far_no_car], minlength=n)
        residents = np.bincount(municipality, minlength=n)
        old = np.bincount(municipality[p.age[rows] >= 65], minlength=n)
        stock, vacant, _ = model.housing.stock_by_place()
        stock_m, vacant_m = by_municipality(stock), by_municipality(vacant)
        pools, pubs = np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64)
        for provider in services.providers:
            pools[provider.municipality] |= provider.kind is ServiceType.pool
            pubs[provider.municipality] += provider.kind is ServiceType.pub

        gaps = np.zeros((n, len(KINDS)))
        col = KIND_INDEX
        for m in range(n):
            gaps[m, col[InitiativeType.coop_shop]] = (
                1.0 if (m, "grocery") in recent else 0.5 if unserved[m] >= 300 else 0.0
            )
            gaps[m, col[InitiativeType.citizen_bus]] = (
                1.0 if (m, "bus_line") in recent else 0.5 if far[m] >= 50 else 0.0
            )
            debt = services.municipalities[m]
            at_risk = (
                pools[m] and debt.debt_per_resident_eur > 0.8 * debt.cfg.debt_limit_per_resident_eur
            )
            gaps[m, col[InitiativeType.pool_coop]] = (
                1.0 if (m, "pool") in recent else 0.7 if at_risk else 0.0
            )
            centre = town.centres[m]
            centre_vacancy = vacant[centre] / max(stock[centre], 1)
            gaps[m, col[InitiativeType.community_house]] = (
                0.7
                if (m, "pub") in recent
                else 0.5
                if pubs[m] == 0 or centre_vacancy > 0.08
                else 0.0
            )
            gaps[m, col[InitiativeType.coworking]] = 0.3 if town.broadband[centre] >= 0.5 else 0.0
            gaps[m, col[InitiativeType.energy_coop]] = 0.3
            old_share = old[m] / residents[m] if residents[m] else 0.0
            gaps[m, col[InitiativeType.senior_cohousing]] = (
                0.5 if old_share > 0.25 and vacant_m[m] > 0.05 * stock_m[m] else 0.0
            )
            gaps[m, col[InitiativeType.participation]] = 0.2
        return gaps

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
        rng = model.rng
        year = int(model.time)
        effects = model.policies.effects
        busy = {(i.municipality, i.kind) for i in self._active()}
        agents = [a for a in self.change_agents.values() if a.ready_year <= year]
        if not agents:
            return
        draws = rng.random(len(agents))
        # Chances for all agents at once (they do not depend on this year's starts) ...
        rows = np.fromiter((a.row for a in agents), dtype=np.int64, count=len(agents))
        municipality = model.person_municipality(rows)
        kind_index = np.fromiter(
            (KIND_INDEX[a.idea] for a in agents), dtype=np.int64, count=len(agents)
        )
        factor = np.array(
            [[effects.start(k) * self._learning(m, k) for k in KINDS] for m in range(gaps.shape[0])]
        )
        chance = (
            self.cfg.start_rate
            * (1.0 + self.cfg.necessity_boost * gaps[municipality, kind_index])
            * factor[municipality, kind_index]
        )
        # ... then, in order, those whose draw falls below their chance start unless their
        # municipality already has an active initiative of the kind.
        for i in np.flatnonzero(draws < np.minimum(chance, 0.95)).tolist():
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
                (p.engagement[friends] >= 0.4)
                & (model.person_municipality(friends) == municipality)
            ]
            if friends.size:
                take = min(self.cfg.seed_members, friends.size)
                members += model.rng.choice(friends, size=take, replace=False).tolist()
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

    def _place_for(self, kind: InitiativeType, municipality: int) -> int:
        """Where a new initiative of ``kind`` works in the municipality."""
        model = self.model
        town = model.town
        places = town.places_of(municipality)
        centre = int(town.centres[municipality])
        if kind is InitiativeType.coop_shop:
            for event in reversed(self.events):
                if (
                    event["provider_type"] == "grocery"
                    and event["kind"] in ("closure", "shock")
                    and town.index[event["place"]] in places
                ):
                    return int(town.index[event["place"]])
            minutes = model.access.nearest_minutes[ServiceType.grocery][CAR][places]
            population = model.place_population()[places]
            return (
                int(places[np.argmax(np.where(minutes > 5, population, -1))])
                if (minutes > 5).any()
                else centre
            )
        if kind is InitiativeType.citizen_bus:
            no_car = model.place_mode_counts()[places, NO_CAR]
            far = town.minutes[NO_CAR, places, centre]
            score = np.where(places != centre, no_car * far, -1)
            return int(places[np.argmax(score)]) if score.max() > 0 else centre
        return centre

    # -- support and recruitment ------------------------------------------------------------

    def capacity(self, municipality: int) -> float:
        """How many initiatives the municipality's civic staff can support this year."""
        cfg = self.model.config.municipality
        staff = cfg.civic_staff_fte + self.model.policies.effects.extra_staff_fte
        share = 1.0 / self.model.town.n_municipalities  # a lever's staff is shared by a region
        return (
            cfg.civic_staff_fte + (staff - cfg.civic_staff_fte) * share
        ) / cfg.fte_per_supported_initiative

    def _support(self) -> None:
        """Oldest first, initiatives that are not yet institutions get support up to capacity."""
        requests = 0
        capacity_total = 0.0
        for m in range(self.model.town.n_municipalities):
            asking = [
                i
                for i in self._active()
                if i.municipality == m and i.phase is not Phase.institution
            ]
            capacity = self.capacity(m)
            requests += len(asking)
            capacity_total += capacity
            for rank, initiative in enumerate(asking):
                initiative.supported = rank < int(np.floor(capacity + 1e-9))
        self.staff_load = requests / capacity_total if capacity_total > 0 else float(requests > 0)

    def _recruit(self) -> None:
        """Complex contagion through ties; matching by a coordination office."""
        model = self.model
        pop = model.population
        p = pop.people
        rng = model.rng
        cfg = self.cfg
        effects = model.policies.effects
        a, b = pop.live_ties()
        n = len(p)
        total_ties, _ = model.tie_counts  # computed this year before the civic phase
        sizes = pop.household_sizes()
        degree = total_ties + np.maximum(sizes[p.household] - 1, 0)
        place_of = pop.person_place()
        municipality_of = model.town.municipality[place_of]
        # A launched initiative big enough and fully staffed does not recruit.
        recruiting = [
            i
            for i in self._active()
            if not (
                i.phase.running
                and i.size >= cfg.target_size_factor * i.settings.critical_mass
                and i.understaffed_years == 0
            )
        ]
        if not recruiting:
            return
        # Engaged residents per municipality (public meetings, matching).
        rows = pop.alive_rows
        engaged = rows[(p.engagement[rows] >= 0.5) & (p.age[rows] >= 16)]
        engaged_by_m = [
            engaged[municipality_of[engaged] == m] for m in range(model.town.n_municipalities)
        ]
        # Ties and housemates of anyone in a recruiting group, once (the full edge list is
        # large); each initiative then looks only at this subset.
        anyone = np.zeros(n, dtype=bool)
        anyone[np.concatenate([i.members for i in recruiting])] = True
        touching = anyone[a] | anyone[b]
        a, b = a[touching], b[touching]
        any_household = np.zeros(len(pop.households), dtype=bool)
        any_household[p.household[anyone]] = True
        near = np.flatnonzero(p.alive & any_household[p.household])
        for initiative in recruiting:
            member = np.zeros(n, dtype=bool)
            member[initiative.members] = True
            # People tied to a member, and how many of their ties are members.
            from_a, from_b = member[a], member[b]
            neighbours = np.concatenate([b[from_a], a[from_b]])
            member_households = np.zeros(len(pop.households), dtype=bool)
            member_households[p.household[initiative.members]] = True
            housemates = near[member_households[p.household[near]]]
            candidates = np.unique(np.concatenate([neighbours, housemates]))
            candidates = candidates[
                p.alive[candidates]
                & ~member[candidates]
                & (p.age[candidates] >= 16)
                & (municipality_of[candidates] == initiative.municipality)
            ]
            rate = cfg.join_rate * (cfg.join_rate_launched if initiative.phase.running else 1.0)
            rate *= cfg.support_recruitment if initiative.supported else 1.0
            rate *= 1.0 + 0.25 * (self._learning(initiative.municipality, initiative.kind) - 1.0)
            joined: list[np.ndarray] = []
            if candidates.size:
                involved = np.bincount(neighbours, minlength=n)[candidates].astype(float)
                hh_members = np.bincount(
                    p.household[initiative.members], minlength=len(pop.households)
                )
                involved += hh_members[p.household[candidates]]
                share = involved / np.maximum(degree[candidates], 1)
                h = cfg.join_exponent
                pull = share**h / (share**h + cfg.join_threshold**h)
                chance = np.clip(rate * p.engagement[candidates] * pull, 0.0, 1.0)
                joined.append(candidates[rng.random(candidates.size) < chance])
            # Public meetings and the local press reach the engaged at the initiative's place;
            # a coordination office matches engaged people from the whole municipality.
            pool = engaged_by_m[initiative.municipality]
            pool = pool[~member[pool]]
            local = place_of[pool] == initiative.place
            breadth = (
                effects.participation_breadth
                if initiative.kind is InitiativeType.participation
                else 0.0
            )
            # Outreach grows with the group (a few founders cannot run village-wide meetings).
            reach = min(initiative.size / max(initiative.settings.critical_mass, 1), 1.0)
            broadcast = (
                cfg.broadcast_rate
                * reach
                * (1.0 + cfg.necessity_boost * initiative.necessity)
                * (cfg.join_rate_launched if initiative.phase.running else 1.0)
            )
            matching = (
                cfg.matching_rate if effects.coordination_office else 0.0
            ) + breadth * cfg.broadcast_rate
            chance = np.clip(
                (np.where(local, broadcast, 0.0) + matching)
                * p.engagement[pool]
                * (cfg.support_recruitment if initiative.supported else 1.0),
                0.0,
                1.0,
            )
            joined.append(pool[rng.random(pool.size) < chance])
            if joined:
                initiative.members = np.unique(np.concatenate([initiative.members, *joined]))

    # -- phases --------------------------------------------------------------------------

    def _needs(self, initiative: Initiative) -> tuple[float, float]:
        """Critical mass and yearly volunteer hours, after levers and institutional status."""
        settings = initiative.settings
        effort = (
            self.model.policies.effects.citizen_bus_effort
            if initiative.kind is InitiativeType.citizen_bus
            else 1.0
        )
        hours = settings.volunteer_hours * effort
        if initiative.phase is Phase.institution:
            hours *= self.cfg.institution_hours_factor
        return settings.critical_mass * effort, hours

    def _phases(self) -> None:
        """Launch or fail at the deadline; staffing, burnout, decline; institutions."""
        model = self.model
        p = model.population.people
        rng = model.rng
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
            initiative.members = initiative.members[
                rng.random(initiative.size) >= cfg.member_turnover
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
                    0.9,
                )
                initiative.members = initiative.members[rng.random(initiative.size) >= quit_rate]
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
            elif initiative.size < 0.3 * critical:
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

    def _effects(self) -> None:
        """Follow-ups of running initiatives: participation makes its members more engaged
        (only those who take part: a narrow circle keeps the gain to itself, SF31); a
        cooperative whose shop closed has ended."""
        p = self.model.population.people
        gain = self.cfg.participation_engagement_gain
        for initiative in self.running(InitiativeType.participation):
            p.engagement[initiative.members] = np.minimum(
                p.engagement[initiative.members] + gain, 1.0
            )
        services = self.model.services
        for initiative in self.running(InitiativeType.coop_shop):
            if initiative.provider is not None and initiative.provider not in services.providers:
                initiative.provider = None
                self._end(initiative, Phase.declined, "the shop lost money")

    # -- civic life and effects read by other modules --------------------------------------

    def breadth(self, initiative: Initiative) -> float:
        """How broad a participation process is: share of under-30s and newcomers among its
        members relative to the municipality (1: as broad as the town; seed-notes SF31)."""
        p = self.model.population.people
        members = initiative.members
        if members.size == 0:
            return 0.0
        rows = self.model.population.alive_rows
        in_m = rows[self.model.person_municipality(rows) == initiative.municipality]

        def broad(r: np.ndarray) -> np.ndarray:
            return (p.age[r] < 30) | (p.years_in_town[r] < 5)

        town_share = float(broad(in_m).mean()) if in_m.size else 0.0
        member_share = float(broad(members).mean())
        return float(np.clip(member_share / town_share, 0.0, 1.0)) if town_share > 0 else 0.0

    def _civic_life(self) -> None:
        populations = self.model.municipality_population()
        scores = np.zeros(self.model.town.n_municipalities)
        for m in range(scores.size):
            weight = 0.0
            for initiative in self.running(municipality=m):
                w = initiative.settings.civic_weight
                if initiative.kind is InitiativeType.participation:
                    w *= max(
                        self.breadth(initiative), self.model.policies.effects.participation_breadth
                    )
                weight += w
            size = np.sqrt(10000.0 / max(populations[m], 1))
            scores[m] = 1.0 - np.exp(-weight * size / self.cfg.civic_scale)
        self.civic_score = scores  # part of a place's QoL: the model clears the QoL cache

    def remote_worker_pull(self, municipality: int) -> float:
        """Remote-worker arrivals multiplier from coworking spaces, gated by broadband (M-G1)."""
        town = self.model.town
        pull = 0.0
        for initiative in self.running(InitiativeType.coworking, municipality):
            gate = max(0.0, town.broadband[initiative.place] - 0.5) / 0.5
            pull += self.cfg.coworking_pull * gate
        return 1.0 + pull

    def municipal_income_eur(self, municipality: int) -> float:
        """Income a municipality gets from its energy cooperatives (M-E2)."""
        return self.cfg.energy_income_eur * len(
            self.running(InitiativeType.energy_coop, municipality)
        )

    # -- observation ------------------------------------------------------------------------

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
