"""Reporters about who stays (sex ratio of young adults), how they engage and what citizens
build (issue 12).

Kept apart from sim/metrics.py (which merges ``PEOPLE_REPORTERS`` into its reporters) so that
file stays under the size limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.agents.initiative import Initiative
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


def _members(initiatives: Iterable[Initiative]) -> np.ndarray:
    """Rows of the members of ``initiatives``, each person once."""
    groups = [i.members for i in initiatives]
    return np.unique(np.concatenate(groups)) if groups else np.empty(0, dtype=np.int64)


def informal_engagement_share(model: TownModel) -> float:
    """Share of the members of active initiatives (each person once) who engage project by
    project ("Ehrenamt 2.0", seed-notes §03.06; SF32); 0 without members (year 0)."""
    members = _members(i for i in model.civic.initiatives if i.phase.active)
    if members.size == 0:
        return 0.0
    return float(np.mean(model.population.people.project_style[members]))


def formal_members(model: TownModel) -> int:
    """Members of launched initiatives and institutions who engage formally (in Vereine), each
    person once: who the long-running initiatives can count on (SF32)."""
    members = _members(model.civic.running())
    return int(np.count_nonzero(~model.population.people.project_style[members]))


PEOPLE_REPORTERS: dict[str, Callable[[TownModel], Any]] = {
    "women_per_100_men_18_24": women_per_100_men_18_24,
    "informal_engagement_share": informal_engagement_share,
    "formal_members": formal_members,
}
