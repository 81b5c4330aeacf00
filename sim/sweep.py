"""A sweep folder: its jobs, their run folders and what became of them. No Hydra here.

A sweep (``python -m sim -m ...``) writes one run folder per job under ``hydra.sweep.dir``,
named ``<job number>_<overrides>``, each with ``.hydra/overrides.yaml`` (the job's overrides)
and, when the run ended, ``summary.json`` (``"status": "complete"`` or ``"failed"``). The
sweeper (``hydra_plugins/kleinstadt``) adds ``jobs.json`` beside ``multirun.yaml``: every job
it ever planned in this folder, with its number and overrides, so that a job that never got
a folder (killed before it started, or invalid) is still known, a resumed sweep numbers new
jobs after the old ones, and :mod:`sim.collect` can say which runs are missing.

Used by the sweeper and launcher (resume, numbering, progress), by the command line (skip a
finished job) and by :mod:`sim.collect` (one table per sweep).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

JOBS_FILE = "jobs.json"
MULTIRUN_FILE = "multirun.yaml"
STATUSES = ("complete", "failed", "missing")
_NUMBERED = re.compile(r"^(\d+)_")

try:  # libyaml's loader is ~10x faster than the pure-Python one (1,000 runs: seconds)
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


class NotASweep(ValueError):
    """The folder is not a sweep's folder (no run folders, no jobs.json)."""


