"""Sensitivity analysis and scenario discovery: the EMA Workbench adapter (sim/ema.py), SALib
Morris (experiments/sensitivity.py) and Hydra's Ray launcher on a local Ray cluster.

Tests marked ``extras`` need the extras ``research`` (ema-workbench, SALib) or ``cluster`` (Ray
and its Hydra launcher). Without them they are skipped with the install command; CI installs
the extras, sets ``KLEINSTADT_EXTRAS=1`` (a missing extra is then an error, not a skip) and
runs ``pytest -m extras``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import signal
import socket
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.config.table import parameter_table
from sim.ema import build_config, outcomes_of, run_experiment, uncertainties

REPO = Path(__file__).resolve().parents[1]
INSTALL = (
    "pip install -c constraints.txt -e '.[research,cluster]', then for Ray's Hydra launcher "
    "pip install -c constraints.txt --no-deps hydra-ray-launcher "
    "(README: Sensitivity and scenario discovery)"
)


def need(module: str):
    """Import an optional module; skip without it, unless CI says the extras are installed."""
    with warnings.catch_warnings():  # ema_workbench warns that its optional ipyparallel is missing
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        if os.environ.get("KLEINSTADT_EXTRAS") == "1":
            return importlib.import_module(module)
        return pytest.importorskip(module, reason=f"{module} is not installed: {INSTALL}")


def test_uncertainties_are_the_uncertainty_parameters_around_their_defaults():
    roles = {row["parameter"]: row for row in parameter_table()}
    found = uncertainties()
    assert len(found) > 200
    for u in found:
        row = roles[u.path]
        assert row["role"] == "uncertainty"
        assert row["min"] <= u.low < u.high <= row["max"]
        assert u.low <= u.default <= u.high
        assert u.name.isidentifier()
        if row["explore"] is not None:  # a range of its own
            assert (u.low, u.high) == tuple(row["explore"])
            continue
        # at most 25 % either side of the default, negative defaults too (services.successor_trend)
        assert u.high - u.default <= 0.25 * abs(u.default) + 1e-9
        assert u.default - u.low <= 0.25 * abs(u.default) + 1e-9
    assert not any(u.path.endswith(("age_min", "age_max")) for u in found)


def test_a_mechanism_off_by_default_is_explored_over_its_own_range():
    # The marginality buffer is 0 by default (contested, SF17): with no relative range around
    # 0 it would never be varied; it is explored from off to strong.
    u = next(u for u in uncertainties() if u.path == "qol.marginality_buffer")
    assert (u.low, u.default, u.high) == (0.0, 0.0, 1.0)


@pytest.mark.parametrize(
    ("default", "explore", "kwargs"),
    [
        (0.1, (0.5, 2.0), {}),  # beyond max
        (0.1, (0.2, 0.8), {}),  # the default outside
        (0.1, (0.6, 0.4), {}),  # low above high
        (0.1, (0.0, 0.5), {"exclusive_min": True}),  # at an excluded min
        (0.1, (0.0, 0.5), {"role": "lever"}),  # a lever is not explored
        (2, (1.5, 3.0), {}),  # a fraction for an integer
    ],
)
def test_an_exploration_range_that_cannot_be_explored_is_refused(default, explore, kwargs):
    from sim.config.param import param

    args = {"min": 0, "max": 10 if isinstance(default, int) else 1.0, "source": "test"}
    args |= {"role": "uncertainty", "unit": ""} | kwargs
    with pytest.raises(ValueError, match="explore"):
        param(default, explore=explore, **args)


def test_the_parameter_csv_carries_the_exploration_range():
    import csv
    import io

    from sim.config.table import csv_table

    rows = {r["path"]: r for r in csv.DictReader(io.StringIO(csv_table()))}
    assert (
        rows["qol.marginality_buffer"]["explore_min"],
        rows["qol.marginality_buffer"]["explore_max"],
    ) == ("0.0", "1.0")
    assert rows["qol.access_scale"]["explore_min"] == ""


def test_lever_uncertainties_apply_only_when_the_policy_enables_the_lever():
    path = "policy.r1_innovation_structures.idea_multiplier"
    value = 1.7
    base = build_config({path: value}, policy="baseline", years=2)
    r1 = build_config({path: value}, policy="r1_innovation_structures", years=2)
    assert base.policy.r1_innovation_structures.idea_multiplier == 1.5  # left at its default
    assert r1.policy.r1_innovation_structures.idea_multiplier == value
    cfg = build_config({"work.retirement_age": 69.6}, years=2)
    assert cfg.work.retirement_age == 70 and isinstance(cfg.work.retirement_age, int)
    with pytest.raises(ValueError, match="not an explorable"):
        build_config({"years": 3})


def test_outcomes_count_the_loss_of_the_last_gp_or_grocer_within_the_horizon():
    years = np.arange(6)
    metrics = pd.DataFrame(
        {
            "year": years,
            "population": [100, 98, 96, 94, 92, 90],
            "qol_mean": 0.5,
            "municipal_debt_per_resident_eur": 10.0,
            "services_open_gp": [1, 1, 1, 0, 0, 1],  # lost in year 3 (reopened later)
            "services_open_grocery": [0, 0, 1, 1, 1, 1],  # none at year 0: nothing to lose
            "services_open_manufacturer": [2, 2, 2, 2, 2, 2],  # an employer, not counted
        }
    )
    out = outcomes_of(metrics, horizon=20)
    assert out["gp_lost"] == 1 and out["grocer_lost"] == 0
    assert out["gp_or_grocer_lost"] == 1 and out["year_gp_or_grocer_lost"] == 3
    assert out["services_open_end"] == 2 and out["services_kept_pct"] == 200
    assert out["population_change_pct"] == pytest.approx(-10)
    assert out["population"].tolist() == [100, 98, 96, 94, 92, 90]
    late = outcomes_of(metrics, horizon=2)  # the loss in year 3 is beyond the horizon
    assert late["gp_or_grocer_lost"] == 0 and math.isnan(late["year_gp_or_grocer_lost"])


def test_an_uncertainty_reaches_the_model_more_in_migration_more_residents():
    """Family in-migration at +25 % against -25 %, same seeds: more residents after 3 years."""
    u = next(u for u in uncertainties() if u.path == "migration.in_rate_family")
    low, high = u.low, u.high
    for seed in (1, 2):
        few = run_experiment(years=3, seed=seed, migration__in_rate_family=low)
        many = run_experiment(years=3, seed=seed, migration__in_rate_family=high)
        assert many["population_end"] > few["population_end"]


@pytest.mark.extras
@pytest.mark.slow
def test_ema_adapter_runs_4_experiments():
    """2 scenarios x 2 policies with EMA Workbench; each scenario's policies share its seed."""
    need("ema_workbench")
    from sim.ema import SCALAR_OUTCOMES, ema_model, import_ema, policy_samples

    ema = import_ema()
    paths = ["migration.in_rate_family", "civic.start_rate", "services.entry_margin"]
    model = ema_model(years=2, paths=paths)
    with ema.SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=2,
            policies=policy_samples(["baseline", "broadband"]),
            uncertainty_sampling_kwargs={"rng": 3},
        )
    assert len(experiments) == 4
    assert sorted(experiments["policy_name"].astype(str)) == ["baseline"] * 2 + ["broadband"] * 2
    assert experiments.groupby("scenario", observed=True)["seed"].nunique().eq(1).all()
    for name in SCALAR_OUTCOMES:
        assert outcomes[name].shape == (4,)
    assert outcomes["population"].shape == (4, 3)  # years 0..2
    assert np.all(outcomes["population"][:, 0] == outcomes["population"][0, 0])  # same town
    for path in paths:
        u = next(u for u in uncertainties() if u.path == path)
        assert experiments[u.name].between(u.low, u.high).all()
    with pytest.raises(ValueError, match="not usable in a single town"):
        policy_samples(["r6_cross_town_learning"])


