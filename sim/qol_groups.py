"""Mean quality of life by group of residents: the ``qol_mean_<group>`` columns of metrics.

Age groups that use a town differently (children, young adults, working ages, the old and the
very old) and adults without a car, who depend on what is within reach. Used by
``sim/metrics.py`` (its ``REPORTERS``) and read by the planner's report (``sim/report``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model import TownModel

QOL_AGE_GROUPS: tuple[tuple[str, int, int], ...] = (
    ("under_18", 0, 17),
    ("18_29", 18, 29),
    ("30_64", 30, 64),
    ("65_79", 65, 79),
    ("80_plus", 80, 10_000),
)
"""Age groups of the ``qol_mean_<group>`` columns: name, youngest, oldest age."""


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else float("nan")


def qol_mean_of_ages(youngest: int, oldest: int, model: TownModel) -> float:
    """Mean QoL of residents aged ``youngest``..``oldest`` (NaN when there are none)."""
    rows = model.population.alive_rows
    age = model.population.people.age[rows]
    return _mean(model.qol[rows[(age >= youngest) & (age <= oldest)]])


def qol_mean_adults_without_car(model: TownModel) -> float:
    """Mean QoL of adults (18+) without a car in their household."""
    p = model.population.people
    rows = model.population.alive_rows
    adults = rows[p.age[rows] >= 18]
    return _mean(model.qol[adults[~p.has_car[adults]]])


QOL_GROUP_REPORTERS: dict[str, Callable[[TownModel], float]] = {
    **{
        f"qol_mean_{name}": partial(qol_mean_of_ages, youngest, oldest)
        for name, youngest, oldest in QOL_AGE_GROUPS
    },
    "qol_mean_adults_without_car": qol_mean_adults_without_car,
}
"""Column name -> reporter, merged into ``sim.metrics.REPORTERS``."""
