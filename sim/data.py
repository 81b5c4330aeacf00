"""Reference data: Destatis life table, fertility and age structure (see sim/data/README.md).

The CSV files are read once and cached. Every function returns plain numpy arrays so the
demography can index them with resident ages directly.
"""

from __future__ import annotations

import functools
import io
from importlib import resources

import numpy as np
import pandas as pd

MAX_AGE = 100
"""Oldest single age in the life table; q_100 is used for everyone older (open interval)."""

REGIONS = ("germany", "west", "east")
FEMALE, MALE = 1, 0


def _read(name: str) -> pd.DataFrame:
    text = resources.files("sim").joinpath("data", name).read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), comment="#")


@functools.cache
def _life_table() -> pd.DataFrame:
    return _read("life_table_de_2018_2020.csv")


@functools.cache
def _fertility() -> pd.DataFrame:
    return _read("fertility_asfr_de.csv")


@functools.cache
def _age_structure() -> pd.DataFrame:
    return _read("age_structure_de_2020.csv")


@functools.cache
def death_probabilities(region: str = "germany") -> np.ndarray:
    """q_x by sex and single age from the Destatis life table 2018/2020.

    Args:
        region: ``germany`` (all), ``west`` (Westdeutschland) or ``east`` (Ostdeutschland
            ohne Berlin).

    Returns:
        Array of shape (2, MAX_AGE + 1): row 0 men, row 1 women; column x is the probability
        of dying between exact ages x and x+1.
    """
    if region not in REGIONS:
        raise ValueError(f"region={region!r} is not allowed; choose one of {REGIONS}")
    lt = _life_table()
    suffix = "" if region == "germany" else f"_{region}"
    q = np.vstack([lt[f"qx_male{suffix}"].to_numpy(), lt[f"qx_female{suffix}"].to_numpy()])
    q.setflags(write=False)
    return q


def life_expectancy_reference() -> tuple[float, float]:
    """e0 of men and women as published with the table (78.64, 83.40)."""
    lt = _life_table()
    return float(lt["ex_male"].iloc[0]), float(lt["ex_female"].iloc[0])


def life_expectancy_from_q(q: np.ndarray) -> float:
    """Period life expectancy at birth from single-age death probabilities.

    Deaths are assumed to fall in the middle of the year of age (a_x = 0.5); the last age
    is an open interval with constant q, so its remaining life is (1 - q) / q + 0.5 years.
    """
    q = np.asarray(q, dtype=float)
    survivors = np.concatenate([[1.0], np.cumprod(1.0 - q[:-1])])
    person_years = survivors[:-1] * (1.0 - 0.5 * q[:-1])
    last = survivors[-1] * ((1.0 - q[-1]) / q[-1] + 0.5) if q[-1] > 0 else 0.0
    return float(person_years.sum() + last)


def fertility_years() -> list[int]:
    """Years for which age-specific fertility rates are available."""
    return [int(c.removeprefix("asfr_")) for c in _fertility().columns if c.startswith("asfr_")]


@functools.cache
def fertility_rates(year: int = 2019) -> np.ndarray:
    """Births per woman and year by single age 0..MAX_AGE (zero outside 15–49).

    Args:
        year: which year's rates (Destatis 12612-0008); see ``fertility_years()``.
    """
    if year not in fertility_years():
        raise ValueError(
            f"fertility year {year} is not available; choose one of {fertility_years()}"
        )
    fert = _fertility()
    rates = np.zeros(MAX_AGE + 1)
    rates[fert["age"].to_numpy()] = fert[f"asfr_{year}"].to_numpy() / 1000.0
    rates.setflags(write=False)
    return rates


def total_fertility_rate(year: int = 2019) -> float:
    """Sum of the age-specific rates of that year."""
    return float(fertility_rates(year).sum())


def parse_band(label: str) -> tuple[int, int]:
    """``"20-24"`` -> (20, 24); ``"85+"`` -> (85, MAX_AGE). Raises ValueError otherwise."""
    text = str(label).strip()
    if text.endswith("+"):
        low = int(text[:-1])
        return low, MAX_AGE
    low_s, sep, high_s = text.partition("-")
    if not sep:
        raise ValueError(f"age band {label!r} is not of the form 'a-b' or 'a+'")
    low, high = int(low_s), int(high_s)
    if not 0 <= low <= high <= MAX_AGE:
        raise ValueError(f"age band {label!r} must satisfy 0 <= a <= b <= {MAX_AGE}")
    return low, high


@functools.cache
def age_distribution(region: str = "germany") -> np.ndarray:
    """Share of each sex's population at each single age 0..MAX_AGE (31.12.2020).

    Shares within an age group are spread evenly over its single years; the open group
    85+ is spread over 85..MAX_AGE following the life table's survivors (l_x).
    The stored table has East/West shares for men only, so for women the national share
    of each group is scaled by the ratio (regional male share / national male share) of
    that group (an assumption, documented in ODD §7).

    Returns:
        Array of shape (2, MAX_AGE + 1): row 0 men, row 1 women; each row sums to 1.
    """
    if region not in REGIONS:
        raise ValueError(f"region={region!r} is not allowed; choose one of {REGIONS}")
    table = _age_structure()
    male = table["share_male_pct"].to_numpy(dtype=float)
    female = table["share_female_pct"].to_numpy(dtype=float)
    if region != "germany":
        regional_male = table[f"share_male_{region}_flaechenlaender_pct"].to_numpy(dtype=float)
        female = female * regional_male / male
        male = regional_male
    lx = _life_table()[["lx_male", "lx_female"]].to_numpy(dtype=float).T
    out = np.zeros((2, MAX_AGE + 1))
    for i, label in enumerate(table["age_group"]):
        low, high = parse_band(label)
        for sex, shares in ((MALE, male), (FEMALE, female)):
            ages = np.arange(low, high + 1)
            weights = lx[sex, ages] if label.endswith("+") else np.ones(len(ages))
            out[sex, ages] = shares[i] * weights / weights.sum()
    out /= out.sum(axis=1, keepdims=True)
    out.setflags(write=False)
    return out
