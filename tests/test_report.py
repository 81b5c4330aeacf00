"""The planner's report (``kleinstadt report``) and the own-town workflow (new-town,
check-town): bad input, the tables, the document and its rendering."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.config.town import EdgeConfig, PlaceConfig, ProviderConfig, TownConfig
from sim.report import main as report
from sim.report import tables
from sim.run import run_simulation
from tests.conftest import tiny_config

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "configs/town/example_own_town.yaml"

TINY_TOWN = """
name: Kleinhausen
region: west
places:
  - {name: Mitte, kind: centre, residents: 900, dwellings: 480, jobs: 300, hinterland: 200}
  - {name: Dorf, kind: village, residents: 250, dwellings: 140, jobs: 20}
  - {name: Kreisstadt, kind: regional_centre, jobs: 30000, internal_minutes: 15}
  - {name: Metropole, kind: metropolis, jobs: 800000, university: true, internal_minutes: 25}
edges:
  - {between: [Mitte, Dorf], car_minutes: 8, bus_minutes: 14, bus_departures_per_day: 8}
  - {between: [Mitte, Kreisstadt], car_minutes: 25, bus_minutes: 40, bus_departures_per_day: 10}
  - {between: [Mitte, Metropole], car_minutes: 40}
providers:
  - {type: grocery, place: Mitte}
  - {type: gp, place: Mitte}
  - {type: pharmacy, place: Mitte}
  - {type: pub, place: Dorf}
  - {type: primary_school, place: Mitte}
