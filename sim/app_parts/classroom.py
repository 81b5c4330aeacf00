"""The model behind the classroom page: the town, shocks at a click, and its twin.

:class:`ClassroomModel` is a Mesa model that Mesa's SolaraViz builds from the page's controls
(town, seed, levers) and steps. It holds the town being shown (``main``, a
:class:`~sim.model.TownModel`) and, optionally, its twin: a second run of the same town with
the same seed, without the levers and without the shocks clicked. Randomness is keyed by
decision (sim/randomness.py), so the two runs stay paired and their difference is the effect
of the shock or the policy. A shock clicked on the page strikes at the start of the next
simulated year, at the point of the year where a configured shock strikes (sim/shocks.py).
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd
from omegaconf import OmegaConf

from sim.config import (
    LEVER_TYPES,
    SHOCK_TARGET,
    Config,
    ConfigError,
    LifeStage,
    PolicyConfig,
    ShockConfig,
    ShockKind,
    TownConfig,
    validate,
)
from sim.model import TownModel
from sim.shocks import Shocks
from sim.town import builtin_towns, config_dir, resolve_town

YEARS = 50  # the longest run the page offers (levers and shocks must fall within it)
DEFAULT_TOWN = "very_peripheral"

# Groups whose quality of life the page follows (the life stages, some merged)
QOL_GROUPS: dict[str, tuple[LifeStage, ...]] = {
    "children and pupils": (LifeStage.child, LifeStage.pupil),
    "students": (LifeStage.student,),
    "working here": (LifeStage.local_worker, LifeStage.remote_worker),
    "commuters": (LifeStage.commuter,),
    "not employed": (LifeStage.not_employed,),
    "retired": (LifeStage.retired,),
}


def lever_names() -> list[str]:
    """Every policy lever (from the policy config), in the config's order."""
    return list(LEVER_TYPES)


def lever_preset(name: str) -> Any:
    """A lever switched on with the values of its policy file (configs/policy/<name>.yaml),
    or with its defaults if there is no such file."""
    path = config_dir() / "policy" / f"{name}.yaml"
    schema = OmegaConf.structured(LEVER_TYPES[name])
    if path.is_file():
        preset = OmegaConf.load(path).get(name)
        if preset is not None:
            schema = OmegaConf.merge(schema, preset)
    lever = OmegaConf.to_object(schema)
    return dataclasses.replace(lever, enabled=True)


def lever_settings(name: str) -> list[dict[str, Any]]:
    """The settings of a lever a page can offer as sliders and checkboxes, generated from its
    config: name, type, the value of its policy file, and the range of its ``param()``
    (a cost's range is capped at ten times its preset value, at least 500,000 EUR)."""
    preset = lever_preset(name)
    settings = []
    for f in dataclasses.fields(preset):
        if f.name in ("enabled", "start_year"):
            continue
        value = getattr(preset, f.name)
        entry: dict[str, Any] = {"name": f.name, "value": value, "unit": f.metadata.get("unit")}
        if isinstance(value, bool):
            entry["type"] = "bool"
        elif isinstance(value, int | float):
            entry["type"] = "int" if isinstance(value, int) else "float"
            entry["min"], entry["max"] = f.metadata.get("min", 0), f.metadata.get("max", 1)
            if entry["unit"] == "EUR/yr":
                entry["max"] = min(entry["max"], max(10 * value, 500_000))
        else:
            continue  # dicts and lists stay as their policy file says
        settings.append(entry)
    return settings


def policy_of(
    levers: dict[str, bool],
    start_year: int = 1,
    settings: dict[str, dict[str, Any]] | None = None,
) -> PolicyConfig:
    """The policy of the levers switched on, each with its policy file's values changed by
    ``settings`` (lever -> {field: value}).

    Raises:
        ConfigError: a setting outside its range, or an unknown lever or field.
    """
    settings = settings or {}
    chosen = {}
    for name, on in levers.items():
        if not on or name not in LEVER_TYPES:
            continue
        lever = dataclasses.replace(lever_preset(name), start_year=start_year)
        changes = settings.get(name, {})
        known = {f.name for f in dataclasses.fields(lever)}
        for field_name in changes:
            if field_name not in known:
                raise ConfigError(
                    f"policy.{name}.{field_name}", changes[field_name], "a field of the lever"
                )
        chosen[name] = dataclasses.replace(lever, **changes)
    unknown = {name for name, on in levers.items() if on} - set(LEVER_TYPES)
    if unknown:
        raise ConfigError("policy", sorted(unknown), f"levers among {', '.join(LEVER_TYPES)}")
    name = "+".join(chosen) if chosen else "baseline"
    return PolicyConfig(name=name, **chosen)


def shock_preset(kind: ShockKind) -> ShockConfig:
    """The shock of its shock file (count, blocked years, place), or the defaults."""
    path = config_dir() / "shock" / f"{kind.value}.yaml"
    schema = OmegaConf.structured(ShockConfig)
    if path.is_file():
        schema = OmegaConf.merge(schema, OmegaConf.load(path))
    shock = OmegaConf.to_object(schema)
    return dataclasses.replace(shock, kind=kind)


def town_config(town: str) -> TownConfig:
    """A built-in town by name, or an own-town file by path."""
    if town in builtin_towns():
        return TownConfig(name=town)
    if Path(town).is_file():
        return TownConfig(file=town)
    raise ConfigError(
        "town", town, f"one of the built-in towns {', '.join(builtin_towns())}, or a town file"
    )


