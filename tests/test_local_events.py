"""Local events: news moves a town's image and so its newcomers (sim/local_events.py)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import tiny_config

from sim.config import ConfigError
from sim.model import TownModel


def _model(seed: int = 0, **events) -> TownModel:
    cfg = tiny_config(years=8, seed=seed)
    for key, value in events.items():
        setattr(cfg.local_events, key, value)
    return TownModel(cfg)


def test_without_events_the_image_stays_neutral():
    model = _model(rate=0.0)
    for _ in range(5):
        model.step()
    assert model.local_events.history == []
    assert np.all(model.local_events.image == 0.0)
    assert model.local_events.arrivals_factor(0) == 1.0


def test_every_year_an_event_when_certain_and_the_image_fades_with_persistence():
    model = _model(rate=1.0, size_sd=0.3, persistence=0.5)
    expected = 0.0
    for year in range(1, 6):
        model.step()
        shift = model.local_events.history[-1]
        assert shift[0] == year and shift[1] == 0
        expected = 0.5 * expected + shift[2]
        assert model.local_events.image[0] == pytest.approx(expected)
    assert len(model.local_events.history) == 5
    shifts = [h[2] for h in model.local_events.history]
    assert min(shifts) != max(shifts)  # sizes are drawn


def test_events_are_paired_across_runs_of_one_seed():
    a, b = _model(seed=3, rate=0.5), _model(seed=3, rate=0.5)
    for _ in range(6):
        a.step()
        b.step()
    assert a.local_events.history == b.local_events.history


def test_good_news_brings_more_newcomers_than_bad_news():
    def arrivals(image: float) -> int:
        total = 0
        for seed in range(3):
            model = _model(seed=seed, rate=0.0)
            for _ in range(6):
                model.local_events.image[:] = image  # a lasting image (events switched off)
                model.step()
                total += model.flows.in_migrants
        return total

    assert arrivals(0.5) > arrivals(0.0) > arrivals(-0.5)


def test_a_rate_above_one_is_refused():
    from sim.config import validate

    cfg = tiny_config()
    cfg.local_events.rate = 1.5
    with pytest.raises(ConfigError, match=r"local_events\.rate"):
        validate(cfg)
