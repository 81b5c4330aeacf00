"""The planner's report: ``kleinstadt report ...`` runs policies on the same seeds in parallel
and writes one self-contained HTML document with its CSV tables (see command.py)."""

from sim.report.command import main

__all__ = ["main"]
