"""Run a simulation from a plain Config and write its outputs. No Hydra here.

Used by the CLI, the tests, the benchmark, notebooks and sweeps alike::

    from sim.config import Config, ConfigError, validate
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

from sim.config import Config, ConfigError, validate
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


class RunFailed(Exception):
    """A run that raised after its town was set up: what it reached, for the failed summary.

    The original exception is ``__cause__`` (and ``error``).

    Attributes:
        config: the configuration that was run.
        error: the exception that stopped the run.
        stage: ``"setup"`` (building the town, before year 1), ``"simulation"`` (a year) or
            ``"results"`` (assembling the tables after the last year).
        year_reached: the last complete year (0: the initial state); None when even the initial
            state could not be built.
        model: the model as the failure left it (None when it could not be built).
        wall_seconds: time from the start of the run to the failure.
    """

    def __init__(
        self,
        config: Config,
        error: BaseException,
        stage: str,
        year_reached: int | None,
        model: TownModel | None,
        wall_seconds: float,
    ) -> None:
        failed = "before year 1" if stage == "setup" else f"in year {(year_reached or 0) + 1}"
        if stage == "results":
            failed = "after the last year"
        super().__init__(f"run failed {failed}: {type(error).__name__}: {error}")
        self.config = config
        self.error = error
        self.stage = stage
        self.year_reached = year_reached
        self.model = model
        self.wall_seconds = wall_seconds

    @property
    def summary(self) -> dict[str, Any]:
        """The failed run's summary.json (see :func:`failed_summary`)."""
        town = self.model.town.config.name if self.model is not None else None
        return failed_summary(
            self.config,
            self.error,
            self.stage,
            self.year_reached,
            self.wall_seconds,
            town=town,
        )

    def partial_result(self) -> RunResult | None:
        """The tables of the complete years (up to ``year_reached``) with the failed summary.

        None when there is no model or its tables cannot be assembled.
        """
        if self.model is None or self.year_reached is None:
            return None
        try:
            result = _collect(self.config, self.model)
        except Exception:  # the state the failure left may not be readable
            log.warning("the tables of the failed run could not be assembled", exc_info=True)
            return None
        for name in ("metrics", "population", "events", "initiatives", "municipalities"):
            table = getattr(result, name)
            if "year" in table.columns:
                kept = table[table["year"] <= self.year_reached].reset_index(drop=True)
                setattr(result, name, kept)
        result.summary = self.summary
        return result


def failed_summary(
    config: Config,
    error: BaseException,
    stage: str,
    year_reached: int | None,
    wall_seconds: float | None = None,
    town: str | None = None,
) -> dict[str, Any]:
    """summary.json of a run that failed: the run's identity, how far it got and the error.

    Keys: town, seed, years, shock, policy, policy_levers (as in a complete summary), and
    ``status: "failed"``, ``stage`` (setup, simulation, results, outputs), ``year_reached``
    (the last complete year, 0 = initial state, None = not even that), ``error_type`` and
    ``error_message``.
    """
    return {
        "town": town or config.town.name,
        "seed": config.seed,
        "years": config.years,
        "shock": config.shock.kind.value,
        "policy": config.policy.name,
        "policy_levers": list(config.policy.levers()),
        "wall_seconds": None if wall_seconds is None else round(wall_seconds, 3),
        "status": "failed",
        "stage": stage,
        "year_reached": year_reached,
        "error_type": type(error).__name__,
        "error_message": str(error),
    }


def run_simulation(config: Config, progress: bool | None = None) -> RunResult:
    """Build the town and simulate ``config.years`` years.

    Args:
        config: a validated configuration (constructing a Config validates it).
        progress: show a progress bar over the years when the run takes more than a second;
            None follows ``config.output.progress``.

    Raises:
        ConfigError: if the town cannot be built from the configuration (before year 1).
        RunFailed: any other exception, carrying the year reached and the model (the original
            exception is its ``__cause__``).
    """
    validate(config)  # again: a Config may have been changed since it was built
    if not config.town.is_resolved:  # a town file or a built-in town: check it with the rest
        config.check_town(resolve_town(config.town))
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        model = TownModel(config)
    except ConfigError:
        raise
    except Exception as err:
        raise RunFailed(config, err, "setup", None, None, time.perf_counter() - started) from err
    show = config.output.progress if progress is None else progress
    years = tqdm(
        range(config.years),
        desc=f"{model.town.config.name}, seed {config.seed}",
        unit="year",
        delay=1.0,
        disable=not show or None,
        leave=False,
    )
    for done in years:
        try:
            model.step()
        except Exception as err:
            years.close()
            wall = time.perf_counter() - started
            raise RunFailed(config, err, "simulation", done, model, wall) from err
    try:
        result = _collect(config, model)
    except Exception as err:
        wall = time.perf_counter() - started
        raise RunFailed(config, err, "results", config.years, model, wall) from err
    wall = time.perf_counter() - started
    result.summary = summarise(config, model, result.metrics, wall)
    result.summary["cpu_seconds"] = round(time.process_time() - cpu_started, 3)
    summary = result.summary
    log.info(
        "%s seed %d: %d -> %d residents in %d year(s) (%.1f s)",
        summary["town"],
        config.seed,
        summary["population_start"],
        summary["population_end"],
        config.years,
        wall,
    )
    return result


def _collect(config: Config, model: TownModel) -> RunResult:
    """The run's tables as the model holds them now (no summary)."""
    events = (
        pd.DataFrame(model.events.rows, columns=EVENT_COLUMNS)
        .sort_values(["year"], kind="stable")
        .reset_index(drop=True)
    )
    return RunResult(
        config=config,
        metrics=model.recorder.metrics(),
        population=model.recorder.population_table(),
        events=events,
        initiatives=pd.DataFrame(model.civic.history, columns=INITIATIVE_COLUMNS),
        municipalities=model.recorder.municipality_table(),
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
    comes last, so its presence means the run directory is complete (or, with ``"status":
    "failed"``, that the run failed). When a write fails (a full disk, a read-only folder) the
    temporary file is removed and the error raised; files already renamed stay.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def _write(name: str, write: Any) -> None:
        tmp = directory / f".{name}.tmp"
        try:
            write(tmp)
            os.replace(tmp, directory / name)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        written.append(directory / name)

    for name in ("metrics", "population", "events", "initiatives", "municipalities"):
        table = getattr(result, name)
        _write(f"{name}.parquet", lambda tmp, table=table: table.to_parquet(tmp, index=False))
    if result.config.output.plots if plots is None else plots:
        from sim.plots import plot_initiatives, plot_population, plot_services

        figures = {
            "population": lambda tmp: plot_population(
                result.metrics,
                result.population,
                tmp,
                title=result.summary["town"],
                config=result.config,
            ),
            "services": lambda tmp: plot_services(result, tmp),
            "initiatives": lambda tmp: plot_initiatives(result, tmp),
        }
        for name, draw in figures.items():
            _write(f"{name}.png", draw)
    write_summary(result.summary, directory)
    written.append(directory / "summary.json")
    return written


def write_summary(summary: dict[str, Any], directory: str | Path) -> Path:
    """Write ``summary.json`` (under a temporary name, renamed when complete)."""
    final = Path(directory) / "summary.json"
    tmp = final.with_name(".summary.json.tmp")
    try:
        tmp.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return final


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
