"""Columnar state of the town's people, households, dwellings and social ties.

Twenty thousand residents cannot each run Python code every year (STYLE habit 3), so their
state lives in numpy columns (one array per attribute, one row per person) and each
:class:`~sim.agents.resident.Resident` agent holds the number of its row. Yearly hazards are
computed over whole columns; Python-level work happens only for the rows that have an event.
Rows of people who died or left are dropped by :meth:`Population.compact` once they make up a
large share, and every reference (agents, partners, ties) is renumbered then.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np


class Role(enum.IntEnum):
    """A person's place in the household."""

    adult = 0  # lives in the household as one of its adults (alone, or in a couple)
    child = 1  # lives with their parent(s); adult children (18+) included


class Origin(enum.IntEnum):
    """How a person came to live in the town."""

    initial = 0
    born_here = 1
    family = 2
    young_adult = 3
    retiree = 4
    remote_worker = 5
    returnee = 6
    partner = 7  # partner or child who came with a returnee


class Table:
    """Columns of equal length; rows are appended and never reordered except by ``keep``."""

    columns: ClassVar[dict[str, Any]] = {}
    defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self) -> None:
        for name, dtype in self.columns.items():
            setattr(self, name, np.empty(0, dtype=dtype))

    def __len__(self) -> int:
        return len(getattr(self, next(iter(self.columns))))

    def append(self, count: int, **values: Any) -> np.ndarray:
        """Append ``count`` rows; missing columns take their default. Returns the new rows."""
        start = len(self)
        unknown = set(values) - set(self.columns)
        if unknown:
            raise KeyError(f"unknown columns {sorted(unknown)}")
        for name, dtype in self.columns.items():
            new = np.empty(count, dtype=dtype)
            new[...] = values.get(name, self.defaults.get(name, 0))
            setattr(self, name, np.concatenate([getattr(self, name), new]))
        return np.arange(start, start + count)

    def keep(self, mask: np.ndarray) -> np.ndarray:
        """Drop rows where ``mask`` is False. Returns old-row -> new-row (-1 if dropped)."""
        mapping = np.full(len(self) + 1, -1, dtype=np.int64)  # index -1 maps to -1
        mapping[:-1][mask] = np.arange(int(mask.sum()))
        for name in self.columns:
            setattr(self, name, getattr(self, name)[mask])
        return mapping


class People(Table):
    """One row per person who ever lived in the town since the last compaction."""

    columns: ClassVar[dict[str, Any]] = {
        "pid": np.int64,  # stable id, never reused: keys the person's random draws (sim/randomness.py)
        "ring": np.float64,  # fixed position on the ring of social ties (sim/synthesis.build_ties)
        "alive": np.bool_,  # lives in the town now (False: died or left)
        "age": np.int16,
        "female": np.bool_,
        "household": np.int32,
        "role": np.int8,
        "partner": np.int32,  # row of the partner, -1 if none
        "has_car": np.bool_,
        "stage": np.int8,  # LifeStage
        "job_place": np.int16,  # place of work or study, -1 if none
        "engagement": np.float32,  # propensity to volunteer, 0..1
        "years_in_town": np.int16,
        "origin": np.int8,  # Origin
        "idea_drawn": np.bool_,  # whether the person has had their chance of an idea (sim/civic/)
        "project_style": np.bool_,  # engages project by project ("Ehrenamt 2.0"), not in Vereine
    }
    defaults: ClassVar[dict[str, Any]] = {
        "alive": True,
        "partner": -1,
        "job_place": -1,
        "household": -1,
    }


class Households(Table):
    """One row per household (the people in one dwelling)."""

    columns: ClassVar[dict[str, Any]] = {
        "alive": np.bool_,
        "place": np.int16,
        "dwelling": np.int32,
    }
    defaults: ClassVar[dict[str, Any]] = {"alive": True, "dwelling": -1}


class Dwellings(Table):
    """One row per dwelling ever in the stock."""

    columns: ClassVar[dict[str, Any]] = {
        "place": np.int16,
        "household": np.int32,  # -1 when vacant
        "condition": np.float32,  # 1 = as new, 0 = ruin
        "in_stock": np.bool_,
        "vacant_years": np.int16,
    }
    defaults: ClassVar[dict[str, Any]] = {"household": -1, "in_stock": True, "condition": 1.0}


