"""Resilience of a town to shocks: each shock against the same town without it.

For each shock (and for the GP shock once more in the same town with a second GP practice
in the centre: the low-redundancy comparison, seed-notes §6.1, SF14) the script runs the
shocked and the unshocked configuration on the same seeds (common random numbers: identical
people and draws until the shock), writes every run into its own run directory, then reads
the run directories (never the models) and reports per shock, with intervals over seeds:

- QoL drop: the largest fall of mean quality of life below the counterfactual within 10
  years of the shock;
- population difference 10 and 20 years after the shock (shocked minus counterfactual);
- cascade: extra closures within 10 years caused by the shock (the shock's own closure not
  counted), the share of seeds with at least one, and where: the kinds and places with the
  most extra closures (``resilience_cascades.csv``: per kind and place, extra closures per
  seed and the share of seeds with one there);
- recovery: years until mean quality of life is back within 10 % of the largest drop of the
  counterfactual, or "not within the horizon".

Usage::

    python experiments/resilience.py                       # very_peripheral, 10 seeds, all shocks
    python experiments/resilience.py --town peripheral --set qol.marginality_buffer=0.5
    python experiments/resilience.py --town peripheral --seeds 20 --jobs 2
    python experiments/resilience.py --from results/resilience/2026-11-23_12-00-00   # re-analyse

Outputs in the results folder: ``resilience.csv`` (one row per shock and seed),
``resilience_summary.csv`` and ``resilience.md`` (the table), ``resilience.png`` (QoL and
population difference over time, median and 5–95 % band), ``resilience_pairing.csv`` (what
pairing buys: paired against unpaired SD of the population 10 years after the shock, the
variance reduction and the seeds needed for ±50 residents), and one run directory per run.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

SHOCKS = ("gp_retires", "grocer_closes", "employer_leaves", "school_closes", "bus_cut")
HORIZON_AFTER_SHOCK = 10


@dataclass(frozen=True)
class Scenario:
    """One configuration of the experiment; ``variant`` distinguishes town variants."""

    name: str
    shock: str
    variant: str  # "base" or "two_gps"


def scenarios(shocks: list[str]) -> list[Scenario]:
    out = [Scenario("baseline", "none", "base")]
    out += [Scenario(shock, shock, "base") for shock in shocks]
    if "gp_retires" in shocks:
        out += [
            Scenario("baseline (2 GP practices)", "none", "two_gps"),
            Scenario("gp_retires (2 GP practices)", "gp_retires", "two_gps"),
        ]
    return out


EXAMPLE_SET = "qol.marginality_buffer=0.5"

OWN_OPTIONS = {
    "seed": "use --seeds",
    "years": "use --years",
    "shock": "use --shocks and --shock-year",
    "output": "the runs write what the analysis reads",
    "policy": "the scenarios run without a policy",
}
"""Config paths the experiment sets for every run: ``--set`` refuses them."""


def parse_settings(items: list[str]) -> dict[str, Any]:
    """``--set path=value`` items as {path: value}: a numeric or true/false parameter of the
    parameter table (``python -m sim.config``), its value parsed as its default's type."""
    from sim.cli import unknown_override_hints
    from sim.config.table import parameter_table

    rows = {r["parameter"]: r for r in parameter_table()}
    out: dict[str, Any] = {}
    for item in items:
        path, sep, text = item.partition("=")
        if not sep or not path:
            raise SystemExit(f"resilience: --set {item!r}: expected path=value, e.g. {EXAMPLE_SET}")
        owned = next((p for p in OWN_OPTIONS if path == p or path.startswith(p + ".")), None)
        if owned is not None:
            raise SystemExit(
                f"resilience: --set {path}: set by the experiment itself ({OWN_OPTIONS[owned]})"
            )
        row = rows.get(path)
        if row is None:  # the command line's hints: the nearest names level by level
            hints = unknown_override_hints([item])
            problem = hints[0] if hints else f"{path} is not a single number or flag"
            raise SystemExit(
                f"resilience: --set {problem} (python -m sim.config lists the parameters)"
            )
        default = row["default"]
        try:
            if isinstance(default, bool):
                if text.lower() not in ("true", "false"):
                    raise ValueError
                value: Any = text.lower() == "true"
            elif isinstance(default, int):
                value = int(text)
            elif isinstance(default, float):
                value = float(text)
            else:
                raise SystemExit(
                    f"resilience: --set {path}: only numbers and true/false can be set here "
                    "(edit a config file or use the command line for the others)"
                )
        except ValueError:
            kind = "true or false" if isinstance(default, bool) else type(default).__name__
            raise SystemExit(f"resilience: --set {path}={text!r}: expected {kind}") from None
        out[path] = value
    return out


