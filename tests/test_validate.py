"""The validation report: stylised facts that held must keep holding (experiments/validate.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "experiments"))


@pytest.mark.slow
def test_stylised_facts_that_held_still_hold():
    import validate

    # Few seeds to stay modest on CI (about 1.5 min on 2 cores); the expected list holds at 5
    # seeds and at 20 (experiments/validation_expected.txt).
    assert validate.main(["--seeds", "5", "--no-write", "--check"]) == 0


def test_the_validation_section_replaces_only_itself(tmp_path):
    import validate

    doc = tmp_path / "validation.md"
    doc.write_text("## Stylised facts\n\nOLD-TEXT\n\n## Calibration\n\nkept\n")
    rows = [{"fact": "SF1 x", "setup": "s", "criterion": "c", "status": "holds", "numbers": "n"}]
    validate.write_section(rows, 3, 20, doc)
    text = doc.read_text()
    assert "OLD-TEXT" not in text and "| SF1 x |" in text
    assert text.count("## Stylised facts") == 1 and text.endswith("## Calibration\n\nkept\n")


def test_a_fact_with_a_row_is_not_listed_as_not_tested():
    import validate

    rows = [{"fact": "SF4 size gradient", "status": "holds"}]
    untested = validate.not_tested(rows)
    assert not any(k.startswith("SF4 ") for k in untested)
    assert any(k.startswith("SF38 ") for k in untested)


def test_a_verdict_that_differs_between_the_halves_of_the_seeds_is_reported(tmp_path):
    import validate

    # A fake fact that holds on seeds 0-4 and partly on 5-9, and one that holds on both.
    def judge(runs):
        seeds = sorted(r.seed for r in runs["peripheral"])
        return [
            {"fact": "SF1 a", "status": "holds" if max(seeds) < 5 else "partly"},
            {"fact": "SF2 b", "status": "holds"},
        ]

    runs = {"peripheral": [validate.Run("peripheral", s, None, None, 0, 0, 0) for s in range(10)]}
    rows = [
        {"fact": "SF1 a", "setup": "s", "criterion": "c", "status": "holds", "numbers": "n"},
        {"fact": "SF2 b", "setup": "s", "criterion": "c", "status": "holds", "numbers": "n"},
    ]
    assert validate.add_halves(rows, runs, 10, judge) == ["SF1"]
    assert rows[0]["halves"] == "holds / partly" and rows[1]["halves"] == "holds / holds"
    doc = tmp_path / "validation.md"
    validate.write_section(rows, 10, 20, doc, ["SF1"])
    text = doc.read_text()
    assert (
        "seeds 0–4 / 5–9" in text
        and "differs between the halves or from all seeds for SF1;" in text
    )
    assert "| SF1 a | s | c | **holds** | holds / partly | n |" in text


def _fake_run(name, seed, formal, share):
    import pandas as pd
    import validate

    years = range(len(formal))
    metrics = pd.DataFrame(
        {"year": years, "formal_members": formal, "informal_engagement_share": share}
    )
    return validate.Run(name, seed, metrics, None, 0, 0, 0)


def test_sf32_spin_up_ends_when_the_formal_stock_has_formed():
    from validation_facts import engagement

    # Mean formal members 0, 10, 50, 90, 100, 95: 90 % of the largest mean is first reached in
    # year 3 (the mean over both seeds, not either seed alone).
    runs = [
        _fake_run("p", 0, [0, 20, 100, 80, 100, 95], [0.0] * 6),
        _fake_run("p", 1, [0, 0, 0, 100, 100, 95], [0.0] * 6),
    ]
    assert engagement.spin_up(runs) == 3


def test_a_fact_module_gets_runs_of_its_own_horizon(monkeypatch):
    import validate
    from validation_facts import engagement

    asked: dict[str, set[int]] = {}

    def fake_one_run(name, overrides, seed, years):
        asked.setdefault(name, set()).add(years)
        return validate.Run(name, seed, None, None, 0, 0, 0)

    monkeypatch.setattr(validate, "one_run", fake_one_run)
    validate.run_all(seeds=1, years=20, jobs=1, module="engagement")
    assert asked["peripheral"] == {20}
    assert all(asked[v] == {engagement.HORIZON} for v in engagement.VARIANTS)
    validate.run_all(seeds=1, years=40, jobs=1, module="engagement")
    assert asked[engagement.BASE] == {engagement.HORIZON, 40}
