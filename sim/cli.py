"""Command line: ``python -m sim`` / ``kleinstadt``. The only module that imports Hydra.

Composes the Hydra config (configs/config.yaml and its groups), turns it into the typed
:class:`~sim.config.Config` (which validates every field), runs the simulation and writes the
outputs into Hydra's run directory. Invalid input stops the run before year 1 with a message
that names the field, the value and what is allowed, removes the run directory Hydra had
created, and exits with status 2. A run folder that holds another run's outputs, is a file or
cannot be written is refused (status 2) by :class:`RunFolderGuard`, a Hydra callback that runs
before Hydra writes anything. Any other error is a failed run: the traceback goes to
kleinstadt.log, ``summary.json`` says ``"status": "failed"`` (with the year reached and the
error), and the exit status is 1. In a sweep (``-m``) a failed or invalid job raises
:class:`JobFailed` instead of exiting, so the other jobs go on (hydra_plugins/kleinstadt), and
the job's summary table goes to its log only. ``kleinstadt collect SWEEP_DIR`` is
:mod:`sim.collect`.
"""

from __future__ import annotations

import difflib
import functools
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.experimental.callback import Callback
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from sim.config import Config, ConfigError
from sim.sweep import config_hash, is_sweep
from sim.town import config_dir

if TYPE_CHECKING:  # sim.run (the model, Mesa, SciPy) is imported when a run starts: a bad
    from sim.run import RunResult  # command line or `kleinstadt collect` does not wait for it

EXIT_FAILED = 1
EXIT_INVALID_CONFIG = 2  # also: a run folder that is another run's or cannot be written

log = logging.getLogger(__name__)


ConfigStore.instance().store(name="config_schema", node=Config)


