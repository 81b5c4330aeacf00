"""Config group ``civic``: change agents, initiatives and their diffusion, with the defaults of
every kind of initiative and where they come from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.config.civic_gaps import GapsConfig
from sim.config.civic_key_persons import KeyPersonsConfig
from sim.config.civic_types import INITIATIVE_SOURCES, InitiativeTypeConfig
from sim.config.param import ASSUMPTION, param
from sim.config.vocabulary import ConfigError

__all__ = ["INITIATIVE_SOURCES", "CivicConfig", "InitiativeTypeConfig"]


def _ini(**kwargs: Any) -> Any:
    return field(default_factory=lambda: InitiativeTypeConfig(**kwargs))


@dataclass
class CivicConfig:
    """Change agents, initiatives and their diffusion (sim/civic.py; seed-notes §3.2–3.5, §4, §6.2)."""

    coop_shop: InitiativeTypeConfig = _ini(
        critical_mass=100,
        window_years=2,
        volunteer_hours=3000.0,
        start_capital_eur=70000.0,
        member_share_eur=700.0,
        idea_weight=1.0,
        civic_weight=0.3,
        start_without_gap=0.0,
        outreach_factor=14.0,
        outreach_minutes=10.0,
        outreach_core_share=0.1,
        backer_engagement_min=0.2,
    )
    citizen_bus: InitiativeTypeConfig = _ini(
        critical_mass=27,
        window_years=2,
        volunteer_hours=2311.0,
        idea_weight=1.0,
        civic_weight=0.3,
    )
    pool_coop: InitiativeTypeConfig = _ini(
        critical_mass=120,
        window_years=2,
        volunteer_hours=4000.0,
        start_capital_eur=30000.0,
        member_share_eur=300.0,
        idea_weight=0.5,
        civic_weight=0.3,
        start_without_gap=0.0,
        outreach_factor=1.0,
        outreach_minutes=30.0,
        outreach_core_share=0.1,
        backer_engagement_min=0.4,
    )
    community_house: InitiativeTypeConfig = _ini(
        critical_mass=25, window_years=3, volunteer_hours=800.0, idea_weight=1.5, civic_weight=1.0
    )
    coworking: InitiativeTypeConfig = _ini(
        critical_mass=15, window_years=2, volunteer_hours=300.0, idea_weight=1.0, civic_weight=0.3
    )
    energy_coop: InitiativeTypeConfig = _ini(
        critical_mass=50,
        window_years=3,
        volunteer_hours=200.0,
        start_capital_eur=100000.0,
        member_share_eur=2000.0,
        idea_weight=1.0,
        civic_weight=0.2,
    )
    senior_cohousing: InitiativeTypeConfig = _ini(
        critical_mass=15,
        window_years=3,
        volunteer_hours=400.0,
        start_capital_eur=50000.0,
        member_share_eur=5000.0,
        idea_weight=0.7,
        civic_weight=0.3,
    )
    participation: InitiativeTypeConfig = _ini(
        critical_mass=20, window_years=2, volunteer_hours=300.0, idea_weight=1.0, civic_weight=0.5
    )
    change_agent_share: float = param(
        0.01,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (change agents are few, seed-notes §6.2 Kristof)",
        doc="share of adults idea_min_age..idea_max_age with an idea, in proportion to their engagement propensity",
    )
    start_rate: float = param(
        0.03,
        min=0,
        max=1,
        role="uncertainty",
        source=ASSUMPTION,
        unit="1/yr",
        doc="chance a change agent starts an initiative in a year without a gap",
    )
    necessity_boost: float = param(
        4.0,
        min=0,
        max=100,
        unit="",
        role="uncertainty",
        source="assumption; direction seed-notes M-D2, SF26 (engagement after a closure is more likely)",
        doc="start chance x (1 + boost x gap), gap 0..1",
    )
    cooldown_years: int = param(
        3,
        min=0,
        max=50,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="a change agent waits this long after starting before starting again",
    )
    seed_members: int = param(
        4,
        min=0,
        max=50,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="ties of the initiator who join at the start",
    )
    join_rate: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="P(join) = rate x propensity x share^h / (share^h + threshold^h) per year",
    )
    join_threshold: float = param(
        0.12,
        min=0.0,
        exclusive_min=True,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (complex contagion: joining needs several involved ties, Centola)",
        doc="share of a person's ties involved at which the pull is half",
    )
    join_exponent: float = param(
        2.0, min=1.0, max=10, unit="", role="uncertainty", source="assumption (complex contagion)"
    )
    broadcast_rate: float = param(
        0.005,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (public meetings and the local press reach the engaged at the initiative's place)",
        doc="yearly chance an engaged resident (propensity >= engaged_min) of the place joins, x propensity x min(1, members / critical mass) x (1 + necessity boost x gap at the start)",
    )
    target_size_factor: float = param(
        2.0,
        min=1,
        max=100,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="a launched initiative recruits up to this many times its critical mass (more only when understaffed)",
    )
    join_rate_launched: float = param(
        0.3,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="recruitment of launched initiatives relative to recruiting ones",
    )
    hours_per_member: float = param(
        120.0,
        min=0,
        max=2000,
        unit="h/yr",
        role="uncertainty",
        source="assumption (order of the Freiwilligensurvey's hours of engaged people)",
        doc="hours a member with propensity 1 gives a year, shared over their initiatives",
    )
    member_turnover: float = param(
        0.1,
        min=0,
        max=1,
        role="uncertainty",
        source="assumption (volunteers drop out for many reasons; launched initiatives must keep recruiting)",
        unit="1/yr",
    )
    project_term_exit_rate: float = param(
        0.2,
        min=0,
        max=1,
        role="uncertainty",
        source="assumption (a project-based volunteer stays about as long as a new initiative is a project, institution_years = 5); direction seed-notes §03.06 'Ehrenamt 2.0'",
        unit="1/yr",
        doc="yearly chance that a project-based member leaves an institution (a geometric term, mean 1/this years); recruiting and launched initiatives are projects they stay with",
    )
    burnout_rate: float = param(
        0.4,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (volunteers are not an unlimited substitute, seed-notes §9.10)",
        doc="members quit with rate x (load - 1) when needed hours exceed offered hours",
    )
    decline_years: int = param(
        2,
        min=1,
        max=50,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="years understaffed before a launched initiative declines",
    )
    institution_years: int = param(
        5,
        min=1,
        max=50,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="healthy years after launch to become an institution",
    )
    institution_hours_factor: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (rules, paid part-time staff)",
        doc="volunteer hours an institution still needs",
    )
    support_recruitment: float = param(
        1.5,
        min=1,
        max=10,
        unit="",
        role="uncertainty",
        source="assumption; direction seed-notes R4 (support multiplies success)",
        doc="recruitment multiplier for initiatives the municipality supports",
    )
    support_burnout: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption; direction seed-notes R4",
        doc="burnout multiplier for supported initiatives",
    )
    matching_rate: float = param(
        0.02,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (a coordination office matches volunteers to projects, seed-notes [004] Stellwerk Altena)",
        doc="yearly chance that an engaged resident (propensity >= engaged_min) without a tie to it joins, with a coordination office",
    )
    civic_scale: float = param(
        5.3,
        min=0.0,
        max=1000,
        exclusive_min=True,
        unit="",
        role="uncertainty",
        source="calibrated: with civic life by group (nonmember_benefit_share, elite_capture) "
        "the peripheral baseline's mean civic life in years 10-20 stays that of the town-wide "
        "score with scale 8 it replaced (an assumption; 10 seeds, 20 years: 0.240 against "
        "0.237, SD across seeds 0.02)",
        doc="civic life = 1 - exp(-sum of the weights reaching a resident x (civic_reference_population / residents)^0.5 / scale)",
    )
    cross_town_learning: float = param(
        0.0,
        min=0,
        max=10,
        unit="",
        role="uncertainty",
        source="assumption; without exchange (R6) proven types do not spread faster",
        doc="start and recruitment x (1 + this) for a type launched in a linked town",
    )
    coworking_pull: float = param(
        0.3,
        min=0,
        max=10,
        unit="",
        role="uncertainty",
        source="assumption; broadband gate seed-notes M-G1; modest, as the sources doubt that pioneers stay ([000] 'länger als einen Sommer?')",
        doc="remote-worker arrivals x (1 + pull x gate), gate = max(0, broadband - coworking_broadband_min) / (1 - coworking_broadband_min)",
    )
    participation_engagement_gain: float = param(
        0.03,
        min=0,
        max=1,
        role="uncertainty",
        source="assumption; direction seed-notes SF31, [002] theses 3–4 (participation raises trust and engagement)",
        unit="1/yr",
        doc="added yearly to the engagement propensity of members of a running participation process (up to 1); who gains depends on who takes part",
    )
    cohousing_households: int = param(
        10,
        min=0,
        max=1000,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="senior households (70+) a co-housing project takes in",
    )
    citizen_bus_departures: int = param(
        6, min=1, max=200, role="uncertainty", source=ASSUMPTION, unit="1/day"
    )
    pool_coop_cost_share: float = param(
        0.4,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (volunteers and members carry part of a pool's deficit)",
        doc="share of the pool's deficit the cooperative carries",
    )
    energy_income_eur: float = param(
        40000.0,
        min=0,
        max=10000000,
        unit="EUR/yr",
        role="uncertainty",
        source="assumption; seed-notes M-E2 (self-supply brings revenue)",
        doc="municipal revenue from an energy cooperative (leases, taxes)",
    )
    gaps: GapsConfig = field(default_factory=GapsConfig)
    key_persons: KeyPersonsConfig = field(default_factory=KeyPersonsConfig)
    idea_min_age: int = param(
        20,
        min=0,
        max=110,
        unit="years",
        role="structural",
        source="assumption (change agents are adults of working age, seed-notes §6.2 Kristof)",
        doc="youngest age at which a resident can get an idea (drawn once, on reaching it)",
    )
    idea_max_age: int = param(
        70,
        min=0,
        max=110,
        unit="years",
        role="structural",
        source="assumption (change agents are adults of working age, seed-notes §6.2 Kristof)",
        doc="oldest age at which a resident can get an idea",
    )
    start_chance_max: float = param(
        0.95,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (a gap raises the chance to start, never to certainty)",
        doc="cap on a change agent's yearly chance to start an initiative",
    )
    founder_engagement_min: float = param(
        0.4,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (friends of the initiator join when somewhat engaged, below engaged_min)",
        doc="engagement propensity a tie of the initiator needs to be a founding member",
    )
    burnout_quit_max: float = param(
        0.9,
        min=0,
        max=1,
        unit="1/yr",
        role="uncertainty",
        source="assumption (even an overloaded group keeps a core)",
        doc="cap on the yearly share of members who quit from burnout",
    )
    institution_min_share: float = param(
        0.3,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (an institution carries on with a core of members)",
        doc="an institution declines when its members fall below this share of its critical mass",
    )
    engaged_min: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (the upper half of the engagement scale)",
        doc="engagement propensity from which a resident is engaged: reached by public meetings and matching",
    )
    member_min_age: int = param(
        16,
        min=0,
        max=110,
        unit="years",
        role="structural",
        source="assumption (from 16 young people can join associations and cooperatives)",
        doc="youngest age at which a resident joins an initiative (through ties, meetings or matching)",
    )
    learning_recruitment_share: float = param(
        0.25,
        min=0,
        max=10,
        unit="",
        role="uncertainty",
        source="assumption (a proven type mainly raises the chance to start; recruitment still needs local ties)",
        doc="recruitment x (1 + share x (cross-town learning factor - 1))",
    )
    broad_age_below: int = param(
        30,
        min=0,
        max=110,
        unit="years",
        role="structural",
        source="assumption; seed-notes SF31 (young people and newcomers are missing from narrow participation)",
        doc="members younger than this make a participation process broad",
    )
    broad_years_in_town_below: int = param(
        5,
        min=0,
        max=110,
        unit="years",
        role="structural",
        source="assumption; seed-notes SF31 (young people and newcomers are missing from narrow participation)",
        doc="members fewer years in town than this (newcomers) make a participation process broad",
    )
    nonmember_benefit_share: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption; seed-notes SF31, issue 12 item 4 (an initiative's benefits reach "
        "those who take part and those it serves fully, the rest of the town in part)",
        doc="residents who are neither members of an initiative nor served by it (its village, "
        "its bus route) get this share of its civic weight",
    )
    elite_capture: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption; seed-notes SF31 (with narrow participation decisions reflect the "
        "small circle; youth and newcomers are less satisfied)",
        doc="young people and newcomers who are not members or served get their share x "
        "(1 - capture x (1 - breadth)), breadth that of the initiative, of a participation "
        "process running in the municipality or Phase Null's, whichever is broadest",
    )
    civic_reference_population: float = param(
        10000.0,
        min=0.0,
        max=10000000,
        exclusive_min=True,
        unit="residents",
        role="structural",
        source="assumption (normalisation: the same initiatives matter more in a smaller town; civic_scale sets the level)",
        doc="town size at which civic weights count fully: x (reference / residents)^0.5",
    )
    coworking_broadband_min: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption; broadband gate seed-notes M-G1",
        doc="broadband coverage coworking needs: from it there is a coworking gap, above it coworking draws remote workers",
    )

    def check(self, path: str) -> None:
        """Ideas go to an age range; the broadband gate needs room above its threshold."""
        if self.idea_min_age > self.idea_max_age:
            raise ConfigError(
                f"{path}.idea_max_age",
                self.idea_max_age,
                f"an age >= idea_min_age ({self.idea_min_age})",
            )
        if self.coworking_broadband_min >= 1:
            raise ConfigError(
                f"{path}.coworking_broadband_min", self.coworking_broadband_min, "a share below 1"
            )
