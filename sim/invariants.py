"""The model's invariants: what must hold after every phase of every year, in any town.

``violations(model)`` lists every broken invariant in words (an empty list: all hold). The
property tests (tests/test_invariants.py) run it after every phase over many seeds and small
generated towns; it can also be called from a notebook while changing a mechanism.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.population import Role

if TYPE_CHECKING:
    from sim.model import TownModel


def violations(model: TownModel, members: bool = True) -> list[str]:
    """Every broken invariant of the model's current state, in words.

    Args:
        members: also check initiatives' members (alive, living in the initiative's
            municipality). Members who died or moved away leave at the civic phase and at
            the end of the year, so between other phases this does not hold yet.
    """
    out: list[str] = []
    out += _people(model)
    out += _households_and_dwellings(model)
    out += _ties(model)
    if members:
        out += _initiatives(model)
    return out


def _people(model: TownModel) -> list[str]:
    pop = model.population
    p = pop.people
    h = pop.households
    out = []
    rows = pop.alive_rows
    if np.unique(p.pid).size != len(p):
        out.append("person ids are not unique")
    if (p.age[rows] < 0).any():
        out.append("a resident has a negative age")
    hh = p.household[rows]
    if ((hh < 0) | (hh >= len(h))).any():
        out.append("a resident has no household")
        return out
    if not h.alive[hh].all():
        out.append("a resident lives in a dissolved household")
    partner = p.partner[rows]
    has = partner >= 0
    if has.any():
        mates = partner[has]
        if not p.alive[mates].all():
            out.append("a resident's partner is not a resident")
        if (p.partner[mates] != rows[has]).any():
            out.append("partnership is not symmetric")
        if (p.household[mates] != hh[has]).any():
            out.append("partners live in different households")
    adults = np.bincount(hh[p.role[rows] == Role.adult], minlength=len(h))
    members = np.bincount(hh, minlength=len(h))
    if ((members > 0) & (adults == 0)).any():
        out.append("a household has members but no adult")
    return out


def _households_and_dwellings(model: TownModel) -> list[str]:
    pop = model.population
    h, d = pop.households, pop.dwellings
    out = []
    occupied = np.flatnonzero(h.alive & (pop.household_sizes() > 0))
    dw = h.dwelling[occupied]
    if (dw < 0).any():
        out.append("an occupied household has no dwelling")
        return out
    if (d.household[dw] != occupied).any():
        out.append("a household's dwelling does not record it")
    if (d.place[dw] != h.place[occupied]).any():
        out.append("a household's place differs from its dwelling's place")
    if np.unique(dw).size != dw.size:
        out.append("two households share a dwelling")
    held = np.flatnonzero(d.household >= 0)
    if held.size and (h.dwelling[d.household[held]] != held).any():
        out.append("a dwelling records a household that lives elsewhere")
    if ((d.condition < 0) | (d.condition > 1)).any():
        out.append("a dwelling's condition is outside 0..1")
    if (d.vacant_years < 0).any():
        out.append("negative vacant years")
    return out


def _ties(model: TownModel) -> list[str]:
    pop = model.population
    n = len(pop.people)
    a, b = pop.tie_a, pop.tie_b
    if a.size != b.size:
        return ["tie ends differ in number"]
    if a.size and (min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= n):
        return ["a tie points outside the people table"]
    if (a == b).any():
        return ["a self-tie"]
    return []


def _initiatives(model: TownModel) -> list[str]:
    out = []
    pop = model.population
    alive = pop.people.alive
    for initiative in model.civic.initiatives:
        if not initiative.phase.active or initiative.members.size == 0:
            continue
        members = initiative.members
        if np.unique(members).size != members.size:
            out.append(f"{initiative!r} lists a member twice")
        if not alive[members].all():
            out.append(f"{initiative!r} has members who are not residents")
            continue
        homes = model.town.municipality[pop.person_place(members)]
        if (homes != initiative.municipality).any():
            out.append(f"{initiative!r} has members living in another municipality")
    return out
