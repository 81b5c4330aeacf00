"""Config group ``shock``: an exogenous shock (default none)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.param import param
from sim.config.vocabulary import ShockKind


@dataclass
class ShockConfig:
    """An exogenous shock (config group ``shock``, default none)."""

    kind: ShockKind = param(
        ShockKind.none,
        unit="",
        role="structural",
        source="config",
        doc="none, gp_retires, grocer_closes, employer_leaves, school_closes or bus_cut",
    )
    year: int = param(
        5,
        min=1,
        max=100,
        unit="",
        role="structural",
        source="config",
        doc="simulated year in which it happens",
    )
    count: int = param(
        1,
        min=1,
        max=100,
        unit="",
        role="structural",
        source="config",
        doc="how many providers of the kind close",
    )
    blocked_years: int = param(
        0,
        min=0,
        max=100,
        unit="",
        role="structural",
        source="config",
        doc="years without successor or entrant of that kind afterwards",
    )
    place: str | None = param(
        None,
        unit="",
        role="structural",
        source="config",
        doc="close providers at this place (default: the centre first)",
    )
