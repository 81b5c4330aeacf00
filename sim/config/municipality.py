"""Config group ``municipality``: the municipal budget and its rules."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.param import ASSUMPTION, param


@dataclass
class MunicipalityConfig:
    """The municipal budget and its rules (sim/agents/municipality.py)."""

    income_tax_per_resident_eur: float = param(
        450.0,
        min=0,
        max=50000,
        unit="EUR/yr",
        role="uncertainty",
        source="assumption (order of the municipal share of income tax per inhabitant)",
    )
    transfers_per_resident_eur: float = param(
        500.0,
        min=0,
        max=50000,
        unit="EUR/yr",
        role="uncertainty",
        source="calibrated assumption: with mandatory spending, the built-in peripheral town starts with a roughly balanced budget (state transfers, seed-notes M-X13)",
    )
    equalisation_share: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (fiscal equalisation fills part of the gap between needs and own income)",
    )
    business_tax_rate: float = param(
        0.14,
        min=0,
        max=1,
        unit="",
        role="data",
        source="Gewerbesteuer 3.5 % x a multiplier of about 400 % = about 14 % of trade profit",
    )
    business_tax_per_employer_job_eur: float = param(
        1500.0, min=0, max=100000, unit="EUR/yr", role="uncertainty", source=ASSUMPTION
    )
    mandatory_spending_per_resident_eur: float = param(
        540.0,
        min=0,
        max=50000,
        unit="EUR/yr",
        role="uncertainty",
        source="calibrated assumption (administration and social spending per inhabitant; see transfers_per_resident_eur)",
    )
    mandatory_growth_per_year: float = param(
        0.0,
        min=-0.2,
        max=0.2,
        unit="",
        role="uncertainty",
        source="assumption; scenario of seed-notes Q28 (social spending rose from 18 % to 24 % of spending 2000–2014)",
    )
    infrastructure_per_dwelling_eur: float = param(
        450.0,
        min=0,
        max=50000,
        unit="EUR/yr",
        role="uncertainty",
        source="assumption; seed-notes M-H1 (networks do not shrink when people leave)",
        doc="per dwelling the networks serve: the initial stock plus greenfield construction (decayed dwellings keep theirs; infill adds none)",
    )
    interest_rate: float = param(
        0.02, min=0, max=0.5, unit="", role="uncertainty", source=ASSUMPTION
    )
    initial_debt_per_resident_eur: float = param(
        800.0, min=0, max=100000, unit="EUR", role="uncertainty", source=ASSUMPTION
    )
    debt_limit_per_resident_eur: float = param(
        1500.0,
        min=0,
        max=100000,
        unit="EUR",
        role="uncertainty",
        source="assumption (above it the supervisory authority forces a consolidation plan)",
    )
    civic_staff_fte: float = param(
        0.5,
        min=0,
        max=100,
        unit="FTE",
        role="uncertainty",
        source="assumption (a thin 'Personaldecke': no dedicated post for civic projects, seed-notes §3.5, [004])",
        doc="staff for supporting citizens' initiatives",
    )
    fte_per_supported_initiative: float = param(
        0.25, min=0.0, max=10, exclusive_min=True, unit="FTE", role="uncertainty", source=ASSUMPTION
    )
    cost_per_fte_eur: float = param(
        70000.0,
        min=0,
        max=1000000,
        unit="EUR/yr",
        role="uncertainty",
        source="assumption (about TVöD E10 with employer costs)",
    )
