"""Command line: ``python -m sim`` / ``kleinstadt``. The only module that imports Hydra.

Composes the Hydra config (configs/config.yaml and its groups), turns it into the typed
:class:`~sim.config.Config` (which validates every field), runs the simulation and writes the
outputs into Hydra's run directory. Invalid input stops the run before year 1 with a message
that names the field, the value and what is allowed, removes the run directory Hydra had
created, and exits with status 2.
"""

from __future__ import annotations

import difflib
import logging
import shutil
import sys
from pathlib import Path

import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim.config import Config, ConfigError
from sim.run import run_simulation, summary_table, write_outputs
from sim.town import config_dir

EXIT_INVALID_CONFIG = 2


ConfigStore.instance().store(name="config_schema", node=Config)


def to_config(cfg: DictConfig) -> Config:
    """The typed, validated Config of a composed Hydra config (raises ConfigError).

    Keys the schema does not know (e.g. a misspelling added with ``+``) are an error, not
    silently ignored.
    """
    _reject_unknown_keys(cfg, OmegaConf.structured(Config), "")
    return OmegaConf.to_object(cfg)  # type: ignore[return-value]


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


def _policy_label(config: Config) -> str:
    """The policy's name, with levers enabled on the command line beyond it."""
    name = config.policy.name
    extra = [lever for lever in config.policy.levers() if lever != name]
    if not extra or name.startswith("all_"):
        return name
    return f"{name} + {', '.join(extra)}"


def _ignored_town_overrides(overrides: list[str]) -> list[str]:
    """Command-line ``town.*`` overrides that a ``town.file`` replaces (all but the file)."""
    keys = [o.split("=", 1)[0].lstrip("+~") for o in overrides]
    return [
        o
        for o, k in zip(overrides, keys, strict=True)
        if (k == "town" or k.startswith("town.")) and k != "town.file"
    ]


def _remove_run_dir(path: Path) -> None:
    """Remove a run directory that holds nothing but what Hydra wrote before the run."""
    expected = {".hydra", "kleinstadt.log"}
    if path.is_dir() and {p.name for p in path.iterdir()} <= expected:
        shutil.rmtree(path, ignore_errors=True)


@hydra.main(config_path=str(config_dir()), config_name="config", version_base="1.3")
def _main(cfg: DictConfig) -> None:
    # Hydra sets the root logger to INFO; Mesa logs every step and matplotlib its font cache.
    for noisy in ("MESA", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    try:
        config = to_config(cfg)
        result = run_simulation(config)
    except ConfigError as err:
        _remove_run_dir(out_dir)
        print(f"kleinstadt: invalid configuration: {err}", file=sys.stderr)
        sys.exit(EXIT_INVALID_CONFIG)
    if config.town.file:
        shutil.copyfile(config.town.file, out_dir / "town_file.yaml")
        ignored = _ignored_town_overrides(HydraConfig.get().overrides.task)
        if ignored:
            print(
                f"kleinstadt: note: town.file supplies the whole town; ignored: {', '.join(ignored)}",
                file=sys.stderr,
            )
    write_outputs(result, out_dir)
    OmegaConf.save(OmegaConf.structured(result.model.town.config), out_dir / "town.yaml")
    table = summary_table(result.metrics)
    summary = result.summary
    print(
        f"\nkleinstadt: {summary['town']}, policy {_policy_label(config)}, seed {config.seed}, {config.years} year{'s' if config.years != 1 else ''} ({summary['wall_seconds']:.1f} s)"
    )
    print(table.to_string())
    print(
        f"Population {summary['population_start']} -> {summary['population_end']} ({summary['population_change_pct']:+.1f} %), median age {summary['median_age_start']:.0f} -> {summary['median_age_end']:.0f}"
    )
    print(f"Outputs: {out_dir}")


def main() -> None:
    """Entry point of ``python -m sim`` and the ``kleinstadt`` console script."""
    _main()


if __name__ == "__main__":
    main()
