"""What is observed each year: flows counted during the year and named pure reporters.

``REPORTERS`` maps each column of ``metrics.parquet`` to a function of the model (no lambdas,
so models and recorders pickle). Year 0 is the initial state, with zero flows. The column
names are a contract: later capabilities add columns, never rename them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim import data
from sim.agents.initiative import Phase
from sim.budget_metrics import (  # the purse's reporters (issue 11)
    BUDGET_METRICS,
    MUNICIPALITY_COLUMNS,
    infrastructure_cost_per_resident_eur,
    municipal_balance_eur,
    municipal_debt_eur,
    municipal_debt_per_resident_eur,
    municipal_service_deficits_eur,
    municipality_columns,
)
from sim.config import InitiativeType, LifeStage, ServiceType
from sim.e2sfca import mean_access
from sim.migration import qol_gaps
from sim.people_metrics import PEOPLE_REPORTERS
from sim.population import Origin, Role
from sim.qol_groups import QOL_GROUP_REPORTERS
from sim.service_metrics import REPORTERS as SERVICE_DRIVER_REPORTERS
from sim.services import EMPLOYER_KINDS, RESIDENT_KINDS

if TYPE_CHECKING:
    from sim.model import TownModel

AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("under_18", 0, 17),
    ("18_24", 18, 24),
    ("25_29", 25, 29),
    ("30_49", 30, 49),
    ("50_64", 50, 64),
    ("65_plus", 65, 10_000),
)
"""Age bands of the migration columns."""

_BAND_EDGES = np.array([b[1] for b in AGE_BANDS[1:]])


def band_index(age: np.ndarray) -> np.ndarray:
    """Index into AGE_BANDS for each age."""
    return np.searchsorted(_BAND_EDGES, age, side="right")


def _count_by_sex_age(sex: np.ndarray, age: np.ndarray) -> np.ndarray:
    size = data.MAX_AGE + 1
    return np.bincount(sex * size + age, minlength=2 * size).reshape(2, size)


@dataclass
class YearFlows:
    """Counts of what happened during one simulated year."""

    births: int = 0
    deaths: int = 0
    in_by_band: np.ndarray = field(default_factory=lambda: np.zeros(len(AGE_BANDS), dtype=np.int64))
    out_by_band: np.ndarray = field(
        default_factory=lambda: np.zeros(len(AGE_BANDS), dtype=np.int64)
    )
    in_by_origin: dict[str, int] = field(default_factory=dict)
    out_engagement: float = 0.0
    couples_formed: int = 0
    separations: int = 0
    new_households: int = 0
    blocked_household_formations: int = 0
    arrivals_blocked: int = 0
    dwellings_built: int = 0
    dwellings_demolished: int = 0
    initiatives: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("started", "launched", "failed", "institutionalised", "declined"), 0
        )
    )  # initiative events this year, whichever phase caused them (Phase Null starts in the policy phase)
    # Exposures for checking the demography against its inputs (tests, calibration).
    exposure: np.ndarray = field(default_factory=lambda: np.zeros((2, data.MAX_AGE + 1)))
    deaths_by_age: np.ndarray = field(default_factory=lambda: np.zeros((2, data.MAX_AGE + 1)))
    women_by_age: np.ndarray = field(default_factory=lambda: np.zeros(data.MAX_AGE + 1))
    births_by_mother_age: np.ndarray = field(default_factory=lambda: np.zeros(data.MAX_AGE + 1))

    @property
    def in_migrants(self) -> int:
        return int(self.in_by_band.sum())

    @property
    def out_migrants(self) -> int:
        return int(self.out_by_band.sum())

    def note_exposure(self, sex: np.ndarray, age: np.ndarray) -> None:
        self.exposure += _count_by_sex_age(sex, age)

    def note_deaths(self, sex: np.ndarray, age: np.ndarray) -> None:
        self.deaths_by_age += _count_by_sex_age(sex, age)
        self.deaths += int(sex.size)

    def note_fertility_exposure(self, women_age: np.ndarray, mother_age: np.ndarray) -> None:
        self.women_by_age += np.bincount(women_age, minlength=data.MAX_AGE + 1)[: data.MAX_AGE + 1]
        self.births_by_mother_age += np.bincount(mother_age, minlength=data.MAX_AGE + 1)[
            : data.MAX_AGE + 1
        ]

    def note_out(self, ages: np.ndarray) -> None:
        self.out_by_band += np.bincount(band_index(ages), minlength=len(AGE_BANDS))

    def note_in(self, ages: np.ndarray, origin: Origin) -> None:
        self.in_by_band += np.bincount(band_index(ages), minlength=len(AGE_BANDS))
        self.in_by_origin[origin.name] = self.in_by_origin.get(origin.name, 0) + int(ages.size)


# ---------------------------------------------------------------------------------------------
# Reporters: each a named pure function of the model
# ---------------------------------------------------------------------------------------------


def _alive(model: TownModel) -> np.ndarray:
    return model.population.alive_rows


def year(model: TownModel) -> int:
    return int(model.time)


def population(model: TownModel) -> int:
    return model.population.size


def households(model: TownModel) -> int:
    return int((model.population.household_sizes() > 0).sum())


def mean_household_size(model: TownModel) -> float:
    sizes = model.population.household_sizes()
    sizes = sizes[sizes > 0]
    return float(sizes.mean()) if sizes.size else 0.0


def single_person_household_share(model: TownModel) -> float:
    sizes = model.population.household_sizes()
    sizes = sizes[sizes > 0]
    return float((sizes == 1).mean()) if sizes.size else 0.0


def share_18_24_with_parents(model: TownModel) -> float:
    p = model.population.people
    rows = _alive(model)
    young = rows[(p.age[rows] >= 18) & (p.age[rows] <= 24)]
    return float((p.role[young] == Role.child).mean()) if young.size else 0.0


def births(model: TownModel) -> int:
    return model.flows.births


def deaths(model: TownModel) -> int:
    return model.flows.deaths


def in_migrants(model: TownModel) -> int:
    return model.flows.in_migrants


def out_migrants(model: TownModel) -> int:
    return model.flows.out_migrants


def net_migration(model: TownModel) -> int:
    return model.flows.in_migrants - model.flows.out_migrants


def band_flow(kind: str, index: int, model: TownModel) -> int:
    """In-, out- or net migration of age band ``index`` this year (use with functools.partial)."""
    flows = model.flows
    if kind == "in":
        return int(flows.in_by_band[index])
    if kind == "out":
        return int(flows.out_by_band[index])
    return int(flows.in_by_band[index] - flows.out_by_band[index])


def mean_age(model: TownModel) -> float:
    rows = _alive(model)
    return float(model.population.people.age[rows].mean()) if rows.size else float("nan")


def median_age(model: TownModel) -> float:
    rows = _alive(model)
    return float(np.median(model.population.people.age[rows])) if rows.size else float("nan")


def share_under_18(model: TownModel) -> float:
    rows = _alive(model)
    return float((model.population.people.age[rows] < 18).mean()) if rows.size else 0.0


def share_65_plus(model: TownModel) -> float:
    rows = _alive(model)
    return float((model.population.people.age[rows] >= 65).mean()) if rows.size else 0.0


def women_per_100_men_18_29(model: TownModel) -> float:
    p = model.population.people
    rows = _alive(model)
    young = rows[(p.age[rows] >= 18) & (p.age[rows] <= 29)]
    men = int((~p.female[young]).sum())
    return float(100.0 * p.female[young].sum() / men) if men else float("nan")


def dwellings(model: TownModel) -> int:
    return int(model.population.dwellings.in_stock.sum())


def vacancy_rate(model: TownModel) -> float:
    d = model.population.dwellings
    stock = int(d.in_stock.sum())
    return float((d.in_stock & (d.household < 0)).sum() / stock) if stock else 0.0


def habitable_vacancy_rate(model: TownModel) -> float:
    return model.housing.habitable_vacancy_rate()


def dwellings_built(model: TownModel) -> int:
    return model.flows.dwellings_built


def dwellings_demolished(model: TownModel) -> int:
    return model.flows.dwellings_demolished


def price_index_mean(model: TownModel) -> float:
    homes = model.town.home_places
    stock, _, _ = model.housing.stock_by_place()
    weights = stock[homes]
    prices = model.housing.price_index[homes]
    return float(np.average(prices, weights=weights)) if weights.sum() else float(prices.mean())


def qol_mean(model: TownModel) -> float:
    rows = _alive(model)
    return float(np.mean(model.qol[rows])) if rows.size else float("nan")


def qol_gap_mean(model: TownModel) -> float:
    """Mean of (best alternative QoL - own QoL) over residents: the pressure to leave."""
    rows = _alive(model)
    return float(np.mean(qol_gaps(model)[rows])) if rows.size else float("nan")


def _stage_counts(model: TownModel) -> np.ndarray:
    rows = _alive(model)
    return np.bincount(model.population.people.stage[rows], minlength=len(LifeStage))


_WORKERS = [LifeStage.local_worker, LifeStage.commuter, LifeStage.remote_worker]


def _worker_share(model: TownModel, stage: LifeStage) -> float:
    counts = _stage_counts(model)
    workers = counts[_WORKERS].sum()
    return float(counts[stage] / workers) if workers else 0.0


def commuter_share(model: TownModel) -> float:
    """Share of employed residents whose job is outside the town."""
    return _worker_share(model, LifeStage.commuter)


def remote_worker_share(model: TownModel) -> float:
    """Share of employed residents who work mostly from home for a distant employer."""
    return _worker_share(model, LifeStage.remote_worker)


def car_access_share_adults(model: TownModel) -> float:
    p = model.population.people
    rows = _alive(model)
    adults = rows[p.age[rows] >= 18]
    return float(p.has_car[adults].mean()) if adults.size else 0.0


def alumni_pool(model: TownModel) -> int:
    """Young leavers who grew up here and may come back."""
    return len(model.alumni)


def arrivals_blocked(model: TownModel) -> int:
    """Arriving households that found no free habitable dwelling."""
    return model.flows.arrivals_blocked


def arrivals_of_type(origin: Origin, model: TownModel) -> int:
    """Newcomers of one type this year (use with functools.partial)."""
    return int(model.flows.in_by_origin.get(origin.name, 0))


def services_open(kind: ServiceType, model: TownModel) -> int:
    """Open providers of a kind (use with functools.partial)."""
    return len(model.services.open_of(kind))


def travel_min(kind: ServiceType, model: TownModel) -> float:
    """Population-weighted mean minutes to the nearest open provider, by each resident's mode."""
    return model.access.travel_minutes(kind, model.place_mode_counts())


