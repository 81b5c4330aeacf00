"""The municipal purse per archetype over seeds: prints figures, asserts nothing.

For each archetype and seed it runs the baseline (composed as the command line composes it)
and reports, as mean [min–max] over seeds: the mean yearly balance (deficit < 0), the share of
years in deficit, debt per resident at the last year and its maximum over the years, pools
and bus lines closed by year 20 and by the last year (and how many the town had), and the
property-tax multiplier (Hebesatz) at years 0, 10, 20 and the last year where the model has it.

Usage::

    python experiments/budget_figures.py                       # 3 archetypes x 10 seeds x 30 years
    python experiments/budget_figures.py --seeds 3 --years 20  # quicker
    python experiments/budget_figures.py --json out.json       # the per-run figures as well
    python experiments/budget_figures.py --policy r4_municipal_resources
    python experiments/budget_figures.py --plot purse.png      # the paths by year, per archetype
    python experiments/budget_figures.py --set municipality.cut_decision_rate=0.6
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference_runs import compose

ARCHETYPES = ("central", "peripheral", "very_peripheral")


def run_one(
    town: str, seed: int, years: int, policy: str = "baseline", overrides: tuple[str, ...] = ()
) -> dict:
    """The purse figures of one run (the baseline policy unless told; further overrides)."""
    from sim.run import run_simulation

    cfg = compose(
        [f"town={town}", f"seed={seed}", f"years={years}", f"policy={policy}", *overrides]
    )
    cfg.output.progress = False
    result = run_simulation(cfg)
    m = result.metrics.set_index("year")
    events = result.events
    closed = events[(events["kind"] == "closure")]
    out = {
        "town": town,
        "seed": seed,
        "balance_eur_per_year": float(m.loc[1:, "municipal_balance_eur"].mean()),
        "deficit_year_share": float((m.loc[1:, "municipal_balance_eur"] < 0).mean()),
        "debt_per_resident_end": float(m["municipal_debt_per_resident_eur"].iloc[-1]),
        "debt_per_resident_max": float(m["municipal_debt_per_resident_eur"].max()),
        "population_end": int(m["population"].iloc[-1]),
        "initiatives_launched": int(m["initiatives_launched"].sum()),
        "qol_mean_end": float(m["qol_mean"].iloc[-1]),
    }
    if "municipalities_consolidating" in m:
        out["years_consolidating"] = int((m.loc[1:, "municipalities_consolidating"] > 0).sum())
        out["infrastructure_quality_end"] = float(m["infrastructure_quality"].iloc[-1])
    for kind in ("pool", "bus_line"):
        out[f"{kind}_initial"] = int(m[f"services_open_{kind}"].iloc[0])
        of_kind = closed[closed["provider_type"] == kind]
        for horizon in (20, years):
            out[f"{kind}_closed_by_{horizon}"] = int((of_kind["year"] <= horizon).sum())
            by_budget = of_kind["reason"].str.contains("debt|budget|consolidation")
            out[f"{kind}_cut_by_budget_by_{horizon}"] = int(
                (by_budget & (of_kind["year"] <= horizon)).sum()
            )
    series = ["municipal_debt_per_resident_eur", "municipal_balance_eur"]
    series += [c for c in ("property_tax_multiplier", "infrastructure_quality") if c in m]
    out["series"] = {c: m[c].tolist() for c in series}
    for column in ("property_tax_multiplier", "maintenance_backlog_eur", "grants_eur"):
        if column in m:
            for y in sorted({0, 10, 20, years}):
                if y in m.index:
                    out[f"{column}_{y}"] = float(m.loc[y, column])
    return out


def summarise(rows: list[dict]) -> None:
    """Print mean [min–max] over seeds per archetype and figure."""
    keys = [k for k in rows[0] if k not in ("town", "seed", "series")]
    for town in ARCHETYPES:
        of_town = [r for r in rows if r["town"] == town]
        if not of_town:
            continue
        print(f"\n{town} ({len(of_town)} seeds)")
        for key in keys:
            values = np.array([r.get(key, np.nan) for r in of_town], dtype=float)
            if np.all(np.isnan(values)):
                continue
            print(
                f"  {key:34s} {np.nanmean(values):>14,.2f}   "
                f"[{np.nanmin(values):,.2f} – {np.nanmax(values):,.2f}]"
            )


def plot(rows: list[dict], path: Path) -> None:
    """Per archetype, the mean over seeds (line) and the range (band) of each yearly series."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    titles = {
        "municipal_debt_per_resident_eur": "Debt per resident (EUR)",
        "municipal_balance_eur": "Balance (EUR/yr)",
        "property_tax_multiplier": "Hebesatz Grundsteuer B (%)",
        "infrastructure_quality": "Infrastructure quality (0.5 = national)",
    }
    columns = [c for c in titles if c in rows[0]["series"]]
    fig, axes = plt.subplots(1, len(columns), figsize=(4.2 * len(columns), 3.8))
    for ax, column in zip(np.atleast_1d(axes), columns, strict=True):
        for town in ARCHETYPES:
            values = np.array([r["series"][column] for r in rows if r["town"] == town])
            if values.size == 0:
                continue
            years = np.arange(values.shape[1])
            (line,) = ax.plot(years, values.mean(axis=0), label=town)
            ax.fill_between(
                years, values.min(axis=0), values.max(axis=0), alpha=0.2, color=line.get_color()
            )
        ax.set_title(titles[column], fontsize=10)
        ax.set_xlabel("year")
        ax.grid(alpha=0.3)
    np.atleast_1d(axes)[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--towns", nargs="+", default=list(ARCHETYPES), choices=ARCHETYPES)
    parser.add_argument("--policy", default="baseline", help="a file of configs/policy/")
    parser.add_argument("--set", nargs="*", default=[], help="overrides, e.g. a=1 b=2")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--plot", type=Path, default=None, help="write the yearly paths here")
    args = parser.parse_args()
    from tqdm.auto import tqdm

    jobs = [(t, s) for t in args.towns for s in range(args.seeds)]
    rows = [
        run_one(t, s, args.years, args.policy, tuple(args.set)) for t, s in tqdm(jobs, desc="runs")
    ]
    summarise(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    if args.plot:
        plot(rows, args.plot)
        print(f"\nplot: {args.plot}")


if __name__ == "__main__":
    main()
