"""Stylised facts of services, budget and town structure (seed-notes §7.1, §7.3, §7.4).

SF4 size gradient (the peripheral archetype scaled), SF15 irreversibility of service losses,
SF16 one added facility in a small vs a large town, SF18 fiscal squeeze under rising
mandatory spending, SF19 the public-transport threshold and the car/no-car gap, SF21
concentration and loss of variety in local retail. ``VARIANTS`` adds the runs they need
(built from the archetypes' town files with Hydra overrides, no new config files).
``observe`` keeps, per run, the open providers by kind and format (and by municipality), the
new events with their municipality, retail turnover, the budget's investment share and
backlog, the bus departures and riders, and the QoL and access of adults with and without a
car; the facts read them from ``run.extra``.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml
from scipy import stats

from sim import accessibility
from sim.config import ServiceType

if TYPE_CHECKING:
    from validate import Run

TOWN_DIR = Path(__file__).resolve().parents[2] / "configs" / "town"
SIZE_SCALES = (0.5, 1.6)
"""SF4: the peripheral archetype scaled to half and 1.6 times its size (1.0 is ``peripheral``)."""
SOCIAL_GROWTH = 0.021
"""SF18: yearly growth of mandatory (social) spending per resident, assumption from seed-notes
Q28 (social spending rose from 18 % to 24 % of municipal spending 2000–2014: (24/18)^(1/14) - 1)."""


def _town(name: str) -> dict:
    return yaml.safe_load((TOWN_DIR / f"{name}.yaml").read_text())


def centre_gp(name: str) -> list[str]:
    """SF16: overrides that add one GP practice to the archetype's centre at year 0."""
    town = _town(name)
    centre = next(p["name"] for p in town["places"] if p["kind"] == "centre")
    for i, item in enumerate(town["providers"]):
        if item["type"] == "gp" and item["place"] == centre:
            return [f"town={name}", f"town.providers.{i}.count={item.get('count', 1) + 1}"]
    raise ValueError(f"{name}: no GP practice in the centre to add one to")


def scaled(name: str, scale: float) -> list[str]:
    """SF4: overrides that scale a town's residents, dwellings, jobs, hinterland and provider
    counts (bus lines kept; at least one provider of each configured entry)."""
    town = _town(name)
    out = [f"town={name}"]
    for i, place in enumerate(town["places"]):
        if not place.get("residents"):
            continue
        out += [
            f"town.places.{i}.{key}={round(place[key] * scale)}"
            for key in ("residents", "dwellings", "jobs", "hinterland")
            if place.get(key)
        ]
    for i, item in enumerate(town["providers"]):
        if item["type"] != "bus_line":
            out.append(f"town.providers.{i}.count={max(1, round(item.get('count', 1) * scale))}")
    return out


BUS_THRESHOLD = 360.0
"""SF19: riders a line needs in the threshold variant (VP's line has about 400 at year 0, the
default threshold is 150; assumption to let the decline cross it within 20 years)."""
BUS_RUN = "very_peripheral_bus_threshold"
GP_TOWNS = ("very_peripheral", "peripheral", "central")
VARIANTS: dict[str, list[str]] = {
    **{f"{t}_plus_gp": centre_gp(t) for t in GP_TOWNS},
    **{f"peripheral_x{s}": scaled("peripheral", s) for s in SIZE_SCALES},
    BUS_RUN: ["town=very_peripheral", f"services.bus_line.min_users={BUS_THRESHOLD}"],
    "peripheral_social": [
        "town=peripheral",
        f"municipality.mandatory_growth_per_year={SOCIAL_GROWTH}",
    ],
}

NOT_TESTED: dict[str, str] = {}

RETAIL = ("grocery", "bakery")
"""Local retail in the chain-share and variety measures (SF21)."""

NOT_SERVICES = ("bus_line", "crafts", "manufacturer")
"""Provider kinds that are no residents' service (SF15, SF21)."""

MIN_YEARS_LEFT = 5
"""An exit counts for SF15 only if the run has at least this many years left to re-enter."""


def _closure_jump(x: float) -> str:
    """A change in the year a line closed, or that no line closed."""
    return "no line closed" if np.isnan(x) else f"{x:+.4f} in a closure year"


