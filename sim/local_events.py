"""Local events: a municipality makes the news and its image moves newcomers' arrivals.

Once a year, after the services' phase and before migration (ODD §3 phase 6), each
municipality's image shift decays by ``local_events.persistence``; with probability
``local_events.rate`` an event happens, which adds a normal shift of SD ``local_events.size_sd``
(good or bad news alike, mean zero; decisions ``local_event`` and ``local_event_size``, keyed by
the municipality). Newcomer households of every type arrive x exp(image shift)
(:meth:`LocalEvents.arrivals_factor`, sim/migration.py). A source of divergence between towns
of one type (issue 12; experiments/divergence.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model import TownModel


class LocalEvents:
    """Each municipality's image shift and the events that moved it.

    Attributes:
        image: per municipality, the log factor on newcomer arrivals (0: no shift).
        history: (year, municipality, shift) of every event.
    """

    def __init__(self, model: TownModel) -> None:
        self.model = model
        self.cfg = model.config.local_events
        self.image = np.zeros(model.town.n_municipalities)
        self.history: list[tuple[int, int, float]] = []

    def year(self, year: int) -> None:
        """This year's decay of the image shifts and the events."""
        self.image *= self.cfg.persistence
        if self.cfg.rate <= 0 or self.cfg.size_sd <= 0:
            return
        ids = np.arange(self.image.size, dtype=np.int64)
        happens = self.model.streams.uniform("local_event", year, ids) < self.cfg.rate
        if not happens.any():
            return
        shift = self.cfg.size_sd * self.model.streams.normal("local_event_size", year, ids)
        for m in np.flatnonzero(happens):
            self.image[m] += shift[m]
            self.history.append((year, int(m), float(shift[m])))

    def arrivals_factor(self, municipality: int) -> float:
        """Newcomer arrivals x this: exp(the municipality's image shift)."""
        return float(np.exp(self.image[municipality]))
