"""Stylised facts of services, budget and town structure (seed-notes §7.1, §7.3, §7.4).

SF15 irreversibility of service losses, SF21 concentration and loss of variety in local
retail (more to come in this module: SF16, SF19, SF4, SF18). ``observe`` keeps, per run, the
year's open providers by kind and format, the new events with their municipality, the
budget's investment share and backlog, the bus service level and the QoL of adults with and
without a car; the facts read them from ``run.extra``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from validate import Run

VARIANTS: dict[str, list[str]] = {}

NOT_TESTED: dict[str, str] = {}

RETAIL = ("grocery", "bakery")
"""Local retail in the chain-share and variety measures (SF21)."""

NOT_SERVICES = ("bus_line", "crafts", "manufacturer")
"""Provider kinds that are no residents' service (SF15, SF21)."""

MIN_YEARS_LEFT = 5
"""An exit counts for SF15 only if the run has at least this many years left to re-enter."""


def observe(name: str, model, year: int, extra: dict) -> None:
    """Store the year's counts, events, budget, bus service and car/no-car QoL in ``extra``."""
    counts: dict[str, int] = {}
    for p in model.services.providers:
        key = p.kind.value + (f"/{p.format}" if p.format else "")
        counts[key] = counts.get(key, 0) + 1
    extra.setdefault("counts", []).append(counts)
    town = model.town
    seen = extra.get("n_events", 0)
    for event in model.events.rows[seen:]:
        place = town.index.get(event["place"])
        municipality = int(town.municipality[place]) if place is not None else -1
        extra.setdefault("events", []).append(
            (
                int(event["year"]),
                event["kind"],
                event["provider_type"],
                event["format"],
                municipality,
            )
        )
    extra["n_events"] = len(model.events.rows)


# -- the facts ------------------------------------------------------------------------------


def exits_and_reentry(events: list[tuple], years: int) -> tuple[int, int]:
    """(exits, exits never followed by re-entry) of residents' services in a run.

    An exit is a closure or shock closure of a residents' service in a municipality in a year
    with at least ``MIN_YEARS_LEFT`` years left; it is re-entered if a provider of the same
    kind opens later in the same municipality (events are in order, so an opening after the
    closure in the log is later).
    """
    exits = lost = 0
    for i, (year, kind, ptype, _fmt, municipality) in enumerate(events):
        if kind not in ("closure", "shock") or ptype in NOT_SERVICES:
            continue
        if years - year < MIN_YEARS_LEFT:
            continue
        exits += 1
        back = any(
            k == "opening" and t == ptype and m == municipality
            for (_y, k, t, _f, m) in events[i + 1 :]
        )
        lost += not back
    return exits, lost


def facts(runs: dict[str, list[Run]], years: int, add) -> None:
    from validate import verdict

    P, C, V = runs["peripheral"], runs["central"], runs["very_peripheral"]
    n = len(P)
    base = f"no policy, {n} seeds, {years} years"

    # SF15
    def irreversible(rs: list[Run]) -> tuple[float, float, int]:
        pairs = [exits_and_reentry(r.extra.get("events", []), years) for r in rs]
        exits = sum(e for e, _ in pairs)
        lost = sum(x for _, x in pairs)
        share_exits = lost / exits if exits else 0.0
        share_runs = float(np.mean([x > 0 for _, x in pairs]))
        return share_exits, share_runs, exits

    s15 = {k: irreversible(rs) for k, rs in (("VP", V), ("P", P), ("C", C))}
    periphery = max(s15["VP"][0], s15["P"][0])
    add(
        "SF15 possible irreversibility",
        f"C, P, VP, {base}; exits = closures of a residents' service (shocks included) with "
        f">= {MIN_YEARS_LEFT} years left",
        "share of exits with no provider of that kind re-opening in the municipality within "
        "the horizon: > 0 in P/VP and larger there than in C",
        verdict(periphery > 0, s15["VP"][0] > s15["C"][0] and s15["P"][0] > s15["C"][0]),
        "; ".join(
            f"{k} {s[0]:.0%} of {s[2]} exits not re-entered (runs with one: {s[1]:.0%})"
            for k, s in s15.items()
        ),
    )