def share_over_15min(kind: ServiceType, model: TownModel) -> float:
    """Share of residents more than 15 minutes (Thünen's acceptable maximum) from the nearest."""
    return model.access.travel_minutes(kind, model.place_mode_counts(), threshold=15.0)


def closures(model: TownModel) -> int:
    """Providers closed this year (losses, retirement, minimum users, consolidation; not shocks)."""
    return model.services.year_counts["closures"]


def openings(model: TownModel) -> int:
    return model.services.year_counts["openings"]


def successions(model: TownModel) -> int:
    return model.services.year_counts["successions"]


def shock_closures(model: TownModel) -> int:
    """Providers closed by an exogenous shock this year."""
    return model.services.year_counts["shocks"]


def jobs_local(model: TownModel) -> float:
    """Jobs located in the town: other jobs plus the staff of open providers."""
    return float(model.town.jobs[model.town.home_places].sum())


def services_open_total(metrics: pd.DataFrame, employers: bool = True) -> pd.Series:
    """Providers open in each row of a metrics table; without employers if ``employers`` is False."""
    skip = (() if employers else tuple(f"services_open_{k.value}" for k in EMPLOYER_KINDS)) + tuple(
        SERVICE_DRIVER_REPORTERS
    )  # the grocery formats are part of services_open_grocery
    columns = [c for c in metrics.columns if c.startswith("services_open_") and c not in skip]
    return metrics[columns].sum(axis=1)


