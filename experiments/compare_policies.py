"""Compare policies against the baseline on the same seeds, from finished run directories.

Reads run directories (never re-runs a model): every folder under the given paths that holds
a ``summary.json`` of a complete run, its ``metrics.parquet`` and Hydra's ``.hydra`` files,
e.g. the multirun folder of ``python -m sim -m +experiment=policy_comparison``. Runs are
grouped by town and by any other override they share (a parameter swept alongside the
policies, say), and each policy run is paired with the baseline run of the same town,
variant and seed (common random numbers: the same people and draws until a lever acts).

For each policy, town and horizon (default 20 and 30 years) it reports the difference to the
baseline in:

- population (residents, and % of the baseline's);
- mean quality of life (``qol_mean``);
- services kept (providers open that serve residents; employers not counted);
- initiatives institutionalised (running for years, no longer dependent on founders);
- municipal debt (EUR; positive: more debt than the baseline);

and the policy's cost (mean EUR a year to the horizon). Intervals are over seeds: the mean,
its 95 % confidence interval (Student's t over the paired differences: wide with few seeds) and
the 5–95 % range of single seeds.

Usage::

    python experiments/compare_policies.py multirun/policy_comparison/2026-11-23_12-00-00
    python experiments/compare_policies.py RUNS [RUNS ...] --out results/policies --at 10,20,30

Outputs in ``--out`` (default: the first folder given): ``policy_comparison.csv`` (one row per
policy, town, variant, seed and horizon), ``policy_comparison_summary.csv``,
``policy_comparison.md`` (the table) and ``policy_comparison.png`` (the figure), and
``policy_comparison_pairing.csv``: per policy, town and horizon the SD of the paired
differences in population against that of independent runs, the variance-reduction factor
and the seeds a ±``--half-width`` confidence interval needs (also a section of the table).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from sim.metrics import services_open_total

BASELINE = "baseline"
KEYS = ("town", "variant", "seed")
SWEPT = {
    "town.file",  # the town's name identifies it (a path would be a variant of its own)
    "policy",
    "seed",
    "town",
    "years",
    "output.plots",
    "output.progress",
    "experiment",
    "+experiment",
}
MEASURES = {
    # column: (label, format, unit)
    "population": ("population", "+.0f", "residents"),
    "population_pct": ("population %", "+.1f", "%"),
    "qol_mean": ("mean QoL", "+.4f", ""),
    "services_kept": ("services kept", "+.1f", "providers"),
    "initiatives_institutionalised": ("institutions", "+.1f", "initiatives"),
    "municipal_debt_eur": ("municipal debt", "+,.0f", "EUR"),
}


def _override_key(override: str) -> str:
    return override.split("=", 1)[0].lstrip("+~")


def find_runs(folders: list[Path]) -> tuple[pd.DataFrame, list[str]]:
    """Yearly metrics of every complete run under ``folders``, with policy, town, variant, seed."""
    frames, notes = [], []
    seen: dict[tuple, Path] = {}
    summaries = sorted({p for folder in folders for p in folder.rglob("summary.json")})
    for path in summaries:
        run = path.parent
        summary = json.loads(path.read_text())
        if summary.get("status") != "complete":
            notes.append(f"{run}: not complete (status {summary.get('status')!r}), left out")
            continue
        config_file, overrides_file = (
            run / ".hydra" / "config.yaml",
            run / ".hydra" / "overrides.yaml",
        )
        if not config_file.exists() or not (run / "metrics.parquet").exists():
            notes.append(f"{run}: no .hydra/config.yaml or metrics.parquet, left out")
            continue
        config = yaml.safe_load(config_file.read_text())
        overrides = yaml.safe_load(overrides_file.read_text()) if overrides_file.exists() else []
        variant = (
            ",".join(sorted(o for o in overrides or [] if _override_key(o) not in SWEPT)) or "-"
        )
        policy = (config.get("policy") or {}).get("name", BASELINE)
        town = summary.get("town") or config["town"]["name"]
        key = (policy, town, variant, int(config["seed"]))
        if key in seen:
            raise SystemExit(
                f"two runs of policy {policy!r}, town {town!r}, variant {variant!r}, seed {key[3]}: {seen[key]} and {run}. Give folders of one sweep (or sweeps that do not overlap)."
            )
        seen[key] = run
        metrics = pd.read_parquet(run / "metrics.parquet")
        frame = pd.DataFrame(
            {
                "year": metrics["year"],
                "population": metrics["population"],
                "qol_mean": metrics["qol_mean"],
                "services_kept": services_open_total(metrics, employers=False),
                "initiatives_institutionalised": metrics["initiatives_institutionalised"],
                "municipal_debt_eur": metrics["municipal_debt_eur"],
                "policy_cost_eur": metrics["policy_cost_eur"],
            }
        )
        frame["policy"], frame["town"], frame["variant"], frame["seed"] = key
        frames.append(frame)
    if not frames:
        raise SystemExit(
            f"no complete runs (summary.json with status 'complete') under {', '.join(map(str, folders))}"
        )
    return pd.concat(frames, ignore_index=True), notes


def paired_differences(
    metrics: pd.DataFrame, horizons: list[int]
) -> tuple[pd.DataFrame, list[str]]:
    """One row per policy run and horizon: its difference to the baseline of the same seed."""
    notes = []
    base = metrics[metrics.policy == BASELINE].set_index([*KEYS, "year"]).sort_index()
    towns_without = sorted(set(metrics.town) - set(base.index.get_level_values("town")))
    if towns_without:
        raise SystemExit(
            f"no baseline runs for town(s) {', '.join(towns_without)}: include policy=baseline in the sweep (each policy is compared with the baseline on the same seeds)"
        )
    rows = []
    for (policy, town, variant, seed), run in metrics[metrics.policy != BASELINE].groupby(
        ["policy", *KEYS]
    ):
        if (town, variant, seed) not in base.index.droplevel("year"):
            notes.append(
                f"{policy} on {town} ({variant}) seed {seed}: no baseline run with this seed, left out"
            )
            continue
        b = base.loc[(town, variant, seed)]
        run = run.set_index("year")
        for horizon in horizons:
            if horizon not in run.index or horizon not in b.index:
                continue
            row = {
                "policy": policy,
                "town": town,
                "variant": variant,
                "seed": seed,
                "year": horizon,
            }
            for column in (
                "population",
                "qol_mean",
                "services_kept",
                "initiatives_institutionalised",
                "municipal_debt_eur",
            ):
                row[column] = float(run.at[horizon, column] - b.at[horizon, column])
            row["population_pct"] = 100.0 * row["population"] / float(b.at[horizon, "population"])
            row["population_policy"] = float(run.at[horizon, "population"])
            row["population_baseline"] = float(b.at[horizon, "population"])
            costs = run.loc[1:horizon, "policy_cost_eur"]
            row["cost_eur_per_year"] = float(costs.mean()) if len(costs) else 0.0
            rows.append(row)
    if not rows:
        years = sorted(set(metrics["year"]) - {0})
        raise SystemExit(
            f"nothing to compare at years {horizons}: the runs need policies besides the baseline, and years they reached"
            f" (these runs have years {years[0]}–{years[-1]}; choose with --at, e.g. --at {years[-1]})"
            if years
            else "nothing to compare: the runs have no simulated years"
        )
    return pd.DataFrame(rows), notes


def ci_half_width(values: np.ndarray) -> float:
    """Half-width of the 95 % confidence interval of the mean (Student's t; NaN for one value)."""
    n = len(values)
    if n < 2:
        return float("nan")
    return float(stats.t.ppf(0.975, n - 1) * np.std(values, ddof=1) / np.sqrt(n))


def summarise(diffs: pd.DataFrame) -> pd.DataFrame:
    """Mean, 95 % CI of the mean and 5–95 % range over seeds, per policy, town, variant, year."""
    out = []
    for (policy, town, variant, year), group in diffs.groupby(
        ["policy", "town", "variant", "year"], sort=False
    ):
        entry = {
            "policy": policy,
            "town": town,
            "variant": variant,
            "year": year,
            "seeds": len(group),
            "cost_eur_per_year": group["cost_eur_per_year"].mean(),
        }
        for column in MEASURES:
            values = group[column]
            half = ci_half_width(values.to_numpy())
            entry[f"{column}_mean"] = values.mean()
            entry[f"{column}_ci_low"] = values.mean() - half
            entry[f"{column}_ci_high"] = values.mean() + half
            entry[f"{column}_p05"] = values.quantile(0.05)
            entry[f"{column}_p95"] = values.quantile(0.95)
        out.append(entry)
    return pd.DataFrame(out)


def pairing(diffs: pd.DataFrame, half_width: float) -> pd.DataFrame:
    """What pairing buys for population, per policy, town, variant and year (sim/pairing.py)."""
    from sim.pairing import pairing_table

    by = ["policy", "town", "variant", "year"]
    return pairing_table(diffs, by, "population_policy", "population_baseline", half_width)


def pairing_markdown(table: pd.DataFrame, half_width: float) -> str:
    lines = [
        "## What pairing buys (population)",
        "",
        "SD of the per-seed differences to the baseline (paired) against that of two independent "
        f"runs (unpaired); seeds needed for a 95 % CI of ±{half_width:g} residents.",
        "",
        "| town | year | policy | SD paired | SD unpaired | variance reduction | seeds needed (paired / unpaired) |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {row.town} | {row.year} | {row.policy} | {row.sd_paired:.0f} | "
        f"{row.sd_unpaired:.0f} | {row.variance_reduction:.1f}× | "
        f"{row.seeds_needed_paired:.0f} / {row.seeds_needed_unpaired:.0f} |"
        for row in table.sort_values(["town", "year", "policy"]).itertuples()
    ]
    return "\n".join(lines) + "\n"


def markdown(summary: pd.DataFrame) -> str:
    """One table per town (and variant) and horizon: mean ± half-width of the 95 % CI."""
    lines = [
        "Each policy minus the baseline on the same seeds: mean ± half-width of the 95 % confidence interval of the mean over seeds (5–95 % range of single seeds in policy_comparison_summary.csv). Debt: positive means more municipal debt than the baseline.",
        "",
    ]
    for (town, variant, year), table in summary.groupby(["town", "variant", "year"], sort=True):
        title = f"## {town}, after {year} years" + ("" if variant == "-" else f" ({variant})")
        lines += [
            title,
            "",
            f"| policy | seeds | {' | '.join(label for label, _, _ in MEASURES.values())} | cost EUR/yr |",
            "|---|---:|" + "---:|" * (len(MEASURES) + 1),
        ]
        for _, row in table.sort_values("population_mean", ascending=False).iterrows():
            cells = []
            for column, (_, fmt, _) in MEASURES.items():
                half = (row[f"{column}_ci_high"] - row[f"{column}_ci_low"]) / 2
                cells.append(
                    f"{row[f'{column}_mean']:{fmt}} ± {abs(half):{fmt.lstrip('+')}}"
                    if np.isfinite(half)
                    else f"{row[f'{column}_mean']:{fmt}}"
                )
            lines.append(
                f"| {row['policy']} | {row['seeds']} | {' | '.join(cells)} | {row['cost_eur_per_year']:,.0f} |"
            )
        lines.append("")
    return "\n".join(lines)


def figure(diffs: pd.DataFrame, path: Path) -> None:
    """Per horizon (``--at``) and measure: each policy's difference to the baseline, per town.

    One block of 2 x 3 panels per horizon; dots are single seeds, the marker and bar the mean
    and its 95 % CI.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    horizons = sorted(diffs["year"].unique())
    groups = list(dict.fromkeys(zip(diffs.town, diffs.variant, strict=True)))
    last = diffs[diffs.year == horizons[-1]]
    policies = sorted(
        diffs.policy.unique(), key=lambda p: -last[last.policy == p]["population"].mean()
    )
    columns = {
        "population_pct": "population, % of baseline",
        "qol_mean": "mean quality of life (index 0–1)",
        "services_kept": "services kept (providers)",
        "initiatives_institutionalised": "institutions (initiatives)",
        "municipal_debt_eur": "municipal debt (million EUR)",
        "cost_eur_per_year": "policy cost (thousand EUR a year)",
    }
    scale = {"municipal_debt_eur": 1e-6, "cost_eur_per_year": 1e-3}
    row_height = max(2.4, 0.42 * len(policies) + 1.3)
    fig, axes = plt.subplots(
        2 * len(horizons), 3, figsize=(15, row_height * 2 * len(horizons) + 0.8), squeeze=False
    )
    colours = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7")
    markers = ("o", "s", "^", "D", "v", "P", "X")
    offsets = np.linspace(-0.25, 0.25, len(groups)) if len(groups) > 1 else [0.0]
    for h, year in enumerate(horizons):
        at = diffs[diffs.year == year]
        for n, (column, title) in enumerate(columns.items()):
            ax = axes[2 * h + n // 3, n % 3]
            for k, (town, variant) in enumerate(groups):
                sub = at[(at.town == town) & (at.variant == variant)]
                label = town if variant == "-" else f"{town} ({variant})"
                for i, policy in enumerate(policies):
                    values = sub[sub.policy == policy][column].to_numpy() * scale.get(column, 1.0)
                    if values.size == 0:
                        continue
                    y = i + offsets[k]
                    colour = colours[k % len(colours)]
                    ax.scatter(
                        values,
                        np.full(values.size, y),
                        s=16,
                        color=colour,
                        alpha=0.55,
                        linewidths=0,
                    )
                    ax.errorbar(
                        values.mean(),
                        y,
                        xerr=np.nan_to_num(ci_half_width(values)),
                        fmt=markers[k % len(markers)],
                        ms=6,
                        color=colour,
                        capsize=3,
                        label=label if (i == 0 and h == 0 and n == 0) else None,
                    )
            ax.axvline(0, color="black", lw=0.8)
            ax.set_title(f"after {year} years: {title}", fontsize=9)
            ax.set_xlabel(title.split("(")[-1].rstrip(")") if "(" in title else "%", fontsize=8)
            ax.grid(axis="x", alpha=0.3)
            ax.tick_params(labelsize=7)
            ax.set_yticks(range(len(policies)), policies if n % 3 == 0 else [], fontsize=8)
            ax.set_ylim(len(policies) - 0.5, -0.5)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="upper center",
        ncol=min(len(labels), 4),
        fontsize=8,
        frameon=False,
        bbox_to_anchor=(0.5, 1 - 0.3 / fig.get_figheight()),
    )
    fig.suptitle(
        "Policies minus the baseline on the same seeds (dots: seeds; marker and bar: mean and 95 % CI)",
        fontsize=10,
        y=1 - 0.05 / fig.get_figheight(),
    )
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.7 / fig.get_figheight()))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "runs", nargs="+", type=Path, help="folders holding run directories (a multirun folder)"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="results folder (default: the first runs folder)"
    )
    parser.add_argument(
        "--at", default="20,30", help="horizons in years, comma-separated (default 20,30)"
    )
    parser.add_argument(
        "--half-width",
        type=float,
        default=50.0,
        help="target half-width of the population CI for the seeds-needed figures (default 50)",
    )
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.runs if not p.is_dir()]
    if missing:
        parser.error(f"not a folder: {', '.join(missing)}")
    try:
        horizons = sorted({int(x) for x in args.at.split(",") if x.strip()})
    except ValueError:
        parser.error(f"--at: whole years separated by commas, e.g. 20,30 (got {args.at!r})")
    if not horizons or min(horizons) < 1:
        parser.error(f"--at: years >= 1 (got {args.at!r})")
    metrics, notes = find_runs(args.runs)
    diffs, more = paired_differences(metrics, horizons)
    notes += more
    missing = sorted(set(horizons) - set(diffs["year"]))
    if missing:
        notes.append(
            f"--at {','.join(map(str, missing))}: no run reached {'these years' if len(missing) > 1 else 'this year'} (the runs end at year {int(metrics['year'].max())})"
        )
    summary = summarise(diffs)
    out = args.out or args.runs[0]
    out.mkdir(parents=True, exist_ok=True)
    diffs.to_csv(out / "policy_comparison.csv", index=False)
    summary.to_csv(out / "policy_comparison_summary.csv", index=False)
    pairs = pairing(diffs, args.half_width)
    pairs.to_csv(out / "policy_comparison_pairing.csv", index=False)
    text = markdown(summary) + "\n" + pairing_markdown(pairs, args.half_width)
    if notes:
        text += "\nLeft out:\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    (out / "policy_comparison.md").write_text(text)
    figure(diffs, out / "policy_comparison.png")
    n_runs = metrics.groupby(["policy", *KEYS]).ngroups
    print(text.rstrip() + "\n")
    print(
        f"{n_runs} runs read; table and figure in {out}/policy_comparison.{{md,csv,png}}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
