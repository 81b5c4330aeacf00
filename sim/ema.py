"""The model as an EMA Workbench model, and the uncertainty space for sensitivity analysis.

Uncertainties are the parameters with role ``uncertainty`` (``python -m sim.config --format
csv``); levers are the policies of ``configs/policy`` (one categorical lever, ``policy_name``);
outcomes are the headline figures and three time series. Runs are in-process
(:func:`sim.run.run_simulation`), with no files written.

The exploration range of a parameter is its default ± :data:`RELATIVE_RANGE` (25 %), cut to
the parameter's allowed range: the metadata's min and max are validity bounds (a share lies in
[0, 1]), not a plausible range, and sampling e.g. the car-access share over all of [0, 1] would
explore towns that do not exist. Left out (see :func:`uncertainties`): parameters whose
default is 0 (no relative range) unless they give a range of their own (``param(explore=...)``:
a mechanism off by default, such as ``qol.marginality_buffer``, explored 0–1), non-numeric ones (dicts of weights, ``None`` = derived),
booleans, age bounds (``*age_min``, ``*age_max``, ``*age_old``) and the newcomers' mean ages
and spreads (their order, min < mean < max, is a constraint between parameters, not an
uncertainty of each). Uncertainties of a policy lever (e.g.
``policy.r1_innovation_structures.idea_multiplier``) act only in runs whose policy enables the
lever; in other runs they are left at the default (the configuration refuses a changed
parameter of a lever that is off).

Every experiment also draws ``seed`` (an integer uncertainty): the run's keyed random
streams. All policies of one scenario share its seed, so policies are compared on common
random numbers, as in ``experiments/compare_policies.py``.

The ``ema_workbench`` package (extra ``research``) is imported only when needed
(:func:`import_ema`)::

    from sim.ema import ema_model, import_ema, policy_samples
    ema = import_ema()
    model = ema_model(town="very_peripheral", years=20)
    with ema.MultiprocessingEvaluator(model, n_processes=2) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=200, policies=policy_samples(["baseline", "broadband"])
        )

:func:`ray_evaluator` runs the experiments on a Ray cluster instead (extra ``cluster``).
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass
from functools import cache
from typing import Any

RELATIVE_RANGE = 0.25
"""Exploration range of an uncertainty: default x (1 ± this), within its allowed range."""

LOSS_HORIZON = 20
"""Years within which the loss of the last GP or grocer counts (or the run's years if fewer)."""

SEED_MAX = 2**31 - 1
"""Largest seed an experiment draws."""

SCALAR_OUTCOMES = {
    "population_end": "residents in the last year",
    "population_change_pct": "change of the population from year 0 to the last year, %",
    "services_open_end": "providers open in the last year that serve residents (no employers)",
    "services_kept_pct": "resident-serving providers open in the last year, % of year 0",
    "qol_mean_end": "mean quality of life in the last year",
    "debt_per_resident_end": "municipal debt per resident in the last year, EUR",
    "gp_lost": "1 if the town had a GP at year 0 and none within LOSS_HORIZON years, else 0",
    "grocer_lost": "as gp_lost, for the last grocery",
    "gp_or_grocer_lost": "1 if the last GP or the last grocery is lost within LOSS_HORIZON years",
    "year_gp_or_grocer_lost": "first year without a GP or without a grocery (NaN: none lost)",
}
"""Headline outcomes of one experiment (name: meaning)."""

SERIES_OUTCOMES = ("population", "services_open", "qol_mean")
"""Time series outcomes (one value a year, year 0 first)."""

_EXCLUDED_SUFFIXES = ("age_min", "age_max", "age_old")
"""Age bounds are ordered against each other (min < max, a GP's maximum age above the age at
which a GP counts as old): a constraint between parameters, not an uncertainty of each."""


@dataclass(frozen=True)
class Uncertainty:
    """One parameter to explore: its config path, range, default and kind."""

    path: str
    low: float
    high: float
    default: float
    integer: bool
    unit: str
    source: str

    @property
    def name(self) -> str:
        """The path as a Python identifier (EMA Workbench's names must be): dots -> ``__``."""
        return self.path.replace(".", "__")

    @property
    def lever(self) -> str | None:
        """The policy lever this parameter belongs to, or None."""
        parts = self.path.split(".")
        return parts[1] if parts[0] == "policy" else None


@cache
def uncertainties(relative: float = RELATIVE_RANGE) -> tuple[Uncertainty, ...]:
    """Every explorable ``uncertainty`` parameter, with its range (see the module's doc).

    ``relative`` sets the range around the default; a parameter with a range of its own
    (``param(explore=...)``) keeps that range whatever ``relative`` is.
    """
    from sim.config.table import parameter_table

    if not 0 < relative < 1:
        raise ValueError(f"relative range {relative!r}: allowed 0 < relative < 1")
    out = []
    for row in parameter_table():
        default, path = row["default"], row["parameter"]
        if row["role"] != "uncertainty" or isinstance(default, bool):
            continue
        if not isinstance(default, int | float):
            continue
        if row["explore"] is not None:  # a range of its own (param(explore=...))
            low, high = row["explore"]
        elif default == 0:
            continue
        else:
            low = max(row["min"], default * (1 - relative))
            high = min(row["max"], default * (1 + relative))
        if path.endswith(_EXCLUDED_SUFFIXES) or (
            path.startswith("migration.newcomers.") and path.endswith(("age_mean", "age_sd"))
        ):
            continue
        if low > high:  # a negative default
            low, high = high, low
        integer = isinstance(default, int)
        if integer:
            low, high = math.ceil(low), math.floor(high)
        if row["exclusive_min"] and low <= row["min"]:
            low = row["min"] + (high - row["min"]) * 1e-3
        if high <= low:
            continue
        out.append(Uncertainty(path, low, high, default, integer, row["unit"], str(row["source"])))
    return tuple(out)


def uncertainty_by_path(paths: list[str] | None = None) -> list[Uncertainty]:
    """The uncertainties of the given paths (all when None); an unknown path is an error."""
    known = {u.path: u for u in uncertainties()}
    if paths is None:
        return list(known.values())
    unknown = [p for p in paths if p not in known]
    if unknown:
        raise ValueError(
            f"not explorable uncertainty parameters: {', '.join(unknown)} "
            "(see sim.ema.uncertainties(); python -m sim.config --format csv lists the roles)"
        )
    return [known[p] for p in paths]


def group_config(group: str, schema: type, name: str, error: Any = ValueError) -> Any:
    """The entry ``<group>=<name>`` of the command line (configs/<group>/<name>.yaml) as a ``schema``.

    An unknown name raises ``error(message)``.
    """
    from omegaconf import OmegaConf

    from sim.town import config_dir

    path = config_dir() / group / f"{name}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in (config_dir() / group).glob("*.yaml"))
        raise error(f"unknown {group} {name!r}; known: {', '.join(known)}")
    merged = OmegaConf.merge(OmegaConf.structured(schema), OmegaConf.load(path))
    return OmegaConf.to_object(merged)


@cache
def policy_config(name: str) -> Any:
    """The policy as the command line's ``policy=<name>`` defines it (configs/policy/<name>.yaml)."""
    from sim.config import PolicyConfig

    return group_config("policy", PolicyConfig, name)


@cache
def single_town_policies() -> tuple[str, ...]:
    """The policies of ``configs/policy`` a single town can use (R6 needs a region), baseline first."""
    from sim.town import config_dir

    names = sorted(p.stem for p in (config_dir() / "policy").glob("*.yaml"))
    local = [n for n in names if not policy_config(n).r6_cross_town_learning.enabled]
    return ("baseline", *(n for n in local if n != "baseline"))


def set_path(node: Any, path: str, value: Any) -> None:
    """Set the field at a dotted config path (``qol.marginality_buffer``) of ``node``."""
    *parents, last = path.split(".")
    for part in parents:
        node = getattr(node, part)
    setattr(node, last, value)


def build_config(
    values: dict[str, float],
    *,
    policy: str = "baseline",
    town: str = "very_peripheral",
    years: int = 20,
    seed: int = 0,
) -> Any:
    """The Config of one experiment: defaults, the policy, and ``values`` (config path -> value).

    Values of a lever's uncertainty are applied only when the policy enables that lever.
    Raises ConfigError (with the field) when the combination is not a valid configuration.
    """
    from sim.config import Config, validate
    from sim.town import builtin_town

    known = {u.path: u for u in uncertainties()}
    cfg = Config(years=years, seed=int(seed), town=builtin_town(town))
    cfg.policy = dataclasses.replace(policy_config(policy))
    for name in cfg.policy.levers():
        setattr(cfg.policy, name, dataclasses.replace(getattr(cfg.policy, name)))
    cfg.output.plots = False
    cfg.output.progress = False
    enabled = set(cfg.policy.levers())
    for path, value in values.items():
        u = known.get(path)
        if u is None:
            raise ValueError(f"{path}: not an explorable uncertainty parameter")
        if u.lever is not None and u.lever not in enabled:
            continue
        set_path(cfg, path, round(value) if u.integer else float(value))
    validate(cfg)
    return cfg


def outcomes_of(metrics: Any, horizon: int = LOSS_HORIZON) -> dict[str, Any]:
    """The outcomes (:data:`SCALAR_OUTCOMES`, :data:`SERIES_OUTCOMES`) of a run's metrics."""
    from sim.metrics import services_open_total

    first, last = metrics.iloc[0], metrics.iloc[-1]
    services = services_open_total(metrics, employers=False)
    window = metrics[metrics["year"] <= horizon]
    lost = {}
    for kind in ("gp", "grocery"):
        column = window[f"services_open_{kind}"]
        gone = column[column <= 0]
        had = column.iloc[0] > 0
        lost[kind] = float(window.loc[gone.index[0], "year"]) if had and len(gone) else math.nan
    years_lost = [y for y in lost.values() if not math.isnan(y)]
    return {
        "population_end": float(last["population"]),
        "population_change_pct": float(100 * (last["population"] / first["population"] - 1)),
        "services_open_end": float(services.iloc[-1]),
        "services_kept_pct": float(100 * services.iloc[-1] / max(services.iloc[0], 1)),
        "qol_mean_end": float(last["qol_mean"]),
        "debt_per_resident_end": float(last["municipal_debt_per_resident_eur"]),
        "gp_lost": float(not math.isnan(lost["gp"])),
        "grocer_lost": float(not math.isnan(lost["grocery"])),
        "gp_or_grocer_lost": float(bool(years_lost)),
        "year_gp_or_grocer_lost": min(years_lost) if years_lost else math.nan,
        "population": metrics["population"].to_numpy(dtype=float),
        "services_open": services.to_numpy(dtype=float),
        "qol_mean": metrics["qol_mean"].to_numpy(dtype=float),
    }


def run_experiment(
    *,
    policy_name: str = "baseline",
    town: str = "very_peripheral",
    years: int = 20,
    seed: int = 0,
    **values: float,
) -> dict[str, Any]:
    """Run one experiment in-process; the EMA model's function.

    ``values`` are uncertainties by :attr:`Uncertainty.name` (``__`` for dots) or by path;
    ``policy_name`` is the lever (EMA Workbench keeps ``policy`` for the policy's label).
    """
    from sim.run import run_simulation

    paths = {k.replace("__", "."): v for k, v in values.items()}
    cfg = build_config(paths, policy=policy_name, town=town, years=years, seed=seed)
    result = run_simulation(cfg, progress=False)
    return outcomes_of(result.metrics, horizon=min(LOSS_HORIZON, years))


def import_ema() -> Any:
    """``ema_workbench``, without its warning that the optional ipyparallel is not installed."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        import ema_workbench
    return ema_workbench


def ema_model(
    town: str = "very_peripheral",
    years: int = 20,
    policies: tuple[str, ...] | None = None,
    relative: float = RELATIVE_RANGE,
    paths: list[str] | None = None,
) -> Any:
    """The EMA Workbench model (``ema_workbench.Model``) of kleinstadt.

    Args:
        town: a built-in town; years: simulated years (constants of the model).
        policies: the values of the ``policy_name`` lever (default: every single-town policy).
        relative: the exploration range (see :data:`RELATIVE_RANGE`).
        paths: explore only these parameters (all explorable uncertainties when None).
    """
    ema = import_ema()
    chosen = uncertainty_by_path(paths) if paths is not None else list(uncertainties(relative))
    model = ema.Model("kleinstadt", function=run_experiment)
    params = [ema.IntegerParameter("seed", 0, SEED_MAX)]
    for u in chosen:
        kind = ema.IntegerParameter if u.integer else ema.RealParameter
        params.append(kind(u.name, u.low, u.high, default=u.default))
    model.uncertainties = params
    model.levers = [
        ema.CategoricalParameter("policy_name", list(policies or single_town_policies()))
    ]
    model.constants = [ema.Constant("town", town), ema.Constant("years", years)]
    model.outcomes = [ema.ScalarOutcome(name) for name in SCALAR_OUTCOMES] + [
        ema.ArrayOutcome(name) for name in SERIES_OUTCOMES
    ]
    return model


def policy_samples(names: list[str] | tuple[str, ...]) -> list[Any]:
    """The policies as EMA Workbench samples (``Sample(name, policy_name=name)``)."""
    Sample = import_ema().Sample

    unknown = [n for n in names if n not in single_town_policies()]
    if unknown:
        raise ValueError(
            f"policies not usable in a single town: {', '.join(unknown)}; "
            f"allowed: {', '.join(single_town_policies())}"
        )
    return [Sample(name, policy_name=name) for name in names]


def uncertainty_frame(relative: float = RELATIVE_RANGE) -> Any:
    """The explorable uncertainties as a table (path, low, default, high, unit, source)."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "path": u.path,
                "low": u.low,
                "default": u.default,
                "high": u.high,
                "integer": u.integer,
                "unit": u.unit,
                "source": u.source,
            }
            for u in uncertainties(relative)
        ]
    )


