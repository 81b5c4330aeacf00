"""A town's map: places, links, bus lines and providers, with a legend for every symbol and
place labels placed so they do not overlap (used by ``kleinstadt check-town``, the run's
``services.png`` and the planner's report)."""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D

from sim.config import ServiceType
from sim.figure_style import MARKERS, PALETTE

KIND_STYLE: dict[ServiceType, tuple[str, str]] = {
    kind: (PALETTE[1:][i % (len(PALETTE) - 1)], MARKERS[i % len(MARKERS)])
    for i, kind in enumerate(ServiceType)
}
"""A fixed colour and marker per provider kind (the same in every map)."""

BUS_COLOUR = "#0072B2"
ROAD_COLOUR = "#bdbdbd"


def map_positions(town) -> np.ndarray:
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


def _bus_links(town, running: bool) -> set[frozenset[int]]:
    if running:
        return {
            frozenset((a, b))
            for a, b, attrs in town.graph.edges(data=True)
            if attrs.get("bus_departures_per_day", 0) > 0
        }
    return {
        frozenset((town.index[e.between[0]], town.index[e.between[1]]))
        for e in town.config.edges
        if e.bus_departures_per_day > 0
    }


def draw_town_map(
    ax,
    town,
    providers: Iterable[tuple[ServiceType, int]] | None = None,
    closed: Iterable[tuple[ServiceType, int]] = (),
    residents: np.ndarray | None = None,
    bus_running: bool = False,
    legend: bool = True,
) -> None:
    """Draw ``town`` on ``ax``.

    Args:
        providers: (kind, place index) of the providers to show; default: the town's initial
            providers.
        closed: (kind, place index) of providers that closed, drawn as grey crosses.
        residents: residents per place (circle areas); default: the initial residents.
        bus_running: links with a bus now (after the run) rather than in the town's file.
        legend: a legend for every symbol used, below the map.
    """
    xy = map_positions(town)
    homes = town.home_places
    span = float(np.ptp(xy[homes], axis=0).max()) if homes.size > 1 else 1.0
    span = span or 1.0
    if providers is None:
        providers = [
            (item.type, town.index[item.place])
            for item in town.config.providers
            for _ in range(item.count)
        ]
    providers, closed = list(providers), list(closed)
    residents = town.residents.astype(float) if residents is None else np.asarray(residents, float)
    bus = _bus_links(town, bus_running)
    for a, b in town.graph.edges():
        on_bus = frozenset((a, b)) in bus
        ax.plot(
            *xy[[a, b]].T,
            color=BUS_COLOUR if on_bus else ROAD_COLOUR,
            lw=2.2 if on_bus else 1.2,
            zorder=1,
        )
    scale = max(float(town.residents.max()), 1.0)
    size = 60 + 900 * residents / scale
    ax.scatter(
        xy[homes, 0], xy[homes, 1], s=size[homes], color="#f2f2f2", edgecolor="#616161", zorder=2
    )
    dest = np.flatnonzero(town.is_destination)
    ax.scatter(
        xy[dest, 0], xy[dest, 1], s=160, marker="s", color="#fff3e0", edgecolor="#E69F00", zorder=2
    )
    marks = [(k, p, False) for k, p in providers] + [(k, p, True) for k, p in closed]
    by_place: dict[int, list] = {}
    for mark in marks:
        by_place.setdefault(mark[1], []).append(mark)
    used: list[ServiceType] = []
    points = [xy[i] for i in range(town.n_places)]
    rings = np.zeros(town.n_places)
    for place, items in by_place.items():
        items.sort(key=lambda m: (m[2], list(ServiceType).index(m[0])))
        angles = np.linspace(0, 2 * np.pi, len(items), endpoint=False) + np.pi / 2
        radius = 0.05 * span * (1 + len(items) / 25) + 0.02 * span * np.sqrt(
            residents[place] / scale
        )
        rings[place] = radius
        for (kind, _, is_closed), angle in zip(items, angles, strict=True):
            x, y = xy[place] + radius * np.array([np.cos(angle), np.sin(angle)])
            points.append(np.array([x, y]))
            if is_closed:
                ax.scatter(x, y, marker="x", s=22, color="#757575", zorder=3)
            else:
                colour, marker = KIND_STYLE[kind]
                ax.scatter(
                    x,
                    y,
                    s=20,
                    color=colour,
                    marker=marker,
                    edgecolor="black",
                    linewidth=0.3,
                    zorder=3,
                )
                if kind not in used:
                    used.append(kind)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.margins(0.08, 0.12)  # room for the labels of the outermost places
    _labels(ax, town, xy, np.array(points), rings)
    if legend:
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                ls="",
                markersize=9,
                color="#f2f2f2",
                markeredgecolor="#616161",
                label="place (area: residents)",
            ),
            Line2D(
                [],
                [],
                marker="s",
                ls="",
                markersize=8,
                color="#fff3e0",
                markeredgecolor="#E69F00",
                label="regional centre / city",
            ),
            Line2D([], [], color=ROAD_COLOUR, lw=1.2, label="road"),
            Line2D([], [], color=BUS_COLOUR, lw=2.2, label="road with bus"),
        ]
        if closed:
            handles.append(
                Line2D([], [], marker="x", ls="", color="#757575", label="closed provider")
            )
        for kind in sorted(used, key=list(ServiceType).index):
            colour, marker = KIND_STYLE[kind]
            handles.append(
                Line2D(
                    [],
                    [],
                    marker=marker,
                    ls="",
                    color=colour,
                    markeredgecolor="black",
                    markeredgewidth=0.3,
                    markersize=6,
                    label=kind.value.replace("_", " "),
                )
            )
        ax.legend(
            handles=handles,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.01),
            ncol=4,
            fontsize=7,
            frameon=False,
        )


