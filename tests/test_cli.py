"""The command line: Hydra composition, outputs, bad input, multirun."""

from __future__ import annotations

import dataclasses
import errno
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hydra import compose, initialize_config_dir

from sim.cli import to_config
from sim.config import Config, ConfigError
from sim.town import builtin_towns, config_dir, resolve_town

REPO = Path(__file__).resolve().parent.parent


def _compose(*overrides: str) -> Config:
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        return to_config(compose(config_name="config", overrides=list(overrides)))


def test_default_composition_is_the_peripheral_town_for_30_years():
    cfg = _compose()
    assert cfg.town.name == "peripheral" and cfg.years == 30 and cfg.seed == 0
    # The Hydra default and the Python default are the same run: Config() names the built-in
    # peripheral town, which resolve_town loads before the run.
    default = Config()
    assert resolve_town(default.town) == cfg.town
    assert dataclasses.replace(cfg, town=default.town) == default


@pytest.mark.parametrize("town", [*builtin_towns(), "example_own_town"])
def test_every_town_option_composes_and_validates(town):
    cfg = _compose(f"town={town}", "years=2", "seed=5")
    assert cfg.years == 2 and cfg.seed == 5
    assert any(p.kind.value == "centre" for p in cfg.town.places)


POLICIES = sorted(p.stem for p in (config_dir() / "policy").glob("*.yaml"))
REGION_ONLY = {"r6_cross_town_learning", "all_recommendations"}


def test_the_policy_catalogue_has_the_six_recommendations_and_the_levers():
    assert set(POLICIES) >= {
        "baseline",
        "r1_innovation_structures",
        "r2_entrepreneurship",
        "r3_financing_cooperation",
        "r4_municipal_resources",
        "r5_learning_places",
        "r6_cross_town_learning",
        "all_recommendations",
        "broadband",
        "infill_first",
        "citizen_bus_support",
        "phase_null",
        "regional_express",
        "ehrenamt_2_0",
    }


@pytest.mark.parametrize("policy", POLICIES)
def test_every_policy_composes_with_its_levers(policy):
    town = "region" if policy in REGION_ONLY else "peripheral"
    cfg = _compose(f"policy={policy}", f"town={town}")
    assert cfg.policy.name == policy
    levers = cfg.policy.levers()
    if policy == "baseline":
        assert levers == {}
    elif policy.startswith("all_"):
        assert len(levers) == (6 if policy == "all_recommendations" else 5)
    else:
        assert list(levers) == [policy]


def test_a_lever_can_be_added_and_tuned_from_the_command_line():
    cfg = _compose("policy.broadband.enabled=true", "policy.broadband.target_share=0.8")
    assert list(cfg.policy.levers()) == ["broadband"]
    assert cfg.policy.broadband.target_share == 0.8


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["+policy.r7_magic={}"], r"policy.r7_magic .*Known keys here: name, r1_innovation"),
        (["policy=broadband", "+policy.broadband.speed=3"], r"policy.broadband.speed .*Known keys"),
        (
            ["policy=r4_municipal_resources", "policy.r4_municipal_resources.extra_staff_fte=-1"],
            r"extra_staff_fte = -1.0 .*>= 0",
        ),
        (
            ["policy=phase_null", "policy.phase_null.breadth=1.5"],
            r"policy.phase_null.breadth = 1.5 .*<= 1",
        ),
        (
            ["policy=broadband", "policy.broadband.start_year=31"],
            r"start_year = 31 .*a year of the run, 1..30",
        ),
        (["policy=r6_cross_town_learning"], r"region of several municipalities"),
        (["policy=all_recommendations", "town=central"], r"region of several municipalities"),
        (["policy.infill_first.reactivation_rate=0.3"], r"while the lever is off.*enabled=true"),
    ],
)
def test_bad_policy_input_is_a_clear_error(overrides, message):
    with pytest.raises(ConfigError, match=message):
        _compose(*overrides)


