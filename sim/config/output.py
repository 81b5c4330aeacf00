"""Config group ``output``: what a run writes besides the tables."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.param import param


@dataclass
class OutputConfig:
    """What a run writes besides the tables."""

    plots: bool = param(
        True, unit="", role="structural", source="config", doc="write population.png"
    )
    progress: bool = param(
        True,
        unit="",
        role="structural",
        source="config",
        doc="show a progress bar when a run takes more than a second",
    )
