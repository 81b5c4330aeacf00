"""Reporters about who stays (sex ratio of young adults) and what citizens build (issue 12).

Kept apart from sim/metrics.py (which merges ``PEOPLE_REPORTERS`` into its reporters) so that
file stays under the size limit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.model import TownModel


def women_per_100_men(low: int, high: int, model: TownModel) -> float:
    """Women per 100 men among residents aged ``low``–``high`` (NaN without men)."""
    p = model.population.people
    rows = model.population.alive_rows
    young = rows[(p.age[rows] >= low) & (p.age[rows] <= high)]
    men = int((~p.female[young]).sum())
    return float(100.0 * np.count_nonzero(p.female[young]) / men) if men else float("nan")


def women_per_100_men_18_24(model: TownModel) -> float:
    return women_per_100_men(18, 24, model)


PEOPLE_REPORTERS: dict[str, Callable[[TownModel], Any]] = {
    "women_per_100_men_18_24": women_per_100_men_18_24,
}