def test_any_parameter_can_be_overridden_by_its_path():
    cfg = _compose(
        "migration.female_youth_factor=1.5",
        "housing.construction_rule=fixed",
        "housing.fixed_per_year=7",
        "town.region=east",
    )
    assert cfg.migration.female_youth_factor == 1.5
    assert cfg.housing.construction_rule.value == "fixed" and cfg.housing.fixed_per_year == 7
    assert cfg.town.region.value == "east"


def test_unknown_keys_are_rejected_with_suggestions():
    with pytest.raises(ConfigError, match=r"migraton .*Did you mean migration"):
        _compose("+migraton.rate_18_24=0.5")
    with pytest.raises(ConfigError, match=r"migration.rate_1824 .*Did you mean rate_18_24"):
        _compose("+migration.rate_1824=0.5")


def test_invalid_override_raises_config_error():
    with pytest.raises(ConfigError, match=r"migration.rate_25_29 = 2.0"):
        _compose("migration.rate_25_29=2.0")


def _run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_cli_run_writes_the_outputs(tmp_path):
    out = tmp_path / "run"
    result = _run("years=3", "seed=2", f"hydra.run.dir={out}")
    assert result.returncode == 0, result.stderr
    for name in (
        "metrics.parquet",
        "population.parquet",
        "summary.json",
        "population.png",
        ".hydra/config.yaml",
    ):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "complete" and summary["years"] == 3 and summary["seed"] == 2
    metrics = pd.read_parquet(out / "metrics.parquet")
    assert metrics["year"].tolist() == [0, 1, 2, 3]
    assert "Outputs:" in result.stdout and "net migration" in result.stdout
    assert "Step 1 at time" not in result.stdout + result.stderr  # Mesa's step log is quiet


def test_cli_own_town_file_is_copied_beside_the_outputs(tmp_path):
    out = tmp_path / "own"
    result = _run(
        f"town.file={REPO / 'configs/town/example_own_town.yaml'}",
        "years=1",
        f"hydra.run.dir={out}",
    )
    assert result.returncode == 0, result.stderr
    assert (out / "town_file.yaml").is_file()
    assert json.loads((out / "summary.json").read_text())["town"] == "Musterstadt"
    assert "ignored" not in result.stderr


def test_town_overrides_that_a_town_file_replaces_are_named():
    from sim.cli import _ignored_town_overrides

    assert _ignored_town_overrides(
        ["town.file=x.yaml", "town.region=east", "seed=2", "town=central"]
    ) == ["town.region=east", "town=central"]
    assert _ignored_town_overrides(["town.file=x.yaml", "years=3"]) == []


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ("years=0", "years = 0"),
        ("+migraton.rate_18_24=0.5", "Did you mean migration"),
        ("shock=gp_retires shock.year=99", "shock.year = 99"),
        ("town.places.0.residents=-10", "town.places[0].residents = -10"),
        ("town.file=/nonexistent/mytown.yaml", "existing YAML file"),
        ("policy=r6_cross_town_learning", "region of several municipalities"),
        ("policy=no_such_policy", "Could not find 'policy/no_such_policy'"),
    ],
)
def test_cli_bad_input_exits_non_zero_and_leaves_no_output(tmp_path, override, fragment):
    out = tmp_path / "bad"
    result = _run(*override.split(), f"hydra.run.dir={out}")
    assert result.returncode == 2  # Hydra's own composition errors included (sim.cli.main)
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.slow
def test_multirun_with_the_joblib_launcher(tmp_path):
    sweep = tmp_path / "sweep"
    result = _run(
        "-m",
        "seed=0,1",
        "years=2",
        "hydra/launcher=joblib",
        "hydra.launcher.n_jobs=2",
        f"hydra.sweep.dir={sweep}",
    )
    assert result.returncode == 0, result.stderr
    summaries = sorted(sweep.glob("*/summary.json"))
    assert [json.loads(p.read_text())["seed"] for p in summaries] == [0, 1]
    assert {p.parent.name for p in summaries} == {"0_seed=0,years=2", "1_seed=1,years=2"}


