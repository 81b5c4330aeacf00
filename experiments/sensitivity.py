"""Which assumptions matter: SALib Morris screening, then Sobol indices for the most influential.

The factors are the explorable ``uncertainty`` parameters of ``sim/ema.py`` (default ± 25 %,
within each parameter's allowed range, or a range of its own). Three stages, each on ``--jobs`` cores with a
progress bar:

1. **Morris over all of them, in groups** (one group per config section: ``migration``,
   ``migration.newcomers``, ``services.gp``, ``civic.coop_shop``, ``policy.<lever>``, ...):
   with ~300 parameters, Morris per parameter needs r x 312 runs; grouped, r x (groups + 1).
2. **Morris per parameter** inside the ``--top-groups`` most influential groups of each
   outcome. A folder holding a finished stage 1 (``samples_groups.parquet``) reuses it.
3. **Sobol** (Saltelli sampling, first-order and total indices) for the ``--top`` most
   influential parameters of stage 2 (the largest mu* relative to the outcome's largest).

Every sample runs twice on the same seed (common random numbers): with the baseline and with
``--policy``. The outcomes:

- ``population``: residents in the last year (``--years``, default 30);
- ``services_kept``: resident-serving providers open in the last year, % of year 0;
- ``policy_advantage``: residents with ``--policy`` minus residents with the baseline in the
  last year: what decides whether the policy ranks above the baseline.

Usage::

    python experiments/sensitivity.py                         # very_peripheral, 30 years
    python experiments/sensitivity.py --policy broadband --jobs 8 --sobol-n 128
    python experiments/sensitivity.py --params migration.qol_gap_sensitivity,civic.start_rate,services.entry_margin --no-sobol
    python experiments/sensitivity.py --from results/sensitivity/2026-11-29_11-00-00  # re-analyse

``--params`` skips stage 1 (Morris on the given parameters). Outputs in the results folder:
``morris_groups.csv``, ``morris.csv`` (mu*, its confidence, mu, sigma, and each factor's rank and the
ranks its interval allows, ``rank_best``–``rank_worst``), ``sobol.csv`` (indices per outcome), ``samples_*.parquet``
(inputs and outcomes of every stage), ``morris.png``, ``sobol.png`` and ``sensitivity.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

OUTCOMES = ("population", "services_kept", "policy_advantage")
STAGES = ("groups", "params", "sobol")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--town", default="very_peripheral", help="a built-in town")
    p.add_argument("--years", type=int, default=30, help="simulated years (default 30)")
    p.add_argument("--policy", default="all_local_recommendations", help="compared with baseline")
    p.add_argument("--seed", type=int, default=0, help="the runs' seed (common to all samples)")
    p.add_argument("--group-r", type=int, default=8, help="Morris trajectories over the groups")
    p.add_argument("--r", type=int, default=4, help="Morris trajectories over the parameters")
    p.add_argument("--top-groups", type=int, default=2, help="groups per outcome opened in stage 2")
    p.add_argument("--top", type=int, default=4, help="parameters for Sobol")
    p.add_argument("--sobol-n", type=int, default=32, help="Saltelli base sample (power of 2)")
    p.add_argument("--no-sobol", action="store_true", help="stop after Morris")
    p.add_argument("--params", help="comma-separated parameters: skip stage 1, Morris on these")
    p.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    p.add_argument("--out", type=Path, help="results folder")
    p.add_argument("--from", dest="from_", type=Path, help="re-analyse a finished folder")
    args = p.parse_args(argv)
    if args.sobol_n < 2 or args.sobol_n & (args.sobol_n - 1):
        p.error(f"--sobol-n {args.sobol_n}: a power of 2 (Sobol' sequences need it)")
    for name in ("group_r", "r", "top_groups", "top", "jobs"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} {getattr(args, name)}: at least 1")
    if not 1 <= args.years <= 100:
        p.error(f"--years {args.years}: allowed 1..100")
    from sim.ema import single_town_policies, uncertainty_by_path

    if args.policy not in single_town_policies()[1:]:
        p.error(f"--policy {args.policy}: one of {', '.join(single_town_policies()[1:])}")
    if args.params:
        try:
            args.params = [u.path for u in uncertainty_by_path(args.params.split(","))]
        except ValueError as err:
            p.error(str(err))
    return args


def group_of(path: str) -> str:
    """The Morris group of a parameter: its config section (two levels where there are kinds)."""
    parts = path.split(".")
    if parts[0] in ("services", "civic", "policy") and len(parts) > 2:
        return ".".join(parts[:2])
    if parts[:2] == ["migration", "newcomers"]:
        return "migration.newcomers"
    return parts[0]


def problem(paths: list[str], groups: bool = False) -> dict:
    """A SALib problem over ``paths`` (grouped by config section if ``groups``)."""
    from sim.ema import uncertainty_by_path

    chosen = uncertainty_by_path(paths)
    spec = {
        "num_vars": len(chosen),
        "names": [u.path for u in chosen],
        "bounds": [[u.low, u.high] for u in chosen],
    }
    if groups:
        spec["groups"] = [group_of(u.path) for u in chosen]
    return spec


def _evaluate(values: dict[str, float], policy: str, town: str, years: int, seed: int) -> dict:
    from sim.ema import run_experiment

    out = run_experiment(policy_name=policy, town=town, years=years, seed=seed, **values)
    return {"population": out["population_end"], "services_kept": out["services_kept_pct"]}


def evaluate(spec: dict, x: np.ndarray, args: argparse.Namespace, label: str) -> pd.DataFrame:
    """Run every row of ``x`` with the baseline and the policy; the outcomes, one row a sample."""
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    tasks = [
        (i, policy, dict(zip(spec["names"], row, strict=True)))
        for i, row in enumerate(x)
        for policy in ("baseline", args.policy)
    ]
    results: dict[tuple[int, str], dict] = {}

    def one(i: int, policy: str, values: dict) -> tuple[int, str, dict]:
        return i, policy, _evaluate(values, policy, args.town, args.years, args.seed)

    jobs = Parallel(n_jobs=args.jobs, return_as="generator_unordered")(
        delayed(one)(*task) for task in tasks
    )
    for i, policy, out in tqdm(jobs, total=len(tasks), desc=label, unit="run", mininterval=5):
        results[(i, policy)] = out
    rows = []
    for i in range(len(x)):
        base, pol = results[(i, "baseline")], results[(i, args.policy)]
        rows.append(
            {
                "population": base["population"],
                "services_kept": base["services_kept"],
                "policy_advantage": pol["population"] - base["population"],
            }
        )
    return pd.DataFrame(rows)


def _save(folder: Path, stage: str, spec: dict, x: np.ndarray, y: pd.DataFrame) -> None:
    frame = pd.DataFrame(x, columns=spec["names"])
    frame = pd.concat([frame, y.add_prefix("y_")], axis=1)
    frame.to_parquet(folder / f"samples_{stage}.parquet", index=False)
    (folder / f"problem_{stage}.json").write_text(json.dumps(spec, indent=1) + "\n")


def _load(folder: Path, stage: str) -> tuple[dict, np.ndarray, pd.DataFrame] | None:
    path = folder / f"samples_{stage}.parquet"
    if not path.is_file():
        return None
    spec = json.loads((folder / f"problem_{stage}.json").read_text())
    frame = pd.read_parquet(path)
    x = frame[spec["names"]].to_numpy()
    y = frame[[f"y_{o}" for o in OUTCOMES]].rename(columns=lambda c: c[2:])
    return spec, x, y


def morris_indices(spec: dict, x: np.ndarray, y: pd.DataFrame, seed: int) -> pd.DataFrame:
    """mu*, its confidence, mu and sigma per factor (group or parameter) and outcome."""
    from SALib.analyze import morris

    frames = []
    for outcome in OUTCOMES:
        res = morris.analyze(spec, x, y[outcome].to_numpy(dtype=float), num_levels=4, seed=seed)
        frame = pd.DataFrame(
            {k: np.asarray(res[k], dtype=float) for k in ("mu_star", "mu_star_conf", "mu", "sigma")}
        )
        frame.insert(0, "factor", list(res["names"]))
        frame.insert(1, "outcome", outcome)
        frames.append(rank_range(frame))
    return pd.concat(frames, ignore_index=True)


def rank_range(frame: pd.DataFrame) -> pd.DataFrame:
    """Add each factor's rank by mu* (1 = largest) and the ranks its confidence interval
    allows: ``rank_best`` = 1 + the factors whose interval lies wholly above its own,
    ``rank_worst`` = the factors (itself included) whose interval reaches its own or above.
    A rank whose range is wide is not settled by this many trajectories (SALib's bootstrap
    interval of mu*, 95 %). A factor without an interval (NaN) may have any rank, and one
    without mu* is ranked last."""
    mu = frame["mu_star"].to_numpy(dtype=float)
    conf = frame["mu_star_conf"].to_numpy(dtype=float)
    unknown = np.isnan(mu) | np.isnan(conf)
    low = np.where(unknown, -np.inf, mu - conf)
    high = np.where(unknown, np.inf, mu + conf)
    out = frame.copy()
    ranks = pd.Series(mu).rank(ascending=False, method="min", na_option="bottom")
    out["rank"] = ranks.astype(int).to_numpy()
    out["rank_best"] = [1 + int(np.sum(low > h)) for h in high]
    out["rank_worst"] = [int(np.sum(high >= lo)) for lo in low]
    return out


def rank(indices: pd.DataFrame, column: str) -> list[str]:
    """Factors ordered by their largest normalised index over the outcomes."""
    norm = indices.copy()
    norm["score"] = norm.groupby("outcome")[column].transform(lambda s: s / max(s.max(), 1e-12))
    return list(norm.groupby("factor")["score"].max().sort_values(ascending=False).index)


def top_per_outcome(indices: pd.DataFrame, column: str, k: int) -> list[str]:
    """The union of the ``k`` factors with the largest index for each outcome."""
    chosen: list[str] = []
    for _, t in indices.groupby("outcome", sort=False):
        chosen += [f for f in t.nlargest(k, column)["factor"] if f not in chosen]
    return chosen


def sobol_indices(spec: dict, y: pd.DataFrame, seed: int) -> pd.DataFrame:
    """First-order and total Sobol indices (with confidence) per parameter and outcome."""
    from SALib.analyze import sobol

    frames = []
    for outcome in OUTCOMES:
        values = y[outcome].to_numpy(dtype=float)
        if np.std(values) == 0:
            continue  # no variance: nothing to apportion
        res = sobol.analyze(spec, values, calc_second_order=False, seed=seed)
        frame = pd.DataFrame(
            {k: np.asarray(res[k], dtype=float) for k in ("S1", "S1_conf", "ST", "ST_conf")}
        )
        frame.insert(0, "factor", spec["names"])
        frame.insert(1, "outcome", outcome)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def run(args: argparse.Namespace, folder: Path) -> dict:
    """The three stages (those not already in ``folder``); returns wall seconds per stage."""
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    from sim.ema import uncertainties

    folder.mkdir(parents=True, exist_ok=True)
    walls: dict[str, float] = {}
    if args.params:
        params = args.params
    else:
        prior = _load(folder, "groups")
        if prior is not None:  # stage 1 finished in this folder: reuse it
            spec, x, y = prior
            walls["groups"] = json.loads((folder / "run.json").read_text())["wall_seconds"][
                "groups"
            ]
        else:
            spec = problem([u.path for u in uncertainties()], groups=True)
            x = morris_sample.sample(spec, args.group_r, num_levels=4, seed=args.seed)
            started = time.perf_counter()
            y = evaluate(spec, x, args, "Morris over groups")
            walls["groups"] = time.perf_counter() - started
            _save(folder, "groups", spec, x, y)
            _write_meta(folder, args, walls)
        top = top_per_outcome(morris_indices(spec, x, y, args.seed), "mu_star", args.top_groups)
        params = [u.path for u in uncertainties() if group_of(u.path) in top]
    spec = problem(params)
    x = morris_sample.sample(spec, args.r, num_levels=4, seed=args.seed)
    started = time.perf_counter()
    y = evaluate(spec, x, args, "Morris over parameters")
    walls["params"] = time.perf_counter() - started
    _save(folder, "params", spec, x, y)
    if not args.no_sobol:
        top = rank(morris_indices(spec, x, y, args.seed), "mu_star")[: args.top]
        spec = problem(top)
        x = sobol_sample.sample(spec, args.sobol_n, calc_second_order=False, seed=args.seed)
        started = time.perf_counter()
        y = evaluate(spec, x, args, "Sobol")
        walls["sobol"] = time.perf_counter() - started
        _save(folder, "sobol", spec, x, y)
    _write_meta(folder, args, walls)
    return walls


def _write_meta(folder: Path, args: argparse.Namespace, walls: dict[str, float]) -> None:
    meta = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    meta["wall_seconds"] = {k: round(v, 1) for k, v in walls.items()}
    (folder / "run.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def analyse(folder: Path) -> str:
    """Indices, figures and sensitivity.md from the samples in ``folder``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    meta = json.loads((folder / "run.json").read_text())
    stages = {s: _load(folder, s) for s in STAGES}
    tables: dict[str, pd.DataFrame] = {}
    for stage in ("groups", "params"):
        if stages[stage] is not None:
            tables[stage] = morris_indices(*stages[stage], meta["seed"])
            name = "morris_groups" if stage == "groups" else "morris"
            tables[stage].to_csv(folder / f"{name}.csv", index=False)
    if stages["sobol"] is not None:
        spec, _, y = stages["sobol"]
        tables["sobol"] = sobol_indices(spec, y, meta["seed"])
        tables["sobol"].to_csv(folder / "sobol.csv", index=False)

    morris_stages = [s for s in ("groups", "params") if s in tables]
    fig, axes = plt.subplots(
        len(morris_stages), len(OUTCOMES), figsize=(15, 4.5 * len(morris_stages)), squeeze=False
    )
    for row, stage in enumerate(morris_stages):
        for col, outcome in enumerate(OUTCOMES):
            t = tables[stage][tables[stage]["outcome"] == outcome].nlargest(12, "mu_star")
            ax = axes[row][col]
            ax.barh(t["factor"][::-1], t["mu_star"][::-1], xerr=t["mu_star_conf"][::-1])
            ax.set_title(f"{outcome} ({'groups' if stage == 'groups' else 'parameters'})")
            ax.set_xlabel("Morris mu* (mean |elementary effect|)")
            ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    fig.savefig(folder / "morris.png", dpi=110)
    plt.close(fig)
    if not tables.get("sobol", pd.DataFrame()).empty:
        sob = tables["sobol"]
        outcomes = list(dict.fromkeys(sob["outcome"]))
        fig, axes = plt.subplots(1, len(outcomes), figsize=(5 * len(outcomes), 4), squeeze=False)
        for col, outcome in enumerate(outcomes):
            t = sob[sob["outcome"] == outcome]
            pos = np.arange(len(t))
            ax = axes[0][col]
            ax.barh(pos - 0.2, t["S1"], 0.4, xerr=t["S1_conf"], label="first order")
            ax.barh(pos + 0.2, t["ST"], 0.4, xerr=t["ST_conf"], label="total")
            ax.set_yticks(pos, t["factor"], fontsize=7)
            ax.set_title(outcome)
        axes[0][0].legend()
        fig.tight_layout()
        fig.savefig(folder / "sobol.png", dpi=110)
        plt.close(fig)
    text = _markdown(meta, stages, tables)
    (folder / "sensitivity.md").write_text(text, encoding="utf-8")
    return text


