"""Config group ``economy``: employers' fortunes, closures, relocations and a job-growth lever."""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.param import param
from sim.config.vocabulary import ConfigError


@dataclass
class EconomyConfig:
    """The town's employers as a stochastic process (sim/employers.py; ODD §7.7).

    Every year each manufacturer's staff and the other local jobs (``town.places[].jobs``)
    grow or shrink by a random factor; a major employer may close; a firm may relocate from
    the metropolis into the town, the more likely the tighter the city's labour market (seed-
    notes Q70, SF24). ``job_growth_share`` adds local jobs exogenously (seed-notes SF6).
    """

    firm_growth_sd: float = param(
        0.08,
        min=0,
        max=1,
        unit="1/yr",
        role="uncertainty",
        source="assumption (Gibrat-type firm growth: the yearly log change of an established "
        "manufacturer's staff varies by several per cent; vary it)",
        doc="SD of the yearly log growth of each manufacturer's staff (mean zero)",
    )
    local_jobs_growth_sd: float = param(
        0.02,
        min=0,
        max=1,
        unit="1/yr",
        role="uncertainty",
        source="assumption (the other local jobs, administration, trade and small firms, "
        "move together and less than one firm's)",
        doc="SD of the yearly log growth of the other local jobs of a municipality (one draw "
        "for all its places, mean zero)",
    )
    major_closure_rate: float = param(
        0.015,
        min=0,
        max=1,
        unit="1/yr",
        role="uncertainty",
        source="assumption (seed-notes Q80: an employer leaving is a typical shock for a "
        "Kleinstadt; 1.5 %/yr: about one town in four loses its largest employer in 20 years)",
        doc="yearly probability that the largest manufacturer of a municipality closes",
    )
    relocation_rate: float = param(
        0.01,
        min=0,
        max=1,
        unit="1/yr",
        role="uncertainty",
        source="assumption (seed-notes Q70: firms move from a city to a rural place to recruit "
        "without competition from big employers; a rare event)",
        doc="yearly probability per municipality that a firm relocates from the metropolis into "
        "the town, per unit of city labour tightness (probability = rate x tightness, at most 1)",
    )
    city_labour_tightness: float = param(
        1.0,
        min=0,
        max=10,
        unit="",
        role="uncertainty",
        source="assumption (vacancies per job seeker in the metropolis relative to normal; "
        "seed-notes Q70, SF24)",
        doc="the city's labour-market tightness: relocations into the town rise in proportion",
    )
    relocation_staff_min: int = param(
        20,
        min=1,
        max=5000,
        unit="jobs",
        role="uncertainty",
        source="assumption (a Mittelstand firm; seed-notes Q70)",
        doc="smallest staff of a relocating firm (uniform between min and max)",
    )
    relocation_staff_max: int = param(
        120,
        min=1,
        max=5000,
        unit="jobs",
        role="uncertainty",
        source="assumption (a Mittelstand firm; seed-notes Q70)",
        doc="largest staff of a relocating firm",
    )
    arrivals_jobs_elasticity: float = param(
        0.5,
        min=0,
        max=5,
        unit="",
        role="uncertainty",
        source="assumption (newcomers of working age follow local labour demand, seed-notes "
        "M-W1: partly, the rest of the jobs go to in-commuters; vary it)",
        doc="newcomer families and young adults x (employer jobs / initial employer jobs)^e; "
        "employer jobs: the other local jobs plus the manufacturers' staff",
    )
    job_growth_share: float = param(
        0.0,
        min=-0.9,
        max=5,
        unit="",
        role="lever",
        source="config (seed-notes SF6: +x % local jobs over 5 years)",
        doc="exogenous change of the town's local jobs (other jobs plus employers' staff at "
        "the start) over job_growth_years, added to the other local jobs in proportion",
    )
    job_growth_start_year: int = param(
        1, min=1, max=100, unit="", role="lever", source="config", doc="first year of the growth"
    )
    job_growth_years: int = param(
        5,
        min=1,
        max=100,
        unit="years",
        role="lever",
        source="config (seed-notes SF6)",
        doc="years over which job_growth_share is added, in equal steps",
    )

    def check(self, path: str) -> None:
        if self.relocation_staff_min > self.relocation_staff_max:
            raise ConfigError(
                f"{path}.relocation_staff_min",
                self.relocation_staff_min,
                f"at most relocation_staff_max ({self.relocation_staff_max})",
            )
