"""The experiment scripts run end to end and write what they promise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_resilience_experiment_runs_and_reports(tmp_path):
    out = tmp_path / "res"
    cmd = [
        sys.executable,
        str(REPO / "experiments" / "resilience.py"),
        "--town",
        "very_peripheral",
        "--seeds",
        "2",
        "--years",
        "16",
        "--shocks",
        "gp_retires,employer_leaves",
        "--jobs",
        "2",
        "--out",
        str(out),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = pd.read_csv(out / "resilience_summary.csv")
    assert set(summary["scenario"]) == {"gp_retires", "gp_retires (2 GP practices)"}
    assert (summary["qol_drop_mean"] >= 0).all()
    assert (out / "resilience.png").is_file() and (out / "resilience.md").is_file()
    assert "Skipped: employer_leaves" in (out / "resilience.md").read_text()
    per_seed = pd.read_csv(out / "resilience.csv")
    assert len(per_seed) == 4
    assert summary["cascade_share"].between(0, 1).all()
    cascades = pd.read_csv(out / "resilience_cascades.csv")
    assert set(cascades["scenario"]) <= set(summary["scenario"])
    assert cascades["seeds_with_extra_closure"].between(0, 1).all()
    assert "seeds with a cascade" in (out / "resilience.md").read_text()
    pairs = pd.read_csv(out / "resilience_pairing.csv")
    assert set(pairs["scenario"]) == set(summary["scenario"])
    assert (pairs["sd_paired"] >= 0).all() and "What pairing buys" in (
        out / "resilience.md"
    ).read_text()
    # Re-analysing the run directories gives the same table without running anything.
    again = subprocess.run(
        [sys.executable, str(REPO / "experiments" / "resilience.py"), "--from", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert again.returncode == 0, again.stderr
    assert pd.read_csv(out / "resilience_summary.csv").equals(summary)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("qol.marginality_bufer=0.5", "did you mean qol.marginality_buffer"),
        ("qol.marginality_buffer=strong", "expected float"),
        ("qol.marginality_buffer=1.5", "qol.marginality_buffer"),
        ("qol.marginality_buffer", "expected path=value"),
        ("seed=3", "use --seeds"),
        ("years=5", "use --years"),
        ("shock.year=2", "use --shocks and --shock-year"),
        ("output.plots=true", "the runs write what the analysis reads"),
    ],
)
def test_resilience_refuses_a_bad_setting_before_it_writes_anything(tmp_path, setting, message):
    # A wrong name or value, or a setting the experiment makes itself (every "seed" the same
    # run, a shock year the analysis does not know): refused, nothing written.
    out = tmp_path / "res"
    cmd = [sys.executable, str(REPO / "experiments" / "resilience.py"), "--out", str(out)]
    result = subprocess.run(
        [*cmd, "--set", setting], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--town", "mitte"], "--town 'mitte' is neither a built-in town (central, peripheral"),
        (["--seeds", "0"], "--seeds must be a whole number of at least 1, not 0"),
        (["--seeds", "-1"], "--seeds must be a whole number of at least 1, not -1"),
        (["--jobs", "0"], "--jobs must be a whole number of at least 1, not 0"),
    ],
)
def test_resilience_refuses_a_bad_town_or_count_before_it_runs(tmp_path, args, message):
    # Before, these ran every scenario and ended in "no completed runs", leaving a folder.
    out = tmp_path / "res"
    cmd = [sys.executable, str(REPO / "experiments" / "resilience.py"), "--out", str(out)]
    result = subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert message in result.stderr
    assert not out.exists()


def test_resilience_refuses_settings_when_it_only_reanalyses(tmp_path):
    cmd = [sys.executable, str(REPO / "experiments" / "resilience.py"), "--from", str(tmp_path)]
    result = subprocess.run(
        [*cmd, "--set", "qol.marginality_buffer=0.5"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode != 0 and "--set and --from" in result.stderr


@pytest.mark.slow
def test_resilience_runs_with_a_setting_and_says_so(tmp_path):
    # The marginality buffer softens the grocer's closing (SF17): the same seeds with it on.
    out = {}
    for label, extra in (("off", []), ("on", ["--set", "qol.marginality_buffer=1.0"])):
        out[label] = tmp_path / label
        cmd = [
            sys.executable,
            str(REPO / "experiments" / "resilience.py"),
            *("--town", "peripheral", "--seeds", "3", "--years", "8"),
            *("--shocks", "grocer_closes", "--jobs", "2", "--out", str(out[label]), *extra),
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    assert "with qol.marginality_buffer=1.0" in (out["on"] / "resilience.md").read_text()
    assert "with " not in (out["off"] / "resilience.md").read_text().splitlines()[0]
    drop = {
        k: pd.read_csv(v / "resilience_summary.csv")
        .set_index("scenario")
        .at["grocer_closes", "qol_drop_mean"]
        for k, v in out.items()
    }
    assert 0 < drop["on"] < drop["off"]


def _fake_run(
    folder: Path,
    policy: str,
    seed: int,
    population: list[int],
    town: str = "tiny",
    status: str = "complete",
    extra: list[str] = (),
) -> None:
    """A run directory as the CLI writes it (only what compare_policies reads)."""
    import json

    import yaml

    run = folder / f"{policy}_{seed}_{town}_{len(extra)}"
    (run / ".hydra").mkdir(parents=True)
    (run / ".hydra" / "config.yaml").write_text(
        yaml.safe_dump({"seed": seed, "policy": {"name": policy}, "town": {"name": town}})
    )
    (run / ".hydra" / "overrides.yaml").write_text(
        yaml.safe_dump([f"policy={policy}", f"seed={seed}", *extra])
    )
    (run / "summary.json").write_text(json.dumps({"status": status, "town": town}))
    years = len(population)
    pd.DataFrame(
        {
            "year": range(years),
            "population": population,
            "qol_mean": [0.5] * years,
            "services_open_gp": [1] * years,
            "services_open_crafts": [5] * years,
            "initiatives_institutionalised": [0] * years,
            "municipal_debt_eur": [0.0] * years,
            "policy_cost_eur": [0.0] + [1000.0 if policy != "baseline" else 0.0] * (years - 1),
        }
    ).to_parquet(run / "metrics.parquet")


def test_compare_policies_pairs_each_policy_with_the_baseline_of_the_same_seed(tmp_path):
    sys.path.insert(0, str(REPO / "experiments"))
    import compare_policies

    runs = tmp_path / "runs"
    for seed, base in ((0, 100), (1, 200)):
        _fake_run(runs, "baseline", seed, [base] * 21)
        _fake_run(runs, "lever", seed, [base] * 20 + [base + 10 * (seed + 1)])
        _fake_run(
            runs, "lever", seed, [base] * 20 + [base + 99], extra=["migration.rate_18_24=0.2"]
        )  # another variant
    _fake_run(runs, "lever", 7, [1] * 21, status="interrupted")
    compare_policies.main([str(runs), "--at", "20", "--out", str(tmp_path / "out")])
    table = pd.read_csv(tmp_path / "out" / "policy_comparison.csv")
    main = table[table.variant == "-"].sort_values("seed")
    assert main["population"].tolist() == [10.0, 20.0]  # paired by seed, not pooled
    assert main["population_pct"].tolist() == [10.0, 10.0]
    summary = pd.read_csv(tmp_path / "out" / "policy_comparison_summary.csv")
    row = summary[summary.variant == "-"].iloc[0]
    # Student's t with 1 degree of freedom: 12.706 x sd (7.07) / sqrt(2) = 63.5 (not 1.96 x 5)
    assert row["population_ci_high"] - row["population_mean"] == pytest.approx(63.53, abs=0.05)
    assert main["cost_eur_per_year"].tolist() == [1000.0, 1000.0]
    assert main["services_kept"].tolist() == [0.0, 0.0]  # employers are not services
    other = table[table.variant != "-"]
    assert other.empty  # the variant has no baseline of its own: left out, and said so
    text = (tmp_path / "out" / "policy_comparison.md").read_text()
    assert "no baseline run with this seed" in text and "not complete" in text
    assert (tmp_path / "out" / "policy_comparison.png").is_file()
    # What pairing buys: differences 10 and 20 (SD 7.1) against independent runs (SD 105.1).
    pairs = pd.read_csv(tmp_path / "out" / "policy_comparison_pairing.csv")
    pair = pairs[pairs.variant == "-"].iloc[0]
    assert pair["sd_paired"] == pytest.approx(7.071, abs=1e-3)
    assert pair["sd_unpaired"] == pytest.approx((6050 + 5000) ** 0.5, abs=1e-3)
    assert pair["variance_reduction"] == pytest.approx(11050 / 50, rel=1e-6)
    assert "What pairing buys" in text


def test_compare_policies_needs_a_baseline(tmp_path):
    sys.path.insert(0, str(REPO / "experiments"))
    import compare_policies

    _fake_run(tmp_path / "runs", "lever", 0, [100] * 21)
    with pytest.raises(SystemExit, match="include policy=baseline"):
        compare_policies.main([str(tmp_path / "runs")])


@pytest.mark.slow
def test_policy_comparison_experiment_end_to_end(tmp_path):
    sweep = tmp_path / "sweep"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "-m",
            "+experiment=policy_comparison",
            "town=very_peripheral",
            "policy=baseline,r4_municipal_resources",
            "seed=0,1",
            "years=4",
            "hydra.launcher.n_jobs=2",
            f"hydra.sweep.dir={sweep}",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=REPO,
    )
    assert run.returncode == 0, run.stderr
    assert len(list(sweep.glob("*/summary.json"))) == 4
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "experiments" / "compare_policies.py"),
            str(sweep),
            "--at",
            "4",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    summary = pd.read_csv(sweep / "policy_comparison_summary.csv")
    assert summary["policy"].tolist() == ["r4_municipal_resources"] and summary[
        "seeds"
    ].tolist() == [2]
    assert summary["cost_eur_per_year"].iloc[0] > 0


def test_resilience_takes_each_shock_from_the_shock_config_group():
    """One definition: the experiment's shocks are those of ``shock=<name>`` but for the year."""
    import importlib.util

    from test_cli import _compose

    spec = importlib.util.spec_from_file_location(
        "resilience", REPO / "experiments" / "resilience.py"
    )
    resilience = importlib.util.module_from_spec(spec)
    sys.modules["resilience"] = resilience  # its dataclasses look their module up
    spec.loader.exec_module(resilience)
    for name in resilience.SHOCKS:
        cli = _compose(f"shock={name}").shock
        ours = resilience.build_config(
            "very_peripheral", resilience.Scenario(name, name, "base"), 0, 20, cli.year + 1
        ).shock
        assert ours.year == cli.year + 1
        ours.year = cli.year
        assert ours == cli, name
