"""Config group ``work``: life stages, jobs, commuting and car access."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.param import ASSUMPTION, param


@dataclass
class WorkConfig:
    """Life stages, jobs, commuting and car access (sim/work.py)."""

    education_share_18_24: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (training and study together)",
        doc="share of 18–24-year-olds in training or study",
    )
    employment_rate: float = param(
        0.80,
        min=0,
        max=1,
        unit="",
        role="data",
        source="about 80 % of 20–64-year-olds employed in Germany (Eurostat 2023; ext)",
    )
    retirement_age: int = param(
        66,
        min=50,
        max=80,
        role="uncertainty",
        source="assumption (statutory age rises from 65 to 67 for cohorts 1947–1964)",
        unit="years",
    )
    job_choice_minutes_scale: float = param(
        15.0,
        min=0.0,
        max=600,
        exclusive_min=True,
        role="uncertainty",
        source=ASSUMPTION,
        unit="min",
        doc="gravity model: P(job place) ~ jobs^job_mass_exponent x exp(-minutes / scale)",
    )
    job_mass_exponent: float = param(
        0.5,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (so that a metropolis does not swamp nearby towns)",
        doc="jobs enter the gravity rule as jobs^exponent",
    )
    job_change_hazard: float = param(
        0.08, min=0, max=1, role="uncertainty", source=ASSUMPTION, unit="1/yr"
    )
    study_exit_hazard: float = param(
        0.25,
        min=0,
        max=1,
        role="uncertainty",
        source=ASSUMPTION,
        unit="1/yr",
        doc="students 21+ finish training or study; all by 25",
    )
    remote_share: float = param(
        0.12,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (a minority of employees work mostly from home)",
        doc="share of workers with a distant job who work from home, times the broadband share at home",
    )
    car_access_18_24: float = param(
        0.70,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (rural car availability is high; MiD 2017, ext)",
    )
    car_access_25_74: float = param(
        0.92,
        min=0,
        max=1,
        unit="",
        role="uncertainty",
        source="assumption (rural car availability is high; MiD 2017, ext)",
    )
    car_access_75_plus: float = param(
        0.65, min=0, max=1, unit="", role="uncertainty", source=ASSUMPTION
    )
    car_loss_hazard_80_plus: float = param(
        0.06, min=0, max=1, role="uncertainty", source=ASSUMPTION, unit="1/yr"
    )
