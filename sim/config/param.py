"""``param()``: a config field with its source, role, unit and allowed range in the metadata."""

from __future__ import annotations

from dataclasses import MISSING, field
from typing import Any


def param(
    default: Any = MISSING,
    *,
    source: str,
    min: float | None = None,
    max: float | None = None,
    unit: str = "",
    doc: str = "",
    default_factory: Any = MISSING,
    exclusive_min: bool = False,
) -> Any:
    """A config field with its source and allowed range recorded in the metadata."""
    metadata = {
        "source": source,
        "min": min,
        "max": max,
        "unit": unit,
        "doc": doc,
        "exclusive_min": exclusive_min,
    }
    if default_factory is not MISSING:
        return field(default_factory=default_factory, metadata=metadata)
    return field(default=default, metadata=metadata)


ASSUMPTION = "assumption"