def observe(name: str, model, year: int, extra: dict) -> None:
    """Store the year's counts, events, budget, bus service and car/no-car QoL in ``extra``."""
    counts: dict[str, int] = {}
    for p in model.services.providers:
        key = p.kind.value + (f"/{p.format}" if p.format else "")
        counts[key] = counts.get(key, 0) + 1
    extra.setdefault("counts", []).append(counts)
    extra.setdefault("retail_revenue", []).append(
        [
            (p.format == "supermarket", p.revenue_eur)
            for p in model.services.providers
            if p.kind.value in RETAIL
        ]
    )
    town = model.town
    seen = extra.get("n_events", 0)
    for event in model.events.rows[seen:]:
        place = town.index.get(event["place"])
        municipality = int(town.municipality[place]) if place is not None else -1
        extra.setdefault("events", []).append(
            (
                int(event["year"]),
                event["kind"],
                event["provider_type"],
                event["format"],
                municipality,
                event["reason"],
            )
        )
    extra["n_events"] = len(model.events.rows)
    # budget (SF18): investment (infrastructure paid plus backlog caught up) / spending
    invest = spend = backlog = 0.0
    for m in model.services.municipalities:
        invest += m.accounts.get("infrastructure_eur", 0.0) + m.accounts.get(
            "backlog_catch_up_eur", 0.0
        )
        spend += m.spending_eur
        backlog += m.backlog_eur
    extra.setdefault("investment_share", []).append(invest / spend if spend > 0 else np.nan)
    extra.setdefault("backlog_eur", []).append(backlog)
    # bus (SF19): departures a day on the town's edges (municipal lines' edges only while an
    # open line serves them); riders of each line
    municipal = {
        frozenset(pair)
        for item in town.config.providers
        if item.type is ServiceType.bus_line
        for pair in pairwise(item.route)
    }
    served: set[frozenset] = set()
    lines = {}
    for line in model.services.open_of(ServiceType.bus_line):
        route = [town.names[x] for x in line.route]
        served |= {frozenset(pair) for pair in pairwise(route)}
        lines[int(line.unique_id)] = (line.users, line.settings.min_users)
    extra.setdefault("bus_departures", []).append(
        sum(
            e.bus_departures_per_day or 0.0
            for e in town.config.edges
            if frozenset(e.between) not in municipal or frozenset(e.between) in served
        )
    )
    extra.setdefault("bus_lines", []).append(lines)
    # QoL of adults with and without a car (SF19)
    people = model.population.people
    rows = model.population.alive_rows
    adults = rows[people.age[rows] >= 18]
    car = people.has_car[adults]
    qol = model.qol[adults]
    extra.setdefault("qol_car", []).append(float(qol[car].mean()) if car.any() else np.nan)
    extra.setdefault("qol_no_car", []).append(float(qol[~car].mean()) if (~car).any() else np.nan)
    situations = accessibility.resident_situations(model, adults)
    access = accessibility.local_services_score(model, situations)
    extra.setdefault("access_gap", []).append(
        float(access[car].mean() - access[~car].mean()) if car.any() and (~car).any() else np.nan
    )
    # residents' services open per municipality and kind, and per place and kind (SF15)
    services = [p for p in model.services.providers if p.kind.value not in NOT_SERVICES]
    extra.setdefault("counts_m", []).append(
        dict(Counter((p.municipality, p.kind.value) for p in services))
    )
    extra.setdefault("counts_p", []).append(
        dict(Counter((p.place, p.kind.value) for p in services))
    )


# -- the facts ------------------------------------------------------------------------------


def exits_and_reentry(events: list[tuple], years: int) -> tuple[int, int]:
    """(exits, exits never followed by re-entry) of residents' services in a run.

    An exit is a closure or shock closure of a residents' service in a municipality in a year
    with at least ``MIN_YEARS_LEFT`` years left; it is re-entered if a provider of the same
    kind opens later in the same municipality (events are in order, so an opening after the
    closure in the log is later).
    """
    exits = lost = 0
    for i, (year, kind, ptype, _fmt, municipality, _why) in enumerate(events):
        if kind not in ("closure", "shock") or ptype in NOT_SERVICES:
            continue
        if years - year < MIN_YEARS_LEFT:
            continue
        exits += 1
        back = any(
            k == "opening" and t == ptype and m == municipality
            for (_y, k, t, _f, m, _r) in events[i + 1 :]
        )
        lost += not back
    return exits, lost


