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
        {
            "year": years,
            "formal_members": formal,
            "informal_engagement_share": share,
            "volunteers": [10] * len(formal),
        }
    )
    extra = {
        "adult_share": dict.fromkeys(years, 0.2),
        "institution_share": dict.fromkeys(years, 0.1),
    }
    return validate.Run(name, seed, metrics, None, 0, 0, 0, extra)


def test_sf32_spin_up_ends_when_the_formal_stock_has_formed():
    from validation_facts import engagement

    # Mean formal members 0, 0, 80, 94.5, 100, 100, ... : 90 % of the largest mean is first
    # reached in year 3; seed 0 alone would give year 2, seed 1 alone year 4.
    tail = [100] * 10
    runs = [
        _fake_run("p", 0, [0, 0, 100, 100, 100, *tail], [0.0] * 15),
        _fake_run("p", 1, [0, 0, 60, 89, 100, *tail], [0.0] * 15),
    ]
    assert engagement.spin_up(runs) == 3
    # A stock that peaks in the last years has not formed; no members, no stock.
    growing = [_fake_run("p", 0, list(range(15)), [0.0] * 15)]
    assert engagement.spin_up(growing) is None
    assert engagement.spin_up([_fake_run("p", 0, [0] * 15, [0.0] * 15)]) is None


def _sf32(base_share, flat_share, years=30, stock=None):
    from validation_facts import engagement

    stock = stock or [min(10 * y, 100) for y in range(years + 1)]
    runs = {
        engagement.BASE: [_fake_run("b", s, stock, base_share(s)) for s in range(4)],
        "ehrenamt_2_0": [_fake_run("e", s, stock, base_share(s)) for s in range(4)],
        "no_cohort_trend": [_fake_run("f", s, stock, flat_share(s)) for s in range(4)],
    }
    rows = []
    engagement.facts(runs, 20, lambda *a: rows.append(a))
    return rows[0]


def test_sf32_is_judged_after_the_spin_up_against_the_control():
    # The stock reaches 90 % in year 9. Falling in the first years, then rising: holds if
    # the control without the trend rises less, partly if it rises as much.
    def dip(s):
        return [0.3 - 0.01 * y if y < 9 else 0.21 + 0.005 * (y - 9) + 0.001 * s for y in range(31)]

    def flat(s):
        return [0.3 - 0.01 * y if y < 9 else 0.21 for y in range(31)]

    row = _sf32(dip, flat)
    assert row[3] == "holds" and "years 9–13 → 26–30" in row[4]
    assert "from the cold start the share falls" in row[4]
    assert _sf32(dip, dip)[3] == "partly"
    # Falling after the spin-up too: fails.
    falling = [[0.3 - 0.005 * y for y in range(31)] for _ in range(4)]
    assert _sf32(lambda s: falling[s], flat)[3] == "fails"


def test_sf32_is_inconclusive_when_the_stock_forms_too_late():
    row = _sf32(lambda s: [0.2] * 21, lambda s: [0.2] * 21, years=20, stock=list(range(21)))
    assert row[3] == "inconclusive"


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


def test_a_variant_name_means_one_set_of_runs(monkeypatch):
    import validate
    from validation_facts import engagement

    monkeypatch.setattr(validate, "one_run", lambda n, o, s, y: None)
    # A module that reuses a shared run's name with other overrides is refused.
    monkeypatch.setitem(engagement.VARIANTS, "central", ["town=peripheral"])
    with pytest.raises(ValueError, match=r"'central'.*give it its own name"):
        validate.run_all(seeds=1, years=20, jobs=1, module="engagement")
