"""Scenario discovery: hundreds of scenarios x the policies with EMA Workbench, then PRIM.

Each scenario draws every explorable ``uncertainty`` parameter (default ± 25 % or a
range of its own, see ``sim/ema.py``) and a seed by Latin hypercube; every policy runs on every scenario (full
factorial, the policies of one scenario on the same seed: common random numbers). EMA
Workbench's MultiprocessingEvaluator runs the experiments in-process on ``--jobs`` cores.

PRIM (patient rule induction, EMA Workbench's ``prim``) then looks for the boxes of
parameter space where:

1. the town loses its last GP or its last grocery within 20 years (the baseline runs; the
   seed is left out of the inputs PRIM may restrict);
2. a policy beats the baseline: more residents at the end than the baseline in the same
   scenario (one PRIM per policy).

Usage::

    python experiments/robustness.py                           # 200 scenarios, 4 policies
    python experiments/robustness.py --scenarios 500 --jobs 8 --years 30
    python experiments/robustness.py --policies baseline,broadband,phase_null
    python experiments/robustness.py --ray head-node:6379      # on a Ray cluster
    python experiments/robustness.py --from results/robustness/2026-11-29_11-00-00  # re-analyse

Outputs in the results folder (``--out``, default ``results/robustness/<date_time>``):
``experiments.parquet`` (one row per experiment: the drawn values, seed, policy),
``outcomes.parquet`` (the scalar outcomes), ``series.npz`` (population, services_open,
qol_mean per experiment and year), ``prim_*.csv`` (box limits), ``prim_*.png`` (the
coverage-density trade-off and the chosen box), ``outcomes.png``, ``robustness.md`` (the
summary, with the wall time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_POLICIES = (
    "baseline",
    "all_local_recommendations",
    "r4_municipal_resources",
    "broadband",
)
TOP_INPUTS = 8
"""PRIM looks at the inputs with the best feature scores only (300 inputs, 200 points overfit)."""
MAX_DIMS = 3
"""The chosen PRIM box restricts at most this many inputs (a box a planner can read)."""
MIN_COVERAGE = 0.5
"""... and holds at least this share of the cases."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scenarios", type=int, default=200, help="scenarios (default 200)")
    p.add_argument(
        "--policies",
        default=",".join(DEFAULT_POLICIES),
        help="comma-separated policies of configs/policy (must include baseline)",
    )
    p.add_argument("--town", default="very_peripheral", help="a built-in town")
    p.add_argument("--years", type=int, default=20, help="simulated years (default 20)")
    p.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    p.add_argument("--seed", type=int, default=0, help="seed of the Latin hypercube")
    p.add_argument(
        "--ray",
        metavar="ADDRESS",
        help="run the experiments on this Ray cluster (host:port of the head) instead of --jobs",
    )
    p.add_argument("--out", type=Path, help="results folder")
    p.add_argument("--from", dest="from_", type=Path, help="re-analyse a finished folder")
    args = p.parse_args(argv)
    args.policies = [x.strip() for x in args.policies.split(",") if x.strip()]
    if "baseline" not in args.policies:
        p.error("--policies must include baseline (each policy is compared with it)")
    if args.scenarios < 10:
        p.error(f"--scenarios {args.scenarios}: at least 10 (PRIM needs cases)")
    if not 1 <= args.years <= 100:
        p.error(f"--years {args.years}: allowed 1..100")
    if args.jobs < 1:
        p.error(f"--jobs {args.jobs}: at least 1")
    return args


