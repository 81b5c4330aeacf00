"""Config group ``social``: the seeded social network and engagement propensity."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.param import ASSUMPTION, param


@dataclass
class SocialConfig:
    """The seeded social network and engagement propensity (sim/social.py)."""

    neighbour_ties: int = param(
        4,
        min=0,
        max=50,
        role="uncertainty",
        source="assumption (seed-notes Q75: above 3,000–4,000 people not everyone knows everyone)",
        unit="ties per resident",
    )
    cross_place_ties: int = param(
        1, min=0, max=50, role="uncertainty", source=ASSUMPTION, unit="ties per resident"
    )
    engagement_mean: float = param(
        0.40,
        min=0,
        max=1,
        unit="",
        role="data",
        source="Freiwilligensurvey 2019: 39.7 % of people 14+ volunteer (shared data README)",
    )
    engagement_concentration: float = param(
        4.0,
        min=0.0,
        max=1000,
        exclusive_min=True,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="Beta(a, b) with a + b = this",
    )