def _labels(ax, town, xy: np.ndarray, points: np.ndarray, rings: np.ndarray) -> None:
    """Place labels beside their place where they overlap neither another label nor a symbol:
    below, above, right or left, whichever is free first (checked on the drawn extents)."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    ax.update_datalim(points)
    ax.autoscale_view()
    placed = []
    to_display = ax.transData.transform
    symbols = to_display(points)
    points_per_unit = (to_display([1.0, 0.0]) - to_display([0.0, 0.0]))[0] * 72.0 / fig.dpi
    order = sorted(range(town.n_places), key=lambda i: -town.residents[i])
    for i in order:
        text = town.names[i]
        if town.is_destination[i]:
            text += f"\n{town.minutes[0, town.centre, i]:.0f} min by car"
        best = None
        gap = (
            8
            + rings[i] * points_per_unit
            + 4 * np.sqrt(town.residents[i] / max(town.residents.max(), 1))
        )
        offsets = [
            (0, -gap, "center", "top"),
            (0, gap, "center", "bottom"),
            (gap, 0, "left", "center"),
            (-gap, 0, "right", "center"),
            (0, -gap - 16, "center", "top"),
            (0, gap + 16, "center", "bottom"),
        ]
        for dx, dy, ha, va in offsets:
            label = ax.annotate(
                text,
                xy[i],
                textcoords="offset points",
                xytext=(dx, dy),
                ha=ha,
                va=va,
                fontsize=7,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
                zorder=4,
            )
            box = label.get_window_extent(renderer).expanded(1.02, 1.05)
            own = to_display(xy[i][None, :])[0]
            hits = sum(box.overlaps(other) for other in placed) * 10 + sum(
                box.contains(*p) for p in symbols if not np.allclose(p, own)
            )
            if best is None or hits < best[0]:
                if best is not None:
                    best[1].remove()
                best = (hits, label, box)
            else:
                label.remove()
            if hits == 0:
                break
        placed.append(best[2])


def town_map_figure(town, title: str, path=None):
    """A figure with the town's map (saved to ``path`` when given); returns the figure."""
    fig, ax = plt.subplots(figsize=(8, 7.5))
    draw_town_map(ax, town)
    residents = int(town.residents.sum())
    ax.set_title(
        title
        or f"{town.config.name}: {residents:,} residents, {sum(p.count for p in town.config.providers)} providers",
        fontsize=11,
    )
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=110, format="png", bbox_inches="tight")
    return fig
