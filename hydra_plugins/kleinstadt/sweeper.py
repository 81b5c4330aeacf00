"""``hydra/sweeper=kleinstadt`` (the default in configs/config.yaml): a sweep that can resume.

Like Hydra's basic sweeper it runs the cartesian product of the swept values; in addition:

- **Resume.** Run the same command into the same ``hydra.sweep.dir`` again and the jobs whose
  folder holds a complete run of the same configuration are skipped; failed and unfinished
  ones run again in their folder; new jobs get numbers after the old ones (never a number
  already used, so folder prefixes do not collide). ``jobs.json`` lists every job planned in
  the folder (:mod:`sim.sweep`); an earlier ``multirun.yaml`` is kept as ``multirun.<n>.yaml``.
- **Failures.** A failed job is recorded (its summary.json says failed, the traceback is in
  its log) and the others go on. The sweep ends with one line, ``a completed, b failed, c
  skipped``, and exits with 1 if a job failed (2 if jobs only had invalid input).
- **Validation without composing every job.** Hydra's basic sweeper composes every job in
  this process before launching any (about 0.2 s each); this one composes the first job and
  one job for each value of a swept config group, which catches the same mistakes
  (an unknown option, an unknown key); a bad value in one job fails that job only.
"""

import sys
from pathlib import Path
from typing import Any

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.plugins import Plugins
from hydra.core.utils import JobStatus
from hydra.plugins.sweeper import Sweeper
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf

from hydra_plugins.kleinstadt.compose import JobComposer, resume_check
from hydra_plugins.kleinstadt.launcher import KleinstadtLauncher, Outcome
from sim.sweep import (
    MULTIRUN_FILE,
    Progress,
    keep_multirun_yaml,
    override_key,
    scan,
    write_jobs,
)


