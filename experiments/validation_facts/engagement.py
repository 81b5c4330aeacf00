"""Stylised fact of how people engage (seed-notes §7.5): SF32 engagement style shift.

Each person engages either formally (in Vereine) or project by project ("Ehrenamt 2.0",
seed-notes §03.06), drawn once with a chance that rises with the birth cohort; project-based
members leave institutions after a geometric term unless the ehrenamt_2_0 lever (L13) lets them
stay without membership (sim/synthesis.py, sim/civic/lifecycle.py). ``observe`` keeps, per
run and year, the project-based share of adults (the cohort replacement that drives the fact)
and of institutions' members; the rest comes from the metrics ``informal_engagement_share``
and ``formal_members``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from validate import at, paired, verdict

from sim.agents.initiative import Phase

if TYPE_CHECKING:
    from validate import Run

WINDOW = 5
"""Years averaged at the start (years 1..5) and the end of a run: the share among a few hundred
members is noisy from year to year, and there are no members before year 1."""
RISE_SHARE = 0.8
"""SF32 holds when the share rises in at least this share of runs."""

P = ["town=peripheral"]
VARIANTS: dict[str, list[str]] = {
    "ehrenamt_2_0": [*P, "policy=ehrenamt_2_0"],
    # Every cohort equally likely to engage project by project: no cohort replacement.
    "no_cohort_trend": [*P, "social.project_style_cohort_trend=0.0"],
}

NOT_TESTED: dict[str, str] = {}


def observe(name: str, model, year: int, extra: dict) -> None:
    """Project-based share of residents 16+ and of institutions' members (each person once)."""
    if name not in ("peripheral", *VARIANTS):
        return
    p = model.population.people
    rows = model.population.alive_rows
    adults = rows[p.age[rows] >= model.config.civic.member_min_age]
    groups = [i.members for i in model.civic.initiatives if i.phase is Phase.institution]
    members = np.unique(np.concatenate(groups)) if groups else np.empty(0, dtype=np.int64)
    extra.setdefault("adult_share", {})[year] = float(p.project_style[adults].mean())
    extra.setdefault("institution_share", {})[year] = (
        float(p.project_style[members].mean()) if members.size else float("nan")
    )


# -- helpers -------------------------------------------------------------------------------


def _window(run: Run, column: str, first: int, last: int) -> float:
    m = run.metrics.set_index("year")[column]
    return float(np.nanmean(m.loc[first:last].to_numpy(dtype=float)))


def _shift(runs: list[Run], years: int) -> tuple[float, float, float]:
    """Mean informal share in the first and last ``WINDOW`` years, and the share of runs in
    which it rose."""
    early = [_window(r, "informal_engagement_share", 1, WINDOW) for r in runs]
    late = [_window(r, "informal_engagement_share", years - WINDOW + 1, years) for r in runs]
    rose = float(np.mean([b > a for a, b in zip(early, late, strict=True)]))
    return float(np.mean(early)), float(np.mean(late)), rose


def _paired_gain(a: list[Run], b: list[Run], years: int) -> list[float]:
    """Per seed: the change of the informal share in ``a`` minus that in ``b`` (late window
    minus early window, as in ``_shift``)."""

    def rise(run: Run) -> float:
        late = _window(run, "informal_engagement_share", years - WINDOW + 1, years)
        return late - _window(run, "informal_engagement_share", 1, WINDOW)

    return [rise(r) - rise(s) for r, s in paired(a, b)]


def _mean_at(runs: list[Run], column: str, year: int) -> float:
    return float(np.mean([at(r, column, year) for r in runs]))


# -- the facts -----------------------------------------------------------------------------


def facts(runs: dict[str, list[Run]], years: int, add) -> None:
    n = len(runs["peripheral"])
    base, lever, flat = runs["peripheral"], runs["ehrenamt_2_0"], runs["no_cohort_trend"]
    e0, e1, rose = _shift(base, years)
    l0, l1, lrose = _shift(lever, years)
    f0, f1, frose = _shift(flat, years)
    adult0 = np.mean([r.extra["adult_share"][0] for r in base])
    adult1 = np.mean([r.extra["adult_share"][years] for r in base])
    inst = np.nanmean([r.extra["institution_share"][years] for r in base])
    inst_lever = np.nanmean([r.extra["institution_share"][years] for r in lever])
    formal = _mean_at(base, "formal_members", years)
    formal_lever = _mean_at(lever, "formal_members", years)
    volunteers = _mean_at(base, "volunteers", years)
    volunteers_lever = _mean_at(lever, "volunteers", years)
    gain = _paired_gain(base, flat, years)
    cohort = float(np.mean([g > 0 for g in gain]))
    holds = rose >= RISE_SHARE
    add(
        "SF32 engagement style shift",
        f"P without policy; P with ehrenamt_2_0 (L13); P without a cohort trend in the style "
        f"(social.project_style_cohort_trend=0); {n} seeds, {years} years",
        f"project-based share of the members of active initiatives "
        f"(informal_engagement_share), mean of years {years - WINDOW + 1}–{years} above the "
        f"mean of years 1–{WINDOW} in >= {RISE_SHARE:.0%} of P runs; driven by cohort "
        f"replacement: it rises more than without the cohort trend (paired by seed) in >= "
        f"{RISE_SHARE:.0%} of runs",
        verdict(holds, cohort >= RISE_SHARE),
        f"P: {e0:.3f} → {e1:.3f}, rose in {rose:.0%} of runs; {np.mean(gain):+.3f} more "
        f"than without the cohort trend, in {cohort:.0%} of runs (residents 16+: "
        f"{adult0:.3f} → {adult1:.3f}; institutions' members in year {years}: {inst:.3f}); "
        f"with ehrenamt_2_0: {l0:.3f} → {l1:.3f}, rose in {lrose:.0%} (institutions' members "
        f"{inst_lever:.3f}); no cohort trend: {f0:.3f} → {f1:.3f}, rose in {frose:.0%}; "
        f"formal members of running initiatives in year {years}: {formal:.0f} (P) / "
        f"{formal_lever:.0f} (ehrenamt_2_0); volunteers {volunteers:.0f} / "
        f"{volunteers_lever:.0f}",
    )