def settings_label(settings: dict[str, Any] | None) -> str:
    """The settings as ``path=value, ...`` ("" for none): recorded with every run."""
    return ", ".join(f"{k}={v}" for k, v in sorted((settings or {}).items()))


def build_config(
    town_arg: str,
    scenario: Scenario,
    seed: int,
    years: int,
    shock_year: int,
    settings: dict[str, Any] | None = None,
):
    """The Config of one run (plain dataclasses, no Hydra), with ``settings`` (path -> value)."""
    from sim.config import Config, ProviderConfig, ServiceType, validate
    from sim.ema import set_path
    from sim.town import builtin_town, builtin_towns, load_town_file

    town = builtin_town(town_arg) if town_arg in builtin_towns() else load_town_file(town_arg)
    town = copy.deepcopy(town)
    if scenario.variant == "two_gps":
        centre = next(p.name for p in town.places if p.kind.value == "centre")
        town.providers.append(ProviderConfig(type=ServiceType.gp, place=centre))
    cfg = Config(town=town, years=years, seed=seed)
    cfg.output.plots = False
    cfg.output.progress = False
    if scenario.shock != "none":
        cfg.shock = shock_config(scenario.shock)
        cfg.shock.year = shock_year
    for path, value in (settings or {}).items():
        set_path(cfg, path, value)
    if settings:
        validate(cfg)  # ConfigError with the field and what is allowed
    return cfg


def shock_config(name: str):
    """The shock as the command line's ``shock=<name>`` defines it (``configs/shock/<name>.yaml``).

    One definition for the CLI and this experiment: only the year is set here (``--shock-year``).
    """
    from sim.config import ShockConfig
    from sim.ema import group_config

    return group_config("shock", ShockConfig, name, lambda msg: SystemExit(f"resilience: {msg}"))


def _run_one(
    town_arg: str,
    scenario: Scenario,
    seed: int,
    years: int,
    shock_year: int,
    folder: str,
    settings: dict[str, Any] | None = None,
) -> str:
    from sim.config import ConfigError
    from sim.run import run_simulation, write_outputs

    out = Path(folder)
    try:
        result = run_simulation(build_config(town_arg, scenario, seed, years, shock_year, settings))
    except ConfigError as err:  # e.g. the town has no manufacturer for employer_leaves
        out.mkdir(parents=True, exist_ok=True)
        (out / "skipped.json").write_text(json.dumps({"reason": str(err)}) + "\n", encoding="utf-8")
        return str(out)
    write_outputs(result, out, plots=False)
    (out / "scenario.json").write_text(
        json.dumps(
            {
                "scenario": scenario.name,
                "shock": scenario.shock,
                "variant": scenario.variant,
                "seed": seed,
                "shock_year": shock_year,
                "town": town_arg,
                "settings": settings_label(settings),
            }
        )
        + "\n",
        encoding="utf-8",
    )
    return str(out)


def run_all(args: argparse.Namespace, folder: Path) -> None:
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    todo = []
    for scenario in scenarios(args.shocks):
        for seed in range(args.seeds):
            slug = scenario.name.replace(" ", "_").replace("(", "").replace(")", "")
            todo.append((scenario, seed, folder / "runs" / slug / f"seed={seed}"))
    jobs = Parallel(n_jobs=args.jobs, return_as="generator_unordered")(
        delayed(_run_one)(args.town, s, seed, args.years, args.shock_year, str(path), args.settings)
        for s, seed, path in todo
    )
    for _ in tqdm(jobs, total=len(todo), desc="runs", unit="run", disable=None):
        pass