@pytest.mark.extras
@pytest.mark.slow
def test_morris_on_3_parameters_ranks_in_migration_first_for_population():
    """Over 2 years the family in-migration rate moves the population most (it adds residents
    directly); the civic start rate and the entry margin of new shops act only through slow
    chains."""
    need("SALib")
    sensitivity = _script("sensitivity")
    from SALib.sample import morris

    paths = ["civic.start_rate", "migration.in_rate_family", "services.entry_margin"]
    spec = sensitivity.problem(paths)
    x = morris.sample(spec, 2, num_levels=4, seed=1)
    assert x.shape == (2 * 4, 3)
    args = argparse.Namespace(policy="broadband", town="very_peripheral", years=2, seed=0, jobs=1)
    y = sensitivity.evaluate(spec, x, args, "test")
    indices = sensitivity.morris_indices(spec, x, y, seed=1)
    assert len(indices) == 3 * len(sensitivity.OUTCOMES)
    assert np.isfinite(indices["mu_star"]).all()
    population = indices[indices["outcome"] == "population"].set_index("factor")["mu_star"]
    assert population.idxmax() == "migration.in_rate_family"
    assert sensitivity.rank(indices, "mu_star")[0] in paths


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ray_head(tmp_path_factory):
    """A Ray head on localhost, stopped by its process group (nothing else); yields host:port."""
    need("ray")
    folder = tmp_path_factory.mktemp("ray")
    port = _free_port()
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "PYTHONPATH": str(REPO)}
    ray = Path(sys.executable).parent / "ray"
    with (folder / "ray_head.log").open("w") as log:
        head = subprocess.Popen(
            [
                str(ray),
                *("start", "--head", "--block", f"--port={port}", "--num-cpus=2"),
                *("--include-dashboard=false", "--disable-usage-stats"),
            ],
            env=env,
            cwd=folder,
            start_new_session=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield f"127.0.0.1:{port}"
        finally:
            os.killpg(head.pid, signal.SIGTERM)
            try:
                head.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(head.pid, signal.SIGKILL)
                head.wait()


@pytest.mark.extras
@pytest.mark.slow
def test_ray_launcher_runs_a_2_job_sweep_on_a_local_ray_cluster(ray_head, tmp_path):
    """``hydra/launcher=ray`` connecting to the head: two seeds, two complete run folders."""
    need("hydra_plugins.hydra_ray_launcher")
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "PYTHONPATH": str(REPO)}
    sweep = tmp_path / "sweep"
    result = subprocess.run(
        [
            *(sys.executable, "-m", "sim", "-m", "hydra/launcher=ray"),
            f"hydra.launcher.ray.init.address={ray_head}",
            "+hydra.launcher.ray.init.object_store_memory=null",
            *("seed=0,1", "years=2", "town=very_peripheral"),
            *("output.plots=false", "output.progress=false", f"hydra.sweep.dir={sweep}"),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summaries = sorted(sweep.glob("*/summary.json"))
    assert len(summaries) == 2, result.stderr[-3000:]
    assert sorted(json.loads(p.read_text())["seed"] for p in summaries) == [0, 1]
    assert all(json.loads(p.read_text())["status"] == "complete" for p in summaries)
    assert ray_head in result.stderr + result.stdout  # it connected to the head


@pytest.mark.extras
@pytest.mark.slow
def test_ema_evaluator_runs_experiments_on_the_same_ray_cluster(ray_head):
    need("ema_workbench")
    from sim.ema import ema_model, policy_samples, ray_evaluator

    model = ema_model(years=2, paths=["migration.in_rate_family"])
    with ray_evaluator(model, address=ray_head) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=1, policies=policy_samples(["baseline", "broadband"])
        )
    assert len(experiments) == 2
    assert np.all(outcomes["population_end"] > 0)
    assert outcomes["population"].shape == (2, 3)


def _script(name: str):
    sys.path.insert(0, str(REPO / "experiments"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(REPO / "experiments"))


@pytest.mark.parametrize(
    ("script", "argv", "message"),
    [
        ("sensitivity", ["--sobol-n", "10"], "a power of 2"),
        ("sensitivity", ["--policy", "baseline"], "--policy baseline: one of"),
        ("sensitivity", ["--params", "years"], "not explorable uncertainty parameters: years"),
        ("robustness", ["--policies", "broadband"], "must include baseline"),
        ("robustness", ["--scenarios", "3"], "at least 10"),
    ],
)
def test_the_scripts_refuse_bad_options_with_a_message(script, argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        _script(script).parse_args(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_morris_rank_ranges_say_which_ranks_the_intervals_settle():
    # a: 10 ± 1 is surely first; b: 5 ± 2 and c: 4 ± 2 overlap (ranks 2-3 each); d: 0 ± 0.5
    # lies below all others.
    sensitivity = _script("sensitivity")
    frame = pd.DataFrame(
        {"factor": list("abcd"), "mu_star": [10.0, 5.0, 4.0, 0.0], "mu_star_conf": [1, 2, 2, 0.5]}
    )
    ranked = sensitivity.rank_range(frame).set_index("factor")
    assert ranked["rank"].tolist() == [1, 2, 3, 4]
    assert ranked[["rank_best", "rank_worst"]].to_numpy().tolist() == [
        [1, 1],
        [2, 3],
        [2, 3],
        [4, 4],
    ]


def test_morris_rank_ranges_with_ties_and_missing_intervals():
    # Tied mu* share the better rank and may swap; a factor without an interval may have any
    # rank (and widens the others' ranges); one without mu* is ranked last, not a crash.
    sensitivity = _script("sensitivity")
    frame = pd.DataFrame(
        {
            "factor": list("abcd"),
            "mu_star": [5.0, 5.0, 1.0, np.nan],
            "mu_star_conf": [0.0, 0.0, np.nan, np.nan],
        }
    )
    ranked = sensitivity.rank_range(frame).set_index("factor")
    assert ranked["rank"].tolist() == [1, 1, 3, 4]
    assert ranked[["rank_best", "rank_worst"]].to_numpy().tolist() == [
        [1, 4],
        [1, 4],
        [1, 4],
        [1, 4],
    ]
