"""The page's pictures (matplotlib, drawn on the server): the town map and the live plots.

Every plot draws the town shown as solid lines and its twin (same seed, without the shocks
clicked and the levers) as dashed lines in the same colour, and marks the years of the
clicked shocks with a vertical line. Figures are made with ``matplotlib.figure.Figure`` (no
pyplot), so pages in several browser tabs do not share state.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

import numpy as np
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.config import ServiceType

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sim.app_parts.classroom import ClassroomModel
    from sim.model import TownModel

OPEN, CLOSED, CITIZEN = "#2e7d32", "#c62828", "#1565c0"
TWIN_STYLE = {"linestyle": "--", "alpha": 0.75}
RECENT_YEARS = 3  # closures stay on the map this many years
SYMBOLS = {  # one symbol per kind of provider on the map
    ServiceType.grocery: "s",
    ServiceType.bakery: "p",
    ServiceType.gp: "P",
    ServiceType.pharmacy: "X",
    ServiceType.pub: "v",
    ServiceType.bank: "$€$",
    ServiceType.post: "d",
    ServiceType.primary_school: "^",
    ServiceType.kindergarten: "<",
    ServiceType.pool: "o",
    ServiceType.bus_line: ">",
    ServiceType.crafts: "h",
    ServiceType.manufacturer: "H",
}
PLOTTED_SERVICES = [
    ServiceType.gp,
    ServiceType.grocery,
    ServiceType.primary_school,
    ServiceType.kindergarten,
    ServiceType.pharmacy,
    ServiceType.bus_line,
]
LABELS = {
    "owner retired without successor": "owner retired, no successor",
    "gp_retires": "shock: the GP retires",
    "grocer_closes": "shock: the grocer closes",
    "employer_leaves": "shock: the employer leaves",
    "school_closes": "shock: the school closes",
    "bus_cut": "shock: the bus line is cut",
}


def to_svg(fig: Figure) -> str:
    """The figure as an inline ``<svg>`` element: text stays text (readable, searchable) and
    every line or symbol drawn with a ``gid`` keeps it as its id (``main:population``,
    ``twin:population``, ``closed:gp``), so a browser test can find them."""
    buffer = io.StringIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "kleinstadt"}):
        fig.savefig(buffer, format="svg")
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    return re.sub(
        r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 width="100%"', svg, count=1
    )


MARGINS = {
    "left": 0.12,
    "right": 0.88,
    "bottom": 0.14,
    "top": 0.9,
}  # fixed: layout engines are slow


def _figure(width: float = 6.0, height: float = 3.6) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(**MARGINS)
    return fig, fig.add_subplot()


def _mark_shocks(ax: Axes, model: ClassroomModel) -> None:
    for year, kind in model.shocks_clicked:
        ax.axvline(year, color=CLOSED, linewidth=1, alpha=0.6)
        ax.annotate(
            kind.value.replace("_", " "),
            (year, 1),
            xycoords=("data", "axes fraction"),
            fontsize=7,
            color=CLOSED,
            rotation=90,
            va="top",
            ha="right",
        )


def _lines(ax: Axes, model: ClassroomModel, columns: dict[str, str], scale: float = 1.0) -> None:
    """Metrics columns (column -> label) of the town (solid) and its twin (dashed)."""
    colours = {}
    for which in model.runs():
        metrics = model.metrics(which)
        for column, label in columns.items():
            if column not in metrics:
                continue
            style = TWIN_STYLE if which == "twin" else {}
            (line,) = ax.plot(
                metrics["year"],
                metrics[column] * scale,
                color=colours.get(column),
                label=None if which == "twin" else label,
                gid=f"{which}:{column}",
                **style,
            )
            colours[column] = line.get_color()
    _finish(ax, model)


def _finish(ax: Axes, model: ClassroomModel, legend: bool = True) -> None:
    _mark_shocks(ax, model)
    ax.set_xlim(0, max(10, model.year))
    ax.set_xlabel("year")
    ax.grid(alpha=0.3)
    if legend:
        handles, labels = ax.get_legend_handles_labels()
        if model.twin is not None:
            handles.append(Line2D([], [], color="grey", **TWIN_STYLE))
            labels.append("twin (no shock, no levers)")
        ax.legend(handles, labels, fontsize=7, loc="best")


def population(model: ClassroomModel) -> Figure:
    """Residents over the years, and this year's age pyramid (twin: dashed outline)."""
    fig = Figure(figsize=(7.0, 3.6))
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.14, top=0.9, wspace=0.3)
    left, right = fig.subplots(1, 2, width_ratios=[3, 2])
    _lines(left, model, {"population": "residents"})
    left.set_title("Residents")
    for which, run in model.runs().items():
        counts = run.recorder.pyramid[-1].reshape(-1, 2)
        bands = np.arange(counts.shape[0]) * 5
        if which == "main":
            right.barh(bands, -counts[:, 0], height=4.5, color="#5c6bc0", label="men")
            right.barh(bands, counts[:, 1], height=4.5, color="#ef6c00", label="women")
        else:
            for sign, column in ((-1, 0), (1, 1)):
                right.step(
                    sign * counts[:, column], bands, where="mid", color="black", **TWIN_STYLE
                )
    right.set_title(f"Age pyramid, year {model.year}")
    right.set_ylabel("age")
    right.set_xlabel("residents (men left, women right)")
    right.legend(fontsize=7, loc="upper right")
    return fig