@pytest.mark.slow
def test_console_script_and_the_full_default_run(tmp_path):
    script = Path(sys.executable).parent / "kleinstadt"
    if not script.exists():
        pytest.skip("console script not installed (package not installed with pip)")
    out = tmp_path / "default"
    result = subprocess.run(
        [str(script), f"hydra.run.dir={out}"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["town"] == "peripheral" and summary["years"] == 30 and summary["seed"] == 0


# -- run folders: unique, never another run's, problems explained, failures recorded -------------


def test_runs_started_in_the_same_second_get_their_own_folders(tmp_path):
    args = ["years=1", "output.plots=false"]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "sim", *args],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    folders = sorted(tmp_path.glob("outputs/*/*"))
    assert len(folders) == 2  # microseconds in the name: HH-MM-SS-ffffff
    assert all(re.fullmatch(r"\d\d-\d\d-\d\d-\d{6}", f.name) for f in folders)
    statuses = {json.loads((f / "summary.json").read_text())["status"] for f in folders}
    assert statuses == {"complete"}


def test_a_run_into_a_finished_runs_folder_is_refused_and_changes_nothing(tmp_path):
    out = tmp_path / "run"
    assert (
        _run("years=1", "output.plots=false", f"hydra.run.dir={out}", cwd=tmp_path).returncode == 0
    )
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    result = _run("years=2", "seed=1", f"hydra.run.dir={out}", cwd=tmp_path)
    assert result.returncode == 2
    assert f"{out} already holds the outputs of another run (summary.json, metrics.parquet" in (
        result.stderr
    )
    assert "hydra.run.dir=" in result.stderr and "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_sweep_into_a_finished_sweeps_folder_is_refused(tmp_path):
    sweep = tmp_path / "sweep"
    (sweep / "0_seed=0").mkdir(parents=True)
    (sweep / "0_seed=0" / "summary.json").write_text("{}")
    result = _run("-m", "seed=0,1", "years=1", f"hydra.sweep.dir={sweep}", cwd=tmp_path)
    assert result.returncode == 2
    assert "already holds the outputs of another run" in result.stderr
    assert "hydra.sweep.dir=" in result.stderr
    assert sorted(p.name for p in sweep.iterdir()) == ["0_seed=0"]


def test_a_run_folder_that_is_a_file_is_explained(tmp_path):
    out = tmp_path / "taken"
    out.write_text("not a folder")
    result = _run("years=1", f"hydra.run.dir={out}", cwd=tmp_path)
    assert result.returncode == 2
    assert f"cannot write outputs to {out}: it is a file" in result.stderr
    assert "Traceback" not in result.stderr
    assert out.read_text() == "not a folder"


def test_a_run_folder_that_cannot_be_written_is_explained(tmp_path):
    from sim.cli import check_run_folder

    problem = check_run_folder(Path("/proc/kleinstadt/run"), "hydra.run.dir")
    assert problem is not None and problem.startswith("cannot write outputs to /proc/kleinstadt")
    assert check_run_folder(tmp_path / "new", "hydra.run.dir") is None
    assert (tmp_path / "new").is_dir() and not any((tmp_path / "new").iterdir())


def _enospc(after: int):
    """A to_parquet that writes half a file and then finds the disk full (after ``after`` calls)."""
    calls = []
    original = pd.DataFrame.to_parquet

    def to_parquet(self, path, *args, **kwargs):
        calls.append(path)
        if len(calls) > after:
            Path(path).write_bytes(b"PAR1 half a file")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return original(self, path, *args, **kwargs)

    return to_parquet


def test_a_full_disk_leaves_no_temporary_files(tmp_path, monkeypatch):
    from sim.run import run_simulation, write_outputs

    result = run_simulation(Config(years=1, seed=0))
    monkeypatch.setattr(pd.DataFrame, "to_parquet", _enospc(after=1))
    with pytest.raises(OSError, match="No space left"):
        write_outputs(result, tmp_path, plots=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.parquet"]  # no .tmp, no summary


@pytest.fixture
def in_process_cli(tmp_path, monkeypatch):
    """Call sim.cli.main in this process (to patch the model); Hydra's global state restored."""
    from hydra.core.global_hydra import GlobalHydra

    monkeypatch.chdir(tmp_path)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level

    def call(*args: str) -> int:
        from sim.cli import main

        monkeypatch.setattr(sys, "argv", ["kleinstadt", *args])
        try:
            main()
        except SystemExit as stop:
            return int(stop.code or 0)
        finally:
            GlobalHydra.instance().clear()
        return 0

    yield call
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_full_disk_during_the_outputs_is_explained(tmp_path, monkeypatch, in_process_cli, capsys):
    monkeypatch.setattr(pd.DataFrame, "to_parquet", _enospc(after=2))
    out = tmp_path / "full"
    assert in_process_cli("years=1", "output.plots=false", f"hydra.run.dir={out}") == 2
    err = capsys.readouterr().err
    assert f"cannot write outputs to {out}: No space left on device" in err
    assert not list(out.glob(".*.tmp"))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "failed" and summary["stage"] == "outputs"
    assert summary["error_type"] == "OSError"


def test_a_crash_in_year_3_is_recorded_as_a_failed_run(
    tmp_path, monkeypatch, in_process_cli, capsys
):
    from sim.model import TownModel

    step = TownModel.step

    def failing_step(self):
        if int(self.time) == 3:
            raise ZeroDivisionError("no residents left to divide by")
        step(self)

    monkeypatch.setattr(TownModel, "step", failing_step)
    out = tmp_path / "crash"
    code = in_process_cli("years=5", "seed=4", "shock=gp_retires", f"hydra.run.dir={out}")
    assert code == 1
    err = capsys.readouterr().err
    assert "kleinstadt: run failed in year 3: ZeroDivisionError: no residents left" in err
    assert "Traceback" not in err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "failed" and summary["stage"] == "simulation"
    assert summary["year_reached"] == 2 and summary["years"] == 5
    assert summary["error_type"] == "ZeroDivisionError"
    assert summary["error_message"] == "no residents left to divide by"
    assert (summary["seed"], summary["town"], summary["shock"]) == (4, "peripheral", "gp_retires")
    log = (out / "kleinstadt.log").read_text()
    assert "Traceback" in log and "failing_step" in log and "ZeroDivisionError" in log
    assert pd.read_parquet(out / "metrics.parquet")["year"].tolist() == [0, 1, 2]
    assert not list(out.glob("*.png")) and not list(out.glob(".*.tmp"))


def test_a_crash_before_year_1_is_a_failed_run_too(tmp_path, monkeypatch, in_process_cli, capsys):
    import sim.run

    def broken_model(config):
        raise RuntimeError("the census file is corrupt")

    monkeypatch.setattr(sim.run, "TownModel", broken_model)
    out = tmp_path / "setup"
    assert in_process_cli("years=2", f"hydra.run.dir={out}") == 1
    assert "run failed before year 1: RuntimeError: the census file" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == [".hydra", "kleinstadt.log", "summary.json"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "failed" and summary["stage"] == "setup"
    assert summary["year_reached"] is None and summary["seed"] == 0
    assert "Traceback" in (out / "kleinstadt.log").read_text()


def test_the_failed_summary_names_the_run_the_year_and_the_error():
    from sim.run import RunFailed, failed_summary

    cfg = Config(years=7, seed=3)
    summary = failed_summary(cfg, KeyError("household 17"), "setup", None)
    assert summary["status"] == "failed" and summary["year_reached"] is None
    assert summary["error_type"] == "KeyError" and "household 17" in summary["error_message"]
    assert (summary["seed"], summary["years"], summary["policy"]) == (3, 7, "baseline")
    failed = RunFailed(cfg, ValueError("bad"), "simulation", 4, None, 1.0)
    assert str(failed) == "run failed in year 5: ValueError: bad"
    assert failed.summary["year_reached"] == 4 and failed.partial_result() is None


def test_a_folder_in_use_by_another_run_is_refused_and_a_run_frees_its_folder(tmp_path):
    """Two runs started at the same moment into one folder: the second finds the lock."""
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / ".kleinstadt.lock").write_text("12345\n")
    result = _run("years=1", f"hydra.run.dir={busy}", cwd=tmp_path)
    assert result.returncode == 2
    assert "in use by another run" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in busy.iterdir()) == [".kleinstadt.lock"]  # nothing written
    free = tmp_path / "free"
    assert _run("years=1", f"hydra.run.dir={free}", cwd=tmp_path).returncode == 0
    assert (free / "summary.json").is_file() and not (free / ".kleinstadt.lock").exists()


def test_a_refused_run_leaves_no_log_handler_into_its_removed_folder(tmp_path):
    """Regression: an invalid configuration removes the run folder Hydra made, but Hydra's job
    log handler stayed attached to the root logger, so the next log record of the same process
    (a warning of the town, in the test suite) failed with FileNotFoundError."""
    import contextlib
    import io

    from sim import cli

    old_argv, old_cwd = sys.argv, Path.cwd()
    sys.argv = ["kleinstadt", "output.plots=false", "migration.rate_18_24=1.5"]
    try:
        os.chdir(tmp_path)
        with (
            contextlib.redirect_stderr(io.StringIO()),
            contextlib.redirect_stdout(io.StringIO()),
            pytest.raises(SystemExit) as exit_,
        ):
            cli.main()
    finally:
        sys.argv = old_argv
        os.chdir(old_cwd)
    assert exit_.value.code == 2
    assert not (tmp_path / "outputs").exists()
    dangling = [
        h.baseFilename
        for h in logging.getLogger().handlers
        if isinstance(h, logging.FileHandler) and not Path(h.baseFilename).parent.exists()
    ]
    assert dangling == []
    logging.getLogger("sim.town").warning("a record after the refused run")  # must not raise


def test_a_misspelled_override_gets_the_nearest_known_names():
    from sim.cli import unknown_override_hints

    hints = unknown_override_hints(
        ["economy.job_growth_sharee=0.2", "town=peripheral", "+experiment=x", "seed=3"]
    )
    assert len(hints) == 1
    assert hints[0].startswith("economy.job_growth_sharee is not a setting")
    assert "economy.job_growth_share" in hints[0]
    assert unknown_override_hints(["econmy.x=1"]) == [
        "econmy is not a setting of the model; did you mean economy?"
    ]
    assert unknown_override_hints(["qol.access_zones_car=[[10,1]]", "years=5"]) == []


def test_the_summary_names_the_settings_the_command_line_changed():
    from sim.cli import _settings_line

    assert _settings_line(["town=central", "seed=3", "output.plots=false"]) == []
    assert _settings_line(["economy.job_growth_share=0.2", "policy=broadband", "+x.y=1"]) == [
        "settings: economy.job_growth_share=0.2, x.y=1"
    ]


def test_help_names_the_commands_and_groups_not_the_whole_config(tmp_path):
    # Before, --help printed about 1,500 lines of resolved config and no subcommand.
    result = subprocess.run(
        [sys.executable, "-m", "sim", "--help"], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0
    for command in ("report", "new-town", "check-town", "collect"):
        assert f"kleinstadt {command}" in result.stdout
    assert "town: central" in result.stdout and "python -m sim.config" in result.stdout
    assert len(result.stdout.splitlines()) < 100


@pytest.mark.parametrize("command", ["report", "new-town", "check-town"])
def test_each_planner_command_has_help(tmp_path, command):
    result = subprocess.run(
        [sys.executable, "-m", "sim", command, "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0 and f"kleinstadt {command}" in result.stdout
    assert list(tmp_path.iterdir()) == []
