"""Config of one kind of initiative (``civic.<kind>``) and where each kind's defaults come from."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.param import ASSUMPTION, Sourced, param, sourced


@dataclass
class InitiativeTypeConfig:
    """What one kind of initiative needs and does (sources per kind in INITIATIVE_SOURCES)."""

    critical_mass: int = param(
        20,
        min=1,
        max=1000,
        role="uncertainty",
        source=ASSUMPTION,
        unit="members",
        doc="members needed within the window to launch",
    )
    window_years: int = param(
        2,
        min=1,
        max=20,
        role="uncertainty",
        source=ASSUMPTION,
        unit="years",
        doc="time to reach critical mass",
    )
    volunteer_hours: float = param(
        500.0,
        min=0,
        max=100000,
        role="uncertainty",
        source=ASSUMPTION,
        unit="h/yr",
        doc="hours its members must give once launched",
    )
    start_capital_eur: float = param(
        0.0,
        min=0,
        max=10000000,
        role="uncertainty",
        source=ASSUMPTION,
        unit="EUR",
        doc="to be raised from members' shares before launch",
    )
    member_share_eur: float = param(
        700.0,
        min=0,
        max=100000,
        unit="EUR",
        role="data",
        source="Dorfladen: 70,000 EUR from at least 100 members (shared data README)",
        doc="capital a member brings",
    )
    idea_weight: float = param(
        1.0,
        min=0,
        max=100,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="relative frequency of this idea among change agents",
    )
    civic_weight: float = param(
        0.3,
        min=0,
        max=10,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="contribution to civic life while launched",
    )
    start_without_gap: float = param(
        1.0,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="start chance without a gap, relative to civic.start_rate (0: only where there is a gap)",
    )
    outreach_factor: float = param(
        1.0,
        min=0,
        max=1000,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="multiplies civic.broadcast_rate: how many of those reached by meetings and canvassing join",
    )
    outreach_minutes: float = param(
        0.0,
        min=0,
        max=600,
        unit="min",
        role="uncertainty",
        source="assumption (public meetings reach the initiative's place)",
        doc="meetings and canvassing reach residents of the municipality living within this many car-minutes of the initiative's place",
    )
    outreach_core_share: float = param(
        1.0,
        min=0.0,
        exclusive_min=True,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (a few founders cannot run village-wide meetings: outreach grows with the group)",
        doc="outreach reaches full strength when the members reach this share of the critical mass",
    )
    backer_engagement_min: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (the upper half of the engagement scale, as civic.engaged_min)",
        doc="engagement propensity from which meetings and canvassing reach a resident",
    )


INITIATIVE_SOURCES: dict[str, dict[str, Sourced]] = {
    "coop_shop": {
        "critical_mass": sourced(
            "Dorfladen-Netzwerk: at least 100 member-shareholders (shared data README)", role="data"
        ),
        "start_capital_eur": sourced(
            "about 70,000 EUR start capital (shared data README)", role="data"
        ),
        "window_years": sourced("start-up takes 6–18 months (shared data README)", role="data"),
        "start_without_gap": sourced(
            "assumption (citizen shops are founded where the last grocer closed or none is near, shared data README)",
            role="uncertainty",
        ),
        "outreach_factor": sourced(
            "calibrated assumption: each shop is backed by 500–1,000 citizens of a village of about 1,900 and at least 100 buy shares (shared data README); about 6 of >130 advised foundings failed",
            role="uncertainty",
        ),
        "outreach_minutes": sourced(
            "assumption (members come from the village and its hinterland, those the shop serves)",
            role="uncertainty",
        ),
        "outreach_core_share": sourced(
            "assumption (a steering group of about ten runs the information meetings and sells the shares)",
            role="uncertainty",
        ),
        "backer_engagement_min": sourced(
            "assumption (buying a share asks little engagement; 66 % of people are active in some community group, shared data README)",
            role="uncertainty",
        ),
    },
    "citizen_bus": {
        "critical_mass": sourced(
            "Pro Bürgerbus NRW 2019: an average association has 64 members, 27 of them drivers (shared data README); the drivers are the critical mass",
            role="data",
        ),
        "volunteer_hours": sourced(
            "Pro Bürgerbus NRW 2019: 2,311 driver-hours a year (shared data README)", role="data"
        ),
    },
    "pool_coop": {
        "critical_mass": sourced(
            "assumption (Nörten-Hardenberg: a cooperative offered the municipality to run the pool, seed-notes §2.2)",
            role="uncertainty",
        ),
        "start_without_gap": sourced(
            "assumption (citizens take over a pool when its closure is decided or threatened, seed-notes §2.2 Nörten-Hardenberg)",
            role="uncertainty",
        ),
        "outreach_factor": sourced(
            "assumption (a threatened pool mobilises the whole municipality, seed-notes §4 P3 protest)",
            role="uncertainty",
        ),
        "outreach_minutes": sourced(
            "assumption (the pool's users live in the whole municipality)", role="uncertainty"
        ),
        "outreach_core_share": sourced(
            "assumption (a steering group of about ten runs the campaign)", role="uncertainty"
        ),
        "backer_engagement_min": sourced(
            "assumption (buying a share asks little engagement)", role="uncertainty"
        ),
    },
    "energy_coop": {
        "member_share_eur": sourced(
            "assumption (members of energy cooperatives invest more than a shop share)",
            role="uncertainty",
        )
    },
    "senior_cohousing": {
        "member_share_eur": sourced(
            "assumption (members finance their own flats; this is their share of the common costs)",
            role="uncertainty",
        )
    },
}
"""Where each kind's non-default values come from (used by the ODD parameter table)."""
