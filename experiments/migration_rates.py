"""Gross out-migration by age band and the sex ratio of young adults, over seeds and towns.

For each archetype and seed, runs the town for ``--years`` years and reports: the yearly
gross out-migration rate by age band (leavers during the year / residents of the band at the
start of the year, pooled over years and seeds), women per 100 men aged 18–24 and 18–29 at
years 0, 15 and 30, and the population change. Targets: German gross mobility across district
borders, 9 / 10 / 4 / 1 % for 18–24 / 25–29 / 30–49 / 50+ (bpb Sozialbericht 2024).

Usage::

    python experiments/migration_rates.py                       # 3 archetypes x 10 seeds, 30 years
    python experiments/migration_rates.py --seeds 4 --years 15 migration.female_youth_factor=1.5
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

BANDS = (("18_24", 18, 24), ("25_29", 25, 29), ("30_49", 30, 49), ("50_plus", 50, 200))
TOWNS = ("central", "peripheral", "very_peripheral")


def _sex_ratio(p, rows, lo: int, hi: int) -> float:
    young = rows[(p.age[rows] >= lo) & (p.age[rows] <= hi)]
    men = int((~p.female[young]).sum())
    return 100.0 * float(p.female[young].sum()) / men if men else float("nan")


def one_run(town: str, seed: int, years: int, overrides: list[str]) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from reference_runs import compose

    from sim.model import TownModel

    cfg = compose([f"town={town}", f"seed={seed}", f"years={years}", *overrides])
    cfg.output.progress = False
    model = TownModel(cfg)
    p = model.population.people
    exposure = np.zeros(len(BANDS))
    leavers = np.zeros(len(BANDS))
    out: dict = {"town": town, "seed": seed}
    start = model.population.size
    for year in range(years + 1):
        rows = model.population.alive_rows
        if year in (0, 15, 30):
            out[f"w18_24_y{year}"] = _sex_ratio(p, rows, 18, 24)
            out[f"w18_29_y{year}"] = _sex_ratio(p, rows, 18, 29)
        if year == years:
            break
        # residents of each band at the start of the year, one year older (ageing comes first)
        age = p.age[rows] + 1
        exposure += [((age >= lo) & (age <= hi)).sum() for _, lo, hi in BANDS]
        model.step()
        fl = model.flows.out_by_band  # under_18, 18_24, 25_29, 30_49, 50_64, 65_plus
        leavers += [fl[1], fl[2], fl[3], fl[4] + fl[5]]
    for i, (name, _, _) in enumerate(BANDS):
        out[f"exp_{name}"] = exposure[i]
        out[f"out_{name}"] = leavers[i]
    out["pop_change_pct"] = 100.0 * (model.population.size / start - 1)
    return out


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--towns", nargs="+", default=list(TOWNS))
    parser.add_argument("--csv", type=Path, default=None, help="write the per-run table here")
    parser.add_argument("overrides", nargs="*", help="config overrides, e.g. migration.x=1")
    args = parser.parse_args(argv)
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    todo = [(t, s) for t in args.towns for s in range(args.seeds)]
    results = Parallel(n_jobs=args.jobs, return_as="generator")(
        delayed(one_run)(t, s, args.years, args.overrides) for t, s in todo
    )
    runs = pd.DataFrame(list(tqdm(results, total=len(todo), desc="runs", unit="run")))
    if args.csv:
        runs.to_csv(args.csv, index=False)
    rows = []
    for town, g in runs.groupby("town", sort=False):
        row = {"town": town}
        for name, _, _ in BANDS:
            row[f"out_{name} %"] = round(100 * g[f"out_{name}"].sum() / g[f"exp_{name}"].sum(), 2)
        for col in [c for c in runs.columns if c.startswith("w18")]:
            row[col] = round(g[col].mean(), 1)
        row["pop_change %"] = round(g["pop_change_pct"].mean(), 1)
        row["pop_change sd"] = round(g["pop_change_pct"].std(), 1)
        rows.append(row)
    table = pd.DataFrame(rows).set_index("town").T
    print(table.to_string())
    return table


if __name__ == "__main__":
    main()
