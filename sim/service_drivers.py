"""The drivers of service change (issue #11): what makes providers decline as they do in Germany.

Each driver is a parameter in ``services`` (sim/config/services.py) and acts through a
provider's yearly accounts or its owner's succession, relative to the start of the run (the
thresholds in ``services.<kind>.break_even_population`` are today's, so every driver is 1 at
year 0):

- **online trade** takes a rising share of retail spending: revenue x
  (1 - e x online(t)) / (1 - e x online(0)), e = ``online_exposure`` of the kind,
  online(t) = ``services.online_share``;
- **branch digitalisation**: bank customers move to online banking: revenue x
  (1 - d x digital(t)) / (1 - d x digital(0)), d = ``digital_exposure``,
  digital(t) = ``services.branch_digital_share``;
- **chain formats** gain scale: a chain format's minimum catchment (its fixed cost) grows by
  ``services.chain_catchment_growth`` a year (bigger stores), so chains concentrate in the
  larger places; independents lose the part of their business exposed to chains
  (``chain_exposure``) at ``services.independent_margin_squeeze`` a year;
- **fewer successors**: the chance that a retiring owner finds a successor falls by
  ``services.successor_trend`` (logit) a year and by ``services.successor_age_effect`` (logit) for
  every year the owner is past the retirement age (older owners have invested less);
- **entry needs a market**: see sim/entry.py.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.config import ServicesConfig, ServiceTypeConfig


def schedule_value(schedule: list, time: float) -> float:
    """A [[year, value], ...] schedule at ``time``: linear in between, flat outside."""
    years = [float(y) for y, _ in schedule]
    values = [float(v) for _, v in schedule]
    return float(np.interp(time, years, values))


def online_share(cfg: ServicesConfig, time: float) -> float:
    """The share of retail spending that goes online in year ``time``."""
    return schedule_value(cfg.online_share, time)


def digital_share(cfg: ServicesConfig, time: float) -> float:
    """The share of bank customers' business done digitally in year ``time``."""
    return schedule_value(cfg.branch_digital_share, time)


def _relative_loss(exposure: float, share_now: float, share_start: float) -> float:
    """(1 - exposure x now) / (1 - exposure x start): the part of today's revenue left."""
    start = 1.0 - exposure * share_start
    return (1.0 - exposure * share_now) / start if start > 0 else 0.0


def revenue_factor(cfg: ServicesConfig, settings: ServiceTypeConfig, time: float) -> float:
    """Revenue per user in year ``time`` relative to year 0 (online, digital, chains)."""
    factor = _relative_loss(
        settings.online_exposure, online_share(cfg, time), online_share(cfg, 0.0)
    )
    factor *= _relative_loss(
        settings.digital_exposure, digital_share(cfg, time), digital_share(cfg, 0.0)
    )
    if settings.chain_exposure > 0:
        kept = (1.0 - cfg.independent_margin_squeeze) ** max(time, 0.0)
        factor *= 1.0 - settings.chain_exposure * (1.0 - kept)
    return factor


def fixed_cost_factor(cfg: ServicesConfig, settings: ServiceTypeConfig, time: float) -> float:
    """Fixed cost in year ``time`` relative to year 0: chain formats need ever larger
    catchments (their minimum catchment grows by ``chain_catchment_growth`` a year)."""
    if not settings.chain_format:
        return 1.0
    return (1.0 + cfg.chain_catchment_growth) ** max(time, 0.0)


def successor_probability(
    cfg: ServicesConfig,
    base: float,
    margin: float,
    attractiveness: float,
    owner_age: int,
    time: float,
) -> float:
    """Chance that a retiring owner finds a successor.

    logit(p) = logit(base) + margin effect x margin + attractiveness effect x attractiveness
    + successor_trend x year + successor_age_effect x years past the retirement age
    (``retirement_hazard_65_69_from_age``).
    """
    base = min(max(base, 1e-6), 1 - 1e-6)
    past = max(owner_age - cfg.retirement_hazard_65_69_from_age, 0)
    logit = (
        math.log(base / (1 - base))
        + cfg.successor_margin_effect * max(margin, -1.0)
        + cfg.successor_attractiveness_effect * attractiveness
        + cfg.successor_trend * max(time, 0.0)
        + cfg.successor_age_effect * past
    )
    return 1.0 / (1.0 + math.exp(-logit))
