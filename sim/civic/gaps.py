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
        g = self.cfg.gaps
        year = int(model.time)
        recent: set[tuple[int, str]] = set()  # (municipality, provider type) closed lately
        for event in reversed(self.events):  # events are appended in year order
            if year - event["year"] >= g.closure_years:
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
        unserved = by_municipality(
            model.place_population() * (grocery_minutes > g.grocery_unserved_minutes)
        )
        p = model.population.people
        rows = model.population.alive_rows
        municipality = model.person_municipality(rows)
        place = model.population.person_place(rows)
        far_no_car = (
            ~p.has_car[rows]
            & (p.age[rows] >= model.config.services.bus_rider_min_age)
            & (town.minutes[NO_CAR, place, town.centres[municipality]] > g.citizen_bus_far_minutes)
        )
        far = np.bincount(municipality[far_no_car], minlength=n)
        residents = np.bincount(municipality, minlength=n)
        old = np.bincount(municipality[p.age[rows] >= g.senior_cohousing_old_age], minlength=n)
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
                g.coop_shop_closure_gap
                if (m, "grocery") in recent
                else g.coop_shop_unserved_gap
                if unserved[m] >= g.coop_shop_unserved_residents
                else 0.0
            )
            gaps[m, col[InitiativeType.citizen_bus]] = (
                g.citizen_bus_closure_gap
                if (m, "bus_line") in recent
                else g.citizen_bus_far_gap
                if far[m] >= g.citizen_bus_far_people
                else 0.0
            )
            debt = services.municipalities[m]
            at_risk = (
                pools[m]
                and debt.debt_per_resident_eur
                > g.pool_debt_share * debt.cfg.debt_limit_per_resident_eur
            )
            gaps[m, col[InitiativeType.pool_coop]] = (
                g.pool_closure_gap if (m, "pool") in recent else g.pool_debt_gap if at_risk else 0.0
            )
            centre = town.centres[m]
            centre_vacancy = vacant[centre] / max(stock[centre], 1)
            gaps[m, col[InitiativeType.community_house]] = (
                g.community_house_pub_closure_gap
                if (m, "pub") in recent
                else g.community_house_no_pub_gap
                if pubs[m] == 0 or centre_vacancy > g.centre_vacancy
                else 0.0
            )
            gaps[m, col[InitiativeType.coworking]] = (
                g.coworking_gap
                if town.broadband[centre] >= self.cfg.coworking_broadband_min
                else 0.0
            )
            gaps[m, col[InitiativeType.energy_coop]] = g.energy_coop_gap
            old_share = old[m] / residents[m] if residents[m] else 0.0
            gaps[m, col[InitiativeType.senior_cohousing]] = (
                g.senior_cohousing_gap
                if old_share > g.senior_cohousing_old_share
                and vacant_m[m] > g.senior_cohousing_vacancy * stock_m[m]
                else 0.0
            )
            gaps[m, col[InitiativeType.participation]] = g.participation_gap
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
            far = minutes > self.cfg.gaps.coop_shop_site_minutes
            return int(places[np.argmax(np.where(far, population, -1))]) if far.any() else centre
        if kind is InitiativeType.citizen_bus:
            no_car = model.place_mode_counts()[places, NO_CAR]
            far = town.minutes[NO_CAR, places, centre]
            score = np.where(places != centre, no_car * far, -1)
            return int(places[np.argmax(score)]) if score.max() > 0 else centre
        return centre
