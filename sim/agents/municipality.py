"""The municipality: its budget, its consolidation plan and its decisions about its own services."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

from sim.config import Operator

if TYPE_CHECKING:
    from sim.agents.provider import Provider
    from sim.model import TownModel


class Municipality(mesa.Agent):
    """One municipality governing its places (a region may have several; issue #3, #4).

    Each year it collects income (its share of income tax, business tax from providers'
    profits and employers' jobs, property tax at its Hebesatz, other state transfers and the
    equalisation grants, Schlüsselzuweisungen), pays mandatory spending per resident,
    infrastructure per dwelling its networks serve (which do not shrink when people leave,
    seed-notes M-H1), the deficits of its own services and interest on its debt.

    German municipal budget law requires a balanced budget: when the deficit or the debt passes
    its limit the municipality runs a consolidation plan (Haushaltssicherungskonzept,
    :meth:`review`): it raises the Hebesatz step by step, defers part of its infrastructure
    spending into a maintenance backlog and, after a political lag, cuts voluntary services
    in a stated order (ODD §7.8).

    Attributes:
        debt_eur: current debt (negative: reserves).
        balance_eur: last year's income minus spending (negative: new debt).
        income_eur, spending_eur: last year's totals; ``accounts`` has the items.
        property_tax_multiplier: the Hebesatz of Grundsteuer B in percent.
        backlog_eur: the maintenance backlog of its infrastructure.
        grants_eur: last year's equalisation grants (Schlüsselzuweisungen).
        consolidating: whether a consolidation plan is running.
        plan_year: the year the plan began or last cut a service (None outside a plan).
        population_history: residents at each year's budget (the grants' lagged population).
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
        self.property_tax_multiplier = float(self.cfg.property_tax_multiplier_initial)
        self.backlog_eur = self.cfg.initial_backlog_years * self.infrastructure_cost_eur
        self.grants_eur = 0.0
        self.deferred_eur = 0.0
        self.consolidating = False
        self.plan_year: int | None = None
        self.initial_residents = self.residents
        self.population_history: list[int] = [self.initial_residents]
        self.set_housing_cost()

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

    @property
    def taxed_dwellings(self) -> int:
        """Dwellings in the stock at its places (occupied or empty: both pay property tax)."""
        return int(self.model.housing.stock_by_place()[0][self.places].sum())

    @property
    def backlog_years(self) -> float:
        """The maintenance backlog in years of infrastructure spending."""
        cost = self.infrastructure_cost_eur
        return self.backlog_eur / cost if cost > 0 else 0.0

    @property
    def infrastructure_quality(self) -> float:
        """Condition of roads, pipes and public buildings, 0..1: 1 / (1 + backlog years /
        national backlog years), so 0.5 at the national average backlog (seed-notes Q30)."""
        return infrastructure_quality(self.backlog_years, self.cfg.initial_backlog_years)

    def set_housing_cost(self) -> None:
        """The property tax is part of housing costs (passed on to tenants as running costs):
        housing cost x (1 + share x (Hebesatz / reference - 1)) at the municipality's places."""
        cfg = self.cfg
        factor = 1.0 + cfg.property_tax_share_of_housing_cost * (
            self.property_tax_multiplier / cfg.property_tax_reference_multiplier - 1.0
        )
        self.model.housing.property_tax_factor[self.places] = factor

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

    def grant_population(self) -> int:
        """The population the grants count: ``grant_lag_years`` budgets ago (or the first)."""
        history = self.population_history
        return history[max(len(history) - 1 - self.cfg.grant_lag_years, 0)]

    def run_budget(
        self,
        providers: list[Provider],
        year: int,
        policy_cost_eur: float = 0.0,
        civic_income_eur: float = 0.0,
    ) -> None:
        """Book one year's income and spending and update the debt and the backlog.

        Args:
            providers: the municipality's open providers (their deficits, business tax).
            year: simulated year (mandatory spending may grow).
            policy_cost_eur: this municipality's share of the policy levers' cost.
            civic_income_eur: income from citizens' initiatives (energy cooperatives).
        """
        cfg = self.cfg
        residents = self.residents
        self.population_history.append(residents)
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
        property_base = cfg.property_tax_base_per_dwelling_eur * self.taxed_dwellings
        property_tax = property_base * self.property_tax_multiplier / 100.0
        # Schlüsselzuweisungen: a share of the gap between fiscal need (by the lagged
        # population) and tax capacity, with the property tax at the reference Hebesatz, so
        # that a municipality's own tax increase does not lower its grants.
        capacity = (
            income_tax
            + business_tax
            + property_base * cfg.property_tax_reference_multiplier / 100.0
        )
        need = cfg.grant_need_per_resident_eur * self.grant_population()
        self.grants_eur = cfg.grant_rate * max(need - capacity, 0.0)
        transfers = cfg.transfers_per_resident_eur * residents
        # Part of it is fixed at the initial size: administration and buildings shrink with
        # the population only slowly (cost remanence).
        fixed = cfg.mandatory_fixed_share
        mandatory = (
            cfg.mandatory_spending_per_resident_eur
            * (fixed * self.initial_residents + (1.0 - fixed) * residents)
            * (1.0 + cfg.mandatory_growth_per_year) ** year
        )
        infrastructure_due = self.infrastructure_cost_eur
        deferred = infrastructure_due * cfg.investment_deferral_share if self.consolidating else 0.0
        infrastructure = infrastructure_due - deferred
        deficits = self.service_deficits(providers)
        interest = cfg.interest_rate * max(self.debt_eur, 0.0)
        self.income_eur = (
            income_tax
            + business_tax
            + property_tax
            + transfers
            + self.grants_eur
            + civic_income_eur
        )
        spending = mandatory + infrastructure + deficits + interest + policy_cost_eur
        # Outside a plan and within the debt limit, part of a surplus goes into catching up
        # on the backlog.
        catch_up = 0.0
        within_limit = self.debt_eur <= cfg.debt_limit_per_resident_eur * residents
        if not self.consolidating and within_limit and self.income_eur > spending:
            catch_up = min(
                self.backlog_eur, cfg.backlog_catch_up_share * (self.income_eur - spending)
            )
        self.backlog_eur += deferred - catch_up
        self.deferred_eur = deferred
        self.spending_eur = spending + catch_up
        self.balance_eur = self.income_eur - self.spending_eur
        self.debt_eur -= self.balance_eur
        self.accounts = {
            "income_tax_eur": income_tax,
            "business_tax_eur": business_tax,
            "property_tax_eur": property_tax,
            "transfers_eur": transfers,
            "grants_eur": self.grants_eur,
            "civic_income_eur": civic_income_eur,
            "mandatory_spending_eur": mandatory,
            "infrastructure_eur": infrastructure,
            "backlog_catch_up_eur": catch_up,
            "service_deficits_eur": deficits,
            "policy_cost_eur": policy_cost_eur,
            "interest_eur": interest,
        }

    @property
    def structural_balance_eur(self) -> float:
        """Last year's balance had it paid its infrastructure in full (deferral is no cure)."""
        return self.balance_eur - self.deferred_eur

    @property
    def debt_per_resident_eur(self) -> float:
        residents = self.residents
        return self.debt_eur / residents if residents else 0.0

    def over_limit(self) -> bool:
        """Debt per resident above the limit, or a deficit above its share of income."""
        cfg = self.cfg
        return (
            self.debt_per_resident_eur > cfg.debt_limit_per_resident_eur
            or -self.balance_eur > cfg.deficit_limit_share * self.income_eur
        )

    def consolidation_gap_eur(self) -> float:
        """What a consolidation plan must close: last year's structural deficit plus the debt
        above its limit spread over ``debt_repayment_years`` (0 when nothing is to close)."""
        cfg = self.cfg
        excess = max(self.debt_eur - cfg.debt_limit_per_resident_eur * self.residents, 0.0)
        return max(-self.structural_balance_eur + excess / cfg.debt_repayment_years, 0.0)

    def review(self, providers: list[Provider], year: int) -> Provider | None:
        """The consolidation plan after the year's accounts (Haushaltssicherungskonzept).

        A plan starts when the deficit or the debt passes its limit and runs until its gap
        (:meth:`consolidation_gap_eur`) is closed. In each year of a plan the municipality
        raises the Hebesatz to close ``consolidation_tax_share`` of the gap, by at most
        ``property_tax_step`` points (in steps of 5, up to its maximum; the housing costs at
        its places follow), and defers part of next year's infrastructure spending. Once the
        plan has run ``cut_lag_years`` (since it began or since the last cut) with the gap
        still open, the council cuts the next voluntary service in ``cut_order`` with
        probability ``cut_decision_rate`` a year.

        Returns:
            The provider to close this year, or None.
        """
        cfg = self.cfg
        gap = self.consolidation_gap_eur()
        if not self.consolidating:
            if not self.over_limit():
                return None
            self.consolidating, self.plan_year = True, year
        elif gap <= 0:
            self.consolidating, self.plan_year = False, None
            return None
        self.raise_property_tax(cfg.consolidation_tax_share * gap)
        if gap <= 0 or year - self.plan_year < cfg.cut_lag_years:
            return None
        if self.model.generator("consolidation_cut", self.index).random() >= cfg.cut_decision_rate:
            return None
        cut = self.choose_cut(providers)
        if cut is not None:
            self.plan_year = year
        return cut

    def raise_property_tax(self, amount_eur: float) -> None:
        """Raise the Hebesatz so that it brings ``amount_eur`` more a year: in whole steps of 5
        points, at most ``property_tax_step`` a year and up to ``property_tax_multiplier_max``."""
        cfg = self.cfg
        base = cfg.property_tax_base_per_dwelling_eur * self.taxed_dwellings / 100.0
        if amount_eur <= 0 or base <= 0:
            return
        points = min(5.0 * math.ceil(amount_eur / base / 5.0), cfg.property_tax_step)
        raised = min(self.property_tax_multiplier + points, cfg.property_tax_multiplier_max)
        if raised > self.property_tax_multiplier:
            self.property_tax_multiplier = raised
            self.set_housing_cost()

    def choose_cut(self, providers: list[Provider]) -> Provider | None:
        """The next voluntary service in ``cut_order`` (within a kind the one with the largest
        deficit), or None."""
        order = self.cfg.cut_order
        # A service a cooperative runs is not cut (seed-notes §2.2 Nörten-Hardenberg).
        candidates = [
            p
            for p in providers
            if p.is_municipal
            and p.settings.voluntary
            and p.operated_by is None
            and p.kind.name in order
        ]
        if not candidates:
            return None
        return min(
            candidates,
            key=lambda p: (order.index(p.kind.name), -(p.cost_eur - p.revenue_eur), p.unique_id),
        )


def infrastructure_quality(backlog_years: float, national_years: float) -> float:
    """Infrastructure condition 0..1 from the backlog in years of spending: 1 / (1 + backlog /
    national average backlog), 0.5 at the national average (assumption; ODD §7.8)."""
    if national_years <= 0:
        return 1.0 if backlog_years <= 0 else 0.0
    return 1.0 / (1.0 + max(backlog_years, 0.0) / national_years)
