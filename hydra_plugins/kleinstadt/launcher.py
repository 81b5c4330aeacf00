"""``hydra/launcher=kleinstadt``: the jobs of a sweep on the local cores, with progress.

- ``n_jobs`` worker processes (``-1``: all cores; ``1``: the jobs one after another in this
  process). Workers start from a forkserver that has imported the model once, and each
  composes its jobs with :class:`~hydra_plugins.kleinstadt.compose.JobComposer` (one Hydra
  composition per choice of config groups, then copies).
- One line per finished job (``n/N done, ETA``, :class:`sim.sweep.Progress`); the job's
  console output (the summary table, the run's log lines) goes to its ``kleinstadt.log``.
- A job whose folder holds a complete run of the same configuration is skipped before
  anything is written; one with a complete run of another configuration is not touched and
  counts as failed (:func:`~hydra_plugins.kleinstadt.compose.resume_check`).
- SIGINT or SIGTERM to the sweep ends the workers (terminated, then killed) before it exits;
  each worker also ends itself when the sweep's process is gone (SIGKILL included).
"""

import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cloudpickle  # joblib's dependency: pickles the task function by value, as joblib does
from hydra.core.hydra_config import HydraConfig
from hydra.core.singleton import Singleton
from hydra.core.utils import JobReturn, JobStatus, _flush_loggers, configure_log, setup_globals
from hydra.plugins.launcher import Launcher
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from hydra_plugins.kleinstadt.compose import JobComposer, resume_check
from sim.sweep import Progress, clear_stale_outputs, exit_with_parent

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What became of one job: completed, failed or skipped."""

    num: int
    overrides: list[str]
    outcome: str
    folder: str = ""
    message: str = ""
    exit_code: int = 0


# -- in a worker (or in the sweep's process when n_jobs is 1) -------------------------------------

_WORKER: dict[str, Any] = {}


def _prepare(hydra_context: HydraContext, master: DictConfig, task_function: Any) -> None:
    """Set up job running in this process (forked workers inherit it, composer cache too)."""
    import sim.run  # noqa: F401 - the model, imported once here rather than in every worker

    _WORKER.update(
        context=hydra_context,
        master=master,
        task=task_function,
        composer=JobComposer(hydra_context.config_loader, master),
        sweep_dir=str(master.hydra.sweep.dir),
    )


def _init_worker(parent_pid: int, payload: bytes | None) -> None:
    """In a new worker: signals, the watch on the sweep's process, and (when not forked)
    Hydra's state and the job setup from ``payload``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the sweep's process decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    exit_with_parent(parent_pid)
    if payload is not None:
        hydra_context, master, task_function, singleton_state = cloudpickle.loads(payload)
        setup_globals()
        Singleton.set_state(singleton_state)
        _prepare(hydra_context, master, task_function)


def _run_job(num: int, overrides: list[str]) -> Outcome:
    """Compose, check the folder, write ``.hydra/``, log to the job's file, run the task."""
    state = _WORKER
    try:
        cfg = state["composer"].compose(overrides, num)
        with open_dict(cfg.hydra):
            cfg.hydra.sweep.dir = state["sweep_dir"]
        HydraConfig.instance().set_config(cfg)
        subdir = str(OmegaConf.select(cfg, "hydra.sweep.subdir"))
    except Exception as err:  # a value Hydra cannot compose: this job is invalid
        return Outcome(num, overrides, "failed", "", f"invalid overrides: {err}", 2)
    out = Path(state["sweep_dir"], subdir).absolute()
    decision, why = resume_check(cfg, out)
    if decision == "skip":
        return Outcome(num, overrides, "skipped", subdir)
    if decision == "conflict":
        return Outcome(num, overrides, "failed", subdir, why, 2)
    if out.is_dir():
        clear_stale_outputs(out)
    with read_write(cfg.hydra.runtime), open_dict(cfg.hydra.runtime):
        cfg.hydra.runtime.output_dir = str(out)
    HydraConfig.instance().set_config(cfg)
    hydra_cfg = HydraConfig.instance().cfg
    out.mkdir(parents=True, exist_ok=True)
    configure_log(cfg.hydra.job_logging, cfg.hydra.verbose)
    for handler in logging.getLogger().handlers:  # the console gets the progress line only
        if not isinstance(handler, logging.FileHandler):
            handler.setLevel(logging.WARNING)
    saved = out / str(cfg.hydra.output_subdir)
    saved.mkdir(exist_ok=True)
    (saved / "hydra.yaml").write_text(OmegaConf.to_yaml(hydra_cfg), encoding="utf-8")
    overrides_yaml = OmegaConf.to_yaml(cfg.hydra.overrides.task)
    with read_write(cfg), open_dict(cfg):  # the task gets the configuration without Hydra's
        del cfg["hydra"]
    (saved / "config.yaml").write_text(OmegaConf.to_yaml(cfg), encoding="utf-8")
    (saved / "overrides.yaml").write_text(overrides_yaml, encoding="utf-8")
    try:
        state["task"](cfg)
        return Outcome(num, overrides, "completed", subdir)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
        return Outcome(num, overrides, "failed", subdir, f"exit status {code}", code)
    except Exception as err:  # the task recorded it (summary.json, traceback in the log)
        code = getattr(err, "exit_code", 1)
        return Outcome(num, overrides, "failed", subdir, str(err), code)
    finally:
        _flush_loggers()


