"""Policy levers: the six BBSR recommendations and further levers (seed-notes §5).

Each lever is a small named class: its parameters (``policy.<lever>`` in the config, see
sim/config.py), its start year, its yearly cost to the municipal budget, and a docstring that
cites the source text and the direction the text claims. The model does not assume that
direction: a lever only changes a mechanism's parameters (``Effects``), and what follows is
what the mechanisms make of it. Levers add up; a policy combines any number of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from sim.config import ConfigError, InitiativeType, LeverConfig

if TYPE_CHECKING:
    from sim.model import TownModel


@dataclass
class Effects:
    """What the active levers change this year (neutral values without any lever)."""

    idea_multiplier: float = 1.0
    start_multiplier: dict[InitiativeType, float] = field(default_factory=dict)
    succession_bonus: float = 0.0
    climate_multiplier: float = 1.0
    capital_share_covered: float = 0.0
    municipal_fixed_cost_factor: float = 1.0
    extra_staff_fte: float = 0.0
    coordination_office: bool = False
    learning_boost: float = 0.0
    citizen_bus_effort: float = 1.0
    vacant_decay_factor: float = 1.0
    greenfield_allowed: bool = True
    reactivation_rate: float = 0.0
    participation_breadth: float = 0.0
    project_term_factor: float = 1.0

    def start(self, kind: InitiativeType) -> float:
        return self.start_multiplier.get(kind, 1.0)


class Lever:
    """Base of all levers: active from ``start_year``; ``yearly_cost_eur`` while active."""

    name: ClassVar[str] = ""

    def __init__(self, config: LeverConfig) -> None:
        self.config = config

    def active(self, year: int) -> bool:
        return year >= self.config.start_year

    def cost_eur(self, model: TownModel) -> float:
        return self.config.yearly_cost_eur

    def contribute(self, effects: Effects, model: TownModel) -> None:
        """Change this year's effects (override)."""

    def act(self, model: TownModel) -> None:
        """Do what the lever does each year it is active (override)."""


class InnovationStructures(Lever):
    """R1 innovation-friendly structures: back change agents; coworking, makerspace, digital lab.

    Source: seed-notes §5.1 R1 ("innovationsfreundliche Strukturen"). Claimed direction: more
    people with ideas act on them; more coworking spaces, community houses and participation.
    """

    name = "r1_innovation_structures"

    def contribute(self, effects: Effects, model: TownModel) -> None:
        effects.idea_multiplier *= self.config.idea_multiplier
        for kind in (
            InitiativeType.coworking,
            InitiativeType.community_house,
            InitiativeType.participation,
        ):
            effects.start_multiplier[kind] = effects.start(kind) * self.config.start_multiplier


class Entrepreneurship(Lever):
    """R2 entrepreneurship: capital and advice for start-ups and space entrepreneurs, succession help.

    Source: seed-notes §5.1 R2. Claimed direction: more businesses are founded and handed on,
    so fewer providers close when owners retire.
    """

    name = "r2_entrepreneurship"

    def contribute(self, effects: Effects, model: TownModel) -> None:
        effects.succession_bonus += self.config.succession_bonus
        effects.climate_multiplier *= self.config.climate_multiplier


class FinancingCooperation(Lever):
    """R3 new financing and cooperation: zero-interest loans, grants, patronage, rooms,
    inter-municipal sharing of services.

    Source: seed-notes §5.1 R3. Claimed direction: initiatives overcome capital barriers;
    shared services cost the municipality less.
    """

    name = "r3_financing_cooperation"

    def contribute(self, effects: Effects, model: TownModel) -> None:
        effects.capital_share_covered = max(
            effects.capital_share_covered, self.config.capital_share_covered
        )
        effects.municipal_fixed_cost_factor *= 1.0 - self.config.shared_services_saving


