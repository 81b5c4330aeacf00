"""The root :class:`Config` (a whole run) with the rules that span groups, and :func:`validate`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from sim.config.civic import CivicConfig
from sim.config.demography import DemographyConfig
from sim.config.economy import EconomyConfig
from sim.config.housing import HousingConfig
from sim.config.local_events import LocalEventsConfig
from sim.config.migration import MigrationConfig
from sim.config.municipality import MunicipalityConfig
from sim.config.output import OutputConfig
from sim.config.param import param
from sim.config.policy import PolicyConfig
from sim.config.qol import QolConfig
from sim.config.services import ServicesConfig
from sim.config.shock import ShockConfig
from sim.config.social import SocialConfig
from sim.config.town import TownConfig
from sim.config.vocabulary import (
    ConfigError,
    LifeStage,
    ServiceType,
    ShockKind,
)
from sim.config.work import WorkConfig


@dataclass
class Config:
    """A whole run: the town, the years, the seed and every submodel's parameters."""

    years: int = param(
        30,
        min=1,
        max=100,
        role="structural",
        source="config",
        unit="years",
        doc="simulated years (max: assumption; the rates describe the coming decades, beyond a "
        "century a run extrapolates without meaning and a small town may empty)",
    )
    seed: int = param(0, min=0, max=2**63 - 1, unit="", role="structural", source="config")
    town: TownConfig = field(default_factory=TownConfig)
    demography: DemographyConfig = field(default_factory=DemographyConfig)
    work: WorkConfig = field(default_factory=WorkConfig)
    economy: EconomyConfig = field(default_factory=EconomyConfig)
    migration: MigrationConfig = field(default_factory=MigrationConfig)
    local_events: LocalEventsConfig = field(default_factory=LocalEventsConfig)
    housing: HousingConfig = field(default_factory=HousingConfig)
    qol: QolConfig = field(default_factory=QolConfig)
    social: SocialConfig = field(default_factory=SocialConfig)
    services: ServicesConfig = field(default_factory=ServicesConfig)
    municipality: MunicipalityConfig = field(default_factory=MunicipalityConfig)
    shock: ShockConfig = field(default_factory=ShockConfig)
    civic: CivicConfig = field(default_factory=CivicConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    output: OutputConfig = field(default_factory=OutputConfig)

    def __post_init__(self) -> None:
        validate(self)

    def check(self, path: str) -> None:
        """Rules that span config groups (each group checks its own fields itself)."""
        stages = {s.name for s in LifeStage}
        serving = {t.name for t in ServiceType if getattr(self.services, t.name).serves_residents}
        for stage, weights in self.qol.service_weights.items():
            for kind in weights:
                if stage in stages and kind not in serving:
                    raise ConfigError(
                        f"qol.service_weights.{stage}.{kind}",
                        kind,
                        f"a kind of service residents use: {', '.join(sorted(serving))}",
                    )
        for i, kind in enumerate(self.municipality.cut_order):
            settings = getattr(self.services, kind, None)
            if settings is not None and not settings.voluntary:
                voluntary = [
                    t.name for t in ServiceType if getattr(self.services, t.name).voluntary
                ]
                raise ConfigError(
                    f"municipality.cut_order[{i}]",
                    kind,
                    f"a voluntary municipal service: {', '.join(voluntary)}",
                )
        needed = sorted(serving | {"grocery_shop"})  # E2SFCA supply of every kind residents use
        missing = [kind for kind in needed if kind not in self.qol.service_capacity]
        if missing:
            raise ConfigError(
                "qol.service_capacity", sorted(self.qol.service_capacity), f"also {missing}"
            )
        for name, lever in self.policy.levers().items():
            if lever.start_year > self.years:
                raise ConfigError(
                    f"policy.{name}.start_year",
                    lever.start_year,
                    f"a year of the run, 1..{self.years}",
                    "Raise years or start the lever earlier.",
                )
        if self.shock.kind is not ShockKind.none and self.shock.year > self.years:
            raise ConfigError(
                "shock.year",
                self.shock.year,
                f"a year of the run, 1..{self.years}",
                "Raise years or move the shock.",
            )
        if self.town.is_resolved:
            self.check_town(self.town)

    def check_town(self, town: TownConfig) -> None:
        """Rules between the town and the policy and shock groups.

        Checked with the config when it holds the town itself; for a town file or a built-in
        town given by name, once it is loaded (sim.run.run_simulation).
        """
        if self.policy.r6_cross_town_learning.enabled:
            municipalities = {
                p.municipality or town.name for p in town.places if not p.kind.is_destination
            }
            if len(municipalities) < 2:
                raise ConfigError(
                    "policy",
                    self.policy.name,
                    "on this town a policy without r6_cross_town_learning; R6 needs a region of several municipalities (e.g. town=region)",
                    f"Town {town.name!r} is a single municipality; cross-town learning needs towns to learn from.",
                )
        shock = self.shock
        if shock.kind is not ShockKind.none and shock.place is not None:
            names = [p.name for p in town.places]
            if shock.place not in names:
                raise ConfigError(
                    "shock.place", shock.place, f"a place of the town: {', '.join(names)}"
                )


def validate(node: Any, path: str = "") -> None:
    """Check every field of a config tree against its declared range, then cross-field rules.

    Raises:
        ConfigError: naming the first offending field by its dotted path.
    """
    for f in fields(node):
        value = getattr(node, f.name)
        here = f"{path}.{f.name}" if path else f.name
        if is_dataclass(value):
            validate(value, here)
            continue
        if isinstance(value, list) and value and is_dataclass(value[0]):
            for i, item in enumerate(value):
                validate(item, f"{here}[{i}]")
            continue
        _check_range(f.metadata, here, value)
    check = getattr(node, "check", None)
    if check is not None:
        check(path)


def _check_finite(path: str, value: Any) -> None:
    """No inf or nan anywhere: in a number, or inside a mapping or list of numbers (named by
    its full path, e.g. ``qol.weights.retired.commute``)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_finite(f"{path}.{key}", item)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_finite(f"{path}[{i}]", item)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(path, value, "a finite number")


def _check_range(meta: Any, path: str, value: Any) -> None:
    _check_finite(path, value)
    low, high = meta.get("min"), meta.get("max")
    if low is None and high is None:
        return
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ConfigError(path, value, "a number")
    exclusive = meta.get("exclusive_min", False)
    too_low = low is not None and (value <= low if exclusive else value < low)
    too_high = high is not None and value > high
    if too_low or too_high:
        parts = []
        if low is not None:
            parts.append(f"{'>' if exclusive else '>='} {low}")
        if high is not None:
            parts.append(f"<= {high}")
        raise ConfigError(path, value, "a value " + " and ".join(parts))
