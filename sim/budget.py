"""The municipal budgets and the debt rule, once a year after civic life (ODD §3 phase 8, §7.8).

Each municipality books its income and spending (``Municipality.run_budget``): its share of
the policy levers' cost (by population) and the income of its energy cooperatives are handed
in by ``TownModel.step()``. When its debt per resident breaks the debt rule, it closes the
voluntary service with the largest deficit (one a year). Then jobs follow the staff of the
providers still open; the staff of those closed this year look for new work (the caller
reassigns them, see ``TownModel.step``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.services import ServiceSystem


def year(
    services: ServiceSystem,
    year: int,
    populations: np.ndarray,
    policy_cost_eur: float,
    civic_income_eur: list[float],
) -> list[tuple[int, float]]:
    """Run every municipality's budget, apply the debt rule, update jobs at each place.

    Args:
        services: the service system (municipalities and their providers).
        year: simulated year.
        populations: residents per municipality (shares of the policy cost).
        policy_cost_eur: this year's cost of the policy levers, for the whole town.
        civic_income_eur: income from citizens' initiatives per municipality.

    Returns:
        (place, jobs) lost by providers closed this year, to be reassigned.
    """
    total = max(int(populations.sum()), 1)
    for municipality in services.municipalities:
        own = services.providers_of(municipality.index)
        policy_cost = policy_cost_eur * populations[municipality.index] / total
        income = civic_income_eur[municipality.index]
        municipality.run_budget(own, year, policy_cost_eur=policy_cost, civic_income_eur=income)
        if municipality.debt_rule_breached():
            cut = municipality.choose_cut(own)
            if cut is not None:
                services.close(cut, "debt rule: budget cannot carry its deficit")
                services.after_changes()
    services.update_jobs()
    return services.take_lost_jobs()