def services(model: ClassroomModel) -> Figure:
    fig, ax = _figure()
    _lines(
        ax,
        model,
        {f"services_open_{k.value}": k.value.replace("_", " ") for k in PLOTTED_SERVICES},
    )
    ax.set_title("Services open, by type")
    ax.set_ylabel("providers open")
    return fig


def quality_of_life(model: ClassroomModel) -> Figure:
    fig, ax = _figure()
    colours = {}
    for which in model.runs():
        frame = model.qol(which)
        for group in frame.columns[1:]:
            style = TWIN_STYLE if which == "twin" else {}
            (line,) = ax.plot(
                frame["year"],
                frame[group],
                color=colours.get(group),
                label=None if which == "twin" else group,
                gid=f"{which}:qol:{group}",
                **style,
            )
            colours[group] = line.get_color()
    _finish(ax, model)
    ax.set_title("Quality of life by group (0-1)")
    return fig


def initiatives(model: ClassroomModel) -> Figure:
    fig, ax = _figure()
    _lines(ax, model, {"volunteers": "members of running initiatives"})
    twin = ax.twinx()
    for which in model.runs():
        metrics = model.metrics(which)
        style = TWIN_STYLE if which == "twin" else {}
        twin.plot(
            metrics["year"], metrics["initiatives_active"], color="#8e24aa", drawstyle="steps-mid",
            gid=f"{which}:initiatives_active", **style,
        )  # fmt: skip
    twin.set_ylabel("initiatives active", color="#8e24aa")
    twin.set_ylim(bottom=0)
    ax.set_ylabel("members")
    ax.set_title("Citizens' initiatives: members (S-curve) and initiatives")
    return fig


def debt(model: ClassroomModel) -> Figure:
    fig, ax = _figure()
    _lines(ax, model, {"municipal_debt_eur": "municipal debt"}, scale=1e-6)
    ax.set_ylabel("million EUR")
    ax.set_title("Municipal debt")
    return fig


def _positions(run: TownModel) -> np.ndarray:
    """Map positions: the town's places as laid out, destinations pulled in to the edge."""
    layout = run.town.layout()
    xy = np.array([layout[i] for i in range(run.town.n_places)], dtype=float)
    kinds = [p.kind for p in run.town.config.places]
    home = np.array([not k.is_destination for k in kinds])
    centre = xy[home].mean(axis=0)
    radius = max(float(np.linalg.norm(xy[home] - centre, axis=1).max()), 1.0)
    away = np.flatnonzero(~home)  # regional centre, metropolis: on a column to the right
    for k, i in enumerate(away):
        height = (k - (away.size - 1) / 2) * radius * 0.8
        xy[i] = centre + np.array([radius * 1.6, height])
    return xy


def recent_closures(run: TownModel, years: int = RECENT_YEARS) -> list[dict]:
    """Closures and shocks of the last ``years`` years: shocks first, then newest first."""
    now = run.year
    closed = [
        e
        for e in reversed(run.events)
        if e["kind"] in ("closure", "shock") and e["year"] > now - years
    ]
    return sorted(closed, key=lambda e: e["kind"] != "shock")


def describe(event: dict) -> str:
    """A closure in words: "year 4: gp in Mitte closed (shock: the GP retires)"."""
    what = event["provider_type"].replace("_", " ")
    why = LABELS.get(event["reason"], event["reason"])
    return f"year {event['year']}: {what} in {event['place']} closed ({why})"


