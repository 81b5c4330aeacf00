"""Config group ``policy``: the levers a municipality can pull and their parameters."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sim.config.param import ASSUMPTION, param
from sim.config.vocabulary import ConfigError


@dataclass
class LeverConfig:
    """What every lever has: whether it is used, when it starts, what it costs a year."""

    enabled: bool = param(
        False,
        unit="",
        role="lever",
        source="config",
        doc="the lever is part of the policy (policy files set it; policy.<lever>.enabled=true adds it)",
    )
    start_year: int = param(1, min=1, max=100, unit="", role="lever", source="config")
    yearly_cost_eur: float = param(
        0.0, min=0, max=100000000, unit="EUR/yr", role="lever", source=ASSUMPTION
    )


@dataclass
class R1InnovationConfig(LeverConfig):
    """R1 innovation-friendly structures: back change agents; coworking, makerspace, digital lab."""

    yearly_cost_eur: float = param(
        60000.0,
        min=0,
        max=100000000,
        unit="EUR/yr",
        role="lever",
        source="assumption (a post and rooms)",
    )
    idea_multiplier: float = param(
        1.5,
        min=1,
        max=10,
        unit="",
        role="uncertainty",
        source="assumption; direction seed-notes R1",
        doc="more residents with an idea",
    )
    start_multiplier: float = param(
        1.5,
        min=1,
        max=10,
        unit="",
        role="uncertainty",
        source="assumption; direction seed-notes R1",
        doc="starts of coworking, community houses and participation",
    )


@dataclass
class R2EntrepreneurshipConfig(LeverConfig):
    """R2 entrepreneurship: capital and advice for start-ups, space entrepreneurs, succession help."""

    yearly_cost_eur: float = param(
        50000.0, min=0, max=100000000, unit="EUR/yr", role="lever", source=ASSUMPTION
    )
    succession_bonus: float = param(
        0.15,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption; direction seed-notes R2",
        doc="added to every kind's succession base",
    )
    climate_multiplier: float = param(
        1.5,
        min=1,
        max=10,
        unit="",
        role="uncertainty",
        source="assumption; direction seed-notes R2",
        doc="entrepreneurial climate x this",
    )


@dataclass
class R3FinancingConfig(LeverConfig):
    """R3 new financing and cooperation: zero-interest loans, grants, rooms, inter-municipal sharing."""

    yearly_cost_eur: float = param(
        30000.0, min=0, max=100000000, unit="EUR/yr", role="lever", source=ASSUMPTION
    )
    capital_share_covered: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="lever",
        source="assumption; direction seed-notes R3",
        doc="share of initiatives' start capital covered by loans and grants",
    )
    shared_services_saving: float = param(
        0.1,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption; direction seed-notes R3 (inter-municipal sharing)",
        doc="municipal services' fixed costs x (1 - this)",
    )


@dataclass
class R4ResourcesConfig(LeverConfig):
    """R4 resources for the municipality: staff and a coordination office for civic projects."""

    extra_staff_fte: float = param(
        1.5,
        min=0,
        max=100,
        unit="FTE",
        role="lever",
        source="assumption; direction seed-notes R4, [002] thesis 5 (a dedicated post)",
    )
    coordination_office: bool = param(
        True,
        unit="",
        role="lever",
        source="seed-notes R4 (coordination office, Stellwerk Altena)",
        doc="matches volunteers to projects",
    )


@dataclass
class R5LearningConfig(LeverConfig):
    """R5 municipalities as places of learning: schools, library, youth participation."""

    yearly_cost_eur: float = param(
        40000.0, min=0, max=100000000, unit="EUR/yr", role="lever", source=ASSUMPTION
    )
    engagement_gain: float = param(
        0.05,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption; direction seed-notes R5",
        doc="added yearly to the engagement propensity of 14–25-year-olds (up to 1)",
    )
    attachment_years: float = param(
        2.0,
        min=0,
        max=50,
        unit="",
        role="uncertainty",
        source="assumption; direction seed-notes R5 (attachment)",
        doc="extra years in town credited to young people each year (stronger attachment)",
    )


@dataclass
class R6CrossTownConfig(LeverConfig):
    """R6 learning across small towns: proven initiative types spread between linked towns."""

    yearly_cost_eur: float = param(
        20000.0, min=0, max=100000000, unit="EUR/yr", role="lever", source=ASSUMPTION
    )
    learning_boost: float = param(
        2.0,
        min=0,
        max=10,
        unit="",
        role="uncertainty",
        source="assumption; direction seed-notes R6, SF33",
        doc="civic.cross_town_learning while the lever runs",
    )


@dataclass
class BroadbandConfig(LeverConfig):
    """Broadband roll-out: the gate for remote work and coworking (seed-notes M-G1)."""

    yearly_cost_eur: float = param(
        80000.0,
        min=0,
        max=100000000,
        unit="EUR/yr",
        role="lever",
        source="assumption (municipal share of a subsidised roll-out)",
    )
    target_share: float = param(0.95, min=0, max=1, unit="", role="lever", source=ASSUMPTION)
    rollout_years: int = param(3, min=1, max=50, unit="", role="lever", source=ASSUMPTION)


@dataclass
class InfillFirstConfig(LeverConfig):
    """Infill before greenfield: no new building land; vacancy management (seed-notes M-H1, H-O5)."""

    yearly_cost_eur: float = param(
        30000.0, min=0, max=100000000, unit="EUR/yr", role="lever", source=ASSUMPTION
    )
    vacant_decay_factor: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (managed vacant buildings decay slower)",
    )
    reactivation_rate: float = param(
        0.1,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="yearly share of decayed vacant dwellings renovated where the market is tight",
    )


@dataclass
class CitizenBusSupportConfig(LeverConfig):
    """Support for citizen buses and demand-responsive transport (seed-notes M-V2)."""

    yearly_cost_eur: float = param(
        25000.0,
        min=0,
        max=100000000,
        unit="EUR/yr",
        role="lever",
        source="assumption (vehicle and dispatch)",
    )
    effort_factor: float = param(
        0.7,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="critical mass and volunteer hours of citizen buses x this",
    )


@dataclass
class PhaseNullConfig(LeverConfig):
    """Early participation ('Phase Null'): the municipality starts broad participation."""

    yearly_cost_eur: float = param(
        20000.0, min=0, max=100000000, unit="EUR/yr", role="lever", source=ASSUMPTION
    )
    breadth: float = param(
        0.8,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption; direction seed-notes SF31",
        doc="share of recruits reached by broad invitation rather than through ties",
    )


@dataclass
class RegionalExpressConfig(LeverConfig):
    """A fast link to the centres (regional express train or bus, road upgrade; seed-notes M-G2)."""

    yearly_cost_eur: float = param(
        50000.0,
        min=0,
        max=100000000,
        unit="EUR/yr",
        role="lever",
        source="assumption (municipal share; the Land orders and pays regional rail)",
    )
    minutes_factor: float = param(
        0.7,
        min=0.1,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (an express link cuts the trip to the regional centre and the metropolis by about 30 %)",
        doc="car and bus minutes of the links to the regional centre and the metropolis x this, from start_year",
    )


@dataclass
class Ehrenamt20Config(LeverConfig):
    """Adapt to "Ehrenamt 2.0" (seed-notes L13): initiatives take project-based volunteers
    without membership in a formal organisation."""

    yearly_cost_eur: float = param(
        10000.0,
        min=0,
        max=100000000,
        unit="EUR/yr",
        role="lever",
        source="assumption (a part-time post that brokers short projects)",
    )
    term_exit_factor: float = param(
        0.0,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption; direction seed-notes L13 (engagement without membership)",
        doc="civic.project_term_exit_rate x this: project-based volunteers keep helping a running initiative without joining it",
    )


@dataclass
class PolicyConfig:
    """A policy: a name and its levers (those with ``enabled: true``). Config group ``policy``."""

    name: str = param("baseline", unit="", role="structural", source="config")
    r1_innovation_structures: R1InnovationConfig = param(
        default_factory=R1InnovationConfig, unit="", role="lever", source="config"
    )
    r2_entrepreneurship: R2EntrepreneurshipConfig = param(
        default_factory=R2EntrepreneurshipConfig, unit="", role="lever", source="config"
    )
    r3_financing_cooperation: R3FinancingConfig = param(
        default_factory=R3FinancingConfig, unit="", role="lever", source="config"
    )
    r4_municipal_resources: R4ResourcesConfig = param(
        default_factory=R4ResourcesConfig, unit="", role="lever", source="config"
    )
    r5_learning_places: R5LearningConfig = param(
        default_factory=R5LearningConfig, unit="", role="lever", source="config"
    )
    r6_cross_town_learning: R6CrossTownConfig = param(
        default_factory=R6CrossTownConfig, unit="", role="lever", source="config"
    )
    broadband: BroadbandConfig = param(
        default_factory=BroadbandConfig, unit="", role="lever", source="config"
    )
    infill_first: InfillFirstConfig = param(
        default_factory=InfillFirstConfig, unit="", role="lever", source="config"
    )
    citizen_bus_support: CitizenBusSupportConfig = param(
        default_factory=CitizenBusSupportConfig, unit="", role="lever", source="config"
    )
    phase_null: PhaseNullConfig = param(
        default_factory=PhaseNullConfig, unit="", role="lever", source="config"
    )
    regional_express: RegionalExpressConfig = param(
        default_factory=RegionalExpressConfig, unit="", role="lever", source="config"
    )
    ehrenamt_2_0: Ehrenamt20Config = param(
        default_factory=Ehrenamt20Config, unit="", role="lever", source="config"
    )

    def levers(self) -> dict[str, LeverConfig]:
        """The levers in use, by name."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name != "name" and getattr(self, f.name).enabled
        }

    def check(self, path: str) -> None:
        """A lever that is off but has parameters changed is a mistake, not something to ignore."""
        for f in fields(self):
            if f.name == "name":
                continue
            lever = getattr(self, f.name)
            if lever.enabled:
                continue
            default = type(lever)()
            for g in fields(lever):
                if g.name != "enabled" and getattr(lever, g.name) != getattr(default, g.name):
                    raise ConfigError(
                        f"{path}.{f.name}.{g.name}",
                        getattr(lever, g.name),
                        f"the default ({getattr(default, g.name)}) while the lever is off",
                        f"Policy {self.name!r} does not use {f.name}; add {path}.{f.name}.enabled=true to use it.",
                    )


LEVER_TYPES: dict[str, type[LeverConfig]] = {
    f.name: f.default_factory for f in fields(PolicyConfig) if f.name != "name"
}
"""Lever name -> its parameters (every lever of PolicyConfig)."""