def online_share(model: TownModel) -> float:
    return model.services.online_share()


def _civic_count(key: str, model: TownModel) -> int:
    return model.flows.initiatives[key]


def initiatives_active(model: TownModel) -> int:
    """Initiatives recruiting, launched or institutions."""
    return sum(1 for i in model.civic.initiatives if i.phase.active)


def initiatives_institutionalised(model: TownModel) -> int:
    """Initiatives that have become institutions (still running)."""
    return sum(1 for i in model.civic.initiatives if i.phase is Phase.institution)


def initiatives_running(model: TownModel) -> int:
    """Launched initiatives and institutions (delivering their service)."""
    return len(model.civic.running())


def initiatives_active_of(kind: InitiativeType, model: TownModel) -> int:
    return sum(1 for i in model.civic.initiatives if i.phase.active and i.kind is kind)


def volunteers(model: TownModel) -> int:
    """Residents who are members of a launched initiative or institution."""
    return model.civic.members_total(running_only=True)


def engagement_rate(model: TownModel) -> float:
    """Share of residents 16+ who are members of any active initiative."""
    p = model.population.people
    rows = _alive(model)
    adults = int((p.age[rows] >= 16).sum())
    return model.civic.members_total() / adults if adults else 0.0


def volunteer_hours(model: TownModel) -> float:
    """Volunteer hours delivered by running initiatives this year."""
    return float(model.civic.volunteer_hours)


