"""The town's event log: one row per opening, closure, succession, shock or initiative step.

Services, shocks, the municipal budget and civic life all write here, in the order things
happen; ``sim/run.py`` turns the rows into ``events.parquet`` (columns ``EVENT_COLUMNS``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

EVENT_COLUMNS = ["year", "kind", "provider_type", "format", "place", "reason", "provider_id"]


class EventLog:
    """Events in the order they happened (and so in year order).

    Attributes:
        rows: one dict per event with the keys of ``EVENT_COLUMNS``.
    """

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        year: int,
        kind: str,
        provider_type: str,
        fmt: str,
        place: str,
        reason: str,
        provider_id: int,
    ) -> None:
        """Append one event."""
        self.rows.append(
            {
                "year": year,
                "kind": kind,
                "provider_type": provider_type,
                "format": fmt,
                "place": place,
                "reason": reason,
                "provider_id": provider_id,
            }
        )

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __reversed__(self) -> Iterator[dict[str, Any]]:
        return reversed(self.rows)

    def __len__(self) -> int:
        return len(self.rows)
