"""The report's tables, from the runs' small tables (see runner.py). Every numeric column of
``metrics.parquet`` is summarised, so columns added later appear without changes here.

- ``trajectories``: per policy, year and measure the mean, SD and the 5/50/95 % quantiles
  over seeds (the spread of single runs);
- ``differences``: per policy, year and measure the paired difference to the baseline on the
  same seeds (``sim.pairing.paired_statistics``) with its 95 % confidence interval;
- ``costs``: the policy's cost per year, per resident and cumulated;
- ``ages``, ``places``, ``municipalities``: age structure, services kept per place,
  figures per municipality.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from sim.pairing import paired_statistics
from sim.report.runner import RunTables

BASELINE = "baseline"
ID_COLUMNS = ("policy", "seed", "year")


def stacked(runs: list[RunTables], name: str) -> pd.DataFrame:
    """One table of all runs (``metrics``, ``ages``, ...) with policy and seed columns."""
    frames = [getattr(r, name).assign(policy=r.policy, seed=r.seed) for r in runs]
    return pd.concat(frames, ignore_index=True)


def measures(metrics: pd.DataFrame) -> list[str]:
    """The numeric columns of the metrics (every one a measure of the report)."""
    return [
        c
        for c in metrics.columns
        if c not in ID_COLUMNS and pd.api.types.is_numeric_dtype(metrics[c])
    ]


def _long(metrics: pd.DataFrame) -> pd.DataFrame:
    cols = measures(metrics)
    return metrics.melt(
        id_vars=list(ID_COLUMNS), value_vars=cols, var_name="measure", value_name="value"
    ).astype({"value": float})


def spread(frame: pd.DataFrame, by: list[str], value: str = "value") -> pd.DataFrame:
    """Mean, SD, 5/50/95 % quantiles and number of seeds of ``value`` per group."""
    grouped = frame.groupby(by, sort=False)[value]
    out = grouped.agg(["mean", "std", "count"]).rename(columns={"std": "sd", "count": "seeds"})
    quantiles = grouped.quantile([0.05, 0.5, 0.95]).unstack()
    quantiles.columns = ["p05", "p50", "p95"]
    return out.join(quantiles).reset_index()


def trajectories(metrics: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Per policy, year and measure: the spread over seeds (long format)."""
    table = spread(_long(metrics), ["policy", "measure", "year"])
    table["policy"] = pd.Categorical(table["policy"], order, ordered=True)
    return table.sort_values(["policy", "measure", "year"]).reset_index(drop=True)


