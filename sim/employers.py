"""Employers' fortunes: growth, shrinkage, closure and relocation as a stochastic process.

Once a year, after the shocks and before the services' accounts (ODD §3 phase 6, §7.7), for
each municipality:

- each manufacturer's staff grows or shrinks by a factor ``exp(economy.firm_growth_sd x z)``,
  z a standard normal keyed by the firm (decision ``employer_fortune``);
- the other local jobs of its places (``town.places[].jobs``: administration, trade, small
  firms) move by one common factor ``exp(economy.local_jobs_growth_sd x z)`` (``local_jobs``);
- with probability ``economy.major_closure_rate`` its largest manufacturer closes
  (``employer_closure``; seed-notes Q80);
- with probability ``economy.relocation_rate x economy.city_labour_tightness`` a firm moves
  in from the metropolis to escape its competition for skilled labour (``firm_relocation``;
  seed-notes Q70, SF24), unless a shock blocks new manufacturers;
- during the job-growth lever's years, ``economy.job_growth_share`` of the initial local jobs
  is added in equal steps to the other local jobs, in proportion to each place's (SF6).

Each source draws from its own keyed stream, so experiments can switch one on alone
(experiments/divergence.py). Jobs lost by shrinking or closing go to the service system's
list of lost jobs: their holders look for new work after the budget phase. Newcomer families
and young adults arrive in proportion to (employer jobs now / at the start) ^
``economy.arrivals_jobs_elasticity`` (:meth:`Employers.arrivals_factor`, sim/migration.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.config import ServiceType

if TYPE_CHECKING:
    from sim.agents.provider import Provider
    from sim.model import TownModel


class Employers:
    """The employers' yearly fortunes, closures, relocations and the job-growth lever.

    Attributes:
        initial_local_jobs: per municipality, local jobs (other jobs plus employers' staff)
            when the town was built.
        relocations: (year, place, staff) of every firm that moved in.
        closures: (year, place, staff) of every major employer that closed by chance.
    """

    def __init__(self, model: TownModel) -> None:
        self.model = model
        self.cfg = model.config.economy
        town = model.town
        self.home_municipality = town.municipality[town.home_places]
        jobs = town.jobs[town.home_places]
        self.initial_local_jobs = np.bincount(
            self.home_municipality, weights=jobs, minlength=town.n_municipalities
        )
        base = model.services.base_jobs[town.home_places]
        # The job-growth lever's share of a municipality's step for each place: its other jobs
        # at the start relative to its municipality's.
        base_total = np.bincount(
            self.home_municipality, weights=base, minlength=town.n_municipalities
        )
        self.growth_weight = base / np.maximum(base_total[self.home_municipality], 1e-9)
        self.initial_employer_jobs = self.employer_jobs()
        self.relocations: list[tuple[int, int, float]] = []
        self.closures: list[tuple[int, int, float]] = []

    def year(self, year: int, blocked: set[ServiceType]) -> None:
        """This year's fortunes, closures, relocations and lever (see the module docstring)."""
        self._fortunes(year)
        self._job_growth(year)
        self._closures(year)
        if ServiceType.manufacturer not in blocked:
            self._relocations(year)
        self.model.services.after_changes()

    # -- the sources ------------------------------------------------------------------------

    def _fortunes(self, year: int) -> None:
        cfg = self.cfg
        services = self.model.services
        streams = self.model.streams
        firms = self._manufacturers()
        if firms and cfg.firm_growth_sd > 0:
            keys = np.array([f.key for f in firms], dtype=np.int64)
            factor = np.exp(cfg.firm_growth_sd * streams.normal("employer_fortune", year, keys))
            for firm, f in zip(firms, factor.tolist(), strict=True):
                self._set_staff(firm, firm.staff * f)
        if cfg.local_jobs_growth_sd > 0:
            n = self.model.town.n_municipalities
            z = streams.normal("local_jobs", year, np.arange(n))
            factor = np.exp(cfg.local_jobs_growth_sd * z)[self.home_municipality]
            self._set_base(services.base_jobs[self.model.town.home_places] * factor)

    def _job_growth(self, year: int) -> None:
        cfg = self.cfg
        if cfg.job_growth_share == 0 or not (
            cfg.job_growth_start_year <= year < cfg.job_growth_start_year + cfg.job_growth_years
        ):
            return
        # This year's step per municipality, spread over its places as their initial jobs.
        step = cfg.job_growth_share * self.initial_local_jobs / cfg.job_growth_years
        added = step[self.home_municipality] * self.growth_weight
        base = self.model.services.base_jobs[self.model.town.home_places]
        self._set_base(np.maximum(base + added, 0.0))

    def _closures(self, year: int) -> None:
        if self.cfg.major_closure_rate <= 0:
            return
        n = self.model.town.n_municipalities
        u = self.model.streams.uniform("employer_closure", year, np.arange(n))
        for m in np.flatnonzero(u < self.cfg.major_closure_rate).tolist():
            firms = [f for f in self._manufacturers() if f.municipality == m]
            if not firms:
                continue
            largest = max(firms, key=lambda f: (f.staff, -f.unique_id))
            self.closures.append((year, largest.place, largest.staff))
            self.model.services.close(largest, "the employer closed (its market, its owners)")

    def _relocations(self, year: int) -> None:
        cfg = self.cfg
        chance = min(cfg.relocation_rate * cfg.city_labour_tightness, 1.0)
        if chance <= 0:
            return
        town = self.model.town
        streams = self.model.streams
        u = streams.uniform("firm_relocation", year, np.arange(town.n_municipalities))
        for m in np.flatnonzero(u < chance).tolist():
            places = town.home_places[self.home_municipality == m]
            weights = np.maximum(self.model.services.base_jobs[places], 1e-9)
            place = int(places[streams.choose("firm_relocation", year, places, 1, weights, 1)[0]])
            rng = self.model.generator("firm_relocation", m)
            staff = int(rng.integers(cfg.relocation_staff_min, cfg.relocation_staff_max + 1))
            self.model.services.open_provider(
                ServiceType.manufacturer,
                place,
                staff=staff,
                reason="relocated from the metropolis: less competition for skilled staff",
            )
            self.relocations.append((year, place, float(staff)))

    # -- helpers ----------------------------------------------------------------------------

    def _manufacturers(self) -> list[Provider]:
        return self.model.services.open_of(ServiceType.manufacturer)

    def _set_staff(self, firm: Provider, staff: float) -> None:
        """A firm's new staff; jobs lost go to the holders' job search."""
        staff = max(staff, 1.0)
        if staff < firm.staff:
            self.model.services.lose_jobs(firm.place, firm.staff - staff)
        firm.fixed_staff = staff
        firm.staff = staff

    def _set_base(self, base: np.ndarray) -> None:
        """The other local jobs at the home places; jobs lost go to the holders' job search."""
        services = self.model.services
        places = self.model.town.home_places
        lost = services.base_jobs[places] - base
        for place, jobs in zip(places.tolist(), lost.tolist(), strict=True):
            if jobs > 0:
                services.lose_jobs(place, jobs)
        services.base_jobs[places] = base

    def employer_jobs(self) -> np.ndarray:
        """Per municipality: the other local jobs plus the manufacturers' staff (the jobs this
        process moves; services' staff, which follow their users, are not counted)."""
        town = self.model.town
        jobs = np.bincount(
            self.home_municipality,
            weights=self.model.services.base_jobs[town.home_places],
            minlength=town.n_municipalities,
        )
        for firm in self._manufacturers():
            jobs[firm.municipality] += firm.staff
        return jobs

    def arrivals_factor(self, municipality: int) -> float:
        """Multiplier on newcomer families and young adults: (employer jobs now / at the start)
        ^ ``economy.arrivals_jobs_elasticity`` (1 while the employers' jobs are unchanged)."""
        start = self.initial_employer_jobs[municipality]
        if start <= 0:
            return 1.0
        ratio = max(self.employer_jobs()[municipality], 0.0) / start
        return float(ratio**self.cfg.arrivals_jobs_elasticity)

    @property
    def relocated_jobs(self) -> float:
        """Jobs brought by firms that moved in from the metropolis (at their arrival)."""
        return float(sum(staff for _, _, staff in self.relocations))
