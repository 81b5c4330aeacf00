"""Config group ``qol``: quality-of-life weights by life stage and distance scales."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.param import ASSUMPTION, param
from sim.config.vocabulary import QOL_COMPONENT_NAMES, ConfigError, LifeStage


def _default_qol_weights() -> dict[str, dict[str, float]]:
    # Which components matter at which life stage (assumption; seed-notes §3.1 "Needs").
    # Shares within a stage; they are normalised to sum to 1.
    c, rc, m, cost, cond, svc, civ = (
        "commute",
        "regional_centre_access",
        "metropolis_access",
        "housing_cost",
        "housing_condition",
        "local_services",
        "civic_life",
    )
    weights = {
        "child": {rc: 0.2, m: 0.1, cost: 0.2, cond: 0.2, svc: 0.3, civ: 0.05},
        "pupil": {rc: 0.3, m: 0.15, cost: 0.1, cond: 0.15, svc: 0.3, civ: 0.1},
        "student": {c: 0.3, rc: 0.1, m: 0.3, cost: 0.15, svc: 0.15, civ: 0.1},
        "local_worker": {c: 0.2, rc: 0.1, m: 0.25, cost: 0.1, cond: 0.15, svc: 0.2, civ: 0.05},
        "commuter": {c: 0.25, rc: 0.1, m: 0.2, cost: 0.1, cond: 0.15, svc: 0.2, civ: 0.05},
        "remote_worker": {rc: 0.1, m: 0.25, cost: 0.2, cond: 0.2, svc: 0.25, civ: 0.1},
        "not_employed": {rc: 0.2, m: 0.15, cost: 0.2, cond: 0.15, svc: 0.3, civ: 0.1},
        "retired": {rc: 0.2, m: 0.05, cost: 0.15, cond: 0.2, svc: 0.4, civ: 0.1},
    }
    # Condition of roads and public buildings (the maintenance backlog, sim/budget.py): the
    # same small weight at every stage (assumption).
    for stage_weights in weights.values():
        stage_weights["infrastructure"] = 0.05
    return weights


def _default_service_weights() -> dict[str, dict[str, float]]:
    # Which services matter at which life stage (assumption; seed-notes §3.1 "Needs").
    working = {
        "grocery": 0.3,
        "gp": 0.15,
        "kindergarten": 0.1,
        "primary_school": 0.1,
        "pharmacy": 0.05,
        "bakery": 0.05,
        "pub": 0.1,
        "bank": 0.05,
        "post": 0.05,
        "pool": 0.05,
    }
    return {
        "child": {"kindergarten": 0.5, "gp": 0.3, "grocery": 0.2},
        "pupil": {"primary_school": 0.4, "pool": 0.2, "gp": 0.2, "grocery": 0.2},
        "student": {"grocery": 0.4, "pub": 0.3, "gp": 0.1, "bank": 0.1, "bakery": 0.1},
        "local_worker": dict(working),
        "commuter": dict(working),
        "remote_worker": dict(working),
        "not_employed": {
            "grocery": 0.35,
            "gp": 0.25,
            "pharmacy": 0.1,
            "post": 0.1,
            "bank": 0.1,
            "pub": 0.1,
        },
        "retired": {
            "gp": 0.35,
            "grocery": 0.25,
            "pharmacy": 0.2,
            "bank": 0.05,
            "post": 0.05,
            "bakery": 0.05,
            "pub": 0.05,
        },
    }


@dataclass
class QolConfig:
    """Quality of life (sim/accessibility.py): weights by life stage and distance scales."""

    weights: dict[str, dict[str, float]] = param(
        default_factory=_default_qol_weights,
        unit="",
        role="uncertainty",
        source="assumption (seed-notes §3.1 needs by life stage)",
        doc="stage -> component -> weight",
    )
    commute_scale_minutes: float = param(
        40.0,
        min=0.0,
        max=600,
        exclusive_min=True,
        role="uncertainty",
        source=ASSUMPTION,
        unit="min",
        doc="score exp(-minutes / scale)",
    )
    regional_centre_scale_minutes: float = param(
        30.0,
        min=0.0,
        max=600,
        exclusive_min=True,
        role="uncertainty",
        source="assumption (Thünen treats 15 min as acceptable for basic services)",
        unit="min",
    )
    metropolis_scale_minutes: float = param(
        60.0,
        min=0.0,
        max=600,
        exclusive_min=True,
        role="uncertainty",
        source=ASSUMPTION,
        unit="min",
    )
    no_car_internal_factor: float = param(
        2.0,
        min=1.0,
        max=20,
        unit="",
        role="uncertainty",
        source="assumption (short trips within a place on foot or by bike)",
        doc="without a car, a trip within a place takes this many times the car minutes",
    )
    walking_factor: float = param(
        6.6,
        min=1.0,
        max=50,
        unit="",
        role="data",
        source="Thünen: average car speed 33 km/h; walking 5 km/h (assumption)",
        doc="walking minutes = car minutes x factor",
    )
    service_weights: dict[str, dict[str, float]] = param(
        default_factory=lambda: _default_service_weights(),
        unit="",
        role="uncertainty",
        source="assumption (seed-notes §3.1 needs by life stage)",
        doc="stage -> kind of service -> weight inside the local_services component",
    )
    service_scale_minutes: float = param(
        15.0,
        min=0.0,
        max=600,
        exclusive_min=True,
        role="data",
        source="Thünen: 15 minutes is the acceptable maximum travel time to basic services (shared data README)",
        unit="min",
        doc="access score exp(-minutes / scale)",
    )
    alternative_service_minutes: float = param(
        5.0,
        min=0.0,
        max=600,
        role="uncertainty",
        source="assumption (in a city, basic services are close)",
        unit="min",
    )
    bus_service_hours: float = param(
        16.0,
        min=1.0,
        max=24.0,
        role="uncertainty",
        source=ASSUMPTION,
        unit="h/day",
        doc="waiting time = half the headway over these hours",
    )
    bus_max_wait_minutes: float = param(
        15.0,
        min=0.0,
        max=600,
        role="uncertainty",
        source="assumption (with sparse timetables people time their trips to the timetable; the inconvenience counts at most a quarter hour)",
        unit="min",
    )
    alternative_condition: float = param(
        0.8,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source=ASSUMPTION,
        doc="dwelling condition a mover expects at a destination",
    )

    def check(self, path: str) -> None:
        """Weights for every life stage and known component; service weights by known stage.

        Which kinds of service may carry a weight depends on the services group (Config.check).
        """
        stages = {s.name for s in LifeStage}
        for stage, weights in self.weights.items():
            if stage not in stages:
                raise ConfigError(
                    f"{path}.weights.{stage}", stage, f"a life stage: {', '.join(sorted(stages))}"
                )
            for component, weight in weights.items():
                if component not in QOL_COMPONENT_NAMES:
                    raise ConfigError(
                        f"{path}.weights.{stage}.{component}",
                        component,
                        f"a QoL component: {', '.join(QOL_COMPONENT_NAMES)}",
                    )
                if not (isinstance(weight, int | float) and weight >= 0):
                    raise ConfigError(
                        f"{path}.weights.{stage}.{component}", weight, "a weight >= 0"
                    )
            if sum(weights.values()) <= 0:
                raise ConfigError(
                    f"{path}.weights.{stage}", dict(weights), "at least one positive weight"
                )
        missing = stages - set(self.weights)
        if missing:
            raise ConfigError(
                f"{path}.weights",
                sorted(self.weights),
                f"weights for every life stage; missing {', '.join(sorted(missing))}",
            )
        for stage, weights in self.service_weights.items():
            if stage not in stages:
                raise ConfigError(
                    f"{path}.service_weights.{stage}",
                    stage,
                    f"a life stage: {', '.join(sorted(stages))}",
                )
            for kind, weight in weights.items():
                if isinstance(weight, bool) or not (
                    isinstance(weight, int | float) and weight >= 0
                ):
                    raise ConfigError(
                        f"{path}.service_weights.{stage}.{kind}", weight, "a weight >= 0"
                    )
