"""The municipality: its budget, its debt rule and its decisions about its own services."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.config import Operator

if TYPE_CHECKING:
    from sim.agents.provider import Provider
    from sim.model import TownModel


class Municipality(mesa.Agent):
    """One municipality governing its places (a region may have several; issue #3, #4).

    Each year it collects income (its share of income tax and state transfers per resident,
    business tax from providers' profits and employers' jobs, fiscal equalisation), pays
    mandatory spending per resident, infrastructure per dwelling its networks serve (which do
    not shrink when people leave, seed-notes M-H1) and the deficits of its own services, and pays
    interest on its debt. When debt per resident exceeds the limit, the debt rule forces it to
    close a voluntary service (the one with the largest deficit), one a year.

    Attributes:
        debt_eur: current debt.
        balance_eur: last year's income minus spending (negative: new debt).
        income_eur, spending_eur: last year's totals; ``accounts`` has the items.
    """

    def __init__(self, model: TownModel, index: int = 0) -> None:
        super().__init__(model)
        self.index = index
        self.name = model.town.municipality_names[index]
        self.places = model.town.places_of(index)
        self.cfg = model.config.municipality
        self.debt_eur = self.cfg.initial_debt_per_resident_eur * self.residents
        self.balance_eur = 0.0
        self.income_eur = 0.0
        self.spending_eur = 0.0
        self.accounts: dict[str, float] = {}

    @property
    def infrastructure_cost_eur(self) -> float:
        """Yearly cost of the networks (roads, pipes) serving its dwellings."""
        return self.cfg.infrastructure_per_dwelling_eur * self.dwellings

    @property
    def residents(self) -> int:
        """People living at the municipality's places."""
        return int(self.model.municipality_population()[self.index])

    @property
    def dwellings(self) -> int:
        """Dwellings the municipality's networks serve: the initial stock plus greenfield
        construction. A dwelling that decays out of the stock keeps its share of the network
        (seed-notes M-H1: networks do not shrink when people leave); infill adds none."""
        return int(self.model.housing.serviced[self.places].sum())

    def service_deficits(self, providers: list[Provider]) -> float:
        """Cost minus revenue of the open municipal services (a cooperative carries part of a
        pool it runs, ``civic.pool_coop_cost_share``)."""
        coop_share = self.model.config.civic.pool_coop_cost_share
        return sum(
            max(p.cost_eur - p.revenue_eur, 0.0)
            * (1.0 - coop_share if p.operated_by is not None else 1.0)
            for p in providers
            if p.is_municipal
        )

    def run_budget(
        self,
        providers: list[Provider],
        year: int,
        policy_cost_eur: float = 0.0,
        civic_income_eur: float = 0.0,
    ) -> None:
        """Book one year's income and spending and update the debt.

        Args:
            providers: the municipality's open providers (their deficits, business tax).
            year: simulated year (mandatory spending may grow).
            policy_cost_eur: this municipality's share of the policy levers' cost.
            civic_income_eur: income from citizens' initiatives (energy cooperatives).
        """
        cfg = self.cfg
        residents = self.residents
        income_tax = cfg.income_tax_per_resident_eur * residents
        business_tax = sum(
            cfg.business_tax_rate * max(p.profit_eur, 0.0)
            for p in providers
            if p.settings.operator is not Operator.municipal and p.revenue_eur > 0
        ) + sum(
            cfg.business_tax_per_employer_job_eur * p.staff
            for p in providers
            if not p.settings.serves_residents and not p.is_municipal
        )
        mandatory = (
            cfg.mandatory_spending_per_resident_eur
            * residents
            * (1.0 + cfg.mandatory_growth_per_year) ** year
        )
        infrastructure = self.infrastructure_cost_eur
        deficits = self.service_deficits(providers)
        interest = cfg.interest_rate * max(self.debt_eur, 0.0)
        base_transfers = cfg.transfers_per_resident_eur * residents
        own = income_tax + business_tax + base_transfers + civic_income_eur
        need = mandatory + infrastructure + deficits
        # Equalisation fills part of the gap between needs and own income; the municipality's
        # own policies are not part of its needs.
        equalisation = cfg.equalisation_share * max(need - own, 0.0)
        self.income_eur = own + equalisation
        self.spending_eur = need + interest + policy_cost_eur
        self.balance_eur = self.income_eur - self.spending_eur
        self.debt_eur -= self.balance_eur
        self.accounts = {
            "income_tax_eur": income_tax,
            "business_tax_eur": business_tax,
            "transfers_eur": base_transfers + equalisation,
            "civic_income_eur": civic_income_eur,
            "mandatory_spending_eur": mandatory,
            "infrastructure_eur": infrastructure,
            "service_deficits_eur": deficits,
            "policy_cost_eur": policy_cost_eur,
            "interest_eur": interest,
        }

    @property
    def debt_per_resident_eur(self) -> float:
        residents = self.residents
        return self.debt_eur / residents if residents else 0.0

    def debt_rule_breached(self) -> bool:
        """Debt per resident above the limit (the supervisory authority forces cuts)."""
        return self.debt_per_resident_eur > self.cfg.debt_limit_per_resident_eur

    def choose_cut(self, providers: list[Provider]) -> Provider | None:
        """The open voluntary service with the largest deficit, or None."""
        # A service a cooperative runs is not cut (seed-notes §2.2 Nörten-Hardenberg).
        voluntary = [
            p
            for p in providers
            if p.is_municipal and p.settings.voluntary and p.operated_by is None
        ]
        if not voluntary:
            return None
        return max(voluntary, key=lambda p: (p.cost_eur - p.revenue_eur, -p.unique_id))
