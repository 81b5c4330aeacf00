"""Mesa agent types, one per file."""

from sim.agents.resident import Resident

__all__ = ["Resident"]
