"""Config group ``municipality``: the municipal budget and its rules."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.param import ASSUMPTION, param
from sim.config.vocabulary import ConfigError, ServiceType


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
        130.0,
        min=0,
        max=50000,
        unit="EUR/yr",
        role="uncertainty",
        source="calibrated assumption: with the grants and mandatory spending, the built-in peripheral town starts with a roughly balanced budget (state transfers, seed-notes M-X13)",
        doc="other transfers per resident besides the equalisation grants (VAT share, earmarked grants)",
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
    mandatory_fixed_share: float = param(
        0.3,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (cost remanence: administration and public buildings do not shrink in step with the population)",
        doc="share of mandatory spending fixed at the initial population; the rest follows the residents",
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
    property_tax_base_per_dwelling_eur: float = param(
        80.0,
        min=0,
        max=10000,
        unit="EUR/yr",
        role="uncertainty",
        source="assumption (Grundsteuermessbetrag of a single-family house about 92 EUR, Dormagen example, RP Online; Grundsteuer B 110-216 EUR per inhabitant by Land, EY 2022)",
        doc="Grundsteuer B base amount (Messbetrag) per dwelling in the stock; tax = base x multiplier / 100",
    )
    property_tax_multiplier_initial: float = param(
        400.0,
        min=0,
        max=2000,
        unit="%",
        role="uncertainty",
        source="assumption (EY 2022: 77 % of municipalities levy more than 350 %)",
        doc="the Hebesatz of Grundsteuer B at the start",
    )
    property_tax_multiplier_max: float = param(
        1050.0,
        min=0,
        max=3000,
        unit="%",
        role="uncertainty",
        source="EY 2022: the highest Grundsteuer B Hebesatz in Germany is 1,050 % (Lauterbach, Lorch)",
        doc="consolidation raises the Hebesatz at most to this",
    )
    property_tax_step: float = param(
        50.0,
        min=0,
        max=1000,
        unit="%/yr",
        role="uncertainty",
        source="assumption (single increases of 80-160 points are reported: Nuremberg 410 -> 490 %, Dormagen 435 -> 595 %)",
        doc="points the Hebesatz rises in each year of consolidation",
    )
    property_tax_share_of_housing_cost: float = param(
        0.025,
        min=0,
        max=0.5,
        unit="",
        role="uncertainty",
        source="assumption (Grundsteuer about 0.2 EUR per m2 and month of about 9-10 EUR gross rent, Betriebskostenspiegel order of magnitude)",
        doc="share of the property tax in housing costs at the reference Hebesatz; housing cost x (1 + share x (multiplier / reference - 1))",
    )
    grant_need_per_resident_eur: float = param(
        1100.0,
        min=0,
        max=50000,
        unit="EUR/yr",
        role="uncertainty",
        source="calibrated assumption (Bedarfsmesszahl per inhabitant; with the other defaults a weak-tax town gets about 250-300 EUR per inhabitant)",
        doc="fiscal need per resident (Bedarfsmesszahl) of the equalisation grants",
    )
    grant_rate: float = param(
        0.7,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (Ausgleichsquote of the Länder's Finanzausgleichsgesetze, about 0.5-0.9)",
        doc="share of the gap between fiscal need and tax capacity the state grants (Schlüsselzuweisungen)",
    )
    property_tax_reference_multiplier: float = param(
        400.0,
        min=1,
        max=2000,
        unit="%",
        role="uncertainty",
        source="assumption (the fictitious Hebesatz of the Finanzausgleich; a municipality's own increase does not lower its grants)",
        doc="tax capacity counts the property tax at this Hebesatz; housing costs are relative to it",
    )
    grant_lag_years: int = param(
        2,
        min=0,
        max=10,
        unit="years",
        role="uncertainty",
        source="assumption (the Finanzausgleich uses official population figures of an earlier reference date)",
        doc="the grants' fiscal need counts the population this many years earlier",
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
    deficit_limit_share: float = param(
        0.03,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (a budget that cannot be balanced needs a Haushaltssicherungskonzept; a small deficit may be covered from reserves)",
        doc="a deficit above this share of income starts a consolidation plan",
    )
    investment_deferral_share: float = param(
        0.3,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (investment is the residual that gets squeezed, seed-notes Q29, M-D1)",
        doc="share of the infrastructure spending deferred in each year of consolidation; it adds to the maintenance backlog",
    )
    initial_backlog_years: float = param(
        6.3,
        min=0,
        max=100,
        unit="years",
        role="data",
        source="seed-notes Q29-Q30: backlog 136 bn EUR / municipal fixed-asset investment 21.6 bn EUR a year (calc)",
        doc="maintenance backlog at the start, in years of infrastructure spending (the national average)",
    )
    backlog_catch_up_share: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="outside consolidation, this share of a surplus goes into the maintenance backlog",
    )
    cut_lag_years: int = param(
        3,
        min=0,
        max=30,
        unit="years",
        role="uncertainty",
        source="assumption (council decision, protest and notice take years; seed-notes §2.2)",
        doc="years a consolidation plan runs (since it began or the last cut) before a voluntary service may be cut, if its gap is still open",
    )
    debt_repayment_years: float = param(
        6.0,
        min=1,
        max=100,
        unit="years",
        role="uncertainty",
        source="Niedersachsen KomHKVO § 24 (2): deficits carried forward are to be repaid within six years",
        doc="a consolidation plan aims to repay the debt above its limit within this many years",
    )
    consolidation_tax_share: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (consolidation plans mix higher taxes with spending cuts)",
        doc="share of a plan's gap the Hebesatz is raised to close each year (within its step)",
    )
    cut_decision_rate: float = param(
        0.3,
        min=0,
        max=1,
        unit="1/yr",
        role="uncertainty",
        source="assumption (a council decides a contested closure in some years and not in others); with it the archetypes close 8 of their 30 pools in 30 years over 10 seeds (all in the very peripheral town; 12/2026), about the national rate (1.1 %/yr, service_trends_de.csv); 0.15 and 0.6 gave 2 and 9 before the E2SFCA access",
        doc="once a cut is due (after cut_lag_years), the probability a year that the council decides it",
    )
    cut_order: list[str] = param(
        default_factory=lambda: ["bus_line", "pool"],
        unit="",
        role="uncertainty",
        source="assumption (the cheaper, less visible subsidy goes first; a pool is defended longest)",
        doc="kinds of voluntary municipal service in the order consolidation cuts them; kinds not listed are not cut",
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

    def check(self, path: str) -> None:
        """The cut order names kinds of service, each once (that they are voluntary municipal
        services is checked with the services group, Config.check)."""
        kinds = {k.name for k in ServiceType}
        if not isinstance(self.cut_order, list):
            raise ConfigError(f"{path}.cut_order", self.cut_order, "a list of kinds of service")
        for i, kind in enumerate(self.cut_order):
            if kind not in kinds:
                raise ConfigError(
                    f"{path}.cut_order[{i}]", kind, f"a kind of service: {', '.join(sorted(kinds))}"
                )
            if kind in self.cut_order[:i]:
                raise ConfigError(f"{path}.cut_order[{i}]", kind, "each kind once")
