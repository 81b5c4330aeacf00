"""Config group ``civic.key_persons``: a few residents whose skill and network position make the
initiatives they belong to recruit faster (the actor constellation; seed-notes M-X4, SF28)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.param import param

KEY = "assumption; direction seed-notes M-X4 (the actor constellation decides a town's potential), SF28"
"""Source of the key persons' parameters."""


@dataclass
class KeyPersonsConfig:
    """Key persons (sim/civic/key_persons.py): how many, who, and how much they help."""

    per_10000_adults: float = param(
        3.0,
        min=0,
        max=10000,
        unit="1/10,000 adults",
        role="uncertainty",
        source=KEY + "; a handful in a town of 12,000",
        doc="mean number of key persons at the start per 10,000 adults (the number is Poisson: "
        "towns of one type differ in it)",
    )
    degree_quantile: float = param(
        0.75,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=KEY,
        doc="key persons come from the adults whose number of ties is at least this quantile",
    )
    skill_share: float = param(
        0.1,
        min=0,
        max=1,
        exclusive_min=True,
        unit="",
        role="uncertainty",
        source=KEY,
        doc="... and whose skill (organising, fundraising; a keyed uniform draw) is in this top "
        "share; among them, the more engaged are more likely chosen",
    )
    join_chance: float = param(
        0.5,
        min=0,
        max=1,
        unit="1/yr",
        role="uncertainty",
        source=KEY,
        doc="yearly chance that a key person who is in no active initiative joins a recruiting initiative "
        "of their municipality (the one answering the largest gap)",
    )
    recruitment_boost: float = param(
        0.5,
        min=0,
        max=10,
        unit="",
        role="uncertainty",
        source=KEY + " (modest on purpose: vary it)",
        doc="an initiative with a key person among its members recruits at (1 + boost) times "
        "the rate, through ties and through outreach",
    )
