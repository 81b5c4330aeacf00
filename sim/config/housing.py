"""Config group ``housing``: dwellings, vacancy, decay, prices and construction."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.param import ASSUMPTION, param
from sim.config.vocabulary import ConfigError, ConstructionRule


@dataclass
class HousingConfig:
    """Dwellings, vacancy, decay, prices and construction (sim/housing.py)."""

    initial_condition_mean: float = param(
        0.8, min=0, max=1, unit="", role="uncertainty", source=ASSUMPTION
    )
    vacant_decay_per_year: float = param(
        0.04,
        min=0,
        max=1,
        role="uncertainty",
        source="assumption (seed-notes M-H1: vacant dwellings decay)",
        unit="1/yr",
    )
    occupied_decay_per_year: float = param(
        0.01, min=0, max=1, role="uncertainty", source=ASSUMPTION, unit="1/yr"
    )
    renovation_hazard: float = param(
        0.08,
        min=0,
        max=1,
        role="uncertainty",
        source=ASSUMPTION,
        unit="1/yr",
        doc="occupied dwellings below renovation_threshold are renovated to renovated_condition",
    )
    renovation_threshold: float = param(
        0.6, min=0, max=1, unit="", role="uncertainty", source=ASSUMPTION
    )
    renovated_condition: float = param(
        0.9, min=0, max=1, unit="", role="uncertainty", source=ASSUMPTION
    )
    habitable_condition: float = param(
        0.3,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="below this nobody moves in",
    )
    exit_condition: float = param(
        0.15,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="below this a vacant dwelling leaves the stock",
    )
    natural_vacancy: float = param(
        0.03,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (a 2–3 % fluctuation reserve is the usual benchmark)",
    )
    price_response: float = param(
        0.25,
        min=0,
        max=10,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="price x exp(r * (natural vacancy - vacancy)) each year",
    )
    price_floor: float = param(
        0.5, min=0.0, max=10, exclusive_min=True, unit="", role="uncertainty", source=ASSUMPTION
    )
    price_cap: float = param(
        3.0, min=0.0, max=100, exclusive_min=True, unit="", role="uncertainty", source=ASSUMPTION
    )
    construction_rule: ConstructionRule = param(
        ConstructionRule.demand,
        unit="",
        role="structural",
        source=ASSUMPTION,
        doc="none, demand (build where vacancy < target) or fixed (a fixed number a year)",
    )
    target_vacancy: float = param(
        0.03, min=0, max=1, unit="", role="uncertainty", source=ASSUMPTION
    )
    max_build_rate: float = param(
        0.015, min=0, max=1, role="uncertainty", source=ASSUMPTION, unit="share of stock per year"
    )
    fixed_per_year: int = param(
        0,
        min=0,
        max=10000,
        role="structural",
        source="config",
        unit="dwellings per year",
        doc="with rule 'fixed'",
    )

    def check(self, path: str) -> None:
        """Thresholds in order; a fixed construction rule needs a number."""
        if self.exit_condition > self.habitable_condition:
            raise ConfigError(
                f"{path}.exit_condition",
                self.exit_condition,
                f"at most {path}.habitable_condition ({self.habitable_condition})",
            )
        if self.construction_rule is ConstructionRule.fixed and self.fixed_per_year == 0:
            raise ConfigError(
                f"{path}.fixed_per_year",
                0,
                "at least 1 with construction_rule=fixed",
                f"For no construction use {path}.construction_rule=none.",
            )
        if self.price_floor > self.price_cap:
            raise ConfigError(
                f"{path}.price_floor",
                self.price_floor,
                f"at most {path}.price_cap ({self.price_cap})",
            )
