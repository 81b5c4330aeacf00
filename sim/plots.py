"""Figures written beside a run's tables (matplotlib, no screen needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from sim.figure_style import mark_events, styles


def run_events(config) -> tuple[tuple[str, int] | None, dict[str, int]]:
    """The shock (kind, year) of a run, if any, and its levers' start years."""
    if config is None:
        return None, {}
    kind = config.shock.kind.value
    shock = (
        (kind, int(config.shock.year))
        if kind != "none" and config.shock.year <= config.years
        else None
    )
    starts = {name: int(lever.start_year) for name, lever in config.policy.levers().items()}
    return shock, starts


def run_title(town: str, config, what: str) -> str:
    """``town: what (policy …, shock …)``."""
    if config is None:
        return f"{town}: {what}" if town else what
    shock, _ = run_events(config)
    shock_text = (
        "no shock" if shock is None else f"shock {shock[0].replace('_', ' ')} in year {shock[1]}"
    )
    return f"{town}: {what} (policy {config.policy.name}, {shock_text})"


def plot_population(
    metrics: pd.DataFrame,
    population: pd.DataFrame,
    path: str | Path,
    title: str = "",
    config=None,
) -> None:
    """Population over time (with its components) and the age pyramid at start and end; the
    shock year and the levers' starts of ``config`` (if given) are marked."""
    shock, starts = run_events(config)
    fig, (ax_pop, ax_flow, ax_pyr) = plt.subplots(
        1, 3, figsize=(15, 4.6), gridspec_kw={"width_ratios": [1.1, 1.1, 1]}
    )
    years = metrics["year"]
    ax_pop.plot(years, metrics["population"], color="#1f4e79", lw=2)
    ax_pop.set_title("Residents")
    ax_pop.set_xlabel("year of the run")
    ax_pop.set_ylabel("residents")
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
    ax_flow.set_xlabel("year of the run")
    ax_flow.set_ylabel("persons per year")
    ax_flow.legend(fontsize=8, frameon=False)
    ax_flow.grid(alpha=0.3)
    for ax in (ax_pop, ax_flow):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        mark_events(ax, shock, starts)

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
    ax_pyr.set_xlabel("residents per 5-year age band (men left, women right)")
    ax_pyr.set_ylabel("age (years)")
    ax_pyr.legend(fontsize=7, frameon=False, loc="upper right")
    if title or config is not None:
        fig.suptitle(run_title(title, config, "population") if config is not None else title)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)


def plot_services(result, path: str | Path) -> None:
    """Providers open by kind over time, and the town's map at start and end.

    Each kind has its own colour and marker (the same as on the maps, whose legend names every
    symbol); on the end map providers that closed during the run are grey crosses and blue
    links are those with a bus running.
    """
    from sim.config import ServiceType
    from sim.town_map import KIND_STYLE, draw_town_map

    metrics = result.metrics
    config = result.config
    shock, starts = run_events(config)
    kinds = [k for k in ServiceType if f"services_open_{k.value}" in metrics.columns]
    model = result.model
    fig = plt.figure(figsize=(17, 6.4))
    grid = fig.add_gridspec(1, 3, width_ratios=[1.15, 1, 1])
    ax = fig.add_subplot(grid[0])
    shown = [k for k in kinds if metrics[f"services_open_{k.value}"].max() > 0]
    for i, kind in enumerate(shown):
        colour, marker = KIND_STYLE[kind]
        ax.plot(
            metrics["year"],
            metrics[f"services_open_{kind.value}"],
            label=kind.value.replace("_", " "),
            color=colour,
            marker=marker,
            markevery=(i % 5, 5),
            markersize=5,
            ls=("-", "--", "-.")[i % 3],
            lw=1.6,
        )
    ax.set_title("Providers open, by kind")
    ax.set_xlabel("year of the run")
    ax.set_ylabel("providers open")
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    mark_events(ax, shock, starts)
    ax.legend(fontsize=7, frameon=False, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    town_name = result.summary.get("town", "")
    title = run_title(town_name, config, "services")
    if model is None:
        fig.suptitle(title)
        fig.tight_layout()
        fig.savefig(path, dpi=110, format="png")
        plt.close(fig)
        return
    town = model.town
    end_residents = np.bincount(
        model.population.person_place(model.population.alive_rows), minlength=town.n_places
    ).astype(float)
    initial = [
        (item.type, town.index[item.place])
        for item in town.config.providers
        for _ in range(item.count)
    ]
    now = [(p.kind, p.place) for p in model.services.providers]
    closed = [
        (ServiceType(e["provider_type"]), town.index[e["place"]])
        for e in model.events
        if e["kind"] in ("closure", "shock")
    ]
    last_year = int(metrics["year"].iloc[-1])
    ax_start = fig.add_subplot(grid[1])
    draw_town_map(ax_start, town, providers=initial, legend=False)
    ax_start.set_title(f"Year 0: {len(initial)} providers", fontsize=10)
    ax_end = fig.add_subplot(grid[2])
    draw_town_map(
        ax_end, town, providers=now, closed=closed, residents=end_residents, bus_running=True
    )
    ax_end.set_title(f"Year {last_year}: {len(now)} open, {len(closed)} closed (x)", fontsize=10)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)


