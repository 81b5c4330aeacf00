"""Municipal bus lines on the network: an edge of a line carries a bus only while a line
serving it is open (a closed line takes its buses off the road; seed-notes §2.6, M-V1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.config import ServiceType

if TYPE_CHECKING:
    from sim.agents.provider import Provider
    from sim.town import Town


def apply(town: Town, open_lines: list[Provider]) -> bool:
    """Set the bus on every edge of the town's configured bus lines to whether an open line
    serves it.

    Returns:
        True if that changed any edge (then travel times must be recomputed).
    """
    municipal_edges = {
        frozenset(pair)
        for item in town.config.providers
        if item.type is ServiceType.bus_line
        for pair in zip(item.route, item.route[1:], strict=False)
    }
    served = {
        frozenset((town.names[a], town.names[b]))
        for p in open_lines
        for a, b in zip(p.route, p.route[1:], strict=False)
    }
    changed = False
    for edge in town.config.edges:
        key = frozenset(edge.between)
        if key in municipal_edges:
            changed |= town.set_bus(edge.between[0], edge.between[1], key in served)
    return changed