def type_exits(counts_m: list[dict[tuple[int, str], int]], years: int) -> tuple[int, int]:
    """(exits, exits never re-entered) of residents' service kinds from municipalities (or
    places: any integer key works).

    ``counts_m[t]`` has the open providers by (municipality, kind) after year ``t``. A kind
    exits in year t when the municipality had one before and none after, with at least
    ``MIN_YEARS_LEFT`` years left; it is re-entered if the kind is open there in a later year.
    """
    exits = lost = 0
    keys = {k for counts in counts_m for k in counts}
    for key in keys:
        series = [counts.get(key, 0) for counts in counts_m]
        for t in range(1, min(years, len(series) - 1) - MIN_YEARS_LEFT + 1):
            if series[t - 1] > 0 and series[t] == 0:
                exits += 1
                lost += not any(c > 0 for c in series[t + 1 :])
    return exits, lost


def facts(runs: dict[str, list[Run]], years: int, add) -> None:
    from validate import at, change, verdict

    P, C, V = runs["peripheral"], runs["central"], runs["very_peripheral"]
    n = len(P)
    base = f"no policy, {n} seeds, {years} years"

    # SF15
    def irreversible(rs: list[Run]) -> dict[str, float]:
        kinds = [type_exits(r.extra["counts_m"], years) for r in rs]
        closures = [exits_and_reentry(r.extra.get("events", []), years) for r in rs]
        exits, lost = sum(e for e, _ in kinds), sum(x for _, x in kinds)
        c_exits, c_lost = sum(e for e, _ in closures), sum(x for _, x in closures)
        places = [type_exits(r.extra["counts_p"], years) for r in rs]
        return {
            "exits": exits,
            "lost": lost / exits if exits else 0.0,
            "runs": float(np.mean([x > 0 for _, x in kinds])),
            "closures": c_exits,
            "closures_lost": c_lost / c_exits if c_exits else 0.0,
            "place_runs": float(np.mean([x > 0 for _, x in places])),
            "place_exits": sum(e for e, _ in places),
            "place_lost": sum(x for _, x in places),
        }

    s15 = {k: irreversible(rs) for k, rs in (("VP", V), ("P", P), ("C", C))}
    add(
        "SF15 possible irreversibility",
        f"C, P, VP, {base}; an exit = the last provider of a residents' service kind in a "
        f"municipality closes (shocks included), with >= {MIN_YEARS_LEFT} years left",
        "share of runs with an exit not re-entered (no provider of the kind re-opens there "
        "within the horizon): > 0 in P/VP and larger there than in C",
        verdict(
            max(s15["VP"]["runs"], s15["P"]["runs"]) > 0,
            min(s15["VP"]["runs"], s15["P"]["runs"]) > s15["C"]["runs"],
        ),
        "; ".join(
            f"{k}: runs with an unrecovered exit {s['runs']:.0%}, {s['lost']:.0%} of "
            f"{s['exits']} exits not re-entered; of all {s['closures']} closures "
            f"{s['closures_lost']:.0%} without a later opening of the kind; by place (a "
            f"village or district losing its last one) {s['place_lost']} of {s['place_exits']} "
            f"exits not re-entered, in {s['place_runs']:.0%} of runs"
            for k, s in s15.items()
        ),
    )

    # SF21
    def retail(counts: dict[str, int]) -> tuple[float, int, int]:
        """(chain share of local retail, variety, independent shops) of one year's counts."""
        shops = sum(v for k, v in counts.items() if k.split("/")[0] in RETAIL)
        chain = counts.get("grocery/supermarket", 0)
        variety = sum(1 for k, v in counts.items() if v > 0 and k.split("/")[0] not in NOT_SERVICES)
        independents = (
            counts.get("grocery/shop", 0) + counts.get("bakery", 0) + counts.get("pub", 0)
        )
        return (chain / shops if shops else np.nan), variety, independents

    def trade(rows: list[tuple[bool, float]]) -> tuple[float, float]:
        """(chains' share of local retail turnover, Herfindahl index over retail providers)."""
        revenue = np.array([r for _, r in rows], dtype=float)
        total = revenue.sum()
        if total <= 0:
            return np.nan, np.nan
        chain = sum(r for c, r in rows if c)
        return chain / total, float(((revenue / total) ** 2).sum())

    def concentration(rs: list[Run]) -> dict[str, float]:
        # year 1: year 0 has no accounts yet
        t0 = np.array([trade(r.extra["retail_revenue"][1]) for r in rs], dtype=float)
        t1 = np.array([trade(r.extra["retail_revenue"][years]) for r in rs], dtype=float)
        first = np.array([retail(r.extra["counts"][0]) for r in rs], dtype=float)
        last = np.array([retail(r.extra["counts"][years]) for r in rs], dtype=float)
        d = last - first
        return {
            "chain0": np.nanmean(first[:, 0]),
            "chain": np.nanmean(last[:, 0]),
            "chain_up": float(np.mean(d[:, 0] > 0)),
            "variety": float(np.mean(d[:, 1])),
            "variety_down": float(np.mean(d[:, 1] < 0)),
            "independents": float(np.mean(d[:, 2])),
            "turnover0": np.nanmean(t0[:, 0]),
            "turnover": np.nanmean(t1[:, 0]),
            "hhi0": np.nanmean(t0[:, 1]),
            "hhi": np.nanmean(t1[:, 1]),
        }

    s21 = {k: concentration(rs) for k, rs in (("P", P), ("VP", V), ("C", C))}
    p21 = s21["P"]
    add(
        "SF21 concentration / monoculture",
        f"P (VP and C for comparison), {base}; local retail = groceries (all formats) and "
        "bakeries; chain = the supermarket/discounter format; variety = kinds (grocery formats "
        "apart) of residents' services open",
        "chains' share of local retail turnover rises (year 1 → end, mean); its Herfindahl "
        "index rises; variety falls (year 0 → end, mean) (seed-notes: Herfindahl or chain "
        "share)",
        verdict(p21["turnover"] > p21["turnover0"], p21["hhi"] > p21["hhi0"], p21["variety"] < 0),
        "; ".join(
            f"{k} chain share {s['chain0']:.2f} → {s['chain']:.2f} (up in {s['chain_up']:.0%}), "
            f"variety {s['variety']:+.1f} (down in {s['variety_down']:.0%}), independent shops "
            f"and pubs {s['independents']:+.1f}, chains' share of retail turnover "
            f"{s['turnover0']:.2f} → {s['turnover']:.2f}, Herfindahl {s['hhi0']:.2f} → {s['hhi']:.2f}"
            for k, s in s21.items()
        )
        + " (chains' share falls where the supermarket closes: concentration by exit)",
    )

    # SF16
    def qol_early(r: Run) -> float:
        m = r.metrics.set_index("year")["qol_mean"]
        return float(m.loc[1:5].mean())

    s16 = {}
    for town in GP_TOWNS:
        base_runs, plus = runs[town], runs[f"{town}_plus_gp"]
        delta = np.array(
            [qol_early(b) - qol_early(a) for a, b in zip(base_runs, plus, strict=True)]
        )
        gps = base_runs[0].extra["counts"][0].get("gp", 0)
        s16[town] = (gps, float(delta.mean()), float(np.mean(delta > 0)))
    order = [s16[t][1] for t in sorted(GP_TOWNS, key=lambda t: s16[t][0])]
    inverse = all(a > b for a, b in pairwise(order))
    short = {"very_peripheral": "VP", "peripheral": "P", "central": "C"}
    add(
        "SF16 small is beautiful",
        f"VP, P, C with one GP practice added to the centre at year 0 vs without, paired, "
        f"{n} seeds; ΔQoL = mean QoL of years 1–5",
        "ΔQoL in VP > in C, and ΔQoL falls with the number of GP practices the town already has",
        verdict(s16["very_peripheral"][1] > s16["central"][1], inverse),
        "; ".join(
            f"{short[t]} ({g} GP practice{'' if g == 1 else 's'}) ΔQoL {d:+.4f} (up in {u:.0%})"
            for t, (g, d, u) in s16.items()
        ),
    )

    # SF4
    size_runs = [*runs[f"peripheral_x{SIZE_SCALES[0]}"], *P, *runs[f"peripheral_x{SIZE_SCALES[1]}"]]
    size0 = [at(r, "population", 0) for r in size_runs]
    decline = [-change(r, "population", years, True) for r in size_runs]
    rho4, p4 = stats.spearmanr(size0, decline)
    by_scale = {
        s: np.mean([-change(r, "population", years, True) for r in rs])
        for s, rs in (
            (SIZE_SCALES[0], runs[f"peripheral_x{SIZE_SCALES[0]}"]),
            (1.0, P),
            (SIZE_SCALES[1], runs[f"peripheral_x{SIZE_SCALES[1]}"]),
        )
    }
    add(
        "SF4 size gradient",
        f"P scaled to {SIZE_SCALES[0]}, 1 and {SIZE_SCALES[1]} times (residents, dwellings, "
        f"jobs, hinterland, provider counts; at least one of each provider entry), {base}",
        "Spearman ρ(initial population, decline %) < 0 over all runs (p < 0.1 for holds)",
        "holds" if rho4 < 0 and p4 < 0.1 else "partly" if rho4 < 0 else "fails",
        f"ρ {rho4:+.2f} (p = {p4:.2f}); share of residents lost "
        + ", ".join(
            f"×{s} ({np.mean([at(r, 'population', 0) for r in rs]):.0f}) {d:.1f} %"
            for (s, d), rs in zip(
                by_scale.items(),
                (runs[f"peripheral_x{SIZE_SCALES[0]}"], P, runs[f"peripheral_x{SIZE_SCALES[1]}"]),
                strict=True,
            )
        ),
    )

    # SF19
    def threshold(rs: list[Run]) -> dict[str, float]:
        """Bus lines closed (for too few riders, or cut): riders / minimum the year before, the
        drop in departures that year, riders' yearly change before; the car/no-car QoL gap
        over the run and its jump in a closure year."""
        ratio, drop, riders_change, jumps, access_jumps = [], [], [], [], []
        closed_runs = cut_runs = 0
        for r in rs:
            deps, lines = r.extra["bus_departures"], r.extra["bus_lines"]
            gap = np.array(r.extra["qol_car"]) - np.array(r.extra["qol_no_car"])
            access_gap = np.array(r.extra["access_gap"])
            closed = [
                e for e in r.extra.get("events", []) if e[1] == "closure" and e[2] == "bus_line"
            ]
            closed_runs += any(e[5] == "too few riders" for e in closed)
            cut_runs += any(e[5] != "too few riders" for e in closed)
            for year, _k, _t, _f, _m, why in closed:
                if year < 2:
                    continue
                jumps.append(gap[year] - gap[year - 1])
                access_jumps.append(access_gap[year] - access_gap[year - 1])
                if why != "too few riders":
                    continue
                before = lines[year - 1]
                for key in [k for k in before if k not in lines[year]]:  # the line gone
                    users, minimum = before[key]
                    ratio.append(users / minimum)
                    if key in lines[year - 2] and lines[year - 2][key][0] > 0:
                        riders_change.append(abs(users / lines[year - 2][key][0] - 1.0))
                if deps[year - 1] > 0:
                    drop.append(1.0 - deps[year] / deps[year - 1])
        gaps = np.array(
            [
                (r.extra["qol_car"][years] - r.extra["qol_no_car"][years])
                - (r.extra["qol_car"][0] - r.extra["qol_no_car"][0])
                for r in rs
            ]
        )
        access = np.array([r.extra["access_gap"][years] - r.extra["access_gap"][0] for r in rs])

        def mean(x: list[float]) -> float:
            return float(np.nanmean(x)) if x else np.nan

        return {
            "closed_runs": closed_runs / len(rs),
            "cut_runs": cut_runs / len(rs),
            "ratio": mean(ratio),
            "drop": mean(drop),
            "riders": mean(riders_change),
            "jump": mean(jumps),
            "access_jump": mean(access_jumps),
            "gap": float(gaps.mean()),
            "gap_up": float(np.mean(gaps > 0)),
            "access0": float(np.mean([r.extra["access_gap"][0] for r in rs])),
            "access": float(np.mean([r.extra["access_gap"][years] for r in rs])),
            "access_up": float(np.mean(access > 0)),
        }

    s19 = {
        k: threshold(rs)
        for k, rs in (("VP", V), ("P", P), (f"VP at {BUS_THRESHOLD:.0f} riders", runs[BUS_RUN]))
    }
    v19, t19 = s19["VP"], s19[f"VP at {BUS_THRESHOLD:.0f} riders"]
    jump = t19["drop"] > 0.25 and t19["drop"] > 3 * t19["riders"] and t19["ratio"] < 1
    add(
        "SF19 public-transport threshold",
        f"VP and P, {base}; VP with the bus line's threshold (services.bus_line.min_users) "
        f"raised from 150 to {BUS_THRESHOLD:.0f} riders (about 0.9 × its riders at year 0) so "
        "that the decline crosses it",
        "at a closure for too few riders, riders are below the threshold and bus departures "
        "drop by > 25 % in one year, > 3 × riders' yearly change before (a discontinuity); the "
        "accessibility gap (QoL component local_services, adults with minus without a car) "
        "widens in VP (year 0 → end, mean); at the default threshold a line closes for too few "
        "riders in some VP or P run",
        verdict(
            jump,
            v19["access"] > v19["access0"],
            max(v19["closed_runs"], s19["P"]["closed_runs"]) > 0,
        ),
        "; ".join(
            f"{k}: line closed for too few riders in {s['closed_runs']:.0%} of runs, cut by the "
            f"consolidation plan in {s['cut_runs']:.0%}; "
            + (
                f"riders/threshold {s['ratio']:.2f}, bus departures −{s['drop']:.0%} in the "
                f"year vs riders ±{s['riders']:.0%}/yr before; "
                if s["closed_runs"] > 0
                else ""
            )
            + f"car/no-car access gap {s['access0']:.3f} → {s['access']:.3f} (wider in "
            f"{s['access_up']:.0%}), {_closure_jump(s['access_jump'])}; QoL gap {s['gap']:+.4f} over the run (wider in "
            f"{s['gap_up']:.0%}), {_closure_jump(s['jump'])}"
            for k, s in s19.items()
        )
        + " (VP's line takes its villages to Mitte in 33–35 min without a car, bus minutes plus "
        "the 15-min wait, beyond the 30-min no-car catchment (qol.access_zones_no_car), so its "
        "closure leaves local-services access unchanged)",
    )

    # SF18
    def squeeze(rs: list[Run]) -> dict[str, float]:
        share = np.array([r.extra["investment_share"] for r in rs], dtype=float)
        backlog = np.array([r.extra["backlog_eur"] for r in rs], dtype=float)
        slopes = [np.polyfit(np.arange(1, years + 1), s[1:], 1)[0] for s in share]
        return {
            "share1": float(share[:, 1].mean()),
            "share": float(share[:, years].mean()),
            "slope": float(np.mean(slopes)),
            "falls": float(np.mean([s < 0 for s in slopes])),
            "backlog0": float(backlog[:, 0].mean()) / 1e6,
            "backlog": float(backlog[:, years].mean()) / 1e6,
            "rises": float(np.mean(backlog[:, years] > backlog[:, 0])),
        }

    s18 = {"P": squeeze(P), "P social": squeeze(runs["peripheral_social"])}
    q = s18["P social"]
    add(
        "SF18 fiscal squeeze",
        f"P with mandatory (social) spending per resident growing {SOCIAL_GROWTH:.1%} a year "
        "(municipality.mandatory_growth_per_year; seed-notes Q28) vs without, "
        f"{base}; investment share = infrastructure paid plus backlog caught up / spending",
        "with the path: investment share falls (slope over years 1–end < 0, mean) and the "
        "maintenance backlog rises (end > year 0, mean), both more than without",
        verdict(
            q["slope"] < 0 and q["slope"] < s18["P"]["slope"],
            q["backlog"] > q["backlog0"] and q["backlog"] > s18["P"]["backlog"],
        ),
        "; ".join(
            f"{k}: investment share {s['share1']:.3f} → {s['share']:.3f} (slope "
            f"{s['slope']:+.4f}/yr, falls in {s['falls']:.0%}), backlog {s['backlog0']:.1f} → "
            f"{s['backlog']:.1f} M EUR (rises in {s['rises']:.0%})"
            for k, s in s18.items()
        ),
    )
