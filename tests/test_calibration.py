"""The calibration of the drivers of service change (experiments/calibrate.py) with its
tolerance, on the 10 seeds of docs/validation.md (about 20 s on 2 cores)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _calibrate():
    sys.path.insert(0, str(REPO / "experiments"))
    import calibrate

    return calibrate


@pytest.mark.slow
def test_the_calibration_meets_its_targets():
    """The archetypes' mix within the tolerance of the national trend for every type the drivers
    act on; nothing declining nationally grows in the periphery; the central town loses fewer
    of these providers than the peripheral and the very peripheral town (all types together:
    type by type the single providers of the small towns make the order a coin flip, see
    docs/validation.md)."""
    calibrate = _calibrate()
    # 10 seeds, as the calibration itself: on 4 the banks missed by 0.1 %/yr (-3.5 against
    # -4.6 +- 1) once co-located branches stopped closing together, one branch more or less in
    # one town being a quarter of a town's mean count.
    table = calibrate.evaluate(seeds=10)
    missed = calibrate.checks(table, types=list(calibrate.FITTED))
    assert missed["mix"] == [], table[["national", "mix"]].round(2)
    # One entrant moves a small town's mean count by 0.1 (a GP: about +0.1 %/yr); growth
    # counts from 0.5 %/yr.
    declining = table.loc[list(calibrate.FITTED)].query("national < 0")
    growing = declining[["peripheral", "very_peripheral"]].max(axis=1)
    assert (growing <= 0.5).all(), growing
    change = calibrate.total_change(table, list(calibrate.FITTED), 30 - calibrate.SPIN_UP)
    assert change["central"] > max(change["peripheral"], change["very_peripheral"]), change


def test_the_calibration_writes_only_its_own_section(tmp_path):
    calibrate = _calibrate()
    doc = tmp_path / "validation.md"
    doc.write_text("# Validation\n\n## Calibration\n\nold\n\n## Stylised facts\n\nkept\n")
    calibrate.write_section("## Calibration\n\nnew\n", doc)
    text = doc.read_text()
    assert "new" in text and "old" not in text
    assert text.index("## Calibration") < text.index("## Stylised facts") and "kept" in text
    calibrate.write_section("## Calibration\n\nnewer\n", doc)
    assert doc.read_text().count("## Calibration") == 1 and "kept" in doc.read_text()