class Population:
    """People, households, dwellings and ties, with the operations that keep them consistent.

    Args:
        on_added: called with the new rows after people are appended (creates their agents).
        on_removed: called with the rows of people who died or left (removes their agents).
    """

    def __init__(
        self,
        on_added: Callable[[np.ndarray], None] | None = None,
        on_removed: Callable[[np.ndarray], None] | None = None,
        on_compacted: Callable[[np.ndarray], None] | None = None,
    ) -> None:
        self.people = People()
        self.households = Households()
        self.dwellings = Dwellings()
        self.tie_a = np.empty(0, dtype=np.int32)
        self._removals = 0  # people removals so far (the tie list is pruned when it changed)
        self._ties_pruned_at = -1
        self.tie_b = np.empty(0, dtype=np.int32)
        self._on_added = on_added or (lambda rows: None)
        self._on_removed = on_removed or (lambda rows: None)
        self._on_compacted = on_compacted or (lambda mapping: None)
        self._alive_rows: np.ndarray | None = None
        self._sizes: tuple[int, np.ndarray] | None = None
        self.version = 0
        self.renumberings = 0  # how often compact() renumbered the rows

    # -- queries ------------------------------------------------------------------------------

    @property
    def alive_rows(self) -> np.ndarray:
        """Rows of everyone living in the town now (cached until people are added or removed)."""
        if self._alive_rows is None:
            self._alive_rows = np.flatnonzero(self.people.alive)
            self._alive_rows.setflags(write=False)
        return self._alive_rows

    @property
    def next_initial_pid(self) -> int:
        """The id of the next person of the initial town (ids 0, 1, … in creation order)."""
        return len(self.people)

    @property
    def size(self) -> int:
        """Number of residents."""
        return int(self.people.alive.sum())

    def household_sizes(self) -> np.ndarray:
        """Members per household row (0 for dissolved households); cached per state version."""
        if self._sizes is None or self._sizes[0] != self.version:
            p = self.people
            sizes = np.bincount(p.household[p.alive], minlength=len(self.households))
            sizes.setflags(write=False)
            self._sizes = (self.version, sizes)
        return self._sizes[1]

    def _changed(self) -> None:
        """Invalidate caches after people, households or their membership changed."""
        self.version += 1
        self._alive_rows = None

    def person_place(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Home place of each person (all rows if ``rows`` is None)."""
        hh = self.people.household if rows is None else self.people.household[rows]
        return self.households.place[hh].astype(np.int64)

    def vacant_dwellings(self, min_condition: float = 0.0) -> np.ndarray:
        """Rows of dwellings in the stock, empty and at least of ``min_condition``."""
        d = self.dwellings
        return np.flatnonzero(d.in_stock & (d.household < 0) & (d.condition >= min_condition))

    # -- people --------------------------------------------------------------------------------

    def add_people(self, count: int, *, pid: np.ndarray, **values: Any) -> np.ndarray:
        """Append people (alive) with their stable ids ``pid`` and create their agents.

        Returns their rows.
        """
        pid = np.asarray(pid, dtype=np.int64)
        if pid.shape != (count,):
            raise ValueError(f"add_people: {count} people need {count} ids, got {pid.shape}")
        rows = self.people.append(count, pid=pid, **values)
        self._changed()
        self._on_added(rows)
        return rows

    def remove_people(self, rows: np.ndarray) -> None:
        """People who die or leave the town: drop them from households, partners and dwellings.

        A household left without members is dissolved and its dwelling becomes vacant; one left
        with only children gets its oldest member as adult.
        """
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return
        p = self.people
        p.alive[rows] = False
        self._removals += 1
        self._changed()
        partners = p.partner[rows]
        partners = partners[partners >= 0]
        p.partner[partners] = -1
        p.partner[rows] = -1
        self._on_removed(rows)
        affected = np.unique(p.household[rows])
        self._settle_households(affected)

    def _settle_households(self, households: np.ndarray) -> None:
        """Dissolve empty households and give adult-less ones an adult."""
        if households.size == 0:
            return
        p = self.people
        sizes = self.household_sizes()[households]
        empty = households[sizes == 0]
        if empty.size:
            self.dissolve_households(empty)
        remaining = households[sizes > 0]
        if remaining.size == 0:
            return
        alive = p.alive
        adults = np.bincount(
            p.household[alive & (p.role == Role.adult)], minlength=len(self.households)
        )
        orphaned = remaining[adults[remaining] == 0]
        if orphaned.size == 0:
            return
        members = np.flatnonzero(alive & np.isin(p.household, orphaned))
        order = np.lexsort((-p.age[members], p.household[members]))
        members = members[order]
        first = np.concatenate([[True], p.household[members][1:] != p.household[members][:-1]])
        p.role[members[first]] = Role.adult

    # -- households and dwellings ----------------------------------------------------------

    def new_households(self, places: np.ndarray, dwellings: np.ndarray) -> np.ndarray:
        """Create households in the given (vacant) dwellings. Returns the household rows."""
        places = np.asarray(places)
        dwellings = np.asarray(dwellings)
        hh = self.households.append(len(places), place=places, dwelling=dwellings)
        self._changed()
        self.dwellings.household[dwellings] = hh
        self.dwellings.vacant_years[dwellings] = 0
        return hh

    def relocate_households(self, households: np.ndarray, dwellings: np.ndarray) -> None:
        """Households move to other (empty) dwellings; the old ones become vacant."""
        h, d = self.households, self.dwellings
        old = h.dwelling[households]
        d.household[old[old >= 0]] = -1
        d.vacant_years[old[old >= 0]] = 0
        h.dwelling[households] = dwellings
        h.place[households] = d.place[dwellings]
        d.household[dwellings] = households
        d.vacant_years[dwellings] = 0
        self._changed()

    def dissolve_households(self, households: np.ndarray) -> None:
        """Mark households dissolved and their dwellings vacant."""
        h = self.households
        h.alive[households] = False
        dw = h.dwelling[households]
        dw = dw[dw >= 0]
        self.dwellings.household[dw] = -1
        self.dwellings.vacant_years[dw] = 0
        h.dwelling[households] = -1

    def move_people(
        self,
        rows: np.ndarray,
        households: np.ndarray | int,
        role: Role | np.ndarray,
        settle: bool = True,
    ) -> np.ndarray:
        """Move people into other households.

        Households left empty are dissolved (their dwelling becomes vacant) unless ``settle``
        is False; then the caller passes the returned old households to :meth:`settle` once
        after a batch of moves.

        Returns:
            The households the people left.
        """
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return np.empty(0, dtype=np.int64)
        old = np.unique(self.people.household[rows])
        self.people.household[rows] = households
        self.people.role[rows] = role
        self._changed()
        if settle:
            self._settle_households(old)
        return old

    def settle(self, households: np.ndarray) -> None:
        """Dissolve households of ``households`` left empty by moves; give adult-less ones an adult."""
        self._settle_households(np.unique(np.asarray(households, dtype=np.int64)))

    # -- ties ---------------------------------------------------------------------------------

    def add_ties(self, a: np.ndarray, b: np.ndarray) -> None:
        """Add undirected social ties between people (rows); self-ties are dropped."""
        a = np.asarray(a, dtype=np.int32)
        b = np.asarray(b, dtype=np.int32)
        keep = a != b
        self.tie_a = np.concatenate([self.tie_a, a[keep]])
        self.tie_b = np.concatenate([self.tie_b, b[keep]])
        self._ties_pruned_at = -1

    def live_ties(self) -> tuple[np.ndarray, np.ndarray]:
        """Ties whose two ends both live in the town.

        Ties to people who died or left are dropped for good here: their rows never come
        back to life.
        """
        if self._ties_pruned_at == self._removals:
            return self.tie_a, self.tie_b  # nobody left and no tie added since the last pruning
        alive = self.people.alive
        keep = alive[self.tie_a] & alive[self.tie_b]
        if not keep.all():
            self.tie_a, self.tie_b = self.tie_a[keep], self.tie_b[keep]
        self._ties_pruned_at = self._removals
        return self.tie_a, self.tie_b

    def tie_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Per person: number of live ties, and of those with people outside the household."""
        a, b = self.live_ties()
        n = len(self.people)
        total = np.bincount(a, minlength=n) + np.bincount(b, minlength=n)
        hh = self.people.household
        outside = hh[a] != hh[b]
        local = np.bincount(a[outside], minlength=n) + np.bincount(b[outside], minlength=n)
        return total, local

    # -- housekeeping ---------------------------------------------------------------------

    def compact(self, force: bool = False) -> bool:
        """Drop rows of people who left or died (and dissolved households) if they are many.

        Returns True if rows were renumbered.
        """
        p = self.people
        n_people = len(p)
        alive = p.alive
        if not force and n_people and alive.sum() > 0.6 * n_people:
            return False
        mapping = p.keep(alive.copy())
        self._changed()
        self.renumberings += 1
        p.partner = mapping[p.partner].astype(np.int32)
        ties_ok = alive[self.tie_a] & alive[self.tie_b]
        self.tie_a = mapping[self.tie_a[ties_ok]].astype(np.int32)
        self.tie_b = mapping[self.tie_b[ties_ok]].astype(np.int32)
        h = self.households
        h_mapping = h.keep(h.alive.copy())
        p.household = h_mapping[p.household].astype(np.int32)
        d = self.dwellings
        d.household = h_mapping[d.household].astype(np.int32)
        self._on_compacted(mapping)
        return True
