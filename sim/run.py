"""Run a simulation from a plain Config and write its outputs. No Hydra here.

Used by the CLI, the tests, the benchmark, notebooks and sweeps alike::

    from sim.config import Config, validate
    from sim.run import run_simulation
    result = run_simulation(Config(years=10, seed=1))
    result.metrics.tail()
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from sim.config import Config, validate
from sim.events import EVENT_COLUMNS
from sim.metrics import services_open_total
from sim.model import TownModel
from sim.town import resolve_town

log = logging.getLogger(__name__)

INITIATIVE_COLUMNS = [
    "year",
    "initiative_id",
    "type",
    "municipality",
    "place",
    "phase",
    "members",
    "supported",
    "founding_members",
]


@dataclass
class RunResult:
    """What one run produced.

    Attributes:
        config: the configuration that was run.
        metrics: one row per year (year 0 = initial state); see sim/metrics.py.
        population: year, age_band, sex, count.
        events: one row per opening, closure, succession, shock or initiative event.
        initiatives: one row per initiative and year it was active (members: the S-curves).
        municipalities: one row per municipality and year.
        summary: headline figures (also written to summary.json).
        model: the model in its final state (not pickled into outputs).
    """

    config: Config
    metrics: pd.DataFrame
    population: pd.DataFrame
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    initiatives: pd.DataFrame = field(default_factory=pd.DataFrame)
    municipalities: pd.DataFrame = field(default_factory=pd.DataFrame)
    summary: dict[str, Any] = field(default_factory=dict)
    model: TownModel | None = None


def run_simulation(config: Config, progress: bool | None = None) -> RunResult:
    """Build the town and simulate ``config.years`` years.

    Args:
        config: a validated configuration (constructing a Config validates it).
        progress: show a progress bar over the years when the run takes more than a second;
            None follows ``config.output.progress``.

    Raises:
        ConfigError: if the town cannot be built from the configuration (before year 1).
    """
    validate(config)  # again: a Config may have been changed since it was built
    if not config.town.is_resolved:  # a town file or a built-in town: check it with the rest
        config.check_town(resolve_town(config.town))
    started = time.perf_counter()
    model = TownModel(config)
    show = config.output.progress if progress is None else progress
    years = tqdm(
        range(config.years),
        desc=f"{model.town.config.name}, seed {config.seed}",
        unit="year",
        delay=1.0,
        disable=not show or None,
        leave=False,
    )
    for _ in years:
        model.step()
    metrics = model.recorder.metrics()
    population = model.recorder.population_table()
    events = (
        pd.DataFrame(model.events.rows, columns=EVENT_COLUMNS)
        .sort_values(["year"], kind="stable")
        .reset_index(drop=True)
    )
    initiatives = pd.DataFrame(model.civic.history, columns=INITIATIVE_COLUMNS)
    municipalities = model.recorder.municipality_table()
    wall = time.perf_counter() - started
    summary = summarise(config, model, metrics, wall)
    log.info(
        "%s seed %d: %d -> %d residents in %d year(s) (%.1f s)",
        summary["town"],
        config.seed,
        summary["population_start"],
        summary["population_end"],
        config.years,
        wall,
    )
    return RunResult(
        config=config,
        metrics=metrics,
        population=population,
        events=events,
        initiatives=initiatives,
        municipalities=municipalities,
        summary=summary,
        model=model,
    )


def summarise(
    config: Config, model: TownModel, metrics: pd.DataFrame, wall_seconds: float
) -> dict[str, Any]:
    """Headline figures of a run."""
    first, last = metrics.iloc[0], metrics.iloc[-1]
    flows = metrics.iloc[1:]
    services_open = services_open_total(metrics)
    resident_years = int(metrics["population"].iloc[1:].sum())
    return {
        "town": model.town.config.name,
        "seed": config.seed,
        "years": config.years,
        "population_start": int(first["population"]),
        "population_end": int(last["population"]),
        "population_change_pct": round(
            float(100.0 * (last["population"] / first["population"] - 1.0)), 2
        )
        if first["population"]
        else None,
        "median_age_start": float(first["median_age"]),
        "median_age_end": float(last["median_age"]),
        "births": int(flows["births"].sum()),
        "deaths": int(flows["deaths"].sum()),
        "in_migrants": int(flows["in_migrants"].sum()),
        "out_migrants": int(flows["out_migrants"].sum()),
        "vacancy_rate_end": float(last["vacancy_rate"]),
        "qol_mean_start": float(first["qol_mean"]),
        "qol_mean_end": float(last["qol_mean"]),
        "services_open_start": int(services_open.iloc[0]),
        "services_open_end": int(services_open.iloc[-1]),
        "closures": int(flows["closures"].sum()),
        "openings": int(flows["openings"].sum()),
        "municipal_debt_per_resident_eur_end": round(
            float(last["municipal_debt_per_resident_eur"]), 1
        ),
        "shock": config.shock.kind.value,
        "policy": config.policy.name,
        "policy_levers": list(config.policy.levers()),
        "initiatives_started": int(flows["initiatives_started"].sum()),
        "initiatives_launched": int(flows["initiatives_launched"].sum()),
        "initiatives_institutionalised_end": int(last["initiatives_institutionalised"]),
        "policy_cost_eur_total": round(float(flows["policy_cost_eur"].sum()), 0),
        "resident_years": resident_years,
        "wall_seconds": round(wall_seconds, 3),
        "status": "complete",
    }


def write_outputs(
    result: RunResult, directory: str | Path, plots: bool | None = None
) -> list[Path]:
    """Write the run's tables, summary and figures into ``directory``.

    Each file is written under a temporary name and renamed when complete; ``summary.json``
    comes last, so its presence means the run directory is complete.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []

    def _commit(tmp: Path, final: Path) -> None:
        os.replace(tmp, final)
        written.append(final)

    for name in ("metrics", "population", "events", "initiatives", "municipalities"):
        tmp = directory / f".{name}.parquet.tmp"
        getattr(result, name).to_parquet(tmp, index=False)
        _commit(tmp, directory / f"{name}.parquet")
    if result.config.output.plots if plots is None else plots:
        from sim.plots import plot_initiatives, plot_population, plot_services

        figures = {
            "population": lambda tmp: plot_population(
                result.metrics, result.population, tmp, title=result.summary["town"]
            ),
            "services": lambda tmp: plot_services(result, tmp),
            "initiatives": lambda tmp: plot_initiatives(result, tmp),
        }
        for name, draw in figures.items():
            tmp = directory / f".{name}.png.tmp"
            draw(tmp)
            _commit(tmp, directory / f"{name}.png")
    tmp = directory / ".summary.json.tmp"
    tmp.write_text(json.dumps(result.summary, indent=2) + "\n", encoding="utf-8")
    _commit(tmp, directory / "summary.json")
    return written


def summary_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """Population, mean age, births, deaths and migration at start, middle and end."""
    last = int(metrics["year"].iloc[-1])
    picks = sorted({0, last // 2, last})
    rows = metrics.set_index("year").loc[picks]
    return pd.DataFrame(
        {
            "population": rows["population"].astype(int),
            "mean age": rows["mean_age"].round(1),
            "births": rows["births"].astype(int),
            "deaths": rows["deaths"].astype(int),
            "in": rows["in_migrants"].astype(int),
            "out": rows["out_migrants"].astype(int),
            "net migration": rows["net_migration"].astype(int),
            "services": services_open_total(rows).astype(int),
            "initiatives": rows["initiatives_running"].astype(int),
            "QoL": rows["qol_mean"].round(3),
        }
    )
