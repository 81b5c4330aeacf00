"""One table per sweep: ``kleinstadt collect SWEEP_DIR`` (or ``python -m sim.collect``).

Reads every run folder of a sweep (``.hydra/overrides.yaml``, ``summary.json``,
``metrics.parquet``; see :mod:`sim.sweep`) and writes two tables into the sweep folder:

- ``runs.parquet``: one row per run: ``folder``, ``job`` (the job number), ``status``
  (complete, failed or missing), each override as a typed column (``seed``, ``town``,
  ``migration.qol_gap_sensitivity`` ...), ``seed``, ``wall_seconds``, ``cpu_seconds`` and the
  headline figures of summary.json (a failed run: ``stage``, ``year_reached``,
  ``error_type``, ``error_message``; these columns are there, empty, when none failed). A job the sweeper planned (jobs.json) that has no folder
  is a row too: missing, or failed with its message when its input was invalid.
- ``metrics.parquet``: one row per run and year (metrics.parquet of every run that has one,
  a failed run's up to the year it reached) with ``folder``, ``job``, ``status``, the
  override columns and the run's ``seed``, ``town``, ``policy`` and ``shock`` (swept or not) in
  front.

Reads only; never re-runs anything. Works on any Hydra sweep folder of this model, including
those written with ``hydra/launcher=joblib`` before jobs.json existed (then only run folders
can be missing).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from tqdm.auto import tqdm

from sim.sweep import NotASweep, RunFolder, override_key, read_yaml, scan

FIRST_COLUMNS = ["folder", "job", "status"]
AFTER_OVERRIDES = ["seed", "wall_seconds", "cpu_seconds"]
IDENTITY = ["seed", "town", "policy", "shock"]
"""What every run is, swept or not: the metrics table carries these too, so a query can group
by them without knowing which were swept (summary.json)."""
FAILURE_COLUMNS = ["stage", "year_reached", "error_type", "error_message"]
"""Present in the runs table even when no run failed (empty then), so a query for failures
works on every sweep."""


def override_value(text: str) -> Any:
    """A value from the command line as the type Hydra would read it: int, float, bool, None
    or a string (quotes removed; lists and dicts stay as written)."""
    stripped = text.strip()
    lowered = stripped.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    for cast in (int, float):
        try:
            return cast(stripped)
        except ValueError:
            pass
    if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "'\"":
        return stripped[1:-1]
    return stripped


def parse_overrides(overrides: list[str]) -> dict[str, Any]:
    """``["seed=3", "town=central", "+x.y=1"]`` -> ``{"seed": 3, "town": "central", "x.y": 1}``
    (Hydra's own overrides, ``hydra.*``, are left out)."""
    values: dict[str, Any] = {}
    for item in overrides:
        key, sep, value = str(item).partition("=")
        key = key.lstrip("+~")
        if not sep or key.startswith("hydra.") or key == "hydra":
            continue
        values[key] = override_value(value)
    return values


def _config_identity(run: Path) -> dict[str, Any]:
    """seed, years, town, policy and shock of a run without summary.json (from
    .hydra/config.yaml; with a town file, the name in the file, else the file's stem)."""
    try:
        config = read_yaml(run / ".hydra" / "config.yaml") or {}
    except (OSError, ValueError):
        return {}

    def part(key: str) -> dict:
        value = config.get(key)
        return value if isinstance(value, dict) else {}

    town, policy, shock = part("town"), part("policy"), part("shock")
    name = town.get("name")
    if town.get("file"):
        try:
            name = (read_yaml(Path(str(town["file"]))) or {}).get("name")
        except (OSError, ValueError, AttributeError, yaml.YAMLError):
            name = None
        name = name or Path(str(town["file"])).stem
    return {
        "seed": config.get("seed"),
        "years": config.get("years"),
        "town": name,
        "policy": policy.get("name"),
        "shock": shock.get("kind"),
    }


def _run_row(run: RunFolder, folder: Path) -> dict[str, Any]:
    row: dict[str, Any] = {}
    if run.summary is not None:
        for key, value in run.summary.items():
            if key == "status":
                continue
            if isinstance(value, list):
                value = (
                    " ".join(str(v) for v in value)
                    if key == "overrides"
                    else ",".join(str(v) for v in value)
                )
            row[key] = value
    else:
        row.update(_config_identity(run.path))
    row.update(parse_overrides(run.overrides))
    row.update(folder=str(run.path.relative_to(folder)), job=run.num, status=run.status)
    return row


def collect(sweep_dir: str | Path, progress: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The runs table and the metrics table of a sweep folder (not written; see :func:`write`).

    Raises:
        NotASweep: the folder does not exist, is a file, a single run's folder, or holds no
            run folders and no jobs.json.
    """
    folder = Path(sweep_dir)
    if not folder.exists():
        raise NotASweep(f"{folder} does not exist. Give the folder of a sweep (hydra.sweep.dir).")
    if not folder.is_dir():
        raise NotASweep(f"{folder} is a file, not a sweep's folder.")
    state = scan(folder)
    if not state.runs and not state.jobs:
        if (folder / "summary.json").is_file() or (folder / ".hydra").is_dir():
            hint = (
                "it is a single run's folder. Give the folder that holds the run folders "
                "(hydra.sweep.dir, e.g. multirun/<date>/<time>)."
            )
        else:
            hint = (
                "it holds no run folders (<n>_<overrides>/ with .hydra/overrides.yaml) and no "
                "jobs.json. Give the folder of a sweep (python -m sim -m ...; its hydra.sweep.dir)."
            )
        raise NotASweep(f"{folder} is not a sweep's folder: {hint}")

    rows: list[dict[str, Any]] = []
    tables: list[pd.DataFrame] = []
    override_keys: dict[str, None] = {}
    runs = sorted(state.runs, key=lambda r: (r.num is None, r.num or 0, str(r.path)))
    for run in tqdm(runs, desc="collect", unit="run", delay=1.0, disable=not progress or None):
        row = _run_row(run, folder)
        overrides = parse_overrides(run.overrides)
        override_keys.update(dict.fromkeys(overrides))
        rows.append(row)
        metrics_file = run.path / "metrics.parquet"
        if metrics_file.is_file():
            table = pd.read_parquet(metrics_file)
            identity = {k: row[k] for k in IDENTITY if k in row and k not in overrides}
            front = {
                "folder": row["folder"],
                "job": run.num,
                "status": run.status,
                **overrides,
                **identity,
            }
            for i, (key, value) in enumerate(front.items()):
                table.insert(i, key, value, allow_duplicates=False)
            tables.append(table)
    with_folder = {override_key(r.overrides) for r in state.runs}
    for job in state.jobs:
        if override_key(job["overrides"]) in with_folder:
            continue
        overrides = parse_overrides(job["overrides"])
        override_keys.update(dict.fromkeys(overrides))
        failed = job.get("outcome") == "failed"
        rows.append(
            {
                **overrides,
                "folder": None,
                "job": int(job["num"]),
                "status": "failed" if failed else "missing",
                "overrides": " ".join(job["overrides"]),
                "error_message": job.get("message") or None,
            }
        )

    runs_table = pd.DataFrame(rows)
    keys = [k for k in override_keys if k not in FIRST_COLUMNS]
    head = FIRST_COLUMNS + keys + [c for c in AFTER_OVERRIDES if c not in keys]
    for column in head + FAILURE_COLUMNS:
        if column not in runs_table.columns:
            runs_table[column] = None
    runs_table = runs_table[head + [c for c in runs_table.columns if c not in head]]
    runs_table = runs_table.sort_values("job", kind="stable").reset_index(drop=True)
    runs_table["job"] = runs_table["job"].astype("Int64")
    metrics = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    if not metrics.empty:
        metrics["job"] = metrics["job"].astype("Int64")
    return runs_table, metrics


def write(sweep_dir: str | Path, progress: bool = True) -> tuple[Path, Path, pd.DataFrame]:
    """Collect the sweep and write ``runs.parquet`` and ``metrics.parquet`` into it (each
    under a temporary name first); returns the two paths and the runs table."""
    folder = Path(sweep_dir)
    runs_table, metrics = collect(folder, progress)
    paths = []
    for name, table in (("runs.parquet", runs_table), ("metrics.parquet", metrics)):
        final = folder / name
        tmp = folder / f".{name}.tmp"
        try:
            table.to_parquet(tmp, index=False)
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
        paths.append(final)
    return paths[0], paths[1], runs_table


def main(argv: list[str] | None = None) -> int:
    """``kleinstadt collect SWEEP_DIR``; returns the exit status (2: not a sweep's folder)."""
    parser = argparse.ArgumentParser(
        prog="kleinstadt collect",
        description="Write runs.parquet (one row per run) and metrics.parquet (one row per run "
        "and year) into a sweep's folder.",
    )
    parser.add_argument("sweep_dir", help="the sweep's folder (its hydra.sweep.dir)")
    args = parser.parse_args(argv)
    try:
        runs_path, metrics_path, runs_table = write(args.sweep_dir)
    except NotASweep as err:
        print(f"kleinstadt collect: {err}", file=sys.stderr)
        return 2
    counts = runs_table["status"].value_counts()
    states = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("complete", "failed", "missing"))
    print(f"kleinstadt collect: {len(runs_table)} runs ({states})")
    print(f"  {runs_path}\n  {metrics_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