"""


def _cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["policies=[baseline,nope]", "seeds=2"], "unknown policy nope"),
        (["policies=[baseline]", "seeds=two"], "seeds='two'"),
        (["policies=[baseline]", "seeds=0"], "at least one seed"),
        (["policies=[baseline]", "seeds=2", "seed=3"], "give seeds="),
        (["policies=[baseline]", "seeds=2", "policy=broadband"], "give policies= instead"),
        (["policies=[baseline]", "seeds=2", "yaers=3"], "yaers is not a setting of the model"),
        (["policies=[baseline]", "seeds=2", "migraton.x=1"], "did you mean migration?"),
        (["policies=[baseline]", "seeds=2", "town=nowhere"], "town/nowhere"),
        (["policies=[baseline]", "seeds=2", "years=0"], "years = 0"),
        (["policies=[baseline]", "seeds=2", "town.file=/no/such.yaml"], "/no/such.yaml"),
        (["policies=[r6_cross_town_learning]", "seeds=2", "town=central"], "region"),
        (["policies=[baseline]", "seeds=2", "jobs=0"], "jobs="),
        (["policies=[baseline]", "out=x"], "seeds= is missing"),
        (["policies=[baseline]", "seeds=2", "stray"], "not key=value"),
    ],
)
def test_bad_report_input_exits_2_and_writes_nothing(tmp_path, capsys, args, fragment):
    out = tmp_path / "report"
    if not any(a.startswith("out=") for a in args):
        args = [*args, f"out={out}"]
    assert report(args) == 2
    assert fragment in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_report_never_writes_into_a_folder_that_holds_files(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert report(["policies=[baseline]", "seeds=1", "years=1", f"out={tmp_path}"]) == 2
    assert "not empty" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


# -- tables -----------------------------------------------------------------------------------


def _fake_metrics() -> pd.DataFrame:
    """Two policies, 5 seeds, 3 years; a column no code names (access_grocery) rides along."""
    rng = np.random.default_rng(0)
    noise = {seed: rng.normal(0, 50, 3) for seed in range(5)}
    rows = [
        {
            "policy": policy,
            "seed": seed,
            "year": year,
            "population": 1000 + noise[seed][year] + lift * year,
            "access_grocery": 0.5 + 0.1 * (policy != "baseline"),
        }
        for seed in range(5)
        for policy, lift in (("baseline", 0.0), ("broadband", 30.0))
        for year in range(3)
    ]
    return pd.DataFrame(rows)


def test_differences_are_paired_by_seed_and_new_columns_are_picked_up():
    metrics = _fake_metrics()
    order = ["baseline", "broadband"]
    diffs = tables.differences(metrics, order).set_index(["measure", "year"])
    # the noise is shared by seed, so the paired difference is exactly the lift
    assert diffs.loc[("population", 2), "mean_difference"] == pytest.approx(60.0)
    assert diffs.loc[("population", 2), "sd_paired"] == pytest.approx(0.0, abs=1e-9)
    assert diffs.loc[("population", 2), "sd_unpaired"] > 20
    assert diffs.loc[("access_grocery", 1), "mean_difference"] == pytest.approx(0.1)
    traj = tables.trajectories(metrics, order)
    assert {"population", "access_grocery"} <= set(traj["measure"])
    base = traj[(traj.policy == "baseline") & (traj.measure == "population") & (traj.year == 1)]
    assert base["p05"].iloc[0] <= base["mean"].iloc[0] <= base["p95"].iloc[0]


def test_qol_by_age_group_averages_to_the_mean_qol():
    from sim.qol_groups import QOL_AGE_GROUPS

    result = run_simulation(tiny_config(years=2))
    model = result.model
    ages = model.population.people.age[model.population.alive_rows]
    last = result.metrics.iloc[-1]
    weights = [((ages >= lo) & (ages <= hi)).sum() for _, lo, hi in QOL_AGE_GROUPS]
    assert sum(weights) == ages.size  # the groups cover every age
    values = [last[f"qol_mean_{name}"] for name, _, _ in QOL_AGE_GROUPS]
    weighted = sum(w * v for w, v in zip(weights, values, strict=True) if w) / sum(weights)
    assert weighted == pytest.approx(last["qol_mean"], rel=1e-9)
    assert 0 <= last["qol_mean_adults_without_car"] <= 1


# -- own town -----------------------------------------------------------------------------------


def test_the_example_town_documents_every_field_the_reader_accepts():
    text = EXAMPLE.read_text(encoding="utf-8")
    for cls in (TownConfig, PlaceConfig, EdgeConfig, ProviderConfig):
        for f in fields(cls):
            assert re.search(rf"(^|[\s#{{,]){f.name}\b", text, re.M), f"{cls.__name__}.{f.name}"
    for key in ("hinterland:", "municipality:"):  # used, not only described
        assert re.search(rf"^\s+{key}", text, re.M), key


def test_new_town_writes_a_template_that_check_town_accepts(tmp_path, capsys):
    from sim.owntown import check_town, new_town

    path = tmp_path / "mytown.yaml"
    assert new_town([str(path)]) == 0
    assert "hinterland" in path.read_text() and "municipality" in path.read_text()
    # Its header tells how to check and run this file, not the built-in example.
    assert f"kleinstadt check-town {path}\n" in path.read_text()
    assert f"python -m sim town.file={path}\n" in path.read_text()
    assert "example_own_town" not in path.read_text().split("\n\n")[0]
    assert new_town([str(path)]) == 2  # never over an existing file
    assert "exists" in capsys.readouterr().err
    assert check_town([str(path)]) == 0
    out = capsys.readouterr().out
    assert "The file is valid" in out and "hinterland" in out
    assert (tmp_path / "mytown_map.png").read_bytes()[:4] == b"\x89PNG"


def test_check_town_names_the_problem_and_draws_nothing(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(TINY_TOWN.replace("residents: 250", "residents: many"))
    checked = _cli("check-town", str(path))  # through the command line
    assert checked.returncode == 2
    assert "residents" in checked.stderr and "line" in checked.stderr
    assert not (tmp_path / "bad_map.png").exists()


# -- the report itself --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    town = folder / "kleinhausen.yaml"
    town.write_text(TINY_TOWN)
    out = folder / "out"
    result = _cli(
        "report",
        f"town.file={town}",
        "policies=[baseline,r4_municipal_resources]",
        "shock=gp_retires",
        "shock.year=2",
        "seeds=2",
        "years=4",
        f"out={out}",
    )
    assert result.returncode == 0, result.stderr
    return out, result


@pytest.mark.slow
def test_the_report_holds_the_tables_figures_and_policies(tiny_report):
    out, result = tiny_report
    page = (out / "report.html").read_text(encoding="utf-8")
    for name in (
        "trajectories",
        "differences",
        "costs",
        "places",
        "municipalities",
        "assumptions",
        "age_structure",
    ):
        assert (out / f"{name}.csv").is_file(), name
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) >= 6
    assert all(base64.b64decode(i)[:4] == b"\x89PNG" for i in images)
    assert "http://" not in page and "https://" not in page  # opens offline
    assert "@media print" in page
    for text in (
        "Kleinhausen",
        "r4_municipal_resources",
        "baseline",
        "gp retires",
        "confidence interval",
        "What it does not show",
    ):
        assert text in page, text
    diffs = pd.read_csv(out / "differences.csv")
    assert set(diffs["policy"]) == {"r4_municipal_resources"}
    assert diffs["seeds"].eq(2).all()
    traj = pd.read_csv(out / "trajectories.csv")
    assert {"population", "qol_mean_65_79", "services_open_gp", "municipal_debt_eur"} <= set(
        traj["measure"]
    )
    settings = pd.read_csv(out / "assumptions.csv")
    assert {"years", "shock.kind", "shock.year"} <= set(settings["setting"])
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".out")]  # no temp folder left
    assert "report runs" in result.stderr  # progress


@pytest.mark.slow
@pytest.mark.browser
def test_the_report_renders_in_headless_chromium(tiny_report, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no chromium (CI installs it: apt-get install -y chromium)")
    out, _ = tiny_report
    shot = tmp_path / "page.png"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1200,1600",
            f"--screenshot={shot}",
            (out / "report.html").as_uri(),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    from PIL import Image

    image = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert image.shape == (1600, 1200)
    assert image.std() > 20  # text, tables and figures, not a blank page
    assert (image < 100).mean() > 0.005  # dark pixels: the text is drawn


def test_a_town_file_is_not_crossed_with_the_archetypes_of_an_experiment():
    from sim.owntown import town_file_sweeps_one_town

    args = ["-m", "+experiment=policy_comparison", "town.file=my.yaml", "policy=baseline"]
    assert town_file_sweeps_one_town(args)[-1] == "~hydra.sweeper.params.town"
    assert town_file_sweeps_one_town([*args, "town=central"]) == [*args, "town=central"]
    assert town_file_sweeps_one_town(args[1:]) == args[1:]  # a single run: nothing to drop
    no_file = ["-m", "+experiment=policy_comparison", "policy=baseline"]
    assert town_file_sweeps_one_town(no_file) == no_file


@pytest.mark.slow
def test_an_experiment_sweep_of_a_town_file_runs_the_file_once_per_policy_and_seed(tmp_path):
    sweep = tmp_path / "sweep"
    result = _cli(
        "-m",
        "+experiment=policy_comparison",
        f"town.file={EXAMPLE}",
        "policy=baseline,broadband",
        "seed=0",
        "years=1",
        "hydra.launcher.n_jobs=1",
        f"hydra.sweep.dir={sweep}",
    )
    assert result.returncode == 0, result.stderr
    assert len(list(sweep.glob("*/summary.json"))) == 2  # not 2 x 3 archetypes


def test_the_own_town_walkthrough_builds_a_valid_town(tmp_path):
    """docs/own-town.md: its YAML snippets together are a town file that check-town accepts."""
    text = (REPO / "docs/own-town.md").read_text(encoding="utf-8")
    snippets = re.findall(r"```yaml\n(.*?)```", text, re.S)
    assert len(snippets) == 3
    path = tmp_path / "lindenfeld.yaml"
    path.write_text("\n".join(snippets), encoding="utf-8")
    from sim.owntown import check_town

    assert check_town([str(path), f"map={tmp_path / 'map.png'}"]) == 0
    assert (tmp_path / "map.png").is_file()


@pytest.mark.slow
def test_the_readme_command_writes_a_report(tmp_path):
    """The command of the issue and the README, as written (a built-in town by name)."""
    out = tmp_path / "DIR"
    result = _cli(
        "report",
        "town=very_peripheral",
        "policies=[baseline,r4_municipal_resources]",
        "seeds=2",
        "years=5",
        f"out={out}",
    )
    assert result.returncode == 0, result.stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "very_peripheral" in page and "r4_municipal_resources" in page
    assert [p.name for p in tmp_path.iterdir()] == ["DIR"]
    # Shareable like any new folder, not private as a temporary folder is made.
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask
