"""Support and recruitment: the municipality's civic staff and complex contagion.

The municipality supports as many initiatives as its civic staff can (oldest first);
initiatives recruit through their members' ties and households (complex contagion: joining
needs several involved ties), through public meetings at their place and, with a
coordination office, matching across the municipality (seed-notes §3.3–3.5, §4).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents.initiative import Phase
from sim.civic.gaps import KIND_INDEX
from sim.config import CivicConfig, InitiativeType, ServiceType
from sim.town import CAR

if TYPE_CHECKING:
    from collections.abc import Callable

    from sim.agents.initiative import Initiative
    from sim.model import TownModel


class Recruitment:
    """Part of :class:`~sim.civic.CivicSystem`: support and recruitment."""

    model: TownModel
    cfg: CivicConfig
    key_person_factor: Callable[[Initiative], float]

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
        # Residents who may be reached by meetings, canvassing or matching, per municipality.
        rows = pop.alive_rows
        lowest = min([cfg.engaged_min] + [i.settings.backer_engagement_min for i in recruiting])
        reachable = rows[(p.engagement[rows] >= lowest) & (p.age[rows] >= cfg.member_min_age)]
        reachable_by_m = [
            reachable[municipality_of[reachable] == m] for m in range(model.town.n_municipalities)
        ]
        grocery_minutes = model.access.nearest_minutes[ServiceType.grocery][CAR]
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
                & (p.age[candidates] >= cfg.member_min_age)
                & (municipality_of[candidates] == initiative.municipality)
            ]
            key_person = self.key_person_factor(initiative)  # sim/civic/key_persons.py
            rate = cfg.join_rate * (cfg.join_rate_launched if initiative.phase.running else 1.0)
            rate *= key_person
            rate *= cfg.support_recruitment if initiative.supported else 1.0
            rate *= 1.0 + cfg.learning_recruitment_share * (
                self._learning(initiative.municipality, initiative.kind) - 1.0
            )
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
                u = model.uniform("join", candidates, KIND_INDEX[initiative.kind])
                joined.append(candidates[u < chance])
            # Public meetings, canvassing and the local press reach residents of the
            # municipality near the initiative's place (civic.<kind>.outreach_minutes) who are
            # engaged enough to back it; a cooperative shop reaches those it would serve (no
            # grocer within gaps.coop_shop_site_minutes). A coordination office matches the
            # engaged from the whole municipality.
            settings = initiative.settings
            pool = reachable_by_m[initiative.municipality]
            pool = pool[~member[pool]]
            home = place_of[pool]
            near_site = (home == initiative.place) | (
                model.town.minutes[CAR, home, initiative.place] <= settings.outreach_minutes
            )
            backer = near_site & (p.engagement[pool] >= settings.backer_engagement_min)
            if initiative.kind is InitiativeType.coop_shop:
                backer &= grocery_minutes[home] > cfg.gaps.coop_shop_site_minutes
            engaged = p.engagement[pool] >= cfg.engaged_min
            breadth = (
                effects.participation_breadth
                if initiative.kind is InitiativeType.participation
                else 0.0
            )
            # Outreach grows with the group (a few founders cannot run village-wide meetings)
            # until it has its core (civic.<kind>.outreach_core_share of the critical mass).
            core = max(settings.outreach_core_share * settings.critical_mass, 1.0)
            reach = min(initiative.size / core, 1.0)
            broadcast = (
                cfg.broadcast_rate
                * settings.outreach_factor
                * reach
                * (1.0 + cfg.necessity_boost * initiative.necessity)
                * (cfg.join_rate_launched if initiative.phase.running else 1.0)
                * key_person
            )
            matching = (
                cfg.matching_rate if effects.coordination_office else 0.0
            ) + breadth * cfg.broadcast_rate
            chance = np.clip(
                (np.where(backer, broadcast, 0.0) + np.where(engaged, matching, 0.0))
                * p.engagement[pool]
                * (cfg.support_recruitment if initiative.supported else 1.0),
                0.0,
                1.0,
            )
            reached = np.flatnonzero(chance > 0)  # keyed: drawing for a subset changes nothing
            u = model.uniform("join_outreach", pool[reached], KIND_INDEX[initiative.kind])
            joined.append(pool[reached[u < chance[reached]]])
            if joined:
                initiative.members = np.unique(np.concatenate([initiative.members, *joined]))