class KleinstadtSweeper(Sweeper):
    """See the module docstring."""

    def __init__(self, params: dict[str, str] | None = None) -> None:
        self.params = dict(params or {})
        self.hydra_context: HydraContext | None = None
        self.config: DictConfig | None = None
        self.launcher: Any = None

    def setup(
        self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig
    ) -> None:
        self.hydra_context = hydra_context
        self.config = config
        self.launcher = Plugins.instance().instantiate_launcher(
            hydra_context=hydra_context, task_function=task_function, config=config
        )

    def jobs(self, arguments: list[str]) -> list[list[str]]:
        """Every job's overrides (the cartesian product of the swept values), each once."""
        assert self.hydra_context is not None
        params = [f"{k}={v}" for k, v in self.params.items()] + list(arguments)
        parser = OverridesParser.create(config_loader=self.hydra_context.config_loader)
        product = BasicSweeper.split_arguments(parser.parse_overrides(params), None)[0]
        unique: dict[tuple[str, ...], list[str]] = {}
        for job in product:
            unique.setdefault(override_key(job), list(job))
        return list(unique.values())

    def validate(self, jobs: list[list[str]]) -> None:
        """Compose the first job and one per value of each swept config group (Hydra's errors
        are raised here, before anything runs)."""
        assert self.hydra_context is not None and self.config is not None
        if not jobs:
            from hydra.errors import ConfigCompositionException

            from sim.cli import remove_created_folders

            # The run-folder check made the sweep's folder (and multirun/<date>) before the
            # sweeper started; remove what it made, so nothing is left behind.
            remove_created_folders()

            raise ConfigCompositionException(
                "the sweep has no jobs: a swept value list is empty (e.g. seed=range(0,-3); "
                "range(start, stop) needs stop > start, as in seed=range(0,10))"
            )
        loader = self.hydra_context.config_loader
        composer = JobComposer(loader, self.config)
        seen: set[str] = set()
        for i, job in enumerate(jobs):
            parsed = composer.parser.parse_overrides(job)
            structural = {str(o.input_line) for o in parsed if composer._structural(o)}
            if i == 0 or structural - seen:
                loader.load_sweep_config(self.config, list(job))
                seen |= structural

    def sweep(self, arguments: list[str]) -> Any:
        assert self.config is not None and self.hydra_context is not None
        jobs = self.jobs(arguments)
        sweep_dir = Path(str(self.config.hydra.sweep.dir))
        self.validate(jobs)
        sweep_dir.mkdir(parents=True, exist_ok=True)
        state = scan(sweep_dir)
        keep_multirun_yaml(sweep_dir)
        OmegaConf.save(self.config, sweep_dir / MULTIRUN_FILE)

        numbers = state.planned_numbers()
        following = state.next_number()
        planned: list[tuple[int, list[str]]] = []
        for job in jobs:
            key = override_key(job)
            if key not in numbers:
                numbers[key] = following
                following += 1
            planned.append((numbers[key], job))
        index = {int(job["num"]): dict(job) for job in state.jobs}
        for num, job in planned:
            index[num] = {"num": num, "overrides": job, "outcome": "planned"}
        write_jobs(sweep_dir, list(index.values()))

        folders = state.by_overrides()
        earlier = sum(
            1
            for _, job in planned
            if (run := folders.get(override_key(job))) is not None and run.status == "complete"
        )
        note = (
            f"; {earlier} already complete (skipped if their configuration is unchanged)"
            if earlier
            else ""
        )
        print(f"kleinstadt: sweep of {len(planned)} jobs into {sweep_dir}{note}", flush=True)
        import sim.cli  # a failure from here on is a job's, not the command line's

        sim.cli._Task.started = True
        progress = Progress(len(planned))
        interrupted = None
        if isinstance(self.launcher, KleinstadtLauncher):
            outcomes = self.launcher.run_jobs(planned, progress)
            interrupted = self.launcher.interrupted
        else:
            outcomes = self._with_other_launcher(planned, folders, progress)
        for outcome in outcomes:
            index[outcome.num].update(
                outcome=outcome.outcome, folder=outcome.folder, message=outcome.message
            )
        write_jobs(sweep_dir, list(index.values()))
        print(progress.final_line(), flush=True)
        if interrupted is not None:
            print(
                "kleinstadt: interrupted; no worker is left running. Run the same command "
                "again to resume (finished jobs are skipped).",
                file=sys.stderr,
                flush=True,
            )
            sys.exit(128 + interrupted)
        failed = [o for o in outcomes if o.outcome == "failed"]
        for outcome in failed[:5]:
            where = outcome.folder or " ".join(outcome.overrides)
            print(f"kleinstadt: failed: {where}: {outcome.message}", file=sys.stderr)
        if failed:
            sys.exit(1 if any(o.exit_code != 2 for o in failed) else 2)
        return outcomes

    def _with_other_launcher(
        self, planned: list[tuple[int, list[str]]], folders: dict[Any, Any], progress: Progress
    ) -> list[Outcome]:
        """Another launcher (joblib, submitit, Ray): check resumed folders here, then launch
        each run of consecutive job numbers; progress per batch."""
        assert self.hydra_context is not None and self.config is not None
        composer = JobComposer(self.hydra_context.config_loader, self.config)
        outcomes: list[Outcome] = []
        to_run: list[tuple[int, list[str]]] = []
        for num, job in planned:
            run = folders.get(override_key(job))
            if run is not None:
                decision, why = resume_check(composer.compose(job, num), run.path)
                if decision != "run":
                    outcome = "skipped" if decision == "skip" else "failed"
                    outcomes.append(Outcome(num, job, outcome, run.path.name, why, 2))
                    progress.finished(outcome, run.path.name)
                    continue
            to_run.append((num, job))
        to_run.sort()
        batches: list[list[tuple[int, list[str]]]] = []
        for item in to_run:
            if batches and batches[-1][-1][0] + 1 == item[0]:
                batches[-1].append(item)
            else:
                batches.append([item])
        for batch in batches:
            returns = self.launcher.launch([job for _, job in batch], initial_job_idx=batch[0][0])
            for (num, job), ret in zip(batch, returns, strict=True):
                ok = ret.status == JobStatus.COMPLETED
                error = "" if ok else str(ret._return_value)
                folder = (
                    Path(str(ret.working_dir or "")).name
                    if ret.hydra_cfg is None
                    else (Path(str(ret.hydra_cfg.hydra.runtime.output_dir)).name)
                )
                code = getattr(ret._return_value, "exit_code", 1)
                outcomes.append(
                    Outcome(num, job, "completed" if ok else "failed", folder, error, code)
                )
                progress.finished("completed" if ok else "failed", folder)
        return outcomes