class ClickShocks(Shocks):
    """The configured shock plus the shocks clicked on the page, each in its own year."""

    def __init__(self, shocks: Shocks) -> None:
        super().__init__(shocks.config, shocks.town, shocks.services)
        self.blocked_until = shocks.blocked_until
        self.clicked: list[ShockConfig] = []

    def add(self, shock: ShockConfig) -> None:
        self.clicked.append(shock)

    def year(self, year: int) -> None:
        configured = self.config
        super().year(year)
        for shock in self.clicked:
            if shock.year == year and self.services.open_of(SHOCK_TARGET[shock.kind]):
                self.config = shock
                super().year(year)
        self.config = configured


class ClassroomModel(mesa.Model):
    """The town on the page and, if ``twin``, its twin without the levers and the shocks.

    Args:
        town: a built-in town (``central``, ``peripheral``, ``very_peripheral``, ``region``)
            or the path of an own-town file.
        seed: the seed of both runs.
        twin: also run the twin.
        lever_start: the year the levers start.
        neighbourly_help: ``qol.marginality_buffer`` of both runs (0 = off, the default): how
            much neighbours, family and friends fill in for a closed service (contested, so a
            setting of the town, not a lever; the twin has it too).
        settings: lever -> {field: value}, changes to the levers' policy-file values.
        **levers: ``<lever name>=True`` for each policy lever to use (sim/policies.py).
    """

    def __init__(
        self,
        town: str = DEFAULT_TOWN,
        seed: int = 0,
        twin: bool = True,
        lever_start: int = 1,
        neighbourly_help: float = 0.0,
        settings: dict[str, dict[str, Any]] | None = None,
        rng: Any = None,
        **levers: bool,
    ) -> None:
        super().__init__(rng=seed)
        self.town_name = town
        self.seed = int(seed)
        self.levers = {name: bool(on) for name, on in levers.items() if on}
        base = Config(years=YEARS, seed=self.seed, town=town_config(town))
        base.qol.marginality_buffer = float(neighbourly_help)
        validate(base)  # a value outside 0..1 is refused with its field
        self.neighbourly_help = base.qol.marginality_buffer
        self.lever_start = int(lever_start)
        self.settings = {k: dict(v) for k, v in (settings or {}).items()}
        policy = policy_of(self.levers, int(lever_start), self.settings)
        config = dataclasses.replace(base, policy=policy)
        config.check_town(resolve_town(config.town))  # as a run does (R6 needs a region)
        self.main = TownModel(config)
        self.main.shocks = ClickShocks(self.main.shocks)
        self.twin = TownModel(base) if twin else None
        self.shocks_clicked: list[tuple[int, ShockKind]] = []
        self.qol_history = {"main": [qol_by_group(self.main)], "twin": []}
        if self.twin is not None:
            self.qol_history["twin"].append(qol_by_group(self.twin))

    @property
    def year(self) -> int:
        return self.main.year

    @property
    def differs(self) -> bool:
        """The twin differs from the town shown (levers on, or a shock clicked)."""
        return bool(self.levers or self.shocks_clicked)

    def shock(self, kind: ShockKind | str) -> int:
        """Click a shock: it strikes at the start of the next year (returns that year), with
        the count and the blocked years of its shock file (configs/shock/<kind>.yaml).

        Raises:
            ConfigError: the town has no open provider of the kind the shock closes.
        """
        kind = ShockKind(kind)
        target = SHOCK_TARGET[kind]
        if not self.main.services.open_of(target):
            raise ConfigError(
                "shock", kind.value, f"a shock on a kind the town still has ({target.value})"
            )
        when = self.main.year + 1
        self.main.shocks.add(dataclasses.replace(shock_preset(kind), year=when))
        self.shocks_clicked.append((when, kind))
        return when

    def step(self) -> None:
        if self.main.year >= YEARS:
            self.running = False
            return
        self.main.step()
        self.qol_history["main"].append(qol_by_group(self.main))
        if self.twin is not None:
            self.twin.step()
            self.qol_history["twin"].append(qol_by_group(self.twin))
        self.running = self.main.year < YEARS
        super().step()

    def runs(self) -> dict[str, TownModel]:
        """The runs to draw: the town shown and, if there is one, its twin."""
        return {"main": self.main} | ({"twin": self.twin} if self.twin is not None else {})

    def metrics(self, which: str = "main") -> pd.DataFrame:
        """The yearly metrics of one run (the columns of metrics.parquet)."""
        return self.runs()[which].recorder.metrics()

    def qol(self, which: str = "main") -> pd.DataFrame:
        """Mean quality of life by group and year."""
        frame = pd.DataFrame(self.qol_history[which])
        frame.insert(0, "year", range(len(frame)))
        return frame


def own_town(data: bytes, filename: str, like: ClassroomModel) -> ClassroomModel:
    """A town file uploaded on the page, run with the seed, twin, levers (their start year
    and settings) and neighbourly help of ``like``.

    The file is kept in a fresh temporary folder (the runs read it from there).

    Raises:
        ConfigError: the file is not a valid town file (the message names the field).
    """
    suffix = Path(filename).suffix.lower()
    folder = Path(tempfile.mkdtemp(prefix="kleinstadt-town-"))
    path = folder / f"town{suffix if suffix in ('.yaml', '.yml') else '.yaml'}"
    path.write_bytes(data)
    return ClassroomModel(
        town=str(path),
        seed=like.seed,
        twin=like.twin is not None,
        lever_start=like.lever_start,
        neighbourly_help=like.neighbourly_help,
        settings=like.settings,
        **like.levers,
    )


def qol_by_group(model: TownModel) -> dict[str, float]:
    """Mean quality of life of each group of residents (NaN if a group is empty)."""
    rows = model.population.alive_rows
    stage = model.population.people.stage[rows]
    qol = model.qol[rows]
    means = {}
    for group, stages in QOL_GROUPS.items():
        chosen = np.isin(stage, [int(s) for s in stages])
        means[group] = float(qol[chosen].mean()) if chosen.any() else float("nan")
    return means
