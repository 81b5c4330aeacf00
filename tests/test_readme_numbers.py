"""The README's numbers are current: they come from experiments/readme_numbers.py, which a
behaviour change makes stale (re-run it: ``python experiments/readme_numbers.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sim.report.command import compose
from sim.run import run_simulation, summary_table

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "experiments"))

import readme_numbers  # noqa: E402

STALE = "stale: re-run `python experiments/readme_numbers.py` and commit README.md"


def test_regression_pin_readme_quickstart_sample_is_the_default_run():
    """A regression pin: the README shows one exact trajectory (seed 0), so floating-point
    differences between CPUs could move it; re-run experiments/readme_numbers.py then."""
    readme = readme_numbers.README.read_text(encoding="utf-8")
    sample = readme_numbers.block(readme, "quickstart")
    result = run_simulation(compose([]), progress=False)
    s = result.summary
    assert f"kleinstadt: {s['town']}, policy baseline, no shock, seed 0, 30 years" in sample, STALE
    line = (
        f"Population {s['population_start']} -> {s['population_end']} "
        f"({s['population_change_pct']:+.1f} %), median age {s['median_age_start']:.0f} -> "
        f"{s['median_age_end']:.0f}"
    )
    assert line in sample, STALE
    for row in summary_table(result.metrics).to_string().splitlines()[2:]:
        assert row.rstrip() in sample, f"{row!r}: {STALE}"


@pytest.mark.slow
def test_regression_pin_readme_gp_shock_example_is_current():
    """A regression pin of the README's 8-seed GP-shock figures (exact numbers, as above)."""
    readme = readme_numbers.README.read_text(encoding="utf-8")
    assert readme_numbers.block(readme, "gp-shock") == readme_numbers.gp_example(), STALE


def test_the_staleness_check_ignores_time_stamps_run_times_and_run_folders():
    a = (
        "[2026-12-06 20:32:29,966][sim.run][INFO] - peripheral seed 0: 12000 -> 10228 residents"
        " in 30 year(s) (0.9 s)\nOutputs: /home/you/kleinstadt/outputs/2026-12-06/20-32-29-000000"
    )
    b = a.replace("20:32:29,966", "21:01:02,003").replace("(0.9 s)", "(1.2 s)")
    b = b.replace("20-32-29-000000", "21-01-02-000000")
    assert readme_numbers.normalised(a) == readme_numbers.normalised(b)
    assert readme_numbers.normalised(a) != readme_numbers.normalised(a.replace("10228", "10229"))
