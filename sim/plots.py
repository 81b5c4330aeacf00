"""Figures written beside a run's tables (matplotlib, no screen needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import MaxNLocator


def plot_population(
    metrics: pd.DataFrame, population: pd.DataFrame, path: str | Path, title: str = ""
) -> None:
    """Population over time (with its components) and the age pyramid at start and end."""
    fig, (ax_pop, ax_flow, ax_pyr) = plt.subplots(
        1, 3, figsize=(15, 4.6), gridspec_kw={"width_ratios": [1.1, 1.1, 1]}
    )
    years = metrics["year"]
    ax_pop.plot(years, metrics["population"], color="#1f4e79", lw=2)
    ax_pop.set_title("Residents")
    ax_pop.set_xlabel("year")
    ax_pop.grid(alpha=0.3)
    ax_pop.set_ylim(bottom=0)

    flows = metrics.iloc[1:]
    ax_flow.plot(
        flows["year"], flows["births"] - flows["deaths"], label="births − deaths", color="#2e7d32"
    )
    ax_flow.plot(flows["year"], flows["net_migration"], label="net migration", color="#c62828")
    ax_flow.plot(
        flows["year"],
        flows["net_migration_18_24"],
        label="net migration 18–24",
        color="#c62828",
        ls=":",
    )
    ax_flow.axhline(0, color="black", lw=0.8)
    ax_flow.set_title("Components of change per year")
    ax_flow.set_xlabel("year")
    ax_flow.legend(fontsize=8, frameon=False)
    ax_flow.grid(alpha=0.3)
    for ax in (ax_pop, ax_flow):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))

    first, last = population["year"].min(), population["year"].max()
    bands = list(population["age_band"].cat.categories)
    for year, style in ((first, {"alpha": 0.35}), (last, {"fill": False, "lw": 1.5})):
        table = (
            population[population["year"] == year]
            .pivot_table(index="age_band", columns="sex", values="count", observed=False)
            .reindex(bands)
        )
        label = f"year {year}"
        ax_pyr.barh(
            range(len(bands)),
            -table["male"],
            height=0.9,
            color="#1f4e79",
            edgecolor="#1f4e79",
            label=f"men, {label}",
            **style,
        )
        ax_pyr.barh(
            range(len(bands)),
            table["female"],
            height=0.9,
            color="#ad1457",
            edgecolor="#ad1457",
            label=f"women, {label}",
            **style,
        )
    ax_pyr.set_yticks(range(0, len(bands), 2))
    ax_pyr.set_yticklabels(bands[::2], fontsize=7)
    ax_pyr.axvline(0, color="black", lw=0.8)
    ax_pyr.set_title(f"Age pyramid: year {first} (shaded) and {last} (outline)")
    ticks = ax_pyr.get_xticks()
    ax_pyr.set_xticks(ticks)
    ax_pyr.set_xticklabels([f"{abs(int(t))}" for t in ticks])
    ax_pyr.legend(fontsize=7, frameon=False, loc="upper right")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)