def _run_on_ray(models: list[Any], experiment: Any) -> dict[str, Any]:
    """One experiment in a Ray worker (EMA Workbench's ExperimentRunner, as its own pools do)."""
    import_ema()
    from ema_workbench.em_framework.experiment_runner import ExperimentRunner

    runner = ExperimentRunner(models)
    try:
        return runner.run_experiment(experiment)
    finally:
        runner.cleanup()


def ray_evaluator(models: Any, address: str | None = None, **init: Any) -> Any:
    """An EMA Workbench evaluator that runs each experiment as a Ray task.

    EMA Workbench 3 ships sequential, multiprocessing, MPI and ipyparallel evaluators but none
    for Ray; this one lets the experiments of ``experiments/robustness.py --ray ADDRESS`` use the
    same Ray cluster as ``hydra/launcher=ray``. ``address``: the head (``host:port``), None to
    start a local Ray for this process; ``init``: more arguments of ``ray.init``.
    """
    import ray

    base = import_ema().em_framework.evaluators.BaseEvaluator

    class RayEvaluator(base):
        def initialize(self) -> None:
            self._started = not ray.is_initialized()
            if self._started:
                ray.init(address=address, **init)

        def finalize(self) -> None:
            if self._started:
                ray.shutdown()

        def evaluate_experiments(self, experiments: Any, callback: Any, **kwargs: Any) -> None:
            task = ray.remote(_run_on_ray)
            models = ray.put(self._msis)
            pending = {task.remote(models, e): e for e in experiments}
            while pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                callback(pending.pop(done[0]), ray.get(done[0]))

    return RayEvaluator(models)
