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
from sim.config import CivicConfig, InitiativeType

if TYPE_CHECKING:
    from sim.model import TownModel


class CivicEffects:
    """Part of :class:`~sim.civic.CivicSystem`: follow-ups and effects read by other modules."""

    model: TownModel
    cfg: CivicConfig
    civic_score: np.ndarray

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
        cfg = self.cfg

        def broad(r: np.ndarray) -> np.ndarray:
            return (p.age[r] < cfg.broad_age_below) | (
                p.years_in_town[r] < cfg.broad_years_in_town_below
            )

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
            size = np.sqrt(self.cfg.civic_reference_population / max(populations[m], 1))
            scores[m] = 1.0 - np.exp(-weight * size / self.cfg.civic_scale)
        self.civic_score = scores  # part of a place's QoL: the model clears the QoL cache

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
