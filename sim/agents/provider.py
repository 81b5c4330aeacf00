"""Service providers and employers: Mesa cell agents on the place where they are."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import CellAgent

from sim.config import Operator, ServiceType, ServiceTypeConfig

if TYPE_CHECKING:
    from sim.config import ServicesConfig
    from sim.model import TownModel


def draw_owner_age(
    rng: np.random.Generator, c: ServicesConfig, kind: ServiceType, initial: bool
) -> int:
    """The owner's age of a private provider: a successor's, or an initial owner's."""
    if not initial:
        return int(rng.integers(c.successor_age_min, c.successor_age_max + 1))
    if kind is ServiceType.gp:  # 40.8 % of GPs are 60 or older (KBV 2024)
        return (
            int(rng.integers(c.gp_owner_age_old, c.gp_owner_age_max + 1))
            if rng.random() < c.gp_share_60_plus
            else int(rng.integers(c.gp_owner_age_min, c.gp_owner_age_old))
        )
    age = round(rng.normal(c.owner_age_mean, c.owner_age_sd))
    return int(np.clip(age, c.owner_age_min, c.owner_age_max))


def clearly_better(a: float, b: float) -> bool:
    """``a`` beats ``b`` by more than rounding (sums may differ in the last bits between CPUs:
    a near-tie must not decide differently on another machine; ties keep the first)."""
    return a > b + 1e-9 * max(abs(b), 1.0)


def fixed_cost(settings: ServiceTypeConfig) -> float:
    """The kind's fixed yearly cost: configured, or break-even users x spend x (1 - variable share)."""
    if settings.fixed_cost_eur is not None:
        return float(settings.fixed_cost_eur)
    if settings.break_even_population is None:
        return 0.0
    return (
        (1.0 - settings.variable_cost_share)
        * settings.spend_per_person_eur
        * settings.break_even_population
    )


class Provider(CellAgent):
    """One shop, practice, school, pool, bus line or employer.

    Its yearly accounts are filled in by the service system (sim/services.py), which computes
    demand for all providers at once; the provider holds its own state and rules.

    Attributes:
        kind: what it is (ServiceType).
        settings: the economics of its kind (``services.<kind>``, groceries by format).
        format: groceries: ``supermarket`` or ``shop``; otherwise empty.
        place: index of its place in the town network.
        municipality: index of the municipality its place belongs to.
        owner_age: age of the owner (private providers), else None.
        route: bus lines: place indices the line serves.
        users: need-weighted users last year (pupils, children, riders for municipal services).
        revenue_eur, cost_eur: last year's accounts.
        loss_years: consecutive years with a loss (or, municipal, below its minimum users).
        staff: jobs it provides.
        opened_year: simulated year it opened (0 for the initial providers).
        operated_by: the initiative running it, if any.
    """

    def __init__(
        self,
        model: TownModel,
        kind: ServiceType,
        settings: ServiceTypeConfig,
        place: int,
        fmt: str = "",
        owner_age: int | None = None,
        staff: float | None = None,
        route: list[int] | None = None,
    ) -> None:
        super().__init__(model)
        self.kind = kind
        self.settings = settings
        self.format = fmt
        self.place = place
        self.municipality = int(model.town.municipality[place])
        self.cell = model.space[place]
        self.owner_age = owner_age if settings.operator is Operator.private else None
        self.route = list(route or [])
        self.users = 0.0
        self.revenue_eur = 0.0
        self.cost_eur = 0.0
        self.loss_years = 0
        self.fixed_staff = staff
        self.staff = float(staff if staff is not None else settings.staff_fixed)
        self.opened_year = int(model.time)
        self.operated_by = None  # an initiative that runs it (pool cooperative, cooperative shop)
        self.key = 0  # stable key of its random numbers (set by the service system on opening)

    @property
    def channel_format(self) -> str:
        """Groceries: the shopping a provider serves (a cooperative shop serves top-up shopping)."""
        return "shop" if self.format == "coop" else self.format

    @property
    def profit_eur(self) -> float:
        """Revenue minus cost last year (municipal services: minus their deficit)."""
        return self.revenue_eur - self.cost_eur

    @property
    def margin(self) -> float:
        """Profit as a share of revenue (-1 if there was no revenue)."""
        return self.profit_eur / self.revenue_eur if self.revenue_eur > 0 else -1.0

    @property
    def is_municipal(self) -> bool:
        return self.settings.operator is Operator.municipal

    @property
    def place_name(self) -> str:
        return self.model.town.names[self.place]

    def update_staff(self) -> None:
        """Jobs follow the number of users (fixed for employers with a configured staff)."""
        if self.fixed_staff is None:
            self.staff = (
                self.settings.staff_fixed + self.settings.staff_per_1000_users * self.users / 1000.0
            )

    def __repr__(self) -> str:
        label = f"{self.kind.value}{'/' + self.format if self.format else ''}"
        return f"Provider({label} at {self.place_name}, users={self.users:.0f}, profit={self.profit_eur:,.0f} EUR)"