def run(args: argparse.Namespace, folder: Path) -> float:
    """Perform the experiments with EMA Workbench; write them; return the wall seconds."""
    from sim.ema import SERIES_OUTCOMES, ema_model, import_ema, policy_samples, ray_evaluator

    ema = import_ema()

    model = ema_model(town=args.town, years=args.years, policies=tuple(args.policies))
    started = time.perf_counter()
    if args.ray:
        evaluator = ray_evaluator(model, address=args.ray)
    elif args.jobs == 1:
        evaluator = ema.SequentialEvaluator(model)
    else:
        evaluator = ema.MultiprocessingEvaluator(model, n_processes=args.jobs)
    with evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=args.scenarios,
            policies=policy_samples(args.policies),
            uncertainty_sampling_kwargs={"rng": args.seed},
        )
    wall = time.perf_counter() - started
    folder.mkdir(parents=True, exist_ok=True)
    experiments = experiments.copy()
    for column in ("scenario", "policy", "model"):
        if column in experiments:
            experiments[column] = experiments[column].astype(str)
    experiments.to_parquet(folder / "experiments.parquet", index=False)
    scalars = {
        k: np.asarray(v, dtype=float) for k, v in outcomes.items() if k not in SERIES_OUTCOMES
    }
    pd.DataFrame(scalars).to_parquet(folder / "outcomes.parquet", index=False)
    np.savez_compressed(
        folder / "series.npz", **{k: np.asarray(outcomes[k], dtype=float) for k in SERIES_OUTCOMES}
    )
    meta = {
        "scenarios": args.scenarios,
        "policies": args.policies,
        "town": args.town,
        "years": args.years,
        "jobs": f"Ray cluster {args.ray}" if args.ray else args.jobs,
        "lhs_seed": args.seed,
        "experiments": len(experiments),
        "wall_seconds": round(wall, 1),
    }
    (folder / "run.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return wall


def choose_box(box) -> int:
    """The densest step of the peeling trajectory with at most MAX_DIMS restricted inputs and
    at least MIN_COVERAGE of the cases (the first step if none qualifies)."""
    traj = box.peeling_trajectory
    ok = traj[(traj["res_dim"] <= MAX_DIMS) & (traj["coverage"] >= MIN_COVERAGE)]
    if ok.empty:
        return 0
    return int(ok.sort_values(["density", "coverage"], ascending=False).index[0])


def feature_scores(x: pd.DataFrame, y: np.ndarray) -> pd.Series:
    """Extra-trees feature scores of the inputs for the cases ``y`` (sum 1), largest first."""
    from ema_workbench.analysis import feature_scoring

    scores = feature_scoring.get_ex_feature_scores(
        x, y, mode=feature_scoring.RuleInductionType.CLASSIFICATION, random_state=1
    )[0]
    return scores.iloc[:, 0].sort_values(ascending=False)


def prim_box(x: pd.DataFrame, y: np.ndarray, label: str, folder: Path) -> dict:
    """Feature scoring, then PRIM on the TOP_INPUTS best-scored inputs for the cases ``y``;
    write the box and figures; return a summary."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.ema import import_ema

    import_ema()  # without its ipyparallel warning
    from ema_workbench.analysis import prim

    base_rate = float(np.mean(y))
    info = {"label": label, "cases": int(np.sum(y)), "n": len(y), "base_rate": base_rate}
    if info["cases"] == 0 or info["cases"] == len(y):
        info["note"] = "no box: every run or no run is a case"
        return info
    # integer inputs as floats: PRIM's pasting writes float limits into the box table,
    # which pandas 3 refuses for an int64 column (EMA Workbench 3.0.0)
    x = x.reset_index(drop=True).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PRIM and scikit-learn warn about their own pandas use
        scores = feature_scores(x, y.astype(int))
        scores.rename(index=lambda c: c.replace("__", ".")).to_csv(folder / f"scores_{label}.csv")
        top = list(scores.index[:TOP_INPUTS])
        alg = prim.Prim(x[top], y.astype(bool), peel_alpha=0.05, mass_min=0.05)
        box = alg.find_box()
        step = choose_box(box)
        box.select(step)
        stats, limits = box.inspect(step, style="data")[0]
        box.show_tradeoff()
        plt.gcf().savefig(folder / f"prim_{label}_tradeoff.png", dpi=110, bbox_inches="tight")
        plt.close("all")
    limits = limits.copy()
    limits.to_csv(folder / f"prim_{label}.csv")
    info.update(
        coverage=float(stats["coverage"]),
        density=float(stats["density"]),
        mass=float(stats["mass"]),
        restricted=_limits_text(limits, x) if step else [],
        scores=[(c.replace("__", "."), float(v)) for c, v in scores.iloc[:5].items()],
        uniform_score=1.0 / x.shape[1],
    )
    return info


def _limits_text(limits: pd.DataFrame, x: pd.DataFrame) -> list[str]:
    """One line per restricted dimension: name, box range, full range."""
    out = []
    for name, row in limits.iterrows():
        low, high = row.iloc[0], row.iloc[1]
        if isinstance(low, set | frozenset):
            out.append(f"`{name}` in {sorted(low)}")
            continue
        full_low, full_high = x[name].min(), x[name].max()
        path = str(name).replace("__", ".")
        out.append(
            f"`{path}` in [{low:.4g}, {high:.4g}] (explored [{full_low:.4g}, {full_high:.4g}])"
        )
    return out


def analyse(folder: Path) -> str:
    """PRIM on the finished experiments of ``folder``; write figures and robustness.md."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    experiments = pd.read_parquet(folder / "experiments.parquet")
    outcomes = pd.read_parquet(folder / "outcomes.parquet")
    series = np.load(folder / "series.npz")
    meta = json.loads((folder / "run.json").read_text())
    drop = {"scenario", "policy", "policy_name", "model", "seed", "town", "years"}
    inputs = [c for c in experiments.columns if c not in drop]
    data = pd.concat([experiments, outcomes], axis=1)
    base = data[data["policy"] == "baseline"].set_index("scenario")

    results = [
        prim_box(
            base[inputs],
            base["gp_or_grocer_lost"].to_numpy() > 0,
            "gp_or_grocer_lost",
            folder,
        )
    ]
    wins = []
    for policy in [p for p in meta["policies"] if p != "baseline"]:
        run = data[data["policy"] == policy].set_index("scenario").loc[base.index]
        diff = run["population_end"] - base["population_end"]
        wins.append(
            {
                "policy": policy,
                "beats_share": float((diff > 0).mean()),
                "pop_diff_mean": float(diff.mean()),
                "pop_diff_p05": float(diff.quantile(0.05)),
                "pop_diff_p95": float(diff.quantile(0.95)),
                "lost_share": float(run["gp_or_grocer_lost"].mean()),
                "services_diff_mean": float(
                    (run["services_open_end"] - base["services_open_end"]).mean()
                ),
            }
        )
        results.append(prim_box(base[inputs], (diff > 0).to_numpy(), f"beats_{policy}", folder))
        weak = (diff <= diff.quantile(0.2)).to_numpy()  # where the policy helps least
        results.append(prim_box(base[inputs], weak, f"weakest_fifth_{policy}", folder))

    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    for policy, runs in data.groupby("policy"):
        idx = runs.index.to_numpy()
        axes[0].hist(runs["population_end"], bins=30, histtype="step", label=policy)
        pop = series["population"][idx]
        axes[1].plot(np.median(pop, axis=0), label=policy)
        axes[1].fill_between(range(pop.shape[1]), *np.percentile(pop, [5, 95], axis=0), alpha=0.15)
        svc = series["services_open"][idx]
        axes[2].plot(np.median(svc, axis=0), label=policy)
    axes[0].set(xlabel=f"population in year {meta['years']}", ylabel="scenarios")
    axes[1].set(xlabel="year", ylabel="population (median, 5–95 %)")
    axes[2].set(xlabel="year", ylabel="services open (median)")
    axes[0].legend(fontsize=7)
    fig.suptitle(
        f"{meta['town']}: {meta['scenarios']} scenarios x {len(meta['policies'])} policies"
    )
    fig.tight_layout()
    fig.savefig(folder / "outcomes.png", dpi=110)
    plt.close(fig)

    text = _markdown(meta, base, results, wins)
    (folder / "robustness.md").write_text(text, encoding="utf-8")
    return text


def _markdown(meta: dict, base: pd.DataFrame, results: list[dict], wins: list[dict]) -> str:
    lines = [
        f"# Scenario discovery: {meta['town']}, {meta['years']} years",
        "",
        f"{meta['scenarios']} scenarios (Latin hypercube over {meta.get('uncertainties', 'all explorable')} "
        f"uncertainty parameters, default ± 25 % or their own range, and the seed) x {len(meta['policies'])} policies = "
        f"{meta['experiments']} runs with EMA Workbench's evaluator ({meta['jobs']} processes): "
        f"{meta['wall_seconds']:.0f} s wall ({meta['wall_seconds'] / meta['experiments']:.2f} s a run).",
        "",
        "## Baseline outcomes across scenarios",
        "",
        f"- population in year {meta['years']}: median {base['population_end'].median():.0f} "
        f"(5–95 %: {base['population_end'].quantile(0.05):.0f}–{base['population_end'].quantile(0.95):.0f})",
        f"- resident-serving services kept: median {base['services_kept_pct'].median():.0f} % "
        f"(5–95 %: {base['services_kept_pct'].quantile(0.05):.0f}–{base['services_kept_pct'].quantile(0.95):.0f} %)",
        f"- last GP lost: {100 * base['gp_lost'].mean():.0f} % of scenarios; last grocery lost: "
        f"{100 * base['grocer_lost'].mean():.0f} %; either: {100 * base['gp_or_grocer_lost'].mean():.0f} %",
        "",
        "## Policies against the baseline (same scenario, same seed)",
        "",
        "| policy | beats baseline (more residents) | population diff. mean (5–95 %) | services diff. mean | GP or grocer lost |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {w['policy']} | {100 * w['beats_share']:.0f} % | {w['pop_diff_mean']:+.0f} "
        f"({w['pop_diff_p05']:+.0f} to {w['pop_diff_p95']:+.0f}) | {w['services_diff_mean']:+.2f} | "
        f"{100 * w['lost_share']:.0f} % |"
        for w in wins
    ]
    lines += [
        "",
        "## PRIM boxes",
        "",
        "Each question: extra-trees feature scores of all inputs (the seed left out), then PRIM on the "
        f"{TOP_INPUTS} best-scored inputs; the box shown is the densest with at most {MAX_DIMS} "
        f"restricted inputs and at least {MIN_COVERAGE:.0%} of the cases. Coverage: share of all cases "
        "inside the box; density: share of the runs inside the box that are cases (compare with the "
        "base rate). A feature score near the uniform 1/inputs means the input explains nothing.",
        "",
    ]
    for r in results:
        lines += [
            f"### {r['label']}",
            "",
            f"Cases: {r['cases']} of {r['n']} ({100 * r['base_rate']:.0f} %).",
        ]
        if "note" in r:
            lines += [r["note"], ""]
            continue
        lines.append(
            "Best feature scores: "
            + ", ".join(f"`{name}` {score:.3f}" for name, score in r["scores"])
            + f" (uniform: {r['uniform_score']:.4f})."
        )
        lines.append("")
        lines.append(
            f"Box: coverage {r['coverage']:.2f}, density {r['density']:.2f} "
            f"(base rate {r['base_rate']:.2f}), mass {r['mass']:.2f}; restricted inputs:"
        )
        lines.append("")
        lines += [f"- {line}" for line in r["restricted"]] or ["- (none: no box qualifies)"]
        lines += ["", f"![trade-off](prim_{r['label']}_tradeoff.png)", ""]
    lines += ["![outcomes](outcomes.png)", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.from_ is not None:
        folder = args.from_
        if not (folder / "experiments.parquet").is_file():
            print(f"robustness: {folder} holds no experiments.parquet", file=sys.stderr)
            return 2
    else:
        stamp = dt.datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
        folder = args.out or Path("results") / "robustness" / stamp
        if (folder / "experiments.parquet").exists():
            print(f"robustness: {folder} already holds experiments; use --from", file=sys.stderr)
            return 2
        wall = run(args, folder)
        print(f"{args.scenarios} scenarios x {len(args.policies)} policies: {wall:.0f} s wall")
    analyse(folder)
    print(f"results: {folder / 'robustness.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