def plot_initiatives(result, path: str | Path) -> None:
    """Citizens' initiatives: active by type over time, recruitment curves, volunteers.

    The middle panel shows each initiative's members relative to its critical mass against
    the years since its start: launched ones cross 1 and level off (S-curves), failed ones stay
    below it.
    """
    from sim.config import InitiativeType

    metrics = result.metrics
    history = result.initiatives
    fig, (ax_types, ax_curves, ax_people) = plt.subplots(1, 3, figsize=(16, 4.8))
    kinds = [k for k in InitiativeType if f"initiatives_active_{k.value}" in metrics.columns]
    shock, starts = run_events(result.config)
    palette = [style["color"] for style in styles(["", *kinds]).values()][1:]
    colours = dict(zip(kinds, palette, strict=False))
    stack = [metrics[f"initiatives_active_{k.value}"].to_numpy() for k in kinds]
    ax_types.stackplot(
        metrics["year"],
        *stack,
        labels=[k.value.replace("_", " ") for k in kinds],
        colors=[colours[k] for k in kinds],
        alpha=0.85,
    )
    ax_types.set_title("Active initiatives by type")
    ax_types.set_xlabel("year of the run")
    ax_types.set_ylabel("initiatives (stacked)")
    mark_events(ax_types, shock, starts)
    ax_types.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_types.legend(fontsize=7, frameon=False, loc="upper left")
    ax_types.grid(alpha=0.3)

    outcome_colour = {
        "launched": "#2e7d32",
        "institution": "#2e7d32",
        "failed": "#9e9e9e",
        "declined": "#ef6c00",
        "recruiting": "#1565c0",
    }
    if not history.empty and result.model is not None:
        critical = {
            k.value: getattr(result.config.civic, k.name).critical_mass for k in InitiativeType
        }
        for _, rows in history.groupby("initiative_id"):
            rows = rows.sort_values("year")
            final = rows["phase"].iloc[-1]
            ever_launched = rows["phase"].isin(["launched", "institution"]).any()
            colour = (
                outcome_colour["launched"]
                if ever_launched and final != "declined"
                else outcome_colour.get(final, "#9e9e9e")
            )
            years = np.concatenate([[0], rows["year"] - rows["year"].iloc[0] + 1])
            members = np.concatenate([[rows["founding_members"].iloc[0]], rows["members"]])
            ax_curves.plot(
                years,
                members / critical[rows["type"].iloc[0]],
                color=colour,
                alpha=0.6,
                lw=1.2,
            )
        ax_curves.axhline(1.0, color="black", lw=0.8, ls="--")
        ax_curves.text(
            0.02, 1.02, "critical mass", transform=ax_curves.get_yaxis_transform(), fontsize=7
        )
    ax_curves.set_ylim(0, 3)
    ax_curves.set_title(
        "Members / critical mass (green: launched, grey: failed, orange: declined)", fontsize=9
    )
    ax_curves.set_xlabel("years since the founding (0: the founders)")
    ax_curves.set_ylabel("members / critical mass (ratio)")
    ax_curves.grid(alpha=0.3)

    ax_people.plot(
        metrics["year"],
        metrics["volunteers"],
        color="#2e7d32",
        label="volunteers in running initiatives",
    )
    ax_people.set_xlabel("year of the run")
    ax_people.set_ylabel("volunteers (residents)")
    mark_events(ax_people, shock, starts, label=False)
    ax_people.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_people.grid(alpha=0.3)
    ax_load = ax_people.twinx()
    ax_load.plot(
        metrics["year"],
        metrics["municipal_staff_load"],
        color="#6a1b9a",
        ls=":",
        label="municipal staff load (requests / capacity)",
    )
    ax_load.axhline(1.0, color="#6a1b9a", lw=0.6)
    ax_load.set_ylabel("staff load (requests / capacity)")
    handles = ax_people.get_legend_handles_labels()[0] + ax_load.get_legend_handles_labels()[0]
    ax_people.legend(
        handles, [h.get_label() for h in handles], fontsize=7, frameon=False, loc="upper left"
    )
    ax_people.set_title("Volunteers and the municipality's capacity")
    fig.suptitle(run_title(result.summary.get("town", ""), result.config, "citizens' initiatives"))
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)
