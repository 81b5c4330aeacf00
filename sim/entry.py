"""Entry of new private and corporate providers (issue #3; the market gate of issue #11).

For each kind (and grocery format), with probability ``entrepreneurial_climate`` x the kind's
``entry_rate`` x the policy's climate multiplier (for owner-run kinds also x
(1 - ``founder_decline``)^year: fewer people found a business) someone looks for a place this
year. A place
qualifies when it has a market for one more provider:

- **unserved**: no provider of the channel is at the place (the entrant takes the users for whom
  it would be nearer than their current provider, plus an equal share of those already coming);
- **growing**: the demand arriving at the place's providers grew by at least
  ``services.entry_growth_min`` over the last ``services.entry_growth_years`` years (the entrant
  splits it with the incumbents);

and a new provider there would earn at least ``services.entry_margin`` of its revenue with
this year's drivers (sim/service_drivers.py). Among the qualifying places the one with the
highest profit gets the entrant (at most one per kind and year). Post outlets are opened where
the law requires one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.accessibility import CHANNELS, SHOP, SUPERMARKET, Channel
from sim.agents.provider import clearly_better, fixed_cost
from sim.config import Operator, ServiceType
from sim.service_drivers import fixed_cost_factor, revenue_factor

if TYPE_CHECKING:
    from sim.config import ServiceTypeConfig
    from sim.policies import Effects
    from sim.services import ServiceSystem


def record_markets(system: ServiceSystem, counts: np.ndarray) -> dict[Channel, np.ndarray]:
    """Demand (need-weighted users after leakage) arriving at each place, per channel, this
    year; appended to ``system.market_history``."""
    markets = {}
    for channel in CHANNELS:
        settings = system.settings_for(*channel)
        users = system.revenue_weights(channel, system.users(channel[0], counts))
        markets[channel] = system.demand_by_place(
            users, system.access.channel_place[channel], system.leak_factor(settings)
        )
        system.market_history.setdefault(channel, []).append(markets[channel])
    return markets


def growing_places(system: ServiceSystem, channel: Channel) -> np.ndarray:
    """Places whose demand for the channel grew by ``entry_growth_min`` over the last
    ``entry_growth_years`` years (bool array by place; all False before enough years)."""
    cfg = system.cfg
    history = system.market_history.get(channel, [])
    n_places = system.model.town.n_places
    if len(history) <= cfg.entry_growth_years:
        return np.zeros(n_places, dtype=bool)
    now, then = history[-1], history[-1 - cfg.entry_growth_years]
    return (then > 0) & (now >= (1.0 + cfg.entry_growth_min) * then)


def entry_chance(system: ServiceSystem, settings: ServiceTypeConfig, effects: Effects) -> float:
    """Yearly chance that someone tries to open a provider of a kind; for owner-run kinds it
    shrinks by ``founder_decline`` a year (fewer people found a business)."""
    cfg = system.cfg
    chance = cfg.entrepreneurial_climate * effects.climate_multiplier * settings.entry_rate
    if settings.operator is Operator.private:
        chance *= (1.0 - cfg.founder_decline) ** max(float(system.model.time), 0.0)
    return chance


def entries(
    system: ServiceSystem, counts: np.ndarray, effects: Effects, blocked: set[ServiceType]
) -> None:
    """Entrants open where a new provider would find a market and be viable."""
    model = system.model
    town = model.town
    cfg = system.cfg
    time = float(model.time)
    record_markets(system, counts)
    entry_draws = model.streams.uniform("entry", model.year, np.arange(len(CHANNELS)))
    for channel, entry_draw in zip(CHANNELS, entry_draws, strict=True):
        kind = channel[0]
        settings = system.settings_for(*channel)
        if settings.operator is Operator.municipal or kind in blocked:
            continue
        if kind is ServiceType.post:
            for municipality in system.municipalities:
                has_post = any(p.municipality == municipality.index for p in system.open_of(kind))
                if not has_post and municipality.residents > settings.legal_min_population:
                    system.open_provider(
                        kind, int(town.centres[municipality.index]), reason="legal requirement"
                    )
                    system.after_changes()
        # Whether someone tries this year is drawn first; the best place is only sought then.
        if entry_draw >= entry_chance(system, settings, effects):
            continue
        users = system.users(kind, counts)  # (P, 2)
        leak = system.leak_factor(settings)
        # Demand now going to providers of this channel at each place (after this year's
        # openings of other channels); an entrant there would get an equal share of it.
        at_place = system.demand_by_place(
            system.revenue_weights(channel, users), system.access.channel_place[channel], leak
        )
        current = system.access.channel_minutes[channel]  # (2, P)
        if channel == SHOP:  # a shop only gets top-up shopping where it beats the supermarket
            current = np.minimum(current, system.access.channel_minutes[SUPERMARKET])
        elif kind is ServiceType.grocery:
            users = system.revenue_weights(channel, users)
        present = system.count_at_places(system.open_in(channel))
        growing = growing_places(system, channel)
        weighted = (users * leak).T  # (2, P)
        anchored = (
            {p.place for p in system.open_of(settings.anchor)}
            if settings.anchor is not None
            else set()
        )
        fixed = fixed_cost(settings) * fixed_cost_factor(cfg, settings, time)
        per_user = settings.spend_per_person_eur * revenue_factor(cfg, settings, time)
        best: tuple[float, int] | None = None
        for place in town.home_places:
            if present[place] > 0 and not growing[place]:
                continue  # served and not growing: no market for one more
            switch = town.minutes[:, :, place] < current - 1e-9  # (2, P): who would come
            captured = float(np.sum(weighted[switch])) + at_place[place] / (present[place] + 1)
            revenue = captured * per_user
            if settings.anchor is not None and place not in anchored:
                revenue *= 1.0 - settings.anchor_share
            if revenue <= 0:
                continue
            profit = revenue * (1.0 - settings.variable_cost_share) - fixed
            if profit / revenue >= cfg.entry_margin and (
                best is None or clearly_better(profit, best[0])
            ):
                best = (profit, int(place))
        if best is not None:
            system.open_provider(kind, best[1], channel[1], reason="unmet demand")
            system.after_changes()
