"""The report's figures (matplotlib, embedded as base64 PNG): small multiples with one line,
colour, marker and line style per policy, the 5–95 % range of single seeds as a band, the
shock year and the levers' starts marked, units on every axis."""

from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import MaxNLocator

from sim.figure_style import mark_events, png_base64, styles

KEY_MEASURES: dict[str, tuple[str, str, float]] = {
    # column: (title, axis label with unit, scale)
    "population": ("Residents", "residents", 1.0),
    "share_65_plus": ("Aged 65 and over", "% of residents", 100.0),
    "qol_mean": ("Mean quality of life", "QoL index (0–1)", 1.0),
    "services_kept": ("Services open (no employers)", "providers", 1.0),
    "municipal_debt_eur": ("Municipal debt", "million EUR", 1e-6),
    "policy_cost_eur": ("Policy cost", "thousand EUR a year", 1e-3),
}


@dataclass
class Context:
    """What every figure names or marks."""

    town: str
    policies: list[str]
    shock: tuple[str, int] | None = None
    lever_starts: dict[str, int] = field(default_factory=dict)
    seeds: int = 0

    @property
    def shock_text(self) -> str:
        return (
            "no shock"
            if self.shock is None
            else f"shock {self.shock[0].replace('_', ' ')} in year {self.shock[1]}"
        )

    def title(self, what: str) -> str:
        return f"{self.town}: {what} ({self.shock_text}; {self.seeds} seeds per policy)"


