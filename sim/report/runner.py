"""The report's runs: every policy on the same seeds, in parallel processes, with progress.

Each run is ``sim.run.run_simulation`` in a worker process (not one Hydra process per run);
a worker sends back small tables only (never the model): the yearly metrics, the age
structure in broad groups, the municipalities and the providers per place at the start and
the end. Workers are started with ``spawn`` (no forked threads); a script that calls
``run_all`` or ``sim.report.main`` with ``jobs`` > 1 needs the ``if __name__ == "__main__":``
guard, like any script using process pools.
"""

from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from sim.config import Config
from sim.metrics import services_open_total

AGE_GROUPS: tuple[tuple[str, int, int], ...] = (
    ("0-19", 0, 19),
    ("20-39", 20, 39),
    ("40-64", 40, 64),
    ("65-79", 65, 79),
    ("80+", 80, 10_000),
)
"""Broad age groups of the report's age structure (built from the 5-year bands)."""


class ReportRunFailed(RuntimeError):
    """A run of the report failed (policy, seed and the run's own message)."""


@dataclass
class RunTables:
    """What one run sends back to the report."""

    policy: str
    seed: int
    metrics: pd.DataFrame
    ages: pd.DataFrame
    municipalities: pd.DataFrame
    places: pd.DataFrame
    summary: dict


def _band_start(label: str) -> int:
    return int(str(label).split("-")[0].rstrip("+"))


def broad_ages(population: pd.DataFrame) -> pd.DataFrame:
    """Residents per year and broad age group (:data:`AGE_GROUPS`), with their share."""
    start = population["age_band"].astype(str).map(_band_start)
    group = pd.Series("", index=population.index)
    for name, youngest, oldest in AGE_GROUPS:
        group[(start >= youngest) & (start <= oldest)] = name
    table = (
        population.assign(age_group=group)
        .groupby(["year", "age_group"], sort=False)["count"]
        .sum()
        .reset_index()
    )
    table["share"] = table["count"] / table.groupby("year")["count"].transform("sum")
    return table


def places_table(model) -> pd.DataFrame:
    """Providers open per place and kind at the start (year 0) and at the end of the run."""
    town = model.town
    start: dict[tuple[str, str], int] = {}
    for item in town.config.providers:
        key = (item.place, item.type.value)
        start[key] = start.get(key, 0) + item.count
    end: dict[tuple[str, str], int] = {}
    for provider in model.services.providers:
        key = (town.names[provider.place], provider.kind.value)
        end[key] = end.get(key, 0) + 1
    keys = sorted(set(start) | set(end))
    municipality = {p.name: p.municipality or town.config.name for p in town.config.places}
    return pd.DataFrame(
        {
            "municipality": [municipality[k[0]] for k in keys],
            "place": [k[0] for k in keys],
            "service": [k[1] for k in keys],
            "open_start": [start.get(k, 0) for k in keys],
            "open_end": [end.get(k, 0) for k in keys],
        }
    )


def run_one(policy: str, config: Config) -> RunTables:
    """One run (in a worker process): its small tables. Errors come back as ReportRunFailed."""
    from sim.run import run_simulation

    for noisy in ("MESA", "matplotlib", "sim.run"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        result = run_simulation(config, progress=False)
    except Exception as err:
        raise ReportRunFailed(f"policy {policy}, seed {config.seed}: {err}") from None
    metrics = result.metrics.copy()
    metrics["services_kept"] = services_open_total(metrics, employers=False)
    pop = metrics["population"].replace(0, np.nan)
    metrics["policy_cost_eur_per_resident"] = metrics["policy_cost_eur"] / pop
    return RunTables(
        policy=policy,
        seed=config.seed,
        metrics=metrics,
        ages=broad_ages(result.population),
        municipalities=result.municipalities,
        places=places_table(result.model),
        summary=result.summary,
    )


def run_all(configs: dict[str, Config], seeds: list[int], jobs: int) -> list[RunTables]:
    """Every policy on every seed (seed-major, so partial progress covers all policies)."""
    tasks = [
        (policy, replace(config, seed=seed)) for seed in seeds for policy, config in configs.items()
    ]
    bar = tqdm(total=len(tasks), desc="report runs", unit="run", dynamic_ncols=True)
    out: list[RunTables] = []
    try:
        if jobs <= 1:
            for policy, config in tasks:
                out.append(run_one(policy, config))
                bar.update()
        else:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                futures = [pool.submit(run_one, policy, config) for policy, config in tasks]
                try:
                    for future in as_completed(futures):
                        out.append(future.result())
                        bar.update()
                except BaseException:
                    for future in futures:
                        future.cancel()
                    raise
    finally:
        bar.close()
    return out
