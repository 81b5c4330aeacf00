"""Random numbers keyed by decision: common random numbers for paired runs.

Two runs with the same seed are compared as pairs (a policy against the baseline, a shock
against the same town without it). Their difference is informative only if chance plays the
same part in both wherever their configurations agree. With one shared random stream that
fails: the first extra or missing draw shifts every later draw for everyone. Here, as in
microsimulation frameworks with common-random-number guarantees (e.g. IHME's Vivarium), every
random number is a function of what it decides:

- a **per-entity decision** (a person dies, gives birth, leaves town, joins an initiative; an
  owner retires …) uses ``Streams.uniform(decision, year, ids)``: a uniform number that is a
  hash of (seed, decision name, year, the entity's stable id, an optional draw index). The
  same person facing the same decision in the same year of two runs with the same seed gets
  the same number, whatever happened elsewhere;
- a **town-level draw** (how many newcomers arrive, how new dwellings spread over places) uses
  ``Streams.generator(decision, year, *keys)``: a numpy Generator seeded from the same key, so
  it too is independent of every other decision.

The hash is SplitMix64's finaliser over numpy ``uint64`` arrays: vectorised, no Python loop
per entity, and identical on every machine (integer arithmetic). Choices among alternatives
use keyed noise (``choose``: the k smallest keys, an exponential race for weights), so they
stay coupled under small changes where ``rng.choice`` would reshuffle everything.
"""

from __future__ import annotations

import hashlib
from functools import cache

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TO_UNIT = 2.0**-53


def mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a bijective, well-mixing hash of uint64 values (arrays)."""
    x = np.array(x, dtype=np.uint64)  # a copy, then in place
    x ^= x >> _S30
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


@cache
def name_key(name: str) -> int:
    """A stable 64-bit key of a decision's name (the same in every Python process)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


_MASK = 0xFFFFFFFFFFFFFFFF


def _mix_int(x: int) -> int:
    """``mix`` for one Python integer (the same function; faster than a 1-element array)."""
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def combine(*parts: int) -> np.uint64:
    """One 64-bit key from several integers (order matters)."""
    key = 0
    for part in parts:
        key = (_mix_int(key ^ (int(part) & _MASK)) + 0x9E3779B97F4A7C15) & _MASK
    return np.uint64(key)


def hash_ids(key: np.uint64, ids: np.ndarray) -> np.ndarray:
    """64-bit hashes of ``ids`` under ``key``: SplitMix64's output number ``id`` from state
    ``key`` (``mix(key + id * golden)``), a generator that passes BigCrush."""
    x = np.asarray(ids).astype(np.uint64)  # a copy
    x *= _GOLDEN
    x += key
    x ^= x >> _S30
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


