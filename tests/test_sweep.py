"""Sweeps: the fast composition, resume, failures, progress, collect, and no orphaned workers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import test_cli
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.types import RunMode
from omegaconf import OmegaConf

from sim.collect import collect, override_value, parse_overrides
from sim.collect import main as collect_main
from sim.sweep import Progress, keep_multirun_yaml
from sim.town import config_dir

REPO = Path(__file__).resolve().parent.parent
in_process_cli = test_cli.in_process_cli  # the CLI in this process (a sweep with n_jobs=1 too)


# -- the composition shortcut gives what Hydra composes --------------------------------------------


@pytest.mark.parametrize(
    ("jobs", "bases"),
    [
        ([["seed=1", "years=3"], ["seed=2", "years=4"], ["seed=3", "years=3"]], 1),
        (
            [["town=central", "seed=1"], ["town=peripheral", "seed=1"], ["town=central", "seed=2"]],
            2,
        ),
        (
            [
                ["policy=r4_municipal_resources", "migration.qol_gap_sensitivity=2.5", "seed=0"],
                ["policy=baseline", "migration.qol_gap_sensitivity=1", "seed=0"],
                ["policy=r4_municipal_resources", "shock=gp_retires", "shock.year=4", "seed=1"],
            ],
            3,
        ),
    ],
)
def test_the_job_composer_gives_hydras_configuration(tmp_path, jobs, bases):
    from hydra_plugins.kleinstadt.compose import JobComposer

    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        loader = GlobalHydra.instance().config_loader()
        master = loader.load_configuration(
            "config", [f"hydra.sweep.dir={tmp_path}"], RunMode.MULTIRUN
        )
        composer = JobComposer(loader, master)
        for num, job in enumerate(jobs):
            fast = composer.compose(job, num)
            full = loader.load_sweep_config(master, job)
            full.hydra.job.num, full.hydra.job.id = num, f"{full.hydra.job.name}_{num}"
            assert OmegaConf.to_container(fast) == OmegaConf.to_container(full)
            assert list(fast.hydra.overrides.task) == job
        assert len(composer.bases) == bases  # Hydra composed once per choice of groups


# -- small helpers ---------------------------------------------------------------------------------


def test_override_values_are_typed_as_hydra_reads_them():
    assert parse_overrides(["seed=3", "town=central", "+x.y=0.5", "output.plots=false"]) == {
        "seed": 3,
        "town": "central",
        "x.y": 0.5,
        "output.plots": False,
    }
    assert override_value("1e-3") == pytest.approx(0.001)
    assert override_value("'007'") == "007" and override_value("null") is None
    assert parse_overrides(["hydra.launcher.n_jobs=2", "seed=1"]) == {"seed": 1}


def test_progress_prints_one_line_per_job_with_an_eta(capsys):
    progress = Progress(3)
    progress.finished("completed")
    progress.finished("failed", "1_seed=1")
    progress.finished("skipped", "2_seed=2")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("kleinstadt: 1/3 done, ETA ")
    assert lines[1].startswith("kleinstadt: 2/3 done (1 failed), ETA ")
    assert lines[1].endswith("[failed: 1_seed=1]")
    assert lines[2] == "kleinstadt: 3/3 done (1 failed, 1 skipped) [skipped: 2_seed=2]"
    assert progress.final_line().endswith(": 1 completed, 1 failed, 1 skipped")


def test_an_earlier_multirun_yaml_is_kept(tmp_path):
    (tmp_path / "multirun.yaml").write_text("first")
    assert keep_multirun_yaml(tmp_path) == tmp_path / "multirun.1.yaml"
    (tmp_path / "multirun.yaml").write_text("second")
    assert keep_multirun_yaml(tmp_path) == tmp_path / "multirun.2.yaml"
    assert (tmp_path / "multirun.1.yaml").read_text() == "first"


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda p: p / "nowhere", "does not exist"),
        (lambda p: (p / "f.txt").write_text("x") and p / "f.txt", "is a file"),
        (lambda p: p, "holds no run folders"),
    ],
)
def test_collect_explains_a_folder_that_is_not_a_sweep(tmp_path, capsys, make, fragment):
    assert collect_main([str(make(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kleinstadt collect: ") and fragment in err
    assert not list(tmp_path.glob("*.parquet"))


def _fake_run(sweep: Path, num: int, overrides: list[str], summary: dict | None, years: int):
    run = sweep / f"{num}_{','.join(sorted(overrides))}"
    (run / ".hydra").mkdir(parents=True)
    (run / ".hydra" / "overrides.yaml").write_text("".join(f"- {o}\n" for o in overrides))
    (run / ".hydra" / "config.yaml").write_text(f"seed: {num}\nyears: 5\ntown:\n  name: central\n")
    if summary is not None:
        (run / "summary.json").write_text(json.dumps(summary))
    if years:
        pd.DataFrame({"year": range(years), "population": [100 + num] * years}).to_parquet(
            run / "metrics.parquet"
        )


def test_collect_makes_one_table_of_complete_failed_and_missing_runs(tmp_path, capsys):
    sweep = tmp_path / "sweep"
    complete = {"status": "complete", "seed": 0, "wall_seconds": 1.5, "population_end": 90}
    failed = {"status": "failed", "seed": 1, "stage": "simulation", "error_type": "KeyError"}
    _fake_run(sweep, 0, ["seed=0", "policy=broadband", "x.rate=0.5"], complete, years=3)
    _fake_run(sweep, 1, ["seed=1", "policy=broadband", "x.rate=1"], failed, years=1)
    _fake_run(sweep, 2, ["seed=2", "policy=baseline", "x.rate=1"], None, years=0)  # killed
    jobs = [{"num": 3, "overrides": ["seed=3", "policy=baseline", "x.rate=2"]}]  # never started
    jobs.append({"num": 4, "overrides": ["seed=-1"], "outcome": "failed", "message": "invalid"})
    (sweep / "jobs.json").write_text(json.dumps({"jobs": jobs}))
    assert collect_main([str(sweep)]) == 0
    assert "5 runs (1 complete, 2 failed, 2 missing)" in capsys.readouterr().out
    runs = pd.read_parquet(sweep / "runs.parquet")
    assert list(runs.columns[:6]) == ["folder", "job", "status", "seed", "policy", "x.rate"]
    assert runs["status"].tolist() == ["complete", "failed", "missing", "missing", "failed"]
    assert runs["seed"].tolist() == [0, 1, 2, 3, -1]
    assert runs["x.rate"].dtype == "float64" and runs["policy"].iloc[0] == "broadband"
    assert runs["error_type"].iloc[1] == "KeyError" and runs["error_message"].iloc[4] == "invalid"
    assert runs["years"].iloc[2] == 5  # the killed run's identity from its .hydra/config.yaml
    assert pd.isna(runs["folder"].iloc[3])
    metrics = pd.read_parquet(sweep / "metrics.parquet")
    assert metrics.groupby("job")["year"].apply(list).to_dict() == {0: [0, 1, 2], 1: [0]}
    assert set(metrics["policy"]) == {"broadband"} and {"seed", "x.rate"} <= set(metrics.columns)


# -- a sweep in this process: a failed job, a missing job, collect, resume ---------------------------


def _fail_seed(monkeypatch, seed: int) -> None:
    from sim.model import TownModel

    step = TownModel.step

    def failing_step(self):
        if self.config.seed == seed:
            raise ZeroDivisionError(f"seed {seed} fails on purpose")
        step(self)

    monkeypatch.setattr(TownModel, "step", failing_step)


@pytest.mark.slow
def test_a_sweep_records_a_failure_goes_on_collects_and_resumes(
    tmp_path, monkeypatch, in_process_cli, capsys
):
    sweep = tmp_path / "sweep"
    args = ["-m", "seed=0,1,2", "years=1", "output.plots=false", f"hydra.sweep.dir={sweep}"]
    with monkeypatch.context() as patch:
        _fail_seed(patch, 1)
        assert in_process_cli(*args) == 1  # a job failed: non-zero, the others ran
    out, err = capsys.readouterr()
    progress = [line for line in out.splitlines() if " done" in line]
    assert [line.split(" done")[0] for line in progress] == [
        "kleinstadt: 1/3",
        "kleinstadt: 2/3",
        "kleinstadt: 3/3",
    ]
    assert "ETA" in progress[0] and "population" not in out  # the table went to the logs
    assert out.splitlines()[-1].endswith(": 2 completed, 1 failed, 0 skipped")
    assert "seed 1 fails on purpose" in err
    folders = {int(p.name.split("_")[0]): p for p in sweep.iterdir() if p.is_dir()}
    assert sorted(f.name for f in folders.values()) == [
        f"{i}_output.plots=False,seed={i},years=1" for i in range(3)
    ]
    assert "population" in (folders[0] / "kleinstadt.log").read_text()
    assert "ZeroDivisionError" in (folders[1] / "kleinstadt.log").read_text()
    summary = json.loads((folders[0] / "summary.json").read_text())
    assert summary["overrides"] == ["seed=0", "years=1", "output.plots=False"]
    assert len(summary["config_hash"]) == 16

    # job 2 "killed": no summary.json; a planned job 3 that never got a folder
    (folders[2] / "summary.json").unlink()
    jobs = json.loads((sweep / "jobs.json").read_text())
    jobs["jobs"].append({"num": 3, "overrides": ["seed=3", "years=1"], "outcome": "planned"})
    (sweep / "jobs.json").write_text(json.dumps(jobs))
    assert collect_main([str(sweep)]) == 0
    runs = pd.read_parquet(sweep / "runs.parquet")
    assert runs["status"].tolist() == ["complete", "failed", "missing", "missing"]
    assert runs["seed"].tolist() == [0, 1, 2, 3] and runs["job"].tolist() == [0, 1, 2, 3]
    assert runs["seed"].dtype.kind == "i" and runs["years"].tolist()[:3] == [1, 1, 1]
    assert runs.loc[1, "error_type"] == "ZeroDivisionError"
    assert runs.loc[0, "population_end"] > 0 and runs.loc[0, "wall_seconds"] > 0
    metrics = pd.read_parquet(sweep / "metrics.parquet")
    years = metrics.groupby("seed")["year"].apply(list).to_dict()
    assert years == {0: [0, 1], 1: [0], 2: [0, 1]}  # the failed run's up to the year reached
    assert {"folder", "job", "status", "seed", "years", "population"} <= set(metrics.columns)
    (sweep / "jobs.json").write_text(json.dumps({"jobs": jobs["jobs"][:3]}))

    # resume: the complete job is skipped, the failed and the unfinished one run again
    before = (folders[0] / "summary.json").stat().st_mtime_ns
    assert in_process_cli(*args) == 0
    out = capsys.readouterr().out
    assert "1 already complete" in out
    assert out.splitlines()[-1].endswith(": 2 completed, 0 failed, 1 skipped")
    assert (folders[0] / "summary.json").stat().st_mtime_ns == before
    assert sorted(p.name for p in sweep.glob("multirun*.yaml")) == [
        "multirun.1.yaml",
        "multirun.yaml",
    ]
    runs = collect(sweep, progress=False)[0]
    assert runs["status"].tolist() == ["complete"] * 3

    # more seeds into the same folder: new jobs get new numbers, nothing collides
    assert (
        in_process_cli(
            "-m", "seed=2,3", "years=1", "output.plots=false", f"hydra.sweep.dir={sweep}"
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.splitlines()[-1].endswith(": 1 completed, 0 failed, 1 skipped")
    names = sorted(p.name for p in sweep.iterdir() if p.is_dir())
    assert names == [f"{i}_output.plots=False,seed={i},years=1" for i in range(4)]


def test_a_resumed_job_of_another_configuration_is_not_overwritten(
    tmp_path, monkeypatch, in_process_cli, capsys
):
    sweep = tmp_path / "sweep"
    args = ["-m", "seed=0", "years=1", "output.plots=false", f"hydra.sweep.dir={sweep}"]
    assert in_process_cli(*args) == 0
    run = sweep / "0_output.plots=False,seed=0,years=1"
    summary = json.loads((run / "summary.json").read_text())
    summary["config_hash"] = "0" * 16  # as if the configuration files had changed since
    (run / "summary.json").write_text(json.dumps(summary))
    before = {p: p.read_bytes() for p in run.rglob("*") if p.is_file()}
    assert in_process_cli(*args) == 2
    captured = capsys.readouterr()
    assert "holds a complete run of another configuration" in captured.err
    assert {p: p.read_bytes() for p in run.rglob("*") if p.is_file()} == before


# -- workers never outlive the sweep ---------------------------------------------------------------


def _children(pid: int) -> list[int]:
    import psutil

    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _alive(pids: list[int]) -> list[int]:
    import psutil

    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_stopping_a_sweep_leaves_no_worker_running(tmp_path, sig):
    sweep = tmp_path / "sweep"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim",
            "-m",
            "seed=range(0,6)",
            "years=30",
            "output.plots=false",
            "output.progress=false",
            "hydra.launcher.n_jobs=2",
            f"hydra.sweep.dir={sweep}",
        ],
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    workers: list[int] = []
    deadline = time.monotonic() + 300
    while len(workers) < 2 and time.monotonic() < deadline:  # both workers started
        time.sleep(0.2)
        workers = _children(proc.pid)
    assert len(workers) >= 2, proc.communicate(timeout=60)
    time.sleep(1.0)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0
    deadline = time.monotonic() + 10  # SIGKILL: the workers notice within a second
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _alive(workers) == []
    if sig != signal.SIGKILL:
        assert "interrupted; no worker is left running" in err
        assert proc.returncode == 128 + sig


def test_collect_tables_answer_the_readme_queries_on_a_sweep_without_failures(tmp_path):
    # A seed sweep: town and policy were not swept, and no run failed. The README's queries
    # (failures with their message; metrics grouped by town and policy) must still work.
    sweep = tmp_path / "sweep"
    for num in range(2):
        summary = {"status": "complete", "seed": num, "town": "peripheral", "policy": "baseline"}
        summary["shock"] = "none"
        _fake_run(sweep, num, [f"seed={num}"], summary, years=3)
    runs, metrics = collect(sweep, progress=False)
    assert runs[runs.status != "complete"][["folder", "status", "error_message"]].empty
    means = metrics[metrics.year == 2].groupby(["town", "policy"])["population"].mean()
    assert means.to_dict() == {("peripheral", "baseline"): 100.5}
    assert metrics["seed"].tolist() == [0, 0, 0, 1, 1, 1] and set(metrics["shock"]) == {"none"}


def test_a_sweep_without_jobs_is_refused_and_writes_nothing(tmp_path):
    # Before, it printed "sweep of 0 jobs", exited 0 and left an empty jobs.json.
    (tmp_path / "mine").mkdir()  # a folder of the user's that was there before: kept
    sweep = tmp_path / "mine" / "multirun" / "date" / "time"
    result = subprocess.run(
        [sys.executable, "-m", "sim", "-m", "seed=range(0,-3)", f"hydra.sweep.dir={sweep}"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "the sweep has no jobs" in result.stderr + result.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]
    assert not any((tmp_path / "mine").iterdir())


def test_a_killed_run_of_a_town_file_is_named_by_its_file_policy_and_shock(tmp_path):
    # A run killed before summary.json: its identity comes from .hydra/config.yaml, where the
    # town's name is still the default one when a town file replaced the town.
    town = tmp_path / "mytown.yaml"
    town.write_text("name: Kleinheim\nplaces: []\n")
    sweep = tmp_path / "sweep"
    _fake_run(sweep, 0, ["seed=0"], None, years=2)
    (sweep / "0_seed=0" / ".hydra" / "config.yaml").write_text(
        f"seed: 0\nyears: 5\ntown:\n  name: peripheral\n  file: {town}\n"
        "policy:\n  name: broadband\nshock:\n  kind: gp_retires\n"
    )
    runs, metrics = collect(sweep, progress=False)
    assert runs[["town", "policy", "shock"]].iloc[0].tolist() == [
        "Kleinheim",
        "broadband",
        "gp_retires",
    ]
    assert set(metrics["town"]) == {"Kleinheim"} and set(metrics["policy"]) == {"broadband"}