# -- in the sweep's process -----------------------------------------------------------------------


class _Interrupted(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class KleinstadtLauncher(Launcher):
    """Runs numbered jobs on ``n_jobs`` local processes; see the module docstring."""

    def __init__(self, n_jobs: int = 1) -> None:
        self.n_jobs = n_jobs
        self.config: DictConfig | None = None
        self.task_function: TaskFunction | None = None
        self.hydra_context: HydraContext | None = None
        self.interrupted: int | None = None  # the signal that ended the sweep early

    def setup(
        self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
    ) -> None:
        self.config = config
        self.task_function = task_function
        self.hydra_context = hydra_context

    def launch(
        self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int
    ) -> Sequence[JobReturn]:
        """Hydra's launcher interface (jobs numbered from ``initial_job_idx``)."""
        jobs = [(initial_job_idx + i, list(o)) for i, o in enumerate(job_overrides)]
        returns = []
        for outcome in self.run_jobs(jobs, Progress(len(jobs))):
            ret = JobReturn(overrides=outcome.overrides, working_dir=outcome.folder)
            ret.status = JobStatus.FAILED if outcome.outcome == "failed" else JobStatus.COMPLETED
            ret.return_value = (
                RuntimeError(outcome.message) if outcome.outcome == "failed" else outcome.outcome
            )
            returns.append(ret)
        return returns

    def workers(self, jobs: int) -> int:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
        wanted = (cores or os.cpu_count() or 1) if self.n_jobs < 1 else self.n_jobs
        return max(1, min(wanted, jobs))

    def run_jobs(self, jobs: list[tuple[int, list[str]]], progress: Progress) -> list[Outcome]:
        """Run ``(number, overrides)`` jobs; one progress line each; the outcomes in order of
        finishing. An interrupted sweep returns what finished and sets ``interrupted``."""
        assert self.config is not None and self.hydra_context is not None
        _prepare(self.hydra_context, self.config, self.task_function)
        if jobs:  # the first job's base configuration, composed once here for all workers
            _WORKER["composer"].compose(jobs[0][1], jobs[0][0])
        outcomes: list[Outcome] = []

        def done(outcome: Outcome) -> None:
            outcomes.append(outcome)
            name = outcome.folder or " ".join(outcome.overrides)
            progress.finished(outcome.outcome, name)

        def interrupt(signum: int, frame: Any) -> None:
            raise _Interrupted(signum)

        previous = {s: signal.signal(s, interrupt) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            n = self.workers(len(jobs))
            if n == 1:
                for num, overrides in jobs:
                    done(_run_job(num, overrides))
            else:
                self._in_pool(n, jobs, done)
        except _Interrupted as stop:
            self.interrupted = stop.signum
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            root = logging.getLogger()
            for handler in list(root.handlers):  # the last job's log file (n_jobs=1)
                if isinstance(handler, logging.FileHandler):
                    handler.close()
                    root.removeHandler(handler)
        return outcomes

    def _in_pool(self, n: int, jobs: list[tuple[int, list[str]]], done: Any) -> None:
        """Workers forked from this process (Linux: they start at once, with the model
        imported and the first base configuration composed); elsewhere spawned."""
        if "fork" in multiprocessing.get_all_start_methods() and sys.platform == "linux":
            context, payload = multiprocessing.get_context("fork"), None
        else:
            context = multiprocessing.get_context("spawn")
            payload = cloudpickle.dumps(
                (self.hydra_context, self.config, self.task_function, Singleton.get_state())
            )
        pool = ProcessPoolExecutor(
            n, context, initializer=_init_worker, initargs=(os.getpid(), payload)
        )
        try:
            pending = {pool.submit(_run_job, num, ov): (num, ov) for num, ov in jobs}
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    num, overrides = pending.pop(future)
                    try:
                        done(future.result())
                    except Exception as err:  # a worker died (killed, out of memory)
                        done(Outcome(num, overrides, "failed", "", f"worker died: {err}", 1))
        except BaseException:  # interrupted: end the workers now, then let it propagate
            _end_workers(pool)
            raise
        pool.shutdown(wait=True)


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate the pool's workers (SIGTERM, then SIGKILL after 5 s) and wait for them."""
    processes = list((pool._processes or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)