class MunicipalResources(Lever):
    """R4 resources for the municipality: staff and a coordination office for civic projects.

    Source: seed-notes §5.1 R4, [004] (staff shortage), [002] thesis 5 (a dedicated post).
    Claimed direction: more initiatives supported, higher success, less burnout. Cost: the
    extra staff at ``municipality.cost_per_fte_eur`` plus ``yearly_cost_eur``.
    """

    name = "r4_municipal_resources"

    def cost_eur(self, model: TownModel) -> float:
        return (
            self.config.yearly_cost_eur
            + self.config.extra_staff_fte * model.config.municipality.cost_per_fte_eur
        )

    def contribute(self, effects: Effects, model: TownModel) -> None:
        effects.extra_staff_fte += self.config.extra_staff_fte
        effects.coordination_office = effects.coordination_office or self.config.coordination_office


class LearningPlaces(Lever):
    """R5 municipalities as places of learning: schools, library, youth participation.

    Source: seed-notes §5.1 R5. Claimed direction: young people become more engaged and more
    attached to their town.
    """

    name = "r5_learning_places"

    def act(self, model: TownModel) -> None:
        p = model.population.people
        rows = model.population.alive_rows
        young = rows[(p.age[rows] >= 14) & (p.age[rows] <= 25)]
        p.engagement[young] = np.minimum(p.engagement[young] + self.config.engagement_gain, 1.0)
        gain = round(self.config.attachment_years)
        p.years_in_town[young] = np.minimum(p.years_in_town[young] + gain, p.age[young])


class CrossTownLearning(Lever):
    """R6 learning across small towns: proven initiative types spread between linked towns.

    Source: seed-notes §5.1 R6, SF33, the 100ee network (Q49). Claimed direction: a type that
    worked in one town appears sooner and succeeds more often in the towns linked to it.
    Needs a region of several municipalities (``town=region``).
    """

    name = "r6_cross_town_learning"

    def contribute(self, effects: Effects, model: TownModel) -> None:
        effects.learning_boost = max(effects.learning_boost, self.config.learning_boost)


class Broadband(Lever):
    """Broadband roll-out to ``target_share`` of dwellings over ``rollout_years``.

    Source: seed-notes M-G1 to M-G3 (broadband is a gate for remote work and digital
    services). Claimed direction: remote workers come, coworking works.
    """

    name = "broadband"

    def act(self, model: TownModel) -> None:
        town = model.town
        years_left = self.config.start_year + self.config.rollout_years - int(model.time)
        if years_left <= 0:
            return
        homes = town.home_places
        gap = np.maximum(self.config.target_share - town.broadband[homes], 0.0)
        town.broadband[homes] += gap / years_left


class InfillFirst(Lever):
    """Infill before greenfield and vacancy management.

    Source: seed-notes M-H1, H-O5, M-H2 (infill before greenfield, active vacancy
    management). Claimed direction: the hollowing-out loop slows; fewer dwellings decay.
    """

    name = "infill_first"

    def contribute(self, effects: Effects, model: TownModel) -> None:
        effects.greenfield_allowed = False
        effects.vacant_decay_factor *= self.config.vacant_decay_factor
        effects.reactivation_rate = max(effects.reactivation_rate, self.config.reactivation_rate)


class CitizenBusSupport(Lever):
    """Support for citizen buses and demand-responsive transport (vehicle, dispatch).

    Source: seed-notes M-V2, V-O3 (Bürgerbus, Hoher Fläming). Claimed direction: citizen
    buses start more easily and last longer.
    """

    name = "citizen_bus_support"

    def contribute(self, effects: Effects, model: TownModel) -> None:
        effects.citizen_bus_effort = min(effects.citizen_bus_effort, self.config.effort_factor)


