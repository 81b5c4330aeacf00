"""Every numeric parameter is finite and within a plausible range (issue 10, item 1).

Bounds come from ``param(min=..., max=...)``; ``validate`` refuses inf, nan and values outside
them (also inside free-form mappings such as ``qol.weights``), and combinations no single range
can catch. At its bounds, each parameter either is refused or gives a run without NaN.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.config import Config, ConfigError, validate
from sim.config.param import param
from sim.config.table import parameter_table
from sim.run import run_simulation
from tests.conftest import tiny_config


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


NUMERIC = [r for r in parameter_table() if _is_number(r["default"]) or r["min"] is not None]
"""Rows of the parameter table that hold a number (or None for an optional number)."""

MAPPINGS = [r for r in parameter_table() if isinstance(r["default"], dict)]


def _owner(cfg: Config, path: str) -> tuple[Any, str]:
    *parents, name = path.split(".")
    node = cfg
    for part in parents:
        node = getattr(node, part)
    return node, name


def set_path(cfg: Config, path: str, value: Any) -> None:
    """Set the field at a dotted path (e.g. ``services.grocery.spend_per_person_eur``)."""
    node, name = _owner(cfg, path)
    setattr(node, name, value)


def _is_int(row: dict[str, Any]) -> bool:
    return isinstance(row["default"], int)


def outside(row: dict[str, Any]) -> list[Any]:
    """Values just below the min (or at an exclusive min) and just above the max."""
    low, high = row["min"], row["max"]
    step = 1 if _is_int(row) else 1e-6 * (1 + max(abs(low), abs(high)))
    below = low if row["exclusive_min"] else low - step
    return [below, high + step]


@pytest.fixture(scope="module")
def cfg() -> Config:
    return tiny_config(years=2)


def test_every_numeric_parameter_has_finite_bounds_around_its_default():
    assert len(NUMERIC) > 400
    for r in NUMERIC:
        low, high = r["min"], r["max"]
        assert _is_number(low) and _is_number(high), r["parameter"]
        assert math.isfinite(low) and math.isfinite(high) and low <= high, r["parameter"]
        if r["default"] is not None:
            assert low <= r["default"] <= high, r["parameter"]


def test_param_requires_both_bounds_for_a_number():
    with pytest.raises(ValueError, match="max"):
        param(1.0, min=0, unit="", role="uncertainty", source="assumption")
    with pytest.raises(ValueError, match="min"):
        param(1, max=5, unit="", role="uncertainty", source="assumption")
    with pytest.raises(ValueError, match="finite"):
        param(1.0, min=0, max=math.inf, unit="", role="uncertainty", source="assumption")
    with pytest.raises(ValueError, match="outside"):
        param(7.0, min=0, max=5, unit="", role="uncertainty", source="assumption")
    param("a name", unit="", role="structural", source="config")  # not a number: no bounds


def test_the_default_config_validates():
    validate(tiny_config())


def _refused(cfg: Config, path: str, value: Any, expect: str | None = None) -> None:
    node, name = _owner(cfg, path)
    old = getattr(node, name)
    setattr(node, name, value)
    try:
        with pytest.raises(ConfigError) as info:
            validate(cfg)
        assert (expect or path) in str(info.value), (path, value, str(info.value))
    finally:
        setattr(node, name, old)
    validate(cfg)


@pytest.mark.parametrize("row", NUMERIC, ids=lambda r: r["parameter"])
def test_non_finite_and_out_of_range_values_are_refused(cfg, row):
    path = row["parameter"]
    for value in (math.inf, -math.inf, math.nan, *outside(row)):
        _refused(cfg, path, value)


def _leaves(value: Any, path: str) -> list[str]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, f"{path}.{k}")]
    return [path]


@pytest.mark.parametrize("row", MAPPINGS, ids=lambda r: r["parameter"])
def test_non_finite_numbers_inside_mappings_are_refused(cfg, row):
    path = row["parameter"]
    for leaf in _leaves(row["default"], path):
        keys = leaf[len(path) + 1 :].split(".")
        for value in (math.inf, -math.inf, math.nan):
            mapping = _set_leaf(row["default"], keys, value)
            _refused(cfg, path, mapping, expect=leaf)


def _set_leaf(mapping: dict, keys: list[str], value: float) -> dict:
    """A copy of a (nested) mapping with one leaf replaced; keys match as strings."""
    out = dict(mapping)
    key = next(k for k in out if str(k) == keys[0])
    out[key] = value if len(keys) == 1 else _set_leaf(out[key], keys[1:], value)
    return out


def test_refusal_names_value_and_what_is_allowed(cfg):
    with pytest.raises(ConfigError, match=r"qol\.weights\.retired\.commute = inf .*finite"):
        set_path(cfg, "qol.weights", {**cfg.qol.weights, "retired": {"commute": math.inf}})
        try:
            validate(cfg)
        finally:
            set_path(cfg, "qol.weights", tiny_config().qol.weights)
    for path, value in (
        ("migration.qol_gap_reference", -5),
        ("services.grocery.spend_per_person_eur", 1e308),
        ("civic.coop_shop.idea_weight", math.inf),
    ):
        _refused(cfg, path, value)


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        (
            {"migration.rate_25_29": 0.5, "migration.female_youth_factor": 3.0},
            "migration.female_youth_factor",
        ),
        (
            {"migration.attractiveness_sensitivity": 20.0, "migration.qol_gap_reference": 0.3},
            "migration.attractiveness_sensitivity",
        ),
        (
            {"migration.in_rate_family": 0.1, "migration.in_rate_young_adult": 0.15},
            "migration.in_rate_young_adult",
        ),
    ],
)
def test_meaningless_combinations_are_refused_with_the_reason(changes, path):
    cfg = tiny_config(years=2)
    for field, value in changes.items():
        set_path(cfg, field, value)
    with pytest.raises(ConfigError) as info:
        validate(cfg)
    assert path in str(info.value)
    assert "is not allowed" in str(info.value)


def run_at(path: str, value: Any) -> None:
    """Run two years of the tiny town with one parameter at a value: refused, or no NaN/inf."""
    cfg = tiny_config(years=2)
    set_path(cfg, path, value)
    try:
        metrics = run_simulation(cfg).metrics  # validates, then builds the town
    except ConfigError:
        return
    numbers = metrics.select_dtypes(include="number").to_numpy(dtype=float)
    bad = ~np.isfinite(numbers)
    assert not bad.any(), (
        path,
        value,
        list(metrics.select_dtypes(include="number").columns[bad.any(axis=0)]),
    )


BOUND = st.sampled_from(
    [(r["parameter"], "min") for r in NUMERIC] + [(r["parameter"], "max") for r in NUMERIC]
)
ROWS = {r["parameter"]: r for r in NUMERIC}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BOUND)
def test_a_parameter_at_its_bound_is_refused_or_runs_without_nan(bound):
    path, side = bound
    row = ROWS[path]
    value = row[side]
    if side == "min" and row["exclusive_min"]:
        value = value + (1 if _is_int(row) else 1e-6)
    run_at(path, value)


@pytest.mark.slow
@pytest.mark.parametrize("side", ["min", "max"])
@pytest.mark.parametrize("row", NUMERIC, ids=lambda r: r["parameter"])
def test_every_parameter_at_each_bound_is_refused_or_runs_without_nan(row, side):
    value = row[side]
    if side == "min" and row["exclusive_min"]:
        value = value + (1 if _is_int(row) else 1e-6)
    run_at(row["parameter"], value)