class JobFailed(Exception):
    """A job of a sweep failed (exit_code 1) or had invalid input (2); recorded, not fatal."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code

    def __reduce__(self) -> tuple[Any, ...]:  # survives the trip back from a worker process
        return (JobFailed, (str(self), self.exit_code))


def _in_sweep() -> bool:
    return HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN


def _exit(code: int, message: str) -> None:
    """End a run with ``code``; in a sweep, end only this job (the others go on)."""
    if _in_sweep():
        raise JobFailed(message, code)
    sys.exit(code)


def resolved_container(cfg: DictConfig) -> dict[str, Any]:
    """The configuration as plain data with interpolations resolved (the ``hydra`` node, whose
    interpolations need a running job, is left out)."""
    out: dict[str, Any] = {}
    for key in cfg:
        if key == "hydra":
            continue
        node = cfg._get_node(key)
        out[str(key)] = (
            OmegaConf.to_container(node, resolve=True)
            if OmegaConf.is_config(node) and not OmegaConf.is_missing(cfg, key)
            else cfg[key]
        )
    return out


def _identify(summary: dict[str, Any], cfg: DictConfig) -> dict[str, Any]:
    """Add the run's overrides and the fingerprint of its configuration to its summary (a
    resumed sweep skips a job whose folder holds a complete run with the same fingerprint)."""
    summary["overrides"] = list(HydraConfig.get().overrides.task)
    summary["config_hash"] = config_hash(resolved_container(cfg))
    return summary


def to_config(cfg: DictConfig) -> Config:
    """The typed, validated Config of a composed Hydra config (raises ConfigError).

    Keys the schema does not know (e.g. a misspelling added with ``+``) are an error, not
    silently ignored.
    """
    _reject_unknown_keys(cfg, _schema(), "")
    return OmegaConf.to_object(cfg)  # type: ignore[return-value]


@functools.cache
def _schema() -> DictConfig:
    """The Config schema as an OmegaConf node, built once (0.15 s: most of a sweep job's
    overhead when built per job); only read."""
    return OmegaConf.structured(Config)


def _reject_unknown_keys(node: DictConfig, schema: DictConfig, path: str) -> None:
    if not OmegaConf.is_dict(schema) or OmegaConf.get_type(schema) in (dict, None):
        return  # free-form mappings (weights, age bands) are checked by the config itself
    for key in node:
        here = f"{path}.{key}" if path else str(key)
        if key not in schema:
            known = [str(k) for k in schema]
            close = difflib.get_close_matches(str(key), known, n=3)
            hint = (
                f"Did you mean {', '.join(close)}?"
                if close
                else f"Known keys here: {', '.join(known)}."
            )
            raise ConfigError(
                here,
                OmegaConf.to_container(node)[key] if OmegaConf.is_dict(node) else key,
                "a setting the model knows",
                hint,
            )
        child, child_schema = node[key], schema[key]
        if OmegaConf.is_dict(child) and OmegaConf.is_dict(child_schema):
            _reject_unknown_keys(child, child_schema, here)


def _override_key(override: str) -> str:
    """The key of a command-line override (``+a.b=1`` -> ``a.b``)."""
    return override.split("=", 1)[0].lstrip("+~")


def unknown_override_hints(args: list[str]) -> list[str]:
    """For each ``key.path=value`` override whose key the model does not know, a hint with the
    nearest known names (Hydra's own message suggests ``+key`` instead, which would add it)."""
    hints = []
    for arg in args:
        if "=" not in arg or arg[0] in "+~-" or arg.startswith("hydra"):
            continue
        parts = _override_key(arg).split(".")
        node = _schema()
        for depth, part in enumerate(parts):
            if not OmegaConf.is_dict(node) or OmegaConf.get_type(node) in (dict, None):
                break  # free-form mappings and lists: the config checks them
            if part not in node:
                here = ".".join(parts[: depth + 1])
                known = [str(k) for k in node]
                close = difflib.get_close_matches(part, known, n=3)
                where = ".".join(parts[:depth])
                hint = (
                    "did you mean "
                    + ", ".join(f"{where + '.' if where else ''}{c}" for c in close)
                    + "?"
                    if close
                    else f"known keys{' of ' + where if where else ''}: {', '.join(known)}."
                )
                hints.append(f"{here} is not a setting of the model; {hint}")
                break
            node = node[part]
    return hints


def _policy_label(config: Config) -> str:
    """The policy's name, with levers enabled on the command line beyond it."""
    name = config.policy.name
    extra = [lever for lever in config.policy.levers() if lever != name]
    if not extra or name.startswith("all_"):
        return name
    return f"{name} + {', '.join(extra)}"


def _shock_label(config: Config) -> str:
    """``no shock`` or ``shock gp_retires in year 5``."""
    kind = config.shock.kind.value
    return "no shock" if kind == "none" else f"shock {kind} in year {config.shock.year}"


HEADER_KEYS = ("town", "policy", "shock", "seed", "years")
"""Overrides the summary's first line already shows."""


def _settings_line(overrides: list[str]) -> list[str]:
    """``settings: key=value, ...`` for the command line's other overrides (none: no line), so
    the console confirms what the run changed."""
    shown = [
        o.lstrip("+")
        for o in overrides
        if _override_key(o) not in HEADER_KEYS
        and not _override_key(o).startswith(("output.", "hydra."))
    ]
    return [f"settings: {', '.join(shown)}"] if shown else []


def _ignored_town_overrides(overrides: list[str]) -> list[str]:
    """Command-line ``town.*`` overrides that a ``town.file`` replaces (all but the file)."""
    keys = [_override_key(o) for o in overrides]
    return [
        o
        for o, k in zip(overrides, keys, strict=True)
        if (k == "town" or k.startswith("town.")) and k != "town.file"
    ]


def _remove_run_dir(path: Path) -> None:
    """Remove a run directory that holds nothing but what Hydra wrote before the run, and the
    folders above it that it leaves empty (``outputs/<date>``), up to the working directory."""
    expected = {".hydra", "kleinstadt.log", RUN_LOCK}
    if not (path.is_dir() and {p.name for p in path.iterdir()} <= expected):
        return
    _close_log_files_in(path)
    shutil.rmtree(path, ignore_errors=True)
    cwd = Path.cwd().resolve()
    parent = path.resolve().parent
    while parent != cwd and cwd in parent.parents:
        try:
            parent.rmdir()  # only if empty
        except OSError:
            break
        parent = parent.parent


def _close_log_files_in(path: Path) -> None:
    """Detach and close the logging file handlers (Hydra's job log) that write into ``path``:
    a removed run folder must not leave a handler that, at the next log record of this
    process, tries to reopen a file in a folder that no longer exists."""
    folder = path.resolve()
    for logger in (logging.getLogger(), *logging.Logger.manager.loggerDict.values()):
        if not isinstance(logger, logging.Logger):
            continue
        for handler in list(logger.handlers):
            if (
                isinstance(handler, logging.FileHandler)
                and folder in Path(handler.baseFilename).resolve().parents
            ):
                logger.removeHandler(handler)
                handler.close()


# -- the run folder: never another run's, and writable ------------------------------------------

OUTPUT_FILES = ("summary.json", "*.parquet", "*.png", "town.yaml", "town_file.yaml")


def run_outputs(folder: Path, recursive: bool = False) -> list[Path]:
    """The outputs of a run (summary, tables, figures, town) in ``folder`` (and below)."""
    if not folder.is_dir():
        return []
    find = folder.rglob if recursive else folder.glob
    found = {p for pattern in OUTPUT_FILES for p in find(pattern) if p.is_file()}
    first = ("summary.json", "metrics.parquet")
    return sorted(
        found, key=lambda p: (p.name not in first, first.index(p.name) if p.name in first else 0, p)
    )


def check_run_folder(folder: Path, key: str, recursive: bool = False) -> str | None:
    """Why a run may not write into ``folder`` (None: it may). Creates the folder.

    Refused: a folder that holds another run's outputs (also in its subfolders when
    ``recursive``, for a sweep), a path that is a file, a folder that cannot be written.
    """
    shown = os.path.abspath(folder)
    if folder.exists() and not folder.is_dir():
        return f"cannot write outputs to {shown}: it is a file, not a folder. Choose another {key}, or remove the file."
    found = run_outputs(folder, recursive)
    if found:
        names = ", ".join(str(p.relative_to(folder)) for p in found[:3])
        more = f" and {len(found) - 3} more" if len(found) > 3 else ""
        return (
            f"{shown} already holds the outputs of another run ({names}{more}); a run never "
            f"writes into another run's folder. Choose another folder ({key}=...), or remove "
            "this one."
        )
    missing = [f for f in (folder, *folder.parents) if not f.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as err:
        return f"cannot write outputs to {shown}: {err.strerror or err}"
    CREATED_FOLDERS[:] = missing
    return None


CREATED_FOLDERS: list[Path] = []
"""The folders the last ``check_run_folder`` created, deepest first: a command refused after
the check (a sweep without jobs) removes them again, so nothing is left behind."""


def remove_created_folders() -> None:
    """Remove the folders ``check_run_folder`` created, deepest first, while they are empty."""
    for folder in CREATED_FOLDERS:
        try:
            folder.rmdir()
        except OSError:
            break
    CREATED_FOLDERS.clear()


RUN_LOCK = ".kleinstadt.lock"
"""Present in a run folder while a run writes into it (removed when the run ends)."""


def lock_run_folder(folder: Path) -> str | None:
    """Claim ``folder`` for this run (None), or say that another run is using it: two runs
    started at the same moment into the same folder both pass the outputs check."""
    try:
        handle = os.open(folder / RUN_LOCK, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return (
            f"{os.path.abspath(folder)} is in use by another run ({RUN_LOCK} is there); a run "
            "never writes into another run's folder. Choose another folder (hydra.run.dir=...), "
            f"or remove {RUN_LOCK} if no run is using it."
        )
    except OSError as err:
        return f"cannot write outputs to {os.path.abspath(folder)}: {err.strerror or err}"
    os.write(handle, f"{os.getpid()}\n".encode())
    os.close(handle)
    return None


class RunFolderGuard(Callback):
    """Hydra callback (configs/config.yaml, ``hydra.callbacks``): checks the run folder first.

    ``on_run_start``/``on_multirun_start`` run before Hydra creates the folder, opens
    kleinstadt.log and saves ``.hydra/``, so a refused folder is left exactly as it was.
    """

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        folder = Path(config.hydra.run.dir)
        _refuse(check_run_folder(folder, "hydra.run.dir"))
        _refuse(lock_run_folder(folder))

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        folder = Path(config.hydra.sweep.dir)
        if is_sweep(folder):  # a kleinstadt sweep's folder: resumed, each job checks its folder
            return
        _refuse(check_run_folder(folder, "hydra.sweep.dir", True))


def _refuse(problem: str | None) -> None:
    if problem:
        print(f"kleinstadt: {problem}", file=sys.stderr)
        sys.exit(EXIT_INVALID_CONFIG)  # SystemExit passes through Hydra's callback wrapper


# -- failures -------------------------------------------------------------------------------------


def _log_traceback(err: BaseException, message: str) -> list[str]:
    """The traceback into kleinstadt.log only (the console gets one line); the files written."""
    return _log_to_files(message, logging.ERROR, (type(err), err, err.__traceback__))


def _log_to_files(message: str, level: int = logging.INFO, exc_info: Any = None) -> list[str]:
    """A message into the log files only (not the console); the files written."""
    record = log.makeRecord(log.name, level, __file__, 0, "%s", (message,), exc_info)
    files = []
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler):
            handler.handle(record)
            files.append(handler.baseFilename)
    return files


def _unparsed_summary(cfg: DictConfig, err: BaseException) -> dict[str, Any]:
    """A failed summary when not even the Config could be built (from the raw Hydra config)."""
    select = functools.partial(OmegaConf.select, cfg, default=None, throw_on_missing=False)
    return {
        "town": select("town.name"),
        "seed": select("seed"),
        "years": select("years"),
        "shock": select("shock.kind"),
        "policy": select("policy.name"),
        "policy_levers": None,
        "wall_seconds": None,
        "status": "failed",
        "stage": "setup",
        "year_reached": None,
        "error_type": type(err).__name__,
        "error_message": str(err),
    }


def _fail(
    out_dir: Path,
    err: BaseException,
    message: str,
    summary: dict[str, Any],
    partial: RunResult | None = None,
    exit_code: int = EXIT_FAILED,
    cfg: DictConfig | None = None,
) -> None:
    """Record a failed run (traceback in the log, summary.json failed) and exit."""
    from sim.run import write_outputs, write_summary

    if cfg is not None:
        _identify(summary, cfg)
        if partial is not None:
            partial.summary = summary
    logs = _log_traceback(err, message)
    notes = [f"traceback in {', '.join(logs)}"] if logs else []
    done = False
    if partial is not None:  # the tables of the complete years are a bonus
        try:
            write_outputs(partial, out_dir, plots=False)
            done = True
        except Exception:  # the failed summary below is what counts
            log.warning("the tables of the failed run could not be written", exc_info=True)
    try:
        if not done:
            write_summary(summary, out_dir)
        notes.append("summary.json says failed")
    except OSError as write_err:
        notes.append(f"no failed summary written: {write_err.strerror or write_err}")
    note = ", ".join(notes)
    print(f"kleinstadt: {message} ({note})", file=sys.stderr)
    _exit(exit_code, message)


def _write_run(config: Config, result: RunResult, out_dir: Path) -> None:
    """The run's outputs; summary.json last."""
    from sim.run import write_outputs

    if config.town.file:
        shutil.copyfile(config.town.file, out_dir / "town_file.yaml")
    (out_dir / "town.yaml").write_text(_town_yaml(result.model.town.config), encoding="utf-8")
    write_outputs(result, out_dir)


_TOWN_YAML: dict[str, str] = {}


def _town_yaml(town: Any) -> str:
    """town.yaml's text; the runs of a sweep mostly run the same town, so it is built once per
    distinct town (a tenth of a second each) and remembered by the town's repr."""
    key = repr(town)
    if key not in _TOWN_YAML:
        _TOWN_YAML.clear()  # one town at a time is enough
        _TOWN_YAML[key] = OmegaConf.to_yaml(OmegaConf.structured(town))
    return _TOWN_YAML[key]


@hydra.main(config_path=str(config_dir()), config_name="config", version_base="1.3")
def _main(cfg: DictConfig) -> None:
    _Task.started = True
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    try:
        _task(cfg, out_dir)
    finally:
        (out_dir / RUN_LOCK).unlink(missing_ok=True)  # the folder is free again


def _task(cfg: DictConfig, out_dir: Path) -> None:
    # Hydra sets the root logger to INFO; Mesa logs every step and matplotlib its font cache.
    for noisy in ("MESA", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from sim.run import RunFailed, failed_summary, run_simulation, summary_table

    config = None
    try:
        config = to_config(cfg)
        result = run_simulation(config)
    except ConfigError as err:
        _remove_run_dir(out_dir)
        print(f"kleinstadt: invalid configuration: {err}", file=sys.stderr)
        _exit(EXIT_INVALID_CONFIG, f"invalid configuration: {err}")
    except RunFailed as failed:
        _fail(out_dir, failed.error, str(failed), failed.summary, failed.partial_result(), cfg=cfg)
    except Exception as err:  # before year 1, not an invalid configuration
        summary = (
            failed_summary(config, err, "setup", None)
            if config is not None
            else _unparsed_summary(cfg, err)
        )
        message = f"run failed before year 1: {type(err).__name__}: {err}"
        _fail(out_dir, err, message, summary, cfg=cfg)
    if config.town.file:
        ignored = _ignored_town_overrides(HydraConfig.get().overrides.task)
        if ignored:
            print(
                f"kleinstadt: note: town.file supplies the whole town; ignored: {', '.join(ignored)}",
                file=sys.stderr,
            )
    summary = _identify(result.summary, cfg)
    try:
        _write_run(config, result, out_dir)
    except Exception as err:  # a full disk, a folder gone read-only, a figure
        failed = failed_summary(
            config, err, "outputs", config.years, summary["wall_seconds"], summary["town"]
        )
        if isinstance(err, OSError):
            message = f"cannot write outputs to {out_dir}: {err.strerror or err}"
            _fail(out_dir, err, message, failed, exit_code=EXIT_INVALID_CONFIG, cfg=cfg)
        message = f"writing the outputs failed: {type(err).__name__}: {err}"
        _fail(out_dir, err, message, failed, cfg=cfg)
    report = "\n".join(
        [
            f"\nkleinstadt: {summary['town']}, policy {_policy_label(config)}, {_shock_label(config)}, seed {config.seed}, {config.years} year{'s' if config.years != 1 else ''} ({summary['wall_seconds']:.1f} s)",
            *_settings_line(HydraConfig.get().overrides.task),
            summary_table(result.metrics).to_string(),
            f"Population {summary['population_start']} -> {summary['population_end']} ({summary['population_change_pct']:+.1f} %), median age {summary['median_age_start']:.0f} -> {summary['median_age_end']:.0f}",
            f"Outputs: {out_dir}",
        ]
    )
    if _in_sweep():  # one progress line per job on the console; the table in the job's log
        _log_to_files(report)
    else:
        print(report)


class _Task:
    """Whether the task function began (a Hydra error before it is a bad command line)."""

    started = False


PLANNER_COMMANDS = ("report", "new-town", "check-town")
REPORT_HELP = (
    "kleinstadt report: compare policies for one town over several seeds (paired by seed)\n"
    "and write an HTML report with tables, figures and CSV files into out=FOLDER.\n\n"
    "{usage}\n\n"
    "Example:\n"
    "  kleinstadt report town=very_peripheral 'policies=[baseline,r4_municipal_resources]' "
    "seeds=2 years=5 out=my_report\n"
    "Own town: town.file=mytown.yaml (make one with kleinstadt new-town). Any other setting\n"
    "of python -m sim applies to every run (python -m sim.config lists them)."
)


def _planner_command(name: str, args: list[str]) -> int:
    """``kleinstadt report ...`` (sim/report/), ``new-town FILE``, ``check-town FILE``
    (sim/owntown.py): subcommands that are not a single Hydra run."""
    if args in (["--help"], ["-h"]):
        from sim.owntown import CHECK_TOWN_USAGE, NEW_TOWN_USAGE
        from sim.report.command import USAGE

        helps = {
            "report": REPORT_HELP.format(usage=USAGE),
            "new-town": NEW_TOWN_USAGE,
            "check-town": CHECK_TOWN_USAGE,
        }
        print(helps[name])
        return 0
    if name == "report":
        from sim.report import main as report

        return report(args)
    from sim import owntown

    return owntown.new_town(args) if name == "new-town" else owntown.check_town(args)


def main() -> None:
    """Entry point of ``python -m sim`` and the ``kleinstadt`` console script.

    Hydra reports a command line it cannot compose (an unknown option of a config group, a
    value of the wrong type) and exits with 1 before the task starts; that is invalid input
    like any other, so the exit status becomes 2 (a run that fails exits with 1).
    """
    if sys.argv[1:2] == ["collect"]:  # kleinstadt collect SWEEP_DIR: one table per sweep
        from sim.collect import main as collect

        sys.exit(collect(sys.argv[2:]))
    if len(sys.argv) > 1 and sys.argv[1] in PLANNER_COMMANDS:  # report, new-town, check-town
        sys.exit(_planner_command(sys.argv[1], sys.argv[2:]))
    from sim.owntown import town_file_sweeps_one_town

    sys.argv[1:] = town_file_sweeps_one_town(sys.argv[1:])  # a town.file is one town
    _Task.started = False
    try:
        _main()
    except SystemExit as exit_:
        if exit_.code == 1 and not _Task.started:
            for hint in unknown_override_hints(sys.argv[1:]):
                print(f"kleinstadt: {hint}", file=sys.stderr)
            print("kleinstadt: invalid command line (see above); nothing was run.", file=sys.stderr)
            sys.exit(EXIT_INVALID_CONFIG)
        raise


if __name__ == "__main__":
    main()
