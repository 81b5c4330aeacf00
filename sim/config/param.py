"""``param()``: a config field with its source, role, unit and allowed range in the metadata."""

from __future__ import annotations

import math
from dataclasses import MISSING, field
from typing import Any, NamedTuple

ASSUMPTION = "assumption"
"""The source of a default that no data table or study gives."""

ROLES = {
    "data": "the default comes from a data table or statistics (or is calibrated to them)",
    "structural": "a modelling choice: what the model is, not a number to vary",
    "uncertainty": "an assumption a researcher should vary (sensitivity analysis)",
    "lever": "a policy setting the planner chooses",
}
"""What a parameter is for (the ``role`` column of the parameter table)."""


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
    return role


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_bounds(default: Any, low: float | None, high: float | None) -> None:
    """Every numeric parameter declares a finite min and max, and its default lies within."""
    if not (_is_number(default) or low is not None or high is not None):
        return
    for name, bound in (("min", low), ("max", high)):
        if not _is_number(bound) or not math.isfinite(bound):
            raise ValueError(f"a numeric parameter needs a finite {name} (got {bound!r})")
    if low > high:
        raise ValueError(f"min {low} is above max {high}")
    if _is_number(default) and not low <= default <= high:
        raise ValueError(f"default {default} lies outside [{low}, {high}]")


def param(
    default: Any = MISSING,
    *,
    source: str,
    role: str,
    unit: str,
    min: float | None = None,
    max: float | None = None,
    doc: str = "",
    default_factory: Any = MISSING,
    exclusive_min: bool = False,
    explore: tuple[float, float] | None = None,
) -> Any:
    """A config field with its source, role, unit and allowed range recorded in the metadata.

    Args:
        source: where the default comes from: a data table, a study, a seed-notes section,
            ``config`` (an input), or ``assumption`` (with the reasoning in brackets).
        role: one of :data:`ROLES`.
        unit: the unit, ``""`` for a dimensionless number, a flag or a name.
        min, max: the allowed range; required (and finite) for a number, so that no parameter
            accepts an absurd value (bounds that are a modelling judgement say so in ``doc``).
        explore: the range a sensitivity analysis explores (sim/ema.py) instead of the
            default ± 25 % (and whatever relative range is asked for): for a mechanism off by
            default (a default of 0 has no relative range) or a range the source gives; only
            for an ``uncertainty``, within ``min`` and ``max``, around the default, whole
            numbers for an integer.

    Raises:
        ValueError: at import, if a numeric field lacks a finite min or max or its default
            lies outside them.
    """
    metadata = {
        "source": source,
        "role": _check_role(role),
        "min": min,
        "max": max,
        "unit": unit,
        "doc": doc,
        "exclusive_min": exclusive_min,
        "explore": explore,
    }
    _check_bounds(default, min, max)
    if explore is not None:
        low, high = explore
        above_min = low > min if exclusive_min else low >= min
        if role != "uncertainty":
            raise ValueError(f"explore {explore}: only an uncertainty is explored (role {role!r})")
        if not (above_min and low < high <= max) or not low <= default <= high:
            raise ValueError(
                f"explore {explore} must lie within the allowed range ({min}, {max}), low "
                f"below high, around the default {default}"
            )
        if isinstance(default, int) and not all(float(b).is_integer() for b in explore):
            raise ValueError(f"explore {explore}: whole numbers for an integer parameter")
    if default_factory is not MISSING:
        return field(default_factory=default_factory, metadata=metadata)
    return field(default=default, metadata=metadata)


class Sourced(NamedTuple):
    """Source and role of one kind's own default (SERVICE_SOURCES, INITIATIVE_SOURCES)."""

    source: str
    role: str


def sourced(source: str, *, role: str) -> Sourced:
    """Where one kind's default differs from the field's and where that value comes from."""
    return Sourced(source, _check_role(role))
