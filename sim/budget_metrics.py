"""Reporters of the municipal purse (sim/budget.py), merged into ``sim.metrics.METRICS``.

Named pure functions of the model, summed or population-weighted over a region's
municipalities (a single town has one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.agents.municipality import Municipality
    from sim.model import TownModel


def _weighted(model: TownModel, values: list[float]) -> float:
    """Mean over municipalities weighted by residents (plain mean if the town is empty)."""
    weights = model.municipality_population().astype(float)
    if weights.sum() <= 0:
        return float(np.mean(values))
    return float(np.average(values, weights=weights))


def municipal_balance_eur(model: TownModel) -> float:
    """Income minus spending of the municipality (summed over a region's municipalities)."""
    return float(sum(m.balance_eur for m in model.services.municipalities))


def municipal_debt_eur(model: TownModel) -> float:
    return float(sum(m.debt_eur for m in model.services.municipalities))


def municipal_debt_per_resident_eur(model: TownModel) -> float:
    residents = model.population.size
    return municipal_debt_eur(model) / residents if residents else float("nan")


def municipal_service_deficits_eur(model: TownModel) -> float:
    return float(
        sum(m.accounts.get("service_deficits_eur", 0.0) for m in model.services.municipalities)
    )


def infrastructure_cost_per_resident_eur(model: TownModel) -> float:
    """Infrastructure cost per resident: rises as the town empties (seed-notes SF9)."""
    residents = model.population.size
    cost = sum(m.infrastructure_cost_eur for m in model.services.municipalities)
    return float(cost / residents) if residents else float("nan")


def property_tax_multiplier(model: TownModel) -> float:
    """Hebesatz of Grundsteuer B in percent (weighted by residents in a region)."""
    return _weighted(model, [m.property_tax_multiplier for m in model.services.municipalities])


def maintenance_backlog_eur(model: TownModel) -> float:
    """Deferred maintenance of roads, pipes and public buildings."""
    return float(sum(m.backlog_eur for m in model.services.municipalities))


def grants_eur(model: TownModel) -> float:
    """This year's equalisation grants (Schlüsselzuweisungen)."""
    return float(sum(m.grants_eur for m in model.services.municipalities))


def infrastructure_quality(model: TownModel) -> float:
    """Condition of the infrastructure, 0..1 (0.5 at the national average backlog)."""
    return _weighted(model, [m.infrastructure_quality for m in model.services.municipalities])


def municipalities_consolidating(model: TownModel) -> int:
    """Municipalities running a consolidation plan (Haushaltssicherungskonzept)."""
    return sum(m.consolidating for m in model.services.municipalities)


BUDGET_METRICS = {
    "property_tax_multiplier": property_tax_multiplier,
    "maintenance_backlog_eur": maintenance_backlog_eur,
    "grants_eur": grants_eur,
    "infrastructure_quality": infrastructure_quality,
    "municipalities_consolidating": municipalities_consolidating,
}
"""Columns of the metrics table (added by issue 11, no renames)."""


def municipality_columns(municipality: Municipality) -> dict[str, Any]:
    """The purse's columns of one municipality's row in ``municipalities.parquet``."""
    return {
        "property_tax_multiplier": float(municipality.property_tax_multiplier),
        "maintenance_backlog_eur": float(municipality.backlog_eur),
        "grants_eur": float(municipality.grants_eur),
        "consolidating": bool(municipality.consolidating),
    }


MUNICIPALITY_COLUMNS = [
    "property_tax_multiplier",
    "maintenance_backlog_eur",
    "grants_eur",
    "consolidating",
]
"""The keys of :func:`municipality_columns`, in order."""
