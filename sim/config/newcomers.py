"""Config group ``migration.newcomers``: who the arriving households are.

One :class:`NewcomerTypeConfig` per newcomer type (families, young adults, retirees, remote
workers) and the returnees' companions. The mean household size each type's composition gives
is derived from these numbers (``mean_size``), never kept in step by hand: it turns expected
persons into households (sim/migration.py).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from sim.config.param import ASSUMPTION, param
from sim.config.vocabulary import ConfigError


class AgeDistribution(enum.Enum):
    """How the first adult's age is drawn."""

    uniform = "uniform"  # between age_min and age_max
    normal = "normal"  # age_mean ± age_sd, cut to age_min..age_max


def _share(default: float, doc: str, source: str = ASSUMPTION) -> float:
    return param(default, min=0, max=1, unit="", role="uncertainty", source=source, doc=doc)


def _age(default: float, doc: str) -> float:
    return param(
        default, min=0, max=110, unit="years", role="uncertainty", source=ASSUMPTION, doc=doc
    )


@dataclass
class NewcomerTypeConfig:
    """The composition of one newcomer type's households (assumptions, ODD §7.6)."""

    couple_share: float = _share(0.5, "share of households that are a couple")
    age_distribution: AgeDistribution = param(
        AgeDistribution.uniform,
        unit="",
        role="structural",
        source=ASSUMPTION,
        doc="uniform or normal age of the first adult",
    )
    age_min: float = _age(25.0, "youngest first adult")
    age_max: float = _age(45.0, "oldest first adult")
    age_mean: float = _age(35.0, "mean age of the first adult (normal)")
    age_sd: float = param(
        5.0, min=0, max=30, unit="years", role="uncertainty", source=ASSUMPTION, doc="(normal)"
    )
    first_female_share: float = _share(0.5, "share of first adults who are women")
    children_share: float = _share(0.0, "share of couples who bring children")
    children_extra_trials: int = param(
        0,
        min=0,
        max=6,
        unit="children",
        role="uncertainty",
        source=ASSUMPTION,
        doc="a couple with children has 1 + Binomial(trials, children_extra_share) children",
    )
    children_extra_share: float = _share(0.5, "chance of each further child")

    def mean_size(self) -> float:
        """Expected persons per household of this composition."""
        children = self.children_share * (
            1 + self.children_extra_trials * self.children_extra_share
        )
        return 1.0 + self.couple_share * (1.0 + children)

    def check(self, path: str) -> None:
        if self.age_min > self.age_max:
            raise ConfigError(f"{path}.age_min", self.age_min, f"at most age_max ({self.age_max})")
        if self.age_min < 18:
            raise ConfigError(f"{path}.age_min", self.age_min, "18 or more (the first adult)")


@dataclass
class NewcomersConfig:
    """Arriving households by type, and how their members are made up."""

    family: NewcomerTypeConfig = field(
        default_factory=lambda: NewcomerTypeConfig(
            couple_share=1.0,
            age_distribution=AgeDistribution.normal,
            age_min=27.0,
            age_max=52.0,
            age_mean=38.0,
            age_sd=5.0,
            first_female_share=0.0,
            children_share=1.0,
            children_extra_trials=2,
            children_extra_share=0.35,
        )
    )
    young_adult: NewcomerTypeConfig = field(
        default_factory=lambda: NewcomerTypeConfig(couple_share=0.35, age_min=23.0, age_max=36.0)
    )
    retiree: NewcomerTypeConfig = field(
        default_factory=lambda: NewcomerTypeConfig(
            couple_share=0.6,
            age_distribution=AgeDistribution.normal,
            age_min=55.0,
            age_max=85.0,
            age_mean=64.0,  # retirement and pre-retirement movers
            age_sd=5.0,
        )
    )
    remote_worker: NewcomerTypeConfig = field(
        default_factory=lambda: NewcomerTypeConfig(
            couple_share=0.6,
            age_min=27.0,
            age_max=46.0,
            children_share=0.4,
            children_extra_trials=1,
            children_extra_share=0.5,
        )
    )
    returnee_couple_share: float = _share(0.5, "share of returnees who come with a partner")
    returnee_children_share: float = _share(
        0.5, "share of returnee couples (28 or older) who bring children"
    )
    returnee_children_min_age: int = param(
        28, min=18, max=60, unit="years", role="uncertainty", source=ASSUMPTION
    )
    partner_age_gap: float = param(
        2.0,
        min=0,
        max=15,
        unit="years",
        role="data",
        source="Destatis: husbands are on average about 2–3 years older than their wives",
        doc="the man is this much older than the woman on average",
    )
    partner_age_sd: float = param(
        2.0, min=0, max=15, unit="years", role="uncertainty", source=ASSUMPTION
    )
    child_female_share: float = param(
        0.487,
        min=0,
        max=1,
        unit="",
        role="data",
        source="Destatis: about 105 boys are born per 100 girls",
    )
    child_max_age: int = param(
        15,
        min=0,
        max=17,
        unit="years",
        role="structural",
        source=ASSUMPTION,
        doc="children who move with their parents are at most this old",
    )
    mother_age_at_first_child: int = param(
        20,
        min=14,
        max=45,
        unit="years",
        role="uncertainty",
        source=ASSUMPTION,
        doc="a child is at most the mother's age minus this",
    )

    def check(self, path: str) -> None:
        for name in ("family", "young_adult", "retiree", "remote_worker"):
            getattr(self, name).check(f"{path}.{name}")
