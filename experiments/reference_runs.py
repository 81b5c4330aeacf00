"""Reference runs: prove that a refactor changes no result.

Runs a fixed set of configurations (composed exactly as the command line composes them) and
writes every output table to a folder; ``--compare`` checks two such folders frame by frame.

Usage::

    python experiments/reference_runs.py --out /tmp/ref_before      # on the old commit
    python experiments/reference_runs.py --out /tmp/ref_after       # on the new commit
    python experiments/reference_runs.py --compare /tmp/ref_before /tmp/ref_after

The comparison exits 1 and names the first differing table, column and row when any output
differs (``pandas.testing.assert_frame_equal`` with ``check_exact=True``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

REFERENCE_RUNS: dict[str, list[str]] = {
    "peripheral_default": [],
    "region_all_recommendations_gp_shock": [
        "town=region",
        "policy=all_recommendations",
        "shock=gp_retires",
    ],
    "very_peripheral_gp_infill_phase_null": [
        "town=very_peripheral",
        "shock=gp_retires",
        "policy=infill_first",
        "policy.phase_null.enabled=true",
    ],
    "central_default": ["town=central"],
}
TABLES = ("metrics", "population", "events", "initiatives", "municipalities")


def compose(overrides: list[str]):
    """The typed Config the command line would build from ``overrides``."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    from sim.cli import to_config
    from sim.town import config_dir

    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        return to_config(hydra_compose(config_name="config", overrides=overrides))


def run_all(out: Path, years: int) -> None:
    from sim.run import run_simulation

    for name, overrides in REFERENCE_RUNS.items():
        cfg = compose([*overrides, f"years={years}"])
        cfg.output.progress = False
        result = run_simulation(cfg)
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        for table in TABLES:
            getattr(result, table).to_parquet(folder / f"{table}.parquet", index=False)
        print(f"{name}: population {result.summary['population_end']}", flush=True)


def compare(before: Path, after: Path) -> int:
    failures = 0
    for name in REFERENCE_RUNS:
        for table in TABLES:
            a = pd.read_parquet(before / name / f"{table}.parquet")
            b = pd.read_parquet(after / name / f"{table}.parquet")
            try:
                pd.testing.assert_frame_equal(a, b, check_exact=True)
            except AssertionError as err:
                failures += 1
                print(f"DIFFERENT {name}/{table}: {str(err).splitlines()[0:6]}")
            else:
                print(f"equal     {name}/{table} ({len(a)} rows x {a.shape[1]} columns)")
    print("all outputs identical" if not failures else f"{failures} table(s) differ")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="folder to write the reference outputs into")
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if not args.out:
        parser.error("give --out FOLDER or --compare BEFORE AFTER")
    run_all(args.out, args.years)
    return 0


if __name__ == "__main__":
    sys.exit(main())
