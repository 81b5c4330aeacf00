"""Life stages, jobs and commuting (model brief, process 2).

Workers choose a job place by a gravity rule over all places with jobs: probability
proportional to jobs^work.job_mass_exponent x exp(-minutes / work.job_choice_minutes_scale) by their mode, computed per home place
and mode (node-level), then sampled for the people who enter the labour market or change jobs.
Remote work needs broadband at home (seed-notes M-G1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.config import LifeStage
from sim.synthesis import draw_car_access
from sim.town import CAR, NO_CAR

if TYPE_CHECKING:
    from sim.model import TownModel


def job_choice_probabilities(model: TownModel) -> np.ndarray:
    """P(job place | home place, mode): array (2, P, P)."""
    town = model.town
    w = model.config.work
    mass = np.power(np.maximum(town.jobs, 0.0), w.job_mass_exponent)
    utility = mass[None, None, :] * np.exp(-town.minutes / w.job_choice_minutes_scale)
    total = utility.sum(axis=2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        prob = np.where(total > 0, utility / np.maximum(total, 1e-300), 0.0)
    return prob


def study_places(model: TownModel) -> np.ndarray:
    """Per home place: where its students go (the nearest university or regional centre)."""
    town = model.town
    targets = np.flatnonzero(
        town.university | np.array([k.value == "regional_centre" for k in town.kinds])
    )
    if targets.size == 0:
        targets = np.flatnonzero(town.is_destination)
    nearest = targets[np.argmin(town.minutes[CAR][:, targets], axis=1)]
    return nearest


def minutes_to_university(model: TownModel) -> np.ndarray:
    """Per place and mode: minutes to the nearest university (inf if there is none)."""
    town = model.town
    unis = np.flatnonzero(town.university)
    if unis.size == 0:
        return np.full((2, town.n_places), np.inf)
    return town.minutes[:, :, unis].min(axis=2)


def _sample_job_places(model: TownModel, rows: np.ndarray, decision: str) -> np.ndarray:
    p = model.population.people
    home = model.population.person_place(rows)
    mode = np.where(p.has_car[rows], CAR, NO_CAR)
    cumulative = np.cumsum(model.job_probabilities[mode, home], axis=1)
    u = model.uniform(decision, rows, 1)[:, None]
    return np.minimum((cumulative < u).sum(axis=1), model.town.n_places - 1)


def assign_work(model: TownModel, rows: np.ndarray, decision: str = "work") -> None:
    """(Re)draw employment, job place and remote work for working-age people in ``rows``.

    ``decision`` names the keyed stream: a person who looks for work twice in one year for
    different reasons (a job change, then the employer leaves) draws anew the second time.
    """
    if rows.size == 0:
        return
    p = model.population.people
    w = model.config.work
    employed = model.uniform(decision, rows) < w.employment_rate
    workers = rows[employed]
    p.stage[rows[~employed]] = LifeStage.not_employed
    p.job_place[rows[~employed]] = -1
    if workers.size == 0:
        return
    job = _sample_job_places(model, workers, decision)
    home = model.population.person_place(workers)
    local = ~model.town.is_destination[job]
    broadband = model.town.broadband[home]
    remote = (~local) & (model.uniform(decision, workers, 2) < w.remote_share * broadband)
    p.job_place[workers] = job
    p.stage[workers] = np.where(
        remote, LifeStage.remote_worker, np.where(local, LifeStage.local_worker, LifeStage.commuter)
    )


def update_work(model: TownModel, rows: np.ndarray | None = None) -> None:
    """Yearly life-stage transitions, job changes and car access.

    With ``rows`` given (initial population, newcomers), everyone in ``rows`` gets a stage
    and job from scratch; otherwise only transitions happen (turning 6, 18, leaving study,
    retiring, job changes).
    """
    pop = model.population
    p = pop.people
    w = model.config.work
    fresh = rows is not None
    rows = pop.alive_rows if rows is None else rows
    age = p.age[rows]
    stage = p.stage[rows]

    young = age < 6
    p.stage[rows[young]] = LifeStage.child
    school = (age >= 6) & (age < 18)
    p.stage[rows[school]] = LifeStage.pupil
    retired = age >= w.retirement_age
    p.stage[rows[retired]] = LifeStage.retired
    p.job_place[rows[young | school | retired]] = -1

    working_age = (age >= 18) & (age < w.retirement_age)
    if fresh:
        entering = working_age
    else:
        entering = working_age & ((stage == LifeStage.pupil) | (stage == LifeStage.child))
        car_age = rows[age == 18]
        p.has_car[car_age] = draw_car_access(model, car_age)
        losing = rows[(age >= 80) & p.has_car[rows]]
        p.has_car[losing[model.uniform("car_loss", losing) < w.car_loss_hazard_80_plus]] = False
    # Young adults entering: in training/study or into the labour market.
    starters = rows[entering & (age < 25)]
    studying = starters[model.uniform("study", starters) < w.education_share_18_24]
    p.stage[studying] = LifeStage.student
    p.job_place[studying] = model.study_place[pop.person_place(studying)]
    to_market = np.concatenate(
        [np.setdiff1d(starters, studying, assume_unique=True), rows[entering & (age >= 25)]]
    )
    if not fresh:
        # Keyed draws only for those who face the decision (the same numbers either way).
        students = np.flatnonzero(stage == LifeStage.student)
        exits = np.zeros(rows.size, dtype=bool)
        exits[students] = model.uniform("study", rows[students], 1) < w.study_exit_hazard
        graduating = rows[(stage == LifeStage.student) & (((age >= 21) & exits) | (age >= 25))]
        working = rows[
            working_age & (stage >= LifeStage.local_worker) & (stage <= LifeStage.not_employed)
        ]
        changing = working[model.uniform("job_change", working) < w.job_change_hazard]
        to_market = np.concatenate([to_market, graduating, changing])
    assign_work(model, to_market)
