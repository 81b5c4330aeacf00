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
    project_style_share_young: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption; direction seed-notes §03.06 'Ehrenamt 2.0' (Evers et al. 2015): younger people engage informally, project by project",
        doc="share with a project-based engagement style among people aged 20 at the start (the rest engage formally, in Vereine)",
    )
    project_style_cohort_trend: float = param(
        0.01,
        min=0,
        max=0.1,
        unit="1/birth year",
        role="uncertainty",
        source="assumption; direction seed-notes §03.06 'Ehrenamt 2.0' (engagement mode by age; SF32 cohort replacement)",
        doc="each later birth year adds this to the project-based share (clipped to 0..1)",
    )