def _markdown(meta: dict, stages: dict, tables: dict) -> str:
    walls = meta["wall_seconds"]
    runs = {s: 2 * len(stages[s][1]) for s in STAGES if stages[s] is not None}
    lines = [
        f"# Sensitivity: {meta['town']}, {meta['years']} years, baseline and {meta['policy']}",
        "",
        "Factors: the explorable `uncertainty` parameters (default ± 25 % or their own range); "
        "every sample runs with "
        f"the baseline and with {meta['policy']} on seed {meta['seed']} (common random numbers).",
        "",
        "| stage | samples | runs | wall |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {s} | {runs[s] // 2} | {runs[s]} | {walls.get(s, float('nan')):.0f} s |" for s in runs
    ]
    lines.append("")
    for stage, title in (("groups", "Morris over groups"), ("params", "Morris over parameters")):
        if stage not in tables:
            continue
        lines += [f"## {title}", ""]
        for outcome in OUTCOMES:
            t = tables[stage][tables[stage]["outcome"] == outcome].nlargest(6, "mu_star")
            items = ", ".join(
                f"`{r.factor}` {r.mu_star:.3g} (± {r.mu_star_conf:.2g}, mu {r.mu:+.3g}, "
                f"rank {r.rank_best}–{r.rank_worst})"
                for r in t.itertuples()
            )
            lines.append(f"- **{outcome}**: {items}")
        lines += [
            "",
            "rank a–b: the ranks by mu* that its 95 % bootstrap interval allows (a: the factors "
            "whose interval lies wholly above plus one; b: those whose interval reaches it); "
            "a wide range means this many trajectories do not settle the order.",
            "",
        ]
    if not tables.get("sobol", pd.DataFrame()).empty:
        lines += ["## Sobol indices", "", "| outcome | parameter | S1 | ST |", "|---|---|---|---|"]
        lines += [
            f"| {r.outcome} | `{r.factor}` | {r.S1:.2f} ± {r.S1_conf:.2f} | {r.ST:.2f} ± {r.ST_conf:.2f} |"
            for r in tables["sobol"].itertuples()
        ]
        lines.append("")
    lines += ["![Morris](morris.png)", ""]
    if "sobol" in tables:
        lines += ["![Sobol](sobol.png)", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.from_ is not None:
        folder = args.from_
        if not (folder / "run.json").is_file():
            print(f"sensitivity: {folder} holds no run.json", file=sys.stderr)
            return 2
    else:
        stamp = dt.datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
        folder = args.out or Path("results") / "sensitivity" / stamp
        if (folder / "samples_params.parquet").exists():
            print(f"sensitivity: {folder} already holds results; use --from", file=sys.stderr)
            return 2
        walls = run(args, folder)
        print("wall: " + ", ".join(f"{k} {v:.0f} s" for k, v in walls.items()))
    analyse(folder)
    print(f"results: {folder / 'sensitivity.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
