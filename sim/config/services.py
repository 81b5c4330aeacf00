"""Config group ``services``: providers' economics, demand, entry and succession, with the
defaults of every kind of provider and where they come from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sim.config.param import ASSUMPTION, param
from sim.config.service_kind import ServiceTypeConfig, svc
from sim.config.service_sources import SERVICE_SOURCES
from sim.config.vocabulary import ConfigError, Operator, ServiceType

__all__ = ["SERVICE_SOURCES", "ServicesConfig"]


_AGE_RETAIL = {"0-17": 0.6, "18+": 1.0}


@dataclass
class ServicesConfig:
    """Providers' economics, demand, entry and succession (sim/services.py)."""

    grocery: ServiceTypeConfig = svc(
        operator=Operator.corporate,
        spend_per_person_eur=2300.0,
        variable_cost_share=0.75,
        break_even_population=5000.0,
        need_by_age=_AGE_RETAIL,
        staff_fixed=8.0,
        staff_per_1000_users=2.0,
        online_exposure=0.3,
        chain_format=True,
        leakage_max=0.35,
        loss_years=2,
        hinterland_share=0.5,
    )
    grocery_shop: ServiceTypeConfig = svc(
        operator=Operator.private,
        spend_per_person_eur=900.0,
        variable_cost_share=0.75,
        break_even_population=700.0,
        need_by_age=_AGE_RETAIL,
        staff_fixed=3.0,
        online_exposure=0.3,
        chain_exposure=1.0,
        leakage_max=0.35,
        succession_base=0.2,
        entry_rate=0.5,
    )
    grocery_coop: ServiceTypeConfig = svc(
        operator=Operator.corporate,
        spend_per_person_eur=900.0,
        variable_cost_share=0.75,
        break_even_population=350.0,
        need_by_age=_AGE_RETAIL,
        staff_fixed=1.0,
        online_exposure=0.3,
        leakage_max=0.35,
        loss_years=3,
        entry_rate=0.0,
    )
    bakery: ServiceTypeConfig = svc(
        operator=Operator.private,
        spend_per_person_eur=220.0,
        variable_cost_share=0.55,
        break_even_population=1500.0,
        need_by_age=_AGE_RETAIL,
        staff_fixed=4.0,
        online_exposure=0.1,
        chain_exposure=0.8,
        leakage_max=0.15,
        succession_base=0.4,
        hinterland_share=0.2,
    )
    gp: ServiceTypeConfig = svc(
        operator=Operator.private,
        spend_per_person_eur=250.0,
        variable_cost_share=0.2,
        break_even_population=1600.0,
        need_by_age={"0-17": 0.7, "18-49": 0.7, "50-64": 1.1, "65-79": 1.6, "80+": 2.0},
        staff_fixed=2.0,
        staff_per_1000_users=1.5,
        leakage_max=0.1,
        succession_base=0.5,
        hinterland_share=0.5,
        entry_rate=0.2,
    )
    pharmacy: ServiceTypeConfig = svc(
        operator=Operator.private,
        spend_per_person_eur=780.0,
        variable_cost_share=0.75,
        break_even_population=3800.0,
        need_by_age={"0-17": 0.3, "18-49": 0.5, "50-64": 1.0, "65-79": 2.0, "80+": 2.6},
        staff_fixed=3.0,
        staff_per_1000_users=0.5,
        online_exposure=0.3,
        leakage_max=0.2,
        anchor=ServiceType.gp,
        anchor_share=0.5,
        succession_base=0.75,
        hinterland_share=0.5,
        entry_rate=0.5,
    )
    pub: ServiceTypeConfig = svc(
        operator=Operator.private,
        spend_per_person_eur=150.0,
        variable_cost_share=0.5,
        break_even_population=1200.0,
        need_by_age={"0-17": 0.0, "18-29": 1.6, "30-64": 1.1, "65+": 0.7},
        staff_fixed=3.0,
        chain_exposure=0.5,
        leakage_max=0.15,
        succession_base=0.3,
    )
    bank: ServiceTypeConfig = svc(
        operator=Operator.corporate,
        spend_per_person_eur=120.0,
        variable_cost_share=0.2,
        break_even_population=4000.0,
        need_by_age={"0-17": 0.0, "18-64": 1.0, "65+": 1.3},
        staff_fixed=4.0,
        digital_exposure=1.0,
        leakage_max=0.2,
        hinterland_share=0.3,
    )
    post: ServiceTypeConfig = svc(
        operator=Operator.corporate,
        spend_per_person_eur=50.0,
        variable_cost_share=0.5,
        break_even_population=2000.0,
        need_by_age={"0-17": 0.2, "18+": 1.0},
        staff_fixed=2.0,
        legal_min_population=2000,
        entry_rate=0.0,
    )
    primary_school: ServiceTypeConfig = svc(
        operator=Operator.municipal,
        fixed_cost_eur=150000.0,
        cost_per_user_eur=800.0,
        need_by_age={"0-5": 0.0, "6-10": 1.0, "11+": 0.0},
        staff_fixed=3.0,
        staff_per_1000_users=55.0,
        min_users=52.0,
        loss_years=3,
    )
    kindergarten: ServiceTypeConfig = svc(
        operator=Operator.municipal,
        fixed_cost_eur=60000.0,
        cost_per_user_eur=5000.0,
        need_by_age={"0-0": 0.0, "1-2": 0.35, "3-5": 0.92, "6+": 0.0},
        staff_fixed=2.0,
        staff_per_1000_users=120.0,
        min_users=15.0,
        loss_years=3,
        legal_min_population=1,
    )
    pool: ServiceTypeConfig = svc(
        operator=Operator.municipal,
        spend_per_person_eur=15.0,
        fixed_cost_eur=600000.0,
        need_by_age={"0-17": 2.0, "18-64": 1.0, "65+": 0.5},
        staff_fixed=6.0,
        leakage_max=0.2,
        voluntary=True,
        hinterland_share=0.3,
    )
    bus_line: ServiceTypeConfig = svc(
        operator=Operator.municipal,
        spend_per_person_eur=80.0,
        fixed_cost_eur=150000.0,
        staff_fixed=3.0,
        min_users=150.0,
        loss_years=3,
        voluntary=True,
        serves_residents=False,
    )
    crafts: ServiceTypeConfig = svc(
        operator=Operator.private,
        spend_per_person_eur=400.0,
        variable_cost_share=0.6,
        break_even_population=1000.0,
        staff_fixed=6.0,
        leakage_max=0.3,
        succession_base=0.45,
        serves_residents=False,
        hinterland_share=0.5,
    )
    manufacturer: ServiceTypeConfig = svc(
        operator=Operator.corporate, staff_fixed=250.0, loss_years=5, serves_residents=False
    )
    online_share: list[Any] = param(  # [[year, share], ...]; checked in _check_online_share
        default_factory=lambda: [[0, 0.13], [30, 0.25]],
        unit="",
        role="uncertainty",
        source="assumption; seed-notes Q59–Q61 (online trade grew 40-fold 1999–2016, 25 % plausible for 2020)",
        doc="exogenous online share: [simulated year, share] pairs, linear in between; replace "
        "the whole schedule with services.online_share='[[0,0.13],[10,0.2],[30,0.35]]'",
    )
    branch_digital_share: list[Any] = param(  # [[year, share], ...]; checked like online_share
        default_factory=lambda: [[0, 0.5], [30, 0.85]],
        unit="",
        role="uncertainty",
        source="assumption: about half of Germans banked online around 2020 (Eurostat ICT survey); the end value set in the calibration (experiments/calibrate.py) so that branches fall as by 4.6-10 % a year 2021-2023 (Bundesbank Bankstellenbericht 2023)",
        doc="share of bank customers' business done digitally: [simulated year, share] pairs, "
        "linear in between; a branch keeps (1 - d x share(t)) / (1 - d x share(0)) of its revenue",
    )
    chain_catchment_growth: float = param(
        0.01,
        min=0,
        max=0.2,
        unit="1/yr",
        role="uncertainty",
        source="assumption, fitted (experiments/calibrate.py): stores of chain formats grow, so the catchment they need grows (seed-notes R-C3, SF21)",
        doc="yearly growth of a chain format's minimum catchment (its fixed cost)",
    )
    independent_margin_squeeze: float = param(
        0.05,
        min=0,
        max=0.5,
        unit="1/yr",
        role="uncertainty",
        source="assumption, fitted (experiments/calibrate.py): chains' scale economies take the independents' trade (seed-notes R-C3)",
        doc="yearly share of the chain-exposed business (chain_exposure) an independent loses",
    )
    successor_trend: float = param(
        -0.02,
        min=-1,
        max=1,
        unit="1/yr",
        role="uncertainty",
        source="assumption, fitted (experiments/calibrate.py): ever more owners retire while few want to take a business over (KfW Nachfolge-Monitoring 2025: a record 231,000 firms consider closing for want of a successor)",
        doc="change of logit(successor) per simulated year",
    )
    successor_age_effect: float = param(
        -0.15,
        min=-2,
        max=0,
        unit="1/yr",
        role="uncertainty",
        source="assumption (owners who keep going past the pension age have often found no successor and invested less; KfW 2025: owners planning a hand-over are 65.4 on average)",
        doc="change of logit(successor) per year the owner is past retirement_hazard_65_69_from_age",
    )
    founder_decline: float = param(
        0.03,
        min=0,
        max=0.5,
        unit="1/yr",
        role="uncertainty",
        source="assumption from KfW-Gruendungsmonitor 2023: 550,000 founders in 2022, 108 per 10,000 people aged 18-64, near the historic low; founding has about halved since the early 2000s",
        doc="owner-run kinds: the yearly chance that someone tries to open shrinks by this share a year",
    )
    entry_growth_years: int = param(
        5,
        min=1,
        max=30,
        unit="years",
        role="uncertainty",
        source=ASSUMPTION,
        doc="an entrant joins providers at a place only if their demand grew over this many years",
    )
    entry_growth_min: float = param(
        0.1,
        min=0,
        max=10,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="relative growth of the demand at a served place that makes room for one more provider",
    )
    leakage_scale_minutes: float = param(
        20.0,
        min=0.0,
        max=600,
        exclusive_min=True,
        role="uncertainty",
        source=ASSUMPTION,
        unit="min",
        doc="leakage x exp(-minutes to the regional centre / scale)",
    )
    entrepreneurial_climate: float = param(
        0.3,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="yearly chance that a viable gap (best place per kind) is taken by an entrant",
    )
    entry_margin: float = param(
        0.05,
        min=-1,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="profit margin an entrant expects at least",
    )
    retirement_hazard_60_64: float = param(
        0.10, min=0, max=1, role="uncertainty", source=ASSUMPTION, unit="1/yr"
    )
    retirement_hazard_65_69: float = param(
        0.30, min=0, max=1, role="uncertainty", source=ASSUMPTION, unit="1/yr"
    )
    retirement_hazard_70_plus: float = param(
        0.50, min=0, max=1, role="uncertainty", source=ASSUMPTION, unit="1/yr"
    )
    successor_margin_effect: float = param(
        4.0,
        min=0,
        max=50,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="logit(successor) = logit(base) + e x margin + a x attractiveness",
    )
    successor_attractiveness_effect: float = param(
        5.0, min=0, max=50, unit="", role="uncertainty", source=ASSUMPTION
    )
    gp_share_60_plus: float = param(
        0.408,
        min=0,
        max=1,
        unit="",
        role="data",
        source="Destatis/BÄK 2024: 40.8 % of GPs are 60 or older (shared data README)",
        doc="initial owner ages of GP practices",
    )
    manufacturer_labour_ratio: float = param(
        12.0,
        min=0,
        max=1000,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="working-age residents (labour_age_min..labour_age_max) the town needs per manufacturing job; below it for loss_years the employer leaves",
    )
    labour_age_min: int = param(
        25,
        min=0,
        max=110,
        unit="years",
        role="structural",
        source="assumption (working age after education)",
        doc="youngest age counted in the town's labour pool (the manufacturer's recruitment)",
    )
    labour_age_max: int = param(
        64,
        min=0,
        max=110,
        unit="years",
        role="structural",
        source="assumption (working age before the statutory pension)",
        doc="oldest age counted in the town's labour pool",
    )
    bus_rider_min_age: int = param(
        6,
        min=0,
        max=110,
        unit="years",
        role="structural",
        source="assumption (from school age children ride a bus alone)",
        doc="youngest age counted among the riders of a bus line without a car (also the people the citizen-bus gap counts)",
    )
    retirement_hazard_60_64_from_age: int = param(
        60,
        min=0,
        max=110,
        unit="years",
        role="structural",
        source="assumption (bands of the retirement hazards around the statutory pension age)",
        doc="owners retire from this age with retirement_hazard_60_64 (none before)",
    )
    retirement_hazard_65_69_from_age: int = param(
        65,
        min=0,
        max=110,
        unit="years",
        role="structural",
        source="assumption (bands of the retirement hazards around the statutory pension age)",
        doc="from this age with retirement_hazard_65_69",
    )
    retirement_hazard_70_plus_from_age: int = param(
        70,
        min=0,
        max=110,
        unit="years",
        role="structural",
        source="assumption (bands of the retirement hazards around the statutory pension age)",
        doc="from this age with retirement_hazard_70_plus",
    )
    successor_age_min: int = param(
        30,
        min=0,
        max=110,
        unit="years",
        role="uncertainty",
        source="assumption (successors take over in mid-career)",
        doc="a successor's age is uniform between successor_age_min and successor_age_max",
    )
    successor_age_max: int = param(
        50,
        min=0,
        max=110,
        unit="years",
        role="uncertainty",
        source="assumption (successors take over in mid-career)",
    )
    gp_owner_age_min: int = param(
        35,
        min=0,
        max=110,
        unit="years",
        role="uncertainty",
        source="assumption (GPs open a practice after medical school and specialist training)",
        doc="initial GP owners under gp_owner_age_old are uniform from this age",
    )
    gp_owner_age_old: int = param(
        60,
        min=0,
        max=110,
        unit="years",
        role="structural",
        source="the age gp_share_60_plus refers to (Destatis/BÄK 2024, shared data README)",
        doc="initial GP owners are this old or older with probability gp_share_60_plus",
    )
    gp_owner_age_max: int = param(
        69,
        min=0,
        max=110,
        unit="years",
        role="uncertainty",
        source="assumption (few GPs practise past 70)",
        doc="oldest initial GP owner (uniform from gp_owner_age_old)",
    )
    owner_age_mean: float = param(
        54.0,
        min=0,
        max=110,
        unit="years",
        role="data",
        source="KfW-Mittelstandspanel (KfW Research, January 2025): owners of small and medium firms are 54 on average, 39 % are 60 or older",
        doc="initial owners of other private providers: age normal(mean, sd), rounded, clipped to owner_age_min..owner_age_max",
    )
    owner_age_sd: float = param(
        9.0,
        min=0,
        max=30,
        unit="years",
        role="uncertainty",
        source="assumption (owners of small businesses are mostly middle-aged)",
    )
    owner_age_min: int = param(
        28,
        min=0,
        max=110,
        unit="years",
        role="uncertainty",
        source="assumption (owners of small businesses are mostly middle-aged)",
    )
    owner_age_max: int = param(
        72,
        min=0,
        max=110,
        unit="years",
        role="uncertainty",
        source="assumption (owners of small businesses are mostly middle-aged)",
    )

    def check(self, path: str) -> None:
        """Every market provider has a cost base; the online share is a year: share mapping; age
        ranges are ordered."""
        for kind in ServiceType:
            settings = getattr(self, kind.name)
            if (
                settings.operator is not Operator.municipal
                and settings.break_even_population is None
                and settings.fixed_cost_eur is None
                and kind is not ServiceType.manufacturer
            ):
                raise ConfigError(
                    f"{path}.{kind.name}.break_even_population",
                    None,
                    "a number of users, or fixed_cost_eur",
                )
        self._check_online_share(f"{path}.online_share")
        self._check_online_share(f"{path}.branch_digital_share", "branch_digital_share")
        ordered = (
            ("labour_age_min", "labour_age_max", False),
            ("retirement_hazard_60_64_from_age", "retirement_hazard_65_69_from_age", False),
            ("retirement_hazard_65_69_from_age", "retirement_hazard_70_plus_from_age", False),
            ("successor_age_min", "successor_age_max", False),
            ("gp_owner_age_min", "gp_owner_age_old", True),
            ("gp_owner_age_old", "gp_owner_age_max", False),
            ("owner_age_min", "owner_age_max", False),
        )
        for low, high, strict in ordered:
            lo, hi = getattr(self, low), getattr(self, high)
            if hi < lo or (strict and hi == lo):
                raise ConfigError(
                    f"{path}.{high}", hi, f"an age {'>' if strict else '>='} {low} ({lo})"
                )

    def _check_online_share(self, path: str, name: str = "online_share") -> None:
        """[year, share] pairs: whole years 0..500 in increasing order, shares in [0, 1]."""
        schedule = getattr(self, name)
        if not isinstance(schedule, list) or not schedule:
            raise ConfigError(
                path, schedule, "a list of [year, share] pairs, e.g. [[0, 0.13], [30, 0.25]]"
            )
        years = []
        for i, pair in enumerate(schedule):
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                raise ConfigError(f"{path}[{i}]", pair, "a [year, share] pair")
            year, share = pair
            if (
                isinstance(year, bool)
                or not isinstance(year, int | float)
                or not math.isfinite(year)
                or not float(year).is_integer()
                or not 0 <= year <= 500
            ):
                raise ConfigError(
                    f"{path}[{i}][0]", year, "a simulated year: a whole number 0..500"
                )
            if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
                raise ConfigError(f"{path}[{i}][1]", share, "a share in [0, 1]")
            years.append(year)
        if years != sorted(set(years)):
            raise ConfigError(path, schedule, "years in increasing order, each once")
