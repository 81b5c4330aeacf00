"""What pairing buys: paired against unpaired differences over seeds.

Two configurations run on the same seeds (a policy and the baseline, a shock and the same town
without it) share their random numbers wherever they agree (sim/randomness.py). The paired
difference ``a_i - b_i`` then varies less over seeds than the difference of two independent
runs. These figures say by how much, and how many seeds a confidence interval of a chosen
half-width needs.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats


def paired_statistics(
    treated: np.ndarray, control: np.ndarray, half_width: float | None = None
) -> dict[str, float]:
    """Paired and unpaired spread of ``treated - control`` over seeds (arrays aligned by seed).

    Returns:
        ``mean_difference``; ``sd_paired`` (SD of the per-seed differences); ``sd_unpaired``
        (SD of the difference of two independent runs, ``sqrt(var_treated + var_control)``);
        ``variance_reduction`` (``sd_unpaired² / sd_paired²``, inf when the paired differences
        do not vary); ``seeds`` (how many pairs there were); and, with ``half_width``,
        ``seeds_needed_paired`` and ``seeds_needed_unpaired``: seeds for a 95 % confidence
        interval of the mean difference with that half-width (Student's t).
    """
    treated = np.asarray(treated, dtype=float)
    control = np.asarray(control, dtype=float)
    if treated.shape != control.shape:
        raise ValueError(f"paired runs need the same seeds: {treated.shape} vs {control.shape}")
    n = treated.size
    diff = treated - control
    sd_paired = float(np.std(diff, ddof=1)) if n > 1 else math.nan
    sd_unpaired = (
        float(math.sqrt(np.var(treated, ddof=1) + np.var(control, ddof=1))) if n > 1 else math.nan
    )
    if n < 2:
        reduction = math.nan
    elif sd_paired == 0:
        reduction = math.inf if sd_unpaired > 0 else math.nan
    else:
        reduction = sd_unpaired**2 / sd_paired**2
    out = {
        "seeds": float(n),
        "mean_difference": float(diff.mean()) if n else math.nan,
        "sd_paired": sd_paired,
        "sd_unpaired": sd_unpaired,
        "variance_reduction": reduction,
    }
    if half_width is not None:
        out["seeds_needed_paired"] = seeds_needed(sd_paired, half_width)
        out["seeds_needed_unpaired"] = seeds_needed(sd_unpaired, half_width)
    return out


def seeds_needed(sd: float, half_width: float, confidence: float = 0.95) -> float:
    """Smallest n with ``t(n-1) * sd / sqrt(n) <= half_width`` (at least 2; NaN if unknown)."""
    if not (np.isfinite(sd) and half_width > 0):
        return math.nan
    if sd == 0:
        return 2.0
    q = 0.5 + confidence / 2
    n = max(2, math.ceil((stats.norm.ppf(q) * sd / half_width) ** 2))
    while stats.t.ppf(q, n - 1) * sd / math.sqrt(n) > half_width:
        n += 1
    return float(n)


def pairing_table(
    frame: pd.DataFrame,
    by: list[str],
    treated: str,
    control: str,
    half_width: float,
    min_pairs: int = 1,
) -> pd.DataFrame:
    """``paired_statistics`` per group of ``frame`` (one row per seed with the ``treated`` and
    ``control`` values); groups with fewer than ``min_pairs`` complete pairs are left out."""
    rows = []
    for key, group in frame.groupby(by, sort=False):
        group = group.dropna(subset=[treated, control])
        if len(group) < min_pairs:
            continue
        labels = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        stats_ = paired_statistics(
            group[treated].to_numpy(), group[control].to_numpy(), half_width=half_width
        )
        rows.append({**labels, **stats_})
    return pd.DataFrame(rows)
