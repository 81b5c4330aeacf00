"""Figures written beside a run's tables (matplotlib, no screen needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
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


def plot_services(result, path: str | Path) -> None:
    """Providers open by kind over time, and the town network at start and end.

    On the maps, places are circles sized by residents (destinations are squares), links
    are grey (a bus runs on the blue ones), providers are coloured dots around their place,
    and on the end map providers that closed during the run are grey crosses.
    """
    from sim.config import ServiceType

    metrics = result.metrics
    kinds = [k for k in ServiceType if f"services_open_{k.value}" in metrics.columns]
    colours = dict(zip(kinds, plt.get_cmap("tab20").colors, strict=False))
    model = result.model
    fig = plt.figure(figsize=(16, 5.2))
    grid = fig.add_gridspec(1, 3, width_ratios=[1.25, 1, 1])
    ax = fig.add_subplot(grid[0])
    for kind in kinds:
        series = metrics[f"services_open_{kind.value}"]
        if series.max() > 0:
            ax.plot(
                metrics["year"],
                series,
                label=kind.value.replace("_", " "),
                color=colours[kind],
                lw=1.8,
            )
    ax.set_title("Providers open, by kind")
    ax.set_xlabel("year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, frameon=False, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    if model is None:
        fig.tight_layout()
        fig.savefig(path, dpi=110, format="png")
        plt.close(fig)
        return
    town = model.town
    xy = _town_map_positions(town)
    homes = town.home_places
    span = float(np.ptp(xy[homes], axis=0).max()) if homes.size > 1 else 1.0
    span = span or 1.0
    start_residents = town.residents.astype(float)
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
    for panel, (title, residents, providers, crossed) in enumerate(
        (
            (f"Year 0: {len(initial)} providers", start_residents, initial, []),
            (
                f"Year {last_year}: {len(now)} open, {len(closed)} closed",
                end_residents,
                now,
                closed,
            ),
        )
    ):
        ax = fig.add_subplot(grid[panel + 1])
        for a, b, attrs in town.graph.edges(data=True):
            bus = (
                attrs.get("bus_departures_per_day", 0) > 0
                if panel == 1
                else any(
                    set(e.between) == {town.names[a], town.names[b]}
                    and e.bus_departures_per_day > 0
                    for e in town.config.edges
                )
            )
            ax.plot(
                *xy[[a, b]].T,
                color="#1565c0" if bus else "#bdbdbd",
                lw=2.2 if bus else 1.2,
                zorder=1,
            )
        size = 60 + 900 * residents / max(start_residents.max(), 1)
        ax.scatter(
            xy[homes, 0],
            xy[homes, 1],
            s=size[homes],
            color="#eeeeee",
            edgecolor="#616161",
            zorder=2,
        )
        dest = np.flatnonzero(town.is_destination)
        ax.scatter(
            xy[dest, 0],
            xy[dest, 1],
            s=160,
            marker="s",
            color="#fff3e0",
            edgecolor="#e65100",
            zorder=2,
        )
        for i in range(town.n_places):
            label = town.names[i]
            if town.is_destination[i]:
                label += f"\n{town.minutes[0, town.centre, i]:.0f} min by car"
            ax.annotate(
                label, xy[i], textcoords="offset points", xytext=(0, -18), ha="center", fontsize=7
            )
        marks = [(k, p, False) for k, p in providers] + [(k, p, True) for k, p in crossed]
        by_place: dict[int, list] = {}
        for mark in marks:
            by_place.setdefault(mark[1], []).append(mark)
        for place, items in by_place.items():
            angles = np.linspace(0, 2 * np.pi, len(items), endpoint=False)
            radius = 0.05 * span * (1 + len(items) / 25)
            for (kind, _, is_closed), angle in zip(items, angles, strict=True):
                x, y = xy[place] + radius * np.array([np.cos(angle), np.sin(angle)])
                if is_closed:
                    ax.scatter(x, y, marker="x", s=22, color="#757575", zorder=3)
                else:
                    ax.scatter(
                        x, y, s=16, color=colours[kind], edgecolor="black", linewidth=0.3, zorder=3
                    )
        ax.set_title(title, fontsize=10)
        ax.set_aspect("equal")
        ax.axis("off")
    fig.suptitle(f"{result.summary.get('town', '')}: services (blue links: bus running; x: closed)")
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)


def _town_map_positions(town):
    """Map positions: the town's places by their layout; destinations on a ring around them.

    Destinations lie far away (25–100 minutes) and would squeeze the town into a corner, so they
    are drawn in their direction from the centre, the nearest at 1.5 times the town's radius and
    each further one 0.7 radii beyond (labels give the real minutes).
    """
    pos = town.layout()
    xy = np.array([pos[i] for i in range(town.n_places)], dtype=float)
    homes = town.home_places
    centre = xy[town.centre]
    radius = float(np.max(np.linalg.norm(xy[homes] - centre, axis=1))) if homes.size > 1 else 1.0
    radius = radius or 1.0
    destinations = sorted(
        np.flatnonzero(town.is_destination), key=lambda i: town.minutes[0, town.centre, i]
    )
    for rank, i in enumerate(destinations):
        direction = xy[i] - centre
        norm = float(np.linalg.norm(direction)) or 1.0
        xy[i] = centre + direction / norm * radius * (1.5 + 0.7 * rank)
    return xy


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
    colours = dict(zip(kinds, plt.get_cmap("tab10").colors, strict=False))
    stack = [metrics[f"initiatives_active_{k.value}"].to_numpy() for k in kinds]
    ax_types.stackplot(
        metrics["year"],
        *stack,
        labels=[k.value.replace("_", " ") for k in kinds],
        colors=[colours[k] for k in kinds],
        alpha=0.85,
    )
    ax_types.set_title("Active initiatives by type")
    ax_types.set_xlabel("year")
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
    ax_curves.grid(alpha=0.3)

    ax_people.plot(
        metrics["year"],
        metrics["volunteers"],
        color="#2e7d32",
        label="volunteers in running initiatives",
    )
    ax_people.set_xlabel("year")
    ax_people.set_ylabel("residents")
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
    ax_load.set_ylabel("staff load")
    handles = ax_people.get_legend_handles_labels()[0] + ax_load.get_legend_handles_labels()[0]
    ax_people.legend(
        handles, [h.get_label() for h in handles], fontsize=7, frameon=False, loc="upper left"
    )
    ax_people.set_title("Volunteers and the municipality's capacity")
    policy = result.config.policy.name
    fig.suptitle(f"{result.summary.get('town', '')}: citizens' initiatives (policy: {policy})")
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)
