"""Gaps: what a change agent would respond to, per municipality and kind of initiative.

A recent closure of the service an initiative would replace (a grocer, a bus line, the pool,
the pub) is the strongest gap; unserved residents, people far from the centre without a car,
a pool in a municipality near its debt limit, an empty centre or an ageing population with
vacant dwellings are weaker ones (seed-notes §3.2, §6.2). Gaps raise the chance that a change
agent starts an initiative and decide where some kinds work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.config import CivicConfig, InitiativeType, ServiceType
from sim.town import CAR, NO_CAR

if TYPE_CHECKING:
    from sim.events import EventLog
    from sim.model import TownModel

KINDS = tuple(InitiativeType)
KIND_INDEX = {kind: i for i, kind in enumerate(KINDS)}
GAP_YEARS = 3
"""A closure counts as a gap for this many years (assumption)."""


class Gaps:
    """Part of :class:`~sim.civic.CivicSystem`: gaps and where a new initiative works."""

    model: TownModel
    cfg: CivicConfig
    events: EventLog

    def gaps(self) -> np.ndarray:
        """Necessity per municipality and kind (0..1): what a change agent would respond to."""
        model = self.model
        town = model.town
        services = model.services
        n = town.n_municipalities
        year = int(model.time)
        recent: set[tuple[int, str]] = set()  # (municipality, provider type) closed lately
        for event in reversed(self.events):  # events are appended in year order
            if year - event["year"] >= GAP_YEARS:
                break
            if event["kind"] in ("closure", "shock"):
                recent.add(
                    (int(town.municipality[town.index[event["place"]]]), event["provider_type"])
                )
        homes = town.home_places
        of_place = town.municipality[homes]

        def by_municipality(per_place: np.ndarray) -> np.ndarray:
            return np.bincount(of_place, weights=per_place[homes], minlength=n)

        grocery_minutes = model.access.nearest_minutes[ServiceType.grocery][CAR]
        unserved = by_municipality(model.place_population() * (grocery_minutes > 10))
        p = model.population.people
        rows = model.population.alive_rows
        municipality = model.person_municipality(rows)
        place = model.population.person_place(rows)
        far_no_car = (
            ~p.has_car[rows]
            & (p.age[rows] >= 6)
            & (town.minutes[NO_CAR, place, town.centres[municipality]] > 30)
        )
        far = np.bincount(municipality[far_no_car], minlength=n)
        residents = np.bincount(municipality, minlength=n)
        old = np.bincount(municipality[p.age[rows] >= 65], minlength=n)
        stock, vacant, _ = model.housing.stock_by_place()
        stock_m, vacant_m = by_municipality(stock), by_municipality(vacant)
        pools, pubs = np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64)
        for provider in services.providers:
            pools[provider.municipality] |= provider.kind is ServiceType.pool
            pubs[provider.municipality] += provider.kind is ServiceType.pub

        gaps = np.zeros((n, len(KINDS)))
        col = KIND_INDEX
        for m in range(n):
            gaps[m, col[InitiativeType.coop_shop]] = (
                1.0 if (m, "grocery") in recent else 0.5 if unserved[m] >= 300 else 0.0
            )
            gaps[m, col[InitiativeType.citizen_bus]] = (
                1.0 if (m, "bus_line") in recent else 0.5 if far[m] >= 50 else 0.0
            )
            debt = services.municipalities[m]
            at_risk = (
                pools[m] and debt.debt_per_resident_eur > 0.8 * debt.cfg.debt_limit_per_resident_eur
            )
            gaps[m, col[InitiativeType.pool_coop]] = (
                1.0 if (m, "pool") in recent else 0.7 if at_risk else 0.0
            )
            centre = town.centres[m]
            centre_vacancy = vacant[centre] / max(stock[centre], 1)
            gaps[m, col[InitiativeType.community_house]] = (
                0.7
                if (m, "pub") in recent
                else 0.5
                if pubs[m] == 0 or centre_vacancy > 0.08
                else 0.0
            )
            gaps[m, col[InitiativeType.coworking]] = 0.3 if town.broadband[centre] >= 0.5 else 0.0
            gaps[m, col[InitiativeType.energy_coop]] = 0.3
            old_share = old[m] / residents[m] if residents[m] else 0.0
            gaps[m, col[InitiativeType.senior_cohousing]] = (
                0.5 if old_share > 0.25 and vacant_m[m] > 0.05 * stock_m[m] else 0.0
            )
            gaps[m, col[InitiativeType.participation]] = 0.2
        return gaps

    def _place_for(self, kind: InitiativeType, municipality: int) -> int:
        """Where a new initiative of ``kind`` works in the municipality."""
        model = self.model
        town = model.town
        places = town.places_of(municipality)
        centre = int(town.centres[municipality])
        if kind is InitiativeType.coop_shop:
            for event in reversed(self.events):
                if (
                    event["provider_type"] == "grocery"
                    and event["kind"] in ("closure", "shock")
                    and town.index[event["place"]] in places
                ):
                    return int(town.index[event["place"]])
            minutes = model.access.nearest_minutes[ServiceType.grocery][CAR][places]
            population = model.place_population()[places]
            return (
                int(places[np.argmax(np.where(minutes > 5, population, -1))])
                if (minutes > 5).any()
                else centre
            )
        if kind is InitiativeType.citizen_bus:
            no_car = model.place_mode_counts()[places, NO_CAR]
            far = town.minutes[NO_CAR, places, centre]
            score = np.where(places != centre, no_car * far, -1)
            return int(places[np.argmax(score)]) if score.max() > 0 else centre
        return centre