def differences(metrics: pd.DataFrame, order: list[str], years: list[int] | None = None):
    """Per policy (not the baseline), year and measure: the paired difference to the baseline.

    Columns: mean_difference, ci_low, ci_high (95 %, Student's t over the per-seed
    differences), sd_paired, sd_unpaired, variance_reduction (sim/pairing.py), seeds.
    """
    long = _long(metrics if years is None else metrics[metrics["year"].isin(years)])
    base = long[long.policy == BASELINE].drop(columns="policy")
    treated = long[long.policy != BASELINE]
    pairs = treated.merge(base, on=["seed", "year", "measure"], suffixes=("", "_baseline"))
    rows = []
    for (policy, measure, year), group in pairs.groupby(["policy", "measure", "year"], sort=False):
        s = paired_statistics(group["value"].to_numpy(), group["value_baseline"].to_numpy())
        n = int(s["seeds"])
        half = (
            float(stats.t.ppf(0.975, n - 1) * s["sd_paired"] / math.sqrt(n)) if n > 1 else math.nan
        )
        rows.append(
            {
                "policy": policy,
                "measure": measure,
                "year": year,
                "mean_difference": s["mean_difference"],
                "ci_low": s["mean_difference"] - half,
                "ci_high": s["mean_difference"] + half,
                "sd_paired": s["sd_paired"],
                "sd_unpaired": s["sd_unpaired"],
                "variance_reduction": s["variance_reduction"],
                "seeds": n,
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["policy"] = pd.Categorical(table["policy"], order, ordered=True)
    return table.sort_values(["policy", "measure", "year"]).reset_index(drop=True)


def costs(metrics: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Per policy and year: the policy's cost (EUR), per resident, and cumulated since year 1."""
    frame = metrics[[*list(ID_COLUMNS), "policy_cost_eur", "population"]].copy()
    frame = frame.sort_values(["policy", "seed", "year"])
    frame["cumulative_cost_eur"] = frame.groupby(["policy", "seed"])["policy_cost_eur"].cumsum()
    frame["cost_eur_per_resident"] = frame["policy_cost_eur"] / frame["population"].replace(
        0, np.nan
    )
    table = (
        frame.groupby(["policy", "year"], sort=False)[
            ["policy_cost_eur", "cost_eur_per_resident", "cumulative_cost_eur", "population"]
        ]
        .mean()
        .reset_index()
        .rename(columns={"policy_cost_eur": "cost_eur", "population": "residents_mean"})
    )
    table["policy"] = pd.Categorical(table["policy"], order, ordered=True)
    return table.sort_values(["policy", "year"]).reset_index(drop=True)


def cost_summary(metrics: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Per policy over the whole run: mean cost a year, total, per resident and year."""
    flows = metrics[metrics["year"] >= 1]
    per_run = flows.groupby(["policy", "seed"]).agg(
        cost_total_eur=("policy_cost_eur", "sum"),
        cost_eur_per_year=("policy_cost_eur", "mean"),
        resident_years=("population", "sum"),
    )
    per_run["cost_eur_per_resident_year"] = per_run["cost_total_eur"] / per_run[
        "resident_years"
    ].replace(0, np.nan)
    table = per_run.groupby("policy").mean().reindex(order).reset_index()
    return table.drop(columns="resident_years")


def ages(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Per policy, year and age group: residents and share (mean and spread over seeds)."""
    counts = spread(frame, ["policy", "age_group", "year"], "count")
    shares = spread(frame, ["policy", "age_group", "year"], "share")
    table = counts.merge(
        shares, on=["policy", "age_group", "year", "seeds"], suffixes=("_residents", "_share")
    )
    table["policy"] = pd.Categorical(table["policy"], order, ordered=True)
    return table.sort_values(["policy", "year", "age_group"]).reset_index(drop=True)


def places(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Per policy, place and service: open at the start, mean open at the end, share of seeds
    that keep at least one."""
    frame = frame.assign(kept_any=(frame["open_end"] > 0).astype(float))
    full = (
        frame.set_index(["policy", "seed", "municipality", "place", "service"])
        .unstack(["policy", "seed"])
        .fillna(0.0)
        .stack(["policy", "seed"], future_stack=True)
        .reset_index()
    )
    table = (
        full.groupby(["policy", "municipality", "place", "service"], sort=False)
        .agg(
            open_start=("open_start", "max"),
            open_end_mean=("open_end", "mean"),
            open_end_min=("open_end", "min"),
            open_end_max=("open_end", "max"),
            seeds_keeping_one=("kept_any", "mean"),
        )
        .reset_index()
    )
    table["policy"] = pd.Categorical(table["policy"], order, ordered=True)
    return table.sort_values(["policy", "municipality", "place", "service"]).reset_index(drop=True)


def municipalities(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Per policy, municipality and year: spread over seeds of each municipality column."""
    values = [c for c in frame.columns if c not in ("policy", "seed", "year", "municipality")]
    long = frame.melt(
        id_vars=["policy", "seed", "year", "municipality"],
        value_vars=values,
        var_name="measure",
        value_name="value",
    ).astype({"value": float})
    table = spread(long, ["policy", "municipality", "measure", "year"])
    table["policy"] = pd.Categorical(table["policy"], order, ordered=True)
    return table.sort_values(["policy", "municipality", "measure", "year"]).reset_index(drop=True)