class Streams:
    """The random numbers of one run, keyed by (seed, decision, year, entity).

    Args:
        seed: the run's seed.
    """

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._seed_key = combine(name_key("kleinstadt"), self.seed)
        self._keys: dict[tuple, np.uint64] = {}

    def key(self, decision: str, year: int, *extra: int) -> np.uint64:
        """The 64-bit key of one decision in one year (and further integer keys); cached."""
        cache_key = (decision, year, *extra)
        key = self._keys.get(cache_key)
        if key is None:
            key = combine(int(self._seed_key), name_key(decision), int(year), *extra)
            self._keys[cache_key] = key
        return key

    def uniform(self, decision: str, year: int, ids: np.ndarray, draw: int = 0) -> np.ndarray:
        """One uniform number in [0, 1) per id for ``decision`` in ``year``.

        Args:
            decision: the decision's name (e.g. ``"death"``); each name is its own stream.
            year: the simulated year.
            ids: the entities' stable ids (int array; people: ``people.pid``).
            draw: a further index when one entity needs several numbers for one decision.
        """
        bits = hash_ids(self.key(decision, year, draw), ids)
        return (bits >> _S11).astype(np.float64) * _TO_UNIT

    def pair_uniforms(
        self, decision: str, year: int, rows: np.ndarray, columns: np.ndarray
    ) -> np.ndarray:
        """A matrix of uniform numbers, one per pair (``rows[i]``, ``columns[j]``), e.g. each
        person's attraction to each candidate partner: keyed by both ids."""
        row_keys = hash_ids(self.key(decision, year), rows)  # one state per row id
        x = np.asarray(columns).astype(np.uint64)[None, :] * _GOLDEN + row_keys[:, None]
        x ^= x >> _S30
        x *= _M1
        x ^= x >> _S27
        x *= _M2
        x ^= x >> _S31
        return (x >> _S11).astype(np.float64) * _TO_UNIT

    def normal(self, decision: str, year: int, ids: np.ndarray, draw: int = 0) -> np.ndarray:
        """One standard normal number per id (Box–Muller over two keyed uniforms)."""
        return box_muller(
            self.uniform(decision, year, ids, 2 * draw),
            self.uniform(decision, year, ids, 2 * draw + 1),
        )

    def generator(self, decision: str, year: int, *extra: int) -> np.random.Generator:
        """A numpy Generator for a town-level draw of ``decision`` in ``year``."""
        return np.random.Generator(np.random.Philox(key=int(self.key(decision, year, *extra))))

    def choose(
        self,
        decision: str,
        year: int,
        ids: np.ndarray,
        k: int,
        weights: np.ndarray | None = None,
        draw: int = 0,
    ) -> np.ndarray:
        """Positions (into ``ids``) of ``k`` entities chosen without replacement.

        Each entity gets a keyed exponential clock ``-log(u) / weight``; the ``k`` earliest are
        chosen (Efraimidis–Spirakis weighted sampling). An entity's clock does not depend on
        who else is in the race, so small changes in the candidates change the choice little.
        """
        ids = np.asarray(ids)
        if k <= 0 or ids.size == 0:
            return np.empty(0, dtype=np.int64)
        clock = -np.log1p(-self.uniform(decision, year, ids, draw))
        if weights is not None:
            with np.errstate(divide="ignore"):
                clock = np.where(weights > 0, clock / np.maximum(weights, 1e-300), np.inf)
        if k >= ids.size:
            order = np.lexsort((ids, clock))
            return order[np.isfinite(clock[order])]
        part = np.argpartition(clock, k - 1)[:k]
        order = part[np.lexsort((ids[part], clock[part]))]
        return order[np.isfinite(clock[order])]


def child_ids(parent_ids: np.ndarray, year: int, salt: int) -> np.ndarray:
    """Stable ids for new entities derived from a parent's id and the year (e.g. newborns).

    Ids are 62-bit hashes with the top bits set apart from the initial ids ``0 .. n-1``; two
    ids collide with a probability of about n² / 2⁶³ (negligible for any town).
    """
    key = combine(name_key("child"), int(year), int(salt))
    return tagged_ids(hash_ids(key, parent_ids), tag_bit=61)


def tagged_ids(bits: np.ndarray, tag_bit: int) -> np.ndarray:
    """Ids from 64-bit hashes: 62 bits of the hash with bit ``tag_bit`` (61 newborns, 62
    newcomers) set, so they never meet the initial ids ``0 .. n-1`` (int64)."""
    return ((np.asarray(bits, dtype=np.uint64) >> np.uint64(2)) | np.uint64(1 << tag_bit)).astype(
        np.int64
    )


def box_muller(u1: np.ndarray, u2: np.ndarray) -> np.ndarray:
    """Standard normal numbers from two arrays of uniforms."""
    return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)


class SlotKeys:
    """Stable keys for entities that have no id of their own before they exist (providers).

    ``next(*slot)`` keys the n-th entity created in a slot, e.g. (kind, format, place, year):
    adding a provider elsewhere, or in another year, changes no other provider's key.
    """

    def __init__(self) -> None:
        self._count: dict[tuple, int] = {}

    def next(self, *slot: object) -> int:
        ordinal = self._count.get(slot, -1) + 1
        self._count[slot] = ordinal
        return int(combine(name_key("/".join(map(str, slot))), ordinal)) >> 1  # fits int64
