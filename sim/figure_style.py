"""What every figure shares: a colour-blind-safe palette with markers, units, event marks.

Colours are Okabe & Ito's (2008) palette without its yellow (too pale on white); each series
also gets its own marker and line style, so lines stay apart in grey print and for readers
who do not tell the colours apart.
"""

from __future__ import annotations

import base64
import io
from itertools import cycle

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

PALETTE = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#999999")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">", "p")
LINESTYLES = ("-", "--", "-.", ":")
SHOCK_COLOUR = "#D55E00"
LEVER_COLOUR = "#0072B2"


def styles(names: list[str]) -> dict[str, dict]:
    """A distinct colour, marker and line style per name (the first, e.g. the baseline, black)."""
    out = {}
    colours, markers = cycle(PALETTE), cycle(MARKERS)
    for i, name in enumerate(names):
        out[name] = {
            "color": next(colours),
            "marker": next(markers),
            "linestyle": LINESTYLES[(i // len(PALETTE)) % len(LINESTYLES)],
        }
    return out


def mark_events(ax, shock: tuple[str, int] | None, lever_starts: dict[str, int], label=True):
    """Vertical lines at the shock's year and at each lever's start (labelled on ``label``)."""
    if shock is not None:
        kind, year = shock
        if label:
            ax.title.set_y(1.05)  # room for the shock's label above the axes
        ax.axvline(year, color=SHOCK_COLOUR, lw=1.2, ls="--", zorder=0)
        if label:
            ax.text(
                year,
                1.0,
                f" shock: {kind.replace('_', ' ')}",
                transform=ax.get_xaxis_transform(),
                color=SHOCK_COLOUR,
                fontsize=7,
                va="bottom",
                ha="left",
                clip_on=False,
            )
    starts: dict[int, list[str]] = {}
    for lever, year in lever_starts.items():
        starts.setdefault(year, []).append(lever)
    for year, levers in sorted(starts.items()):
        if shock is not None and year == shock[1]:
            continue  # one line per year
        ax.axvline(year, color=LEVER_COLOUR, lw=1.0, ls=":", zorder=0)
        if label:
            ax.text(
                year,
                0.0,
                " levers start" if len(levers) > 1 else " lever starts",
                transform=ax.get_xaxis_transform(),
                color=LEVER_COLOUR,
                fontsize=7,
                va="bottom",
                ha="left",
                zorder=5,
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7},
            )


def png_base64(fig, dpi: int = 100) -> str:
    """The figure as a base64 PNG (for an <img src="data:image/png;base64,...">); closes it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