def town_map(model: ClassroomModel) -> Figure:
    """The town: places sized by residents, providers open / citizen-run / recently closed."""
    run = model.main
    fig = Figure(figsize=(8.0, 5.2))
    fig.subplots_adjust(left=0.01, right=0.8, bottom=0.01, top=0.93)
    ax = fig.add_subplot()
    xy = _positions(run)
    residents = run.place_population()
    for a, b in run.town.graph.edges:
        ax.plot(*xy[[a, b]].T, color="#bbbbbb", linewidth=1, zorder=1)
    kinds = [p.kind for p in run.town.config.places]
    sizes = np.array(
        [600 if k.is_destination else 60 + 900 * r / max(residents.max(), 1) for k, r in zip(kinds, residents, strict=True)]
    )  # fmt: skip
    colours = ["#eeeeee" if k.is_destination else "#ffe0b2" for k in kinds]
    ax.scatter(*xy.T, s=sizes, c=colours, edgecolors="#8d6e63", zorder=2)
    for i, name in enumerate(run.town.names):
        label = name if kinds[i].is_destination else f"{name}\n{residents[i]} residents"
        ax.annotate(label, xy[i], fontsize=7, ha="center", va="top", xytext=(0, -14),
                    textcoords="offset points")  # fmt: skip
    span = float(np.ptp(xy[:, 0]) + np.ptp(xy[:, 1])) / 2 or 1.0
    step = span * 0.035

    def place_symbols(items: list[tuple[int, ServiceType, str, str]]) -> None:
        slots: dict[int, int] = {}
        groups: dict[tuple[ServiceType, str, str], list[np.ndarray]] = {}
        for place, kind, colour, gid in items:  # around its place, one slot per symbol
            k = slots.get(place, 0)
            slots[place] = k + 1
            angle = 2.4 * k
            offset = np.array([np.cos(angle), np.sin(angle)]) * step * (1.2 + 0.25 * k)
            groups.setdefault((kind, colour, gid), []).append(xy[place] + offset)
        for (kind, colour, gid), points in groups.items():  # one scatter per group: faster
            ax.scatter(*np.array(points).T, marker=SYMBOLS.get(kind, "o"), s=55, c=colour,
                       edgecolors="white", linewidths=0.5, zorder=3, gid=gid)  # fmt: skip

    items = []
    for p in run.services.providers:
        citizen = p.operated_by is not None or p.format == "coop"
        items.append((p.place, p.kind, CITIZEN if citizen else OPEN, f"open:{p.kind.value}"))
    closed = recent_closures(run)
    index = run.town.index
    items += [
        (index[e["place"]], ServiceType(e["provider_type"]), CLOSED, f"closed:{e['provider_type']}")
        for e in closed
        if e["place"] in index
    ]
    place_symbols(items)
    stacked: dict[int, int] = {}
    for initiative in run.civic.initiatives:
        if initiative.phase.active:
            k = stacked.get(initiative.place, 0)
            stacked[initiative.place] = k + 1
            ax.annotate(
                f"★ {initiative.kind.value.replace('_', ' ')} ({initiative.phase.value}): "
                f"{len(initiative.members)} members",
                xy[initiative.place], fontsize=6, color=CITIZEN, xytext=(14, 16 + 8 * k),
                textcoords="offset points", ha="left",
            )  # fmt: skip
    notes = [describe(e) for e in closed[:5]]
    if notes:
        ax.text(0.01, 0.01, "\n".join(notes), transform=ax.transAxes, fontsize=7, va="bottom",
                color=CLOSED, bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": CLOSED})  # fmt: skip
    legend = [
        Line2D([], [], marker="o", linestyle="", color=c, label=label)
        for c, label in ((OPEN, "open"), (CITIZEN, "citizen-run"), (CLOSED, "closed recently"))
    ]
    legend += [
        Line2D([], [], marker=SYMBOLS[k], linestyle="", color="#555555", label=k.value.replace("_", " "))
        for k in (ServiceType.gp, ServiceType.grocery, ServiceType.primary_school, ServiceType.bus_line)
    ]  # fmt: skip
    ax.legend(handles=legend, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(f"{run.town.config.name}, year {run.year}: {int(residents.sum())} residents")
    ax.set_axis_off()
    ax.margins(0.12)
    return fig
