"""What running initiatives change: engagement, civic life, remote workers, municipal income.

Participation makes its members more engaged; civic life (a quality-of-life component) grows
with the initiatives running in a municipality, a participation process counting by its
breadth; coworking spaces draw remote workers where broadband allows (M-G1); energy
cooperatives pay the municipality (M-E2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents.initiative import Initiative, Phase
from sim.civic.benefits import CivicBenefits, build_benefits, is_broad
from sim.config import CivicConfig, InitiativeType

if TYPE_CHECKING:
    from sim.model import TownModel


class CivicEffects:
    """Part of :class:`~sim.civic.CivicSystem`: follow-ups and effects read by other modules."""

    model: TownModel
    cfg: CivicConfig
    civic_score: np.ndarray
    benefits: CivicBenefits | None

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

    def broad_shares(self) -> np.ndarray:
        """Per municipality, the share of under-30s and newcomers among its residents."""
        rows = self.model.population.alive_rows
        m = self.model.person_municipality(rows)
        n = self.model.town.n_municipalities
        broad = np.bincount(m, weights=is_broad(self.model, rows), minlength=n)
        residents = np.bincount(m, minlength=n)
        return np.divide(broad, residents, out=np.zeros(n), where=residents > 0)

    def breadth(self, initiative: Initiative, town_share: float) -> float:
        """How broad an initiative is: share of under-30s and newcomers among its members
        relative to its municipality's ``town_share`` (1: as broad as the town; seed-notes
        SF31)."""
        members = initiative.members
        if members.size == 0:
            return 0.0
        member_share = float(is_broad(self.model, members).mean())
        return float(np.clip(member_share / town_share, 0.0, 1.0)) if town_share > 0 else 0.0

    def _civic_life(self) -> None:
        """Civic life: who each running initiative reaches and how broad its decisions are
        (sim/civic/benefits.py); ``civic_score`` is a municipality's civic life for those
        reached fully.

        An initiative's decisions are as broad as its own members (``breadth``), and at least
        as broad as a participation process running in its municipality and, under Phase Null,
        the policy's breadth (the municipality invites broadly before planning, whether or not
        its process reaches critical mass; seed-notes SF31, §5.2).
        """
        running = self.running()
        invited = self.model.policies.effects.participation_breadth
        shares = self.broad_shares()
        own = [self.breadth(i, float(shares[i.municipality])) for i in running]
        representation = np.full(self.model.town.n_municipalities, invited)
        weights = []
        for k, initiative in enumerate(running):
            w = initiative.settings.civic_weight
            if initiative.kind is InitiativeType.participation:
                own[k] = max(own[k], invited)
                w *= own[k]
                m = initiative.municipality
                representation[m] = max(representation[m], own[k])
            weights.append(w)
        breadths = [
            max(b, representation[i.municipality]) for b, i in zip(own, running, strict=True)
        ]
        self.benefits = build_benefits(self.model, running, weights, breadths)
        full = np.bincount(
            self.benefits.municipality,
            weights=self.benefits.weight,
            minlength=self.model.town.n_municipalities,
        )
        # part of a place's QoL: the model clears the QoL cache
        self.civic_score = 1.0 - np.exp(-full * self.benefits.size_factor)

    def civic_life_of(self, home: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        """Civic life (0..1) of residents ``rows`` living at ``home``; with ``rows`` None of
        newcomers (not members, counted as broad) at ``home``."""
        if self.benefits is None:
            return np.zeros(home.size)
        broad = np.ones(home.size, dtype=bool) if rows is None else is_broad(self.model, rows)
        return self.benefits.score(home, rows, broad)

    def remote_worker_pull(self, municipality: int) -> float:
        """Remote-worker arrivals multiplier from coworking spaces, gated by broadband (M-G1)."""
        town = self.model.town
        pull = 0.0
        for initiative in self.running(InitiativeType.coworking, municipality):
            threshold = self.cfg.coworking_broadband_min
            gate = max(0.0, town.broadband[initiative.place] - threshold) / (1.0 - threshold)
            pull += self.cfg.coworking_pull * gate
        return 1.0 + pull

    def municipal_income_eur(self, municipality: int) -> float:
        """Income a municipality gets from its energy cooperatives (M-E2)."""
        return self.cfg.energy_income_eur * len(
            self.running(InitiativeType.energy_coop, municipality)
        )
