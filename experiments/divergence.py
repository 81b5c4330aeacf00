"""Sources of divergence: how much of the spread across seeds each random source explains.

Every random number is keyed by (seed, decision, year, entity) (sim/randomness.py), so one
source's randomness can be switched on alone: in a run with seed s, the decisions of one group
draw with seed s and all others with a fixed seed (0). The variance across s of an outcome
(default: population change over the horizon) with only that group varying, divided by the
variance with everything varying, is the share that source explains on its own (first-order;
shares need not add up to 1 because sources interact).

Usage::

    python experiments/divergence.py                    # peripheral, 10 seeds, 20 years
    python experiments/divergence.py --town very_peripheral --seeds 20
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

SOURCES: dict[str, tuple[str, ...]] = {
    "initial town (people, ties, owners)": ("synthesis", "native", "owner_age", "tie ring"),
    "traits (engagement, cars)": ("engagement", "car_access", "car_loss"),
    "demography": (
        "birth",
        "death",
        "couple",
        "couple_order",
        "partner",
        "separation",
        "leave_home",
    ),
    "migration": (
        "leave_town",
        "arrivals",
        "arrival_order",
        "return",
        "newcomer",
        "newcomer member",
        "study",
    ),
    "work": ("job_change",),
    "services and employers": ("owner_retires", "successor", "entry"),
    "housing": ("construction", "renovation", "reactivation"),
    "civic (ideas, key persons, recruitment)": (
        "idea",
        "start",
        "founding",
        "join",
        "join_outreach",
        "burnout",
        "member_turnover",
    ),
}


def one_run(town: str, seed: int, years: int, vary: tuple[str, ...] | None) -> float:
    """Population change (%) when only the decisions in ``vary`` draw with ``seed`` (None: all)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from reference_runs import compose

    from sim import randomness
    from sim.model import TownModel

    original = randomness.__dict__.setdefault("_unpatched_key", randomness.Streams.key)
    randomness.Streams.key = original  # workers are reused: undo an earlier task's patch
    if vary is not None:
        fixed = int(randomness.combine(randomness.name_key("kleinstadt"), 0))

        def key(self, decision: str, year: int, *extra: int):
            own = int(self._seed_key) if decision in vary else fixed
            return randomness.combine(own, randomness.name_key(decision), int(year), *extra)

        randomness.Streams.key = key  # this worker process only
    cfg = compose([f"town={town}", f"seed={seed}", f"years={years}"])
    cfg.output.progress = False
    model = TownModel(cfg)
    start = model.population.size
    for _ in range(years):
        model.step()
    return 100.0 * (model.population.size / start - 1.0)


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--town", default="peripheral")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    groups: dict[str, tuple[str, ...] | None] = {"all sources": None, **SOURCES}
    todo = [(name, s) for name in groups for s in range(1, args.seeds + 1)]
    values = Parallel(n_jobs=args.jobs, return_as="generator")(
        delayed(one_run)(args.town, s, args.years, groups[name]) for name, s in todo
    )
    results: dict[str, list[float]] = {name: [] for name in groups}
    for (name, _), v in zip(
        todo, tqdm(values, total=len(todo), desc="runs", unit="run"), strict=True
    ):
        results[name].append(v)
    total = np.var(results["all sources"], ddof=1)
    table = pd.DataFrame(
        [
            {
                "source": name,
                "mean change %": round(float(np.mean(v)), 2),
                "SD pp": round(float(np.std(v, ddof=1)), 2),
                "share of variance": round(float(np.var(v, ddof=1) / total), 2)
                if total
                else np.nan,
            }
            for name, v in results.items()
        ]
    )
    print(f"{args.town}, {args.seeds} seeds, {args.years} years: population change")
    print(table.to_string(index=False))
    return table


if __name__ == "__main__":
    main()
