"""Metrics of the drivers of service change (issue #11): providers open by grocery format.

``REPORTERS`` is merged into ``sim.metrics.REPORTERS`` (added columns, no renames).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from sim.config import ServiceType

if TYPE_CHECKING:
    from sim.model import TownModel

GROCERY_FORMATS = ("shop", "supermarket", "coop")
"""Formats of grocery providers: independent small shops, chain formats (supermarkets and
discounters, one format), citizen-run cooperative shops."""


def grocery_open(fmt: str, model: TownModel) -> int:
    """Open grocery providers of one format (use with functools.partial)."""
    return sum(1 for p in model.services.open_of(ServiceType.grocery) if p.format == fmt)


REPORTERS: dict[str, Callable[[TownModel], Any]] = {
    f"services_open_grocery_{fmt}": partial(grocery_open, fmt) for fmt in GROCERY_FORMATS
}
