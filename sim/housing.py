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
    """

    def __init__(self, model: TownModel) -> None:
        self.model = model
        self.cfg = model.config.housing
        self.price_index = model.town.price_index.astype(float).copy()

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

    def habitable_vacancy_rate(self) -> float:
        """Share of the stock that is empty and fit to move into."""
        stock, _, habitable = self.stock_by_place()
        total = stock.sum()
        return float(habitable.sum() / total) if total else 0.0

    # -- allocation ---------------------------------------------------------------------------

    def allocate(
        self,
        count: int,
        prefer_places: np.ndarray | None = None,
        place_weights: np.ndarray | None = None,
        local_preference: float = 0.7,
    ) -> np.ndarray:
        """Find free habitable dwellings for ``count`` new households.

        Args:
            count: how many dwellings are wanted.
            prefer_places: per request, the place looked at first (taken with probability
                ``local_preference`` if it has a free dwelling), e.g. the parents' place.
            place_weights: otherwise, places are drawn in proportion to these weights times
                their free dwellings (e.g. attractiveness for newcomers).

        Returns:
            One dwelling row per request, -1 where none was left. Better dwellings are taken
            first (weighted random order by condition).
        """
        rng = self.model.rng
        d = self.model.population.dwellings
        free = self.model.population.vacant_dwellings(self.cfg.habitable_condition)
        if count <= 0 or free.size == 0:
            return np.full(max(count, 0), -1, dtype=np.int64)
        # Weighted random order (Efraimidis-Spirakis): better condition comes first more often.
        keys = np.log(rng.random(free.size)) / np.maximum(d.condition[free], 1e-6)
        free = free[np.argsort(-keys)]
        n_places = self.model.town.n_places
        # Group by place, keeping the random order within a place; take from each place's front.
        free = free[np.argsort(d.place[free], kind="stable")]
        available = np.bincount(d.place[free].astype(np.int64), minlength=n_places)
        first_slot = np.concatenate([[0], np.cumsum(available)[:-1]])
        taken = np.zeros(n_places, dtype=np.int64)
        wanted = min(count, free.size)
        place_of = np.full(wanted, -1, dtype=np.int64)
        if prefer_places is not None:
            local = np.flatnonzero(rng.random(wanted) < local_preference)
            place_of[local] = np.asarray(prefer_places, dtype=np.int64)[local]
        weights = (
            np.ones(n_places) if place_weights is None else np.asarray(place_weights, dtype=float)
        )
        # Requests are served in order; one that finds its place full draws again among the
        # places with room left, in proportion to weight x free dwellings.
        for _ in range(n_places + 1):
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
                    cumulative, rng.random(pending.size) * cumulative[-1], side="right"
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
        rng = self.model.rng
        d = self.model.population.dwellings
        vacant = d.in_stock & (d.household < 0)
        occupied = d.in_stock & (d.household >= 0)
        d.vacant_years[vacant] += 1
        d.condition[vacant] -= cfg.vacant_decay_per_year
        d.condition[occupied] -= cfg.occupied_decay_per_year
        worn = np.flatnonzero(occupied & (d.condition < cfg.renovation_threshold))
        renovated = worn[rng.random(worn.size) < cfg.renovation_hazard]
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
        self._construct(stock, habitable_n)

    def _construct(self, stock: np.ndarray, habitable: np.ndarray) -> None:
        cfg = self.cfg
        homes = self.model.town.home_places
        new = np.zeros(self.model.town.n_places, dtype=np.int64)
        if cfg.construction_rule is ConstructionRule.demand:
            rate = np.where(stock > 0, habitable / np.maximum(stock, 1), 0.0)
            short = np.clip(cfg.target_vacancy - rate, 0.0, cfg.max_build_rate)
            new[homes] = np.ceil(short[homes] * stock[homes]).astype(np.int64)
        elif cfg.construction_rule is ConstructionRule.fixed and cfg.fixed_per_year > 0:
            share = stock[homes] / max(stock[homes].sum(), 1)
            new[homes] = self.model.rng.multinomial(cfg.fixed_per_year, share)
        total = int(new.sum())
        if total:
            places = np.repeat(np.arange(new.size), new)
            self.model.population.dwellings.append(total, place=places, condition=1.0)
        self.model.flows.dwellings_built += total