def config_hash(resolved: dict[str, Any]) -> str:
    """A short fingerprint of a run's resolved configuration (``summary.json``'s
    ``config_hash``): two runs with the same hash ran the same configuration."""
    text = json.dumps(resolved, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def override_key(overrides: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Overrides as a key that does not depend on their order."""
    return tuple(sorted(str(o) for o in overrides))


@dataclass
class RunFolder:
    """One run folder of a sweep, as found on disk."""

    path: Path
    overrides: list[str]
    num: int | None
    summary: dict[str, Any] | None

    @property
    def status(self) -> str:
        """complete, failed, or missing (no summary.json: killed, or still running)."""
        if self.summary is None:
            return "missing"
        return "complete" if self.summary.get("status") == "complete" else "failed"


@dataclass
class SweepState:
    """What a sweep folder holds: its run folders and the jobs planned in it."""

    folder: Path
    runs: list[RunFolder] = field(default_factory=list)
    jobs: list[dict[str, Any]] = field(default_factory=list)

    def by_overrides(self) -> dict[tuple[str, ...], RunFolder]:
        """Run folders by their overrides (the latest job number wins if two share them)."""
        found: dict[tuple[str, ...], RunFolder] = {}
        for run in sorted(self.runs, key=lambda r: -1 if r.num is None else r.num):
            found[override_key(run.overrides)] = run
        return found

    def planned_numbers(self) -> dict[tuple[str, ...], int]:
        """Job numbers already given to overrides (jobs.json, then folder names)."""
        numbers = {override_key(job["overrides"]): int(job["num"]) for job in self.jobs}
        for run in self.runs:
            if run.num is not None:
                numbers[override_key(run.overrides)] = run.num
        return numbers

    def next_number(self) -> int:
        """The first job number no job of this folder has used."""
        used = [int(job["num"]) for job in self.jobs]
        used += [run.num for run in self.runs if run.num is not None]
        return max(used, default=-1) + 1


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)  # a safe loader (C or Python)


def read_summary(folder: Path) -> dict[str, Any] | None:
    """summary.json of a run folder (None if there is none, or it cannot be read)."""
    try:
        return json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def scan(folder: str | Path) -> SweepState:
    """The run folders (those with ``.hydra/overrides.yaml``) and jobs.json of a sweep folder."""
    folder = Path(folder)
    state = SweepState(folder)
    for overrides_file in sorted(folder.glob("**/.hydra/overrides.yaml")):
        run = overrides_file.parent.parent
        if run == folder:  # a single run's folder, not a sweep's
            continue
        overrides = read_yaml(overrides_file) or []
        number = _NUMBERED.match(run.name)
        state.runs.append(
            RunFolder(
                path=run,
                overrides=[str(o) for o in overrides],
                num=int(number.group(1)) if number else None,
                summary=read_summary(run),
            )
        )
    jobs_file = folder / JOBS_FILE
    if jobs_file.is_file():
        state.jobs = json.loads(jobs_file.read_text(encoding="utf-8")).get("jobs", [])
    return state


def is_sweep(folder: Path) -> bool:
    """Whether ``folder`` is a kleinstadt sweep's folder (its sweeper wrote jobs.json)."""
    return (folder / JOBS_FILE).is_file()


def write_jobs(folder: Path, jobs: list[dict[str, Any]]) -> None:
    """Write jobs.json (sorted by job number) under a temporary name, then rename."""
    final = folder / JOBS_FILE
    tmp = folder / f".{JOBS_FILE}.tmp"
    ordered = sorted(jobs, key=lambda job: int(job["num"]))
    tmp.write_text(json.dumps({"jobs": ordered}, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, final)


def keep_multirun_yaml(folder: Path) -> Path | None:
    """Rename an earlier sweep's multirun.yaml to ``multirun.<n>.yaml`` (the next free n), so
    that resuming or extending a sweep keeps the record of every invocation."""
    old = folder / MULTIRUN_FILE
    if not old.is_file():
        return None
    n = 1
    while (folder / f"multirun.{n}.yaml").exists():
        n += 1
    kept = folder / f"multirun.{n}.yaml"
    os.replace(old, kept)
    return kept


STALE_OUTPUTS = ("summary.json", "*.parquet", "*.png", "town.yaml", "town_file.yaml")


def clear_stale_outputs(run: Path) -> None:
    """Remove the outputs of a failed or unfinished run before its job runs again (its log
    stays and gets the new run appended)."""
    for pattern in STALE_OUTPUTS:
        for path in run.glob(pattern):
            path.unlink(missing_ok=True)
    (run / ".kleinstadt.lock").unlink(missing_ok=True)


# -- progress ------------------------------------------------------------------------------------


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class Progress:
    """One line per finished job: ``n/N done, ETA ...`` and, at the end, the outcome.

    ETA: the jobs left times the mean time between finished jobs so far (skipped jobs, which
    take no time, are not counted in that mean).
    """

    def __init__(self, total: int, stream: Any = None) -> None:
        self.total = total
        self.done = 0
        self.counts = {"completed": 0, "failed": 0, "skipped": 0}
        self.started = time.perf_counter()
        self.stream = stream if stream is not None else sys.stdout

    def finished(self, outcome: str, name: str = "") -> str:
        """Count one finished job (outcome: completed, failed or skipped) and print its line."""
        self.done += 1
        self.counts[outcome] += 1
        elapsed = time.perf_counter() - self.started
        ran = self.done - self.counts["skipped"]
        left = self.total - self.done
        eta = "" if left == 0 or ran == 0 else f", ETA {_duration(elapsed / ran * left)}"
        extra = [f"{self.counts[k]} {k}" for k in ("failed", "skipped") if self.counts[k]]
        note = f" ({', '.join(extra)})" if extra else ""
        what = f" [{outcome}: {name}]" if name and outcome != "completed" else ""
        line = f"kleinstadt: {self.done}/{self.total} done{note}{eta}{what}"
        print(line, file=self.stream, flush=True)
        return line

    def final_line(self) -> str:
        """``sweep finished in ...: a completed, b failed, c skipped``."""
        elapsed = _duration(time.perf_counter() - self.started)
        counts = ", ".join(f"{self.counts[k]} {k}" for k in ("completed", "failed", "skipped"))
        not_run = self.total - self.done
        tail = f", {not_run} not run" if not_run else ""
        return f"kleinstadt: sweep finished in {elapsed}: {counts}{tail}"


# -- workers never outlive the sweep ---------------------------------------------------------------


def exit_with_parent(parent_pid: int, interval: float = 0.5) -> threading.Thread:
    """In a worker process: a daemon thread that ends the process as soon as the sweep's main
    process is gone (killed with SIGKILL included, where it cannot clean up)."""

    def watch() -> None:
        while True:
            time.sleep(interval)
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(143)
            except PermissionError:  # exists, another user's: not ours, so ours is gone
                os._exit(143)
            if os.getppid() == 1:  # re-parented to init: our parent died
                os._exit(143)

    thread = threading.Thread(target=watch, name="exit-with-sweep", daemon=True)
    thread.start()
    return thread