def _grid(n: int, columns: int = 3, width: float = 4.2, height: float = 3.0):
    rows = max(1, -(-n // columns))
    columns = min(columns, max(n, 1))
    fig, axes = plt.subplots(
        rows, columns, figsize=(width * columns, height * rows + 0.9), squeeze=False
    )
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def _legend(fig, ctx: Context, extra: list | None = None) -> None:
    style = styles(ctx.policies)
    handles = [
        plt.Line2D([], [], label=p.replace("_", " "), markersize=5, lw=1.6, **style[p])
        for p in ctx.policies
    ]
    fig.legend(
        handles=handles + (extra or []),
        loc="upper center",
        ncol=min(len(handles) + len(extra or []), 6),
        frameon=False,
        fontsize=8,
        bbox_to_anchor=(0.5, 1.0 - 0.45 / fig.get_figheight()),
    )


def _finish(fig, ctx: Context, what: str, legend_rows: int = 1) -> str:
    height = fig.get_figheight()
    fig.suptitle(ctx.title(what), fontsize=11, y=1.0 - 0.1 / height)
    fig.tight_layout(rect=(0, 0, 1, 1 - (0.35 + 0.25 * legend_rows) / height))
    return png_base64(fig)


def _band_line(ax, years, mean, low, high, style, every: int, rank: int = 0) -> None:
    """A mean line with its band; the first series (the baseline) wide underneath, so that it
    shows around a policy's line that coincides with it; markers staggered per series."""
    ax.fill_between(years, low, high, color=style["color"], alpha=0.12, lw=0)
    ax.plot(
        years,
        mean,
        lw=3.2 if rank == 0 else 1.5,
        markersize=5 if rank == 0 else 4,
        markevery=(rank % every, every),
        zorder=2 + rank,
        **style,
    )


def _axes_common(ax, title: str, unit: str, ctx: Context, label_events: bool) -> None:
    ax.set_title(title, fontsize=9, pad=12 if label_events else 4)
    ax.set_xlabel("year of the run", fontsize=8)
    ax.set_ylabel(unit, fontsize=8)
    ax.tick_params(labelsize=7)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    mark_events(ax, ctx.shock, ctx.lever_starts, label=label_events)


def _event_handles(ctx: Context) -> list:
    out = []
    if ctx.shock is not None:
        out.append(plt.Line2D([], [], color="#D55E00", ls="--", label=ctx.shock_text))
    if ctx.lever_starts:
        years = sorted(set(ctx.lever_starts.values()))
        out.append(
            plt.Line2D(
                [],
                [],
                color="#0072B2",
                ls=":",
                label=f"levers start (year {', '.join(map(str, years))})",
            )
        )
    return out


def trajectories_figure(
    table: pd.DataFrame, ctx: Context, columns: dict[str, tuple[str, str, float]], what: str
) -> str | None:
    """Small multiples: per measure the policies' means over the years and the 5–95 % band."""
    columns = {c: v for c, v in columns.items() if c in set(table["measure"])}
    if not columns:
        return None
    style = styles(ctx.policies)
    fig, axes = _grid(len(columns))
    for ax, (column, (title, unit, scale)) in zip(axes, columns.items(), strict=True):
        sub = table[table.measure == column]
        for policy in ctx.policies:
            rows = sub[sub.policy == policy].sort_values("year")
            if rows.empty:
                continue
            every = max(1, len(rows) // 6)
            _band_line(
                ax,
                rows["year"],
                rows["mean"] * scale,
                rows["p05"] * scale,
                rows["p95"] * scale,
                style[policy],
                every,
                ctx.policies.index(policy),
            )
        _axes_common(ax, title, unit, ctx, label_events=False)
        if unit in ("providers", "providers open"):
            ax.set_ylim(bottom=0, top=max(1.0, ax.get_ylim()[1]) + 0.5)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _legend(fig, ctx, _event_handles(ctx))
    return _finish(fig, ctx, what)


def differences_figure(
    table: pd.DataFrame, ctx: Context, columns: dict[str, tuple[str, str, float]]
) -> str | None:
    """Small multiples: per measure each policy minus the baseline, mean and 95 % CI."""
    if table.empty:
        return None
    columns = {c: v for c, v in columns.items() if c in set(table["measure"])}
    treated = [p for p in ctx.policies if p in set(table["policy"].astype(str))]
    style = styles(ctx.policies)
    fig, axes = _grid(len(columns))
    for ax, (column, (title, unit, scale)) in zip(axes, columns.items(), strict=True):
        sub = table[table.measure == column]
        for policy in treated:
            rows = sub[sub.policy == policy].sort_values("year")
            every = max(1, len(rows) // 6)
            _band_line(
                ax,
                rows["year"],
                rows["mean_difference"] * scale,
                rows["ci_low"] * scale,
                rows["ci_high"] * scale,
                style[policy],
                every,
                ctx.policies.index(policy),
            )
        ax.axhline(0, color="black", lw=0.8)
        _axes_common(ax, f"{title}: difference", f"{unit} (policy − baseline)", ctx, False)
    sub_ctx = Context(ctx.town, treated, ctx.shock, ctx.lever_starts, ctx.seeds)
    styles_all = styles(ctx.policies)
    handles = [
        plt.Line2D([], [], label=p.replace("_", " "), markersize=5, lw=1.6, **styles_all[p])
        for p in treated
    ]
    fig.legend(
        handles=handles + _event_handles(ctx),
        loc="upper center",
        ncol=min(len(handles) + 2, 6),
        frameon=False,
        fontsize=8,
        bbox_to_anchor=(0.5, 1.0 - 0.45 / fig.get_figheight()),
    )
    return _finish(fig, sub_ctx, "each policy minus the baseline on the same seeds (band: 95 % CI)")


def services_figure(table: pd.DataFrame, ctx: Context) -> str | None:
    """Small multiples: providers open per service type (types that ever had one)."""
    sub = table[table.measure.str.startswith("services_open_")]
    kinds = [k for k, g in sub.groupby("measure", sort=True) if g["p95"].max() > 0]
    columns = {
        k: (k.removeprefix("services_open_").replace("_", " "), "providers open", 1.0)
        for k in kinds
    }
    return trajectories_figure(table, ctx, columns, "services open by type (band: 5–95 % of seeds)")


def qol_groups_figure(table: pd.DataFrame, ctx: Context) -> str | None:
    """Small multiples: mean QoL of each group of residents (every ``qol_mean_<group>`` column)."""
    from sim.qol_groups import QOL_GROUP_REPORTERS

    present = {m for m in set(table["measure"]) if m.startswith("qol_mean_")}
    groups = [g for g in QOL_GROUP_REPORTERS if g in present]
    groups += sorted(present - set(groups))  # columns added later, after the known ones
    columns = {
        g: (
            g.removeprefix("qol_mean_").replace("_", " ").replace(" plus", "+"),
            "QoL index (0–1)",
            1.0,
        )
        for g in groups
    }
    return trajectories_figure(table, ctx, columns, "quality of life by group of residents")


def ages_figure(table: pd.DataFrame, ctx: Context) -> str | None:
    """Small multiples: each broad age group's share of the residents."""
    long = table.rename(
        columns={
            "age_group": "measure",
            "mean_share": "mean",
            "p05_share": "p05",
            "p95_share": "p95",
        }
    )
    groups = list(dict.fromkeys(long["measure"]))
    columns = {g: (f"aged {g}", "% of residents", 100.0) for g in groups}
    return trajectories_figure(long, ctx, columns, "age structure (band: 5–95 % of seeds)")


def municipalities_figure(table: pd.DataFrame, ctx: Context) -> str | None:
    """Small multiples: residents per municipality (only for regions of several)."""
    names = list(dict.fromkeys(table["municipality"]))
    if len(names) < 2:
        return None
    long = table[table.measure == "population"].copy()
    long["measure"] = long["municipality"]
    columns = {n: (n, "residents", 1.0) for n in names}
    return trajectories_figure(long, ctx, columns, "residents per municipality")
