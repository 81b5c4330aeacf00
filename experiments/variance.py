"""What pairing buys: paired against unpaired differences for every shock and policy.

Runs the town without any change (the baseline) and each compared configuration on the same
seeds, then reports for a measure at a year (default: population at year 15): the mean
difference, the SD of the paired differences, the SD of the difference of independent runs,
the variance-reduction factor, and the seeds needed for a 95 % confidence interval of a chosen
half-width (default ±50 residents) with and without pairing (sim/pairing.py).

Usage::

    python experiments/variance.py                               # peripheral, 20 seeds, all
    python experiments/variance.py --town very_peripheral --seeds 10 --year 10
    python experiments/variance.py --compare shock=gp_retires policy=r4_municipal_resources

Writes ``variance.csv`` and ``variance.md`` into ``results/variance/<date_time>/`` (or
``--out``) and prints the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import pandas as pd

SHOCKS = ("gp_retires", "grocer_closes", "employer_leaves", "school_closes", "bus_cut")
LOCAL_POLICIES = (
    "r1_innovation_structures",
    "r2_entrepreneurship",
    "r3_financing_cooperation",
    "r4_municipal_resources",
    "r5_learning_places",
    "all_local_recommendations",
    "broadband",
    "infill_first",
    "citizen_bus_support",
    "phase_null",
)
DEFAULT_COMPARE = [f"shock={s}" for s in SHOCKS] + [f"policy={p}" for p in LOCAL_POLICIES]


def _one_run(overrides: list[str], measure: str, year: int) -> float | None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from reference_runs import compose

    from sim.config import ConfigError
    from sim.run import run_simulation

    try:
        cfg = compose([*overrides, f"years={year}", "output.plots=false"])
    except ConfigError:
        return None  # e.g. employer_leaves in a town without a manufacturer
    cfg.output.progress = False
    metrics = run_simulation(cfg).metrics
    return float(metrics.set_index("year").at[year, measure])


def measure_all(args: argparse.Namespace) -> pd.DataFrame:
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    from sim.pairing import paired_statistics

    town = [f"town={args.town}"]
    configs = {"baseline": town, **{c: [*town, c] for c in args.compare}}
    todo = [(name, seed) for name in configs for seed in range(args.seeds)]
    values = Parallel(n_jobs=args.jobs, return_as="generator")(
        delayed(_one_run)([*configs[name], f"seed={seed}"], args.measure, args.year)
        for name, seed in todo
    )
    results: dict[str, list[float | None]] = {name: [] for name in configs}
    for (name, _), value in zip(
        todo, tqdm(values, total=len(todo), desc="runs", unit="run", disable=None), strict=True
    ):
        results[name].append(value)
    base = results.pop("baseline")
    rows = []
    for name, treated in results.items():
        if any(v is None for v in treated):
            rows.append({"compared": name, "note": "not applicable to this town"})
            continue
        stats = paired_statistics(treated, base, half_width=args.half_width)
        rows.append({"compared": name, **stats, "note": ""})
    return pd.DataFrame(rows)


def markdown(table: pd.DataFrame, args: argparse.Namespace) -> str:
    lines = [
        f"`{args.measure}` at year {args.year}, town `{args.town}`, {args.seeds} seeds: each "
        "configuration minus the baseline on the same seed. SD paired: of the per-seed "
        "differences; SD unpaired: of the difference of two independent runs; reduction: "
        f"variance unpaired / paired; seeds needed: for a 95 % CI of ±{args.half_width:g}.",
        "",
        "| compared | mean difference | SD paired | SD unpaired | variance reduction | seeds needed (paired) | seeds needed (unpaired) |",
        "|---|---|---|---|---|---|---|",
    ]
    if args.seeds < 10:
        lines[0] += (
            f" With only {args.seeds} seeds these spreads are rough: one seed where the change"
            " works out differently can dominate; use 20 or more before reading much into them."
        )
    for row in table.itertuples():
        if row.note:
            lines.append(f"| {row.compared} | {row.note} | | | | | |")
            continue
        lines.append(
            f"| {row.compared} | {row.mean_difference:+.1f} | {row.sd_paired:.1f} | "
            f"{row.sd_unpaired:.1f} | {row.variance_reduction:.1f}× | "
            f"{row.seeds_needed_paired:.0f} | {row.seeds_needed_unpaired:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--town", default="peripheral")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--year", type=int, default=15)
    parser.add_argument("--measure", default="population")
    parser.add_argument("--half-width", type=float, default=50.0)
    parser.add_argument("--compare", nargs="+", default=DEFAULT_COMPARE, metavar="OVERRIDE")
    parser.add_argument("--jobs", type=int, default=-1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.seeds < 2:
        parser.error("--seeds must be at least 2 (a spread needs two pairs)")
    table = measure_all(args)
    out = args.out or Path("results/variance") / dt.datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "variance.csv", index=False)
    text = markdown(table, args)
    (out / "variance.md").write_text(text, encoding="utf-8")
    print(text)
    print(f"Written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
