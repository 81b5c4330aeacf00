"""Config group ``migration``: who leaves, who arrives."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sim.config.newcomers import NewcomersConfig
from sim.config.param import ASSUMPTION, param
from sim.config.vocabulary import ConfigError

MAX_ARRIVAL_FACTOR = 10.0
"""Largest factor exp(attractiveness_sensitivity x qol_gap_reference) by which arrivals to a
town as good as its alternatives may exceed the base in-migration rates (assumption; 1.6 by
default)."""

MAX_IN_RATE_TOTAL = 0.2
"""Largest sum of the four in-migration rates, persons per resident and year (assumption: a
fifth of the population arriving each year is beyond any German municipality; 0.024 by
default)."""


@dataclass
class MigrationConfig:
    """Who leaves, who arrives (sim/migration.py)."""

    enabled: bool = param(
        True, unit="", role="structural", source="config", doc="false gives a closed population"
    )
    rate_18_24: float = param(
        0.09,
        min=0,
        max=1,
        role="data",
        source="bpb Sozialbericht 2024 (2021): moves across district borders, 18–24 about 9 % a year",
        unit="1/yr",
    )
    rate_25_29: float = param(
        0.10,
        min=0,
        max=1,
        role="data",
        source="bpb Sozialbericht 2024: 25–29 about 10 % a year",
        unit="1/yr",
    )
    rate_30_49: float = param(
        0.04,
        min=0,
        max=1,
        role="data",
        source="bpb Sozialbericht 2024: 30–49 about 4 % a year",
        unit="1/yr",
    )
    rate_50_plus: float = param(
        0.01,
        min=0,
        max=1,
        role="data",
        source="bpb Sozialbericht 2024: 50+ about 1 % a year",
        unit="1/yr",
    )
    female_youth_factor: float = param(
        1.3,
        min=0,
        max=10,
        unit="",
        role="uncertainty",
        source="assumption (young women leave rural regions more often than young men; shared data README)",
        doc="multiplies the rate of women 18–29 (rate x factor at most 1/yr, see check)",
    )
    qol_gap_sensitivity: float = param(
        3.0,
        min=0,
        max=20,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="rate x exp(s * (gap - reference)); gap = best alternative QoL - own QoL",
    )
    qol_gap_reference: float = param(
        0.10,
        min=0,
        max=0.3,
        unit="",
        role="uncertainty",
        source="calibrated assumption: the gap at which a resident moves at the national rate",
        doc="docs/ODD.md §7.6: leaving x exp(s_gap (gap - this)), arrivals x exp(s_att (gain + this)); "
        "bounded tightly around the calibrated 0.10 (assumption: below 0 a resident of a town as "
        "good as its alternatives leaves faster than the national rate, above 0.3 the town "
        "fills regardless of its QoL; -5 empties the town in 2 years)",
    )
    attachment_effect: float = param(
        0.8,
        min=0,
        max=10,
        unit="",
        role="uncertainty",
        source="assumption (seed-notes Q78: strong attachment)",
        doc="rate x exp(-e * (attachment - reference))",
    )
    attachment_reference: float = param(
        0.8,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption: attachment of a typical resident (most have lived in town for decades)",
    )
    attachment_halflife_years: float = param(
        7.0,
        min=0.0,
        max=100,
        exclusive_min=True,
        role="uncertainty",
        source=ASSUMPTION,
        unit="years",
    )
    household_tie_effect: float = param(
        0.2,
        min=0,
        max=10,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="rate x exp(-e * (members moving along - 1)), at most 3 along; a couple is the reference",
    )
    social_tie_effect: float = param(
        0.4,
        min=0,
        max=10,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="rate x exp(-e * (local ties share - reference))",
    )
    social_tie_reference: float = param(
        0.7,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption: local-ties share of a typical resident (ties / (ties + social.neighbour_ties))",
    )
    engagement_effect: float = param(
        0.3,
        min=0,
        max=10,
        unit="",
        role="uncertainty",
        source="assumption on size; direction seed-notes Q25 (socially active groups left)",
        doc="rate x exp(e * (propensity - mean))",
    )
    education_hazard: float = param(
        0.05,
        min=0,
        max=1,
        role="uncertainty",
        source="calibrated assumption: with it the peripheral town's gross out-migration at 18–24 "
        "is about 1.25x the national 9 % (as at 25–29), 10 seeds x 3 archetypes "
        "(experiments/migration_rates.py); the national rate already contains education moves",
        unit="1/yr",
        doc="18–21-year-olds in education who would move to study if the university is far",
    )
    education_commute_limit_minutes: float = param(
        60.0,
        min=0,
        max=600,
        role="uncertainty",
        source="assumption (about an hour one way)",
        unit="min",
    )
    return_hazard: float = param(
        0.03,
        min=0,
        max=1,
        role="uncertainty",
        source=ASSUMPTION,
        unit="1/yr",
        doc="education leavers aged 24–40 coming back, at the reference attractiveness",
    )
    in_rate_family: float = param(
        0.010,
        min=0,
        max=0.2,
        role="uncertainty",
        source="assumption (gross in-migration of the order of out-migration, bpb 2024)",
        unit="persons per resident and year",
    )
    in_rate_young_adult: float = param(
        0.006,
        min=0,
        max=0.2,
        role="uncertainty",
        source=ASSUMPTION,
        unit="persons per resident and year",
    )
    in_rate_retiree: float = param(
        0.005,
        min=0,
        max=0.2,
        role="uncertainty",
        source=ASSUMPTION,
        unit="persons per resident and year",
    )
    in_rate_remote_worker: float = param(
        0.003,
        min=0,
        max=0.2,
        role="uncertainty",
        source="assumption; gated by broadband (seed-notes M-G1)",
        unit="persons per resident and year",
    )
    attractiveness_sensitivity: float = param(
        5.0,
        min=0,
        max=20,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="arrivals x exp(s * (reference - gap))",
    )
    proximity_elasticity: float = param(
        0.15,
        min=0,
        max=5,
        unit="",
        role="uncertainty",
        source="assumption (most moves are short; distance decay of migration)",
        doc="arrivals x (potential / reference)^e, potential = sum over destinations of jobs^0.5 x exp(-car minutes from the centre / scale)",
    )
    proximity_scale_minutes: float = param(
        30.0,
        min=0.0,
        max=600,
        exclusive_min=True,
        role="uncertainty",
        source=ASSUMPTION,
        unit="min",
    )
    proximity_reference: float = param(
        150.0,
        min=0.0,
        max=1000000,
        exclusive_min=True,
        unit="",
        role="uncertainty",
        source="calibrated assumption: about the potential of a town 25 min from a 40,000-job regional centre and 70 min from a metropolis",
    )
    housing_half_vacancy: float = param(
        0.02,
        min=0.0,
        max=1,
        exclusive_min=True,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="arrivals x v / (v + this), v = habitable vacancy rate",
    )
    newcomers: NewcomersConfig = field(default_factory=NewcomersConfig)

    def check(self, path: str) -> None:
        """Combinations a single field's range cannot catch (each would empty or flood the town)."""
        for name in ("rate_18_24", "rate_25_29"):
            rate = getattr(self, name)
            if rate * self.female_youth_factor > 1:
                raise ConfigError(
                    f"{path}.female_youth_factor",
                    self.female_youth_factor,
                    f"at most 1 / {name} ({1 / rate:.3g}): a base rate of leaving of at most "
                    "1 a year for young women",
                    f"{name} x female_youth_factor = {rate * self.female_youth_factor:.3g}: "
                    "nearly every young woman would leave each year.",
                )
        factor = self.attractiveness_sensitivity * self.qol_gap_reference
        if factor > math.log(MAX_ARRIVAL_FACTOR):
            raise ConfigError(
                f"{path}.attractiveness_sensitivity",
                self.attractiveness_sensitivity,
                f"at most ln({MAX_ARRIVAL_FACTOR:g}) / qol_gap_reference "
                f"({math.log(MAX_ARRIVAL_FACTOR) / self.qol_gap_reference:.3g})",
                f"Arrivals to a town as good as its alternatives would be "
                f"{math.exp(factor):.3g} times the in-migration rates.",
            )
        rates = (
            "in_rate_family",
            "in_rate_young_adult",
            "in_rate_retiree",
            "in_rate_remote_worker",
        )
        total = sum(getattr(self, name) for name in rates)
        if total > MAX_IN_RATE_TOTAL:
            largest = max(rates, key=lambda name: getattr(self, name))
            raise ConfigError(
                f"{path}.{largest}",
                getattr(self, largest),
                f"in-migration rates that add up to at most {MAX_IN_RATE_TOTAL} persons per "
                f"resident and year (they add up to {total:.3g})",
                "The town would grow by more than a fifth each year from arrivals alone.",
            )
