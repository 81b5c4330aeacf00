"""``kleinstadt report``: parse the command line, compose one Config per policy, run, write.

    kleinstadt report town=very_peripheral 'policies=[baseline,r4_municipal_resources]' \\
        seeds=2 years=5 out=DIR

Arguments are ``key=value``: ``policies`` (a list; the baseline is added first if missing),
``seeds`` (a number N for seeds 0..N-1, or a list ``[3,5,8]``), ``out`` (a new or empty
folder), ``jobs`` (worker processes, default: up to 2, the cores available), and any
override a single run takes (``town=...`` or ``town.file=...``, ``years=...``,
``shock=...``, ``shock.year=...``, a parameter such as ``migration.qol_gap_sensitivity=2``),
composed through the same Hydra configs as ``python -m sim``. Invalid input: one message,
exit status 2, nothing written. The report is built in a hidden folder beside ``out`` and
renamed into place when complete.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import time
from pathlib import Path

from sim.config import Config, ConfigError

EXIT_FAILED = 1
EXIT_INVALID = 2
OWN_KEYS = ("policies", "seeds", "out", "jobs")
USAGE = (
    "usage: kleinstadt report town=NAME|town.file=FILE 'policies=[baseline,POLICY,...]' "
    "seeds=N years=N out=FOLDER [shock=KIND] [jobs=N] [other overrides]"
)


SEVERAL = {"seed": ("seeds", "seeds=10"), "policy": ("policies", "policies=[baseline,broadband]")}
"""Settings of one run that the report takes as several: the key it wants, an example."""


class ReportInputError(Exception):
    """Invalid input to the report (the message says what and what is allowed)."""


def _list(value: str) -> list[str]:
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    return [v.strip().strip("'\"") for v in value.split(",") if v.strip()]


def parse(args: list[str]) -> tuple[dict[str, str], list[str]]:
    """The report's own settings and the overrides for the runs."""
    own: dict[str, str] = {}
    overrides: list[str] = []
    for arg in args:
        if "=" not in arg or arg.startswith("-"):
            raise ReportInputError(f"{arg!r} is not key=value. {USAGE}")
        key = arg.split("=", 1)[0].lstrip("+~")
        if key in OWN_KEYS:
            if key in own:
                raise ReportInputError(f"{key} is given twice")
            own[key] = arg.split("=", 1)[1]
        elif key in SEVERAL:
            plural, example = SEVERAL[key]
            raise ReportInputError(
                f"{arg}: the report runs several; give {plural}= instead (e.g. {example})"
            )
        elif key.startswith("hydra"):
            raise ReportInputError(f"{arg}: the report does not use Hydra's own settings")
        else:
            overrides.append(arg)
    for key in ("policies", "seeds", "out"):
        if key not in own:
            raise ReportInputError(f"{key}= is missing. {USAGE}")
    return own, overrides


def seeds_of(value: str) -> list[int]:
    """``N`` (seeds 0..N-1) or a list of seeds."""
    try:
        if value.strip().startswith("["):
            seeds = [int(v) for v in _list(value)]
        else:
            seeds = list(range(int(value)))
    except ValueError:
        raise ReportInputError(
            f"seeds={value!r}: a whole number of seeds (e.g. seeds=10) or a list (seeds=[0,4,7])"
        ) from None
    if not seeds or min(seeds) < 0 or len(set(seeds)) != len(seeds):
        raise ReportInputError(
            f"seeds={value!r}: at least one seed, none negative, none twice "
            "(a paired comparison with 2 or more seeds gives confidence intervals)"
        )
    return seeds


def policies_of(value: str) -> tuple[list[str], list[str]]:
    """The policies (baseline first) and notes."""
    from sim.town import config_dir

    policies = _list(value)
    known = sorted(p.stem for p in (config_dir() / "policy").glob("*.yaml"))
    unknown = [p for p in policies if p not in known]
    if not policies or unknown:
        raise ReportInputError(
            f"policies={value!r}: {'unknown policy ' + ', '.join(unknown) if unknown else 'no policy'}; "
            f"known: {', '.join(known)}"
        )
    if len(set(policies)) != len(policies):
        raise ReportInputError(f"policies={value!r}: a policy is named twice")
    notes = []
    if "baseline" not in policies:
        notes.append("the baseline was added: every policy is compared with it on the same seeds")
    return ["baseline", *[p for p in policies if p != "baseline"]], notes


