"""The municipal budgets and their consolidation, once a year after civic life (ODD §3 phase 8,
§7.8).

Each municipality books its income and spending (``Municipality.run_budget``): its share of
the policy levers' cost (by population) and the income of its energy cooperatives are handed
in by ``TownModel.step()``. Then it reviews its budget (``Municipality.review``): when the
deficit or the debt passes its limit it runs a consolidation plan (Haushaltssicherungskonzept)
that raises the property tax, defers infrastructure spending into a maintenance backlog and,
after a political lag, cuts voluntary services in a stated order. Then jobs follow the staff
of the providers still open; the staff of those closed this year look for new work (the caller
reassigns them, see ``TownModel.step``).

The backlog is the ``infrastructure`` component of quality of life (:func:`infrastructure_score`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents.municipality import infrastructure_quality

if TYPE_CHECKING:
    from sim.accessibility import Situations
    from sim.model import TownModel
    from sim.services import ServiceSystem


def year(
    services: ServiceSystem,
    year: int,
    populations: np.ndarray,
    policy_cost_eur: float,
    civic_income_eur: list[float],
) -> list[tuple[int, float]]:
    """Run every municipality's budget and consolidation plan, update jobs at each place.

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
        cut = municipality.review(own, year)
        if cut is not None:
            services.close(cut, "consolidation plan: voluntary service cut")
            services.after_changes()
    services.model.access.clear_cache()  # housing costs and infrastructure enter QoL
    services.update_jobs()
    return services.take_lost_jobs()


def infrastructure_score(model: TownModel, s: Situations) -> np.ndarray:
    """Condition of the home municipality's infrastructure (QoL component ``infrastructure``).

    ``1 / (1 + backlog / national average backlog)``, in years of infrastructure spending:
    0.5 at the national average (seed-notes Q29-Q30), lower as a consolidating municipality
    defers investment. A destination, and any place before the municipalities exist, scores
    the national average.
    """
    national = infrastructure_quality(
        model.config.municipality.initial_backlog_years,
        model.config.municipality.initial_backlog_years,
    )
    municipalities = getattr(getattr(model, "services", None), "municipalities", None)
    if not municipalities:
        return np.full(s.home.size, national)
    quality = np.array([m.infrastructure_quality for m in municipalities])
    municipality = model.town.municipality[s.home]
    return np.where(municipality >= 0, quality[np.maximum(municipality, 0)], national)