class PhaseNull(Lever):
    """Early participation ('Phase Null'): the municipality invites broadly before planning.

    Source: seed-notes §5.2 (Phase Null), SF31 (elite capture), [002] theses 3–4.
    Claimed direction: more trust and engagement, and participation that is not dominated by
    a small circle. The municipality starts a participation initiative when none is running.
    """

    name = "phase_null"

    def contribute(self, effects: Effects, model: TownModel) -> None:
        effects.participation_breadth = max(effects.participation_breadth, self.config.breadth)

    def act(self, model: TownModel) -> None:
        model.civic.ensure_participation()


class RegionalExpress(Lever):
    """A fast link to the centres: the links to the regional centre and the metropolis take
    ``minutes_factor`` of their car and bus minutes from ``start_year`` on.

    Source: seed-notes M-G2/M-G3 (knowledge workers come only where broadband and
    supra-regional transport links exist), SF23, the mobility webtalk ([000] 29.04.2021).
    Claimed direction: more commuters and newcomers, more so with broadband. The shorter trips
    act through the mechanisms that read travel times: the newcomers' proximity potential,
    commuting, the alternative destinations' services.
    """

    name = "regional_express"

    def act(self, model: TownModel) -> None:
        if int(model.time) != self.config.start_year:
            return
        town = model.town
        destinations = set(np.flatnonzero(town.is_destination).tolist())
        for a, b, attrs in town.graph.edges(data=True):
            if (a in destinations) != (b in destinations):  # a link from the towns to a centre
                attrs["car_minutes"] *= self.config.minutes_factor
                attrs["minutes_factor"] = self.config.minutes_factor
                if "bus_minutes" in attrs:
                    attrs["bus_minutes"] *= self.config.minutes_factor
        model.network_changed()


class Ehrenamt20(Lever):
    """Adapt to "Ehrenamt 2.0": engagement without membership in a formal organisation.

    Source: seed-notes L13, §03.06 "Ehrenamt 2.0" (Evers et al. 2015). Claimed direction:
    more engagement of younger people, who volunteer project by project. Initiatives take
    project-based volunteers without asking them to join, so the end of a project term no
    longer ends their help to a launched initiative (``civic.project_term_exit_rate`` x
    ``term_exit_factor``).
    """

    name = "ehrenamt_2_0"

    def contribute(self, effects: Effects, model: TownModel) -> None:
        effects.project_term_factor = min(effects.project_term_factor, self.config.term_exit_factor)


LEVERS: dict[str, type[Lever]] = {
    cls.name: cls
    for cls in (
        InnovationStructures,
        Entrepreneurship,
        FinancingCooperation,
        MunicipalResources,
        LearningPlaces,
        CrossTownLearning,
        Broadband,
        InfillFirst,
        CitizenBusSupport,
        PhaseNull,
        RegionalExpress,
        Ehrenamt20,
    )
}


class Policies:
    """The levers of ``config.policy``; recomputes their effects and costs each year.

    Raises:
        ConfigError: R6 on a town with a single municipality.
    """

    def __init__(self, model: TownModel) -> None:
        self.model = model
        self.levers = [
            LEVERS[name](config) for name, config in model.config.policy.levers().items()
        ]
        if (
            any(isinstance(lever, CrossTownLearning) for lever in self.levers)
            and model.town.n_municipalities < 2
        ):
            raise ConfigError(
                "policy",
                model.config.policy.name,
                "on this town a policy without r6_cross_town_learning; R6 needs a region of several municipalities (e.g. town=region)",
                f"Town {model.town.config.name!r} is a single municipality; cross-town learning needs towns to learn from.",
            )
        self.effects = Effects()
        self.cost_eur = 0.0

    def year(self) -> None:
        """This year's effects, actions and costs (run before the civic and budget phases)."""
        year = int(self.model.time)
        active = [lever for lever in self.levers if lever.active(year)]
        effects = Effects()
        for lever in active:
            lever.contribute(effects, self.model)
        self.effects = effects
        for lever in active:
            lever.act(self.model)
        self.cost_eur = float(sum(lever.cost_eur(self.model) for lever in active))
