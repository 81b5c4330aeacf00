"""Config group ``qol``: quality-of-life weights by life stage and distance scales."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sim.config.param import ASSUMPTION, param
from sim.config.vocabulary import QOL_COMPONENT_NAMES, ConfigError, LifeStage, ServiceType

_DEFAULT_CAPACITY = {
    "grocery": 5000.0,
    "grocery_shop": 700.0,
    "bakery": 1500.0,
    "gp": 1600.0,
    "pharmacy": 3800.0,
    "pub": 1200.0,
    "bank": 4000.0,
    "post": 2000.0,
    "primary_school": 150.0,
    "kindergarten": 65.0,
    "pool": 14000.0,
}
CAPACITY_KEYS = (*(k.name for k in ServiceType), "grocery_shop")


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
    service_capacity: dict[str, float] = param(
        default_factory=lambda: dict(_DEFAULT_CAPACITY),
        unit="users/provider",
        role="uncertainty",
        source="GP 1,600 (KBV planning ratio, one GP per about 1,600 inhabitants); pharmacy "
        "3,800 (Thünen 2013 / DAZ 2023); supermarket 5,000 (BVL / Handelsverband Bayern "
        "catchment); bank 4,000, post 2,000 (legal minimum municipality), village shop 700, "
        "bakery 1,500, pub 1,200: the kinds' break-even catchments in services (shared data "
        "README, assumptions); primary school 150 pupils (assumption: one to two classes a "
        "grade); kindergarten 65 children (assumption: order of an average German day-care "
        "centre); pool 14,000 (assumption: about 6,000 public pools for 84 million people)",
        doc="kind (grocery = supermarket or discounter; grocery_shop = village or cooperative "
        "shop) -> need-weighted users one provider is built to serve (E2SFCA supply)",
    )
    access_zones_car: list[Any] = param(
        default_factory=lambda: [[10, 1.0], [20, 0.68], [30, 0.22]],
        unit="min, weight",
        role="uncertainty",
        source="Luo & Qi 2009 (E2SFCA): 30-minute catchment in three zones weighted 1, 0.68, "
        "0.22 (Gaussian decay); the same default as PySAL access",
        doc="distance decay by car: [[upper edge in minutes, weight], ...]; 0 beyond the last",
    )
    access_zones_no_car: list[Any] = param(
        default_factory=lambda: [[10, 1.0], [20, 0.68], [30, 0.22]],
        unit="min, weight",
        role="uncertainty",
        source="assumption: Luo & Qi's zones; minutes without a car already count walking "
        "(walking_factor) or the bus where a line runs",
        doc="distance decay without a car: [[upper edge in minutes, weight], ...]",
    )
    access_selection_weights: bool = param(
        True,
        unit="",
        role="structural",
        source="Wan, Zou & Sternberg 2012 (3SFCA): demand is shared among the providers a "
        "place reaches, so a closure raises the load on its neighbours; false: Luo & Qi's "
        "E2SFCA",
        doc="weight both E2SFCA steps by the selection weights G = W / sum of W",
    )
    access_scale: float = param(
        0.5,
        min=0.0,
        max=100,
        exclusive_min=True,
        role="uncertainty",
        source="calibrated: the three built-in towns' mean local_services score at year 0 "
        "stays near that of the nearest-minutes measure it replaced (docs/ODD.md §7.4)",
        unit="",
        doc="score 1 - exp(-A / scale); A = 1 is provision at the planning norm",
    )
    destination_access_ratio: float = param(
        0.63,
        min=0.0,
        max=100,
        role="uncertainty",
        source="calibrated: a mover's local-services score at a destination (every kind at this "
        "ratio, alternative_service_minutes away) equals that of the nearest-minutes measure it "
        "replaced, exp(-5/15) = 0.72, so the alternatives the migration rates were calibrated "
        "against are unchanged; fixed because the town's demand is small beside the city's",
        unit="",
        doc="E2SFCA ratio of every kind at the regional centre and the metropolis",
    )
    informal_support_share: float = param(
        0.5,
        min=0.0,
        max=1.0,
        role="uncertainty",
        source="assumption; seed-notes SF17 (marginality culture buffers; contested: show as "
        "a sensitivity band)",
        unit="",
        doc="without a car but with a household adult who has one: this share of the car's "
        "local-services score replaces one's own",
    )
    marginality_buffer: float = param(
        0.0,
        min=0.0,
        max=1.0,
        role="uncertainty",
        source="seed-notes §6.1 (b) and modelling suggestion 3 (i): the 'Kultur der "
        "Marginalität' (Hannemann 2004), neighbourhood help, family and friends partly "
        "substitute lost services; contested (Q81: about half of the towns' representatives "
        "agree), so off by default and shown as a sensitivity band (docs/validation.md SF17)",
        unit="",
        explore=(0.0, 1.0),
        doc="informal help fills this share, times the resident's local-ties share "
        "t / (t + social.neighbour_ties), of the local-services access they lack",
    )
    support_min_age: int = param(
        18,
        min=0,
        max=110,
        role="structural",
        source="assumption (a driving licence from 18)",
        unit="years",
        doc="household members with a car from this age give informal support",
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
        for key, value in self.service_capacity.items():
            if key not in CAPACITY_KEYS:
                raise ConfigError(
                    f"{path}.service_capacity.{key}",
                    key,
                    f"a kind of service: {', '.join(CAPACITY_KEYS)}",
                )
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or not 0 < value <= 1e7
            ):
                raise ConfigError(
                    f"{path}.service_capacity.{key}", value, "users per provider, > 0 and <= 1e7"
                )
        for name in ("access_zones_car", "access_zones_no_car"):
            self._check_zones(f"{path}.{name}", getattr(self, name))

    @staticmethod
    def _check_zones(path: str, zones: Any) -> None:
        """[[minutes, weight], ...]: edges increasing in (0, 600], weights in [0, 1]."""
        if not isinstance(zones, list | tuple) or not zones:
            raise ConfigError(
                path, zones, "a list of [minutes, weight] zones, e.g. [[10, 1.0], [30, 0.22]]"
            )
        edges = []
        for i, zone in enumerate(zones):
            if not isinstance(zone, list | tuple) or len(zone) != 2:
                raise ConfigError(f"{path}[{i}]", zone, "a [minutes, weight] pair")
            edge, weight = zone
            for j, (value, low, high, what) in enumerate(
                (
                    (edge, 0.0, 600.0, "minutes in (0, 600]"),
                    (weight, 0.0, 1.0, "a weight in [0, 1]"),
                )
            ):
                if (
                    isinstance(value, bool)
                    or not isinstance(value, int | float)
                    or not math.isfinite(value)
                    or not low <= value <= high
                    or (j == 0 and value == 0)
                ):
                    raise ConfigError(f"{path}[{i}][{j}]", value, what)
            edges.append(edge)
        if edges != sorted(set(edges)):
            raise ConfigError(path, zones, "zones with increasing minutes, each once")
