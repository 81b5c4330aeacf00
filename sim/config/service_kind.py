"""One kind of provider's economics and needs (``services.<kind>``), and :func:`svc`, which
declares a kind's defaults in ServicesConfig."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.config.bands import check_bands
from sim.config.param import ASSUMPTION, param
from sim.config.vocabulary import Operator, ServiceType


@dataclass
class ServiceTypeConfig:
    """Economics and needs of one kind of provider (sources per kind in SERVICE_SOURCES)."""

    operator: Operator = param(Operator.private, unit="", role="structural", source="config")
    spend_per_person_eur: float = param(
        0.0,
        min=0,
        max=50000,
        unit="EUR/yr",
        role="uncertainty",
        source=ASSUMPTION,
        doc="yearly revenue per user at need 1 (users: residents weighted by need_by_age)",
    )
    variable_cost_share: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="costs that scale with revenue",
    )
    break_even_population: float | None = param(
        None,
        min=0.0,
        max=1000000,
        exclusive_min=True,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="users at which a provider breaks even; sets the fixed cost unless fixed_cost_eur is given",
    )
    fixed_cost_eur: float | None = param(
        None,
        min=0,
        max=100000000,
        unit="EUR/yr",
        role="uncertainty",
        source=ASSUMPTION,
        doc="fixed yearly cost (None: (1 - variable share) x spend x break-even users)",
    )
    cost_per_user_eur: float = param(
        0.0,
        min=0,
        max=50000,
        unit="EUR/yr",
        role="uncertainty",
        source=ASSUMPTION,
        doc="municipal services: cost per user",
    )
    need_by_age: dict[str, float] = param(
        default_factory=lambda: {"0+": 1.0},
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="relative need by age band; normalised so that the German average person has need 1",
    )
    staff_fixed: float = param(
        1.0, min=0, max=10000, unit="jobs", role="uncertainty", source=ASSUMPTION
    )
    staff_per_1000_users: float = param(
        0.0, min=0, max=1000, unit="jobs", role="uncertainty", source=ASSUMPTION
    )
    online_exposure: float = param(
        0.0,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="share of spending that online trade can take (times services.online_share)",
    )
    digital_exposure: float = param(
        0.0,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="share of the business that digital channels can replace (times services.branch_digital_share)",
    )
    chain_format: bool = param(
        False,
        unit="",
        role="structural",
        source=ASSUMPTION,
        doc="a chain format: its minimum catchment (fixed cost) grows by services.chain_catchment_growth a year",
    )
    chain_exposure: float = param(
        0.0,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="share of an independent's business that chain formats take at services.independent_margin_squeeze a year",
    )
    leakage_max: float = param(
        0.0,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="share spent in the regional centre by people living right next to it (decays with minutes)",
    )
    anchor: ServiceType | None = param(
        None,
        unit="",
        role="structural",
        source=ASSUMPTION,
        doc="a kind of provider this one depends on at its place",
    )
    anchor_share: float = param(
        0.0,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="share of revenue lost while no anchor is open at the place",
    )
    succession_base: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="private: chance to find a successor at zero margin in an average town",
    )
    loss_years: int = param(
        3,
        min=1,
        max=50,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="years of losses (or below min_users) before closing",
    )
    min_users: float = param(
        0.0,
        min=0,
        max=1000000,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="municipal: users below which it closes after loss_years",
    )
    legal_min_population: int = param(
        0,
        min=0,
        max=10000000,
        unit="",
        role="structural",
        source=ASSUMPTION,
        doc="kept (and reopened) while the town has more residents than this",
    )
    voluntary: bool = param(
        False,
        unit="",
        role="structural",
        source=ASSUMPTION,
        doc="municipal: a consolidation plan may cut it (municipality.cut_order)",
    )
    serves_residents: bool = param(
        True,
        unit="",
        role="structural",
        source="config",
        doc="counts for access, travel minutes and quality of life",
    )
    hinterland_share: float = param(
        0.0,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="share of the hinterland's need that comes to providers in town",
    )
    entry_rate: float = param(
        1.0,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="multiplies services.entrepreneurial_climate for this kind",
    )

    def check(self, path: str) -> None:
        """Need weights by age band (every kind, the shop and coop formats included)."""
        check_bands(self.need_by_age, f"{path}.need_by_age", sum_to_one=False)


def svc(**kwargs: Any) -> Any:
    """A ServicesConfig field: this kind's defaults (the rest from ServiceTypeConfig)."""
    return field(default_factory=lambda: ServiceTypeConfig(**kwargs))
