"""A job's configuration, composed once per choice of config groups and then copied.

Hydra composes every job of a sweep from scratch (defaults list, config files, the schema):
about 0.2 s of a core per job, as long as a fifth of a 30-year run. A sweep's jobs differ
mostly in values (``seed=3``), rarely in config groups (``town=central``). So the
:class:`JobComposer` lets Hydra compose one base configuration per distinct set of group
choices (and of ``+``/``~``/``hydra.*`` overrides, which change the structure), and for each
job copies the base and applies the job's value overrides with Hydra's own override code.
The result is the configuration Hydra composes (tests/test_sweep.py compares them).
"""

from pathlib import Path
from typing import Any

from hydra._internal.config_loader_impl import ConfigLoaderImpl, get_overrides_dirname
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override
from omegaconf import DictConfig, OmegaConf, open_dict

from sim.cli import resolved_container
from sim.sweep import config_hash, read_summary


class JobComposer:
    """Compose jobs' configurations from the sweep's master configuration (cached bases)."""

    def __init__(self, config_loader: Any, master: DictConfig) -> None:
        self.loader = config_loader
        self.master = master
        self.parser = OverridesParser.create(config_loader=config_loader)
        self.bases: dict[tuple[str, ...], DictConfig] = {}

    def _structural(self, override: Override) -> bool:
        return (
            override.is_hydra_override()
            or override.is_add()
            or override.is_force_add()
            or override.is_delete()
            or override.package is not None
            or self.loader.repository.group_exists(override.key_or_group)
        )

    def compose(self, overrides: list[str], num: int) -> DictConfig:
        """The job's full configuration (with the ``hydra`` node) as Hydra would compose it."""
        parsed = self.parser.parse_overrides(list(overrides))
        fixed = [o for o in parsed if self._structural(o)]
        values = [o for o in parsed if not self._structural(o)]
        key = tuple(str(o.input_line) for o in fixed)
        base = self.bases.get(key)
        if base is None:
            base = self.loader.load_sweep_config(self.master, list(key))
            self.bases[key] = base
        cfg = base.copy()
        ConfigLoaderImpl._apply_overrides_to_config(values, cfg)
        task = [o for o in parsed if not o.is_hydra_override()]
        named = cfg.hydra.job.config.override_dirname
        with open_dict(cfg.hydra):
            cfg.hydra.overrides.task = [str(o.input_line) for o in task]
            cfg.hydra.job.override_dirname = get_overrides_dirname(
                overrides=task,
                kv_sep=named.kv_sep,
                item_sep=named.item_sep,
                exclude_keys=named.exclude_keys,
            )
            cfg.hydra.job.id = f"{cfg.hydra.job.name}_{num}"
            cfg.hydra.job.num = num
        OmegaConf.copy_cache(from_config=self.master, to_config=cfg)
        return cfg


def resume_check(cfg: DictConfig, folder: Path) -> tuple[str, str]:
    """What to do with a job whose run folder exists: ``("skip", "")`` when it holds a
    complete run of the same configuration (summary.json's ``config_hash``), ``("conflict",
    why)`` when it holds a complete run of another configuration (never overwritten), and
    ``("run", "")`` otherwise (no outputs, or a failed or unfinished run: run it again)."""
    summary = read_summary(folder)
    if summary is None or summary.get("status") != "complete":
        return "run", ""
    task = {k: v for k, v in resolved_container(cfg).items() if k != "hydra"}
    if summary.get("config_hash") == config_hash(task):
        return "skip", ""
    return "conflict", (
        f"{folder} holds a complete run of another configuration (config_hash "
        f"{summary.get('config_hash')}); it is not overwritten. Run the sweep into another "
        "folder (hydra.sweep.dir=...), or remove that run folder to run the job again."
    )
