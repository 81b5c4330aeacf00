"""Calibration of the drivers of service change against the national trends.

Runs the three archetypes (central, peripheral, very peripheral; default 10 seeds, 30 years)
and compares, per service type, the model's annual change in the number of providers with the
national trend in ``sim/data/service_trends_de.csv``. The archetypes are mixed with the weights
``ARCHETYPE_WEIGHTS`` (share of German small towns by location, see ``WEIGHTS_NOTE``): the mix
trend is the annual change of the weighted sum of the archetypes' mean counts, as the national
trend is the change of a sum of counts over all places.

``--fit`` first runs a small grid search over a few driver parameters (``SEARCH``) on fewer
seeds and keeps the combination with the smallest loss (``loss``); the evaluation then runs with
it on all seeds. The fitted values are the defaults in ``sim/config/services.py`` (copy them
there after a new fit: the search prints them).

Usage::

    python experiments/calibrate.py                    # evaluate the defaults, write the doc
    python experiments/calibrate.py --seeds 4 --no-write
    python experiments/calibrate.py --fit              # grid search, then evaluate
    python experiments/calibrate.py --set services.chain_catchment_growth=0.02

Writes the section "## Calibration" of ``docs/validation.md`` (other sections are kept) and
prints the table. Exits 1 if a target is missed (``--strict``).
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import time
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
TRENDS_CSV = REPO / "sim" / "data" / "service_trends_de.csv"
DOC = REPO / "docs" / "validation.md"
SECTION = "## Calibration"

ARCHETYPES = ("central", "peripheral", "very_peripheral")
SPIN_UP = 5
"""Trends are measured from this year to the end: the built-in towns' initial equipment is not
in equilibrium with the model's economics (in every seed the central town's supermarket and
pharmacy in Bahnhofsviertel close in years 2-3), and these adjustments are not a trend."""
ARCHETYPE_WEIGHTS = {"central": 0.5, "peripheral": 0.35, "very_peripheral": 0.15}
WEIGHTS_NOTE = (
    "more than half of German small towns lie near agglomerations (seed-notes Q12: 'Mehr als "
    "die Hälfte der Kleinstädte liegt in zentraler Lage'), so central towns get 0.5; the rest is "
    "split 0.35 peripheral / 0.15 very peripheral (assumption: very peripheral locations are the "
    "smaller part of the periphery)"
)

# Data service type -> metrics columns summed to count it.
COLUMNS: dict[str, tuple[str, ...]] = {
    "grocery_small": ("services_open_grocery_shop",),
    "grocery_all": ("services_open_grocery_shop", "services_open_grocery_supermarket"),
    "bakery": ("services_open_bakery",),
    "pub": ("services_open_pub",),
    "pharmacy": ("services_open_pharmacy",),
    "bank": ("services_open_bank",),
    "gp": ("services_open_gp",),
    "school_primary": ("services_open_primary_school",),
    "pool": ("services_open_pool",),
    "post": ("services_open_post",),
}
COOP_COLUMN = "services_open_grocery_coop"
COOP_NOTE = (
    "Both grocery series count the commercial formats only (shop; shop and supermarket), not the "
    "cooperative shops: the national series are counts of food retail stores (Thünen/Küpper: "
    "food shops <= 399 m², 65,000 in 1990 → 8,550 in 2019; Lühning: all food stores), in which "
    "the citizen-run village shops (Dorfläden; more than 130 foundings advised by 2017, Gröll, "
    "shared data README), a few hundred nationally, are at most a few percent of the 8,550 "
    "and could not turn the trend; their trend is that of the commercial shops. In the model a "
    "cooperative shop launches in villages without a grocer, a local counter-movement that is "
    "reported here but not fitted (the cooperative mechanism is not tuned to these targets)"
)
TOLERANCE_PP = {"grocery_small": 2.0}
"""Allowed distance of the mix trend from the national trend, percentage points per year."""
DEFAULT_TOLERANCE_PP = 1.0
NOT_FITTED = ("school_primary", "pool", "post")
FITTED = tuple(t for t in COLUMNS if t not in NOT_FITTED)
"""Municipal or legally kept: no driver here acts on them (schools follow pupils, pools the
municipal budget, post outlets the legal minimum); reported, not used in the search."""

SEARCH: dict[str, tuple[float, ...]] = {
    "services.chain_catchment_growth": (0.005, 0.01, 0.015),
    "services.independent_margin_squeeze": (0.05, 0.055, 0.0575, 0.065),
    "services.successor_trend": (-0.05, -0.02),
}
"""The grid of ``--fit``: the driver parameters least pinned down by sources (assumptions)."""

FIT_NOTE = (
    "How the defaults were found (11/2026): (1) `--fit` on an 18-point grid "
    "(chain_catchment_growth 0.005/0.01/0.015 × independent_margin_squeeze 0.05/0.065/0.08 × "
    "successor_trend −0.05/−0.02), 2 seeds per archetype and point, trends from year 0: best "
    "0.01 / 0.05 / −0.02 (loss 2.8; next 0.015 / 0.065 / −0.02, loss 9.1). (2) By hand, on 10 "
    "seeds: the 10-seed check of that point missed pharmacies (−2.8 against −1.4) and small "
    "shops (−4.2 against −6.8) and lost GPs at −1.1; the succession bases of pharmacies "
    "(0.6 → 0.75) and GPs (0.35 → 0.5) were raised, the shops' base lowered (0.3 → 0.2) and "
    "their entry rate halved (1 → 0.5); the trends were measured after the spin-up; then "
    "independent_margin_squeeze was bisected on the small-shop target (0.05: −3.6, 0.065: −9.4, "
    "0.0575: −8.8, 0.055: −7.2, kept; the central town's one shop closing or not decides the "
    "jump). The grid in "
    "`SEARCH` now holds those values. (3) After the E2SFCA access, the service drivers' budget, "
    "per-person migration and cooperative shops that launch in unserved villages were merged "
    "(issues 11-15), the 10-seed check missed small shops (−0.7, counting cooperative shops), "
    "all groceries (−1.7) and banks (−9.6: every branch of the peripheral and very peripheral "
    "town closed). The grocery series now count the commercial formats only (see above); with "
    "that, small shops (−6.3) and all groceries (−3.4) are within tolerance at the unchanged "
    "independent_margin_squeeze 0.055 (0.05 gives small shops −2.8 on 10 seeds, out of "
    "tolerance). Banks, by hand on 10 seeds: digital_exposure 0.8 / 0.85 / 0.9 / 0.95 gave "
    "−3.6 / −3.3 / −3.3 / −5.5, the end of `services.branch_digital_share` 0.85 instead of 0.9 "
    "(digital_exposure 1) gave −4.9 and keeps a peripheral branch in some seeds; that "
    "schedule was kept (an assumption, as was 0.9). (4) 12/2026, after co-located competitors "
    "stopped closing together (only the weakest of a channel at a place closes in a year; the "
    "peripheral town had none left at year 30 in 6 of 10 seeds before): on 10 seeds small shops "
    "closed everywhere in the central and peripheral towns (mix −10.1) at 0.055; "
    "independent_margin_squeeze 0.045 / 0.05 / 0.0525 gave small shops −4.0 / −6.5 / −10.1 "
    "(at 0.0525, as at 0.055, every shop of the central and peripheral towns closed), "
    "kept 0.05 (every type within tolerance on 10 seeds; on 20 seeds pubs −2.0 against "
    "−3.1 ± 1, just outside, the others within)."
)

EXTRA_COLUMNS = (
    "services_open_grocery_supermarket",
    "services_open_grocery_shop",
    COOP_COLUMN,
    "population",
)


@dataclass(frozen=True)
class Job:
    town: str
    seed: int
    years: int
    overrides: tuple[str, ...]
    spin_up: int = 0


def _run(job: Job) -> tuple[Job, dict[str, float], dict[str, float]]:
    """Counts at the start and at the end of one run (every column of COLUMNS and extras)."""
    sys.path.insert(0, str(REPO / "experiments"))
    from reference_runs import compose

    from sim.run import run_simulation

    cfg = compose(
        [
            f"town={job.town}",
            f"seed={job.seed}",
            f"years={job.years}",
            "output.plots=false",
            *job.overrides,
        ]
    )
    cfg.output.progress = False
    metrics = run_simulation(cfg).metrics
    wanted = sorted({c for cols in COLUMNS.values() for c in cols} | set(EXTRA_COLUMNS))
    first = metrics.set_index("year").loc[job.spin_up].to_dict()
    last = metrics.iloc[-1]
    return job, {c: float(first[c]) for c in wanted}, {c: float(last[c]) for c in wanted}


def run_jobs(jobs: list[Job], processes: int, label: str) -> pd.DataFrame:
    """All runs (in ``processes`` processes), one row per run and column, start and end."""
    rows = []
    started = time.perf_counter()
    with Pool(processes) as pool:
        for done, (job, start, end) in enumerate(pool.imap_unordered(_run, jobs), 1):
            rows.extend(
                {
                    "town": job.town,
                    "seed": job.seed,
                    "overrides": " ".join(job.overrides),
                    "column": column,
                    "start": start[column],
                    "end": end[column],
                }
                for column in start
            )
            elapsed = time.perf_counter() - started
            print(
                f"\r{label}: {done}/{len(jobs)} runs, {elapsed:.0f} s",
                end="" if done < len(jobs) else "\n",
                file=sys.stderr,
                flush=True,
            )
    return pd.DataFrame(rows)


def annual_change_pct(start: float, end: float, years: int) -> float:
    """Annualised change in percent, (end / start)^(1 / years) - 1; nan without a start."""
    if start <= 0:
        return math.nan
    return 100.0 * ((max(end, 0.0) / start) ** (1.0 / years) - 1.0)


def national_trends() -> pd.DataFrame:
    return pd.read_csv(TRENDS_CSV).set_index("service_type")


def trend_table(runs: pd.DataFrame, years: int, spin_up: int = 0) -> pd.DataFrame:
    """Per data service type: the archetypes' and the mix's annual change, the national trend."""
    means = runs.groupby(["town", "column"])[["start", "end"]].mean()
    national = national_trends()
    rows = []
    for service_type, columns in COLUMNS.items():
        row: dict[str, float | str] = {"service_type": service_type}
        mix_start = mix_end = 0.0
        for town in ARCHETYPES:
            start = sum(means.at[(town, c), "start"] for c in columns)
            end = sum(means.at[(town, c), "end"] for c in columns)
            row[f"{town}_start"] = start
            row[f"{town}_end"] = end
            row[town] = annual_change_pct(start, end, years - spin_up)
            mix_start += ARCHETYPE_WEIGHTS[town] * start
            mix_end += ARCHETYPE_WEIGHTS[town] * end
        row["mix"] = annual_change_pct(mix_start, mix_end, years - spin_up)
        row["national"] = float(national.at[service_type, "annual_change_pct"])
        row["tolerance"] = TOLERANCE_PP.get(service_type, DEFAULT_TOLERANCE_PP)
        rows.append(row)
    table = pd.DataFrame(rows).set_index("service_type")
    table["within"] = (table["mix"] - table["national"]).abs() <= table["tolerance"]
    if COOP_COLUMN in means.index.get_level_values("column"):
        table.attrs["coops"] = {
            town: (means.at[(town, COOP_COLUMN), "start"], means.at[(town, COOP_COLUMN), "end"])
            for town in ARCHETYPES
        }
    return table


def evaluate(
    seeds: int,
    years: int = 30,
    overrides: tuple[str, ...] = (),
    processes: int = 2,
    spin_up: int = SPIN_UP,
) -> pd.DataFrame:
    """The trend table of the three archetypes over ``seeds`` seeds (see ``trend_table``)."""
    jobs = [Job(t, s, years, overrides, spin_up) for t in ARCHETYPES for s in range(seeds)]
    return trend_table(run_jobs(jobs, processes, "calibration"), years, spin_up)


def checks(table: pd.DataFrame, types: list[str] | None = None) -> dict[str, list[str]]:
    """The three targets: mix within tolerance; central loses less than the periphery; no type
    grows in the periphery where it declines nationally. Lists the types that miss each."""
    if types is not None:
        table = table.loc[types]
    declining = table[table["national"] < 0]
    missed_mix = [t for t in table.index if not table.at[t, "within"]]
    central_worse = [
        t
        for t in declining.index
        if any(
            table.at[t, "central"] < table.at[t, other] - 1e-9
            for other in ("peripheral", "very_peripheral")
            if not math.isnan(table.at[t, other])
        )
    ]
    growing = [
        t
        for t in declining.index
        if any(table.at[t, town] > 0 for town in ("peripheral", "very_peripheral"))
    ]
    return {"mix": missed_mix, "central_loses_less": central_worse, "no_growth": growing}


def total_change(table: pd.DataFrame, types: list[str], years: int) -> dict[str, float]:
    """Annual change of all providers of ``types`` together, per archetype (in percent)."""
    return {
        town: annual_change_pct(
            table.loc[types, f"{town}_start"].sum(), table.loc[types, f"{town}_end"].sum(), years
        )
        for town in ARCHETYPES
    }


def loss(table: pd.DataFrame) -> float:
    """Search loss: squared excess over the tolerance of the fitted types, plus penalties."""
    fitted = table.drop(index=list(NOT_FITTED))
    excess = ((fitted["mix"] - fitted["national"]).abs() - fitted["tolerance"]).clip(lower=0)
    distance = ((fitted["mix"] - fitted["national"]) ** 2).sum()
    growing = sum(
        max(fitted.at[t, town], 0.0)
        for t in fitted.index[fitted["national"] < 0]
        for town in ("peripheral", "very_peripheral")
        if not math.isnan(fitted.at[t, town])
    )
    return float(10.0 * (excess**2).sum() + distance + 10.0 * growing)


def fit(args: argparse.Namespace) -> tuple[list[str], pd.DataFrame]:
    """Grid search over SEARCH on ``args.fit_seeds`` seeds; the best overrides and all losses."""
    names = list(SEARCH)
    grid = [
        tuple(f"{n}={v}" for n, v in zip(names, values, strict=True))
        for values in itertools.product(*SEARCH.values())
    ]
    jobs = [
        Job(town, seed, args.years, (*args.set, *point), args.spin_up)
        for point in grid
        for town in ARCHETYPES
        for seed in range(args.fit_seeds)
    ]
    runs = run_jobs(jobs, args.processes, f"fit ({len(grid)} points)")
    results = []
    for point in grid:
        key = " ".join((*args.set, *point))
        table = trend_table(runs[runs["overrides"] == key], args.years, args.spin_up)
        results.append({"point": point, "loss": loss(table)})
    results.sort(key=lambda r: r["loss"])
    frame = pd.DataFrame(
        [{**dict(o.split("=") for o in r["point"]), "loss": r["loss"]} for r in results]
    )
    return list(results[0]["point"]), frame


def _fmt(value: float, end: float | None = None) -> str:
    if math.isnan(value):
        return "–"
    return "all closed" if end == 0 else f"{value:+.1f}"


def markdown(
    table: pd.DataFrame,
    args: argparse.Namespace,
    fitted: dict[str, float],
    search: pd.DataFrame | None,
) -> str:
    national = national_trends()
    result = checks(table)
    lines = [
        SECTION,
        "",
        "Written by `python experiments/calibrate.py"
        + (" --fit" if search is not None else "")
        + f"` ({args.seeds} seeds per archetype, {args.years} years, baseline: no policy, no "
        f"shock). Annual change of the number of open providers in percent from year "
        f"{args.spin_up} to year {args.years}, (mean count at the end / at year {args.spin_up})"
        f"^(1/{args.years - args.spin_up}) − 1; the first {args.spin_up} years are a spin-up: "
        "the built-in towns' initial equipment is not in equilibrium with the model's economics "
        "(in every seed the central town's supermarket and pharmacy in Bahnhofsviertel close in "
        "years 2–3), and that adjustment is not a trend. The mix is the change of the "
        "weighted sum of the archetypes' mean counts with weights "
        + ", ".join(f"{t} {w:g}" for t, w in ARCHETYPE_WEIGHTS.items())
        + f": {WEIGHTS_NOTE}. National: `sim/data/service_trends_de.csv` (copy of the shared "
        "data). 'all closed': no provider of the type is left in any seed at the end. Small "
        "grocery shops count the shop format; all groceries add the supermarkets (chain "
        f"formats: supermarkets and discounters are one format). {COOP_NOTE}"
        + (
            ": cooperative shops, mean count year "
            f"{args.spin_up} → {args.years} (C / P / VP) "
            + " / ".join(f"{a:.1f} → {b:.1f}" for a, b in table.attrs["coops"].values())
            if "coops" in table.attrs
            else ""
        )
        + ".",
        "",
        f"| type | national | central | peripheral | very peripheral | mix | tolerance | within | counts year {args.spin_up} → {args.years} (C / P / VP) | source |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for t, row in table.iterrows():
        counts = " / ".join(
            f"{row[f'{town}_start']:.1f} → {row[f'{town}_end']:.1f}" for town in ARCHETYPES
        )
        note = " (not fitted)" if t in NOT_FITTED else ""
        lines.append(
            f"| {t}{note} | {row['national']:+.1f} | "
            + " | ".join(_fmt(row[town], row[f"{town}_end"]) for town in ARCHETYPES)
            + f" | {_fmt(row['mix'])} | "
            f"±{row['tolerance']:g} | {'yes' if row['within'] else 'NO'} | {counts} | "
            f"{national.at[t, 'source']} |"
        )
    lines += [
        "",
        "Targets: mix within the tolerance of the national trend: "
        + ("all types" if not result["mix"] else "missed by " + ", ".join(result["mix"]))
        + "; central towns lose less than peripheral ones (types declining nationally): "
        + (
            "yes"
            if not result["central_loses_less"]
            else "not for " + ", ".join(result["central_loses_less"])
        )
        + "; no type declining nationally grows in the peripheral or very peripheral town: "
        + ("yes" if not result["no_growth"] else "grows: " + ", ".join(result["no_growth"]))
        + ". All fitted types together (annual change): "
        + ", ".join(
            f"{town} {value:+.1f}"
            for town, value in total_change(table, list(FITTED), args.years - args.spin_up).items()
        )
        + ".",
        "",
        "### Fitted parameters",
        "",
        "| parameter | value |",
        "|---|---|",
    ]
    lines += [f"| `{name}` | {value:g} |" for name, value in fitted.items()]
    lines += [
        "",
        "How they are fitted: a grid search (`--fit`) over the driver parameters that are "
        "assumptions rather than data (`SEARCH` in `experiments/calibrate.py`), "
        f"{args.fit_seeds} seeds per archetype and point, minimising "
        "10 × Σ (excess of |mix − national| over the tolerance)² + Σ (mix − national)² + "
        "10 × Σ growth in the peripheral towns of types declining nationally, over the types "
        "marked as fitted (the municipal and legally kept types are not driven by these "
        "parameters). The other driver parameters have sources (ODD §7.7, §7.12).",
        "",
        FIT_NOTE,
    ]
    if search is not None:
        best = search.head(8)
        lines += [
            "",
            f"Best points of the search (of {len(search)}):",
            "",
            "| " + " | ".join(f"`{c}`" if c != "loss" else c for c in best.columns) + " |",
            "|" + "---|" * len(best.columns),
        ]
        lines += [
            "| " + " | ".join(f"{v:.2f}" if isinstance(v, float) else str(v) for v in row) + " |"
            for row in best.itertuples(index=False)
        ]
    return "\n".join(lines) + "\n"


def write_section(text: str, path: Path = DOC) -> None:
    """Replace (or add) the section "## Calibration" of ``path``, keeping the others."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Validation\n"
    lines = old.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == SECTION), None)
    if start is None:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        new = (
            "".join(lines[:start])
            + text
            + ("\n" if end < len(lines) else "")
            + "".join(lines[end:])
        )
    path.write_text(new, encoding="utf-8")


