"""Housing: vacancy, decay of empty dwellings, the stock, prices and new construction.

Seed-notes M-H1 (hollowing-out loop): dwellings that stand empty decay; below a condition they
leave the stock, and the town becomes "perforated" rather than shrinking to a core. Prices per
place follow vacancy, so a tight market gets dearer and a slack one cheaper (M-H6, SF13).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.config import ConstructionRule

if TYPE_CHECKING:
    from sim.model import TownModel


def _rank_within(groups: np.ndarray, n_groups: int) -> np.ndarray:
    """0, 1, 2, ... numbering of each element among the elements of its group, in order."""
    order = np.argsort(groups, kind="stable")
    counts = np.bincount(groups, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.empty(groups.size, dtype=np.int64)
    rank[order] = np.arange(groups.size) - np.repeat(starts, counts)
    return rank


class HousingMarket:
    """Allocates free dwellings and updates the stock and prices once a year.

    Attributes:
        price_index: housing price level per place (1 = national average); destinations keep
            their configured level.
        property_tax_factor: housing costs relative to the price level, per place, from the
            municipality's property tax (1 at the reference Hebesatz; set by the municipality,
            sim/agents/municipality.py).
    """

    def __init__(self, model: TownModel) -> None:
        self.model = model
        self.cfg = model.config.housing
        self.price_index = model.town.price_index.astype(float).copy()
        self.property_tax_factor = np.ones(model.town.n_places)
        self.serviced = np.zeros(model.town.n_places, dtype=np.int64)

    def start_network(self) -> None:
        """The networks (roads, pipes) serve the initial stock; call after synthesis."""
        self.serviced = self.stock_by_place()[0].astype(np.int64)

    # -- queries ------------------------------------------------------------------------------

    def stock_by_place(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per place: dwellings in the stock, vacant ones, and vacant habitable ones."""
        d = self.model.population.dwellings
        n = self.model.town.n_places
        place = d.place.astype(np.int64)
        vacant = d.in_stock & (d.household < 0)
        habitable = vacant & (d.condition >= self.cfg.habitable_condition)
        return (
            np.bincount(place[d.in_stock], minlength=n),
            np.bincount(place[vacant], minlength=n),
            np.bincount(place[habitable], minlength=n),
        )

    def cost_index(self) -> np.ndarray:
        """Housing costs per place (1 = national average): the price level times the
        property-tax factor."""
        return self.price_index * self.property_tax_factor

    def habitable_vacancy_rate(self) -> float:
        """Share of the stock that is empty and fit to move into."""
        stock, _, habitable = self.stock_by_place()
        total = stock.sum()
        return float(habitable.sum() / total) if total else 0.0

    # -- allocation ---------------------------------------------------------------------------

    def allocate(
        self,
        requesters: np.ndarray,
        decision: str,
        prefer_places: np.ndarray | None = None,
        place_weights: np.ndarray | None = None,
        local_preference: float = 0.7,
    ) -> np.ndarray:
        """Find free habitable dwellings for new households, one per requester.

        Args:
            requesters: stable ids of those asking (e.g. the people's ``pid``); they key the
                random numbers of their choice (sim/randomness.py).
            decision: the name of the keyed stream (e.g. ``"leave_home"``).
            prefer_places: per request, the place looked at first (taken with probability
                ``local_preference`` if it has a free dwelling), e.g. the parents' place.
            place_weights: otherwise, places are drawn in proportion to these weights times
                their free dwellings (e.g. attractiveness for newcomers).

        Returns:
            One dwelling row per request, -1 where none was left. Better dwellings are taken
            first (weighted random order by condition).
        """
        requesters = np.asarray(requesters, dtype=np.int64)
        # Requests are served in a keyed order (not in the callers' row order), so that in
        # paired runs the same requester comes at the same point wherever the runs agree.
        order = np.lexsort(
            (requesters, self.model.streams.uniform(decision, self.model.year, requesters, 9))
        )
        prefer = None if prefer_places is None else np.asarray(prefer_places)[order]
        result = np.full(requesters.size, -1, dtype=np.int64)
        result[order] = self._allocate_in_order(
            requesters[order], decision, prefer, place_weights, local_preference
        )
        return result

    def _allocate_in_order(
        self,
        requesters: np.ndarray,
        decision: str,
        prefer_places: np.ndarray | None,
        place_weights: np.ndarray | None,
        local_preference: float,
    ) -> np.ndarray:
        streams, year = self.model.streams, self.model.year
        count = requesters.size
        d = self.model.population.dwellings
        free = self.model.population.vacant_dwellings(self.cfg.habitable_condition)
        if count <= 0 or free.size == 0:
            return np.full(count, -1, dtype=np.int64)
        # Weighted random order (Efraimidis-Spirakis): better condition comes first more often.
        # Each dwelling's key is keyed by its row (rows are never reused), ties by row.
        u = streams.uniform(f"{decision}/dwelling", year, free)
        keys = np.log1p(-u) / np.maximum(d.condition[free], 1e-6)
        free = free[np.lexsort((free, -keys))]
        n_places = self.model.town.n_places
        # Group by place, keeping the random order within a place; take from each place's front.
        free = free[np.argsort(d.place[free], kind="stable")]
        available = np.bincount(d.place[free].astype(np.int64), minlength=n_places)
        first_slot = np.concatenate([[0], np.cumsum(available)[:-1]])
        taken = np.zeros(n_places, dtype=np.int64)
        wanted = min(count, free.size)
        place_of = np.full(wanted, -1, dtype=np.int64)
        if prefer_places is not None:
            local = np.flatnonzero(
                streams.uniform(decision, year, requesters[:wanted], 1) < local_preference
            )
            place_of[local] = np.asarray(prefer_places, dtype=np.int64)[local]
        weights = (
            np.ones(n_places) if place_weights is None else np.asarray(place_weights, dtype=float)
        )
        # Requests are served in order; one that finds its place full draws again among the
        # places with room left, in proportion to weight x free dwellings.
        for attempt in range(n_places + 1):
            if (place_of >= 0).any():
                order = np.flatnonzero(place_of >= 0)
                rank = _rank_within(place_of[order], n_places)
                overflow = rank >= available[place_of[order]] - taken[place_of[order]]
                place_of[order[overflow]] = -1
                taken += np.bincount(place_of[order[~overflow]], minlength=n_places)
                place_of[order[~overflow]] = -(place_of[order[~overflow]] + 2)  # settled
            pending = np.flatnonzero(place_of == -1)
            room = (available - taken) * weights
            if pending.size == 0 or room.sum() <= 0:
                break
            cumulative = np.cumsum(room)
            place_of[pending] = np.minimum(
                np.searchsorted(
                    cumulative,
                    streams.uniform(decision, year, requesters[pending], 2 + attempt)
                    * cumulative[-1],
                    side="right",
                ),
                n_places - 1,
            )
        settled = np.flatnonzero(place_of <= -2)
        places = -(place_of[settled] + 2)
        slot = first_slot[places] + _rank_within(places, n_places)
        result = np.full(count, -1, dtype=np.int64)
        result[settled] = free[slot]
        return result

    # -- yearly update ----------------------------------------------------------------------

    def update(self) -> None:
        """Decay, renovation, exit from the stock, prices, then construction."""
        cfg = self.cfg
        model = self.model
        d = self.model.population.dwellings
        vacant = d.in_stock & (d.household < 0)
        occupied = d.in_stock & (d.household >= 0)
        d.vacant_years[vacant] += 1
        effects = self.model.policies.effects  # infill first: vacancy management, no greenfield
        d.condition[vacant] -= cfg.vacant_decay_per_year * effects.vacant_decay_factor
        d.condition[occupied] -= cfg.occupied_decay_per_year
        worn = np.flatnonzero(occupied & (d.condition < cfg.renovation_threshold))
        renovated = worn[
            model.streams.uniform("renovation", model.year, worn) < cfg.renovation_hazard
        ]
        d.condition[renovated] = cfg.renovated_condition
        np.clip(d.condition, 0.0, 1.0, out=d.condition)
        leaving = vacant & (d.condition < cfg.exit_condition)
        d.in_stock[leaving] = False
        self.model.flows.dwellings_demolished += int(leaving.sum())

        stock, vacant_n, habitable_n = self.stock_by_place()
        homes = self.model.town.home_places
        with np.errstate(invalid="ignore", divide="ignore"):
            vacancy = np.where(stock > 0, vacant_n / np.maximum(stock, 1), 0.0)
        change = np.exp(cfg.price_response * (cfg.natural_vacancy - vacancy[homes]))
        self.price_index[homes] = np.clip(
            self.price_index[homes] * change, cfg.price_floor, cfg.price_cap
        )
        self._construct(stock, habitable_n, greenfield=effects.greenfield_allowed)
        if effects.reactivation_rate > 0:
            self._reactivate(effects.reactivation_rate)

    def _construct(self, stock: np.ndarray, habitable: np.ndarray, greenfield: bool) -> None:
        cfg = self.cfg
        homes = self.model.town.home_places
        new = np.zeros(self.model.town.n_places, dtype=np.int64)
        if cfg.construction_rule is ConstructionRule.demand:
            rate = np.where(stock > 0, habitable / np.maximum(stock, 1), 0.0)
            short = np.clip(cfg.target_vacancy - rate, 0.0, cfg.max_build_rate)
            new[homes] = np.ceil(short[homes] * stock[homes]).astype(np.int64)
        elif (
            cfg.construction_rule is ConstructionRule.fixed
            and cfg.fixed_per_year > 0
            and greenfield
        ):
            share = stock[homes] / max(stock[homes].sum(), 1)
            new[homes] = self.model.generator("construction").multinomial(cfg.fixed_per_year, share)
        if greenfield:  # new land needs new networks
            self.serviced += new
        else:
            # Infill first: renovate decayed empty dwellings before building; what is still
            # missing is built on infill plots only (half the pace; assumption), which the
            # networks already serve.
            for place in np.flatnonzero(new):
                new[place] -= self._renovate_vacant(int(place), int(new[place]))
            new = np.ceil(new * 0.5).astype(np.int64)
        total = int(new.sum())
        if total:
            places = np.repeat(np.arange(new.size), new)
            self.model.population.dwellings.append(total, place=places, condition=1.0)
        self.model.flows.dwellings_built += total

    def _decayed_vacant(self) -> np.ndarray:
        """Mask of empty dwellings in the stock that are too decayed to live in."""
        d = self.model.population.dwellings
        return d.in_stock & (d.household < 0) & (d.condition < self.cfg.habitable_condition)

    def _renovate_vacant(self, place: int, count: int) -> int:
        """Renovate up to ``count`` decayed empty dwellings at ``place``; returns how many."""
        d = self.model.population.dwellings
        decayed = np.flatnonzero(self._decayed_vacant() & (d.place == place))
        chosen = decayed[np.argsort(-d.condition[decayed], kind="stable")][:count]
        d.condition[chosen] = self.cfg.renovated_condition
        return int(chosen.size)

    def _reactivate(self, rate: float) -> None:
        """Vacancy management: where the market is tight, renovate a share of decayed dwellings."""
        stock, _, habitable = self.stock_by_place()
        d = self.model.population.dwellings
        homes = self.model.town.home_places
        tight = homes[habitable[homes] < self.cfg.target_vacancy * stock[homes]]
        # Counts before any renovation: renovating at one place does not change another's.
        decayed = np.bincount(d.place[self._decayed_vacant()], minlength=self.model.town.n_places)
        for place in tight:
            draw = self.model.generator("reactivation", int(place))
            count = int(draw.binomial(decayed[place], rate)) if decayed[place] else 0
            if count:
                self._renovate_vacant(int(place), count)

    # -- used by citizens' initiatives ----------------------------------------------------

    def appropriate(self, place: int, count: int) -> np.ndarray:
        """Take ``count`` empty buildings at ``place`` out of the housing stock for another use
        (a community house; seed-notes H-O5, appropriating vacancy). The worst go first."""
        d = self.model.population.dwellings
        vacant = np.flatnonzero(d.in_stock & (d.household < 0) & (d.place == place))
        chosen = vacant[np.argsort(d.condition[vacant], kind="stable")][:count]
        d.in_stock[chosen] = False
        d.condition[chosen] = self.cfg.renovated_condition
        return chosen

    def release(self, dwellings: np.ndarray) -> None:
        """Appropriated buildings come back to the stock, empty."""
        d = self.model.population.dwellings
        d.in_stock[dwellings] = True
        d.household[dwellings] = -1

    def senior_cohousing(self, place: int, households: int, municipality: int) -> np.ndarray:
        """Build ``households`` new flats on a vacant plot at ``place`` and move senior households
        (all adults 70+, at most two people) of the municipality into them, the worst housed first;
        their old dwellings come free (seed-notes §4 build together, H-O3)."""
        model = self.model
        pop = model.population
        p = pop.people
        rows = pop.alive_rows
        sizes = pop.household_sizes()
        young = np.bincount(p.household[rows][p.age[rows] < 70], minlength=len(pop.households))
        in_m = model.town.municipality[pop.households.place] == municipality
        senior = np.flatnonzero(
            pop.households.alive & in_m & (sizes > 0) & (sizes <= 2) & (young == 0)
        )
        if senior.size == 0 or households <= 0:
            return np.empty(0, dtype=np.int64)
        condition = pop.dwellings.condition[pop.households.dwelling[senior]]
        movers = senior[np.argsort(condition, kind="stable")][:households]
        new = pop.dwellings.append(movers.size, place=place, condition=1.0)
        self.model.flows.dwellings_built += int(movers.size)
        pop.relocate_households(movers, new)
        return new