def load_runs(folder: Path) -> tuple[pd.DataFrame, list[str]]:
    """Metrics of all run directories under ``folder`` with their scenario, and skip notes."""
    frames, skipped = [], []
    for path in sorted((folder / "runs").glob("*/seed=*")):
        if (path / "skipped.json").exists():
            skipped.append(
                f"{path.parent.name}: {json.loads((path / 'skipped.json').read_text())['reason']}"
            )
            continue
        if not (path / "summary.json").exists():
            continue  # incomplete run
        meta = json.loads((path / "scenario.json").read_text())
        metrics = pd.read_parquet(path / "metrics.parquet")
        for key, value in meta.items():
            metrics[key] = value
        frames.append(metrics)
    if not frames:
        raise SystemExit(f"no completed runs under {folder / 'runs'}")
    all_metrics = pd.concat(frames, ignore_index=True)
    return all_metrics, sorted(set(skipped))


def load_closures(folder: Path) -> pd.DataFrame:
    """Closures (not the shock's own) of all completed runs under ``folder``: year, kind of
    provider, place, with the run's scenario, shock, variant, seed and shock year."""
    frames = []
    for path in sorted((folder / "runs").glob("*/seed=*")):
        if not (path / "summary.json").exists() or not (path / "events.parquet").exists():
            continue
        meta = json.loads((path / "scenario.json").read_text())
        events = pd.read_parquet(path / "events.parquet")
        events = events[events["kind"] == "closure"][["year", "provider_type", "place"]].copy()
        for key in ("scenario", "shock", "variant", "seed", "shock_year"):
            events[key] = meta[key]
        frames.append(events)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _closures_in_window(frame: pd.DataFrame, year0: int) -> pd.Series:
    """Closures by seed, kind and place from the shock year to the horizon after it."""
    window = frame[(frame.year >= year0) & (frame.year <= year0 + HORIZON_AFTER_SHOCK)]
    return window.groupby(["seed", "provider_type", "place"]).size()


def cascades_by_kind(closures: pd.DataFrame) -> pd.DataFrame:
    """Where closures cascade: per shock scenario, kind of provider and place, the extra
    closures within the horizon (shocked minus counterfactual, same seed), mean per seed, and
    the share of seeds with at least one extra closure there."""
    columns = [
        "scenario",
        "provider_type",
        "place",
        "extra_closures_per_seed",
        "seeds_with_extra_closure",
    ]
    if closures.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    shocked_all = closures[closures.shock != "none"]
    for (scenario, variant), shocked in shocked_all.groupby(["scenario", "variant"]):
        base_all = closures[(closures.shock == "none") & (closures.variant == variant)]
        seeds = sorted(set(closures[closures.scenario == scenario].seed))
        year0 = int(shocked["shock_year"].iloc[0])

        extra = _closures_in_window(shocked, year0).sub(
            _closures_in_window(base_all, year0), fill_value=0
        )
        extra = extra[extra.index.get_level_values("seed").isin(seeds)]
        for (kind, place), per_seed in extra.groupby(level=["provider_type", "place"]):
            values = per_seed.reindex(
                pd.MultiIndex.from_tuples(
                    [(s, kind, place) for s in seeds], names=extra.index.names
                ),
                fill_value=0,
            )
            rows.append(
                {
                    "scenario": scenario,
                    "provider_type": kind,
                    "place": place,
                    "extra_closures_per_seed": float(values.mean()),
                    "seeds_with_extra_closure": float((values >= 1).mean()),
                }
            )
    table = pd.DataFrame(rows, columns=columns)
    if table.empty:
        return table
    return table.sort_values(
        ["scenario", "extra_closures_per_seed"], ascending=[True, False], kind="stable"
    ).reset_index(drop=True)