def current_values(overrides: list[str]) -> dict[str, float]:
    """The values of the searched parameters in the evaluated configuration."""
    sys.path.insert(0, str(REPO / "experiments"))
    from reference_runs import compose

    cfg = compose(overrides)
    values = {}
    for name in SEARCH:
        obj = cfg
        for part in name.split("."):
            obj = getattr(obj, part)
        values[name] = float(obj)
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--spin-up", type=int, default=SPIN_UP, help="trends from this year")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--fit", action="store_true", help="grid search over SEARCH first")
    parser.add_argument("--fit-seeds", type=int, default=2)
    parser.add_argument("--set", nargs="*", default=[], metavar="OVERRIDE")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    if args.seeds < 1 or args.years < 1:
        parser.error("--seeds and --years must be at least 1")
    if not 0 <= args.spin_up < args.years:
        parser.error(f"--spin-up must be 0..{args.years - 1} (below --years)")
    search = None
    overrides = list(args.set)
    if args.fit:
        best, search = fit(args)
        overrides = [*args.set, *best]
        print("best point:", " ".join(best))
    table = evaluate(args.seeds, args.years, tuple(overrides), args.processes, args.spin_up)
    text = markdown(table, args, current_values(overrides), search)
    print(text)
    if not args.no_write:
        write_section(text)
        print(f"wrote {DOC.relative_to(REPO)}")
    missed = checks(table)
    return 1 if args.strict and any(missed.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
