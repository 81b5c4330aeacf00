"""Age-band mappings ('a-b' / 'a+'), used by town age structures and services' need by age."""

from __future__ import annotations

import math

from sim import data
from sim.config.vocabulary import ConfigError


def check_age_structure(shares: dict[str, float], path: str) -> None:
    check_bands(shares, path, sum_to_one=True)


def check_bands(values: dict[str, float], path: str, sum_to_one: bool) -> None:
    """Age bands 'a-b' / 'a+' covering every age once; values >= 0 (shares: in [0, 1], sum 1)."""
    covered = []
    for label, value in values.items():
        try:
            low, high = data.parse_band(label)
        except ValueError as exc:
            raise ConfigError(
                f"{path}[{label!r}]", label, "an age band 'a-b' or 'a+' with 0 <= a <= b <= 100"
            ) from exc
        upper = 1.0 if sum_to_one else math.inf
        if isinstance(value, bool) or not (
            isinstance(value, int | float) and 0.0 <= value <= upper
        ):
            raise ConfigError(
                f"{path}[{label!r}]", value, "a share in [0, 1]" if sum_to_one else "a number >= 0"
            )
        covered.append((low, high))
    covered.sort()
    expected = 0
    for low, high in covered:
        if low != expected:
            raise ConfigError(
                path,
                dict(values),
                "bands that cover every age from 0 to the open band 'a+' without gaps or overlaps",
                f"Check the band starting at age {expected}.",
            )
        expected = high + 1
    if expected <= data.MAX_AGE:
        raise ConfigError(path, dict(values), "bands up to an open band such as '85+'")
    if sum_to_one:
        total = sum(values.values())
        if not math.isclose(total, 1.0, abs_tol=0.011):
            raise ConfigError(
                path, dict(values), f"shares that add up to 1 (they add up to {total:.3f})"
            )