def municipal_staff_load(model: TownModel) -> float:
    """Initiatives asking for support / initiatives the civic staff can support (> 1: overloaded)."""
    return float(model.civic.staff_load)


def policy_cost_eur(model: TownModel) -> float:
    """Yearly cost of the active policy levers to the municipal budget."""
    return float(model.policies.cost_eur)


def change_agents(model: TownModel) -> int:
    return len(model.civic.change_agents)


def civic_life_mean(model: TownModel) -> float:
    """Civic life (the QoL component), mean over residents."""
    rows = model.population.alive_rows
    if rows.size == 0:
        return 0.0
    return float(model.civic.civic_life_of(model.population.person_place(rows), rows).mean())


REPORTERS: dict[str, Callable[[TownModel], Any]] = {
    "year": year,
    "population": population,
    "households": households,
    "births": births,
    "deaths": deaths,
    "in_migrants": in_migrants,
    "out_migrants": out_migrants,
    "net_migration": net_migration,
    **{
        f"net_migration_{name}": partial(band_flow, "net", i)
        for i, (name, _, _) in enumerate(AGE_BANDS)
    },
    "mean_age": mean_age,
    "median_age": median_age,
    "share_under_18": share_under_18,
    "share_65_plus": share_65_plus,
    "women_per_100_men_18_29": women_per_100_men_18_29,
    **PEOPLE_REPORTERS,
    "dwellings": dwellings,
    "vacancy_rate": vacancy_rate,
    "qol_mean": qol_mean,
    # Beyond the minimum contract:
    **{
        f"in_migrants_{name}": partial(band_flow, "in", i)
        for i, (name, _, _) in enumerate(AGE_BANDS)
    },
    **{
        f"out_migrants_{name}": partial(band_flow, "out", i)
        for i, (name, _, _) in enumerate(AGE_BANDS)
    },
    **{
        f"in_migrants_{o.name}": partial(arrivals_of_type, o)
        for o in (
            Origin.family,
            Origin.young_adult,
            Origin.retiree,
            Origin.remote_worker,
            Origin.returnee,
        )
    },
    "mean_household_size": mean_household_size,
    "single_person_household_share": single_person_household_share,
    "share_18_24_with_parents": share_18_24_with_parents,
    "habitable_vacancy_rate": habitable_vacancy_rate,
    "dwellings_built": dwellings_built,
    "dwellings_demolished": dwellings_demolished,
    "price_index_mean": price_index_mean,
    "qol_gap_mean": qol_gap_mean,
    **QOL_GROUP_REPORTERS,  # qol_mean_<age group>, qol_mean_adults_without_car
    "commuter_share": commuter_share,
    "remote_worker_share": remote_worker_share,
    "car_access_share_adults": car_access_share_adults,
    "alumni_pool": alumni_pool,
    "arrivals_blocked": arrivals_blocked,
    # Services (issue #3)
    **{f"services_open_{k.value}": partial(services_open, k) for k in ServiceType},
    **{f"travel_min_{k.value}": partial(travel_min, k) for k in RESIDENT_KINDS},
    **{f"share_over_15min_{k.value}": partial(share_over_15min, k) for k in RESIDENT_KINDS},
    **{f"access_{k.value}": partial(mean_access, k) for k in RESIDENT_KINDS},  # issue 11
    "closures": closures,
    "openings": openings,
    "successions": successions,
    "shock_closures": shock_closures,
    "jobs_local": jobs_local,
    "municipal_balance_eur": municipal_balance_eur,
    "municipal_debt_eur": municipal_debt_eur,
    "municipal_debt_per_resident_eur": municipal_debt_per_resident_eur,
    "municipal_service_deficits_eur": municipal_service_deficits_eur,
    "infrastructure_cost_per_resident_eur": infrastructure_cost_per_resident_eur,
    "online_share": online_share,
    **BUDGET_METRICS,  # the purse: Hebesatz, backlog, grants (issue 11)
    **SERVICE_DRIVER_REPORTERS,  # services open by grocery format (issue #11, sim/service_metrics.py)
    # Civic life and policies (issue #4)
    "initiatives_active": initiatives_active,
    "initiatives_started": partial(_civic_count, "started"),
    "initiatives_launched": partial(_civic_count, "launched"),
    "initiatives_failed": partial(_civic_count, "failed"),
    "initiatives_declined": partial(_civic_count, "declined"),
    "initiatives_institutionalised": initiatives_institutionalised,
    "initiatives_running": initiatives_running,
    **{f"initiatives_active_{k.value}": partial(initiatives_active_of, k) for k in InitiativeType},
    "volunteers": volunteers,
    "engagement_rate": engagement_rate,
    "volunteer_hours": volunteer_hours,
    "municipal_staff_load": municipal_staff_load,
    "policy_cost_eur": policy_cost_eur,
    "change_agents": change_agents,
    "civic_life_mean": civic_life_mean,
}