def where_column(cascades: pd.DataFrame, scenario: str, top: int = 3) -> str:
    """The kinds and places with the most extra closures of a scenario, e.g. 'pub at X +0.4'."""
    if cascades.empty:
        return "–"
    rows = cascades[(cascades.scenario == scenario) & (cascades.extra_closures_per_seed > 0)]
    if rows.empty:
        return "–"
    return ", ".join(
        f"{r.provider_type} at {r.place} +{r.extra_closures_per_seed:.1f}"
        for r in rows.head(top).itertuples()
    )


def analyse(metrics: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per shock and seed: QoL drop, population differences, cascade, recovery; and paths."""
    rows, paths = [], []
    for (shock, variant), shocked in metrics[metrics.shock != "none"].groupby(["shock", "variant"]):
        base_all = metrics[(metrics.shock == "none") & (metrics.variant == variant)]
        scenario = shocked["scenario"].iloc[0]
        for seed, run in shocked.groupby("seed"):
            base = base_all[base_all.seed == seed].set_index("year")
            run = run.set_index("year")
            if base.empty:
                continue
            year0 = int(run["shock_year"].iloc[0])
            last = int(run.index.max())
            diff_qol = run["qol_mean"] - base["qol_mean"]
            diff_pop = run["population"] - base["population"]
            window = diff_qol.loc[year0 : min(year0 + HORIZON_AFTER_SHOCK, last)]
            drop = float(max(-window.min(), 0.0))
            tolerance = max(0.1 * drop, 1e-4)
            after = diff_qol.loc[year0:]
            low = int(after.idxmin())
            recovered = after.loc[low:][after.loc[low:] >= -tolerance]
            recovery = float(recovered.index[0] - year0) if len(recovered) else np.nan
            cascade = float(
                run["closures"].loc[year0 : year0 + HORIZON_AFTER_SHOCK].sum()
                - base["closures"].loc[year0 : year0 + HORIZON_AFTER_SHOCK].sum()
            )
            row = {
                "scenario": scenario,
                "shock": shock,
                "variant": variant,
                "seed": seed,
                "qol_drop": drop,
                "cascade_closures": cascade,
                "recovery_years": recovery,
            }
            for k in (10, 20):
                row[f"population_diff_{k}y"] = (
                    float(diff_pop.loc[year0 + k]) if year0 + k <= last else np.nan
                )
                row[f"population_{k}y_shocked"] = (
                    float(run["population"].loc[year0 + k]) if year0 + k <= last else np.nan
                )
                row[f"population_{k}y_counterfactual"] = (
                    float(base["population"].loc[year0 + k]) if year0 + k <= last else np.nan
                )
                row[f"population_diff_{k}y_pct"] = (
                    float(100 * diff_pop.loc[year0 + k] / base["population"].loc[year0 + k])
                    if year0 + k <= last
                    else np.nan
                )
            rows.append(row)
            paths.append(
                pd.DataFrame(
                    {
                        "scenario": scenario,
                        "seed": seed,
                        "years_after": diff_qol.index - year0,
                        "qol_diff": diff_qol.values,
                        "population_diff": diff_pop.values,
                    }
                )
            )
    per_seed = pd.DataFrame(rows)
    summary = []
    for scenario, group in per_seed.groupby("scenario", sort=False):
        entry = {"scenario": scenario, "seeds": len(group)}
        for column in (
            "qol_drop",
            "population_diff_10y",
            "population_diff_20y",
            "cascade_closures",
        ):
            values = group[column].dropna()
            entry[f"{column}_mean"] = values.mean() if len(values) else np.nan
            entry[f"{column}_p05"] = values.quantile(0.05) if len(values) else np.nan
            entry[f"{column}_p95"] = values.quantile(0.95) if len(values) else np.nan
        entry["cascade_share"] = float((group["cascade_closures"] >= 1).mean())
        recovered = group["recovery_years"].dropna()
        entry["recovered_share"] = len(recovered) / len(group)
        entry["recovery_years_median"] = recovered.median() if len(recovered) else np.nan
        summary.append(entry)
    return (
        per_seed,
        pd.DataFrame(summary),
        pd.concat(paths, ignore_index=True) if paths else pd.DataFrame(),
    )


def markdown(
    summary: pd.DataFrame,
    town: str,
    seeds: int,
    shock_year: int,
    horizon: int,
    cascades: pd.DataFrame | None = None,
    settings: str = "",
) -> str:
    def interval(row, column, fmt):
        return f"{row[column + '_mean']:{fmt}} [{row[column + '_p05']:{fmt}}, {row[column + '_p95']:{fmt}}]"

    lines = [
        f"Resilience of `{town}`{f' with {settings}' if settings else ''}: shock in year "
        f"{shock_year}, {seeds} seeds, {horizon} years; mean [5 %, 95 %] over seeds.",
        "",
        "| shock | QoL drop | population +10 y | population +20 y | extra closures in 10 y | seeds with a cascade | where (extra closures per seed) | recovered | years to recover (median) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    cascades = cascades if cascades is not None else pd.DataFrame()
    for _, row in summary.iterrows():
        recovery = (
            f"{row['recovery_years_median']:.0f}"
            if row["recovered_share"] > 0
            else "not within the horizon"
        )
        lines.append(
            f"| {row['scenario']} | {interval(row, 'qol_drop', '.4f')} | {interval(row, 'population_diff_10y', '+.0f')} | {interval(row, 'population_diff_20y', '+.0f')} "
            f"| {interval(row, 'cascade_closures', '+.1f')} | {100 * row['cascade_share']:.0f} % "
            f"| {where_column(cascades, row['scenario'])} | {100 * row['recovered_share']:.0f} % | {recovery} |"
        )
    return "\n".join(lines) + "\n"


def pairing(per_seed: pd.DataFrame, half_width: float = 50.0) -> pd.DataFrame:
    """What pairing buys for the population 10 years after the shock (sim/pairing.py)."""
    from sim.pairing import pairing_table

    shocked, counterfactual = "population_10y_shocked", "population_10y_counterfactual"
    return pairing_table(per_seed, ["scenario"], shocked, counterfactual, half_width, min_pairs=2)


def pairing_markdown(table: pd.DataFrame, half_width: float = 50.0) -> str:
    lines = [
        "",
        "What pairing buys (population 10 years after the shock): SD of the per-seed "
        "differences (paired) against that of two independent runs (unpaired); seeds needed "
        f"for a 95 % CI of ±{half_width:g} residents.",
        "",
        "| shock | SD paired | SD unpaired | variance reduction | seeds needed (paired / unpaired) |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {row.scenario} | {row.sd_paired:.0f} | {row.sd_unpaired:.0f} | "
        f"{row.variance_reduction:.1f}× | {row.seeds_needed_paired:.0f} / "
        f"{row.seeds_needed_unpaired:.0f} |"
        for row in table.itertuples()
    ]
    return "\n".join(lines) + "\n"


def figure(paths: pd.DataFrame, path: Path, town: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scenarios_ = list(dict.fromkeys(paths["scenario"]))
    colours = dict(zip(scenarios_, plt.get_cmap("tab10").colors, strict=False))
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.6))
    for ax, column, title in (
        (axes[0], "qol_diff", "Mean quality of life, shocked − counterfactual"),
        (axes[1], "population_diff", "Residents, shocked − counterfactual"),
    ):
        for scenario in scenarios_:
            g = paths[paths.scenario == scenario].groupby("years_after")[column]
            median, low, high = g.median(), g.quantile(0.05), g.quantile(0.95)
            ax.plot(median.index, median.values, label=scenario, color=colours[scenario], lw=1.8)
            ax.fill_between(
                median.index, low.values, high.values, color=colours[scenario], alpha=0.12
            )
        ax.axhline(0, color="black", lw=0.8)
        ax.axvline(0, color="grey", lw=0.8, ls=":")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("years after the shock")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, frameon=False)
    fig.suptitle(f"{town}: shocks against the same town without them (median, 5–95 % over seeds)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--town",
        default="very_peripheral",
        help="a built-in town or the path of an own-town YAML (default: very_peripheral)",
    )
    parser.add_argument("--seeds", type=int, default=10, help="seeds per scenario (default 10)")
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--shock-year", type=int, default=5)
    parser.add_argument(
        "--shocks", default=",".join(SHOCKS), help=f"comma-separated subset of {', '.join(SHOCKS)}"
    )
    parser.add_argument("--jobs", type=int, default=2, help="parallel processes (default 2)")
    parser.add_argument(
        "--out", default=None, help="results folder (default results/resilience/<date_time>)"
    )
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help=f"a parameter for every run, e.g. {EXAMPLE_SET} (repeatable; python -m sim.config "
        "lists the parameters)",
    )
    parser.add_argument(
        "--from",
        dest="source",
        default=None,
        help="analyse an existing results folder without running",
    )
    args = parser.parse_args(argv)
    args.shocks = [s.strip() for s in args.shocks.split(",") if s.strip()]
    unknown = [s for s in args.shocks if s not in SHOCKS]
    if unknown:
        parser.error(f"--shocks: unknown {unknown}; choose from {', '.join(SHOCKS)}")
    for flag, value in (("--seeds", args.seeds), ("--jobs", args.jobs)):
        if value < 1:
            parser.error(f"{flag} must be a whole number of at least 1, not {value}")
    if not 1 <= args.shock_year < args.years:
        parser.error(f"--shock-year must be between 1 and --years - 1 ({args.years - 1})")
    if args.settings and args.source:
        parser.error("--set and --from: the runs in the folder were made with their own settings")
    args.settings = parse_settings(args.settings)
    if not args.source:  # refuse a bad town or value before any run is written
        from sim.config import ConfigError
        from sim.town import builtin_towns

        if args.town not in builtin_towns() and not Path(args.town).is_file():
            parser.error(
                f"--town {args.town!r} is neither a built-in town ({', '.join(builtin_towns())}) "
                "nor an existing own-town YAML file"
            )
        try:
            build_config(args.town, scenarios([])[0], 0, args.years, 1, args.settings)
        except ConfigError as err:
            parser.error(f"{'--set' if args.settings else '--town'}: {err}")
    if args.source:
        folder = Path(args.source)
    else:
        folder = Path(args.out or f"results/resilience/{dt.datetime.now():%Y-%m-%d_%H-%M-%S}")
        folder.mkdir(parents=True, exist_ok=True)
        run_all(args, folder)
    metrics, skipped = load_runs(folder)
    per_seed, summary, paths = analyse(metrics)
    town = str(metrics["town"].iloc[0])
    seeds = int(metrics["seed"].nunique())
    shock_year = (
        int(metrics["shock_year"].dropna().iloc[0])
        if "shock_year" in metrics and metrics["shock_year"].notna().any()
        else args.shock_year
    )
    per_seed.to_csv(folder / "resilience.csv", index=False)
    summary.to_csv(folder / "resilience_summary.csv", index=False)
    cascades = cascades_by_kind(load_closures(folder))
    cascades.to_csv(folder / "resilience_cascades.csv", index=False)
    settings = str(metrics["settings"].iloc[0]) if "settings" in metrics else ""
    table = markdown(
        summary, town, seeds, shock_year, int(metrics["year"].max()), cascades, settings
    )
    pairs = pairing(per_seed)
    if not pairs.empty:
        pairs.to_csv(folder / "resilience_pairing.csv", index=False)
        table += pairing_markdown(pairs)
    if skipped:
        table += "\nSkipped: " + "; ".join(skipped) + "\n"
    (folder / "resilience.md").write_text(table, encoding="utf-8")
    if not paths.empty:
        figure(paths, folder / "resilience.png", town)
    sys.stdout.write(table)
    sys.stdout.write(f"\nResults: {folder}\n")


if __name__ == "__main__":
    main()
