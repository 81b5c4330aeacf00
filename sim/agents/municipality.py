"""The municipality: its budget, its debt rule and its decisions about its own services."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from sim.config import Operator

if TYPE_CHECKING:
    from sim.agents.provider import Provider
    from sim.model import TownModel


class Municipality(mesa.Agent):
    """One municipality governing the town's places (issue #3; extended by issue #4).

    Each year it collects income (its share of income tax and state transfers per resident,
    business tax from providers' profits and employers' jobs, fiscal equalisation), pays
    mandatory spending per resident, infrastructure per dwelling in the stock (which does not
    shrink when people leave, seed-notes M-H1) and the deficits of its own services, and pays
    interest on its debt. When debt per resident exceeds the limit, the debt rule forces it to
    close a voluntary service (the one with the largest deficit), one a year.

    Attributes:
        debt_eur: current debt.
        balance_eur: last year's income minus spending (negative: new debt).
        income_eur, spending_eur: last year's totals; ``accounts`` has the items.
    """

    def __init__(self, model: TownModel) -> None:
        super().__init__(model)
        self.cfg = model.config.municipality
        self.debt_eur = self.cfg.initial_debt_per_resident_eur * model.population.size
        self.balance_eur = 0.0
        self.income_eur = 0.0
        self.spending_eur = 0.0
        self.accounts: dict[str, float] = {}

    def service_deficits(self, providers: list[Provider]) -> float:
        """Cost minus revenue of the open municipal services."""
        return sum(max(p.cost_eur - p.revenue_eur, 0.0) for p in providers if p.is_municipal)

    def run_budget(self, providers: list[Provider], year: int) -> None:
        """Book one year's income and spending and update the debt."""
        cfg = self.cfg
        residents = self.model.population.size
        dwellings = int(self.model.population.dwellings.in_stock.sum())
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
        infrastructure = cfg.infrastructure_per_dwelling_eur * dwellings
        deficits = self.service_deficits(providers)
        interest = cfg.interest_rate * max(self.debt_eur, 0.0)
        base_transfers = cfg.transfers_per_resident_eur * residents
        own = income_tax + business_tax + base_transfers
        need = mandatory + infrastructure + deficits
        equalisation = cfg.equalisation_share * max(need - own, 0.0)
        self.income_eur = own + equalisation
        self.spending_eur = need + interest
        self.balance_eur = self.income_eur - self.spending_eur
        self.debt_eur -= self.balance_eur
        self.accounts = {
            "income_tax_eur": income_tax,
            "business_tax_eur": business_tax,
            "transfers_eur": base_transfers + equalisation,
            "mandatory_spending_eur": mandatory,
            "infrastructure_eur": infrastructure,
            "service_deficits_eur": deficits,
            "interest_eur": interest,
        }

    @property
    def debt_per_resident_eur(self) -> float:
        residents = self.model.population.size
        return self.debt_eur / residents if residents else 0.0

    def debt_rule_breached(self) -> bool:
        """Debt per resident above the limit (the supervisory authority forces cuts)."""
        return self.debt_per_resident_eur > self.cfg.debt_limit_per_resident_eur

    def choose_cut(self, providers: list[Provider]) -> Provider | None:
        """The open voluntary service with the largest deficit, or None."""
        voluntary = [p for p in providers if p.is_municipal and p.settings.voluntary]
        if not voluntary:
            return None
        return max(voluntary, key=lambda p: (p.cost_eur - p.revenue_eur, -p.unique_id))
