"""The config nodes of ``hydra/sweeper=kleinstadt`` and ``hydra/launcher=kleinstadt``.

(No ``from __future__ import annotations`` here or in the plugin modules: Hydra executes them
outside ``sys.modules`` when it scans for plugins, where string annotations break dataclasses.)
"""

from dataclasses import dataclass

from hydra.core.config_store import ConfigStore


@dataclass
class KleinstadtSweeperConf:
    _target_: str = "hydra_plugins.kleinstadt.sweeper.KleinstadtSweeper"
    params: dict[str, str] | None = None


@dataclass
class KleinstadtLauncherConf:
    _target_: str = "hydra_plugins.kleinstadt.launcher.KleinstadtLauncher"
    n_jobs: int = 1  # -1: all local cores; 1: one job after another, in the sweep's process


ConfigStore.instance().store(
    group="hydra/sweeper", name="kleinstadt", node=KleinstadtSweeperConf, provider="kleinstadt"
)
ConfigStore.instance().store(
    group="hydra/launcher", name="kleinstadt", node=KleinstadtLauncherConf, provider="kleinstadt"
)
