"""Config group ``services``: providers' economics, demand, entry and succession, with the
defaults of every kind of provider and where they come from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sim.config.param import ASSUMPTION, Sourced, param, sourced
from sim.config.service_kind import ServiceTypeConfig, svc
from sim.config.vocabulary import ConfigError, Operator, ServiceType

SERVICE_SOURCES: dict[str, dict[str, Sourced]] = {
    "grocery": {
        "spend_per_person_eur": sourced(
            "assumption (order of food-retail spending per head in Germany)", role="uncertainty"
        ),
        "variable_cost_share": sourced(
            "assumption (gross margin about a quarter)", role="uncertainty"
        ),
        "break_even_population": sourced(
            "BVL; Handelsverband Bayern: a supermarket needs at least about 5,000 people in its catchment (shared data README)",
            role="data",
        ),
        "online_exposure": sourced(
            "assumption; online food retail is still minor outside cities (seed-notes Q65)",
            role="uncertainty",
        ),
        "leakage_max": sourced(
            "assumption (shopping in the regional centre, seed-notes §2.6)", role="uncertainty"
        ),
    },
    "grocery_coop": {
        "break_even_population": sourced(
            "Dorfladen rule of thumb: 100–150 customers and 1,000 EUR a day (Imakomm 2020); volunteers and members' loyalty halve the shop's threshold (assumption)",
            role="uncertainty",
        ),
        "entry_rate": sourced("opened only by a cooperative-shop initiative", role="structural"),
    },
    "grocery_shop": {
        "spend_per_person_eur": sourced(
            "assumption (top-up shopping near home)", role="uncertainty"
        ),
        "break_even_population": sourced(
            "assumption from the village-shop rule of thumb: 100–150 customers and 1,000 EUR a day (Imakomm 2020, shared data README)",
            role="uncertainty",
        ),
        "succession_base": sourced(
            "assumption (owners of small shops rarely find successors)", role="uncertainty"
        ),
    },
    "gp": {
        "spend_per_person_eur": sourced(
            "assumption (statutory GP fees per patient and year)", role="uncertainty"
        ),
        "break_even_population": sourced(
            "KBV planning ratio: about one GP per 1,600 inhabitants (shared data README)",
            role="data",
        ),
        "succession_base": sourced(
            "assumption (rural GP succession is hard; 40.8 % of GPs are 60 or older, KBV 2024)",
            role="uncertainty",
        ),
        "entry_rate": sourced(
            "assumption (few young GPs settle in rural areas; admission follows KBV planning)",
            role="uncertainty",
        ),
        "need_by_age": sourced("assumption (GP contacts rise with age)", role="uncertainty"),
    },
    "pharmacy": {
        "break_even_population": sourced(
            "Thünen-Institut 2013 / DAZ 2023: about 3,800 potential customers per pharmacy",
            role="data",
        ),
        "anchor_share": sourced(
            "assumption (prescriptions from GPs at the same place)", role="uncertainty"
        ),
        "online_exposure": sourced("assumption (mail-order pharmacies)", role="uncertainty"),
        "need_by_age": sourced("assumption (medication use rises with age)", role="uncertainty"),
    },
    "bank": {
        "online_exposure": sourced(
            "assumption (online banking replaces branch visits, seed-notes §2.6)",
            role="uncertainty",
        )
    },
    "post": {
        "legal_min_population": sourced(
            "Post-Universaldienstleistungsverordnung: a post outlet in every municipality over 2,000 inhabitants (shared data README)",
            role="data",
        ),
        "entry_rate": sourced(
            "outlets exist by the legal requirement, not by market entry", role="structural"
        ),
    },
    "primary_school": {
        "min_users": sourced(
            "Kultusministerien: minimum class sizes 13–20 by Land; 4 grades x 13 (shared data README)",
            role="data",
        ),
        "need_by_age": sourced("issue #3: school for 6–10-year-olds", role="structural"),
    },
    "kindergarten": {
        "need_by_age": sourced(
            "assumption (about a third of 1–2-year-olds and nine in ten 3–5-year-olds in day care, Destatis; ext)",
            role="uncertainty",
        ),
        "legal_min_population": sourced(
            "assumption (legal entitlement to a day-care place from age 1: kept while the town has residents)",
            role="structural",
        ),
    },
    "pool": {
        "spend_per_person_eur": sourced(
            "sector reports: ticket revenue covers under a third of a pool's running costs (shared data README); calibrated to about 30 %",
            role="data",
        ),
        "voluntary": sourced(
            "a voluntary municipal task, cut first under budget pressure (seed-notes §2.2, Nörten-Hardenberg)",
            role="structural",
        ),
    },
    "bus_line": {
        "min_users": sourced(
            "assumption; seed-notes M-V1: below a demand threshold line-based buses are no longer financed",
            role="uncertainty",
        ),
        "voluntary": sourced(
            "seed-notes V-C2: lines are cut when they cannot be financed", role="structural"
        ),
    },
    "crafts": {
        "succession_base": sourced(
            "assumption (succession is a known problem of craft firms)", role="uncertainty"
        )
    },
    "manufacturer": {
        "staff_fixed": sourced(
            "assumption (a 'hidden champion' with a few hundred jobs, seed-notes Q11)",
            role="uncertainty",
        )
    },
}
"""Where each kind's non-default values come from (used by the ODD parameter table)."""

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
        leakage_max=0.35,
        succession_base=0.3,
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
        succession_base=0.35,
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
        succession_base=0.45,
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
        online_exposure=1.0,
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
        50.0,
        min=0,
        max=110,
        unit="years",
        role="uncertainty",
        source="assumption (owners of small businesses are mostly middle-aged)",
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

    def _check_online_share(self, path: str) -> None:
        """[year, share] pairs: whole years 0..500 in increasing order, shares in [0, 1]."""
        schedule = self.online_share
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
