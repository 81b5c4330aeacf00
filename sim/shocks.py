"""Exogenous shocks: a provider of a kind closes in a given year (config group ``shock``).

The GP retires, the grocer closes, the employer leaves, the school closes or the bus line is
cut (seed-notes §2.6): the providers of the kind closest to the shock's place close, and
optionally no successor or entrant of the kind may open for ``blocked_years``. The closures
go through the service system (``ServiceSystem.close``), so they are counted and logged as
events of kind ``shock``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.config import SHOCK_TARGET, ConfigError, ServiceType, ShockConfig, ShockKind

if TYPE_CHECKING:
    from sim.services import ServiceSystem
    from sim.town import Town


class Shocks:
    """The configured shock: when it strikes, what it closes, what it blocks afterwards.

    Args:
        config: ``config.shock``.
        town: the town (the shock's place).
        services: the service system, with the initial providers open.

    Raises:
        ConfigError: the town has no provider of the kind the shock closes.

    Attributes:
        blocked_until: kind -> last year in which no new provider of the kind may open.
    """

    def __init__(self, config: ShockConfig, town: Town, services: ServiceSystem) -> None:
        self.config = config
        self.town = town
        self.services = services
        self.blocked_until: dict[ServiceType, int] = {}
        if config.kind is not ShockKind.none:
            target = SHOCK_TARGET[config.kind]
            if not any(p.kind is target for p in services.providers):
                raise ConfigError(
                    "shock.kind",
                    config.kind.value,
                    f"a town with at least one provider of type {target.value}",
                    "Add one to town.providers or choose another shock.",
                )

    def year(self, year: int) -> None:
        """Strike if this is the shock's year: close the providers, block the kind."""
        shock = self.config
        if shock.kind is ShockKind.none or year != shock.year:
            return
        target = SHOCK_TARGET[shock.kind]
        town = self.town
        services = self.services
        place = town.index[shock.place] if shock.place is not None else town.centre
        candidates = sorted(
            services.open_of(target), key=lambda p: (p.place != place, -p.users, p.unique_id)
        )
        for provider in candidates[: shock.count]:
            services.close(provider, shock.kind.value, kind="shock")
        if shock.blocked_years:
            self.blocked_until[target] = year + shock.blocked_years
        services.after_changes()

    def blocked(self, year: int) -> set[ServiceType]:
        """Kinds no new provider of may open in ``year``: the closed provider finds no
        successor and nobody takes its place; other providers of the kind keep finding
        successors as usual."""
        return {kind for kind, until in self.blocked_until.items() if year <= until}
