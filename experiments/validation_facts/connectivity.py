"""Broadband, transport links and who moves in: SF23 (and why SF7 is not tested).

SF23 (seed-notes M-G1–M-G3): knowledge workers come only where broadband *and*
supra-regional transport links exist, so the two levers together bring more remote workers
than the sum of their separate effects. Tested as a 2 x 2 on the peripheral town, paired by
seed: no lever, the broadband roll-out, the regional express (the links to the regional
centre and the metropolis 30 % faster), both.
"""

from __future__ import annotations

import numpy as np
from validate import change, verdict

P = "town=peripheral"
VARIANTS: dict[str, list[str]] = {
    "broadband": [P, "policy=broadband"],
    "express": [P, "policy=regional_express"],
    "broadband_express": [P, "policy=broadband", "policy.regional_express.enabled=true"],
}

NOT_TESTED = {
    "SF7 Landlust ≠ migration": "the model has no layer of stated preferences: a 'Landlust' "
    "weight would raise arrivals like any other gain in attractiveness, so whether it moves the "
    "trend less than broadband and connectivity would be decided by the size chosen for its "
    "rise, which the sources do not give",
}


def observe(name, model, year, extra) -> None:
    """Nothing beyond the metrics table."""


def remote_arrivals(run) -> float:
    return float(run.metrics["in_migrants_remote_worker"].sum())


def facts(runs, years, add) -> None:
    base = sorted(runs["peripheral"], key=lambda r: r.seed)
    cells = {
        k: sorted(runs[k], key=lambda r: r.seed)
        for k in ("broadband", "express", "broadband_express")
    }
    n = len(base)
    a = np.array([remote_arrivals(r) for r in base])
    bb, ex, both = (np.array([remote_arrivals(r) for r in cells[k]]) for k in cells)
    interaction = (both - ex) - (bb - a)
    pop = {
        k: np.mean([change(r, "population", years, True) for r in rs])
        for k, rs in (("none", base), *cells.items())
    }
    add(
        "SF23 broadband gate",
        f"P, 2 x 2: broadband roll-out × regional express (links to the centres 30 % faster), "
        f"paired by seed, no other policy, {n} seeds, {years} years",
        "broadband raises remote-worker arrivals; the interaction (both − express − broadband "
        "+ none) > 0 in the mean and in >= 80 % of pairs",
        verdict(np.mean(bb - a) > 0, interaction.mean() > 0 and np.mean(interaction > 0) >= 0.8),
        f"remote workers arriving: none {a.mean():.0f}, broadband {bb.mean():.0f}, express "
        f"{ex.mean():.0f}, both {both.mean():.0f}; interaction {interaction.mean():+.0f} "
        f"(> 0 in {np.mean(interaction > 0):.0%} of pairs); population change none "
        f"{pop['none']:+.1f} %, broadband {pop['broadband']:+.1f} %, express "
        f"{pop['express']:+.1f} %, both {pop['broadband_express']:+.1f} %",
    )
