"""Config group ``demography``: births, deaths, leaving home, couples, separations."""

from __future__ import annotations

from dataclasses import dataclass

from sim import data
from sim.config.param import ASSUMPTION, param
from sim.config.vocabulary import ConfigError


@dataclass
class DemographyConfig:
    """Births, deaths, leaving home, couples and separations (sim/demography.py)."""

    fertility_year: int = param(
        2019,
        min=1990,
        max=2024,
        unit="",
        role="data",
        source="Destatis GENESIS 12612-0008 (2019: TFR 1.54, last pre-pandemic year)",
        doc="which year's age-specific fertility rates",
    )
    share_with_parents_18_24: float = param(
        0.78,
        min=0,
        max=1,
        unit="",
        role="data",
        source="Destatis Mikrozensus 2015: 78 % of 18–24-year-olds in municipalities < 10,000 live with their parents",
        doc="initial population",
    )
    share_with_parents_25_29: float = param(
        0.25, min=0, max=1, unit="", role="uncertainty", source=ASSUMPTION, doc="initial population"
    )
    share_with_parents_30_39: float = param(
        0.06, min=0, max=1, unit="", role="uncertainty", source=ASSUMPTION, doc="initial population"
    )
    share_75_plus_with_children: float = param(
        0.25,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (multi-generation households of widowed parents)",
        doc="initial population, single people 75+",
    )
    leave_home_hazard_18_24: float = param(
        0.05,
        min=0,
        max=1,
        role="data",
        source="calibrated: keeps about 78 % of 18–24-year-olds with their parents (Mikrozensus 2015)",
        unit="1/yr",
    )
    leave_home_hazard_25_29: float = param(
        0.25, min=0, max=1, role="uncertainty", source=ASSUMPTION, unit="1/yr"
    )
    leave_home_hazard_30_plus: float = param(
        0.35, min=0, max=1, role="uncertainty", source=ASSUMPTION, unit="1/yr"
    )
    partnered_share_25_34: float = param(
        0.66,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (order of Mikrozensus shares living in a couple)",
        doc="initial population, adults not living with parents",
    )
    partnered_share_35_64: float = param(
        0.85,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (order of Mikrozensus shares living in a couple)",
    )
    partnered_share_65_79: float = param(
        0.80,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (order of Mikrozensus shares living in a couple)",
    )
    partnered_share_80_plus: float = param(
        0.42, min=0, max=1, unit="", role="uncertainty", source="assumption (widowhood)"
    )
    partnering_hazard_20_24: float = param(
        0.03,
        min=0,
        max=1,
        role="data",
        source="calibrated: with leave_home_hazard_18_24 keeps about 78 % of 18–24-year-olds with their parents",
        unit="1/yr",
        doc="single 20–24-year-olds moving in with a partner",
    )
    partnering_hazard: float = param(
        0.10,
        min=0,
        max=1,
        role="uncertainty",
        source=ASSUMPTION,
        unit="1/yr",
        doc="single adults 25–59 forming a couple",
    )
    separation_hazard: float = param(
        0.008,
        min=0,
        max=1,
        role="uncertainty",
        source="assumption (order of the German divorce rate, < 1 % of marriages a year)",
        unit="1/yr",
    )
    initial_native_share: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (about half of the adults grew up in the town)",
        doc="initial population; the others moved in at some point after 18",
    )
    mother_child_age_gap_mean: float = param(
        31.0,
        min=15,
        max=50,
        role="data",
        source="Destatis: mean age of mothers at first birth 30.4 (2022), later births older",
        unit="years",
    )

    def check(self, path: str) -> None:
        """Fertility rates exist for the chosen year."""
        if self.fertility_year not in data.fertility_years():
            raise ConfigError(
                f"{path}.fertility_year", self.fertility_year, f"one of {data.fertility_years()}"
            )
