"""Co-production by type: how often each kind of initiative starts, launches and lasts.

For each archetype and seed, runs the town for ``--years`` years and reports per initiative
type: starts, the share of starts that launch, the share of runs (towns) in which at least one
launches, the share of launched initiatives that still run 10 years after their launch (among
those launched at least 10 years before the end), and why the others failed or declined.

Targets (shared data README, seed-notes §4): about 6 of more than 130 advised citizen-shop
foundings failed; citizen buses and energy cooperatives are common but not universal.

Usage::

    python experiments/coproduction.py                       # 3 archetypes x 10 seeds, 30 years
    python experiments/coproduction.py --seeds 4 civic.coop_shop.critical_mass=80
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

TOWNS = ("central", "peripheral", "very_peripheral")
SURVIVAL_YEARS = 10


def one_run(town: str, seed: int, years: int, overrides: list[str]) -> pd.DataFrame:
    """One row per initiative: type, start, launch and end year, how it ended."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from reference_runs import compose

    from sim.run import run_simulation

    cfg = compose(
        [f"town={town}", f"seed={seed}", f"years={years}", "output.plots=false", *overrides]
    )
    cfg.output.progress = False
    result = run_simulation(cfg)
    model = result.model
    reasons = {
        int(e["provider_id"]): e["reason"]
        for e in model.events.rows
        if e["format"] == "initiative" and e["kind"] in ("failed", "declined")
    }
    rows = [
        {
            "town": town,
            "seed": seed,
            "type": i.kind.value,
            "started": i.started_year,
            "launched": i.launched_year,
            "ended": i.ended_year,
            "phase": i.phase.value,
            "reason": reasons.get(int(i.unique_id), ""),
            "size": i.size,
        }
        for i in model.civic.initiatives
    ]
    return pd.DataFrame(rows)


def summarise(table: pd.DataFrame, years: int, seeds: int) -> pd.DataFrame:
    out = []
    for (town, kind), g in table.groupby(["town", "type"], sort=True):
        launched = g[g["launched"].notna()]
        old = launched[launched["launched"] <= years - SURVIVAL_YEARS]
        survived = old[old["ended"].isna() | (old["ended"] - old["launched"] >= SURVIVAL_YEARS)]
        reasons = g.loc[g["reason"] != "", "reason"].value_counts()
        out.append(
            {
                "town": town,
                "type": kind,
                "starts": len(g),
                "launch/start": round(len(launched) / len(g), 2) if len(g) else float("nan"),
                "towns launching": round(launched["seed"].nunique() / seeds, 2),
                "survive 10y": f"{len(survived)}/{len(old)}",
                "why not": "; ".join(f"{r} {n}" for r, n in reasons.items()),
            }
        )
    return pd.DataFrame(out)


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--towns", nargs="+", default=list(TOWNS))
    parser.add_argument(
        "--csv", type=Path, default=None, help="write the per-initiative table here"
    )
    parser.add_argument("overrides", nargs="*", help="config overrides")
    args = parser.parse_args(argv)
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    todo = [(t, s) for t in args.towns for s in range(args.seeds)]
    results = Parallel(n_jobs=args.jobs, return_as="generator")(
        delayed(one_run)(t, s, args.years, args.overrides) for t, s in todo
    )
    table = pd.concat(list(tqdm(results, total=len(todo), desc="runs", unit="run")))
    if args.csv:
        table.to_csv(args.csv, index=False)
    summary = summarise(table, args.years, args.seeds)
    with pd.option_context("display.width", 250, "display.max_colwidth", 120):
        print(summary.to_string(index=False))
    return summary


if __name__ == "__main__":
    main()
