"""Stylised facts (seed-notes §7): which the model reproduces, with the numbers.

Runs a shared set of simulations once (the three archetypes without policy, the peripheral town
with shocks and policies, the region with and without cross-town learning; a fact module adds
its own variants and may run them longer, ``HORIZON``), then checks every
stylised fact the model can address against its stated criterion, and writes the section
"## Stylised facts" of ``docs/validation.md`` (other sections of that file are kept). Facts the
model cannot address are listed with the reason.

Each fact: towns, seeds, horizon and criterion are stated in its row; "holds" if the criterion
is met, "partly" if only part of it is (or only in direction, not significance), "fails" if
not, "inconclusive" if the runs cannot decide it.

Usage::

    python experiments/validate.py                  # 20 seeds, 20 years, 2 processes
    python experiments/validate.py --seeds 4 --no-write
    python experiments/validate.py --check          # exit 1 if an expected "holds" fact does not

Expected holds (the regression list of the slow test): ``experiments/validation_expected.txt``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = Path(__file__).resolve().parent / "validation_expected.txt"
sys.path.insert(0, str(Path(__file__).resolve().parent))
YEARS = 20
TOWNS = ("central", "peripheral", "very_peripheral")
P_VARIANTS: dict[str, list[str]] = {
    "gp_retires": ["shock=gp_retires"],
    "grocer_closes": ["shock=grocer_closes"],
    "all_local": ["policy=all_local_recommendations"],
    "infill": ["policy=infill_first"],
    "r4": ["policy=r4_municipal_resources"],
    "broadband": ["policy=broadband"],
}
REGION_VARIANTS: dict[str, list[str]] = {
    "region": ["town=region"],
    "region_r6": ["town=region", "policy=r6_cross_town_learning"],
}


@dataclass
class Run:
    """What the facts need from one run."""

    name: str
    seed: int
    metrics: pd.DataFrame
    initiatives: (
        pd.DataFrame
    )  # one row per initiative: type, municipality, started, launched, phase
    engagement0: float  # mean engagement of adults at year 0
    movers_engagement: float  # mean engagement of out-migrants over the run
    stayers_engagement: float  # mean engagement of residents at the end
    extra: dict = field(default_factory=dict)  # what the fact modules observe (see observe())


def one_run(name: str, overrides: list[str], seed: int, years: int) -> Run:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from reference_runs import compose

    from sim.model import TownModel

    cfg = compose([*overrides, f"seed={seed}", f"years={years}", "output.plots=false"])
    cfg.output.progress = False
    model = TownModel(cfg)
    p = model.population.people
    rows = model.population.alive_rows
    engagement0 = float(p.engagement[rows[p.age[rows] >= 18]].mean())
    out_engagement = out_n = 0.0
    extra: dict = {}
    modules = fact_modules()
    for m in modules:
        m.observe(name, model, 0, extra)
    for year in range(1, years + 1):
        model.step()
        out_engagement += model.flows.out_engagement
        out_n += model.flows.out_migrants
        for m in modules:
            m.observe(name, model, year, extra)
    rows = model.population.alive_rows
    names = model.town.municipality_names
    initiatives = pd.DataFrame(
        [
            {
                "type": i.kind.value,
                "municipality": names[i.municipality],
                "started": i.started_year,
                "launched": i.launched_year,
                "phase": i.phase.value,
                "size": i.size,
            }
            for i in model.civic.initiatives
        ],
        columns=["type", "municipality", "started", "launched", "phase", "size"],
    )
    return Run(
        name,
        seed,
        model.recorder.metrics(),
        initiatives,
        engagement0,
        out_engagement / out_n if out_n else float("nan"),
        float(p.engagement[rows].mean()),
        extra,
    )


def run_all(seeds: int, years: int, jobs: int, module: str | None = None) -> dict[str, list[Run]]:
    """All runs the facts need; with ``module`` only the three archetypes and its variants."""
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    specs = [(t, [f"town={t}"]) for t in TOWNS]
    if module is None:
        specs += [(v, ["town=peripheral", *o]) for v, o in P_VARIANTS.items()]
        specs += list(REGION_VARIANTS.items())
    horizon: dict[str, int] = {}
    for m in fact_modules(module):
        h = max(years, getattr(m, "HORIZON", years))
        for v, o in m.VARIANTS.items():
            known = dict(specs)
            if v not in known:
                specs.append((v, o))
                horizon[v] = h
            elif sorted(known[v]) != sorted(o) or horizon.get(v, years) != h:
                # Runs are shared by name: one name must mean one set of runs.
                raise ValueError(
                    f"validation variant {v!r} of {m.__name__} differs from the runs of that "
                    f"name ({known[v]}, {horizon.get(v, years)} years) from {o}, {h} years: "
                    "give it its own name"
                )
    todo = [(name, o, s) for name, o in specs for s in range(seeds)]
    results = Parallel(n_jobs=jobs, return_as="generator")(
        delayed(one_run)(name, o, s, horizon.get(name, years)) for name, o, s in todo
    )
    runs: dict[str, list[Run]] = {name: [] for name, _ in specs}
    for run in tqdm(results, total=len(todo), desc="validation runs", unit="run"):
        runs[run.name].append(run)
    return runs


# -- helpers ------------------------------------------------------------------------------------


def at(run: Run, column: str, year: int) -> float:
    return float(run.metrics.set_index("year").at[year, column])


def change(run: Run, column: str, years: int, relative: bool = False) -> float:
    a, b = at(run, column, 0), at(run, column, years)
    return (b / a - 1.0) * 100 if relative else b - a


def paired(a: list[Run], b: list[Run]) -> list[tuple[Run, Run]]:
    """The runs of ``a`` and ``b`` with the same seed, as pairs (a's order)."""
    by_seed = {r.seed: r for r in b}
    return [(r, by_seed[r.seed]) for r in a if r.seed in by_seed]


def slope(run: Run, column: str) -> float:
    m = run.metrics
    return float(np.polyfit(m["year"], m[column], 1)[0])


def fmt(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}"


def verdict(*parts: bool) -> str:
    return "holds" if all(parts) else "partly" if any(parts) else "fails"


# -- the facts ------------------------------------------------------------------------------


def fact_modules(only: str | None = None) -> list:
    """The modules of ``experiments/validation_facts/`` (sorted by name).

    Each defines ``VARIANTS`` (run name -> overrides, with the town; optionally ``HORIZON``,
    the years of its variants' runs when it needs more than ``--years``), ``observe(name, model,
    year, extra)`` (called at year 0 and after every step; stores what its facts need in the
    run's ``extra`` dict), ``facts(runs, years, add)`` (calls ``add(fact, setup, criterion,
    status, numbers)``) and ``NOT_TESTED`` (fact -> why the model cannot address it).
    """
    import importlib
    import pkgutil

    import validation_facts

    names = sorted(m.name for m in pkgutil.iter_modules(validation_facts.__path__))
    if only is not None:
        if only not in names:
            raise SystemExit(f"--module {only!r}: no such module; choose from {names}")
        names = [only]
    return [importlib.import_module(f"validation_facts.{n}") for n in names]


ROW_KEYS = ("fact", "setup", "criterion", "status", "numbers")


def facts(runs: dict[str, list[Run]], years: int) -> list[dict]:
    n = len(runs["peripheral"])
    P, C, V = runs["peripheral"], runs["central"], runs["very_peripheral"]
    out: list[dict] = []

    def add(fid: str, setup: str, criterion: str, status: str, numbers: str) -> None:
        out.append(
            {
                "fact": fid,
                "setup": setup,
                "criterion": criterion,
                "status": status,
                "numbers": numbers,
            }
        )

    base = f"no policy, {n} seeds, {years} years"
    # SF1
    pc = [change(r, "population", years, True) for r in P]
    med = [change(r, "median_age", years) for r in P]
    share = np.mean([s < 0 for s in pc])
    add(
        "SF1 peripheral decline",
        f"P, {base}",
        "population falls in >= 80 % of runs; median age rises",
        verdict(share >= 0.8, np.mean(med) > 0),
        f"population {np.mean(pc):+.1f} % (falls in {share:.0%}), median age {np.mean(med):+.1f} years",
    )
    # SF2
    cc = [change(r, "population", years, True) for r in C]
    add(
        "SF2 central growth",
        f"C vs P, {base}",
        "mean change in C >= 0 and above P's; dwellings rise in C",
        verdict(
            np.mean(cc) >= 0 and np.mean(cc) > np.mean(pc),
            np.mean([change(r, "dwellings", years) for r in C]) > 0,
        ),
        f"C {np.mean(cc):+.1f} %, P {np.mean(pc):+.1f} %, C dwellings "
        f"{np.mean([change(r, 'dwellings', years) for r in C]):+.0f}",
    )
    # SF3
    vc = [change(r, "population", years, True) for r in V]
    order = np.mean(cc) > np.mean(pc) > np.mean(vc)
    add(
        "SF3 distance gradient",
        f"C, P, VP (ordered by travel time to the centres), {base}",
        "decline rises with distance (C < P < VP)",
        "holds" if order else "fails",
        f"C {np.mean(cc):+.1f} %, P {np.mean(pc):+.1f} %, VP {np.mean(vc):+.1f} % "
        "(archetypes differ in size and equipment too)",
    )
    # SF5
    widths = {"18_24": 7, "25_29": 5, "30_49": 20, "50_64": 15, "65_plus": 35}
    per_year_of_age = {
        b: np.mean([r.metrics[f"net_migration_{b}"].sum() / w for r in P])
        for b, w in widths.items()
    }
    most = min(per_year_of_age, key=per_year_of_age.get)
    movers = np.nanmean([r.movers_engagement for r in P])
    stayers = np.mean([r.stayers_engagement for r in P])
    add(
        "SF5 selective out-migration",
        f"P, {base}",
        "net migration per year of age most negative at 18–24; movers' engagement >= stayers'",
        verdict(most == "18_24", movers >= stayers),
        "net per year of age: "
        + ", ".join(f"{b} {v:+.1f}" for b, v in per_year_of_age.items())
        + f"; engagement movers {movers:.3f}, stayers {stayers:.3f} (education is not modelled)",
    )
    # SF8
    young_out = np.mean(
        [
            (r.metrics["out_migrants_18_24"].sum() + r.metrics["out_migrants_25_29"].sum())
            / max(r.metrics["out_migrants"].sum(), 1)
            for r in P
        ]
    )
    add(
        "SF8 attachment, moves at life-stage transitions",
        f"P, {base}",
        "out-moves cluster at 18–29 (share of leavers > 1/3 while ~12 % of residents)",
        "holds" if young_out > 1 / 3 else "fails",
        f"18–29 share of leavers {young_out:.0%}",
    )
    # SF9
    vac = [change(r, "vacancy_rate", years) for r in P]
    infra = [change(r, "infrastructure_cost_per_resident_eur", years) for r in P]
    bal = [slope(r, "municipal_balance_eur") for r in P]
    add(
        "SF9 hollowing-out loop",
        f"P, {base}",
        "vacancy rises; infrastructure cost per resident rises; municipal balance falls",
        verdict(np.mean(vac) > 0, np.mean(infra) > 0, np.mean(bal) < 0),
        f"vacancy {np.mean(vac) * 100:+.1f} pp, infrastructure/resident {np.mean(infra):+.0f} EUR, "
        f"balance slope {np.mean(bal):+.0f} EUR/yr (dispersion of vacancies not tested)",
    )
    # SF10
    best = {}
    for v in ("all_local", "infill"):
        best[v] = np.mean([change(r, "vacancy_rate", years) <= 0 for r in runs[v]])
    add(
        "SF10 loop is breakable",
        f"P with all local recommendations or infill-first, {n} seeds, {years} years",
        "some configuration keeps vacancy(t) <= vacancy(0) in most runs",
        "holds" if max(best.values()) >= 0.5 else "partly" if max(best.values()) > 0 else "fails",
        ", ".join(f"{k}: vacancy not up in {v:.0%}" for k, v in best.items()),
    )
    # SF11
    dpc = [change(r, "dwellings", years) / 1 for r in P]
    per_cap = [
        at(r, "dwellings", years) / at(r, "population", years)
        - at(r, "dwellings", 0) / at(r, "population", 0)
        for r in P
    ]
    add(
        "SF11 land take without growth",
        f"P, {base}",
        "dwellings per resident rise in P",
        "holds" if np.mean(per_cap) > 0 else "fails",
        f"dwellings per resident {np.mean(per_cap):+.3f}, dwellings {np.mean(dpc):+.0f}, built "
        f"{np.mean([r.metrics['dwellings_built'].sum() for r in P]):.0f}",
    )
    # SF13
    pcp = [change(r, "price_index_mean", years) for r in C]
    ppp = [change(r, "price_index_mean", years) for r in V]
    add(
        "SF13 split housing market",
        f"C vs VP, {base}",
        "price index rises in C and more than in VP",
        verdict(np.mean(pcp) > 0, np.mean(pcp) > np.mean(ppp)),
        f"C {np.mean(pcp):+.3f}, VP {np.mean(ppp):+.3f}",
    )
    # SF14
    qb = np.array([at(r, "qol_mean", 6) for r in P])
    qs = np.array([at(r, "qol_mean", 6) for r in runs["gp_retires"]])
    drop = qs - qb
    add(
        "SF14 single-provider shock",
        f"P with the GP practice retiring in year 5 vs without, paired, {n} seeds",
        "QoL in year 6 lower with the shock in >= 80 % of pairs",
        "holds" if np.mean(drop < 0) >= 0.8 else "fails",
        f"ΔQoL {drop.mean():+.5f} (lower in {np.mean(drop < 0):.0%}); n=1 vs n>=2 not compared",
    )

    # SF20
    shop = [
        change(r, "services_open_bakery", years) + change(r, "services_open_grocery", years)
        for r in P
    ]
    shop_c = [
        change(r, "services_open_bakery", years) + change(r, "services_open_grocery", years)
        for r in C
    ]
    add(
        "SF20 shop death under e-commerce",
        f"P vs C, {base} (rising online share)",
        "shop count (groceries and bakeries) falls; more in P than C",
        verdict(np.mean(shop) < 0, np.mean(shop) < np.mean(shop_c)),
        f"P {np.mean(shop):+.2f}, C {np.mean(shop_c):+.2f}",
    )
    # SF25
    ini = pd.concat([r.initiatives for r in P])
    ended = ini[ini["phase"].isin(["failed", "declined", "launched", "institution"])]
    failed_share = (ended["phase"] == "failed").mean()
    add(
        "SF25 few initiators, most fail",
        f"P, {base}",
        "most initiatives fail before critical mass (> 50 % of those started)",
        "holds" if failed_share > 0.5 else "fails",
        f"failed {failed_share:.0%} of {len(ini)} started",
    )

    # SF27
    def civic_per(rs):
        vals = [
            at(r, "civic_life_mean", years) / max(at(r, "initiatives_running", years), 1)
            for r in rs
        ]
        return np.mean(vals)

    add(
        "SF27 engagement matters more in small towns",
        f"VP (smaller) vs C, {base}",
        "civic life per running initiative larger in the smaller town",
        "holds" if civic_per(V) > civic_per(C) else "fails",
        f"VP {civic_per(V):.4f}, C {civic_per(C):.4f} per initiative",
    )
    # SF30
    ib = np.mean([at(r, "initiatives_running", years) for r in P])
    ir = np.mean([at(r, "initiatives_running", years) for r in runs["r4"]])
    add(
        "SF30 capacity bottleneck",
        f"P with R4 (staff and coordination office) vs without, {base}",
        "more staff raises the number of running initiatives",
        "holds" if ir > ib else "fails",
        f"running initiatives {ib:.1f} → {ir:.1f}",
    )

    # SF33
    def adoption(rs):
        times = []
        for r in rs:
            first = (
                r.initiatives[r.initiatives["launched"].notna()]
                .groupby(["type"])["municipality"]
                .nunique()
            )
            times.append(first.mean() if len(first) else 0)
        return np.mean(times)

    a0, a1 = adoption(runs["region"]), adoption(runs["region_r6"])
    add(
        "SF33 inter-town diffusion",
        f"region of three towns with R6 vs without, {base}",
        "types launched in more towns with the exchange",
        "holds" if a1 > a0 else "fails",
        f"towns per launched type {a0:.2f} → {a1:.2f}",
    )
    # SF35
    energy = np.mean(
        [
            (r.initiatives["type"].eq("energy_coop") & r.initiatives["launched"].notna()).any()
            for r in P
        ]
    )
    add(
        "SF35 renewables → local revenue",
        f"P, {base}",
        "energy cooperatives launch in some runs and bring municipal revenue (by construction once launched)",
        "holds" if energy > 0 else "fails",
        f"energy cooperative launched in {energy:.0%} of runs",
    )
    # SF37
    cs_c = np.mean([at(r, "commuter_share", 0) for r in C])
    cs_p = np.mean([at(r, "commuter_share", 0) for r in P])
    add(
        "SF37 function by location",
        f"C vs P, year 0, {n} seeds",
        "out-commuter share C > P",
        "holds" if cs_c > cs_p else "fails",
        f"C {cs_c:.2f}, P {cs_p:.2f} (in-commuters not modelled)",
    )
    for m in fact_modules():
        m.facts(runs, years, add)
    return sorted(out, key=lambda r: int(r["fact"].split()[0][2:]))


HALVES_MIN_SEEDS = 10
"""With at least this many seeds every fact is also judged on each half of them (seeds below
and from n/2): a verdict that differs between the halves, or from all seeds, depends on the
seeds that were run (which ones, or how many)."""


def by_seed(runs: dict[str, list[Run]], keep) -> dict[str, list[Run]]:
    """The runs whose seed satisfies ``keep``, variant by variant."""
    return {name: [r for r in rs if keep(r.seed)] for name, rs in runs.items()}


def add_halves(rows: list[dict], runs: dict[str, list[Run]], seeds: int, judge) -> list[str]:
    """Judge every fact again on each half of the seeds (``judge(runs) -> rows``), store both
    verdicts in the rows (key ``halves``) and return the facts whose verdicts differ."""
    half = seeds // 2
    first = {r["fact"]: r["status"] for r in judge(by_seed(runs, lambda s: s < half))}
    second = {r["fact"]: r["status"] for r in judge(by_seed(runs, lambda s: s >= half))}
    unstable = []
    for row in rows:
        a, b = first.get(row["fact"], "-"), second.get(row["fact"], "-")
        row["halves"] = f"{a} / {b}"
        if not (a == b == row["status"]):
            unstable.append(row["fact"].split()[0])
    return unstable


def not_tested(rows: list[dict]) -> dict[str, str]:
    """Facts with no row, and why: NOT_TESTED here and in the fact modules."""
    reasons = dict(NOT_TESTED)
    for m in fact_modules():
        reasons.update(m.NOT_TESTED)
    tested = {r["fact"].split()[0] for r in rows}
    return {k: v for k, v in reasons.items() if k.split()[0] not in tested}


NOT_TESTED = {
    "SF12 land race harms all": "the region's towns do not exchange residents (newcomers come from outside, leavers go outside), so one town's cheap land cannot draw households from another; greenfield is one rule for all towns, with no per-town choice to defect with",
    "SF34 co-benefit condition": "initiatives have no expected payoff that drives adoption",
    "SF36 low individual renovation": "no energy renovation",
    "SF38 national context": "no national layer of district types",
}


def write_section(
    rows: list[dict], seeds: int, years: int, path: Path, unstable: list[str] | None = None
) -> None:
    untested = not_tested(rows)
    counts = pd.Series([r["status"] for r in rows]).value_counts()
    halves = all("halves" in r for r in rows)
    half = seeds // 2
    lines = [
        "## Stylised facts",
        "",
        f"Written by `python experiments/validate.py` ({seeds} seeds, {years} years; the facts "
        "share their runs, and a fact that needs longer runs says so in its setup). Facts and criteria from seed-notes §7; C, P, VP = the central, "
        "peripheral and very peripheral archetypes. "
        + ", ".join(f"{k}: {v}" for k, v in counts.items())
        + f"; not tested: {len(untested)}."
        + (
            f" Each fact is also judged on each half of the seeds (seeds 0–{half - 1} / "
            f"{half}–{seeds - 1}, column 'halves'): "
            + (
                "the verdict differs between the halves or from all seeds for "
                + ", ".join(unstable or [])
                + "; those verdicts depend on the seeds that were run (which ones, or how "
                "many: a half has less power for the criteria with a test)."
                if unstable
                else "every verdict is the same on both halves."
            )
            if halves
            else ""
        ),
        "",
        "| fact | setup | criterion | result | " + ("halves | " if halves else "") + "numbers |",
        "|---|---|---|---|" + ("---|" if halves else "") + "---|",
    ]
    lines += [
        f"| {r['fact']} | {r['setup']} | {r['criterion']} | **{r['status']}** | "
        + (f"{r['halves']} | " if halves else "")
        + f"{r['numbers']} |"
        for r in rows
    ]
    lines += ["", "Not tested by this script, and why:", ""]
    lines += [
        f"- **{k}**: {v}"
        for k, v in sorted(untested.items(), key=lambda kv: int(kv[0].split()[0][2:]))
    ]
    section = "\n".join(lines) + "\n"
    text = path.read_text() if path.exists() else ""
    if "## Stylised facts" in text:
        start = text.index("## Stylised facts")
        rest = text[start + 1 :]
        nxt = rest.find("\n## ")
        end = start + 1 + nxt + 1 if nxt >= 0 else len(text)
        text = text[:start] + section + ("\n" + text[end:] if nxt >= 0 else "")
    else:
        text = (text.rstrip() + "\n\n" if text.strip() else "") + section
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--seeds", type=int, default=20, help="seeds per town and variant")
    parser.add_argument("--years", type=int, default=YEARS, help="years per run")
    parser.add_argument("--jobs", type=int, default=2, help="parallel processes")
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "docs" / "validation.md",
        help="the file whose section '## Stylised facts' is rewritten (other sections are kept)",
    )
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--check", action="store_true", help="exit 1 if an expected fact fails")
    parser.add_argument(
        "--module",
        help="only the facts of experiments/validation_facts/MODULE.py (with the three "
        "archetypes' runs); implies --no-write",
    )
    args = parser.parse_args(argv)
    runs = run_all(args.seeds, args.years, args.jobs, args.module)
    if args.module:
        args.no_write = True
        out: list[dict] = []
        for m in fact_modules(args.module):
            m.facts(runs, args.years, lambda *a: out.append(dict(zip(ROW_KEYS, a, strict=True))))
        rows = out
    else:
        rows = facts(runs, args.years)
    unstable: list[str] = []
    if args.seeds >= HALVES_MIN_SEEDS and not args.module:
        unstable = add_halves(rows, runs, args.seeds, lambda rs: facts(rs, args.years))
    columns = [
        "fact",
        "status",
        *(["halves"] if "halves" in rows[0] else []),
        "numbers",
    ]
    with pd.option_context("display.width", 250, "display.max_colwidth", 110):
        print(pd.DataFrame(rows)[columns].to_string(index=False))
    if unstable:
        print("verdict differs between the halves of the seeds: " + ", ".join(unstable))
    if not args.no_write:
        write_section(rows, args.seeds, args.years, args.out, unstable)
    if args.check:
        expected = [
            x.strip() for x in EXPECTED.read_text().splitlines() if x.strip() and x[0] != "#"
        ]
        status = {r["fact"].split()[0]: r["status"] for r in rows}
        lost = [f for f in expected if status.get(f) != "holds"]
        if lost:
            print(
                "expected to hold but do not: " + ", ".join(f"{f} ({status.get(f)})" for f in lost)
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