def compose(overrides: list[str]) -> Config:
    """The typed Config of ``python -m sim OVERRIDES`` (Hydra's compose; raises ConfigError or
    ReportInputError)."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from sim.cli import to_config
    from sim.town import config_dir

    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
            cfg = hydra_compose(config_name="config", overrides=overrides)
    except ConfigError:
        raise
    except Exception as err:  # Hydra: unknown group option, unparsable override, wrong type
        from sim.cli import unknown_override_hints

        # Hydra suggests "+key" for an unknown key, which would add it: name the nearest
        # known settings instead, as python -m sim does.
        hints = unknown_override_hints(overrides)
        message = str(err).split("\nConfig search path")[0].strip()
        raise ReportInputError(
            "; ".join(hints) if hints else f"invalid override: {message}"
        ) from None
    finally:
        GlobalHydra.instance().clear()
    return to_config(cfg)


def out_folder(value: str) -> Path:
    """The report folder: new or empty (never another report's or run's)."""
    out = Path(value)
    if out.exists() and not out.is_dir():
        raise ReportInputError(f"out={value}: {os.path.abspath(out)} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()):
        raise ReportInputError(
            f"out={value}: {os.path.abspath(out)} is not empty; a report never writes into a "
            "folder that holds other files. Choose a new folder or remove this one."
        )
    parent = out.resolve().parent
    if not parent.is_dir():
        raise ReportInputError(f"out={value}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise ReportInputError(f"out={value}: cannot write into {parent}")
    return out


def _jobs(value: str | None) -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if value is None:
        return max(1, min(2, cores or 1))
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if not 1 <= jobs <= 64:
        raise ReportInputError(f"jobs={value!r}: a whole number of worker processes, 1..64")
    return jobs


def prepare(args: list[str]):
    """Everything checked before any run: policies, seeds, configs per policy, folder, town."""
    own, overrides = parse(args)
    policies, notes = policies_of(own["policies"])
    seeds = seeds_of(own["seeds"])
    out = out_folder(own["out"])
    jobs = _jobs(own.get("jobs"))
    from sim.town import resolve_town

    configs: dict[str, Config] = {}
    for policy in policies:
        config = compose(
            [*overrides, f"policy={policy}", "output.progress=false", "output.plots=false"]
        )
        town = resolve_town(config.town)
        config.check_town(town)
        configs[policy] = config
    return policies, seeds, configs, out, jobs, overrides, notes, town


def main(args: list[str]) -> int:
    """``kleinstadt report ...``; returns the exit status."""
    started = time.perf_counter()
    try:
        policies, seeds, configs, out, jobs, overrides, notes, town = prepare(args)
    except ReportInputError as err:
        print(f"kleinstadt report: {err}", file=sys.stderr)
        return EXIT_INVALID
    except ConfigError as err:
        print(f"kleinstadt report: invalid configuration: {err}", file=sys.stderr)
        return EXIT_INVALID
    for note in notes:
        print(f"kleinstadt report: note: {note}", file=sys.stderr)
    from sim.report.document import write_report
    from sim.report.runner import ReportRunFailed, run_all

    n = len(policies) * len(seeds)
    print(
        f"kleinstadt report: {town.name}, {len(policies)} policies x {len(seeds)} seeds = {n} runs "
        f"of {configs['baseline'].years} years on {jobs} process{'es' if jobs > 1 else ''}",
        file=sys.stderr,
    )
    try:
        runs = run_all(configs, seeds, jobs)
    except ReportRunFailed as err:
        print(f"kleinstadt report: a run failed, no report written: {err}", file=sys.stderr)
        return EXIT_FAILED
    run_seconds = time.perf_counter() - started
    parent = out.resolve().parent
    # Not mkdtemp, which makes the folder private (0700): a report is made to be shared, so
    # it gets the permissions of any new folder (the umask applies).
    tmp = parent / f".{out.name}.{secrets.token_hex(6)}.tmp"
    try:
        tmp.mkdir()
    except OSError as err:
        print(f"kleinstadt report: cannot write the report: {err}", file=sys.stderr)
        return EXIT_INVALID
    try:
        write_report(tmp, runs, policies, seeds, configs, town, overrides, run_seconds, jobs)
        if out.is_dir():
            out.rmdir()  # empty (checked before the runs)
        os.replace(tmp, out)
    except BaseException as err:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(err, OSError):
            print(f"kleinstadt report: cannot write the report: {err}", file=sys.stderr)
            return EXIT_INVALID
        raise
    total = time.perf_counter() - started
    print(
        f"kleinstadt report: {out / 'report.html'} ({n} runs in {run_seconds:.0f} s, "
        f"report written after {total:.0f} s)",
        file=sys.stderr,
    )
    return 0
