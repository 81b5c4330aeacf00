"""Sources of divergence: how much of the spread across seeds each random source explains.

Every random number is keyed by (seed, decision, year, entity) (sim/randomness.py), so one
source's randomness can be switched at a time. A source is a group of decisions (``SOURCES``;
a decision ``name/suffix`` belongs to the group of ``name``). For each source, two sets of
runs over seeds s = 1..n:

- **alone**: the source's decisions draw with seed s, all others with a fixed seed (0). The
  variance across s of the outcome (default: population change over the horizon), divided by
  the variance with everything varying, is the share the source explains on its own
  (first-order);
- **held fixed**: the source's decisions draw with the fixed seed, all others with s. One
  minus the variance, divided by the variance with everything varying, is the share that goes
  when this source stops varying (total effect, interactions included).

Shares need not add up to 1 (sources interact) and, with 10 seeds, a variance ratio is known
only within about a factor of 2 (F distribution): read the table as an order of magnitude.

Usage::

    python experiments/divergence.py                    # peripheral, 10 seeds, 20 years
    python experiments/divergence.py --town very_peripheral --seeds 20 --jobs 1
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

SOURCES: dict[str, tuple[str, ...]] = {
    "initial town (people, ties, owners)": (
        "synthesis",
        "native",
        "owner_age",
        "tie ring",
        "ties",
    ),
    "traits (engagement, style, cars)": (
        "engagement",
        "engagement_style",
        "car_access",
        "car_loss",
    ),
    "demography": (
        "birth",
        "death",
        "couple",
        "couple_order",
        "couple_home",
        "partner",
        "separation",
        "separation_home",
        "leave_home",
    ),
    "migration": (
        "leave_town",
        "arrivals",
        "arrival",
        "arrival_order",
        "return",
        "newcomer",
        "newcomer member",
        "study",
    ),
    "work (job choice, job changes)": ("work", "job_change", "job_loss"),
    "services and budget": ("owner_retires", "successor", "entry", "consolidation_cut"),
    "employers' fortunes": (
        "employer_fortune",
        "local_jobs",
        "employer_closure",
        "firm_relocation",
    ),
    "local events (news, image)": ("local_event", "local_event_size"),
    "housing": ("construction", "renovation", "reactivation"),
    "key persons": ("key_persons",),
    "civic (ideas, recruitment)": (
        "idea",
        "start",
        "founding",
        "join",
        "join_outreach",
        "burnout",
        "member_turnover",
        "project_term",
    ),
}

_SEEN: set[str] = set()  # decisions drawn in this worker (to report unassigned ones)


def one_run(
    town: str,
    seed: int,
    years: int,
    vary: tuple[str, ...] | None,
    invert: bool = False,
    overrides: tuple[str, ...] = (),
) -> tuple[float, set[str]]:
    """Population change (%) when only the decisions in ``vary`` draw with ``seed`` (None: all;
    ``invert``: all but those), and the decisions drawn."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from reference_runs import compose

    from sim import randomness
    from sim.model import TownModel

    original = randomness.__dict__.setdefault("_unpatched_key", randomness.Streams.key)
    _SEEN.clear()
    fixed = int(randomness.combine(randomness.name_key("kleinstadt"), 0))
    group = set(vary or ())

    def key(self, decision: str, year: int, *extra: int):
        _SEEN.add(decision)
        if vary is None:
            own = int(self._seed_key)
        else:
            varies = (decision.split("/")[0] in group) != invert
            own = int(self._seed_key) if varies else fixed
        return randomness.combine(own, randomness.name_key(decision), int(year), *extra)

    randomness.Streams.key = key  # this worker process only (undone below)
    try:
        cfg = compose([f"town={town}", f"seed={seed}", f"years={years}", *overrides])
        cfg.output.progress = False
        model = TownModel(cfg)
        start = model.population.size
        for _ in range(years):
            model.step()
    finally:
        randomness.Streams.key = original
    return 100.0 * (model.population.size / start - 1.0), set(_SEEN)


def attribution(
    town: str = "peripheral",
    seeds: int = 10,
    years: int = 20,
    jobs: int = 1,
    overrides: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, list[float], set[str]]:
    """The table (one row per source), the changes with everything varying, and decisions
    drawn that belong to no source (they stay fixed in the source runs)."""
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    todo: list[tuple[str, bool, int]] = [("all sources", False, s) for s in range(1, seeds + 1)]
    for name in SOURCES:
        todo += [(name, invert, s) for invert in (False, True) for s in range(1, seeds + 1)]
    values = Parallel(n_jobs=jobs, return_as="generator")(
        delayed(one_run)(town, s, years, SOURCES.get(name), invert, overrides)
        for name, invert, s in todo
    )
    results: dict[tuple[str, bool], list[float]] = {}
    seen: set[str] = set()
    for (name, invert, _), (v, decisions) in zip(
        todo, tqdm(values, total=len(todo), desc="runs", unit="run"), strict=True
    ):
        results.setdefault((name, invert), []).append(v)
        seen |= decisions
    everything = results[("all sources", False)]
    total = float(np.var(everything, ddof=1))
    rows = [
        {
            "source": "all sources",
            "mean change %": round(float(np.mean(everything)), 2),
            "SD pp": round(float(np.sqrt(total)), 2),
            "SD alone pp": np.nan,
            "share alone": 1.0,
            "SD held fixed pp": np.nan,
            "share gone when fixed": 1.0,
        }
    ]
    for name in SOURCES:
        alone, fixed = results[(name, False)], results[(name, True)]
        var_alone, var_fixed = np.var(alone, ddof=1), np.var(fixed, ddof=1)
        rows.append(
            {
                "source": name,
                "mean change %": round(float(np.mean(alone)), 2),
                "SD pp": np.nan,
                "SD alone pp": round(float(np.sqrt(var_alone)), 2),
                "share alone": round(float(var_alone / total), 2) if total else np.nan,
                "SD held fixed pp": round(float(np.sqrt(var_fixed)), 2),
                "share gone when fixed": round(float(1.0 - var_fixed / total), 2)
                if total
                else np.nan,
            }
        )
    known = {d for group in SOURCES.values() for d in group}
    unassigned = {d for d in seen if d.split("/")[0] not in known}
    return pd.DataFrame(rows), everything, unassigned


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0] + " Prints a table; writes no file.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--town", default="peripheral", help="a built-in town")
    parser.add_argument("--seeds", type=int, default=10, help="seeds per configuration")
    parser.add_argument("--years", type=int, default=20, help="years per run")
    parser.add_argument("--jobs", type=int, default=2, help="parallel processes")
    parser.add_argument(
        "overrides", nargs="*", help="further Hydra overrides, e.g. economy.firm_growth_sd=0"
    )
    args = parser.parse_args(argv)
    table, everything, unassigned = attribution(
        args.town, args.seeds, args.years, args.jobs, tuple(args.overrides)
    )
    stable = np.mean([v >= -2.0 for v in everything])
    print(
        f"{args.town}, {args.seeds} seeds, {args.years} years: population change "
        f"{min(everything):+.1f} … {max(everything):+.1f} %, SD {np.std(everything, ddof=1):.2f} pp, "
        f"stable (>= -2 %) in {stable:.0%}"
    )
    with pd.option_context("display.width", 200):
        print(table.to_string(index=False))
    if unassigned:
        print("decisions in no source (fixed in the source runs): " + ", ".join(sorted(unassigned)))
    return table


if __name__ == "__main__":
    main()