POPULATION_BAND_WIDTH = 5


class Recorder:
    """Collects one metrics row and the age-sex counts per year (own vectorised recorder)."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.pyramid: list[np.ndarray] = []
        self.municipality_rows: list[dict[str, Any]] = []

    def record(self, model: TownModel) -> None:
        self.rows.append({name: reporter(model) for name, reporter in REPORTERS.items()})
        self.record_municipalities(model)
        p = model.population.people
        rows = model.population.alive_rows
        band = np.minimum(
            p.age[rows] // POPULATION_BAND_WIDTH, data.MAX_AGE // POPULATION_BAND_WIDTH
        )
        n_bands = data.MAX_AGE // POPULATION_BAND_WIDTH + 1
        counts = np.bincount(band * 2 + p.female[rows], minlength=2 * n_bands)
        self.pyramid.append(counts)

    def record_municipalities(self, model: TownModel) -> None:
        """One row per municipality (regions; a single town has one)."""
        populations = model.municipality_population()
        rows = model.population.alive_rows
        home = model.population.person_place(rows)
        of = model.town.municipality[home]
        civic = model.civic.civic_life_of(home, rows)
        for m, municipality in enumerate(model.services.municipalities):
            self.municipality_rows.append(
                {
                    "year": int(model.time),
                    "municipality": municipality.name,
                    "population": int(populations[m]),
                    "services_open": len(model.services.providers_of(m)),
                    "initiatives_running": len(model.civic.running(municipality=m)),
                    "civic_life": float(civic[of == m].mean()) if (of == m).any() else 0.0,
                    "balance_eur": float(municipality.balance_eur),
                    "debt_eur": float(municipality.debt_eur),
                    **municipality_columns(municipality),
                }
            )

    def municipality_table(self) -> pd.DataFrame:
        columns = [
            "year",
            "municipality",
            "population",
            "services_open",
            "initiatives_running",
            "civic_life",
            "balance_eur",
            "debt_eur",
            *MUNICIPALITY_COLUMNS,
        ]
        return pd.DataFrame(self.municipality_rows, columns=columns)

    def metrics(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def population_table(self) -> pd.DataFrame:
        n_bands = data.MAX_AGE // POPULATION_BAND_WIDTH + 1
        labels = [
            f"{b * POPULATION_BAND_WIDTH}-{b * POPULATION_BAND_WIDTH + POPULATION_BAND_WIDTH - 1}"
            for b in range(n_bands - 1)
        ]
        labels.append(f"{(n_bands - 1) * POPULATION_BAND_WIDTH}+")
        records = []
        for year_index, counts in enumerate(self.pyramid):
            year_value = self.rows[year_index]["year"]
            for b in range(n_bands):
                for sex_index, sex in enumerate(("male", "female")):
                    records.append((year_value, labels[b], sex, int(counts[b * 2 + sex_index])))
        frame = pd.DataFrame(records, columns=["year", "age_band", "sex", "count"])
        frame["age_band"] = pd.Categorical(frame["age_band"], categories=labels, ordered=True)
        return frame
